/* test-fuzz.c: generated hostile input, a bounded number of cases from a
 * fixed seed, through every reader of outside data: the bounded JSON reader,
 * the Twilsock frame codec, the CSV and vCard import, the phone number entry
 * points and tel: links. Each case must end in a result or a clear error —
 * never a crash, a hang, invalid UTF-8 or an out-of-bounds read (CI runs it
 * under AddressSanitizer and UBSan too).
 *
 * FLEX_FUZZ_SEED=N replays another seed; FLEX_FUZZ_CASES=N runs more cases.
 *
 * Copyright 2026 The Flex Contacts authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "flex-dialer.h"
#include "flex-import.h"
#include "flex-json.h"
#include "flex-model-error.h"
#include "flex-phone.h"
#include "flex-twilsock-frame.h"

static GRand *rand_;
static guint n_cases = 2000;

static const char *const json_seeds[] = {
  "{\"items\":[{\"key\":\"k\",\"revision\":\"0\",\"data\":{\"name\":\"Amy\"}}],"
  "\"meta\":{\"next_page_url\":null}}",
  "{\"code\":20404,\"message\":\"not found\",\"more_info\":\"x\",\"status\":404}",
  "[1,2.5,-3e7,true,false,null,\"\\u00e9\\ud83d\\ude00\"]",
  "{\"a\":{\"b\":{\"c\":[[[[]]]]}}}",
};

static const char *const csv_seeds[] = {
  "name,phone,notes\r\nAmy,+13125550142,\"a, \"\"quoted\"\" note\"\r\n",
  "Name;Telephone\nBo;(312) 555-0187\n;\n",
  "\xef\xbb\xbfGiven Name,Family Name,Phone 1 - Value\nZoë,Ñ,+34 912 345 678\n",
};

static const char *const vcard_seeds[] = {
  "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Amy Adams\r\nN:Adams;Amy;;;\r\nTEL;TYPE=CELL:+1 312 555 "
  "0142\r\n"
  "NOTE:line\\nnext\r\nEND:VCARD\r\n",
  "BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Lou\r\nTEL:+13125550160\r\nNOTE;ENCODING=QUOTED-PRINTABLE:a="
  "\r\n"
  "b=C3=A9=\r\nc\r\nEND:VCARD\r\n",
  "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Tel Uri\r\nTEL;VALUE=uri:tel:+44-20-7946-0958\r\nEND:VCARD\r\n",
};

static const char *const phone_seeds[] = {
  "+1 (312) 555-0142",
  "0044 20 7946 0958",
  "011 44 20 7946 0958",
  "1-800-FLOWERS",
  "+13125550142 ext. 12",
  "whatsapp:+5511987654321",
  "555",
};

static const char *const uri_seeds[] = {
  "tel:+1-312-555-0142",
  "tel:+13125550142;ext=12",
  "callto://+13125550142",
  "tel:(312)%20555-0199",
  "TEL:%2B13125550142;phone-context=x",
};

static void
insert_bytes (GByteArray *array, guint at, const guint8 *data, guint length)
{
  guint old = array->len;

  g_byte_array_set_size (array, old + length);
  memmove (array->data + at + length, array->data + at, old - at);
  memcpy (array->data + at, data, length);
}

/* A copy of @seed changed at random: bytes flipped, inserted, deleted,
 * runs repeated, cut short, or brackets piled up. */
static GByteArray *
mutate (const char *seed)
{
  GByteArray *out = g_byte_array_new ();
  guint n_changes = g_rand_int_range (rand_, 1, 8);

  g_byte_array_append (out, (const guint8 *) seed, (guint) strlen (seed));
  for (guint c = 0; c < n_changes; c++)
    {
      guint at = out->len > 0 ? g_rand_int_range (rand_, 0, (gint32) out->len) : 0;

      switch (g_rand_int_range (rand_, 0, 7))
        {
          case 0: /* flip */
            if (out->len > 0)
              out->data[at] ^= (guint8) g_rand_int_range (rand_, 1, 256);
            break;
          case 1: /* insert a byte, often a special one */
            {
              static const guint8 special[] = { '"', '\\', '{',  '[',  ']', '}',  ',', ';',
                                                ':', '=',  '\n', '\r', 0,   0xff, 0xc3 };
              guint8 byte = g_rand_boolean (rand_)
                                ? special[g_rand_int_range (rand_, 0, G_N_ELEMENTS (special))]
                                : (guint8) g_rand_int_range (rand_, 0, 256);

              insert_bytes (out, at, &byte, 1);
            }
            break;
          case 2: /* delete */
            if (out->len > 0)
              g_byte_array_remove_index (out, at);
            break;
          case 3: /* repeat a run */
            if (out->len > 0)
              {
                /* MIN evaluates its arguments twice: draw first. */
                guint wanted = (guint) g_rand_int_range (rand_, 1, 32);
                guint length = MIN (out->len - at, wanted);
                guint times = g_rand_int_range (rand_, 1, 200);
                g_autofree guint8 *run = g_memdup2 (out->data + at, length);

                for (guint t = 0; t < times && out->len < 256 * 1024; t++)
                  insert_bytes (out, at, run, length);
              }
            break;
          case 4: /* cut short */
            g_byte_array_set_size (out, at);
            break;
          case 5: /* pile up brackets */
            {
              guint depth = g_rand_int_range (rand_, 1, 5000);
              guint8 bracket = g_rand_boolean (rand_) ? '[' : '{';

              for (guint d = 0; d < depth; d++)
                insert_bytes (out, at, &bracket, 1);
            }
            break;
          default: /* random bytes */
            {
              guint length = g_rand_int_range (rand_, 1, 64);

              for (guint b = 0; b < length; b++)
                {
                  guint8 byte = (guint8) g_rand_int_range (rand_, 0, 256);

                  g_byte_array_append (out, &byte, 1);
                }
            }
            break;
        }
    }
  return out;
}

static const char *
pick (const char *const *seeds, gsize n)
{
  return seeds[g_rand_int_range (rand_, 0, (gint32) n)];
}

static void
test_fuzz_json (void)
{
  for (guint i = 0; i < n_cases; i++)
    {
      g_autoptr (GByteArray) input = mutate (pick (json_seeds, G_N_ELEMENTS (json_seeds)));
      g_autoptr (JsonParser) parser = json_parser_new ();
      g_autoptr (GError) error = NULL;
      gboolean ok = flex_json_parser_load (parser, (const char *) input->data, input->len, &error);

      g_assert_true (ok == (error == NULL));
    }
}

static void
test_fuzz_frames (void)
{
  for (guint i = 0; i < n_cases; i++)
    {
      g_autoptr (JsonObject) header = json_object_new ();
      g_autoptr (GBytes) frame = NULL;
      g_autoptr (GByteArray) input = NULL;
      g_autoptr (FlexTwilsockDecoder) decoder = flex_twilsock_decoder_new ();
      const char *payload = pick (json_seeds, G_N_ELEMENTS (json_seeds));
      gsize size;
      const char *data;
      g_autofree char *text = NULL;

      json_object_set_string_member (header, "method", "notification");
      json_object_set_string_member (header, "id", "TM1");
      json_object_set_string_member (header, "payload_type", "application/json");
      frame = flex_twilsock_frame_encode (header, payload, -1);
      data = g_bytes_get_data (frame, &size);
      text = g_strndup (data, size);
      input = mutate (text);
      /* In pieces, as a socket delivers them. */
      for (guint at = 0; at < input->len;)
        {
          guint wanted = (guint) g_rand_int_range (rand_, 1, 4096);
          guint length = MIN (input->len - at, wanted);

          flex_twilsock_decoder_push (decoder, input->data + at, length);
          at += length;
          for (guint n = 0; n < 16; n++)
            {
              g_autoptr (JsonObject) got = NULL;
              g_autoptr (GBytes) got_payload = NULL;
              g_autoptr (GError) error = NULL;

              if (!flex_twilsock_decoder_next (decoder, &got, &got_payload, &error))
                {
                  if (error != NULL)
                    flex_twilsock_decoder_reset (decoder);
                  break;
                }
              g_assert_nonnull (got);
              {
                g_autoptr (JsonNode) parsed = NULL;
                g_autoptr (GError) payload_error = NULL;

                parsed = flex_twilsock_payload_parse (got, got_payload, &payload_error);
                /* A value, an error, or nothing for an empty payload. */
                g_assert_true ((parsed != NULL) || (payload_error != NULL) || got_payload == NULL ||
                               g_bytes_get_size (got_payload) == 0);
              }
            }
        }
    }
}

static void
check_rows (GPtrArray *rows)
{
  for (guint r = 0; r < rows->len; r++)
    {
      FlexImportRow *row = g_ptr_array_index (rows, r);

      g_assert_true (row->name == NULL || g_utf8_validate (row->name, -1, NULL));
      g_assert_true (row->phone == NULL || g_utf8_validate (row->phone, -1, NULL));
      g_assert_true (row->notes == NULL || g_utf8_validate (row->notes, -1, NULL));
      g_assert_true (row->reason == NULL || g_utf8_validate (row->reason, -1, NULL));
    }
}

static void
test_fuzz_import (void)
{
  for (guint i = 0; i < n_cases; i++)
    {
      gboolean vcard = g_rand_boolean (rand_);
      g_autoptr (GByteArray) input = vcard ? mutate (pick (vcard_seeds, G_N_ELEMENTS (vcard_seeds)))
                                           : mutate (pick (csv_seeds, G_N_ELEMENTS (csv_seeds)));
      g_autoptr (GBytes) bytes = g_bytes_new (input->data, input->len);
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) rows = NULL;

      /* To replay a case that crashes: it is in this file first. */
      if (g_getenv ("FLEX_FUZZ_DUMP") != NULL)
        g_file_set_contents (g_getenv ("FLEX_FUZZ_DUMP"), (const char *) input->data,
                             (gssize) input->len, NULL);
      rows = flex_import_parse (bytes, NULL, &error);

      g_assert_true ((rows != NULL) == (error == NULL));
      if (rows != NULL)
        check_rows (rows);
      else
        g_assert_true (g_utf8_validate (error->message, -1, NULL));
    }
}

static void
test_fuzz_phone_and_links (void)
{
  for (guint i = 0; i < n_cases; i++)
    {
      g_autoptr (GByteArray) input = mutate (pick (phone_seeds, G_N_ELEMENTS (phone_seeds)));
      g_autoptr (GByteArray) uri = mutate (pick (uri_seeds, G_N_ELEMENTS (uri_seeds)));
      g_autofree char *text = g_utf8_make_valid ((const char *) input->data, input->len);
      g_autofree char *uri_text = g_utf8_make_valid ((const char *) uri->data, uri->len);
      g_autoptr (GError) error = NULL;
      g_autofree char *e164 = flex_phone_normalize (text, "US", &error);
      g_autofree char *shown = flex_phone_format (text, FLEX_PHONE_FORMAT_NATIONAL, "US");
      g_autofree char *from_link = flex_dial_number_from_uri (uri_text);

      g_assert_true ((e164 != NULL) == (error == NULL));
      if (e164 != NULL)
        {
          g_assert_true (e164[0] == '+');
          g_assert_cmpuint (strlen (e164), <=, FLEX_PHONE_MAX_E164);
          for (const char *p = e164 + 1; *p != '\0'; p++)
            g_assert_true (g_ascii_isdigit (*p));
        }
      else
        g_assert_error (error, FLEX_MODEL_ERROR, FLEX_MODEL_ERROR_INVALID);
      g_assert_nonnull (shown);
      g_assert_true (g_utf8_validate (shown, -1, NULL));
      if (from_link != NULL)
        {
          g_autoptr (GError) link_error = NULL;
          g_autofree char *link_e164 = flex_phone_normalize (from_link, "US", &link_error);

          g_assert_true ((link_e164 != NULL) == (link_error == NULL));
        }
    }
}

/* evolution-data-server's vCard reader warns about what it cannot read
 * ("invalid character found in attribute group/name") and reads on: from
 * hostile input that is expected, and no failure of ours. Counted, not
 * fatal (criticals still are). */
static guint eds_warnings;

static void
count_eds_warning (const char *domain, GLogLevelFlags level, const char *message, gpointer data)
{
  eds_warnings++;
}

int
main (int argc, char *argv[])
{
  const char *seed_text = g_getenv ("FLEX_FUZZ_SEED");
  const char *cases_text = g_getenv ("FLEX_FUZZ_CASES");
  guint32 seed = seed_text != NULL ? (guint32) g_ascii_strtoull (seed_text, NULL, 10) : 20261202;
  int status;

  g_test_init (&argc, &argv, NULL);
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  g_log_set_handler ("libebook-contacts", G_LOG_LEVEL_WARNING, count_eds_warning, NULL);
  if (cases_text != NULL)
    n_cases = (guint) g_ascii_strtoull (cases_text, NULL, 10);
  rand_ = g_rand_new_with_seed (seed);
  g_test_message ("seed %u, %u cases a reader", seed, n_cases);

  g_test_add_func ("/fuzz/json", test_fuzz_json);
  g_test_add_func ("/fuzz/twilsock-frames", test_fuzz_frames);
  g_test_add_func ("/fuzz/import", test_fuzz_import);
  g_test_add_func ("/fuzz/phone-and-links", test_fuzz_phone_and_links);
  status = g_test_run ();
  g_test_message ("evolution-data-server warned %u times", eds_warnings);
  g_rand_free (rand_);
  return status;
}
