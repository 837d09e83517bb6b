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

#include "flex-account.h"
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
  g_assert_cmpstr (schema->attributes[2].name, ==, FLEX_SECRET_ATTR_SERVICE_SID);
  g_assert_cmpstr (schema->attributes[3].name, ==, FLEX_SECRET_ATTR_WORKER_SID);
  g_assert_cmpstr (schema->attributes[4].name, ==, FLEX_SECRET_ATTR_WORKER_NAME);
  /* Signed in with Flex: the SSO profile that refreshes the token. */
  g_assert_cmpstr (schema->attributes[5].name, ==, FLEX_SECRET_ATTR_SSO_PROFILE);
  g_assert_null (schema->attributes[6].name);
}

static void
on_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

static FlexAccount *
load (void)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  FlexAccount *account;

  flex_account_load_async (NULL, on_done, &result);
  account = flex_account_load_finish (wait_for (&result), &error);
  g_assert_no_error (error);
  return account;
}

static void
store (const FlexAccount *account)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  flex_account_store_async (account, NULL, on_done, &result);
  g_assert_true (flex_account_store_finish (wait_for (&result), &error));
  g_assert_no_error (error);
}

static void delete (void)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  flex_account_delete_async (NULL, on_done, &result);
  g_assert_true (flex_account_delete_finish (wait_for (&result), &error));
  g_assert_no_error (error);
}

static guint
count_items (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) attributes = g_hash_table_new (g_str_hash, g_str_equal);
  GList *items = secret_password_searchv_sync (flex_secret_schema_get (), attributes,
                                               SECRET_SEARCH_ALL, NULL, &error);
  guint n = g_list_length (items);

  g_assert_no_error (error);
  g_list_free_full (items, g_object_unref);
  return n;
}

/* Store, load, replace and delete the one account, in the real keyring. */
static void
test_account_round_trip (void)
{
  g_autoptr (FlexAccount) account = flex_account_new ();
  g_autoptr (FlexAccount) loaded = NULL;
  g_autoptr (FlexAccount) replaced = NULL;

  delete ();
  g_assert_null (load ());

  account->account_sid = g_strdup ("AC0123456789abcdef0123456789abcdef");
  account->username = g_strdup ("SK0123456789abcdef0123456789abcdef");
  account->secret = g_strdup ("first-api-secret");
  account->service_sid = g_strdup ("default");
  account->worker_sid = g_strdup ("WK0123456789abcdef0123456789abcdef");
  account->worker_identity = g_strdup ("alex.agent@example.com");
  store (account);
  loaded = load ();
  g_assert_nonnull (loaded);
  g_assert_cmpstr (loaded->account_sid, ==, account->account_sid);
  g_assert_cmpstr (loaded->username, ==, account->username);
  g_assert_cmpstr (loaded->secret, ==, "first-api-secret");
  g_assert_cmpstr (loaded->service_sid, ==, "default");
  g_assert_cmpstr (loaded->worker_sid, ==, account->worker_sid);
  g_assert_cmpstr (loaded->worker_identity, ==, "alex.agent@example.com");

  /* Signing in again replaces the account: still one item. */
  g_free (account->secret);
  account->secret = g_strdup ("second-api-secret");
  g_free (account->worker_identity);
  account->worker_identity = g_strdup ("Alex Agent");
  store (account);
  g_assert_cmpuint (count_items (), ==, 1);
  replaced = load ();
  g_assert_cmpstr (replaced->secret, ==, "second-api-secret");
  g_assert_cmpstr (replaced->worker_identity, ==, "Alex Agent");

  delete ();
  g_assert_cmpuint (count_items (), ==, 0);
  g_assert_null (load ());
}

static void
test_redact (void)
{
  g_autoptr (FlexAccount) account = flex_account_new ();
  g_autofree char *redacted = NULL;

  account->secret = g_strdup ("s3cr3t");
  redacted = flex_account_redact (account, "auth s3cr3t failed, s3cr3t!");
  g_assert_cmpstr (redacted, ==, "auth [secret] failed, [secret]!");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/keyring/schema", test_keyring_schema);
  g_test_add_func ("/keyring/round-trip", test_keyring_round_trip);
  g_test_add_func ("/keyring/account-round-trip", test_account_round_trip);
  g_test_add_func ("/keyring/redact", test_redact);

  return g_test_run ();
}
