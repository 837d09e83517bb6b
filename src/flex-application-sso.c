/* flex-application-sso.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flex-application"

#include "config.h"

#include <glib/gi18n.h>

#include "flex-application-private.h"

#include "flex-sso-sign-in.h"
#include "flex-window.h"

/*
 * The application signed in with Flex (issue 19): the agent's tokens
 * (FlexSsoSession) serve every request of the session — the client, the
 * socket, EventBridge — and no account credential exists. Each refresh's
 * new refresh token replaces the keyring's in one step. When a refresh is
 * refused (the session's maximum, 20104/20003), the windows say so over the
 * lists, which stay with the unsent edits; "Sign in again" (app.sign-in-
 * again) runs the browser sign-in for the same account and gives the same
 * session the new tokens, and what waited is sent.
 */

static void
set_signed_out (FlexApplication *self, gboolean signed_out, gboolean waiting)
{
  GAction *action;

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (FLEX_IS_WINDOW (l->data))
      flex_window_set_signed_out (l->data, signed_out, waiting);
  action = g_action_map_lookup_action (G_ACTION_MAP (self), "sign-in-again");
  /* Before start-up (the actions are made then) and after shutdown: none. */
  if (action != NULL)
    g_simple_action_set_enabled (G_SIMPLE_ACTION (action), signed_out && !waiting);
}

static void
on_secret_replaced (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  /* The old one is spent: the next start signs in again (said then). */
  if (!flex_account_store_finish (result, &error))
    g_warning ("Could not keep the renewed Flex sign-in in the keyring: %s", error->message);
}

/* A refresh gave a new refresh token: into the keyring, over the old one. */
static void
on_tokens_changed (FlexSsoSession *sso, FlexApplication *self)
{
  const FlexSsoTokens *tokens = flex_sso_session_get_tokens (sso);

  if (self->account == NULL || tokens->refresh_token == NULL ||
      g_strcmp0 (self->account->secret, tokens->refresh_token) == 0)
    return;
  g_free (self->account->secret);
  self->account->secret = g_strdup (tokens->refresh_token);
  flex_account_replace_secret_async (self->account, NULL, on_secret_replaced, NULL);
}

static void
on_expired (FlexSsoSession *sso, GError *error, FlexApplication *self)
{
  g_message ("The Flex sign-in ended: %s", error->message);
  set_signed_out (self, TRUE, FALSE);
}

/**
 * _flex_application_sso_client:
 * @tokens: (transfer full) (nullable): the Flex token of a sign-in just made
 *
 * Makes self->sso for @account and the client that speaks with its token.
 */
FlexTwilioClient *
_flex_application_sso_client (FlexApplication *self,
                              const FlexAccount *account,
                              FlexSsoTokens *tokens)
{
  g_autofree char *services_url = flex_sso_base_url_from_environment ();

  g_clear_object (&self->sso);
  self->sso = tokens != NULL ? flex_sso_session_new (services_url, account->sso_profile_sid, tokens)
                             : flex_sso_session_new_for_refresh_token (
                                   services_url, account->sso_profile_sid, account->secret);
  g_signal_connect_object (self->sso, "tokens-changed", G_CALLBACK (on_tokens_changed), self, 0);
  g_signal_connect_object (self->sso, "expired", G_CALLBACK (on_expired), self, 0);
  return flex_twilio_client_new_for_token (FLEX_TOKEN_SOURCE (self->sso));
}

/* Signed out, or another account: the tokens are forgotten. */
void
_flex_application_sso_stop (FlexApplication *self)
{
  if (self->sign_in_again != NULL)
    g_cancellable_cancel (self->sign_in_again);
  g_clear_object (&self->sign_in_again);
  if (self->sso != NULL)
    g_signal_handlers_disconnect_by_data (self->sso, self);
  g_clear_object (&self->sso);
  set_signed_out (self, FALSE, FALSE);
}

/**
 * flex_application_get_signed_out:
 *
 * Returns: whether the agent's Flex sign-in ended and waits for "Sign in
 *   again"
 */
gboolean
flex_application_get_signed_out (FlexApplication *self)
{
  g_return_val_if_fail (FLEX_IS_APPLICATION (self), FALSE);
  return self->sso != NULL && flex_sso_session_get_ended (self->sso);
}

static void
on_browser_opened (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (FlexApplication) self = user_data;
  g_autoptr (GError) error = NULL;

  if (gtk_show_uri_full_finish (GTK_WINDOW (object), result, &error))
    return;
  if (self->sign_in_again != NULL)
    g_cancellable_cancel (self->sign_in_again);
  {
    GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
    g_autofree char *message =
        g_strdup_printf (_ ("Could not open your web browser to sign in: %s"), error->message);

    if (FLEX_IS_WINDOW (window))
      flex_window_add_toast (FLEX_WINDOW (window), message);
  }
}

static void
open_browser (const char *authorize_url, gpointer user_data)
{
  FlexApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  gtk_show_uri_full (window, authorize_url, GDK_CURRENT_TIME, NULL, on_browser_opened,
                     g_object_ref (self));
}

static void
on_signed_in_again (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (FlexApplication) self = user_data;
  g_autoptr (FlexAccount) account = NULL;
  g_autoptr (GError) error = NULL;
  FlexSsoTokens *tokens = NULL;
  GtkWindow *window;

  account = flex_sso_sign_in_finish (result, &tokens, &error);
  g_clear_object (&self->sign_in_again);
  g_debug ("Signed in to Flex again: %s", account != NULL ? account->worker_sid : error->message);
  if (self->sso == NULL || self->account == NULL)
    {
      flex_sso_tokens_free (tokens);
      return;
    }
  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (account == NULL)
    {
      set_signed_out (self, TRUE, FALSE);
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && FLEX_IS_WINDOW (window))
        flex_window_add_toast (FLEX_WINDOW (window), error->message);
      return;
    }
  if (g_strcmp0 (account->worker_sid, self->account->worker_sid) != 0)
    {
      /* Someone else signed in (and is kept now): their own lists. */
      g_autoptr (GList) windows =
          g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));

      g_application_hold (G_APPLICATION (self));
      for (GList *l = windows; l != NULL; l = l->next)
        gtk_window_destroy (l->data);
      _flex_application_start_session (self, account, tokens);
      gtk_window_present (GTK_WINDOW (flex_window_new (self)));
      g_application_release (G_APPLICATION (self));
      return;
    }
  /* The same agent: the same session goes on with the new tokens. */
  g_free (self->account->secret);
  self->account->secret = g_strdup (account->secret);
  flex_sso_session_renew (self->sso, tokens);
  set_signed_out (self, FALSE, FALSE);
  if (self->session != NULL && flex_session_get_socket (self->session) != NULL)
    flex_twilsock_reconnect (flex_session_get_socket (self->session));
  if (FLEX_IS_WINDOW (window))
    flex_window_add_toast (FLEX_WINDOW (window), _ ("Signed in to Flex again"));
}

/* app.sign-in-again: the browser sign-in, for the account signed in. */
void
_flex_application_sign_in_again_action (GSimpleAction *action,
                                        GVariant *parameter,
                                        gpointer user_data)
{
  FlexApplication *self = user_data;

  if (self->sso == NULL || self->account == NULL || self->sign_in_again != NULL)
    return;
  g_debug ("Signing in to Flex again");
  self->sign_in_again = g_cancellable_new ();
  set_signed_out (self, TRUE, TRUE);
  flex_sso_sign_in_async (self->account->account_sid,
                          flex_sso_login_is_console (self->account->sso_profile_sid, NULL, NULL)
                              ? FLEX_SSO_SIGN_IN_CONSOLE
                              : FLEX_SSO_SIGN_IN_DEFAULT,
                          open_browser, self, 0, 0, self->sign_in_again, on_signed_in_again,
                          g_object_ref (self));
}
