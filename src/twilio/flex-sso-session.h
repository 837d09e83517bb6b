/* flex-sso-session.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "flex-sso.h"
#include "flex-token-source.h"

G_BEGIN_DECLS

#define FLEX_TYPE_SSO_SESSION (flex_sso_session_get_type ())

G_DECLARE_FINAL_TYPE (FlexSsoSession, flex_sso_session, FLEX, SSO_SESSION, GObject)

FlexSsoSession *
flex_sso_session_new (const char *base_url, const char *sso_profile_sid, FlexSsoTokens *tokens);
FlexSsoSession *flex_sso_session_new_for_refresh_token (const char *base_url,
                                                        const char *sso_profile_sid,
                                                        const char *refresh_token);
void flex_sso_session_renew (FlexSsoSession *self, FlexSsoTokens *tokens);
const FlexSsoTokens *flex_sso_session_get_tokens (FlexSsoSession *self);
gboolean flex_sso_session_get_ended (FlexSsoSession *self);
void flex_sso_session_set_timing (FlexSsoSession *self, guint margin_s, guint jitter_s);

G_END_DECLS
