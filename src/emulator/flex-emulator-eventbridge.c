/* flex-emulator-eventbridge.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flex-emulator"

#include "config.h"

#include <string.h>

#include "flex-emulator-private.h"

/*
 * TaskRouter's EventBridge and reservations, as twilio-taskrouter 2.x sees
 * them (FLEX-SESSION.md §3): one WebSocket a worker,
 * /v1/wschannels?token=…&closeExistingSessions=…&setWorkerOfflineIfDisconnected=…,
 * whose token is an access token with a `task_router` grant for that worker;
 * an `init` event, blank frames as heartbeats, then `{event_type, payload}`
 * for every reservation and worker change, whatever door it came through
 * (REST, a test, the sandbox's "ring"). Both switches default to true as in
 * the SDK: a client that leaves them set logs the other sessions out and
 * sets the worker Offline when it disconnects — what the app must never do,
 * and what the tests can see here.
 *
 * A task routed by the workflow (an inbound call, a chat) is offered to the
 * first available worker: a pending reservation that is accepted or
 * rejected (REST), canceled with its task, or times out.
 */

#define DEFAULT_HEARTBEAT_MS           15000
#define DEFAULT_RESERVATION_TIMEOUT_S  30
#define EVENTBRIDGE_MAX_INCOMING_BYTES (64 * 1024)

typedef struct
{
  FlexEmulator *emulator;
  SoupWebsocketConnection *socket;
  char *worker_sid;
  gboolean offline_if_disconnected;
  guint heartbeat;
} Channel;

typedef struct
{
  FlexEmulator *emulator;
  char *sid;
  char *task_sid;
  char *worker_sid;
  char *status; /* pending, accepted, rejected, timeout, canceled, rescinded, completed */
  guint version;
  gint64 created_us;
  gint64 updated_us;
  guint timeout;
} Reservation;

struct _FlexEmulatorEventBridge
{
  GPtrArray *channels;
  GPtrArray *reservations;
  guint heartbeat_ms;
  guint reservation_timeout_s;
  guint connections; /* ever made */
};

static FlexEmulatorEventBridge *
bridge_of (FlexEmulator *self)
{
  return self->eventbridge;
}

static void
channel_free (Channel *channel)
{
  g_clear_handle_id (&channel->heartbeat, g_source_remove);
  g_signal_handlers_disconnect_by_data (channel->socket, channel);
  if (soup_websocket_connection_get_state (channel->socket) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (channel->socket, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
  g_object_unref (channel->socket);
  g_free (channel->worker_sid);
  g_free (channel);
}

static void
reservation_free (Reservation *reservation)
{
  g_clear_handle_id (&reservation->timeout, g_source_remove);
  g_free (reservation->sid);
  g_free (reservation->task_sid);
  g_free (reservation->worker_sid);
  g_free (reservation->status);
  g_free (reservation);
}

FlexEmulatorEventBridge *
_flex_emulator_eventbridge_new (FlexEmulator *self)
{
  FlexEmulatorEventBridge *bridge = g_new0 (FlexEmulatorEventBridge, 1);

  bridge->channels = g_ptr_array_new_with_free_func ((GDestroyNotify) channel_free);
  bridge->reservations = g_ptr_array_new_with_free_func ((GDestroyNotify) reservation_free);
  bridge->heartbeat_ms = DEFAULT_HEARTBEAT_MS;
  bridge->reservation_timeout_s = DEFAULT_RESERVATION_TIMEOUT_S;
  return bridge;
}

void
_flex_emulator_eventbridge_free (FlexEmulatorEventBridge *bridge)
{
  if (bridge == NULL)
    return;
  g_ptr_array_unref (bridge->channels);
  g_ptr_array_unref (bridge->reservations);
  g_free (bridge);
}

/* Events */

static void
send_text (Channel *channel, const char *text)
{
  if (soup_websocket_connection_get_state (channel->socket) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_send_text (channel->socket, text);
}

static void
send_event_to (Channel *channel, const char *event_type, JsonNode *payload)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "event_type");
  json_builder_add_string_value (builder, event_type);
  json_builder_set_member_name (builder, "payload");
  json_builder_add_value (builder, json_node_copy (payload));
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  text = json_to_string (root, FALSE);
  send_text (channel, text);
}

static void
send_event (FlexEmulator *self, const char *worker_sid, const char *event_type, JsonNode *payload)
{
  FlexEmulatorEventBridge *bridge = bridge_of (self);

  for (guint i = 0; i < bridge->channels->len; i++)
    {
      Channel *channel = g_ptr_array_index (bridge->channels, i);

      if (g_strcmp0 (channel->worker_sid, worker_sid) == 0)
        send_event_to (channel, event_type, payload);
    }
}

/* A reservation as EventBridge carries it: epoch seconds, the task inside
 * with its attributes as a JSON string. */
static JsonNode *
reservation_payload (FlexEmulator *self, Reservation *reservation)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  JsonNode *task = _flex_emulator_taskrouter_find_task (self, reservation->task_sid);
  JsonObject *task_object = task != NULL ? json_node_get_object (task) : NULL;
  g_autofree char *version = g_strdup_printf ("%u", reservation->version);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "sid");
  json_builder_add_string_value (builder, reservation->sid);
  json_builder_set_member_name (builder, "reservation_status");
  json_builder_add_string_value (builder, reservation->status);
  json_builder_set_member_name (builder, "version");
  json_builder_add_string_value (builder, version);
  json_builder_set_member_name (builder, "worker_sid");
  json_builder_add_string_value (builder, reservation->worker_sid);
  json_builder_set_member_name (builder, "workspace_sid");
  json_builder_add_string_value (builder, flex_emulator_get_workspace_sid (self));
  json_builder_set_member_name (builder, "account_sid");
  json_builder_add_string_value (builder, self->account_sid);
  json_builder_set_member_name (builder, "date_created");
  json_builder_add_int_value (builder, reservation->created_us / G_USEC_PER_SEC);
  json_builder_set_member_name (builder, "date_updated");
  json_builder_add_int_value (builder, reservation->updated_us / G_USEC_PER_SEC);
  json_builder_set_member_name (builder, "task");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "sid");
  json_builder_add_string_value (builder, reservation->task_sid);
  if (task_object != NULL)
    {
      static const char *const copied[] = {
        "attributes",
        "assignment_status",
        "task_queue_sid",
        "task_queue_friendly_name",
        "task_channel_unique_name",
        "workflow_sid",
      };

      for (guint i = 0; i < G_N_ELEMENTS (copied); i++)
        if (json_object_has_member (task_object, copied[i]))
          {
            json_builder_set_member_name (builder, copied[i]);
            json_builder_add_value (
                builder, json_node_copy (json_object_get_member (task_object, copied[i])));
          }
      json_builder_set_member_name (builder, "queue_sid");
      json_builder_add_string_value (
          builder, json_object_get_string_member_with_default (task_object, "task_queue_sid", ""));
      json_builder_set_member_name (builder, "queue_name");
      json_builder_add_string_value (builder, json_object_get_string_member_with_default (
                                                  task_object, "task_queue_friendly_name", ""));
      json_builder_set_member_name (builder, "priority");
      json_builder_add_int_value (
          builder, json_object_get_int_member_with_default (task_object, "priority", 0));
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static void
set_reservation_status (FlexEmulator *self, Reservation *reservation, const char *status)
{
  g_autoptr (JsonNode) payload = NULL;
  g_autofree char *event_type = NULL;

  g_clear_handle_id (&reservation->timeout, g_source_remove);
  g_free (reservation->status);
  reservation->status = g_strdup (status);
  reservation->version++;
  reservation->updated_us = flex_emulator_now_us (self);
  payload = reservation_payload (self, reservation);
  event_type = g_strconcat ("reservation.", status, NULL);
  send_event (self, reservation->worker_sid, event_type, payload);
  _flex_emulator_state_changed (self);
}

static Reservation *
find_reservation (FlexEmulator *self, const char *sid)
{
  FlexEmulatorEventBridge *bridge = bridge_of (self);

  for (guint i = 0; sid != NULL && i < bridge->reservations->len; i++)
    {
      Reservation *reservation = g_ptr_array_index (bridge->reservations, i);

      if (g_str_equal (reservation->sid, sid))
        return reservation;
    }
  return NULL;
}

static gboolean
on_reservation_timeout (gpointer user_data)
{
  Reservation *reservation = user_data;
  FlexEmulator *self = reservation->emulator;
  JsonNode *task = _flex_emulator_taskrouter_find_task (self, reservation->task_sid);

  reservation->timeout = 0;
  set_reservation_status (self, reservation, "timeout");
  /* Nobody took it: the task waits again (no second offer here). */
  if (task != NULL)
    _flex_emulator_taskrouter_set_task_status (self, task, "pending", NULL);
  return G_SOURCE_REMOVE;
}

/**
 * _flex_emulator_eventbridge_route:
 *
 * Offers a task the workflow routes to the first available worker: a
 * pending reservation, `reservation.created` on that worker's sockets.
 */
void
_flex_emulator_eventbridge_route (FlexEmulator *self, JsonNode *task)
{
  FlexEmulatorEventBridge *bridge = bridge_of (self);
  JsonObject *object = json_node_get_object (task);
  const char *worker_sid = _flex_emulator_taskrouter_available_worker (self, NULL);
  Reservation *reservation;
  g_autoptr (JsonNode) payload = NULL;

  if (worker_sid == NULL)
    return;
  reservation = g_new0 (Reservation, 1);
  reservation->emulator = self;
  reservation->sid = _flex_emulator_new_sid ("WR");
  reservation->task_sid = g_strdup (json_object_get_string_member (object, "sid"));
  reservation->worker_sid = g_strdup (worker_sid);
  reservation->status = g_strdup ("pending");
  reservation->created_us = reservation->updated_us = flex_emulator_now_us (self);
  reservation->timeout =
      g_timeout_add_seconds (bridge->reservation_timeout_s, on_reservation_timeout, reservation);
  g_ptr_array_add (bridge->reservations, reservation);
  /* The task is reserved (without sending the reservation's events again). */
  json_object_set_string_member (object, "assignment_status", "reserved");
  payload = reservation_payload (self, reservation);
  send_event (self, worker_sid, "reservation.created", payload);
  _flex_emulator_state_changed (self);
}

/* A task canceled or completed elsewhere: its pending reservation goes with
 * it. */
void
_flex_emulator_eventbridge_task_changed (FlexEmulator *self,
                                         const char *task_sid,
                                         const char *status)
{
  FlexEmulatorEventBridge *bridge = bridge_of (self);

  if (bridge == NULL ||
      (g_strcmp0 (status, "canceled") != 0 && g_strcmp0 (status, "completed") != 0))
    return;
  for (guint i = 0; i < bridge->reservations->len; i++)
    {
      Reservation *reservation = g_ptr_array_index (bridge->reservations, i);

      if (g_strcmp0 (reservation->task_sid, task_sid) != 0)
        continue;
      if (g_str_equal (reservation->status, "pending"))
        set_reservation_status (self, reservation, "canceled");
      else if (g_str_equal (reservation->status, "accepted") && g_str_equal (status, "completed"))
        set_reservation_status (self, reservation, "completed");
    }
}

/* A worker's activity changed (whatever door): `worker.activity.update`. */
void
_flex_emulator_eventbridge_worker_changed (FlexEmulator *self,
                                           const char *worker_sid,
                                           const char *activity_sid,
                                           const char *activity_name,
                                           gboolean available)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) payload = NULL;

  if (bridge_of (self) == NULL)
    return;
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "sid");
  json_builder_add_string_value (builder, worker_sid);
  json_builder_set_member_name (builder, "activity_sid");
  json_builder_add_string_value (builder, activity_sid);
  json_builder_set_member_name (builder, "activity_name");
  json_builder_add_string_value (builder, activity_name);
  json_builder_set_member_name (builder, "available");
  json_builder_add_boolean_value (builder, available);
  json_builder_end_object (builder);
  payload = json_builder_get_root (builder);
  send_event (self, worker_sid, "worker.activity.update", payload);
}

/* Whether a reservation waits for @worker_sid's answer. */
gboolean
_flex_emulator_eventbridge_has_pending (FlexEmulator *self, const char *worker_sid)
{
  FlexEmulatorEventBridge *bridge = bridge_of (self);

  for (guint i = 0; bridge != NULL && i < bridge->reservations->len; i++)
    {
      Reservation *reservation = g_ptr_array_index (bridge->reservations, i);

      if (g_strcmp0 (reservation->worker_sid, worker_sid) == 0 &&
          g_str_equal (reservation->status, "pending"))
        return TRUE;
    }
  return FALSE;
}

/* REST: a worker's reservation */

static JsonNode *
reservation_to_json (FlexEmulator *self, Reservation *reservation)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autofree char *created = _flex_emulator_format_date (reservation->created_us);
  g_autofree char *updated = _flex_emulator_format_date (reservation->updated_us);
  g_autofree char *url = g_strdup_printf (
      "%s/v1/Workspaces/%s/Workers/%s/Reservations/%s", flex_emulator_get_base_url (self),
      flex_emulator_get_workspace_sid (self), reservation->worker_sid, reservation->sid);
  const char *members[][2] = {
    { "account_sid", self->account_sid },
    { "date_created", created },
    { "date_updated", updated },
    { "reservation_status", reservation->status },
    { "sid", reservation->sid },
    { "task_sid", reservation->task_sid },
    { "worker_name", _flex_emulator_taskrouter_worker_name (self, reservation->worker_sid) },
    { "worker_sid", reservation->worker_sid },
    { "workspace_sid", flex_emulator_get_workspace_sid (self) },
    { "url", url },
  };

  json_builder_begin_object (builder);
  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    {
      json_builder_set_member_name (builder, members[i][0]);
      json_builder_add_string_value (builder, members[i][1]);
    }
  json_builder_set_member_name (builder, "links");
  json_builder_begin_object (builder);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static Reservation *
context_reservation (FlexEmulatorContext *context)
{
  FlexEmulator *self = context->emulator;
  const char *workspace = g_hash_table_lookup (context->params, "WorkspaceSid");
  const char *worker = g_hash_table_lookup (context->params, "WorkerSid");
  const char *sid = g_hash_table_lookup (context->params, "Sid");
  Reservation *reservation = find_reservation (self, sid);

  if (g_strcmp0 (workspace, flex_emulator_get_workspace_sid (self)) != 0 || reservation == NULL ||
      g_strcmp0 (reservation->worker_sid, worker) != 0)
    {
      _flex_emulator_error (context, 404, 20404,
                            "The requested resource /Workers/%s/Reservations/%s was not found",
                            worker, sid);
      return NULL;
    }
  return reservation;
}

/* GET /v1/Workspaces/{WorkspaceSid}/Workers/{WorkerSid}/Reservations/{Sid} */
static void
handle_fetch_reservation (FlexEmulatorContext *context)
{
  Reservation *reservation = context_reservation (context);

  if (reservation != NULL)
    _flex_emulator_reply (context, 200, reservation_to_json (context->emulator, reservation), NULL);
}

/* POST …/Reservations/{Sid}: ReservationStatus accepted, rejected or
 * completed, as TaskRouter allows them. */
static void
handle_update_reservation (FlexEmulatorContext *context)
{
  FlexEmulator *self = context->emulator;
  Reservation *reservation = context_reservation (context);
  const char *status = g_hash_table_lookup (context->form, "ReservationStatus");
  JsonNode *task;
  gboolean allowed;

  if (reservation == NULL)
    return;
  if (status == NULL)
    {
      _flex_emulator_reply (context, 200, reservation_to_json (self, reservation), NULL);
      return;
    }
  allowed = ((g_str_equal (status, "accepted") || g_str_equal (status, "rejected")) &&
             g_str_equal (reservation->status, "pending")) ||
            (g_str_equal (status, "completed") && g_str_equal (reservation->status, "accepted"));
  if (!allowed)
    {
      /* TaskRouter: 20001 for a transition it does not allow. */
      _flex_emulator_error (context, 400, 20001,
                            "Cannot change the reservation status from %s to %s",
                            reservation->status, status);
      return;
    }
  task = _flex_emulator_taskrouter_find_task (self, reservation->task_sid);
  set_reservation_status (self, reservation, status);
  if (task != NULL)
    {
      if (g_str_equal (status, "accepted"))
        _flex_emulator_taskrouter_set_task_status (self, task, "assigned", NULL);
      else if (g_str_equal (status, "rejected"))
        _flex_emulator_taskrouter_set_task_status (self, task, "pending", NULL);
    }
  _flex_emulator_reply (context, 200, reservation_to_json (self, reservation), NULL);
}

/* Requests: POST /v1/wschannels */

#define MAX_REQUEST_BYTES (64 * 1024)

/* The worker a token's `task_router` grant names (one of the workspace's),
 * and when the token expires (epoch seconds). */
static gboolean
worker_of_token (
    FlexEmulator *self, const char *token, char **worker_sid, gint64 *expires_s, char **message)
{
  g_autoptr (JsonObject) claims = NULL;
  int error_code = 0;
  JsonNode *node;
  JsonObject *grant = NULL;
  const char *worker = NULL;

  /* The agent's Flex token (opaque): its own worker. */
  if (token != NULL && strchr (token, '.') == NULL)
    {
      gint64 expires_us = 0;
      const char *flex_worker = _flex_emulator_auth_worker (self, token, &expires_us);

      if (flex_worker == NULL)
        {
          *message = g_strdup ("Flex token expired or invalid");
          return FALSE;
        }
      *worker_sid = g_strdup (flex_worker);
      if (expires_s != NULL)
        *expires_s = expires_us / G_USEC_PER_SEC;
      return TRUE;
    }
  if (!_flex_emulator_read_jwt (self, token, &claims, &error_code, message))
    return FALSE;
  node = json_object_get_member (claims, "grants");
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    node = json_object_get_member (json_node_get_object (node), "task_router");
  else
    node = NULL;
  grant = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  worker =
      grant != NULL ? json_object_get_string_member_with_default (grant, "worker_sid", NULL) : NULL;
  if (worker == NULL || !_flex_emulator_taskrouter_has_worker (self, worker) ||
      g_strcmp0 (json_object_get_string_member_with_default (grant, "workspace_sid", NULL),
                 flex_emulator_get_workspace_sid (self)) != 0)
    {
      *message = g_strdup ("Access Token has no TaskRouter grant for this worker");
      return FALSE;
    }
  *worker_sid = g_strdup (worker);
  if (expires_s != NULL)
    *expires_s = json_object_get_int_member_with_default (claims, "exp", 0);
  return TRUE;
}

/* String parameters of a request, as a form or a query would bring them. */
static GHashTable *
params_of (JsonObject *object)
{
  GHashTable *params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  JsonNode *node = object != NULL ? json_object_get_member (object, "params") : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return params;
  for (GList *l = json_object_get_members (json_node_get_object (node)), *first = l; l != NULL;
       l = l->next, first = l == NULL ? (g_list_free (first), NULL) : first)
    {
      JsonNode *value = json_object_get_member (json_node_get_object (node), l->data);

      if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
        g_hash_table_insert (params, g_strdup (l->data), g_strdup (json_node_get_string (value)));
      else if (JSON_NODE_HOLDS_VALUE (value))
        g_hash_table_insert (params, g_strdup (l->data), json_to_string (value, FALSE));
    }
  return params;
}

/* A REST list page (`{"activities":[…],"meta":{"key":…,"next_page_url":…}}`)
 * as EventBridge gives lists: `{"contents":[…],"after_sid":…}`, the last
 * SID when there is more. */
static gboolean
as_contents (JsonBuilder *builder, JsonNode *answer)
{
  JsonObject *page = JSON_NODE_HOLDS_OBJECT (answer) ? json_node_get_object (answer) : NULL;
  JsonNode *meta = page != NULL ? json_object_get_member (page, "meta") : NULL;
  const char *key =
      meta != NULL && JSON_NODE_HOLDS_OBJECT (meta)
          ? json_object_get_string_member_with_default (json_node_get_object (meta), "key", NULL)
          : NULL;
  JsonNode *list = key != NULL ? json_object_get_member (page, key) : NULL;
  JsonNode *next = NULL;
  JsonArray *items;
  guint n;

  if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list))
    return FALSE;
  items = json_node_get_array (list);
  n = json_array_get_length (items);
  next = json_object_get_member (json_node_get_object (meta), "next_page_url");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "contents");
  json_builder_add_value (builder, json_node_ref (list));
  json_builder_set_member_name (builder, "after_sid");
  if (next != NULL && !JSON_NODE_HOLDS_NULL (next) && n > 0 &&
      JSON_NODE_HOLDS_OBJECT (json_array_get_element (items, n - 1)))
    json_builder_add_string_value (
        builder, json_object_get_string_member_with_default (
                     json_node_get_object (json_array_get_element (items, n - 1)), "sid", ""));
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  return TRUE;
}

/**
 * _flex_emulator_eventbridge_request:
 *
 * `POST /v1/wschannels` with `{"url":"Workspaces/WS…/…","method":…,
 * "params":{…},"token":…}`: the TaskRouter call a Flex-token client makes
 * through EventBridge, answered `{"payload": …}` (errors `{"message": …}`
 * with the HTTP status). The token's worker may act on itself only.
 */
void
_flex_emulator_eventbridge_request (FlexEmulator *self, GBytes *body, FlexEmulatorContext *context)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *worker = NULL;
  g_autofree char *message = NULL;
  g_autofree char *path = NULL;
  g_autoptr (GHashTable) params = NULL;
  g_autoptr (JsonNode) answer = NULL;
  JsonObject *request = NULL;
  const char *url, *method;
  guint status;

  if (body != NULL && g_bytes_get_size (body) <= MAX_REQUEST_BYTES &&
      json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
                                  (gssize) g_bytes_get_size (body), NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    request = json_node_get_object (json_parser_get_root (parser));
  url = request != NULL ? json_object_get_string_member_with_default (request, "url", NULL) : NULL;
  method = request != NULL ? json_object_get_string_member_with_default (request, "method", "GET")
                           : NULL;
  if (url == NULL || method == NULL ||
      (!g_str_equal (method, "GET") && !g_str_equal (method, "POST")) || strstr (url, "..") != NULL)
    {
      _flex_emulator_error (context, 400, 20001, "A request needs a url and a method");
      return;
    }
  if (!worker_of_token (self, json_object_get_string_member_with_default (request, "token", NULL),
                        &worker, NULL, &message))
    {
      _flex_emulator_error (context, 401, 20101, "%s", message);
      return;
    }
  /* Its own workspace, and of workers, itself only. */
  {
    g_autofree char *workspace =
        g_strdup_printf ("Workspaces/%s/", flex_emulator_get_workspace_sid (self));
    g_autofree char *others = g_strconcat (workspace, "Workers/", NULL);
    g_autofree char *mine = g_strconcat (others, worker, NULL);

    if (!g_str_has_prefix (url, workspace) ||
        (g_str_has_prefix (url, others) && !g_str_has_prefix (url, mine)))
      {
        _flex_emulator_error (context, 403, 20403, "The token's worker may not request %s", url);
        return;
      }
  }
  path = g_strconcat ("/v1/", url, NULL);
  params = params_of (request);
  status = _flex_emulator_dispatch (self, method, path, g_str_equal (method, "GET") ? params : NULL,
                                    g_str_equal (method, "POST") ? params : NULL, context->if_match,
                                    &answer);
  if (status >= 200 && status < 300)
    {
      g_autoptr (JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "payload");
      if (answer != NULL && as_contents (builder, answer))
        ;
      else
        json_builder_add_value (builder, answer != NULL ? json_node_ref (answer)
                                                        : json_node_new (JSON_NODE_NULL));
      json_builder_end_object (builder);
      _flex_emulator_reply (context, status, json_builder_get_root (builder), NULL);
    }
  else
    {
      const char *text = answer != NULL && JSON_NODE_HOLDS_OBJECT (answer)
                             ? json_object_get_string_member_with_default (
                                   json_node_get_object (answer), "message", "Failed")
                             : "Failed";

      _flex_emulator_error (context, status, 20001, "%s", text);
    }
}

/* The socket */

static gboolean
on_heartbeat (gpointer user_data)
{
  Channel *channel = user_data;

  /* A blank frame: what EventBridge sends to say it is there. */
  send_text (channel, " ");
  return G_SOURCE_CONTINUE;
}

static void
on_channel_closed (SoupWebsocketConnection *socket, gpointer user_data)
{
  Channel *channel = user_data;
  FlexEmulator *self = channel->emulator;
  g_autofree char *worker_sid = g_strdup (channel->worker_sid);
  gboolean offline = channel->offline_if_disconnected;

  g_ptr_array_remove (bridge_of (self)->channels, channel);
  /* The SDK's default: the worker goes Offline when its socket does. */
  if (offline && worker_sid != NULL)
    flex_emulator_set_worker_online (self, worker_sid, FALSE);
}

static gboolean
query_flag (GHashTable *query, const char *name)
{
  const char *value = query != NULL ? g_hash_table_lookup (query, name) : NULL;

  /* Both switches default to true, as in twilio-taskrouter. */
  return value == NULL || g_ascii_strcasecmp (value, "false") != 0;
}

static void
on_websocket (SoupServer *server,
              SoupServerMessage *message,
              const char *path,
              SoupWebsocketConnection *socket,
              gpointer user_data)
{
  FlexEmulator *self = user_data;
  FlexEmulatorEventBridge *bridge = bridge_of (self);
  GUri *uri = soup_server_message_get_uri (message);
  g_autoptr (GHashTable) query = NULL;
  g_autofree char *error_message = NULL;
  g_autofree char *worker_sid = NULL;
  gint64 expires_s = 0;
  Channel *channel;

  bridge->connections++;
  if (g_uri_get_query (uri) != NULL)
    query = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_NONE, NULL);
  if (!worker_of_token (self, query != NULL ? g_hash_table_lookup (query, "token") : NULL,
                        &worker_sid, &expires_s, &error_message))
    {
      g_debug ("EventBridge refused: %s", error_message);
      soup_websocket_connection_close (socket, 4001, error_message);
      return;
    }

  /* closeExistingSessions: the other sessions of this worker are closed
   * (the Flex UI in the browser is logged out). */
  if (query_flag (query, "closeExistingSessions"))
    for (guint i = bridge->channels->len; i > 0; i--)
      {
        Channel *other = g_ptr_array_index (bridge->channels, i - 1);

        if (g_strcmp0 (other->worker_sid, worker_sid) == 0)
          soup_websocket_connection_close (other->socket, 4409, "Session closed by a newer one");
      }

  channel = g_new0 (Channel, 1);
  channel->emulator = self;
  channel->socket = g_object_ref (socket);
  channel->worker_sid = g_strdup (worker_sid);
  channel->offline_if_disconnected = query_flag (query, "setWorkerOfflineIfDisconnected");
  soup_websocket_connection_set_max_incoming_payload_size (socket, EVENTBRIDGE_MAX_INCOMING_BYTES);
  /* Our own heartbeats; a client's frames are not needed. */
  soup_websocket_connection_set_keepalive_interval (socket, 0);
  g_signal_connect (socket, "closed", G_CALLBACK (on_channel_closed), channel);
  channel->heartbeat = g_timeout_add (bridge->heartbeat_ms, on_heartbeat, channel);
  g_ptr_array_add (bridge->channels, channel);

  {
    g_autoptr (JsonBuilder) builder = json_builder_new ();
    g_autoptr (JsonNode) payload = NULL;

    json_builder_begin_object (builder);
    json_builder_set_member_name (builder, "channel_id");
    json_builder_add_string_value (builder, worker_sid);
    json_builder_set_member_name (builder, "account_sid");
    json_builder_add_string_value (builder, self->account_sid);
    json_builder_set_member_name (builder, "workspace_sid");
    json_builder_add_string_value (builder, flex_emulator_get_workspace_sid (self));
    json_builder_set_member_name (builder, "token_lifetime");
    json_builder_add_int_value (builder,
                                (expires_s - flex_emulator_now_us (self) / G_USEC_PER_SEC) * 1000);
    json_builder_end_object (builder);
    payload = json_builder_get_root (builder);
    send_event_to (channel, "init", payload);
  }
}

static void
on_upgraded (SoupServerMessage *message, gpointer user_data)
{
  FlexEmulator *self = user_data;
  GIOStream *stream = soup_server_message_steal_connection (message);
  GUri *uri = soup_server_message_get_uri (message);
  g_autoptr (SoupWebsocketConnection) socket = soup_websocket_connection_new (
      stream, uri, SOUP_WEBSOCKET_CONNECTION_SERVER,
      soup_message_headers_get_one (soup_server_message_get_request_headers (message), "Origin"),
      NULL, NULL);

  g_object_unref (stream);
  on_websocket (NULL, message, g_uri_get_path (uri), socket, self);
}

/**
 * _flex_emulator_eventbridge_upgrade:
 *
 * A WebSocket upgrade of /v1/wschannels, which libsoup hands the path's
 * plain callback (the path also takes requests): answered 101 here and, once
 * written, made a socket. Returns whether @message was one.
 */
gboolean
_flex_emulator_eventbridge_upgrade (FlexEmulator *self, SoupServerMessage *message)
{
  GUri *uri = soup_server_message_get_uri (message);

  if (g_strcmp0 (g_uri_get_path (uri), "/v1/wschannels") != 0 ||
      !soup_websocket_server_check_handshake (message, NULL, NULL, NULL, NULL))
    return FALSE;
  if (soup_websocket_server_process_handshake (message, NULL, NULL, NULL, NULL))
    g_signal_connect (message, "wrote-informational", G_CALLBACK (on_upgraded), self);
  return TRUE;
}

void
_flex_emulator_eventbridge_add_routes (FlexEmulator *self)
{
  _flex_emulator_add_route (self, "GET",
                            "/v1/Workspaces/{WorkspaceSid}/Workers/{WorkerSid}/Reservations/{Sid}",
                            "FetchWorkerReservation", handle_fetch_reservation);
  _flex_emulator_add_route (self, "POST",
                            "/v1/Workspaces/{WorkspaceSid}/Workers/{WorkerSid}/Reservations/{Sid}",
                            "UpdateWorkerReservation", handle_update_reservation);
  soup_server_add_websocket_handler (self->server, "/v1/wschannels", NULL, NULL, on_websocket, self,
                                     NULL);
}

/* Public: the sandbox's and the tests' handles */

/**
 * flex_emulator_ring:
 * @from: the caller's address (a number, `whatsapp:+…`, a chat id)
 * @name: (nullable): the task's `name` attribute
 * @channel: `voice`, `sms`, `whatsapp`, `web`, …
 *
 * An inbound task, as a call or message reaching the contact centre: routed
 * by the workflow to an available worker, whose sockets see
 * `reservation.created`.
 *
 * Returns: (transfer full): the task's SID
 */
char *
flex_emulator_ring (FlexEmulator *self, const char *from, const char *name, const char *channel)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) attributes = NULL;
  g_autofree char *text = NULL;
  g_autoptr (JsonNode) task = NULL;

  g_return_val_if_fail (FLEX_IS_EMULATOR (self), NULL);
  g_return_val_if_fail (from != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "direction");
  json_builder_add_string_value (builder, "inbound");
  json_builder_set_member_name (builder, "from");
  json_builder_add_string_value (builder, from);
  json_builder_set_member_name (builder, "to");
  json_builder_add_string_value (builder, "+18005550100");
  json_builder_set_member_name (builder, "channelType");
  json_builder_add_string_value (builder, channel != NULL ? channel : "voice");
  if (name != NULL)
    {
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, name);
    }
  json_builder_end_object (builder);
  attributes = json_builder_get_root (builder);
  text = json_to_string (attributes, FALSE);
  task = _flex_emulator_taskrouter_create_task (self, text, NULL, 120, 0);
  return g_strdup (json_object_get_string_member (json_node_get_object (task), "sid"));
}

/**
 * flex_emulator_get_reservation:
 * @task_sid: the task
 * @status: (out) (optional) (transfer none): its status
 *
 * Returns: (nullable): the SID of the last reservation of @task_sid
 */
const char *
flex_emulator_get_reservation (FlexEmulator *self, const char *task_sid, const char **status)
{
  FlexEmulatorEventBridge *bridge;

  g_return_val_if_fail (FLEX_IS_EMULATOR (self), NULL);
  bridge = bridge_of (self);
  for (guint i = bridge->reservations->len; i > 0; i--)
    {
      Reservation *reservation = g_ptr_array_index (bridge->reservations, i - 1);

      if (g_strcmp0 (reservation->task_sid, task_sid) == 0)
        {
          if (status != NULL)
            *status = reservation->status;
          return reservation->sid;
        }
    }
  return NULL;
}

/**
 * flex_emulator_set_reservation_status:
 *
 * What a Flex UI did with a reservation (accepted it elsewhere, say).
 */
gboolean
flex_emulator_set_reservation_status (FlexEmulator *self,
                                      const char *reservation_sid,
                                      const char *status)
{
  Reservation *reservation;
  JsonNode *task;

  g_return_val_if_fail (FLEX_IS_EMULATOR (self), FALSE);
  reservation = find_reservation (self, reservation_sid);
  if (reservation == NULL)
    return FALSE;
  task = _flex_emulator_taskrouter_find_task (self, reservation->task_sid);
  set_reservation_status (self, reservation, status);
  if (task != NULL && g_str_equal (status, "accepted"))
    _flex_emulator_taskrouter_set_task_status (self, task, "assigned", NULL);
  return TRUE;
}

void
flex_emulator_set_reservation_timeout (FlexEmulator *self, guint seconds)
{
  g_return_if_fail (FLEX_IS_EMULATOR (self));
  bridge_of (self)->reservation_timeout_s = MAX (seconds, 1);
}

void
flex_emulator_set_eventbridge_heartbeat (FlexEmulator *self, guint milliseconds)
{
  g_return_if_fail (FLEX_IS_EMULATOR (self));
  bridge_of (self)->heartbeat_ms = MAX (milliseconds, 10);
}

/**
 * flex_emulator_eventbridge_drop:
 *
 * Drops every EventBridge socket without a close frame (a network failure).
 */
void
flex_emulator_eventbridge_drop (FlexEmulator *self)
{
  FlexEmulatorEventBridge *bridge;

  g_return_if_fail (FLEX_IS_EMULATOR (self));
  bridge = bridge_of (self);
  for (guint i = bridge->channels->len; i > 0; i--)
    {
      Channel *channel = g_ptr_array_index (bridge->channels, i - 1);
      GIOStream *stream = soup_websocket_connection_get_io_stream (channel->socket);

      g_io_stream_close (stream, NULL, NULL);
    }
}

/**
 * flex_emulator_eventbridge_count:
 * @connections: (out) (optional): sockets ever opened
 *
 * Returns: the sockets open now
 */
guint
flex_emulator_eventbridge_count (FlexEmulator *self, guint *connections)
{
  g_return_val_if_fail (FLEX_IS_EMULATOR (self), 0);
  if (connections != NULL)
    *connections = bridge_of (self)->connections;
  return bridge_of (self)->channels->len;
}
