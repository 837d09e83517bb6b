/* flex-application-private.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "flex-application.h"
#include "flex-incoming.h"
#include "flex-lock-status.h"
#include "flex-notifier.h"
#include "flex-sandbox.h"
#include "flex-search-provider.h"
#include "flex-sso-session.h"

G_BEGIN_DECLS

struct _FlexApplication
{
  AdwApplication parent_instance;

  GSettings *settings;
  FlexFeatureConfig *config;
  FlexSandbox *sandbox;
  FlexSession *session;
  FlexNotifier *notifier;      /* incoming work as notifications, with the session */
  FlexLockStatus *lock_status; /* the status at the screen lock, with the session */
  FlexAccount *account;
  gboolean sandboxed;
  /* Reading the keyring at start-up; activation waits for it. */
  gboolean loading_account;
  gboolean activate_pending;
  char *pending_dial;
  char *keyring_error;
  FlexSearchProvider *search_provider;
  /* Signed in with Flex (flex-application-sso.c): the agent's tokens, and
   * "Sign in again" under way. */
  FlexSsoSession *sso;
  GCancellable *sign_in_again;
};

void _flex_application_start_session (FlexApplication *self,
                                      const FlexAccount *account,
                                      FlexSsoTokens *tokens);

/* flex-application-sso.c: a session signed in with Flex */
FlexTwilioClient *_flex_application_sso_client (FlexApplication *self,
                                                const FlexAccount *account,
                                                FlexSsoTokens *tokens);
void _flex_application_sso_stop (FlexApplication *self);
void _flex_application_sign_in_again_action (GSimpleAction *action,
                                             GVariant *parameter,
                                             gpointer user_data);

G_END_DECLS
