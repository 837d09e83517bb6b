/* flex-emulator-twilsock.c
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
 * The Twilsock face of the emulator: `ws://127.0.0.1:PORT/v3/wsconnect`, as
 * SYNC-PUSH.md describes it and as twilsock@1.0.2 / twilio-sync@4.0.1 speak
 * it. Frames are parsed here on their own (not with the app's codec), so that
 * a bug in one is not hidden by the same bug in the other.
 *
 * It answers `init` (checking the access token: its signature when the
 * emulator has an API key as --auth, its expiry always, by the emulator's
 * clock), `update`, and `message` (CDS requests, routed by path whatever the
 * host; `/v4/Subscriptions` here, the rest in flex-emulator-sync.c). Every
 * change of a map the connection subscribed to is pushed as a notification,
 * and `establish` with a `last_event_id` replays what was missed. Fault
 * switches: drop every socket, send `close` with a code, announce token
 * expiry, delay events, stay silent, refuse, send raw bytes.
 */

#define MAX_BATCH_SIZE 100

typedef struct
{
  FlexEmulator *emulator; /* unowned */
  SoupWebsocketConnection *socket;
  gboolean initialized;
  char *service_sid;
  gint64 token_expires_s;
  GHashTable *subscriptions; /* map SID → itself */
  guint64 next_id;
  guint64 serial;           /* to find it again later, if it is still open */
  GHashTable *awaiting_ack; /* ids of the messages we sent that need a reply */
} Connection;

struct _FlexEmulatorTwilsock
{
  GPtrArray *connections;

  guint event_delay_ms;
  gboolean silent;
  guint64 last_serial;
  gboolean refuse;
  guint ttl_in_s;
  guint estimated_delivery_ms;

  GHashTable *continuation_tokens; /* issued by us */
  FlexEmulatorTwilsockStats stats;
  guint corrupt_count; /* CDS answers still to replace with corrupt_body */
  char *corrupt_body;
};

/* Members that may be missing or of another type (json-glib 1.6's getters
 * are critical about both). */
static JsonObject *
object_member (JsonObject *object, const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static G_GNUC_UNUSED JsonArray *
array_member (JsonObject *object, const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static void
connection_free (Connection *connection)
{
  g_signal_handlers_disconnect_by_data (connection->socket, connection);
  if (soup_websocket_connection_get_state (connection->socket) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (connection->socket, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
  g_object_unref (connection->socket);
  g_hash_table_unref (connection->subscriptions);
  g_hash_table_unref (connection->awaiting_ack);
  g_free (connection->service_sid);
  g_free (connection);
}

static FlexEmulatorTwilsock *
twilsock_of (FlexEmulator *self)
{
  return self->twilsock;
}

/* Frames */

static void
send_frame (Connection *connection, JsonObject *header, JsonNode *payload)
{
  g_autoptr (JsonNode) header_node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *header_text = NULL;
  g_autofree char *payload_text = NULL;
  g_autofree char *frame = NULL;
  gsize payload_length = 0;

  if (soup_websocket_connection_get_state (connection->socket) != SOUP_WEBSOCKET_STATE_OPEN)
    return;

  if (payload != NULL)
    {
      payload_text = json_to_string (payload, FALSE);
      payload_length = strlen (payload_text);
      json_object_set_string_member (header, "payload_type", "application/json");
    }
  json_object_set_int_member (header, "payload_size", payload_length);
  json_node_set_object (header_node, header);
  header_text = json_to_string (header_node, FALSE);
  frame = g_strdup_printf ("TWILSOCK V3.0 %zu\r\n%s\r\n%s", strlen (header_text), header_text,
                           payload_text != NULL ? payload_text : "");
  soup_websocket_connection_send_binary (connection->socket, frame, strlen (frame));
}

static JsonObject *
reply_header (const char *id, guint code, const char *status)
{
  JsonObject *header = json_object_new ();
  JsonObject *status_object = json_object_new ();

  json_object_set_string_member (header, "method", "reply");
  json_object_set_string_member (header, "id", id);
  json_object_set_int_member (status_object, "code", code);
  json_object_set_string_member (status_object, "status", status);
  json_object_set_object_member (header, "status", status_object);
  return header;
}

static char *
next_message_id (Connection *connection)
{
  return g_strdup_printf ("TM%032" G_GINT64_MODIFIER "x", ++connection->next_id);
}

static void
send_notification (Connection *connection, const char *message_type, JsonNode *payload)
{
  g_autoptr (JsonObject) header = json_object_new ();
  g_autofree char *id = next_message_id (connection);

  json_object_set_string_member (header, "method", "notification");
  json_object_set_string_member (header, "id", id);
  g_hash_table_add (connection->awaiting_ack, g_strdup (id));
  json_object_set_string_member (header, "message_type", message_type);
  send_frame (connection, header, payload);
  twilsock_of (connection->emulator)->stats.notifications++;
}

static void
send_close (Connection *connection, guint code, const char *status, gint backoff_ms)
{
  g_autoptr (JsonObject) header = json_object_new ();
  g_autoptr (JsonObject) status_object = json_object_new ();
  g_autofree char *id = next_message_id (connection);
  g_autoptr (JsonNode) payload = NULL;

  json_object_set_string_member (header, "method", "close");
  json_object_set_string_member (header, "id", id);
  g_hash_table_add (connection->awaiting_ack, g_strdup (id));
  json_object_set_int_member (status_object, "code", code);
  json_object_set_string_member (status_object, "status", status);
  json_object_set_object_member (header, "status", g_steal_pointer (&status_object));
  if (backoff_ms >= 0)
    {
      JsonObject *policy = json_object_new ();
      JsonObject *object = json_object_new ();

      json_object_set_int_member (policy, "reconnect_min_ms", backoff_ms);
      json_object_set_object_member (object, "backoff_policy", policy);
      payload = json_node_init_object (json_node_alloc (), object);
      json_object_unref (object);
    }
  send_frame (connection, header, payload);
}

/* Parses one frame; a message with anything else is a protocol error. */
static gboolean
parse_frame (GBytes *message, JsonObject **header, JsonNode **payload)
{
  gsize size;
  const char *data = g_bytes_get_data (message, &size);
  const char *end = memchr (data, '\r', MIN (size, 40));
  g_autoptr (JsonParser) parser = json_parser_new ();
  guint64 header_length;
  gint64 payload_size;
  g_autofree char *length_text = NULL;
  gsize offset;

  if (end == NULL || size < 16 || memcmp (data, "TWILSOCK V3.0 ", 14) != 0 ||
      end + 1 >= data + size || end[1] != '\n')
    return FALSE;
  length_text = g_strndup (data + 14, end - (data + 14));
  if (!g_ascii_string_to_unsigned (length_text, 10, 1, size, &header_length, NULL))
    return FALSE;
  offset = (end - data) + 2;
  if (offset + header_length + 2 > size ||
      !json_parser_load_from_data (parser, data + offset, header_length, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return FALSE;
  *header = json_object_ref (json_node_get_object (json_parser_get_root (parser)));
  offset += header_length + 2;
  payload_size = json_object_get_int_member_with_default (*header, "payload_size", 0);
  *payload = NULL;
  if (payload_size < 0 || offset + payload_size > size)
    {
      g_clear_pointer (header, json_object_unref);
      return FALSE;
    }
  /* A payload that is not JSON is kept as null: twilio-sync@4.0.1 sends
   * the grant's name ("data_sync") as the body of a DELETE, and the service
   * takes it. Requests that need a body answer 400 for it. */
  if (payload_size > 0)
    {
      g_autoptr (JsonParser) body = json_parser_new ();

      if (json_parser_load_from_data (body, data + offset, payload_size, NULL))
        *payload = json_parser_steal_root (body);
      else
        g_debug ("twilsock: a payload that is not JSON (%" G_GINT64_FORMAT " bytes); ignored",
                 payload_size);
    }
  return TRUE;
}

/* Tokens */

/**
 * _flex_emulator_read_jwt:
 * @claims: (out): the token's claims, when it is good
 *
 * Reads an access token as Twilio would: three parts, a JSON payload, the
 * signature of the emulator's API key (when it has one), an expiry in the
 * future. @error_code and @message say what is wrong otherwise (20101 bad,
 * 20104 expired).
 */
gboolean
_flex_emulator_read_jwt (
    FlexEmulator *self, const char *token, JsonObject **claims, int *error_code, char **message)
{
  g_auto (GStrv) parts = NULL;
  g_autofree guchar *payload_text = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *read;
  gsize length = 0;
  gint64 now_s = flex_emulator_now_us (self) / G_USEC_PER_SEC;

  *error_code = 20101;
  if (token != NULL)
    self->n_account_credentials++; /* signed with an API key */
  if (token == NULL || strlen (token) > 64 * 1024 ||
      g_strv_length (parts = g_strsplit (token, ".", -1)) != 3)
    {
      *message = g_strdup ("Invalid Access Token");
      return FALSE;
    }
  {
    GString *text = g_string_new (parts[1]);

    g_strdelimit (text->str, "-", '+');
    g_strdelimit (text->str, "_", '/');
    while (text->len % 4 != 0)
      g_string_append_c (text, '=');
    payload_text = g_base64_decode (text->str, &length);
    g_string_free (text, TRUE);
  }
  if (length == 0 || !json_parser_load_from_data (parser, (char *) payload_text, length, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      *message = g_strdup ("Invalid Access Token payload");
      return FALSE;
    }
  read = json_node_get_object (json_parser_get_root (parser));

  /* The signature, when we know the key. */
  if (self->auth_username != NULL && g_str_has_prefix (self->auth_username, "SK") &&
      self->auth_password != NULL)
    {
      g_autofree char *input = g_strconcat (parts[0], ".", parts[1], NULL);
      g_autoptr (GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, (const guchar *) self->auth_password,
                                           strlen (self->auth_password));
      guint8 digest[32];
      gsize digest_length = sizeof digest;
      g_autofree char *expected = NULL;

      g_hmac_update (hmac, (const guchar *) input, -1);
      g_hmac_get_digest (hmac, digest, &digest_length);
      expected = _flex_emulator_base64url (digest, digest_length);
      if (!g_str_equal (expected, parts[2]) ||
          g_strcmp0 (json_object_get_string_member_with_default (read, "iss", NULL),
                     self->auth_username) != 0)
        {
          *message = g_strdup ("Invalid Access Token signature");
          return FALSE;
        }
    }

  if (json_object_get_int_member_with_default (read, "exp", 0) <= now_s)
    {
      *error_code = 20104;
      *message = g_strdup ("Access Token expired or expiration date invalid");
      return FALSE;
    }
  *claims = json_object_ref (read);
  return TRUE;
}

static gboolean
check_token (Connection *connection, const char *token, int *error_code, char **message)
{
  g_autoptr (JsonObject) claims = NULL;
  JsonObject *grants, *sync_grant;
  gint64 flex_expires_us = 0;

  /* An agent's Flex token (opaque): the account's default Sync service. */
  if (token != NULL && strchr (token, '.') == NULL)
    {
      if (_flex_emulator_auth_worker (connection->emulator, token, &flex_expires_us) == NULL)
        {
          *error_code = 20104;
          *message = g_strdup ("Flex token expired or invalid");
          return FALSE;
        }
      g_free (connection->service_sid);
      connection->service_sid = g_strdup ("default");
      connection->token_expires_s = flex_expires_us / G_USEC_PER_SEC;
      return TRUE;
    }
  if (!_flex_emulator_read_jwt (connection->emulator, token, &claims, error_code, message))
    return FALSE;
  grants = object_member (claims, "grants");
  sync_grant = grants != NULL ? object_member (grants, "data_sync") : NULL;
  if (sync_grant == NULL)
    {
      *error_code = 20101;
      *message = g_strdup ("Access Token has no Sync grant");
      return FALSE;
    }

  g_free (connection->service_sid);
  connection->service_sid =
      g_strdup (json_object_get_string_member_with_default (sync_grant, "service_sid", NULL));
  connection->token_expires_s = json_object_get_int_member (claims, "exp");
  return TRUE;
}

static void
reply_token_error (Connection *connection, const char *id, int error_code, const char *message)
{
  g_autoptr (JsonObject) header = reply_header (id, 401, message);
  JsonObject *status = object_member (header, "status");

  json_object_set_int_member (status, "errorCode", error_code);
  send_frame (connection, header, NULL);
}

/* Subscriptions */

typedef struct
{
  GWeakRef emulator;
  guint64 serial;
  gint64 correlation_id;
  gboolean establish;
  GPtrArray *requests; /* JsonNode of the request objects */
} Poke;

static void
poke_free (Poke *poke)
{
  g_weak_ref_clear (&poke->emulator);
  g_ptr_array_unref (poke->requests);
  g_free (poke);
}

/* The connection of @serial, if the emulator and it are still there. */
static Connection *
find_connection (GWeakRef *emulator_ref, guint64 serial, FlexEmulator **emulator)
{
  FlexEmulator *self = g_weak_ref_get (emulator_ref);
  FlexEmulatorTwilsock *twilsock = self != NULL ? twilsock_of (self) : NULL;

  *emulator = self; /* a reference, for the caller to drop */
  if (twilsock == NULL)
    return NULL;
  for (guint i = 0; i < twilsock->connections->len; i++)
    {
      Connection *connection = g_ptr_array_index (twilsock->connections, i);

      if (connection->serial == serial)
        return connection;
    }
  return NULL;
}

static void
send_subscription_event (Connection *connection,
                         const char *type,
                         gint64 correlation_id,
                         JsonObject *event)
{
  g_autoptr (JsonObject) payload = json_object_new ();
  g_autoptr (JsonNode) node = NULL;

  json_object_set_string_member (payload, "event_type", type);
  json_object_set_int_member (payload, "correlation_id", correlation_id);
  json_object_set_object_member (payload, "event", json_object_ref (event));
  node = json_node_init_object (json_node_alloc (), payload);
  send_notification (connection, "twilio.sync.event", node);
}

static void
run_poke (Poke *poke, Connection *connection)
{
  FlexEmulator *self = connection->emulator;

  for (guint i = 0; i < poke->requests->len; i++)
    {
      JsonObject *request = json_node_get_object (g_ptr_array_index (poke->requests, i));
      const char *object = json_object_get_string_member_with_default (request, "object_sid", "");
      const char *map_sid = _flex_emulator_sync_map_sid (self, connection->service_sid, object);
      g_autoptr (JsonObject) event = json_object_new ();
      g_autoptr (GPtrArray) events = NULL;
      guint64 last_event_id = 0;
      gboolean complete = TRUE;
      JsonNode *after_node = json_object_get_member (request, "last_event_id");
      gint64 after = after_node != NULL && json_node_get_value_type (after_node) == G_TYPE_INT64
                         ? json_node_get_int (after_node)
                         : -1;

      json_object_set_string_member (event, "object_sid", object);
      json_object_set_string_member (
          event, "object_type",
          json_object_get_string_member_with_default (request, "object_type", "map"));

      if (!poke->establish)
        {
          g_hash_table_remove (connection->subscriptions, object);
          send_subscription_event (connection, "subscription_canceled", poke->correlation_id,
                                   event);
          continue;
        }

      if (map_sid == NULL ||
          !_flex_emulator_sync_replay (self, connection->service_sid, map_sid, after, &events,
                                       &last_event_id, &complete))
        {
          JsonObject *error = json_object_new ();

          json_object_set_int_member (error, "code", 54200);
          json_object_set_string_member (error, "message", "Map not found");
          json_object_set_object_member (event, "error", error);
          send_subscription_event (connection, "subscription_failed", poke->correlation_id, event);
          continue;
        }

      g_hash_table_add (connection->subscriptions, g_strdup (map_sid));
      for (guint e = 0; e < events->len; e++)
        send_notification (connection, "twilio.sync.event", g_ptr_array_index (events, e));
      twilsock_of (self)->stats.replayed += events->len;
      json_object_set_string_member (event, "replay_status",
                                     complete ? "completed" : "interrupted");
      json_object_set_int_member (event, "last_event_id", (gint64) last_event_id);
      send_subscription_event (connection, "subscription_established", poke->correlation_id, event);
    }
}

static gboolean
run_poke_if_alive (gpointer user_data)
{
  Poke *poke = user_data;
  FlexEmulator *self = NULL;
  Connection *connection = find_connection (&poke->emulator, poke->serial, &self);

  /* The emulator's last reference may be ours now: drop it after. */
  if (connection != NULL)
    run_poke (poke, connection);
  g_clear_object (&self);
  return G_SOURCE_REMOVE;
}

static void
handle_subscriptions (Connection *connection, JsonNode *body, guint *status, JsonNode **response)
{
  FlexEmulatorTwilsock *twilsock = twilsock_of (connection->emulator);
  JsonObject *object =
      body != NULL && JSON_NODE_HOLDS_OBJECT (body) ? json_node_get_object (body) : NULL;
  const char *action =
      object != NULL ? json_object_get_string_member_with_default (object, "action", NULL) : NULL;
  JsonArray *requests = object != NULL ? array_member (object, "requests") : NULL;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  Poke *poke;

  if (action == NULL || requests == NULL ||
      (!g_str_equal (action, "establish") && !g_str_equal (action, "cancel")))
    {
      JsonObject *error = json_object_new ();

      json_object_set_int_member (error, "code", 20001);
      json_object_set_string_member (error, "message", "Invalid subscription request");
      json_object_set_int_member (error, "status", 400);
      *status = 400;
      *response = json_node_init_object (json_node_alloc (), error);
      json_object_unref (error);
      return;
    }

  poke = g_new0 (Poke, 1);
  g_weak_ref_init (&poke->emulator, connection->emulator);
  poke->serial = connection->serial;
  poke->establish = g_str_equal (action, "establish");
  poke->correlation_id = json_object_get_int_member_with_default (object, "correlation_id", 0);
  poke->requests = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  for (guint i = 0; i < json_array_get_length (requests); i++)
    if (JSON_NODE_HOLDS_OBJECT (json_array_get_element (requests, i)))
      g_ptr_array_add (poke->requests, json_node_copy (json_array_get_element (requests, i)));
  if (poke->establish)
    twilsock->stats.establishes++;

  /* The answer first, the events after it (as the service does). */
  g_timeout_add_full (G_PRIORITY_DEFAULT, twilsock->event_delay_ms, run_poke_if_alive, poke,
                      (GDestroyNotify) poke_free);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "max_batch_size");
  json_builder_add_int_value (builder, MAX_BATCH_SIZE);
  json_builder_set_member_name (builder, "ttl_in_s");
  json_builder_add_int_value (builder, twilsock->ttl_in_s);
  json_builder_set_member_name (builder, "estimated_delivery_in_ms");
  json_builder_add_int_value (builder, twilsock->estimated_delivery_ms);
  json_builder_end_object (builder);
  *status = 202;
  *response = json_builder_get_root (builder);
}

/* Upstream requests */

static const char *
status_text (guint status)
{
  const char *text = soup_status_get_phrase (status);

  return text != NULL ? text : "Unknown";
}

static void
handle_upstream (Connection *connection, JsonObject *header, JsonNode *payload)
{
  FlexEmulator *self = connection->emulator;
  const char *id = json_object_get_string_member_with_default (header, "id", "");
  JsonObject *request = object_member (header, "http_request");
  JsonObject *params_object = request != NULL ? object_member (request, "params") : NULL;
  JsonObject *headers = request != NULL ? object_member (request, "headers") : NULL;
  const char *method = request != NULL
                           ? json_object_get_string_member_with_default (request, "method", "GET")
                           : "GET";
  const char *path =
      request != NULL ? json_object_get_string_member_with_default (request, "path", "") : "";
  const char *host =
      request != NULL ? json_object_get_string_member_with_default (request, "host", NULL) : NULL;
  const char *if_match =
      headers != NULL ? json_object_get_string_member_with_default (headers, "If-Match", NULL)
                      : NULL;
  g_autoptr (GHashTable) params = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (JsonObject) reply = NULL;
  g_autoptr (JsonNode) response = NULL;
  JsonObject *http_status, *http_headers;
  guint status = 0;

  twilsock_of (self)->stats.upstream++;
  if (params_object != NULL)
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;

      json_object_iter_init (&iter, params_object);
      while (json_object_iter_next (&iter, &name, &value))
        if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
          g_hash_table_insert (params, (gpointer) name, (gpointer) json_node_get_string (value));
        else if (JSON_NODE_HOLDS_VALUE (value))
          {
            g_autofree char *text = json_to_string (value, FALSE);

            g_hash_table_insert (params, (gpointer) name,
                                 (gpointer) g_intern_string (text)); /* small, bounded set */
          }
    }

  if (g_str_equal (path, "/v4/Subscriptions") && g_str_equal (method, "POST"))
    handle_subscriptions (connection, payload, &status, &response);
  else if (twilsock_of (self)->corrupt_count > 0)
    {
      /* Fault: a made-up answer (a page whose next_token goes round, …). */
      twilsock_of (self)->corrupt_count--;
      status = 200;
      response = json_from_string (twilsock_of (self)->corrupt_body, NULL);
    }
  else
    _flex_emulator_sync_cds (self, connection->service_sid, host, method, path, params, if_match,
                             payload, &status, &response);

  reply = reply_header (id, 200, "OK");
  http_status = json_object_new ();
  json_object_set_int_member (http_status, "code", status);
  json_object_set_string_member (http_status, "status", status_text (status));
  json_object_set_object_member (reply, "http_status", http_status);
  http_headers = json_object_new ();
  json_object_set_string_member (http_headers, "Content-Type", "application/json");
  json_object_set_object_member (reply, "http_headers", http_headers);
  send_frame (connection, reply, response);
}

/* Incoming */

static void
handle_init (Connection *connection, JsonObject *header)
{
  const char *id = json_object_get_string_member_with_default (header, "id", "");
  g_autofree char *message = NULL;
  g_autoptr (JsonObject) reply = NULL;
  g_autofree char *continuation = NULL;
  int error_code = 0;

  if (!check_token (connection, json_object_get_string_member_with_default (header, "token", NULL),
                    &error_code, &message))
    {
      reply_token_error (connection, id, error_code, message);
      return;
    }

  connection->initialized = TRUE;
  twilsock_of (connection->emulator)->stats.inits++;
  {
    const char *previous =
        json_object_get_string_member_with_default (header, "continuation_token", NULL);

    if (previous != NULL &&
        g_hash_table_contains (twilsock_of (connection->emulator)->continuation_tokens, previous))
      twilsock_of (connection->emulator)->stats.resumed++;
  }
  continuation = g_strdup_printf ("CT%" G_GINT64_FORMAT "-%" G_GUINT64_FORMAT, g_get_real_time (),
                                  connection->serial);
  g_hash_table_add (twilsock_of (connection->emulator)->continuation_tokens,
                    g_strdup (continuation));
  reply = reply_header (id, 200, "OK");
  json_object_set_string_member (reply, "continuation_token", continuation);
  json_object_set_string_member (reply, "continuation_token_status", "FRESH");
  json_object_set_array_member (reply, "capabilities", json_array_new ());
  send_frame (connection, reply, NULL);
}

static void
handle_update (Connection *connection, JsonObject *header)
{
  const char *id = json_object_get_string_member_with_default (header, "id", "");
  g_autofree char *message = NULL;
  g_autoptr (JsonObject) reply = NULL;
  int error_code = 0;

  if (!check_token (connection, json_object_get_string_member_with_default (header, "token", NULL),
                    &error_code, &message))
    {
      reply_token_error (connection, id, error_code, message);
      return;
    }
  twilsock_of (connection->emulator)->stats.updates++;
  reply = reply_header (id, 200, "OK");
  send_frame (connection, reply, NULL);
}

static void
on_message (SoupWebsocketConnection *socket, int type, GBytes *message, gpointer user_data)
{
  Connection *connection = user_data;
  FlexEmulatorTwilsock *twilsock = twilsock_of (connection->emulator);
  g_autoptr (JsonObject) header = NULL;
  g_autoptr (JsonNode) payload = NULL;
  const char *method;

  if (twilsock->silent)
    return;

  if (!parse_frame (message, &header, &payload))
    {
      g_autofree char *text =
          g_strndup (g_bytes_get_data (message, NULL), MIN (g_bytes_get_size (message), 1400));
      g_autofree char *escaped = g_strescape (text, NULL);

      g_debug ("twilsock: a message that is not a frame (%s); closing with 406", escaped);
      send_close (connection, 406, "Not Acceptable", -1);
      return;
    }

  method = json_object_get_string_member_with_default (header, "method", "");
  if (g_str_equal (method, "reply"))
    {
      if (g_hash_table_remove (connection->awaiting_ack,
                               json_object_get_string_member_with_default (header, "id", "")))
        twilsock->stats.acks++;
      return;
    }
  if (g_str_equal (method, "init"))
    {
      handle_init (connection, header);
      return;
    }
  if (!connection->initialized)
    {
      send_close (connection, 417, "Expectation Failed", -1);
      return;
    }
  if (g_str_equal (method, "message"))
    handle_upstream (connection, header, payload);
  else if (g_str_equal (method, "update"))
    handle_update (connection, header);
  else if (g_str_equal (method, "close"))
    soup_websocket_connection_close (socket, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  else
    {
      g_autoptr (JsonObject) reply = reply_header (
          json_object_get_string_member_with_default (header, "id", ""), 400, "Bad Request");

      send_frame (connection, reply, NULL);
    }
}

static void
on_closed (SoupWebsocketConnection *socket, gpointer user_data)
{
  Connection *connection = user_data;
  FlexEmulatorTwilsock *twilsock = twilsock_of (connection->emulator);

  g_ptr_array_remove (twilsock->connections, connection);
}

static void
on_websocket (SoupServer *server,
              SoupServerMessage *message,
              const char *path,
              SoupWebsocketConnection *socket,
              gpointer user_data)
{
  FlexEmulator *self = user_data;
  FlexEmulatorTwilsock *twilsock = twilsock_of (self);
  Connection *connection;

  twilsock->stats.connections++;
  if (twilsock->refuse)
    {
      soup_websocket_connection_close (socket, SOUP_WEBSOCKET_CLOSE_SERVER_ERROR, "Refused");
      return;
    }

  connection = g_new0 (Connection, 1);
  connection->emulator = self;
  connection->socket = g_object_ref (socket);
  connection->subscriptions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  connection->serial = ++twilsock->last_serial;
  connection->awaiting_ack = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  soup_websocket_connection_set_max_incoming_payload_size (socket, 16 * 1024 * 1024);
  g_signal_connect (socket, "message", G_CALLBACK (on_message), connection);
  g_signal_connect (socket, "closed", G_CALLBACK (on_closed), connection);
  g_ptr_array_add (twilsock->connections, connection);
}

/* Publishing */

typedef struct
{
  GWeakRef emulator;
  guint64 serial;
  JsonNode *payload;
} Delayed;

static void
delayed_free (Delayed *delayed)
{
  g_weak_ref_clear (&delayed->emulator);
  json_node_unref (delayed->payload);
  g_free (delayed);
}

static gboolean
send_delayed (gpointer user_data)
{
  Delayed *delayed = user_data;
  FlexEmulator *self = NULL;
  Connection *connection = find_connection (&delayed->emulator, delayed->serial, &self);

  if (connection != NULL)
    send_notification (connection, "com.twilio.rtd.cds.map", delayed->payload);
  g_clear_object (&self);
  return G_SOURCE_REMOVE;
}

void
_flex_emulator_twilsock_publish (FlexEmulator *self, const char *map_sid, JsonNode *payload)
{
  FlexEmulatorTwilsock *twilsock = twilsock_of (self);

  if (twilsock == NULL)
    return;
  for (guint i = 0; i < twilsock->connections->len; i++)
    {
      Connection *connection = g_ptr_array_index (twilsock->connections, i);

      if (!connection->initialized || !g_hash_table_contains (connection->subscriptions, map_sid))
        continue;
      if (twilsock->event_delay_ms > 0)
        {
          Delayed *delayed = g_new0 (Delayed, 1);

          g_weak_ref_init (&delayed->emulator, self);
          delayed->serial = connection->serial;
          delayed->payload = json_node_ref (payload);
          g_timeout_add_full (G_PRIORITY_DEFAULT, twilsock->event_delay_ms, send_delayed, delayed,
                              (GDestroyNotify) delayed_free);
        }
      else
        send_notification (connection, "com.twilio.rtd.cds.map", payload);
    }
  /* A removed map ends its subscriptions. */
  if (g_str_equal (json_object_get_string_member_with_default (json_node_get_object (payload),
                                                               "event_type", ""),
                   "map_removed"))
    for (guint i = 0; i < twilsock->connections->len; i++)
      g_hash_table_remove (
          ((Connection *) g_ptr_array_index (twilsock->connections, i))->subscriptions, map_sid);
}

/* Tokens expire by the emulator's clock: check them when it moves. */
void
_flex_emulator_twilsock_clock_changed (FlexEmulator *self)
{
  FlexEmulatorTwilsock *twilsock = twilsock_of (self);
  gint64 now_s = flex_emulator_now_us (self) / G_USEC_PER_SEC;

  if (twilsock == NULL)
    return;
  for (guint i = twilsock->connections->len; i > 0; i--)
    {
      Connection *connection = g_ptr_array_index (twilsock->connections, i - 1);

      if (connection->initialized && connection->token_expires_s <= now_s)
        {
          send_close (connection, 410, "Token expired", -1);
          soup_websocket_connection_close (connection->socket, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
        }
    }
}

FlexEmulatorTwilsock *
_flex_emulator_twilsock_new (FlexEmulator *self)
{
  FlexEmulatorTwilsock *twilsock = g_new0 (FlexEmulatorTwilsock, 1);

  twilsock->connections = g_ptr_array_new_with_free_func ((GDestroyNotify) connection_free);
  twilsock->continuation_tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  twilsock->ttl_in_s = 3600;
  twilsock->estimated_delivery_ms = 5000;
  soup_server_add_websocket_handler (self->server, "/v3/wsconnect", NULL, NULL, on_websocket, self,
                                     NULL);
  return twilsock;
}

void
_flex_emulator_twilsock_free (FlexEmulatorTwilsock *twilsock)
{
  if (twilsock == NULL)
    return;
  g_ptr_array_unref (twilsock->connections);
  g_hash_table_unref (twilsock->continuation_tokens);
  g_free (twilsock->corrupt_body);
  g_free (twilsock);
}

/* Public: fault switches and figures */

/**
 * flex_emulator_twilsock_drop:
 *
 * Drops every socket at once, without a close frame (a network failure).
 */
void
flex_emulator_twilsock_drop (FlexEmulator *self)
{
  FlexEmulatorTwilsock *twilsock = twilsock_of (self);

  g_return_if_fail (FLEX_IS_EMULATOR (self));

  for (guint i = twilsock->connections->len; i > 0; i--)
    {
      Connection *connection = g_ptr_array_index (twilsock->connections, i - 1);
      GIOStream *stream = soup_websocket_connection_get_io_stream (connection->socket);

      g_io_stream_close (stream, NULL, NULL);
    }
  g_ptr_array_set_size (twilsock->connections, 0);
}

/**
 * flex_emulator_twilsock_send_close:
 * @code: the Twilsock status (308 offload, 406, 410, 401, …)
 * @backoff_ms: `backoff_policy.reconnect_min_ms`, or -1 for none
 *
 * Sends `close` on every socket, then closes them.
 */
void
flex_emulator_twilsock_send_close (FlexEmulator *self, guint code, gint backoff_ms)
{
  FlexEmulatorTwilsock *twilsock = twilsock_of (self);

  g_return_if_fail (FLEX_IS_EMULATOR (self));

  for (guint i = twilsock->connections->len; i > 0; i--)
    {
      Connection *connection = g_ptr_array_index (twilsock->connections, i - 1);

      send_close (connection, code, status_text (code), backoff_ms);
      soup_websocket_connection_close (connection->socket, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
    }
}

/**
 * flex_emulator_twilsock_announce_token_expiry:
 *
 * Sends `client_update` `token_about_to_expire` on every socket.
 */
void
flex_emulator_twilsock_announce_token_expiry (FlexEmulator *self)
{
  FlexEmulatorTwilsock *twilsock = twilsock_of (self);

  g_return_if_fail (FLEX_IS_EMULATOR (self));

  for (guint i = 0; i < twilsock->connections->len; i++)
    {
      Connection *connection = g_ptr_array_index (twilsock->connections, i);
      g_autoptr (JsonObject) header = json_object_new ();
      g_autofree char *id = next_message_id (connection);

      json_object_set_string_member (header, "method", "client_update");
      json_object_set_string_member (header, "id", id);
      g_hash_table_add (connection->awaiting_ack, g_strdup (id));
      json_object_set_string_member (header, "client_update_type", "token_about_to_expire");
      send_frame (connection, header, NULL);
    }
}

/**
 * flex_emulator_twilsock_send_raw:
 *
 * Sends @bytes as one binary message on every socket (malformed frames).
 */
void
flex_emulator_twilsock_send_raw (FlexEmulator *self, const void *bytes, gsize length)
{
  FlexEmulatorTwilsock *twilsock = twilsock_of (self);

  g_return_if_fail (FLEX_IS_EMULATOR (self));

  for (guint i = 0; i < twilsock->connections->len; i++)
    {
      Connection *connection = g_ptr_array_index (twilsock->connections, i);

      soup_websocket_connection_send_binary (connection->socket, bytes, length);
    }
}

/**
 * flex_emulator_twilsock_corrupt_next:
 * @body: the JSON every one of the next @count CDS requests is answered with
 *   (status 200)
 *
 * Fault injection for the CDS channel, as flex_emulator_corrupt_next() is
 * for REST.
 */
void
flex_emulator_twilsock_corrupt_next (FlexEmulator *self, guint count, const char *body)
{
  FlexEmulatorTwilsock *twilsock;

  g_return_if_fail (FLEX_IS_EMULATOR (self));

  twilsock = twilsock_of (self);
  twilsock->corrupt_count = count;
  g_free (twilsock->corrupt_body);
  twilsock->corrupt_body = g_strdup (body);
}

/**
 * flex_emulator_twilsock_set_event_delay:
 *
 * Holds every event (and subscription answer) back by @delay_ms.
 */
void
flex_emulator_twilsock_set_event_delay (FlexEmulator *self, guint delay_ms)
{
  g_return_if_fail (FLEX_IS_EMULATOR (self));
  twilsock_of (self)->event_delay_ms = delay_ms;
}

/**
 * flex_emulator_twilsock_set_silent:
 *
 * Accepts sockets and then says nothing at all.
 */
void
flex_emulator_twilsock_set_silent (FlexEmulator *self, gboolean silent)
{
  g_return_if_fail (FLEX_IS_EMULATOR (self));
  twilsock_of (self)->silent = silent;
}

/**
 * flex_emulator_twilsock_set_refuse:
 *
 * Closes every new socket at once (push cannot be had).
 */
void
flex_emulator_twilsock_set_refuse (FlexEmulator *self, gboolean refuse)
{
  g_return_if_fail (FLEX_IS_EMULATOR (self));
  twilsock_of (self)->refuse = refuse;
}

/**
 * flex_emulator_twilsock_set_subscription_timing:
 * @ttl_s: `ttl_in_s` of subscription answers (re-establish after it)
 * @estimated_delivery_ms: `estimated_delivery_in_ms` of establish answers
 */
void
flex_emulator_twilsock_set_subscription_timing (FlexEmulator *self,
                                                guint ttl_s,
                                                guint estimated_delivery_ms)
{
  g_return_if_fail (FLEX_IS_EMULATOR (self));
  twilsock_of (self)->ttl_in_s = ttl_s;
  twilsock_of (self)->estimated_delivery_ms = estimated_delivery_ms;
}

/**
 * flex_emulator_twilsock_get_stats:
 *
 * Returns: (transfer none): counts of what the Twilsock face saw and sent
 */
const FlexEmulatorTwilsockStats *
flex_emulator_twilsock_get_stats (FlexEmulator *self)
{
  g_return_val_if_fail (FLEX_IS_EMULATOR (self), NULL);
  return &twilsock_of (self)->stats;
}

/**
 * flex_emulator_twilsock_get_n_connections:
 *
 * Returns: how many sockets are open
 */
guint
flex_emulator_twilsock_get_n_connections (FlexEmulator *self)
{
  g_return_val_if_fail (FLEX_IS_EMULATOR (self), 0);
  return twilsock_of (self)->connections->len;
}

/**
 * flex_emulator_twilsock_get_unacknowledged:
 *
 * Returns: how many messages sent on the open sockets still wait for the
 *   client's acknowledgement
 */
guint
flex_emulator_twilsock_get_unacknowledged (FlexEmulator *self)
{
  FlexEmulatorTwilsock *twilsock;
  guint count = 0;

  g_return_val_if_fail (FLEX_IS_EMULATOR (self), 0);

  twilsock = twilsock_of (self);
  for (guint i = 0; i < twilsock->connections->len; i++)
    count += g_hash_table_size (
        ((Connection *) g_ptr_array_index (twilsock->connections, i))->awaiting_ack);
  return count;
}
