/* flex-twilsock.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flex-twilsock"

#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "flex-twilsock.h"
#include "flex-twilio-client.h"
#include "flex-json.h"
#include "flex-twilio-error.h"
#include "flex-twilsock-frame.h"

/*
 * FlexTwilsock: the client side of Twilsock, the one WebSocket over which the
 * Sync SDK gets pushed events and reaches the Sync data service (CDS).
 * SYNC-PUSH.md §2 has the protocol; Twilio's twilsock@1.0.2 is its reference.
 *
 * It opens the socket, sends `init` with an access token from a
 * FlexTokenSource (and the last continuation token), acknowledges every
 * message that is not a reply, matches replies to requests by id (giving up
 * after a timeout), updates the token before it expires or when the server
 * says it is about to, and obeys the server's `close` codes. When the socket
 * is lost it reconnects after an exponential backoff with jitter
 * (1 s … 2 min, ± 20 %); when it is refused for good (a rejected token, a
 * protocol error) it says why and tries again only after a long pause. The
 * WebSocket's own pings keep the connection alive: Twilsock has no
 * application-level ping.
 *
 * Everything that goes wrong is one g_debug() line and a state change, never
 * a crash: the owner falls back to polling while the state is not CONNECTED.
 */

#define DEFAULT_REQUEST_TIMEOUT_MS 30000
#define DEFAULT_BACKOFF_MIN_MS     1000
#define DEFAULT_BACKOFF_MAX_MS     (2 * 60 * 1000)
#define DEFAULT_FAILED_RETRY_MS    (10 * 60 * 1000)
#define BACKOFF_JITTER_PERCENT     20
#define KEEPALIVE_INTERVAL_S       30
#define MAX_INCOMING_PAYLOAD       (16 * 1024 * 1024)
#define TOKEN_REFRESH_LEAD_S       180

typedef enum
{
  PENDING_INIT,
  PENDING_UPDATE,
  PENDING_UPSTREAM,
} PendingKind;

typedef struct
{
  FlexTwilsock *self; /* unowned */
  char *id;
  PendingKind kind;
  GTask *task; /* upstream requests only */
  guint timeout_id;
} Pending;

struct _FlexTwilsock
{
  GObject parent_instance;

  char *url;
  FlexTokenSource *tokens;
  SoupSession *session;
  SoupWebsocketConnection *connection;
  FlexTwilsockDecoder *decoder;
  GCancellable *cancellable; /* of the connection attempt under way */

  FlexTwilsockState state;
  char *last_error;
  char *token;
  gint64 token_expires_us;
  char *continuation_token;
  gboolean token_retried;
  gboolean refreshing_token;

  GHashTable *pending; /* id → Pending */
  guint backoff_ms;
  guint reconnect_id;
  guint token_refresh_id;
  guint connect_timeout_id;

  guint request_timeout_ms;
  guint backoff_min_ms;
  guint backoff_max_ms;
  guint failed_retry_ms;

  guint n_connects;
  guint n_requests;
};

enum
{
  PROP_0,
  PROP_STATE,
  PROP_LAST_ERROR,
  N_PROPS
};

enum
{
  NOTIFICATION,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (FlexTwilsock, flex_twilsock, G_TYPE_OBJECT)

/* The access token opens the account's Sync: not left in freed memory. */
static void
wipe_token (char *token)
{
  if (token == NULL)
    return;
  explicit_bzero (token, strlen (token));
  g_free (token);
}

GType
flex_twilsock_state_get_type (void)
{
  static gsize type;

  if (g_once_init_enter (&type))
    {
      static const GEnumValue values[] = {
        { FLEX_TWILSOCK_STATE_STOPPED, "FLEX_TWILSOCK_STATE_STOPPED", "stopped" },
        { FLEX_TWILSOCK_STATE_CONNECTING, "FLEX_TWILSOCK_STATE_CONNECTING", "connecting" },
        { FLEX_TWILSOCK_STATE_CONNECTED, "FLEX_TWILSOCK_STATE_CONNECTED", "connected" },
        { FLEX_TWILSOCK_STATE_WAITING, "FLEX_TWILSOCK_STATE_WAITING", "waiting" },
        { FLEX_TWILSOCK_STATE_FAILED, "FLEX_TWILSOCK_STATE_FAILED", "failed" },
        { 0, NULL, NULL },
      };

      g_once_init_leave (&type, g_enum_register_static ("FlexTwilsockState", values));
    }

  return type;
}

static char *
new_message_id (void)
{
  g_autofree char *uuid = g_uuid_string_random ();
  GString *id = g_string_new ("TM");

  for (const char *p = uuid; *p != '\0'; p++)
    if (*p != '-')
      g_string_append_c (id, *p);
  return g_string_free (id, FALSE);
}

static void connect_now (FlexTwilsock *self);

/* State */

static void
set_state (FlexTwilsock *self, FlexTwilsockState state, const char *error_message)
{
  g_object_freeze_notify (G_OBJECT (self));
  if (g_strcmp0 (self->last_error, error_message) != 0)
    {
      g_free (self->last_error);
      self->last_error = g_strdup (error_message);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
    }
  if (self->state != state)
    {
      g_debug ("%s: %s%s%s", self->url,
               g_enum_get_value (g_type_class_peek (FLEX_TYPE_TWILSOCK_STATE), state)->value_nick,
               error_message != NULL ? ": " : "", error_message != NULL ? error_message : "");
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

/* Pending requests */

static void
pending_free (Pending *pending)
{
  g_clear_handle_id (&pending->timeout_id, g_source_remove);
  g_clear_object (&pending->task);
  g_free (pending->id);
  g_free (pending);
}

static void
fail_pending (FlexTwilsock *self, const char *message)
{
  g_autoptr (GHashTable) pending = g_steal_pointer (&self->pending);
  GHashTableIter iter;
  Pending *request;

  self->pending =
      g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) pending_free);
  g_hash_table_iter_init (&iter, pending);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &request))
    if (request->task != NULL)
      g_task_return_new_error (request->task, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_NETWORK, "%s",
                               message);
}

/* Tear-down and reconnect */

static void
on_message (SoupWebsocketConnection *connection, int type, GBytes *message, gpointer user_data);
static void on_closed (SoupWebsocketConnection *connection, gpointer user_data);
static void on_error (SoupWebsocketConnection *connection, GError *error, gpointer user_data);

static void
teardown (FlexTwilsock *self, const char *reason)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->token_refresh_id, g_source_remove);
  g_clear_handle_id (&self->connect_timeout_id, g_source_remove);

  if (self->connection != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->connection, self);
      if (soup_websocket_connection_get_state (self->connection) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (self->connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      g_clear_object (&self->connection);
    }
  flex_twilsock_decoder_reset (self->decoder);
  fail_pending (self, reason);
}

static gboolean
on_reconnect_timeout (gpointer user_data)
{
  FlexTwilsock *self = user_data;

  self->reconnect_id = 0;
  connect_now (self);
  return G_SOURCE_REMOVE;
}

/* Reconnects after @delay_ms, or after the next backoff step when it is -1. */
static void
schedule_reconnect (FlexTwilsock *self, const char *reason, gint64 delay_ms)
{
  teardown (self, reason);
  if (self->state == FLEX_TWILSOCK_STATE_STOPPED)
    return;

  if (delay_ms < 0)
    {
      guint jitter = self->backoff_ms * BACKOFF_JITTER_PERCENT / 100;

      delay_ms = self->backoff_ms - jitter + g_random_int_range (0, 2 * jitter + 1);
      self->backoff_ms = MIN (self->backoff_ms * 2, self->backoff_max_ms);
    }
  /* A delay the server chose (or 0 after an expired token) has a floor and a
   * ceiling: a hostile `reconnect_min_ms` of 0 (or 2^32, wrapping) made
   * 22,311 connections in 30 s. */
  delay_ms = CLAMP (delay_ms, (gint64) self->backoff_min_ms, (gint64) self->backoff_max_ms);

  g_debug ("%s: reconnecting in %" G_GINT64_FORMAT " ms (%s)", self->url, delay_ms, reason);
  set_state (self, FLEX_TWILSOCK_STATE_WAITING, reason);
  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  self->reconnect_id = g_timeout_add ((guint) delay_ms, on_reconnect_timeout, self);
}

/* Refused for good: say why, and try again only after a long pause. */
static void
set_failed (FlexTwilsock *self, const char *reason)
{
  teardown (self, reason);
  if (self->state == FLEX_TWILSOCK_STATE_STOPPED)
    return;
  set_state (self, FLEX_TWILSOCK_STATE_FAILED, reason);
  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  self->reconnect_id = g_timeout_add (self->failed_retry_ms, on_reconnect_timeout, self);
}

/* Sending */

static gboolean
send_frame (FlexTwilsock *self, JsonObject *header, JsonNode *payload)
{
  g_autoptr (GBytes) frame = NULL;
  g_autofree char *text = NULL;

  if (self->connection == NULL ||
      soup_websocket_connection_get_state (self->connection) != SOUP_WEBSOCKET_STATE_OPEN)
    return FALSE;

  if (payload != NULL)
    {
      g_autoptr (JsonGenerator) generator = json_generator_new ();

      json_generator_set_root (generator, payload);
      text = json_generator_to_data (generator, NULL);
      json_object_set_string_member (header, "payload_type", "application/json");
    }
  frame = flex_twilsock_frame_encode (header, text, -1);
  soup_websocket_connection_send_message (self->connection, SOUP_WEBSOCKET_DATA_BINARY, frame);
  return TRUE;
}

static gboolean
on_request_timeout (gpointer user_data)
{
  Pending *pending = user_data;
  FlexTwilsock *self = pending->self;
  g_autofree char *reason = NULL;

  pending->timeout_id = 0;
  g_debug ("%s: no reply to %s in %u ms", self->url, pending->id, self->request_timeout_ms);

  if (pending->kind == PENDING_UPSTREAM)
    {
      GTask *task = g_steal_pointer (&pending->task);

      g_hash_table_remove (self->pending, pending->id);
      g_task_return_new_error (task, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_TIMEOUT,
                               "The live-update service did not answer in time");
      g_object_unref (task);
      return G_SOURCE_REMOVE;
    }

  /* No answer to init or update: the connection is useless. */
  reason = g_strdup (pending->kind == PENDING_INIT
                         ? "The live-update service accepted the connection but did not answer"
                         : "The live-update service did not accept the new access token");
  schedule_reconnect (self, reason, -1);
  return G_SOURCE_REMOVE;
}

static Pending *
add_pending (FlexTwilsock *self, PendingKind kind, GTask *task)
{
  Pending *pending = g_new0 (Pending, 1);

  pending->self = self;
  pending->id = new_message_id ();
  pending->kind = kind;
  pending->task = task;
  pending->timeout_id = g_timeout_add (self->request_timeout_ms, on_request_timeout, pending);
  g_hash_table_insert (self->pending, pending->id, pending);
  return pending;
}

static void
send_init (FlexTwilsock *self)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  Pending *pending = add_pending (self, PENDING_INIT, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "method");
  json_builder_add_string_value (builder, "init");
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, pending->id);
  json_builder_set_member_name (builder, "token");
  json_builder_add_string_value (builder, self->token);
  json_builder_set_member_name (builder, "continuation_token");
  if (self->continuation_token != NULL)
    json_builder_add_string_value (builder, self->continuation_token);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "metadata");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "sync");
  json_builder_set_member_name (builder, "sdk");
  json_builder_add_string_value (builder, "C");
  json_builder_set_member_name (builder, "sdkv");
  json_builder_add_string_value (builder, PACKAGE_VERSION);
  json_builder_set_member_name (builder, "app");
  json_builder_add_string_value (builder, PACKAGE_NAME);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "registrations");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "product");
  json_builder_add_string_value (builder, "data_sync");
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "ers");
  json_builder_set_member_name (builder, "notification_protocol_version");
  json_builder_add_int_value (builder, 0);
  json_builder_set_member_name (builder, "message_types");
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, "twilio.sync.event");
  json_builder_add_string_value (builder, "com.twilio.rtd.cds.document");
  json_builder_add_string_value (builder, "com.twilio.rtd.cds.list");
  json_builder_add_string_value (builder, "com.twilio.rtd.cds.map");
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "capabilities");
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, "client_update");
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  send_frame (self, json_node_get_object (root), NULL);
}

static void
send_ack (FlexTwilsock *self, const char *id)
{
  g_autoptr (JsonObject) header = json_object_new ();
  g_autoptr (JsonObject) status = json_object_new ();

  json_object_set_string_member (header, "method", "reply");
  json_object_set_string_member (header, "id", id);
  json_object_set_string_member (header, "payload_type", "application/json");
  json_object_set_int_member (status, "code", 200);
  json_object_set_string_member (status, "status", "OK");
  json_object_set_object_member (header, "status", g_steal_pointer (&status));
  send_frame (self, header, NULL);
}

/* Tokens */

static void schedule_token_refresh (FlexTwilsock *self);

static void
send_update (FlexTwilsock *self)
{
  g_autoptr (JsonObject) header = json_object_new ();
  Pending *pending = add_pending (self, PENDING_UPDATE, NULL);

  json_object_set_string_member (header, "method", "update");
  json_object_set_string_member (header, "id", pending->id);
  json_object_set_string_member (header, "token", self->token);
  send_frame (self, header, NULL);
}

/* A token source that could not answer for now (offline, say) is asked
 * again later; one that says the sign-in is over (a Flex sign-in refused)
 * is not asked before the long pause. */
static gboolean
token_error_is_final (const GError *error)
{
  return g_error_matches (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_UNAUTHORIZED) ||
         g_error_matches (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_FORBIDDEN) ||
         g_error_matches (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_INVALID);
}

static void
on_refreshed_token (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (FlexTwilsock) self = user_data;
  g_autoptr (GError) error = NULL;
  gint64 expires_us = 0;
  char *token;

  self->refreshing_token = FALSE;
  token =
      flex_token_source_get_token_finish (FLEX_TOKEN_SOURCE (object), result, &expires_us, &error);
  if (self->state == FLEX_TWILSOCK_STATE_STOPPED)
    {
      g_free (token);
      return;
    }
  if (token == NULL)
    {
      if (token_error_is_final (error))
        set_failed (self, error->message);
      else if (self->state == FLEX_TWILSOCK_STATE_CONNECTED)
        /* The connection lasts while its token does: ask again. */
        schedule_token_refresh (self);
      return;
    }

  wipe_token (self->token);
  self->token = token;
  self->token_expires_us = expires_us;
  if (self->state == FLEX_TWILSOCK_STATE_CONNECTED)
    {
      send_update (self);
      schedule_token_refresh (self);
    }
}

static void
refresh_token (FlexTwilsock *self)
{
  if (self->refreshing_token)
    return;
  self->refreshing_token = TRUE;
  flex_token_source_get_token_async (self->tokens, NULL, on_refreshed_token, g_object_ref (self));
}

static gboolean
on_token_refresh_timeout (gpointer user_data)
{
  FlexTwilsock *self = user_data;

  self->token_refresh_id = 0;
  refresh_token (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_token_refresh (FlexTwilsock *self)
{
  gint64 now = g_get_real_time ();
  gint64 lifetime_s = (self->token_expires_us - now) / G_USEC_PER_SEC;
  gint64 lead_s = MIN (TOKEN_REFRESH_LEAD_S, lifetime_s / 5);

  g_clear_handle_id (&self->token_refresh_id, g_source_remove);
  if (self->token_expires_us == 0)
    return;
  self->token_refresh_id =
      g_timeout_add_seconds ((guint) MAX (1, lifetime_s - lead_s), on_token_refresh_timeout, self);
}

/* Replies */

static int
status_code (JsonObject *header, const char *member, int *error_code)
{
  JsonObject *status = flex_json_object_member (header, member);

  if (status == NULL)
    return 0;
  if (error_code != NULL)
    *error_code = (int) json_object_get_int_member_with_default (status, "errorCode", 0);
  return (int) json_object_get_int_member_with_default (status, "code", 0);
}

static void
handle_init_reply (FlexTwilsock *self, JsonObject *header, JsonNode *payload)
{
  int error_code = 0;
  int code = status_code (header, "status", &error_code);
  const char *continuation;

  if (code == 200)
    {
      continuation =
          json_object_get_string_member_with_default (header, "continuation_token", NULL);
      if (continuation != NULL)
        {
          g_free (self->continuation_token);
          self->continuation_token = g_strdup (continuation);
        }
      self->backoff_ms = self->backoff_min_ms;
      self->token_retried = FALSE;
      self->n_connects++;
      set_state (self, FLEX_TWILSOCK_STATE_CONNECTED, NULL);
      schedule_token_refresh (self);
      return;
    }

  if (code == 401 || code == 403)
    {
      /* An expired token: mint a fresh one and try once more at once. */
      flex_token_source_token_refused (self->tokens, self->token);
      if (error_code == 20104 && !self->token_retried)
        {
          self->token_retried = TRUE;
          g_clear_pointer (&self->token, wipe_token);
          schedule_reconnect (self, "The access token had expired", 0);
          return;
        }
      set_failed (self, "The live-update service refused the access token");
      return;
    }

  if (code == 429)
    {
      gint64 delay = -1;

      if (payload != NULL && JSON_NODE_HOLDS_OBJECT (payload))
        {
          JsonObject *policy =
              flex_json_object_member (json_node_get_object (payload), "backoff_policy");

          if (policy != NULL)
            delay = json_object_get_int_member_with_default (policy, "reconnect_min_ms", -1);
        }
      schedule_reconnect (self, "The live-update service is busy", delay);
      return;
    }

  {
    g_autofree char *reason =
        g_strdup_printf ("The live-update service refused to start (status %d)", code);

    schedule_reconnect (self, reason, -1);
  }
}

static void
handle_upstream_reply (FlexTwilsock *self, GTask *task, JsonObject *header, GBytes *bytes)
{
  int code = status_code (header, "status", NULL);
  int http = status_code (header, "http_status", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) body = NULL;

  if (code < 200 || code > 299)
    {
      g_task_return_new_error (task, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_NETWORK,
                               "The live-update service could not pass the request on (%d)", code);
      return;
    }

  body = flex_twilsock_payload_parse (header, bytes, &error);
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (http < 200 || http > 299)
    {
      JsonObject *object =
          body != NULL && JSON_NODE_HOLDS_OBJECT (body) ? json_node_get_object (body) : NULL;
      int twilio_code =
          object != NULL ? (int) json_object_get_int_member_with_default (object, "code", 0) : 0;
      const char *message =
          object != NULL ? json_object_get_string_member_with_default (object, "message", NULL)
                         : NULL;
      GError *http_error = NULL;

      flex_twilio_set_error (&http_error, flex_twilio_error_code_for_status (http, twilio_code),
                             http, twilio_code, NULL, "%s",
                             message != NULL ? message : "The request failed");
      g_task_set_task_data (task, GUINT_TO_POINTER (http), NULL);
      g_task_return_error (task, http_error);
      return;
    }

  g_task_set_task_data (task, GUINT_TO_POINTER (http), NULL);
  g_task_return_pointer (task,
                         body != NULL ? g_steal_pointer (&body) : json_node_new (JSON_NODE_NULL),
                         (GDestroyNotify) json_node_unref);
}

static void
handle_reply (FlexTwilsock *self, JsonObject *header, GBytes *bytes)
{
  const char *id = json_object_get_string_member_with_default (header, "id", NULL);
  Pending *pending = id != NULL ? g_hash_table_lookup (self->pending, id) : NULL;
  g_autoptr (GTask) task = NULL;
  PendingKind kind;

  if (pending == NULL)
    {
      g_debug ("%s: a reply to no request of ours (%s); ignored", self->url,
               id != NULL ? id : "no id");
      return;
    }

  kind = pending->kind;
  task = g_steal_pointer (&pending->task);
  g_hash_table_remove (self->pending, id);

  switch (kind)
    {
      case PENDING_INIT:
        {
          g_autoptr (JsonNode) payload = flex_twilsock_payload_parse (header, bytes, NULL);

          handle_init_reply (self, header, payload);
        }
        break;
      case PENDING_UPDATE:
        if (status_code (header, "status", NULL) != 200)
          schedule_reconnect (self, "The live-update service refused the new access token", -1);
        break;
      case PENDING_UPSTREAM:
        handle_upstream_reply (self, task, header, bytes);
        break;
      default:
        g_assert_not_reached ();
    }
}

/* Incoming */

static void
handle_close (FlexTwilsock *self, JsonObject *header, GBytes *bytes)
{
  int code = status_code (header, "status", NULL);
  g_autofree char *reason = NULL;

  switch (code)
    {
      case 308:
        {
          g_autoptr (JsonNode) payload = flex_twilsock_payload_parse (header, bytes, NULL);
          gint64 delay = self->backoff_min_ms;

          if (payload != NULL && JSON_NODE_HOLDS_OBJECT (payload))
            {
              JsonObject *policy =
                  flex_json_object_member (json_node_get_object (payload), "backoff_policy");

              if (policy != NULL)
                delay = json_object_get_int_member_with_default (policy, "reconnect_min_ms", delay);
            }
          schedule_reconnect (self, "The live-update service moved this connection", delay);
        }
        break;
      case 406:
      case 417:
        reason = g_strdup_printf ("The live-update service could not understand us (%d)", code);
        set_failed (self, reason);
        break;
      case 410:
        g_clear_pointer (&self->token, wipe_token);
        schedule_reconnect (self, "The access token expired", 0);
        break;
      case 401:
        g_clear_pointer (&self->token, wipe_token);
        schedule_reconnect (self, "The live-update service refused the access token", -1);
        break;
      default:
        reason = g_strdup_printf ("The live-update service closed the connection (%d)", code);
        schedule_reconnect (self, reason, -1);
        break;
    }
}

static void
handle_frame (FlexTwilsock *self, JsonObject *header, GBytes *bytes)
{
  const char *method = json_object_get_string_member (header, "method");
  const char *id = json_object_get_string_member_with_default (header, "id", NULL);

  if (g_str_equal (method, "reply"))
    {
      handle_reply (self, header, bytes);
      return;
    }

  if (id != NULL)
    send_ack (self, id);

  if (g_str_equal (method, "notification"))
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (JsonNode) payload = flex_twilsock_payload_parse (header, bytes, &error);
      const char *type = json_object_get_string_member_with_default (header, "message_type", "");

      if (payload == NULL)
        {
          g_debug ("%s: a notification without a usable payload: %s", self->url,
                   error != NULL ? error->message : "empty");
          return;
        }
      g_signal_emit (self, signals[NOTIFICATION], 0, type, payload);
    }
  else if (g_str_equal (method, "client_update"))
    {
      const char *type =
          json_object_get_string_member_with_default (header, "client_update_type", "");

      if (g_str_equal (type, "token_about_to_expire"))
        refresh_token (self);
      else
        g_debug ("%s: unknown client_update “%s”; ignored", self->url, type);
    }
  else if (g_str_equal (method, "close"))
    handle_close (self, header, bytes);
  else
    g_debug ("%s: unknown method “%s”; acknowledged and ignored", self->url, method);
}

static void
on_message (SoupWebsocketConnection *connection, int type, GBytes *message, gpointer user_data)
{
  g_autoptr (FlexTwilsock) self = g_object_ref (user_data);
  gsize size;
  const guint8 *data = g_bytes_get_data (message, &size);

  flex_twilsock_decoder_push (self->decoder, data, size);
  while (self->connection == connection)
    {
      g_autoptr (JsonObject) header = NULL;
      g_autoptr (GBytes) bytes = NULL;
      g_autoptr (GError) error = NULL;

      if (!flex_twilsock_decoder_next (self->decoder, &header, &bytes, &error))
        {
          if (error != NULL)
            {
              g_debug ("%s: %s", self->url, error->message);
              schedule_reconnect (self, error->message, -1);
            }
          return;
        }
      handle_frame (self, header, bytes);
    }
}

static void
on_closed (SoupWebsocketConnection *connection, gpointer user_data)
{
  FlexTwilsock *self = user_data;
  g_autofree char *reason =
      g_strdup_printf ("The connection to the live-update service was lost (%u)",
                       soup_websocket_connection_get_close_code (connection));

  schedule_reconnect (self, reason, -1);
}

static void
on_error (SoupWebsocketConnection *connection, GError *error, gpointer user_data)
{
  FlexTwilsock *self = user_data;

  g_debug ("%s: socket error: %s", self->url, error->message);
}

/* Connecting */

static void
on_connected (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (FlexTwilsock) self = user_data;
  g_autoptr (GError) error = NULL;
  SoupWebsocketConnection *connection;

  connection = soup_session_websocket_connect_finish (SOUP_SESSION (object), result, &error);
  if (connection != NULL || !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_clear_handle_id (&self->connect_timeout_id, g_source_remove);
  if (connection == NULL)
    {
      g_autofree char *reason = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      reason = g_strdup_printf ("Could not reach the live-update service: %s", error->message);
      schedule_reconnect (self, reason, -1);
      return;
    }

  if (self->state != FLEX_TWILSOCK_STATE_CONNECTING)
    {
      soup_websocket_connection_close (connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      g_object_unref (connection);
      return;
    }
  self->connection = connection;
  soup_websocket_connection_set_max_incoming_payload_size (connection, MAX_INCOMING_PAYLOAD);
  soup_websocket_connection_set_keepalive_interval (connection, KEEPALIVE_INTERVAL_S);
  g_signal_connect (connection, "message", G_CALLBACK (on_message), self);
  g_signal_connect (connection, "closed", G_CALLBACK (on_closed), self);
  g_signal_connect (connection, "error", G_CALLBACK (on_error), self);
  send_init (self);
}

/* The WebSocket handshake itself did not finish in time. */
static gboolean
on_connect_timeout (gpointer user_data)
{
  FlexTwilsock *self = user_data;

  self->connect_timeout_id = 0;
  schedule_reconnect (self, "The live-update service did not accept the connection in time", -1);
  return G_SOURCE_REMOVE;
}

static void
open_socket (FlexTwilsock *self)
{
  g_autoptr (SoupMessage) message = soup_message_new (SOUP_METHOD_GET, self->url);

  if (message == NULL)
    {
      set_failed (self, "The live-update address is not valid");
      return;
    }
  /* The connection libsoup makes is the one we checked: a redirect of the
   * upgrade (to plain ws://, or anywhere) is refused, not followed. */
  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  soup_session_websocket_connect_async (self->session, message, NULL, NULL, G_PRIORITY_DEFAULT,
                                        self->cancellable, on_connected, g_object_ref (self));
  self->connect_timeout_id = g_timeout_add (self->request_timeout_ms, on_connect_timeout, self);
}

static void
on_connect_token (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (FlexTwilsock) self = user_data;
  g_autoptr (GError) error = NULL;
  gint64 expires_us = 0;
  char *token;

  self->refreshing_token = FALSE;
  token =
      flex_token_source_get_token_finish (FLEX_TOKEN_SOURCE (object), result, &expires_us, &error);
  if (self->state != FLEX_TWILSOCK_STATE_CONNECTING)
    {
      g_free (token);
      return;
    }
  if (token == NULL)
    {
      if (token_error_is_final (error))
        set_failed (self, error->message);
      else
        schedule_reconnect (self, error->message, -1);
      return;
    }
  wipe_token (self->token);
  self->token = token;
  self->token_expires_us = expires_us;
  open_socket (self);
}

static void
connect_now (FlexTwilsock *self)
{
  gint64 now = g_get_real_time ();

  teardown (self, "Reconnecting");
  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  set_state (self, FLEX_TWILSOCK_STATE_CONNECTING, self->last_error);

  /* A token that expires within a minute is not worth sending. */
  if (self->token == NULL || self->token_expires_us - now < 60 * G_USEC_PER_SEC)
    {
      self->refreshing_token = TRUE;
      flex_token_source_get_token_async (self->tokens, NULL, on_connect_token, g_object_ref (self));
      return;
    }
  open_socket (self);
}

/* GObject */

static void
flex_twilsock_dispose (GObject *object)
{
  FlexTwilsock *self = FLEX_TWILSOCK (object);

  self->state = FLEX_TWILSOCK_STATE_STOPPED;
  teardown (self, "Stopped");
  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  g_clear_object (&self->session);
  g_clear_object (&self->tokens);

  G_OBJECT_CLASS (flex_twilsock_parent_class)->dispose (object);
}

static void
flex_twilsock_finalize (GObject *object)
{
  FlexTwilsock *self = FLEX_TWILSOCK (object);

  g_hash_table_unref (self->pending);
  flex_twilsock_decoder_free (self->decoder);
  g_free (self->url);
  g_free (self->last_error);
  wipe_token (self->token);
  g_free (self->continuation_token);

  G_OBJECT_CLASS (flex_twilsock_parent_class)->finalize (object);
}

static void
flex_twilsock_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  FlexTwilsock *self = FLEX_TWILSOCK (object);

  switch (prop_id)
    {
      case PROP_STATE:
        g_value_set_enum (value, self->state);
        break;
      case PROP_LAST_ERROR:
        g_value_set_string (value, self->last_error);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flex_twilsock_class_init (FlexTwilsockClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = flex_twilsock_dispose;
  object_class->finalize = flex_twilsock_finalize;
  object_class->get_property = flex_twilsock_get_property;

  properties[PROP_STATE] =
      g_param_spec_enum ("state", NULL, NULL, FLEX_TYPE_TWILSOCK_STATE, FLEX_TWILSOCK_STATE_STOPPED,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_LAST_ERROR] =
      g_param_spec_string ("last-error", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * FlexTwilsock::notification:
   * @message_type: the header's `message_type`
   * @payload: the parsed payload
   *
   * A notification arrived (already acknowledged).
   */
  signals[NOTIFICATION] =
      g_signal_new ("notification", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                    NULL, G_TYPE_NONE, 2, G_TYPE_STRING, JSON_TYPE_NODE);
}

static void
flex_twilsock_init (FlexTwilsock *self)
{
  self->pending =
      g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) pending_free);
  self->decoder = flex_twilsock_decoder_new ();
  self->session = soup_session_new ();
  self->request_timeout_ms = DEFAULT_REQUEST_TIMEOUT_MS;
  self->backoff_min_ms = DEFAULT_BACKOFF_MIN_MS;
  self->backoff_max_ms = DEFAULT_BACKOFF_MAX_MS;
  self->failed_retry_ms = DEFAULT_FAILED_RETRY_MS;
  self->backoff_ms = self->backoff_min_ms;
}

/**
 * flex_twilsock_new:
 * @url: (nullable): the socket, `wss://…/v3/wsconnect`; plain `ws://` only
 *   to this computer (the emulator). %NULL: Twilio's us1 region.
 * @tokens: where access tokens come from
 *
 * Returns: (transfer full) (nullable): the client, not yet started; %NULL
 *   when @url is not allowed
 */
FlexTwilsock *
flex_twilsock_new (const char *url, FlexTokenSource *tokens)
{
  FlexTwilsock *self;
  g_autofree char *http_url = NULL;

  g_return_val_if_fail (FLEX_IS_TOKEN_SOURCE (tokens), NULL);

  if (url == NULL)
    url = FLEX_TWILSOCK_DEFAULT_URL;
  /* The same rule as for REST: TLS, or loopback. */
  if (g_str_has_prefix (url, "wss://"))
    http_url = g_strconcat ("https://", url + strlen ("wss://"), NULL);
  else if (g_str_has_prefix (url, "ws://"))
    http_url = g_strconcat ("http://", url + strlen ("ws://"), NULL);
  if (http_url == NULL || !flex_twilio_check_url (http_url, NULL))
    return NULL;

  self = g_object_new (FLEX_TYPE_TWILSOCK, NULL);
  self->url = g_strdup (url);
  self->tokens = g_object_ref (tokens);
  return self;
}

const char *
flex_twilsock_get_url (FlexTwilsock *self)
{
  g_return_val_if_fail (FLEX_IS_TWILSOCK (self), NULL);
  return self->url;
}

FlexTwilsockState
flex_twilsock_get_state (FlexTwilsock *self)
{
  g_return_val_if_fail (FLEX_IS_TWILSOCK (self), FLEX_TWILSOCK_STATE_STOPPED);
  return self->state;
}

/**
 * flex_twilsock_get_last_error:
 *
 * Returns: (nullable): why the socket is not connected, in words
 */
const char *
flex_twilsock_get_last_error (FlexTwilsock *self)
{
  g_return_val_if_fail (FLEX_IS_TWILSOCK (self), NULL);
  return self->last_error;
}

/**
 * flex_twilsock_get_n_connects:
 *
 * Returns: how many times `init` succeeded
 */
guint
flex_twilsock_get_n_connects (FlexTwilsock *self)
{
  g_return_val_if_fail (FLEX_IS_TWILSOCK (self), 0);
  return self->n_connects;
}

/**
 * flex_twilsock_get_n_requests:
 *
 * Returns: how many upstream (CDS) requests were sent
 */
guint
flex_twilsock_get_n_requests (FlexTwilsock *self)
{
  g_return_val_if_fail (FLEX_IS_TWILSOCK (self), 0);
  return self->n_requests;
}

/**
 * flex_twilsock_set_timing:
 *
 * Timeouts and backoff in milliseconds (tests shorten them).
 */
void
flex_twilsock_set_timing (FlexTwilsock *self,
                          guint request_timeout_ms,
                          guint backoff_min_ms,
                          guint backoff_max_ms,
                          guint failed_retry_ms)
{
  g_return_if_fail (FLEX_IS_TWILSOCK (self));
  g_return_if_fail (request_timeout_ms > 0 && backoff_min_ms > 0);
  g_return_if_fail (backoff_max_ms >= backoff_min_ms && failed_retry_ms > 0);

  self->request_timeout_ms = request_timeout_ms;
  self->backoff_min_ms = backoff_min_ms;
  self->backoff_max_ms = backoff_max_ms;
  self->failed_retry_ms = failed_retry_ms;
  self->backoff_ms = backoff_min_ms;
}

void
flex_twilsock_start (FlexTwilsock *self)
{
  g_return_if_fail (FLEX_IS_TWILSOCK (self));

  if (self->state != FLEX_TWILSOCK_STATE_STOPPED)
    return;
  self->backoff_ms = self->backoff_min_ms;
  connect_now (self);
}

/**
 * flex_twilsock_stop:
 *
 * Says goodbye (`close`) and closes the socket; requests under way fail.
 */
void
flex_twilsock_stop (FlexTwilsock *self)
{
  g_return_if_fail (FLEX_IS_TWILSOCK (self));

  if (self->state == FLEX_TWILSOCK_STATE_CONNECTED)
    {
      g_autoptr (JsonObject) header = json_object_new ();
      g_autofree char *id = new_message_id ();

      json_object_set_string_member (header, "method", "close");
      json_object_set_string_member (header, "id", id);
      send_frame (self, header, NULL);
    }
  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  set_state (self, FLEX_TWILSOCK_STATE_STOPPED, NULL);
  teardown (self, "Stopped");
}

/**
 * flex_twilsock_reconnect:
 *
 * Drops the connection and connects again now (the network came back).
 */
void
flex_twilsock_reconnect (FlexTwilsock *self)
{
  g_return_if_fail (FLEX_IS_TWILSOCK (self));

  if (self->state == FLEX_TWILSOCK_STATE_STOPPED)
    return;
  self->backoff_ms = self->backoff_min_ms;
  connect_now (self);
}

/**
 * flex_twilsock_send_upstream_async:
 * @method: the HTTP method for the upstream service
 * @url: the upstream URL, e.g. `https://cds.us1.twilio.com/v3/Maps/x`; its
 *   query becomes `params`
 * @if_match: (nullable): the revision for `If-Match`
 * @body: (nullable): a JSON body
 *
 * Sends an HTTP request through the socket (SYNC-PUSH.md §3). Fails at once
 * with %FLEX_TWILIO_ERROR_NETWORK when not connected; a non-2xx answer is an
 * error of %FLEX_TWILIO_ERROR with the HTTP status and Twilio code.
 */
void
flex_twilsock_send_upstream_async (FlexTwilsock *self,
                                   const char *method,
                                   const char *url,
                                   const char *if_match,
                                   JsonNode *body,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GUri) uri = NULL;
  g_autoptr (JsonObject) header = NULL;
  g_autoptr (JsonObject) request = NULL;
  g_autoptr (JsonObject) params = NULL;
  g_autoptr (JsonObject) headers = NULL;
  g_autofree char *request_id = NULL;
  Pending *pending;

  g_return_if_fail (FLEX_IS_TWILSOCK (self));
  g_return_if_fail (method != NULL && url != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, flex_twilsock_send_upstream_async);

  if (self->state != FLEX_TWILSOCK_STATE_CONNECTED)
    {
      g_task_return_new_error (task, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_NETWORK,
                               "Not connected to the live-update service");
      return;
    }
  uri = g_uri_parse (url, G_URI_FLAGS_ENCODED_QUERY, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL)
    {
      g_task_return_new_error (task, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_FAILED,
                               "“%s” is not a URL", url);
      return;
    }

  params = json_object_new ();
  if (g_uri_get_query (uri) != NULL)
    {
      g_autoptr (GHashTable) query =
          g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_NONE, NULL);
      GHashTableIter iter;
      gpointer key, value;

      if (query != NULL)
        {
          g_hash_table_iter_init (&iter, query);
          while (g_hash_table_iter_next (&iter, &key, &value))
            json_object_set_string_member (params, key, value);
        }
    }

  request_id = new_message_id ();
  memcpy (request_id, "RQ", 2);
  headers = json_object_new ();
  json_object_set_string_member (headers, "Content-Type", "application/json");
  json_object_set_string_member (headers, "Twilio-Request-Id", request_id);
  if (if_match != NULL)
    json_object_set_string_member (headers, "If-Match", if_match);

  request = json_object_new ();
  json_object_set_string_member (request, "host", g_uri_get_host (uri));
  json_object_set_string_member (request, "path", g_uri_get_path (uri));
  json_object_set_string_member (request, "method", method);
  json_object_set_object_member (request, "params", g_steal_pointer (&params));
  json_object_set_object_member (request, "headers", g_steal_pointer (&headers));

  pending = add_pending (self, PENDING_UPSTREAM, g_steal_pointer (&task));
  header = json_object_new ();
  json_object_set_string_member (header, "method", "message");
  json_object_set_string_member (header, "id", pending->id);
  json_object_set_string_member (header, "active_grant", "data_sync");
  json_object_set_object_member (header, "http_request", g_steal_pointer (&request));
  self->n_requests++;
  if (!send_frame (self, header, body))
    {
      GTask *failed = g_steal_pointer (&pending->task);

      g_hash_table_remove (self->pending, pending->id);
      g_task_return_new_error (failed, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_NETWORK,
                               "Not connected to the live-update service");
      g_object_unref (failed);
    }
}

/**
 * flex_twilsock_send_upstream_finish:
 * @http_status: (out) (optional): the upstream HTTP status
 *
 * Returns: (transfer full) (nullable): the response body (a null node when
 *   there was none)
 */
JsonNode *
flex_twilsock_send_upstream_finish (FlexTwilsock *self,
                                    GAsyncResult *result,
                                    guint *http_status,
                                    GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  if (http_status != NULL)
    *http_status = GPOINTER_TO_UINT (g_task_get_task_data (G_TASK (result)));
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * flex_twilsock_url_from_environment:
 *
 * The socket to use: `FLEX_TWILIO_TWILSOCK_URL` when set; else, when
 * `FLEX_TWILIO_SYNC_URL` points at a local emulator, its
 * `ws://…/v3/wsconnect`; else %NULL (Twilio's).
 *
 * Returns: (transfer full) (nullable): the URL
 */
char *
flex_twilsock_url_from_environment (void)
{
  const char *url = g_getenv ("FLEX_TWILIO_TWILSOCK_URL");
  const char *sync_url = g_getenv ("FLEX_TWILIO_SYNC_URL");
  g_autoptr (GUri) uri = NULL;

  if (url != NULL && *url != '\0')
    return g_strdup (url);
  if (sync_url == NULL || !g_str_has_prefix (sync_url, "http://"))
    return NULL;
  uri = g_uri_parse (sync_url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return NULL;
  /* An IPv6 host goes back in brackets ("[::1]"); no port: the scheme's. */
  {
    const char *host = g_uri_get_host (uri);
    g_autoptr (GUri) socket_uri = g_uri_build (G_URI_FLAGS_NONE, "ws", NULL, host,
                                               g_uri_get_port (uri), "/v3/wsconnect", NULL, NULL);

    return g_uri_to_string (socket_uri);
  }
}
