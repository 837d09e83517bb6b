/* test-incoming.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "flex-emulator.h"
#include "flex-incoming.h"
#include "flex-sandbox.h"
#include "flex-test-util.h"

/*
 * Incoming work: the sandbox's emulator rings the demo agent (an inbound
 * task routed by the workflow: a reservation, EventBridge events), and
 * FlexIncoming — over the app's own EventBridge client — rings once, named
 * from the directory, and stops ringing however the reservation ends.
 */

/* The sandbox's API key (flex-sandbox.c). */
#define SANDBOX_KEY_SID    "SK00000000000000000000000000005a4d"
#define SANDBOX_KEY_SECRET "sandbox"

static void
store_result (GObject *object, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
on_contact_added (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FlexContact) saved =
      flex_directory_write_finish (FLEX_DIRECTORY (object), result, NULL, &error);

  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

typedef struct
{
  FlexSandbox *sandbox;
  FlexEmulator *emulator;
  FlexSession *session;
  FlexIncoming *incoming;
  GPtrArray *rang;      /* FlexIncomingCall */
  GPtrArray *withdrawn; /* reservation SIDs */
  GPtrArray *missed;    /* FlexIncomingCall */
} Fixture;

static void
on_ring (FlexIncoming *incoming, FlexIncomingCall *call, Fixture *fixture)
{
  g_ptr_array_add (fixture->rang, flex_incoming_call_copy (call));
}

static void
on_withdraw (FlexIncoming *incoming, const char *sid, Fixture *fixture)
{
  g_ptr_array_add (fixture->withdrawn, g_strdup (sid));
}

static void
on_missed (FlexIncoming *incoming, FlexIncomingCall *call, Fixture *fixture)
{
  g_ptr_array_add (fixture->missed, flex_incoming_call_copy (call));
}

static void
on_loaded (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_assert_true (flex_session_load_finish (FLEX_SESSION (object), result, NULL));
  *(gboolean *) user_data = TRUE;
}

static char *
bridge_url (Fixture *fixture)
{
  return g_strdup_printf ("ws://127.0.0.1:%u/v1/wschannels",
                          flex_emulator_get_port (fixture->emulator));
}

static FlexTokenSource *
taskrouter_tokens (Fixture *fixture)
{
  g_autoptr (GError) error = NULL;
  FlexTokenSource *tokens = flex_api_key_token_source_new (
      flex_emulator_get_account_sid (fixture->emulator), SANDBOX_KEY_SID, SANDBOX_KEY_SECRET,
      "sandbox-agent", "default", &error);

  g_assert_no_error (error);
  return tokens;
}

static void
fixture_setup (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FlexFeatureConfig) config = flex_feature_config_new ();
  gboolean loaded = FALSE;

  fixture->sandbox = flex_sandbox_new (config, &error);
  g_assert_no_error (error);
  fixture->emulator = flex_sandbox_get_emulator (fixture->sandbox);
  fixture->session = flex_sandbox_get_session (fixture->sandbox);
  flex_emulator_set_eventbridge_heartbeat (fixture->emulator, 200);
  flex_session_load_async (fixture->session, NULL, on_loaded, &loaded);
  FLEX_TEST_WAIT_FOR (loaded, 10000);
  FLEX_TEST_WAIT_FOR (flex_directory_get_loaded (flex_session_get_personal (fixture->session)) &&
                          flex_directory_get_loaded (flex_session_get_shared (fixture->session)) &&
                          flex_directory_get_loaded (flex_session_get_recents (fixture->session)),
                      10000);

  fixture->rang = g_ptr_array_new_with_free_func ((GDestroyNotify) flex_incoming_call_free);
  fixture->withdrawn = g_ptr_array_new_with_free_func (g_free);
  fixture->missed = g_ptr_array_new_with_free_func ((GDestroyNotify) flex_incoming_call_free);
  {
    g_autoptr (FlexTokenSource) tokens = taskrouter_tokens (fixture);
    g_autofree char *url = bridge_url (fixture);

    fixture->incoming = flex_incoming_new (fixture->session, tokens, url);
  }
  g_assert_nonnull (fixture->incoming);
  g_signal_connect (fixture->incoming, "ring", G_CALLBACK (on_ring), fixture);
  g_signal_connect (fixture->incoming, "withdraw", G_CALLBACK (on_withdraw), fixture);
  g_signal_connect (fixture->incoming, "missed", G_CALLBACK (on_missed), fixture);
  flex_incoming_start (fixture->incoming);
  FLEX_TEST_WAIT_FOR (
      flex_event_bridge_get_connected (flex_incoming_get_bridge (fixture->incoming)), 10000);
}

static void
fixture_teardown (Fixture *fixture, gconstpointer data)
{
  g_clear_object (&fixture->incoming);
  g_ptr_array_unref (fixture->rang);
  g_ptr_array_unref (fixture->withdrawn);
  g_ptr_array_unref (fixture->missed);
  g_clear_object (&fixture->sandbox);
  flex_test_spin (50);
}

static FlexIncomingCall *
wait_ring (Fixture *fixture, guint n)
{
  FLEX_TEST_WAIT_FOR (fixture->rang->len >= n, 10000);
  return g_ptr_array_index (fixture->rang, n - 1);
}

/* A call from a number of My Contacts rings once, named; accepted in Flex,
 * it stops ringing. */
static void
test_ring_named_and_withdrawn (Fixture *fixture, gconstpointer data)
{
  g_autofree char *task = flex_emulator_ring (fixture->emulator, "+13125550142", NULL, "voice");
  FlexIncomingCall *call = wait_ring (fixture, 1);
  const char *status = NULL;
  const char *reservation = flex_emulator_get_reservation (fixture->emulator, task, &status);

  g_assert_cmpstr (call->caller, ==, "Amelia Watson");
  g_assert_true (call->from_directory);
  g_assert_cmpstr (call->number, ==, "+13125550142");
  g_assert_cmpstr (call->channel, ==, "voice");
  g_assert_true (flex_incoming_call_is_voice (call));
  g_assert_cmpstr (call->task_sid, ==, task);
  g_assert_cmpstr (call->reservation_sid, ==, reservation);
  g_assert_cmpstr (status, ==, "pending");
  g_assert_nonnull (flex_incoming_lookup (fixture->incoming, reservation));

  /* The agent takes it in the Flex UI. */
  g_assert_true (flex_emulator_set_reservation_status (fixture->emulator, reservation, "accepted"));
  FLEX_TEST_WAIT_FOR (fixture->withdrawn->len == 1, 10000);
  g_assert_cmpstr (g_ptr_array_index (fixture->withdrawn, 0), ==, reservation);
  g_assert_null (flex_incoming_lookup (fixture->incoming, reservation));
  g_assert_cmpuint (fixture->rang->len, ==, 1);
  g_assert_cmpuint (fixture->missed->len, ==, 0);
}

/* Canceled by the caller hanging up: withdrawn, not missed. */
static void
test_canceled_withdrawn (Fixture *fixture, gconstpointer data)
{
  g_autofree char *task = flex_emulator_ring (fixture->emulator, "+13125552000", NULL, "voice");
  FlexIncomingCall *call = wait_ring (fixture, 1);

  g_assert_cmpstr (call->caller, ==, "Billing Desk");
  g_assert_true (flex_emulator_set_task_status (fixture->emulator, task, "canceled"));
  FLEX_TEST_WAIT_FOR (fixture->withdrawn->len == 1, 10000);
  g_assert_cmpuint (fixture->missed->len, ==, 0);
}

/* Nobody answered in time: withdrawn, and a missed call to call back. */
static void
test_timeout_missed (Fixture *fixture, gconstpointer data)
{
  g_autofree char *task = NULL;
  FlexIncomingCall *missed;

  flex_emulator_set_reservation_timeout (fixture->emulator, 1);
  task = flex_emulator_ring (fixture->emulator, "+13125550187", NULL, "voice");
  wait_ring (fixture, 1);
  FLEX_TEST_WAIT_FOR (fixture->missed->len == 1, 10000);
  missed = g_ptr_array_index (fixture->missed, 0);
  g_assert_cmpstr (missed->caller, ==, "Dana Kowalski");
  g_assert_cmpstr (missed->number, ==, "+13125550187");
  g_assert_cmpuint (fixture->withdrawn->len, ==, 1);
}

static void
on_rejected (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (flex_incoming_reject_finish (FLEX_INCOMING (object), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

/* Reject: TaskRouter hears it (the emulator's reservation), and the
 * notification goes when TaskRouter says so. */
static void
test_reject (Fixture *fixture, gconstpointer data)
{
  g_autofree char *task = flex_emulator_ring (fixture->emulator, "+447700900456", NULL, "voice");
  FlexIncomingCall *call = wait_ring (fixture, 1);
  gboolean done = FALSE;
  const char *status = NULL;

  flex_incoming_reject_async (fixture->incoming, call->reservation_sid, NULL, on_rejected, &done);
  FLEX_TEST_WAIT_FOR (done, 10000);
  flex_emulator_get_reservation (fixture->emulator, task, &status);
  g_assert_cmpstr (status, ==, "rejected");
  FLEX_TEST_WAIT_FOR (fixture->withdrawn->len == 1, 10000);
}

/* Who it is: My Contacts, then Shared Contacts, then Recents, then the
 * task's name, then the number; national numbers in the account's country
 * (US in the sandbox). */
static void
test_caller_precedence (Fixture *fixture, gconstpointer data)
{
  FlexDirectory *shared = flex_session_get_shared (fixture->session);
  g_autoptr (FlexContact) twin =
      flex_contact_new (NULL, "Front Desk (shared)", "+13125550142", NULL);
  gboolean added = FALSE;
  static const struct
  {
    const char *address;
    const char *task_name;
    const char *caller;
    gboolean from_directory;
  } cases[] = {
    { "+13125550142", NULL, "Amelia Watson", TRUE },     /* personal beats shared */
    { "(312) 555-0142", NULL, "Amelia Watson", TRUE },   /* national form */
    { "+13125552000", "Someone", "Billing Desk", TRUE }, /* the list beats the task */
    { "+13125550199", NULL, "Maria Gonzalez", TRUE },    /* a recent's name */
    { "+13125550123", NULL, "+1 312-555-0123", FALSE },  /* a recent's placeholder */
    { "+13125550999", "Ana from the task", "Ana from the task", FALSE },
    { "whatsapp:+13125550187", NULL, "Dana Kowalski", TRUE },
    { "visitor-7f3a", NULL, "visitor-7f3a", FALSE },
  };

  flex_directory_add_contact_async (shared, twin, NULL, on_contact_added, &added);
  FLEX_TEST_WAIT_FOR (added, 10000);
  FLEX_TEST_WAIT_FOR (flex_directory_find_by_number (shared, "+13125550142") != NULL, 10000);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gboolean from_directory = !cases[i].from_directory;
      g_autofree char *caller = flex_incoming_name_caller (
          fixture->session, cases[i].address, cases[i].task_name, NULL, &from_directory);

      g_test_message ("%s → %s", cases[i].address, caller);
      g_assert_cmpstr (caller, ==, cases[i].caller);
      g_assert_cmpint (from_directory, ==, cases[i].from_directory);
    }
}

/* A recent without a name of its own is named from the lists (what Recents,
 * its search and the Shell's search show): My Contacts first. */
static void
test_recent_named_from_contacts (Fixture *fixture, gconstpointer data)
{
  FlexDirectory *personal = flex_session_get_personal (fixture->session);
  FlexDirectory *shared = flex_session_get_shared (fixture->session);
  FlexDirectory *sources[] = { personal, shared };
  FlexRecent *recent =
      flex_directory_find_by_number (flex_session_get_recents (fixture->session), "+13125550123");
  g_autoptr (FlexContact) team = flex_contact_new (NULL, "Front Desk", "+13125550123", NULL);
  g_autoptr (FlexContact) mine = flex_contact_new (NULL, "Quinn Caller", "+13125550123", NULL);
  guint source = 99;
  gboolean added = FALSE;

  g_assert_nonnull (recent);
  g_assert_null (flex_directory_name_recent (recent, sources, 2, &source));
  g_assert_cmpuint (source, ==, 0);

  flex_directory_add_contact_async (shared, team, NULL, on_contact_added, &added);
  FLEX_TEST_WAIT_FOR (added, 10000);
  FLEX_TEST_WAIT_FOR (flex_directory_name_recent (recent, sources, 2, &source) != NULL, 10000);
  g_assert_cmpstr (flex_directory_name_recent (recent, sources, 2, &source), ==, "Front Desk");
  g_assert_cmpuint (source, ==, 2);

  added = FALSE;
  flex_directory_add_contact_async (personal, mine, NULL, on_contact_added, &added);
  FLEX_TEST_WAIT_FOR (added, 10000);
  FLEX_TEST_WAIT_FOR (
      g_strcmp0 (flex_directory_name_recent (recent, sources, 2, &source), "Quinn Caller") == 0,
      10000);
  g_assert_cmpuint (source, ==, 1);

  /* A recent with its own name keeps it. */
  recent =
      flex_directory_find_by_number (flex_session_get_recents (fixture->session), "+13125550199");
  g_assert_cmpstr (flex_directory_name_recent (recent, sources, 2, &source), ==, "Maria Gonzalez");
  g_assert_cmpuint (source, ==, 0);
}

/* EventBridge's requests (what a Flex-token client sends instead of REST):
 * the token's worker reads and changes itself, nothing of another worker,
 * nothing without a token. */
static guint
wschannels (Fixture *fixture,
            const char *token,
            const char *url,
            const char *method,
            const char *params_json,
            JsonNode **payload)
{
  g_autoptr (SoupSession) session = soup_session_new ();
  g_autofree char *endpoint = g_strdup_printf ("http://127.0.0.1:%u/v1/wschannels",
                                               flex_emulator_get_port (fixture->emulator));
  g_autoptr (SoupMessage) message = soup_message_new ("POST", endpoint);
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) request = NULL;
  g_autofree char *text = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GBytes) answer = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "url");
  json_builder_add_string_value (builder, url);
  json_builder_set_member_name (builder, "method");
  json_builder_add_string_value (builder, method);
  if (token != NULL)
    {
      json_builder_set_member_name (builder, "token");
      json_builder_add_string_value (builder, token);
    }
  if (params_json != NULL)
    {
      json_builder_set_member_name (builder, "params");
      json_builder_add_value (builder, json_from_string (params_json, NULL));
    }
  json_builder_end_object (builder);
  request = json_builder_get_root (builder);
  text = json_to_string (request, FALSE);
  body = g_bytes_new (text, strlen (text));
  soup_message_headers_append (soup_message_get_request_headers (message), "apiVersion", "v1");
  soup_message_set_request_body_from_bytes (message, "application/json", body);
  {
    /* The emulator answers on this thread's main loop: not a blocking send. */
    g_autoptr (GAsyncResult) result = NULL;

    soup_session_send_and_read_async (session, message, G_PRIORITY_DEFAULT, NULL, store_result,
                                      &result);
    FLEX_TEST_WAIT_FOR (result != NULL, 10000);
    answer = soup_session_send_and_read_finish (session, result, NULL);
  }
  if (payload != NULL && answer != NULL &&
      json_parser_load_from_data (parser, g_bytes_get_data (answer, NULL),
                                  (gssize) g_bytes_get_size (answer), NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      JsonNode *inner =
          json_object_get_member (json_node_get_object (json_parser_get_root (parser)), "payload");

      *payload = inner != NULL ? json_node_copy (inner) : NULL;
    }
  return soup_message_get_status (message);
}

static void
test_wschannels_requests (Fixture *fixture, gconstpointer data)
{
  const char *worker = flex_sandbox_get_worker_sid (fixture->sandbox);
  const char *workspace = flex_emulator_get_workspace_sid (fixture->emulator);
  g_autoptr (FlexTokenSource) tokens = taskrouter_tokens (fixture);
  g_autoptr (GAsyncResult) result = NULL;
  g_autofree char *token = NULL;
  g_autofree char *url = g_strdup_printf ("Workspaces/%s/Workers/%s", workspace, worker);
  g_autofree char *activities = g_strdup_printf ("Workspaces/%s/Activities", workspace);
  g_autofree char *other = flex_emulator_add_worker (fixture->emulator, "Other", "{}", TRUE);
  g_autofree char *other_url = g_strdup_printf ("Workspaces/%s/Workers/%s", workspace, other);
  g_autofree char *params = g_strdup_printf (
      "{\"ActivitySid\":\"%s\"}", flex_emulator_get_activity_sid (fixture->emulator, "Break"));
  g_autoptr (JsonNode) payload = NULL;

  flex_api_key_token_source_set_task_router (FLEX_API_KEY_TOKEN_SOURCE (tokens), workspace, worker);
  flex_token_source_get_token_async (tokens, NULL, store_result, &result);
  FLEX_TEST_WAIT_FOR (result != NULL, 5000);
  token = flex_token_source_get_token_finish (tokens, result, NULL, NULL);
  g_assert_nonnull (token);

  g_assert_cmpuint (wschannels (fixture, token, url, "GET", NULL, &payload), ==, 200);
  g_assert_nonnull (payload);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (payload), "sid"), ==,
                   worker);
  g_clear_pointer (&payload, json_node_unref);

  g_assert_cmpuint (wschannels (fixture, token, activities, "GET", NULL, &payload), ==, 200);
  /* Lists as EventBridge gives them: contents, and after_sid for more. */
  g_assert_cmpuint (json_array_get_length (
                        json_object_get_array_member (json_node_get_object (payload), "contents")),
                    ==, 4);
  g_assert_true (json_object_get_null_member (json_node_get_object (payload), "after_sid"));
  g_clear_pointer (&payload, json_node_unref);

  g_assert_cmpuint (wschannels (fixture, token, url, "POST", params, NULL), ==, 200);
  g_assert_cmpstr (flex_emulator_get_worker_activity (fixture->emulator, worker), ==, "Break");

  g_assert_cmpuint (wschannels (fixture, token, other_url, "GET", NULL, NULL), ==, 403);
  g_assert_cmpuint (wschannels (fixture, NULL, url, "GET", NULL, NULL), ==, 401);
  g_assert_cmpuint (wschannels (fixture, "not.a.token", url, "GET", NULL, NULL), ==, 401);
}

/* The app never changes the agent's activity: its socket dropping, or the
 * app going away, leaves the worker Available — where the SDK's defaults
 * (which the emulator keeps, like EventBridge) set it Offline. */
static void
test_disconnect_keeps_activity (Fixture *fixture, gconstpointer data)
{
  const char *worker = flex_sandbox_get_worker_sid (fixture->sandbox);
  FlexEventBridge *bridge = flex_incoming_get_bridge (fixture->incoming);
  guint connects = flex_event_bridge_get_n_connects (bridge);

  g_assert_true (flex_emulator_get_worker_online (fixture->emulator, worker));
  flex_emulator_eventbridge_drop (fixture->emulator);
  FLEX_TEST_WAIT_FOR (flex_event_bridge_get_n_connects (bridge) > connects &&
                          flex_event_bridge_get_connected (bridge),
                      40000);
  g_assert_true (flex_emulator_get_worker_online (fixture->emulator, worker));
  g_clear_object (&fixture->incoming);
  FLEX_TEST_WAIT_FOR (flex_emulator_eventbridge_count (fixture->emulator, NULL) == 0, 10000);
  g_assert_true (flex_emulator_get_worker_online (fixture->emulator, worker));

  /* The same socket with the SDK's defaults does set the worker Offline:
   * the check above can fail. */
  {
    g_autoptr (FlexTokenSource) tokens = taskrouter_tokens (fixture);
    g_autoptr (SoupSession) session = soup_session_new ();
    g_autoptr (SoupMessage) message = NULL;
    g_autofree char *token = NULL;
    g_autofree char *url = NULL;
    g_autoptr (SoupWebsocketConnection) socket = NULL;
    g_autoptr (GAsyncResult) result = NULL;

    flex_api_key_token_source_set_task_router (FLEX_API_KEY_TOKEN_SOURCE (tokens),
                                               flex_emulator_get_workspace_sid (fixture->emulator),
                                               worker);
    flex_token_source_get_token_async (tokens, NULL, store_result, &result);
    FLEX_TEST_WAIT_FOR (result != NULL, 5000);
    token = flex_token_source_get_token_finish (tokens, result, NULL, NULL);
    g_clear_object (&result);
    url = g_strdup_printf ("ws://127.0.0.1:%u/v1/wschannels?token=%s",
                           flex_emulator_get_port (fixture->emulator), token);
    message = soup_message_new ("GET", url);
    soup_session_websocket_connect_async (session, message, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                          store_result, &result);
    FLEX_TEST_WAIT_FOR (result != NULL, 5000);
    socket = soup_session_websocket_connect_finish (session, result, NULL);
    g_assert_nonnull (socket);
    FLEX_TEST_WAIT_FOR (flex_emulator_eventbridge_count (fixture->emulator, NULL) == 1, 5000);
    soup_websocket_connection_close (socket, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
    FLEX_TEST_WAIT_FOR (!flex_emulator_get_worker_online (fixture->emulator, worker), 5000);
  }
}

/* A socket that hears nothing (no heartbeat) is made again. */
static void
test_silence_reconnects (Fixture *fixture, gconstpointer data)
{
  FlexEventBridge *bridge = flex_incoming_get_bridge (fixture->incoming);
  guint connects = flex_event_bridge_get_n_connects (bridge);

  flex_emulator_set_eventbridge_heartbeat (fixture->emulator, 60000);
  flex_emulator_eventbridge_drop (fixture->emulator);
  FLEX_TEST_WAIT_FOR (flex_event_bridge_get_n_connects (bridge) > connects, 40000);
  connects = flex_event_bridge_get_n_connects (bridge);
  /* Heartbeats now a minute apart: half a second of silence is too long. */
  flex_event_bridge_set_silence_timeout (bridge, 500);
  FLEX_TEST_WAIT_FOR (flex_event_bridge_get_n_connects (bridge) > connects, 40000);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/incoming/ring-named-and-withdrawn", test_ring_named_and_withdrawn);
  ADD ("/incoming/canceled-withdrawn", test_canceled_withdrawn);
  ADD ("/incoming/timeout-missed", test_timeout_missed);
  ADD ("/incoming/reject", test_reject);
  ADD ("/incoming/caller-precedence", test_caller_precedence);
  ADD ("/incoming/recent-named-from-contacts", test_recent_named_from_contacts);
  ADD ("/incoming/disconnect-keeps-activity", test_disconnect_keeps_activity);
  ADD ("/incoming/silence-reconnects", test_silence_reconnects);
  ADD ("/incoming/wschannels-requests", test_wschannels_requests);
#undef ADD

  return g_test_run ();
}
