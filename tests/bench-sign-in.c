/* bench-sign-in.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdlib.h>

#include "flex-emulator.h"
#include "flex-session.h"
#include "flex-sso-session.h"
#include "flex-sso-sign-in.h"
#include "flex-test-util.h"

/*
 * Signing in with Flex, measured (issue 19's numbers), in one process with
 * the emulator, the app's sign-in and session, and tests/stand-in-browser.py
 * as the browser (a real process, as the desktop's would be):
 *
 * - from opening the browser on the Authorize page to the first rows of
 *   all three lists, at N shared contacts (--contacts N, 1,000 unless
 *   given), read over the socket with the Flex token: the median of 5
 *   sign-ins. This is an upper bound of "from the redirect arriving": it
 *   includes the browser starting, fetching the page and submitting the
 *   form (target: ≤ 1 s);
 * - a token refresh while the lists are live: items-changed of the three
 *   lists, and socket reconnects, caused by it (target: 0 and 0).
 *
 * Prints the figures; exits 1 when a target is missed. Needs the keyring of
 * tests/flex-test-session.sh (the sign-in keeps the refresh token there).
 */

static guint n_contacts = 1000;
static char *browser_script;

static void
open_browser (const char *authorize_url, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) browser = g_subprocess_new (
      G_SUBPROCESS_FLAGS_NONE, &error, "/usr/bin/python3", browser_script, authorize_url, NULL);

  g_assert_no_error (error);
  *(gint64 *) user_data = g_get_monotonic_time ();
}

static void
store_result (GObject *object, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
all_listed (FlexSession *session)
{
  return flex_directory_get_loaded (flex_session_get_recents (session)) &&
         flex_directory_get_loaded (flex_session_get_personal (session)) &&
         g_list_model_get_n_items (G_LIST_MODEL (flex_session_get_shared (session))) >= n_contacts;
}

static gboolean
all_live (FlexSession *session)
{
  return flex_directory_get_live (flex_session_get_recents (session)) &&
         flex_directory_get_live (flex_session_get_personal (session)) &&
         flex_directory_get_live (flex_session_get_shared (session));
}

static void
count_changes (GListModel *model, guint position, guint removed, guint added, guint *count)
{
  (*count)++;
}

static void
count_refreshes (FlexSsoSession *sso, guint *count)
{
  (*count)++;
}

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* One sign-in to the first rows; the session, kept for the refresh. */
static double
sign_in_once (FlexEmulator *emulator,
              FlexFeatureConfig *config,
              FlexSession **session_out,
              FlexSsoSession **sso_out)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (FlexAccount) account = NULL;
  g_autoptr (FlexTwilioClient) client = NULL;
  FlexSsoTokens *tokens = NULL;
  FlexSsoSession *sso;
  FlexSession *session;
  g_autofree char *socket_url =
      g_strdup_printf ("ws://127.0.0.1:%u/v3/wsconnect", flex_emulator_get_port (emulator));
  gint64 opened = 0;
  double ms;

  flex_sso_sign_in_async ("flex-sandbox.twil.io", FLEX_SSO_SIGN_IN_DEFAULT, open_browser, &opened,
                          0, 30, NULL, store_result, &result);
  FLEX_TEST_WAIT_FOR (result != NULL, 30000);
  account = flex_sso_sign_in_finish (result, &tokens, &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  /* What the app does with a sign-in just made. */
  sso = flex_sso_session_new (flex_emulator_get_base_url (emulator), account->sso_profile_sid,
                              tokens);
  client = flex_twilio_client_new_for_token (FLEX_TOKEN_SOURCE (sso));
  session = flex_session_new (client, account->account_sid, account->worker_sid,
                              account->service_sid, config);
  flex_session_enable_push (session, FLEX_TOKEN_SOURCE (sso), NULL, socket_url, NULL);
  flex_session_load_async (session, NULL, store_result, &result);
  FLEX_TEST_WAIT_FOR (all_listed (session), 30000);
  ms = (double) (g_get_monotonic_time () - opened) / 1000.0;
  FLEX_TEST_WAIT_FOR (result != NULL, 10000);
  *session_out = session;
  *sso_out = sso;
  return ms;
}

int
main (int argc, char *argv[])
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FlexEmulator) emulator = flex_emulator_new ();
  g_autoptr (FlexFeatureConfig) config = flex_feature_config_new ();
  g_autofree char *worker = NULL;
  g_autofree char *shared_map = NULL;
  FlexSession *session = NULL;
  FlexSsoSession *sso = NULL;
  double times[5];
  guint changes = 0;
  guint refreshes = 0;
  guint connects;
  gboolean ok = TRUE;
  const char *base;

  /* bench-sign-in STAND-IN-BROWSER [--contacts N] */
  if (argc < 2)
    {
      g_printerr ("usage: %s tests/stand-in-browser.py [--contacts N]\n", argv[0]);
      return 2;
    }
  browser_script = g_strdup (argv[1]);
  for (int i = 2; i + 1 < argc; i++)
    if (g_str_equal (argv[i], "--contacts"))
      n_contacts = (guint) g_ascii_strtoull (argv[i + 1], NULL, 10);

  g_assert_true (flex_emulator_listen (emulator, 0, &error));
  worker = flex_emulator_add_demo_data (emulator, &error);
  g_assert_no_error (error);
  shared_map = g_strconcat ("Contacts_", flex_emulator_get_account_sid (emulator), NULL);
  for (guint i = 0; i < n_contacts; i++)
    {
      g_autofree char *key = g_strdup_printf ("bench-%06u", i);
      g_autofree char *json = g_strdup_printf (
          "{\"key\":\"%s\",\"name\":\"Bench Contact %u\",\"phoneNumber\":\"+1312555%04u\"}", key, i,
          i % 10000);

      flex_emulator_put_item (emulator, shared_map, key, json, 0, &error);
      g_assert_no_error (error);
    }
  base = flex_emulator_get_base_url (emulator);
  g_setenv ("FLEX_TWILIO_SYNC_URL", base, TRUE);
  g_setenv ("FLEX_TWILIO_TASKROUTER_URL", base, TRUE);
  g_setenv ("FLEX_TWILIO_FLEX_URL", base, TRUE);
  g_setenv ("FLEX_TWILIO_SERVICES_URL", base, TRUE);

  /* Tokens of 8 s: the last session's is refreshed 4 s before it expires. */
  flex_emulator_set_flex_token_lifetimes (emulator, 8, 3600);
  for (guint i = 0; i < G_N_ELEMENTS (times); i++)
    {
      if (session != NULL)
        {
          g_clear_object (&session);
          g_clear_object (&sso);
          flex_test_spin (100);
        }
      times[i] = sign_in_once (emulator, config, &session, &sso);
    }
  qsort (times, G_N_ELEMENTS (times), sizeof times[0], compare_doubles);
  g_print ("Sign-in with Flex to the first rows of the three lists (%u shared contacts), "
           "browser included:\n  median %.0f ms, best %.0f ms, worst %.0f ms (target ≤ 1000 ms)\n",
           n_contacts, times[2], times[0], times[4]);
  ok = ok && times[2] <= 1000;

  /* A refresh while live: nothing moves in the lists, the socket stays. */
  flex_sso_session_set_timing (sso, 4, 0);
  FLEX_TEST_WAIT_FOR (all_live (session), 15000);
  connects = flex_twilsock_get_n_connects (flex_session_get_socket (session));
  g_signal_connect (sso, "tokens-changed", G_CALLBACK (count_refreshes), &refreshes);
  g_signal_connect (flex_session_get_recents (session), "items-changed", G_CALLBACK (count_changes),
                    &changes);
  g_signal_connect (flex_session_get_personal (session), "items-changed",
                    G_CALLBACK (count_changes), &changes);
  g_signal_connect (flex_session_get_shared (session), "items-changed", G_CALLBACK (count_changes),
                    &changes);
  FLEX_TEST_WAIT_FOR (refreshes >= 1, 20000);
  flex_test_spin (2000);
  g_print ("A token refresh while live: %u refresh(es), %u items-changed, %u socket reconnects "
           "(target: 0 and 0), still live: %s\n",
           refreshes, changes,
           flex_twilsock_get_n_connects (flex_session_get_socket (session)) - connects,
           all_live (session) ? "yes" : "no");
  ok = ok && changes == 0 &&
       flex_twilsock_get_n_connects (flex_session_get_socket (session)) == connects &&
       all_live (session);

  g_clear_object (&session);
  g_clear_object (&sso);
  flex_test_spin (100);
  g_free (browser_script);
  return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
