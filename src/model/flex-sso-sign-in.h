/* flex-sso-sign-in.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "flex-account.h"
#include "flex-sso.h"

G_BEGIN_DECLS

#define FLEX_SSO_SIGN_IN_ERROR (flex_sso_sign_in_error_quark ())

/**
 * FlexSsoSignInError:
 * @FLEX_SSO_SIGN_IN_ERROR_INVALID_INPUT: not a Flex address or Account SID
 * @FLEX_SSO_SIGN_IN_ERROR_NOT_FLEX: no Flex at that address
 * @FLEX_SSO_SIGN_IN_ERROR_NO_SSO: the account has no active single sign-on
 * @FLEX_SSO_SIGN_IN_ERROR_LOOPBACK: no loopback port to listen on
 * @FLEX_SSO_SIGN_IN_ERROR_TIMED_OUT: the browser did not come back
 * @FLEX_SSO_SIGN_IN_ERROR_REFUSED: the identity provider or Flex said no
 * @FLEX_SSO_SIGN_IN_ERROR_NETWORK: Twilio could not be reached
 */
typedef enum
{
  FLEX_SSO_SIGN_IN_ERROR_INVALID_INPUT,
  FLEX_SSO_SIGN_IN_ERROR_NOT_FLEX,
  FLEX_SSO_SIGN_IN_ERROR_NO_SSO,
  FLEX_SSO_SIGN_IN_ERROR_LOOPBACK,
  FLEX_SSO_SIGN_IN_ERROR_TIMED_OUT,
  FLEX_SSO_SIGN_IN_ERROR_REFUSED,
  FLEX_SSO_SIGN_IN_ERROR_NETWORK,
} FlexSsoSignInError;

GQuark flex_sso_sign_in_error_quark (void);

typedef void (*FlexSsoOpenFunc) (const char *authorize_url, gpointer user_data);

/**
 * FlexSsoSignInFlags:
 * @FLEX_SSO_SIGN_IN_CONSOLE: sign in with the Twilio Console user
 */
typedef enum
{
  FLEX_SSO_SIGN_IN_DEFAULT = 0,
  FLEX_SSO_SIGN_IN_CONSOLE = 1 << 0,
} FlexSsoSignInFlags;

void flex_sso_sign_in_async (const char *address,
                             FlexSsoSignInFlags flags,
                             FlexSsoOpenFunc open,
                             gpointer open_data,
                             guint port,
                             guint timeout_s,
                             GCancellable *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer user_data);
FlexAccount *flex_sso_sign_in_finish (GAsyncResult *result, FlexSsoTokens **tokens, GError **error);

G_END_DECLS
