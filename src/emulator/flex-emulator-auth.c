/* flex-emulator-auth.c
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
 * Flex single sign-on, as the Flex UI sees it (FLEX-SESSION.md §1), for the
 * agent's own sign-in (issue 19). One SSO profile (JQ…) of one Flex instance
 * (GO…), and the demo workers as its users:
 *
 *   GET  /v1/Flex/Authentication/Config?AccountSid=…     the identity provider
 *   GET  /v1/Flex/Authorize?redirectUrl=…&state=…&nonce=…&codeChallenge=…&ssoProfileSid=…
 *        an HTML form naming the users; POST it (user=WK…) and the answer is
 *        a 302 to redirectUrl?code=…&state=…
 *   POST /v1/Flex/OAuth/Tokens (JSON)   AuthorizationCode with the PKCE
 *        verifier (S256) and the nonce; RefreshToken, which rotates
 *   POST /v1/Accounts/{AccountSid}/Tokens/Info   who a Flex token is
 *
 * Codes are single-use and short-lived; Flex tokens and refresh tokens are
 * opaque random strings it remembers (never JWTs: a client must not look
 * inside). The token lifetime and the session's maximum lifetime can be made
 * seconds long for tests. A refresh refused says Twilio's 20104 (expired) or
 * 20003 (invalid). A live Flex token also opens Twilsock (the default Sync
 * service, reads and writes over CDS), the Flex configuration (`token:`
 * Basic auth) and EventBridge (its socket and `wschannels` requests, for the
 * token's own worker), nothing else. Configuration/Public is in
 * flex-emulator-flex.c. The Twilio Console login (isConsoleLogin=true with
 * the account and its Flex instance) signs in the same users; an account
 * without single sign-on (flex_emulator_set_sso (FALSE)) has only it.
 */

#define CODE_TTL_S      120
#define MAX_PARAM_BYTES 2048

typedef struct
{
  char *worker_sid;
  char *identity;
  char *challenge; /* code: the PKCE challenge (S256) */
  char *nonce;     /* code: the nonce to be given back */
  gint64 expires_us;
  gint64 session_start_us; /* when the sign-in was: the session's maximum counts from it */
  gboolean console;        /* signed in with the Twilio Console login, not the IdP */
} Grant;

struct _FlexEmulatorAuth
{
  char *sso_profile_sid;
  char *instance_sid;
  char *client_id;
  GHashTable *codes;   /* code → Grant */
  GHashTable *access;  /* Flex token → Grant */
  GHashTable *refresh; /* refresh token → Grant */
  guint token_ttl_s;
  guint session_max_s;
  gboolean no_sso; /* the account has no identity provider: Console login only */
};

static void
grant_free (Grant *grant)
{
  g_free (grant->worker_sid);
  g_free (grant->identity);
  g_free (grant->challenge);
  g_free (grant->nonce);
  g_free (grant);
}

static Grant *
grant_copy (const Grant *grant)
{
  Grant *copy = g_new0 (Grant, 1);

  copy->worker_sid = g_strdup (grant->worker_sid);
  copy->identity = g_strdup (grant->identity);
  copy->session_start_us = grant->session_start_us;
  copy->console = grant->console;
  return copy;
}

FlexEmulatorAuth *
_flex_emulator_auth_new (FlexEmulator *self)
{
  FlexEmulatorAuth *auth = g_new0 (FlexEmulatorAuth, 1);

  auth->sso_profile_sid = _flex_emulator_new_sid ("JQ");
  auth->instance_sid = _flex_emulator_new_sid ("GO");
  auth->client_id = g_uuid_string_random ();
  auth->codes =
      g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) grant_free);
  auth->access =
      g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) grant_free);
  auth->refresh =
      g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) grant_free);
  auth->token_ttl_s = 3600;
  auth->session_max_s = 12 * 3600;
  return auth;
}

void
_flex_emulator_auth_free (FlexEmulatorAuth *auth)
{
  if (auth == NULL)
    return;
  g_free (auth->sso_profile_sid);
  g_free (auth->instance_sid);
  g_free (auth->client_id);
  g_hash_table_unref (auth->codes);
  g_hash_table_unref (auth->access);
  g_hash_table_unref (auth->refresh);
  g_free (auth);
}

static char *
random_token (const char *prefix)
{
  guint8 bytes[32];
  g_autofree char *encoded = NULL;

  for (guint i = 0; i < sizeof bytes; i++)
    bytes[i] = (guint8) g_random_int_range (0, 256);
  encoded = g_base64_encode (bytes, sizeof bytes);
  g_strdelimit (encoded, "+/=", '_');
  return g_strconcat (prefix, encoded, NULL);
}

/* base64url (no padding) of SHA-256 of @verifier: PKCE S256. */
static char *
challenge_of (const char *verifier)
{
  guint8 digest[32];
  gsize length = sizeof digest;
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);

  g_checksum_update (checksum, (const guchar *) verifier, -1);
  g_checksum_get_digest (checksum, digest, &length);
  return _flex_emulator_base64url (digest, length);
}

static const char *
query_param (FlexEmulatorContext *context, const char *name)
{
  const char *value = context->query != NULL ? g_hash_table_lookup (context->query, name) : NULL;

  return value != NULL && strlen (value) <= MAX_PARAM_BYTES ? value : NULL;
}

/* GET /v1/Flex/Authentication/Config: the account's identity provider. */
static void
handle_config (FlexEmulatorContext *context)
{
  FlexEmulator *self = context->emulator;
  FlexEmulatorAuth *auth = self->auth;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  const char *account = query_param (context, "AccountSid");

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "config_list");
  json_builder_begin_array (builder);
  if (!auth->no_sso && (account == NULL || g_str_equal (account, self->account_sid)))
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "account_sid");
      json_builder_add_string_value (builder, self->account_sid);
      json_builder_set_member_name (builder, "instance_sid");
      json_builder_add_string_value (builder, auth->instance_sid);
      json_builder_set_member_name (builder, "connection_name");
      json_builder_add_string_value (builder, auth->sso_profile_sid);
      json_builder_set_member_name (builder, "client_id");
      json_builder_add_string_value (builder, auth->client_id);
      json_builder_set_member_name (builder, "active");
      json_builder_add_boolean_value (builder, TRUE);
      json_builder_set_member_name (builder, "app_type");
      json_builder_add_string_value (builder, "SinglePageApp");
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  _flex_emulator_reply (context, 200, json_builder_get_root (builder), NULL);
}

/* Where the browser goes back to: a loopback http:// address only (the
 * Trusted domains of the SSO settings hold "localhost"). */
static gboolean
redirect_allowed (const char *url)
{
  g_autoptr (GUri) uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;
  const char *host = uri != NULL ? g_uri_get_host (uri) : NULL;

  return host != NULL && g_strcmp0 (g_uri_get_scheme (uri), "http") == 0 &&
         (g_str_equal (host, "localhost") || g_str_equal (host, "127.0.0.1"));
}

/* Whom an Authorize URL signs in with: the account's identity provider
 * (ssoProfileSid), or the Twilio Console login (isConsoleLogin=true with the
 * account and its Flex instance). FALSE when it names neither rightly. */
static gboolean
authorize_login (FlexEmulatorContext *context, gboolean *console)
{
  FlexEmulator *self = context->emulator;

  *console = g_strcmp0 (query_param (context, "isConsoleLogin"), "true") == 0;
  if (*console)
    return g_strcmp0 (query_param (context, "accountSid"), self->account_sid) == 0 &&
           g_strcmp0 (query_param (context, "instanceSid"), self->auth->instance_sid) == 0;
  return !self->auth->no_sso &&
         g_strcmp0 (query_param (context, "ssoProfileSid"), self->auth->sso_profile_sid) == 0;
}

/* GET /v1/Flex/Authorize: the sign-in page, a form naming the demo users.
 * (Its answer is HTML: _flex_emulator_reply_html().) */
static void
handle_authorize (FlexEmulatorContext *context)
{
  FlexEmulator *self = context->emulator;
  const char *redirect = query_param (context, "redirectUrl");
  const char *state = query_param (context, "state");
  const char *nonce = query_param (context, "nonce");
  const char *challenge = query_param (context, "codeChallenge");
  g_autoptr (GString) html = g_string_new (NULL);
  g_autoptr (GPtrArray) workers = _flex_emulator_taskrouter_worker_sids (self);
  gboolean console = FALSE;

  if (!redirect_allowed (redirect) || state == NULL || nonce == NULL || challenge == NULL ||
      !authorize_login (context, &console))
    {
      _flex_emulator_error (context, 400, 20001,
                            "Authorize needs a loopback redirectUrl, state, nonce, codeChallenge "
                            "and the account's ssoProfileSid (or isConsoleLogin=true, accountSid "
                            "and instanceSid)");
      return;
    }
  g_string_append_printf (html,
                          "<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
                          "<title>Sign in to Flex (emulator)</title></head><body>"
                          "<h1>Sign in to Flex%s</h1><form method=\"post\">",
                          console ? " with your Twilio Console login" : "");
  for (guint i = 0; i < workers->len; i++)
    {
      const char *sid = g_ptr_array_index (workers, i);
      g_autofree char *name =
          g_markup_escape_text (_flex_emulator_taskrouter_worker_name (self, sid), -1);

      g_string_append_printf (html,
                              "<label><input type=\"radio\" name=\"user\" value=\"%s\"%s> %s"
                              "</label><br>",
                              sid, i == 0 ? " checked" : "", name);
    }
  g_string_append (html, "<button type=\"submit\">Sign In</button></form></body></html>");
  _flex_emulator_reply_html (context, 200, html->str);
}

/* POST /v1/Flex/Authorize (the form): a code for the chosen user, and the
 * browser sent back with it. */
static void
handle_authorize_submit (FlexEmulatorContext *context)
{
  FlexEmulator *self = context->emulator;
  const char *redirect = query_param (context, "redirectUrl");
  const char *state = query_param (context, "state");
  const char *user = g_hash_table_lookup (context->form, "user");
  Grant *grant;
  g_autofree char *code = NULL;
  g_autofree char *escaped_code = NULL;
  g_autofree char *escaped_state = NULL;
  g_autofree char *location = NULL;

  gboolean console = FALSE;

  if (!redirect_allowed (redirect) || state == NULL || query_param (context, "nonce") == NULL ||
      query_param (context, "codeChallenge") == NULL || user == NULL ||
      !authorize_login (context, &console) || !_flex_emulator_taskrouter_has_worker (self, user))
    {
      _flex_emulator_error (context, 400, 20001, "Not a sign-in this emulator started");
      return;
    }
  grant = g_new0 (Grant, 1);
  grant->worker_sid = g_strdup (user);
  grant->identity = g_strdup (_flex_emulator_taskrouter_worker_name (self, user));
  grant->challenge = g_strdup (query_param (context, "codeChallenge"));
  grant->nonce = g_strdup (query_param (context, "nonce"));
  grant->expires_us = flex_emulator_now_us (self) + (gint64) CODE_TTL_S * G_USEC_PER_SEC;
  grant->session_start_us = flex_emulator_now_us (self);
  grant->console = console;
  code = random_token ("code_");
  g_hash_table_insert (self->auth->codes, g_strdup (code), grant);
  escaped_code = g_uri_escape_string (code, NULL, FALSE);
  escaped_state = g_uri_escape_string (state, NULL, FALSE);
  location =
      g_strdup_printf ("%s%scode=%s&state=%s", redirect, strchr (redirect, '?') != NULL ? "&" : "?",
                       escaped_code, escaped_state);
  _flex_emulator_redirect (context, location);
}

/* A Flex token and a refresh token for @grant, the answer of OAuth/Tokens. */
static JsonNode *
issue_tokens (FlexEmulator *self, const Grant *grant)
{
  FlexEmulatorAuth *auth = self->auth;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autofree char *access = random_token ("flex_");
  g_autofree char *refresh = random_token ("refresh_");
  gint64 now_us = flex_emulator_now_us (self);
  gint64 session_end_us = grant->session_start_us + (gint64) auth->session_max_s * G_USEC_PER_SEC;
  gint64 expires_us = MIN (now_us + (gint64) auth->token_ttl_s * G_USEC_PER_SEC, session_end_us);
  g_autofree char *expiration = _flex_emulator_format_date (expires_us);
  g_autofree char *refresh_expiration = _flex_emulator_format_date (session_end_us);
  Grant *kept;

  kept = grant_copy (grant);
  kept->expires_us = expires_us;
  g_hash_table_insert (auth->access, g_strdup (access), kept);
  kept = grant_copy (grant);
  kept->expires_us = session_end_us;
  g_hash_table_insert (auth->refresh, g_strdup (refresh), kept);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "access_token");
  json_builder_add_string_value (builder, access);
  json_builder_set_member_name (builder, "refresh_token");
  json_builder_add_string_value (builder, refresh);
  json_builder_set_member_name (builder, "access_token_expires_at");
  json_builder_add_string_value (builder, expiration);
  json_builder_set_member_name (builder, "refresh_token_expires_at");
  json_builder_add_string_value (builder, refresh_expiration);
  json_builder_set_member_name (builder, "token_info");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "expiration");
  json_builder_add_string_value (builder, expiration);
  json_builder_set_member_name (builder, "identity");
  json_builder_add_string_value (builder, grant->identity);
  json_builder_set_member_name (builder, "roles");
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, "agent");
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "flex_user_sid");
  json_builder_add_string_value (builder, grant->worker_sid);
  json_builder_set_member_name (builder, "account_sid");
  json_builder_add_string_value (builder, self->account_sid);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* An OAuth/Tokens request names the sign-in's login: its SSO profile, or
 * is_console_login with the account and its Flex instance. */
static gboolean
tokens_login_matches (FlexEmulator *self, JsonObject *request, const Grant *grant)
{
  if (grant->console)
    return json_object_get_boolean_member_with_default (request, "is_console_login", FALSE) &&
           g_strcmp0 (json_object_get_string_member_with_default (request, "account_sid", NULL),
                      self->account_sid) == 0 &&
           g_strcmp0 (json_object_get_string_member_with_default (request, "instance_sid", NULL),
                      self->auth->instance_sid) == 0;
  return g_strcmp0 (json_object_get_string_member_with_default (request, "sso_profile_sid", NULL),
                    self->auth->sso_profile_sid) == 0;
}

/* POST /v1/Flex/OAuth/Tokens, a JSON body (read by the caller). */
void
_flex_emulator_auth_tokens (FlexEmulator *self, GBytes *body, FlexEmulatorContext *context)
{
  FlexEmulatorAuth *auth = self->auth;
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *request = NULL;
  const char *grant_type;
  gint64 now_us = flex_emulator_now_us (self);

  if (body != NULL && g_bytes_get_size (body) <= 16 * 1024 &&
      json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
                                  (gssize) g_bytes_get_size (body), NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    request = json_node_get_object (json_parser_get_root (parser));
  grant_type = request != NULL
                   ? json_object_get_string_member_with_default (request, "grant_type", NULL)
                   : NULL;
  if (g_strcmp0 (grant_type, "AuthorizationCode") == 0)
    {
      const char *code = json_object_get_string_member_with_default (request, "code", NULL);
      const char *verifier =
          json_object_get_string_member_with_default (request, "code_verifier", NULL);
      const char *nonce = json_object_get_string_member_with_default (request, "nonce", NULL);
      Grant *grant = code != NULL ? g_hash_table_lookup (auth->codes, code) : NULL;
      g_autofree char *challenge = verifier != NULL ? challenge_of (verifier) : NULL;

      if (grant == NULL || grant->expires_us <= now_us || challenge == NULL ||
          g_strcmp0 (challenge, grant->challenge) != 0 || g_strcmp0 (nonce, grant->nonce) != 0 ||
          !tokens_login_matches (self, request, grant))
        {
          /* Single use: a wrong try spends it too. */
          if (code != NULL)
            g_hash_table_remove (auth->codes, code);
          _flex_emulator_error (context, 401, 20003, "Invalid authorization code");
          return;
        }
      _flex_emulator_reply (context, 200, issue_tokens (self, grant), NULL);
      g_hash_table_remove (auth->codes, code);
      return;
    }
  if (g_strcmp0 (grant_type, "RefreshToken") == 0)
    {
      const char *token =
          json_object_get_string_member_with_default (request, "refresh_token", NULL);
      Grant *grant = token != NULL ? g_hash_table_lookup (auth->refresh, token) : NULL;

      if (grant == NULL || !tokens_login_matches (self, request, grant))
        {
          _flex_emulator_error (context, 401, 20003, "Invalid refresh token");
          return;
        }
      if (grant->expires_us <= now_us)
        {
          g_hash_table_remove (auth->refresh, token);
          _flex_emulator_error (context, 401, 20104, "The session has expired: sign in again");
          return;
        }
      /* Rotated: the old refresh token is spent. */
      _flex_emulator_reply (context, 200, issue_tokens (self, grant), NULL);
      g_hash_table_remove (auth->refresh, token);
      return;
    }
  _flex_emulator_error (context, 400, 20001,
                        "grant_type must be AuthorizationCode or RefreshToken");
}

/**
 * _flex_emulator_auth_worker:
 * @token: a Flex token
 *
 * Returns: (nullable): the worker a live Flex token is for
 */
const char *
_flex_emulator_auth_worker (FlexEmulator *self, const char *token, gint64 *expires_us)
{
  Grant *grant = token != NULL ? g_hash_table_lookup (self->auth->access, token) : NULL;

  if (grant == NULL || grant->expires_us <= flex_emulator_now_us (self))
    return NULL;
  if (expires_us != NULL)
    *expires_us = grant->expires_us;
  return grant->worker_sid;
}

/* POST /v1/Accounts/{AccountSid}/Tokens/Info: Token=… (and Basic
 * token:…): who it is. */
static void
handle_token_info (FlexEmulatorContext *context)
{
  FlexEmulator *self = context->emulator;
  const char *token = g_hash_table_lookup (context->form, "Token");
  Grant *grant = token != NULL ? g_hash_table_lookup (self->auth->access, token) : NULL;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autofree char *expiration = NULL;

  if (grant == NULL ||
      g_strcmp0 (g_hash_table_lookup (context->params, "AccountSid"), self->account_sid) != 0)
    {
      _flex_emulator_error (context, 401, 20003, "Invalid token");
      return;
    }
  if (grant->expires_us <= flex_emulator_now_us (self))
    {
      _flex_emulator_error (context, 401, 20104, "Token expired");
      return;
    }
  expiration = _flex_emulator_format_date (grant->expires_us);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "identity");
  json_builder_add_string_value (builder, grant->identity);
  json_builder_set_member_name (builder, "roles");
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, "agent");
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "worker_sid");
  json_builder_add_string_value (builder, grant->worker_sid);
  json_builder_set_member_name (builder, "flex_user_sid");
  json_builder_add_string_value (builder, grant->worker_sid);
  json_builder_set_member_name (builder, "flex_instance_sid");
  json_builder_add_string_value (builder, self->auth->instance_sid);
  json_builder_set_member_name (builder, "account_sid");
  json_builder_add_string_value (builder, self->account_sid);
  json_builder_set_member_name (builder, "expiration");
  json_builder_add_string_value (builder, expiration);
  json_builder_set_member_name (builder, "permissions");
  json_builder_begin_object (builder);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  _flex_emulator_reply (context, 200, json_builder_get_root (builder), NULL);
}

void
_flex_emulator_auth_add_routes (FlexEmulator *self)
{
  _flex_emulator_add_route (self, "GET", "/v1/Flex/Authentication/Config",
                            "FetchFlexAuthenticationConfig", handle_config);
  _flex_emulator_add_route (self, "GET", "/v1/Flex/Authorize", "FlexAuthorize", handle_authorize);
  _flex_emulator_add_route (self, "POST", "/v1/Flex/Authorize", "FlexAuthorizeSubmit",
                            handle_authorize_submit);
  _flex_emulator_add_route (self, "POST", "/v1/Accounts/{AccountSid}/Tokens/Info",
                            "FetchFlexTokenInfo", handle_token_info);
}

/* Public: for tests and the command line */

/**
 * flex_emulator_set_sso:
 * @enabled: whether the account has an identity provider (an SSO profile);
 *   without, Authentication/Config lists none and only the Twilio Console
 *   login signs in
 */
void
flex_emulator_set_sso (FlexEmulator *self, gboolean enabled)
{
  g_return_if_fail (FLEX_IS_EMULATOR (self));
  self->auth->no_sso = !enabled;
}

const char *
_flex_emulator_auth_instance_sid (FlexEmulator *self)
{
  return self->auth->instance_sid;
}

const char *
flex_emulator_get_sso_profile_sid (FlexEmulator *self)
{
  g_return_val_if_fail (FLEX_IS_EMULATOR (self), NULL);
  return self->auth->sso_profile_sid;
}

/**
 * flex_emulator_set_flex_token_lifetimes:
 * @token_s: a Flex token's lifetime
 * @session_s: the session's maximum lifetime, from the sign-in
 */
void
flex_emulator_set_flex_token_lifetimes (FlexEmulator *self, guint token_s, guint session_s)
{
  g_return_if_fail (FLEX_IS_EMULATOR (self));
  self->auth->token_ttl_s = MAX (token_s, 1);
  self->auth->session_max_s = MAX (session_s, 1);
}
