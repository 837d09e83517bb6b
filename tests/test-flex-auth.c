/* test-flex-auth.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "flex-emulator.h"
#include "flex-sso-session.h"
#include "flex-sso.h"
#include "flex-token-source.h"
#include "flex-twilsock.h"
#include "flex-twilio-error.h"
#include "flex-test-util.h"

/*
 * The emulator's Flex single sign-on (issue 19's ground): the identity
 * provider's config, the Authorize page and its form, the code exchange with
 * PKCE (S256) and the nonce, single-use codes, refresh tokens that rotate,
 * the session's maximum lifetime (20104) and Tokens/Info — over HTTP, as a
 * browser and the app would.
 */

typedef struct
{
  FlexEmulator *emulator;
  char *worker;
  SoupSession *session;
} Fixture;

static void
store_result (GObject *object, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* Sends @message (never following a redirect); its status, and its body in
 * @body. */
static guint
send (Fixture *fixture, SoupMessage *message, char **body)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GBytes) bytes = NULL;

  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);
  soup_session_send_and_read_async (fixture->session, message, G_PRIORITY_DEFAULT, NULL,
                                    store_result, &result);
  FLEX_TEST_WAIT_FOR (result != NULL, 10000);
  bytes = soup_session_send_and_read_finish (fixture->session, result, NULL);
  if (body != NULL)
    *body =
        bytes != NULL ? g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes)) : NULL;
  return soup_message_get_status (message);
}

static JsonObject *
json_object_of (const char *text)
{
  g_autoptr (JsonNode) node = json_from_string (text, NULL);

  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_ref (json_node_get_object (node));
}

static char *
url (Fixture *fixture, const char *path)
{
  return g_strconcat (flex_emulator_get_base_url (fixture->emulator), path, NULL);
}

static char *
challenge_of (const char *verifier)
{
  guint8 digest[32];
  gsize length = sizeof digest;
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  char *encoded;

  g_checksum_update (checksum, (const guchar *) verifier, -1);
  g_checksum_get_digest (checksum, digest, &length);
  encoded = g_base64_encode (digest, length);
  g_strdelimit (encoded, "+", '-');
  g_strdelimit (encoded, "/", '_');
  if (strchr (encoded, '=') != NULL)
    *strchr (encoded, '=') = '\0';
  return encoded;
}

/* The browser's part: the Authorize page, then its form for the first user.
 * Returns the code the redirect carries (and checks its state). */
static char *
authorize (Fixture *fixture, const char *verifier, const char *nonce, const char *redirect)
{
  g_autofree char *challenge = challenge_of (verifier);
  g_autofree char *query = g_strdup_printf (
      "/v1/Flex/Authorize?redirectUrl=%s&nonce=%s&codeChallenge=%s&state=s-123&ssoProfileSid=%s",
      redirect, nonce, challenge, flex_emulator_get_sso_profile_sid (fixture->emulator));
  g_autofree char *page_url = url (fixture, query);
  g_autoptr (SoupMessage) page = soup_message_new ("GET", page_url);
  g_autoptr (SoupMessage) submit = soup_message_new ("POST", page_url);
  g_autofree char *html = NULL;
  g_autofree char *form = g_strdup_printf ("user=%s", fixture->worker);
  g_autoptr (GBytes) body = g_bytes_new (form, strlen (form));
  g_autoptr (GUri) location = NULL;
  g_autoptr (GHashTable) params = NULL;

  if (send (fixture, page, &html) != 200)
    return NULL;
  g_assert_nonnull (strstr (html, "<form method=\"post\">"));
  g_assert_nonnull (strstr (html, fixture->worker));
  soup_message_set_request_body_from_bytes (submit, "application/x-www-form-urlencoded", body);
  g_assert_cmpuint (send (fixture, submit, NULL), ==, 302);
  location = g_uri_parse (
      soup_message_headers_get_one (soup_message_get_response_headers (submit), "Location"),
      G_URI_FLAGS_NONE, NULL);
  g_assert_nonnull (location);
  g_assert_true (g_str_equal (g_uri_get_host (location), "127.0.0.1") ||
                 g_str_equal (g_uri_get_host (location), "localhost"));
  params = g_uri_parse_params (g_uri_get_query (location), -1, "&", G_URI_PARAMS_NONE, NULL);
  g_assert_cmpstr (g_hash_table_lookup (params, "state"), ==, "s-123");
  return g_strdup (g_hash_table_lookup (params, "code"));
}

static guint
tokens (Fixture *fixture, const char *json, JsonObject **answer)
{
  g_autofree char *endpoint = url (fixture, "/v1/Flex/OAuth/Tokens");
  g_autoptr (SoupMessage) message = soup_message_new ("POST", endpoint);
  g_autoptr (GBytes) body = g_bytes_new (json, strlen (json));
  g_autofree char *text = NULL;
  guint status;

  soup_message_set_request_body_from_bytes (message, "application/json", body);
  status = send (fixture, message, &text);
  if (answer != NULL)
    *answer = text != NULL ? json_object_of (text) : NULL;
  return status;
}

static char *
exchange_json (Fixture *fixture, const char *code, const char *verifier, const char *nonce)
{
  return g_strdup_printf ("{\"grant_type\":\"AuthorizationCode\",\"code\":\"%s\","
                          "\"code_verifier\":\"%s\",\"nonce\":\"%s\","
                          "\"sso_profile_sid\":\"%s\",\"app_type\":\"SinglePageApp\"}",
                          code, verifier, nonce,
                          flex_emulator_get_sso_profile_sid (fixture->emulator));
}

static char *
refresh_json (Fixture *fixture, const char *refresh)
{
  return g_strdup_printf ("{\"grant_type\":\"RefreshToken\",\"refresh_token\":\"%s\","
                          "\"sso_profile_sid\":\"%s\"}",
                          refresh, flex_emulator_get_sso_profile_sid (fixture->emulator));
}

static void
fixture_setup (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  fixture->emulator = flex_emulator_new ();
  g_assert_true (flex_emulator_listen (fixture->emulator, 0, &error));
  fixture->worker = flex_emulator_add_demo_data (fixture->emulator, &error);
  g_assert_no_error (error);
  fixture->session = soup_session_new ();
}

static void
fixture_teardown (Fixture *fixture, gconstpointer data)
{
  g_clear_object (&fixture->session);
  g_clear_object (&fixture->emulator);
  g_free (fixture->worker);
  flex_test_spin (20);
}

static void
test_config (Fixture *fixture, gconstpointer data)
{
  g_autofree char *query = g_strdup_printf ("/v1/Flex/Authentication/Config?AccountSid=%s"
                                            "&AppType=SinglePageApp",
                                            flex_emulator_get_account_sid (fixture->emulator));
  g_autofree char *endpoint = url (fixture, query);
  g_autoptr (SoupMessage) message = soup_message_new ("GET", endpoint);
  g_autofree char *text = NULL;
  g_autoptr (JsonObject) answer = NULL;
  JsonObject *entry;

  g_assert_cmpuint (send (fixture, message, &text), ==, 200);
  answer = json_object_of (text);
  entry = json_array_get_object_element (json_object_get_array_member (answer, "config_list"), 0);
  g_assert_cmpstr (json_object_get_string_member (entry, "connection_name"), ==,
                   flex_emulator_get_sso_profile_sid (fixture->emulator));
  g_assert_true (json_object_get_boolean_member (entry, "active"));
}

/* The whole sign-in, then who it is, then a refresh that rotates. */
static void
test_sign_in_and_refresh (Fixture *fixture, gconstpointer data)
{
  const char *verifier = "v3r1f13r-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEF";
  g_autofree char *code = authorize (fixture, verifier, "n-1", "http://127.0.0.1:4321/");
  g_autofree char *exchange = exchange_json (fixture, code, verifier, "n-1");
  g_autoptr (JsonObject) answer = NULL;
  g_autoptr (JsonObject) refreshed = NULL;
  g_autoptr (JsonObject) again = NULL;
  g_autofree char *refresh = NULL;
  g_autofree char *info_text = NULL;
  g_autofree char *refresh_body = NULL;

  g_assert_nonnull (code);
  g_assert_cmpuint (tokens (fixture, exchange, &answer), ==, 200);
  g_assert_cmpstr (json_object_get_string_member (
                       json_object_get_object_member (answer, "token_info"), "flex_user_sid"),
                   ==, fixture->worker);
  /* Tokens/Info: the Flex token names its worker. */
  {
    g_autofree char *path = g_strdup_printf ("/v1/Accounts/%s/Tokens/Info",
                                             flex_emulator_get_account_sid (fixture->emulator));
    g_autofree char *endpoint = url (fixture, path);
    g_autoptr (SoupMessage) message = soup_message_new ("POST", endpoint);
    g_autofree char *escaped =
        g_uri_escape_string (json_object_get_string_member (answer, "access_token"), NULL, FALSE);
    g_autofree char *form = g_strdup_printf ("Token=%s", escaped);
    g_autoptr (GBytes) body = g_bytes_new (form, strlen (form));
    g_autoptr (JsonObject) info = NULL;

    soup_message_set_request_body_from_bytes (message, "application/x-www-form-urlencoded", body);
    g_assert_cmpuint (send (fixture, message, &info_text), ==, 200);
    info = json_object_of (info_text);
    g_assert_cmpstr (json_object_get_string_member (info, "worker_sid"), ==, fixture->worker);
  }
  /* The code was spent. */
  g_assert_cmpuint (tokens (fixture, exchange, NULL), ==, 401);

  /* A refresh gives a new refresh token; the old one is spent. */
  refresh = g_strdup (json_object_get_string_member (answer, "refresh_token"));
  refresh_body = refresh_json (fixture, refresh);
  g_assert_cmpuint (tokens (fixture, refresh_body, &refreshed), ==, 200);
  g_assert_cmpstr (json_object_get_string_member (refreshed, "refresh_token"), !=, refresh);
  g_assert_cmpstr (json_object_get_string_member (refreshed, "access_token"), !=,
                   json_object_get_string_member (answer, "access_token"));
  g_assert_cmpuint (tokens (fixture, refresh_body, &again), ==, 401);
  g_assert_cmpint (json_object_get_int_member (again, "code"), ==, 20003);
}

/* PKCE and the nonce are checked; a failed try spends the code. */
static void
test_pkce_and_nonce_checked (Fixture *fixture, gconstpointer data)
{
  const char *verifier = "the-right-verifier-0123456789-0123456789-abcdef";
  g_autofree char *code = authorize (fixture, verifier, "n-2", "http://localhost:5555/cb");
  g_autofree char *wrong_verifier = exchange_json (fixture, code, "another-verifier", "n-2");
  g_autofree char *right = exchange_json (fixture, code, verifier, "n-2");
  g_autofree char *code2 = authorize (fixture, verifier, "n-3", "http://localhost:5555/cb");
  g_autofree char *wrong_nonce = exchange_json (fixture, code2, verifier, "n-other");

  g_assert_cmpuint (tokens (fixture, wrong_verifier, NULL), ==, 401);
  g_assert_cmpuint (tokens (fixture, right, NULL), ==, 401);
  g_assert_cmpuint (tokens (fixture, wrong_nonce, NULL), ==, 401);
}

/* Only a loopback redirect: the code never goes elsewhere. */
static void
test_redirect_loopback_only (Fixture *fixture, gconstpointer data)
{
  g_assert_null (authorize (fixture, "verifier-verifier-verifier-verifier-verifier", "n",
                            "https://evil.example/"));
  g_assert_null (authorize (fixture, "verifier-verifier-verifier-verifier-verifier", "n",
                            "http://192.168.1.9/"));
}

/* The session's maximum lifetime: then a refresh is refused with 20104. */
static void
test_session_maximum (Fixture *fixture, gconstpointer data)
{
  const char *verifier = "session-maximum-verifier-0123456789-abcdefghij";
  g_autofree char *code = NULL;
  g_autofree char *exchange = NULL;
  g_autofree char *refresh_body = NULL;
  g_autoptr (JsonObject) answer = NULL;
  g_autoptr (JsonObject) refused = NULL;

  flex_emulator_set_flex_token_lifetimes (fixture->emulator, 2, 5);
  code = authorize (fixture, verifier, "n-4", "http://127.0.0.1:4321/");
  exchange = exchange_json (fixture, code, verifier, "n-4");
  g_assert_cmpuint (tokens (fixture, exchange, &answer), ==, 200);
  refresh_body = refresh_json (fixture, json_object_get_string_member (answer, "refresh_token"));
  flex_emulator_advance_clock (fixture->emulator, 6);
  g_assert_cmpuint (tokens (fixture, refresh_body, &refused), ==, 401);
  g_assert_cmpint (json_object_get_int_member (refused, "code"), ==, 20104);
}

/* The app's side (flex-sso.c) with a stand-in browser: the profile, the
 * Authorize URL with PKCE, the loopback listener catching the code (a
 * wrong state does not count), the exchange and a refresh. */
static void
on_code (GObject *object, GAsyncResult *result, gpointer user_data)
{
  GError *error = NULL;
  char *code = flex_sso_loopback_wait_finish (FLEX_SSO_LOOPBACK (object), result, &error);

  ((gpointer *) user_data)[0] = code != NULL ? (gpointer) code : (gpointer) error;
  ((gpointer *) user_data)[1] = GINT_TO_POINTER (code != NULL);
}

/* The browser: the page, its form, then wherever the redirect says. */
static guint
browse (Fixture *fixture, const char *authorize_url, char **page)
{
  g_autoptr (SoupMessage) get = soup_message_new ("GET", authorize_url);
  g_autoptr (SoupMessage) submit = soup_message_new ("POST", authorize_url);
  g_autofree char *form = g_strdup_printf ("user=%s", fixture->worker);
  g_autoptr (GBytes) body = g_bytes_new (form, strlen (form));
  g_autoptr (SoupMessage) back = NULL;

  g_assert_cmpuint (send (fixture, get, NULL), ==, 200);
  soup_message_set_request_body_from_bytes (submit, "application/x-www-form-urlencoded", body);
  g_assert_cmpuint (send (fixture, submit, NULL), ==, 302);
  back = soup_message_new (
      "GET", soup_message_headers_get_one (soup_message_get_response_headers (submit), "Location"));
  return send (fixture, back, page);
}

static void
on_profile (GObject *object, GAsyncResult *result, gpointer user_data)
{
  GError *error = NULL;

  *(char **) user_data = flex_sso_fetch_profile_finish (result, &error);
  g_assert_no_error (error);
}

static void
on_tokens (GObject *object, GAsyncResult *result, gpointer user_data)
{
  GError *error = NULL;

  *(FlexSsoTokens **) user_data = flex_sso_tokens_finish (result, &error);
  g_assert_no_error (error);
}

static void
test_app_sign_in (Fixture *fixture, gconstpointer data)
{
  const char *base = flex_emulator_get_base_url (fixture->emulator);
  g_autoptr (GError) error = NULL;
  g_autoptr (FlexSsoPkce) pkce = flex_sso_pkce_new ();
  g_autoptr (FlexSsoLoopback) loopback = flex_sso_loopback_new (0, &error);
  g_autofree char *profile = NULL;
  g_autofree char *authorize_url = NULL;
  g_autofree char *forged_url = NULL;
  g_autofree char *page = NULL;
  g_autoptr (FlexSsoTokens) signed_in = NULL;
  g_autoptr (FlexSsoTokens) refreshed = NULL;
  gpointer waited[2] = { NULL, NULL };

  g_assert_no_error (error);
  g_assert_true (
      g_str_has_prefix (flex_sso_loopback_get_redirect_url (loopback), "http://localhost:"));
  flex_sso_fetch_profile_async (base, flex_emulator_get_account_sid (fixture->emulator), NULL,
                                on_profile, &profile);
  FLEX_TEST_WAIT_FOR (profile != NULL, 10000);
  g_assert_cmpstr (profile, ==, flex_emulator_get_sso_profile_sid (fixture->emulator));

  flex_sso_loopback_wait_async (loopback, pkce->state, 30, NULL, on_code, waited);
  /* A link with another state (a forged one): refused, the wait goes on. */
  forged_url =
      g_strdup_printf ("%s?code=forged&state=other", flex_sso_loopback_get_redirect_url (loopback));
  {
    g_autoptr (SoupMessage) forged = soup_message_new ("GET", forged_url);

    g_assert_cmpuint (send (fixture, forged, NULL), ==, 400);
  }
  g_assert_null (waited[0]);

  authorize_url =
      flex_sso_authorize_url (base, flex_sso_loopback_get_redirect_url (loopback), profile, pkce);
  g_assert_cmpuint (browse (fixture, authorize_url, &page), ==, 200);
  g_assert_nonnull (strstr (page, "You can close this tab"));
  FLEX_TEST_WAIT_FOR (waited[0] != NULL, 10000);
  g_assert_true (GPOINTER_TO_INT (waited[1]));

  flex_sso_exchange_code_async (base, profile, waited[0], pkce, NULL, on_tokens, &signed_in);
  FLEX_TEST_WAIT_FOR (signed_in != NULL, 10000);
  g_assert_cmpstr (signed_in->flex_user_sid, ==, fixture->worker);
  g_assert_nonnull (signed_in->identity);
  g_assert_cmpint (signed_in->expires_at_us, >, g_get_real_time ());
  g_free (waited[0]);

  flex_sso_refresh_async (base, profile, signed_in->refresh_token, NULL, on_tokens, &refreshed);
  FLEX_TEST_WAIT_FOR (refreshed != NULL, 10000);
  g_assert_cmpstr (refreshed->refresh_token, !=, signed_in->refresh_token);
}

static void
on_failed_code (GObject *object, GAsyncResult *result, gpointer user_data)
{
  GError *error = NULL;

  g_assert_null (flex_sso_loopback_wait_finish (FLEX_SSO_LOOPBACK (object), result, &error));
  *(GError **) user_data = error;
}

/* ?error= is said; a closed browser times out; a port in use is an error. */
static void
test_loopback_failures (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FlexSsoLoopback) loopback = flex_sso_loopback_new (0, &error);
  g_autoptr (GError) refused = NULL;
  g_autoptr (GError) timed_out = NULL;
  g_autofree char *error_url = NULL;

  g_assert_no_error (error);
  flex_sso_loopback_wait_async (loopback, "s", 30, NULL, on_failed_code, &refused);
  error_url = g_strdup_printf ("%s?error=access_denied&state=s",
                               flex_sso_loopback_get_redirect_url (loopback));
  {
    g_autoptr (SoupMessage) message = soup_message_new ("GET", error_url);

    g_assert_cmpuint (send (fixture, message, NULL), ==, 200);
  }
  FLEX_TEST_WAIT_FOR (refused != NULL, 5000);
  g_assert_nonnull (strstr (refused->message, "access_denied"));

  flex_sso_loopback_wait_async (loopback, "s", 1, NULL, on_failed_code, &timed_out);
  FLEX_TEST_WAIT_FOR (timed_out != NULL, 5000);
  g_assert_error (timed_out, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_TIMEOUT);

  /* The same port again: taken. */
  {
    g_autoptr (GUri) uri =
        g_uri_parse (flex_sso_loopback_get_redirect_url (loopback), G_URI_FLAGS_NONE, NULL);
    g_autoptr (GError) taken = NULL;
    g_autoptr (FlexSsoLoopback) second =
        flex_sso_loopback_new ((guint) g_uri_get_port (uri), &taken);

    g_assert_null (second);
    g_assert_nonnull (taken);
  }
}

/* A token source that gives one token: the Flex token of a sign-in. */
#define TEST_TYPE_FIXED_TOKENS (test_fixed_tokens_get_type ())
G_DECLARE_FINAL_TYPE (TestFixedTokens, test_fixed_tokens, TEST, FIXED_TOKENS, GObject)

struct _TestFixedTokens
{
  GObject parent_instance;
  char *token;
};

static void test_fixed_tokens_iface_init (FlexTokenSourceInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TestFixedTokens,
                               test_fixed_tokens,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (FLEX_TYPE_TOKEN_SOURCE,
                                                      test_fixed_tokens_iface_init))

static void
fixed_get_token_async (FlexTokenSource *source,
                       GCancellable *cancellable,
                       GAsyncReadyCallback callback,
                       gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (source, cancellable, callback, user_data);

  g_task_return_pointer (task, g_strdup (TEST_FIXED_TOKENS (source)->token), g_free);
}

static char *
fixed_get_token_finish (FlexTokenSource *source,
                        GAsyncResult *result,
                        gint64 *expires_at_us,
                        GError **error)
{
  if (expires_at_us != NULL)
    *expires_at_us = g_get_real_time () + (gint64) 3600 * G_USEC_PER_SEC;
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
test_fixed_tokens_iface_init (FlexTokenSourceInterface *iface)
{
  iface->get_token_async = fixed_get_token_async;
  iface->get_token_finish = fixed_get_token_finish;
}

static void
test_fixed_tokens_finalize (GObject *object)
{
  g_free (TEST_FIXED_TOKENS (object)->token);
  G_OBJECT_CLASS (test_fixed_tokens_parent_class)->finalize (object);
}

static void
test_fixed_tokens_class_init (TestFixedTokensClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_fixed_tokens_finalize;
}

static void
test_fixed_tokens_init (TestFixedTokens *self)
{
}

/* What a Flex token opens: the Flex configuration (token: Basic), Twilsock
 * (the default Sync service) — and not the REST of Sync or TaskRouter. */
static void
test_flex_token_opens (Fixture *fixture, gconstpointer data)
{
  const char *verifier = "what-a-flex-token-opens-0123456789-abcdefghij";
  g_autofree char *code = authorize (fixture, verifier, "n-5", "http://127.0.0.1:4321/");
  g_autofree char *exchange = exchange_json (fixture, code, verifier, "n-5");
  g_autoptr (JsonObject) answer = NULL;
  const char *token;
  g_autofree char *basic = NULL;
  g_autofree char *pair = NULL;
  g_autofree char *encoded = NULL;

  g_assert_cmpuint (tokens (fixture, exchange, &answer), ==, 200);
  token = json_object_get_string_member (answer, "access_token");
  pair = g_strconcat ("token:", token, NULL);
  encoded = g_base64_encode ((const guchar *) pair, strlen (pair));
  basic = g_strconcat ("Basic ", encoded, NULL);
  {
    g_autofree char *config_url = url (fixture, "/v1/Configuration");
    g_autofree char *map_url = url (fixture, "/v1/Services/default/Maps");
    g_autoptr (SoupMessage) config = soup_message_new ("GET", config_url);
    g_autoptr (SoupMessage) maps = soup_message_new ("GET", map_url);

    soup_message_headers_replace (soup_message_get_request_headers (config), "Authorization",
                                  basic);
    soup_message_headers_replace (soup_message_get_request_headers (maps), "Authorization", basic);
    g_assert_cmpuint (send (fixture, config, NULL), ==, 200);
    g_assert_cmpuint (send (fixture, maps, NULL), ==, 401);
  }
  {
    TestFixedTokens *source = g_object_new (TEST_TYPE_FIXED_TOKENS, NULL);
    g_autoptr (FlexTokenSource) tokens_source = FLEX_TOKEN_SOURCE (source);
    g_autofree char *socket_url = g_strdup_printf ("ws://127.0.0.1:%u/v3/wsconnect",
                                                   flex_emulator_get_port (fixture->emulator));
    g_autoptr (FlexTwilsock) socket = NULL;

    source->token = g_strdup (token);
    socket = flex_twilsock_new (socket_url, tokens_source);
    flex_twilsock_start (socket);
    FLEX_TEST_WAIT_FOR (flex_twilsock_get_state (socket) == FLEX_TWILSOCK_STATE_CONNECTED, 10000);
    flex_twilsock_stop (socket);
  }
}

/* A sign-in kept alive: refreshed before it expires (each refresh a new
 * refresh token, said at once), Twilsock stays up across refreshes, and
 * the session's maximum lifetime ends it ("expired"; 20104). */
static void
on_changed (FlexSsoSession *session, guint *count)
{
  (*count)++;
}

static void
on_expired (FlexSsoSession *session, GError *error, int *code)
{
  *code = flex_twilio_error_get_twilio_code (error);
}

static void
on_token (GObject *object, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
test_session_refresh_and_expiry (Fixture *fixture, gconstpointer data)
{
  const char *base = flex_emulator_get_base_url (fixture->emulator);
  const char *verifier = "session-refresh-verifier-0123456789-abcdefghij";
  g_autofree char *code = NULL;
  g_autofree char *exchange = NULL;
  g_autoptr (JsonObject) answer = NULL;
  g_autoptr (FlexSsoPkce) pkce = NULL;
  FlexSsoTokens *kept;
  g_autoptr (FlexSsoSession) session = NULL;
  g_autoptr (FlexTwilsock) socket = NULL;
  g_autofree char *socket_url = g_strdup_printf ("ws://127.0.0.1:%u/v3/wsconnect",
                                                 flex_emulator_get_port (fixture->emulator));
  g_autofree char *first_refresh = NULL;
  guint changes = 0;
  int expired_code = 0;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  flex_emulator_set_flex_token_lifetimes (fixture->emulator, 3, 6);
  code = authorize (fixture, verifier, "n-6", "http://127.0.0.1:4321/");
  exchange = exchange_json (fixture, code, verifier, "n-6");
  g_assert_cmpuint (tokens (fixture, exchange, &answer), ==, 200);
  kept = g_new0 (FlexSsoTokens, 1);
  kept->access_token = g_strdup (json_object_get_string_member (answer, "access_token"));
  kept->refresh_token = g_strdup (json_object_get_string_member (answer, "refresh_token"));
  kept->expires_at_us = g_get_real_time () + 3 * G_USEC_PER_SEC;
  first_refresh = g_strdup (kept->refresh_token);
  session =
      flex_sso_session_new (base, flex_emulator_get_sso_profile_sid (fixture->emulator), kept);
  g_signal_connect (session, "tokens-changed", G_CALLBACK (on_changed), &changes);
  g_signal_connect (session, "expired", G_CALLBACK (on_expired), &expired_code);
  flex_sso_session_set_timing (session, 1, 0);

  socket = flex_twilsock_new (socket_url, FLEX_TOKEN_SOURCE (session));
  flex_twilsock_start (socket);
  FLEX_TEST_WAIT_FOR (flex_twilsock_get_state (socket) == FLEX_TWILSOCK_STATE_CONNECTED, 10000);

  /* Refreshed before expiry, the refresh token rotated; the socket up. */
  FLEX_TEST_WAIT_FOR (changes >= 1, 10000);
  g_assert_cmpstr (flex_sso_session_get_tokens (session)->refresh_token, !=, first_refresh);
  g_assert_cmpint (flex_twilsock_get_state (socket), ==, FLEX_TWILSOCK_STATE_CONNECTED);
  g_assert_cmpint (expired_code, ==, 0);

  /* Past the session's maximum: asked for a token, the session ends. */
  flex_test_spin (7000);
  flex_token_source_get_token_async (FLEX_TOKEN_SOURCE (session), NULL, on_token, &result);
  FLEX_TEST_WAIT_FOR (result != NULL, 10000);
  g_assert_null (
      flex_token_source_get_token_finish (FLEX_TOKEN_SOURCE (session), result, NULL, &error));
  g_assert_nonnull (error);
  g_assert_cmpint (expired_code, ==, 20104);
  g_assert_true (flex_sso_session_get_ended (session));
  flex_twilsock_stop (socket);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/flex-auth/config", test_config);
  ADD ("/flex-auth/sign-in-and-refresh", test_sign_in_and_refresh);
  ADD ("/flex-auth/pkce-and-nonce-checked", test_pkce_and_nonce_checked);
  ADD ("/flex-auth/redirect-loopback-only", test_redirect_loopback_only);
  ADD ("/flex-auth/session-maximum", test_session_maximum);
  ADD ("/flex-auth/app-sign-in", test_app_sign_in);
  ADD ("/flex-auth/loopback-failures", test_loopback_failures);
  ADD ("/flex-auth/flex-token-opens", test_flex_token_opens);
  ADD ("/flex-auth/session-refresh-and-expiry", test_session_refresh_and_expiry);
#undef ADD

  return g_test_run ();
}
