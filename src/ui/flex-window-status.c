/* flex-window-status.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flex-window"

#include "config.h"

#include <glib/gi18n.h>

#include "flex-window-private.h"

/*
 * The agent's status at hand: a button in the header names the worker's
 * TaskRouter activity ("Available", "Break", …) as it is now — pushed by
 * EventBridge when the agent changes it in Flex — and its menu lists the
 * workspace's activities, as Flex does, to change it (win.set-activity, a
 * stateful action whose state is the activity's SID). A change TaskRouter
 * refuses (a call waiting for an answer) says why in a toast.
 */

static void
update_status (FlexWindow *self)
{
  const char *activity = self->session != NULL ? flex_session_get_activity (self->session) : NULL;
  const FlexWorker *worker = self->session != NULL ? flex_session_get_worker (self->session) : NULL;
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "set-activity");
  g_autofree char *tooltip = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->status_button), activity != NULL);
  if (activity == NULL)
    return;
  gtk_menu_button_set_label (self->status_button, activity);
  /* Translators: %s is the agent's status in Flex ("Available", "Break") */
  tooltip = g_strdup_printf (_ ("Your Status in Flex: %s"), activity);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->status_button), tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->status_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  if (worker != NULL && worker->activity_sid != NULL)
    g_simple_action_set_state (G_SIMPLE_ACTION (action),
                               g_variant_new_string (worker->activity_sid));
}

static void
on_activities (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (FlexWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) activities =
      flex_session_list_activities_finish (FLEX_SESSION (object), result, &error);

  if (activities == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *message =
              g_strdup_printf (_ ("Your statuses could not be read: %s"), error->message);

          flex_window_add_toast (self, message);
        }
      return;
    }
  g_menu_remove_all (self->status_menu);
  for (guint i = 0; i < activities->len; i++)
    {
      FlexActivity *activity = g_ptr_array_index (activities, i);
      g_autoptr (GMenuItem) item = g_menu_item_new (activity->name, NULL);

      g_menu_item_set_action_and_target_value (item, "win.set-activity",
                                               g_variant_new_string (activity->sid));
      g_menu_append_item (self->status_menu, item);
    }
}

/* The menu opens: the workspace's activities, read now (an administrator
 * may have added one). */
static void
on_status_menu_opened (FlexWindow *self)
{
  if (self->session == NULL)
    return;
  g_cancellable_cancel (self->status_cancellable);
  g_clear_object (&self->status_cancellable);
  self->status_cancellable = g_cancellable_new ();
  flex_session_list_activities_async (self->session, self->status_cancellable, on_activities,
                                      g_object_ref (self));
}

static void
on_activity_set (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (FlexWindow) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!flex_session_set_activity_finish (FLEX_SESSION (object), result, &error))
    {
      g_autofree char *message =
          g_strdup_printf (_ ("Your status was not changed: %s"), error->message);

      flex_window_add_toast (self, message);
    }
  update_status (self);
}

static void
set_activity_action (GSimpleAction *action, GVariant *state, gpointer user_data)
{
  FlexWindow *self = user_data;

  if (self->session == NULL)
    return;
  /* The state follows TaskRouter's answer, not the click. */
  flex_session_set_activity_async (self->session, g_variant_get_string (state, NULL), NULL,
                                   on_activity_set, g_object_ref (self));
}

void
_flex_window_init_status (FlexWindow *self)
{
  g_autoptr (GSimpleAction) action = g_simple_action_new_stateful (
      "set-activity", G_VARIANT_TYPE_STRING, g_variant_new_string (""));

  g_signal_connect_object (action, "change-state", G_CALLBACK (set_activity_action), self,
                           G_CONNECT_DEFAULT);
  g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (action));

  self->status_menu = g_menu_new ();
  self->status_button = GTK_MENU_BUTTON (gtk_menu_button_new ());
  gtk_menu_button_set_menu_model (self->status_button, G_MENU_MODEL (self->status_menu));
  gtk_widget_add_css_class (GTK_WIDGET (self->status_button), "flat");
  gtk_widget_set_visible (GTK_WIDGET (self->status_button), FALSE);
  g_signal_connect_object (gtk_menu_button_get_popover (self->status_button), "show",
                           G_CALLBACK (on_status_menu_opened), self, G_CONNECT_SWAPPED);
  adw_header_bar_pack_start (self->header_bar, GTK_WIDGET (self->status_button));

  if (self->session != NULL)
    g_signal_connect_object (self->session, "notify::activity", G_CALLBACK (update_status), self,
                             G_CONNECT_SWAPPED);
  update_status (self);
}

void
_flex_window_dispose_status (FlexWindow *self)
{
  g_cancellable_cancel (self->status_cancellable);
  g_clear_object (&self->status_cancellable);
  g_clear_object (&self->status_menu);
}
