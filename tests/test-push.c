/* test-push.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Live sync: access tokens, the Twilsock frame codec, the socket client, CDS
 * and subscriptions, and a directory fed by push, against the emulator's
 * Twilsock face. Directory emissions are recorded as in test-directory.c
 * ("3+1*": one added at 3 and n-items notified; "1-1+1": one replaced).
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "flex-access-token.h"
#include "flex-directory.h"
#include "flex-emulator.h"
#include "flex-map-feed.h"
#include "flex-session.h"
#include "flex-sync-stream.h"
#include "flex-test-server.h"
#include "flex-test-util.h"
#include "flex-token-source.h"
#include "flex-twilsock-frame.h"
#include "flex-twilsock.h"

#define KEY_SID    "SK0123456789abcdef0123456789abcdef"
#define KEY_SECRET "push-secret"
#define ACCOUNT    "AC0123456789abcdef0123456789abcdef"
#define WORKER_MAP "Contacts_WK00000000000000000000000000000001"

#define GOLDEN_TOKEN                                                                               \
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImN0eSI6InR3aWxpby1mcGE7dj0xIn0.eyJqdGkiOiJTSzAwMDAwMD"     \
  "AwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwLTE3MDAwMDAwMDAiLCJncmFudHMiOnsiaWRlbnRpdHkiOiJqYW5lQGV4"     \
  "YW1wbGUuY29tIiwiZGF0YV9zeW5jIjp7InNlcnZpY2Vfc2lkIjoiSVMwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMD"     \
  "AwMDAwMCJ9fSwiaWF0IjoxNzAwMDAwMDAwLCJleHAiOjE3MDAwMDM2MDAsImlzcyI6IlNLMDAwMDAwMDAwMDAwMDAw"     \
  "MDAwMDAwMDAwMDAwMDAwMDAiLCJzdWIiOiJBQzAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwIn0.HRqWId"     \
  "OnJ9dLpGNeYeY7jyyst2xxOSstfeP4zwJoSgM"

/* Tokens */

static void
test_token_golden (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *token = flex_access_token_mint_sync (
      "AC00000000000000000000000000000000", "SK00000000000000000000000000000000",
      "test-secret-please-ignore", "jane@example.com", "IS00000000000000000000000000000000",
      1700000000, 3600, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (token, ==, GOLDEN_TOKEN);
}

static void
test_token_auth_token_refused (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FlexTokenSource) source =
      flex_api_key_token_source_new (ACCOUNT, ACCOUNT, "auth-token", "agent", "default", &error);

  /* Account SID + Auth Token: no token can be minted, so no push. */
  g_assert_null (source);
  g_assert_error (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_UNAUTHORIZED);
  g_assert_cmpint (flex_twilio_error_get_twilio_code (error), ==, 20003);
}

/* The frame codec */

static GBytes *
frame (const char *method, const char *id, const char *payload)
{
  g_autoptr (JsonObject) header = json_object_new ();

  json_object_set_string_member (header, "method", method);
  json_object_set_string_member (header, "id", id);
  return flex_twilsock_frame_encode (header, payload, -1);
}

static void
assert_next (FlexTwilsockDecoder *decoder, const char *id, const char *payload)
{
  g_autoptr (JsonObject) header = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (flex_twilsock_decoder_next (decoder, &header, &bytes, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (header, "id"), ==, id);
  g_assert_cmpint (json_object_get_int_member (header, "payload_size"), ==, strlen (payload));
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), payload,
                   strlen (payload));
}

static void
test_frame_codec (void)
{
  g_autoptr (FlexTwilsockDecoder) decoder = flex_twilsock_decoder_new ();
  g_autoptr (GBytes) one = frame ("notification", "TM1", "{\"name\":\"Zoë Ångström\"}");
  g_autoptr (GBytes) empty = frame ("reply", "TM2", NULL);
  g_autoptr (GString) big = g_string_new ("\"");
  g_autoptr (GBytes) large = NULL;
  g_autoptr (JsonObject) header = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  const guint8 *data;
  gsize size;

  /* The length is bytes, not characters: "ë", "Å", "ö" are two each. */
  data = g_bytes_get_data (one, &size);
  g_assert_true (g_str_has_prefix ((const char *) data, "TWILSOCK V3.0 "));
  g_assert_nonnull (strstr ((const char *) data, "\"payload_size\":26"));

  /* Split: byte by byte, a frame comes out only when whole. */
  for (gsize i = 0; i < size; i++)
    {
      g_assert_false (flex_twilsock_decoder_next (decoder, &header, &bytes, &error));
      g_assert_no_error (error);
      flex_twilsock_decoder_push (decoder, data + i, 1);
    }
  assert_next (decoder, "TM1", "{\"name\":\"Zoë Ångström\"}");

  /* Merged: two frames (one empty) in one message. */
  flex_twilsock_decoder_push (decoder, g_bytes_get_data (empty, NULL), g_bytes_get_size (empty));
  flex_twilsock_decoder_push (decoder, data, size);
  assert_next (decoder, "TM2", "");
  assert_next (decoder, "TM1", "{\"name\":\"Zoë Ångström\"}");
  g_assert_cmpuint (flex_twilsock_decoder_get_pending (decoder), ==, 0);

  /* Over 128 KiB. */
  while (big->len < 300 * 1024)
    g_string_append (big, "0123456789abcdef");
  g_string_append_c (big, '"');
  large = frame ("notification", "TM3", big->str);
  flex_twilsock_decoder_push (decoder, g_bytes_get_data (large, NULL), g_bytes_get_size (large));
  assert_next (decoder, "TM3", big->str);
}

static void
assert_garbage (const char *text, gboolean complete_error)
{
  g_autoptr (FlexTwilsockDecoder) decoder = flex_twilsock_decoder_new ();
  g_autoptr (JsonObject) header = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;

  flex_twilsock_decoder_push (decoder, (const guint8 *) text, strlen (text));
  g_assert_false (flex_twilsock_decoder_next (decoder, &header, &bytes, &error));
  if (complete_error)
    {
      g_assert_error (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_MALFORMED);
      /* After an error the decoder starts from nothing. */
      g_assert_cmpuint (flex_twilsock_decoder_get_pending (decoder), ==, 0);
    }
  else
    g_assert_no_error (error);
}

static void
test_frame_garbage (void)
{
  assert_garbage ("HTTP/1.1 200 OK\r\n\r\n", TRUE);
  assert_garbage ("TWILSOCK V2.0 16\r\n{\"method\":\"x\"}\r\n", TRUE);
  assert_garbage ("TWILSOCK V3.0 abc\r\n{}\r\n", TRUE);
  assert_garbage ("TWILSOCK V3.0 5\r\n{\"method\":\"x\"}\r\n", TRUE); /* header length lies */
  assert_garbage ("TWILSOCK V3.0 6\r\nnot js\r\n", TRUE);
  assert_garbage ("TWILSOCK V3.0 2\r\n[]\r\n", TRUE);
  assert_garbage ("TWILSOCK V3.0 11\r\n{\"id\":\"TM\"}\r\n", TRUE); /* no method */
  assert_garbage ("TWILSOCK V3.0 40\r\n{\"method\":\"x\",\"payload_size\":-4,\"id\":\"\"}\r\n",
                  TRUE);
  /* A payload_size that is too big only waits for more... */
  assert_garbage ("TWILSOCK V3.0 33\r\n{\"method\":\"x\",\"payload_size\":100}\r\n{}", FALSE);

  /* ...and one that is too small leaves bytes that are not a frame. */
  {
    g_autoptr (FlexTwilsockDecoder) decoder = flex_twilsock_decoder_new ();
    const char *text = "TWILSOCK V3.0 31\r\n{\"method\":\"x\",\"payload_size\":1}\r\n{}";
    g_autoptr (JsonObject) header = NULL;
    g_autoptr (GBytes) bytes = NULL;
    g_autoptr (GError) error = NULL;

    flex_twilsock_decoder_push (decoder, (const guint8 *) text, strlen (text));
    g_assert_true (flex_twilsock_decoder_next (decoder, &header, &bytes, &error));
    g_assert_cmpuint (g_bytes_get_size (bytes), ==, 1);
    g_clear_pointer (&header, json_object_unref);
    g_clear_pointer (&bytes, g_bytes_unref);
    g_assert_false (flex_twilsock_decoder_next (decoder, &header, &bytes, &error));
    g_assert_error (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_MALFORMED);
  }
}

/* A directory fed by push */

typedef struct
{
  FlexEmulator *emulator;
  FlexTwilioClient *client;
  FlexTokenSource *tokens;
  FlexTwilsock *socket;
  FlexSyncStream *stream;
  FlexDirectory *directory;
  FlexMapFeed *feed;
  GString *changes;
} Fixture;

static void
assert_changes (Fixture *fixture, const char *expected)
{
  g_assert_cmpstr (fixture->changes->str, ==, expected);
  g_string_truncate (fixture->changes, 0);
}

static char *
contact_json (const char *key, const char *name, const char *phone)
{
  return g_strdup_printf ("{\"key\":\"%s\",\"name\":\"%s\",\"phoneNumber\":\"%s\",\"notes\":\"\"}",
                          key, name, phone);
}

static void
put (Fixture *fixture, const char *key, const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *json = contact_json (key, name, "+13125550100");

  flex_emulator_put_item (fixture->emulator, WORKER_MAP, key, json, 0, &error);
  g_assert_no_error (error);
}

static const char *
name_at (FlexDirectory *directory, guint position)
{
  g_autoptr (FlexContact) contact = g_list_model_get_item (G_LIST_MODEL (directory), position);

  return contact != NULL ? flex_contact_get_name (contact) : NULL;
}

static gboolean
is_live (gpointer data)
{
  Fixture *fixture = data;

  return flex_directory_get_live (fixture->directory);
}

static void
fixture_setup (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FlexSyncMap) map = NULL;
  g_autofree char *url = NULL;

  fixture->emulator = flex_emulator_new ();
  flex_emulator_listen (fixture->emulator, 0, &error);
  g_assert_no_error (error);
  flex_emulator_set_auth (fixture->emulator, KEY_SID, KEY_SECRET);
  put (fixture, "k-amy", "Amy");
  put (fixture, "k-bo", "Bo");

  fixture->client = flex_twilio_client_new (KEY_SID, KEY_SECRET);
  flex_twilio_client_set_base_url (fixture->client, FLEX_TWILIO_API_SYNC,
                                   flex_emulator_get_base_url (fixture->emulator), &error);
  g_assert_no_error (error);
  flex_twilio_client_set_retry_policy (fixture->client, 1, 5, 1000);

  fixture->tokens = flex_api_key_token_source_new (ACCOUNT, KEY_SID, KEY_SECRET,
                                                   "agent@example.com", "default", &error);
  g_assert_no_error (error);
  url = g_strdup_printf ("ws://127.0.0.1:%u/v3/wsconnect",
                         flex_emulator_get_port (fixture->emulator));
  fixture->socket = flex_twilsock_new (url, fixture->tokens);
  g_assert_nonnull (fixture->socket);
  flex_twilsock_set_timing (fixture->socket, 1500, 50, 400, 800);
  fixture->stream = flex_sync_stream_new (fixture->socket, NULL);
  flex_sync_stream_set_retry_delay (fixture->stream, 50, 400);

  map = flex_sync_map_new (fixture->client, "default", WORKER_MAP);
  fixture->directory = flex_directory_new (map, FLEX_DIRECTORY_KIND_PERSONAL);
  flex_directory_set_editable (fixture->directory, TRUE);
  fixture->feed = flex_map_feed_new (fixture->directory, fixture->stream);
  flex_map_feed_set_fallback_delay (fixture->feed, 300);
  flex_map_feed_set_poll_interval (fixture->feed, 1);

  fixture->changes = g_string_new (NULL);
  flex_test_record_changes (fixture->directory, fixture->changes);

  flex_directory_refresh (fixture->directory);
  flex_twilsock_start (fixture->socket);
  FLEX_TEST_WAIT_FOR (is_live (fixture), 5000);
  assert_changes (fixture, "0+2*");
}

static void
fixture_teardown (Fixture *fixture, gconstpointer data)
{
  g_assert_cmpstr (fixture->changes->str, ==, "");
  flex_twilsock_stop (fixture->socket);
  g_signal_handlers_disconnect_by_data (fixture->directory, fixture->changes);
  g_assert_finalize_object (fixture->feed);
  g_assert_finalize_object (fixture->stream);
  g_assert_finalize_object (fixture->socket);
  /* A check may still be under way (a listing after events held back
   * during a burst): it holds the directory until it ends. */
  FLEX_TEST_WAIT_FOR (G_OBJECT (fixture->directory)->ref_count == 1, 10000);
  g_assert_finalize_object (fixture->directory);
  g_assert_finalize_object (fixture->tokens);
  g_assert_finalize_object (fixture->client);
  g_assert_finalize_object (fixture->emulator);
  g_string_free (fixture->changes, TRUE);
}

static gboolean
has_changes (gpointer data)
{
  return ((Fixture *) data)->changes->len > 0;
}

/* A remote add, change, rename (move) and removal: each one signal, no
 * polling (the directory polls only as a safety check while live). */
static void
test_push_remote_edits (Fixture *fixture, gconstpointer data)
{
  guint requests = flex_emulator_count_requests (fixture->emulator, "GET", "/v1/");

  g_assert_cmpuint (flex_directory_get_poll_interval (fixture->directory), >=, 300);

  put (fixture, "k-cy", "Cy");
  FLEX_TEST_WAIT_FOR (has_changes (fixture), 3000);
  assert_changes (fixture, "2+1*");
  put (fixture, "k-bo", "Bob");
  FLEX_TEST_WAIT_FOR (has_changes (fixture), 3000);
  assert_changes (fixture, "1-1+1");
  put (fixture, "k-amy", "Zed");
  FLEX_TEST_WAIT_FOR (has_changes (fixture), 3000);
  assert_changes (fixture, "0-1*2+1*");
  g_assert_cmpstr (name_at (fixture->directory, 2), ==, "Zed");
  flex_emulator_remove_item (fixture->emulator, WORKER_MAP, "k-cy");
  FLEX_TEST_WAIT_FOR (has_changes (fixture), 3000);
  assert_changes (fixture, "1-1*");

  /* Each event carries the map's revision after it: the directory is as new
   * as the server. */
  {
    g_autofree char *revision = flex_emulator_get_map_revision (fixture->emulator, WORKER_MAP);

    g_assert_cmpstr (flex_directory_get_revision (fixture->directory), ==, revision);
  }

  /* Nothing was read over REST to learn any of it. */
  g_assert_cmpuint (flex_emulator_count_requests (fixture->emulator, "GET", "/v1/"), ==, requests);
}

static void
on_written (GObject *object, GAsyncResult *result, gpointer user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* Our own write: its answer and its event are one change on screen, and no
 * listing follows it. */
static void
test_push_own_write (Fixture *fixture, gconstpointer data)
{
  g_autoptr (FlexContact) contact = flex_contact_new (NULL, "Cy", "+13125550199", NULL);
  g_autoptr (FlexContact) saved = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  guint listings = flex_emulator_count_requests (fixture->emulator, "GET",
                                                 "/v1/Services/default/Maps/" WORKER_MAP "/Items");

  flex_directory_add_contact_async (fixture->directory, contact, NULL, on_written, &result);
  FLEX_TEST_WAIT_FOR (result != NULL, 3000);
  saved = flex_directory_write_finish (fixture->directory, result, NULL, &error);
  g_assert_no_error (error);
  flex_test_spin (300); /* the event arrives too */
  assert_changes (fixture, "2+1*");
  g_assert_cmpuint (flex_emulator_count_requests (fixture->emulator, "GET",
                                                  "/v1/Services/default/Maps/" WORKER_MAP "/Items"),
                    ==, listings);
}

/* The socket dropped in the middle of 200 writes: after the reconnect the
 * service replays what was missed; the model ends identical to the server,
 * each key added once. */
static void
test_push_replay_after_drop (Fixture *fixture, gconstpointer data)
{
  const FlexEmulatorTwilsockStats *stats = flex_emulator_twilsock_get_stats (fixture->emulator);
  guint connects = flex_twilsock_get_n_connects (fixture->socket);
  guint adds = 0;

  for (guint i = 0; i < 200; i++)
    {
      g_autofree char *key = g_strdup_printf ("k-%03u", i);
      g_autofree char *name = g_strdup_printf ("Burst %03u", i);

      put (fixture, key, name);
      if (i == 80)
        flex_emulator_twilsock_drop (fixture->emulator);
      if (i % 20 == 0)
        flex_test_spin (5);
    }
  FLEX_TEST_WAIT_FOR (g_list_model_get_n_items (G_LIST_MODEL (fixture->directory)) == 202, 10000);
  g_assert_cmpuint (flex_twilsock_get_n_connects (fixture->socket), >, connects);
  g_assert_cmpuint (stats->replayed, >, 0);

  /* Every key once: 200 single insertions, nothing else. */
  for (const char *p = fixture->changes->str; (p = strstr (p, "+1*")) != NULL; p += 3)
    adds++;
  g_assert_cmpuint (adds, ==, 200);
  g_assert_null (strchr (fixture->changes->str, '-'));
  g_string_truncate (fixture->changes, 0);
  for (guint i = 0; i < 200; i++)
    {
      g_autofree char *name = g_strdup_printf ("Burst %03u", i);

      g_assert_cmpstr (name_at (fixture->directory, 2 + i), ==, name);
    }
}

static gboolean
is_polling (gpointer data)
{
  Fixture *fixture = data;

  return !flex_directory_get_live (fixture->directory) &&
         flex_directory_get_poll_interval (fixture->directory) == 1;
}

/* Close codes: 308 reconnects; 410 reconnects with a fresh token; 406 is
 * fatal: the directory polls, with the reason, until the socket is back. */
static void
test_push_close_codes (Fixture *fixture, gconstpointer data)
{
  FlexApiKeyTokenSource *tokens = FLEX_API_KEY_TOKEN_SOURCE (fixture->tokens);
  guint connects = flex_twilsock_get_n_connects (fixture->socket);
  guint minted = flex_api_key_token_source_get_n_minted (tokens);

  const FlexEmulatorTwilsockStats *stats = flex_emulator_twilsock_get_stats (fixture->emulator);

  flex_emulator_twilsock_send_close (fixture->emulator, 308, 10);
  FLEX_TEST_WAIT_FOR (flex_twilsock_get_n_connects (fixture->socket) == connects + 1, 3000);
  g_assert_cmpuint (flex_api_key_token_source_get_n_minted (tokens), ==, minted);
  /* The new init resumed with the continuation token of the last one. */
  g_assert_cmpuint (stats->resumed, ==, 1);
  /* Every notification the client got was acknowledged. */
  FLEX_TEST_WAIT_FOR (flex_directory_get_live (fixture->directory), 3000);
  flex_test_spin (100);
  g_assert_cmpuint (stats->notifications, >, 0);
  g_assert_cmpuint (stats->acks, >=, stats->notifications);
  g_assert_cmpuint (flex_emulator_twilsock_get_unacknowledged (fixture->emulator), ==, 0);

  /* Any other code (here 500): reconnect after a backoff. */
  flex_emulator_twilsock_send_close (fixture->emulator, 500, -1);
  FLEX_TEST_WAIT_FOR (flex_twilsock_get_n_connects (fixture->socket) == connects + 2, 3000);
  /* 401: a fresh token, after a backoff. */
  flex_emulator_twilsock_send_close (fixture->emulator, 401, -1);
  FLEX_TEST_WAIT_FOR (flex_twilsock_get_n_connects (fixture->socket) == connects + 3, 3000);
  g_assert_cmpuint (flex_api_key_token_source_get_n_minted (tokens), ==, minted + 1);
  connects += 2;
  minted += 1;

  flex_emulator_twilsock_send_close (fixture->emulator, 410, -1);
  FLEX_TEST_WAIT_FOR (flex_twilsock_get_n_connects (fixture->socket) == connects + 2, 3000);
  g_assert_cmpuint (flex_api_key_token_source_get_n_minted (tokens), ==, minted + 1);
  FLEX_TEST_WAIT_FOR (flex_directory_get_live (fixture->directory), 3000);

  flex_emulator_twilsock_send_close (fixture->emulator, 417, -1);
  FLEX_TEST_WAIT_FOR (flex_twilsock_get_state (fixture->socket) == FLEX_TWILSOCK_STATE_FAILED,
                      3000);
  FLEX_TEST_WAIT_FOR (flex_twilsock_get_state (fixture->socket) == FLEX_TWILSOCK_STATE_CONNECTED,
                      3000);
  FLEX_TEST_WAIT_FOR (flex_directory_get_live (fixture->directory), 3000);

  flex_emulator_twilsock_send_close (fixture->emulator, 406, -1);
  FLEX_TEST_WAIT_FOR (flex_twilsock_get_state (fixture->socket) == FLEX_TWILSOCK_STATE_FAILED,
                      3000);
  FLEX_TEST_WAIT_FOR (is_polling (fixture), 3000);
  g_assert_nonnull (strstr (flex_directory_get_live_reason (fixture->directory), "406"));

  /* Polling works meanwhile. */
  put (fixture, "k-cy", "Cy");
  FLEX_TEST_WAIT_FOR (has_changes (fixture), 5000);
  assert_changes (fixture, "2+1*");

  /* After the pause, back to push. */
  FLEX_TEST_WAIT_FOR (flex_directory_get_live (fixture->directory), 5000);
  g_assert_cmpuint (flex_directory_get_poll_interval (fixture->directory), >=, 300);
  g_string_truncate (fixture->changes, 0);
}

/* Token updates: when the server says the token is about to expire. */
static void
test_push_token_update (Fixture *fixture, gconstpointer data)
{
  const FlexEmulatorTwilsockStats *stats = flex_emulator_twilsock_get_stats (fixture->emulator);
  guint minted =
      flex_api_key_token_source_get_n_minted (FLEX_API_KEY_TOKEN_SOURCE (fixture->tokens));

  flex_emulator_twilsock_announce_token_expiry (fixture->emulator);
  FLEX_TEST_WAIT_FOR (stats->updates == 1, 3000);
  g_assert_cmpuint (
      flex_api_key_token_source_get_n_minted (FLEX_API_KEY_TOKEN_SOURCE (fixture->tokens)), ==,
      minted + 1);
  g_assert_cmpint (flex_twilsock_get_state (fixture->socket), ==, FLEX_TWILSOCK_STATE_CONNECTED);

  /* A clock past every token: the socket is closed (410) and a new token is
   * refused as expired (20104): the socket fails and the directory polls. */
  flex_emulator_advance_clock (fixture->emulator, 2 * 3600);
  FLEX_TEST_WAIT_FOR (flex_twilsock_get_state (fixture->socket) == FLEX_TWILSOCK_STATE_FAILED,
                      5000);
  FLEX_TEST_WAIT_FOR (is_polling (fixture), 3000);
  g_assert_cmpstr (flex_twilsock_get_last_error (fixture->socket), ==,
                   "The live-update service refused the access token");
}

/* A frame made by hand: @header gets the payload's size. */
static char *
raw_frame (const char *header, const char *payload)
{
  g_autoptr (JsonNode) node = json_from_string (header, NULL);
  g_autofree char *text = NULL;

  json_object_set_int_member (json_node_get_object (node), "payload_size",
                              payload != NULL ? strlen (payload) : 0);
  text = json_to_string (node, FALSE);
  return g_strdup_printf ("TWILSOCK V3.0 %zu\r\n%s\r\n%s", strlen (text), text,
                          payload != NULL ? payload : "");
}

/* Tokens are renewed before they expire, without the server asking. */
static void
test_push_token_timer (Fixture *fixture, gconstpointer data)
{
  const FlexEmulatorTwilsockStats *stats = flex_emulator_twilsock_get_stats (fixture->emulator);
  FlexApiKeyTokenSource *tokens = FLEX_API_KEY_TOKEN_SOURCE (fixture->tokens);
  guint connects = flex_twilsock_get_n_connects (fixture->socket);
  guint minted;

  /* Two-second tokens from now on; 410 makes the client take a new one. */
  flex_api_key_token_source_set_ttl (tokens, 2);
  flex_emulator_twilsock_send_close (fixture->emulator, 410, -1);
  FLEX_TEST_WAIT_FOR (flex_twilsock_get_n_connects (fixture->socket) == connects + 1, 3000);
  minted = flex_api_key_token_source_get_n_minted (tokens);
  g_assert_cmpuint (stats->updates, ==, 0);

  FLEX_TEST_WAIT_FOR (stats->updates >= 1, 5000);
  g_assert_cmpuint (flex_api_key_token_source_get_n_minted (tokens), >, minted);
  g_assert_cmpuint (flex_twilsock_get_n_connects (fixture->socket), ==, connects + 1);
  flex_api_key_token_source_set_ttl (tokens, 3600);
}

/* Garbage from the server: the socket is dropped and made again, nothing in
 * the directory changes. Unknown methods and events are ignored. */
static void
test_push_malformed (Fixture *fixture, gconstpointer data)
{
  guint connects = flex_twilsock_get_n_connects (fixture->socket);
  g_autofree char *unknown_method = raw_frame ("{\"method\":\"gossip\",\"id\":\"TMx\"}", NULL);
  g_autofree char *unknown_event =
      raw_frame ("{\"method\":\"notification\",\"id\":\"TMy\",\"message_type\":"
                 "\"com.twilio.rtd.cds.map\"}",
                 "{\"event_type\":\"map_exploded\",\"event\":{\"a\":1}}");
  g_autofree char *foreign_map =
      raw_frame ("{\"method\":\"notification\",\"id\":\"TMz\",\"message_type\":"
                 "\"com.twilio.rtd.cds.map\"}",
                 "{\"event_type\":\"map_item_added\",\"event\":{\"id\":999,\"map_sid\":"
                 "\"MPnot-ours\",\"item_key\":\"x\",\"item_revision\":\"0\",\"item_data\":"
                 "{\"name\":\"X\",\"phoneNumber\":\"+1\"}}}");

  flex_emulator_twilsock_send_raw (fixture->emulator, unknown_method, strlen (unknown_method));
  flex_emulator_twilsock_send_raw (fixture->emulator, unknown_event, strlen (unknown_event));
  flex_emulator_twilsock_send_raw (fixture->emulator, foreign_map, strlen (foreign_map));
  flex_test_spin (200);
  g_assert_cmpuint (flex_twilsock_get_n_connects (fixture->socket), ==, connects);
  g_assert_cmpint (flex_twilsock_get_state (fixture->socket), ==, FLEX_TWILSOCK_STATE_CONNECTED);

  flex_emulator_twilsock_send_raw (fixture->emulator, "TWILSOCK V9.9 2\r\n{}\r\n", 21);
  FLEX_TEST_WAIT_FOR (flex_twilsock_get_n_connects (fixture->socket) == connects + 1, 3000);
  flex_emulator_twilsock_send_raw (fixture->emulator, "\x00\x01garbage", 9);
  FLEX_TEST_WAIT_FOR (flex_twilsock_get_n_connects (fixture->socket) == connects + 2, 3000);

  FLEX_TEST_WAIT_FOR (flex_directory_get_live (fixture->directory), 3000);
  put (fixture, "k-cy", "Cy");
  FLEX_TEST_WAIT_FOR (has_changes (fixture), 3000);
  assert_changes (fixture, "2+1*");
}

/* Duplicate and out-of-order event ids are dropped. */
static void
test_push_duplicate_events (Fixture *fixture, gconstpointer data)
{
  const char *sid = flex_map_feed_get_map_sid (fixture->feed);
  g_autofree char *payload = NULL;
  g_autofree char *header = NULL;
  g_autofree char *message = NULL;
  gint64 next = flex_sync_stream_get_last_event_id (fixture->stream, sid) + 1;

  for (guint round = 0; round < 3; round++)
    {
      /* Event `next` twice, then an older one for the same key. */
      gint64 id = round < 2 ? next : next - 5;

      g_free (payload);
      g_free (header);
      g_free (message);
      payload = g_strdup_printf (
          "{\"event_type\":\"map_item_updated\",\"event\":{\"id\":%" G_GINT64_FORMAT
          ",\"map_sid\":\"%s\",\"item_key\":\"k-bo\",\"item_revision\":\"r%u\","
          "\"item_data\":{\"key\":\"k-bo\",\"name\":\"Bo %u\",\"phoneNumber\":\"+13125550100\"}}}",
          id, sid, round, round);
      header = g_strdup_printf ("{\"method\":\"notification\",\"id\":\"TM%u\",\"message_type\":"
                                "\"com.twilio.rtd.cds.map\",\"payload_size\":%zu}",
                                round, strlen (payload));
      message = g_strdup_printf ("TWILSOCK V3.0 %zu\r\n%s\r\n%s", strlen (header), header, payload);
      flex_emulator_twilsock_send_raw (fixture->emulator, message, strlen (message));
      flex_test_spin (100);
    }
  assert_changes (fixture, "1-1+1");
  g_assert_cmpstr (name_at (fixture->directory, 1), ==, "Bo 0");
}

/* A server that accepts the socket and says nothing, and one that refuses
 * it: the directory polls, with the reason. */
static void
test_push_silent_server (Fixture *fixture, gconstpointer data)
{
  flex_emulator_twilsock_set_silent (fixture->emulator, TRUE);
  flex_twilsock_reconnect (fixture->socket);
  FLEX_TEST_WAIT_FOR (is_polling (fixture), 5000);
  FLEX_TEST_WAIT_FOR (flex_twilsock_get_state (fixture->socket) == FLEX_TWILSOCK_STATE_WAITING,
                      5000);
  g_assert_nonnull (strstr (flex_directory_get_live_reason (fixture->directory),
                            "The live-update service accepted the connection but did not answer"));

  flex_emulator_twilsock_set_silent (fixture->emulator, FALSE);
  flex_emulator_twilsock_set_refuse (fixture->emulator, TRUE);
  put (fixture, "k-cy", "Cy");
  FLEX_TEST_WAIT_FOR (has_changes (fixture), 5000);
  assert_changes (fixture, "2+1*");
  g_assert_false (flex_directory_get_live (fixture->directory));

  flex_emulator_twilsock_set_refuse (fixture->emulator, FALSE);
  FLEX_TEST_WAIT_FOR (flex_directory_get_live (fixture->directory), 5000);
}

/* No subscription_established within estimated_delivery_in_ms: establish
 * again; a ttl_in_s: establish again after it. */
static void
test_push_subscription_timing (Fixture *fixture, gconstpointer data)
{
  const FlexEmulatorTwilsockStats *stats = flex_emulator_twilsock_get_stats (fixture->emulator);
  guint establishes;

  flex_emulator_twilsock_set_subscription_timing (fixture->emulator, 1, 150);
  flex_emulator_twilsock_set_event_delay (fixture->emulator, 400);
  establishes = stats->establishes;
  flex_twilsock_reconnect (fixture->socket);
  FLEX_TEST_WAIT_FOR (stats->establishes >= establishes + 2, 3000);
  flex_emulator_twilsock_set_event_delay (fixture->emulator, 0);
  FLEX_TEST_WAIT_FOR (flex_directory_get_live (fixture->directory), 3000);

  establishes = stats->establishes;
  flex_test_spin (1500);
  g_assert_cmpuint (stats->establishes, >, establishes);
  g_assert_true (flex_directory_get_live (fixture->directory));
  flex_emulator_twilsock_set_subscription_timing (fixture->emulator, 3600, 5000);
}

/* The map removed (history cleared elsewhere): emptied in one signal, then
 * opened again (created, as the Flex SDK does) and live. */
static void
on_map_deleted (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (flex_sync_map_delete_finish (FLEX_SYNC_MAP (object), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static void
test_push_map_removed (Fixture *fixture, gconstpointer data)
{
  g_autoptr (FlexSyncMap) map = flex_sync_map_new (fixture->client, "default", WORKER_MAP);
  g_autofree char *old_sid = g_strdup (flex_map_feed_get_map_sid (fixture->feed));
  gboolean deleted = FALSE;

  flex_sync_map_delete_async (map, NULL, on_map_deleted, &deleted);
  FLEX_TEST_WAIT_FOR (deleted, 3000);
  FLEX_TEST_WAIT_FOR (g_list_model_get_n_items (G_LIST_MODEL (fixture->directory)) == 0, 3000);
  assert_changes (fixture, "0-2*");

  FLEX_TEST_WAIT_FOR (flex_map_feed_get_map_sid (fixture->feed) != NULL &&
                          g_strcmp0 (flex_map_feed_get_map_sid (fixture->feed), old_sid) != 0 &&
                          flex_directory_get_live (fixture->directory),
                      5000);
  put (fixture, "k-cy", "Cy");
  FLEX_TEST_WAIT_FOR (has_changes (fixture), 3000);
  assert_changes (fixture, "0+1*");
}

/* CDS writes over the socket: the same conflict semantics as REST. */
static void
on_opened (GObject *object, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
test_push_cds_conflicts (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (FlexSyncMapInfo) info = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node =
      json_from_string ("{\"key\":\"k-bo\",\"name\":\"Bo\",\"phoneNumber\":\"+1312\"}", NULL);
  g_autofree char *revision = NULL;
  gboolean added = TRUE;

  flex_sync_stream_open_map_async (fixture->stream, WORKER_MAP, FALSE, NULL, on_opened, &result);
  FLEX_TEST_WAIT_FOR (result != NULL, 3000);
  info = flex_sync_stream_open_map_finish (fixture->stream, result, &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  /* A stale revision: 412. */
  flex_sync_stream_put_item_async (fixture->stream, info, "k-bo", node, 0, "41", NULL, on_opened,
                                   &result);
  FLEX_TEST_WAIT_FOR (result != NULL, 3000);
  g_assert_null (flex_sync_stream_put_item_finish (fixture->stream, result, NULL, &error));
  g_assert_error (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_PRECONDITION_FAILED);
  g_assert_cmpint (flex_twilio_error_get_twilio_code (error), ==, 54205);
  g_clear_error (&error);
  g_clear_object (&result);

  /* "-1": only if absent. */
  flex_sync_stream_put_item_async (fixture->stream, info, "k-bo", node, 0, "-1", NULL, on_opened,
                                   &result);
  FLEX_TEST_WAIT_FOR (result != NULL, 3000);
  g_assert_null (flex_sync_stream_put_item_finish (fixture->stream, result, NULL, &error));
  g_assert_error (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_PRECONDITION_FAILED);
  g_clear_error (&error);
  g_clear_object (&result);

  /* The right revision: updated, and pushed back to us as one change. */
  flex_sync_stream_put_item_async (fixture->stream, info, "k-bo", node, 0, "0", NULL, on_opened,
                                   &result);
  FLEX_TEST_WAIT_FOR (result != NULL, 3000);
  revision = flex_sync_stream_put_item_finish (fixture->stream, result, &added, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (revision, ==, "1");
  g_assert_false (added);
  g_clear_object (&result);
  FLEX_TEST_WAIT_FOR (has_changes (fixture), 3000);
  assert_changes (fixture, "1-1+1");

  /* A stale delete: 412, and nothing removed. */
  flex_sync_stream_delete_item_async (fixture->stream, info, "k-bo", "0", NULL, on_opened, &result);
  FLEX_TEST_WAIT_FOR (result != NULL, 3000);
  g_assert_false (flex_sync_stream_delete_item_finish (fixture->stream, result, &error));
  g_assert_error (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_PRECONDITION_FAILED);
}

/* The CDS listing pages (100 at a time) and keeps the key order. */
static void
test_push_cds_listing (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (FlexSyncMapInfo) info = NULL;
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GError) error = NULL;
  guint upstream = flex_emulator_twilsock_get_stats (fixture->emulator)->upstream;

  for (guint i = 0; i < 248; i++)
    {
      g_autofree char *key = g_strdup_printf ("p-%03u", i);

      put (fixture, key, key);
    }
  FLEX_TEST_WAIT_FOR (has_changes (fixture), 3000);
  FLEX_TEST_WAIT_FOR (g_list_model_get_n_items (G_LIST_MODEL (fixture->directory)) == 250, 5000);
  g_string_truncate (fixture->changes, 0);

  flex_sync_stream_open_map_async (fixture->stream, WORKER_MAP, FALSE, NULL, on_opened, &result);
  FLEX_TEST_WAIT_FOR (result != NULL, 3000);
  info = flex_sync_stream_open_map_finish (fixture->stream, result, &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  flex_sync_stream_list_items_async (fixture->stream, info, NULL, on_opened, &result);
  FLEX_TEST_WAIT_FOR (result != NULL, 3000);
  items = flex_sync_stream_list_items_finish (fixture->stream, result, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 250);
  for (guint i = 1; i < items->len; i++)
    g_assert_cmpstr (((FlexSyncItem *) g_ptr_array_index (items, i - 1))->key, <,
                     ((FlexSyncItem *) g_ptr_array_index (items, i))->key);
  /* One descriptor and three pages. */
  g_assert_cmpuint (flex_emulator_twilsock_get_stats (fixture->emulator)->upstream, ==,
                    upstream + 4);
}

/* A server whose pages point back at themselves: the listing stops with an
 * error after the second page, never asks for ever. */
static void
test_push_cds_listing_circular (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (FlexSyncMapInfo) info = NULL;
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GError) error = NULL;
  guint upstream;

  flex_sync_stream_open_map_async (fixture->stream, WORKER_MAP, FALSE, NULL, on_opened, &result);
  FLEX_TEST_WAIT_FOR (result != NULL, 3000);
  info = flex_sync_stream_open_map_finish (fixture->stream, result, &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  upstream = flex_emulator_twilsock_get_stats (fixture->emulator)->upstream;
  flex_emulator_twilsock_corrupt_next (fixture->emulator, 50,
                                       "{\"items\":[],\"meta\":{\"next_token\":\"again\"}}");
  flex_sync_stream_list_items_async (fixture->stream, info, NULL, on_opened, &result);
  FLEX_TEST_WAIT_FOR (result != NULL, 3000);
  items = flex_sync_stream_list_items_finish (fixture->stream, result, NULL, &error);
  g_assert_null (items);
  g_assert_error (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_MALFORMED);
  g_assert_cmpuint (flex_emulator_twilsock_get_stats (fixture->emulator)->upstream, ==,
                    upstream + 2);
  flex_emulator_twilsock_corrupt_next (fixture->emulator, 0, NULL);
}

/* A server that takes the TCP connection and never answers the WebSocket
 * handshake: the client gives up in time and tries again later. */
static gboolean
on_incoming (GSocketService *service,
             GSocketConnection *connection,
             GObject *source,
             GPtrArray *held)
{
  g_ptr_array_add (held, g_object_ref (connection));
  return TRUE;
}

/* A server-chosen reconnect delay has a floor: `reconnect_min_ms` 0 made
 * 22,311 connections in 30 s (issue 18). The floor is the client's own
 * minimum back-off (50 ms in this fixture). */
static void
test_push_server_delay_floor (Fixture *fixture, gconstpointer data)
{
  guint connects = flex_twilsock_get_n_connects (fixture->socket);
  gint64 closed_at;

  flex_twilsock_set_timing (fixture->socket, 1500, 400, 2000, 2000);
  closed_at = g_get_monotonic_time ();
  flex_emulator_twilsock_send_close (fixture->emulator, 308, 0);
  FLEX_TEST_WAIT_FOR (flex_twilsock_get_n_connects (fixture->socket) == connects + 1, 5000);
  g_assert_cmpint (g_get_monotonic_time () - closed_at, >=, 400 * 1000);
  /* Not a flood either: one connection, not hundreds. */
  flex_test_spin (200);
  g_assert_cmpuint (flex_twilsock_get_n_connects (fixture->socket), ==, connects + 1);
  FLEX_TEST_WAIT_FOR (flex_directory_get_live (fixture->directory), 5000);
  assert_changes (fixture, "");
}

/* The upgrade answered with a redirect (to plain ws://, elsewhere) is
 * refused, not followed: the access token goes only where it was sent. */
static void
on_redirect_upgrade (SoupServer *server,
                     SoupServerMessage *message,
                     const char *path,
                     GHashTable *query,
                     gpointer user_data)
{
  soup_server_message_set_redirect (message, 302, user_data);
}

static void
test_push_redirect_refused (void)
{
  g_autoptr (GSocketService) spy = g_socket_service_new ();
  g_autoptr (GPtrArray) held = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (FlexTokenSource) tokens = NULL;
  g_autoptr (FlexTwilsock) socket = NULL;
  g_autofree char *target = NULL;
  g_autofree char *url = NULL;
  guint16 spy_port;

  spy_port = g_socket_listener_add_any_inet_port (G_SOCKET_LISTENER (spy), NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (spy, "incoming", G_CALLBACK (on_incoming), held);
  g_socket_service_start (spy);
  target = g_strdup_printf ("ws://127.0.0.1:%u/v3/wsconnect", spy_port);
  soup_server_add_handler (server, NULL, on_redirect_upgrade, target, NULL);
  url = g_strdup_printf ("ws://127.0.0.1:%u/v3/wsconnect", flex_test_server_listen (server));

  tokens = flex_api_key_token_source_new (ACCOUNT, KEY_SID, KEY_SECRET, "agent", "default", &error);
  socket = flex_twilsock_new (url, tokens);
  flex_twilsock_set_timing (socket, 1000, 5000, 10000, 10000);
  flex_twilsock_start (socket);
  FLEX_TEST_WAIT_FOR (flex_twilsock_get_state (socket) == FLEX_TWILSOCK_STATE_WAITING, 5000);
  flex_test_spin (200);
  g_assert_cmpuint (held->len, ==, 0);
  flex_twilsock_stop (socket);
  g_socket_service_stop (spy);
}

/* The socket found from FLEX_TWILIO_SYNC_URL keeps an IPv6 host in brackets
 * ("ws://::1:8080/…" was no URL at all). */
static void
test_push_url_from_environment (void)
{
  g_autofree char *v6 = NULL;
  g_autofree char *v4 = NULL;

  g_setenv ("FLEX_TWILIO_SYNC_URL", "http://[::1]:8080", TRUE);
  v6 = flex_twilsock_url_from_environment ();
  g_assert_cmpstr (v6, ==, "ws://[::1]:8080/v3/wsconnect");
  g_setenv ("FLEX_TWILIO_SYNC_URL", "http://127.0.0.1:9000", TRUE);
  v4 = flex_twilsock_url_from_environment ();
  g_assert_cmpstr (v4, ==, "ws://127.0.0.1:9000/v3/wsconnect");
  g_unsetenv ("FLEX_TWILIO_SYNC_URL");
}

static void
test_push_handshake_timeout (void)
{
  g_autoptr (GSocketService) service = g_socket_service_new ();
  g_autoptr (GPtrArray) held = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GError) error = NULL;
  g_autoptr (FlexTokenSource) tokens = NULL;
  g_autoptr (FlexTwilsock) socket = NULL;
  g_autofree char *url = NULL;
  guint16 port;

  port = g_socket_listener_add_any_inet_port (G_SOCKET_LISTENER (service), NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (service, "incoming", G_CALLBACK (on_incoming), held);
  g_socket_service_start (service);

  tokens = flex_api_key_token_source_new (ACCOUNT, KEY_SID, KEY_SECRET, "agent", "default", &error);
  url = g_strdup_printf ("ws://127.0.0.1:%u/v3/wsconnect", port);
  socket = flex_twilsock_new (url, tokens);
  flex_twilsock_set_timing (socket, 300, 5000, 10000, 10000);
  flex_twilsock_start (socket);
  FLEX_TEST_WAIT_FOR (flex_twilsock_get_state (socket) == FLEX_TWILSOCK_STATE_WAITING, 3000);
  g_assert_cmpuint (held->len, ==, 1);
  g_assert_cmpstr (flex_twilsock_get_last_error (socket), ==,
                   "The live-update service did not accept the connection in time");
  flex_twilsock_stop (socket);
  g_socket_service_stop (service);
}

/* A token signed with another secret is refused for good (401): the socket
 * fails, with the reason, and is not retried at once. */
static void
test_push_bad_signature (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FlexEmulator) emulator = flex_emulator_new ();
  g_autoptr (FlexTokenSource) tokens = NULL;
  g_autoptr (FlexTwilsock) socket = NULL;
  g_autofree char *url = NULL;

  flex_emulator_set_auth (emulator, KEY_SID, KEY_SECRET);
  g_assert_true (flex_emulator_listen (emulator, 0, &error));
  tokens = flex_api_key_token_source_new (ACCOUNT, KEY_SID, "not-the-secret", "agent", "default",
                                          &error);
  url = g_strdup_printf ("ws://127.0.0.1:%u/v3/wsconnect", flex_emulator_get_port (emulator));
  socket = flex_twilsock_new (url, tokens);
  flex_twilsock_set_timing (socket, 1000, 50, 100, 60000);
  flex_twilsock_start (socket);
  FLEX_TEST_WAIT_FOR (flex_twilsock_get_state (socket) == FLEX_TWILSOCK_STATE_FAILED, 3000);
  g_assert_cmpstr (flex_twilsock_get_last_error (socket), ==,
                   "The live-update service refused the access token");
  g_assert_cmpuint (flex_emulator_twilsock_get_stats (emulator)->inits, ==, 0);
  g_assert_cmpuint (flex_emulator_twilsock_get_stats (emulator)->connections, ==, 1);
  flex_twilsock_stop (socket);
}

/* CDS paging in both orders, forwards and back, and From: what the Sync SDK
 * may ask. "keys|previous|next". */
static char *
cds_page (Fixture *fixture, const char *query)
{
  g_autofree char *url = g_strdup_printf (
      "https://cds.us1.twilio.com/v3/Maps/" WORKER_MAP "/Items?HideExpired=true&%s", query);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) body = NULL;
  g_autoptr (GString) text = g_string_new (NULL);
  JsonObject *meta;
  JsonArray *items;

  flex_twilsock_send_upstream_async (fixture->socket, "GET", url, NULL, NULL, NULL, on_opened,
                                     &result);
  FLEX_TEST_WAIT_FOR (result != NULL, 3000);
  body = flex_twilsock_send_upstream_finish (fixture->socket, result, NULL, &error);
  g_assert_no_error (error);
  items = json_object_get_array_member (json_node_get_object (body), "items");
  meta = json_object_get_object_member (json_node_get_object (body), "meta");
  for (guint i = 0; i < json_array_get_length (items); i++)
    g_string_append_printf (
        text, "%s%s", i > 0 ? "," : "",
        json_object_get_string_member (json_array_get_object_element (items, i), "key"));
  g_string_append_printf (text, "|%s|%s",
                          json_object_get_string_member_with_default (meta, "previous_token", "-"),
                          json_object_get_string_member_with_default (meta, "next_token", "-"));
  return g_strdup (text->str);
}

#define ASSERT_PAGE(query, expected)                                                               \
  G_STMT_START                                                                                     \
  {                                                                                                \
    g_autofree char *page_ = cds_page (fixture, query);                                            \
    g_assert_cmpstr (page_, ==, expected);                                                         \
  }                                                                                                \
  G_STMT_END

static void
test_push_cds_paging (Fixture *fixture, gconstpointer data)
{
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *key = g_strdup_printf ("p-%03u", i);

      put (fixture, key, key);
    }
  FLEX_TEST_WAIT_FOR (g_list_model_get_n_items (G_LIST_MODEL (fixture->directory)) == 7, 3000);
  g_string_truncate (fixture->changes, 0);

  ASSERT_PAGE ("PageSize=3&Order=asc", "k-amy,k-bo,p-000|-|a:p-000");
  ASSERT_PAGE ("PageSize=3&PageToken=a:p-000", "p-001,p-002,p-003|b:p-001|a:p-003");
  ASSERT_PAGE ("PageSize=3&PageToken=a:p-003", "p-004|b:p-004|-");
  ASSERT_PAGE ("PageSize=3&PageToken=b:p-004", "p-001,p-002,p-003|b:p-001|a:p-003");
  ASSERT_PAGE ("PageSize=3&Order=desc", "p-004,p-003,p-002|-|a:p-002");
  ASSERT_PAGE ("PageSize=3&Order=desc&PageToken=a:p-002", "p-001,p-000,k-bo|b:p-001|a:k-bo");
  ASSERT_PAGE ("PageSize=3&Order=desc&PageToken=a:k-bo", "k-amy|b:k-amy|-");
  ASSERT_PAGE ("PageSize=3&Order=desc&PageToken=b:k-amy", "p-001,p-000,k-bo|b:p-001|a:k-bo");
  ASSERT_PAGE ("PageSize=2&From=p-001", "p-001,p-002|b:p-001|a:p-002");
  ASSERT_PAGE ("PageSize=2&From=p-001&Order=desc", "p-001,p-000|b:p-001|a:p-000");
  ASSERT_PAGE ("Key=p-003", "p-003|-|-");
}

/* A session whose account has no API key says why it polls. */
static void
test_push_unavailable_with_auth_token (void)
{
  g_autoptr (FlexTwilioClient) client = flex_twilio_client_new (ACCOUNT, "auth-token");
  g_autoptr (FlexFeatureConfig) config = flex_feature_config_new ();
  g_autoptr (FlexSession) session =
      flex_session_new (client, ACCOUNT, "WK00000000000000000000000000000001", "default", config);

  flex_session_enable_push (session, NULL, "Live updates need a Standard API key", NULL, NULL);
  g_assert_cmpstr (flex_session_get_push_unavailable (session), ==,
                   "Live updates need a Standard API key");
  g_assert_null (flex_session_get_socket (session));
  g_assert_false (flex_directory_get_live (flex_session_get_shared (session)));
  g_assert_cmpstr (flex_directory_get_live_reason (flex_session_get_shared (session)), ==,
                   "Live updates need a Standard API key");
}

/* The emulator restarted from its --data file: the socket comes back by
 * itself, the subscription is established again from the last event id
 * (kept in the file), and what was written after the restart arrives. */
static void
test_push_emulator_restart (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("flex-push-XXXXXX", &error);
  g_autofree char *data_file = g_build_filename (dir, "sync.json", NULL);
  g_autofree char *url = NULL;
  g_autoptr (FlexTwilioClient) client = flex_twilio_client_new (KEY_SID, KEY_SECRET);
  g_autoptr (FlexTokenSource) tokens = NULL;
  g_autoptr (FlexTwilsock) socket = NULL;
  g_autoptr (FlexSyncStream) stream = NULL;
  g_autoptr (FlexSyncMap) map = NULL;
  g_autoptr (FlexDirectory) directory = NULL;
  g_autoptr (FlexMapFeed) feed = NULL;
  FlexEmulator *emulator = flex_emulator_new ();
  guint port;

  g_assert_no_error (error);
  flex_emulator_set_auth (emulator, KEY_SID, KEY_SECRET);
  g_assert_true (flex_emulator_set_data_file (emulator, data_file, &error));
  g_assert_true (flex_emulator_listen (emulator, 0, &error));
  port = flex_emulator_get_port (emulator);
  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *key = g_strdup_printf ("k-%02u", i);
      g_autofree char *json = contact_json (key, key, "+13125550100");

      flex_emulator_put_item (emulator, WORKER_MAP, key, json, 0, &error);
      g_assert_no_error (error);
    }

  flex_twilio_client_set_base_url (client, FLEX_TWILIO_API_SYNC,
                                   flex_emulator_get_base_url (emulator), &error);
  flex_twilio_client_set_retry_policy (client, 1, 5, 1000);
  tokens = flex_api_key_token_source_new (ACCOUNT, KEY_SID, KEY_SECRET, "agent", "default", &error);
  url = g_strdup_printf ("ws://127.0.0.1:%u/v3/wsconnect", port);
  socket = flex_twilsock_new (url, tokens);
  flex_twilsock_set_timing (socket, 1500, 50, 200, 800);
  stream = flex_sync_stream_new (socket, NULL);
  map = flex_sync_map_new (client, "default", WORKER_MAP);
  directory = flex_directory_new (map, FLEX_DIRECTORY_KIND_PERSONAL);
  feed = flex_map_feed_new (directory, stream);
  flex_map_feed_set_fallback_delay (feed, 5000);
  flex_directory_refresh (directory);
  flex_twilsock_start (socket);
  FLEX_TEST_WAIT_FOR (flex_directory_get_live (directory), 5000);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (directory)), ==, 20);

  /* Stop it, and start it again from its file on the same port. */
  g_assert_finalize_object (emulator);
  FLEX_TEST_WAIT_FOR (flex_twilsock_get_state (socket) != FLEX_TWILSOCK_STATE_CONNECTED, 3000);
  emulator = flex_emulator_new ();
  flex_emulator_set_auth (emulator, KEY_SID, KEY_SECRET);
  g_assert_true (flex_emulator_set_data_file (emulator, data_file, &error));
  g_assert_true (flex_emulator_listen (emulator, port, &error));
  for (guint i = 20; i < 40; i++)
    {
      g_autofree char *key = g_strdup_printf ("k-%02u", i);
      g_autofree char *json = contact_json (key, key, "+13125550100");

      flex_emulator_put_item (emulator, WORKER_MAP, key, json, 0, &error);
      g_assert_no_error (error);
    }
  flex_emulator_remove_item (emulator, WORKER_MAP, "k-00");

  FLEX_TEST_WAIT_FOR (g_list_model_get_n_items (G_LIST_MODEL (directory)) == 39, 10000);
  g_assert_null (flex_directory_lookup (directory, "k-00"));
  g_assert_nonnull (flex_directory_lookup (directory, "k-39"));
  g_assert_cmpuint (flex_emulator_twilsock_get_stats (emulator)->replayed, ==, 21);

  flex_twilsock_stop (socket);
  g_clear_object (&feed);
  g_clear_object (&stream);
  g_clear_object (&socket);
  g_assert_finalize_object (emulator);
  g_unlink (data_file);
  g_rmdir (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/push/token/golden", test_token_golden);
  g_test_add_func ("/push/token/auth-token-refused", test_token_auth_token_refused);
  g_test_add_func ("/push/frame/codec", test_frame_codec);
  g_test_add_func ("/push/frame/garbage", test_frame_garbage);
  g_test_add_func ("/push/session/auth-token", test_push_unavailable_with_auth_token);
  g_test_add_func ("/push/emulator-restart", test_push_emulator_restart);
  g_test_add_func ("/push/handshake-timeout", test_push_handshake_timeout);
  g_test_add_func ("/push/redirect-refused", test_push_redirect_refused);
  g_test_add_func ("/push/url-from-environment", test_push_url_from_environment);
  g_test_add_func ("/push/bad-signature", test_push_bad_signature);
#define ADD(path, func)                                                                            \
  g_test_add ("/push/live/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("remote-edits", test_push_remote_edits);
  ADD ("own-write", test_push_own_write);
  ADD ("replay-after-drop", test_push_replay_after_drop);
  ADD ("close-codes", test_push_close_codes);
  ADD ("token-update", test_push_token_update);
  ADD ("token-timer", test_push_token_timer);
  ADD ("malformed", test_push_malformed);
  ADD ("duplicate-events", test_push_duplicate_events);
  ADD ("silent-server", test_push_silent_server);
  ADD ("subscription-timing", test_push_subscription_timing);
  ADD ("map-removed", test_push_map_removed);
  ADD ("cds-conflicts", test_push_cds_conflicts);
  ADD ("cds-listing", test_push_cds_listing);
  ADD ("cds-listing-circular", test_push_cds_listing_circular);
  ADD ("cds-paging", test_push_cds_paging);
  ADD ("server-delay-floor", test_push_server_delay_floor);
#undef ADD

  return g_test_run ();
}
