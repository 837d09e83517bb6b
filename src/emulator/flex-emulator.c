/* flex-emulator.c
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
 * FlexEmulator: a small SoupServer on 127.0.0.1 that behaves like the parts
 * of Twilio the app uses. This file is the router and everything around the
 * APIs: authentication, fault injection, the request log and persistence.
 * Each API lives in a file of its own (flex-emulator-sync.c, …) and
 * registers its routes here with the OpenAPI path and operationId it serves.
 */

typedef struct
{
  char *method;
  char *path_template;
  char **segments;
  char *operation_id;
  FlexEmulatorHandler handler;
} Route;

typedef enum
{
  FAULT_FAIL,
  FAULT_DROP,
  FAULT_DELAY,
  FAULT_CORRUPT,
} FaultKind;

typedef struct
{
  FaultKind kind;
  guint status;
  int retry_after_s;
  guint delay_ms;
  char *body;
} Fault;

G_DEFINE_FINAL_TYPE (FlexEmulator, flex_emulator, G_TYPE_OBJECT)

static void
route_free (Route *route)
{
  g_free (route->method);
  g_free (route->path_template);
  g_strfreev (route->segments);
  g_free (route->operation_id);
  g_free (route);
}

static void
fault_free (Fault *fault)
{
  g_free (fault->body);
  g_free (fault);
}

static void
exchange_free (FlexEmulatorExchange *exchange)
{
  g_free (exchange->method);
  g_free (exchange->path);
  g_free (exchange->query);
  g_clear_pointer (&exchange->form, g_hash_table_unref);
  g_free (exchange->if_match);
  g_clear_pointer (&exchange->response, json_node_unref);
  g_free (exchange);
}

/* Helpers shared with the API files */

/* Whether @value is a Twilio SID: @prefix and 32 hexadecimal digits. */
gboolean
_flex_emulator_is_sid (const char *value, const char *prefix)
{
  if (value == NULL || strlen (value) != 34 || !g_str_has_prefix (value, prefix))
    return FALSE;
  for (guint i = 2; i < 34; i++)
    if (!g_ascii_isxdigit (value[i]))
      return FALSE;
  return TRUE;
}

char *
_flex_emulator_new_sid (const char *prefix)
{
  GString *sid = g_string_new (prefix);

  for (guint i = 0; i < 32; i++)
    g_string_append_c (sid, "0123456789abcdef"[g_random_int_range (0, 16)]);

  return g_string_free (sid, FALSE);
}

char *
_flex_emulator_format_date (gint64 unix_us)
{
  g_autoptr (GDateTime) date = g_date_time_new_from_unix_utc (unix_us / G_USEC_PER_SEC);

  return g_date_time_format (date, "%Y-%m-%dT%H:%M:%SZ");
}

gint64
_flex_emulator_parse_date (const char *iso8601)
{
  g_autoptr (GDateTime) date = NULL;

  if (iso8601 == NULL)
    return 0;
  date = g_date_time_new_from_iso8601 (iso8601, NULL);
  return date != NULL ? g_date_time_to_unix (date) * G_USEC_PER_SEC : 0;
}

void
_flex_emulator_add_route (FlexEmulator *self,
                          const char *method,
                          const char *path_template,
                          const char *operation_id,
                          FlexEmulatorHandler handler)
{
  Route *route = g_new0 (Route, 1);

  route->method = g_strdup (method);
  route->path_template = g_strdup (path_template);
  route->segments = g_strsplit (path_template + 1, "/", -1);
  route->operation_id = g_strdup (operation_id);
  route->handler = handler;
  g_ptr_array_add (self->routes, route);
}

void
_flex_emulator_reply (FlexEmulatorContext *context, guint status, JsonNode *body, const char *etag)
{
  context->status = status;
  g_clear_pointer (&context->body, json_node_unref);
  context->body = body;
  g_free (context->etag);
  context->etag = g_strdup (etag);
}

/* base64url without padding (JWT signatures, PKCE challenges). */
char *
_flex_emulator_base64url (const guint8 *data, gsize length)
{
  char *encoded = g_base64_encode (data, length);

  g_strdelimit (encoded, "+", '-');
  g_strdelimit (encoded, "/", '_');
  if (strchr (encoded, '=') != NULL)
    *strchr (encoded, '=') = '\0';
  return encoded;
}

/* An HTML page (the emulator's sign-in form). */
void
_flex_emulator_reply_html (FlexEmulatorContext *context, guint status, const char *html)
{
  context->status = status;
  g_free (context->html);
  context->html = g_strdup (html);
}

/* A 302 to @location (the sign-in back to the app's loopback address). */
void
_flex_emulator_redirect (FlexEmulatorContext *context, const char *location)
{
  context->status = 302;
  g_free (context->location);
  context->location = g_strdup (location);
}

/* Twilio's error body: {"code", "message", "more_info", "status"}. */
void
_flex_emulator_error (FlexEmulatorContext *context, guint status, int code, const char *format, ...)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autofree char *message = NULL;
  g_autofree char *more_info = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  more_info = g_strdup_printf ("https://www.twilio.com/docs/errors/%d", code);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_int_value (builder, code);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_set_member_name (builder, "more_info");
  json_builder_add_string_value (builder, more_info);
  json_builder_set_member_name (builder, "status");
  json_builder_add_int_value (builder, status);
  json_builder_end_object (builder);

  _flex_emulator_reply (context, status, json_builder_get_root (builder), NULL);
}

void
_flex_emulator_state_changed (FlexEmulator *self)
{
  g_autoptr (JsonNode) state = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *json = NULL;

  if (self->data_file == NULL)
    return;

  state = flex_emulator_dump_json (self);
  json = json_to_string (state, TRUE);
  /* g_file_set_contents writes a temporary file and renames it: atomic. */
  if (!g_file_set_contents (self->data_file, json, -1, &error))
    g_printerr ("flex-sync-emulator: could not save %s: %s\n", self->data_file, error->message);
}

/* Request handling */

/* Checks Basic auth; on success *@username is the SID that authenticated. */
static gboolean
check_auth (FlexEmulator *self, SoupServerMessage *message, char **username)
{
  const char *header = soup_message_headers_get_one (
      soup_server_message_get_request_headers (message), "Authorization");
  g_autofree guchar *decoded = NULL;
  g_autofree char *pair = NULL;
  const char *password;
  gsize len = 0;
  char *colon;

  if (header == NULL || g_ascii_strncasecmp (header, "Basic ", 6) != 0)
    return FALSE;

  decoded = g_base64_decode (header + 6, &len);
  pair = g_strndup ((const char *) decoded, len);
  colon = strchr (pair, ':');
  if (colon == NULL)
    return FALSE;
  *colon = '\0';
  password = colon + 1;
  *username = g_strdup (pair);

  /* An agent's Flex token, as the Flex UI sends it ("token:" + token). */
  if (g_str_equal (pair, "token"))
    return _flex_emulator_auth_worker (self, password, NULL) != NULL;

  self->n_account_credentials++;
  if (self->auth_username != NULL)
    return g_str_equal (pair, self->auth_username) && g_str_equal (password, self->auth_password);

  /* Any well-formed credentials: an AC or SK SID and a non-empty secret. */
  return (_flex_emulator_is_sid (pair, "AC") || _flex_emulator_is_sid (pair, "SK")) &&
         *password != '\0';
}

/* libsoup 3.2's server hands handlers a percent-decoded path, so an item key
 * holding "/" arrives as several segments: the last parameter of a route
 * {Key} takes all remaining segments. */
static Route *
match_route (FlexEmulator *self,
             const char *method,
             char **segments,
             GHashTable *params,
             gboolean *path_matched)
{
  guint n_segments = g_strv_length (segments);

  *path_matched = FALSE;

  for (guint i = 0; i < self->routes->len; i++)
    {
      Route *route = g_ptr_array_index (self->routes, i);
      guint n_route = g_strv_length (route->segments);
      gboolean greedy = n_route > 0 && g_str_equal (route->segments[n_route - 1], "{Key}");
      guint n;

      if (n_route != n_segments && !(greedy && n_segments > n_route))
        continue;

      for (n = 0; n < n_route; n++)
        {
          const char *pattern = route->segments[n];

          if (pattern[0] == '{')
            continue;
          if (!g_str_equal (pattern, segments[n]))
            break;
        }
      if (n < n_route)
        continue;

      *path_matched = TRUE;
      if (!g_str_equal (route->method, method))
        continue;

      g_hash_table_remove_all (params);
      for (n = 0; n < n_route; n++)
        {
          const char *pattern = route->segments[n];
          char *value;

          if (pattern[0] != '{')
            continue;
          if (greedy && n == n_route - 1)
            value = g_strjoinv ("/", segments + n);
          else
            value = g_strdup (segments[n]);
          g_hash_table_insert (params, g_strndup (pattern + 1, strlen (pattern) - 2), value);
        }
      return route;
    }

  return NULL;
}

/**
 * _flex_emulator_dispatch:
 * @path: the path below the host, "/v1/…" (not percent-encoded)
 * @body: (out) (transfer full) (nullable): the answer's JSON
 *
 * Answers a request that came through another door (EventBridge's
 * wschannels) as the REST route of @method and @path does.
 *
 * Returns: the answer's HTTP status
 */
guint
_flex_emulator_dispatch (FlexEmulator *self,
                         const char *method,
                         const char *path,
                         GHashTable *query,
                         GHashTable *form,
                         const char *if_match,
                         JsonNode **body)
{
  FlexEmulatorContext context = { 0 };
  g_autoptr (GHashTable) params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto (GStrv) segments = g_strsplit (*path == '/' ? path + 1 : path, "/", -1);
  gboolean path_matched = FALSE;
  Route *route = match_route (self, method, segments, params, &path_matched);

  context.emulator = self;
  context.method = method;
  context.params = params;
  context.query = query;
  context.form = form;
  context.if_match = if_match;
  if (route != NULL)
    route->handler (&context);
  else if (path_matched)
    _flex_emulator_error (&context, 405, 20004, "Method not allowed");
  else
    _flex_emulator_error (&context, 404, 20404, "The requested resource %s was not found", path);
  *body = context.body;
  g_free (context.etag);
  g_free (context.html);
  g_free (context.location);
  return context.status;
}

static Fault *
next_fault (FlexEmulator *self)
{
  Fault *fault = g_queue_pop_head (&self->scripted_faults);
  gint64 now;

  if (fault != NULL)
    return fault;

  if (self->rate_limit > 0)
    {
      now = g_get_monotonic_time ();
      if (now - self->rate_window_start_us >= G_USEC_PER_SEC)
        {
          self->rate_window_start_us = now;
          self->rate_window_count = 0;
        }
      if (++self->rate_window_count > self->rate_limit)
        {
          fault = g_new0 (Fault, 1);
          fault->kind = FAULT_FAIL;
          fault->status = 429;
          fault->retry_after_s = 1;
          return fault;
        }
    }

  if (self->error_share > 0 && g_random_double () < self->error_share)
    {
      fault = g_new0 (Fault, 1);
      fault->kind = FAULT_FAIL;
      fault->status = self->error_status;
      fault->retry_after_s = -1;
      return fault;
    }

  if (self->drop_share > 0 && g_random_double () < self->drop_share)
    {
      fault = g_new0 (Fault, 1);
      fault->kind = FAULT_DROP;
      return fault;
    }

  return NULL;
}

static void
apply_fault_status (FlexEmulatorContext *context, Fault *fault)
{
  switch (fault->status)
    {
      case 429:
        _flex_emulator_error (context, 429, 54009, "Too many requests: rate limit exceeded");
        break;
      case 503:
        _flex_emulator_error (context, 503, 20503, "Service unavailable");
        break;
      default:
        _flex_emulator_error (context, fault->status, 20500, "Internal server error");
        break;
    }
}

static gboolean
unpause_message (gpointer user_data)
{
  SoupServerMessage *message = user_data;

  g_signal_handlers_disconnect_by_data (message, GUINT_TO_POINTER (1));
  g_object_set_data (G_OBJECT (message), "flex-delay-source", NULL);
  soup_server_message_unpause (message);
  return G_SOURCE_REMOVE;
}

/* The client gave up (timed out) while the answer was being held back. */
static void
on_delayed_message_disconnected (SoupServerMessage *message, gpointer marker)
{
  guint source_id = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (message), "flex-delay-source"));

  if (source_id != 0)
    g_source_remove (source_id);
  g_object_set_data (G_OBJECT (message), "flex-delay-source", NULL);
}

static void
handle_request (SoupServer *server,
                SoupServerMessage *message,
                const char *path,
                GHashTable *query,
                gpointer user_data)
{
  FlexEmulator *self = user_data;
  FlexEmulatorContext context = { 0 };
  FlexEmulatorExchange *exchange;
  g_autoptr (GHashTable) params = NULL;
  g_autoptr (GHashTable) form = NULL;
  g_autoptr (GBytes) request_body = NULL;
  g_autofree char *response_text = NULL;
  g_auto (GStrv) segments = NULL;
  SoupMessageHeaders *response_headers;
  const char *method = soup_server_message_get_method (message);
  const char *content_type;
  Route *route = NULL;
  Fault *fault;
  guint delay_ms = self->latency_ms;
  gboolean path_matched = FALSE;
  g_autofree char *username = NULL;

  /* An EventBridge socket: handed over before anything is recorded. */
  if (_flex_emulator_eventbridge_upgrade (self, message))
    return;

  exchange = g_new0 (FlexEmulatorExchange, 1);
  exchange->time_us = g_get_monotonic_time ();
  exchange->method = g_strdup (method);
  exchange->query = g_strdup (g_uri_get_query (soup_server_message_get_uri (message)));
  exchange->if_match = g_strdup (
      soup_message_headers_get_one (soup_server_message_get_request_headers (message), "If-Match"));
  g_ptr_array_add (self->exchanges, exchange);

  /* Path segments, percent-decoded one by one so that an encoded "/" in a
   * key stays inside its segment. */
  segments = g_strsplit (*path == '/' ? path + 1 : path, "/", -1);
  for (guint i = 0; segments[i] != NULL; i++)
    {
      char *decoded = g_uri_unescape_string (segments[i], NULL);

      if (decoded != NULL)
        {
          g_free (segments[i]);
          segments[i] = decoded;
        }
    }
  {
    g_autofree char *joined = g_strjoinv ("/", segments);

    exchange->path = g_strconcat ("/", joined, NULL);
  }

  request_body = soup_message_body_flatten (soup_server_message_get_request_body (message));
  content_type = soup_message_headers_get_content_type (
      soup_server_message_get_request_headers (message), NULL);
  if (g_bytes_get_size (request_body) > 0 && content_type != NULL &&
      g_ascii_strcasecmp (content_type, "application/x-www-form-urlencoded") == 0)
    {
      g_autofree char *text =
          g_strndup (g_bytes_get_data (request_body, NULL), g_bytes_get_size (request_body));

      form = soup_form_decode (text);
    }
  if (form == NULL)
    form = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  exchange->form = g_hash_table_ref (form);

  params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  context.emulator = self;
  context.method = method;
  context.params = params;
  context.query = query;
  context.form = form;
  context.if_match = exchange->if_match;

  fault = next_fault (self);
  if (fault != NULL && fault->kind == FAULT_DROP)
    {
      GIOStream *stream = soup_server_message_steal_connection (message);

      exchange->status = 0;
      g_io_stream_close (stream, NULL, NULL);
      g_object_unref (stream);
      fault_free (fault);
      return;
    }
  if (fault != NULL && fault->kind == FAULT_DELAY)
    delay_ms += fault->delay_ms;

  if (fault != NULL && fault->kind == FAULT_FAIL)
    {
      apply_fault_status (&context, fault);
      if (fault->retry_after_s >= 0)
        {
          g_autofree char *value = g_strdup_printf ("%d", fault->retry_after_s);

          soup_message_headers_replace (soup_server_message_get_response_headers (message),
                                        "Retry-After", value);
        }
    }
  else
    {
      route = match_route (self, method, segments, params, &path_matched);
      if (route != NULL)
        {
          exchange->operation_id = route->operation_id;
          exchange->path_template = route->path_template;
        }

      /* The emulator's own figures, for tests reading it from outside. */
      if (g_str_equal (exchange->path, "/_emulator/stats") && g_str_equal (method, "GET"))
        {
          g_autoptr (JsonBuilder) builder = json_builder_new ();

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "account_credentials");
          json_builder_add_int_value (builder, self->n_account_credentials);
          json_builder_set_member_name (builder, "wschannels_requests");
          json_builder_add_int_value (
              builder, flex_emulator_count_requests (self, "POST", "/v1/wschannels"));
          json_builder_set_member_name (builder, "twilsock_connections");
          json_builder_add_int_value (builder,
                                      flex_emulator_twilsock_get_stats (self)->connections);
          json_builder_set_member_name (builder, "twilsock_token_updates");
          json_builder_add_int_value (builder, flex_emulator_twilsock_get_stats (self)->updates);
          json_builder_set_member_name (builder, "flex_token_requests");
          json_builder_add_int_value (
              builder, flex_emulator_count_requests (self, "POST", "/v1/Flex/OAuth"));
          json_builder_end_object (builder);
          _flex_emulator_reply (&context, 200, json_builder_get_root (builder), NULL);
        }
      /* EventBridge's requests carry their token in the body, not Basic. */
      else if (g_str_equal (exchange->path, "/v1/wschannels") && g_str_equal (method, "POST"))
        _flex_emulator_eventbridge_request (self, request_body, &context);
      /* The sign-in takes no account credentials: a JSON body, or none. */
      else if (g_str_equal (exchange->path, "/v1/Flex/OAuth/Tokens") &&
               g_str_equal (method, "POST"))
        _flex_emulator_auth_tokens (self, request_body, &context);
      else if (route != NULL && (g_str_has_prefix (exchange->path, "/v1/Flex/") ||
                                 g_str_equal (exchange->path, "/v1/Configuration/Public") ||
                                 g_str_has_suffix (exchange->path, "/Tokens/Info")))
        route->handler (&context);
      else if (!check_auth (self, message, &username))
        {
          _flex_emulator_error (&context, 401, 20003, "Authentication Error - invalid username");
          soup_message_headers_replace (soup_server_message_get_response_headers (message),
                                        "WWW-Authenticate", "Basic realm=\"Twilio API\"");
        }
      else if (route != NULL && g_strcmp0 (username, "token") == 0 &&
               g_strcmp0 (route->operation_id, "FetchConfiguration") != 0)
        /* A Flex token opens the Flex configuration; Sync and TaskRouter
         * only over their sockets. */
        _flex_emulator_error (&context, 401, 20003,
                              "Authenticate with account credentials: a Flex token is not "
                              "accepted here");
      else if (route != NULL)
        {
          /* Answers name the account that asked: an Account SID is one; an
           * API key belongs to the emulator's account. */
          g_free (self->request_account_sid);
          self->request_account_sid =
              _flex_emulator_is_sid (username, "AC") ? g_strdup (username) : NULL;
          route->handler (&context);
          g_clear_pointer (&self->request_account_sid, g_free);
        }
      else if (path_matched)
        _flex_emulator_error (&context, 405, 20004, "Method not allowed");
      else
        _flex_emulator_error (&context, 404, 20404, "The requested resource %s was not found",
                              exchange->path);
    }

  exchange->status = context.status;
  response_headers = soup_server_message_get_response_headers (message);
  if (fault != NULL && fault->kind == FAULT_CORRUPT)
    {
      response_text = g_strdup (fault->body);
    }
  else if (context.body != NULL)
    {
      exchange->response = json_node_ref (context.body);
      response_text = json_to_string (context.body, FALSE);
    }
  if (context.etag != NULL)
    soup_message_headers_replace (response_headers, "ETag", context.etag);
  if (context.location != NULL)
    soup_message_headers_replace (response_headers, "Location", context.location);

  soup_server_message_set_status (message, context.status, NULL);
  if (context.html != NULL)
    soup_server_message_set_response (message, "text/html; charset=utf-8", SOUP_MEMORY_COPY,
                                      context.html, strlen (context.html));
  else if (response_text != NULL)
    soup_server_message_set_response (message, "application/json", SOUP_MEMORY_COPY, response_text,
                                      strlen (response_text));
  else
    /* No body (204): libsoup 3.2's server then ends the response by closing
     * the connection; say so, or a keep-alive client sends its next request
     * on a dead connection ("socket hang up"). */
    soup_message_headers_replace (response_headers, "Connection", "close");

  if (delay_ms > 0)
    {
      guint source_id;

      soup_server_message_pause (message);
      source_id = g_timeout_add_full (G_PRIORITY_DEFAULT, delay_ms, unpause_message,
                                      g_object_ref (message), g_object_unref);
      g_object_set_data (G_OBJECT (message), "flex-delay-source", GUINT_TO_POINTER (source_id));
      g_signal_connect (message, "disconnected", G_CALLBACK (on_delayed_message_disconnected),
                        GUINT_TO_POINTER (1));
    }

  g_clear_pointer (&context.body, json_node_unref);
  g_free (context.etag);
  g_free (context.html);
  g_free (context.location);
  if (fault != NULL)
    fault_free (fault);
}

/* GObject */

static void
flex_emulator_finalize (GObject *object)
{
  FlexEmulator *self = FLEX_EMULATOR (object);

  g_clear_pointer (&self->twilsock, _flex_emulator_twilsock_free);
  if (self->server != NULL)
    soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  g_free (self->base_url);
  g_free (self->account_sid);
  g_free (self->request_account_sid);
  g_free (self->auth_username);
  g_free (self->auth_password);
  g_free (self->data_file);
  g_ptr_array_unref (self->routes);
  g_ptr_array_unref (self->exchanges);
  g_queue_clear_full (&self->scripted_faults, (GDestroyNotify) fault_free);
  _flex_emulator_sync_free (self->sync);
  _flex_emulator_flex_free (self->flex);
  _flex_emulator_eventbridge_free (self->eventbridge);
  _flex_emulator_auth_free (self->auth);
  _flex_emulator_taskrouter_free (self->taskrouter);
  _flex_emulator_twilsock_free (self->twilsock);

  G_OBJECT_CLASS (flex_emulator_parent_class)->finalize (object);
}

static void
flex_emulator_class_init (FlexEmulatorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = flex_emulator_finalize;
}

static void
flex_emulator_init (FlexEmulator *self)
{
  self->routes = g_ptr_array_new_with_free_func ((GDestroyNotify) route_free);
  self->exchanges = g_ptr_array_new_with_free_func ((GDestroyNotify) exchange_free);
  self->account_sid = g_strdup ("AC00000000000000000000000000000000");
  self->error_status = 500;
  g_queue_init (&self->scripted_faults);
  self->server = soup_server_new ("server-header", "flex-sync-emulator ", NULL);
  soup_server_add_handler (self->server, NULL, handle_request, self, NULL);

  self->sync = _flex_emulator_sync_new (self);
  _flex_emulator_sync_add_routes (self);
  self->flex = _flex_emulator_flex_new (self);
  _flex_emulator_flex_add_routes (self);
  self->taskrouter = _flex_emulator_taskrouter_new (self);
  _flex_emulator_taskrouter_add_routes (self);
  self->twilsock = _flex_emulator_twilsock_new (self);
  self->eventbridge = _flex_emulator_eventbridge_new (self);
  _flex_emulator_eventbridge_add_routes (self);
  self->auth = _flex_emulator_auth_new (self);
  _flex_emulator_auth_add_routes (self);
  /* The EventBridge path takes requests as well as sockets: libsoup keeps
   * one handler a path, whose plain callback (this one) then also gets the
   * upgrades; it hands them back (_flex_emulator_eventbridge_upgrade()). */
  soup_server_add_handler (self->server, "/v1/wschannels", handle_request, self, NULL);
}

FlexEmulator *
flex_emulator_new (void)
{
  return g_object_new (FLEX_TYPE_EMULATOR, NULL);
}

/**
 * flex_emulator_listen:
 * @port: a TCP port on 127.0.0.1, or 0 to pick a free one
 */
gboolean
flex_emulator_listen (FlexEmulator *self, guint port, GError **error)
{
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  g_autoslist (GUri) uris = NULL;

  g_return_val_if_fail (FLEX_IS_EMULATOR (self), FALSE);

  if (!soup_server_listen (self->server, address, 0, error))
    return FALSE;

  uris = soup_server_get_uris (self->server);
  self->port = g_uri_get_port (uris->data);
  g_free (self->base_url);
  self->base_url = g_strdup_printf ("http://127.0.0.1:%u", self->port);

  return TRUE;
}

guint
flex_emulator_get_port (FlexEmulator *self)
{
  g_return_val_if_fail (FLEX_IS_EMULATOR (self), 0);
  return self->port;
}

/**
 * flex_emulator_get_base_url:
 *
 * Returns: `http://127.0.0.1:PORT`, the base URL of every API it serves
 */
const char *
flex_emulator_get_base_url (FlexEmulator *self)
{
  g_return_val_if_fail (FLEX_IS_EMULATOR (self), NULL);
  return self->base_url;
}

const char *
flex_emulator_get_account_sid (FlexEmulator *self)
{
  g_return_val_if_fail (FLEX_IS_EMULATOR (self), NULL);
  return self->request_account_sid != NULL ? self->request_account_sid : self->account_sid;
}

/**
 * flex_emulator_set_account_sid:
 *
 * The account the emulator stands for: what answers to API-key requests
 * name as `account_sid`.
 */
void
flex_emulator_set_account_sid (FlexEmulator *self, const char *account_sid)
{
  g_return_if_fail (FLEX_IS_EMULATOR (self));
  g_return_if_fail (_flex_emulator_is_sid (account_sid, "AC"));

  g_free (self->account_sid);
  self->account_sid = g_strdup (account_sid);
}

/**
 * flex_emulator_set_auth:
 * @username: (nullable): the only accepted username, or %NULL to accept any
 *   well-formed credentials
 */
void
flex_emulator_set_auth (FlexEmulator *self, const char *username, const char *password)
{
  g_return_if_fail (FLEX_IS_EMULATOR (self));

  g_free (self->auth_username);
  g_free (self->auth_password);
  self->auth_username = g_strdup (username);
  self->auth_password = g_strdup (username != NULL ? password : NULL);
  if (username != NULL && g_str_has_prefix (username, "AC"))
    {
      g_free (self->account_sid);
      self->account_sid = g_strdup (username);
    }
}

/**
 * flex_emulator_set_data_file:
 *
 * Loads the state from @path if it exists, and saves it there, atomically,
 * after every change.
 */
gboolean
flex_emulator_set_data_file (FlexEmulator *self, const char *path, GError **error)
{
  g_return_val_if_fail (FLEX_IS_EMULATOR (self), FALSE);

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_autoptr (JsonParser) parser = json_parser_new ();

      if (!json_parser_load_from_file (parser, path, error))
        return FALSE;
      if (!flex_emulator_load_json (self, json_parser_get_root (parser), error))
        return FALSE;
    }

  g_free (self->data_file);
  self->data_file = g_strdup (path);
  _flex_emulator_state_changed (self);
  return TRUE;
}

gboolean
flex_emulator_load_json (FlexEmulator *self, JsonNode *state, GError **error)
{
  g_return_val_if_fail (FLEX_IS_EMULATOR (self), FALSE);

  if (state == NULL || !JSON_NODE_HOLDS_OBJECT (state))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "The state is not a JSON object");
      return FALSE;
    }

  {
    JsonObject *object = json_node_get_object (state);
    const char *account = json_object_get_string_member_with_default (object, "account_sid", NULL);

    if (account != NULL && !_flex_emulator_is_sid (account, "AC"))
      {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                     "Invalid emulator state: account_sid is not an Account SID");
        return FALSE;
      }
    if (!_flex_emulator_sync_load (self, json_object_get_member (object, "sync"), error) ||
        !_flex_emulator_flex_load (self, json_object_get_member (object, "flex"), error) ||
        !_flex_emulator_taskrouter_load (self, json_object_get_member (object, "taskrouter"),
                                         error))
      return FALSE;
    /* An Account SID given with --auth wins over the file's. */
    if (account != NULL && !_flex_emulator_is_sid (self->auth_username, "AC"))
      {
        g_free (self->account_sid);
        self->account_sid = g_strdup (account);
      }
    return TRUE;
  }
}

/**
 * flex_emulator_dump_json:
 *
 * Returns: (transfer full): the whole state, as flex_emulator_load_json() reads it
 */
JsonNode *
flex_emulator_dump_json (FlexEmulator *self)
{
  JsonObject *object = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_string_member (object, "account_sid", self->account_sid);
  json_object_set_member (object, "sync", _flex_emulator_sync_dump (self));
  json_object_set_member (object, "flex", _flex_emulator_flex_dump (self));
  json_object_set_member (object, "taskrouter", _flex_emulator_taskrouter_dump (self));
  json_node_take_object (node, object);
  return node;
}

void
flex_emulator_set_latency (FlexEmulator *self, guint latency_ms)
{
  g_return_if_fail (FLEX_IS_EMULATOR (self));
  self->latency_ms = latency_ms;
}

/**
 * flex_emulator_set_error_rate:
 * @share: the share of requests, 0 to 1, answered with @status
 * @status: 500 or 503
 */
void
flex_emulator_set_error_rate (FlexEmulator *self, double share, guint status)
{
  g_return_if_fail (FLEX_IS_EMULATOR (self));
  self->error_share = CLAMP (share, 0.0, 1.0);
  self->error_status = status;
}

/**
 * flex_emulator_set_rate_limit:
 * @requests_per_second: answer 429 beyond this many requests a second; 0 for
 *   no limit
 */
void
flex_emulator_set_rate_limit (FlexEmulator *self, guint requests_per_second)
{
  g_return_if_fail (FLEX_IS_EMULATOR (self));
  self->rate_limit = requests_per_second;
}

void
flex_emulator_set_drop_rate (FlexEmulator *self, double share)
{
  g_return_if_fail (FLEX_IS_EMULATOR (self));
  self->drop_share = CLAMP (share, 0.0, 1.0);
}

static void
queue_faults (FlexEmulator *self,
              guint count,
              FaultKind kind,
              guint status,
              int retry_after_s,
              guint delay_ms,
              const char *body)
{
  for (guint i = 0; i < count; i++)
    {
      Fault *fault = g_new0 (Fault, 1);

      fault->kind = kind;
      fault->status = status;
      fault->retry_after_s = retry_after_s;
      fault->delay_ms = delay_ms;
      fault->body = g_strdup (body);
      g_queue_push_tail (&self->scripted_faults, fault);
    }
}

/**
 * flex_emulator_fail_next:
 * @retry_after_s: a Retry-After header to send, or -1 for none
 *
 * Answers the next @count requests with @status, before authentication.
 */
void
flex_emulator_fail_next (FlexEmulator *self, guint count, guint status, int retry_after_s)
{
  g_return_if_fail (FLEX_IS_EMULATOR (self));
  queue_faults (self, count, FAULT_FAIL, status, retry_after_s, 0, NULL);
}

/* Closes the connection of the next @count requests without an answer. */
void
flex_emulator_drop_next (FlexEmulator *self, guint count)
{
  g_return_if_fail (FLEX_IS_EMULATOR (self));
  queue_faults (self, count, FAULT_DROP, 0, -1, 0, NULL);
}

/* Handles the next @count requests normally, but answers @delay_ms late. */
void
flex_emulator_delay_next (FlexEmulator *self, guint count, guint delay_ms)
{
  g_return_if_fail (FLEX_IS_EMULATOR (self));
  queue_faults (self, count, FAULT_DELAY, 0, -1, delay_ms, NULL);
}

/* Handles the next @count requests normally, but answers with @body instead. */
void
flex_emulator_corrupt_next (FlexEmulator *self, guint count, const char *body)
{
  g_return_if_fail (FLEX_IS_EMULATOR (self));
  queue_faults (self, count, FAULT_CORRUPT, 0, -1, 0, body);
}

/* Moves the emulator's clock (TTLs, dates) forward by @seconds. */
void
flex_emulator_advance_clock (FlexEmulator *self, gint64 seconds)
{
  g_return_if_fail (FLEX_IS_EMULATOR (self));
  self->clock_offset_us += seconds * G_USEC_PER_SEC;
  _flex_emulator_twilsock_clock_changed (self);
}

gint64
flex_emulator_now_us (FlexEmulator *self)
{
  return g_get_real_time () + self->clock_offset_us;
}

/**
 * flex_emulator_get_exchanges:
 *
 * Returns: (transfer none) (element-type FlexEmulatorExchange): every
 *   request received since the last flex_emulator_clear_exchanges()
 */
GPtrArray *
flex_emulator_get_exchanges (FlexEmulator *self)
{
  g_return_val_if_fail (FLEX_IS_EMULATOR (self), NULL);
  return self->exchanges;
}

void
flex_emulator_clear_exchanges (FlexEmulator *self)
{
  g_return_if_fail (FLEX_IS_EMULATOR (self));
  g_ptr_array_set_size (self->exchanges, 0);
}

/**
 * flex_emulator_count_account_credentials:
 *
 * Returns: how many requests, sockets and EventBridge calls carried an
 *   account credential: Basic auth with an Account SID or API key, or an
 *   access token signed with a key. A session signed in with Flex makes none.
 */
guint
flex_emulator_count_account_credentials (FlexEmulator *self)
{
  g_return_val_if_fail (FLEX_IS_EMULATOR (self), 0);
  return self->n_account_credentials;
}

/**
 * flex_emulator_count_requests:
 * @method: (nullable): only requests with this method
 * @path_prefix: (nullable): only requests whose decoded path starts so
 */
guint
flex_emulator_count_requests (FlexEmulator *self, const char *method, const char *path_prefix)
{
  guint count = 0;

  g_return_val_if_fail (FLEX_IS_EMULATOR (self), 0);

  for (guint i = 0; i < self->exchanges->len; i++)
    {
      FlexEmulatorExchange *exchange = g_ptr_array_index (self->exchanges, i);

      if (method != NULL && !g_str_equal (method, exchange->method))
        continue;
      if (path_prefix != NULL && !g_str_has_prefix (exchange->path, path_prefix))
        continue;
      count++;
    }

  return count;
}
