/* flex-secret-schema.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flex-credentials"

#include "config.h"

#include "flex-secret-schema.h"

/**
 * flex_secret_schema_get:
 *
 * The libsecret schema of the Twilio account stored by Flex Contacts: one item
 * per account, found by its Account SID and the API key SID (or the Account SID
 * again when an Auth Token is used), or, signed in with Flex, by its SSO
 * profile (the secret is then the refresh token). Only the secret is stored
 * in the item.
 *
 * Returns: (transfer none): the schema
 */
const SecretSchema *
flex_secret_schema_get (void)
{
  static const SecretSchema schema = {
    APPLICATION_ID ".Account",
    SECRET_SCHEMA_NONE,
    {
        { FLEX_SECRET_ATTR_ACCOUNT_SID, SECRET_SCHEMA_ATTRIBUTE_STRING },
        { FLEX_SECRET_ATTR_KEY_SID, SECRET_SCHEMA_ATTRIBUTE_STRING },
        { FLEX_SECRET_ATTR_SERVICE_SID, SECRET_SCHEMA_ATTRIBUTE_STRING },
        { FLEX_SECRET_ATTR_WORKER_SID, SECRET_SCHEMA_ATTRIBUTE_STRING },
        { FLEX_SECRET_ATTR_WORKER_NAME, SECRET_SCHEMA_ATTRIBUTE_STRING },
        { FLEX_SECRET_ATTR_SSO_PROFILE, SECRET_SCHEMA_ATTRIBUTE_STRING },
        { NULL, 0 },
    },
  };

  return &schema;
}
