/* flex-sso.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flex-sso"

#include "config.h"

#include "flex-sso.h"

#include <libsoup/soup.h>
#include <string.h>
#include <sys/random.h>

#include "flex-access-token.h"
#include "flex-json.h"
#include "flex-twilio-client.h"
#include "flex-twilio-error.h"

/*
 * Signing in as yourself with Flex (FLEX-SESSION.md §1; issue 19), the
 * protocol's calls — none carries an account credential:
 *
 * - the identity provider of an account (Authentication/Config: its active
 *   entry's connection_name, the SSO profile JQ…);
 * - PKCE (S256), state and nonce, and the Authorize URL the system browser
 *   opens, coming back to a loopback address;
 * - the code exchange and the refresh (OAuth/Tokens, JSON), which give the
 *   Flex token (opaque) and a new refresh token each time.
 *
 * Answers are read with a bound (64 KiB) through the JSON reader every answer
 * goes through; only HTTPS, or plain HTTP to this computer (the emulator).
 */

#define MAX_ANSWER_BYTES (64 * 1024)
#define VERIFIER_BYTES   96

void
flex_sso_tokens_free (FlexSsoTokens *tokens)
{
  if (tokens == NULL)
    return;
  if (tokens->access_token != NULL)
    explicit_bzero (tokens->access_token, strlen (tokens->access_token));
  if (tokens->refresh_token != NULL)
    explicit_bzero (tokens->refresh_token, strlen (tokens->refresh_token));
  g_free (tokens->access_token);
  g_free (tokens->refresh_token);
  g_free (tokens->identity);
  g_free (tokens->flex_user_sid);
  g_free (tokens);
}

static char *
random_base64url (gsize n_bytes)
{
  g_autofree guint8 *bytes = g_new0 (guint8, n_bytes);
  gsize filled = 0;
  char *encoded;

  /* The kernel's randomness, as for any secret. */
  while (filled < n_bytes)
    {
      gssize got = getrandom (bytes + filled, n_bytes - filled, 0);

      if (got <= 0)
        g_error ("No randomness from the kernel for a sign-in");
      filled += (gsize) got;
    }
  encoded = flex_base64url_encode (bytes, n_bytes);
  explicit_bzero (bytes, n_bytes);
  return encoded;
}

/**
 * flex_sso_pkce_new:
 *
 * Returns: (transfer full): a fresh verifier and its S256 challenge, a state
 *   and a nonce
 */
FlexSsoPkce *
flex_sso_pkce_new (void)
{
  FlexSsoPkce *pkce = g_new0 (FlexSsoPkce, 1);
  guint8 digest[32];
  gsize length = sizeof digest;
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);

  pkce->verifier = random_base64url (VERIFIER_BYTES);
  g_checksum_update (checksum, (const guchar *) pkce->verifier, -1);
  g_checksum_get_digest (checksum, digest, &length);
  pkce->challenge = flex_base64url_encode (digest, length);
  pkce->state = random_base64url (24);
  pkce->nonce = random_base64url (24);
  return pkce;
}

void
flex_sso_pkce_free (FlexSsoPkce *pkce)
{
  if (pkce == NULL)
    return;
  explicit_bzero (pkce->verifier, strlen (pkce->verifier));
  g_free (pkce->verifier);
  g_free (pkce->challenge);
  g_free (pkce->state);
  g_free (pkce->nonce);
  g_free (pkce);
}

/**
 * flex_sso_base_url_from_environment:
 *
 * Returns: (transfer full): `FLEX_TWILIO_SERVICES_URL`, or Twilio's
 */
char *
flex_sso_base_url_from_environment (void)
{
  const char *url = g_getenv ("FLEX_TWILIO_SERVICES_URL");

  return g_strdup (url != NULL && *url != '\0' ? url : FLEX_SSO_DEFAULT_URL);
}

/* The login: an SSO profile SID (`JQ…`), or a Console login written
 * `console:AC…:GO…` (the account and its Flex instance), as the keyring
 * keeps it. */
#define CONSOLE_PREFIX "console:"

/**
 * flex_sso_console_login:
 * @instance_sid: the account's Flex instance (`GO…`)
 *
 * Returns: (transfer full): the login that signs in with the Twilio Console
 *   user instead of an identity provider
 */
char *
flex_sso_console_login (const char *account_sid, const char *instance_sid)
{
  g_return_val_if_fail (account_sid != NULL && instance_sid != NULL, NULL);
  return g_strconcat (CONSOLE_PREFIX, account_sid, ":", instance_sid, NULL);
}

/**
 * flex_sso_login_is_console:
 * @account_sid: (out) (optional) (transfer full): the Console login's account
 * @instance_sid: (out) (optional) (transfer full): its Flex instance
 *
 * Returns: whether @login is a Console login (else an SSO profile SID)
 */
gboolean
flex_sso_login_is_console (const char *login, char **account_sid, char **instance_sid)
{
  g_auto (GStrv) parts = NULL;

  if (login == NULL || !g_str_has_prefix (login, CONSOLE_PREFIX))
    return FALSE;
  parts = g_strsplit (login + strlen (CONSOLE_PREFIX), ":", 3);
  if (g_strv_length (parts) != 2 || !flex_twilio_is_sid (parts[0], "AC") ||
      !flex_twilio_is_sid (parts[1], "GO"))
    return FALSE;
  if (account_sid != NULL)
    *account_sid = g_strdup (parts[0]);
  if (instance_sid != NULL)
    *instance_sid = g_strdup (parts[1]);
  return TRUE;
}

/* The login's members of an OAuth/Tokens request. */
static void
add_login (JsonBuilder *builder, const char *login)
{
  g_autofree char *account = NULL;
  g_autofree char *instance = NULL;

  json_builder_set_member_name (builder, "sso_profile_sid");
  if (flex_sso_login_is_console (login, &account, &instance))
    {
      json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "is_console_login");
      json_builder_add_boolean_value (builder, TRUE);
      json_builder_set_member_name (builder, "account_sid");
      json_builder_add_string_value (builder, account);
      json_builder_set_member_name (builder, "instance_sid");
      json_builder_add_string_value (builder, instance);
    }
  else
    json_builder_add_string_value (builder, login);
}

/**
 * flex_sso_authorize_url:
 * @redirect_url: where the browser comes back (`http://localhost:PORT/`)
 * @sso_profile_sid: the login: an SSO profile, or a Console login
 *   (flex_sso_console_login())
 *
 * Returns: (transfer full): the Authorize URL for the system browser
 */
char *
flex_sso_authorize_url (const char *base_url,
                        const char *redirect_url,
                        const char *sso_profile_sid,
                        const FlexSsoPkce *pkce)
{
  g_autofree char *redirect = g_uri_escape_string (redirect_url, NULL, FALSE);
  g_autofree char *profile = g_uri_escape_string (sso_profile_sid, NULL, FALSE);
  g_autofree char *account = NULL;
  g_autofree char *instance = NULL;

  if (flex_sso_login_is_console (sso_profile_sid, &account, &instance))
    return g_strdup_printf ("%s/v1/Flex/Authorize?redirectUrl=%s&nonce=%s&codeChallenge=%s"
                            "&state=%s&isConsoleLogin=true&accountSid=%s&instanceSid=%s",
                            base_url, redirect, pkce->nonce, pkce->challenge, pkce->state, account,
                            instance);
  return g_strdup_printf ("%s/v1/Flex/Authorize?redirectUrl=%s&nonce=%s&codeChallenge=%s"
                          "&state=%s&ssoProfileSid=%s",
                          base_url, redirect, pkce->nonce, pkce->challenge, pkce->state, profile);
}

/* One request and its bounded JSON answer */

typedef struct
{
  SoupSession *session;
  SoupMessage *message;
  GByteArray *body;
  GInputStream *stream;
} Request;

static void
request_free (Request *request)
{
  g_clear_object (&request->session);
  g_clear_object (&request->message);
  g_clear_object (&request->stream);
  if (request->body != NULL)
    g_byte_array_unref (request->body);
  g_free (request);
}

static void read_more (GTask *task);

static void
finish_answer (GTask *task)
{
  Request *request = g_task_get_task_data (task);
  guint status = soup_message_get_status (request->message);
  g_autofree char *text = g_strndup ((const char *) request->body->data, request->body->len);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) root = flex_json_from_string (text, &error);

  if (status >= 200 && status < 300 && root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    {
      g_task_return_pointer (task, json_node_ref (root), (GDestroyNotify) json_node_unref);
      return;
    }
  if (status >= 400 && root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonObject *object = json_node_get_object (root);
      int code = (int) json_object_get_int_member_with_default (object, "code", 0);
      const char *message =
          json_object_get_string_member_with_default (object, "message", "Sign-in refused");
      GError *refused = NULL;

      flex_twilio_set_error (
          &refused, status == 401 ? FLEX_TWILIO_ERROR_UNAUTHORIZED : FLEX_TWILIO_ERROR_FAILED,
          status, code, NULL, "%s", message);
      g_task_return_error (task, refused);
      return;
    }
  g_task_return_new_error (task, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_MALFORMED,
                           "The sign-in service answered %u without JSON", status);
}

static void
on_read (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Request *request = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes =
      g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);

  if (bytes == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (g_bytes_get_size (bytes) == 0)
    {
      finish_answer (task);
      return;
    }
  if (request->body->len + g_bytes_get_size (bytes) > MAX_ANSWER_BYTES)
    {
      g_task_return_new_error (task, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_MALFORMED,
                               "The sign-in service answered more than %u bytes", MAX_ANSWER_BYTES);
      return;
    }
  g_byte_array_append (request->body, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  read_more (g_steal_pointer (&task));
}

static void
read_more (GTask *task)
{
  Request *request = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (request->stream, 8192, G_PRIORITY_DEFAULT,
                                   g_task_get_cancellable (task), on_read, task);
}

static void
on_sent (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Request *request = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  request->stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (request->stream == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  read_more (g_steal_pointer (&task));
}

static void request_body (const char *method,
                          const char *url,
                          const char *content_type,
                          const char *body,
                          const char *authorization,
                          gpointer source_tag,
                          GCancellable *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer user_data);

/* @method @url (with @json as the body), answering its JSON object. */
static void
request_json (const char *method,
              const char *url,
              const char *json,
              gpointer source_tag,
              GCancellable *cancellable,
              GAsyncReadyCallback callback,
              gpointer user_data)
{
  request_body (method, url, "application/json", json, NULL, source_tag, cancellable, callback,
                user_data);
}

static void
request_body (const char *method,
              const char *url,
              const char *content_type,
              const char *json,
              const char *authorization,
              gpointer source_tag,
              GCancellable *cancellable,
              GAsyncReadyCallback callback,
              gpointer user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  Request *request = g_new0 (Request, 1);
  g_autoptr (GError) error = NULL;

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);
  if (!flex_twilio_check_url (url, &error) ||
      (request->message = soup_message_new (method, url)) == NULL)
    {
      g_task_return_error (task, error != NULL
                                     ? g_steal_pointer (&error)
                                     : g_error_new (FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_INVALID,
                                                    "Not a sign-in address: %s", url));
      g_object_unref (task);
      return;
    }
  request->session = soup_session_new_with_options ("timeout", 30, NULL);
  request->body = g_byte_array_new ();
  /* The answer is the service's own: a redirect is refused. */
  soup_message_add_flags (request->message, SOUP_MESSAGE_NO_REDIRECT);
  soup_message_headers_replace (soup_message_get_request_headers (request->message), "Accept",
                                "application/json");
  if (authorization != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (request->message),
                                  "Authorization", authorization);
  if (json != NULL)
    {
      g_autoptr (GBytes) body = g_bytes_new (json, strlen (json));

      soup_message_set_request_body_from_bytes (request->message, content_type, body);
    }
  soup_session_send_async (request->session, request->message, G_PRIORITY_DEFAULT, cancellable,
                           on_sent, task);
}

/* The account of a Flex address */

static void
on_public_configuration (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) root = g_task_propagate_pointer (G_TASK (result), &error);
  JsonArray *list;
  JsonNode *first;
  const char *account;

  if (root == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  list = flex_json_array_member (json_node_get_object (root), "configurations");
  first =
      list != NULL && json_array_get_length (list) > 0 ? json_array_get_element (list, 0) : NULL;
  account = first != NULL && JSON_NODE_HOLDS_OBJECT (first)
                ? flex_json_string_member (json_node_get_object (first), "account_sid")
                : NULL;
  if (account == NULL || !flex_twilio_is_sid (account, "AC"))
    {
      g_task_return_new_error (task, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_NOT_FOUND,
                               "No Flex answers at that address");
      return;
    }
  {
    const char *instance =
        flex_json_string_member (json_node_get_object (first), "flex_instance_sid");

    /* Its Flex instance, for a Console login. */
    if (flex_twilio_is_sid (instance, "GO"))
      g_task_set_task_data (task, g_strdup (instance), g_free);
  }
  g_task_return_pointer (task, g_strdup (account), g_free);
}

/**
 * flex_sso_runtime_domain:
 * @address: what the agent typed: `acme.twil.io`, `https://acme.twil.io/`,
 *   or just `acme`
 *
 * Returns: (transfer full) (nullable): the runtime domain (`acme.twil.io`),
 *   or %NULL when @address is not a host name
 */
char *
flex_sso_runtime_domain (const char *address)
{
  g_autofree char *text = g_ascii_strdown (address != NULL ? address : "", -1);
  char *start = g_strstrip (text);
  char *end;

  if (g_str_has_prefix (start, "https://"))
    start += strlen ("https://");
  end = strchr (start, '/');
  if (end != NULL)
    *end = '\0';
  if (*start == '\0' || strlen (start) > 253)
    return NULL;
  for (const char *p = start; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '.')
      return NULL;
  if (*start == '.' || *start == '-' || strstr (start, "..") != NULL)
    return NULL;
  return strchr (start, '.') != NULL ? g_strdup (start) : g_strconcat (start, ".twil.io", NULL);
}

/**
 * flex_sso_find_account_async:
 * @flex_url: the Flex API (`https://flex-api.twilio.com`)
 * @address: the agent's Flex address, or an Account SID
 *
 * The account behind what the agent knows, from the Flex configuration's
 * public part (no credential).
 */
void
flex_sso_find_account_async (const char *flex_url,
                             const char *address,
                             GCancellable *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  g_autofree char *trimmed = g_strstrip (g_strdup (address != NULL ? address : ""));
  g_autofree char *domain = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *url = NULL;

  g_task_set_source_tag (task, flex_sso_find_account_async);
  if (flex_twilio_is_sid (trimmed, "AC"))
    {
      escaped = g_uri_escape_string (trimmed, NULL, FALSE);
      url = g_strdup_printf ("%s/v1/Configuration/Public?AccountSid=%s", flex_url, escaped);
    }
  else if ((domain = flex_sso_runtime_domain (trimmed)) != NULL)
    {
      escaped = g_uri_escape_string (domain, NULL, FALSE);
      url = g_strdup_printf ("%s/v1/Configuration/Public?RuntimeDomain=%s", flex_url, escaped);
    }
  else
    {
      g_task_return_new_error (task, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_INVALID,
                               "Not a Flex address or an Account SID");
      g_object_unref (task);
      return;
    }
  request_json ("GET", url, NULL, flex_sso_find_account_async, cancellable, on_public_configuration,
                task);
}

/**
 * flex_sso_find_account_finish:
 * @instance_sid: (out) (optional) (transfer full) (nullable): the account's
 *   Flex instance (`GO…`), when Flex says it
 *
 * Returns: (transfer full) (nullable): the Account SID
 */
char *
flex_sso_find_account_finish (GAsyncResult *result, char **instance_sid, GError **error)
{
  char *account = g_task_propagate_pointer (G_TASK (result), error);

  if (instance_sid != NULL)
    *instance_sid = account != NULL ? g_strdup (g_task_get_task_data (G_TASK (result))) : NULL;
  return account;
}

/* Who signed in */

void
flex_sso_identity_free (FlexSsoIdentity *identity)
{
  if (identity == NULL)
    return;
  g_free (identity->identity);
  g_free (identity->worker_sid);
  g_strfreev (identity->roles);
  g_free (identity);
}

static void
on_token_info (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) root = g_task_propagate_pointer (G_TASK (result), &error);
  JsonObject *info;
  JsonArray *roles;
  FlexSsoIdentity *identity;
  const char *worker;

  if (root == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  info = json_node_get_object (root);
  worker = flex_json_string_member (info, "worker_sid");
  if (!flex_twilio_is_sid (worker, "WK") || flex_json_string_member (info, "identity") == NULL)
    {
      g_task_return_new_error (task, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_MALFORMED,
                               "Flex did not say who signed in (no worker)");
      return;
    }
  identity = g_new0 (FlexSsoIdentity, 1);
  identity->identity = g_strdup (flex_json_string_member (info, "identity"));
  identity->worker_sid = g_strdup (worker);
  roles = flex_json_array_member (info, "roles");
  {
    g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

    for (guint i = 0; roles != NULL && i < json_array_get_length (roles) && i < 32; i++)
      {
        JsonNode *role = json_array_get_element (roles, i);

        if (JSON_NODE_HOLDS_VALUE (role) && json_node_get_value_type (role) == G_TYPE_STRING)
          g_strv_builder_add (builder, json_node_get_string (role));
      }
    identity->roles = g_strv_builder_end (builder);
  }
  g_task_return_pointer (task, identity, (GDestroyNotify) flex_sso_identity_free);
}

/**
 * flex_sso_fetch_identity_async:
 * @flex_url: the Flex API (`https://flex-api.twilio.com`)
 * @token: the Flex token
 *
 * Who a Flex token is (Tokens/Info): identity, roles, worker.
 */
void
flex_sso_fetch_identity_async (const char *flex_url,
                               const char *account_sid,
                               const char *token,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  g_autofree char *account = g_uri_escape_string (account_sid, NULL, FALSE);
  g_autofree char *url = g_strdup_printf ("%s/v1/Accounts/%s/Tokens/Info", flex_url, account);
  g_autofree char *escaped = g_uri_escape_string (token, NULL, FALSE);
  g_autofree char *form = g_strconcat ("Token=", escaped, NULL);
  g_autofree char *pair = g_strconcat ("token:", token, NULL);
  g_autofree char *encoded = g_base64_encode ((const guchar *) pair, strlen (pair));
  g_autofree char *authorization = g_strconcat ("Basic ", encoded, NULL);

  g_task_set_source_tag (task, flex_sso_fetch_identity_async);
  request_body ("POST", url, "application/x-www-form-urlencoded", form, authorization,
                flex_sso_fetch_identity_async, cancellable, on_token_info, task);
  explicit_bzero (pair, strlen (pair));
  explicit_bzero (encoded, strlen (encoded));
  explicit_bzero (authorization, strlen (authorization));
  explicit_bzero (form, strlen (form));
}

/**
 * flex_sso_fetch_identity_finish:
 *
 * Returns: (transfer full) (nullable): who signed in
 */
FlexSsoIdentity *
flex_sso_fetch_identity_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Identity provider */

static void
on_profile (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) root = g_task_propagate_pointer (G_TASK (result), &error);
  JsonNode *list;

  if (root == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  list = json_object_get_member (json_node_get_object (root), "config_list");
  for (guint i = 0; list != NULL && JSON_NODE_HOLDS_ARRAY (list) &&
                    i < json_array_get_length (json_node_get_array (list));
       i++)
    {
      JsonNode *entry = json_array_get_element (json_node_get_array (list), i);
      JsonObject *config = JSON_NODE_HOLDS_OBJECT (entry) ? json_node_get_object (entry) : NULL;
      const char *profile =
          config != NULL
              ? json_object_get_string_member_with_default (config, "connection_name", NULL)
              : NULL;

      if (flex_twilio_is_sid (profile, "JQ") &&
          json_object_get_boolean_member_with_default (config, "active", FALSE))
        {
          g_task_return_pointer (task, g_strdup (profile), g_free);
          return;
        }
    }
  g_task_return_new_error (task, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_NOT_FOUND,
                           "This account has no active Flex single sign-on");
}

/**
 * flex_sso_fetch_profile_async:
 *
 * The account's active SSO profile (JQ…), from Authentication/Config.
 */
void
flex_sso_fetch_profile_async (const char *base_url,
                              const char *account_sid,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  g_autofree char *account = g_uri_escape_string (account_sid, NULL, FALSE);
  g_autofree char *url = g_strdup_printf (
      "%s/v1/Flex/Authentication/Config?AccountSid=%s&AppType=SinglePageApp", base_url, account);

  g_task_set_source_tag (task, flex_sso_fetch_profile_async);
  request_json ("GET", url, NULL, flex_sso_fetch_profile_async, cancellable, on_profile, task);
}

/**
 * flex_sso_fetch_profile_finish:
 *
 * Returns: (transfer full) (nullable): the SSO profile SID
 */
char *
flex_sso_fetch_profile_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Tokens */

static void
on_tokens (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) root = g_task_propagate_pointer (G_TASK (result), &error);
  JsonObject *answer;
  JsonNode *info_node;
  JsonObject *info;
  const char *access, *refresh, *expiration;
  g_autoptr (GDateTime) expires = NULL;
  FlexSsoTokens *tokens;

  if (root == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  answer = json_node_get_object (root);
  access = json_object_get_string_member_with_default (answer, "access_token", NULL);
  refresh = json_object_get_string_member_with_default (answer, "refresh_token", NULL);
  info_node = json_object_get_member (answer, "token_info");
  info = info_node != NULL && JSON_NODE_HOLDS_OBJECT (info_node) ? json_node_get_object (info_node)
                                                                 : NULL;
  expiration = json_object_get_string_member_with_default (answer, "access_token_expires_at", NULL);
  if (expiration == NULL && info != NULL)
    expiration = json_object_get_string_member_with_default (info, "expiration", NULL);
  expires = expiration != NULL ? g_date_time_new_from_iso8601 (expiration, NULL) : NULL;
  if (access == NULL || refresh == NULL || info == NULL || expires == NULL ||
      strlen (access) > 16 * 1024 || strlen (refresh) > 16 * 1024)
    {
      g_task_return_new_error (task, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_MALFORMED,
                               "The sign-in service answered without the tokens");
      return;
    }
  tokens = g_new0 (FlexSsoTokens, 1);
  tokens->access_token = g_strdup (access);
  tokens->refresh_token = g_strdup (refresh);
  tokens->identity = g_strdup (json_object_get_string_member_with_default (info, "identity", NULL));
  tokens->flex_user_sid =
      g_strdup (json_object_get_string_member_with_default (info, "flex_user_sid", NULL));
  tokens->expires_at_us = g_date_time_to_unix (expires) * G_USEC_PER_SEC;
  g_task_return_pointer (task, tokens, (GDestroyNotify) flex_sso_tokens_free);
}

static void
post_tokens (const char *base_url,
             JsonBuilder *builder,
             gpointer source_tag,
             GCancellable *cancellable,
             GAsyncReadyCallback callback,
             gpointer user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr (JsonNode) root = json_builder_get_root (builder);
  g_autofree char *json = json_to_string (root, FALSE);
  g_autofree char *url = g_strconcat (base_url, "/v1/Flex/OAuth/Tokens", NULL);

  g_task_set_source_tag (task, source_tag);
  request_json ("POST", url, json, source_tag, cancellable, on_tokens, task);
  explicit_bzero (json, strlen (json));
}

/**
 * flex_sso_exchange_code_async:
 * @code: what the browser brought back to the loopback address
 *
 * The code exchange (AuthorizationCode, with the PKCE verifier and the
 * nonce). Finish with flex_sso_tokens_finish().
 */
void
flex_sso_exchange_code_async (const char *base_url,
                              const char *sso_profile_sid,
                              const char *code,
                              const FlexSsoPkce *pkce,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "grant_type");
  json_builder_add_string_value (builder, "AuthorizationCode");
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, code);
  json_builder_set_member_name (builder, "code_verifier");
  json_builder_add_string_value (builder, pkce->verifier);
  json_builder_set_member_name (builder, "nonce");
  json_builder_add_string_value (builder, pkce->nonce);
  add_login (builder, sso_profile_sid);
  json_builder_set_member_name (builder, "app_type");
  json_builder_add_string_value (builder, "SinglePageApp");
  json_builder_end_object (builder);
  post_tokens (base_url, builder, flex_sso_exchange_code_async, cancellable, callback, user_data);
}

/**
 * flex_sso_refresh_async:
 *
 * A new Flex token (RefreshToken): the answer's refresh token replaces
 * @refresh_token, which is spent. Twilio's 20104 (the session's maximum
 * lifetime) or 20003 (refused) mean: sign in again.
 */
void
flex_sso_refresh_async (const char *base_url,
                        const char *sso_profile_sid,
                        const char *refresh_token,
                        GCancellable *cancellable,
                        GAsyncReadyCallback callback,
                        gpointer user_data)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "grant_type");
  json_builder_add_string_value (builder, "RefreshToken");
  json_builder_set_member_name (builder, "refresh_token");
  json_builder_add_string_value (builder, refresh_token);
  /* A Console login's refresh names it as its exchange did (verify live). */
  add_login (builder, sso_profile_sid);
  json_builder_end_object (builder);
  post_tokens (base_url, builder, flex_sso_refresh_async, cancellable, callback, user_data);
}

/**
 * flex_sso_tokens_finish:
 *
 * Returns: (transfer full) (nullable): the tokens
 */
FlexSsoTokens *
flex_sso_tokens_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
