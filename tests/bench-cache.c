/* bench-cache.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Benchmark (meson test --benchmark): a start from the on-disk snapshot.
 * A 10,000-contact map is listed once from the emulator and saved; then a
 * new directory shows it from the snapshot and checks the map. Prints the
 * snapshot's size and save time, the time to the first rows (the app's own
 * time: reading and parsing the snapshot, building the rows), and the
 * requests of the check when nothing changed. Targets (fails when missed):
 * first rows ≤ 150 ms, ≤ 3 requests.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <sys/stat.h>

#include "flex-directory.h"
#include "flex-test-directory.h"
#include "flex-emulator.h"
#include "flex-map-cache.h"

#define N_CONTACTS 10000
#define ACCOUNT    "AC0123456789abcdef0123456789abcdef"
#define MAP_NAME   "Contacts_" ACCOUNT
#define USERNAME   "SK0123456789abcdef0123456789abcdef"

static void
check (FlexDirectory *directory)
{
  g_autoptr (GError) error = NULL;

  if (!flex_test_check_directory (directory, 60000, &error))
    g_error ("refresh failed: %s", error->message);
}

int
main (int argc, char *argv[])
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FlexEmulator) emulator = flex_emulator_new ();
  g_autoptr (FlexTwilioClient) client = flex_twilio_client_new (USERNAME, "secret");
  g_autoptr (FlexSyncMap) map = flex_sync_map_new (client, "default", MAP_NAME);
  g_autoptr (FlexMapCache) cache = NULL;
  g_autoptr (FlexDirectory) first = NULL;
  g_autoptr (FlexDirectory) second = NULL;
  g_autofree char *base = g_dir_make_tmp ("flex-bench-cache-XXXXXX", NULL);
  g_autofree char *directory = g_build_filename (base, ACCOUNT, NULL);
  g_autofree char *file = g_build_filename (directory, MAP_NAME ".json", NULL);
  struct stat info;
  gint64 start, save_us, load_us;
  guint requests;
  gboolean ok = TRUE;

  flex_emulator_listen (emulator, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < N_CONTACTS; i++)
    {
      g_autofree char *key = g_strdup_printf ("c-%05u", i);
      g_autofree char *json = g_strdup_printf (
          "{\"key\":\"%s\",\"name\":\"Contact %05u\",\"phoneNumber\":\"+1312555%04u\","
          "\"notes\":\"\",\"allowColdTransfer\":true,\"allowWarmTransfer\":true}",
          key, i, i);

      flex_emulator_put_item (emulator, MAP_NAME, key, json, 0, &error);
      g_assert_no_error (error);
    }
  flex_twilio_client_set_base_url (client, FLEX_TWILIO_API_SYNC,
                                   flex_emulator_get_base_url (emulator), &error);
  g_assert_no_error (error);
  cache = flex_map_cache_new (directory, ACCOUNT);

  first = flex_directory_new (map, FLEX_DIRECTORY_KIND_SHARED);
  flex_directory_set_cache (first, cache);
  check (first);
  start = g_get_monotonic_time ();
  g_clear_object (&first); /* saves the pending snapshot */
  save_us = g_get_monotonic_time () - start;
  g_assert_cmpint (g_stat (file, &info), ==, 0);

  flex_emulator_clear_exchanges (emulator);
  second = flex_directory_new (map, FLEX_DIRECTORY_KIND_SHARED);
  flex_directory_set_cache (second, cache);
  start = g_get_monotonic_time ();
  g_assert_true (flex_directory_load_cached (second));
  load_us = g_get_monotonic_time () - start;
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (second)), ==, N_CONTACTS);
  check (second);
  requests = flex_emulator_get_exchanges (emulator)->len;

  printf ("Start from the on-disk snapshot, %u contacts:\n", N_CONTACTS);
  printf ("  snapshot:     %.1f KiB on disk (%.0f bytes a contact), saved in %.1f ms\n",
          info.st_size / 1024.0, (double) info.st_size / N_CONTACTS, save_us / 1000.0);
  printf ("  first rows:   %.1f ms (target ≤ 150 ms)\n", load_us / 1000.0);
  printf ("  then checked: %u request(s) when nothing changed (target ≤ 3)\n", requests);
  if (load_us > 150 * 1000)
    {
      printf ("TARGET MISSED: first rows after %.1f ms\n", load_us / 1000.0);
      ok = FALSE;
    }
  if (requests > 3)
    {
      printf ("TARGET MISSED: %u requests\n", requests);
      ok = FALSE;
    }

  flex_map_cache_delete_all (cache, NULL);
  g_rmdir (base);
  return ok ? 0 : 1;
}
