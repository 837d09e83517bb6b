/* flex-secret-schema.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsecret/secret.h>

G_BEGIN_DECLS

/* Attribute names of the keyring items of this application. */
#define FLEX_SECRET_ATTR_ACCOUNT_SID "account-sid"
#define FLEX_SECRET_ATTR_KEY_SID     "key-sid"
#define FLEX_SECRET_ATTR_SERVICE_SID "service-sid"
#define FLEX_SECRET_ATTR_WORKER_SID  "worker-sid"
#define FLEX_SECRET_ATTR_WORKER_NAME "worker-identity"
#define FLEX_SECRET_ATTR_SSO_PROFILE "sso-profile"

const SecretSchema *flex_secret_schema_get (void) G_GNUC_CONST;

G_END_DECLS
