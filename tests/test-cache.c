/* test-cache.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * FlexMapCache (the on-disk snapshot of each map) and a directory that starts
 * from it: round trip, file modes and atomic writes, damaged or foreign files
 * ignored (a fuzz over truncations and flipped bytes), a start that shows the
 * rows before any request and then costs one map GET when nothing changed,
 * saving after changes, expired recents hidden, and deleting on sign-out.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flex-directory.h"
#include "flex-emulator.h"
#include "flex-map-cache.h"
#include "flex-session.h"
#include "flex-test-directory.h"
#include "flex-test-util.h"

#define ACCOUNT    "AC0123456789abcdef0123456789abcdef"
#define OTHER      "AC00000000000000000000000000000001"
#define USERNAME   "SK0123456789abcdef0123456789abcdef"
#define WORKER_MAP "Contacts_WK00000000000000000000000000000001"
#define RECENTS    "Contacts_Recent_WK00000000000000000000000000000001"

static char *
make_dir (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *base = g_dir_make_tmp ("flex-cache-XXXXXX", &error);

  g_assert_no_error (error);
  return g_build_filename (base, "flex-contacts", ACCOUNT, NULL);
}

static void
remove_tree (const char *directory)
{
  g_autoptr (GDir) dir = g_dir_open (directory, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (directory, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        remove_tree (path);
      else
        g_unlink (path);
    }
  g_rmdir (directory);
}

/* Removes the temporary base of an account directory made by make_dir(). */
static void
remove_base (const char *account_directory)
{
  g_autofree char *parent = g_path_get_dirname (account_directory);
  g_autofree char *base = g_path_get_dirname (parent);

  remove_tree (base);
}

static FlexSyncItem *
item (const char *key, const char *revision, const char *json)
{
  g_autoptr (JsonNode) data = json_from_string (json, NULL);

  return flex_sync_item_new (key, revision, data, NULL, NULL, NULL);
}

static FlexMapSnapshot *
sample (void)
{
  FlexMapSnapshot *snapshot = flex_map_snapshot_new ("42", 17);

  g_ptr_array_add (
      snapshot->items,
      item ("k-zoe", "3",
            "{\"key\":\"k-zoe\",\"name\":\"Zoë Ångström\",\"phoneNumber\":\"+13125550101\","
            "\"notes\":\"line 1\\nline 2\",\"futureField\":[1,2]}"));
  g_ptr_array_add (snapshot->items, item ("k-amy", "0",
                                          "{\"key\":\"k-amy\",\"name\":\"Amy\",\"phoneNumber\":"
                                          "\"+13125550102\"}"));
  return snapshot;
}

static void
test_cache_round_trip (void)
{
  g_autofree char *directory = make_dir ();
  g_autoptr (FlexMapCache) cache = flex_map_cache_new (directory, ACCOUNT);
  g_autoptr (FlexMapSnapshot) written = sample ();
  g_autoptr (FlexMapSnapshot) read = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (directory, WORKER_MAP ".json", NULL);
  g_autoptr (GDir) dir = NULL;
  FlexSyncItem *zoe;
  struct stat info;
  guint files = 0;

  g_assert_true (flex_map_cache_save (cache, WORKER_MAP, written, &error));
  g_assert_no_error (error);

  /* Only the user can read it; nothing but the file is left behind. */
  g_assert_cmpint (g_stat (directory, &info), ==, 0);
  g_assert_cmpint (info.st_mode & 0777, ==, 0700);
  g_assert_cmpint (g_stat (path, &info), ==, 0);
  g_assert_cmpint (info.st_mode & 0777, ==, 0600);
  dir = g_dir_open (directory, 0, NULL);
  while (g_dir_read_name (dir) != NULL)
    files++;
  g_assert_cmpuint (files, ==, 1);

  read = flex_map_cache_load (cache, WORKER_MAP, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (read->revision, ==, "42");
  g_assert_cmpint (read->last_event_id, ==, 17);
  g_assert_cmpint (ABS (read->saved_at_us - g_get_real_time ()), <, 10 * G_USEC_PER_SEC);
  g_assert_cmpuint (read->items->len, ==, 2);
  zoe = g_ptr_array_index (read->items, 0);
  g_assert_cmpstr (zoe->key, ==, "k-zoe");
  g_assert_cmpstr (zoe->revision, ==, "3");
  g_assert_true (
      json_node_equal (zoe->data, ((FlexSyncItem *) g_ptr_array_index (written->items, 0))->data));

  /* Another account's cache is not this one's. */
  {
    g_autoptr (FlexMapCache) other = flex_map_cache_new (directory, OTHER);

    g_assert_null (flex_map_cache_load (other, WORKER_MAP, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    g_clear_error (&error);
  }
  /* No file: not found, not an error worth a line. */
  g_assert_null (flex_map_cache_load (cache, "Contacts_nothing", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (flex_map_cache_delete_all (cache, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (directory, G_FILE_TEST_EXISTS));
  g_assert_true (flex_map_cache_delete_all (cache, &error)); /* twice is fine */
  remove_base (directory);
}

/* Damaged files: every truncation, flipped bytes, other formats and
 * versions. Each is refused, or (when the damage happens to leave valid
 * JSON of our shape) read as what it now says; never a crash. */
static void
test_cache_damaged (void)
{
  g_autofree char *directory = make_dir ();
  g_autoptr (FlexMapCache) cache = flex_map_cache_new (directory, ACCOUNT);
  g_autoptr (FlexMapSnapshot) written = sample ();
  g_autofree char *path = g_build_filename (directory, WORKER_MAP ".json", NULL);
  g_autofree char *good = NULL;
  g_autoptr (GRand) rand = g_rand_new_with_seed (20261129);
  g_autoptr (GError) error = NULL;
  gsize length;
  guint refused = 0;
  const char *foreign[] = {
    "",
    "null",
    "[]",
    "{}",
    "{\"format\":\"flex-contacts-map-cache\",\"version\":2,\"account\":\"" ACCOUNT
    "\",\"map\":\"" WORKER_MAP "\",\"saved_at\":\"2026-11-29T00:00:00Z\",\"items\":[]}",
    "{\"format\":\"other\",\"version\":1,\"account\":\"" ACCOUNT "\",\"map\":\"" WORKER_MAP
    "\",\"saved_at\":\"2026-11-29T00:00:00Z\",\"items\":[]}",
    "{\"format\":\"flex-contacts-map-cache\",\"version\":1,\"account\":\"" ACCOUNT
    "\",\"map\":\"Contacts_other\",\"saved_at\":\"2026-11-29T00:00:00Z\",\"items\":[]}",
    "{\"format\":\"flex-contacts-map-cache\",\"version\":1,\"account\":\"" ACCOUNT
    "\",\"map\":\"" WORKER_MAP "\",\"saved_at\":\"2026-11-29T00:00:00Z\",\"items\":[{\"key\":1}]}",
    "{\"format\":\"flex-contacts-map-cache\",\"version\":1,\"account\":\"" ACCOUNT
    "\",\"map\":\"" WORKER_MAP "\",\"saved_at\":\"yesterday\",\"items\":[]}",
    "{\"format\":\"flex-contacts-map-cache\",\"version\":\"1\",\"account\":\"" ACCOUNT
    "\",\"map\":\"" WORKER_MAP "\",\"saved_at\":\"2026-11-29T00:00:00Z\",\"items\":{}}",
  };

  g_assert_true (flex_map_cache_save (cache, WORKER_MAP, written, &error));
  g_assert_true (g_file_get_contents (path, &good, &length, &error));

  for (gsize cut = 0; cut < length; cut++)
    {
      g_autoptr (FlexMapSnapshot) read = NULL;

      g_assert_true (g_file_set_contents (path, good, cut, NULL));
      read = flex_map_cache_load (cache, WORKER_MAP, &error);
      g_assert_null (read);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
      g_clear_error (&error);
    }

  for (guint round = 0; round < 2000; round++)
    {
      g_autofree char *bad = g_memdup2 (good, length);
      g_autoptr (FlexMapSnapshot) read = NULL;
      guint flips = g_rand_int_range (rand, 1, 4);

      for (guint f = 0; f < flips; f++)
        bad[g_rand_int_range (rand, 0, length)] = (char) g_rand_int_range (rand, 0, 256);
      g_assert_true (g_file_set_contents (path, bad, length, NULL));
      read = flex_map_cache_load (cache, WORKER_MAP, &error);
      if (read == NULL)
        {
          g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
          g_clear_error (&error);
          refused++;
        }
      else
        g_assert_cmpuint (read->items->len, <=, 2);
    }
  g_assert_cmpuint (refused, >, 1000);

  for (guint i = 0; i < G_N_ELEMENTS (foreign); i++)
    {
      g_autoptr (FlexMapSnapshot) read = NULL;

      g_assert_true (g_file_set_contents (path, foreign[i], -1, NULL));
      read = flex_map_cache_load (cache, WORKER_MAP, &error);
      g_assert_null (read);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
      g_clear_error (&error);
    }

  /* A cache directory that cannot be written: the save fails, quietly. */
  {
    g_autofree char *blocked = g_build_filename (directory, "blocked", NULL);
    g_autoptr (FlexMapCache) nowhere = NULL;

    g_assert_true (g_file_set_contents (blocked, "a file, not a directory", -1, NULL));
    nowhere = flex_map_cache_new (blocked, ACCOUNT);
    g_assert_false (flex_map_cache_save (nowhere, WORKER_MAP, written, &error));
    g_assert_nonnull (error);
    g_clear_error (&error);
  }
  remove_base (directory);
}

/* A directory started from its snapshot. */

typedef struct
{
  FlexEmulator *emulator;
  FlexTwilioClient *client;
  char *cache_dir;
  GString *changes;
} Fixture;

static void
put (Fixture *fixture, const char *map, const char *key, const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *json = g_strdup_printf (
      "{\"key\":\"%s\",\"name\":\"%s\",\"phoneNumber\":\"+13125550100\"}", key, name);

  flex_emulator_put_item (fixture->emulator, map, key, json, 0, &error);
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  fixture->emulator = flex_emulator_new ();
  flex_emulator_listen (fixture->emulator, 0, &error);
  g_assert_no_error (error);
  fixture->client = flex_twilio_client_new (USERNAME, "secret");
  flex_twilio_client_set_base_url (fixture->client, FLEX_TWILIO_API_SYNC,
                                   flex_emulator_get_base_url (fixture->emulator), &error);
  g_assert_no_error (error);
  fixture->cache_dir = make_dir ();
  fixture->changes = g_string_new (NULL);
  put (fixture, WORKER_MAP, "k-amy", "Amy");
  put (fixture, WORKER_MAP, "k-bo", "Bo");
}

static void
fixture_teardown (Fixture *fixture, gconstpointer data)
{
  g_assert_finalize_object (fixture->client);
  g_assert_finalize_object (fixture->emulator);
  remove_base (fixture->cache_dir);
  g_free (fixture->cache_dir);
  g_string_free (fixture->changes, TRUE);
}

static FlexDirectory *
open_directory (Fixture *fixture, const char *map_name, FlexDirectoryKind kind)
{
  g_autoptr (FlexSyncMap) map = flex_sync_map_new (fixture->client, "default", map_name);
  g_autoptr (FlexMapCache) cache = flex_map_cache_new (fixture->cache_dir, ACCOUNT);
  FlexDirectory *directory = flex_directory_new (map, kind);

  flex_directory_set_cache (directory, cache);
  return directory;
}

/* A check that must succeed. */
static void
check (FlexDirectory *directory)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (flex_test_check_directory (directory, 5000, &error));
  g_assert_no_error (error);
}

static void
test_directory_starts_from_cache (Fixture *fixture, gconstpointer data)
{
  g_autoptr (FlexDirectory) first =
      open_directory (fixture, WORKER_MAP, FLEX_DIRECTORY_KIND_PERSONAL);
  g_autoptr (FlexDirectory) second = NULL;
  guint requests;

  /* A first run: nothing cached; it lists the map, then saves it. */
  g_assert_false (flex_directory_load_cached (first));
  check (first);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (first)), ==, 2);
  g_assert_finalize_object (g_steal_pointer (&first)); /* flushes the pending save */

  /* The next start: the rows before any request... */
  flex_emulator_clear_exchanges (fixture->emulator);
  second = open_directory (fixture, WORKER_MAP, FLEX_DIRECTORY_KIND_PERSONAL);
  flex_test_record_changes (second, fixture->changes);
  g_assert_true (flex_directory_load_cached (second));
  g_assert_cmpstr (fixture->changes->str, ==, "0+2*");
  g_string_truncate (fixture->changes, 0);
  g_assert_true (flex_directory_get_loaded (second));
  g_assert_cmpuint (flex_emulator_get_exchanges (fixture->emulator)->len, ==, 0);

  /* ...then one GET of the map, when nothing changed. */
  check (second);
  requests = flex_emulator_get_exchanges (fixture->emulator)->len;
  g_assert_cmpuint (requests, ==, 1);
  g_assert_cmpstr (fixture->changes->str, ==, "");

  /* A change meanwhile: one minimal update, and the snapshot follows. */
  put (fixture, WORKER_MAP, "k-cy", "Cy");
  check (second);
  g_assert_cmpstr (fixture->changes->str, ==, "2+1*");
  g_string_truncate (fixture->changes, 0);
  g_signal_handlers_disconnect_by_data (second, fixture->changes);
  g_assert_finalize_object (g_steal_pointer (&second));
  {
    g_autoptr (FlexMapCache) cache = flex_map_cache_new (fixture->cache_dir, ACCOUNT);
    g_autoptr (GError) error = NULL;
    g_autoptr (FlexMapSnapshot) snapshot = flex_map_cache_load (cache, WORKER_MAP, &error);
    g_autofree char *revision = flex_emulator_get_map_revision (fixture->emulator, WORKER_MAP);

    g_assert_no_error (error);
    g_assert_cmpuint (snapshot->items->len, ==, 3);
    g_assert_cmpstr (snapshot->revision, ==, revision);
  }
}

static void
on_refresh_failed (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  g_assert_false (flex_directory_refresh_finish (FLEX_DIRECTORY (object), result, &error));
  g_assert_error (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_NETWORK);
  *(gboolean *) user_data = TRUE;
}

/* Offline at start: the saved rows stay, the directory says offline. */
static void
on_loaded_flag (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (flex_session_load_finish (FLEX_SESSION (object), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static void
test_directory_offline_from_cache (Fixture *fixture, gconstpointer data)
{
  g_autoptr (FlexDirectory) first =
      open_directory (fixture, WORKER_MAP, FLEX_DIRECTORY_KIND_PERSONAL);
  g_autoptr (FlexDirectory) second = NULL;
  g_autoptr (GError) error = NULL;
  gboolean done = FALSE;

  check (first);
  g_assert_finalize_object (g_steal_pointer (&first));

  flex_twilio_client_set_base_url (fixture->client, FLEX_TWILIO_API_SYNC, "http://127.0.0.1:9",
                                   &error);
  g_assert_no_error (error);
  flex_twilio_client_set_retry_policy (fixture->client, 0, 1, 10);
  second = open_directory (fixture, WORKER_MAP, FLEX_DIRECTORY_KIND_PERSONAL);
  g_assert_true (flex_directory_load_cached (second));
  flex_directory_refresh_async (second, NULL, on_refresh_failed, &done);
  FLEX_TEST_WAIT_FOR (done, 10000);
  g_assert_true (flex_directory_get_offline (second));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (second)), ==, 2);
  g_assert_cmpint (flex_directory_get_shown_since (second), >, 0);
  g_assert_cmpint (flex_directory_get_shown_since (second), <=, g_get_real_time ());
}

/* While live, what is shown was current until the socket dropped: the time
 * an "Offline" footer names is that moment, not the last REST check. */
static void
test_directory_offline_time_is_when_push_dropped (Fixture *fixture, gconstpointer data)
{
  g_autoptr (FlexDirectory) first =
      open_directory (fixture, WORKER_MAP, FLEX_DIRECTORY_KIND_PERSONAL);
  g_autoptr (FlexDirectory) second = NULL;
  gint64 saved_at, dropped_at;

  check (first);
  g_assert_finalize_object (g_steal_pointer (&first));
  second = open_directory (fixture, WORKER_MAP, FLEX_DIRECTORY_KIND_PERSONAL);
  g_assert_true (flex_directory_load_cached (second));
  saved_at = flex_directory_get_shown_since (second);

  /* Live for a while, then the socket drops. */
  flex_directory_set_live (second, TRUE, NULL);
  g_usleep (20 * 1000);
  dropped_at = g_get_real_time ();
  flex_directory_set_live (second, FALSE, "the socket dropped");
  g_assert_cmpint (flex_directory_get_shown_since (second), >=, dropped_at);
  g_assert_cmpint (flex_directory_get_shown_since (second), >, saved_at);
}

/* A dropped session's requests still under way end (each holds the
 * client) before the fixture checks that the client goes. */
static void
wait_for_requests (Fixture *fixture)
{
  FLEX_TEST_WAIT_FOR (G_OBJECT (fixture->client)->ref_count == 1, 20000);
}

static char *
demo_session_state (Fixture *fixture, FlexMapCache *cache, char **worker_out)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FlexFeatureConfig) config = flex_feature_config_new ();
  g_autoptr (FlexSession) session = NULL;
  g_autofree char *path = g_build_filename (fixture->cache_dir, "session.json", NULL);
  char *worker = flex_emulator_add_demo_data (fixture->emulator, &error);
  gboolean done = FALSE;

  g_assert_no_error (error);
  for (guint api = 0; api < FLEX_TWILIO_N_APIS; api++)
    {
      flex_twilio_client_set_base_url (fixture->client, api,
                                       flex_emulator_get_base_url (fixture->emulator), &error);
      g_assert_no_error (error);
    }
  session = flex_session_new (fixture->client, flex_emulator_get_account_sid (fixture->emulator),
                              worker, "default", config);
  flex_session_set_poll_interval (session, 0);
  flex_session_set_cache (session, cache);
  flex_session_load_async (session, NULL, on_loaded_flag, &done);
  FLEX_TEST_WAIT_FOR (done && g_file_test (path, G_FILE_TEST_EXISTS), 10000);
  g_assert_true (flex_feature_config_get_enabled (config));
  g_assert_true (flex_directory_get_editable (flex_session_get_shared (session)));
  g_clear_object (&session);
  wait_for_requests (fixture);
  *worker_out = worker;
  return g_steal_pointer (&path);
}

/* Flex and the worker as they last answered are kept beside the snapshots
 * (0600), and a start with Twilio out of reach begins from them: the feature
 * on, the supervisor's role (shared contacts editable), never "turned off". */
static void
test_session_starts_from_kept_state (Fixture *fixture, gconstpointer data)
{
  g_autoptr (FlexMapCache) cache = NULL;
  g_autoptr (FlexFeatureConfig) config = flex_feature_config_new ();
  g_autoptr (FlexSession) session = NULL;
  g_autofree char *worker = NULL;
  g_autofree char *path = NULL;
  g_autoptr (GError) error = NULL;
  GStatBuf info;
  gboolean done = FALSE;

  cache =
      flex_map_cache_new (fixture->cache_dir, flex_emulator_get_account_sid (fixture->emulator));
  path = demo_session_state (fixture, cache, &worker);
  g_assert_cmpint (g_stat (path, &info), ==, 0);
  g_assert_cmpint (info.st_mode & 0777, ==, 0600);

  /* Twilio out of reach. */
  for (guint api = 0; api < FLEX_TWILIO_N_APIS; api++)
    flex_twilio_client_set_base_url (fixture->client, api, "http://127.0.0.1:9", &error);
  flex_twilio_client_set_retry_policy (fixture->client, 0, 1, 10);
  session = flex_session_new (fixture->client, flex_emulator_get_account_sid (fixture->emulator),
                              worker, "default", config);
  flex_session_set_poll_interval (session, 0);
  /* Before any request: what the last run knew. */
  flex_session_set_cache (session, cache);
  g_assert_true (flex_feature_config_get_enabled (config));
  g_assert_true (flex_directory_get_editable (flex_session_get_shared (session)));
  g_assert_nonnull (flex_session_get_worker (session));
  flex_session_load_async (session, NULL, on_loaded_flag, &done);
  FLEX_TEST_WAIT_FOR (done, 10000);
  /* Flex could not be read: still on, and it says why. */
  FLEX_TEST_WAIT_FOR (flex_session_get_error_message (session) != NULL, 10000);
  g_assert_true (flex_feature_config_get_enabled (config));
  g_assert_true (flex_directory_get_editable (flex_session_get_shared (session)));
  g_clear_object (&session);
  wait_for_requests (fixture);
}

/* Nothing kept and Flex out of reach: the contacts stay on. */
static void
test_session_unreachable_flex_never_turns_off (Fixture *fixture, gconstpointer data)
{
  g_autoptr (FlexFeatureConfig) config = flex_feature_config_new ();
  g_autoptr (FlexSession) session = NULL;
  g_autoptr (GError) error = NULL;
  gboolean done = FALSE;

  for (guint api = 0; api < FLEX_TWILIO_N_APIS; api++)
    flex_twilio_client_set_base_url (fixture->client, api, "http://127.0.0.1:9", &error);
  flex_twilio_client_set_retry_policy (fixture->client, 0, 1, 10);
  session = flex_session_new (fixture->client, "AC0123456789abcdef0123456789abcdef",
                              "WK0123456789abcdef0123456789abcdef", "default", config);
  flex_session_set_poll_interval (session, 0);
  flex_session_load_async (session, NULL, on_loaded_flag, &done);
  FLEX_TEST_WAIT_FOR (done, 10000);
  g_assert_nonnull (flex_session_get_error_message (session));
  g_assert_true (flex_feature_config_get_enabled (config));
  g_clear_object (&session);
  wait_for_requests (fixture);
}

/* The cache is ours alone: a snapshot that is a FIFO does not hang the start,
 * one that is a link is not followed, and a cache directory that is a link
 * is not emptied through it at sign-out (issue 18). */
static void
test_cache_hostile_files (Fixture *fixture, gconstpointer data)
{
  g_autoptr (FlexMapCache) cache = flex_map_cache_new (fixture->cache_dir, ACCOUNT);
  g_autoptr (GError) error = NULL;
  g_autofree char *fifo = g_build_filename (fixture->cache_dir, WORKER_MAP ".json", NULL);
  g_autofree char *target_dir = g_dir_make_tmp ("flex-cache-target-XXXXXX", NULL);
  g_autofree char *target = g_build_filename (target_dir, "precious.txt", NULL);
  g_autofree char *linked_dir = g_build_filename (fixture->cache_dir, "linked", NULL);
  g_autofree char *link_path = g_build_filename (fixture->cache_dir, "Contacts_WK-link.json", NULL);
  g_autoptr (FlexMapSnapshot) snapshot = NULL;
  gint64 started;

  g_assert_cmpint (g_mkdir_with_parents (fixture->cache_dir, 0700), ==, 0);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  started = g_get_monotonic_time ();
  snapshot = flex_map_cache_load (cache, WORKER_MAP, &error);
  g_assert_null (snapshot);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_cmpint (g_get_monotonic_time () - started, <, G_USEC_PER_SEC);
  g_clear_error (&error);
  g_unlink (fifo);

  /* A snapshot that is a link to a file elsewhere: not read. */
  g_assert_true (g_file_set_contents (target, "{\"format\":\"x\"}", -1, NULL));
  g_assert_cmpint (symlink (target, link_path), ==, 0);
  snapshot = flex_map_cache_load (cache, "Contacts_WK-link", &error);
  g_assert_null (snapshot);
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_unlink (link_path);

  /* Sign-out through a linked cache directory leaves its target alone. */
  {
    g_autoptr (FlexMapCache) linked = flex_map_cache_new (linked_dir, ACCOUNT);

    g_assert_cmpint (symlink (target_dir, linked_dir), ==, 0);
    g_assert_true (flex_map_cache_delete_all (linked, &error));
    g_assert_no_error (error);
    g_assert_true (g_file_test (target, G_FILE_TEST_EXISTS));
    g_assert_false (g_file_test (linked_dir, G_FILE_TEST_EXISTS));
  }
  g_unlink (target);
  g_rmdir (target_dir);
}

/* Recents that expired while the app was closed stay hidden. */
static void
test_directory_cache_hides_expired (Fixture *fixture, gconstpointer data)
{
  g_autoptr (FlexMapCache) cache = flex_map_cache_new (fixture->cache_dir, ACCOUNT);
  g_autoptr (FlexMapSnapshot) snapshot = flex_map_snapshot_new ("5", -1);
  g_autoptr (FlexDirectory) recents = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) past = g_date_time_add_days (now, -1);
  g_autoptr (GDateTime) future = g_date_time_add_days (now, 1);
  g_autoptr (GDateTime) created = g_date_time_add_days (now, -3);
  g_autoptr (GError) error = NULL;
#define RECENT_JSON(sid, name)                                                                     \
  "{\"taskSid\":\"" sid "\",\"direction\":\"inbound\",\"channelType\":\"voice\","                  \
  "\"customerAddress\":\"+13125550100\",\"name\":\"" name "\",\"duration\":60}"
  const char *expired_json = RECENT_JSON ("WT1", "Gone");
  const char *kept_json = RECENT_JSON ("WT2", "Kept");
  g_autoptr (JsonNode) expired_data = json_from_string (expired_json, NULL);
  g_autoptr (JsonNode) kept_data = json_from_string (kept_json, NULL);

  g_ptr_array_add (snapshot->items,
                   flex_sync_item_new ("WT1", "0", expired_data, created, created, past));
  g_ptr_array_add (snapshot->items,
                   flex_sync_item_new ("WT2", "0", kept_data, created, created, future));
  g_assert_true (flex_map_cache_save (cache, RECENTS, snapshot, &error));

  recents = open_directory (fixture, RECENTS, FLEX_DIRECTORY_KIND_RECENTS);
  g_assert_true (flex_directory_load_cached (recents));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (recents)), ==, 1);
  g_assert_nonnull (flex_directory_lookup (recents, "WT2"));
}

/* A pushed change's event id is kept in the snapshot. */
static void
test_directory_cache_keeps_event_id (Fixture *fixture, gconstpointer data)
{
  g_autoptr (FlexDirectory) directory =
      open_directory (fixture, WORKER_MAP, FLEX_DIRECTORY_KIND_PERSONAL);
  g_autoptr (FlexMapCache) cache = flex_map_cache_new (fixture->cache_dir, ACCOUNT);
  g_autoptr (FlexMapSnapshot) snapshot = NULL;
  g_autoptr (JsonNode) data_node = json_from_string (
      "{\"key\":\"k-cy\",\"name\":\"Cy\",\"phoneNumber\":\"+13125550100\"}", NULL);
  g_autoptr (GError) error = NULL;
  FlexSyncEvent event = { 0 };

  check (directory);
  event.type = FLEX_SYNC_EVENT_ITEM_ADDED;
  event.map_sid = (char *) "MP0";
  event.id = 42;
  event.key = (char *) "k-cy";
  event.item = flex_sync_item_new ("k-cy", "0", data_node, NULL, NULL, NULL);
  event.map_revision = (char *) "99";
  flex_directory_apply_event (directory, &event);
  flex_sync_item_unref (event.item);
  g_assert_nonnull (flex_directory_lookup (directory, "k-cy"));
  g_assert_finalize_object (g_steal_pointer (&directory));

  snapshot = flex_map_cache_load (cache, WORKER_MAP, &error);
  g_assert_no_error (error);
  g_assert_cmpint (snapshot->last_event_id, ==, 42);
  g_assert_cmpstr (snapshot->revision, ==, "99");
  g_assert_cmpuint (snapshot->items->len, ==, 3);
}

/* A cache that cannot be written (disk full, a read-only or missing
 * directory; a file stands in its way here, as root may write anywhere):
 * the snapshot is not saved, with a debug line, and the list works as
 * without one. */
static void
test_directory_cache_unwritable (Fixture *fixture, gconstpointer data)
{
  g_autofree char *blocker = g_build_filename (fixture->cache_dir, "in-the-way", NULL);
  g_autofree char *under = g_build_filename (blocker, ACCOUNT, NULL);
  g_autoptr (FlexMapCache) cache = flex_map_cache_new (under, ACCOUNT);
  g_autoptr (FlexSyncMap) map = flex_sync_map_new (fixture->client, "default", WORKER_MAP);
  g_autoptr (FlexMapSnapshot) snapshot = flex_map_snapshot_new ("1", -1);
  g_autoptr (FlexDirectory) directory = flex_directory_new (map, FLEX_DIRECTORY_KIND_PERSONAL);
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (fixture->cache_dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (blocker, "", -1, NULL));
  g_assert_false (flex_map_cache_save (cache, WORKER_MAP, snapshot, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  flex_directory_set_cache (directory, cache);
  g_assert_false (flex_directory_load_cached (directory));
  check (directory);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (directory)), ==, 2);
  put (fixture, WORKER_MAP, "k-cy", "Cy");
  check (directory);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (directory)), ==, 3);
  g_assert_finalize_object (g_steal_pointer (&directory)); /* tries to save */
  g_assert_false (g_file_test (under, G_FILE_TEST_EXISTS));
  g_unlink (blocker);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cache/round-trip", test_cache_round_trip);
  g_test_add_func ("/cache/damaged", test_cache_damaged);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/cache/directory/starts-from-cache", test_directory_starts_from_cache);
  ADD ("/cache/directory/offline", test_directory_offline_from_cache);
  ADD ("/cache/directory/expired-recents", test_directory_cache_hides_expired);
  ADD ("/cache/directory/event-id", test_directory_cache_keeps_event_id);
  ADD ("/cache/directory/unwritable", test_directory_cache_unwritable);
  ADD ("/cache/hostile-files", test_cache_hostile_files);
  ADD ("/cache/directory/offline-time-push", test_directory_offline_time_is_when_push_dropped);
  ADD ("/cache/session/starts-from-kept-state", test_session_starts_from_kept_state);
  ADD ("/cache/session/unreachable-flex-never-off", test_session_unreachable_flex_never_turns_off);
#undef ADD

  return g_test_run ();
}
