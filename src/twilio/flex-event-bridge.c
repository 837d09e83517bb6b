/* flex-event-bridge.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flex-event-bridge"

#include "config.h"

#include "flex-event-bridge.h"

#include <libsoup/soup.h>
#include <string.h>

#include "flex-json.h"

/*
 * FlexEventBridge: the worker's live TaskRouter events, one WebSocket to
 * EventBridge (FLEX-SESSION.md §3) with a token the token source makes (an
 * access token with a `task_router` grant for this worker).
 *
 * A companion app must never change what the agent's Flex UI does: it
 * always connects with closeExistingSessions=false (the SDK's default logs
 * the other sessions — the agent's browser — out) and
 * setWorkerOfflineIfDisconnected=false (the default sets the agent Offline
 * whenever this app's socket drops, the laptop sleeps or the app quits).
 *
 * Frames are JSON `{event_type, payload}`; blank frames are heartbeats. With
 * nothing heard for the silence timeout (30 s) the socket is dropped and made
 * again, after a full-jitter back-off of up to 30 s; a new token is asked
 * for at each connect. Frames are bounded (64 KiB, JSON depth as everywhere),
 * and the upgrade never follows a redirect.
 */

#define MAX_FRAME_BYTES    (64 * 1024)
#define DEFAULT_SILENCE_MS 30000
#define MAX_BACKOFF_MS     30000
#define FIRST_BACKOFF_MS   1000
#define CONNECT_TIMEOUT_MS 20000
#define CLIENT_VERSION     "flex-contacts-" PACKAGE_VERSION

struct _FlexEventBridge
{
  GObject parent_instance;

  char *url;
  FlexTokenSource *tokens;
  SoupSession *session;
  SoupWebsocketConnection *connection;
  GCancellable *cancellable;
  gboolean running;
  gboolean connected; /* init received */
  gboolean fetching;  /* a token is being made */
  guint attempt;      /* failures in a row */
  guint reconnect_id;
  guint silence_id;
  guint connect_timeout_id;
  guint silence_ms;
  guint n_connects;
};

enum
{
  PROP_0,
  PROP_CONNECTED,
  N_PROPS
};

enum
{
  SIGNAL_EVENT,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (FlexEventBridge, flex_event_bridge, G_TYPE_OBJECT)

static void open_socket (FlexEventBridge *self);

static void
set_connected (FlexEventBridge *self, gboolean connected)
{
  if (self->connected == connected)
    return;
  self->connected = connected;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTED]);
}

static void
drop_connection (FlexEventBridge *self)
{
  g_clear_handle_id (&self->silence_id, g_source_remove);
  g_clear_handle_id (&self->connect_timeout_id, g_source_remove);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->connection != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->connection, self);
      if (soup_websocket_connection_get_state (self->connection) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (self->connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      g_clear_object (&self->connection);
    }
  set_connected (self, FALSE);
}

static gboolean
on_reconnect (gpointer user_data)
{
  FlexEventBridge *self = user_data;

  self->reconnect_id = 0;
  open_socket (self);
  return G_SOURCE_REMOVE;
}

/* Full jitter: a random wait up to min(30 s, 1 s × 2^attempt). */
static void
schedule_reconnect (FlexEventBridge *self, const char *why)
{
  guint ceiling;
  guint delay;

  drop_connection (self);
  if (!self->running || self->reconnect_id != 0)
    return;
  ceiling = MIN ((guint64) FIRST_BACKOFF_MS << MIN (self->attempt, 5), MAX_BACKOFF_MS);
  delay = (guint) g_random_int_range (0, (gint32) ceiling + 1);
  self->attempt++;
  g_debug ("EventBridge: %s; again in %u ms", why, delay);
  self->reconnect_id = g_timeout_add (MAX (delay, 10), on_reconnect, self);
}

static gboolean
on_silence (gpointer user_data)
{
  FlexEventBridge *self = user_data;

  self->silence_id = 0;
  schedule_reconnect (self, "nothing heard");
  return G_SOURCE_REMOVE;
}

static void
heard (FlexEventBridge *self)
{
  g_clear_handle_id (&self->silence_id, g_source_remove);
  self->silence_id = g_timeout_add (self->silence_ms, on_silence, self);
}

static gboolean
is_blank (const char *data, gsize length)
{
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isspace (data[i]))
      return FALSE;
  return TRUE;
}

static void
on_message (SoupWebsocketConnection *connection, int type, GBytes *bytes, FlexEventBridge *self)
{
  gsize length = 0;
  const char *data = g_bytes_get_data (bytes, &length);
  g_autofree char *text = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GError) error = NULL;
  JsonObject *frame;
  const char *event_type;
  JsonNode *payload;

  heard (self);
  if (data == NULL || is_blank (data, length))
    return; /* a heartbeat */
  if (length > MAX_FRAME_BYTES)
    return;
  text = g_strndup (data, length);
  root = flex_json_from_string (text, &error);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_debug ("EventBridge: a frame that is no JSON object ignored");
      return;
    }
  frame = json_node_get_object (root);
  event_type = json_object_get_string_member_with_default (frame, "event_type", NULL);
  payload = json_object_get_member (frame, "payload");
  if (event_type == NULL || strlen (event_type) > 64 || payload == NULL ||
      !JSON_NODE_HOLDS_OBJECT (payload))
    return;
  if (g_str_equal (event_type, "init"))
    {
      self->attempt = 0;
      set_connected (self, TRUE);
    }
  g_signal_emit (self, signals[SIGNAL_EVENT], 0, event_type, json_node_get_object (payload));
}

static void
on_closed (SoupWebsocketConnection *connection, FlexEventBridge *self)
{
  g_autofree char *why =
      g_strdup_printf ("closed (%u)", soup_websocket_connection_get_close_code (connection));

  schedule_reconnect (self, why);
}

static void
on_connected (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (FlexEventBridge) self = user_data;
  g_autoptr (GError) error = NULL;
  SoupWebsocketConnection *connection;

  connection = soup_session_websocket_connect_finish (SOUP_SESSION (object), result, &error);
  if (connection == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        schedule_reconnect (self, error->message);
      return;
    }
  g_clear_handle_id (&self->connect_timeout_id, g_source_remove);
  if (!self->running)
    {
      soup_websocket_connection_close (connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      g_object_unref (connection);
      return;
    }
  self->connection = connection;
  self->n_connects++;
  soup_websocket_connection_set_max_incoming_payload_size (connection, MAX_FRAME_BYTES);
  g_signal_connect (connection, "message", G_CALLBACK (on_message), self);
  g_signal_connect (connection, "closed", G_CALLBACK (on_closed), self);
  heard (self);
}

static gboolean
on_connect_timeout (gpointer user_data)
{
  FlexEventBridge *self = user_data;

  self->connect_timeout_id = 0;
  schedule_reconnect (self, "no answer in time");
  return G_SOURCE_REMOVE;
}

static void
on_token (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (FlexEventBridge) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *token = NULL;
  g_autoptr (GUri) base = NULL;
  g_autoptr (GUri) uri = NULL;
  g_autoptr (SoupMessage) message = NULL;
  g_autofree char *query = NULL;
  g_autofree char *escaped = NULL;

  token = flex_token_source_get_token_finish (FLEX_TOKEN_SOURCE (object), result, NULL, &error);
  self->fetching = FALSE;
  if (!self->running || self->connection != NULL || self->cancellable != NULL)
    return;
  if (token == NULL)
    {
      schedule_reconnect (self, error->message);
      return;
    }
  base = g_uri_parse (self->url, G_URI_FLAGS_NONE, NULL);
  escaped = g_uri_escape_string (token, NULL, FALSE);
  /* Never the SDK's defaults: see the top of this file. */
  query = g_strdup_printf ("token=%s&closeExistingSessions=false"
                           "&setWorkerOfflineIfDisconnected=false&clientVersion=%s",
                           escaped, CLIENT_VERSION);
  uri =
      g_uri_build (G_URI_FLAGS_ENCODED_QUERY, g_uri_get_scheme (base), NULL, g_uri_get_host (base),
                   g_uri_get_port (base), g_uri_get_path (base), query, NULL);
  message = soup_message_new_from_uri (SOUP_METHOD_GET, uri);
  /* The socket made is the one asked for: a redirect is refused. */
  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);
  self->cancellable = g_cancellable_new ();
  soup_session_websocket_connect_async (self->session, message, NULL, NULL, G_PRIORITY_DEFAULT,
                                        self->cancellable, on_connected, g_object_ref (self));
  self->connect_timeout_id = g_timeout_add (CONNECT_TIMEOUT_MS, on_connect_timeout, self);
}

static void
open_socket (FlexEventBridge *self)
{
  if (!self->running || self->connection != NULL || self->cancellable != NULL || self->fetching)
    return;
  /* A token for each connect: a renewed one is used at the next. */
  self->fetching = TRUE;
  flex_token_source_get_token_async (self->tokens, NULL, on_token, g_object_ref (self));
}

static void
flex_event_bridge_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  FlexEventBridge *self = FLEX_EVENT_BRIDGE (object);

  switch (prop_id)
    {
      case PROP_CONNECTED:
        g_value_set_boolean (value, self->connected);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flex_event_bridge_dispose (GObject *object)
{
  FlexEventBridge *self = FLEX_EVENT_BRIDGE (object);

  self->running = FALSE;
  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  drop_connection (self);
  g_clear_object (&self->tokens);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (flex_event_bridge_parent_class)->dispose (object);
}

static void
flex_event_bridge_finalize (GObject *object)
{
  FlexEventBridge *self = FLEX_EVENT_BRIDGE (object);

  g_free (self->url);

  G_OBJECT_CLASS (flex_event_bridge_parent_class)->finalize (object);
}

static void
flex_event_bridge_class_init (FlexEventBridgeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = flex_event_bridge_get_property;
  object_class->dispose = flex_event_bridge_dispose;
  object_class->finalize = flex_event_bridge_finalize;

  /* Whether EventBridge said `init` on the socket there is now. */
  properties[PROP_CONNECTED] = g_param_spec_boolean ("connected", NULL, NULL, FALSE,
                                                     G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * FlexEventBridge::event:
   * @event_type: "init", "reservation.created", "worker.activity.update", …
   * @payload: the event's payload object
   */
  signals[SIGNAL_EVENT] =
      g_signal_new ("event", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                    G_TYPE_NONE, 2, G_TYPE_STRING, JSON_TYPE_OBJECT);
}

static void
flex_event_bridge_init (FlexEventBridge *self)
{
  self->silence_ms = DEFAULT_SILENCE_MS;
}

/**
 * flex_event_bridge_new:
 * @url: (nullable): the EventBridge socket (`wss://…/v1/wschannels`);
 *   %NULL: Twilio's
 *
 * Returns: (transfer full) (nullable): the client, or %NULL for a @url
 *   that is no ws:// or wss:// address (ws:// only to this machine)
 */
FlexEventBridge *
flex_event_bridge_new (const char *url, FlexTokenSource *tokens)
{
  FlexEventBridge *self;
  g_autoptr (GUri) uri = NULL;
  const char *scheme;
  const char *host;

  g_return_val_if_fail (FLEX_IS_TOKEN_SOURCE (tokens), NULL);

  if (url == NULL)
    url = FLEX_EVENT_BRIDGE_DEFAULT_URL;
  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  host = uri != NULL ? g_uri_get_host (uri) : NULL;
  /* The token travels in the query: never in the clear beyond this host. */
  if (host == NULL || g_uri_get_userinfo (uri) != NULL ||
      !(g_strcmp0 (scheme, "wss") == 0 ||
        (g_strcmp0 (scheme, "ws") == 0 &&
         (g_str_equal (host, "127.0.0.1") || g_str_equal (host, "localhost") ||
          g_str_equal (host, "::1")))))
    return NULL;

  self = g_object_new (FLEX_TYPE_EVENT_BRIDGE, NULL);
  self->url = g_strdup (url);
  self->tokens = g_object_ref (tokens);
  self->session = soup_session_new ();
  return self;
}

/**
 * flex_event_bridge_url_from_environment:
 *
 * `FLEX_TWILIO_EVENTBRIDGE_URL` when set; else, when
 * `FLEX_TWILIO_TASKROUTER_URL` points at a local emulator, its
 * `ws://…/v1/wschannels`; else %NULL (Twilio's).
 *
 * Returns: (transfer full) (nullable): the URL
 */
char *
flex_event_bridge_url_from_environment (void)
{
  const char *url = g_getenv ("FLEX_TWILIO_EVENTBRIDGE_URL");
  const char *taskrouter_url = g_getenv ("FLEX_TWILIO_TASKROUTER_URL");
  g_autoptr (GUri) uri = NULL;
  g_autoptr (GUri) socket_uri = NULL;

  if (url != NULL && *url != '\0')
    return g_strdup (url);
  if (taskrouter_url == NULL || !g_str_has_prefix (taskrouter_url, "http://"))
    return NULL;
  uri = g_uri_parse (taskrouter_url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return NULL;
  socket_uri = g_uri_build (G_URI_FLAGS_NONE, "ws", NULL, g_uri_get_host (uri),
                            g_uri_get_port (uri), "/v1/wschannels", NULL, NULL);
  return g_uri_to_string (socket_uri);
}

void
flex_event_bridge_start (FlexEventBridge *self)
{
  g_return_if_fail (FLEX_IS_EVENT_BRIDGE (self));

  if (self->running)
    return;
  self->running = TRUE;
  self->attempt = 0;
  open_socket (self);
}

/* Closes the socket (normally: EventBridge is told nothing else). */
void
flex_event_bridge_stop (FlexEventBridge *self)
{
  g_return_if_fail (FLEX_IS_EVENT_BRIDGE (self));

  self->running = FALSE;
  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  drop_connection (self);
}

gboolean
flex_event_bridge_get_connected (FlexEventBridge *self)
{
  g_return_val_if_fail (FLEX_IS_EVENT_BRIDGE (self), FALSE);
  return self->connected;
}

/* For tests: how long without a frame (heartbeats included) means gone. */
void
flex_event_bridge_set_silence_timeout (FlexEventBridge *self, guint milliseconds)
{
  g_return_if_fail (FLEX_IS_EVENT_BRIDGE (self));
  self->silence_ms = MAX (milliseconds, 10);
}

/* Sockets opened so far (reconnects included). */
guint
flex_event_bridge_get_n_connects (FlexEventBridge *self)
{
  g_return_val_if_fail (FLEX_IS_EVENT_BRIDGE (self), 0);
  return self->n_connects;
}
