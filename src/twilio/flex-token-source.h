/* flex-token-source.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define FLEX_TYPE_TOKEN_SOURCE (flex_token_source_get_type ())

G_DECLARE_INTERFACE (FlexTokenSource, flex_token_source, FLEX, TOKEN_SOURCE, GObject)

/**
 * FlexTokenSourceInterface:
 * @get_token_async: start getting a fresh access token
 * @get_token_finish: the token and when it expires (µs since the epoch)
 * @token_refused: (optional): a server refused @token before its time (it
 *   no longer knows it): get another
 *
 * Where the push transport gets its access tokens: minted locally from an API
 * key today, a Flex single sign-on token later. The transport only asks.
 */
struct _FlexTokenSourceInterface
{
  GTypeInterface parent_iface;

  void (*get_token_async) (FlexTokenSource *self,
                           GCancellable *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer user_data);
  char *(*get_token_finish) (FlexTokenSource *self,
                             GAsyncResult *result,
                             gint64 *expires_at_us,
                             GError **error);
  void (*token_refused) (FlexTokenSource *self, const char *token);
};

void flex_token_source_get_token_async (FlexTokenSource *self,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer user_data);
char *flex_token_source_get_token_finish (FlexTokenSource *self,
                                          GAsyncResult *result,
                                          gint64 *expires_at_us,
                                          GError **error);

void flex_token_source_token_refused (FlexTokenSource *self, const char *token);

#define FLEX_TYPE_API_KEY_TOKEN_SOURCE (flex_api_key_token_source_get_type ())

G_DECLARE_FINAL_TYPE (
    FlexApiKeyTokenSource, flex_api_key_token_source, FLEX, API_KEY_TOKEN_SOURCE, GObject)

FlexTokenSource *flex_api_key_token_source_new (const char *account_sid,
                                                const char *key_sid,
                                                const char *key_secret,
                                                const char *identity,
                                                const char *service_sid,
                                                GError **error);
void flex_api_key_token_source_set_ttl (FlexApiKeyTokenSource *self, guint ttl_s);
void flex_api_key_token_source_set_task_router (FlexApiKeyTokenSource *self,
                                                const char *workspace_sid,
                                                const char *worker_sid);
guint flex_api_key_token_source_get_n_minted (FlexApiKeyTokenSource *self);

G_END_DECLS
