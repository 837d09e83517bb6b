/* flex-sync-emulator.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A local Twilio Sync emulator on 127.0.0.1, for tests and for trying the app
 * without a Twilio account. It prints its base URL on the first line.
 */

#include "config.h"

#include <glib-unix.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flex-emulator.h"

static gboolean
on_signal (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static gboolean
on_drop_sockets (gpointer user_data)
{
  flex_emulator_twilsock_drop (user_data);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_offload_sockets (gpointer user_data)
{
  flex_emulator_twilsock_send_close (user_data, 308, 100);
  return G_SOURCE_CONTINUE;
}

int
main (int argc, char *argv[])
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (FlexEmulator) emulator = NULL;
  g_autoptr (GMainLoop) loop = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *auth = NULL;
  g_autofree char *data = NULL;
  g_autofree char *username = NULL;
  int port = 0;
  int latency_ms = 0;
  double error_rate = 0;
  int error_status = 500;
  int rate_limit = 0;
  double drop_rate = 0;
  int event_delay_ms = 0;
  int answer_after_s = 0;
  int reservation_timeout_s = 30;
  g_autofree char *account = NULL;
  gboolean no_push = FALSE;
  gboolean demo = FALSE;
  int flex_token_s = 3600;
  gboolean no_sso = FALSE;
  int flex_session_s = 12 * 3600;
  const GOptionEntry entries[] = {
    { "port", 'p', 0, G_OPTION_ARG_INT, &port, "TCP port on 127.0.0.1 (0: pick a free one)", "N" },
    { "auth", 'a', 0, G_OPTION_ARG_STRING, &auth,
      "Accept only these credentials (otherwise any well-formed ones)", "SID:SECRET" },
    { "account", 0, 0, G_OPTION_ARG_STRING, &account,
      "The Account SID the emulator stands for (answers to API-key requests name it)", "AC…" },
    { "data", 'd', 0, G_OPTION_ARG_FILENAME, &data, "Load the state from FILE and save it there",
      "FILE" },
    { "latency", 0, 0, G_OPTION_ARG_INT, &latency_ms, "Answer every request this late", "MS" },
    { "error-rate", 0, 0, G_OPTION_ARG_DOUBLE, &error_rate,
      "Answer this share of requests (0 to 1) with --error-status", "SHARE" },
    { "error-status", 0, 0, G_OPTION_ARG_INT, &error_status, "500 (default) or 503", "STATUS" },
    { "rate-limit", 0, 0, G_OPTION_ARG_INT, &rate_limit,
      "Answer 429 beyond this many requests a second", "N" },
    { "drop-rate", 0, 0, G_OPTION_ARG_DOUBLE, &drop_rate,
      "Close the connection of this share of requests (0 to 1) without an answer", "SHARE" },
    { "event-delay", 0, 0, G_OPTION_ARG_INT, &event_delay_ms,
      "Push every Twilsock event (and subscription answer) this late", "MS" },
    { "answer-after", 0, 0, G_OPTION_ARG_INT, &answer_after_s,
      "Act as an open Flex UI: reserve an available agent's call task after this many seconds "
      "(0: never; tasks then time out)",
      "SECONDS" },
    { "reservation-timeout", 0, 0, G_OPTION_ARG_INT, &reservation_timeout_s,
      "A reservation nobody answers times out after this long (30)", "SECONDS" },
    { "demo", 0, 0, G_OPTION_ARG_NONE, &demo,
      "Seed the demo account of --sandbox (unless --data already holds a state)", NULL },
    { "flex-token-lifetime", 0, 0, G_OPTION_ARG_INT, &flex_token_s,
      "Flex tokens of a single sign-on last this long (3600)", "SECONDS" },
    { "flex-session-lifetime", 0, 0, G_OPTION_ARG_INT, &flex_session_s,
      "A Flex sign-in is refreshed for this long at most (43200)", "SECONDS" },
    { "no-sso", 0, 0, G_OPTION_ARG_NONE, &no_sso,
      "The account has no single sign-on: agents sign in with their Twilio Console login", NULL },
    { "no-push", 0, 0, G_OPTION_ARG_NONE, &no_push,
      "Close every Twilsock connection at once (clients fall back to polling)", NULL },
    { NULL }
  };

  context = g_option_context_new ("- a local Twilio Sync emulator");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return EXIT_FAILURE;
    }
  if (port < 0 || port > 65535 || latency_ms < 0 || rate_limit < 0 || error_rate < 0 ||
      event_delay_ms < 0 || answer_after_s < 0 || reservation_timeout_s < 1 || error_rate > 1 ||
      drop_rate < 0 || drop_rate > 1 || (error_status != 500 && error_status != 503) ||
      flex_token_s < 1 || flex_session_s < flex_token_s)
    {
      g_printerr ("Invalid option value; see --help\n");
      return EXIT_FAILURE;
    }

  emulator = flex_emulator_new ();
  if (account != NULL)
    {
      gboolean hex = strlen (account) == 34;

      for (guint i = 2; hex && i < 34; i++)
        hex = g_ascii_isxdigit (account[i]);
      if (!g_str_has_prefix (account, "AC") || !hex)
        {
          g_printerr ("--account takes an Account SID (AC and 32 hex digits)\n");
          return EXIT_FAILURE;
        }
      flex_emulator_set_account_sid (emulator, account);
    }
  if (auth != NULL)
    {
      char *colon = strchr (auth, ':');

      if (colon == NULL || colon == auth || colon[1] == '\0')
        {
          g_printerr ("--auth takes SID:SECRET\n");
          return EXIT_FAILURE;
        }
      username = g_strndup (auth, colon - auth);
      flex_emulator_set_auth (emulator, username, colon + 1);
    }
  {
    gboolean fresh = data == NULL || !g_file_test (data, G_FILE_TEST_EXISTS);

    if (data != NULL && !flex_emulator_set_data_file (emulator, data, &error))
      {
        g_printerr ("Could not use %s: %s\n", data, error->message);
        return EXIT_FAILURE;
      }
    if (demo && fresh)
      {
        g_autofree char *worker = flex_emulator_add_demo_data (emulator, &error);

        if (worker == NULL)
          {
            g_printerr ("Could not seed the demo: %s\n", error->message);
            return EXIT_FAILURE;
          }
        g_printerr ("Demo account %s, worker %s (alex.agent@example.com)\n",
                    flex_emulator_get_account_sid (emulator), worker);
      }
  }

  flex_emulator_set_latency (emulator, (guint) latency_ms);
  flex_emulator_set_error_rate (emulator, error_rate, (guint) error_status);
  flex_emulator_set_rate_limit (emulator, (guint) rate_limit);
  flex_emulator_set_drop_rate (emulator, drop_rate);
  flex_emulator_twilsock_set_event_delay (emulator, (guint) event_delay_ms);
  flex_emulator_twilsock_set_refuse (emulator, no_push);
  flex_emulator_set_answer_after (emulator, (guint) answer_after_s);
  flex_emulator_set_reservation_timeout (emulator, (guint) reservation_timeout_s);
  flex_emulator_set_flex_token_lifetimes (emulator, (guint) flex_token_s, (guint) flex_session_s);
  flex_emulator_set_sso (emulator, !no_sso);

  if (!flex_emulator_listen (emulator, (guint) port, &error))
    {
      g_printerr ("Could not listen on port %d: %s\n", port, error->message);
      return EXIT_FAILURE;
    }

  g_print ("%s\n", flex_emulator_get_base_url (emulator));
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, on_signal, loop);
  g_unix_signal_add (SIGTERM, on_signal, loop);
  /* Socket faults on demand: SIGUSR1 drops every Twilsock connection without
   * a word, SIGUSR2 sends them `close` 308 (offload). */
  g_unix_signal_add (SIGUSR1, on_drop_sockets, emulator);
  g_unix_signal_add (SIGUSR2, on_offload_sockets, emulator);
  g_main_loop_run (loop);

  return EXIT_SUCCESS;
}
