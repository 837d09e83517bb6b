/* flex-sso.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "flex-sso-loopback.h"

G_BEGIN_DECLS

/* Twilio's sign-in service (FLEX-SESSION.md §1); FLEX_TWILIO_SERVICES_URL
 * overrides it (the emulator). */
#define FLEX_SSO_DEFAULT_URL "https://services.twilio.com"

/**
 * FlexSsoTokens:
 * @access_token: the Flex token (opaque; never looked inside)
 * @refresh_token: what refreshes it (to the keyring)
 * @identity: who signed in
 * @flex_user_sid: their Flex user (the emulator gives the worker)
 * @expires_at_us: when @access_token expires (real time, µs)
 *
 * What a sign-in or a refresh gives.
 */
typedef struct
{
  char *access_token;
  char *refresh_token;
  char *identity;
  char *flex_user_sid;
  gint64 expires_at_us;
} FlexSsoTokens;

void flex_sso_tokens_free (FlexSsoTokens *tokens);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlexSsoTokens, flex_sso_tokens_free)

/**
 * FlexSsoPkce:
 * @verifier: the PKCE code verifier (base64url of 96 random bytes)
 * @challenge: base64url of SHA-256 of @verifier (S256)
 * @state: checked when the browser comes back
 * @nonce: given back in the code exchange
 */
typedef struct
{
  char *verifier;
  char *challenge;
  char *state;
  char *nonce;
} FlexSsoPkce;

FlexSsoPkce *flex_sso_pkce_new (void);
void flex_sso_pkce_free (FlexSsoPkce *pkce);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlexSsoPkce, flex_sso_pkce_free)

char *flex_sso_base_url_from_environment (void);
char *flex_sso_authorize_url (const char *base_url,
                              const char *redirect_url,
                              const char *sso_profile_sid,
                              const FlexSsoPkce *pkce);

void flex_sso_fetch_profile_async (const char *base_url,
                                   const char *account_sid,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data);
char *flex_sso_fetch_profile_finish (GAsyncResult *result, GError **error);

void flex_sso_exchange_code_async (const char *base_url,
                                   const char *sso_profile_sid,
                                   const char *code,
                                   const FlexSsoPkce *pkce,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data);
void flex_sso_refresh_async (const char *base_url,
                             const char *sso_profile_sid,
                             const char *refresh_token,
                             GCancellable *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer user_data);
FlexSsoTokens *flex_sso_tokens_finish (GAsyncResult *result, GError **error);

/**
 * FlexSsoIdentity:
 * @identity: the agent's Flex identity
 * @worker_sid: their TaskRouter worker
 * @roles: their Flex roles (`agent`, `supervisor`, `admin`)
 *
 * Who a Flex token is (Tokens/Info).
 */
typedef struct
{
  char *identity;
  char *worker_sid;
  char **roles;
} FlexSsoIdentity;

void flex_sso_identity_free (FlexSsoIdentity *identity);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlexSsoIdentity, flex_sso_identity_free)

char *flex_sso_runtime_domain (const char *address);
void flex_sso_find_account_async (const char *flex_url,
                                  const char *address,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data);
char *flex_sso_find_account_finish (GAsyncResult *result, char **instance_sid, GError **error);
char *flex_sso_console_login (const char *account_sid, const char *instance_sid);
gboolean flex_sso_login_is_console (const char *login, char **account_sid, char **instance_sid);
void flex_sso_fetch_identity_async (const char *flex_url,
                                    const char *account_sid,
                                    const char *token,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data);
FlexSsoIdentity *flex_sso_fetch_identity_finish (GAsyncResult *result, GError **error);

G_END_DECLS
