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
#include "flex-dialer.h"
#include "flex-toast.h"
#include "flex-window-private.h"

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

static FlexPhoneFormat
phone_format (FlexWindow *self)
{
  g_autofree char *format = g_settings_get_string (self->settings, "phone-number-format");

  return g_str_equal (format, "national") ? FLEX_PHONE_FORMAT_NATIONAL
                                          : FLEX_PHONE_FORMAT_INTERNATIONAL;
}

static const char *
home_country (FlexWindow *self)
{
  const FlexConfiguration *configuration =
      self->session != NULL ? flex_session_get_configuration (self->session) : NULL;

  return configuration != NULL ? configuration->outbound_location : NULL;
}

/**
 * _flex_window_format_number:
 *
 * Returns: (transfer full): @number as the lists show it (the
 *   "phone-number-format" setting; national for the account's country)
 */
char *
_flex_window_format_number (FlexWindow *self, const char *number)
{
  return flex_phone_format (number, phone_format (self), home_country (self));
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
      flex_dial_pad_set_phone_format (self->dial_pad, phone_format (self), home_country (self));
      g_signal_connect_object (self->dial_pad, "destroy", G_CALLBACK (on_dial_pad_destroyed), self,
                               G_CONNECT_SWAPPED);
    }
  gtk_window_present (GTK_WINDOW (self->dial_pad));
}

/* Hidden (closed to the background, or minimized): a toast would go unseen. */
gboolean
_flex_window_is_hidden (FlexWindow *self)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (self));

  if (!gtk_widget_get_visible (GTK_WIDGET (self)) || surface == NULL)
    return TRUE;
  return GDK_IS_TOPLEVEL (surface) &&
         (gdk_toplevel_get_state (GDK_TOPLEVEL (surface)) & GDK_TOPLEVEL_STATE_MINIMIZED) != 0;
}

/* What the window last said, toast or notification (for tests). */
void
_flex_window_remember_said (FlexWindow *self, const char *text)
{
  g_free (self->last_toast);
  self->last_toast = g_strdup (text);
}

AdwToast *
_flex_window_toast_new (FlexWindow *self, const char *text)
{
  _flex_window_remember_said (self, text);
  return flex_toast_new (text);
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

      _flex_window_confirm_call (self, number, name, self->pending_from_outside);
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
      /* Recents name a customer from the lists when they have no name. */
      flex_directory_page_set_name_sources (self->pages[0],
                                            flex_session_get_personal (self->session),
                                            flex_session_get_shared (self->session));
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
  g_menu_append (section, _ ("Sandbox: Simulate an _Incoming Call"), "app.simulate-incoming");
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

/* The "phone-number-format" setting, on every page and the dial pad. */
static void
on_phone_format_changed (FlexWindow *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (self->pages); i++)
    if (self->pages[i] != NULL)
      flex_directory_page_set_phone_format (self->pages[i], phone_format (self));
  if (self->dial_pad != NULL)
    flex_dial_pad_set_phone_format (self->dial_pad, phone_format (self), home_country (self));
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
  _flex_window_init_status (self);
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

  _flex_window_dispose_status (self);
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
  _flex_window_class_init_call (widget_class);
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
  gtk_widget_class_bind_template_child (widget_class, FlexWindow, sign_in_revealer);
  gtk_widget_class_bind_template_child (widget_class, FlexWindow, sign_in_label);
  gtk_widget_class_bind_template_child (widget_class, FlexWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, FlexWindow, dial_button);
  gtk_widget_class_bind_template_child (widget_class, FlexWindow, header_bar);
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
  FlexWindow *self;

  g_return_val_if_fail (FLEX_IS_APPLICATION (application), NULL);

  self = g_object_new (FLEX_TYPE_WINDOW, "application", application, "settings",
                       flex_application_get_settings (application), "config",
                       flex_application_get_config (application), "session",
                       flex_application_get_session (application), "sandboxed",
                       flex_application_get_sandboxed (application), NULL);
  /* A Flex sign-in that ended shows in every window. */
  flex_window_set_signed_out (self, flex_application_get_signed_out (application), FALSE);
  return self;
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

  adw_toast_overlay_add_toast (self->toast_overlay, _flex_window_toast_new (self, message));
}

/**
 * flex_window_show_toast:
 * @toast: (transfer full): a toast made with flex_toast_new()
 *
 * Shows @toast (one with a button, say) over the window's content.
 */
void
flex_window_show_toast (FlexWindow *self, AdwToast *toast)
{
  g_return_if_fail (FLEX_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  _flex_window_remember_said (self, flex_toast_get_text (toast));
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
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

/**
 * flex_window_set_signed_out:
 * @signed_out: the agent's Flex sign-in ended (refused at a refresh)
 * @waiting: "Sign in again" is under way in the browser
 *
 * A banner over the lists, which stay (with the unsent edits) until the
 * agent is back.
 */
void
flex_window_set_signed_out (FlexWindow *self, gboolean signed_out, gboolean waiting)
{
  g_return_if_fail (FLEX_IS_WINDOW (self));

  /* Not only unrevealed but hidden: a screen reader must not read it. */
  gtk_widget_set_visible (GTK_WIDGET (self->sign_in_revealer), signed_out);
  gtk_revealer_set_reveal_child (self->sign_in_revealer, signed_out);
  gtk_label_set_label (self->sign_in_label,
                       waiting ? _ ("Continue in your browser to sign in to Flex again…")
                               : _ ("Your Flex sign-in has ended. Your lists and unsent changes "
                                    "are kept until you sign in again."));
}

gboolean
flex_window_get_signed_out (FlexWindow *self)
{
  g_return_val_if_fail (FLEX_IS_WINDOW (self), FALSE);
  return gtk_revealer_get_reveal_child (self->sign_in_revealer);
}
