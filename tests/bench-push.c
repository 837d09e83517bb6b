/* bench-push.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Benchmark (meson test --benchmark), not a unit test: live sync over
 * Twilsock against flex-sync-emulator in its own process, with a shared map
 * of 1,000 contacts. Prints:
 *   - remote edit → model update over push, 50 edits (median, p90, max),
 *     and the same with today's 1 s polling, 10 edits;
 *   - requests while idle with push healthy (three directories), over a
 *     window, and per hour from the schedule; polling's figure beside it;
 *   - catching up: the socket dropped in the middle of 200 writes, and the
 *     emulator restarted from its --data file before 200 more: the time until
 *     the model is identical to the server, and the items-changed it took.
 * Targets (the program fails when one is missed): median ≤ 100 ms; no
 * request while idle in the window and ≤ 15 an hour by the schedule; after
 * each catch-up the model equals the server and every write was one signal.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "flex-directory.h"
#include "flex-map-feed.h"
#include "flex-sync-stream.h"
#include "flex-test-util.h"
#include "flex-token-source.h"
#include "flex-twilsock.h"

#define N_CONTACTS   1000
#define ACCOUNT      "AC00000000000000000000000000000000"
#define WORKER       "WK00000000000000000000000000000001"
#define SHARED_MAP   "Contacts_" ACCOUNT
#define KEY_SID      "SK0123456789abcdef0123456789abcdef"
#define KEY_SECRET   "bench-secret"
#define IDLE_SECONDS 20

static gboolean failed;

#define TARGET(ok, ...)                                                                            \
  G_STMT_START                                                                                     \
  {                                                                                                \
    if (!(ok))                                                                                     \
      {                                                                                            \
        printf ("TARGET MISSED: " __VA_ARGS__);                                                    \
        printf ("\n");                                                                             \
        failed = TRUE;                                                                             \
      }                                                                                            \
  }                                                                                                \
  G_STMT_END

static char *
write_state (const char *dir)
{
  GString *json = g_string_new (
      "{\"sync\":{\"services\":[{\"sid\":\"IS00000000000000000000000000000000\","
      "\"unique_name\":\"default\",\"maps\":[{\"sid\":\"MP00000000000000000000000000000000\","
      "\"unique_name\":\"" SHARED_MAP "\",\"revision\":1,\"items\":[");
  char *path = g_build_filename (dir, "state.json", NULL);

  for (guint i = 0; i < N_CONTACTS; i++)
    g_string_append_printf (json,
                            "%s{\"key\":\"c-%05u\",\"revision\":0,\"data\":{\"key\":\"c-%05u\","
                            "\"name\":\"Contact %05u\",\"phoneNumber\":\"+1312555%04u\"}}",
                            i > 0 ? "," : "", i, i, i, i);
  g_string_append (json, "]}]}]}}");
  g_file_set_contents (path, json->str, -1, NULL);
  g_string_free (json, TRUE);
  return path;
}

static GSubprocess *
start_emulator (const char *path, const char *state, guint port, guint *port_out)
{
  g_autofree char *port_text = g_strdup_printf ("%u", port);
  const char *argv[] = {
    path, "--port", port_text, "--data", state, "--auth", KEY_SID ":" KEY_SECRET, NULL,
  };

  return flex_test_spawn_emulator (argv, G_SUBPROCESS_FLAGS_NONE, NULL, port_out);
}

static int
compare_gint64 (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

/* Remote edits */

typedef struct
{
  FlexDirectory *directory;
  const char *key;
  const char *name;
  gboolean written;
} Edit;

static gboolean
edit_visible (gpointer data)
{
  Edit *edit = data;
  FlexContact *contact = flex_directory_lookup (edit->directory, edit->key);

  return contact != NULL && g_strcmp0 (flex_contact_get_name (contact), edit->name) == 0;
}

static void
on_edit_written (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (FlexSyncItem) item = NULL;
  g_autoptr (GError) error = NULL;

  item = flex_sync_map_item_finish (FLEX_SYNC_MAP (object), result, &error);
  g_assert_no_error (error);
  ((Edit *) user_data)->written = TRUE;
}

/* Median (and p90, max) of @n edits by another client, seen by @directory. */
static gint64
measure_edits (FlexSyncMap *other, FlexDirectory *directory, guint n, const char *label)
{
  g_autoptr (GArray) delays = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 median;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *key = g_strdup_printf ("c-%05u", 100 + i * 7);
      g_autofree char *name = g_strdup_printf ("Contact %05u (%s %u)", 100 + i * 7, label, i);
      g_autofree char *json = g_strdup_printf (
          "{\"key\":\"%s\",\"name\":\"%s\",\"phoneNumber\":\"+13125550000\"}", key, name);
      g_autoptr (JsonNode) data = json_from_string (json, NULL);
      Edit edit = { directory, key, name, FALSE };
      gint64 start = g_get_monotonic_time ();
      gint64 delay;

      flex_sync_map_update_item_async (other, key, data, NULL, NULL, on_edit_written, &edit);
      if (!flex_test_run_until (edit_visible, &edit, 30000))
        g_error ("%s: edit %u never arrived", label, i);
      delay = g_get_monotonic_time () - start;
      g_array_append_val (delays, delay);
      while (!edit.written)
        g_main_context_iteration (NULL, TRUE);
      flex_test_spin (20);
    }
  g_array_sort (delays, compare_gint64);
  median = g_array_index (delays, gint64, n / 2);
  printf ("  %-28s median %6.1f ms, p90 %6.1f ms, max %6.1f ms (%u edits)\n", label,
          median / 1000.0, g_array_index (delays, gint64, (n * 9) / 10) / 1000.0,
          g_array_index (delays, gint64, n - 1) / 1000.0, n);
  return median;
}

/* Catching up */

typedef struct
{
  FlexSyncMap *map;
  GPtrArray *items;
  gboolean done;
} Listing;

static void
on_listed (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Listing *listing = user_data;
  g_autoptr (GError) error = NULL;

  listing->items = flex_sync_map_list_items_finish (FLEX_SYNC_MAP (object), result, NULL, &error);
  g_assert_no_error (error);
  listing->done = TRUE;
}

/* Whether the directory shows exactly the server's items and revisions. */
static gboolean
identical (FlexDirectory *directory, FlexSyncMap *map)
{
  Listing listing = { map, NULL, FALSE };
  gboolean same;

  flex_sync_map_list_items_async (map, NULL, on_listed, &listing);
  while (!listing.done)
    g_main_context_iteration (NULL, TRUE);
  same = listing.items->len == g_list_model_get_n_items (G_LIST_MODEL (directory));
  for (guint i = 0; same && i < listing.items->len; i++)
    {
      FlexSyncItem *item = g_ptr_array_index (listing.items, i);
      FlexContact *contact = flex_directory_lookup (directory, item->key);

      same =
          contact != NULL && g_strcmp0 (flex_contact_get_revision (contact), item->revision) == 0;
    }
  g_ptr_array_unref (listing.items);
  return same;
}

typedef struct
{
  FlexDirectory *directory;
  guint expected;
} Count;

static gboolean
has_count (gpointer data)
{
  Count *count = data;

  return g_list_model_get_n_items (G_LIST_MODEL (count->directory)) == count->expected;
}

static void
on_items_changed (GListModel *model, guint position, guint removed, guint added, guint *signals)
{
  (*signals)++;
}

static guint pending_writes;

static void
on_created (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (FlexSyncItem) item = NULL;
  g_autoptr (GError) error = NULL;

  item = flex_sync_map_item_finish (FLEX_SYNC_MAP (object), result, &error);
  if (error != NULL)
    g_printerr ("  a write failed: %s\n", error->message);
  pending_writes--;
}

static void
write_burst (FlexSyncMap *other, const char *prefix, guint n, guint drop_at, GPid emulator_pid)
{
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *key = g_strdup_printf ("%s-%03u", prefix, i);
      g_autofree char *json = g_strdup_printf (
          "{\"key\":\"%s\",\"name\":\"%s\",\"phoneNumber\":\"+13125550000\"}", key, key);
      g_autoptr (JsonNode) data = json_from_string (json, NULL);

      pending_writes++;
      flex_sync_map_create_item_async (other, key, data, 0, NULL, on_created, NULL);
      while (pending_writes > 8)
        g_main_context_iteration (NULL, TRUE);
      if (i == drop_at && emulator_pid != 0)
        kill (emulator_pid, SIGUSR1); /* drops every socket */
    }
  while (pending_writes > 0)
    g_main_context_iteration (NULL, TRUE);
}

int
main (int argc, char *argv[])
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *state = NULL;
  g_autofree char *url = NULL;
  g_autofree char *base = NULL;
  g_autoptr (GSubprocess) emulator = NULL;
  g_autoptr (FlexTwilioClient) client = NULL;
  g_autoptr (FlexTwilioClient) other_client = NULL;
  g_autoptr (FlexTokenSource) tokens = NULL;
  g_autoptr (FlexTwilsock) socket = NULL;
  g_autoptr (FlexSyncStream) stream = NULL;
  g_autoptr (FlexSyncMap) other = NULL;
  FlexDirectory *directories[3];
  FlexMapFeed *feeds[3];
  const char *names[3] = { "Contacts_Recent_" WORKER, "Contacts_" WORKER, SHARED_MAP };
  FlexDirectory *shared;
  guint port, signals = 0, rest_before, cds_before, rest_idle, cds_idle;
  gint64 push_median, poll_median, start;
  double scheduled;

  if (argc != 2)
    {
      g_printerr ("usage: %s PATH-TO-flex-sync-emulator\n", argv[0]);
      return 2;
    }

  dir = g_dir_make_tmp ("flex-bench-push-XXXXXX", &error);
  g_assert_no_error (error);
  state = write_state (dir);
  emulator = start_emulator (argv[1], state, 0, &port);
  base = g_strdup_printf ("http://127.0.0.1:%u", port);
  url = g_strdup_printf ("ws://127.0.0.1:%u/v3/wsconnect", port);

  client = flex_twilio_client_new (KEY_SID, KEY_SECRET);
  other_client = flex_twilio_client_new (KEY_SID, KEY_SECRET);
  flex_twilio_client_set_base_url (client, FLEX_TWILIO_API_SYNC, base, &error);
  flex_twilio_client_set_base_url (other_client, FLEX_TWILIO_API_SYNC, base, &error);
  g_assert_no_error (error);
  other = flex_sync_map_new (other_client, "default", SHARED_MAP);

  tokens = flex_api_key_token_source_new (ACCOUNT, KEY_SID, KEY_SECRET, "bench-agent", "default",
                                          &error);
  g_assert_no_error (error);
  socket = flex_twilsock_new (url, tokens);
  stream = flex_sync_stream_new (socket, NULL);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr (FlexSyncMap) map = flex_sync_map_new (client, "default", names[i]);

      directories[i] = flex_directory_new (map, i == 0   ? FLEX_DIRECTORY_KIND_RECENTS
                                                : i == 1 ? FLEX_DIRECTORY_KIND_PERSONAL
                                                         : FLEX_DIRECTORY_KIND_SHARED);
      feeds[i] = flex_map_feed_new (directories[i], stream);
      flex_map_feed_set_poll_interval (feeds[i], 15);
      flex_directory_refresh (directories[i]);
    }
  shared = directories[2];
  g_signal_connect (shared, "items-changed", G_CALLBACK (on_items_changed), &signals);
  flex_twilsock_start (socket);
  start = g_get_monotonic_time ();
  while (!(flex_directory_get_live (directories[0]) && flex_directory_get_live (directories[1]) &&
           flex_directory_get_live (shared)))
    {
      if (g_get_monotonic_time () - start > 30 * G_USEC_PER_SEC)
        g_error ("push never became live");
      g_main_context_iteration (NULL, TRUE);
    }

  printf ("Live sync over Twilsock, %u contacts in the shared map\n", N_CONTACTS);
  printf ("Remote edit → model update:\n");
  push_median = measure_edits (other, shared, 50, "push");
  TARGET (push_median <= 100 * 1000, "push median %.1f ms > 100 ms", push_median / 1000.0);

  {
    g_autoptr (FlexSyncMap) map = flex_sync_map_new (client, "default", SHARED_MAP);
    g_autoptr (FlexDirectory) polling = flex_directory_new (map, FLEX_DIRECTORY_KIND_SHARED);

    flex_directory_refresh (polling);
    while (!flex_directory_get_loaded (polling))
      g_main_context_iteration (NULL, TRUE);
    flex_directory_set_poll_interval (polling, 1);
    poll_median = measure_edits (other, polling, 10, "polling every 1 s (before)");
    flex_directory_set_poll_interval (polling, 0);
  }

  /* Idle: nothing but the safety schedule. */
  flex_test_spin (500);
  rest_before = flex_twilio_client_get_n_requests (client);
  cds_before = flex_twilsock_get_n_requests (socket);
  flex_test_spin (IDLE_SECONDS * 1000);
  rest_idle = flex_twilio_client_get_n_requests (client) - rest_before;
  cds_idle = flex_twilsock_get_n_requests (socket) - cds_before;
  /* The schedule while live: each directory's safety check, and one
   * re-establish of the subscriptions per ttl_in_s (the emulator, like the
   * service, answers 3600). */
  scheduled = 3 * 3600.0 / FLEX_MAP_FEED_SAFETY_INTERVAL + 3600.0 / 3600;
  printf ("Requests while idle, three directories:\n");
  printf ("  push:    %u REST + %u over the socket in %u s; by the schedule %.0f an hour\n",
          rest_idle, cds_idle, IDLE_SECONDS, scheduled);
  printf ("  polling: every 15 s: %.0f an hour (3 × 3600 / 15)\n", 3 * 3600.0 / 15);
  TARGET (rest_idle + cds_idle == 0, "%u requests while idle", rest_idle + cds_idle);
  TARGET (scheduled <= 15, "%.0f requests an hour", scheduled);

  /* Catching up: the socket dropped in the middle of 200 writes. */
  {
    Count count = { shared, 0 };
    guint connects = flex_twilsock_get_n_connects (socket);
    gint64 dropped;

    count.expected = g_list_model_get_n_items (G_LIST_MODEL (shared)) + 200;
    signals = 0;
    dropped = g_get_monotonic_time ();
    write_burst (other, "drop", 200, 80, atoi (g_subprocess_get_identifier (emulator)));
    if (!flex_test_run_until (has_count, &count, 60000))
      g_error ("the model never caught up after the drop");
    printf ("Catching up:\n");
    printf ("  socket dropped mid-burst of 200 writes: identical %.0f ms after the drop "
            "(reconnects: %u), %u items-changed\n",
            (g_get_monotonic_time () - dropped) / 1000.0,
            flex_twilsock_get_n_connects (socket) - connects, signals);
    TARGET (identical (shared, other), "the model differs from the server after the drop");
    TARGET (signals == 200, "%u items-changed for 200 writes", signals);
  }

  /* Catching up: the emulator restarted from its --data file. */
  {
    Count count = { shared, 0 };
    gint64 restarted;

    g_subprocess_send_signal (emulator, SIGTERM);
    g_subprocess_wait (emulator, NULL, NULL);
    g_clear_object (&emulator);
    flex_test_spin (300);
    count.expected = g_list_model_get_n_items (G_LIST_MODEL (shared)) + 200;
    signals = 0;
    emulator = start_emulator (argv[1], state, port, &port);
    restarted = g_get_monotonic_time ();
    write_burst (other, "restart", 200, G_MAXUINT, 0);
    if (!flex_test_run_until (has_count, &count, 120000))
      g_error ("the model never caught up after the restart");
    printf ("  emulator restarted from --data, 200 writes: identical %.0f ms after the restart, "
            "%u items-changed\n",
            (g_get_monotonic_time () - restarted) / 1000.0, signals);
    TARGET (identical (shared, other), "the model differs from the server after the restart");
    TARGET (signals == 200, "%u items-changed for 200 writes", signals);
  }

  printf ("Push median %.1f ms vs polling %.1f ms\n", push_median / 1000.0, poll_median / 1000.0);

  flex_twilsock_stop (socket);
  for (guint i = 0; i < 3; i++)
    {
      g_object_unref (feeds[i]);
      g_object_unref (directories[i]);
    }
  g_subprocess_send_signal (emulator, SIGTERM);
  g_subprocess_wait (emulator, NULL, NULL);
  g_unlink (state);
  g_rmdir (dir);
  return failed ? 1 : 0;
}
