/* flex-lock-status.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flex-lock-status"

#include "config.h"

#include "flex-lock-status.h"

/*
 * FlexLockStatus: an agent who walks away from a locked screen is not left
 * Available (Flex may bill per active hour, and calls would ring on an empty
 * desk). Off unless the "lock-activity" setting names an activity: when the
 * screen locks (org.gnome.ScreenSaver ActiveChanged) or the computer is
 * about to suspend (logind PrepareForSleep) the worker is set to it, and
 * when the screen is unlocked (or the computer wakes) set back to what it
 * was — only if the status is still the one set here (the agent or a
 * supervisor may have changed it meanwhile, which wins).
 */

struct _FlexLockStatus
{
  GObject parent_instance;

  FlexSession *session;
  GSettings *settings;
  GDBusConnection *session_bus;
  GDBusConnection *system_bus;
  guint screensaver_signal;
  guint sleep_signal;
  gboolean locked;
  char *set_sid;      /* the activity set at the lock, NULL: none */
  char *previous_sid; /* … and the one before it, to go back to */
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (FlexLockStatus, flex_lock_status, G_TYPE_OBJECT)

static const char *
current_sid (FlexLockStatus *self)
{
  const FlexWorker *worker = flex_session_get_worker (self->session);

  return worker != NULL ? worker->activity_sid : NULL;
}

static void
on_set (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (FlexLockStatus) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!flex_session_set_activity_finish (FLEX_SESSION (object), result, &error))
    g_message ("The status was not changed at the lock: %s", error->message);
}

static void
on_activities (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (FlexLockStatus) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) activities =
      flex_session_list_activities_finish (FLEX_SESSION (object), result, &error);
  g_autofree char *name = g_settings_get_string (self->settings, "lock-activity");

  if (activities == NULL || !self->locked)
    return;
  for (guint i = 0; i < activities->len; i++)
    {
      FlexActivity *activity = g_ptr_array_index (activities, i);

      if (g_str_equal (activity->name, name))
        {
          /* Already there (or further away, say Offline): nothing to undo. */
          if (g_strcmp0 (current_sid (self), activity->sid) == 0)
            return;
          g_free (self->previous_sid);
          self->previous_sid = g_strdup (current_sid (self));
          g_free (self->set_sid);
          self->set_sid = g_strdup (activity->sid);
          g_debug ("Locked: %s", activity->name);
          flex_session_set_activity_async (self->session, activity->sid, self->cancellable, on_set,
                                           g_object_ref (self));
          return;
        }
    }
  g_message ("No activity \"%s\" in the workspace: the status is left alone", name);
}

/**
 * flex_lock_status_set_locked:
 *
 * The screen locked (or the computer suspends), or unlocked (woke).
 */
void
flex_lock_status_set_locked (FlexLockStatus *self, gboolean locked)
{
  g_autofree char *name = NULL;
  const FlexWorker *worker;

  g_return_if_fail (FLEX_IS_LOCK_STATUS (self));

  if (self->locked == !!locked)
    return;
  self->locked = !!locked;
  if (locked)
    {
      name = g_settings_get_string (self->settings, "lock-activity");
      worker = flex_session_get_worker (self->session);
      /* Only an available agent is taken away from their calls. */
      if (*name == '\0' || worker == NULL || !worker->available)
        return;
      flex_session_list_activities_async (self->session, self->cancellable, on_activities,
                                          g_object_ref (self));
      return;
    }
  /* Back, if nobody changed the status meanwhile. */
  if (self->set_sid != NULL && self->previous_sid != NULL &&
      g_strcmp0 (current_sid (self), self->set_sid) == 0)
    {
      g_debug ("Unlocked: back to %s", self->previous_sid);
      flex_session_set_activity_async (self->session, self->previous_sid, self->cancellable, on_set,
                                       g_object_ref (self));
    }
  g_clear_pointer (&self->set_sid, g_free);
  g_clear_pointer (&self->previous_sid, g_free);
}

static void
on_screensaver (GDBusConnection *connection,
                const char *sender,
                const char *path,
                const char *interface,
                const char *signal,
                GVariant *parameters,
                gpointer user_data)
{
  gboolean active = FALSE;

  if (g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(b)")))
    {
      g_variant_get (parameters, "(b)", &active);
      flex_lock_status_set_locked (user_data, active);
    }
}

static void
flex_lock_status_dispose (GObject *object)
{
  FlexLockStatus *self = FLEX_LOCK_STATUS (object);

  g_cancellable_cancel (self->cancellable);
  if (self->session_bus != NULL && self->screensaver_signal != 0)
    g_dbus_connection_signal_unsubscribe (self->session_bus, self->screensaver_signal);
  if (self->system_bus != NULL && self->sleep_signal != 0)
    g_dbus_connection_signal_unsubscribe (self->system_bus, self->sleep_signal);
  self->screensaver_signal = self->sleep_signal = 0;
  g_clear_object (&self->session_bus);
  g_clear_object (&self->system_bus);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->session);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (flex_lock_status_parent_class)->dispose (object);
}

static void
flex_lock_status_finalize (GObject *object)
{
  FlexLockStatus *self = FLEX_LOCK_STATUS (object);

  g_free (self->set_sid);
  g_free (self->previous_sid);

  G_OBJECT_CLASS (flex_lock_status_parent_class)->finalize (object);
}

static void
flex_lock_status_class_init (FlexLockStatusClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = flex_lock_status_dispose;
  object_class->finalize = flex_lock_status_finalize;
}

static void
flex_lock_status_init (FlexLockStatus *self)
{
  self->cancellable = g_cancellable_new ();
}

/**
 * flex_lock_status_new:
 * @settings: the application's root settings ("lock-activity")
 *
 * Follows the screen lock (session bus) and suspend (system bus, when
 * there is one) for @session's worker.
 */
FlexLockStatus *
flex_lock_status_new (FlexSession *session, GSettings *settings)
{
  FlexLockStatus *self;

  g_return_val_if_fail (FLEX_IS_SESSION (session), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (FLEX_TYPE_LOCK_STATUS, NULL);
  self->session = g_object_ref (session);
  self->settings = g_object_ref (settings);
  self->session_bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  if (self->session_bus != NULL)
    self->screensaver_signal = g_dbus_connection_signal_subscribe (
        self->session_bus, "org.gnome.ScreenSaver", "org.gnome.ScreenSaver", "ActiveChanged",
        "/org/gnome/ScreenSaver", NULL, G_DBUS_SIGNAL_FLAGS_NONE, on_screensaver, self, NULL);
  /* Suspend: the same as a lock, and waking the same as unlocking. */
  self->system_bus = g_bus_get_sync (G_BUS_TYPE_SYSTEM, NULL, NULL);
  if (self->system_bus != NULL)
    self->sleep_signal = g_dbus_connection_signal_subscribe (
        self->system_bus, "org.freedesktop.login1", "org.freedesktop.login1.Manager",
        "PrepareForSleep", "/org/freedesktop/login1", NULL, G_DBUS_SIGNAL_FLAGS_NONE,
        on_screensaver, self, NULL);
  return self;
}
