/* test-interop.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Twilio's official Sync client, twilio-sync@4.0.1 (what the Flex "contacts"
 * plugin runs), against the emulator, side by side with the app's own
 * directories fed by push: it opens the plugin's maps and reads them, writes
 * items the app then shows, and receives as events the writes the app and
 * REST v1 make. The Node side is tests/interop/sync-interop.js; its packages
 * are pinned by tests/interop/package-lock.json and installed with `npm ci`
 * into the build tree the first time.
 */

#include "config.h"

#include <string.h>

#include "flex-directory.h"
#include "flex-emulator.h"
#include "flex-map-feed.h"
#include "flex-sync-stream.h"
#include "flex-test-util.h"
#include "flex-token-source.h"
#include "flex-twilsock.h"

#define KEY_SID    "SK0123456789abcdef0123456789abcdef"
#define KEY_SECRET "interop-secret"
#define ACCOUNT    "AC0123456789abcdef0123456789abcdef"
#define WORKER     "WK00000000000000000000000000000001"
#define PERSONAL   "Contacts_" WORKER
#define SHARED     "Contacts_" ACCOUNT

typedef struct
{
  GSubprocess *node;
  GDataInputStream *output;
  GOutputStream *input;
  GQueue lines; /* JsonNode, what node said and nobody took yet */
  gboolean ended;
} Node;

static void read_next (Node *node);

static void
on_line (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Node *node = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *line = NULL;

  line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (object), result, NULL,
                                                    &error);
  if (line == NULL)
    {
      node->ended = TRUE;
      return;
    }
  g_test_message ("node: %s", line);
  if (line[0] == '{')
    {
      JsonNode *parsed = json_from_string (line, NULL);

      if (parsed != NULL)
        g_queue_push_tail (&node->lines, parsed);
    }
  read_next (node);
}

static void
read_next (Node *node)
{
  g_data_input_stream_read_line_async (node->output, G_PRIORITY_DEFAULT, NULL, on_line, node);
}

/* Waits for node's next line with this event (and key, if given). */
static JsonObject *
expect (Node *node, const char *event, const char *key)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  for (;;)
    {
      for (GList *l = node->lines.head; l != NULL; l = l->next)
        {
          JsonObject *object = json_node_get_object (l->data);
          const char *said = json_object_get_string_member_with_default (object, "event", "");

          if (g_str_equal (said, "error"))
            g_error ("The official client failed: %s",
                     json_object_get_string_member_with_default (object, "message", "?"));
          if (g_str_equal (said, event) &&
              (key == NULL ||
               g_strcmp0 (json_object_get_string_member_with_default (object, "key", NULL), key) ==
                   0))
            {
              JsonObject *found = json_object_ref (object);

              json_node_unref (l->data);
              g_queue_delete_link (&node->lines, l);
              return found;
            }
        }
      if (node->ended)
        g_error ("The official client ended before saying %s", event);
      if (g_get_monotonic_time () > deadline)
        g_error ("The official client did not say %s in 30 s", event);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (500);
    }
}

static void
command (Node *node, const char *json)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *line = g_strconcat (json, "\n", NULL);

  g_output_stream_write_all (node->input, line, strlen (line), NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_flush (node->input, NULL, &error);
  g_assert_no_error (error);
}

/* `npm ci` into the build tree, once: the packages of the lock file. */
static char *
install_packages (void)
{
  const char *source = g_getenv ("FLEX_INTEROP_SOURCE");
  const char *build = g_getenv ("FLEX_INTEROP_BUILD");
  g_autofree char *modules = NULL;
  g_autofree char *marker = NULL;
  g_autoptr (GError) error = NULL;
  int status = 0;

  g_assert_nonnull (source);
  g_assert_nonnull (build);
  modules = g_build_filename (build, "node_modules", NULL);
  marker = g_build_filename (build, "node_modules", ".package-lock.json", NULL);
  if (!g_file_test (marker, G_FILE_TEST_EXISTS))
    {
      const char *files[] = { "package.json", "package-lock.json" };
      g_autofree char *stdout_text = NULL;
      g_autofree char *stderr_text = NULL;
      g_autofree char *cmd = NULL;

      g_mkdir_with_parents (build, 0755);
      for (guint i = 0; i < G_N_ELEMENTS (files); i++)
        {
          g_autofree char *from = g_build_filename (source, files[i], NULL);
          g_autofree char *to = g_build_filename (build, files[i], NULL);
          g_autofree char *contents = NULL;
          gsize length;

          g_file_get_contents (from, &contents, &length, &error);
          g_assert_no_error (error);
          g_file_set_contents (to, contents, length, &error);
          g_assert_no_error (error);
        }
      cmd = g_strdup_printf ("npm ci --no-audit --no-fund --prefix '%s'", build);
      g_test_message ("%s", cmd);
      g_spawn_command_line_sync (cmd, &stdout_text, &stderr_text, &status, &error);
      g_assert_no_error (error);
      if (!g_spawn_check_wait_status (status, NULL))
        g_error ("npm ci failed (the npm registry must be reachable once): %s", stderr_text);
    }
  return g_steal_pointer (&modules);
}

static Node *
start_node (FlexEmulator *emulator, const char *script_name, const char *maps, gboolean sign_in)
{
  const char *source = g_getenv ("FLEX_INTEROP_SOURCE");
  g_autofree char *modules = install_packages ();
  g_autofree char *script = g_build_filename (source, script_name, NULL);
  g_autofree char *port = g_strdup_printf ("%u", flex_emulator_get_port (emulator));
  g_autoptr (GSubprocessLauncher) launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr (GError) error = NULL;
  Node *node = g_new0 (Node, 1);

  g_subprocess_launcher_setenv (launcher, "NODE_PATH", modules, TRUE);
  g_subprocess_launcher_setenv (launcher, "FLEX_PORT", port, TRUE);
  g_subprocess_launcher_setenv (launcher, "FLEX_ACCOUNT_SID", ACCOUNT, TRUE);
  g_subprocess_launcher_setenv (launcher, "FLEX_KEY_SID", KEY_SID, TRUE);
  g_subprocess_launcher_setenv (launcher, "FLEX_KEY_SECRET", KEY_SECRET, TRUE);
  if (maps != NULL)
    g_subprocess_launcher_setenv (launcher, "FLEX_MAPS", maps, TRUE);
  if (sign_in)
    g_subprocess_launcher_setenv (launcher, "FLEX_SIGN_IN", "1", TRUE);
  node->node = g_subprocess_launcher_spawn (launcher, &error, "node", script, NULL);
  g_assert_no_error (error);
  node->output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (node->node));
  node->input = g_subprocess_get_stdin_pipe (node->node);
  g_queue_init (&node->lines);
  read_next (node);
  return node;
}

static void
stop_node (Node *node, gboolean quit)
{
  g_autoptr (GError) error = NULL;

  if (quit)
    command (node, "{\"cmd\":\"quit\"}");
  FLEX_TEST_WAIT_FOR (node->ended, 10000);
  g_subprocess_wait (node->node, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (node->node));
  g_queue_clear_full (&node->lines, (GDestroyNotify) json_node_unref);
  g_object_unref (node->output);
  g_object_unref (node->node);
  g_free (node);
}

/* The app side: two directories fed by push. */

static void
put (FlexEmulator *emulator, const char *map, const char *key, const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *json = g_strdup_printf (
      "{\"key\":\"%s\",\"name\":\"%s\",\"phoneNumber\":\"+13125550100\",\"notes\":\"\"}", key,
      name);

  flex_emulator_put_item (emulator, map, key, json, 0, &error);
  g_assert_no_error (error);
}

static FlexContact *
lookup (FlexDirectory *directory, const char *key)
{
  return flex_directory_lookup (directory, key);
}

static const char *
data_name (JsonObject *said)
{
  JsonObject *data = json_object_get_object_member (said, "data");

  return json_object_get_string_member_with_default (data, "name", NULL);
}

static void
on_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* @data: non-NULL: the official client signs in as an agent with Flex
 * (its Flex token, opaque) instead of a JWT minted with the key. */
static void
test_interop_official_client (gconstpointer test_data)
{
  gboolean sign_in = test_data != NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (FlexEmulator) emulator = flex_emulator_new ();
  g_autoptr (FlexTwilioClient) client = NULL;
  g_autoptr (FlexTokenSource) tokens = NULL;
  g_autoptr (FlexTwilsock) socket = NULL;
  g_autoptr (FlexSyncStream) stream = NULL;
  g_autoptr (FlexSyncMap) personal_map = NULL;
  g_autoptr (FlexSyncMap) shared_map = NULL;
  g_autoptr (FlexDirectory) personal = NULL;
  g_autoptr (FlexDirectory) shared = NULL;
  g_autoptr (FlexMapFeed) personal_feed = NULL;
  g_autoptr (FlexMapFeed) shared_feed = NULL;
  g_autoptr (FlexContact) contact = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (JsonObject) opened = NULL;
  g_autoptr (JsonObject) said = NULL;
  g_autoptr (JsonNode) data = NULL;
  g_autofree char *url = NULL;
  JsonArray *items;
  Node *node;

  flex_emulator_listen (emulator, 0, &error);
  g_assert_no_error (error);
  flex_emulator_set_auth (emulator, KEY_SID, KEY_SECRET);
  flex_emulator_set_account_sid (emulator, ACCOUNT);
  put (emulator, PERSONAL, "k-amy", "Amy Agent");
  put (emulator, SHARED, "k-line", "Support Line");
  if (sign_in)
    {
      /* The agent who signs in on the emulator's Authorize page. */
      g_autofree char *worker = flex_emulator_add_worker (
          emulator, "Interop Agent", "{\"email\":\"interop@example.com\"}", TRUE);

      g_assert_nonnull (worker);
    }

  client = flex_twilio_client_new (KEY_SID, KEY_SECRET);
  flex_twilio_client_set_base_url (client, FLEX_TWILIO_API_SYNC,
                                   flex_emulator_get_base_url (emulator), &error);
  g_assert_no_error (error);
  tokens = flex_api_key_token_source_new (ACCOUNT, KEY_SID, KEY_SECRET, "agent@example.com",
                                          "default", &error);
  g_assert_no_error (error);
  url = g_strdup_printf ("ws://127.0.0.1:%u/v3/wsconnect", flex_emulator_get_port (emulator));
  socket = flex_twilsock_new (url, tokens);
  stream = flex_sync_stream_new (socket, NULL);
  personal_map = flex_sync_map_new (client, "default", PERSONAL);
  shared_map = flex_sync_map_new (client, "default", SHARED);
  personal = flex_directory_new (personal_map, FLEX_DIRECTORY_KIND_PERSONAL);
  shared = flex_directory_new (shared_map, FLEX_DIRECTORY_KIND_SHARED);
  flex_directory_set_editable (personal, TRUE);
  flex_directory_set_editable (shared, TRUE);
  personal_feed = flex_map_feed_new (personal, stream);
  shared_feed = flex_map_feed_new (shared, stream);
  flex_directory_refresh (personal);
  flex_directory_refresh (shared);
  flex_twilsock_start (socket);
  FLEX_TEST_WAIT_FOR (flex_directory_get_live (personal) && flex_directory_get_live (shared),
                      10000);

  /* The official client opens the plugin's maps and reads what is there. */
  node = start_node (emulator, "sync-interop.js", PERSONAL "," SHARED, sign_in);
  if (sign_in)
    {
      g_autoptr (JsonObject) signed_in = expect (node, "signedIn", NULL);

      g_assert_true (json_object_get_boolean_member (signed_in, "opaque"));
    }
  opened = expect (node, "opened", NULL);
  g_assert_cmpstr (json_object_get_string_member (opened, "map"), ==, PERSONAL);
  items = json_object_get_array_member (opened, "items");
  g_assert_cmpuint (json_array_get_length (items), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (items, 0), "key"),
                   ==, "k-amy");
  g_clear_pointer (&opened, json_object_unref);
  opened = expect (node, "opened", NULL);
  g_assert_cmpstr (json_object_get_string_member (opened, "map"), ==, SHARED);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (opened, "items")), ==, 1);

  /* It writes (as the Flex plugin would): the app shows it. */
  command (node, "{\"cmd\":\"set\",\"map\":\"" PERSONAL "\",\"key\":\"k-flex\",\"data\":{\"key\":"
                 "\"k-flex\",\"name\":\"Written in Flex\",\"phoneNumber\":\"+13125550111\"}}");
  g_clear_pointer (&said, json_object_unref);
  said = expect (node, "done", "k-flex");
  FLEX_TEST_WAIT_FOR (lookup (personal, "k-flex") != NULL, 5000);
  g_assert_cmpstr (flex_contact_get_name (lookup (personal, "k-flex")), ==, "Written in Flex");

  /* The app writes: the official client gets it as an event. */
  contact = flex_contact_new (NULL, "Written in the app", "+13125550122", NULL);
  flex_directory_add_contact_async (personal, contact, NULL, on_done, &result);
  FLEX_TEST_WAIT_FOR (result != NULL, 5000);
  g_clear_object (&contact);
  contact = flex_directory_write_finish (personal, result, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&said, json_object_unref);
  said = expect (node, "itemAdded", flex_contact_get_key (contact));
  g_assert_cmpstr (data_name (said), ==, "Written in the app");
  g_assert_false (json_object_get_boolean_member (said, "isLocal"));

  /* A REST v1 write (another back end): an event too. */
  g_clear_object (&result);
  data = json_from_string (
      "{\"key\":\"k-line\",\"name\":\"Support Line (24 h)\",\"phoneNumber\":\"+13125550100\","
      "\"allowColdTransfer\":true,\"allowWarmTransfer\":true}",
      NULL);
  flex_sync_map_update_item_async (shared_map, "k-line", data, "0", NULL, on_done, &result);
  FLEX_TEST_WAIT_FOR (result != NULL, 5000);
  {
    g_autoptr (FlexSyncItem) item = flex_sync_map_item_finish (shared_map, result, &error);

    g_assert_no_error (error);
  }
  g_clear_pointer (&said, json_object_unref);
  said = expect (node, "itemUpdated", "k-line");
  g_assert_cmpstr (data_name (said), ==, "Support Line (24 h)");
  FLEX_TEST_WAIT_FOR (
      g_strcmp0 (flex_contact_get_name (lookup (shared, "k-line")), "Support Line (24 h)") == 0,
      5000);

  /* It removes an item: gone from the app. */
  command (node, "{\"cmd\":\"remove\",\"map\":\"" PERSONAL "\",\"key\":\"k-amy\"}");
  g_clear_pointer (&said, json_object_unref);
  said = expect (node, "done", "k-amy");
  FLEX_TEST_WAIT_FOR (lookup (personal, "k-amy") == NULL, 5000);

  stop_node (node, TRUE);
  flex_twilsock_stop (socket);
}

/* Twilio's REST SDK (twilio@5, keep-alive) against the emulator's REST v1:
 * the answers it reads are Twilio's, the errors carry Twilio's codes. */
static void
test_interop_rest_sdk (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FlexEmulator) emulator = flex_emulator_new ();
  const char *checks[] = { "map account_sid",
                           "item account_sid",
                           "update with If-Match",
                           "stale If-Match is 412 / 54205",
                           "request after a delete (keep-alive)",
                           "paging through 120 items",
                           "a 257-character key is 400 / 54209",
                           "a 256-character key is fine",
                           "a SID-shaped unique name is 400 / 54302",
                           "a removed map is 404 / 54200" };
  Node *node;

  flex_emulator_listen (emulator, 0, &error);
  g_assert_no_error (error);
  flex_emulator_set_auth (emulator, KEY_SID, KEY_SECRET);
  flex_emulator_set_account_sid (emulator, ACCOUNT);

  node = start_node (emulator, "rest-interop.js", NULL, FALSE);
  for (guint i = 0; i < G_N_ELEMENTS (checks); i++)
    {
      g_autoptr (JsonObject) said = NULL;
      gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

      /* Lines come in order: the next one must be this check. */
      while (g_queue_is_empty (&node->lines) && !node->ended && g_get_monotonic_time () < deadline)
        {
          g_main_context_iteration (NULL, FALSE);
          g_usleep (500);
        }
      g_assert_false (g_queue_is_empty (&node->lines));
      said = json_object_ref (json_node_get_object (g_queue_peek_head (&node->lines)));
      json_node_unref (g_queue_pop_head (&node->lines));
      g_test_message ("%s", checks[i]);
      g_assert_cmpstr (json_object_get_string_member_with_default (said, "event", ""), !=, "error");
      g_assert_cmpstr (json_object_get_string_member_with_default (said, "check", ""), ==,
                       checks[i]);
      g_assert_true (json_object_get_boolean_member_with_default (said, "ok", FALSE));
    }
  {
    g_autoptr (JsonObject) done = expect (node, "done", NULL);
  }
  stop_node (node, FALSE);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_data_func ("/interop/twilio-sync-4.0.1", NULL, test_interop_official_client);
  g_test_add_data_func ("/interop/twilio-sync-4.0.1-flex-token", "flex",
                        test_interop_official_client);
  g_test_add_func ("/interop/twilio-5-rest", test_interop_rest_sdk);
  return g_test_run ();
}
