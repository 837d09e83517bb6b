/* flex-access-token.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flex-access-token"

#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "flex-access-token.h"
#include "flex-twilio-error.h"

/*
 * Twilio access tokens (SYNC-PUSH.md §1): a JWT signed with HS256 by the
 * secret of a Standard API key, with a `data_sync` grant. The members are
 * written in the order twilio-node writes them, so that the same inputs give
 * the same bytes (the golden vector of SYNC-PUSH.md is a test).
 */

/**
 * flex_base64url_encode:
 *
 * Returns: (transfer full): base64url of @data, without padding (RFC 7515)
 */
char *
flex_base64url_encode (const guint8 *data, gsize length)
{
  char *text = g_base64_encode (data, length);
  char *out = text;

  for (char *p = text; *p != '\0'; p++)
    {
      if (*p == '=')
        break;
      *out++ = *p == '+' ? '-' : *p == '/' ? '_' : *p;
    }
  *out = '\0';
  return text;
}

/**
 * flex_base64url_decode:
 *
 * Returns: (transfer full) (nullable): the bytes, or %NULL when @text is not
 *   base64url
 */
guint8 *
flex_base64url_decode (const char *text, gsize *length)
{
  gsize n = strlen (text);
  g_autofree char *padded = g_malloc (n + 4);
  gsize i;

  for (i = 0; i < n; i++)
    {
      char c = text[i];

      if (c == '-')
        c = '+';
      else if (c == '_')
        c = '/';
      else if (!g_ascii_isalnum (c))
        return NULL;
      padded[i] = c;
    }
  if (n % 4 == 1)
    return NULL;
  while (i % 4 != 0)
    padded[i++] = '=';
  padded[i] = '\0';
  return g_base64_decode (padded, length);
}

static char *
encode_json (JsonBuilder *builder)
{
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = NULL;

  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  return flex_base64url_encode ((const guint8 *) text, strlen (text));
}

static char *
mint (const char *account_sid,
      const char *key_sid,
      const char *key_secret,
      const char *identity,
      const char *grant_name,
      JsonNode *grant,
      gint64 issued_at,
      guint ttl_s,
      GError **error)
{
  g_autoptr (JsonBuilder) header = json_builder_new ();
  g_autoptr (JsonBuilder) payload = json_builder_new ();
  g_autoptr (GHmac) hmac = NULL;
  g_autofree char *header_b64 = NULL;
  g_autofree char *payload_b64 = NULL;
  g_autofree char *signing_input = NULL;
  g_autofree char *signature = NULL;
  g_autofree char *jti = NULL;
  guint8 digest[32];
  gsize digest_length = sizeof digest;

  if (key_sid == NULL || !g_str_has_prefix (key_sid, "SK") || key_secret == NULL ||
      *key_secret == '\0')
    {
      flex_twilio_set_error (error, FLEX_TWILIO_ERROR_UNAUTHORIZED, 0, 20003, NULL,
                             "Live updates need a Standard API key (SK…); the Auth Token cannot "
                             "sign access tokens");
      return NULL;
    }
  if (account_sid == NULL || identity == NULL || *identity == '\0' || ttl_s == 0 ||
      ttl_s > FLEX_ACCESS_TOKEN_MAX_TTL)
    {
      flex_twilio_set_error (error, FLEX_TWILIO_ERROR_INVALID, 0, 0, NULL,
                             "An access token needs an account, an identity and a lifetime of at "
                             "most 24 hours");
      return NULL;
    }

  json_builder_begin_object (header);
  json_builder_set_member_name (header, "alg");
  json_builder_add_string_value (header, "HS256");
  json_builder_set_member_name (header, "typ");
  json_builder_add_string_value (header, "JWT");
  json_builder_set_member_name (header, "cty");
  json_builder_add_string_value (header, "twilio-fpa;v=1");
  json_builder_end_object (header);

  jti = g_strdup_printf ("%s-%" G_GINT64_FORMAT, key_sid, issued_at);
  json_builder_begin_object (payload);
  json_builder_set_member_name (payload, "jti");
  json_builder_add_string_value (payload, jti);
  json_builder_set_member_name (payload, "grants");
  json_builder_begin_object (payload);
  json_builder_set_member_name (payload, "identity");
  json_builder_add_string_value (payload, identity);
  json_builder_set_member_name (payload, grant_name);
  json_builder_add_value (payload, json_node_copy (grant));
  json_builder_end_object (payload);
  json_builder_set_member_name (payload, "iat");
  json_builder_add_int_value (payload, issued_at);
  json_builder_set_member_name (payload, "exp");
  json_builder_add_int_value (payload, issued_at + ttl_s);
  json_builder_set_member_name (payload, "iss");
  json_builder_add_string_value (payload, key_sid);
  json_builder_set_member_name (payload, "sub");
  json_builder_add_string_value (payload, account_sid);
  json_builder_end_object (payload);

  header_b64 = encode_json (header);
  payload_b64 = encode_json (payload);
  signing_input = g_strconcat (header_b64, ".", payload_b64, NULL);

  hmac = g_hmac_new (G_CHECKSUM_SHA256, (const guchar *) key_secret, strlen (key_secret));
  g_hmac_update (hmac, (const guchar *) signing_input, -1);
  g_hmac_get_digest (hmac, digest, &digest_length);
  signature = flex_base64url_encode (digest, digest_length);

  return g_strconcat (signing_input, ".", signature, NULL);
}

/**
 * flex_access_token_mint_sync:
 * @service_sid: the Sync service of the grant (`IS…`, or `default`)
 * @issued_at: `iat`, seconds since the epoch
 * @ttl_s: lifetime, at most 24 hours
 *
 * Makes a Sync access token for @identity. Only an API key (`SK…`) can sign
 * one: the Account SID with its Auth Token cannot, and is refused with
 * %FLEX_TWILIO_ERROR_UNAUTHORIZED (Twilio's 20003).
 *
 * Returns: (transfer full) (nullable): the JWT
 */
char *
flex_access_token_mint_sync (const char *account_sid,
                             const char *key_sid,
                             const char *key_secret,
                             const char *identity,
                             const char *service_sid,
                             gint64 issued_at,
                             guint ttl_s,
                             GError **error)
{
  g_autoptr (JsonBuilder) grant = json_builder_new ();
  g_autoptr (JsonNode) node = NULL;

  json_builder_begin_object (grant);
  json_builder_set_member_name (grant, "service_sid");
  json_builder_add_string_value (grant, service_sid != NULL ? service_sid : "default");
  json_builder_end_object (grant);
  node = json_builder_get_root (grant);
  return mint (account_sid, key_sid, key_secret, identity, "data_sync", node, issued_at, ttl_s,
               error);
}

/**
 * flex_access_token_mint_taskrouter:
 * @workspace_sid: the Flex workspace (WS…)
 * @worker_sid: the signed-in worker (WK…)
 *
 * An access token with a `task_router` grant for one worker, as
 * twilio-taskrouter's EventBridge takes it (FLEX-SESSION.md §2): that
 * worker's events and nothing else.
 *
 * Returns: (transfer full) (nullable): the JWT, or %NULL with @error set
 */
char *
flex_access_token_mint_taskrouter (const char *account_sid,
                                   const char *key_sid,
                                   const char *key_secret,
                                   const char *identity,
                                   const char *workspace_sid,
                                   const char *worker_sid,
                                   gint64 issued_at,
                                   guint ttl_s,
                                   GError **error)
{
  g_autoptr (JsonBuilder) grant = json_builder_new ();
  g_autoptr (JsonNode) node = NULL;

  if (workspace_sid == NULL || worker_sid == NULL)
    {
      flex_twilio_set_error (error, FLEX_TWILIO_ERROR_INVALID, 0, 0, NULL,
                             "A TaskRouter token needs the workspace and the worker");
      return NULL;
    }
  json_builder_begin_object (grant);
  json_builder_set_member_name (grant, "workspace_sid");
  json_builder_add_string_value (grant, workspace_sid);
  json_builder_set_member_name (grant, "worker_sid");
  json_builder_add_string_value (grant, worker_sid);
  json_builder_set_member_name (grant, "role");
  json_builder_add_string_value (grant, "worker");
  json_builder_end_object (grant);
  node = json_builder_get_root (grant);
  return mint (account_sid, key_sid, key_secret, identity, "task_router", node, issued_at, ttl_s,
               error);
}
