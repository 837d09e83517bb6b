/* flex-token-source.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flex-token-source"

#include "config.h"

#include "flex-token-source.h"
#include "flex-access-token.h"

#include <string.h>

/*
 * FlexTokenSource: the interface the Twilsock transport gets its tokens
 * from, and FlexApiKeyTokenSource, the one implementation today: it mints a
 * Sync token locally from the signed-in account's Standard API key.
 */

G_DEFINE_INTERFACE (FlexTokenSource, flex_token_source, G_TYPE_OBJECT)

static void
flex_token_source_default_init (FlexTokenSourceInterface *iface)
{
}

void
flex_token_source_get_token_async (FlexTokenSource *self,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  g_return_if_fail (FLEX_IS_TOKEN_SOURCE (self));
  FLEX_TOKEN_SOURCE_GET_IFACE (self)->get_token_async (self, cancellable, callback, user_data);
}

/**
 * flex_token_source_get_token_finish:
 * @expires_at_us: (out) (optional): when the token expires
 *
 * Returns: (transfer full) (nullable): the access token
 */
char *
flex_token_source_get_token_finish (FlexTokenSource *self,
                                    GAsyncResult *result,
                                    gint64 *expires_at_us,
                                    GError **error)
{
  g_return_val_if_fail (FLEX_IS_TOKEN_SOURCE (self), NULL);
  return FLEX_TOKEN_SOURCE_GET_IFACE (self)->get_token_finish (self, result, expires_at_us, error);
}

/**
 * flex_token_source_token_refused:
 * @token: the token a server refused
 *
 * Says that a server refused @token although it has not expired: the next
 * one asked for is a new one (a Flex sign-in refreshes at once). Sources
 * that mint their tokens themselves ignore it.
 */
void
flex_token_source_token_refused (FlexTokenSource *self, const char *token)
{
  FlexTokenSourceInterface *iface;

  g_return_if_fail (FLEX_IS_TOKEN_SOURCE (self));

  iface = FLEX_TOKEN_SOURCE_GET_IFACE (self);
  if (iface->token_refused != NULL && token != NULL)
    iface->token_refused (self, token);
}

/* FlexApiKeyTokenSource */

struct _FlexApiKeyTokenSource
{
  GObject parent_instance;

  char *account_sid;
  char *key_sid;
  char *key_secret;
  char *identity;
  char *service_sid;
  char *workspace_sid; /* with a worker: TaskRouter tokens */
  char *worker_sid;
  guint ttl_s;
  guint n_minted;
};

static void token_source_iface_init (FlexTokenSourceInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FlexApiKeyTokenSource,
                               flex_api_key_token_source,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (FLEX_TYPE_TOKEN_SOURCE,
                                                      token_source_iface_init))

typedef struct
{
  char *token;
  gint64 expires_at_us;
} MintedToken;

static void
minted_token_free (MintedToken *minted)
{
  g_free (minted->token);
  g_free (minted);
}

static void
api_key_get_token_async (FlexTokenSource *source,
                         GCancellable *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer user_data)
{
  FlexApiKeyTokenSource *self = FLEX_API_KEY_TOKEN_SOURCE (source);
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  GError *error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  MintedToken *minted = g_new0 (MintedToken, 1);

  g_task_set_source_tag (task, api_key_get_token_async);
  minted->token = self->worker_sid != NULL
                      ? flex_access_token_mint_taskrouter (
                            self->account_sid, self->key_sid, self->key_secret, self->identity,
                            self->workspace_sid, self->worker_sid, now, self->ttl_s, &error)
                      : flex_access_token_mint_sync (self->account_sid, self->key_sid,
                                                     self->key_secret, self->identity,
                                                     self->service_sid, now, self->ttl_s, &error);
  if (minted->token == NULL)
    {
      minted_token_free (minted);
      g_task_return_error (task, error);
      return;
    }
  minted->expires_at_us = (now + self->ttl_s) * G_USEC_PER_SEC;
  self->n_minted++;
  g_task_return_pointer (task, minted, (GDestroyNotify) minted_token_free);
}

static char *
api_key_get_token_finish (FlexTokenSource *source,
                          GAsyncResult *result,
                          gint64 *expires_at_us,
                          GError **error)
{
  MintedToken *minted;
  char *token;

  g_return_val_if_fail (g_task_is_valid (result, source), NULL);

  minted = g_task_propagate_pointer (G_TASK (result), error);
  if (minted == NULL)
    return NULL;
  if (expires_at_us != NULL)
    *expires_at_us = minted->expires_at_us;
  token = g_steal_pointer (&minted->token);
  minted_token_free (minted);
  return token;
}

static void
token_source_iface_init (FlexTokenSourceInterface *iface)
{
  iface->get_token_async = api_key_get_token_async;
  iface->get_token_finish = api_key_get_token_finish;
}

static void
flex_api_key_token_source_finalize (GObject *object)
{
  FlexApiKeyTokenSource *self = FLEX_API_KEY_TOKEN_SOURCE (object);

  g_free (self->account_sid);
  g_free (self->key_sid);
  if (self->key_secret != NULL)
    memset (self->key_secret, 0, strlen (self->key_secret));
  g_free (self->key_secret);
  g_free (self->identity);
  g_free (self->service_sid);
  g_free (self->workspace_sid);
  g_free (self->worker_sid);

  G_OBJECT_CLASS (flex_api_key_token_source_parent_class)->finalize (object);
}

static void
flex_api_key_token_source_class_init (FlexApiKeyTokenSourceClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = flex_api_key_token_source_finalize;
}

static void
flex_api_key_token_source_init (FlexApiKeyTokenSource *self)
{
  self->ttl_s = FLEX_ACCESS_TOKEN_DEFAULT_TTL;
}

/**
 * flex_api_key_token_source_new:
 * @key_sid: the API key SID (`SK…`); an Account SID (Auth Token
 *   credentials) cannot mint tokens and is refused
 *
 * Returns: (transfer full) (nullable): the source, or %NULL with
 *   %FLEX_TWILIO_ERROR_UNAUTHORIZED when these credentials cannot mint
 */
FlexTokenSource *
flex_api_key_token_source_new (const char *account_sid,
                               const char *key_sid,
                               const char *key_secret,
                               const char *identity,
                               const char *service_sid,
                               GError **error)
{
  FlexApiKeyTokenSource *self;
  g_autofree char *probe = NULL;

  /* The same checks as minting, once, so that the caller knows now. */
  probe = flex_access_token_mint_sync (account_sid, key_sid, key_secret, identity, service_sid, 0,
                                       FLEX_ACCESS_TOKEN_DEFAULT_TTL, error);
  if (probe == NULL)
    return NULL;

  self = g_object_new (FLEX_TYPE_API_KEY_TOKEN_SOURCE, NULL);
  self->account_sid = g_strdup (account_sid);
  self->key_sid = g_strdup (key_sid);
  self->key_secret = g_strdup (key_secret);
  self->identity = g_strdup (identity);
  self->service_sid = g_strdup (service_sid != NULL ? service_sid : "default");
  return FLEX_TOKEN_SOURCE (self);
}

/**
 * flex_api_key_token_source_set_ttl:
 *
 * The lifetime of the next tokens (tests use short ones).
 */
void
flex_api_key_token_source_set_ttl (FlexApiKeyTokenSource *self, guint ttl_s)
{
  g_return_if_fail (FLEX_IS_API_KEY_TOKEN_SOURCE (self));
  g_return_if_fail (ttl_s > 0 && ttl_s <= FLEX_ACCESS_TOKEN_MAX_TTL);
  self->ttl_s = ttl_s;
}

guint
flex_api_key_token_source_get_n_minted (FlexApiKeyTokenSource *self)
{
  g_return_val_if_fail (FLEX_IS_API_KEY_TOKEN_SOURCE (self), 0);
  return self->n_minted;
}

/**
 * flex_api_key_token_source_set_task_router:
 * @workspace_sid: (nullable): the Flex workspace, once known
 * @worker_sid: the worker whose TaskRouter events the tokens open
 *
 * Makes the source mint TaskRouter tokens (a `task_router` grant for one
 * worker, for EventBridge) instead of Sync tokens.
 */
void
flex_api_key_token_source_set_task_router (FlexApiKeyTokenSource *self,
                                           const char *workspace_sid,
                                           const char *worker_sid)
{
  g_return_if_fail (FLEX_IS_API_KEY_TOKEN_SOURCE (self));
  g_return_if_fail (worker_sid != NULL);

  g_free (self->workspace_sid);
  self->workspace_sid = g_strdup (workspace_sid);
  g_free (self->worker_sid);
  self->worker_sid = g_strdup (worker_sid);
}
