/* flex-sso-sign-in.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flex-sign-in"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "flex-sso-sign-in.h"

#include "flex-twilio-client.h"

/*
 * "Sign in with Flex" (issue 19; FLEX-SESSION.md §1), from what the agent
 * knows to a signed-in account, with no account credential anywhere:
 *
 *   the Flex address or Account SID → the account (Configuration/Public)
 *   → its identity provider (Authentication/Config: the SSO profile), or
 *     the Twilio Console login when it has none or the agent chose it
 *   → PKCE, state and nonce; a loopback listener on 127.0.0.1
 *   → the system browser on the Authorize URL (the caller opens it)
 *   → the code on the loopback redirect (state checked, ?error= said,
 *     a timeout, Cancel) → the code exchange → Tokens/Info (who, which
 *     worker) → a #FlexAccount whose secret is the refresh token, stored
 *     in the keyring (a keyring that cannot keep it fails the sign-in).
 *
 * The Flex token itself stays in memory (the tokens given back), for the
 * session to start with.
 */

#define DEFAULT_WAIT_S 300

typedef struct
{
  char *flex_url;
  char *services_url;
  char *address;
  FlexSsoOpenFunc open;
  gpointer open_data;
  guint timeout_s;
  guint port;

  gboolean console; /* the agent chose their Twilio Console login */
  char *account_sid;
  char *instance_sid;
  char *profile; /* the login: an SSO profile, or a Console login */
  FlexSsoPkce *pkce;
  FlexSsoLoopback *loopback;
  FlexSsoTokens *tokens;
  FlexAccount *account;
} SignIn;

static void
sign_in_free (SignIn *data)
{
  g_free (data->flex_url);
  g_free (data->services_url);
  g_free (data->address);
  g_free (data->account_sid);
  g_free (data->instance_sid);
  g_free (data->profile);
  g_clear_pointer (&data->pkce, flex_sso_pkce_free);
  g_clear_object (&data->loopback);
  g_clear_pointer (&data->tokens, flex_sso_tokens_free);
  g_clear_pointer (&data->account, flex_account_free);
  g_free (data);
}

G_DEFINE_QUARK (flex - sso - sign - in - error - quark, flex_sso_sign_in_error)

/* A step failed: the error in words for the person, the detail after. */
static void
fail (GTask *task, FlexSsoSignInError code, const char *summary, const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s", error->message);
  else if (error != NULL)
    g_task_return_new_error (task, FLEX_SSO_SIGN_IN_ERROR, code, "%s (%s)", summary,
                             error->message);
  else
    g_task_return_new_error (task, FLEX_SSO_SIGN_IN_ERROR, code, "%s", summary);
}

static void
on_stored (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  SignIn *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  if (!flex_account_store_finish (result, &error))
    {
      /* Not signed in when nothing could be kept: the keyring's words. */
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&data->account),
                         (GDestroyNotify) flex_account_free);
}

static void
on_identity (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  SignIn *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (FlexSsoIdentity) identity = flex_sso_fetch_identity_finish (result, &error);
  g_autoptr (FlexAccount) account = NULL;

  if (identity == NULL)
    {
      fail (task, FLEX_SSO_SIGN_IN_ERROR_REFUSED, _ ("Flex did not say who signed in"), error);
      return;
    }
  account = flex_account_new ();
  account->account_sid = g_strdup (data->account_sid);
  account->sso_profile_sid = g_strdup (data->profile);
  account->secret = g_strdup (data->tokens->refresh_token);
  account->service_sid = g_strdup ("default");
  account->worker_sid = g_strdup (identity->worker_sid);
  account->worker_identity = g_strdup (identity->identity);
  /* Kept in the keyring: the refresh token, never the Flex token. */
  data->account = g_steal_pointer (&account);
  flex_account_store_async (data->account, cancellable, on_stored, g_steal_pointer (&task));
}

static void
on_tokens (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  SignIn *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr (GError) error = NULL;

  data->tokens = flex_sso_tokens_finish (result, &error);
  if (data->tokens == NULL)
    {
      fail (task, FLEX_SSO_SIGN_IN_ERROR_REFUSED, _ ("Flex refused the sign-in"), error);
      return;
    }
  flex_sso_fetch_identity_async (data->flex_url, data->account_sid, data->tokens->access_token,
                                 cancellable, on_identity, g_steal_pointer (&task));
}

static void
on_code (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  SignIn *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr (GError) error = NULL;
  g_autofree char *code =
      flex_sso_loopback_wait_finish (FLEX_SSO_LOOPBACK (object), result, &error);

  if (code == NULL)
    {
      if (g_error_matches (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_TIMEOUT))
        fail (task, FLEX_SSO_SIGN_IN_ERROR_TIMED_OUT,
              _ ("The browser did not come back in time: sign in again"), NULL);
      else
        fail (task, FLEX_SSO_SIGN_IN_ERROR_REFUSED, _ ("The sign-in was not completed"), error);
      return;
    }
  /* The listener answers no more requests; it goes with the sign-in (its
   * "You can close this tab" page is still being sent). */
  flex_sso_exchange_code_async (data->services_url, data->profile, code, data->pkce, cancellable,
                                on_tokens, g_steal_pointer (&task));
}

static void open_authorize (GTask *task);

static void
on_profile (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  SignIn *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  data->profile = flex_sso_fetch_profile_finish (result, &error);
  if (data->profile == NULL &&
      g_error_matches (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_NOT_FOUND) &&
      data->instance_sid != NULL)
    /* No identity provider: the Twilio Console login, as Flex offers. */
    data->profile = flex_sso_console_login (data->account_sid, data->instance_sid);
  if (data->profile == NULL)
    {
      fail (task, FLEX_SSO_SIGN_IN_ERROR_NO_SSO,
            _ ("This Flex account has no single sign-on: ask your administrator, or sign in with "
               "an API key"),
            error);
      return;
    }
  open_authorize (g_steal_pointer (&task));
}

/* The loopback listener, then the browser on the Authorize page. */
static void
open_authorize (GTask *task)
{
  SignIn *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autofree char *authorize_url = NULL;

  data->loopback = flex_sso_loopback_new (data->port, &error);
  if (data->loopback == NULL)
    {
      fail (task, FLEX_SSO_SIGN_IN_ERROR_LOOPBACK,
            _ ("Could not listen for the browser's answer on this computer"), error);
      g_object_unref (task);
      return;
    }
  data->pkce = flex_sso_pkce_new ();
  authorize_url = flex_sso_authorize_url (data->services_url,
                                          flex_sso_loopback_get_redirect_url (data->loopback),
                                          data->profile, data->pkce);
  flex_sso_loopback_wait_async (data->loopback, data->pkce->state, data->timeout_s,
                                g_task_get_cancellable (task), on_code, task);
  data->open (authorize_url, data->open_data);
}

static void
on_account (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  SignIn *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr (GError) error = NULL;

  data->account_sid = flex_sso_find_account_finish (result, &data->instance_sid, &error);
  if (data->account_sid == NULL)
    {
      fail (task,
            g_error_matches (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_INVALID)
                ? FLEX_SSO_SIGN_IN_ERROR_INVALID_INPUT
            : g_error_matches (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_NOT_FOUND)
                ? FLEX_SSO_SIGN_IN_ERROR_NOT_FLEX
                : FLEX_SSO_SIGN_IN_ERROR_NETWORK,
            g_error_matches (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_INVALID)
                ? _ ("Enter your Flex address (like example.twil.io) or your Account SID")
            : g_error_matches (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_NOT_FOUND)
                ? _ ("No Flex answers at that address: check it with your administrator")
                : _ ("Could not reach Twilio"),
            error);
      return;
    }
  if (data->console)
    {
      if (data->instance_sid == NULL)
        {
          fail (task, FLEX_SSO_SIGN_IN_ERROR_NOT_FLEX,
                _ ("Flex did not name its instance: sign in with single sign-on or an API key"),
                NULL);
          return;
        }
      data->profile = flex_sso_console_login (data->account_sid, data->instance_sid);
      open_authorize (g_steal_pointer (&task));
      return;
    }
  flex_sso_fetch_profile_async (data->services_url, data->account_sid, cancellable, on_profile,
                                g_steal_pointer (&task));
}

/**
 * flex_sso_sign_in_async:
 * @address: the agent's Flex address (`example.twil.io`) or Account SID
 * @flags: %FLEX_SSO_SIGN_IN_CONSOLE: with the Twilio Console login, not the
 *   identity provider (which an account without one gets anyway)
 * @open: shows the Authorize URL in the system browser
 * @port: the loopback port, or 0 for any free one
 * @timeout_s: how long to wait for the browser, or 0 for five minutes
 *
 * Signs the agent in with Flex (see the file's comment). Cancel
 * @cancellable to stop waiting for the browser.
 */
void
flex_sso_sign_in_async (const char *address,
                        FlexSsoSignInFlags flags,
                        FlexSsoOpenFunc open,
                        gpointer open_data,
                        guint port,
                        guint timeout_s,
                        GCancellable *cancellable,
                        GAsyncReadyCallback callback,
                        gpointer user_data)
{
  GTask *task;
  SignIn *data;

  g_return_if_fail (open != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, flex_sso_sign_in_async);
  data = g_new0 (SignIn, 1);
  data->flex_url = flex_twilio_base_url_from_environment (FLEX_TWILIO_API_FLEX);
  data->services_url = flex_sso_base_url_from_environment ();
  data->address = g_strdup (address != NULL ? address : "");
  data->console = (flags & FLEX_SSO_SIGN_IN_CONSOLE) != 0;
  data->open = open;
  data->open_data = open_data;
  data->port = port;
  data->timeout_s = timeout_s > 0 ? timeout_s : DEFAULT_WAIT_S;
  g_task_set_task_data (task, data, (GDestroyNotify) sign_in_free);
  flex_sso_find_account_async (data->flex_url, data->address, cancellable, on_account, task);
}

/**
 * flex_sso_sign_in_finish:
 * @tokens: (out) (transfer full) (optional): the Flex token and its refresh
 *   token, for the session to start with
 *
 * Returns: (transfer full) (nullable): the account to keep in the keyring
 *   (its secret the refresh token)
 */
FlexAccount *
flex_sso_sign_in_finish (GAsyncResult *result, FlexSsoTokens **tokens, GError **error)
{
  FlexAccount *account;
  SignIn *data;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  account = g_task_propagate_pointer (G_TASK (result), error);
  data = g_task_get_task_data (G_TASK (result));
  if (tokens != NULL)
    *tokens = account != NULL ? g_steal_pointer (&data->tokens) : NULL;
  return account;
}
