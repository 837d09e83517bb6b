/* flex-sign-in.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "flex-account.h"
#include "flex-task-router.h"

G_BEGIN_DECLS

#define FLEX_SIGN_IN_ERROR (flex_sign_in_error_quark ())

/**
 * FlexSignInError:
 * @FLEX_SIGN_IN_ERROR_INVALID_INPUT: a field is empty or malformed
 * @FLEX_SIGN_IN_ERROR_UNAUTHORIZED: Twilio refused the credentials (401)
 * @FLEX_SIGN_IN_ERROR_FORBIDDEN: the key may not read Flex or Sync (403)
 * @FLEX_SIGN_IN_ERROR_WRONG_ACCOUNT: the key belongs to another account
 * @FLEX_SIGN_IN_ERROR_NOT_FLEX: the account has no Flex configuration
 * @FLEX_SIGN_IN_ERROR_NO_SYNC: the Sync service does not exist
 * @FLEX_SIGN_IN_ERROR_NO_WORKER: no worker has that name or email
 * @FLEX_SIGN_IN_ERROR_SEVERAL_WORKERS: several do: pick one and sign in again
 * @FLEX_SIGN_IN_ERROR_NETWORK: Twilio could not be reached
 */
typedef enum
{
  FLEX_SIGN_IN_ERROR_INVALID_INPUT,
  FLEX_SIGN_IN_ERROR_UNAUTHORIZED,
  FLEX_SIGN_IN_ERROR_FORBIDDEN,
  FLEX_SIGN_IN_ERROR_WRONG_ACCOUNT,
  FLEX_SIGN_IN_ERROR_NOT_FLEX,
  FLEX_SIGN_IN_ERROR_NO_SYNC,
  FLEX_SIGN_IN_ERROR_NO_WORKER,
  FLEX_SIGN_IN_ERROR_SEVERAL_WORKERS,
  FLEX_SIGN_IN_ERROR_NETWORK,
} FlexSignInError;

GQuark flex_sign_in_error_quark (void);

void flex_sign_in_async (const FlexAccount *candidate,
                         GCancellable *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer user_data);
FlexAccount *flex_sign_in_finish (GAsyncResult *result, GError **error);
GPtrArray *flex_sign_in_get_candidates (GAsyncResult *result);

G_END_DECLS
