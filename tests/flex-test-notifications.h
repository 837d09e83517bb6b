/* flex-test-notifications.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "flex-test-util.h"

/*
 * A stand-in notification server on the test's own session bus
 * (org.gtk.Notifications, which GLib's "gtk" backend speaks: set
 * GNOTIFICATION_BACKEND=gtk before the application registers). It records
 * each AddNotification (title, body, priority, actions, buttons, when) and
 * RemoveNotification.
 */

static const char server_xml[] =
    "<node>"
    "  <interface name='org.gtk.Notifications'>"
    "    <method name='AddNotification'>"
    "      <arg type='s' direction='in'/><arg type='s' direction='in'/>"
    "      <arg type='a{sv}' direction='in'/>"
    "    </method>"
    "    <method name='RemoveNotification'>"
    "      <arg type='s' direction='in'/><arg type='s' direction='in'/>"
    "    </method>"
    "  </interface>"
    "</node>";

typedef struct
{
  char *id;
  char *title;
  char *body;
  char *priority;
  char *default_action;
  char *default_target;
  char *buttons; /* "label=action(target)|…" */
  gint64 at_us;
} Shown;

static inline void
shown_free (Shown *shown)
{
  g_free (shown->id);
  g_free (shown->title);
  g_free (shown->body);
  g_free (shown->priority);
  g_free (shown->default_action);
  g_free (shown->default_target);
  g_free (shown->buttons);
  g_free (shown);
}

typedef struct
{
  GDBusConnection *bus;
  guint owner;
  guint object;
  gboolean owned;
  GPtrArray *added;   /* Shown */
  GPtrArray *removed; /* ids */
} NotificationServer;

static inline char *
target_text (GVariant *target)
{
  if (target == NULL)
    return NULL;
  if (g_variant_is_of_type (target, G_VARIANT_TYPE_VARIANT))
    {
      g_autoptr (GVariant) inner = g_variant_get_variant (target);

      return target_text (inner);
    }
  if (g_variant_is_of_type (target, G_VARIANT_TYPE_STRING))
    return g_variant_dup_string (target, NULL);
  return g_variant_print (target, FALSE);
}

static inline void
on_method (GDBusConnection *connection,
           const char *sender,
           const char *path,
           const char *interface,
           const char *method,
           GVariant *parameters,
           GDBusMethodInvocation *invocation,
           gpointer user_data)
{
  NotificationServer *fixture = user_data;

  if (g_str_equal (method, "AddNotification"))
    {
      const char *app_id, *id;
      g_autoptr (GVariant) notification = NULL;
      g_autoptr (GVariant) buttons = NULL;
      g_autoptr (GVariant) target = NULL;
      Shown *shown = g_new0 (Shown, 1);
      GString *labels = g_string_new (NULL);

      g_variant_get (parameters, "(&s&s@a{sv})", &app_id, &id, &notification);
      shown->id = g_strdup (id);
      shown->at_us = g_get_monotonic_time ();
      g_variant_lookup (notification, "title", "s", &shown->title);
      g_variant_lookup (notification, "body", "s", &shown->body);
      g_variant_lookup (notification, "priority", "s", &shown->priority);
      g_variant_lookup (notification, "default-action", "s", &shown->default_action);
      target = g_variant_lookup_value (notification, "default-action-target", NULL);
      shown->default_target = target_text (target);
      buttons = g_variant_lookup_value (notification, "buttons", G_VARIANT_TYPE ("aa{sv}"));
      for (gsize i = 0; buttons != NULL && i < g_variant_n_children (buttons); i++)
        {
          g_autoptr (GVariant) button = g_variant_get_child_value (buttons, i);
          g_autoptr (GVariant) button_target = g_variant_lookup_value (button, "target", NULL);
          g_autofree char *label = NULL;
          g_autofree char *action = NULL;
          g_autofree char *text = target_text (button_target);

          g_variant_lookup (button, "label", "s", &label);
          g_variant_lookup (button, "action", "s", &action);
          g_string_append_printf (labels, "%s%s=%s(%s)", i > 0 ? "|" : "", label, action,
                                  text != NULL ? text : "");
        }
      shown->buttons = g_string_free (labels, FALSE);
      g_ptr_array_add (fixture->added, shown);
    }
  else if (g_str_equal (method, "RemoveNotification"))
    {
      const char *app_id, *id;

      g_variant_get (parameters, "(&s&s)", &app_id, &id);
      g_ptr_array_add (fixture->removed, g_strdup (id));
    }
  g_dbus_method_invocation_return_value (invocation, NULL);
}

static const GDBusInterfaceVTable vtable = { on_method, NULL, NULL, { 0 } };

static inline void
on_name_acquired (GDBusConnection *connection, const char *name, gpointer user_data)
{
  ((NotificationServer *) user_data)->owned = TRUE;
}

static inline NotificationServer *
notification_server_start (void)
{
  NotificationServer *server = g_new0 (NotificationServer, 1);
  g_autoptr (GError) error = NULL;
  g_autoptr (GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (server_xml, &error);

  g_assert_no_error (error);
  server->added = g_ptr_array_new_with_free_func ((GDestroyNotify) shown_free);
  server->removed = g_ptr_array_new_with_free_func (g_free);
  server->bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  server->object = g_dbus_connection_register_object (
      server->bus, "/org/gtk/Notifications", info->interfaces[0], &vtable, server, NULL, &error);
  g_assert_no_error (error);
  server->owner = g_bus_own_name_on_connection (server->bus, "org.gtk.Notifications",
                                                G_BUS_NAME_OWNER_FLAGS_NONE, on_name_acquired, NULL,
                                                server, NULL);
  FLEX_TEST_WAIT_FOR (server->owned, 5000);
  return server;
}

static inline void
notification_server_stop (NotificationServer *server)
{
  g_dbus_connection_unregister_object (server->bus, server->object);
  g_bus_unown_name (server->owner);
  g_clear_object (&server->bus);
  g_ptr_array_unref (server->added);
  g_ptr_array_unref (server->removed);
  g_free (server);
}
