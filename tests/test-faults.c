/* test-faults.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * End to end, with faults: a session as the signed-in app makes it (API key,
 * push, snapshots, outbox) against the command-line emulator (--demo, its
 * --data file) started with --drop-rate, --error-rate 503, --rate-limit,
 * --latency, or stopped in the middle of the edits and started again. Every
 * edit made meanwhile reaches the server exactly once (read from the
 * emulator's --data file after it stopped), and the model ends showing them
 * all, none waiting.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

#include "flex-map-cache.h"
#include "flex-outbox.h"
#include "flex-session.h"
#include "flex-test-state.h"
#include "flex-test-util.h"
#include "flex-token-source.h"

#define ACCOUNT    "AC0123456789abcdef0123456789abcdef"
#define KEY_SID    "SK0123456789abcdef0123456789abcdef"
#define KEY_SECRET "faults-secret"
#define N_EDITS    12

typedef struct
{
  char *dir;
  char *data_file;
  GSubprocess *emulator;
  guint port;
  char *worker_sid;
} Fixture;

static void
start_emulator (Fixture *fixture, const char *const *faults)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *port = g_strdup_printf ("%u", fixture->port);
  g_autoptr (GDataInputStream) err = NULL;
  g_autofree char *line = NULL;

  g_ptr_array_add (argv, (gpointer) g_getenv ("FLEX_SYNC_EMULATOR"));
  g_ptr_array_add (argv, "--port");
  g_ptr_array_add (argv, port);
  g_ptr_array_add (argv, "--demo");
  g_ptr_array_add (argv, "--data");
  g_ptr_array_add (argv, fixture->data_file);
  g_ptr_array_add (argv, "--account");
  g_ptr_array_add (argv, ACCOUNT);
  g_ptr_array_add (argv, "--auth");
  g_ptr_array_add (argv, KEY_SID ":" KEY_SECRET);
  for (guint i = 0; faults != NULL && faults[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) faults[i]);
  g_ptr_array_add (argv, NULL);

  fixture->emulator = flex_test_spawn_emulator (
      (const char *const *) argv->pdata, G_SUBPROCESS_FLAGS_STDERR_PIPE, NULL, &fixture->port);
  if (fixture->worker_sid == NULL)
    {
      const char *worker;

      err = g_data_input_stream_new (g_subprocess_get_stderr_pipe (fixture->emulator));
      line = g_data_input_stream_read_line_utf8 (err, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (line);
      worker = strstr (line, "worker ");
      g_assert_nonnull (worker);
      fixture->worker_sid = g_strndup (worker + strlen ("worker "), 34);
    }
}

static void
stop_emulator (Fixture *fixture)
{
  g_subprocess_send_signal (fixture->emulator, SIGTERM);
  g_subprocess_wait (fixture->emulator, NULL, NULL);
  g_clear_object (&fixture->emulator);
}

static void
fixture_setup (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("flex-faults-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->data_file = g_build_filename (fixture->dir, "emulator.json", NULL);
  start_emulator (fixture, data);
}

static void
remove_tree (const char *directory)
{
  g_autoptr (GDir) dir = g_dir_open (directory, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (directory, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        remove_tree (path);
      else
        g_unlink (path);
    }
  g_rmdir (directory);
}

static void
fixture_teardown (Fixture *fixture, gconstpointer data)
{
  if (fixture->emulator != NULL)
    stop_emulator (fixture);
  remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->data_file);
  g_free (fixture->worker_sid);
}

/* The session the app makes for a signed-in account. */
static FlexSession *
open_session (Fixture *fixture, FlexFeatureConfig *config)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *base = g_strdup_printf ("http://127.0.0.1:%u", fixture->port);
  g_autofree char *socket_url = g_strdup_printf ("ws://127.0.0.1:%u/v3/wsconnect", fixture->port);
  g_autofree char *cache_dir = g_build_filename (fixture->dir, "cache", ACCOUNT, NULL);
  g_autofree char *outbox_path = g_build_filename (cache_dir, "outbox.json", NULL);
  g_autoptr (FlexTwilioClient) client = flex_twilio_client_new (KEY_SID, KEY_SECRET);
  g_autoptr (FlexTokenSource) tokens = NULL;
  g_autoptr (FlexMapCache) cache = flex_map_cache_new (cache_dir, ACCOUNT);
  g_autoptr (FlexOutbox) outbox = flex_outbox_new (outbox_path, ACCOUNT);
  FlexSession *session;

  for (guint api = 0; api < FLEX_TWILIO_N_APIS; api++)
    g_assert_true (flex_twilio_client_set_base_url (client, api, base, &error));
  flex_twilio_client_set_retry_policy (client, 2, 20, 500);
  tokens = flex_api_key_token_source_new (ACCOUNT, KEY_SID, KEY_SECRET, "alex.agent@example.com",
                                          "default", &error);
  g_assert_no_error (error);
  session = flex_session_new (client, ACCOUNT, fixture->worker_sid, "default", config);
  flex_session_enable_push (session, tokens, NULL, socket_url, NULL);
  flex_session_set_cache (session, cache);
  g_assert_true (flex_outbox_load (outbox, &error));
  flex_session_set_outbox (session, outbox);
  flex_session_set_poll_interval (session, 2);
  return session;
}

static void
on_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
load (FlexSession *session)
{
  g_autoptr (GAsyncResult) result = NULL;

  flex_session_load_async (session, NULL, on_done, &result);
  FLEX_TEST_WAIT_FOR (result != NULL, 30000);
  g_assert_true (flex_session_load_finish (session, result, NULL));
  FLEX_TEST_WAIT_FOR (flex_directory_get_loaded (flex_session_get_personal (session)), 30000);
}

/* One add; it may be sent, or kept in the outbox: either is success. */
static void
add (FlexDirectory *directory, guint i)
{
  g_autofree char *name = g_strdup_printf ("Fault %02u", i);
  g_autoptr (FlexContact) draft = flex_contact_new (NULL, name, "+13125550100", NULL);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (FlexContact) saved = NULL;
  g_autoptr (GError) error = NULL;

  flex_directory_add_contact_async (directory, draft, NULL, on_done, &result);
  FLEX_TEST_WAIT_FOR (result != NULL, 30000);
  saved = flex_directory_write_finish (directory, result, NULL, &error);
  g_assert_no_error (error);
}

static guint
count_shown (FlexDirectory *directory)
{
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (directory)); i++)
    {
      g_autoptr (FlexContact) contact = g_list_model_get_item (G_LIST_MODEL (directory), i);

      if (g_str_has_prefix (flex_contact_get_name (contact), "Fault ") &&
          flex_contact_get_sync (contact) == FLEX_CONTACT_SYNCED)
        n++;
    }
  return n;
}

/* What the server holds, from its --data file once it stopped. */
static void
assert_server_has_each_once (Fixture *fixture)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *map_name = g_strconcat ("Contacts_", fixture->worker_sid, NULL);
  g_autoptr (GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  JsonArray *items;

  g_assert_true (json_parser_load_from_file (parser, fixture->data_file, &error));
  items = flex_test_state_map_items (json_parser_get_root (parser), map_name);
  g_assert_nonnull (items);
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *data =
          json_object_get_object_member (json_array_get_object_element (items, i), "data");
      const char *name = json_object_get_string_member_with_default (data, "name", "");

      if (!g_str_has_prefix (name, "Fault "))
        continue;
      /* Exactly once: no name twice. */
      g_assert_false (g_hash_table_contains (names, name));
      g_hash_table_add (names, g_strdup (name));
    }
  g_assert_cmpuint (g_hash_table_size (names), ==, N_EDITS);
}

static void
run_edits (Fixture *fixture, gboolean restart_midway)
{
  g_autoptr (FlexFeatureConfig) config = flex_feature_config_new ();
  g_autoptr (FlexSession) session = open_session (fixture, config);
  FlexDirectory *personal;

  load (session);
  personal = flex_session_get_personal (session);
  for (guint i = 0; i < N_EDITS; i++)
    {
      if (restart_midway && i == N_EDITS / 3)
        stop_emulator (fixture); /* the edits that follow wait in the outbox */
      if (restart_midway && i == 2 * N_EDITS / 3)
        start_emulator (fixture, NULL);
      add (personal, i);
    }

  /* Everything sent, and shown as the server's. */
  {
    gint64 deadline = g_get_monotonic_time () + 90 * G_USEC_PER_SEC;

    while (count_shown (personal) != N_EDITS && g_get_monotonic_time () < deadline)
      {
        g_main_context_iteration (NULL, FALSE);
        g_usleep (200);
      }
    if (count_shown (personal) != N_EDITS)
      {
        for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (personal)); i++)
          {
            g_autoptr (FlexContact) contact = g_list_model_get_item (G_LIST_MODEL (personal), i);

            g_test_message ("row %s %s sync %d rev %s", flex_contact_get_key (contact),
                            flex_contact_get_name (contact), flex_contact_get_sync (contact),
                            flex_contact_get_revision (contact));
          }
        g_test_message ("live %d offline %d revision %s", flex_directory_get_live (personal),
                        flex_directory_get_offline (personal),
                        flex_directory_get_revision (personal));
        g_error ("%u of %u edits shown as sent", count_shown (personal), N_EDITS);
      }
  }

  flex_twilsock_stop (flex_session_get_socket (session));
  g_clear_object (&session);
  stop_emulator (fixture);
  assert_server_has_each_once (fixture);
}

static void
test_faults (Fixture *fixture, gconstpointer data)
{
  run_edits (fixture, FALSE);
}

static void
test_restart (Fixture *fixture, gconstpointer data)
{
  run_edits (fixture, TRUE);
}

int
main (int argc, char *argv[])
{
  static const char *const drop[] = { "--drop-rate", "0.25", NULL };
  static const char *const errors[] = { "--error-rate", "0.3", "--error-status", "503", NULL };
  static const char *const storm[] = { "--rate-limit", "6", NULL };
  static const char *const slow[] = { "--latency", "250", NULL };

  g_test_init (&argc, &argv, NULL);

  g_test_add ("/faults/drop-rate", Fixture, drop, fixture_setup, test_faults, fixture_teardown);
  g_test_add ("/faults/error-rate-503", Fixture, errors, fixture_setup, test_faults,
              fixture_teardown);
  g_test_add ("/faults/rate-limit", Fixture, storm, fixture_setup, test_faults, fixture_teardown);
  g_test_add ("/faults/latency", Fixture, slow, fixture_setup, test_faults, fixture_teardown);
  g_test_add ("/faults/restart-midway", Fixture, NULL, fixture_setup, test_restart,
              fixture_teardown);

  return g_test_run ();
}
