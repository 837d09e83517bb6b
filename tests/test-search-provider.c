/* test-search-provider.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The GNOME Shell search provider, as GNOME Shell uses it: the real app
 * (`flex-contacts --sandbox`) runs in the test's D-Bus session, and the test
 * calls org.gnome.Shell.SearchProvider2 on it (GetInitialResultSet,
 * GetSubsearchResultSet, GetResultMetas, ActivateResult, LaunchSearch).
 * What the app did with an activation is read from its debug output (the
 * call confirmation it opened, the search it showed). With
 * FLEX_UI_SCREENSHOT_DIR set, the results are drawn as the Shell lists them
 * and saved as search-provider.png.
 */

#include "config.h"

#include <gtk/gtk.h>
#include <string.h>

#include "flex-test-util.h"

#define BUS_NAME  "io.github.flexcontacts.FlexContacts"
#define PATH      "/io/github/flexcontacts/FlexContacts/SearchProvider"
#define INTERFACE "org.gnome.Shell.SearchProvider2"

static GDBusConnection *bus;
static GSubprocess *app;
static GString *app_output;

static void
on_output_line (GObject *object, GAsyncResult *result, gpointer user_data)
{
  GDataInputStream *stream = G_DATA_INPUT_STREAM (object);
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (stream, result, NULL, NULL);

  if (line == NULL)
    return;
  g_string_append_printf (app_output, "%s\n", line);
  g_data_input_stream_read_line_async (stream, G_PRIORITY_DEFAULT, NULL, on_output_line, NULL);
}

static GVariant *
call (const char *method, GVariant *parameters, const char *reply_type)
{
  g_autoptr (GError) error = NULL;
  GVariant *reply =
      g_dbus_connection_call_sync (bus, BUS_NAME, PATH, INTERFACE, method, parameters,
                                   reply_type != NULL ? G_VARIANT_TYPE (reply_type) : NULL,
                                   G_DBUS_CALL_FLAGS_NONE, 10000, NULL, &error);

  g_assert_no_error (error);
  return reply;
}

static GStrv
initial (const char *const *terms)
{
  g_autoptr (GVariant) reply = call ("GetInitialResultSet", g_variant_new ("(^as)", terms), "(as)");
  GStrv results = NULL;

  g_variant_get (reply, "(^as)", &results);
  return results;
}

static gboolean
wait_output (const char *text, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * 1000;

  while (strstr (app_output->str, text) == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  if (strstr (app_output->str, text) == NULL)
    g_test_message ("The app said:\n%s", app_output->str);
  return strstr (app_output->str, text) != NULL;
}

static void
test_results_and_metas (void)
{
  static const char *const amelia[] = { "amelia", NULL };
  static const char *const amelia_watson[] = { "amelia", "watson", NULL };
  static const char *const amelia_nobody[] = { "amelia", "nobody", NULL };
  static const char *const formatted[] = { "(312) 555-0142", NULL };
  static const char *const emile[] = { "EMILE", NULL };
  g_auto (GStrv) results = initial (amelia);
  g_auto (GStrv) by_number = initial (formatted);
  g_auto (GStrv) accented = initial (emile);
  g_autoptr (GVariant) narrowed = NULL;
  g_autoptr (GVariant) emptied = NULL;
  g_autoptr (GVariant) metas = NULL;
  g_autoptr (GVariant) meta = NULL;
  const char *contact = NULL;
  const char *name = NULL, *description = NULL, *icon = NULL;

  /* My Contacts and a recent customer of the same name. */
  for (guint i = 0; results[i] != NULL; i++)
    if (g_str_has_prefix (results[i], "p:"))
      contact = results[i];
  g_assert_nonnull (contact);
  g_assert_true (g_strv_contains ((const char *const *) by_number, contact));
  g_assert_cmpuint (g_strv_length (accented), >=, 1);

  narrowed =
      call ("GetSubsearchResultSet", g_variant_new ("(^as^as)", results, amelia_watson), "(as)");
  emptied =
      call ("GetSubsearchResultSet", g_variant_new ("(^as^as)", results, amelia_nobody), "(as)");
  {
    g_auto (GStrv) kept = NULL;
    g_auto (GStrv) none = NULL;

    g_variant_get (narrowed, "(^as)", &kept);
    g_variant_get (emptied, "(^as)", &none);
    g_assert_true (g_strv_contains ((const char *const *) kept, contact));
    g_assert_cmpuint (g_strv_length (none), ==, 0);
  }

  metas = call ("GetResultMetas", g_variant_new ("(^as)", (const char *const[]){ contact, NULL }),
                "(aa{sv})");
  meta = g_variant_get_child_value (g_variant_get_child_value (metas, 0), 0);
  g_assert_true (g_variant_lookup (meta, "name", "&s", &name));
  g_assert_true (g_variant_lookup (meta, "description", "&s", &description));
  g_assert_true (g_variant_lookup (meta, "gicon", "&s", &icon));
  g_assert_cmpstr (name, ==, "Amelia Watson");
  g_assert_cmpstr (description, ==, "+1 312-555-0142 · My Contacts");
  g_assert_cmpstr (icon, ==, "avatar-default-symbolic");

  /* As the Shell lists them, for a person to look at. */
  if (g_getenv ("FLEX_UI_SCREENSHOT_DIR") != NULL)
    {
      g_autoptr (GVariant) all =
          call ("GetResultMetas", g_variant_new ("(^as)", results), "(aa{sv})");
      GtkWidget *window = gtk_window_new ();
      GtkWidget *list = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
      GVariant *entries = g_variant_get_child_value (all, 0);
      g_autofree char *command = NULL;

      gtk_widget_set_margin_start (list, 24);
      gtk_widget_set_margin_top (list, 24);
      for (gsize i = 0; i < g_variant_n_children (entries); i++)
        {
          g_autoptr (GVariant) entry = g_variant_get_child_value (entries, i);
          GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
          GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
          const char *entry_name, *entry_description, *entry_icon;
          GtkWidget *title, *subtitle;

          g_variant_lookup (entry, "name", "&s", &entry_name);
          g_variant_lookup (entry, "description", "&s", &entry_description);
          g_variant_lookup (entry, "gicon", "&s", &entry_icon);
          gtk_box_append (GTK_BOX (row), gtk_image_new_from_icon_name (entry_icon));
          title = gtk_label_new (entry_name);
          subtitle = gtk_label_new (entry_description);
          gtk_widget_set_halign (title, GTK_ALIGN_START);
          gtk_widget_set_halign (subtitle, GTK_ALIGN_START);
          gtk_box_append (GTK_BOX (text), title);
          gtk_box_append (GTK_BOX (text), subtitle);
          gtk_box_append (GTK_BOX (row), text);
          gtk_box_append (GTK_BOX (list), row);
        }
      g_variant_unref (entries);
      gtk_window_set_child (GTK_WINDOW (window), list);
      gtk_window_set_default_size (GTK_WINDOW (window), 480, 240);
      gtk_window_present (GTK_WINDOW (window));
      flex_test_spin (700);
      command = g_strdup_printf ("import -window root '%s/search-provider.png'",
                                 g_getenv ("FLEX_UI_SCREENSHOT_DIR"));
      g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL);
      gtk_window_destroy (GTK_WINDOW (window));
    }
}

/* Activating a result opens the app's call confirmation for it; "search in
 * the app" opens the window with the search. */
static void
test_activate_and_launch (void)
{
  static const char *const amelia[] = { "amelia", NULL };
  static const char *const kenji[] = { "kenji", NULL };
  g_auto (GStrv) results = initial (amelia);
  g_autoptr (GVariant) activated = NULL;
  g_autoptr (GVariant) launched = NULL;
  const char *contact = NULL;

  for (guint i = 0; results[i] != NULL; i++)
    if (g_str_has_prefix (results[i], "p:"))
      contact = results[i];
  g_assert_nonnull (contact);
  activated = call ("ActivateResult", g_variant_new ("(s^asu)", contact, amelia, 0), NULL);
  /* Another program asked: Enter does not call. */
  g_assert_true (wait_output ("Confirm: Call Amelia Watson? (Enter: Cancel)", 10000));

  /* No D-Bus peer can name whom the confirmation asks about, or put a text
   * on screen: the window exports neither action. */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (GVariant) listed = g_dbus_connection_call_sync (
        bus, BUS_NAME, "/io/github/flexcontacts/FlexContacts/window/1", "org.gtk.Actions", "List",
        NULL, G_VARIANT_TYPE ("(as)"), G_DBUS_CALL_FLAGS_NONE, 10000, NULL, &error);
    g_autofree const char **names = NULL;

    g_assert_no_error (error);
    g_variant_get (listed, "(^a&s)", &names);
    g_assert_true (g_strv_contains (names, "show-page"));
    g_assert_false (g_strv_contains (names, "call"));
    g_assert_false (g_strv_contains (names, "toast"));
  }

  launched = call ("LaunchSearch", g_variant_new ("(^asu)", kenji, 0), NULL);
  g_assert_true (wait_output ("Searching for “kenji”", 10000));
}

int
main (int argc, char *argv[])
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GDataInputStream) output = NULL;
  const char *app_path = g_getenv ("FLEX_CONTACTS_APP");
  static const char *const probe[] = { "amelia", NULL };
  gint64 deadline;
  int status;

  gtk_test_init (&argc, &argv, NULL);
  g_assert_nonnull (app_path);
  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  app_output = g_string_new (NULL);

  /* GLib writes debug messages to standard output. */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "flex-window flex-search-provider",
                                TRUE);
  /* Not the tests' strict settings: the app runs as on a desktop. */
  g_subprocess_launcher_unsetenv (launcher, "G_DEBUG");
  app = g_subprocess_launcher_spawn (launcher, &error, app_path, "--sandbox", NULL);
  g_assert_no_error (error);
  output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (app));
  g_data_input_stream_read_line_async (output, G_PRIORITY_DEFAULT, NULL, on_output_line, NULL);

  /* The app owns its name, then its sandbox loads its lists. */
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  for (;;)
    {
      g_autoptr (GVariant) owner = g_dbus_connection_call_sync (
          bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
          "NameHasOwner", g_variant_new ("(s)", BUS_NAME), G_VARIANT_TYPE ("(b)"),
          G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
      gboolean owned = FALSE;

      if (owner != NULL)
        g_variant_get (owner, "(b)", &owned);
      if (owned)
        {
          g_auto (GStrv) found = initial (probe);
          gboolean personal = FALSE;

          /* Each list loads on its own: wait for My Contacts (the recents
           * may come first, and the tests need both). */
          for (guint i = 0; found[i] != NULL; i++)
            personal = personal || g_str_has_prefix (found[i], "p:");
          if (personal)
            break;
        }
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      flex_test_spin (100);
    }

  g_test_add_func ("/search-provider/results-and-metas", test_results_and_metas);
  g_test_add_func ("/search-provider/activate-and-launch", test_activate_and_launch);
  status = g_test_run ();

  g_subprocess_send_signal (app, SIGTERM);
  g_subprocess_wait (app, NULL, NULL);
  g_clear_object (&app);
  g_clear_object (&bus);
  g_string_free (app_output, TRUE);
  return status;
}
