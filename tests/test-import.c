/* test-import.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Import and export: the files of tests/data/ (written by hand after the
 * formats: a GNOME Contacts vCard 4.0, a Google CSV, an Outlook CSV in
 * Windows-1252, an iOS vCard 3.0 with folded lines and a photo, a vCard 2.1
 * in quoted-printable UTF-8, a truncated vCard, a ";"-separated shared list),
 * broken input made here (binary, 50 MB, no header), the plan against a
 * directory, export and the round trips through our import and EDS, and the
 * paced batch that writes an import (and undoes it) against the emulator.
 */

#include "config.h"

#include <glib.h>
#include <string.h>
#include <sys/resource.h>

G_GNUC_BEGIN_IGNORE_DEPRECATIONS
#include <libebook-contacts/libebook-contacts.h>
G_GNUC_END_IGNORE_DEPRECATIONS

#include "flex-batch.h"
#include "flex-directory.h"
#include "flex-emulator.h"
#include "flex-export.h"
#include "flex-import.h"
#include "flex-model-error.h"
#include "flex-test-directory.h"
#include "flex-test-state.h"
#include "flex-test-util.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EContact, g_object_unref)

#define MAP "Contacts_WK0123456789abcdef0123456789abcdef"

static GPtrArray *
parse_file (const char *name, FlexImportFormat *format)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", name, NULL);
  g_autofree char *contents = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  gsize length;
  GPtrArray *rows;

  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  bytes = g_bytes_new (contents, length);
  rows = flex_import_parse (bytes, format, &error);
  g_assert_no_error (error);
  g_assert_nonnull (rows);
  return rows;
}

static FlexImportRow *
row (GPtrArray *rows, guint i)
{
  g_assert_cmpuint (i, <, rows->len);
  return g_ptr_array_index (rows, i);
}

static GPtrArray *
parse_text (const char *text, GError **error)
{
  g_autoptr (GBytes) bytes = g_bytes_new (text, strlen (text));

  return flex_import_parse (bytes, NULL, error);
}

static void
test_gnome_contacts_vcard4 (void)
{
  FlexImportFormat format;
  g_autoptr (GPtrArray) rows = parse_file ("gnome-contacts-4.0.vcf", &format);

  g_assert_cmpint (format, ==, FLEX_IMPORT_FORMAT_VCARD);
  g_assert_cmpuint (rows->len, ==, 3);
  g_assert_cmpstr (row (rows, 0)->name, ==, "Zoë Ångström");
  /* The preferred number, from its tel: URI. */
  g_assert_cmpstr (row (rows, 0)->phone, ==, "+46-70-123-45-67");
  g_assert_cmpstr (row (rows, 0)->notes, ==, "Speaks Swedish, English and German");
  g_assert_cmpstr (row (rows, 1)->phone, ==, "+1-312-555-0199");
  g_assert_null (row (rows, 2)->phone);
}

static void
test_google_csv (void)
{
  FlexImportFormat format;
  g_autoptr (GPtrArray) rows = parse_file ("google.csv", &format);

  g_assert_cmpint (format, ==, FLEX_IMPORT_FORMAT_CSV);
  g_assert_cmpuint (rows->len, ==, 5);
  g_assert_cmpstr (row (rows, 0)->name, ==, "Priya Raman");
  /* The first of "a ::: b". */
  g_assert_cmpstr (row (rows, 0)->phone, ==, "(312) 555-0134");
  /* A quoted note over two lines. */
  g_assert_cmpstr (row (rows, 0)->notes, ==, "Call before noon.\nAsk for the PO number.");
  g_assert_cmpuint (row (rows, 1)->number, ==, 3); /* the line in the file */
  g_assert_cmpstr (row (rows, 1)->name, ==, "José Luis Martínez");
  /* No person's name: the organisation's. */
  g_assert_cmpstr (row (rows, 2)->name, ==, "Northwind Traders");
  g_assert_null (row (rows, 3)->phone);
}

static void
test_outlook_csv_windows_1252 (void)
{
  g_autoptr (GPtrArray) rows = parse_file ("outlook.csv", NULL);

  g_assert_cmpuint (rows->len, ==, 3);
  g_assert_cmpstr (row (rows, 0)->name, ==, "Renée Lefèvre");
  g_assert_cmpstr (row (rows, 0)->phone, ==, "+33 1 42 68 53 01");
  /* Mobile before business, as the phone an agent reaches. */
  g_assert_cmpstr (row (rows, 1)->phone, ==, "(312) 555-0178");
}

static void
test_ios_vcard3_folded (void)
{
  g_autoptr (GPtrArray) rows = parse_file ("ios-3.0.vcf", NULL);

  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpstr (row (rows, 0)->name, ==, "Haruto Watanabe");
  g_assert_cmpstr (row (rows, 0)->phone, ==, "+81 6-1234-5678");
  g_assert_cmpstr (row (rows, 0)->notes, ==,
                   "Long note that goes on and on so that it must be folded over more than one "
                   "line by the exporter.");
  g_assert_cmpstr (row (rows, 1)->phone, ==, "+353 87 123 4567");
}

static void
test_vcard21_quoted_printable (void)
{
  g_autoptr (GPtrArray) rows = parse_file ("vcard-2.1-qp.vcf", NULL);

  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpstr (row (rows, 0)->name, ==, "Anders Ångström");
  g_assert_cmpstr (row (rows, 0)->phone, ==, "+46701234599");
  g_assert_cmpstr (row (rows, 0)->notes, ==, "Räksmörgås, Göteborg kontor");
}

static void
test_truncated_vcard (void)
{
  g_autoptr (GPtrArray) rows = parse_file ("truncated.vcf", NULL);

  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpstr (row (rows, 0)->name, ==, "Whole Card");
  g_assert_nonnull (row (rows, 1)->reason);
  g_assert_nonnull (strstr (row (rows, 1)->reason, "middle of this card"));
}

static void
test_shared_semicolon_csv (void)
{
  g_autoptr (GPtrArray) rows = parse_file ("shared-semicolon.csv", NULL);

  g_assert_cmpuint (rows->len, ==, 3);
  g_assert_cmpstr (row (rows, 0)->name, ==, "Billing Desk"); /* the BOM is not in the name */
  g_assert_cmpstr (row (rows, 0)->notes, ==, "Mon–Fri; 8–18");
  g_assert_true (row (rows, 0)->has_transfer);
  g_assert_true (row (rows, 0)->allow_cold);
  g_assert_false (row (rows, 0)->allow_warm);
  g_assert_true (row (rows, 1)->allow_warm);
  g_assert_nonnull (row (rows, 2)->reason);
}

/* Files that cannot be read at all: a clear error, nothing else. */
static void
test_broken_files (void)
{
  static const guchar binary[] = { 0x89, 'P',  'N',  'G',  0x0d, 0x0a, 0x1a, 0x0a,
                                   0x00, 0x00, 0x00, 0x0d, 'I',  'H',  'D',  'R' };
  g_autoptr (GBytes) png = g_bytes_new_static (binary, sizeof binary);
  g_autoptr (GBytes) empty = g_bytes_new_static ("", 0);
  gsize big_length = 50 * 1024 * 1024;
  g_autoptr (GBytes) big = g_bytes_new_take (g_malloc0 (big_length), big_length);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) rows = NULL;

  g_assert_null (flex_import_parse (png, NULL, &error));
  g_assert_error (error, FLEX_MODEL_ERROR, FLEX_MODEL_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "not a CSV or vCard"));
  g_clear_error (&error);

  g_assert_null (flex_import_parse (empty, NULL, &error));
  g_assert_error (error, FLEX_MODEL_ERROR, FLEX_MODEL_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_null (flex_import_parse (big, NULL, &error));
  g_assert_error (error, FLEX_MODEL_ERROR, FLEX_MODEL_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "too large"));
  g_clear_error (&error);

  g_assert_null (parse_text ("Alice,+13125550100\nBob,+13125550101\n", &error));
  g_assert_error (error, FLEX_MODEL_ERROR, FLEX_MODEL_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "name the columns"));
  g_clear_error (&error);

  /* An unterminated quote runs to the end: still one row, read. */
  rows = parse_text ("name,phone,notes\nAl,+13125550100,\"never closed\n", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 1);
}

/* 10,000 rows, made here. */
static void
test_ten_thousand_rows (void)
{
  g_autoptr (GString) csv = g_string_new ("name,phone,notes\r\n");
  g_autoptr (GPtrArray) rows = NULL;
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < 10000; i++)
    g_string_append_printf (csv, "Person %05u,+1 312 555 %04u,\"note, %u\"\r\n", i, i % 10000, i);
  rows = parse_text (csv->str, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 10000);
  g_assert_cmpstr (row (rows, 9999)->name, ==, "Person 09999");
  g_assert_cmpstr (row (rows, 9999)->notes, ==, "note, 9999");
}

/* Directory fixtures */

typedef struct
{
  FlexEmulator *emulator;
  FlexTwilioClient *client;
  FlexDirectory *directory;
} Fixture;

static void
put (Fixture *fixture, const char *key, const char *name, const char *phone, const char *notes)
{
  g_autofree char *json =
      g_strdup_printf ("{\"key\":\"%s\",\"name\":\"%s\",\"phoneNumber\":\"%s\",\"notes\":\"%s\"}",
                       key, name, phone, notes);
  g_autoptr (GError) error = NULL;

  flex_emulator_put_item (fixture->emulator, MAP, key, json, 0, &error);
  g_assert_no_error (error);
}

static void
check (FlexDirectory *directory)
{
  (void) flex_test_check_directory (directory, 20000, NULL);
}

static void
fixture_setup (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FlexSyncMap) map = NULL;

  fixture->emulator = flex_emulator_new ();
  g_assert_true (flex_emulator_listen (fixture->emulator, 0, &error));
  fixture->client = flex_twilio_client_new ("AC0123456789abcdef0123456789abcdef", "secret");
  g_assert_true (flex_twilio_client_set_base_url (fixture->client, FLEX_TWILIO_API_SYNC,
                                                  flex_emulator_get_base_url (fixture->emulator),
                                                  &error));
  flex_twilio_client_set_retry_policy (fixture->client, 8, 20, 400);
  put (fixture, "k-marcus", "Marcus Okafor", "+13125550199", "");
  put (fixture, "k-zoe", "Zoe Angstrom", "+46701234567", "old note");
  map = flex_sync_map_new (fixture->client, "default", MAP);
  fixture->directory = flex_directory_new (map, FLEX_DIRECTORY_KIND_PERSONAL);
  flex_directory_set_editable (fixture->directory, TRUE);
  check (fixture->directory);
}

static void
fixture_teardown (Fixture *fixture, gconstpointer data)
{
  /* Checks that writes asked for may still run. */
  FLEX_TEST_WAIT_FOR (G_OBJECT (fixture->directory)->ref_count == 1, 20000);
  g_assert_finalize_object (fixture->directory);
  g_assert_finalize_object (fixture->client);
  g_assert_finalize_object (fixture->emulator);
}

/* New, update (same number, other data), unchanged, duplicate in the file,
 * invalid with reasons. */
static void
test_plan (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GPtrArray) rows = parse_file ("gnome-contacts-4.0.vcf", NULL);
  g_autoptr (GPtrArray) google = parse_file ("google.csv", NULL);
  FlexImportSummary summary;

  flex_import_plan (rows, fixture->directory, FALSE, "US", &summary);
  g_assert_cmpint (row (rows, 0)->action, ==, FLEX_IMPORT_UPDATE); /* Zoë: name and notes */
  g_assert_cmpstr (flex_contact_get_key (row (rows, 0)->existing), ==, "k-zoe");
  g_assert_cmpint (row (rows, 1)->action, ==, FLEX_IMPORT_UNCHANGED); /* Marcus */
  g_assert_cmpint (row (rows, 2)->action, ==, FLEX_IMPORT_INVALID);
  g_assert_cmpstr (row (rows, 2)->reason, ==, "No phone number");
  g_assert_cmpuint (summary.n_update, ==, 1);
  g_assert_cmpuint (summary.n_unchanged, ==, 1);
  g_assert_cmpuint (summary.n_invalid, ==, 1);

  flex_import_plan (google, fixture->directory, FALSE, "US", &summary);
  g_assert_cmpuint (summary.n_new, ==, 3);
  g_assert_cmpuint (summary.n_duplicate, ==, 1);
  g_assert_cmpuint (summary.n_invalid, ==, 1);
  g_assert_cmpstr (row (google, 0)->e164, ==, "+13125550134");
  g_assert_cmpint (row (google, 4)->action, ==, FLEX_IMPORT_DUPLICATE);
  g_assert_cmpstr (row (google, 4)->reason, ==, "The same number as row 2");
  {
    g_autoptr (GPtrArray) outlook = parse_file ("outlook.csv", NULL);

    flex_import_plan (outlook, fixture->directory, FALSE, "US", &summary);
    g_assert_cmpint (row (outlook, 2)->action, ==, FLEX_IMPORT_INVALID);
    g_assert_nonnull (strstr (row (outlook, 2)->reason, "555-01"));
  }
}

static void
on_batch_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  GError **error = user_data;

  flex_batch_run_finish (FLEX_BATCH (object), result, error);
  g_object_set_data (object, "done", GINT_TO_POINTER (TRUE));
}

static gboolean
run_batch (FlexBatch *batch, GCancellable *cancellable, GError **error)
{
  flex_batch_run_async (batch, cancellable, on_batch_done, error);
  FLEX_TEST_WAIT_FOR (g_object_get_data (G_OBJECT (batch), "done") != NULL, 300000);
  return *error == NULL;
}

static FlexBatch *
batch_for (FlexDirectory *directory, GPtrArray *rows)
{
  FlexBatch *batch = flex_batch_new (directory);

  for (guint i = 0; i < rows->len; i++)
    {
      FlexImportRow *r = g_ptr_array_index (rows, i);
      g_autoptr (FlexContact) contact = NULL;

      if (r->action != FLEX_IMPORT_NEW && r->action != FLEX_IMPORT_UPDATE)
        continue;
      contact = flex_import_row_to_contact (r);
      flex_batch_add (batch, r->action == FLEX_IMPORT_NEW ? FLEX_BATCH_ADD : FLEX_BATCH_UPDATE,
                      contact);
    }
  return batch;
}

static guint
server_items (Fixture *fixture)
{
  g_autoptr (JsonNode) state = flex_emulator_dump_json (fixture->emulator);
  JsonArray *items = flex_test_state_map_items (state, MAP);

  return items != NULL ? json_array_get_length (items) : 0;
}

/* Import, then undo: what was added is gone, what was changed is back. */
static void
test_import_and_undo (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GPtrArray) rows = parse_file ("gnome-contacts-4.0.vcf", NULL);
  g_autoptr (GPtrArray) google = parse_file ("google.csv", NULL);
  g_autoptr (FlexBatch) batch = NULL;
  g_autoptr (FlexBatch) undo = NULL;
  g_autoptr (GError) error = NULL;
  FlexImportSummary summary;

  g_ptr_array_extend_and_steal (rows, g_steal_pointer (&google));
  flex_import_plan (rows, fixture->directory, FALSE, "US", &summary);
  batch = batch_for (fixture->directory, rows);
  g_assert_cmpuint (flex_batch_get_n_total (batch), ==, 4); /* 3 new, Zoë updated */
  g_assert_true (run_batch (batch, NULL, &error));
  g_assert_cmpuint (flex_batch_get_n_failed (batch), ==, 0);
  g_assert_cmpuint (server_items (fixture), ==, 5);
  g_assert_cmpstr (flex_contact_get_name (flex_directory_lookup (fixture->directory, "k-zoe")), ==,
                   "Zoë Ångström");

  /* The same file again changes nothing. */
  flex_import_plan (rows, fixture->directory, FALSE, "US", &summary);
  g_assert_cmpuint (summary.n_new + summary.n_update, ==, 0);

  undo = flex_batch_new_undo (batch);
  g_assert_cmpuint (flex_batch_get_n_total (undo), ==, 4);
  g_assert_true (run_batch (undo, NULL, &error));
  g_assert_cmpuint (flex_batch_get_n_failed (undo), ==, 0);
  g_assert_cmpuint (server_items (fixture), ==, 2);
  g_assert_cmpstr (flex_contact_get_name (flex_directory_lookup (fixture->directory, "k-zoe")), ==,
                   "Zoe Angstrom");
  g_assert_cmpstr (flex_contact_get_notes (flex_directory_lookup (fixture->directory, "k-zoe")), ==,
                   "old note");
}

static void
on_progress (FlexBatch *batch, GParamSpec *pspec, GCancellable *cancellable)
{
  if (flex_batch_get_n_done (batch) == 300)
    g_cancellable_cancel (cancellable);
}

/* 1,000 rows against an emulator that answers 429 beyond 30 requests a
 * second: the batch never starts writes faster than its rate, slows down on
 * 429s, stops when cancelled at 300, and the same file imported again adds
 * the other 700 and nothing twice. */
static void
test_thousand_rows_rate_limited_resume (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GString) csv = g_string_new ("name,phone\n");
  g_autoptr (GPtrArray) rows = NULL;
  g_autoptr (FlexBatch) first = NULL;
  g_autoptr (FlexBatch) second = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) starts = g_array_new (FALSE, FALSE, sizeof (gint64));
  FlexImportSummary summary;
  GPtrArray *exchanges;
  guint most_in_a_second = 0;
  const double rate = 40;

  for (guint i = 0; i < 1000; i++)
    g_string_append_printf (csv, "Row %04u,+1 415 555 %04u\n", i, i);
  rows = parse_text (csv->str, &error);
  g_assert_no_error (error);

  flex_emulator_set_rate_limit (fixture->emulator, 30);
  /* Every 429 reaches the batch (no retries in the client), and the first
   * two writes meet one whatever the machine's speed. */
  flex_twilio_client_set_retry_policy (fixture->client, 0, 1, 10);
  flex_emulator_fail_next (fixture->emulator, 2, 429, 0);
  flex_emulator_clear_exchanges (fixture->emulator);
  flex_import_plan (rows, fixture->directory, FALSE, "US", &summary);
  g_assert_cmpuint (summary.n_new, ==, 1000);
  first = batch_for (fixture->directory, rows);
  flex_batch_set_rate (first, rate);
  g_signal_connect (first, "notify::n-done", G_CALLBACK (on_progress), cancellable);
  g_assert_false (run_batch (first, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpuint (flex_batch_get_n_done (first), ==, 300);
  g_assert_cmpuint (server_items (fixture), ==, 2 + 300 - flex_batch_get_n_failed (first));
  g_test_message ("first run: %u writes, %u failed, %u slowed, rate now %.1f/s",
                  flex_batch_get_n_done (first), flex_batch_get_n_failed (first),
                  flex_batch_get_n_slowed (first), flex_batch_get_rate (first));

  /* Pacing: first attempts of writes never more than the rate allows. */
  exchanges = flex_emulator_get_exchanges (fixture->emulator);
  for (guint i = 0; i < exchanges->len; i++)
    {
      FlexEmulatorExchange *exchange = g_ptr_array_index (exchanges, i);

      if (g_str_equal (exchange->method, "POST") && exchange->status != 429)
        g_array_append_val (starts, exchange->time_us);
    }
  for (guint i = 0; i < starts->len; i++)
    {
      guint n = 0;

      for (guint j = i;
           j < starts->len &&
           g_array_index (starts, gint64, j) - g_array_index (starts, gint64, i) < G_USEC_PER_SEC;
           j++)
        n++;
      most_in_a_second = MAX (most_in_a_second, n);
    }
  g_test_message ("most accepted writes in one second: %u", most_in_a_second);
  g_assert_cmpuint (most_in_a_second, <=, (guint) rate + 1);
  /* The 429s slowed it down (and it went back up after good writes). */
  g_assert_cmpuint (flex_batch_get_n_slowed (first), >=, 2);

  /* Resume: import the same file again. */
  flex_emulator_set_rate_limit (fixture->emulator, 0);
  flex_twilio_client_set_retry_policy (fixture->client, 8, 20, 400);
  flex_import_plan (rows, fixture->directory, FALSE, "US", &summary);
  g_assert_cmpuint (summary.n_new, ==, 1000 - (300 - flex_batch_get_n_failed (first)));
  g_assert_cmpuint (summary.n_unchanged, ==, 300 - flex_batch_get_n_failed (first));
  second = batch_for (fixture->directory, rows);
  flex_batch_set_rate (second, 200);
  g_assert_true (run_batch (second, NULL, &error));
  g_assert_cmpuint (flex_batch_get_n_failed (second), ==, 0);
  g_assert_cmpuint (server_items (fixture), ==, 1002);
  flex_import_plan (rows, fixture->directory, FALSE, "US", &summary);
  g_assert_cmpuint (summary.n_unchanged, ==, 1000);
}

/* Export */

static FlexContact *
contact (const char *key, const char *name, const char *phone, const char *notes)
{
  FlexContact *c = flex_contact_new (key, name, phone, notes);

  return c;
}

static GListStore *
some_contacts (void)
{
  GListStore *store = g_list_store_new (FLEX_TYPE_CONTACT);
  g_autoptr (FlexContact) a = contact ("k-a", "Zoë Ångström", "+46701234567",
                                       "Line one\nline two, with \"quotes\"; and semicolons");
  g_autoptr (FlexContact) b = contact ("k-b", "Marcus Okafor", "+13125550199", NULL);

  flex_contact_set_allow_cold_transfer (b, TRUE);
  flex_contact_set_allow_warm_transfer (b, FALSE);
  g_list_store_append (store, a);
  g_list_store_append (store, b);
  return store;
}

static void
assert_same_contacts (GPtrArray *rows, gboolean shared)
{
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpstr (row (rows, 0)->name, ==, "Zoë Ångström");
  g_assert_cmpstr (row (rows, 0)->phone, ==, "+46701234567");
  g_assert_cmpstr (row (rows, 0)->notes, ==, "Line one\nline two, with \"quotes\"; and semicolons");
  g_assert_cmpstr (row (rows, 1)->name, ==, "Marcus Okafor");
  g_assert_cmpstr (row (rows, 1)->phone, ==, "+13125550199");
  g_assert_null (row (rows, 1)->notes);
  g_assert_cmpint (row (rows, 1)->has_transfer, ==, shared);
  if (shared)
    {
      g_assert_true (row (rows, 1)->allow_cold);
      g_assert_false (row (rows, 1)->allow_warm);
    }
}

static void
test_export_round_trips (void)
{
  g_autoptr (GListStore) store = some_contacts ();

  for (int shared = 0; shared <= 1; shared++)
    {
      g_autofree char *csv = flex_export_contacts_csv (G_LIST_MODEL (store), shared);
      g_autofree char *vcf = flex_export_contacts_vcard (G_LIST_MODEL (store), shared);
      g_autoptr (GPtrArray) from_csv = NULL;
      g_autoptr (GPtrArray) from_vcf = NULL;
      g_autoptr (GError) error = NULL;

      g_assert_true (g_str_has_prefix (csv, "\xEF\xBB\xBF"));
      from_csv = parse_text (csv, &error);
      g_assert_no_error (error);
      assert_same_contacts (from_csv, shared);
      from_vcf = parse_text (vcf, &error);
      g_assert_no_error (error);
      assert_same_contacts (from_vcf, shared);
    }

  /* Through EDS itself: vCard 3.0 with FN, N, TEL and NOTE. */
  {
    g_autofree char *vcf = flex_export_contacts_vcard (G_LIST_MODEL (store), FALSE);
    const char *end = strstr (vcf, "END:VCARD");
    g_autofree char *first = g_strndup (vcf, end - vcf + strlen ("END:VCARD"));
    g_autoptr (EContact) card = e_contact_new_from_vcard (first);
    EContactName *name = e_contact_get (card, E_CONTACT_NAME);

    g_assert_nonnull (strstr (vcf, "VERSION:3.0"));
    g_assert_cmpstr (e_contact_get_const (card, E_CONTACT_FULL_NAME), ==, "Zoë Ångström");
    g_assert_cmpstr (name->family, ==, "Ångström");
    g_assert_cmpstr (e_contact_get_const (card, E_CONTACT_UID), ==, "k-a");
    g_assert_cmpstr (e_contact_get_const (card, E_CONTACT_PHONE_OTHER), ==, "+46701234567");
    g_assert_cmpstr (e_contact_get_const (card, E_CONTACT_NOTE), ==,
                     "Line one\nline two, with \"quotes\"; and semicolons");
    e_contact_name_free (name);
  }
}

/* The vCard's structured name comes from the name's parts only where they
 * are sure (given and family); a team's name keeps N empty, and FILE-AS has
 * every word. */
static void
test_export_vcard_structured_name (void)
{
  static const struct
  {
    const char *name;
    const char *family;
    const char *given;
    const char *file_as;
  } cases[] = {
    { "Amelia Watson", "Watson", "Amelia", "Watson, Amelia" },
    { "Zoë Ångström", "Ångström", "Zoë", "Ångström, Zoë" },
    { "Customer Care EMEA", NULL, NULL, "Customer Care EMEA" },
    { "Billing", NULL, NULL, "Billing" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GListStore) store = g_list_store_new (FLEX_TYPE_CONTACT);
      g_autoptr (FlexContact) item = contact ("k", cases[i].name, "+13125550100", NULL);
      g_autofree char *vcf = NULL;
      g_autoptr (EContact) card = NULL;
      EContactName *name;
      g_autoptr (GPtrArray) rows = NULL;
      g_autoptr (GError) error = NULL;

      g_list_store_append (store, item);
      vcf = flex_export_contacts_vcard (G_LIST_MODEL (store), FALSE);
      card = e_contact_new_from_vcard (vcf);
      name = e_contact_get (card, E_CONTACT_NAME);
      g_assert_nonnull (name);
      g_assert_cmpstr (name->family != NULL && *name->family != '\0' ? name->family : NULL, ==,
                       cases[i].family);
      g_assert_cmpstr (name->given != NULL && *name->given != '\0' ? name->given : NULL, ==,
                       cases[i].given);
      g_assert_true (name->additional == NULL || *name->additional == '\0');
      g_assert_cmpstr (e_contact_get_const (card, E_CONTACT_FILE_AS), ==, cases[i].file_as);
      g_assert_cmpstr (e_contact_get_const (card, E_CONTACT_FULL_NAME), ==, cases[i].name);
      e_contact_name_free (name);

      /* Our own import reads the name back from FN, whole. */
      rows = parse_text (vcf, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (rows->len, ==, 1);
      g_assert_cmpstr (row (rows, 0)->name, ==, cases[i].name);
    }
}

/* CSV injection (OWASP): a cell that begins like a formula is written with
 * a leading apostrophe, so a spreadsheet shows it as text — numbers keep
 * their "+" — and our import reads back exactly what was exported. */
static void
test_export_csv_neutralizes_formulas (void)
{
  g_autoptr (GListStore) store = g_list_store_new (FLEX_TYPE_CONTACT);
  g_autoptr (FlexContact) evil =
      contact ("k-e", "=HYPERLINK(\"http://x\",\"y\")", "+13125550100", "=1+2");
  g_autoptr (FlexContact) other = contact ("k-o", "@SUM(A1)", "+13125550101", "-3\ttab");
  g_autofree char *csv = NULL;
  g_autoptr (GPtrArray) rows = NULL;
  g_autoptr (GError) error = NULL;

  g_list_store_append (store, evil);
  g_list_store_append (store, other);
  csv = flex_export_contacts_csv (G_LIST_MODEL (store), FALSE);
  g_assert_nonnull (strstr (csv, "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""));
  g_assert_nonnull (strstr (csv, "'+13125550100"));
  g_assert_nonnull (strstr (csv, "'=1+2"));
  g_assert_nonnull (strstr (csv, "'@SUM(A1)"));
  g_assert_null (strstr (csv, ",=1+2"));
  g_assert_null (strstr (csv, ",+1312"));

  rows = parse_text (csv, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (row (rows, 0)->name, ==, "=HYPERLINK(\"http://x\",\"y\")");
  g_assert_cmpstr (row (rows, 0)->phone, ==, "+13125550100");
  g_assert_cmpstr (row (rows, 0)->notes, ==, "=1+2");
  g_assert_cmpstr (row (rows, 1)->name, ==, "@SUM(A1)");
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* Notes keep no CR: "\r\n" and "\r" are line breaks "\n". */
  rows = parse_text ("name,phone,notes\r\nCarl,+13125550102,\"one\r\ntwo\rthree\"\r\n", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (row (rows, 0)->notes, ==, "one\ntwo\nthree");
}

static void
test_export_recents_iso8601 (void)
{
  g_autoptr (GListStore) store = g_list_store_new (FLEX_TYPE_RECENT);
  g_autoptr (JsonNode) data = json_from_string (
      "{\"dateTime\":\"2026-11-28T14:02:00.000Z\",\"direction\":\"inbound\",\"channelType\":"
      "\"voice\",\"customerAddress\":\"+13125550142\",\"inboundAddress\":\"+18005550100\","
      "\"name\":\"Amelia, W.\",\"duration\":95,\"queueName\":\"Support\",\"outcome\":"
      "\"Completed\",\"notes\":\"\",\"taskSid\":\"WT0123\"}",
      NULL);
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  /* Completed 95 s after it started at 14:02:00. */
  g_autoptr (GDateTime) created = g_date_time_new (utc, 2026, 11, 28, 14, 3, 35);
  g_autoptr (FlexSyncItem) item = flex_sync_item_new ("k-r", "0", data, created, NULL, NULL);
  g_autoptr (FlexRecent) recent = flex_recent_new_from_item (item, utc, NULL);
  g_autofree char *csv = NULL;
  g_auto (GStrv) lines = NULL;

  g_assert_nonnull (recent);
  g_list_store_append (store, recent);
  csv = flex_export_recents_csv (G_LIST_MODEL (store));
  lines = g_strsplit (csv, "\r\n", -1);
  g_assert_true (g_str_has_prefix (lines[0], "\xEF\xBB\xBF\"dateTime\",\"direction\""));
  g_assert_true (g_str_has_prefix (lines[1], "\"2026-11-28T14:02:00Z\",\"inbound\",\"voice\""));
  g_assert_nonnull (strstr (lines[1], "\"Amelia, W.\",\"95\""));
}

/* Hostile files (issue 18): the reading stays linear in time and in memory,
 * and only valid UTF-8 comes out. */
static void
test_hostile_files (void)
{
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (GPtrArray) rows = NULL;
  g_autoptr (GError) error = NULL;
  FlexImportRow *row;
  struct rusage usage;
  glong rss_before_kb;
  gint64 started;

  /* A 1.5 MB quoted-printable note of soft line breaks: linear (the join
   * re-scanned the whole value at every line: 1.2 MB took 13.5 s). */
  g_string_append (text, "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Long;Lou\r\nFN:Lou Long\r\n"
                         "TEL;CELL:+13125550160\r\nNOTE;ENCODING=QUOTED-PRINTABLE:");
  while (text->len < 1536 * 1024)
    g_string_append (text, "abcdefghij=\r\n");
  g_string_append (text, "end\r\nEND:VCARD\r\n");
  started = g_get_monotonic_time ();
  rows = parse_text (text->str, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_get_monotonic_time () - started, <, 5 * G_USEC_PER_SEC);
  row = g_ptr_array_index (rows, 0);
  g_assert_cmpstr (row->name, ==, "Lou Long");
  g_assert_true (g_str_has_suffix (row->notes, "abcdefghijend"));
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* Quoted-printable bytes that are not UTF-8 (=FF=FE), in a UTF-8 card. */
  rows = parse_text ("BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Bea Bytes\r\nTEL:+13125550161\r\n"
                     "NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:ok =FF=FE=C3 end\r\n"
                     "END:VCARD\r\n",
                     &error);
  g_assert_no_error (error);
  row = g_ptr_array_index (rows, 0);
  g_assert_true (row->notes == NULL || g_utf8_validate (row->notes, -1, NULL));
  g_assert_true (g_utf8_validate (row->name, -1, NULL));
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* A CSV of 4 MB of commas: memory in proportion to what it holds (16 MB
   * took 3.1 GB before; 4 MB ~800 MB). AddressSanitizer keeps freed memory
   * in quarantine for a while: a looser bound there. */
  g_string_assign (text, "name,phone\n");
  while (text->len < 4 * 1024 * 1024)
    g_string_append (text, ",,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,");
  g_string_append (text, "\n");
  g_string_append (text, "Cara Comma,+13125550162\n");
  getrusage (RUSAGE_SELF, &usage);
  rss_before_kb = usage.ru_maxrss;
  rows = parse_text (text->str, &error);
  g_assert_no_error (error);
  getrusage (RUSAGE_SELF, &usage);
  g_test_message ("peak RSS grew by %ld KiB", usage.ru_maxrss - rss_before_kb);
#if defined(__SANITIZE_ADDRESS__)
  g_assert_cmpint (usage.ru_maxrss - rss_before_kb, <, 640 * 1024);
#else
  g_assert_cmpint (usage.ru_maxrss - rss_before_kb, <, 128 * 1024);
#endif
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpstr (((FlexImportRow *) g_ptr_array_index (rows, 0))->name, ==, "Cara Comma");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/import/export-vcard-structured-name", test_export_vcard_structured_name);
  g_test_add_func ("/import/gnome-contacts-vcard4", test_gnome_contacts_vcard4);
  g_test_add_func ("/import/hostile-files", test_hostile_files);
  g_test_add_func ("/export/csv-neutralizes-formulas", test_export_csv_neutralizes_formulas);
  g_test_add_func ("/import/google-csv", test_google_csv);
  g_test_add_func ("/import/outlook-csv-windows-1252", test_outlook_csv_windows_1252);
  g_test_add_func ("/import/ios-vcard3-folded", test_ios_vcard3_folded);
  g_test_add_func ("/import/vcard21-quoted-printable", test_vcard21_quoted_printable);
  g_test_add_func ("/import/truncated-vcard", test_truncated_vcard);
  g_test_add_func ("/import/shared-semicolon-csv", test_shared_semicolon_csv);
  g_test_add_func ("/import/broken-files", test_broken_files);
  g_test_add_func ("/import/ten-thousand-rows", test_ten_thousand_rows);
  g_test_add ("/import/plan", Fixture, NULL, fixture_setup, test_plan, fixture_teardown);
  g_test_add ("/import/import-and-undo", Fixture, NULL, fixture_setup, test_import_and_undo,
              fixture_teardown);
  g_test_add ("/import/thousand-rows-rate-limited-resume", Fixture, NULL, fixture_setup,
              test_thousand_rows_rate_limited_resume, fixture_teardown);
  g_test_add_func ("/export/round-trips", test_export_round_trips);
  g_test_add_func ("/export/recents-iso8601", test_export_recents_iso8601);

  return g_test_run ();
}
