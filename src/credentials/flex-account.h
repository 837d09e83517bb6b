/* flex-account.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define FLEX_CREDENTIALS_ERROR (flex_credentials_error_quark ())

/**
 * FlexCredentialsError:
 * @FLEX_CREDENTIALS_ERROR_NO_KEYRING: no Secret Service (or portal) answers
 * @FLEX_CREDENTIALS_ERROR_LOCKED: the keyring is locked and was not unlocked
 * @FLEX_CREDENTIALS_ERROR_FAILED: the keyring failed otherwise
 * @FLEX_CREDENTIALS_ERROR_INCOMPLETE: a stored item lacks a field
 */
typedef enum
{
  FLEX_CREDENTIALS_ERROR_NO_KEYRING,
  FLEX_CREDENTIALS_ERROR_LOCKED,
  FLEX_CREDENTIALS_ERROR_FAILED,
  FLEX_CREDENTIALS_ERROR_INCOMPLETE,
} FlexCredentialsError;

GQuark flex_credentials_error_quark (void);

/**
 * FlexAccount:
 * @account_sid: the Twilio account, `AC…`
 * @username: an API key SID (`SK…`), or the Account SID with an Auth Token;
 *   %NULL when signed in with Flex
 * @secret: the API key secret or the Auth Token; signed in with Flex, the
 *   refresh token (the Flex token itself is never stored)
 * @sso_profile_sid: signed in with Flex: the SSO profile (`JQ…`) that
 *   refreshes the token; %NULL with an API key
 * @service_sid: the Sync service, usually `default`
 * @worker_sid: the agent's TaskRouter worker, `WK…`
 * @worker_identity: what the agent typed to find it (friendly name or email)
 *
 * The one signed-in account. Only the keyring ever holds it.
 */
typedef struct
{
  char *account_sid;
  char *username;
  char *secret;
  char *sso_profile_sid;
  char *service_sid;
  char *worker_sid;
  char *worker_identity;
} FlexAccount;

#define FLEX_TYPE_ACCOUNT (flex_account_get_type ())

GType flex_account_get_type (void) G_GNUC_CONST;
FlexAccount *flex_account_new (void);
FlexAccount *flex_account_copy (const FlexAccount *self);
gboolean flex_account_is_flex (const FlexAccount *self);
void flex_account_free (FlexAccount *self);
char *flex_account_redact (const FlexAccount *self, const char *text);

void flex_account_store_async (const FlexAccount *account,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data);
gboolean flex_account_store_finish (GAsyncResult *result, GError **error);
void flex_account_replace_secret_async (const FlexAccount *account,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer user_data);
void flex_account_load_async (GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data);
FlexAccount *flex_account_load_finish (GAsyncResult *result, GError **error);
void flex_account_delete_async (GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data);
gboolean flex_account_delete_finish (GAsyncResult *result, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlexAccount, flex_account_free)

G_END_DECLS
