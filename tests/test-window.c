/* test-window.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "flex-application.h"
#include "flex-preferences-window.h"
#include "flex-setup-window.h"
#include "flex-window.h"

static void
drain_main_context (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* One registered application for the whole process: GtkApplication exports
 * itself on the session bus when registered and only unexports on shutdown,
 * so a second instance in the same process could not register. */
static FlexApplication *the_app;

static FlexApplication *
register_app (void)
{
  return g_object_ref (the_app);
}

/* The main window as a signed-in start opens it (these tests have no
 * account: the window's structure does not depend on one). */
static FlexWindow *
activate_window (FlexApplication *app)
{
  FlexWindow *window = flex_window_new (app);

  gtk_window_present (GTK_WINDOW (window));
  drain_main_context ();
  g_assert_true (gtk_application_get_active_window (GTK_APPLICATION (app)) == GTK_WINDOW (window));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));

  return window;
}

/* Without a stored account, starting the app shows the sign-in window. */
static void
test_first_run_shows_sign_in (void)
{
  g_autoptr (FlexApplication) app = register_app ();
  GtkWindow *window = NULL;

  g_application_activate (G_APPLICATION (app));
  for (guint i = 0; i < 500 && window == NULL; i++)
    {
      g_main_context_iteration (NULL, TRUE);
      window = gtk_application_get_active_window (GTK_APPLICATION (app));
    }
  g_assert_nonnull (window);
  g_assert_true (FLEX_IS_SETUP_WINDOW (window));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));
  g_assert_null (flex_setup_window_get_error (FLEX_SETUP_WINDOW (window)));
  gtk_window_destroy (window);
  drain_main_context ();
}

static gpointer
template_child (FlexWindow *window, const char *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (window), FLEX_TYPE_WINDOW, name);

  g_assert_nonnull (child);
  return child;
}

static AdwViewStackPage *
stack_page (FlexWindow *window, const char *name)
{
  AdwViewStack *stack = template_child (window, "stack");
  GtkWidget *child = adw_view_stack_get_child_by_name (stack, name);

  g_assert_nonnull (child);
  return adw_view_stack_get_page (stack, child);
}

static void
close_window (FlexWindow *window)
{
  gtk_window_close (GTK_WINDOW (window));
  drain_main_context ();
}

static void
reset_settings (void)
{
  g_autoptr (GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autoptr (GSettings) contacts = g_settings_get_child (settings, "contacts");
  g_autoptr (GSettingsSchema) schema = NULL;
  g_auto (GStrv) keys = NULL;

  g_object_get (contacts, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    g_settings_reset (contacts, keys[i]);
  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
  g_settings_reset (settings, "window-maximized");
  g_settings_reset (settings, "last-tab");
}

static void
test_window_has_three_pages_and_dial_button (void)
{
  static const struct
  {
    const char *name;
    const char *title;
  } expected[] = {
    { "recents", "Recents" },
    { "personal", "My Contacts" },
    { "shared", "Shared Contacts" },
  };
  g_autoptr (FlexApplication) app = register_app ();
  FlexWindow *window = activate_window (app);
  AdwViewStack *stack = template_child (window, "stack");
  GtkButton *dial = template_child (window, "dial_button");
  g_autoptr (GtkSelectionModel) pages = adw_view_stack_get_pages (stack);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (pages)), ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr (AdwViewStackPage) page = g_list_model_get_item (G_LIST_MODEL (pages), i);

      g_assert_cmpstr (adw_view_stack_page_get_name (page), ==, expected[i].name);
      g_assert_cmpstr (adw_view_stack_page_get_title (page), ==, expected[i].title);
      g_assert_true (adw_view_stack_page_get_visible (page));
      g_assert_nonnull (adw_view_stack_page_get_icon_name (page));
    }
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (stack), ==, "recents");

  /* The dial button is in the header, visible, labelled and wired to an action. */
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dial)));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (dial)));
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (dial)), ==, "win.dial-pad");
  g_assert_nonnull (gtk_widget_get_tooltip_text (GTK_WIDGET (dial)));
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (window), "dial-pad"));

  close_window (window);
  g_assert_null (gtk_application_get_active_window (GTK_APPLICATION (app)));
}

static void
test_window_switches_pages_by_action (void)
{
  g_autoptr (FlexApplication) app = register_app ();
  FlexWindow *window = activate_window (app);
  AdwViewStack *stack = template_child (window, "stack");

  g_action_group_activate_action (G_ACTION_GROUP (window), "show-page",
                                  g_variant_new_string ("shared"));
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (stack), ==, "shared");
  g_action_group_activate_action (G_ACTION_GROUP (window), "show-page",
                                  g_variant_new_string ("personal"));
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (stack), ==, "personal");

  close_window (window);
}

static void
test_window_search_action_reveals_entry (void)
{
  g_autoptr (FlexApplication) app = register_app ();
  FlexWindow *window = activate_window (app);
  GtkSearchBar *bar = template_child (window, "search_bar");
  GtkToggleButton *button = template_child (window, "search_button");

  g_assert_false (gtk_search_bar_get_search_mode (bar));
  g_action_group_activate_action (G_ACTION_GROUP (window), "search", NULL);
  g_assert_true (gtk_search_bar_get_search_mode (bar));
  g_assert_true (gtk_toggle_button_get_active (button));

  close_window (window);
}

static void
test_window_hides_disabled_tabs (void)
{
  g_autoptr (FlexApplication) app = register_app ();
  g_autoptr (GSettings) contacts =
      g_settings_get_child (flex_application_get_settings (app), "contacts");
  FlexWindow *window;
  AdwViewStack *stack;

  g_settings_set_boolean (contacts, "enable-recents", FALSE);
  window = activate_window (app);
  stack = template_child (window, "stack");

  g_assert_false (adw_view_stack_page_get_visible (stack_page (window, "recents")));
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (stack), !=, "recents");

  /* Turning a tab back on shows it again, live. */
  g_settings_set_boolean (contacts, "enable-shared", FALSE);
  g_assert_false (adw_view_stack_page_get_visible (stack_page (window, "shared")));
  g_settings_set_boolean (contacts, "enable-recents", TRUE);
  g_assert_true (adw_view_stack_page_get_visible (stack_page (window, "recents")));

  /* The whole feature (default off, as in the plugin): tabs or a status page. */
  g_settings_set_boolean (contacts, "enabled", FALSE);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (stack)));
  g_assert_true (gtk_widget_get_visible (template_child (window, "disabled_status")));
  g_settings_set_boolean (contacts, "enabled", TRUE);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (stack)));
  g_assert_false (gtk_widget_get_visible (template_child (window, "disabled_status")));

  close_window (window);
  reset_settings ();
}

static void
test_window_restores_and_saves_size (void)
{
  g_autoptr (FlexApplication) app = register_app ();
  GSettings *settings = flex_application_get_settings (app);
  FlexWindow *window;
  int width, height;

  g_settings_set_int (settings, "window-width", 700);
  g_settings_set_int (settings, "window-height", 500);
  window = activate_window (app);
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 700);
  g_assert_cmpint (height, ==, 500);

  gtk_window_set_default_size (GTK_WINDOW (window), 820, 610);
  drain_main_context ();
  close_window (window);
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 820);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 610);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));

  reset_settings ();
}

static void
test_app_actions_and_accels (void)
{
  static const struct
  {
    const char *action;
    const char *accel;
  } expected[] = {
    { "app.quit", "<Control>q" },
    { "app.preferences", "<Control>comma" },
    { "app.shortcuts", "<Control>question" },
    { "win.search", "<Control>f" },
    { "win.dial-pad", "<Control>d" },
  };
  g_autoptr (FlexApplication) app = register_app ();

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_auto (GStrv) accels =
          gtk_application_get_accels_for_action (GTK_APPLICATION (app), expected[i].action);

      g_assert_nonnull (accels[0]);
      g_assert_cmpstr (accels[0], ==, expected[i].accel);
    }

  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), "quit"));
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), "preferences"));
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), "about"));
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), "shortcuts"));
}

static GtkWindow *
find_toplevel_of_type (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels (); /* transfer none */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }

  return NULL;
}

static void
test_about_and_shortcuts_windows_open (void)
{
  g_autoptr (FlexApplication) app = register_app ();
  FlexWindow *window = activate_window (app);
  GtkWindow *about;
  GtkWindow *shortcuts;

  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  drain_main_context ();
  about = find_toplevel_of_type (ADW_TYPE_ABOUT_WINDOW);
  g_assert_nonnull (about);
  g_assert_cmpstr (adw_about_window_get_version (ADW_ABOUT_WINDOW (about)), ==, PACKAGE_VERSION);
  g_assert_cmpint (adw_about_window_get_license_type (ADW_ABOUT_WINDOW (about)), ==,
                   GTK_LICENSE_GPL_3_0);
  g_assert_true (gtk_window_get_transient_for (about) == GTK_WINDOW (window));
  gtk_window_destroy (about);

  g_action_group_activate_action (G_ACTION_GROUP (app), "shortcuts", NULL);
  drain_main_context ();
  shortcuts = find_toplevel_of_type (GTK_TYPE_SHORTCUTS_WINDOW);
  g_assert_nonnull (shortcuts);
  /* Every entry shows keys (the General section, and the search's copies
   * of it, showed none), and those of an action the keys the app set for it. */
  {
    guint n_shortcuts = 0;
    guint n_actions = 0;

    for (GtkWidget *w = gtk_widget_get_first_child (GTK_WIDGET (shortcuts)); w != NULL;)
      {
        if (GTK_IS_SHORTCUTS_SHORTCUT (w))
          {
            g_autofree char *title = NULL;
            g_autofree char *accelerator = NULL;
            g_autofree char *action = NULL;

            g_object_get (w, "title", &title, "accelerator", &accelerator, "action-name", &action,
                          NULL);
            g_assert_nonnull (accelerator);
            g_assert_cmpstr (accelerator, !=, "");
            if (action != NULL)
              {
                g_auto (GStrv) accels =
                    gtk_application_get_accels_for_action (GTK_APPLICATION (app), action);
                g_autofree char *joined = g_strjoinv (" ", accels);

                g_assert_cmpstr (accelerator, ==, joined);
                n_actions++;
              }
            n_shortcuts++;
          }
        /* Depth first over the whole window. */
        if (gtk_widget_get_first_child (w) != NULL)
          w = gtk_widget_get_first_child (w);
        else
          {
            while (w != NULL && gtk_widget_get_next_sibling (w) == NULL)
              w = gtk_widget_get_parent (w) == GTK_WIDGET (shortcuts) ? NULL
                                                                      : gtk_widget_get_parent (w);
            if (w != NULL)
              w = gtk_widget_get_next_sibling (w);
          }
      }
    g_assert_cmpuint (n_actions, >=, 6);
    g_assert_cmpuint (n_shortcuts, >=, 12);
  }
  gtk_window_destroy (shortcuts);

  close_window (window);
}

static void
test_preferences_edit_settings (void)
{
  g_autoptr (FlexApplication) app = register_app ();
  FlexWindow *window = activate_window (app);
  g_autoptr (GSettings) contacts =
      g_settings_get_child (flex_application_get_settings (app), "contacts");
  GtkWindow *prefs;
  GObject *days;
  GObject *shared;

  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  drain_main_context ();
  prefs = find_toplevel_of_type (FLEX_TYPE_PREFERENCES_WINDOW);
  g_assert_nonnull (prefs);

  days =
      gtk_widget_get_template_child (GTK_WIDGET (prefs), FLEX_TYPE_PREFERENCES_WINDOW, "days_spin");
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (days)), ==, 14);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (days), 30);
  g_assert_cmpuint (g_settings_get_uint (contacts, "recent-days-to-keep"), ==, 30);

  /* The refresh interval, on the Account page. */
  g_assert_nonnull (flex_preferences_window_get_refresh_spin (FLEX_PREFERENCES_WINDOW (prefs)));
  g_assert_cmpfloat (gtk_spin_button_get_value (flex_preferences_window_get_refresh_spin (
                         FLEX_PREFERENCES_WINDOW (prefs))),
                     ==, 15);
  gtk_spin_button_set_value (
      flex_preferences_window_get_refresh_spin (FLEX_PREFERENCES_WINDOW (prefs)), 60);
  g_assert_cmpuint (g_settings_get_uint (flex_application_get_settings (app), "refresh-interval"),
                    ==, 60);
  g_settings_reset (flex_application_get_settings (app), "refresh-interval");

  /* The switch writes the setting, and the window hides the tab. */
  shared = gtk_widget_get_template_child (GTK_WIDGET (prefs), FLEX_TYPE_PREFERENCES_WINDOW,
                                          "shared_switch");
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (shared)));
  gtk_switch_set_active (GTK_SWITCH (shared), FALSE);
  g_assert_false (g_settings_get_boolean (contacts, "enable-shared"));
  g_assert_false (adw_view_stack_page_get_visible (stack_page (window, "shared")));

  gtk_window_destroy (prefs);
  close_window (window);
  reset_settings ();
}

/* A setting the Flex configuration decides shows Flex's value and cannot be
 * changed here (the feature read "Off" while Flex had it on); the others
 * stay this computer's. */
static void
test_preferences_show_flex_settings (void)
{
  g_autoptr (FlexApplication) app = register_app ();
  FlexWindow *window = activate_window (app);
  FlexFeatureConfig *config = flex_application_get_config (app);
  g_autoptr (GSettings) contacts =
      g_settings_get_child (flex_application_get_settings (app), "contacts");
  g_autoptr (JsonObject) flex = json_object_new ();
  GtkWindow *prefs;
  GtkWidget *enabled;
  GtkWidget *recents;
  AdwActionRow *row;

  g_settings_set_boolean (contacts, "enabled", FALSE);
  json_object_set_boolean_member (flex, "enabled", TRUE);
  flex_feature_config_set_layers (config, flex, NULL);
  g_assert_true (flex_feature_config_get_enabled (config));

  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  drain_main_context ();
  prefs = find_toplevel_of_type (FLEX_TYPE_PREFERENCES_WINDOW);
  g_assert_nonnull (prefs);
  enabled = GTK_WIDGET (gtk_widget_get_template_child (
      GTK_WIDGET (prefs), FLEX_TYPE_PREFERENCES_WINDOW, "enabled_switch"));
  recents = GTK_WIDGET (gtk_widget_get_template_child (
      GTK_WIDGET (prefs), FLEX_TYPE_PREFERENCES_WINDOW, "recents_switch"));
  row = ADW_ACTION_ROW (gtk_widget_get_ancestor (enabled, ADW_TYPE_ACTION_ROW));

  g_assert_true (gtk_switch_get_active (GTK_SWITCH (enabled)));
  g_assert_false (gtk_widget_get_sensitive (enabled));
  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, "Set by your Flex administrator");
  g_assert_false (g_settings_get_boolean (contacts, "enabled"));

  /* Not set by Flex: this computer's setting, as before. */
  g_assert_true (gtk_widget_get_sensitive (recents));
  gtk_switch_set_active (GTK_SWITCH (recents), FALSE);
  g_assert_false (g_settings_get_boolean (contacts, "enable-recents"));

  /* Flex no longer says: the switch is the local fallback again. */
  flex_feature_config_set_layers (config, NULL, NULL);
  drain_main_context ();
  g_assert_true (gtk_widget_get_sensitive (enabled));
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (enabled)));
  g_assert_cmpstr (adw_action_row_get_subtitle (row), !=, "Set by your Flex administrator");

  gtk_window_destroy (prefs);
  close_window (window);
  reset_settings ();
}

int
main (int argc, char *argv[])
{
  g_autoptr (GError) error = NULL;
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  the_app = flex_application_new ();
  g_application_set_flags (G_APPLICATION (the_app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (the_app), NULL, &error);
  g_assert_no_error (error);

  g_test_add_func ("/application/first-run-shows-sign-in", test_first_run_shows_sign_in);
  g_test_add_func ("/window/pages-and-dial-button", test_window_has_three_pages_and_dial_button);
  g_test_add_func ("/window/show-page-action", test_window_switches_pages_by_action);
  g_test_add_func ("/window/search-action", test_window_search_action_reveals_entry);
  g_test_add_func ("/window/hides-disabled-tabs", test_window_hides_disabled_tabs);
  g_test_add_func ("/window/restores-and-saves-size", test_window_restores_and_saves_size);
  g_test_add_func ("/application/actions-and-accels", test_app_actions_and_accels);
  g_test_add_func ("/application/about-and-shortcuts", test_about_and_shortcuts_windows_open);
  g_test_add_func ("/application/preferences-show-flex-settings",
                   test_preferences_show_flex_settings);
  g_test_add_func ("/application/preferences-edit-settings", test_preferences_edit_settings);

  ret = g_test_run ();
  g_clear_object (&the_app);

  return ret;
}
