/* flex-window.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flex-window"

#include "config.h"

#include <glib/gi18n.h>

#include "flex-dial-pad.h"
#include "flex-call-watch.h"
#include "flex-dialer.h"
#include "flex-toast.h"
#include "flex-directory-page.h"
#include "flex-window.h"

struct _FlexWindow
{
  AdwApplicationWindow parent_instance;

  GSettings *settings;
  FlexFeatureConfig *config;
  FlexSession *session;
  FlexDialer *dialer;
  gboolean sandboxed;
  AdwMessageDialog *call_dialog;
  FlexDialPad *dial_pad;
  /* The last call request, followed until Flex takes it or not. */
  FlexCallWatch *call_watch;
  AdwToast *call_toast;
  char *call_number;
  char *call_name;
  char *call_who;
  /* A call asked for (tel:, --dial) before the session was loaded. */
  char *pending_number;
  char *pending_name;
  gboolean pending_from_outside;

  /* Template widgets */
  AdwToastOverlay *toast_overlay;
  char *last_toast;
  AdwViewStack *stack;
  AdwViewSwitcherTitle *switcher_title;
  AdwViewStackPage *recents_page;
  AdwViewStackPage *personal_page;
  AdwViewStackPage *shared_page;
  FlexDirectoryPage *pages[3];
  GtkSearchBar *search_bar;
  GtkSearchEntry *search_entry;
  GtkButton *dial_button;
  GtkToggleButton *search_button;
  GtkMenuButton *primary_menu_button;
  AdwStatusPage *disabled_status;
};

enum
{
  PROP_0,
  PROP_SETTINGS,
  PROP_CONFIG,
  PROP_SESSION,
  PROP_SANDBOXED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (FlexWindow, flex_window, ADW_TYPE_APPLICATION_WINDOW)

/**
 * flex_window_set_search_text:
 *
 * Opens the search bar with @text (the Shell's "search in the app").
 */
void
flex_window_set_search_text (FlexWindow *self, const char *text)
{
  g_return_if_fail (FLEX_IS_WINDOW (self));

  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text != NULL ? text : "");
  /* Now, not after GtkSearchEntry's typing delay. */
  g_signal_emit_by_name (self->search_entry, "search-changed");
  g_debug ("Searching for “%s”", text != NULL ? text : "");
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
flex_window_search_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  FlexWindow *self = user_data;

  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
on_dial_pad_destroyed (FlexWindow *self)
{
  self->dial_pad = NULL;
}

static void
flex_window_dial_pad_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  FlexWindow *self = user_data;

  if (self->dialer == NULL)
    {
      flex_window_add_toast (self, _ ("Sign in to Flex to call"));
      return;
    }
  if (self->dial_pad == NULL)
    {
      self->dial_pad = flex_dial_pad_new (GTK_WINDOW (self), self->dialer);
      g_signal_connect_object (self->dial_pad, "destroy", G_CALLBACK (on_dial_pad_destroyed), self,
                               G_CONNECT_SWAPPED);
    }
  gtk_window_present (GTK_WINDOW (self->dial_pad));
}

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

/* Hidden (closed to the background, or minimized): a toast would go unseen. */
static gboolean
window_hidden (FlexWindow *self)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (self));

  if (!gtk_widget_get_visible (GTK_WIDGET (self)) || surface == NULL)
    return TRUE;
  return GDK_IS_TOPLEVEL (surface) &&
         (gdk_toplevel_get_state (GDK_TOPLEVEL (surface)) & GDK_TOPLEVEL_STATE_MINIMIZED) != 0;
}

/* What the window last said, toast or notification (for tests). */
static void
remember_said (FlexWindow *self, const char *text)
{
  g_free (self->last_toast);
  self->last_toast = g_strdup (text);
}

static AdwToast *
window_toast (FlexWindow *self, const char *text)
{
  remember_said (self, text);
  return flex_toast_new (text);
}

static void
say_call_outcome (FlexWindow *self, const char *title, gboolean try_again)
{
  GApplication *app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  AdwToast *toast;

  if (window_hidden (self) && app != NULL)
    {
      g_autoptr (GNotification) notification = g_notification_new (title);

      remember_said (self, title);
      if (try_again && self->call_number != NULL)
        g_notification_add_button_with_target (notification, _ ("Try Again"), "app.dial", "s",
                                               self->call_number);
      g_application_send_notification (app, "call", notification);
      return;
    }
  toast = window_toast (self, title);
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
  self->call_toast = g_object_ref (window_toast (self, title));
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
static void
confirm_call (FlexWindow *self, const char *number, const char *name, gboolean from_outside);

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

  confirm_call (self, number, name, TRUE);
}

void
flex_window_call (FlexWindow *self, const char *number, const char *name)
{
  g_return_if_fail (FLEX_IS_WINDOW (self));
  g_return_if_fail (number != NULL);

  confirm_call (self, number, name, FALSE);
}

static void
confirm_call (FlexWindow *self, const char *number, const char *name, gboolean from_outside)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FlexCallRequest) request = NULL;
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
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

  g_debug ("Confirming a call to %s", request->number);
  /* Translators: %s is a person's name or a phone number */
  heading = g_strdup_printf (_ ("Call %s?"), request->who);
  body = g_strdup_printf (
      /* Translators: the first %s is a phone number, the second the number the
       * customer sees */
      _ ("Number: %s\nCaller ID: %s\n\nFlex places the call on your softphone: keep Flex open "
         "in your browser to answer it."),
      request->number, request->caller_id != NULL ? request->caller_id : _ ("the Flex default"));

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

static void
flex_window_show_page_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  FlexWindow *self = user_data;
  const char *name = g_variant_get_string (parameter, NULL);
  AdwViewStackPage *page;
  GtkWidget *child = adw_view_stack_get_child_by_name (self->stack, name);

  if (child == NULL)
    return;

  page = adw_view_stack_get_page (self->stack, child);
  if (adw_view_stack_page_get_visible (page))
    adw_view_stack_set_visible_child (self->stack, child);
}

/* window.toast and window.call are the window's own: widget actions, not
 * exported on D-Bus (as win.* actions are), so no other program can put a
 * text on screen or name the person a confirmation asks about. */
static void
flex_window_toast_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  flex_window_add_toast (FLEX_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

/* Import goes to the contact list on screen when it can be changed, else
 * to My Contacts. */
static FlexDirectoryPage *
import_page (FlexWindow *self)
{
  GtkWidget *visible = adw_view_stack_get_visible_child (self->stack);

  if (FLEX_IS_DIRECTORY_PAGE (visible))
    {
      FlexDirectoryPage *page = FLEX_DIRECTORY_PAGE (visible);
      FlexDirectory *directory = flex_directory_page_get_directory (page);

      if (flex_directory_page_get_kind (page) != FLEX_DIRECTORY_KIND_RECENTS && directory != NULL &&
          flex_directory_get_editable (directory))
        return page;
    }
  for (guint i = 0; i < G_N_ELEMENTS (self->pages); i++)
    if (self->pages[i] != NULL &&
        flex_directory_page_get_kind (self->pages[i]) == FLEX_DIRECTORY_KIND_PERSONAL)
      return self->pages[i];
  return NULL;
}

static void
flex_window_import_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  FlexDirectoryPage *page = import_page (user_data);

  if (page != NULL)
    flex_directory_page_import (page, NULL);
}

static void
flex_window_export_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  FlexWindow *self = user_data;
  GtkWidget *visible = adw_view_stack_get_visible_child (self->stack);

  if (visible != NULL)
    gtk_widget_activate_action (visible, "page.export", NULL);
}

/* A vCard or CSV file dropped on the window is imported (after a preview). */
static gboolean
on_drop (GtkDropTarget *target, const GValue *value, double x, double y, FlexWindow *self)
{
  FlexDirectoryPage *page = import_page (self);
  GSList *files = g_value_get_boxed (value);

  if (page == NULL || files == NULL)
    return FALSE;
  flex_directory_page_import (page, files->data);
  return TRUE;
}

static const GActionEntry win_actions[] = {
  { "search", flex_window_search_action },
  { "dial-pad", flex_window_dial_pad_action },
  { "show-page", flex_window_show_page_action, "s" },
  { "import", flex_window_import_action },
  { "export", flex_window_export_action },
};

/* AdwViewStack keeps showing a page that was hidden: move to the first
 * visible page instead, so a tab the configuration turns off disappears. */
static void
on_page_visible_changed (FlexWindow *self)
{
  AdwViewStackPage *pages[] = { self->recents_page, self->personal_page, self->shared_page };
  GtkWidget *current = adw_view_stack_get_visible_child (self->stack);

  if (current != NULL &&
      adw_view_stack_page_get_visible (adw_view_stack_get_page (self->stack, current)))
    return;

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      if (adw_view_stack_page_get_visible (pages[i]))
        {
          adw_view_stack_set_visible_child (self->stack, adw_view_stack_page_get_child (pages[i]));
          return;
        }
    }
}

static void
on_search_changed (FlexWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  for (guint i = 0; i < G_N_ELEMENTS (self->pages); i++)
    flex_directory_page_set_search_text (self->pages[i], text);
}

/* Whether calling is possible follows the dialer: call buttons and the dial
 * button are disabled, with the reason as their tooltip. */
static void
on_dialer_availability (FlexWindow *self)
{
  const FlexConfiguration *configuration = NULL;
  gboolean available = FALSE;
  const char *reason = _ ("Sign in to Flex to call");
  GAction *dial_pad = g_action_map_lookup_action (G_ACTION_MAP (self), "dial-pad");

  if (self->dialer != NULL)
    {
      available = flex_dialer_get_available (self->dialer);
      reason = flex_dialer_get_unavailable_reason (self->dialer);
      configuration = flex_session_get_configuration (self->session);
    }

  for (guint i = 0; i < G_N_ELEMENTS (self->pages); i++)
    {
      flex_directory_page_set_can_call (self->pages[i], available, reason);
      if (configuration != NULL)
        flex_directory_page_set_default_country (self->pages[i], configuration->outbound_location);
    }
  g_simple_action_set_enabled (G_SIMPLE_ACTION (dial_pad), available);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->dial_button),
                               available ? _ ("Dial a Number") : reason);

  if (self->session != NULL && flex_session_get_loaded (self->session) &&
      self->pending_number != NULL)
    {
      g_autofree char *number = g_steal_pointer (&self->pending_number);
      g_autofree char *name = g_steal_pointer (&self->pending_name);

      confirm_call (self, number, name, self->pending_from_outside);
    }
}

static void
on_session_error (FlexWindow *self)
{
  const char *message = flex_session_get_error_message (self->session);

  if (message != NULL)
    flex_window_add_toast (self, message);
}

static void
on_active_changed (FlexWindow *self)
{
  /* Back to the window: check for changes now rather than at the next poll. */
  if (gtk_window_is_active (GTK_WINDOW (self)) && self->session != NULL)
    flex_session_refresh (self->session);
}

static void
add_pages (FlexWindow *self)
{
  static const struct
  {
    FlexDirectoryKind kind;
    const char *name;
    const char *title;
    const char *icon;
    const char *config_key;
  } pages[] = {
    { FLEX_DIRECTORY_KIND_RECENTS, "recents", N_ ("Recents"), "document-open-recent-symbolic",
      "enable-recents" },
    { FLEX_DIRECTORY_KIND_PERSONAL, "personal", N_ ("My Contacts"), "avatar-default-symbolic",
      "enable-personal" },
    { FLEX_DIRECTORY_KIND_SHARED, "shared", N_ ("Shared Contacts"), "system-users-symbolic",
      "enable-shared" },
  };
  AdwViewStackPage **stack_pages[] = { &self->recents_page, &self->personal_page,
                                       &self->shared_page };

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      FlexDirectory *directory = NULL;
      AdwViewStackPage *page;

      if (self->session != NULL)
        {
          if (pages[i].kind == FLEX_DIRECTORY_KIND_RECENTS)
            directory = flex_session_get_recents (self->session);
          else if (pages[i].kind == FLEX_DIRECTORY_KIND_PERSONAL)
            directory = flex_session_get_personal (self->session);
          else
            directory = flex_session_get_shared (self->session);
        }

      self->pages[i] = flex_directory_page_new (pages[i].kind, directory, self->config);
      page = adw_view_stack_add_titled (self->stack, GTK_WIDGET (self->pages[i]), pages[i].name,
                                        _ (pages[i].title));
      adw_view_stack_page_set_icon_name (page, pages[i].icon);
      *stack_pages[i] = page;
      g_object_bind_property (self->config, pages[i].config_key, page, "visible",
                              G_BINDING_SYNC_CREATE);
      g_signal_connect_object (page, "notify::visible", G_CALLBACK (on_page_visible_changed), self,
                               G_CONNECT_SWAPPED);
      /* Narrow (the view switcher moved to the bottom bar): columns give way. */
      g_object_bind_property (self->switcher_title, "title-visible", self->pages[i], "narrow",
                              G_BINDING_SYNC_CREATE);
      /* The sort order a header click chose, remembered per tab. */
      {
        g_autofree char *key = g_strconcat ("sort-", pages[i].name, NULL);

        g_settings_bind (self->settings, key, self->pages[i], "sort", G_SETTINGS_BIND_DEFAULT);
      }
    }
  on_page_visible_changed (self);

  g_signal_connect_object (self->search_entry, "search-changed", G_CALLBACK (on_search_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self, "notify::is-active", G_CALLBACK (on_active_changed), self,
                           G_CONNECT_SWAPPED);

  if (self->session != NULL)
    {
      self->dialer = flex_dialer_new (self->session);
      g_signal_connect_object (self->dialer, "notify::available",
                               G_CALLBACK (on_dialer_availability), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->session, "notify::loaded", G_CALLBACK (on_dialer_availability),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->session, "notify::error-message",
                               G_CALLBACK (on_session_error), self, G_CONNECT_SWAPPED);
    }
  on_dialer_availability (self);
}

static void
save_window_state (FlexWindow *self)
{
  int width = 0;
  int height = 0;
  gboolean maximized = gtk_window_is_maximized (GTK_WINDOW (self));

  g_settings_set_boolean (self->settings, "window-maximized", maximized);
  if (!maximized)
    {
      gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
      if (width > 0 && height > 0)
        {
          g_settings_set_int (self->settings, "window-width", width);
          g_settings_set_int (self->settings, "window-height", height);
        }
    }
}

static gboolean
flex_window_close_request (GtkWindow *window)
{
  save_window_state (FLEX_WINDOW (window));

  return GTK_WINDOW_CLASS (flex_window_parent_class)->close_request (window);
}

/* In --sandbox, the menu can switch the demo worker on and off in Flex. */
static void
add_sandbox_menu (FlexWindow *self)
{
  GMenuModel *menu = gtk_menu_button_get_menu_model (self->primary_menu_button);
  g_autoptr (GMenu) section = NULL;

  if (!self->sandboxed || !G_IS_MENU (menu))
    return;

  section = g_menu_new ();
  g_menu_append (section, _ ("Sandbox: _Available in Flex"), "app.sandbox-available");
  g_menu_prepend_section (G_MENU (menu), NULL, G_MENU_MODEL (section));
}

/* The tab on screen is remembered ("last-tab") and shown again on start. */
static void
on_visible_tab_changed (FlexWindow *self)
{
  const char *name = adw_view_stack_get_visible_child_name (self->stack);
  GtkWidget *child = adw_view_stack_get_visible_child (self->stack);
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  /* The keys that act on "the current tab" (Ctrl+N, Delete, F2…) work right
   * after a switch: the focus moves into the tab, unless the person is
   * typing a search. */
  if (FLEX_IS_DIRECTORY_PAGE (child) &&
      (focus == NULL || !gtk_widget_is_ancestor (focus, GTK_WIDGET (self->search_entry))))
    flex_directory_page_focus_list (FLEX_DIRECTORY_PAGE (child));

  if (name != NULL)
    g_settings_set_string (self->settings, "last-tab", name);
}

static void
restore_last_tab (FlexWindow *self)
{
  g_autofree char *name = g_settings_get_string (self->settings, "last-tab");

  g_action_group_activate_action (G_ACTION_GROUP (self), "show-page", g_variant_new_string (name));
  g_signal_connect_object (self->stack, "notify::visible-child",
                           G_CALLBACK (on_visible_tab_changed), self, G_CONNECT_SWAPPED);
}

/* The "phone-number-format" setting, on every page. */
static void
on_phone_format_changed (FlexWindow *self)
{
  g_autofree char *format = g_settings_get_string (self->settings, "phone-number-format");

  for (guint i = 0; i < G_N_ELEMENTS (self->pages); i++)
    if (self->pages[i] != NULL)
      flex_directory_page_set_phone_format (self->pages[i], g_str_equal (format, "national")
                                                                ? FLEX_PHONE_FORMAT_NATIONAL
                                                                : FLEX_PHONE_FORMAT_INTERNATIONAL);
}

static void
flex_window_constructed (GObject *object)
{
  FlexWindow *self = FLEX_WINDOW (object);

  G_OBJECT_CLASS (flex_window_parent_class)->constructed (object);

  g_return_if_fail (G_IS_SETTINGS (self->settings));
  g_return_if_fail (FLEX_IS_FEATURE_CONFIG (self->config));

  add_pages (self);
  add_sandbox_menu (self);
  g_signal_connect_object (self->settings, "changed::phone-number-format",
                           G_CALLBACK (on_phone_format_changed), self, G_CONNECT_SWAPPED);
  on_phone_format_changed (self);
  restore_last_tab (self);

  /* The whole feature off (DESIGN.md §1 "enabled"): say so instead of tabs. */
  g_object_bind_property (self->config, "enabled", self->stack, "visible", G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->config, "enabled", self->disabled_status, "visible",
                          G_BINDING_SYNC_CREATE | G_BINDING_INVERT_BOOLEAN);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static void
flex_window_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  FlexWindow *self = FLEX_WINDOW (object);

  switch (prop_id)
    {
      case PROP_SETTINGS:
        g_value_set_object (value, self->settings);
        break;
      case PROP_CONFIG:
        g_value_set_object (value, self->config);
        break;
      case PROP_SESSION:
        g_value_set_object (value, self->session);
        break;
      case PROP_SANDBOXED:
        g_value_set_boolean (value, self->sandboxed);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flex_window_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  FlexWindow *self = FLEX_WINDOW (object);

  switch (prop_id)
    {
      case PROP_SETTINGS:
        self->settings = g_value_dup_object (value);
        break;
      case PROP_CONFIG:
        self->config = g_value_dup_object (value);
        break;
      case PROP_SESSION:
        self->session = g_value_dup_object (value);
        break;
      case PROP_SANDBOXED:
        self->sandboxed = g_value_get_boolean (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flex_window_dispose (GObject *object)
{
  FlexWindow *self = FLEX_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), FLEX_TYPE_WINDOW);

  g_clear_object (&self->config);
  g_clear_object (&self->settings);
  if (self->dial_pad != NULL)
    gtk_window_destroy (GTK_WINDOW (self->dial_pad));
  if (self->call_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->call_dialog));
  g_clear_object (&self->dialer);
  if (self->call_watch != NULL)
    g_signal_handlers_disconnect_by_data (self->call_watch, self);
  g_clear_object (&self->call_watch);
  g_clear_object (&self->call_toast);
  g_clear_pointer (&self->call_number, g_free);
  g_clear_pointer (&self->call_name, g_free);
  g_clear_pointer (&self->call_who, g_free);
  g_clear_object (&self->session);
  g_clear_pointer (&self->pending_number, g_free);
  g_clear_pointer (&self->pending_name, g_free);
  g_clear_pointer (&self->last_toast, g_free);

  G_OBJECT_CLASS (flex_window_parent_class)->dispose (object);
}

static void
flex_window_class_init (FlexWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = flex_window_constructed;
  object_class->dispose = flex_window_dispose;

  gtk_widget_class_install_action (widget_class, "window.toast", "s", flex_window_toast_action);
  gtk_widget_class_install_action (widget_class, "window.call", "(ss)", flex_window_call_action);
  object_class->get_property = flex_window_get_property;
  object_class->set_property = flex_window_set_property;

  properties[PROP_SETTINGS] =
      g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONFIG] =
      g_param_spec_object ("config", NULL, NULL, FLEX_TYPE_FEATURE_CONFIG,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SESSION] =
      g_param_spec_object ("session", NULL, NULL, FLEX_TYPE_SESSION,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* --sandbox: the menu can switch the demo worker on and off. */
  properties[PROP_SANDBOXED] =
      g_param_spec_boolean ("sandboxed", NULL, NULL, FALSE,
                            G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  window_class->close_request = flex_window_close_request;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/flex-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FlexWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FlexWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, FlexWindow, search_bar);
  gtk_widget_class_bind_template_child (widget_class, FlexWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, FlexWindow, dial_button);
  gtk_widget_class_bind_template_child (widget_class, FlexWindow, search_button);
  gtk_widget_class_bind_template_child (widget_class, FlexWindow, primary_menu_button);
  gtk_widget_class_bind_template_child (widget_class, FlexWindow, disabled_status);
  gtk_widget_class_bind_template_child (widget_class, FlexWindow, switcher_title);
}

static void
flex_window_init (FlexWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions, G_N_ELEMENTS (win_actions),
                                   self);

  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
  gtk_search_bar_set_key_capture_widget (self->search_bar, GTK_WIDGET (self));

  {
    GtkDropTarget *drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);

    g_signal_connect_object (drop, "drop", G_CALLBACK (on_drop), self, G_CONNECT_DEFAULT);
    gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
  }
}

/**
 * flex_window_new:
 * @application: the application
 *
 * Returns: (transfer none): a new main window, owned by @application
 */
FlexWindow *
flex_window_new (FlexApplication *application)
{
  g_return_val_if_fail (FLEX_IS_APPLICATION (application), NULL);

  return g_object_new (FLEX_TYPE_WINDOW, "application", application, "settings",
                       flex_application_get_settings (application), "config",
                       flex_application_get_config (application), "session",
                       flex_application_get_session (application), "sandboxed",
                       flex_application_get_sandboxed (application), NULL);
}

/**
 * flex_window_add_toast:
 * @message: a translated message for a person
 *
 * Shows @message in a toast over the window's content.
 */
void
flex_window_add_toast (FlexWindow *self, const char *message)
{
  g_return_if_fail (FLEX_IS_WINDOW (self));
  g_return_if_fail (message != NULL);

  adw_toast_overlay_add_toast (self->toast_overlay, window_toast (self, message));
}

/**
 * flex_window_get_last_toast:
 *
 * Returns: (nullable): the text of the last toast shown (for tests)
 */
const char *
flex_window_get_last_toast (FlexWindow *self)
{
  g_return_val_if_fail (FLEX_IS_WINDOW (self), NULL);
  return self->last_toast;
}

/**
 * flex_window_get_dialer:
 *
 * Returns: (transfer none) (nullable): the dialer of the signed-in worker
 */
FlexDialer *
flex_window_get_dialer (FlexWindow *self)
{
  g_return_val_if_fail (FLEX_IS_WINDOW (self), NULL);
  return self->dialer;
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

/**
 * flex_window_get_dial_pad:
 *
 * Returns: (transfer none) (nullable): the dial pad, while it is open
 */
FlexDialPad *
flex_window_get_dial_pad (FlexWindow *self)
{
  g_return_val_if_fail (FLEX_IS_WINDOW (self), NULL);
  return self->dial_pad;
}
