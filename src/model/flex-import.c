/* flex-import.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reading the lists supervisors already have: vCard 2.1, 3.0 and 4.0 through
 * evolution-data-server's EVCard/EContact (folding, escaping,
 * quoted-printable, charsets), CSV (RFC 4180: quotes, embedded newlines,
 * "," or ";") through libcsv, with the column names of the common exports
 * (Google, Outlook, a plain name,phone,notes, and the plugin's own). Then a
 * plan against a directory: what is new, what updates a contact of the same
 * number, what repeats an earlier row, what cannot be imported and why.
 */

#define G_LOG_DOMAIN "flex-import"

#include "config.h"

#include <csv.h>
#include <glib/gi18n.h>
#include <string.h>

G_GNUC_BEGIN_IGNORE_DEPRECATIONS
#include <libebook-contacts/libebook-contacts.h>
G_GNUC_END_IGNORE_DEPRECATIONS

#include "flex-import.h"
#include "flex-model-error.h"

/* EDS 3.46 declares no autoptr for its types. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EContact, g_object_unref)
#include "flex-phone.h"

void
flex_import_row_free (FlexImportRow *row)
{
  if (row == NULL)
    return;
  g_free (row->name);
  g_free (row->phone);
  g_free (row->notes);
  g_free (row->e164);
  g_free (row->reason);
  g_clear_object (&row->existing);
  g_free (row);
}

static gpointer
fail (GError **error, const char *message)
{
  g_set_error_literal (error, FLEX_MODEL_ERROR, FLEX_MODEL_ERROR_INVALID, message);
  return NULL;
}

static char *
nonempty (const char *text)
{
  /* Decoded quoted-printable can be any bytes: only valid UTF-8 goes on
   * (to the preview, and into the JSON sent to Sync). */
  g_autofree char *valid = g_utf8_make_valid (text != NULL ? text : "", -1);
  GString *lines = g_string_new (NULL);
  g_autofree char *copy = NULL;

  /* Line breaks as the app writes them: "\r\n" and a lone "\r" become "\n"
   * (a CR showed as a box in the Notes field, and made our own export look
   * changed when imported again). */
  for (const char *p = valid; *p != '\0'; p++)
    {
      if (*p == '\r')
        {
          g_string_append_c (lines, '\n');
          if (p[1] == '\n')
            p++;
        }
      else
        g_string_append_c (lines, *p);
    }
  copy = g_strstrip (g_string_free (lines, FALSE));

  return *copy != '\0' ? g_steal_pointer (&copy) : NULL;
}

/* The text of a file: UTF-8 (a BOM dropped), UTF-16 with a BOM (Excel's
 * "Unicode text"), or else Windows-1252 (Outlook's "ANSI" CSV). */
static char *
read_text (GBytes *bytes, GError **error)
{
  gsize length;
  const char *data = g_bytes_get_data (bytes, &length);
  g_autofree char *text = NULL;
  gsize text_length = 0;

  if (length > FLEX_IMPORT_MAX_BYTES)
    {
      g_autofree char *size = g_format_size (length);
      g_autofree char *limit = g_format_size (FLEX_IMPORT_MAX_BYTES);
      g_autofree char *message =
          g_strdup_printf (_ ("This file is too large to import (%s; at most %s)"), size, limit);

      return fail (error, message);
    }
  if (length == 0)
    return fail (error, _ ("This file is empty"));

  if (length >= 2 && ((guchar) data[0] == 0xFF && (guchar) data[1] == 0xFE))
    text = g_convert (data + 2, length - 2, "UTF-8", "UTF-16LE", NULL, &text_length, NULL);
  else if (length >= 2 && ((guchar) data[0] == 0xFE && (guchar) data[1] == 0xFF))
    text = g_convert (data + 2, length - 2, "UTF-8", "UTF-16BE", NULL, &text_length, NULL);
  else
    {
      if (length >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
        {
          data += 3;
          length -= 3;
        }
      if (g_utf8_validate_len (data, length, NULL))
        {
          text = g_strndup (data, length);
          text_length = length;
        }
      else if (memchr (data, '\0', length) == NULL)
        text = g_convert (data, length, "UTF-8", "WINDOWS-1252", NULL, &text_length, NULL);
    }

  if (text == NULL || memchr (text, '\0', text_length) != NULL)
    return fail (error, _ ("This is not a CSV or vCard file"));
  return g_steal_pointer (&text);
}

/* vCard */

static char *
tel_value (EVCardAttribute *attribute)
{
  g_autofree char *value = e_vcard_attribute_get_value (attribute);

  /* vCard 4.0: "tel:+1-312-555-0142" */
  if (value != NULL && g_ascii_strncasecmp (value, "tel:", 4) == 0)
    {
      g_autofree char *rest = g_strdup (value + 4);

      return nonempty (rest);
    }
  return nonempty (value);
}

static gboolean
is_preferred (EVCardAttribute *attribute)
{
  if (e_vcard_attribute_get_param (attribute, "PREF") != NULL)
    return TRUE;
  return e_vcard_attribute_has_type (attribute, "PREF");
}

static gboolean
x_flag (EVCard *vcard, const char *name, gboolean *has)
{
  EVCardAttribute *attribute = e_vcard_get_attribute (vcard, name);
  g_autofree char *value = attribute != NULL ? e_vcard_attribute_get_value (attribute) : NULL;

  if (value == NULL)
    return FALSE;
  *has = TRUE;
  return g_ascii_strcasecmp (value, "true") == 0 || g_str_equal (value, "1");
}

static FlexImportRow *
row_from_vcard (const char *text, guint number)
{
  FlexImportRow *row = g_new0 (FlexImportRow, 1);
  g_autoptr (EContact) contact = e_contact_new_from_vcard (text);
  EVCard *vcard = E_VCARD (contact);
  const char *full_name = e_contact_get_const (contact, E_CONTACT_FULL_NAME);
  gboolean has_cold = FALSE, has_warm = FALSE;

  row->number = number;
  row->name = nonempty (full_name);
  if (row->name == NULL)
    {
      EContactName *name = e_contact_get (contact, E_CONTACT_NAME);

      if (name != NULL)
        {
          g_autofree char *joined = g_strjoin (" ", name->given != NULL ? name->given : "",
                                               name->additional != NULL ? name->additional : "",
                                               name->family != NULL ? name->family : "", NULL);
          g_auto (GStrv) words = g_strsplit (joined, " ", -1);
          g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
          g_auto (GStrv) kept = NULL;
          g_autofree char *composed = NULL;

          for (guint i = 0; words[i] != NULL; i++)
            if (*words[i] != '\0')
              g_strv_builder_add (builder, words[i]);
          kept = g_strv_builder_end (builder);
          composed = g_strjoinv (" ", kept);
          row->name = nonempty (composed);
          e_contact_name_free (name);
        }
    }
  if (row->name == NULL)
    row->name = nonempty (e_contact_get_const (contact, E_CONTACT_ORG));

  for (GList *l = e_vcard_get_attributes (vcard); l != NULL; l = l->next)
    {
      EVCardAttribute *attribute = l->data;
      g_autofree char *value = NULL;

      if (g_ascii_strcasecmp (e_vcard_attribute_get_name (attribute), "TEL") != 0)
        continue;
      value = tel_value (attribute);
      if (value == NULL)
        continue;
      if (row->phone == NULL || is_preferred (attribute))
        {
          gboolean preferred = is_preferred (attribute);

          g_free (row->phone);
          row->phone = g_steal_pointer (&value);
          if (preferred)
            break;
        }
    }

  row->notes = nonempty (e_contact_get_const (contact, E_CONTACT_NOTE));
  row->has_notes = row->notes != NULL;
  row->allow_cold = x_flag (vcard, "X-FLEX-ALLOW-COLD-TRANSFER", &has_cold);
  row->allow_warm = x_flag (vcard, "X-FLEX-ALLOW-WARM-TRANSFER", &has_warm);
  row->has_transfer = has_cold || has_warm;
  return row;
}

/* Whether @line starts a quoted-printable property (in its name and
 * parameters, before the first ":"). */
static gboolean
is_quoted_printable (const char *line)
{
  const char *colon = strchr (line, ':');

  if (colon == NULL)
    return FALSE;
  for (const char *p = line; p + 16 <= colon; p++)
    if (g_ascii_strncasecmp (p, "QUOTED-PRINTABLE", 16) == 0)
      return TRUE;
  return FALSE;
}

/* A card that cannot be read, as the next row, with why. */
static void
add_unreadable (GPtrArray *rows, const char *reason)
{
  FlexImportRow *row = g_new0 (FlexImportRow, 1);

  row->number = rows->len + 1;
  row->reason = g_strdup (reason);
  g_ptr_array_add (rows, row);
}

static GPtrArray *
parse_vcards (const char *text, GError **error)
{
  g_autoptr (GPtrArray) rows =
      g_ptr_array_new_with_free_func ((GDestroyNotify) flex_import_row_free);
  g_autoptr (GString) card = NULL;
  const char *next = text;
  /* Whether the logical line being read is a quoted-printable property
   * whose last physical line ended in "=" (a soft line break): decided on
   * its first physical line, so a long value is not scanned again at each
   * of its lines (quadratic: 1.2 MB took 13.5 s). */
  gboolean quoted_printable = FALSE;
  gboolean soft_break = FALSE;

  /* Line by line (CRLF, LF or CR), in one pass (GLib 2.74's regex split is
   * quadratic in the text's length). */
  while (*next != '\0')
    {
      gsize length = strcspn (next, "\r\n");
      g_autofree char *line = g_strndup (next, length);

      next += length;
      if (next[0] == '\r' && next[1] == '\n')
        next += 2;
      else if (*next != '\0')
        next++;

      if (g_ascii_strncasecmp (line, "BEGIN:VCARD", 11) == 0)
        {
          if (card != NULL)
            {
              /* The card before never ended. */
              add_unreadable (rows, _ ("This card has no end (END:VCARD)"));
              g_string_free (card, TRUE);
            }
          card = g_string_new (NULL);
        }
      if (card == NULL)
        continue;
      if (!soft_break)
        quoted_printable = is_quoted_printable (line);
      g_string_append (card, line);
      /* vCard 2.1 quoted-printable: a line ending in "=" goes on in the
       * next, unindented (a soft line break); EDS reads only folded lines. */
      soft_break = quoted_printable && g_str_has_suffix (line, "=");
      if (soft_break)
        {
          g_string_truncate (card, card->len - 1);
          continue;
        }
      g_string_append (card, "\r\n");
      if (g_ascii_strncasecmp (line, "END:VCARD", 9) == 0)
        {
          g_ptr_array_add (rows, row_from_vcard (card->str, rows->len + 1));
          g_string_free (g_steal_pointer (&card), TRUE);
        }
    }
  if (card != NULL)
    add_unreadable (rows, _ ("The file ends in the middle of this card"));
  if (rows->len == 0)
    return fail (error, _ ("This vCard file holds no contacts"));
  return g_steal_pointer (&rows);
}

/* CSV */

/* Memory stays proportional to what a file holds, not to its separators: a
 * record keeps at most MAX_FIELDS fields (no address book has more
 * columns), and a blank record (16 MB of commas made 3.1 GB of empty fields)
 * is dropped as soon as it ends, leaving only a NULL to keep row numbers. */
#define MAX_FIELDS 1000

typedef struct
{
  GPtrArray *records; /* GStrv, or NULL for a blank record */
  GPtrArray *fields;  /* char *, the record being read */
} CsvRead;

static gboolean record_is_blank (GStrv record);

static void
on_field (void *data, size_t length, void *user_data)
{
  CsvRead *read = user_data;
  const char *text = data != NULL ? data : "";

  if (read->fields->len >= MAX_FIELDS)
    return;
  /* A cell our export (or another careful one) kept from being a formula:
   * "'=…", "'+1312…" — the apostrophe is not part of it. */
  if (length >= 2 && text[0] == '\'' && strchr ("=+-@\t\r", text[1]) != NULL)
    {
      text++;
      length--;
    }
  g_ptr_array_add (read->fields, g_strndup (text, length));
}

static void
on_record (int terminator, void *user_data)
{
  CsvRead *read = user_data;
  GStrv record;

  g_ptr_array_add (read->fields, NULL);
  record = (GStrv) g_ptr_array_steal (read->fields, NULL);
  /* The header is kept whatever it holds. */
  if (read->records->len > 0 && record_is_blank (record))
    g_clear_pointer (&record, g_strfreev);
  g_ptr_array_add (read->records, record);
}

/* "," unless the header line has more ";" or tabs (European Excel, TSV). */
static unsigned char
guess_delimiter (const char *text)
{
  guint commas = 0, semicolons = 0, tabs = 0;
  gboolean quoted = FALSE;

  for (const char *p = text; *p != '\0' && (quoted || (*p != '\n' && *p != '\r')); p++)
    {
      if (*p == '"')
        quoted = !quoted;
      else if (!quoted && *p == ',')
        commas++;
      else if (!quoted && *p == ';')
        semicolons++;
      else if (!quoted && *p == '\t')
        tabs++;
    }
  if (semicolons > commas && semicolons >= tabs)
    return ';';
  if (tabs > commas)
    return '\t';
  return ',';
}

/* A column's name as compared: letters and digits, lower case. */
static char *
header_key (const char *header)
{
  GString *key = g_string_new (NULL);

  for (const char *p = header; *p != '\0'; p++)
    if (g_ascii_isalnum (*p))
      g_string_append_c (key, g_ascii_tolower (*p));
  return g_string_free (key, FALSE);
}

typedef struct
{
  int name;
  int first, middle, last;
  int organization;
  int phones[16];
  guint n_phones;
  int notes;
  int cold, warm;
} Columns;

static int
find_column (GStrv headers, const char *const *keys)
{
  for (guint k = 0; keys[k] != NULL; k++)
    for (guint i = 0; headers[i] != NULL; i++)
      if (g_str_equal (headers[i], keys[k]))
        return (int) i;
  return -1;
}

static void
find_columns (GStrv headers, Columns *columns)
{
  static const char *const names[] = { "name", "fullname", "displayname", "contactname", NULL };
  static const char *const firsts[] = { "firstname", "givenname", NULL };
  static const char *const middles[] = { "middlename", "additionalname", NULL };
  static const char *const lasts[] = { "lastname", "familyname", "surname", NULL };
  static const char *const organizations[] = { "company", "organizationname", "organization1name",
                                               "organisation", NULL };
  /* In order of preference: the plugin's, plain, Outlook's, Google's. */
  static const char *const phones[] = {
    "phonenumber", "phone",      "telephone",        "mobilephone",
    "mobile",      "cellphone",  "businessphone",    "primaryphone",
    "phone1value", "homephone",  "companymainphone", "businessphone2",
    "homephone2",  "otherphone", "phone2value",      "phone3value",
  };
  static const char *const notes[] = { "notes", "note", NULL };
  static const char *const colds[] = { "allowcoldtransfer", NULL };
  static const char *const warms[] = { "allowwarmtransfer", NULL };

  columns->name = find_column (headers, names);
  columns->first = find_column (headers, firsts);
  columns->middle = find_column (headers, middles);
  columns->last = find_column (headers, lasts);
  columns->organization = find_column (headers, organizations);
  columns->n_phones = 0;
  /* At most G_N_ELEMENTS (columns->phones): a header naming "phone" 300
   * times wrote past the array (found by test-fuzz). */
  for (guint k = 0; k < G_N_ELEMENTS (phones); k++)
    for (guint i = 0; headers[i] != NULL && columns->n_phones < G_N_ELEMENTS (columns->phones); i++)
      if (g_str_equal (headers[i], phones[k]))
        columns->phones[columns->n_phones++] = (int) i;
  columns->notes = find_column (headers, notes);
  columns->cold = find_column (headers, colds);
  columns->warm = find_column (headers, warms);
}

static const char *
field (GStrv record, int column)
{
  if (column < 0 || (guint) column >= g_strv_length (record))
    return NULL;
  return record[column];
}

/* TRUE/FALSE, or -1 when it is neither. */
static int
parse_flag (const char *value)
{
  static const char *const yes[] = { "true", "yes", "y", "1", "x", NULL };
  static const char *const no[] = { "false", "no", "n", "0", "", NULL };
  g_autofree char *trimmed = g_strstrip (g_ascii_strdown (value, -1));

  if (g_strv_contains (yes, trimmed))
    return TRUE;
  if (g_strv_contains (no, trimmed))
    return FALSE;
  return -1;
}

static FlexImportRow *
row_from_record (GStrv record, const Columns *columns, guint number)
{
  FlexImportRow *row = g_new0 (FlexImportRow, 1);

  row->number = number;
  row->name = nonempty (field (record, columns->name));
  if (row->name == NULL)
    {
      const int parts[] = { columns->first, columns->middle, columns->last };
      g_autoptr (GString) joined = g_string_new (NULL);

      for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
        {
          g_autofree char *part = nonempty (field (record, parts[i]));

          if (part == NULL)
            continue;
          if (joined->len > 0)
            g_string_append_c (joined, ' ');
          g_string_append (joined, part);
        }
      row->name = nonempty (joined->str);
    }
  if (row->name == NULL)
    row->name = nonempty (field (record, columns->organization));

  for (guint i = 0; i < columns->n_phones && row->phone == NULL; i++)
    {
      const char *value = field (record, columns->phones[i]);
      /* Google puts several numbers in one cell: "a ::: b". */
      const char *more = value != NULL ? strstr (value, ":::") : NULL;
      g_autofree char *first = more != NULL ? g_strndup (value, more - value) : g_strdup (value);

      row->phone = nonempty (first);
    }

  row->has_notes = columns->notes >= 0;
  row->notes = nonempty (field (record, columns->notes));
  if (columns->cold >= 0 || columns->warm >= 0)
    {
      int cold = parse_flag (field (record, columns->cold) ? field (record, columns->cold) : "");
      int warm = parse_flag (field (record, columns->warm) ? field (record, columns->warm) : "");

      row->has_transfer = TRUE;
      row->allow_cold = cold == TRUE;
      row->allow_warm = warm == TRUE;
      if (cold < 0 || warm < 0)
        row->reason =
            g_strdup (_ ("allowColdTransfer and allowWarmTransfer must be true or false"));
    }
  return row;
}

static gboolean
record_is_blank (GStrv record)
{
  for (guint i = 0; record[i] != NULL; i++)
    {
      g_autofree char *value = nonempty (record[i]);

      if (value != NULL)
        return FALSE;
    }
  return TRUE;
}

static GPtrArray *
parse_csv (const char *text, GError **error)
{
  g_autoptr (GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autoptr (GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) rows =
      g_ptr_array_new_with_free_func ((GDestroyNotify) flex_import_row_free);
  CsvRead read = { records, fields };
  struct csv_parser parser;
  g_auto (GStrv) headers = NULL;
  Columns columns;
  gsize length = strlen (text);
  guint n_headers;

  if (csv_init (&parser, CSV_APPEND_NULL) != 0)
    return fail (error, _ ("Out of memory"));
  csv_set_delim (&parser, guess_delimiter (text));
  if (csv_parse (&parser, text, length, on_field, on_record, &read) != length ||
      csv_fini (&parser, on_field, on_record, &read) != 0)
    {
      g_autofree char *message = g_strdup_printf (_ ("This CSV file cannot be read: %s"),
                                                  csv_strerror (csv_error (&parser)));

      csv_free (&parser);
      return fail (error, message);
    }
  csv_free (&parser);

  if (records->len == 0 || g_ptr_array_index (records, 0) == NULL)
    return fail (error, _ ("This file is empty"));

  n_headers = g_strv_length (g_ptr_array_index (records, 0));
  headers = g_new0 (char *, n_headers + 1);
  for (guint i = 0; i < n_headers; i++)
    headers[i] = header_key (((GStrv) g_ptr_array_index (records, 0))[i]);
  find_columns (headers, &columns);
  if (columns.n_phones == 0 ||
      (columns.name < 0 && columns.first < 0 && columns.last < 0 && columns.organization < 0))
    return fail (error, _ ("The first row must name the columns: at least a name and a phone "
                           "number (for example “name,phone,notes”)"));

  for (guint i = 1; i < records->len; i++)
    {
      GStrv record = g_ptr_array_index (records, i);

      if (record != NULL && !record_is_blank (record))
        g_ptr_array_add (rows, row_from_record (record, &columns, i + 1));
    }
  return g_steal_pointer (&rows);
}

/**
 * flex_import_parse:
 * @bytes: the file
 * @format: (out) (optional): what it was read as
 *
 * Reads every contact of a vCard or CSV file. A row that cannot be read
 * comes back with its reason; a file that cannot be read at all fails with
 * %FLEX_MODEL_ERROR_INVALID and a message for a person.
 *
 * Returns: (transfer container) (element-type FlexImportRow): the rows
 */
GPtrArray *
flex_import_parse (GBytes *bytes, FlexImportFormat *format, GError **error)
{
  g_autofree char *text = read_text (bytes, error);
  const char *start;

  if (text == NULL)
    return NULL;
  start = text;
  while (g_ascii_isspace (*start))
    start++;
  if (g_ascii_strncasecmp (start, "BEGIN:VCARD", 11) == 0)
    {
      if (format != NULL)
        *format = FLEX_IMPORT_FORMAT_VCARD;
      return parse_vcards (start, error);
    }
  if (format != NULL)
    *format = FLEX_IMPORT_FORMAT_CSV;
  return parse_csv (start, error);
}

/* Planning */

static gboolean
same_text (const char *a, const char *b)
{
  return g_strcmp0 (a != NULL ? a : "", b != NULL ? b : "") == 0;
}

static gboolean
row_changes (const FlexImportRow *row, FlexContact *contact, gboolean shared)
{
  if (!same_text (row->name, flex_contact_get_name (contact)))
    return TRUE;
  if (row->has_notes && !same_text (row->notes, flex_contact_get_notes (contact)))
    return TRUE;
  if (shared && row->has_transfer &&
      (row->allow_cold != flex_contact_get_allow_cold_transfer (contact) ||
       row->allow_warm != flex_contact_get_allow_warm_transfer (contact)))
    return TRUE;
  return FALSE;
}

/**
 * flex_import_plan:
 * @rows: (element-type FlexImportRow): from flex_import_parse()
 * @directory: the contacts the rows go into
 * @shared: whether it is the shared directory (transfer flags count)
 * @default_country: (nullable): of numbers given without a country code
 * @summary: (out) (optional): the counts a preview shows
 *
 * Decides each row's action. A contact is the same when it has the same
 * number, so importing a file again (after a failure, a quit, or on
 * purpose) adds nothing twice: what landed is unchanged the second time.
 */
void
flex_import_plan (GPtrArray *rows,
                  FlexDirectory *directory,
                  gboolean shared,
                  const char *default_country,
                  FlexImportSummary *summary)
{
  g_autoptr (GHashTable) by_number = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  FlexImportSummary counts = { 0 };

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (directory)); i++)
    {
      g_autoptr (FlexContact) contact = g_list_model_get_item (G_LIST_MODEL (directory), i);
      const char *number = flex_contact_get_phone_number (contact);

      /* Borrowed: the directory keeps its rows while this runs. */
      if (number != NULL && !g_hash_table_contains (by_number, number))
        g_hash_table_insert (by_number, (gpointer) number, contact);
    }

  for (guint i = 0; i < rows->len; i++)
    {
      FlexImportRow *row = g_ptr_array_index (rows, i);
      g_autoptr (GError) error = NULL;
      FlexContact *existing;
      FlexImportRow *earlier;

      g_clear_pointer (&row->e164, g_free);
      g_clear_object (&row->existing);
      row->action = FLEX_IMPORT_INVALID;
      if (row->reason == NULL && row->name == NULL)
        row->reason = g_strdup (_ ("No name"));
      if (row->reason == NULL && row->phone == NULL)
        row->reason = g_strdup (_ ("No phone number"));
      if (row->reason == NULL &&
          (row->e164 = flex_phone_normalize (row->phone, default_country, &error)) == NULL)
        /* TRANSLATORS: a phone number in a file, and why it cannot be used */
        row->reason = g_strdup_printf (_ ("“%s”: %s"), row->phone, error->message);
      if (row->reason != NULL)
        {
          counts.n_invalid++;
          continue;
        }

      if ((earlier = g_hash_table_lookup (seen, row->e164)) != NULL)
        {
          row->action = FLEX_IMPORT_DUPLICATE;
          row->reason = g_strdup_printf (_ ("The same number as row %u"), earlier->number);
          counts.n_duplicate++;
          continue;
        }
      g_hash_table_insert (seen, row->e164, row);

      existing = g_hash_table_lookup (by_number, row->e164);
      if (existing == NULL)
        {
          row->action = FLEX_IMPORT_NEW;
          counts.n_new++;
        }
      else
        {
          row->existing = g_object_ref (existing);
          row->action =
              row_changes (row, existing, shared) ? FLEX_IMPORT_UPDATE : FLEX_IMPORT_UNCHANGED;
          if (row->action == FLEX_IMPORT_UPDATE)
            counts.n_update++;
          else
            counts.n_unchanged++;
        }
    }
  if (summary != NULL)
    *summary = counts;
}

/**
 * flex_import_row_to_contact:
 *
 * Returns: (transfer full): the contact to add (no key) or the updated
 *   version of the existing one (its key and revision), for a planned row
 */
FlexContact *
flex_import_row_to_contact (const FlexImportRow *row)
{
  FlexContact *contact;

  g_return_val_if_fail (row->e164 != NULL, NULL);

  if (row->existing != NULL)
    {
      contact = flex_contact_copy (row->existing);
      flex_contact_set_name (contact, row->name);
      if (row->has_notes)
        flex_contact_set_notes (contact, row->notes);
    }
  else
    contact = flex_contact_new (NULL, row->name, row->e164, row->notes);
  if (row->has_transfer)
    {
      flex_contact_set_allow_cold_transfer (contact, row->allow_cold);
      flex_contact_set_allow_warm_transfer (contact, row->allow_warm);
    }
  return contact;
}
