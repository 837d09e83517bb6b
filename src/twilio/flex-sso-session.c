/* flex-sso-session.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flex-sso"

#include "config.h"

#include "flex-sso-session.h"

#include "flex-twilio-error.h"

/*
 * FlexSsoSession: an agent's Flex sign-in kept alive (issue 19). It is a
 * FlexTokenSource — Twilsock (and later EventBridge) ask it for the Flex
 * token — and refreshes that token before it expires (a margin of 3 minutes,
 * as the Flex UI, plus up to 30 s of jitter so that a floor of agents does
 * not refresh at once). Each refresh gives a new refresh token: "tokens-
 * changed" says so at once, for the keyring. A refusal (Twilio's 20104, the
 * session's maximum lifetime, or 20003) ends it: "expired", and the agent
 * signs in again; a network failure is tried again with back-off while the
 * token lasts. The Flex token lives in memory only.
 */

#define DEFAULT_MARGIN_S 180
#define JITTER_S         30
#define RETRY_MAX_S      60

struct _FlexSsoSession
{
  GObject parent_instance;

  char *base_url;
  char *sso_profile_sid;
  FlexSsoTokens *tokens;
  guint margin_s;
  guint jitter_s;
  guint refresh_id;
  guint retry_s;
  gboolean refreshing;
  gboolean ended;
  GPtrArray *waiting; /* GTask: get_token calls waiting for a refresh */
  GCancellable *cancellable;
};

enum
{
  SIGNAL_TOKENS_CHANGED,
  SIGNAL_EXPIRED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void token_source_iface_init (FlexTokenSourceInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FlexSsoSession,
                               flex_sso_session,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (FLEX_TYPE_TOKEN_SOURCE,
                                                      token_source_iface_init))

static void refresh (FlexSsoSession *self);

static gboolean
on_refresh_due (gpointer user_data)
{
  FlexSsoSession *self = user_data;

  self->refresh_id = 0;
  refresh (self);
  return G_SOURCE_REMOVE;
}

/* The next refresh: margin (and jitter) before the token expires. */
static void
schedule (FlexSsoSession *self)
{
  gint64 now = g_get_real_time ();
  gint64 due = self->tokens->expires_at_us - (gint64) self->margin_s * G_USEC_PER_SEC -
               (self->jitter_s > 0 ? g_random_int_range (0, (gint32) self->jitter_s + 1) : 0) *
                   G_USEC_PER_SEC;
  guint delay_ms = due > now ? (guint) MIN ((due - now) / 1000, G_MAXUINT32 / 2) : 0;

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  if (!self->ended)
    self->refresh_id = g_timeout_add (delay_ms, on_refresh_due, self);
}

static void
answer_waiting (FlexSsoSession *self, const GError *error)
{
  g_autoptr (GPtrArray) waiting = g_steal_pointer (&self->waiting);

  self->waiting = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; waiting != NULL && i < waiting->len; i++)
    {
      GTask *task = g_ptr_array_index (waiting, i);

      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_pointer (task, g_strdup (self->tokens->access_token), g_free);
    }
}

static void
on_refreshed (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (FlexSsoSession) self = user_data;
  g_autoptr (GError) error = NULL;
  FlexSsoTokens *tokens = flex_sso_tokens_finish (result, &error);

  self->refreshing = FALSE;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (tokens == NULL)
    {
      /* A transport failure (no connection) has no Twilio code. */
      int code = error->domain == FLEX_TWILIO_ERROR ? flex_twilio_error_get_twilio_code (error) : 0;

      if (g_error_matches (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_UNAUTHORIZED) ||
          code == 20104 || code == 20003)
        {
          /* Refused: sign in again (what waits is kept by its owners). */
          self->ended = TRUE;
          answer_waiting (self, error);
          g_signal_emit (self, signals[SIGNAL_EXPIRED], 0, error);
          return;
        }
      /* Offline, say: again later, while the token lasts. */
      self->retry_s = CLAMP (self->retry_s * 2, 1, RETRY_MAX_S);
      g_clear_handle_id (&self->refresh_id, g_source_remove);
      self->refresh_id = g_timeout_add_seconds (self->retry_s, on_refresh_due, self);
      if (g_get_real_time () >= self->tokens->expires_at_us)
        answer_waiting (self, error);
      return;
    }
  self->retry_s = 0;
  /* The same expiration again: the session's maximum lifetime is reached;
   * no more refreshes — the token serves until then. */
  if (tokens->expires_at_us <= self->tokens->expires_at_us)
    {
      flex_sso_tokens_free (self->tokens);
      self->tokens = tokens;
      g_signal_emit (self, signals[SIGNAL_TOKENS_CHANGED], 0);
      answer_waiting (self, NULL);
      g_clear_handle_id (&self->refresh_id, g_source_remove);
      return;
    }
  flex_sso_tokens_free (self->tokens);
  self->tokens = tokens;
  g_signal_emit (self, signals[SIGNAL_TOKENS_CHANGED], 0);
  answer_waiting (self, NULL);
  schedule (self);
}

static void
refresh (FlexSsoSession *self)
{
  if (self->refreshing || self->ended)
    return;
  g_debug ("Refreshing the Flex token");
  self->refreshing = TRUE;
  flex_sso_refresh_async (self->base_url, self->sso_profile_sid, self->tokens->refresh_token,
                          self->cancellable, on_refreshed, g_object_ref (self));
}

/* FlexTokenSource */

static void
sso_get_token_async (FlexTokenSource *source,
                     GCancellable *cancellable,
                     GAsyncReadyCallback callback,
                     gpointer user_data)
{
  FlexSsoSession *self = FLEX_SSO_SESSION (source);
  GTask *task = g_task_new (source, cancellable, callback, user_data);
  gint64 now = g_get_real_time ();

  g_task_set_source_tag (task, sso_get_token_async);
  if (self->ended)
    {
      g_task_return_new_error (task, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_UNAUTHORIZED,
                               "Signed out of Flex: sign in again");
      g_object_unref (task);
      return;
    }
  /* Good for a while yet: at once. */
  if (self->tokens->expires_at_us - now > (gint64) G_USEC_PER_SEC * 30)
    {
      g_task_return_pointer (task, g_strdup (self->tokens->access_token), g_free);
      g_object_unref (task);
      return;
    }
  g_ptr_array_add (self->waiting, task);
  refresh (self);
}

static char *
sso_get_token_finish (FlexTokenSource *source,
                      GAsyncResult *result,
                      gint64 *expires_at_us,
                      GError **error)
{
  char *token = g_task_propagate_pointer (G_TASK (result), error);

  if (token != NULL && expires_at_us != NULL)
    *expires_at_us = FLEX_SSO_SESSION (source)->tokens->expires_at_us;
  return token;
}

/* A server no longer knows the token (a restarted session, say): refresh
 * now — a refusal of the refresh too ends the sign-in. */
static void
sso_token_refused (FlexTokenSource *source, const char *token)
{
  FlexSsoSession *self = FLEX_SSO_SESSION (source);

  if (self->ended || g_strcmp0 (token, self->tokens->access_token) != 0)
    return;
  g_debug ("The Flex token was refused: refreshing now");
  self->tokens->expires_at_us = 0;
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  refresh (self);
}

static void
token_source_iface_init (FlexTokenSourceInterface *iface)
{
  iface->get_token_async = sso_get_token_async;
  iface->get_token_finish = sso_get_token_finish;
  iface->token_refused = sso_token_refused;
}

/* GObject */

static void
flex_sso_session_dispose (GObject *object)
{
  FlexSsoSession *self = FLEX_SSO_SESSION (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  if (self->waiting != NULL && self->waiting->len > 0)
    {
      g_autoptr (GError) gone =
          g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, "The Flex sign-in was closed");

      answer_waiting (self, gone);
    }

  G_OBJECT_CLASS (flex_sso_session_parent_class)->dispose (object);
}

static void
flex_sso_session_finalize (GObject *object)
{
  FlexSsoSession *self = FLEX_SSO_SESSION (object);

  g_free (self->base_url);
  g_free (self->sso_profile_sid);
  flex_sso_tokens_free (self->tokens);
  g_clear_pointer (&self->waiting, g_ptr_array_unref);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (flex_sso_session_parent_class)->finalize (object);
}

static void
flex_sso_session_class_init (FlexSsoSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = flex_sso_session_dispose;
  object_class->finalize = flex_sso_session_finalize;

  /**
   * FlexSsoSession::tokens-changed:
   *
   * A refresh gave new tokens: keep the new refresh token (the old one is
   * spent).
   */
  signals[SIGNAL_TOKENS_CHANGED] =
      g_signal_new ("tokens-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                    NULL, G_TYPE_NONE, 0);
  /**
   * FlexSsoSession::expired:
   * @error: why (Twilio's 20104 or 20003)
   *
   * The sign-in ended: the agent signs in again.
   */
  signals[SIGNAL_EXPIRED] = g_signal_new ("expired", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
flex_sso_session_init (FlexSsoSession *self)
{
  self->margin_s = DEFAULT_MARGIN_S;
  self->jitter_s = JITTER_S;
  self->waiting = g_ptr_array_new_with_free_func (g_object_unref);
  self->cancellable = g_cancellable_new ();
}

/**
 * flex_sso_session_new:
 * @tokens: (transfer full): from the sign-in (or a refresh of a kept
 *   refresh token)
 */
FlexSsoSession *
flex_sso_session_new (const char *base_url, const char *sso_profile_sid, FlexSsoTokens *tokens)
{
  FlexSsoSession *self;

  g_return_val_if_fail (base_url != NULL && sso_profile_sid != NULL && tokens != NULL, NULL);

  self = g_object_new (FLEX_TYPE_SSO_SESSION, NULL);
  self->base_url = g_strdup (base_url);
  self->sso_profile_sid = g_strdup (sso_profile_sid);
  self->tokens = tokens;
  schedule (self);
  return self;
}

/**
 * flex_sso_session_get_tokens:
 *
 * Returns: (transfer none): the tokens now (the refresh token to keep)
 */
const FlexSsoTokens *
flex_sso_session_get_tokens (FlexSsoSession *self)
{
  g_return_val_if_fail (FLEX_IS_SSO_SESSION (self), NULL);
  return self->tokens;
}

gboolean
flex_sso_session_get_ended (FlexSsoSession *self)
{
  g_return_val_if_fail (FLEX_IS_SSO_SESSION (self), TRUE);
  return self->ended;
}

/* For tests: how long before expiry a refresh happens, and its jitter. */
void
flex_sso_session_set_timing (FlexSsoSession *self, guint margin_s, guint jitter_s)
{
  g_return_if_fail (FLEX_IS_SSO_SESSION (self));
  self->margin_s = margin_s;
  self->jitter_s = jitter_s;
  schedule (self);
}

/**
 * flex_sso_session_new_for_refresh_token:
 * @refresh_token: the refresh token kept in the keyring
 *
 * The sign-in of an earlier run: no Flex token yet; the first one asked for
 * is a refresh (and it is asked for at once).
 */
FlexSsoSession *
flex_sso_session_new_for_refresh_token (const char *base_url,
                                        const char *sso_profile_sid,
                                        const char *refresh_token)
{
  FlexSsoTokens *tokens;

  g_return_val_if_fail (refresh_token != NULL, NULL);

  tokens = g_new0 (FlexSsoTokens, 1);
  tokens->refresh_token = g_strdup (refresh_token);
  return flex_sso_session_new (base_url, sso_profile_sid, tokens);
}

/**
 * flex_sso_session_renew:
 * @tokens: (transfer full): those of a new sign-in of the same agent
 *
 * "Sign in again": an ended (or any) session takes the new tokens and goes
 * on — whoever asks for a token next gets the new one.
 */
void
flex_sso_session_renew (FlexSsoSession *self, FlexSsoTokens *tokens)
{
  g_return_if_fail (FLEX_IS_SSO_SESSION (self));
  g_return_if_fail (tokens != NULL);

  flex_sso_tokens_free (self->tokens);
  self->tokens = tokens;
  self->ended = FALSE;
  self->retry_s = 0;
  g_signal_emit (self, signals[SIGNAL_TOKENS_CHANGED], 0);
  answer_waiting (self, NULL);
  schedule (self);
}
