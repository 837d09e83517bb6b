/* test-keyring.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Round trips through the real gnome-keyring-daemon of the test session
 * (tests/flex-test-session.sh), with the application's own schema.
 */

#include "config.h"

#include "flex-secret-schema.h"

#define ACCOUNT_SID "AC00000000000000000000000000000001"
#define KEY_SID     "SK00000000000000000000000000000001"

static char *
lookup_secret (void)
{
  g_autoptr (GError) error = NULL;
  char *secret = secret_password_lookup_sync (flex_secret_schema_get (), NULL, &error,
                                              FLEX_SECRET_ATTR_ACCOUNT_SID, ACCOUNT_SID,
                                              FLEX_SECRET_ATTR_KEY_SID, KEY_SID, NULL);

  g_assert_no_error (error);
  return secret;
}

static void
store_secret (const char *secret)
{
  g_autoptr (GError) error = NULL;
  gboolean stored;

  stored = secret_password_store_sync (flex_secret_schema_get (), SECRET_COLLECTION_DEFAULT,
                                       "Flex Contacts test account", secret, NULL, &error,
                                       FLEX_SECRET_ATTR_ACCOUNT_SID, ACCOUNT_SID,
                                       FLEX_SECRET_ATTR_KEY_SID, KEY_SID, NULL);
  g_assert_no_error (error);
  g_assert_true (stored);
}

static void
test_keyring_round_trip (void)
{
  g_autoptr (GError) error = NULL;
  char *secret;
  gboolean removed;

  /* Nothing there before. */
  g_assert_null (lookup_secret ());

  store_secret ("first-secret");
  secret = lookup_secret ();
  g_assert_cmpstr (secret, ==, "first-secret");
  secret_password_free (secret);

  /* Storing again under the same attributes replaces, not duplicates. */
  store_secret ("second-secret");
  secret = lookup_secret ();
  g_assert_cmpstr (secret, ==, "second-secret");
  secret_password_free (secret);

  removed = secret_password_clear_sync (flex_secret_schema_get (), NULL, &error,
                                        FLEX_SECRET_ATTR_ACCOUNT_SID, ACCOUNT_SID,
                                        FLEX_SECRET_ATTR_KEY_SID, KEY_SID, NULL);
  g_assert_no_error (error);
  g_assert_true (removed);
  g_assert_null (lookup_secret ());
}

static void
test_keyring_schema (void)
{
  const SecretSchema *schema = flex_secret_schema_get ();

  g_assert_cmpstr (schema->name, ==, APPLICATION_ID ".Account");
  g_assert_cmpstr (schema->attributes[0].name, ==, FLEX_SECRET_ATTR_ACCOUNT_SID);
  g_assert_cmpstr (schema->attributes[1].name, ==, FLEX_SECRET_ATTR_KEY_SID);
  g_assert_null (schema->attributes[2].name);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/keyring/schema", test_keyring_schema);
  g_test_add_func ("/keyring/round-trip", test_keyring_round_trip);

  return g_test_run ();
}
