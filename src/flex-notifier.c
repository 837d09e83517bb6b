/* flex-notifier.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flex-notifier"

#include "config.h"

#include "flex-notifier.h"

#include <glib/gi18n.h>

#include "flex-phone.h"
#include "flex-window.h"

/*
 * FlexNotifier: incoming work as desktop notifications (GNotification: the
 * desktop decides sound, banners and Do Not Disturb; a notification is
 * never throttled the way a background browser tab is).
 *
 * A reservation that rings is one notification, "incoming-WR…": "Incoming
 * call from Amelia Watson", the number and queue below, high priority for a
 * call; its default action brings the window forward, its button rejects
 * the reservation through TaskRouter. When the reservation ends anywhere it
 * is withdrawn; one that timed out on this agent becomes "Missed call from
 * …" ("missed-WR…") with Call Back, which is app.dial: the confirmation
 * every call has.
 */

struct _FlexNotifier
{
  GObject parent_instance;

  GApplication *application; /* weak: it owns us (a reply may come after it is gone) */
  FlexIncoming *incoming;
  FlexSession *session;
  GHashTable *shown; /* notification ids shown and not withdrawn */
};

G_DEFINE_FINAL_TYPE (FlexNotifier, flex_notifier, G_TYPE_OBJECT)

static char *
notification_id (const char *kind, const char *reservation_sid)
{
  return g_strconcat (kind, "-", reservation_sid, NULL);
}

/* "Incoming call from %s", "New WhatsApp message from %s", … */
static char *
ring_title (const FlexIncomingCall *call)
{
  const char *channel = call->channel != NULL ? call->channel : "";

  if (flex_incoming_call_is_voice (call))
    /* Translators: %s is who calls: a contact's name or a number */
    return g_strdup_printf (_ ("Incoming call from %s"), call->caller);
  if (g_str_equal (channel, "whatsapp"))
    return g_strdup_printf (_ ("New WhatsApp message from %s"), call->caller);
  if (g_str_equal (channel, "sms"))
    return g_strdup_printf (_ ("New text message from %s"), call->caller);
  if (g_str_equal (channel, "web") || g_str_equal (channel, "chat"))
    return g_strdup_printf (_ ("New chat from %s"), call->caller);
  return g_strdup_printf (_ ("New task from %s"), call->caller);
}

static char *
missed_title (const FlexIncomingCall *call)
{
  const char *channel = call->channel != NULL ? call->channel : "";

  if (flex_incoming_call_is_voice (call))
    /* Translators: %s is who called: a contact's name or a number */
    return g_strdup_printf (_ ("Missed call from %s"), call->caller);
  if (g_str_equal (channel, "whatsapp"))
    return g_strdup_printf (_ ("Missed WhatsApp message from %s"), call->caller);
  if (g_str_equal (channel, "sms"))
    return g_strdup_printf (_ ("Missed text message from %s"), call->caller);
  return g_strdup_printf (_ ("Missed chat from %s"), call->caller);
}

/* The number (as the lists show it) when the title shows a name, and the
 * queue. */
static char *
body_of (FlexNotifier *self, const FlexIncomingCall *call)
{
  const FlexConfiguration *configuration = flex_session_get_configuration (self->session);
  g_autofree char *number = NULL;
  GString *body = g_string_new (NULL);

  if (call->number != NULL)
    number = flex_phone_format (call->number, FLEX_PHONE_FORMAT_INTERNATIONAL,
                                configuration != NULL ? configuration->outbound_location : NULL);
  if (number != NULL && g_strcmp0 (number, call->caller) != 0)
    g_string_append (body, number);
  if (call->queue != NULL)
    {
      if (body->len > 0)
        g_string_append (body, " · ");
      /* Translators: %s is a TaskRouter queue's name */
      g_string_append_printf (body, _ ("%s queue"), call->queue);
    }
  return g_string_free (body, FALSE);
}

static void
on_ring (FlexIncoming *incoming, const FlexIncomingCall *call, FlexNotifier *self)
{
  g_autofree char *id = notification_id ("incoming", call->reservation_sid);
  g_autofree char *title = ring_title (call);
  g_autofree char *body = body_of (self, call);
  g_autoptr (GNotification) notification = g_notification_new (title);
  if (self->application == NULL)
    return;

  if (*body != '\0')
    g_notification_set_body (notification, body);
  g_notification_set_priority (notification, flex_incoming_call_is_voice (call)
                                                 ? G_NOTIFICATION_PRIORITY_HIGH
                                                 : G_NOTIFICATION_PRIORITY_NORMAL);
  g_notification_set_default_action_and_target (notification, "app.show-incoming", "s",
                                                call->reservation_sid);
  g_notification_add_button_with_target (notification, _ ("Reject"), "app.reject-reservation", "s",
                                         call->reservation_sid);
  g_debug ("Notify %s: %s (%s)", id, title, body);
  g_application_send_notification (self->application, id, notification);
  g_hash_table_add (self->shown, g_steal_pointer (&id));
}

static void
on_withdraw (FlexIncoming *incoming, const char *reservation_sid, FlexNotifier *self)
{
  g_autofree char *id = notification_id ("incoming", reservation_sid);

  if (g_hash_table_remove (self->shown, id) && self->application != NULL)
    {
      g_debug ("Withdraw %s", id);
      g_application_withdraw_notification (self->application, id);
    }
}

static void
on_missed (FlexIncoming *incoming, const FlexIncomingCall *call, FlexNotifier *self)
{
  g_autofree char *id = notification_id ("missed", call->reservation_sid);
  g_autofree char *title = missed_title (call);
  g_autofree char *body = body_of (self, call);
  g_autoptr (GNotification) notification = g_notification_new (title);
  if (self->application == NULL)
    return;

  if (*body != '\0')
    g_notification_set_body (notification, body);
  /* Call Back: the same confirmation as every call. */
  if (call->number != NULL && flex_incoming_call_is_voice (call))
    g_notification_add_button_with_target (notification, _ ("Call Back"), "app.dial", "s",
                                           call->number);
  g_debug ("Notify %s: %s (%s)", id, title, body);
  g_application_send_notification (self->application, id, notification);
  g_hash_table_add (self->shown, g_steal_pointer (&id));
}

static void
on_rejected (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (FlexNotifier) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!flex_incoming_reject_finish (FLEX_INCOMING (object), result, &error) &&
      self->application != NULL)
    {
      g_autoptr (GNotification) notification =
          g_notification_new (_ ("The call could not be rejected"));

      g_notification_set_body (notification, error->message);
      g_application_send_notification (self->application, "reject-failed", notification);
    }
}

static void
reject_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  FlexNotifier *self = user_data;

  flex_incoming_reject_async (self->incoming, g_variant_get_string (parameter, NULL), NULL,
                              on_rejected, g_object_ref (self));
}

/* The notification clicked: the window comes forward (answering is in
 * Flex, where the softphone is). */
static void
show_incoming_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  FlexNotifier *self = user_data;
  const FlexIncomingCall *call =
      flex_incoming_lookup (self->incoming, g_variant_get_string (parameter, NULL));
  GtkWindow *window;

  if (self->application == NULL)
    return;
  g_application_activate (self->application);
  /* The window says it again, and where to answer. */
  window = GTK_IS_APPLICATION (self->application)
               ? gtk_application_get_active_window (GTK_APPLICATION (self->application))
               : NULL;
  if (call != NULL && FLEX_IS_WINDOW (window))
    {
      g_autofree char *title = ring_title (call);
      /* Translators: %s is "Incoming call from Amelia Watson" or the like */
      g_autofree char *text = g_strdup_printf (_ ("%s — answer it in Flex"), title);

      flex_window_add_toast (FLEX_WINDOW (window), text);
    }
}

static const GActionEntry actions[] = {
  { "reject-reservation", reject_action, "s" },
  { "show-incoming", show_incoming_action, "s" },
};

static void
flex_notifier_dispose (GObject *object)
{
  FlexNotifier *self = FLEX_NOTIFIER (object);

  if (self->incoming != NULL)
    g_signal_handlers_disconnect_by_data (self->incoming, self);
  /* Nothing rings for a session that is gone. */
  if (self->application != NULL && self->shown != NULL)
    {
      GHashTableIter iter;
      gpointer id;

      g_hash_table_iter_init (&iter, self->shown);
      while (g_hash_table_iter_next (&iter, &id, NULL))
        if (g_str_has_prefix (id, "incoming-"))
          g_application_withdraw_notification (self->application, id);
      for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
        g_action_map_remove_action (G_ACTION_MAP (self->application), actions[i].name);
    }
  g_clear_pointer (&self->shown, g_hash_table_unref);
  g_clear_object (&self->incoming);
  g_clear_object (&self->session);
  g_clear_weak_pointer (&self->application);

  G_OBJECT_CLASS (flex_notifier_parent_class)->dispose (object);
}

static void
flex_notifier_class_init (FlexNotifierClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = flex_notifier_dispose;
}

static void
flex_notifier_init (FlexNotifier *self)
{
  self->shown = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/**
 * flex_notifier_new:
 * @application: the application whose notifications and actions these are
 *
 * Shows @incoming's work as notifications of @application, and adds its
 * app.reject-reservation and app.show-incoming actions.
 */
FlexNotifier *
flex_notifier_new (GApplication *application, FlexIncoming *incoming, FlexSession *session)
{
  FlexNotifier *self;

  g_return_val_if_fail (G_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (FLEX_IS_INCOMING (incoming), NULL);
  g_return_val_if_fail (FLEX_IS_SESSION (session), NULL);

  self = g_object_new (FLEX_TYPE_NOTIFIER, NULL);
  g_set_weak_pointer (&self->application, application);
  self->incoming = g_object_ref (incoming);
  self->session = g_object_ref (session);
  g_action_map_add_action_entries (G_ACTION_MAP (application), actions, G_N_ELEMENTS (actions),
                                   self);
  g_signal_connect (incoming, "ring", G_CALLBACK (on_ring), self);
  g_signal_connect (incoming, "withdraw", G_CALLBACK (on_withdraw), self);
  g_signal_connect (incoming, "missed", G_CALLBACK (on_missed), self);
  return self;
}

FlexIncoming *
flex_notifier_get_incoming (FlexNotifier *self)
{
  g_return_val_if_fail (FLEX_IS_NOTIFIER (self), NULL);
  return self->incoming;
}
