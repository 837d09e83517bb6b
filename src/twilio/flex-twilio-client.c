/* flex-twilio-client.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flex-twilio"

#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "flex-twilio-client.h"

#include "flex-twilio-client-private.h"

#include "flex-event-bridge.h"
#include "flex-json.h"

/*
 * FlexTwilioClient: one SoupSession for all Twilio REST calls.
 *
 * - HTTP Basic auth with an API key SID + secret or Account SID + Auth Token.
 *   The secret is only ever put in the Authorization header; it is never
 *   logged and never part of a URL.
 * - Base URLs per API, overridable (FLEX_TWILIO_SYNC_URL,
 *   FLEX_TWILIO_TASKROUTER_URL, FLEX_TWILIO_FLEX_URL or
 *   flex_twilio_client_set_base_url()); plain HTTP only to loopback.
 * - Every request has a timeout. 429 and 503 (the server said it did not
 *   process the request) and connection failures before anything was sent are
 *   retried for every method; timeouts, dropped connections and other 5xx
 *   only for idempotent methods (GET, DELETE). Back-off is exponential with
 *   jitter, honours Retry-After, and is bounded in count and in total time.
 * - Or, signed in with Flex (flex_twilio_client_new_for_token()), no account
 *   credential at all: the agent's Flex token, asked of the token source for
 *   each request, as `token:` Basic auth to the Flex API, and TaskRouter's
 *   requests sent through EventBridge (flex-event-bridge-request.c). Sync's
 *   REST API takes account credentials only: its maps go over the socket
 *   (flex_sync_map_set_stream()), and a Sync REST request is refused here.
 */

#define DEFAULT_TIMEOUT_S     20
#define DEFAULT_MAX_RETRIES   4
#define DEFAULT_BASE_DELAY_MS 500
#define DEFAULT_MAX_TOTAL_MS  30000
#define MAX_SINGLE_DELAY_MS   10000
#define MAX_RESPONSE_BYTES    (8 * 1024 * 1024)
#define READ_CHUNK_BYTES      (64 * 1024)
/* An attempt ends after this many times the I/O timeout, whatever the
 * server trickles (a byte every 5 s held one for 150 s). */
#define ATTEMPT_DEADLINE_FACTOR 2

enum
{
  SIGNAL_RETRY,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (FlexTwilioClient, flex_twilio_client, G_TYPE_OBJECT)

static const struct
{
  const char *env;
  const char *url;
} default_urls[FLEX_TWILIO_N_APIS] = {
  [FLEX_TWILIO_API_SYNC] = { "FLEX_TWILIO_SYNC_URL", "https://sync.twilio.com" },
  [FLEX_TWILIO_API_TASKROUTER] = { "FLEX_TWILIO_TASKROUTER_URL", "https://taskrouter.twilio.com" },
  [FLEX_TWILIO_API_FLEX] = { "FLEX_TWILIO_FLEX_URL", "https://flex-api.twilio.com" },
};

static void
end_attempt (Request *request, GCancellable *caller)
{
  if (request->deadline_source != NULL)
    {
      g_source_destroy (request->deadline_source);
      g_clear_pointer (&request->deadline_source, g_source_unref);
    }
  if (request->caller_cancel_id != 0 && caller != NULL)
    g_cancellable_disconnect (caller, request->caller_cancel_id);
  request->caller_cancel_id = 0;
  g_clear_object (&request->attempt_cancellable);
  g_clear_pointer (&request->body_read, g_byte_array_unref);
}

static void
request_free (Request *request)
{
  end_attempt (request, NULL);
  g_free (request->method);
  g_free (request->url);
  g_free (request->rest_url);
  g_strfreev (request->form);
  if (request->authorization != NULL)
    {
      explicit_bzero (request->authorization, strlen (request->authorization));
      g_free (request->authorization);
    }
  if (request->token != NULL)
    {
      explicit_bzero (request->token, strlen (request->token));
      g_free (request->token);
    }
  g_clear_pointer (&request->body, g_bytes_unref);
  g_free (request->if_match);
  g_clear_object (&request->message);
  g_free (request);
}

static gboolean
is_loopback_host (const char *host)
{
  g_autoptr (GInetAddress) address = NULL;

  if (host == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;

  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

/**
 * flex_twilio_check_url:
 *
 * Checks that @url is absolute and either HTTPS, or plain HTTP to a loopback
 * address (the emulator). Credentials are never sent anywhere else.
 */
gboolean
flex_twilio_check_url (const char *url, GError **error)
{
  g_autoptr (GUri) uri = NULL;
  const char *scheme;

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      flex_twilio_set_error (error, FLEX_TWILIO_ERROR_INSECURE_URL, 0, 0, NULL,
                             "“%s” is not an absolute URL", url);
      return FALSE;
    }

  /* "https://sync.twilio.com@attacker.example/": a host in disguise. */
  if (g_uri_get_userinfo (uri) != NULL)
    {
      flex_twilio_set_error (error, FLEX_TWILIO_ERROR_INSECURE_URL, 0, 0, NULL,
                             "Refusing “%s”: a URL with a user name or password in it", url);
      return FALSE;
    }
  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "https") == 0)
    return TRUE;
  if (g_ascii_strcasecmp (scheme, "http") == 0 && is_loopback_host (g_uri_get_host (uri)))
    return TRUE;

  flex_twilio_set_error (error, FLEX_TWILIO_ERROR_INSECURE_URL, 0, 0, NULL,
                         "Refusing to send credentials to “%s”: only HTTPS, or plain HTTP to "
                         "this computer, is allowed",
                         url);
  return FALSE;
}

/**
 * flex_twilio_is_sid:
 * @prefix: the two letters of its kind (`AC`, `SK`, `WK`, `GO`, `JQ`, …)
 *
 * Returns: whether @value is a Twilio SID of that kind: the prefix and 32
 *   hexadecimal digits
 */
gboolean
flex_twilio_is_sid (const char *value, const char *prefix)
{
  if (value == NULL || strlen (value) != 34 || !g_str_has_prefix (value, prefix))
    return FALSE;
  for (guint i = 2; i < 34; i++)
    if (!g_ascii_isxdigit (value[i]))
      return FALSE;
  return TRUE;
}

static int
effective_port (GUri *uri)
{
  int port = g_uri_get_port (uri);

  if (port > 0)
    return port;
  return g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") == 0 ? 443 : 80;
}

/**
 * flex_twilio_url_same_origin:
 *
 * The one rule for where a credential may go: @url has the scheme, host and
 * port of @base, compared after parsing (a text prefix lets
 * `https://sync.twilio.com.attacker.example/` through), and no user info.
 */
gboolean
flex_twilio_url_same_origin (const char *url, const char *base)
{
  g_autoptr (GUri) a = NULL;
  g_autoptr (GUri) b = NULL;

  if (url == NULL || base == NULL)
    return FALSE;
  a = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  b = g_uri_parse (base, G_URI_FLAGS_NONE, NULL);
  if (a == NULL || b == NULL || g_uri_get_host (a) == NULL || g_uri_get_host (b) == NULL)
    return FALSE;
  return g_uri_get_userinfo (a) == NULL &&
         g_ascii_strcasecmp (g_uri_get_scheme (a), g_uri_get_scheme (b)) == 0 &&
         g_ascii_strcasecmp (g_uri_get_host (a), g_uri_get_host (b)) == 0 &&
         effective_port (a) == effective_port (b);
}

static void
flex_twilio_client_finalize (GObject *object)
{
  FlexTwilioClient *self = FLEX_TWILIO_CLIENT (object);

  g_clear_object (&self->session);
  g_free (self->username);
  if (self->authorization != NULL)
    {
      explicit_bzero (self->authorization, strlen (self->authorization));
      g_free (self->authorization);
    }
  for (guint i = 0; i < FLEX_TWILIO_N_APIS; i++)
    g_free (self->base_urls[i]);
  g_clear_object (&self->tokens);
  g_free (self->event_bridge_url);

  G_OBJECT_CLASS (flex_twilio_client_parent_class)->finalize (object);
}

static void
flex_twilio_client_class_init (FlexTwilioClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = flex_twilio_client_finalize;

  /**
   * FlexTwilioClient::retry:
   * @attempt: the number of the attempt about to be made (2 for the first retry)
   * @delay_ms: how long the client waits before it
   * @http_status: the status that caused the retry, or 0 for a connection error
   *
   * Emitted each time a request is retried.
   */
  signals[SIGNAL_RETRY] =
      g_signal_new ("retry", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                    G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_UINT);
}

static void
flex_twilio_client_init (FlexTwilioClient *self)
{
  self->timeout_s = DEFAULT_TIMEOUT_S;
  self->max_retries = DEFAULT_MAX_RETRIES;
  self->base_delay_ms = DEFAULT_BASE_DELAY_MS;
  self->max_total_ms = DEFAULT_MAX_TOTAL_MS;
  self->session = soup_session_new_with_options (
      "user-agent",
      PACKAGE_NAME "/" PACKAGE_VERSION " (" APPLICATION_ID
                   "; +https://github.com/flexcontacts/flex-contacts) ",
      "timeout", self->timeout_s, "idle-timeout", 60, NULL);
}

/* `Basic base64(username:password)`, the pair wiped after. */
char *
_flex_twilio_client_basic_authorization (const char *username, const char *password)
{
  g_autofree char *pair = g_strconcat (username, ":", password, NULL);
  g_autofree char *encoded = g_base64_encode ((const guchar *) pair, strlen (pair));
  char *header = g_strconcat ("Basic ", encoded, NULL);

  explicit_bzero (encoded, strlen (encoded));
  explicit_bzero (pair, strlen (pair));
  return header;
}

/**
 * flex_twilio_client_new:
 * @username: an API key SID (`SK…`) or an Account SID (`AC…`)
 * @password: the API key secret or the Auth Token
 *
 * Base URLs come from the environment variables FLEX_TWILIO_SYNC_URL,
 * FLEX_TWILIO_TASKROUTER_URL and FLEX_TWILIO_FLEX_URL when they are set and
 * acceptable, else the Twilio defaults.
 */
FlexTwilioClient *
flex_twilio_client_new (const char *username, const char *password)
{
  FlexTwilioClient *self;

  g_return_val_if_fail (username != NULL, NULL);
  g_return_val_if_fail (password != NULL, NULL);

  self = g_object_new (FLEX_TYPE_TWILIO_CLIENT, NULL);
  self->username = g_strdup (username);
  self->authorization = _flex_twilio_client_basic_authorization (username, password);
  _flex_twilio_client_set_base_urls_from_environment (self);

  return self;
}

/**
 * flex_twilio_base_url_from_environment:
 *
 * Returns: (transfer full): the base URL of @api, as a new client would
 *   use it (its environment variable when acceptable, else Twilio's)
 */
char *
flex_twilio_base_url_from_environment (FlexTwilioApi api)
{
  const char *env;

  g_return_val_if_fail (api < FLEX_TWILIO_N_APIS, NULL);

  env = g_getenv (default_urls[api].env);
  if (env != NULL && flex_twilio_check_url (env, NULL))
    {
      g_autofree char *url = g_strdup (env);
      gsize length = strlen (url);

      if (length > 0 && url[length - 1] == '/')
        url[length - 1] = '\0';
      return g_steal_pointer (&url);
    }
  return g_strdup (default_urls[api].url);
}

void
_flex_twilio_client_set_base_urls_from_environment (FlexTwilioClient *self)
{
  for (guint i = 0; i < FLEX_TWILIO_N_APIS; i++)
    {
      const char *env = g_getenv (default_urls[i].env);
      g_autoptr (GError) error = NULL;

      if (env == NULL || !flex_twilio_client_set_base_url (self, i, env, &error))
        {
          if (error != NULL)
            g_warning ("Ignoring %s: %s", default_urls[i].env, error->message);
          self->base_urls[i] = g_strdup (default_urls[i].url);
        }
    }
}

const char *
flex_twilio_client_get_username (FlexTwilioClient *self)
{
  g_return_val_if_fail (FLEX_IS_TWILIO_CLIENT (self), NULL);

  return self->username;
}

/**
 * flex_twilio_client_set_base_url:
 * @base_url: scheme and authority, e.g. `http://127.0.0.1:8080`; a trailing
 *   slash is dropped
 *
 * Returns: %FALSE with %FLEX_TWILIO_ERROR_INSECURE_URL for plain HTTP to a
 *   host other than loopback, or for something that is not a URL.
 */
gboolean
flex_twilio_client_set_base_url (FlexTwilioClient *self,
                                 FlexTwilioApi api,
                                 const char *base_url,
                                 GError **error)
{
  g_autofree char *copy = NULL;
  gsize len;

  g_return_val_if_fail (FLEX_IS_TWILIO_CLIENT (self), FALSE);
  g_return_val_if_fail (api < FLEX_TWILIO_N_APIS, FALSE);
  g_return_val_if_fail (base_url != NULL, FALSE);

  if (!flex_twilio_check_url (base_url, error))
    return FALSE;

  copy = g_strdup (base_url);
  len = strlen (copy);
  while (len > 0 && copy[len - 1] == '/')
    copy[--len] = '\0';

  g_free (self->base_urls[api]);
  self->base_urls[api] = g_steal_pointer (&copy);
  return TRUE;
}

const char *
flex_twilio_client_get_base_url (FlexTwilioClient *self, FlexTwilioApi api)
{
  g_return_val_if_fail (FLEX_IS_TWILIO_CLIENT (self), NULL);
  g_return_val_if_fail (api < FLEX_TWILIO_N_APIS, NULL);

  return self->base_urls[api];
}

/**
 * flex_twilio_client_set_timeout:
 * @seconds: the I/O timeout of each request (at least 1)
 */
void
flex_twilio_client_set_timeout (FlexTwilioClient *self, guint seconds)
{
  g_return_if_fail (FLEX_IS_TWILIO_CLIENT (self));

  self->timeout_s = MAX (seconds, 1);
  soup_session_set_timeout (self->session, self->timeout_s);
}

/**
 * flex_twilio_client_set_retry_policy:
 * @max_retries: retries after the first attempt
 * @base_delay_ms: the back-off before the first retry; it doubles each time
 * @max_total_ms: no retry starts later than this after the first attempt
 */
void
flex_twilio_client_set_retry_policy (FlexTwilioClient *self,
                                     guint max_retries,
                                     guint base_delay_ms,
                                     guint max_total_ms)
{
  g_return_if_fail (FLEX_IS_TWILIO_CLIENT (self));

  self->max_retries = max_retries;
  self->base_delay_ms = MAX (base_delay_ms, 1);
  self->max_total_ms = max_total_ms;
}

/**
 * flex_twilio_client_build_url:
 * @first_segment: the first path segment, e.g. `v1`
 * @...: more segments, then %NULL
 *
 * Joins the base URL of @api with the path segments, each percent-encoded, so
 * that a map name or item key can never change the path.
 *
 * Returns: (transfer full): the URL
 */
char *
flex_twilio_client_build_url (FlexTwilioClient *self,
                              FlexTwilioApi api,
                              const char *first_segment,
                              ...)
{
  GString *url;
  const char *segment;
  va_list args;

  g_return_val_if_fail (FLEX_IS_TWILIO_CLIENT (self), NULL);
  g_return_val_if_fail (api < FLEX_TWILIO_N_APIS, NULL);

  url = g_string_new (self->base_urls[api]);
  va_start (args, first_segment);
  for (segment = first_segment; segment != NULL; segment = va_arg (args, const char *))
    {
      g_autofree char *escaped = g_uri_escape_string (segment, NULL, FALSE);

      g_string_append_c (url, '/');
      g_string_append (url, escaped);
    }
  va_end (args);

  return g_string_free (url, FALSE);
}

static GBytes *
encode_form (const char *const *form)
{
  GString *body = g_string_new (NULL);

  for (guint i = 0; form != NULL && form[i] != NULL && form[i + 1] != NULL; i += 2)
    {
      g_autofree char *key = g_uri_escape_string (form[i], NULL, FALSE);
      g_autofree char *value = g_uri_escape_string (form[i + 1], NULL, FALSE);

      if (body->len > 0)
        g_string_append_c (body, '&');
      g_string_append_printf (body, "%s=%s", key, value);
    }

  return g_string_free_to_bytes (body);
}

/* Retry-After is either delta-seconds or an HTTP date. */
static gint64
parse_retry_after_ms (SoupMessage *message)
{
  const char *value =
      soup_message_headers_get_one (soup_message_get_response_headers (message), "Retry-After");
  g_autoptr (GDateTime) date = NULL;
  g_autoptr (GDateTime) now = NULL;
  char *end = NULL;
  guint64 seconds;

  if (value == NULL)
    return -1;

  seconds = g_ascii_strtoull (value, &end, 10);
  if (end != value && *end == '\0')
    return (gint64) MIN (seconds, G_MAXINT32 / 1000) * 1000;

  date = soup_date_time_new_from_http_string (value);
  if (date == NULL)
    return -1;
  now = g_date_time_new_now_utc ();
  return MAX (g_date_time_difference (date, now) / 1000, 0);
}

static gboolean
on_retry_timeout (gpointer user_data)
{
  GTask *task = user_data;

  if (!g_task_return_error_if_cancelled (task))
    _flex_twilio_client_send_attempt (task);

  return G_SOURCE_REMOVE;
}

/* Schedules another attempt if the policy allows one. */
static gboolean
schedule_retry (GTask *task, guint http_status, gint64 retry_after_ms)
{
  FlexTwilioClient *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  gint64 backoff_ms;
  gint64 delay_ms;
  GSource *source;

  if (request->attempt > self->max_retries)
    return FALSE;

  /* Exponential back-off with jitter: a random delay between half and all of
   * base × 2^(attempt-1), so that many clients do not retry in step. */
  backoff_ms = (gint64) self->base_delay_ms << MIN (request->attempt - 1, 16);
  backoff_ms = MIN (backoff_ms, MAX_SINGLE_DELAY_MS);
  delay_ms = backoff_ms / 2 + g_random_int_range (0, (gint32) (backoff_ms / 2) + 1);
  if (retry_after_ms >= 0)
    delay_ms = MAX (delay_ms, retry_after_ms);

  if (g_get_monotonic_time () + delay_ms * 1000 > request->deadline_us)
    return FALSE;

  request->attempt++;
  g_debug ("%s %s: retry %u in %" G_GINT64_FORMAT " ms (status %u)", request->method, request->url,
           request->attempt, delay_ms, http_status);
  g_signal_emit (self, signals[SIGNAL_RETRY], 0, request->attempt, (guint) delay_ms, http_status);

  source = g_timeout_source_new ((guint) delay_ms);
  if (cancellable != NULL)
    {
      /* Wake up early on cancellation. */
      GSource *cancel_source = g_cancellable_source_new (cancellable);

      g_source_set_dummy_callback (cancel_source);
      g_source_add_child_source (source, cancel_source);
      g_source_unref (cancel_source);
    }
  g_source_set_static_name (source, "[flex-twilio] retry");
  g_source_set_callback (source, on_retry_timeout, g_object_ref (task), g_object_unref);
  g_source_attach (source, g_task_get_context (task));
  g_source_unref (source);

  return TRUE;
}

/* Connection errors after which the server certainly never saw the request. */
static gboolean
error_is_before_send (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE) ||
         error->domain == G_RESOLVER_ERROR;
}

static void
return_http_error (GTask *task, guint status, const char *reason, GBytes *bytes)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *message = NULL;
  g_autofree char *more_info = NULL;
  int code = 0;
  gsize size = 0;
  const char *data = bytes != NULL ? g_bytes_get_data (bytes, &size) : NULL;

  if (data != NULL && size > 0 && flex_json_parser_load (parser, data, size, NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      JsonObject *object = json_node_get_object (json_parser_get_root (parser));
      JsonNode *node;

      if ((node = json_object_get_member (object, "code")) != NULL &&
          JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64)
        code = (int) json_node_get_int (node);
      if ((node = json_object_get_member (object, "message")) != NULL &&
          JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        message = g_strdup (json_node_get_string (node));
      if ((node = json_object_get_member (object, "more_info")) != NULL &&
          JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        more_info = g_strdup (json_node_get_string (node));
    }

  if (message == NULL)
    message = g_strdup_printf ("HTTP %u %s", status, reason != NULL ? reason : "");

  flex_twilio_set_error (&error, flex_twilio_error_code_for_status (status, code), status, code,
                         more_info, "%s", message);
  g_task_return_error (task, g_steal_pointer (&error));
}

/* A transport failure of the attempt: retried where that is safe. */
static void
attempt_failed (GTask *task, GError *error)
{
  FlexTwilioClient *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  g_autoptr (GError) twilio_error = NULL;
  gboolean timed_out =
      request->deadline_hit || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);

  end_attempt (request, g_task_get_cancellable (task));
  if (!timed_out && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, error);
      return;
    }

  g_debug ("%s %s: %s", request->method, request->url,
           timed_out ? "no whole answer in time" : error->message);
  if (!request->fail_fast && (request->idempotent || error_is_before_send (error)) &&
      schedule_retry (task, 0, -1))
    {
      g_error_free (error);
      return;
    }

  if (timed_out)
    flex_twilio_set_error (&twilio_error, FLEX_TWILIO_ERROR_TIMEOUT, 0, 0, NULL,
                           "The server did not answer within %u seconds",
                           request->deadline_hit ? self->timeout_s * ATTEMPT_DEADLINE_FACTOR
                                                 : self->timeout_s);
  else
    flex_twilio_set_error (&twilio_error, FLEX_TWILIO_ERROR_NETWORK, 0, 0, NULL,
                           "Could not reach the server: %s", error->message);
  g_error_free (error);
  g_task_return_error (task, g_steal_pointer (&twilio_error));
}

/* The whole answer is here (at most MAX_RESPONSE_BYTES). */
static void
handle_answer (GTask *task, GBytes *bytes)
{
  Request *request = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonParser) parser = NULL;
  SoupMessage *message = request->message;
  guint status;
  gsize size = 0;
  const char *data;

  end_attempt (request, g_task_get_cancellable (task));
  status = soup_message_get_status (message);
  g_debug ("%s %s → %u", request->method, request->url, status);

  if (status == 429 || status == 503 ||
      (request->idempotent && (status == 500 || status == 502 || status == 504)))
    {
      if (schedule_retry (task, status, parse_retry_after_ms (message)))
        return;
    }

  if (status < 200 || status >= 300)
    {
      FlexTwilioClient *self = g_task_get_source_object (task);

      /* The agent's token refused before its time: a new one next. */
      if (status == 401 && self->tokens != NULL)
        flex_token_source_token_refused (self->tokens, request->token);
      return_http_error (task, status, soup_message_get_reason_phrase (message), bytes);
      return;
    }

  data = g_bytes_get_data (bytes, &size);
  if (size == 0)
    {
      g_task_return_pointer (task, json_node_new (JSON_NODE_NULL),
                             (GDestroyNotify) json_node_unref);
      return;
    }

  parser = json_parser_new ();
  if (!flex_json_parser_load (parser, data, size, &error))
    {
      g_autoptr (GError) malformed = NULL;

      flex_twilio_set_error (&malformed, FLEX_TWILIO_ERROR_MALFORMED, status, 0, NULL,
                             "The server sent an answer that is not valid JSON: %s",
                             error->message);
      g_task_return_error (task, g_steal_pointer (&malformed));
      return;
    }

  if (request->rest_url != NULL)
    {
      g_autoptr (JsonNode) answer = json_parser_steal_root (parser);
      JsonNode *rest = flex_event_bridge_unwrap_answer (answer, request->rest_url, &error);

      if (rest == NULL)
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_pointer (task, rest, (GDestroyNotify) json_node_unref);
      return;
    }
  g_task_return_pointer (task, json_parser_steal_root (parser), (GDestroyNotify) json_node_unref);
}

static void
too_large (GTask *task)
{
  Request *request = g_task_get_task_data (task);

  /* Not retried: the same server would send the same again. */
  end_attempt (request, g_task_get_cancellable (task));
  g_task_return_new_error (task, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_MALFORMED,
                           "The server sent an answer that is too large (over %u bytes)",
                           MAX_RESPONSE_BYTES);
}

static void
on_chunk (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Request *request = g_task_get_task_data (task);
  GInputStream *stream = G_INPUT_STREAM (object);
  g_autoptr (GBytes) chunk = NULL;
  GError *error = NULL;
  gsize size;

  chunk = g_input_stream_read_bytes_finish (stream, result, &error);
  if (chunk == NULL)
    {
      attempt_failed (task, error);
      return;
    }
  size = g_bytes_get_size (chunk);
  if (size == 0)
    {
      g_autoptr (GBytes) bytes = g_byte_array_free_to_bytes (g_steal_pointer (&request->body_read));

      g_input_stream_close_async (stream, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
      handle_answer (task, bytes);
      return;
    }
  if (request->body_read->len + size > MAX_RESPONSE_BYTES)
    {
      g_input_stream_close_async (stream, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
      too_large (task);
      return;
    }
  g_byte_array_append (request->body_read, g_bytes_get_data (chunk, NULL), (guint) size);
  g_input_stream_read_bytes_async (stream, READ_CHUNK_BYTES, G_PRIORITY_DEFAULT,
                                   request->attempt_cancellable, on_chunk, g_steal_pointer (&task));
}

/* The answer's head is here: read its body, at most MAX_RESPONSE_BYTES (an
 * announced length over it is refused before a byte is read). */
static void
on_sent (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Request *request = g_task_get_task_data (task);
  g_autoptr (GInputStream) stream = NULL;
  GError *error = NULL;
  goffset announced;

  stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (stream == NULL)
    {
      attempt_failed (task, error);
      return;
    }
  announced = soup_message_headers_get_content_length (
      soup_message_get_response_headers (request->message));
  if (announced > MAX_RESPONSE_BYTES)
    {
      g_input_stream_close_async (stream, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
      too_large (task);
      return;
    }
  request->body_read = g_byte_array_new ();
  g_input_stream_read_bytes_async (stream, READ_CHUNK_BYTES, G_PRIORITY_DEFAULT,
                                   request->attempt_cancellable, on_chunk, g_steal_pointer (&task));
}

static void
on_caller_cancelled (GCancellable *caller, gpointer user_data)
{
  g_cancellable_cancel (user_data);
}

static gboolean
on_attempt_deadline (gpointer user_data)
{
  Request *request = user_data;

  request->deadline_hit = TRUE;
  g_cancellable_cancel (request->attempt_cancellable);
  return G_SOURCE_REMOVE;
}

void
_flex_twilio_client_send_attempt (GTask *task)
{
  FlexTwilioClient *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  GCancellable *caller = g_task_get_cancellable (task);
  SoupMessageHeaders *headers;

  g_clear_object (&request->message);
  self->n_requests++;
  request->message =
      soup_message_new (request->rest_url != NULL ? "POST" : request->method, request->url);
  soup_message_add_flags (request->message, SOUP_MESSAGE_NO_REDIRECT);
  headers = soup_message_get_request_headers (request->message);
  if (request->authorization != NULL || self->authorization != NULL)
    soup_message_headers_replace (headers, "Authorization",
                                  request->authorization != NULL ? request->authorization
                                                                 : self->authorization);
  if (request->api_version != NULL)
    soup_message_headers_replace (headers, "apiVersion", request->api_version);
  soup_message_headers_replace (headers, "Accept", "application/json");
  /* No connection is reused: libsoup 3.2 restarts an idempotent request
   * whose kept-alive connection the server closed, and then completes the
   * old attempt a second time on a message whose I/O is gone (a call
   * through NULL in run_until_read_done → soup_message_io_get_response_istream).
   * A connection used once is never restarted there; our own retry
   * (schedule_retry) covers dropped connections. README, "libsoup 3.2". */
  soup_message_headers_replace (headers, "Connection", "close");
  if (request->if_match != NULL)
    soup_message_headers_replace (headers, "If-Match", request->if_match);
  if (request->body != NULL)
    soup_message_set_request_body_from_bytes (request->message, request->content_type,
                                              request->body);

  end_attempt (request, caller);
  request->deadline_hit = FALSE;
  request->attempt_cancellable = g_cancellable_new ();
  if (caller != NULL)
    request->caller_cancel_id =
        g_cancellable_connect (caller, G_CALLBACK (on_caller_cancelled),
                               g_object_ref (request->attempt_cancellable), g_object_unref);
  request->deadline_source =
      g_timeout_source_new_seconds (self->timeout_s * ATTEMPT_DEADLINE_FACTOR);
  g_source_set_static_name (request->deadline_source, "[flex-twilio] attempt deadline");
  g_source_set_callback (request->deadline_source, on_attempt_deadline, request, NULL);
  g_source_attach (request->deadline_source, g_task_get_context (task));

  soup_session_send_async (self->session, request->message, G_PRIORITY_DEFAULT,
                           request->attempt_cancellable, on_sent, g_object_ref (task));
}

/* Which API @url is of: by its origin, or — one server standing for
 * several, as the emulator does — by its path; FLEX_TWILIO_N_APIS for none. */
static guint
api_of_url (FlexTwilioClient *self, const char *url)
{
  guint found = FLEX_TWILIO_N_APIS;
  guint n_found = 0;
  g_autoptr (GUri) uri = NULL;
  const char *path;

  for (guint api = 0; api < FLEX_TWILIO_N_APIS; api++)
    if (flex_twilio_url_same_origin (url, self->base_urls[api]))
      {
        found = api;
        n_found++;
      }
  if (n_found <= 1)
    return found;
  uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);
  path = uri != NULL ? g_uri_get_path (uri) : "";
  if (g_str_has_prefix (path, "/v1/Workspaces"))
    return FLEX_TWILIO_API_TASKROUTER;
  if (g_str_has_prefix (path, "/v1/Services"))
    return FLEX_TWILIO_API_SYNC;
  return FLEX_TWILIO_API_FLEX;
}

/**
 * flex_twilio_client_request_async:
 * @method: `GET`, `POST` or `DELETE`
 * @url: an absolute URL, usually from flex_twilio_client_build_url() or a
 *   `next_page_url` the server gave
 * @form: (nullable) (array zero-terminated=1): form fields, as key, value, …,
 *   %NULL; sent as `application/x-www-form-urlencoded`
 * @if_match: (nullable): a revision for the `If-Match` header
 *
 * Sends one REST request, retrying as the class documentation says.
 */
void
flex_twilio_client_request_full_async (FlexTwilioClient *self,
                                       const char *method,
                                       const char *url,
                                       const char *const *form,
                                       const char *if_match,
                                       FlexTwilioRequestFlags flags,
                                       GCancellable *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GError) error = NULL;
  Request *request;
  guint api;

  g_return_if_fail (FLEX_IS_TWILIO_CLIENT (self));
  g_return_if_fail (method != NULL);
  g_return_if_fail (url != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, flex_twilio_client_request_async);

  if (!flex_twilio_check_url (url, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* Credentials go only to the servers this client was given. */
  api = api_of_url (self, url);
  if (api == FLEX_TWILIO_N_APIS)
    {
      g_task_return_new_error (task, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_INSECURE_URL,
                               "Refusing to send credentials to “%s”: not a Twilio server of "
                               "this app",
                               url);
      return;
    }
  request = g_new0 (Request, 1);
  request->method = g_strdup (method);
  request->url = g_strdup (url);
  request->body = form != NULL ? encode_form (form) : NULL;
  request->content_type = "application/x-www-form-urlencoded";
  request->if_match = g_strdup (if_match);
  request->idempotent = g_str_equal (method, "GET") || g_str_equal (method, "DELETE") ||
                        g_str_equal (method, "HEAD") || g_str_equal (method, "PUT");
  request->fail_fast = (flags & FLEX_TWILIO_REQUEST_FAIL_FAST) != 0;
  request->attempt = 1;
  request->deadline_us = g_get_monotonic_time () + (gint64) self->max_total_ms * 1000;
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);

  if (self->tokens != NULL)
    {
      _flex_twilio_client_start_with_token (self, g_steal_pointer (&task), api, url, form);
      return;
    }
  _flex_twilio_client_send_attempt (task);
}

void
flex_twilio_client_request_async (FlexTwilioClient *self,
                                  const char *method,
                                  const char *url,
                                  const char *const *form,
                                  const char *if_match,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  flex_twilio_client_request_full_async (self, method, url, form, if_match,
                                         FLEX_TWILIO_REQUEST_DEFAULT, cancellable, callback,
                                         user_data);
}

/**
 * flex_twilio_client_get_n_requests:
 *
 * Returns: how many HTTP requests (retries included) this client has sent
 */
guint
flex_twilio_client_get_n_requests (FlexTwilioClient *self)
{
  g_return_val_if_fail (FLEX_IS_TWILIO_CLIENT (self), 0);
  return self->n_requests;
}

/**
 * flex_twilio_client_request_finish:
 *
 * Returns: (transfer full): the parsed JSON answer; a %JSON_NODE_NULL node
 *   for an empty answer (204)
 */
JsonNode *
flex_twilio_client_request_finish (FlexTwilioClient *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (FLEX_IS_TWILIO_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
