/* test-sync-client.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every FlexSyncMap operation against the in-process emulator, including
 * the failure paths: paging, 412, 429 and 5xx retries, timeouts, dropped
 * connections, malformed answers and open-or-create. Loopback only.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "flex-emulator.h"
#include "flex-json.h"
#include "flex-sync-map.h"
#include "flex-test-server.h"

#define USERNAME "SK0123456789abcdef0123456789abcdef"
#define PASSWORD "test-secret"
#define MAP_NAME "Contacts_WK00000000000000000000000000000001"

typedef struct
{
  FlexEmulator *emulator;
  FlexTwilioClient *client;
  FlexSyncMap *map;
  GAsyncResult *result;
  GArray *retries; /* http_status of each retry signal */
  GArray *retry_delays;
} Fixture;

static void
on_retry (
    FlexTwilioClient *client, guint attempt, guint delay_ms, guint http_status, Fixture *fixture)
{
  g_array_append_val (fixture->retries, http_status);
  g_array_append_val (fixture->retry_delays, delay_ms);
}

static void
fixture_setup (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  fixture->emulator = flex_emulator_new ();
  flex_emulator_listen (fixture->emulator, 0, &error);
  g_assert_no_error (error);

  fixture->client = flex_twilio_client_new (USERNAME, PASSWORD);
  flex_twilio_client_set_base_url (fixture->client, FLEX_TWILIO_API_SYNC,
                                   flex_emulator_get_base_url (fixture->emulator), &error);
  g_assert_no_error (error);
  /* Fast back-off for tests; the policy itself is the same. */
  flex_twilio_client_set_retry_policy (fixture->client, 3, 10, 5000);
  flex_twilio_client_set_timeout (fixture->client, 1);

  fixture->retries = g_array_new (FALSE, FALSE, sizeof (guint));
  fixture->retry_delays = g_array_new (FALSE, FALSE, sizeof (guint));
  g_signal_connect (fixture->client, "retry", G_CALLBACK (on_retry), fixture);

  fixture->map = flex_sync_map_new (fixture->client, "default", MAP_NAME);
}

static void
fixture_teardown (Fixture *fixture, gconstpointer data)
{
  g_clear_object (&fixture->result);
  g_assert_finalize_object (fixture->map);
  g_assert_finalize_object (fixture->client);
  g_assert_finalize_object (fixture->emulator);
  g_array_unref (fixture->retries);
  g_array_unref (fixture->retry_delays);
}

static void
on_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Fixture *fixture = user_data;

  g_assert_null (fixture->result);
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
assert_twilio_error (const GError *error, FlexTwilioError code, guint http_status, int twilio_code)
{
  g_assert_error (error, FLEX_TWILIO_ERROR, (int) code);
  g_assert_cmpuint (flex_twilio_error_get_http_status (error), ==, http_status);
  g_assert_cmpint (flex_twilio_error_get_twilio_code (error), ==, twilio_code);
  g_assert_nonnull (error->message);
  g_assert_cmpstr (error->message, !=, "");
}

/* Synchronous wrappers over the async API, for readable tests. */

static char *
fetch_map (Fixture *fixture, GError **error)
{
  flex_sync_map_fetch_async (fixture->map, NULL, on_done, fixture);
  return flex_sync_map_fetch_finish (fixture->map, wait_result (fixture), error);
}

static char *
create_map (Fixture *fixture, GError **error)
{
  flex_sync_map_create_async (fixture->map, NULL, on_done, fixture);
  return flex_sync_map_create_finish (fixture->map, wait_result (fixture), error);
}

static gboolean
delete_map (Fixture *fixture, GError **error)
{
  flex_sync_map_delete_async (fixture->map, NULL, on_done, fixture);
  return flex_sync_map_delete_finish (fixture->map, wait_result (fixture), error);
}

static JsonNode *
json (const char *text)
{
  return json_from_string (text, NULL);
}

static FlexSyncItem *
create_item (Fixture *fixture, const char *key, const char *data, guint ttl, GError **error)
{
  g_autoptr (JsonNode) node = json (data);

  flex_sync_map_create_item_async (fixture->map, key, node, ttl, NULL, on_done, fixture);
  return flex_sync_map_item_finish (fixture->map, wait_result (fixture), error);
}

static FlexSyncItem *
update_item (
    Fixture *fixture, const char *key, const char *data, const char *if_match, GError **error)
{
  g_autoptr (JsonNode) node = json (data);

  flex_sync_map_update_item_async (fixture->map, key, node, if_match, NULL, on_done, fixture);
  return flex_sync_map_item_finish (fixture->map, wait_result (fixture), error);
}

static FlexSyncItem *
get_item (Fixture *fixture, const char *key, GError **error)
{
  flex_sync_map_get_item_async (fixture->map, key, NULL, on_done, fixture);
  return flex_sync_map_item_finish (fixture->map, wait_result (fixture), error);
}

static gboolean
delete_item (Fixture *fixture, const char *key, const char *if_match, GError **error)
{
  flex_sync_map_delete_item_async (fixture->map, key, if_match, NULL, on_done, fixture);
  return flex_sync_map_delete_item_finish (fixture->map, wait_result (fixture), error);
}

static GPtrArray *
list_items (Fixture *fixture, guint *n_skipped, GError **error)
{
  flex_sync_map_list_items_async (fixture->map, NULL, on_done, fixture);
  return flex_sync_map_list_items_finish (fixture->map, wait_result (fixture), n_skipped, error);
}

static void
put (Fixture *fixture, const char *key, const char *data)
{
  g_autoptr (GError) error = NULL;

  flex_emulator_put_item (fixture->emulator, MAP_NAME, key, data, 0, &error);
  g_assert_no_error (error);
}

/* Maps */

static void
test_map_lifecycle (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *revision = NULL;

  revision = fetch_map (fixture, &error);
  assert_twilio_error (error, FLEX_TWILIO_ERROR_NOT_FOUND, 404, 54200);
  g_assert_null (revision);
  g_clear_error (&error);

  revision = create_map (fixture, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (revision, ==, "0");
  g_clear_pointer (&revision, g_free);

  revision = create_map (fixture, &error);
  assert_twilio_error (error, FLEX_TWILIO_ERROR_CONFLICT, 409, 54301);
  g_clear_error (&error);

  revision = fetch_map (fixture, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (revision, ==, "0");
  g_clear_pointer (&revision, g_free);

  g_assert_true (delete_map (fixture, &error));
  g_assert_no_error (error);

  revision = fetch_map (fixture, &error);
  assert_twilio_error (error, FLEX_TWILIO_ERROR_NOT_FOUND, 404, 54200);
}

/* Items */

static void
test_item_crud_with_revisions (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FlexSyncItem) created = NULL;
  g_autoptr (FlexSyncItem) fetched = NULL;
  g_autoptr (FlexSyncItem) updated = NULL;
  g_autoptr (FlexSyncItem) stale = NULL;
  g_autoptr (FlexSyncItem) gone = NULL;
  g_autofree char *map_revision = NULL;
  g_autofree char *map_revision_after = NULL;

  g_free (create_map (fixture, &error));
  g_assert_no_error (error);

  created =
      create_item (fixture, "k1", "{\"name\":\"Ada\",\"phoneNumber\":\"+13125551000\"}", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (created->key, ==, "k1");
  g_assert_cmpstr (created->revision, ==, "0");
  g_assert_nonnull (created->date_created);
  g_assert_null (created->date_expires);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (created->data), "name"), ==,
                   "Ada");

  fetched = get_item (fixture, "k1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fetched->revision, ==, created->revision);
  g_assert_true (json_node_equal (fetched->data, created->data));

  map_revision = fetch_map (fixture, &error);
  g_assert_no_error (error);

  updated = update_item (fixture, "k1", "{\"name\":\"Ada L.\"}", created->revision, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (updated->revision, !=, created->revision);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (updated->data), "name"), ==,
                   "Ada L.");

  /* Every item change advances the map revision. */
  map_revision_after = fetch_map (fixture, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (map_revision_after, !=, map_revision);

  /* A write based on the old revision is refused, and nothing changes. */
  stale = update_item (fixture, "k1", "{\"name\":\"Lost?\"}", created->revision, &error);
  assert_twilio_error (error, FLEX_TWILIO_ERROR_PRECONDITION_FAILED, 412, 54205);
  g_assert_null (stale);
  g_clear_error (&error);
  g_assert_false (delete_item (fixture, "k1", created->revision, &error));
  assert_twilio_error (error, FLEX_TWILIO_ERROR_PRECONDITION_FAILED, 412, 54205);
  g_clear_error (&error);
  g_clear_pointer (&fetched, flex_sync_item_unref);
  fetched = get_item (fixture, "k1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (fetched->data), "name"), ==,
                   "Ada L.");

  g_assert_true (delete_item (fixture, "k1", updated->revision, &error));
  g_assert_no_error (error);

  gone = get_item (fixture, "k1", &error);
  assert_twilio_error (error, FLEX_TWILIO_ERROR_NOT_FOUND, 404, 54201);
}

static void
test_item_duplicate_key (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FlexSyncItem) first = NULL;
  g_autoptr (FlexSyncItem) second = NULL;

  first = create_item (fixture, "dup", "{\"a\":1}", 0, &error);
  g_assert_no_error (error);
  second = create_item (fixture, "dup", "{\"a\":2}", 0, &error);
  assert_twilio_error (error, FLEX_TWILIO_ERROR_CONFLICT, 409, 54208);
  g_assert_null (second);
}

static void
test_item_open_or_create (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FlexSyncItem) item = NULL;
  GPtrArray *exchanges;
  FlexEmulatorExchange *exchange;

  /* The map does not exist: the write creates it, then writes again, once. */
  flex_emulator_clear_exchanges (fixture->emulator);
  item = create_item (fixture, "first", "{\"name\":\"B\"}", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (item->key, ==, "first");

  exchanges = flex_emulator_get_exchanges (fixture->emulator);
  g_assert_cmpuint (exchanges->len, ==, 3);
  exchange = g_ptr_array_index (exchanges, 0);
  g_assert_cmpstr (exchange->operation_id, ==, "CreateSyncMapItem");
  g_assert_cmpuint (exchange->status, ==, 404);
  exchange = g_ptr_array_index (exchanges, 1);
  g_assert_cmpstr (exchange->operation_id, ==, "CreateSyncMap");
  g_assert_cmpstr (g_hash_table_lookup (exchange->form, "UniqueName"), ==, MAP_NAME);
  g_assert_cmpuint (exchange->status, ==, 201);
  exchange = g_ptr_array_index (exchanges, 2);
  g_assert_cmpstr (exchange->operation_id, ==, "CreateSyncMapItem");
  g_assert_cmpuint (exchange->status, ==, 201);

  /* An update of a missing item in a missing map creates the map, and then
   * says the item is missing instead of looping. */
  g_assert_true (delete_map (fixture, &error));
  g_clear_pointer (&item, flex_sync_item_unref);
  item = update_item (fixture, "nope", "{}", NULL, &error);
  assert_twilio_error (error, FLEX_TWILIO_ERROR_NOT_FOUND, 404, 54201);
}

static void
test_item_ttl_expires (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FlexSyncItem) item = NULL;
  g_autoptr (FlexSyncItem) expired = NULL;
  g_autofree char *revision = NULL;
  g_autofree char *revision_after = NULL;
  GTimeSpan ttl;

  item = create_item (fixture, "WT0001", "{\"taskSid\":\"WT0001\"}", 14 * 86400, &error);
  g_assert_no_error (error);
  g_assert_nonnull (item->date_expires);
  ttl = g_date_time_difference (item->date_expires, item->date_created);
  g_assert_cmpint (ttl, ==, (GTimeSpan) 14 * 86400 * G_TIME_SPAN_SECOND);

  revision = fetch_map (fixture, &error);
  g_assert_no_error (error);

  flex_emulator_advance_clock (fixture->emulator, 14 * 86400 + 1);
  expired = get_item (fixture, "WT0001", &error);
  assert_twilio_error (error, FLEX_TWILIO_ERROR_NOT_FOUND, 404, 54201);
  g_clear_error (&error);

  /* The expiry is a change a poller can see. */
  revision_after = fetch_map (fixture, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (revision_after, !=, revision);
}

static void
test_item_limits_checked_before_sending (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) big = g_string_new ("{\"notes\":\"");
  g_autofree char *long_key = g_strnfill (FLEX_SYNC_MAX_KEY_LENGTH + 1, 'k');
  g_autofree char *max_key = g_strnfill (FLEX_SYNC_MAX_KEY_LENGTH, 'k');
  FlexSyncItem *item;

  flex_emulator_clear_exchanges (fixture->emulator);

  item = create_item (fixture, long_key, "{}", 0, &error);
  assert_twilio_error (error, FLEX_TWILIO_ERROR_INVALID, 0, 54209);
  g_assert_null (item);
  g_clear_error (&error);

  for (guint i = 0; i < FLEX_SYNC_MAX_DATA_BYTES; i++)
    g_string_append_c (big, 'x');
  g_string_append (big, "\"}");
  item = create_item (fixture, "big", big->str, 0, &error);
  assert_twilio_error (error, FLEX_TWILIO_ERROR_TOO_LARGE, 0, 54006);
  g_assert_null (item);
  g_clear_error (&error);

  g_assert_cmpuint (flex_emulator_get_exchanges (fixture->emulator)->len, ==, 0);

  /* 256 characters is fine. */
  item = create_item (fixture, max_key, "{}", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (item->key, ==, max_key);
  flex_sync_item_unref (item);
}

static void
test_item_key_with_slash_stays_one_segment (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FlexSyncItem) created = NULL;
  g_autoptr (FlexSyncItem) fetched = NULL;

  created = create_item (fixture, "a/b?c#d e", "{\"x\":1}", 0, &error);
  g_assert_no_error (error);
  fetched = get_item (fixture, "a/b?c#d e", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fetched->key, ==, "a/b?c#d e");
}

/* Listing */

static int
compare_item_keys (gconstpointer a, gconstpointer b)
{
  const FlexSyncItem *item_a = *(FlexSyncItem *const *) a;
  const FlexSyncItem *item_b = *(FlexSyncItem *const *) b;

  return strcmp (item_a->key, item_b->key);
}

static void
test_list_pages_through_250_items (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GHashTable) keys = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) sorted = NULL;
  GPtrArray *exchanges;
  guint skipped = 99;

  for (guint i = 0; i < 250; i++)
    {
      g_autofree char *key = g_strdup_printf ("key-%03u", i);
      g_autofree char *value = g_strdup_printf ("{\"n\":%u}", i);

      put (fixture, key, value);
    }

  flex_emulator_clear_exchanges (fixture->emulator);
  items = list_items (fixture, &skipped, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 250);
  g_assert_cmpuint (skipped, ==, 0);

  for (guint i = 0; i < items->len; i++)
    {
      FlexSyncItem *item = g_ptr_array_index (items, i);

      g_assert_true (g_hash_table_add (keys, item->key));
    }
  g_assert_cmpuint (g_hash_table_size (keys), ==, 250);

  sorted = g_ptr_array_new (); /* borrowed pointers: no free function */
  for (guint i = 0; i < items->len; i++)
    g_ptr_array_add (sorted, g_ptr_array_index (items, i));
  g_ptr_array_sort (sorted, compare_item_keys);
  for (guint i = 0; i < items->len; i++)
    g_assert_true (g_ptr_array_index (sorted, i) == g_ptr_array_index (items, i));

  /* Three pages of at most 100, following next_page_url. */
  exchanges = flex_emulator_get_exchanges (fixture->emulator);
  g_assert_cmpuint (exchanges->len, ==, 3);
  for (guint i = 0; i < exchanges->len; i++)
    {
      FlexEmulatorExchange *exchange = g_ptr_array_index (exchanges, i);

      g_assert_cmpstr (exchange->operation_id, ==, "ListSyncMapItem");
      g_assert_nonnull (strstr (exchange->query, "PageSize=100"));
      g_assert_true ((i == 0) == (strstr (exchange->query, "PageToken=") == NULL));
    }
}

static void
test_list_missing_map (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) items = list_items (fixture, NULL, &error);

  assert_twilio_error (error, FLEX_TWILIO_ERROR_NOT_FOUND, 404, 54200);
  g_assert_null (items);
}

static void
test_list_skips_malformed_items (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) items = NULL;
  guint skipped = 0;
  FlexSyncItem *item;

  put (fixture, "any", "{}");
  flex_emulator_corrupt_next (fixture->emulator, 1,
                              "{\"items\":[{\"revision\":\"1\",\"data\":{}},\"not an object\","
                              "{\"key\":\"ok\",\"revision\":\"3\",\"data\":{\"name\":\"Fine\"}},"
                              "{\"key\":\"norev\",\"data\":{}}],"
                              "\"meta\":{\"next_page_url\":null,\"page\":0,\"page_size\":100}}");

  g_test_expect_message ("flex-sync", G_LOG_LEVEL_WARNING, "*Skipping*has no key*");
  g_test_expect_message ("flex-sync", G_LOG_LEVEL_WARNING, "*Skipping*not a JSON object*");
  g_test_expect_message ("flex-sync", G_LOG_LEVEL_WARNING, "*Skipping*norev*has no revision*");
  items = list_items (fixture, &skipped, &error);
  g_test_assert_expected_messages ();

  g_assert_no_error (error);
  g_assert_cmpuint (skipped, ==, 3);
  g_assert_cmpuint (items->len, ==, 1);
  item = g_ptr_array_index (items, 0);
  g_assert_cmpstr (item->key, ==, "ok");
}

static void
test_list_malformed_pages (Fixture *fixture, gconstpointer data)
{
  static const char *bodies[] = {
    "{\"items\":[]}",                                 /* no meta */
    "{\"meta\":{\"next_page_url\":null}}",            /* no items */
    "[1,2,3]",                                        /* not an object */
    "{\"items\":[],\"meta\":{\"next_page_url\":42}}", /* next page not a URL */
    "{\"items\":[],\"meta\":{\"next_page_url\":\"https://evil.example/steal\"}}",
  };

  put (fixture, "any", "{}");
  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) items = NULL;

      flex_emulator_corrupt_next (fixture->emulator, 1, bodies[i]);
      items = list_items (fixture, NULL, &error);
      g_assert_error (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_MALFORMED);
      g_assert_null (items);
    }
}

static void
test_list_circular_paging_stops (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) items = NULL;
  g_autofree char *self_url = NULL;
  g_autofree char *body = NULL;

  put (fixture, "any", "{}");
  self_url = g_strdup_printf ("%s/v1/Services/default/Maps/%s/Items?PageSize=100",
                              flex_emulator_get_base_url (fixture->emulator), MAP_NAME);
  body = g_strdup_printf ("{\"items\":[],\"meta\":{\"next_page_url\":\"%s\"}}", self_url);
  flex_emulator_corrupt_next (fixture->emulator, 5, body);

  items = list_items (fixture, NULL, &error);
  g_assert_error (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_MALFORMED);
  g_assert_null (items);
}

/* A hostile "Twilio": a loopback server that records every request and
 * whether it carried credentials. */
static void
on_spy_request (SoupServer *server,
                SoupServerMessage *message,
                const char *path,
                GHashTable *query,
                gpointer user_data)
{
  guint *with_credentials = user_data;

  if (soup_message_headers_get_one (soup_server_message_get_request_headers (message),
                                    "Authorization") != NULL)
    (*with_credentials)++;
  soup_server_message_set_status (message, 200, NULL);
  soup_server_message_set_response (message, "application/json", SOUP_MEMORY_STATIC,
                                    "{\"items\":[],\"meta\":{}}", 22);
}

/* The same-server check of next_page_url compares scheme, host and port
 * after parsing, and refuses a user name: the API secret never reaches
 * another server (issue 18: a text prefix let all three through). */
static void
test_next_page_never_leaves_the_server (Fixture *fixture, gconstpointer data)
{
  g_autoptr (SoupServer) spy = soup_server_new (NULL, NULL);
  g_autoptr (GError) error = NULL;
  guint with_credentials = 0;
  const char *base = flex_emulator_get_base_url (fixture->emulator);
  guint spy_port;
  soup_server_add_handler (spy, NULL, on_spy_request, &with_credentials, NULL);
  spy_port = flex_test_server_listen (spy);

  put (fixture, "any", "{}");
  {
    const char *path = "/v1/Services/default/Maps/x/Items?PageToken=1";
    g_autofree char *other_port = g_strdup_printf ("http://127.0.0.1:%u%s", spy_port, path);
    g_autofree char *disguised = g_strdup_printf ("%s@127.0.0.1:%u%s", base, spy_port, path);
    g_autofree char *user = g_strdup_printf ("http://user:pw@127.0.0.1:%u%s", spy_port, path);
    /* base + digits: the text prefix of the base, on another port. */
    g_autofree char *prefixed = g_strdup_printf ("%s%u%s", base, spy_port % 10, path);
    const char *forms[] = { other_port, disguised, user, prefixed };

    for (guint i = 0; i < G_N_ELEMENTS (forms); i++)
      {
        g_autofree char *body = NULL;
        g_autoptr (GPtrArray) items = NULL;

        body = g_strdup_printf ("{\"items\":[],\"meta\":{\"next_page_url\":\"%s\"}}", forms[i]);
        flex_emulator_corrupt_next (fixture->emulator, 1, body);
        items = list_items (fixture, NULL, &error);
        g_assert_null (items);
        g_assert_true (g_error_matches (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_MALFORMED) ||
                       g_error_matches (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_INSECURE_URL));
        g_clear_error (&error);
      }
  }
  g_assert_cmpuint (with_credentials, ==, 0);

  /* And no request of the client goes to a server it was not given. */
  {
    g_autofree char *elsewhere = g_strdup_printf ("http://127.0.0.1:%u/v1/Services", spy_port);

    flex_twilio_client_request_async (fixture->client, "GET", elsewhere, NULL, NULL, NULL, on_done,
                                      fixture);
    g_assert_null (
        flex_twilio_client_request_finish (fixture->client, wait_result (fixture), &error));
    g_assert_error (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_INSECURE_URL);
  }
  g_assert_cmpuint (with_credentials, ==, 0);

  g_assert_true (
      flex_twilio_url_same_origin ("https://sync.twilio.com/v1/x", "https://sync.twilio.com"));
  g_assert_true (
      flex_twilio_url_same_origin ("https://SYNC.twilio.com:443/v1/x", "https://sync.twilio.com"));
  g_assert_false (flex_twilio_url_same_origin ("https://sync.twilio.com@attacker.example/v1",
                                               "https://sync.twilio.com"));
  g_assert_false (flex_twilio_url_same_origin ("https://sync.twilio.com.attacker.example/v1",
                                               "https://sync.twilio.com"));
  g_assert_false (
      flex_twilio_url_same_origin ("https://sync.twilio.com:8443/v1", "https://sync.twilio.com"));
  g_assert_false (
      flex_twilio_url_same_origin ("http://sync.twilio.com/v1", "https://sync.twilio.com"));
}

/* Listing budgets: a page larger than asked, or a next page named by
 * megabytes, ends the listing with an error instead of eating memory. */
static void
test_list_budgets (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GString) body = g_string_new ("{\"items\":[");
  g_autoptr (GString) next = g_string_new (flex_emulator_get_base_url (fixture->emulator));

  put (fixture, "any", "{}");
  for (guint i = 0; i < 101; i++)
    g_string_append_printf (body,
                            "%s{\"key\":\"k%u\",\"revision\":\"0\",\"data\":{},"
                            "\"date_created\":\"2024-03-19T18:25:27Z\"}",
                            i > 0 ? "," : "", i);
  g_string_append (body, "],\"meta\":{\"next_page_url\":null}}");
  flex_emulator_corrupt_next (fixture->emulator, 1, body->str);
  items = list_items (fixture, NULL, &error);
  g_assert_null (items);
  g_assert_error (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_MALFORMED);
  g_assert_nonnull (strstr (error->message, "101 items where 100"));
  g_clear_error (&error);

  g_string_append (next, "/v1/Services/default/Maps/x/Items?PageToken=");
  while (next->len < 100000)
    g_string_append (next, "AAAAAAAAAAAAAAAA");
  g_string_printf (body, "{\"items\":[],\"meta\":{\"next_page_url\":\"%s\"}}", next->str);
  flex_emulator_corrupt_next (fixture->emulator, 1, body->str);
  items = list_items (fixture, NULL, &error);
  g_assert_null (items);
  g_assert_error (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_MALFORMED);
}

/* A hostile server's answers: huge (announced, or chunked without a length),
 * or trickled a byte at a time. */
typedef struct
{
  SoupServerMessage *message;
  guint sent;
  guint source_id;
} Trickle;

static void
on_trickle_gone (SoupServerMessage *message, Trickle *trickle)
{
  g_clear_handle_id (&trickle->source_id, g_source_remove);
}

static void
trickle_free (gpointer data, GClosure *closure)
{
  g_free (data);
}

static gboolean
on_trickle (gpointer user_data)
{
  Trickle *trickle = user_data;
  SoupMessageBody *body = soup_server_message_get_response_body (trickle->message);

  soup_message_body_append (body, SOUP_MEMORY_STATIC, " ", 1);
  soup_server_message_unpause (trickle->message);
  if (++trickle->sent < 40)
    return G_SOURCE_CONTINUE;
  trickle->source_id = 0;
  return G_SOURCE_REMOVE;
}

static void
on_hostile_request (SoupServer *server,
                    SoupServerMessage *message,
                    const char *path,
                    GHashTable *query,
                    gpointer user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (message);
  SoupMessageBody *body = soup_server_message_get_response_body (message);

  soup_server_message_set_status (message, 200, NULL);
  if (g_str_equal (path, "/v1/announced"))
    {
      /* 9 MB, said up front. */
      soup_server_message_set_response (message, "application/json", SOUP_MEMORY_TAKE,
                                        g_malloc0 (9 * 1024 * 1024), 9 * 1024 * 1024);
    }
  else if (g_str_equal (path, "/v1/chunked"))
    {
      soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
      for (guint i = 0; i < 40; i++)
        soup_message_body_append_take (body, g_malloc0 (1024 * 1024), 1024 * 1024);
      soup_message_body_complete (body);
    }
  else
    {
      Trickle *trickle = g_new0 (Trickle, 1);

      trickle->message = message;
      soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
      soup_server_message_pause (message);
      trickle->source_id = g_timeout_add (250, on_trickle, trickle);
      g_signal_connect_data (message, "disconnected", G_CALLBACK (on_trickle_gone), trickle,
                             trickle_free, G_CONNECT_DEFAULT);
    }
}

static GError *
hostile_get (Fixture *fixture, const char *base, const char *path)
{
  g_autofree char *url = g_strconcat (base, path, NULL);
  g_autoptr (JsonNode) node = NULL;
  GError *error = NULL;

  flex_twilio_client_request_async (fixture->client, "GET", url, NULL, NULL, NULL, on_done,
                                    fixture);
  node = flex_twilio_client_request_finish (fixture->client, wait_result (fixture), &error);
  g_assert_null (node);
  return error;
}

/* Answers are read as a stream with a byte cap: 9 MB announced, or 40 MB
 * chunked, end the request at 8 MB (it buffered 400 MB before); and an
 * answer trickled a byte at a time ends at the attempt's total deadline
 * (2 × the 1 s I/O timeout here), not after every byte's timeout. */
static void
test_hostile_answers_bounded (Fixture *fixture, gconstpointer data)
{
  g_autoptr (SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *base = NULL;
  gint64 started;

  soup_server_add_handler (server, NULL, on_hostile_request, NULL, NULL);
  base = g_strdup_printf ("http://127.0.0.1:%u", flex_test_server_listen (server));
  flex_twilio_client_set_base_url (fixture->client, FLEX_TWILIO_API_FLEX, base, &error);
  g_assert_no_error (error);
  flex_twilio_client_set_retry_policy (fixture->client, 0, 10, 1000);

  error = hostile_get (fixture, base, "/v1/announced");
  g_assert_error (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_MALFORMED);
  g_assert_nonnull (strstr (error->message, "too large"));
  g_clear_error (&error);

  error = hostile_get (fixture, base, "/v1/chunked");
  g_assert_error (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_MALFORMED);
  g_assert_nonnull (strstr (error->message, "too large"));
  g_clear_error (&error);

  started = g_get_monotonic_time ();
  error = hostile_get (fixture, base, "/v1/trickle");
  g_assert_error (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_TIMEOUT);
  /* 40 bytes, one each 250 ms, would take 10 s. */
  g_assert_cmpint (g_get_monotonic_time () - started, <, 5 * G_USEC_PER_SEC);
  g_clear_error (&error);
  soup_server_disconnect (server);
}

/* json-glib 1.6 has no depth limit: ~80,000 nested brackets overflowed the
 * stack. Answers deeper than the bound are malformed, not a crash. */
static void
test_deep_json_answer (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *revision = NULL;
  g_autoptr (GString) deep = g_string_new (NULL);

  g_free (create_map (fixture, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 200000; i++)
    g_string_append_c (deep, '[');
  for (guint i = 0; i < 200000; i++)
    g_string_append_c (deep, ']');
  flex_emulator_corrupt_next (fixture->emulator, 1, deep->str);
  revision = fetch_map (fixture, &error);
  g_assert_error (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_MALFORMED);
  g_assert_null (revision);
  g_clear_error (&error);

  /* 64 levels are fine; 65 are not. */
  g_string_truncate (deep, 0);
  for (guint i = 0; i < 64; i++)
    g_string_append_c (deep, '[');
  for (guint i = 0; i < 64; i++)
    g_string_append_c (deep, ']');
  g_assert_true (flex_json_check (deep->str, deep->len, 64, 1024, NULL));
  g_string_insert_c (deep, 0, '[');
  g_string_append_c (deep, ']');
  g_assert_false (flex_json_check (deep->str, deep->len, 64, 1024, &error));
  g_assert_error (error, FLEX_JSON_ERROR, FLEX_JSON_ERROR_TOO_DEEP);
  g_clear_error (&error);
  /* Brackets inside strings do not count. */
  g_assert_true (flex_json_check ("[\"[[[[[[\\\"[[[\"]", 15, 2, 1024, NULL));
}

static void
test_malformed_json_answer (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *revision = NULL;

  g_free (create_map (fixture, &error));
  g_assert_no_error (error);

  flex_emulator_corrupt_next (fixture->emulator, 1, "{\"sid\": \"MP1\", \"revision\": ");
  revision = fetch_map (fixture, &error);
  g_assert_error (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_MALFORMED);
  g_assert_null (revision);
  g_clear_error (&error);

  flex_emulator_corrupt_next (fixture->emulator, 1, "{\"sid\": \"MP1\"}");
  revision = fetch_map (fixture, &error);
  g_assert_error (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_MALFORMED);
  g_clear_error (&error);

  flex_emulator_corrupt_next (fixture->emulator, 1, "<html>Bad gateway</html>");
  revision = fetch_map (fixture, &error);
  g_assert_error (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_MALFORMED);
}

/* Retries */

static void
test_retry_429_then_success (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *revision = NULL;
  guint delay;

  g_free (create_map (fixture, &error));
  flex_emulator_clear_exchanges (fixture->emulator);

  /* The server asks for one second: the client waits at least that long. */
  flex_emulator_fail_next (fixture->emulator, 1, 429, 1);
  revision = fetch_map (fixture, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (revision, ==, "0");

  g_assert_cmpuint (fixture->retries->len, ==, 1);
  g_assert_cmpuint (g_array_index (fixture->retries, guint, 0), ==, 429);
  delay = g_array_index (fixture->retry_delays, guint, 0);
  g_assert_cmpuint (delay, >=, 1000);
  g_assert_cmpuint (flex_emulator_count_requests (fixture->emulator, "GET", NULL), ==, 2);
}

static void
test_retry_429_for_post (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FlexSyncItem) item = NULL;
  g_autoptr (GPtrArray) items = NULL;

  g_free (create_map (fixture, &error));
  /* 429 means "not processed": safe to send a create again. */
  flex_emulator_fail_next (fixture->emulator, 1, 429, 0);
  item = create_item (fixture, "once", "{}", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fixture->retries->len, ==, 1);

  items = list_items (fixture, NULL, &error);
  g_assert_cmpuint (items->len, ==, 1);
}

static void
test_retry_5xx_gives_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *revision = NULL;

  flex_emulator_fail_next (fixture->emulator, 10, 503, -1);
  revision = fetch_map (fixture, &error);
  assert_twilio_error (error, FLEX_TWILIO_ERROR_SERVER, 503, 20503);
  g_assert_null (revision);

  /* One attempt and three retries, as the policy says, then a clear error. */
  g_assert_cmpuint (fixture->retries->len, ==, 3);
  g_assert_cmpuint (flex_emulator_count_requests (fixture->emulator, "GET", NULL), ==, 4);
}

static void
test_retry_backoff_grows (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *revision = NULL;

  flex_twilio_client_set_retry_policy (fixture->client, 3, 40, 5000);
  flex_emulator_fail_next (fixture->emulator, 10, 500, -1);
  revision = fetch_map (fixture, &error);
  assert_twilio_error (error, FLEX_TWILIO_ERROR_SERVER, 500, 20500);

  /* base × 2^n with jitter in [half, full]: 20–40, 40–80, 80–160 ms. */
  g_assert_cmpuint (fixture->retry_delays->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      guint full = 40u << i;

      g_assert_cmpuint (g_array_index (fixture->retry_delays, guint, i), >=, full / 2);
      g_assert_cmpuint (g_array_index (fixture->retry_delays, guint, i), <=, full);
    }
}

static void
test_retry_bounded_in_time (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *revision = NULL;
  gint64 start = g_get_monotonic_time ();

  /* Retry-After beyond the time budget: give up at once instead of waiting. */
  flex_twilio_client_set_retry_policy (fixture->client, 3, 10, 500);
  flex_emulator_fail_next (fixture->emulator, 1, 429, 30);
  revision = fetch_map (fixture, &error);
  assert_twilio_error (error, FLEX_TWILIO_ERROR_RATE_LIMITED, 429, 54009);
  g_assert_cmpuint (fixture->retries->len, ==, 0);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
}

static void
test_post_500_not_retried (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FlexSyncItem) item = NULL;

  g_free (create_map (fixture, &error));
  flex_emulator_clear_exchanges (fixture->emulator);

  /* A 500 may have been processed: a create is not sent again. */
  flex_emulator_fail_next (fixture->emulator, 1, 500, -1);
  item = create_item (fixture, "maybe", "{}", 0, &error);
  assert_twilio_error (error, FLEX_TWILIO_ERROR_SERVER, 500, 20500);
  g_assert_cmpuint (fixture->retries->len, ==, 0);
  g_assert_cmpuint (flex_emulator_count_requests (fixture->emulator, "POST", NULL), ==, 1);
}

static void
test_timeout (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FlexSyncItem) item = NULL;
  g_autofree char *revision = NULL;

  g_free (create_map (fixture, &error));
  flex_emulator_clear_exchanges (fixture->emulator);

  /* A write that times out may have been applied: an error, no retry. */
  flex_emulator_delay_next (fixture->emulator, 1, 2500);
  item = create_item (fixture, "slow", "{}", 0, &error);
  assert_twilio_error (error, FLEX_TWILIO_ERROR_TIMEOUT, 0, 0);
  g_assert_cmpuint (fixture->retries->len, ==, 0);
  g_clear_error (&error);

  /* A read that times out is retried and then succeeds. */
  flex_emulator_delay_next (fixture->emulator, 1, 2500);
  revision = fetch_map (fixture, &error);
  g_assert_no_error (error);
  g_assert_nonnull (revision);
  g_assert_cmpuint (fixture->retries->len, ==, 1);
  g_assert_cmpuint (g_array_index (fixture->retries, guint, 0), ==, 0);
}

static void
test_dropped_connection (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FlexSyncItem) item = NULL;
  g_autofree char *revision = NULL;

  g_free (create_map (fixture, &error));

  flex_emulator_clear_exchanges (fixture->emulator);

  /* A read whose connection drops is sent again (libsoup re-sends an
   * idempotent request on a dropped kept-alive connection by itself, our
   * policy does otherwise) and succeeds. */
  flex_emulator_drop_next (fixture->emulator, 2);
  revision = fetch_map (fixture, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (revision, ==, "0");
  g_assert_cmpuint (flex_emulator_count_requests (fixture->emulator, "GET", NULL), ==, 3);

  /* A write whose connection drops may have been applied: not sent again. */
  flex_emulator_drop_next (fixture->emulator, 1);
  item = create_item (fixture, "dropped", "{}", 0, &error);
  assert_twilio_error (error, FLEX_TWILIO_ERROR_NETWORK, 0, 0);
  g_assert_cmpuint (flex_emulator_count_requests (fixture->emulator, "POST", NULL), ==, 1);
}

static void
test_connection_refused (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocketListener) listener = g_socket_listener_new ();
  g_autofree char *url = NULL;
  g_autofree char *revision = NULL;
  guint16 port;

  /* A port that was free a moment ago and now refuses connections. */
  port = g_socket_listener_add_any_inet_port (listener, NULL, &error);
  g_assert_no_error (error);
  g_socket_listener_close (listener);
  url = g_strdup_printf ("http://127.0.0.1:%u", port);
  flex_twilio_client_set_base_url (fixture->client, FLEX_TWILIO_API_SYNC, url, &error);
  g_assert_no_error (error);

  revision = fetch_map (fixture, &error);
  assert_twilio_error (error, FLEX_TWILIO_ERROR_NETWORK, 0, 0);
  g_assert_cmpuint (fixture->retries->len, ==, 3);
}

static void
test_wrong_credentials (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *revision = NULL;

  flex_emulator_set_auth (fixture->emulator, USERNAME, "another-secret");
  revision = fetch_map (fixture, &error);
  assert_twilio_error (error, FLEX_TWILIO_ERROR_UNAUTHORIZED, 401, 20003);
  g_assert_nonnull (flex_twilio_error_get_more_info (error));
  g_assert_cmpuint (fixture->retries->len, ==, 0);
}

static void
test_cancel_during_backoff (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *revision = NULL;
  gint64 start = g_get_monotonic_time ();

  flex_twilio_client_set_retry_policy (fixture->client, 3, 10, 60000);
  flex_emulator_fail_next (fixture->emulator, 1, 429, 20);
  flex_sync_map_fetch_async (fixture->map, cancellable, on_done, fixture);
  while (fixture->retries->len == 0)
    g_main_context_iteration (NULL, TRUE);
  g_cancellable_cancel (cancellable);
  revision = flex_sync_map_fetch_finish (fixture->map, wait_result (fixture), &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
}

/* A write cancelled before its answer fails with G_IO_ERROR_CANCELLED, and
 * nothing looks for a Twilio code in that error (it once raised a critical
 * that aborted an import stopped half-way). */
static void
test_cancel_write (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (JsonNode) item = json_from_string ("{\"name\":\"Cancelled\"}", NULL);
  g_autoptr (FlexSyncItem) written = NULL;
  g_autoptr (GError) error = NULL;

  flex_emulator_delay_next (fixture->emulator, 1, 500);
  flex_sync_map_create_item_async (fixture->map, "k-cancelled", item, 0, cancellable, on_done,
                                   fixture);
  g_cancellable_cancel (cancellable);
  written = flex_sync_map_item_finish (fixture->map, wait_result (fixture), &error);
  g_assert_null (written);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* Client configuration */

static void
test_base_url_must_be_safe (void)
{
  g_autoptr (FlexTwilioClient) client = flex_twilio_client_new (USERNAME, PASSWORD);
  g_autoptr (GError) error = NULL;
  g_autofree char *url = NULL;

  g_assert_cmpstr (flex_twilio_client_get_base_url (client, FLEX_TWILIO_API_SYNC), ==,
                   "https://sync.twilio.com");
  g_assert_cmpstr (flex_twilio_client_get_base_url (client, FLEX_TWILIO_API_TASKROUTER), ==,
                   "https://taskrouter.twilio.com");
  g_assert_cmpstr (flex_twilio_client_get_base_url (client, FLEX_TWILIO_API_FLEX), ==,
                   "https://flex-api.twilio.com");

  g_assert_false (flex_twilio_client_set_base_url (client, FLEX_TWILIO_API_SYNC,
                                                   "http://sync.example.com", &error));
  g_assert_error (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_INSECURE_URL);
  g_clear_error (&error);
  g_assert_false (
      flex_twilio_client_set_base_url (client, FLEX_TWILIO_API_SYNC, "not a url", &error));
  g_assert_error (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_INSECURE_URL);
  g_clear_error (&error);
  g_assert_cmpstr (flex_twilio_client_get_base_url (client, FLEX_TWILIO_API_SYNC), ==,
                   "https://sync.twilio.com");

  g_assert_true (flex_twilio_client_set_base_url (client, FLEX_TWILIO_API_SYNC,
                                                  "http://127.0.0.1:8080/", &error));
  g_assert_no_error (error);
  g_assert_true (
      flex_twilio_client_set_base_url (client, FLEX_TWILIO_API_SYNC, "http://[::1]:8080", &error));
  g_assert_true (flex_twilio_client_set_base_url (client, FLEX_TWILIO_API_SYNC,
                                                  "http://localhost:8080", &error));
  g_assert_true (flex_twilio_client_set_base_url (client, FLEX_TWILIO_API_SYNC,
                                                  "https://sync.example.com", &error));
  g_assert_no_error (error);

  /* Path segments are escaped: a key cannot change the path. */
  url = flex_twilio_client_build_url (client, FLEX_TWILIO_API_SYNC, "v1", "Maps", "a/../b", NULL);
  g_assert_cmpstr (url, ==, "https://sync.example.com/v1/Maps/a%2F..%2Fb");
}

static void
test_base_url_from_environment (void)
{
  g_autoptr (FlexTwilioClient) client = NULL;
  g_autoptr (FlexTwilioClient) refused = NULL;

  g_setenv ("FLEX_TWILIO_TASKROUTER_URL", "http://127.0.0.1:9999", TRUE);
  client = flex_twilio_client_new (USERNAME, PASSWORD);
  g_assert_cmpstr (flex_twilio_client_get_base_url (client, FLEX_TWILIO_API_TASKROUTER), ==,
                   "http://127.0.0.1:9999");

  g_setenv ("FLEX_TWILIO_TASKROUTER_URL", "http://taskrouter.example.com", TRUE);
  g_test_expect_message ("flex-twilio", G_LOG_LEVEL_WARNING, "*FLEX_TWILIO_TASKROUTER_URL*");
  refused = flex_twilio_client_new (USERNAME, PASSWORD);
  g_test_assert_expected_messages ();
  g_assert_cmpstr (flex_twilio_client_get_base_url (refused, FLEX_TWILIO_API_TASKROUTER), ==,
                   "https://taskrouter.twilio.com");
  g_unsetenv ("FLEX_TWILIO_TASKROUTER_URL");
}

/* Emulator persistence */

static void
test_emulator_persists_state (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("flex-emulator-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "state.json", NULL);
  g_autoptr (FlexEmulator) first = flex_emulator_new ();
  g_autoptr (FlexEmulator) second = flex_emulator_new ();
  g_autofree char *revision = NULL;
  g_autofree char *revision_loaded = NULL;
  g_autoptr (JsonNode) dump_first = NULL;
  g_autoptr (JsonNode) dump_second = NULL;

  g_assert_no_error (error);
  g_assert_true (flex_emulator_set_data_file (first, path, &error));
  g_assert_no_error (error);
  g_assert_true (flex_emulator_put_item (first, MAP_NAME, "a", "{\"name\":\"A\"}", 0, &error));
  g_assert_true (flex_emulator_put_item (first, MAP_NAME, "a", "{\"name\":\"A2\"}", 0, &error));
  g_assert_true (flex_emulator_put_item (first, MAP_NAME, "b", "{\"name\":\"B\"}", 3600, &error));
  revision = flex_emulator_get_map_revision (first, MAP_NAME);

  g_assert_true (flex_emulator_set_data_file (second, path, &error));
  g_assert_no_error (error);
  revision_loaded = flex_emulator_get_map_revision (second, MAP_NAME);
  g_assert_cmpstr (revision_loaded, ==, revision);

  dump_first = flex_emulator_dump_json (first);
  dump_second = flex_emulator_dump_json (second);
  g_assert_true (json_node_equal (dump_first, dump_second));

  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/sync/map/lifecycle", test_map_lifecycle);
  ADD ("/sync/item/crud-with-revisions", test_item_crud_with_revisions);
  ADD ("/sync/item/duplicate-key", test_item_duplicate_key);
  ADD ("/sync/item/open-or-create", test_item_open_or_create);
  ADD ("/sync/item/ttl-expires", test_item_ttl_expires);
  ADD ("/sync/item/limits-checked-before-sending", test_item_limits_checked_before_sending);
  ADD ("/sync/item/key-is-one-path-segment", test_item_key_with_slash_stays_one_segment);
  ADD ("/sync/list/pages-through-250-items", test_list_pages_through_250_items);
  ADD ("/sync/list/missing-map", test_list_missing_map);
  ADD ("/sync/list/skips-malformed-items", test_list_skips_malformed_items);
  ADD ("/sync/list/malformed-pages", test_list_malformed_pages);
  ADD ("/sync/list/circular-paging-stops", test_list_circular_paging_stops);
  ADD ("/sync/list/next-page-never-leaves-the-server", test_next_page_never_leaves_the_server);
  ADD ("/client/deep-json-answer", test_deep_json_answer);
  ADD ("/sync/list/budgets", test_list_budgets);
  ADD ("/client/hostile-answers-bounded", test_hostile_answers_bounded);
  ADD ("/sync/malformed-json-answer", test_malformed_json_answer);
  ADD ("/sync/retry/429-then-success", test_retry_429_then_success);
  ADD ("/sync/retry/429-for-post", test_retry_429_for_post);
  ADD ("/sync/retry/5xx-gives-up", test_retry_5xx_gives_up);
  ADD ("/sync/retry/backoff-grows", test_retry_backoff_grows);
  ADD ("/sync/retry/bounded-in-time", test_retry_bounded_in_time);
  ADD ("/sync/retry/post-500-not-retried", test_post_500_not_retried);
  ADD ("/sync/retry/cancel-during-backoff", test_cancel_during_backoff);
  ADD ("/sync/item/cancel-write", test_cancel_write);
  ADD ("/sync/timeout", test_timeout);
  ADD ("/sync/dropped-connection", test_dropped_connection);
  ADD ("/sync/connection-refused", test_connection_refused);
  ADD ("/sync/wrong-credentials", test_wrong_credentials);
#undef ADD

  g_test_add_func ("/client/base-url-must-be-safe", test_base_url_must_be_safe);
  g_test_add_func ("/client/base-url-from-environment", test_base_url_from_environment);
  g_test_add_func ("/emulator/persists-state", test_emulator_persists_state);

  return g_test_run ();
}
