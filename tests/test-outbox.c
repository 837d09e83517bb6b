/* test-outbox.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * FlexOutbox: edits kept on disk until they can be sent, replayed in order
 * with If-Match, each reaching the server exactly once (also when the app
 * was killed after sending and before forgetting), conflicts kept for a
 * person, retryable failures kept in order, unreadable files set aside.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "flex-directory.h"
#include "flex-emulator.h"
#include "flex-outbox.h"
#include "flex-test-directory.h"
#include "flex-test-state.h"
#include "flex-test-util.h"

#define ACCOUNT  "AC0123456789abcdef0123456789abcdef"
#define USERNAME "SK0123456789abcdef0123456789abcdef"
#define MAP      "Contacts_WK00000000000000000000000000000001"

typedef struct
{
  FlexEmulator *emulator;
  FlexTwilioClient *client;
  char *dir;
  char *path;
} Fixture;

static JsonNode *
contact (const char *key, const char *name)
{
  g_autofree char *json = g_strdup_printf (
      "{\"key\":\"%s\",\"name\":\"%s\",\"phoneNumber\":\"+13125550100\"}", key, name);

  return json_from_string (json, NULL);
}

static void
put (Fixture *fixture, const char *key, const char *name)
{
  g_autoptr (JsonNode) node = contact (key, name);
  g_autofree char *json = json_to_string (node, FALSE);
  g_autoptr (GError) error = NULL;

  flex_emulator_put_item (fixture->emulator, MAP, key, json, 0, &error);
  g_assert_no_error (error);
}

static char *
server_name (Fixture *fixture, const char *key)
{
  g_autoptr (JsonNode) state = flex_emulator_dump_json (fixture->emulator);
  JsonObject *item = flex_test_state_item (state, MAP, key);

  return item != NULL ? g_strdup (json_object_get_string_member (
                            json_object_get_object_member (item, "data"), "name"))
                      : NULL;
}

static char *
server_revision (Fixture *fixture, const char *key)
{
  g_autoptr (JsonNode) state = flex_emulator_dump_json (fixture->emulator);
  JsonObject *item = flex_test_state_item (state, MAP, key);

  /* As the API writes it: the number, in a string. */
  return item != NULL
             ? g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (item, "revision"))
             : NULL;
}

static guint
server_count (Fixture *fixture)
{
  g_autoptr (JsonNode) state = flex_emulator_dump_json (fixture->emulator);
  JsonArray *items = flex_test_state_map_items (state, MAP);

  return items != NULL ? json_array_get_length (items) : 0;
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
  flex_twilio_client_set_retry_policy (fixture->client, 0, 1, 10);
  fixture->dir = g_dir_make_tmp ("flex-outbox-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, ACCOUNT, "outbox.json", NULL);
  put (fixture, "k-amy", "Amy");
}

static void
fixture_teardown (Fixture *fixture, gconstpointer data)
{
  g_autofree char *account_dir = g_path_get_dirname (fixture->path);
  g_autoptr (GDir) dir = g_dir_open (account_dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (account_dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (account_dir);
  g_rmdir (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
  g_assert_finalize_object (fixture->client);
  g_assert_finalize_object (fixture->emulator);
}

static FlexOutbox *
open_outbox (Fixture *fixture)
{
  g_autoptr (GError) error = NULL;
  FlexOutbox *outbox = flex_outbox_new (fixture->path, ACCOUNT);

  g_assert_true (flex_outbox_load (outbox, &error));
  g_assert_no_error (error);
  return outbox;
}

static void
on_replayed (GObject *object, GAsyncResult *result, gpointer user_data)
{
  GError **error = user_data;

  flex_outbox_replay_finish (FLEX_OUTBOX (object), result, error);
  *(gboolean *) g_object_get_data (object, "done") = TRUE;
}

static gboolean
replay (Fixture *fixture, FlexOutbox *outbox, GError **error)
{
  gboolean done = FALSE;

  g_object_set_data (G_OBJECT (outbox), "done", &done);
  flex_outbox_replay_async (outbox, fixture->client, "default", NULL, on_replayed, error);
  FLEX_TEST_WAIT_FOR (done, 10000);
  return error == NULL || *error == NULL;
}

static void
queue (FlexOutbox *outbox,
       FlexOutboxKind kind,
       const char *key,
       const char *name,
       const char *if_match)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) data = name != NULL ? contact (key, name) : NULL;

  g_assert_nonnull (flex_outbox_queue (outbox, MAP, kind, key, data, if_match, &error));
  g_assert_no_error (error);
}

/* Kept on disk (0600) in order, read back whole; replayed in order. */
static void
test_outbox_survives_and_replays (Fixture *fixture, gconstpointer data)
{
  g_autoptr (FlexOutbox) first = open_outbox (fixture);
  g_autoptr (FlexOutbox) second = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *name = NULL;
  struct stat info;

  queue (first, FLEX_OUTBOX_ADD, "k-new", "New", NULL);
  queue (first, FLEX_OUTBOX_UPDATE, "k-new", "Newer", "0");
  queue (first, FLEX_OUTBOX_UPDATE, "k-amy", "Amy B.", "0");
  g_assert_cmpint (g_stat (fixture->path, &info), ==, 0);
  g_assert_cmpint (info.st_mode & 0777, ==, 0600);
  g_clear_object (&first); /* the app quits before sending */

  second = open_outbox (fixture);
  g_assert_cmpuint (flex_outbox_get_n_entries (second), ==, 3);
  g_assert_cmpint (flex_outbox_get_entry (second, 0)->kind, ==, FLEX_OUTBOX_ADD);
  g_assert_cmpstr (flex_outbox_get_entry (second, 1)->if_match, ==, "0");
  g_assert_true (replay (fixture, second, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (flex_outbox_get_n_entries (second), ==, 0);
  name = server_name (fixture, "k-new");
  g_assert_cmpstr (name, ==, "Newer");
  g_free (name);
  name = server_name (fixture, "k-amy");
  g_assert_cmpstr (name, ==, "Amy B.");
}

/* An outbox file holds edits of the session's own lists only: an entry of
 * another map (a crafted file) is never sent, and none can be queued. */
static void
test_outbox_only_session_maps (Fixture *fixture, gconstpointer data)
{
  g_autoptr (FlexOutbox) outbox = open_outbox (fixture);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) json = json_from_string ("{\"name\":\"Mallory\"}", NULL);
  const char *maps[] = { "Contacts_WK00000000000000000000000000000000", NULL };
  guint requests;

  /* Written before the session said which maps are its own (as loading a
   * file is). */
  queue (outbox, FLEX_OUTBOX_UPDATE, "k-amy", "Amy B.", "0");
  flex_outbox_set_maps (outbox, maps);
  g_assert_null (flex_outbox_queue (outbox, MAP, FLEX_OUTBOX_ADD, "k-x", json, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);

  requests = flex_twilio_client_get_n_requests (fixture->client);
  g_assert_true (replay (fixture, outbox, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (flex_twilio_client_get_n_requests (fixture->client), ==, requests);
  g_assert_cmpuint (flex_outbox_get_n_entries (outbox), ==, 1);
}

/* Sent, then killed before it was forgotten: the replay finds it there and
 * sends nothing twice. */
static void
test_outbox_exactly_once (Fixture *fixture, gconstpointer data)
{
  g_autoptr (FlexOutbox) outbox = open_outbox (fixture);
  g_autoptr (GError) error = NULL;
  g_autofree char *name = NULL;

  queue (outbox, FLEX_OUTBOX_ADD, "k-new", "New", NULL);
  queue (outbox, FLEX_OUTBOX_UPDATE, "k-amy", "Amy B.", "0");
  queue (outbox, FLEX_OUTBOX_DELETE, "k-gone", NULL, "0");
  /* What the first sends did before the crash. */
  put (fixture, "k-new", "New");
  put (fixture, "k-amy", "Amy B.");
  g_assert_cmpuint (server_count (fixture), ==, 2);

  g_assert_true (replay (fixture, outbox, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (flex_outbox_get_n_entries (outbox), ==, 0);
  g_assert_cmpuint (server_count (fixture), ==, 2);
  name = server_name (fixture, "k-amy");
  g_assert_cmpstr (name, ==, "Amy B.");
}

/* Someone else changed it meanwhile: kept as a conflict, with theirs, on
 * disk; nothing overwritten. */
static void
test_outbox_conflict (Fixture *fixture, gconstpointer data)
{
  g_autoptr (FlexOutbox) outbox = open_outbox (fixture);
  g_autoptr (FlexOutbox) again = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *name = NULL;
  const FlexOutboxEntry *entry;

  queue (outbox, FLEX_OUTBOX_UPDATE, "k-amy", "Mine", "0");
  queue (outbox, FLEX_OUTBOX_ADD, "k-new", "New", NULL);
  put (fixture, "k-amy", "Theirs");

  g_assert_true (replay (fixture, outbox, &error));
  g_assert_no_error (error);
  name = server_name (fixture, "k-amy");
  g_assert_cmpstr (name, ==, "Theirs");
  g_assert_cmpuint (flex_outbox_get_n_entries (outbox), ==, 1);
  entry = flex_outbox_get_entry (outbox, 0);
  g_assert_cmpint (entry->state, ==, FLEX_OUTBOX_CONFLICT);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (entry->theirs), "name"), ==,
                   "Theirs");
  g_assert_cmpstr (entry->their_revision, ==, "1");

  again = open_outbox (fixture);
  g_assert_cmpint (flex_outbox_get_entry (again, 0)->state, ==, FLEX_OUTBOX_CONFLICT);
  g_assert_true (flex_outbox_discard (again, flex_outbox_get_entry (again, 0)->id, &error));
  g_assert_cmpuint (flex_outbox_get_n_entries (again), ==, 0);
}

/* Twilio unreachable or failing: nothing lost, the order kept. */
static void
test_outbox_retryable (Fixture *fixture, gconstpointer data)
{
  g_autoptr (FlexOutbox) outbox = open_outbox (fixture);
  g_autoptr (GError) error = NULL;

  queue (outbox, FLEX_OUTBOX_UPDATE, "k-amy", "Amy B.", "0");
  queue (outbox, FLEX_OUTBOX_ADD, "k-new", "New", NULL);
  flex_emulator_fail_next (fixture->emulator, 1, 503, 0);
  g_assert_false (replay (fixture, outbox, &error));
  g_assert_error (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_SERVER);
  g_clear_error (&error);
  g_assert_cmpuint (flex_outbox_get_n_entries (outbox), ==, 2);
  g_assert_cmpstr (flex_outbox_get_entry (outbox, 0)->key, ==, "k-amy");

  g_assert_true (replay (fixture, outbox, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (flex_outbox_get_n_entries (outbox), ==, 0);
  g_assert_cmpuint (server_count (fixture), ==, 2);
}

/* A file that cannot be read is kept aside, never overwritten. */
static void
test_outbox_unreadable (Fixture *fixture, gconstpointer data)
{
  g_autoptr (FlexOutbox) outbox = flex_outbox_new (fixture->path, ACCOUNT);
  g_autoptr (GError) error = NULL;
  g_autofree char *account_dir = g_path_get_dirname (fixture->path);
  g_autoptr (GDir) dir = NULL;
  const char *name;
  gboolean aside = FALSE;

  g_mkdir_with_parents (account_dir, 0700);
  g_assert_true (
      g_file_set_contents (fixture->path, "{\"format\":\"flex-contacts-outbox\",", -1, NULL));
  g_assert_false (flex_outbox_load (outbox, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_false (g_file_test (fixture->path, G_FILE_TEST_EXISTS));
  dir = g_dir_open (account_dir, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    aside = aside || g_str_has_prefix (name, "outbox.json.unreadable-");
  g_assert_true (aside);
  g_assert_cmpuint (flex_outbox_get_n_entries (outbox), ==, 0);
}

/* A directory with an outbox: edits made while Twilio cannot be reached
 * show at once as not sent yet, are sent by the next good check, and end as
 * the server's version. */

static void
go_offline (Fixture *fixture, gboolean offline)
{
  g_autoptr (GError) error = NULL;

  flex_twilio_client_set_base_url (
      fixture->client, FLEX_TWILIO_API_SYNC,
      offline ? "http://127.0.0.1:9" : flex_emulator_get_base_url (fixture->emulator), &error);
  g_assert_no_error (error);
}

static void
check_directory (FlexDirectory *directory)
{
  (void) flex_test_check_directory (directory, 10000, NULL);
}

static void
on_written_directory (GObject *object, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static FlexContact *
write_contact (FlexDirectory *directory, const char *how, FlexContact *contact, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  if (g_str_equal (how, "add"))
    flex_directory_add_contact_async (directory, contact, NULL, on_written_directory, &result);
  else if (g_str_equal (how, "update"))
    flex_directory_update_contact_async (directory, contact, NULL, on_written_directory, &result);
  else
    flex_directory_delete_contact_async (directory, contact, NULL, on_written_directory, &result);
  FLEX_TEST_WAIT_FOR (result != NULL, 10000);
  return flex_directory_write_finish (directory, result, NULL, error);
}

/* Lets every request under way end, so that nothing outlives the test. */
static void
settle (FlexDirectory *directory)
{
  check_directory (directory);
  flex_test_spin (300);
}

static FlexDirectory *
open_directory (Fixture *fixture, FlexOutbox *outbox)
{
  g_autoptr (FlexSyncMap) map = flex_sync_map_new (fixture->client, "default", MAP);
  FlexDirectory *directory = flex_directory_new (map, FLEX_DIRECTORY_KIND_PERSONAL);

  flex_directory_set_editable (directory, TRUE);
  flex_directory_set_outbox (directory, outbox);
  check_directory (directory);
  return directory;
}

/* The first edit after Twilio went away, before any check noticed: it
 * waits in the outbox at once, not after the client's retries (6 to 12 s
 * with the app's policy, issue 17); the lists are offline from then on. */
static void
test_directory_first_offline_edit_at_once (Fixture *fixture, gconstpointer data)
{
  g_autoptr (FlexOutbox) outbox = open_outbox (fixture);
  g_autoptr (FlexDirectory) directory = open_directory (fixture, outbox);
  g_autoptr (FlexContact) draft = flex_contact_new (NULL, "First Fay", "+13125550156", NULL);
  g_autoptr (FlexContact) added = NULL;
  g_autoptr (GError) error = NULL;
  gint64 started;

  /* The app's own retry policy: 4 retries, from 500 ms. */
  flex_twilio_client_set_retry_policy (fixture->client, 4, 500, 30000);
  g_assert_false (flex_directory_get_offline (directory));
  go_offline (fixture, TRUE);
  started = g_get_monotonic_time ();
  added = write_contact (directory, "add", draft, &error);
  g_assert_no_error (error);
  g_assert_cmpint (flex_contact_get_sync (added), ==, FLEX_CONTACT_PENDING);
  g_assert_cmpint (g_get_monotonic_time () - started, <, 400 * 1000);
  g_assert_cmpuint (flex_outbox_get_n_entries (outbox), ==, 1);
  g_assert_true (flex_directory_get_offline (directory));
}

static void
test_directory_offline_edits (Fixture *fixture, gconstpointer data)
{
  g_autoptr (FlexOutbox) outbox = open_outbox (fixture);
  g_autoptr (FlexDirectory) directory = open_directory (fixture, outbox);
  g_autoptr (FlexContact) added = NULL;
  g_autoptr (FlexContact) again = NULL;
  g_autoptr (FlexContact) edited = NULL;
  g_autoptr (FlexContact) draft = flex_contact_new (NULL, "Offline Olga", "+13125550155", NULL);
  g_autoptr (GString) changes = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *name = NULL;
  FlexContact *amy;

  flex_test_record_changes (directory, changes);
  go_offline (fixture, TRUE);

  /* Added while offline: shown at once, as not sent yet. */
  added = write_contact (directory, "add", draft, &error);
  g_assert_no_error (error);
  g_assert_cmpint (flex_contact_get_sync (added), ==, FLEX_CONTACT_PENDING);
  g_assert_cmpstr (changes->str, ==, "1+1*");
  g_string_truncate (changes, 0);

  /* Edited again while waiting: still one edit, an add. */
  edited = flex_contact_copy (added);
  flex_contact_set_name (edited, "Offline Olga K.");
  again = write_contact (directory, "update", edited, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (flex_outbox_get_n_entries (outbox), ==, 1);
  g_assert_cmpint (flex_outbox_get_entry (outbox, 0)->kind, ==, FLEX_OUTBOX_ADD);
  g_assert_cmpstr (changes->str, ==, "1-1+1");
  g_string_truncate (changes, 0);

  /* Deleted while offline: hidden at once. */
  amy = flex_directory_lookup (directory, "k-amy");
  g_assert_null (write_contact (directory, "delete", amy, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (changes->str, ==, "0-1*");
  g_string_truncate (changes, 0);
  g_assert_cmpuint (server_count (fixture), ==, 1);

  /* Back online: the next check sends both, in order; the rows end as the
   * server's. */
  go_offline (fixture, FALSE);
  check_directory (directory);
  FLEX_TEST_WAIT_FOR (flex_outbox_get_n_entries (outbox) == 0, 10000);
  FLEX_TEST_WAIT_FOR (flex_directory_lookup (directory, flex_contact_get_key (added)) != NULL &&
                          flex_contact_get_sync (flex_directory_lookup (
                              directory, flex_contact_get_key (added))) == FLEX_CONTACT_SYNCED,
                      10000);
  g_assert_cmpuint (server_count (fixture), ==, 1);
  name = server_name (fixture, flex_contact_get_key (added));
  g_assert_cmpstr (name, ==, "Offline Olga K.");
  g_assert_null (flex_directory_lookup (directory, "k-amy"));
  g_signal_handlers_disconnect_by_data (directory, changes);
  settle (directory);
}

/* Edited offline while someone else changed it: the row says conflict,
 * mine and theirs are both there; "keep theirs" shows theirs. */
static void
test_directory_offline_conflict (Fixture *fixture, gconstpointer data)
{
  g_autoptr (FlexOutbox) outbox = open_outbox (fixture);
  g_autoptr (FlexDirectory) directory = open_directory (fixture, outbox);
  g_autoptr (FlexContact) edited = flex_contact_copy (flex_directory_lookup (directory, "k-amy"));
  g_autoptr (FlexContact) saved = NULL;
  g_autoptr (FlexContact) mine = NULL;
  g_autoptr (FlexContact) theirs = NULL;
  g_autoptr (GError) error = NULL;

  go_offline (fixture, TRUE);
  flex_contact_set_name (edited, "Amy (mine)");
  saved = write_contact (directory, "update", edited, &error);
  g_assert_no_error (error);
  put (fixture, "k-amy", "Amy (theirs)");

  go_offline (fixture, FALSE);
  check_directory (directory);
  FLEX_TEST_WAIT_FOR (flex_outbox_get_entry (outbox, 0)->state == FLEX_OUTBOX_CONFLICT, 10000);
  FLEX_TEST_WAIT_FOR (flex_contact_get_sync (flex_directory_lookup (directory, "k-amy")) ==
                          FLEX_CONTACT_CONFLICT,
                      10000);
  mine = flex_directory_get_conflict (directory, "k-amy", &theirs);
  g_assert_cmpstr (flex_contact_get_name (mine), ==, "Amy (mine)");
  g_assert_cmpstr (flex_contact_get_name (theirs), ==, "Amy (theirs)");
  /* Saving mine means: based on theirs. */
  g_assert_cmpstr (flex_contact_get_revision (mine), ==, flex_contact_get_revision (theirs));

  g_assert_true (flex_directory_keep_theirs (directory, "k-amy", &error));
  FLEX_TEST_WAIT_FOR (g_strcmp0 (flex_contact_get_name (flex_directory_lookup (directory, "k-amy")),
                                 "Amy (theirs)") == 0 &&
                          flex_contact_get_sync (flex_directory_lookup (directory, "k-amy")) ==
                              FLEX_CONTACT_SYNCED,
                      10000);
  settle (directory);
}

/* The outbox cannot be written (disk full, read-only): the edit is not
 * queued, and the person gets the error back (the dialog opens again with
 * what they typed), never a silent loss. */
static void
test_directory_outbox_unwritable (Fixture *fixture, gconstpointer data)
{
  g_autofree char *blocker = g_build_filename (fixture->dir, "not-a-directory", NULL);
  g_autofree char *path = g_build_filename (blocker, "outbox.json", NULL);
  g_autoptr (FlexOutbox) outbox = flex_outbox_new (path, ACCOUNT);
  g_autoptr (FlexDirectory) directory = NULL;
  g_autoptr (FlexContact) draft = flex_contact_new (NULL, "Unsaved Ursula", "+13125550188", NULL);
  g_autoptr (FlexContact) saved = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_set_contents (blocker, "", -1, NULL));
  g_assert_true (flex_outbox_load (outbox, NULL));
  directory = open_directory (fixture, outbox);
  go_offline (fixture, TRUE);
  saved = write_contact (directory, "add", draft, &error);
  g_assert_null (saved);
  g_assert_error (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_NETWORK);
  g_assert_cmpuint (flex_outbox_get_n_entries (outbox), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (directory)), ==, 1);
  go_offline (fixture, FALSE);
  settle (directory);
  g_unlink (blocker);
}

/* Turns Twilio away the moment the outbox is empty: the check that follows
 * a sent edit fails. */
static void
on_outbox_emptied (FlexOutbox *outbox, Fixture *fixture)
{
  if (flex_outbox_get_n_entries (outbox) == 0)
    go_offline (fixture, TRUE);
}

/* While live, no check follows a write, and the one that follows a sent edit
 * may fail, or be outrun by pushed events: the row shows what the server
 * answered the moment the edit is sent, as the server's. (A row once stayed
 * "not sent yet" until the 15-minute safety check.) */
static void
test_directory_sent_while_live (Fixture *fixture, gconstpointer data)
{
  g_autoptr (FlexOutbox) outbox = open_outbox (fixture);
  g_autoptr (FlexDirectory) directory = NULL;
  g_autoptr (FlexContact) draft = flex_contact_new (NULL, "Live Lena", "+13125550166", NULL);
  g_autoptr (FlexContact) added = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *revision = NULL;
  FlexContact *row;

  /* Connected before the directory's handler, so it runs first. */
  g_signal_connect (outbox, "changed", G_CALLBACK (on_outbox_emptied), fixture);
  directory = open_directory (fixture, outbox);
  flex_directory_set_live (directory, TRUE, NULL);

  go_offline (fixture, TRUE);
  added = write_contact (directory, "add", draft, &error);
  g_assert_no_error (error);
  g_assert_cmpint (flex_contact_get_sync (added), ==, FLEX_CONTACT_PENDING);

  /* No check asked for: the outbox's own timer sends it. */
  go_offline (fixture, FALSE);
  FLEX_TEST_WAIT_FOR (flex_outbox_get_n_entries (outbox) == 0, 10000);
  revision = server_revision (fixture, flex_contact_get_key (added));
  g_assert_nonnull (revision);
  row = flex_directory_lookup (directory, flex_contact_get_key (added));
  g_assert_nonnull (row);
  g_assert_cmpint (flex_contact_get_sync (row), ==, FLEX_CONTACT_SYNCED);
  g_assert_cmpstr (flex_contact_get_revision (row), ==, revision);
  g_assert_cmpstr (flex_contact_get_name (row), ==, "Live Lena");

  g_signal_handlers_disconnect_by_data (outbox, fixture);
  go_offline (fixture, FALSE);
  settle (directory);
}

/* What the push channel would say of @key, put on the server just now. */
static void
push_put (Fixture *fixture, FlexDirectory *directory, gint64 id, const char *key, const char *name)
{
  g_autoptr (JsonNode) data = contact (key, name);
  g_autofree char *revision = NULL;
  g_autofree char *map_revision = NULL;
  FlexSyncEvent event = { 0 };

  put (fixture, key, name);
  revision = server_revision (fixture, key);
  map_revision = flex_emulator_get_map_revision (fixture->emulator, MAP);
  event.type = FLEX_SYNC_EVENT_ITEM_UPDATED;
  event.map_sid = (char *) "MP0";
  event.id = id;
  event.key = (char *) key;
  event.item = flex_sync_item_new (key, revision, data, NULL, NULL, NULL);
  event.map_revision = map_revision;
  flex_directory_apply_event (directory, &event);
  flex_sync_item_unref (event.item);
}

/* A pushed change of an item whose edit waits is held back (the edit shows);
 * once the edit is dropped ("keep theirs"), the check lists the map — even
 * when a pushed change of another item outruns that listing. */
static void
test_directory_held_change_listed (Fixture *fixture, gconstpointer data)
{
  g_autoptr (FlexOutbox) outbox = open_outbox (fixture);
  g_autoptr (FlexDirectory) directory = open_directory (fixture, outbox);
  g_autoptr (FlexContact) edited = flex_contact_copy (flex_directory_lookup (directory, "k-amy"));
  g_autoptr (FlexContact) saved = NULL;
  g_autoptr (GError) error = NULL;

  flex_directory_set_live (directory, TRUE, NULL);
  go_offline (fixture, TRUE);
  flex_contact_set_name (edited, "Amy (mine)");
  saved = write_contact (directory, "update", edited, &error);
  g_assert_no_error (error);

  push_put (fixture, directory, 1, "k-amy", "Amy (theirs)");
  g_assert_cmpstr (flex_contact_get_name (flex_directory_lookup (directory, "k-amy")), ==,
                   "Amy (mine)");

  /* No turn of the main loop between these: the check starts, then the
   * other change arrives while it is under way. */
  go_offline (fixture, FALSE);
  g_assert_true (flex_directory_keep_theirs (directory, "k-amy", &error));
  push_put (fixture, directory, 2, "k-bo", "Bo");

  FLEX_TEST_WAIT_FOR (g_strcmp0 (flex_contact_get_name (flex_directory_lookup (directory, "k-amy")),
                                 "Amy (theirs)") == 0 &&
                          flex_contact_get_sync (flex_directory_lookup (directory, "k-amy")) ==
                              FLEX_CONTACT_SYNCED,
                      10000);
  g_assert_nonnull (flex_directory_lookup (directory, "k-bo"));
  settle (directory);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/outbox/survives-and-replays", test_outbox_survives_and_replays);
  ADD ("/outbox/exactly-once", test_outbox_exactly_once);
  ADD ("/outbox/conflict", test_outbox_conflict);
  ADD ("/outbox/retryable", test_outbox_retryable);
  ADD ("/outbox/unreadable", test_outbox_unreadable);
  ADD ("/outbox/only-session-maps", test_outbox_only_session_maps);
  ADD ("/outbox/directory/offline-edits", test_directory_offline_edits);
  ADD ("/outbox/directory/first-offline-edit-at-once", test_directory_first_offline_edit_at_once);
  ADD ("/outbox/directory/conflict", test_directory_offline_conflict);
  ADD ("/outbox/directory/unwritable", test_directory_outbox_unwritable);
  ADD ("/outbox/directory/sent-while-live", test_directory_sent_while_live);
  ADD ("/outbox/directory/held-change-listed", test_directory_held_change_listed);
#undef ADD

  return g_test_run ();
}
