/* bench-import.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Import benchmark (`meson test -C build --benchmark`), the emulator in its
 * own process:
 *   - reading a 10,000-row CSV and a 10,000-card vCard file: time, and the
 *     peak memory it took (VmHWM, measured first thing in this process);
 *   - planning 10,000 rows against an empty directory;
 *   - importing 1,000 contacts at the default pace (10 writes a second):
 *     wall time and the writes a second the emulator saw.
 * Targets: the import keeps to its pace (at most 10 writes in any second);
 * the 10,000-row file takes under 64 MiB at its peak.
 *
 * Usage: bench-import [--rows N] [--rate R] FLEX_SYNC_EMULATOR
 */

#include "config.h"

#include <signal.h>
#include <string.h>

#include "flex-batch.h"
#include "flex-directory.h"
#include "flex-import.h"
#include "flex-test-util.h"

#define USERNAME "AC0123456789abcdef0123456789abcdef"
#define MAP_NAME "Contacts_WK0123456789abcdef0123456789abcdef"

static GBytes *
make_csv (guint rows)
{
  GString *csv = g_string_new ("First Name,Last Name,Mobile Phone,Notes\r\n");

  for (guint i = 0; i < rows; i++)
    g_string_append_printf (
        csv, "Person,Number %05u,+1 (415) 55%01u-%04u,\"Account %u, \"\"VIP\"\"\"\r\n", i,
        i / 10000, i % 10000, i);
  return g_string_free_to_bytes (csv);
}

static GBytes *
make_vcards (guint cards)
{
  GString *vcf = g_string_new (NULL);

  for (guint i = 0; i < cards; i++)
    g_string_append_printf (vcf,
                            "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Number %05u;Person;;;\r\nFN:Person "
                            "Number %05u\r\nTEL;TYPE=CELL:+1 415 556 %04u\r\nNOTE:Account %u\\, "
                            "VIP\r\nEND:VCARD\r\n",
                            i, i, i % 10000, i);
  return g_string_free_to_bytes (vcf);
}

static void
on_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
on_batch_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  gboolean *done = user_data;

  g_assert_true (flex_batch_run_finish (FLEX_BATCH (object), result, NULL));
  *done = TRUE;
}

int
main (int argc, char *argv[])
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) csv = NULL;
  g_autoptr (GBytes) vcf = NULL;
  g_autoptr (GPtrArray) big = NULL;
  g_autoptr (GPtrArray) cards = NULL;
  g_autoptr (GSubprocess) emulator = NULL;
  g_autoptr (FlexTwilioClient) client = NULL;
  g_autoptr (FlexSyncMap) map = NULL;
  g_autoptr (FlexDirectory) directory = NULL;
  g_autoptr (FlexBatch) batch = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autofree char *url = NULL;
  g_autofree char *emulator_path = NULL;
  FlexImportSummary summary;
  guint n_rows = 1000;
  double rate = FLEX_BATCH_DEFAULT_RATE;
  gint64 hwm_before, hwm_after, start;
  double parse_ms, vcard_ms, plan_ms, import_s;
  gboolean done = FALSE, ok = TRUE;

  for (int i = 1; i + 1 < argc;)
    {
      if (g_str_equal (argv[i], "--rows"))
        n_rows = (guint) g_ascii_strtoull (argv[i + 1], NULL, 10);
      else if (g_str_equal (argv[i], "--rate"))
        rate = g_ascii_strtod (argv[i + 1], NULL);
      else
        {
          i++;
          continue;
        }
      memmove (&argv[i], &argv[i + 2], (argc - i - 2) * sizeof (char *));
      argc -= 2;
    }
  if (argc < 2 || n_rows == 0 || rate <= 0)
    {
      g_printerr ("usage: %s [--rows N] [--rate R] FLEX_SYNC_EMULATOR\n", argv[0]);
      return 2;
    }
  emulator_path = g_strdup (argv[1]);

  /* Reading, first thing: the peak is the file's. */
  csv = make_csv (10000);
  hwm_before = flex_test_read_status_kib ("VmHWM:");
  start = g_get_monotonic_time ();
  big = flex_import_parse (csv, NULL, &error);
  g_assert_no_error (error);
  parse_ms = (g_get_monotonic_time () - start) / 1000.0;
  hwm_after = flex_test_read_status_kib ("VmHWM:");
  g_assert_cmpuint (big->len, ==, 10000);

  vcf = make_vcards (10000);
  start = g_get_monotonic_time ();
  cards = flex_import_parse (vcf, NULL, &error);
  g_assert_no_error (error);
  vcard_ms = (g_get_monotonic_time () - start) / 1000.0;
  g_assert_cmpuint (cards->len, ==, 10000);

  emulator = flex_test_spawn_emulator ((const char *[]){ emulator_path, "--port", "0", NULL },
                                       G_SUBPROCESS_FLAGS_NONE, &url, NULL);
  client = flex_twilio_client_new (USERNAME, "secret");
  flex_twilio_client_set_base_url (client, FLEX_TWILIO_API_SYNC, url, &error);
  g_assert_no_error (error);
  map = flex_sync_map_new (client, "default", MAP_NAME);
  directory = flex_directory_new (map, FLEX_DIRECTORY_KIND_PERSONAL);
  flex_directory_set_editable (directory, TRUE);
  flex_directory_refresh_async (directory, NULL, on_done, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (flex_directory_refresh_finish (directory, result, &error));

  start = g_get_monotonic_time ();
  flex_import_plan (big, directory, FALSE, "US", &summary);
  plan_ms = (g_get_monotonic_time () - start) / 1000.0;
  g_assert_cmpuint (summary.n_new, ==, 10000);

  /* The first n_rows, imported at the pace. */
  batch = flex_batch_new (directory);
  flex_batch_set_rate (batch, rate);
  for (guint i = 0; i < n_rows && i < big->len; i++)
    {
      g_autoptr (FlexContact) contact = flex_import_row_to_contact (g_ptr_array_index (big, i));

      flex_batch_add (batch, FLEX_BATCH_ADD, contact);
    }
  start = g_get_monotonic_time ();
  flex_batch_run_async (batch, NULL, on_batch_done, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  import_s = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;

  g_print ("read 10,000-row CSV:           %.0f ms, peak memory +%.1f MiB (target < 64)\n",
           parse_ms, (hwm_after - hwm_before) / 1024.0);
  g_print ("read 10,000-card vCard:        %.0f ms\n", vcard_ms);
  g_print ("plan 10,000 rows:              %.0f ms (numbers through libphonenumber)\n", plan_ms);
  g_print ("import %u contacts:            %.1f s, %.2f writes a second (pace %.0f/s), "
           "%u failed, %u slowed\n",
           n_rows, import_s, n_rows / import_s, rate, flex_batch_get_n_failed (batch),
           flex_batch_get_n_slowed (batch));

  if ((hwm_after - hwm_before) / 1024.0 >= 64)
    {
      g_print ("FAIL: reading the file took too much memory\n");
      ok = FALSE;
    }
  if (n_rows / import_s > rate * 1.05)
    {
      g_print ("FAIL: the import went faster than its pace\n");
      ok = FALSE;
    }
  if (flex_batch_get_n_failed (batch) > 0)
    {
      g_print ("FAIL: writes failed\n");
      ok = FALSE;
    }

  g_subprocess_send_signal (emulator, SIGTERM);
  g_subprocess_wait (emulator, NULL, NULL);
  return ok ? 0 : 1;
}
