/* flex-access-token.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Twilio's limits for access tokens (SYNC-PUSH.md §1). */
#define FLEX_ACCESS_TOKEN_DEFAULT_TTL 3600
#define FLEX_ACCESS_TOKEN_MAX_TTL     (24 * 3600)

char *flex_access_token_mint_sync (const char *account_sid,
                                   const char *key_sid,
                                   const char *key_secret,
                                   const char *identity,
                                   const char *service_sid,
                                   gint64 issued_at,
                                   guint ttl_s,
                                   GError **error);
char *flex_access_token_mint_taskrouter (const char *account_sid,
                                         const char *key_sid,
                                         const char *key_secret,
                                         const char *identity,
                                         const char *workspace_sid,
                                         const char *worker_sid,
                                         gint64 issued_at,
                                         guint ttl_s,
                                         GError **error);
char *flex_base64url_encode (const guint8 *data, gsize length);
guint8 *flex_base64url_decode (const char *text, gsize *length);

G_END_DECLS
