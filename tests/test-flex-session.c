/* test-flex-session.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "flex-dialer.h"
#include "flex-emulator.h"
#include "flex-outbox.h"
#include "flex-session.h"
#include "flex-sso-session.h"
#include "flex-sso-sign-in.h"
#include "flex-test-state.h"
#include "flex-test-util.h"

/*
 * A session signed in with Flex (issue 19), end to end in one process
 * against the emulator: "Sign in with Flex" through a stand-in browser,
 * then the three lists live over Twilsock with the Flex token, an edit
 * written over CDS, the worker, its activities and a call through
 * EventBridge's requests — and not one request carrying an account
 * credential. Then a refused refresh ("Sign in again") with the unsent
 * edit kept and sent once the agent is back.
 */

typedef struct
{
  FlexEmulator *emulator;
  char *worker;
  char *dir;
  SoupSession *browser;
  char *user; /* whom the stand-in browser signs in */
  guint n_opened;
  char *last_url; /* the Authorize URL last opened */
  FlexSsoSignInFlags flags;
} Fixture;

/* The stand-in browser: GET the Authorize page, submit its form, follow
 * the redirect to the app's loopback listener — as a person's would. */
typedef struct
{
  Fixture *fixture;
  char *authorize_url;
  SoupMessage *message;
} Browse;

static void
browse_free (Browse *browse)
{
  g_free (browse->authorize_url);
  g_clear_object (&browse->message);
  g_free (browse);
}

static void
on_back (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Browse *browse = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) page =
      soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);

  g_assert_no_error (error);
  g_assert_nonnull (page);
  browse_free (browse);
}

static void
on_submitted (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Browse *browse = user_data;
  g_autoptr (GBytes) page = soup_session_send_and_read_finish (SOUP_SESSION (object), result, NULL);
  const char *location;
  g_autoptr (SoupMessage) back = NULL;

  g_assert_cmpuint (soup_message_get_status (browse->message), ==, 302);
  location = soup_message_headers_get_one (soup_message_get_response_headers (browse->message),
                                           "Location");
  g_assert_nonnull (location);
  g_assert_true (g_str_has_prefix (location, "http://localhost:"));
  back = soup_message_new ("GET", location);
  g_assert_nonnull (back);
  soup_session_send_and_read_async (browse->fixture->browser, back, G_PRIORITY_DEFAULT, NULL,
                                    on_back, browse);
}

static void
on_page (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Browse *browse = user_data;
  g_autoptr (GBytes) page = soup_session_send_and_read_finish (SOUP_SESSION (object), result, NULL);
  g_autofree char *form = g_strdup_printf ("user=%s", browse->fixture->user);
  g_autoptr (GBytes) body = g_bytes_new (form, strlen (form));

  g_assert_nonnull (page);
  g_assert_cmpuint (soup_message_get_status (browse->message), ==, 200);
  g_clear_object (&browse->message);
  browse->message = soup_message_new ("POST", browse->authorize_url);
  soup_message_add_flags (browse->message, SOUP_MESSAGE_NO_REDIRECT);
  soup_message_set_request_body_from_bytes (browse->message, "application/x-www-form-urlencoded",
                                            body);
  soup_session_send_and_read_async (browse->fixture->browser, browse->message, G_PRIORITY_DEFAULT,
                                    NULL, on_submitted, browse);
}

static void
open_browser (const char *authorize_url, gpointer user_data)
{
  Fixture *fixture = user_data;
  Browse *browse = g_new0 (Browse, 1);

  fixture->n_opened++;
  g_free (fixture->last_url);
  fixture->last_url = g_strdup (authorize_url);
  browse->fixture = fixture;
  browse->authorize_url = g_strdup (authorize_url);
  browse->message = soup_message_new ("GET", authorize_url);
  soup_session_send_and_read_async (fixture->browser, browse->message, G_PRIORITY_DEFAULT, NULL,
                                    on_page, browse);
}

static void
store_result (GObject *object, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static FlexAccount *
sign_in (Fixture *fixture, FlexSsoTokens **tokens)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  FlexAccount *account;

  flex_sso_sign_in_async ("flex-sandbox.twil.io", fixture->flags, open_browser, fixture, 0, 30,
                          NULL, store_result, &result);
  FLEX_TEST_WAIT_FOR (result != NULL, 20000);
  account = flex_sso_sign_in_finish (result, tokens, &error);
  g_assert_no_error (error);
  return account;
}

static void
fixture_setup (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  const char *base;

  fixture->emulator = flex_emulator_new ();
  g_assert_true (flex_emulator_listen (fixture->emulator, 0, &error));
  fixture->worker = flex_emulator_add_demo_data (fixture->emulator, &error);
  g_assert_no_error (error);
  fixture->user = g_strdup (fixture->worker);
  base = flex_emulator_get_base_url (fixture->emulator);
  /* Every Twilio address is the emulator's, as the app's are with
   * FLEX_TWILIO_*_URL. */
  g_setenv ("FLEX_TWILIO_SYNC_URL", base, TRUE);
  g_setenv ("FLEX_TWILIO_TASKROUTER_URL", base, TRUE);
  g_setenv ("FLEX_TWILIO_FLEX_URL", base, TRUE);
  g_setenv ("FLEX_TWILIO_SERVICES_URL", base, TRUE);
  g_unsetenv ("FLEX_TWILIO_EVENTBRIDGE_URL");
  fixture->browser = soup_session_new ();
  fixture->dir = g_dir_make_tmp ("flex-session-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture *fixture, gconstpointer data)
{
  g_autofree char *outbox = g_build_filename (fixture->dir, "outbox.json", NULL);

  flex_test_spin (50);
  g_clear_object (&fixture->browser);
  g_clear_object (&fixture->emulator);
  g_unlink (outbox);
  g_rmdir (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->worker);
  g_free (fixture->user);
  g_free (fixture->last_url);
}

/* The session the app builds for a Flex sign-in. */
static FlexSession *
flex_session (Fixture *fixture,
              const FlexAccount *account,
              FlexSsoSession *sso,
              FlexFeatureConfig *config)
{
  g_autoptr (FlexTwilioClient) client = flex_twilio_client_new_for_token (FLEX_TOKEN_SOURCE (sso));
  g_autofree char *socket_url = g_strdup_printf ("ws://127.0.0.1:%u/v3/wsconnect",
                                                 flex_emulator_get_port (fixture->emulator));
  g_autofree char *path = g_build_filename (fixture->dir, "outbox.json", NULL);
  g_autoptr (FlexOutbox) outbox = flex_outbox_new (path, account->account_sid);
  FlexSession *session;

  session = flex_session_new (client, account->account_sid, account->worker_sid,
                              account->service_sid, config);
  flex_session_enable_push (session, FLEX_TOKEN_SOURCE (sso), NULL, socket_url, NULL);
  g_assert_true (flex_outbox_load (outbox, NULL));
  flex_session_set_outbox (session, outbox);
  return session;
}

static gboolean
all_live (FlexSession *session)
{
  return flex_directory_get_live (flex_session_get_recents (session)) &&
         flex_directory_get_live (flex_session_get_personal (session)) &&
         flex_directory_get_live (flex_session_get_shared (session));
}

/* Loads @session and waits until its three lists are live. */
static void
load_live (FlexSession *session)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  flex_session_load_async (session, NULL, store_result, &result);
  FLEX_TEST_WAIT_FOR (result != NULL, 10000);
  g_assert_true (flex_session_load_finish (session, result, &error));
  g_assert_no_error (error);
  FLEX_TEST_WAIT_FOR (all_live (session), 15000);
}

/* Adds a contact to My Contacts while Twilio cannot take it: the write
 * succeeds, and the edit waits in the outbox (the only one there). */
static void
add_kept (FlexSession *session, const char *name, const char *number)
{
  g_autoptr (FlexContact) contact = flex_contact_new (NULL, name, number, NULL);
  g_autoptr (FlexContact) saved = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  flex_directory_add_contact_async (flex_session_get_personal (session), contact, NULL,
                                    store_result, &result);
  FLEX_TEST_WAIT_FOR (result != NULL, 10000);
  saved = flex_directory_write_finish (flex_session_get_personal (session), result, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (saved);
  g_assert_cmpuint (flex_outbox_get_n_entries (flex_session_get_outbox (session)), ==, 1);
}

static void
test_sign_in_and_work (Fixture *fixture, gconstpointer data)
{
  g_autoptr (FlexSsoTokens) tokens = NULL;
  g_autoptr (FlexAccount) account = sign_in (fixture, &tokens);
  g_autoptr (FlexSsoSession) sso = NULL;
  g_autoptr (FlexFeatureConfig) config = flex_feature_config_new ();
  g_autoptr (FlexSession) session = NULL;
  g_autoptr (FlexContact) contact = NULL;
  g_autoptr (FlexDialer) dialer = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) activities = NULL;
  g_autofree char *task_sid = NULL;
  g_autofree char *personal_map = NULL;
  const char *break_sid;

  /* Who signed in, and what is kept: the refresh token, no key. */
  g_assert_cmpuint (fixture->n_opened, ==, 1);
  g_assert_true (flex_account_is_flex (account));
  g_assert_cmpstr (account->account_sid, ==, flex_emulator_get_account_sid (fixture->emulator));
  g_assert_cmpstr (account->worker_sid, ==, fixture->worker);
  g_assert_cmpstr (account->sso_profile_sid, ==,
                   flex_emulator_get_sso_profile_sid (fixture->emulator));
  g_assert_null (account->username);
  g_assert_cmpstr (account->secret, ==, tokens->refresh_token);
  g_assert_nonnull (tokens->access_token);

  sso = flex_sso_session_new (flex_emulator_get_base_url (fixture->emulator),
                              account->sso_profile_sid, g_steal_pointer (&tokens));
  session = flex_session (fixture, account, sso, config);
  flex_session_load_async (session, NULL, store_result, &result);
  FLEX_TEST_WAIT_FOR (result != NULL, 10000);
  g_assert_true (flex_session_load_finish (session, result, &error));
  g_clear_object (&result);

  /* The Flex configuration (token: auth), the worker (EventBridge), and
   * the three lists live over the socket. */
  FLEX_TEST_WAIT_FOR (flex_session_get_worker (session) != NULL, 10000);
  g_assert_nonnull (flex_session_get_configuration (session));
  g_assert_cmpstr (flex_session_get_worker (session)->sid, ==, fixture->worker);
  FLEX_TEST_WAIT_FOR (all_live (session), 15000);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (flex_session_get_shared (session))), >,
                    0);

  /* An edit, written over CDS. */
  contact = flex_contact_new (NULL, "Written With Flex", "+13125550188", NULL);
  personal_map = g_strconcat ("Contacts_", fixture->worker, NULL);
  {
    g_autofree char *before = flex_emulator_get_map_revision (fixture->emulator, personal_map);
    g_autoptr (FlexContact) written = NULL;
    g_autofree char *after = NULL;

    flex_directory_add_contact_async (flex_session_get_personal (session), contact, NULL,
                                      store_result, &result);
    FLEX_TEST_WAIT_FOR (result != NULL, 10000);
    written =
        flex_directory_write_finish (flex_session_get_personal (session), result, NULL, &error);
    g_assert_no_error (error);
    g_assert_nonnull (written);
    g_clear_object (&result);
    after = flex_emulator_get_map_revision (fixture->emulator, personal_map);
    g_assert_cmpstr (after, !=, before);
  }

  /* The activities, a change of status, and a call: TaskRouter through
   * EventBridge's requests. */
  flex_session_list_activities_async (session, NULL, store_result, &result);
  FLEX_TEST_WAIT_FOR (result != NULL, 10000);
  activities = flex_session_list_activities_finish (session, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (activities->len, >=, 3);
  g_clear_object (&result);
  break_sid = flex_emulator_get_activity_sid (fixture->emulator, "Break");
  g_assert_nonnull (break_sid);
  flex_session_set_activity_async (session, break_sid, NULL, store_result, &result);
  FLEX_TEST_WAIT_FOR (result != NULL, 10000);
  g_assert_true (flex_session_set_activity_finish (session, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_cmpstr (flex_emulator_get_worker_activity (fixture->emulator, fixture->worker), ==,
                   "Break");
  flex_session_set_activity_async (session,
                                   flex_emulator_get_activity_sid (fixture->emulator, "Available"),
                                   NULL, store_result, &result);
  FLEX_TEST_WAIT_FOR (result != NULL, 10000);
  g_assert_true (flex_session_set_activity_finish (session, result, &error));
  g_clear_object (&result);

  dialer = flex_dialer_new (session);
  flex_dialer_dial_async (dialer, "+13125550188", "Written With Flex", NULL, store_result, &result);
  FLEX_TEST_WAIT_FOR (result != NULL, 10000);
  task_sid = flex_dialer_dial_finish (dialer, result, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (task_sid, "WT"));
  g_assert_cmpuint (flex_emulator_count_requests (fixture->emulator, "POST", "/v1/wschannels"), >=,
                    3);

  /* Clear History: the Recents map deleted over the socket too. */
  g_clear_object (&result);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (flex_session_get_recents (session))), >,
                    0);
  flex_directory_clear_async (flex_session_get_recents (session), NULL, store_result, &result);
  FLEX_TEST_WAIT_FOR (result != NULL, 10000);
  g_assert_true (flex_directory_clear_finish (flex_session_get_recents (session), result, &error));
  g_assert_no_error (error);
  {
    g_autofree char *recents_map = g_strconcat ("Contacts_Recent_", fixture->worker, NULL);
    g_autoptr (JsonNode) state = flex_emulator_dump_json (fixture->emulator);
    JsonArray *items = flex_test_state_map_items (state, recents_map);

    /* Gone from the server (or, opened again by the live feed, empty). */
    g_assert_true (items == NULL || json_array_get_length (items) == 0);
  }
  FLEX_TEST_WAIT_FOR (
      g_list_model_get_n_items (G_LIST_MODEL (flex_session_get_recents (session))) == 0, 10000);

  /* Not one request carried an account credential. */
  g_assert_cmpuint (flex_emulator_count_account_credentials (fixture->emulator), ==, 0);
  g_assert_cmpuint (flex_emulator_count_requests (fixture->emulator, NULL, "/v1/Services"), ==, 0);
  g_assert_cmpuint (flex_emulator_count_requests (fixture->emulator, NULL, "/v1/Workspaces"), ==,
                    0);
}

/* Refused at a refresh (the session's maximum): "expired"; an edit made
 * meanwhile waits in the outbox, and is sent once the agent signed in
 * again — the same session, the same lists. */
static void
on_expired (FlexSsoSession *sso, GError *error, int *code)
{
  *code = flex_twilio_error_get_twilio_code (error);
}

static void
test_sign_in_again_keeps_outbox (Fixture *fixture, gconstpointer data)
{
  g_autoptr (FlexSsoTokens) tokens = NULL;
  g_autoptr (FlexAccount) account = NULL;
  g_autoptr (FlexAccount) again = NULL;
  g_autoptr (FlexSsoSession) sso = NULL;
  g_autoptr (FlexFeatureConfig) config = flex_feature_config_new ();
  g_autoptr (FlexSession) session = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *personal_map = g_strconcat ("Contacts_", fixture->worker, NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  FlexOutbox *outbox;
  int expired = 0;

  flex_emulator_set_flex_token_lifetimes (fixture->emulator, 4, 6);
  account = sign_in (fixture, &tokens);
  sso = flex_sso_session_new (flex_emulator_get_base_url (fixture->emulator),
                              account->sso_profile_sid, g_steal_pointer (&tokens));
  flex_sso_session_set_timing (sso, 2, 0);
  g_signal_connect (sso, "expired", G_CALLBACK (on_expired), &expired);
  session = flex_session (fixture, account, sso, config);
  outbox = flex_session_get_outbox (session);
  load_live (session);

  /* Past the maximum: the token expires, the socket is closed (410), and
   * the refresh is refused. */
  FLEX_TEST_WAIT_FOR (expired != 0, 20000);
  g_assert_cmpint (expired, ==, 20104);
  FLEX_TEST_WAIT_FOR (!flex_directory_get_live (flex_session_get_personal (session)), 15000);

  /* An edit now: kept, not lost. */
  before = flex_emulator_get_map_revision (fixture->emulator, personal_map);
  add_kept (session, "Kept While Signed Out", "+13125550199");
  g_assert_true (outbox == flex_session_get_outbox (session));

  /* Sign in again (the same agent): the session goes on, the edit is sent. */
  flex_emulator_set_flex_token_lifetimes (fixture->emulator, 3600, 12 * 3600);
  again = sign_in (fixture, &tokens);
  g_assert_cmpstr (again->worker_sid, ==, account->worker_sid);
  flex_sso_session_renew (sso, g_steal_pointer (&tokens));
  g_assert_false (flex_sso_session_get_ended (sso));
  flex_twilsock_reconnect (flex_session_get_socket (session));
  FLEX_TEST_WAIT_FOR (all_live (session), 20000);
  FLEX_TEST_WAIT_FOR (flex_outbox_get_n_entries (outbox) == 0, 20000);
  after = flex_emulator_get_map_revision (fixture->emulator, personal_map);
  g_assert_cmpstr (after, !=, before);
  g_assert_cmpuint (flex_emulator_count_account_credentials (fixture->emulator), ==, 0);
}

/* The token expires while Twilio cannot be reached: not the end of the
 * sign-in (a refresh that failed for the network is tried again), edits
 * wait, and once Twilio is back the token is refreshed, the lists are live
 * again and the edit is sent. */
static void
test_token_expires_offline (Fixture *fixture, gconstpointer data)
{
  g_autoptr (FlexSsoTokens) tokens = NULL;
  g_autoptr (FlexAccount) account = NULL;
  g_autoptr (FlexSsoSession) sso = NULL;
  g_autoptr (FlexFeatureConfig) config = flex_feature_config_new ();
  g_autoptr (FlexSession) session = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autofree char *personal_map = g_strconcat ("Contacts_", fixture->worker, NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *first_token = NULL;
  int expired = 0;

  flex_emulator_set_flex_token_lifetimes (fixture->emulator, 4, 3600);
  account = sign_in (fixture, &tokens);
  first_token = g_strdup (tokens->access_token);
  sso = flex_sso_session_new (flex_emulator_get_base_url (fixture->emulator),
                              account->sso_profile_sid, g_steal_pointer (&tokens));
  flex_sso_session_set_timing (sso, 2, 0);
  g_signal_connect (sso, "expired", G_CALLBACK (on_expired), &expired);
  session = flex_session (fixture, account, sso, config);
  load_live (session);

  /* Twilio out of reach: every request dropped, every socket refused. */
  flex_emulator_set_drop_rate (fixture->emulator, 1.0);
  flex_emulator_twilsock_set_refuse (fixture->emulator, TRUE);
  flex_emulator_twilsock_drop (fixture->emulator);
  FLEX_TEST_WAIT_FOR (!flex_directory_get_live (flex_session_get_personal (session)), 15000);
  /* Past the token's expiry (4 s), refreshes failing all along. */
  flex_test_spin (6000);
  g_assert_cmpint (expired, ==, 0);
  g_assert_false (flex_sso_session_get_ended (sso));
  before = flex_emulator_get_map_revision (fixture->emulator, personal_map);
  add_kept (session, "Kept While Offline", "+13125550144");

  /* Back: a new token (the refresh token still good), live, sent. */
  flex_emulator_set_drop_rate (fixture->emulator, 0);
  flex_emulator_twilsock_set_refuse (fixture->emulator, FALSE);
  FLEX_TEST_WAIT_FOR (all_live (session), 40000);
  FLEX_TEST_WAIT_FOR (flex_outbox_get_n_entries (flex_session_get_outbox (session)) == 0, 20000);
  g_assert_cmpstr (flex_sso_session_get_tokens (sso)->access_token, !=, first_token);
  g_assert_cmpint (expired, ==, 0);
  after = flex_emulator_get_map_revision (fixture->emulator, personal_map);
  g_assert_cmpstr (after, !=, before);
  g_assert_cmpuint (flex_emulator_count_account_credentials (fixture->emulator), ==, 0);
}

/* The Twilio Console login: what an account without single sign-on gets,
 * and what an agent may choose. Its tokens open the same session and
 * refresh the same way. */
static void
on_refreshed (FlexSsoSession *sso, guint *count)
{
  (*count)++;
}

static void
test_console_login (Fixture *fixture, gconstpointer data)
{
  g_autoptr (FlexSsoTokens) tokens = NULL;
  g_autoptr (FlexAccount) account = NULL;
  g_autoptr (FlexAccount) chosen = NULL;
  g_autoptr (FlexSsoSession) sso = NULL;
  g_autoptr (FlexFeatureConfig) config = flex_feature_config_new ();
  g_autoptr (FlexSession) session = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autofree char *login_account = NULL;
  g_autofree char *instance = NULL;
  guint refreshes = 0;

  /* No identity provider: the Console login, without asking. */
  flex_emulator_set_sso (fixture->emulator, FALSE);
  flex_emulator_set_flex_token_lifetimes (fixture->emulator, 4, 3600);
  account = sign_in (fixture, &tokens);
  g_assert_nonnull (strstr (fixture->last_url, "isConsoleLogin=true"));
  g_assert_null (strstr (fixture->last_url, "ssoProfileSid"));
  g_assert_true (flex_sso_login_is_console (account->sso_profile_sid, &login_account, &instance));
  g_assert_cmpstr (login_account, ==, flex_emulator_get_account_sid (fixture->emulator));
  g_assert_true (g_str_has_prefix (instance, "GO"));
  g_assert_true (flex_account_is_flex (account));
  g_assert_cmpstr (account->worker_sid, ==, fixture->worker);

  sso = flex_sso_session_new (flex_emulator_get_base_url (fixture->emulator),
                              account->sso_profile_sid, g_steal_pointer (&tokens));
  flex_sso_session_set_timing (sso, 2, 0);
  g_signal_connect (sso, "tokens-changed", G_CALLBACK (on_refreshed), &refreshes);
  session = flex_session (fixture, account, sso, config);
  load_live (session);
  FLEX_TEST_WAIT_FOR (refreshes >= 1, 10000);
  g_assert_false (flex_sso_session_get_ended (sso));
  g_assert_true (all_live (session));

  /* With single sign-on too, the agent may choose the Console login. */
  flex_emulator_set_sso (fixture->emulator, TRUE);
  fixture->flags = FLEX_SSO_SIGN_IN_CONSOLE;
  chosen = sign_in (fixture, &tokens);
  g_assert_nonnull (strstr (fixture->last_url, "isConsoleLogin=true"));
  g_assert_true (flex_sso_login_is_console (chosen->sso_profile_sid, NULL, NULL));
  fixture->flags = FLEX_SSO_SIGN_IN_DEFAULT;
  g_clear_pointer (&tokens, flex_sso_tokens_free);
  g_clear_pointer (&chosen, flex_account_free);
  chosen = sign_in (fixture, &tokens);
  g_assert_nonnull (strstr (fixture->last_url, "ssoProfileSid=JQ"));
  g_assert_cmpstr (chosen->sso_profile_sid, ==,
                   flex_emulator_get_sso_profile_sid (fixture->emulator));
  g_assert_cmpuint (flex_emulator_count_account_credentials (fixture->emulator), ==, 0);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/flex-session/sign-in-and-work", test_sign_in_and_work);
  ADD ("/flex-session/sign-in-again-keeps-outbox", test_sign_in_again_keeps_outbox);
  ADD ("/flex-session/token-expires-offline", test_token_expires_offline);
  ADD ("/flex-session/console-login", test_console_login);
#undef ADD

  return g_test_run ();
}
