/* test-sign-in.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Signing in against the emulator and the test session's real keyring:
 * right and wrong credentials, an unknown identity, two matching workers,
 * finding the worker by email, and no secret in any log line.
 */

#include "config.h"

#include <string.h>

#include "flex-emulator.h"
#include "flex-sign-in.h"

#define ACCOUNT "AC00000000000000000000000000000000"
#define KEY     "SK0123456789abcdef0123456789abcdef"
#define SECRET  "tHe-sEcReT-4242"

typedef struct
{
  FlexEmulator *emulator;
  char *worker_sid;
} Fixture;

static GString *log_text;

static GLogWriterOutput
capture_log (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "MESSAGE"))
      {
        g_string_append_len (log_text, fields[i].value,
                             fields[i].length < 0 ? (gssize) strlen (fields[i].value)
                                                  : fields[i].length);
        g_string_append_c (log_text, '\n');
      }
  /* Warnings still fail the test. */
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    return g_log_writer_default (level, fields, n_fields, user_data);
  return G_LOG_WRITER_HANDLED;
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
stored_account (void)
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
forget_account (void)
{
  g_autoptr (GAsyncResult) result = NULL;

  flex_account_delete_async (NULL, on_done, &result);
  g_assert_true (flex_account_delete_finish (wait_for (&result), NULL));
}

static void
fixture_setup (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *configuration = NULL;

  forget_account ();
  fixture->emulator = flex_emulator_new ();
  flex_emulator_listen (fixture->emulator, 0, &error);
  g_assert_no_error (error);
  flex_emulator_set_auth (fixture->emulator, KEY, SECRET);
  g_setenv ("FLEX_TWILIO_SYNC_URL", flex_emulator_get_base_url (fixture->emulator), TRUE);
  g_setenv ("FLEX_TWILIO_TASKROUTER_URL", flex_emulator_get_base_url (fixture->emulator), TRUE);
  g_setenv ("FLEX_TWILIO_FLEX_URL", flex_emulator_get_base_url (fixture->emulator), TRUE);

  configuration = g_strdup_printf ("{\"taskrouter_workspace_sid\":\"%s\"}",
                                   flex_emulator_get_workspace_sid (fixture->emulator));
  g_assert_true (flex_emulator_set_configuration (fixture->emulator, configuration, &error));
  fixture->worker_sid = flex_emulator_add_worker (
      fixture->emulator, "Alex Agent",
      "{\"email\":\"alex.agent@example.com\",\"roles\":[\"agent\",\"supervisor\"]}", TRUE);
  g_free (flex_emulator_add_worker (fixture->emulator, "Sam Agent",
                                    "{\"email\":\"sam@example.com\"}", TRUE));
  g_string_truncate (log_text, 0);
}

static void
fixture_teardown (Fixture *fixture, gconstpointer data)
{
  forget_account ();
  g_clear_object (&fixture->emulator);
  g_free (fixture->worker_sid);
  /* The secret never reaches a log line, even at debug level. */
  g_assert_null (strstr (log_text->str, SECRET));
}

static FlexAccount *
candidate (const char *secret, const char *identity)
{
  FlexAccount *account = flex_account_new ();

  account->account_sid = g_strdup (ACCOUNT);
  account->username = g_strdup (KEY);
  account->secret = g_strdup (secret);
  account->worker_identity = g_strdup (identity);
  return account;
}

static FlexAccount *
sign_in (const FlexAccount *typed, GError **error, GPtrArray **candidates)
{
  g_autoptr (GAsyncResult) result = NULL;
  FlexAccount *account;

  flex_sign_in_async (typed, NULL, on_done, &result);
  account = flex_sign_in_finish (wait_for (&result), error);
  if (candidates != NULL)
    *candidates = flex_sign_in_get_candidates (result);
  return account;
}

static void
test_right_credentials (Fixture *fixture, gconstpointer data)
{
  g_autoptr (FlexAccount) typed = candidate (SECRET, "Alex Agent");
  g_autoptr (FlexAccount) account = NULL;
  g_autoptr (FlexAccount) stored = NULL;
  g_autoptr (GError) error = NULL;

  account = sign_in (typed, &error, NULL);
  g_assert_no_error (error);
  g_assert_cmpstr (account->worker_sid, ==, fixture->worker_sid);
  g_assert_cmpstr (account->service_sid, ==, "default");
  /* Debug output is captured (and checked for the secret in teardown). */
  g_assert_nonnull (strstr (log_text->str, "Signed in as worker"));

  stored = stored_account ();
  g_assert_nonnull (stored);
  g_assert_cmpstr (stored->account_sid, ==, ACCOUNT);
  g_assert_cmpstr (stored->username, ==, KEY);
  g_assert_cmpstr (stored->secret, ==, SECRET);
  g_assert_cmpstr (stored->worker_sid, ==, fixture->worker_sid);
  g_assert_cmpstr (stored->worker_identity, ==, "Alex Agent");
  /* It checked Flex, Sync and the worker before storing. */
  g_assert_cmpuint (flex_emulator_count_requests (fixture->emulator, "GET", "/v1/Configuration"),
                    ==, 1);
  g_assert_cmpuint (
      flex_emulator_count_requests (fixture->emulator, "GET", "/v1/Services/default/Maps"), ==, 1);
}

static void
test_wrong_credentials (Fixture *fixture, gconstpointer data)
{
  g_autoptr (FlexAccount) typed = candidate ("not-the-secret", "Alex Agent");
  g_autoptr (FlexAccount) account = NULL;
  g_autoptr (FlexAccount) stored = NULL;
  g_autoptr (GError) error = NULL;

  account = sign_in (typed, &error, NULL);
  g_assert_null (account);
  g_assert_error (error, FLEX_SIGN_IN_ERROR, FLEX_SIGN_IN_ERROR_UNAUTHORIZED);
  g_assert_nonnull (strstr (error->message, "secret"));
  g_assert_null (strstr (error->message, "not-the-secret"));
  stored = stored_account ();
  g_assert_null (stored);
}

static void
test_unknown_identity (Fixture *fixture, gconstpointer data)
{
  g_autoptr (FlexAccount) typed = candidate (SECRET, "Nobody Here");
  g_autoptr (FlexAccount) stored = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_null (sign_in (typed, &error, NULL));
  g_assert_error (error, FLEX_SIGN_IN_ERROR, FLEX_SIGN_IN_ERROR_NO_WORKER);
  g_assert_nonnull (strstr (error->message, "Nobody Here"));
  stored = stored_account ();
  g_assert_null (stored);
}

static void
test_by_email (Fixture *fixture, gconstpointer data)
{
  g_autoptr (FlexAccount) typed = candidate (SECRET, "alex.agent@example.com");
  g_autoptr (FlexAccount) account = NULL;
  g_autoptr (GError) error = NULL;

  account = sign_in (typed, &error, NULL);
  g_assert_no_error (error);
  g_assert_cmpstr (account->worker_sid, ==, fixture->worker_sid);
}

static void
test_two_matching_workers (Fixture *fixture, gconstpointer data)
{
  g_autoptr (FlexAccount) typed = candidate (SECRET, "Alex Agent");
  g_autoptr (FlexAccount) account = NULL;
  g_autoptr (FlexAccount) stored = NULL;
  g_autoptr (GPtrArray) candidates = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *twin = NULL;
  gboolean saw_twin = FALSE;

  twin = flex_emulator_add_worker (fixture->emulator, "Alex Agent",
                                   "{\"email\":\"alex.other@example.com\"}", TRUE);
  g_assert_null (sign_in (typed, &error, &candidates));
  g_assert_error (error, FLEX_SIGN_IN_ERROR, FLEX_SIGN_IN_ERROR_SEVERAL_WORKERS);
  g_assert_nonnull (candidates);
  g_assert_cmpuint (candidates->len, ==, 2);
  for (guint i = 0; i < candidates->len; i++)
    saw_twin = saw_twin || g_strcmp0 (((FlexWorker *) candidates->pdata[i])->sid, twin) == 0;
  g_assert_true (saw_twin);
  stored = stored_account ();
  g_assert_null (stored);
  g_clear_error (&error);

  /* The person picks one: that worker is signed in. */
  typed->worker_sid = g_strdup (twin);
  account = sign_in (typed, &error, NULL);
  g_assert_no_error (error);
  g_assert_cmpstr (account->worker_sid, ==, twin);
}

static void
test_invalid_input_sends_nothing (Fixture *fixture, gconstpointer data)
{
  static const char *bad_sids[] = { "", "AC123", "SK0123456789abcdef0123456789abcdef" };

  for (guint i = 0; i < G_N_ELEMENTS (bad_sids); i++)
    {
      g_autoptr (FlexAccount) typed = candidate (SECRET, "Alex Agent");
      g_autoptr (GError) error = NULL;

      g_free (typed->account_sid);
      typed->account_sid = g_strdup (bad_sids[i]);
      g_assert_null (sign_in (typed, &error, NULL));
      g_assert_error (error, FLEX_SIGN_IN_ERROR, FLEX_SIGN_IN_ERROR_INVALID_INPUT);
    }
  {
    g_autoptr (FlexAccount) typed = candidate ("", "Alex Agent");
    g_autoptr (GError) error = NULL;

    g_assert_null (sign_in (typed, &error, NULL));
    g_assert_error (error, FLEX_SIGN_IN_ERROR, FLEX_SIGN_IN_ERROR_INVALID_INPUT);
  }
  g_assert_cmpuint (flex_emulator_get_exchanges (fixture->emulator)->len, ==, 0);
}

static void
test_other_account (Fixture *fixture, gconstpointer data)
{
  g_autoptr (FlexAccount) typed = candidate (SECRET, "Alex Agent");
  g_autoptr (GError) error = NULL;

  g_free (typed->account_sid);
  typed->account_sid = g_strdup ("AC11111111111111111111111111111111");
  g_assert_null (sign_in (typed, &error, NULL));
  g_assert_error (error, FLEX_SIGN_IN_ERROR, FLEX_SIGN_IN_ERROR_WRONG_ACCOUNT);
}

int
main (int argc, char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  log_text = g_string_new (NULL);
  g_log_set_writer_func (capture_log, NULL, NULL);
  g_log_set_debug_enabled (TRUE);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/sign-in/right-credentials", test_right_credentials);
  ADD ("/sign-in/wrong-credentials", test_wrong_credentials);
  ADD ("/sign-in/unknown-identity", test_unknown_identity);
  ADD ("/sign-in/by-email", test_by_email);
  ADD ("/sign-in/two-matching-workers", test_two_matching_workers);
  ADD ("/sign-in/invalid-input-sends-nothing", test_invalid_input_sends_nothing);
  ADD ("/sign-in/other-account", test_other_account);
#undef ADD

  ret = g_test_run ();
  g_string_free (log_text, TRUE);
  return ret;
}
