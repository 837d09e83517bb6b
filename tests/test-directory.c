/* test-directory.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * FlexDirectory, FlexContact and FlexRecent against the emulator. Every
 * items-changed is recorded as a short string, as GTK's own list model
 * tests do: "3+1*" is one item added at 3 (and n-items notified), "1-1+1"
 * one item replaced in place at 1, "0-1*" one removed at 0.
 */

#include "config.h"

#include <locale.h>
#include <string.h>

#include "flex-directory.h"
#include "flex-emulator.h"
#include "flex-phone.h"
#include "flex-test-util.h"

#define USERNAME    "SK0123456789abcdef0123456789abcdef"
#define WORKER_MAP  "Contacts_WK00000000000000000000000000000001"
#define RECENTS_MAP "Contacts_Recent_WK00000000000000000000000000000001"

typedef struct
{
  FlexEmulator *emulator;
  FlexTwilioClient *client;
  FlexDirectory *directory;
  GString *changes;
  GAsyncResult *result;
} Fixture;

static FlexDirectory *
new_directory (Fixture *fixture, const char *map_name, FlexDirectoryKind kind)
{
  g_autoptr (FlexSyncMap) map = flex_sync_map_new (fixture->client, "default", map_name);
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  FlexDirectory *directory = flex_directory_new (map, kind);

  flex_directory_set_time_zone (directory, utc);
  return directory;
}

static void
watch (Fixture *fixture)
{
  flex_test_record_changes (fixture->directory, fixture->changes);
}

static void
fixture_setup (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  FlexDirectoryKind kind = GPOINTER_TO_INT (data);

  fixture->emulator = flex_emulator_new ();
  flex_emulator_listen (fixture->emulator, 0, &error);
  g_assert_no_error (error);
  fixture->client = flex_twilio_client_new (USERNAME, "secret");
  flex_twilio_client_set_base_url (fixture->client, FLEX_TWILIO_API_SYNC,
                                   flex_emulator_get_base_url (fixture->emulator), &error);
  g_assert_no_error (error);
  flex_twilio_client_set_retry_policy (fixture->client, 1, 5, 1000);

  fixture->changes = g_string_new (NULL);
  fixture->directory =
      new_directory (fixture, kind == FLEX_DIRECTORY_KIND_RECENTS ? RECENTS_MAP : WORKER_MAP, kind);
  flex_directory_set_editable (fixture->directory, TRUE);
  watch (fixture);
}

static void
assert_changes (Fixture *fixture, const char *expected)
{
  g_assert_cmpstr (fixture->changes->str, ==, expected);
  g_string_truncate (fixture->changes, 0);
}

static void refresh (Fixture *fixture, FlexDirectory *directory);

static void
fixture_teardown (Fixture *fixture, gconstpointer data)
{
  /* Every emission was checked, and the check that follows a write (or the
   * last step of a test) finds nothing new. */
  g_assert_cmpstr (fixture->changes->str, ==, "");
  refresh (fixture, fixture->directory);
  g_assert_cmpstr (fixture->changes->str, ==, "");
  g_clear_object (&fixture->result);
  g_assert_finalize_object (fixture->directory);
  g_assert_finalize_object (fixture->client);
  g_assert_finalize_object (fixture->emulator);
  g_string_free (fixture->changes, TRUE);
}

static void
on_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Fixture *fixture = user_data;

  fixture->result = g_object_ref (result);
}

static GAsyncResult *
wait_result (Fixture *fixture)
{
  g_clear_object (&fixture->result);
  while (fixture->result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return fixture->result;
}

static void
refresh (Fixture *fixture, FlexDirectory *directory)
{
  g_autoptr (GError) error = NULL;

  flex_directory_refresh_async (directory, NULL, on_done, fixture);
  flex_directory_refresh_finish (directory, wait_result (fixture), &error);
  g_assert_no_error (error);
}

static void
put (Fixture *fixture, const char *map, const char *key, const char *json, guint ttl)
{
  g_autoptr (GError) error = NULL;

  flex_emulator_put_item (fixture->emulator, map, key, json, ttl, &error);
  g_assert_no_error (error);
}

static void
put_contact (Fixture *fixture, const char *key, const char *name)
{
  g_autofree char *json = g_strdup_printf (
      "{\"key\":\"%s\",\"name\":\"%s\",\"phoneNumber\":\"+13125550100\",\"notes\":\"\"}", key,
      name);

  put (fixture, WORKER_MAP, key, json, 0);
}

static char *
names (FlexDirectory *directory)
{
  GString *names = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (directory)); i++)
    {
      g_autoptr (FlexContact) contact = g_list_model_get_item (G_LIST_MODEL (directory), i);

      if (i > 0)
        g_string_append_c (names, ',');
      g_string_append (names, flex_contact_get_name (contact));
    }

  return g_string_free (names, FALSE);
}

#define assert_names(directory, expected)                                                          \
  G_STMT_START                                                                                     \
  {                                                                                                \
    g_autofree char *_names = names (directory);                                                   \
    g_assert_cmpstr (_names, ==, expected);                                                        \
  }                                                                                                \
  G_STMT_END

/* Listing and live changes */

static void
test_item_type (Fixture *fixture, gconstpointer data)
{
  g_autoptr (FlexDirectory) recents =
      new_directory (fixture, RECENTS_MAP, FLEX_DIRECTORY_KIND_RECENTS);

  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (fixture->directory)) ==
                 FLEX_TYPE_CONTACT);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (recents)) == FLEX_TYPE_RECENT);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (fixture->directory), 0));
}

static void
test_load_sorts_by_name (Fixture *fixture, gconstpointer data)
{
  put_contact (fixture, "k3", "carol");
  put_contact (fixture, "k1", "Bob");
  put_contact (fixture, "k2", "alice");

  refresh (fixture, fixture->directory);
  assert_changes (fixture, "0+3*");
  assert_names (fixture->directory, "alice,Bob,carol");
  g_assert_true (flex_directory_get_loaded (fixture->directory));
  g_assert_false (flex_directory_get_offline (fixture->directory));
  g_assert_cmpint (flex_directory_get_last_updated (fixture->directory), >, 0);
}

/* Accents and case aside, in the locale the tests run in (C.UTF-8, where
 * code points alone would put "Émile" after "Leah"), as search folds. */
static void
test_load_sorts_folded (Fixture *fixture, gconstpointer data)
{
  put_contact (fixture, "k1", "Leah");
  put_contact (fixture, "k2", "Émile");
  put_contact (fixture, "k3", "zoë");
  put_contact (fixture, "k4", "Zoe Adams");
  put_contact (fixture, "k5", "Ångström");
  put_contact (fixture, "k6", "émilie");

  refresh (fixture, fixture->directory);
  assert_changes (fixture, "0+6*");
  assert_names (fixture->directory, "Ångström,Émile,émilie,Leah,zoë,Zoe Adams");
}

static void
test_remote_changes_are_minimal (Fixture *fixture, gconstpointer data)
{
  put_contact (fixture, "k1", "alice");
  put_contact (fixture, "k2", "Bob");
  put_contact (fixture, "k3", "carol");
  refresh (fixture, fixture->directory);
  assert_changes (fixture, "0+3*");

  /* A second client adds one. */
  put_contact (fixture, "k4", "Dave");
  refresh (fixture, fixture->directory);
  assert_changes (fixture, "3+1*");

  /* Renamed in place. */
  put_contact (fixture, "k2", "Bobby");
  refresh (fixture, fixture->directory);
  assert_changes (fixture, "1-1+1");
  assert_names (fixture->directory, "alice,Bobby,carol,Dave");

  /* Renamed so that it moves: a removal and an insertion. */
  put_contact (fixture, "k1", "Zed");
  refresh (fixture, fixture->directory);
  assert_changes (fixture, "0-1*3+1*");
  assert_names (fixture->directory, "Bobby,carol,Dave,Zed");

  /* Deleted. */
  flex_emulator_remove_item (fixture->emulator, WORKER_MAP, "k3");
  refresh (fixture, fixture->directory);
  assert_changes (fixture, "1-1*");
  assert_names (fixture->directory, "Bobby,Dave,Zed");
}

static void
test_unchanged_map_is_one_request (Fixture *fixture, gconstpointer data)
{
  put_contact (fixture, "k1", "alice");
  refresh (fixture, fixture->directory);
  assert_changes (fixture, "0+1*");

  flex_emulator_clear_exchanges (fixture->emulator);
  refresh (fixture, fixture->directory);
  assert_changes (fixture, "");
  g_assert_cmpuint (flex_emulator_get_exchanges (fixture->emulator)->len, ==, 1);
  g_assert_cmpuint (flex_emulator_count_requests (fixture->emulator, "GET", NULL), ==, 1);
}

static void
test_missing_map_is_empty (Fixture *fixture, gconstpointer data)
{
  refresh (fixture, fixture->directory);
  assert_changes (fixture, "");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->directory)), ==, 0);
  g_assert_true (flex_directory_get_loaded (fixture->directory));
  g_assert_false (flex_directory_get_offline (fixture->directory));
  g_assert_null (flex_directory_get_error_message (fixture->directory));
}

static void
test_malformed_items_are_skipped (Fixture *fixture, gconstpointer data)
{
  put_contact (fixture, "good", "Good");
  put (fixture, WORKER_MAP, "number-name", "{\"name\":42,\"phoneNumber\":\"+1\"}", 0);
  put (fixture, WORKER_MAP, "no-phone", "{\"name\":\"No phone\"}", 0);

  g_test_expect_message ("flex-directory", G_LOG_LEVEL_WARNING, "*no-phone*phoneNumber*");
  g_test_expect_message ("flex-directory", G_LOG_LEVEL_WARNING, "*number-name*not a text*");
  refresh (fixture, fixture->directory);
  g_test_assert_expected_messages ();

  assert_changes (fixture, "0+1*");
  assert_names (fixture->directory, "Good");
}

static void
test_offline_keeps_items (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  put_contact (fixture, "k1", "alice");
  refresh (fixture, fixture->directory);
  assert_changes (fixture, "0+1*");

  /* The first attempt and its one retry both fail. */
  flex_emulator_fail_next (fixture->emulator, 2, 503, -1);
  flex_directory_refresh_async (fixture->directory, NULL, on_done, fixture);
  g_assert_false (
      flex_directory_refresh_finish (fixture->directory, wait_result (fixture), &error));
  g_assert_error (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_SERVER);
  g_assert_true (flex_directory_get_offline (fixture->directory));
  g_assert_nonnull (flex_directory_get_error_message (fixture->directory));
  assert_changes (fixture, "");
  assert_names (fixture->directory, "alice");

  /* Back online. */
  refresh (fixture, fixture->directory);
  g_assert_false (flex_directory_get_offline (fixture->directory));
}

static void
test_polling_picks_up_changes (Fixture *fixture, gconstpointer data)
{
  refresh (fixture, fixture->directory);
  put_contact (fixture, "k1", "alice");

  flex_directory_set_poll_interval (fixture->directory, 1);
  while (g_list_model_get_n_items (G_LIST_MODEL (fixture->directory)) == 0)
    g_main_context_iteration (NULL, TRUE);
  flex_directory_set_poll_interval (fixture->directory, 0);
  assert_changes (fixture, "0+1*");
}

/* Writes */

static FlexContact *
write_finish (Fixture *fixture, FlexContact **current, GError **error)
{
  return flex_directory_write_finish (fixture->directory, wait_result (fixture), current, error);
}

static void
test_add_makes_uuid_key (Fixture *fixture, gconstpointer data)
{
  g_autoptr (FlexContact) draft = flex_contact_new (NULL, "Ada", "+13125551000", "VIP");
  g_autoptr (FlexContact) saved = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GRegex) uuid = g_regex_new (
      "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", 0, 0, NULL);
  GPtrArray *exchanges;
  FlexEmulatorExchange *create;
  g_autoptr (JsonNode) sent = NULL;
  JsonObject *object;

  refresh (fixture, fixture->directory);
  flex_emulator_clear_exchanges (fixture->emulator);
  flex_directory_add_contact_async (fixture->directory, draft, NULL, on_done, fixture);
  saved = write_finish (fixture, NULL, &error);
  g_assert_no_error (error);
  assert_changes (fixture, "0+1*");

  g_assert_true (g_regex_match (uuid, flex_contact_get_key (saved), 0, NULL));
  g_assert_nonnull (flex_contact_get_revision (saved));

  /* Exactly the plugin's format: key = data.key, no transfer flags here. */
  exchanges = flex_emulator_get_exchanges (fixture->emulator);
  create = NULL;
  for (guint i = 0; i < exchanges->len; i++)
    {
      FlexEmulatorExchange *exchange = g_ptr_array_index (exchanges, i);

      if (g_strcmp0 (exchange->operation_id, "CreateSyncMapItem") == 0 && exchange->status == 201)
        create = exchange;
    }
  g_assert_nonnull (create);
  g_assert_cmpstr (g_hash_table_lookup (create->form, "Key"), ==, flex_contact_get_key (saved));
  g_assert_null (g_hash_table_lookup (create->form, "ItemTtl"));
  sent = json_from_string (g_hash_table_lookup (create->form, "Data"), NULL);
  object = json_node_get_object (sent);
  g_assert_cmpuint (json_object_get_size (object), ==, 4);
  g_assert_cmpstr (json_object_get_string_member (object, "key"), ==, flex_contact_get_key (saved));
  g_assert_cmpstr (json_object_get_string_member (object, "name"), ==, "Ada");
  g_assert_cmpstr (json_object_get_string_member (object, "phoneNumber"), ==, "+13125551000");
  g_assert_cmpstr (json_object_get_string_member (object, "notes"), ==, "VIP");

  /* Polling after our own write changes nothing. */
  refresh (fixture, fixture->directory);
  assert_changes (fixture, "");
}

static void
test_update_keeps_unknown_fields (Fixture *fixture, gconstpointer data)
{
  g_autoptr (FlexContact) edited = NULL;
  g_autoptr (FlexContact) saved = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (FlexSyncMap) map = NULL;
  g_autoptr (FlexSyncItem) item = NULL;
  FlexContact *shown;
  JsonObject *object;

  put (fixture, WORKER_MAP, "k1",
       "{\"key\":\"k1\",\"name\":\"Ada\",\"phoneNumber\":\"+1312\",\"notes\":\"\","
       "\"favorite\":true,\"tags\":[\"a\"]}",
       0);
  refresh (fixture, fixture->directory);
  assert_changes (fixture, "0+1*");

  shown = flex_directory_lookup (fixture->directory, "k1");
  edited = flex_contact_copy (shown);
  flex_contact_set_name (edited, "Ada Lovelace");
  flex_directory_update_contact_async (fixture->directory, edited, NULL, on_done, fixture);
  saved = write_finish (fixture, NULL, &error);
  g_assert_no_error (error);
  assert_changes (fixture, "0-1+1");

  map = flex_sync_map_new (fixture->client, "default", WORKER_MAP);
  flex_sync_map_get_item_async (map, "k1", NULL, on_done, fixture);
  item = flex_sync_map_item_finish (map, wait_result (fixture), &error);
  g_assert_no_error (error);
  object = json_node_get_object (item->data);
  g_assert_cmpstr (json_object_get_string_member (object, "name"), ==, "Ada Lovelace");
  g_assert_true (json_object_get_boolean_member (object, "favorite"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "tags")), ==, 1);
}

static void
test_concurrent_edit_loses_nothing (Fixture *fixture, gconstpointer data)
{
  g_autoptr (FlexDirectory) other =
      new_directory (fixture, WORKER_MAP, FLEX_DIRECTORY_KIND_PERSONAL);
  g_autoptr (FlexContact) mine = NULL;
  g_autoptr (FlexContact) theirs = NULL;
  g_autoptr (FlexContact) saved = NULL;
  g_autoptr (FlexContact) current = NULL;
  g_autoptr (FlexContact) overwritten = NULL;
  g_autoptr (GError) error = NULL;

  put_contact (fixture, "k1", "Ada");
  flex_directory_set_editable (other, TRUE);
  refresh (fixture, fixture->directory);
  refresh (fixture, other);
  assert_changes (fixture, "0+1*");

  /* Both start from the same revision; the other client saves first. */
  mine = flex_contact_copy (flex_directory_lookup (fixture->directory, "k1"));
  theirs = flex_contact_copy (flex_directory_lookup (other, "k1"));
  flex_contact_set_notes (theirs, "Their notes");
  flex_directory_update_contact_async (other, theirs, NULL, on_done, fixture);
  saved = flex_directory_write_finish (other, wait_result (fixture), NULL, &error);
  g_assert_no_error (error);

  flex_contact_set_notes (mine, "My notes");
  flex_directory_update_contact_async (fixture->directory, mine, NULL, on_done, fixture);
  g_assert_null (write_finish (fixture, &current, &error));
  g_assert_error (error, FLEX_MODEL_ERROR, FLEX_MODEL_ERROR_CONFLICT);
  g_clear_error (&error);

  /* The user sees the newer version, in the list too. */
  g_assert_nonnull (current);
  g_assert_cmpstr (flex_contact_get_notes (current), ==, "Their notes");
  g_assert_cmpstr (flex_contact_get_notes (flex_directory_lookup (fixture->directory, "k1")), ==,
                   "Their notes");
  assert_changes (fixture, "0-1+1");

  /* ...and chooses to overwrite it with theirs in hand: that succeeds. */
  flex_contact_set_revision (mine, flex_contact_get_revision (current));
  flex_directory_update_contact_async (fixture->directory, mine, NULL, on_done, fixture);
  overwritten = write_finish (fixture, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (flex_contact_get_notes (overwritten), ==, "My notes");
  assert_changes (fixture, "0-1+1");

  refresh (fixture, other);
  g_assert_cmpstr (flex_contact_get_notes (flex_directory_lookup (other, "k1")), ==, "My notes");
  refresh (fixture, other);
}

static void
test_delete_with_stale_revision_conflicts (Fixture *fixture, gconstpointer data)
{
  g_autoptr (FlexContact) shown = NULL;
  g_autoptr (FlexContact) current = NULL;
  g_autoptr (GError) error = NULL;

  put_contact (fixture, "k1", "Ada");
  refresh (fixture, fixture->directory);
  assert_changes (fixture, "0+1*");
  shown = flex_contact_copy (flex_directory_lookup (fixture->directory, "k1"));

  put_contact (fixture, "k1", "Ada (changed)");
  flex_directory_delete_contact_async (fixture->directory, shown, NULL, on_done, fixture);
  g_assert_null (write_finish (fixture, &current, &error));
  g_assert_error (error, FLEX_MODEL_ERROR, FLEX_MODEL_ERROR_CONFLICT);
  g_assert_cmpstr (flex_contact_get_name (current), ==, "Ada (changed)");
  assert_changes (fixture, "0-1+1");
  g_clear_error (&error);

  flex_directory_delete_contact_async (fixture->directory, current, NULL, on_done, fixture);
  g_assert_null (write_finish (fixture, NULL, &error));
  g_assert_no_error (error);
  assert_changes (fixture, "0-1*");
}

static void
test_read_only_refuses_writes (Fixture *fixture, gconstpointer data)
{
  g_autoptr (FlexContact) draft = flex_contact_new (NULL, "Ada", "+13125551000", NULL);
  g_autoptr (GError) error = NULL;

  flex_directory_set_editable (fixture->directory, FALSE);
  flex_emulator_clear_exchanges (fixture->emulator);
  flex_directory_add_contact_async (fixture->directory, draft, NULL, on_done, fixture);
  g_assert_null (write_finish (fixture, NULL, &error));
  g_assert_error (error, FLEX_MODEL_ERROR, FLEX_MODEL_ERROR_READ_ONLY);
  g_assert_cmpuint (flex_emulator_get_exchanges (fixture->emulator)->len, ==, 0);
}

static void
test_shared_contacts_carry_transfer_flags (Fixture *fixture, gconstpointer data)
{
  g_autoptr (FlexDirectory) shared = NULL;
  g_autoptr (FlexContact) draft = flex_contact_new (NULL, "Desk", "+13125551000", NULL);
  g_autoptr (FlexContact) saved = NULL;
  g_autoptr (JsonNode) json = NULL;
  g_autoptr (GError) error = NULL;

  shared = new_directory (fixture, "Contacts_AC00000000000000000000000000000000",
                          FLEX_DIRECTORY_KIND_SHARED);
  g_assert_false (flex_directory_get_editable (shared));
  flex_directory_set_editable (shared, TRUE);
  flex_contact_set_allow_warm_transfer (draft, FALSE);

  flex_directory_add_contact_async (shared, draft, NULL, on_done, fixture);
  saved = flex_directory_write_finish (shared, wait_result (fixture), NULL, &error);
  g_assert_no_error (error);
  g_assert_true (flex_contact_get_allow_cold_transfer (saved));
  g_assert_false (flex_contact_get_allow_warm_transfer (saved));

  json = flex_contact_to_json (saved, TRUE);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (json), "allowColdTransfer"));
  g_assert_false (
      json_object_get_boolean_member (json_node_get_object (json), "allowWarmTransfer"));
  refresh (fixture, shared);
}

/* Recents */

static void
put_recent (Fixture *fixture, const char *sid, const char *date_time, guint ttl)
{
  g_autofree char *json =
      g_strdup_printf ("{\"taskSid\":\"%s\",\"direction\":\"inbound\",\"channelType\":\"voice\","
                       "\"customerAddress\":\"+13125550101\",\"dateTime\":\"%s\",\"duration\":65}",
                       sid, date_time);

  put (fixture, RECENTS_MAP, sid, json, ttl);
}

static char *
task_sids (FlexDirectory *directory)
{
  GString *sids = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (directory)); i++)
    {
      g_autoptr (FlexRecent) recent = g_list_model_get_item (G_LIST_MODEL (directory), i);

      if (i > 0)
        g_string_append_c (sids, ',');
      g_string_append (sids, flex_recent_get_task_sid (recent));
    }

  return g_string_free (sids, FALSE);
}

static void
test_recents_newest_first_and_expire (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) later = NULL;
  g_autoptr (GDateTime) t1 = g_date_time_add_minutes (now, -30);
  g_autoptr (GDateTime) t2 = g_date_time_add_minutes (now, -10);
  g_autofree char *d1 = g_date_time_format (t1, "%-m/%-d/%Y, %-I:%M:%S %p");
  g_autofree char *d2 = g_date_time_format (t2, "%d.%m.%Y, %H:%M:%S");
  g_autofree char *sids = NULL;

  put_recent (fixture, "WT1", d1, 3600);
  put_recent (fixture, "WT2", d2, 14 * 86400);
  refresh (fixture, fixture->directory);
  assert_changes (fixture, "0+2*");
  sids = task_sids (fixture->directory);
  g_assert_cmpstr (sids, ==, "WT2,WT1");

  /* Past date_expires: hidden at once, before Sync deletes it. */
  later = g_date_time_add_hours (now, 2);
  flex_directory_prune_expired (fixture->directory, later);
  assert_changes (fixture, "1-1*");

  /* And once Sync expires the other, a refresh drops it too. */
  flex_emulator_advance_clock (fixture->emulator, 15 * 86400);
  refresh (fixture, fixture->directory);
  assert_changes (fixture, "0-1*");
}

static void
test_clear_history (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *revision = NULL;

  put_recent (fixture, "WT1", "3/19/2024, 6:25:27 PM", 0);
  put_recent (fixture, "WT2", "3/19/2024, 7:25:27 PM", 0);
  refresh (fixture, fixture->directory);
  assert_changes (fixture, "0+2*");

  flex_directory_clear_async (fixture->directory, NULL, on_done, fixture);
  g_assert_true (flex_directory_clear_finish (fixture->directory, wait_result (fixture), &error));
  g_assert_no_error (error);
  assert_changes (fixture, "0-2*");

  revision = flex_emulator_get_map_revision (fixture->emulator, RECENTS_MAP);
  g_assert_null (revision);
}

/* The dateTime codec */

static GDateTime *
parse (const char *text, const char *created)
{
  g_autoptr (GDateTime) date_created = g_date_time_new_from_iso8601 (created, NULL);
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();

  return flex_recent_parse_date_time (text, date_created, 65, utc);
}

static void
assert_parses (const char *text, const char *created, const char *expected)
{
  g_autoptr (GDateTime) parsed = parse (text, created);
  g_autofree char *iso = NULL;

  g_assert_nonnull (parsed);
  iso = g_date_time_format_iso8601 (parsed);
  if (g_strcmp0 (iso, expected) != 0)
    g_error ("“%s” parsed as %s, expected %s", text, iso, expected);
}

static void
test_date_time_locales (void)
{
  static const char *forms[] = {
    "3/19/2024, 6:25:27 PM",         /* en-US */
    "3/19/2024, 6:25:27\u202fPM",    /* en-US, newer browsers */
    "19/03/2024, 18:25:27",          /* en-GB */
    "19/3/2024, 18:25:27",           /* es-ES */
    "19/3/2024, 6:25:27 p.m.",       /* es-MX */
    "19/3/2024, 6:25:27\u202fp. m.", /* es-MX, newer browsers */
    "19.3.2024, 18:25:27",           /* de-DE */
    "19/03/2024 18:25:27",           /* fr-FR */
    "2024/3/19 18:25:27",            /* ja-JP */
    "19-3-2024, 18:25:27",           /* nl-NL */
  };

  for (guint i = 0; i < G_N_ELEMENTS (forms); i++)
    assert_parses (forms[i], "2024-03-19T18:40:00Z", "2024-03-19T18:25:27Z");

  assert_parses ("3/19/2024, 12:05:00 AM", "2024-03-19T01:00:00Z", "2024-03-19T00:05:00Z");
  assert_parses ("3/19/2024, 12:05:00 PM", "2024-03-19T13:00:00Z", "2024-03-19T12:05:00Z");
}

static void
test_date_time_ambiguous_day_month (void)
{
  /* 4/3/2024: April 3 (en-US) or 4 March (en-GB)? The reading not after the
   * completion time and closest to it wins. */
  assert_parses ("4/3/2024, 10:00:00", "2024-04-03T10:30:00Z", "2024-04-03T10:00:00Z");
  assert_parses ("4/3/2024, 10:00:00", "2024-03-04T10:30:00Z", "2024-03-04T10:00:00Z");
  /* 13/3: only one reading is a date. */
  assert_parses ("13/3/2024, 10:00:00", "2024-04-20T00:00:00Z", "2024-03-13T10:00:00Z");
}

static void
test_date_time_fallback (void)
{
  /* Nothing parses: date_created − duration (65 s). */
  assert_parses ("yesterday-ish", "2024-03-19T18:40:00Z", "2024-03-19T18:38:55Z");
  assert_parses ("", "2024-03-19T18:40:00Z", "2024-03-19T18:38:55Z");
  assert_parses ("2/30/2024, 10:00:00", "2024-03-19T18:40:00Z", "2024-03-19T18:38:55Z");
  g_assert_null (flex_recent_parse_date_time ("nonsense", NULL, 10, NULL));
}

static void
test_recent_codec (void)
{
  FlexSyncItem item = { 0 };
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr (FlexRecent) recent = NULL;
  g_autoptr (FlexRecent) bad = NULL;
  g_autoptr (JsonNode) back = NULL;
  g_autoptr (GError) error = NULL;

  item.key = (char *) "WT1";
  item.revision = (char *) "0";
  item.date_created = g_date_time_new_from_iso8601 ("2024-03-19T18:40:00Z", NULL);
  item.data = json_from_string ("{\"taskSid\":\"WT1\",\"channelType\":\"sms\",\"duration\":12.0,"
                                "\"future\":{\"x\":1}}",
                                NULL);
  recent = flex_recent_new_from_item (&item, utc, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (flex_recent_get_outcome (recent), ==, "Completed");
  g_assert_cmpint (flex_recent_get_duration (recent), ==, 12);
  g_assert_false (flex_recent_is_voice (recent));
  g_assert_null (flex_recent_get_name (recent));
  back = flex_recent_to_json (recent);
  g_assert_true (json_node_equal (back, item.data));
  json_node_unref (item.data);

  item.data = json_from_string ("{\"taskSid\":\"WT1\",\"duration\":\"long\"}", NULL);
  bad = flex_recent_new_from_item (&item, utc, &error);
  g_assert_null (bad);
  g_assert_error (error, FLEX_MODEL_ERROR, FLEX_MODEL_ERROR_INVALID);
  json_node_unref (item.data);
  g_clear_error (&error);

  item.data = json_from_string ("[\"not\", \"an object\"]", NULL);
  g_assert_null (flex_recent_new_from_item (&item, utc, &error));
  g_assert_error (error, FLEX_MODEL_ERROR, FLEX_MODEL_ERROR_INVALID);
  json_node_unref (item.data);
  g_date_time_unref (item.date_created);
}

/* libebook-contacts must be the libphonenumber-backed build (Debian's is,
 * and the Flatpak builds it so): without it no number can be read. */
static void
test_phone_supported (void)
{
  g_assert_true (flex_phone_is_supported ());
}

static void
test_phone_normalize (void)
{
  static const struct
  {
    const char *input;
    const char *country;
    const char *expected; /* NULL: refused */
  } cases[] = {
    { "+1 (312) 555-1000", NULL, "+13125551000" },
    { "(312) 555-1000", "US", "+13125551000" },
    { "1-312-555-1000", "US", "+13125551000" },
    { "312.555.1000", "us", "+13125551000" },
    { "011 44 20 7946 0958", "US", "+442079460958" }, /* the US international prefix */
    { "0044 20 7946 0958", NULL, "+442079460958" },
    { "020 7946 0958", "GB", "+442079460958" },
    { "07700 900123", "GB", "+447700900123" },
    { "91 123 45 67", "ES", "+34911234567" },
    { "030 123456789", "DE", "+4930123456789" },
    { "+34 912 345 678", "US", "+34912345678" },
    { "+81 3-1234-5678", "US", "+81312345678" },
    { "1-800-FLOWERS", "US", "+18003569377" }, /* vanity numbers are dialled by their keys */
    { "312 555 1000", NULL, NULL },            /* national, no country known */
    { "555-1000", "US", NULL },                /* no area code */
    { "+0 123 456 789", NULL, NULL },          /* no country code starts with 0 */
    { "+999 123 4567", NULL, NULL },           /* no such country code */
    { "+1234567890123456", NULL, NULL },       /* over 15 digits */
    { "+420 123 456 789", NULL, NULL },        /* no Czech number starts with 1 */
    { "+1 212 555 0100 ext. 12", NULL, NULL }, /* Flex cannot dial an extension */
    { "call me maybe", "US", NULL },
    { "whatsapp:+5511912345678", NULL, NULL },      /* another kind of address */
    { "0044 20 7946 0958", "US", "+442079460958" }, /* "00" meant abroad, even there */
    { "12", "US", NULL },
    { "", "US", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *normalized = flex_phone_normalize (cases[i].input, cases[i].country, &error);

      if (g_strcmp0 (normalized, cases[i].expected) != 0)
        g_error ("“%s” (%s) gave %s, expected %s", cases[i].input, cases[i].country, normalized,
                 cases[i].expected);
      if (cases[i].expected == NULL)
        {
          g_assert_error (error, FLEX_MODEL_ERROR, FLEX_MODEL_ERROR_INVALID);
          g_assert_cmpstr (error->message, !=, "");
        }
      else
        g_assert_no_error (error);
    }
}

/* The reason says what is wrong, not only that something is. */
static void
test_phone_reasons (void)
{
  static const struct
  {
    const char *input;
    const char *country;
    const char *reason;
  } cases[] = {
    { "312 555 1000", NULL, "country code" },         { "+999 123 4567", NULL, "calling code" },
    { "+1234567890123456", NULL, "too long" },        { "+420 123 456 789", NULL, "+420" },
    { "+1 212 555 0100 ext. 12", NULL, "extension" }, { "", "US", "Enter a phone number" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *normalized = flex_phone_normalize (cases[i].input, cases[i].country, &error);

      g_assert_null (normalized);
      if (error == NULL || strstr (error->message, cases[i].reason) == NULL)
        g_error ("“%s”: “%s” does not say “%s”", cases[i].input,
                 error != NULL ? error->message : "", cases[i].reason);
    }
}

/* libphonenumber is quadratic in the input: 20,000 digits took 3.6 s.
 * Every entry point goes through the cap first, and answers at once. */
static void
test_phone_length_cap (void)
{
  g_autoptr (GString) digits = g_string_new ("+1");
  g_autoptr (GError) error = NULL;
  g_autofree char *e164 = NULL;
  g_autofree char *shown = NULL;
  gint64 started;

  while (digits->len < 20000)
    g_string_append_c (digits, '5');
  started = g_get_monotonic_time ();
  e164 = flex_phone_normalize (digits->str, "US", &error);
  g_assert_null (e164);
  g_assert_error (error, FLEX_MODEL_ERROR, FLEX_MODEL_ERROR_INVALID);
  shown = flex_phone_format (digits->str, FLEX_PHONE_FORMAT_INTERNATIONAL, "US");
  g_assert_cmpstr (shown, ==, digits->str);
  /* Both well under 10 ms (3.6 s and 4 s before). */
  g_assert_cmpint (g_get_monotonic_time () - started, <, 10 * 1000);
  g_clear_error (&error);

  /* A number written generously still fits. */
  g_clear_pointer (&e164, g_free);
  e164 = flex_phone_normalize ("  +1 (312) 555 - 0142  ", "US", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (e164, ==, "+13125550142");
}

static void
test_phone_format (void)
{
  static const struct
  {
    const char *number;
    FlexPhoneFormat format;
    const char *home;
    const char *expected;
  } cases[] = {
    { "+13125550142", FLEX_PHONE_FORMAT_INTERNATIONAL, "US", "+1 312-555-0142" },
    { "+13125550142", FLEX_PHONE_FORMAT_NATIONAL, "US", "(312) 555-0142" },
    { "+13125550142", FLEX_PHONE_FORMAT_NATIONAL, "CA", "(312) 555-0142" }, /* one plan */
    { "+13125550142", FLEX_PHONE_FORMAT_NATIONAL, "GB", "+1 312-555-0142" },
    { "+442079460958", FLEX_PHONE_FORMAT_NATIONAL, "GB", "020 7946 0958" },
    { "+442079460958", FLEX_PHONE_FORMAT_NATIONAL, NULL, "+44 20 7946 0958" },
    { "client:amelia", FLEX_PHONE_FORMAT_NATIONAL, "US", "client:amelia" },
    { "+", FLEX_PHONE_FORMAT_INTERNATIONAL, "US", "+" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *shown = flex_phone_format (cases[i].number, cases[i].format, cases[i].home);

      g_assert_cmpstr (shown, ==, cases[i].expected);
    }
}

static void
test_phone_locale_country (void)
{
  g_autofree char *saved = g_strdup (g_getenv ("LC_ALL"));
  g_autofree char *gb = NULL;
  g_autofree char *none = NULL;

  /* GLib reads the locale variables each time they change. */
  g_setenv ("LC_ALL", "en_GB.UTF-8", TRUE);
  gb = flex_phone_locale_country ();
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  none = flex_phone_locale_country ();
  if (saved != NULL)
    g_setenv ("LC_ALL", saved, TRUE);
  else
    g_unsetenv ("LC_ALL");
  g_assert_cmpstr (gb, ==, "GB");
  g_assert_null (none);
}

int
main (int argc, char *argv[])
{
  /* The locale the app runs in (the suite sets C.UTF-8). */
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

#define ADD(path, kind, func)                                                                      \
  g_test_add (path, Fixture, GINT_TO_POINTER (kind), fixture_setup, func, fixture_teardown)

  ADD ("/directory/item-type", FLEX_DIRECTORY_KIND_PERSONAL, test_item_type);
  ADD ("/directory/load-sorts-by-name", FLEX_DIRECTORY_KIND_PERSONAL, test_load_sorts_by_name);
  ADD ("/directory/load-sorts-folded", FLEX_DIRECTORY_KIND_PERSONAL, test_load_sorts_folded);
  ADD ("/directory/remote-changes-are-minimal", FLEX_DIRECTORY_KIND_PERSONAL,
       test_remote_changes_are_minimal);
  ADD ("/directory/unchanged-map-is-one-request", FLEX_DIRECTORY_KIND_PERSONAL,
       test_unchanged_map_is_one_request);
  ADD ("/directory/missing-map-is-empty", FLEX_DIRECTORY_KIND_PERSONAL, test_missing_map_is_empty);
  ADD ("/directory/malformed-items-are-skipped", FLEX_DIRECTORY_KIND_PERSONAL,
       test_malformed_items_are_skipped);
  ADD ("/directory/offline-keeps-items", FLEX_DIRECTORY_KIND_PERSONAL, test_offline_keeps_items);
  ADD ("/directory/polling-picks-up-changes", FLEX_DIRECTORY_KIND_PERSONAL,
       test_polling_picks_up_changes);
  ADD ("/directory/add-makes-uuid-key", FLEX_DIRECTORY_KIND_PERSONAL, test_add_makes_uuid_key);
  ADD ("/directory/update-keeps-unknown-fields", FLEX_DIRECTORY_KIND_PERSONAL,
       test_update_keeps_unknown_fields);
  ADD ("/directory/concurrent-edit-loses-nothing", FLEX_DIRECTORY_KIND_PERSONAL,
       test_concurrent_edit_loses_nothing);
  ADD ("/directory/delete-with-stale-revision-conflicts", FLEX_DIRECTORY_KIND_PERSONAL,
       test_delete_with_stale_revision_conflicts);
  ADD ("/directory/read-only-refuses-writes", FLEX_DIRECTORY_KIND_PERSONAL,
       test_read_only_refuses_writes);
  ADD ("/directory/shared-contacts-carry-transfer-flags", FLEX_DIRECTORY_KIND_PERSONAL,
       test_shared_contacts_carry_transfer_flags);
  ADD ("/directory/recents-newest-first-and-expire", FLEX_DIRECTORY_KIND_RECENTS,
       test_recents_newest_first_and_expire);
  ADD ("/directory/clear-history", FLEX_DIRECTORY_KIND_RECENTS, test_clear_history);
#undef ADD

  g_test_add_func ("/codec/date-time-locales", test_date_time_locales);
  g_test_add_func ("/codec/date-time-ambiguous-day-month", test_date_time_ambiguous_day_month);
  g_test_add_func ("/codec/date-time-fallback", test_date_time_fallback);
  g_test_add_func ("/codec/recent", test_recent_codec);
  g_test_add_func ("/codec/phone-supported", test_phone_supported);
  g_test_add_func ("/codec/phone-normalize", test_phone_normalize);
  g_test_add_func ("/codec/phone-reasons", test_phone_reasons);
  g_test_add_func ("/codec/phone-format", test_phone_format);
  g_test_add_func ("/codec/phone-length-cap", test_phone_length_cap);
  g_test_add_func ("/codec/phone-locale-country", test_phone_locale_country);

  return g_test_run ();
}
