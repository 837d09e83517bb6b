/* test-notify.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "flex-emulator.h"
#include "flex-notifier.h"
#include "flex-sandbox.h"
#include "flex-test-util.h"

/*
 * Incoming work reaches the desktop: a stand-in notification server on the
 * test's own session bus (org.gtk.Notifications, GLib's "gtk" backend)
 * records what the app asks of it — the sandbox rings the demo agent, and
 * the notification's title, body, priority, buttons and withdrawal are read
 * from the D-Bus calls.
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

static void
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

  GApplication *application;
  FlexSandbox *sandbox;
  FlexEmulator *emulator;
  FlexIncoming *incoming;
  FlexNotifier *notifier;
} Fixture;

static char *
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

static void
on_method (GDBusConnection *connection,
           const char *sender,
           const char *path,
           const char *interface,
           const char *method,
           GVariant *parameters,
           GDBusMethodInvocation *invocation,
           gpointer user_data)
{
  Fixture *fixture = user_data;

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

static void
on_name_acquired (GDBusConnection *connection, const char *name, gpointer user_data)
{
  ((Fixture *) user_data)->owned = TRUE;
}

static void
on_loaded (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_assert_true (flex_session_load_finish (FLEX_SESSION (object), result, NULL));
  *(gboolean *) user_data = TRUE;
}

static void
fixture_setup (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (server_xml, &error);
  g_autoptr (FlexFeatureConfig) config = flex_feature_config_new ();
  FlexSession *session;
  gboolean loaded = FALSE;

  g_assert_no_error (error);
  fixture->added = g_ptr_array_new_with_free_func ((GDestroyNotify) shown_free);
  fixture->removed = g_ptr_array_new_with_free_func (g_free);
  fixture->bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  fixture->object = g_dbus_connection_register_object (
      fixture->bus, "/org/gtk/Notifications", info->interfaces[0], &vtable, fixture, NULL, &error);
  g_assert_no_error (error);
  fixture->owner = g_bus_own_name_on_connection (fixture->bus, "org.gtk.Notifications",
                                                 G_BUS_NAME_OWNER_FLAGS_NONE, on_name_acquired,
                                                 NULL, fixture, NULL);
  FLEX_TEST_WAIT_FOR (fixture->owned, 5000);

  fixture->application =
      g_application_new ("io.github.flexcontacts.TestNotify", G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (fixture->application, NULL, &error));
  g_assert_no_error (error);

  fixture->sandbox = flex_sandbox_new (config, &error);
  g_assert_no_error (error);
  fixture->emulator = flex_sandbox_get_emulator (fixture->sandbox);
  session = flex_sandbox_get_session (fixture->sandbox);
  flex_session_load_async (session, NULL, on_loaded, &loaded);
  FLEX_TEST_WAIT_FOR (loaded, 10000);
  FLEX_TEST_WAIT_FOR (flex_directory_get_loaded (flex_session_get_personal (session)) &&
                          flex_directory_get_loaded (flex_session_get_shared (session)) &&
                          flex_directory_get_loaded (flex_session_get_recents (session)),
                      10000);
  fixture->incoming = flex_sandbox_new_incoming (fixture->sandbox);
  fixture->notifier = flex_notifier_new (fixture->application, fixture->incoming, session);
  flex_incoming_start (fixture->incoming);
  FLEX_TEST_WAIT_FOR (
      flex_event_bridge_get_connected (flex_incoming_get_bridge (fixture->incoming)), 10000);
}

static void
fixture_teardown (Fixture *fixture, gconstpointer data)
{
  g_clear_object (&fixture->notifier);
  g_clear_object (&fixture->incoming);
  g_clear_object (&fixture->sandbox);
  g_clear_object (&fixture->application);
  g_dbus_connection_unregister_object (fixture->bus, fixture->object);
  g_bus_unown_name (fixture->owner);
  g_clear_object (&fixture->bus);
  g_ptr_array_unref (fixture->added);
  g_ptr_array_unref (fixture->removed);
  flex_test_spin (50);
}

static Shown *
wait_added (Fixture *fixture, guint n)
{
  FLEX_TEST_WAIT_FOR (fixture->added->len >= n, 10000);
  return g_ptr_array_index (fixture->added, n - 1);
}

/* A call from a contact: named, with the number and the queue, high
 * priority, Reject; accepted in Flex, the notification goes. */
static void
test_ring_notifies_and_withdraws (Fixture *fixture, gconstpointer data)
{
  g_autofree char *task = flex_emulator_ring (fixture->emulator, "+13125550142", NULL, "voice");
  Shown *shown = wait_added (fixture, 1);
  const char *reservation = flex_emulator_get_reservation (fixture->emulator, task, NULL);
  g_autofree char *id = g_strconcat ("incoming-", reservation, NULL);
  g_autofree char *buttons = g_strdup_printf ("Reject=app.reject-reservation(%s)", reservation);

  g_assert_cmpstr (shown->id, ==, id);
  g_assert_cmpstr (shown->title, ==, "Incoming call from Amelia Watson");
  g_assert_true (g_str_has_prefix (shown->body, "+1 312-555-0142 · "));
  g_assert_true (g_str_has_suffix (shown->body, " queue"));
  g_assert_cmpstr (shown->priority, ==, "high");
  g_assert_cmpstr (shown->default_action, ==, "app.show-incoming");
  g_assert_cmpstr (shown->default_target, ==, reservation);
  g_assert_cmpstr (shown->buttons, ==, buttons);

  flex_emulator_set_reservation_status (fixture->emulator, reservation, "accepted");
  FLEX_TEST_WAIT_FOR (fixture->removed->len == 1, 10000);
  g_assert_cmpstr (g_ptr_array_index (fixture->removed, 0), ==, id);
  flex_test_spin (200);
  g_assert_cmpuint (fixture->added->len, ==, 1);
}

/* A message: its own wording, normal priority. */
static void
test_whatsapp_wording (Fixture *fixture, gconstpointer data)
{
  g_autofree char *task =
      flex_emulator_ring (fixture->emulator, "whatsapp:+13125550187", NULL, "whatsapp");
  Shown *shown = wait_added (fixture, 1);

  g_assert_cmpstr (shown->title, ==, "New WhatsApp message from Dana Kowalski");
  g_assert_cmpstr (shown->priority, ==, "normal");
}

/* Timed out on this agent: withdrawn, then a missed call whose Call Back is
 * app.dial with the number (the usual confirmation). */
static void
test_missed_call_back (Fixture *fixture, gconstpointer data)
{
  g_autofree char *task = NULL;
  Shown *missed;

  flex_emulator_set_reservation_timeout (fixture->emulator, 1);
  task = flex_emulator_ring (fixture->emulator, "+13125550187", NULL, "voice");
  wait_added (fixture, 1);
  missed = wait_added (fixture, 2);
  g_assert_cmpuint (fixture->removed->len, ==, 1);
  g_assert_true (g_str_has_prefix (missed->id, "missed-"));
  g_assert_cmpstr (missed->title, ==, "Missed call from Dana Kowalski");
  g_assert_cmpstr (missed->buttons, ==, "Call Back=app.dial(+13125550187)");
}

/* Reject, as the notification's button activates it. */
static void
test_reject_button (Fixture *fixture, gconstpointer data)
{
  g_autofree char *task = flex_emulator_ring (fixture->emulator, "+13125552000", NULL, "voice");
  const char *reservation;
  const char *status = NULL;

  g_assert_cmpstr (wait_added (fixture, 1)->title, ==, "Incoming call from Billing Desk");
  reservation = flex_emulator_get_reservation (fixture->emulator, task, NULL);
  g_action_group_activate_action (G_ACTION_GROUP (fixture->application), "reject-reservation",
                                  g_variant_new_string (reservation));
  FLEX_TEST_WAIT_FOR (fixture->removed->len == 1, 10000);
  flex_emulator_get_reservation (fixture->emulator, task, &status);
  g_assert_cmpstr (status, ==, "rejected");
}

/* Signed out (the notifier goes): a call still ringing is withdrawn, and
 * the actions go with it. */
static void
test_gone_withdraws (Fixture *fixture, gconstpointer data)
{
  g_autofree char *task = flex_emulator_ring (fixture->emulator, "+13125550142", NULL, "voice");

  wait_added (fixture, 1);
  g_clear_object (&fixture->notifier);
  FLEX_TEST_WAIT_FOR (fixture->removed->len == 1, 10000);
  g_assert_false (
      g_action_group_has_action (G_ACTION_GROUP (fixture->application), "reject-reservation"));
}

int
main (int argc, char *argv[])
{
  /* GLib's notifications through org.gtk.Notifications: our stand-in. */
  g_setenv ("GNOTIFICATION_BACKEND", "gtk", TRUE);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/notify/ring-notifies-and-withdraws", test_ring_notifies_and_withdraws);
  ADD ("/notify/whatsapp-wording", test_whatsapp_wording);
  ADD ("/notify/missed-call-back", test_missed_call_back);
  ADD ("/notify/reject-button", test_reject_button);
  ADD ("/notify/gone-withdraws", test_gone_withdraws);
#undef ADD

  return g_test_run ();
}
