/* flex-window-call.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flex-window"

#include "config.h"

#include <glib/gi18n.h>

#include "flex-call-watch.h"
#include "flex-dialer.h"
#include "flex-toast.h"
#include "flex-window-private.h"

/* Calling: every call (row buttons, the dial pad, tel: links, --dial) goes
 * through win.call, which asks for confirmation, then FlexDialer. */

typedef struct
{
  FlexWindow *window;
  FlexCallRequest *request;
} CallData;

static void
call_data_free (CallData *data)
{
  g_object_unref (data->window);
  flex_call_request_free (data->request);
  g_free (data);
}

/* Following the request: a toast (a desktop notification when the window
 * is not in front) says whether Flex took it, with Try Again when not. */

static void
on_call_toast_cancel (FlexWindow *self)
{
  if (self->call_watch != NULL)
    flex_call_watch_cancel (self->call_watch);
}

static void
on_call_try_again (FlexWindow *self)
{
  g_autofree char *number = g_strdup (self->call_number);
  g_autofree char *name = g_strdup (self->call_name);

  if (number != NULL)
    flex_window_call (self, number, name);
}

static void
say_call_outcome (FlexWindow *self, const char *title, gboolean try_again)
{
  GApplication *app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  AdwToast *toast;

  if (_flex_window_is_hidden (self) && app != NULL)
    {
      g_autoptr (GNotification) notification = g_notification_new (title);

      _flex_window_remember_said (self, title);
      if (try_again && self->call_number != NULL)
        g_notification_add_button_with_target (notification, _ ("Try Again"), "app.dial", "s",
                                               self->call_number);
      g_application_send_notification (app, "call", notification);
      return;
    }
  toast = _flex_window_toast_new (self, title);
  /* News of the call: in front of whatever toast shows. */
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  if (try_again)
    {
      adw_toast_set_button_label (toast, _ ("_Try Again"));
      g_signal_connect_object (toast, "button-clicked", G_CALLBACK (on_call_try_again), self,
                               G_CONNECT_SWAPPED);
    }
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
on_call_state (FlexCallWatch *watch, GParamSpec *pspec, FlexWindow *self)
{
  g_autofree char *title = NULL;

  if (watch != self->call_watch)
    return;
  if (self->call_toast != NULL)
    {
      adw_toast_dismiss (self->call_toast);
      g_clear_object (&self->call_toast);
    }
  switch (flex_call_watch_get_state (watch))
    {
      case FLEX_CALL_TAKEN:
        /* TRANSLATORS: %s is who is called, a name or a number */
        title = g_strdup_printf (_ ("Flex is calling %s"), self->call_who);
        say_call_outcome (self, title, FALSE);
        break;
      case FLEX_CALL_NOT_TAKEN:
        say_call_outcome (
            self, _ ("Flex did not take the call — is Flex open and are you available?"), TRUE);
        break;
      case FLEX_CALL_CANCELED:
        say_call_outcome (self, _ ("Call request canceled"), FALSE);
        break;
      case FLEX_CALL_WAITING:
      default:
        break;
    }
}

static void
follow_call (FlexWindow *self, const char *task_sid, CallData *data)
{
  const FlexConfiguration *configuration = flex_session_get_configuration (self->session);
  g_autofree char *title = NULL;

  if (configuration == NULL || configuration->workspace_sid == NULL)
    return;
  if (self->call_watch != NULL)
    g_signal_handlers_disconnect_by_data (self->call_watch, self);
  g_clear_object (&self->call_watch);
  if (self->call_toast != NULL)
    adw_toast_dismiss (self->call_toast);
  g_clear_object (&self->call_toast);
  g_free (self->call_number);
  g_free (self->call_name);
  g_free (self->call_who);
  self->call_number = g_strdup (data->request->number);
  self->call_name = g_strdup (data->request->name);
  self->call_who = g_strdup (data->request->who);

  self->call_watch =
      flex_call_watch_new (flex_session_get_client (self->session), configuration->workspace_sid,
                           task_sid, FLEX_DIAL_TASK_TIMEOUT_S);
  g_signal_connect_object (self->call_watch, "notify::state", G_CALLBACK (on_call_state), self,
                           G_CONNECT_DEFAULT);
  flex_call_watch_start (self->call_watch);

  /* While it waits: what happens, and Cancel. */
  title = g_strdup_printf (_ ("Calling %s: waiting for Flex to take it"), data->request->who);
  self->call_toast = g_object_ref (_flex_window_toast_new (self, title));
  adw_toast_set_timeout (self->call_toast, 0);
  adw_toast_set_button_label (self->call_toast, _ ("_Cancel"));
  g_signal_connect_object (self->call_toast, "button-clicked", G_CALLBACK (on_call_toast_cancel),
                           self, G_CONNECT_SWAPPED);
  adw_toast_overlay_add_toast (self->toast_overlay, g_object_ref (self->call_toast));
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CallData, call_data_free)

static void
on_dialled (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CallData) data = user_data;
  FlexWindow *self = data->window;
  g_autoptr (GError) error = NULL;
  g_autofree char *task_sid = NULL;
  g_autofree char *message = NULL;

  task_sid = flex_dialer_dial_finish (FLEX_DIALER (object), result, &error);
  if (task_sid == NULL)
    {
      if (g_error_matches (error, FLEX_DIAL_ERROR, FLEX_DIAL_ERROR_OFFLINE) ||
          g_error_matches (error, FLEX_DIAL_ERROR, FLEX_DIAL_ERROR_DISABLED) ||
          g_error_matches (error, FLEX_DIAL_ERROR, FLEX_DIAL_ERROR_BUSY))
        message = g_strdup (error->message);
      else if (g_error_matches (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_NETWORK) ||
               g_error_matches (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_TIMEOUT))
        /* Offline: the lists still work, calls cannot. */
        message = g_strdup (_ ("Calling needs Flex, and Twilio cannot be reached right now; "
                               "try again when you are back online"));
      else
        message = g_strdup_printf (_ ("Could not request the call: %s"), error->message);
    }
  else if (!gtk_widget_in_destruction (GTK_WIDGET (self)))
    {
      follow_call (self, task_sid, data);
      return;
    }

  if (!gtk_widget_in_destruction (GTK_WIDGET (self)))
    flex_window_add_toast (self, message);
}

static void
on_call_response (AdwMessageDialog *dialog, const char *response, FlexWindow *self)
{
  const FlexCallRequest *request = g_object_get_data (G_OBJECT (dialog), "flex-request");
  CallData *data;

  if (self->call_dialog == dialog)
    self->call_dialog = NULL;
  if (g_strcmp0 (response, "call") != 0 || self->dialer == NULL || request == NULL)
    return;

  data = g_new0 (CallData, 1);
  data->window = g_object_ref (self);
  data->request = flex_call_request_copy (request);
  flex_dialer_dial_request_async (self->dialer, data->request, NULL, on_dialled, data);
}

/**
 * flex_window_call:
 * @number: the number, as stored or typed
 * @name: (nullable): who is called, when known
 *
 * Asks the person to confirm a call to @number (showing the name, the
 * number and the caller ID), then requests it from Flex. Says why at once
 * when calling is impossible or the number cannot be dialled.
 */

/**
 * flex_window_call_from_outside:
 *
 * @name: (nullable): the name of one of our own rows (never one another
 *   program chose); %NULL: our directory's name for @number, if any
 *
 * A call asked for by another program (a tel: link, --dial, the Shell):
 * the same confirmation, with Cancel, not Call, as what Enter does.
 */
void
flex_window_call_from_outside (FlexWindow *self, const char *number, const char *name)
{
  g_return_if_fail (FLEX_IS_WINDOW (self));
  g_return_if_fail (number != NULL);

  _flex_window_confirm_call (self, number, name, TRUE);
}

void
flex_window_call (FlexWindow *self, const char *number, const char *name)
{
  g_return_if_fail (FLEX_IS_WINDOW (self));
  g_return_if_fail (number != NULL);

  _flex_window_confirm_call (self, number, name, FALSE);
}

void
_flex_window_confirm_call (FlexWindow *self,
                           const char *number,
                           const char *name,
                           gboolean from_outside)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FlexCallRequest) request = NULL;
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  g_autofree char *shown_number = NULL;
  g_autofree char *shown_caller_id = NULL;
  AdwMessageDialog *dialog;

  if (self->dialer == NULL)
    {
      flex_window_add_toast (self, _ ("Sign in to Flex to call"));
      return;
    }
  if (!flex_session_get_loaded (self->session))
    {
      /* Opened from a tel: link while starting: ask once Flex has answered. */
      g_free (self->pending_number);
      g_free (self->pending_name);
      self->pending_number = g_strdup (number);
      self->pending_name = g_strdup (name);
      self->pending_from_outside = from_outside;
      return;
    }
  /* One request: what the confirmation shows is what is sent. */
  request = flex_dialer_prepare (self->dialer, number, name, &error);
  if (request == NULL)
    {
      flex_window_add_toast (self, error->message);
      return;
    }

  if (self->call_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->call_dialog));

  /* Numbers read as the lists show them (the number sent stays E.164). */
  shown_number = _flex_window_format_number (self, request->number);
  shown_caller_id =
      request->caller_id != NULL ? _flex_window_format_number (self, request->caller_id) : NULL;
  if (request->name == NULL)
    {
      g_free (request->who);
      request->who = g_strdup (shown_number);
    }

  g_debug ("Confirming a call to %s", request->number);
  /* Translators: %s is a person's name or a phone number */
  heading = g_strdup_printf (_ ("Call %s?"), request->who);
  body = g_strdup_printf (
      /* Translators: the first %s is a phone number, the second the number the
       * customer sees */
      _ ("Number: %s\nCaller ID: %s\n\nFlex places the call on your softphone: keep Flex open "
         "in your browser to answer it."),
      shown_number, shown_caller_id != NULL ? shown_caller_id : _ ("the Flex default"));

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, body));
  adw_message_dialog_add_responses (dialog, "cancel", _ ("_Cancel"), "call", _ ("_Call"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "call", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, from_outside ? "cancel" : "call");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "flex-request", g_steal_pointer (&request),
                          (GDestroyNotify) flex_call_request_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_call_response), self, 0);
  self->call_dialog = dialog;
  g_debug ("Confirm: %s (Enter: %s)", heading, from_outside ? "Cancel" : "Call");
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
flex_window_call_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  const char *number = NULL;
  const char *name = NULL;

  g_variant_get (parameter, "(&s&s)", &number, &name);
  flex_window_call (FLEX_WINDOW (widget), number, name);
}

/* window.call (number, name): from the rows' buttons and menus. */
void
_flex_window_class_init_call (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "window.call", "(ss)", flex_window_call_action);
}

/**
 * flex_window_get_call_dialog:
 *
 * Returns: (transfer none) (nullable): the call confirmation being shown
 */
AdwMessageDialog *
flex_window_get_call_dialog (FlexWindow *self)
{
  g_return_val_if_fail (FLEX_IS_WINDOW (self), NULL);
  return self->call_dialog;
}
