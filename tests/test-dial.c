/* test-dial.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * FlexDialer against the emulator: the exact TaskRouter request of a call
 * (DESIGN.md §3), and every refusal that must send nothing.
 */

#include "config.h"

#include <string.h>

#include "flex-call-watch.h"
#include "flex-dialer.h"
#include "flex-emulator.h"
#include "flex-phone.h"
#include "flex-test-util.h"

#define USERNAME  "SK0123456789abcdef0123456789abcdef"
#define CALLER_ID "+18005550100"

typedef struct
{
  FlexEmulator *emulator;
  FlexTwilioClient *client;
  FlexFeatureConfig *config;
  FlexSession *session;
  FlexDialer *dialer;
  char *worker_sid;
} Fixture;

static void
set_outbound (Fixture *fixture, gboolean enabled)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *json = g_strdup_printf (
      "{\"taskrouter_workspace_sid\":\"%s\",\"taskrouter_offline_activity_sid\":\"%s\","
      "\"outbound_call_flows\":{\"default\":{\"enabled\":%s,\"workflow_sid\":\"%s\","
      "\"queue_sid\":\"%s\",\"caller_id\":\"" CALLER_ID "\",\"location\":\"US\"}}}",
      flex_emulator_get_workspace_sid (fixture->emulator),
      flex_emulator_get_offline_activity_sid (fixture->emulator), enabled ? "true" : "false",
      flex_emulator_get_workflow_sid (fixture->emulator),
      flex_emulator_get_task_queue_sid (fixture->emulator));

  g_assert_true (flex_emulator_set_configuration (fixture->emulator, json, &error));
  g_assert_no_error (error);
}

static void
on_loaded (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_assert_true (flex_session_load_finish (FLEX_SESSION (object), result, NULL));
  *(gboolean *) user_data = TRUE;
}

static void
start_session (Fixture *fixture, const char *worker_attributes)
{
  gboolean loaded = FALSE;

  g_clear_object (&fixture->dialer);
  g_clear_object (&fixture->session);
  g_free (fixture->worker_sid);
  fixture->worker_sid = flex_emulator_add_worker (fixture->emulator, "alex.agent@example.com",
                                                  worker_attributes, TRUE);
  fixture->session =
      flex_session_new (fixture->client, flex_emulator_get_account_sid (fixture->emulator),
                        fixture->worker_sid, "default", fixture->config);
  flex_session_set_poll_interval (fixture->session, 0);
  flex_session_load_async (fixture->session, NULL, on_loaded, &loaded);
  while (!loaded)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (flex_session_get_error_message (fixture->session));
  fixture->dialer = flex_dialer_new (fixture->session);
  /* Let the directories' first listings finish, then count from zero. */
  while (!flex_directory_get_loaded (flex_session_get_recents (fixture->session)) ||
         !flex_directory_get_loaded (flex_session_get_personal (fixture->session)) ||
         !flex_directory_get_loaded (flex_session_get_shared (fixture->session)))
    g_main_context_iteration (NULL, TRUE);
  flex_emulator_clear_exchanges (fixture->emulator);
}

static void
fixture_setup (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  fixture->emulator = flex_emulator_new ();
  flex_emulator_listen (fixture->emulator, 0, &error);
  g_assert_no_error (error);
  fixture->client = flex_twilio_client_new (USERNAME, "secret");
  for (FlexTwilioApi api = 0; api < FLEX_TWILIO_N_APIS; api++)
    {
      flex_twilio_client_set_base_url (fixture->client, api,
                                       flex_emulator_get_base_url (fixture->emulator), &error);
      g_assert_no_error (error);
    }
  flex_twilio_client_set_retry_policy (fixture->client, 2, 10, 2000);
  fixture->config = flex_feature_config_new ();
  set_outbound (fixture, TRUE);
  start_session (fixture, "{\"roles\":[\"agent\"],\"selectedCallerId\":\"+14155550111\"}");
}

static void
fixture_teardown (Fixture *fixture, gconstpointer data)
{
  g_clear_object (&fixture->dialer);
  g_clear_object (&fixture->session);
  g_clear_object (&fixture->config);
  g_clear_object (&fixture->client);
  g_clear_object (&fixture->emulator);
  g_free (fixture->worker_sid);
}

typedef struct
{
  gboolean done;
  char *task_sid;
  GError *error;
} DialResult;

static void
on_dialled (GObject *object, GAsyncResult *result, gpointer user_data)
{
  DialResult *outcome = user_data;

  outcome->task_sid = flex_dialer_dial_finish (FLEX_DIALER (object), result, &outcome->error);
  outcome->done = TRUE;
}

static void
dial (Fixture *fixture, const char *number, const char *name, DialResult *outcome)
{
  flex_dialer_dial_async (fixture->dialer, number, name, NULL, on_dialled, outcome);
  while (!outcome->done)
    g_main_context_iteration (NULL, TRUE);
}

static void
dial_result_clear (DialResult *outcome)
{
  g_clear_pointer (&outcome->task_sid, g_free);
  g_clear_error (&outcome->error);
  outcome->done = FALSE;
}

/* The one POST /Tasks the emulator received, checked field by field. */
static void
assert_one_task (Fixture *fixture, const char *expected_attributes)
{
  GPtrArray *exchanges = flex_emulator_get_exchanges (fixture->emulator);
  g_autoptr (JsonNode) expected = json_from_string (expected_attributes, NULL);
  g_autoptr (JsonNode) attributes = NULL;
  g_autoptr (JsonNode) tasks = NULL;
  FlexEmulatorExchange *post = NULL;
  g_autofree char *path = g_strdup_printf ("/v1/Workspaces/%s/Tasks",
                                           flex_emulator_get_workspace_sid (fixture->emulator));

  for (guint i = 0; i < exchanges->len; i++)
    {
      FlexEmulatorExchange *exchange = g_ptr_array_index (exchanges, i);

      if (g_str_equal (exchange->method, "POST"))
        {
          g_assert_null (post);
          post = exchange;
        }
    }
  g_assert_nonnull (post);
  g_assert_cmpstr (post->path, ==, path);
  g_assert_cmpuint (post->status, ==, 201);
  g_assert_cmpuint (g_hash_table_size (post->form), ==, 6);
  g_assert_cmpstr (g_hash_table_lookup (post->form, "WorkflowSid"), ==,
                   flex_emulator_get_workflow_sid (fixture->emulator));
  g_assert_cmpstr (g_hash_table_lookup (post->form, "TaskQueueSid"), ==,
                   flex_emulator_get_task_queue_sid (fixture->emulator));
  g_assert_cmpstr (g_hash_table_lookup (post->form, "RoutingTarget"), ==, fixture->worker_sid);
  g_assert_cmpstr (g_hash_table_lookup (post->form, "TaskChannel"), ==, "voice");
  g_assert_cmpstr (g_hash_table_lookup (post->form, "Timeout"), ==, "60");
  attributes = json_from_string (g_hash_table_lookup (post->form, "Attributes"), NULL);
  g_assert_nonnull (attributes);
  g_assert_nonnull (expected);
  if (!json_node_equal (attributes, expected))
    g_error ("attributes %s, expected %s", (char *) g_hash_table_lookup (post->form, "Attributes"),
             expected_attributes);

  tasks = flex_emulator_get_tasks (fixture->emulator);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (tasks)), ==, 1);
}

static guint
count_posts (Fixture *fixture)
{
  return flex_emulator_count_requests (fixture->emulator, "POST", "/v1/Workspaces/");
}

static void
test_dial_contact (Fixture *fixture, gconstpointer data)
{
  DialResult outcome = { 0 };

  g_assert_true (flex_dialer_get_available (fixture->dialer));
  g_assert_cmpstr (flex_dialer_get_caller_id (fixture->dialer), ==, "+14155550111");

  dial (fixture, "+1 (312) 555-0142", "Amelia Watson", &outcome);
  g_assert_no_error (outcome.error);
  g_assert_true (g_str_has_prefix (outcome.task_sid, "WT"));
  assert_one_task (fixture, "{\"direction\":\"outbound\",\"outbound_to\":\"+13125550142\","
                            "\"from\":\"+14155550111\",\"name\":\"Amelia Watson\"}");
  g_assert_false (flex_dialer_get_busy (fixture->dialer));
  dial_result_clear (&outcome);
}

static void
on_request_dialled (GObject *object, GAsyncResult *result, gpointer user_data)
{
  DialResult *outcome = user_data;

  outcome->task_sid = flex_dialer_dial_finish (FLEX_DIALER (object), result, &outcome->error);
  outcome->done = TRUE;
}

/* One call request: the number as typed becomes E.164, the contact of that
 * number names it, the caller ID is the worker's; what the confirmation
 * shows is what is sent. A number that cannot be dialled gives no request
 * and sends nothing. */
static void
test_prepare_request (Fixture *fixture, gconstpointer data)
{
  g_autofree char *map = g_strconcat ("Contacts_", fixture->worker_sid, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (FlexCallRequest) request = NULL;
  g_autoptr (FlexCallRequest) nobody = NULL;
  g_autoptr (FlexCallRequest) invalid = NULL;
  FlexDirectory *personal = flex_session_get_personal (fixture->session);
  DialResult outcome = { 0 };

  g_assert_true (flex_emulator_put_item (
      fixture->emulator, map, "k-amelia",
      "{\"key\":\"k-amelia\",\"name\":\"Amelia Watson\",\"phoneNumber\":\"+13125550142\"}", 0,
      &error));
  flex_directory_refresh (personal);
  while (flex_directory_lookup (personal, "k-amelia") == NULL)
    g_main_context_iteration (NULL, TRUE);
  flex_emulator_clear_exchanges (fixture->emulator);

  request = flex_dialer_prepare (fixture->dialer, "(312) 555-0142", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (request->number, ==, "+13125550142");
  g_assert_cmpstr (request->name, ==, "Amelia Watson");
  g_assert_cmpstr (request->who, ==, "Amelia Watson");
  g_assert_cmpstr (request->caller_id, ==, "+14155550111");

  nobody = flex_dialer_prepare (fixture->dialer, "+44 20 7946 0958", NULL, &error);
  g_assert_no_error (error);
  g_assert_null (nobody->name);
  g_assert_cmpstr (nobody->who, ==, "+442079460958");

  invalid = flex_dialer_prepare (fixture->dialer, "555-01", NULL, &error);
  g_assert_null (invalid);
  g_assert_error (error, FLEX_DIAL_ERROR, FLEX_DIAL_ERROR_INVALID_NUMBER);
  g_assert_cmpuint (flex_emulator_get_exchanges (fixture->emulator)->len, ==, 0);

  flex_dialer_dial_request_async (fixture->dialer, request, NULL, on_request_dialled, &outcome);
  while (!outcome.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (outcome.error);
  assert_one_task (fixture, "{\"direction\":\"outbound\",\"outbound_to\":\"+13125550142\","
                            "\"from\":\"+14155550111\",\"name\":\"Amelia Watson\"}");
  dial_result_clear (&outcome);
}

/* A voice recent: its customerAddress as Flex stored it, a national number. */
static void
test_dial_recent_national (Fixture *fixture, gconstpointer data)
{
  DialResult outcome = { 0 };

  dial (fixture, "(312) 555-0199", "Maria Gonzalez", &outcome);
  g_assert_no_error (outcome.error);
  assert_one_task (fixture, "{\"direction\":\"outbound\",\"outbound_to\":\"+13125550199\","
                            "\"from\":\"+14155550111\",\"name\":\"Maria Gonzalez\"}");
  dial_result_clear (&outcome);
}

/* The dial pad: a number, no name; the flow's caller ID when the worker has none. */
static void
test_dial_pad_number (Fixture *fixture, gconstpointer data)
{
  DialResult outcome = { 0 };

  start_session (fixture, "{\"roles\":[\"agent\"]}");
  g_assert_cmpstr (flex_dialer_get_caller_id (fixture->dialer), ==, CALLER_ID);
  dial (fixture, "0044 20 7946 0958", NULL, &outcome);
  g_assert_no_error (outcome.error);
  assert_one_task (fixture, "{\"direction\":\"outbound\",\"outbound_to\":\"+442079460958\","
                            "\"from\":\"" CALLER_ID "\"}");
  dial_result_clear (&outcome);
}

static void
test_invalid_number_sends_nothing (Fixture *fixture, gconstpointer data)
{
  static const char *numbers[] = { "", "12ab", "whatsapp:+5511912345678", "+1 555", "12345" };

  for (guint i = 0; i < G_N_ELEMENTS (numbers); i++)
    {
      DialResult outcome = { 0 };

      dial (fixture, numbers[i], NULL, &outcome);
      g_assert_error (outcome.error, FLEX_DIAL_ERROR, FLEX_DIAL_ERROR_INVALID_NUMBER);
      g_assert_cmpstr (outcome.error->message, !=, "");
      dial_result_clear (&outcome);
    }
  g_assert_cmpuint (flex_emulator_get_exchanges (fixture->emulator)->len, ==, 0);
}

static void
test_disabled_sends_nothing (Fixture *fixture, gconstpointer data)
{
  DialResult outcome = { 0 };

  set_outbound (fixture, FALSE);
  start_session (fixture, "{\"roles\":[\"agent\"]}");
  g_assert_false (flex_dialer_get_available (fixture->dialer));
  g_assert_cmpstr (flex_dialer_get_unavailable_reason (fixture->dialer), ==,
                   "Outbound calling is turned off in Flex");

  dial (fixture, "+13125550142", "Amelia Watson", &outcome);
  g_assert_error (outcome.error, FLEX_DIAL_ERROR, FLEX_DIAL_ERROR_DISABLED);
  g_assert_cmpstr (outcome.error->message, ==, "Outbound calling is turned off in Flex");
  g_assert_cmpuint (flex_emulator_get_exchanges (fixture->emulator)->len, ==, 0);
  dial_result_clear (&outcome);
}

static void
on_notify (GObject *object, GParamSpec *pspec, guint *count)
{
  (*count)++;
}

/* Offline in Flex after the session loaded: the check before the request
 * finds it, sends no task, and the dialer says why. */
static void
test_offline_sends_nothing (Fixture *fixture, gconstpointer data)
{
  DialResult outcome = { 0 };
  guint notified = 0;

  g_signal_connect (fixture->dialer, "notify::available", G_CALLBACK (on_notify), &notified);
  g_assert_true (flex_dialer_get_available (fixture->dialer));
  flex_emulator_set_worker_online (fixture->emulator, fixture->worker_sid, FALSE);

  dial (fixture, "+13125550142", "Amelia Watson", &outcome);
  g_assert_error (outcome.error, FLEX_DIAL_ERROR, FLEX_DIAL_ERROR_OFFLINE);
  g_assert_cmpstr (outcome.error->message, ==, "You are offline in Flex: go available to call");
  g_assert_cmpuint (count_posts (fixture), ==, 0);
  g_assert_true (flex_session_get_worker_offline (fixture->session));
  g_assert_false (flex_dialer_get_available (fixture->dialer));
  g_assert_cmpuint (notified, ==, 1);
  dial_result_clear (&outcome);

  /* Refused at once now, without asking again. */
  flex_emulator_clear_exchanges (fixture->emulator);
  dial (fixture, "+13125550142", NULL, &outcome);
  g_assert_error (outcome.error, FLEX_DIAL_ERROR, FLEX_DIAL_ERROR_OFFLINE);
  g_assert_cmpuint (flex_emulator_get_exchanges (fixture->emulator)->len, ==, 0);
  dial_result_clear (&outcome);

  /* Back online: a refresh notices, and calling works again. */
  flex_emulator_set_worker_online (fixture->emulator, fixture->worker_sid, TRUE);
  flex_session_refresh (fixture->session);
  while (!flex_dialer_get_available (fixture->dialer))
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (notified, ==, 2);
  flex_emulator_clear_exchanges (fixture->emulator);
  dial (fixture, "+13125550142", NULL, &outcome);
  g_assert_no_error (outcome.error);
  dial_result_clear (&outcome);
}

/* A double click: the second request is refused while the first is in
 * flight, and exactly one task is created. */
static void
test_double_click_sends_one (Fixture *fixture, gconstpointer data)
{
  DialResult first = { 0 };
  DialResult second = { 0 };

  flex_dialer_dial_async (fixture->dialer, "+13125550142", "Amelia Watson", NULL, on_dialled,
                          &first);
  g_assert_true (flex_dialer_get_busy (fixture->dialer));
  flex_dialer_dial_async (fixture->dialer, "+13125550142", "Amelia Watson", NULL, on_dialled,
                          &second);
  while (!first.done || !second.done)
    g_main_context_iteration (NULL, TRUE);

  g_assert_no_error (first.error);
  g_assert_error (second.error, FLEX_DIAL_ERROR, FLEX_DIAL_ERROR_BUSY);
  g_assert_cmpuint (count_posts (fixture), ==, 1);
  g_assert_false (flex_dialer_get_busy (fixture->dialer));
  dial_result_clear (&first);
  dial_result_clear (&second);
}

/* A server error on the POST is not retried (the task may exist): one
 * request, a clear error, and the dialer is free again. */
static void
test_server_error_not_retried (Fixture *fixture, gconstpointer data)
{
  DialResult outcome = { 0 };

  /* The first request (the worker check) is answered; the POST fails. */
  flex_emulator_delay_next (fixture->emulator, 1, 0);
  flex_emulator_fail_next (fixture->emulator, 1, 500, -1);
  dial (fixture, "+13125550142", NULL, &outcome);
  g_assert_error (outcome.error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_SERVER);
  g_assert_cmpuint (count_posts (fixture), ==, 1);
  g_assert_false (flex_dialer_get_busy (fixture->dialer));
  dial_result_clear (&outcome);
}

static void
test_number_from_uri (void)
{
  static const struct
  {
    const char *uri;
    const char *number;
  } cases[] = {
    { "tel:+1-312-555-0142", "+1-312-555-0142" },
    /* One rule for extensions, in tel: as in --dial: kept, to be refused. */
    { "tel:+13125550142;ext=12", "+13125550142 ext. 12" },
    { "tel:+13125550142;isub=1", "+13125550142" },
    { "TEL:%2B13125550142", "+13125550142" },
    { "callto:+13125550142", "+13125550142" },
    { "callto://+13125550142", "+13125550142" },
    { "tel:(312)%20555-0199", "(312) 555-0199" },
    { "tel:", NULL },
    { "tel:;phone-context=example.com", NULL },
    { "mailto:ada@example.com", NULL },
    { "https://example.com/tel:+1312", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *number = flex_dial_number_from_uri (cases[i].uri);

      g_assert_cmpstr (number, ==, cases[i].number);
    }
  {
    g_autofree char *number = flex_dial_number_from_uri ("tel:+13125550142;ext=12");
    g_autoptr (GError) error = NULL;
    g_autofree char *e164 = flex_phone_normalize (number, "US", &error);

    g_assert_null (e164);
    g_assert_nonnull (strstr (error->message, "extension"));
  }
}

/* Following the call request */

static FlexCallWatch *
watch_call (Fixture *fixture, char **task_sid)
{
  DialResult outcome = { 0 };
  FlexCallWatch *watch;

  dial (fixture, "+13125550142", "Amelia Watson", &outcome);
  g_assert_no_error (outcome.error);
  g_assert_nonnull (outcome.task_sid);
  watch = flex_call_watch_new (fixture->client, flex_emulator_get_workspace_sid (fixture->emulator),
                               outcome.task_sid, 60);
  flex_call_watch_set_interval (watch, 20);
  flex_call_watch_start (watch);
  *task_sid = g_steal_pointer (&outcome.task_sid);
  return watch;
}

static void
wait_state (FlexCallWatch *watch, FlexCallState state)
{
  FLEX_TEST_WAIT_FOR (flex_call_watch_get_state (watch) == state, 10000);
  g_assert_cmpint (flex_call_watch_get_state (watch), ==, state);
}

static const char *
task_status (Fixture *fixture, const char *sid)
{
  g_autoptr (JsonNode) tasks = flex_emulator_get_tasks (fixture->emulator);
  JsonArray *array = json_node_get_array (tasks);
  static char status[32];

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *task = json_array_get_object_element (array, i);

      if (g_strcmp0 (json_object_get_string_member (task, "sid"), sid) == 0)
        {
          g_strlcpy (status, json_object_get_string_member (task, "assignment_status"),
                     sizeof status);
          return status;
        }
    }
  return NULL;
}

/* Flex takes the task (it is reserved for the agent): the call is taken. A
 * failed check in between changes nothing. */
static void
test_watch_taken (Fixture *fixture, gconstpointer data)
{
  g_autofree char *sid = NULL;
  g_autoptr (FlexCallWatch) watch = watch_call (fixture, &sid);

  flex_emulator_fail_next (fixture->emulator, 1, 503, 0);
  flex_test_spin (200);
  g_assert_cmpint (flex_call_watch_get_state (watch), ==, FLEX_CALL_WAITING);
  g_assert_true (flex_emulator_set_task_status (fixture->emulator, sid, "reserved"));
  wait_state (watch, FLEX_CALL_TAKEN);
}

/* Nobody takes it (Flex closed): TaskRouter cancels it at its timeout. */
static void
test_watch_not_taken (Fixture *fixture, gconstpointer data)
{
  g_autofree char *sid = NULL;
  g_autoptr (FlexCallWatch) watch = watch_call (fixture, &sid);

  flex_test_spin (100);
  g_assert_cmpint (flex_call_watch_get_state (watch), ==, FLEX_CALL_WAITING);
  flex_emulator_advance_clock (fixture->emulator, 61);
  wait_state (watch, FLEX_CALL_NOT_TAKEN);
  g_assert_cmpstr (task_status (fixture, sid), ==, "canceled");
}

/* Cancel while it waits: the task is canceled in TaskRouter. */
static void
test_watch_cancel (Fixture *fixture, gconstpointer data)
{
  g_autofree char *sid = NULL;
  g_autoptr (FlexCallWatch) watch = watch_call (fixture, &sid);

  flex_call_watch_cancel (watch);
  wait_state (watch, FLEX_CALL_CANCELED);
  g_assert_cmpstr (task_status (fixture, sid), ==, "canceled");
}

/* The emulator's stand-in for an open Flex UI (--answer-after, the sandbox):
 * an available agent's task is reserved after that many seconds. */
static void
test_watch_answer_after (Fixture *fixture, gconstpointer data)
{
  g_autofree char *sid = NULL;
  g_autoptr (FlexCallWatch) watch = NULL;

  flex_emulator_set_answer_after (fixture->emulator, 3);
  watch = watch_call (fixture, &sid);
  flex_test_spin (100);
  g_assert_cmpint (flex_call_watch_get_state (watch), ==, FLEX_CALL_WAITING);
  flex_emulator_advance_clock (fixture->emulator, 4);
  wait_state (watch, FLEX_CALL_TAKEN);
  g_assert_cmpstr (task_status (fixture, sid), ==, "reserved");

  /* Taken: too late to cancel, and TaskRouter says so. */
  flex_call_watch_cancel (watch);
  flex_test_spin (200);
  g_assert_cmpstr (task_status (fixture, sid), ==, "reserved");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/dial/number-from-uri", test_number_from_uri);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/dial/contact", test_dial_contact);
  ADD ("/dial/recent-national-number", test_dial_recent_national);
  ADD ("/dial/pad-number-and-flow-caller-id", test_dial_pad_number);
  ADD ("/dial/invalid-number-sends-nothing", test_invalid_number_sends_nothing);
  ADD ("/dial/disabled-sends-nothing", test_disabled_sends_nothing);
  ADD ("/dial/offline-sends-nothing", test_offline_sends_nothing);
  ADD ("/dial/double-click-sends-one", test_double_click_sends_one);
  ADD ("/dial/server-error-not-retried", test_server_error_not_retried);
  ADD ("/dial/prepare-request", test_prepare_request);
  ADD ("/dial/watch/taken", test_watch_taken);
  ADD ("/dial/watch/not-taken", test_watch_not_taken);
  ADD ("/dial/watch/cancel", test_watch_cancel);
  ADD ("/dial/watch/answer-after", test_watch_answer_after);
#undef ADD

  return g_test_run ();
}
