/* flex-sso-loopback.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define FLEX_TYPE_SSO_LOOPBACK (flex_sso_loopback_get_type ())

G_DECLARE_FINAL_TYPE (FlexSsoLoopback, flex_sso_loopback, FLEX, SSO_LOOPBACK, GObject)

FlexSsoLoopback *flex_sso_loopback_new (guint port, GError **error);
const char *flex_sso_loopback_get_redirect_url (FlexSsoLoopback *self);
void flex_sso_loopback_wait_async (FlexSsoLoopback *self,
                                   const char *state,
                                   guint timeout_s,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data);
char *flex_sso_loopback_wait_finish (FlexSsoLoopback *self, GAsyncResult *result, GError **error);

G_END_DECLS
