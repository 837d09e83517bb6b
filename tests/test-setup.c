/* test-setup.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The first-run sign-in window and sign-out, in the real app under Xvfb,
 * against the emulator and the test session's keyring. Run a second time
 * with FLEX_TEST_NO_KEYRING=1 (no Secret Service on the bus), it checks the
 * clear error and that no file under the test's HOME and XDG dirs holds the
 * secret.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "flex-application.h"
#include "flex-emulator.h"
#include "flex-setup-window.h"
#include "flex-test-state.h"
#include "flex-window.h"

#define ACCOUNT "AC00000000000000000000000000000000"
#define KEY     "SK0123456789abcdef0123456789abcdef"
#define SECRET  "sEcReT-only-in-the-keyring-7"

static FlexApplication *the_app;
static FlexEmulator *emulator;
static char *worker_sid;
static char *data_file;
static guint emulator_port;

static void
drain (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static GtkWindow *
wait_active_window (GType type)
{
  for (guint i = 0; i < 1000; i++)
    {
      GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (the_app));

      if (window != NULL && G_TYPE_CHECK_INSTANCE_TYPE (window, type) &&
          !gtk_widget_in_destruction (GTK_WIDGET (window)))
        return window;
      g_main_context_iteration (NULL, TRUE);
    }
  g_error ("no %s became the active window", g_type_name (type));
  return NULL;
}

static void
sign_in (FlexSetupWindow *setup, const char *secret, const char *identity)
{
  /* Success destroys the window: keep it alive to watch it. */
  g_autoptr (FlexSetupWindow) watched = g_object_ref (setup);

  flex_setup_window_fill (setup, ACCOUNT, KEY, secret, identity);
  flex_setup_window_sign_in (setup);
  g_assert_true (flex_setup_window_get_busy (setup));
  while (flex_setup_window_get_busy (watched) && !gtk_widget_in_destruction (GTK_WIDGET (watched)))
    g_main_context_iteration (NULL, TRUE);
}

static void
on_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static guint
keyring_accounts (void)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (FlexAccount) account = NULL;
  g_autoptr (GError) error = NULL;

  flex_account_load_async (NULL, on_done, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  account = flex_account_load_finish (result, &error);
  g_assert_no_error (error);
  return account != NULL ? 1 : 0;
}

static GtkWidget *
find_check_buttons (GtkWidget *widget, GPtrArray *found)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_CHECK_BUTTON (child) && gtk_widget_get_mapped (child))
        g_ptr_array_add (found, child);
      find_check_buttons (child, found);
    }
  return NULL;
}

/* Wrong secret, then two agents with one name, then the right pick: the
 * main window opens and the keyring holds the account; signing out removes
 * it and brings the sign-in back. */
static void
on_result (GObject *object, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static guint
count_on_server (const char *prefix)
{
  g_autofree char *map = g_strconcat ("Contacts_", worker_sid, NULL);
  g_autoptr (JsonNode) state = flex_emulator_dump_json (emulator);
  JsonArray *items = flex_test_state_map_items (state, map);
  guint found = 0;

  for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
    if (g_str_has_prefix (
            json_object_get_string_member_with_default (
                json_object_get_object_member (json_array_get_object_element (items, i), "data"),
                "name", ""),
            prefix))
      found++;
  return found;
}

/* Adds four contacts under a fault, then waits until they show as sent. */
static void
add_through_faults (FlexDirectory *personal, guint scenario)
{
  static const char *const names[] = { "drop",       "error-500", "error-503",
                                       "rate-limit", "latency",   "restart" };
  g_autofree char *prefix = g_strdup_printf ("Fault %s ", names[scenario]);
  g_autoptr (GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + 90 * G_USEC_PER_SEC;
  guint synced = 0;

  while (!flex_directory_get_loaded (personal) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  switch (scenario)
    {
      case 0:
        flex_emulator_set_drop_rate (emulator, 0.25);
        break;
      case 1:
        flex_emulator_set_error_rate (emulator, 0.3, 500);
        break;
      case 2:
        flex_emulator_set_error_rate (emulator, 0.3, 503);
        break;
      case 3:
        flex_emulator_set_rate_limit (emulator, 3);
        break;
      case 4:
        flex_emulator_set_latency (emulator, 250);
        break;
      default:
        break;
    }

  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s%u", prefix, i);
      g_autoptr (FlexContact) draft = flex_contact_new (NULL, name, "+13125550100", NULL);
      g_autoptr (GAsyncResult) result = NULL;
      g_autoptr (FlexContact) saved = NULL;

      /* The emulator stopped after two edits, started again (from its
       * --data file, on the same port) after the third. */
      if (scenario == 5 && i == 2)
        {
          emulator_port = flex_emulator_get_port (emulator);
          g_clear_object (&emulator);
        }
      if (scenario == 5 && i == 3)
        {
          emulator = flex_emulator_new ();
          flex_emulator_set_auth (emulator, KEY, SECRET);
          g_assert_true (flex_emulator_set_data_file (emulator, data_file, &error));
          g_assert_true (flex_emulator_listen (emulator, emulator_port, &error));
        }
      flex_directory_add_contact_async (personal, draft, NULL, on_result, &result);
      while (result == NULL)
        g_main_context_iteration (NULL, TRUE);
      saved = flex_directory_write_finish (personal, result, NULL, &error);
      g_assert_no_error (error);
    }

  while (synced < 4 && g_get_monotonic_time () < deadline)
    {
      synced = 0;
      for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (personal)); i++)
        {
          g_autoptr (FlexContact) contact = g_list_model_get_item (G_LIST_MODEL (personal), i);

          if (g_str_has_prefix (flex_contact_get_name (contact), prefix) &&
              flex_contact_get_sync (contact) == FLEX_CONTACT_SYNCED)
            synced++;
        }
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_test_message ("%s: %u of 4 shown as sent", names[scenario], synced);
  g_assert_cmpuint (synced, ==, 4);

  flex_emulator_set_drop_rate (emulator, 0);
  flex_emulator_set_error_rate (emulator, 0, 500);
  flex_emulator_set_rate_limit (emulator, 0);
  flex_emulator_set_latency (emulator, 0);
  g_assert_cmpuint (count_on_server (prefix), ==, 4);
}

/* "Sign in with Flex": what the agent typed is checked, an address with no
 * Flex says so, the wait for the browser ends with Cancel (a person who
 * closed the tab), and the identity provider's ?error= is said. The
 * browser is tests/stand-in-browser.py, the desktop's http handler here. */
static char *browser_log;

static guint
browser_visits (const char *what)
{
  g_autofree char *text = NULL;
  guint found = 0;

  if (!g_file_get_contents (browser_log, &text, NULL, NULL))
    return 0;
  for (const char *p = text; (p = strstr (p, what)) != NULL; p++)
    found++;
  return found;
}

static void
wait_not_busy (FlexSetupWindow *setup)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (flex_setup_window_get_busy (setup) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (flex_setup_window_get_busy (setup));
}

static void
test_flex_sign_in_checks (void)
{
  FlexSetupWindow *setup;
  gint64 deadline;

  g_application_activate (G_APPLICATION (the_app));
  setup = FLEX_SETUP_WINDOW (wait_active_window (FLEX_TYPE_SETUP_WINDOW));

  flex_setup_window_fill_flex (setup, "  ");
  flex_setup_window_sign_in_with_flex (setup);
  g_assert_false (flex_setup_window_get_busy (setup));
  g_assert_nonnull (strstr (flex_setup_window_get_error (setup), "Flex address"));

  flex_setup_window_fill_flex (setup, "no-such-flex.twil.io");
  flex_setup_window_sign_in_with_flex (setup);
  wait_not_busy (setup);
  g_assert_nonnull (strstr (flex_setup_window_get_error (setup), "No Flex answers"));
  g_assert_cmpuint (browser_visits ("\"opened\""), ==, 0);

  /* The browser opened, the tab closed: the window waits until Cancel. */
  g_setenv ("FLEX_E2E_BROWSER_ACTION", "close", TRUE);
  flex_setup_window_fill_flex (setup, "flex-sandbox.twil.io");
  flex_setup_window_sign_in_with_flex (setup);
  g_assert_true (flex_setup_window_get_busy (setup));
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (browser_visits ("\"closed\"") < 1 && g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_assert_cmpuint (browser_visits ("\"closed\""), ==, 1);
  g_assert_true (flex_setup_window_get_busy (setup));
  gtk_widget_activate_action (GTK_WIDGET (setup), "setup.cancel", NULL);
  wait_not_busy (setup);
  g_assert_null (flex_setup_window_get_error (setup));
  g_assert_cmpuint (keyring_accounts (), ==, 0);

  /* The identity provider said no: in the window's words. */
  g_setenv ("FLEX_E2E_BROWSER_ACTION", "deny", TRUE);
  flex_setup_window_sign_in_with_flex (setup);
  wait_not_busy (setup);
  g_assert_nonnull (strstr (flex_setup_window_get_error (setup), "access_denied"));
  g_assert_cmpuint (keyring_accounts (), ==, 0);
  g_unsetenv ("FLEX_E2E_BROWSER_ACTION");

  flex_setup_window_show_error (setup, NULL);
  gtk_window_destroy (GTK_WINDOW (setup));
  drain ();
}

static void
test_sign_in_and_out (void)
{
  FlexSetupWindow *setup;
  FlexWindow *window;
  g_autoptr (GPtrArray) checks = g_ptr_array_new ();
  g_autofree char *twin = NULL;
  const FlexAccount *account;
  AdwMessageDialog *dialog;

  g_application_activate (G_APPLICATION (the_app));
  setup = FLEX_SETUP_WINDOW (wait_active_window (FLEX_TYPE_SETUP_WINDOW));
  g_assert_null (flex_setup_window_get_error (setup));

  sign_in (setup, "wrong-secret", "Alex Agent");
  g_assert_nonnull (strstr (flex_setup_window_get_error (setup), "credentials"));
  g_assert_cmpuint (keyring_accounts (), ==, 0);

  sign_in (setup, SECRET, "Nobody");
  g_assert_nonnull (strstr (flex_setup_window_get_error (setup), "Nobody"));
  g_assert_cmpuint (keyring_accounts (), ==, 0);

  twin = flex_emulator_add_worker (emulator, "Alex Agent", "{\"roles\":[\"agent\"]}", TRUE);
  sign_in (setup, SECRET, "Alex Agent");
  g_assert_nonnull (strstr (flex_setup_window_get_error (setup), "pick"));
  drain ();
  find_check_buttons (GTK_WIDGET (setup), checks);
  g_assert_cmpuint (checks->len, ==, 2);
  for (guint i = 0; i < checks->len; i++)
    if (g_strcmp0 (g_object_get_data (checks->pdata[i], "flex-worker-sid"), worker_sid) == 0)
      gtk_check_button_set_active (checks->pdata[i], TRUE);

  sign_in (setup, SECRET, "Alex Agent");
  window = FLEX_WINDOW (wait_active_window (FLEX_TYPE_WINDOW));
  account = flex_application_get_account (the_app);
  g_assert_nonnull (account);
  g_assert_cmpstr (account->worker_sid, ==, worker_sid);
  g_assert_cmpuint (keyring_accounts (), ==, 1);
  g_assert_nonnull (flex_application_get_session (the_app));

  /* Signed in, with faults (the same switches the command-line emulator's
   * --drop-rate, --error-rate, --rate-limit and --latency set): every
   * contact added reaches the server exactly once and ends shown as sent. */
  for (guint scenario = 0; scenario < 6; scenario++)
    add_through_faults (flex_session_get_personal (flex_application_get_session (the_app)),
                        scenario);

  /* Sign out, confirmed. */
  g_action_group_activate_action (G_ACTION_GROUP (the_app), "sign-out", NULL);
  drain ();
  dialog = NULL;
  for (GList *l = gtk_window_list_toplevels (); l != NULL; l = g_list_delete_link (l, l))
    if (ADW_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      dialog = l->data;
  g_assert_nonnull (dialog);
  adw_message_dialog_response (dialog, "sign-out");
  setup = FLEX_SETUP_WINDOW (wait_active_window (FLEX_TYPE_SETUP_WINDOW));
  g_assert_cmpuint (keyring_accounts (), ==, 0);
  g_assert_null (flex_application_get_account (the_app));
  g_assert_null (flex_application_get_session (the_app));
  (void) window;
  gtk_window_destroy (GTK_WINDOW (setup));
  drain ();
}

static gboolean
file_holds (const char *path, const char *needle)
{
  g_autofree char *contents = NULL;
  gsize length = 0;
  gsize n = strlen (needle);

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return FALSE;

  for (gsize i = 0; i + n <= length; i++)
    if (memcmp (contents + i, needle, n) == 0)
      return TRUE;
  return FALSE;
}

static guint
scan_for_secret (const char *dir_path, const char *needle)
{
  g_autoptr (GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;
  guint hits = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir_path, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        continue;
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        hits += scan_for_secret (path, needle);
      else if (file_holds (path, needle))
        {
          g_test_message ("the secret is in %s", path);
          hits++;
        }
    }
  return hits;
}

/* No Secret Service on the bus: the sign-in says so, nothing is kept, and
 * no file holds the secret. */
static void
test_no_keyring (void)
{
  const char *dirs[] = {
    g_get_home_dir (),       g_get_user_config_dir (),  g_get_user_data_dir (),
    g_get_user_cache_dir (), g_get_user_runtime_dir (), g_get_user_state_dir ()
  };
  FlexSetupWindow *setup;

  g_application_activate (G_APPLICATION (the_app));
  setup = FLEX_SETUP_WINDOW (wait_active_window (FLEX_TYPE_SETUP_WINDOW));
  /* Reading the keyring at start-up already failed, and says so. */
  g_assert_nonnull (flex_setup_window_get_error (setup));
  g_assert_nonnull (strstr (flex_setup_window_get_error (setup), "keyring"));

  sign_in (setup, SECRET, "Alex Agent");
  g_assert_nonnull (strstr (flex_setup_window_get_error (setup), "No keyring"));
  g_assert_true (gtk_application_get_active_window (GTK_APPLICATION (the_app)) ==
                 GTK_WINDOW (setup));
  g_assert_null (flex_application_get_account (the_app));

  /* Let anything that would write (settings, caches) do so, then look. */
  g_settings_sync ();
  drain ();
  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    g_assert_cmpuint (scan_for_secret (dirs[i], SECRET), ==, 0);

  gtk_window_destroy (GTK_WINDOW (setup));
  drain ();
}

int
main (int argc, char *argv[])
{
  g_autoptr (GError) error = NULL;
  g_autofree char *configuration = NULL;
  gboolean no_keyring = g_strcmp0 (g_getenv ("FLEX_TEST_NO_KEYRING"), "1") == 0;
  int ret;

  /* The stand-in browser as the desktop's http handler (before GLib reads
   * the XDG directories). */
  {
    g_autofree char *root = g_dir_make_tmp ("flex-setup-xdg-XXXXXX", NULL);
    g_autofree char *data = g_build_filename (root, "data", NULL);
    g_autofree char *apps = g_build_filename (data, "applications", NULL);
    g_autofree char *config = g_build_filename (root, "config", NULL);
    g_autofree char *desktop = g_build_filename (apps, "flex-test-browser.desktop", NULL);
    g_autofree char *mimeapps = g_build_filename (config, "mimeapps.list", NULL);
    g_autofree char *script =
        g_build_filename (g_getenv ("G_TEST_SRCDIR"), "stand-in-browser.py", NULL);
    g_autofree char *entry = g_strdup_printf (
        "[Desktop Entry]\nType=Application\nName=Stand-in Browser\nExec=/usr/bin/python3 %s "
        "%%u\nMimeType=x-scheme-handler/http;\nNoDisplay=true\n",
        script);

    g_mkdir_with_parents (apps, 0700);
    g_mkdir_with_parents (config, 0700);
    g_file_set_contents (desktop, entry, -1, NULL);
    g_file_set_contents (
        mimeapps, "[Default Applications]\nx-scheme-handler/http=flex-test-browser.desktop\n", -1,
        NULL);
    g_setenv ("XDG_DATA_HOME", data, TRUE);
    g_setenv ("XDG_CONFIG_HOME", config, TRUE);
    browser_log = g_build_filename (root, "browser.log", NULL);
    g_setenv ("FLEX_E2E_BROWSER_LOG", browser_log, TRUE);
  }

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  emulator = flex_emulator_new ();
  flex_emulator_listen (emulator, 0, &error);
  g_assert_no_error (error);
  flex_emulator_set_auth (emulator, KEY, SECRET);
  {
    g_autofree char *dir = g_dir_make_tmp ("flex-setup-XXXXXX", &error);

    g_assert_no_error (error);
    data_file = g_build_filename (dir, "emulator.json", NULL);
    g_assert_true (flex_emulator_set_data_file (emulator, data_file, &error));
  }
  configuration = g_strdup_printf ("{\"taskrouter_workspace_sid\":\"%s\"}",
                                   flex_emulator_get_workspace_sid (emulator));
  g_assert_true (flex_emulator_set_configuration (emulator, configuration, &error));
  worker_sid = flex_emulator_add_worker (
      emulator, "Alex Agent", "{\"email\":\"alex@example.com\",\"roles\":[\"agent\"]}", TRUE);
  g_setenv ("FLEX_TWILIO_SYNC_URL", flex_emulator_get_base_url (emulator), TRUE);
  g_setenv ("FLEX_TWILIO_TASKROUTER_URL", flex_emulator_get_base_url (emulator), TRUE);
  g_setenv ("FLEX_TWILIO_FLEX_URL", flex_emulator_get_base_url (emulator), TRUE);
  g_setenv ("FLEX_TWILIO_SERVICES_URL", flex_emulator_get_base_url (emulator), TRUE);

  the_app = flex_application_new ();
  g_application_set_flags (G_APPLICATION (the_app),
                           G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_OPEN);
  g_application_register (G_APPLICATION (the_app), NULL, &error);
  g_assert_no_error (error);

  if (no_keyring)
    g_test_add_func ("/setup/no-keyring", test_no_keyring);
  else
    {
      g_test_add_func ("/setup/flex-sign-in-checks", test_flex_sign_in_checks);
      g_test_add_func ("/setup/sign-in-and-out", test_sign_in_and_out);
    }

  ret = g_test_run ();
  g_clear_object (&the_app);
  g_clear_object (&emulator);
  g_free (worker_sid);
  if (data_file != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (data_file);

      g_unlink (data_file);
      g_rmdir (dir);
      g_free (data_file);
    }
  return ret;
}
