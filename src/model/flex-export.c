/* flex-export.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Taking a list out: contacts to CSV (the column names our import and the
 * plugin use) or to vCard 3.0 (evolution-data-server's EVCard, so GNOME
 * Contacts, Google and phones read it); Recents to CSV for reporting, times
 * in ISO 8601. CSV is RFC 4180 (libcsv quotes the fields), UTF-8 with a BOM
 * so that spreadsheets read it as such, lines ending in CRLF.
 */

#define G_LOG_DOMAIN "flex-export"

#include "config.h"

#include <csv.h>
#include <glib.h>
#include <string.h>

G_GNUC_BEGIN_IGNORE_DEPRECATIONS
#include <libebook-contacts/libebook-contacts.h>
G_GNUC_END_IGNORE_DEPRECATIONS

#include "flex-export.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EContact, g_object_unref)

/* A cell a spreadsheet would read as a formula (=, +, -, @, tab, CR first:
 * OWASP "CSV injection") gets a leading apostrophe, which spreadsheets take
 * as "text" and do not show; it also keeps "+1312…" a number with its +.
 * Our import takes it off again. */
static char *
neutralized (const char *value)
{
  if (value != NULL && value[0] != '\0' && strchr ("=+-@\t\r", value[0]) != NULL)
    return g_strconcat ("'", value, NULL);
  return g_strdup (value != NULL ? value : "");
}

static void
append_field (GString *out, const char *raw, gboolean first)
{
  g_autofree char *value = neutralized (raw);
  gsize length = strlen (value);
  gsize needed = csv_write (NULL, 0, value, length);
  gsize at;

  if (!first)
    g_string_append_c (out, ',');
  at = out->len;
  g_string_set_size (out, at + needed);
  csv_write (out->str + at, needed, value, length);
}

static void
append_record (GString *out, const char *const *values, guint n_values)
{
  for (guint i = 0; i < n_values; i++)
    append_field (out, values[i], i == 0);
  g_string_append (out, "\r\n");
}

static GString *
csv_start (void)
{
  return g_string_new ("\xEF\xBB\xBF");
}

/**
 * flex_export_contacts_csv:
 * @contacts: (element-type FlexContact): what to export
 * @shared: whether to write the transfer flags of shared contacts
 *
 * Returns: (transfer full): the CSV text: name, phoneNumber, notes (and
 *   allowColdTransfer, allowWarmTransfer)
 */
char *
flex_export_contacts_csv (GListModel *contacts, gboolean shared)
{
  static const char *const header[] = { "name", "phoneNumber", "notes", "allowColdTransfer",
                                        "allowWarmTransfer" };
  GString *out = csv_start ();
  guint n_columns = shared ? 5 : 3;

  append_record (out, header, n_columns);
  for (guint i = 0; i < g_list_model_get_n_items (contacts); i++)
    {
      g_autoptr (FlexContact) contact = g_list_model_get_item (contacts, i);
      const char *values[] = {
        flex_contact_get_name (contact),
        flex_contact_get_phone_number (contact),
        flex_contact_get_notes (contact),
        flex_contact_get_allow_cold_transfer (contact) ? "true" : "false",
        flex_contact_get_allow_warm_transfer (contact) ? "true" : "false",
      };

      append_record (out, values, n_columns);
    }
  return g_string_free (out, FALSE);
}

static void
set_x_flag (EVCard *vcard, const char *name, gboolean value)
{
  EVCardAttribute *attribute = e_vcard_attribute_new (NULL, name);

  e_vcard_append_attribute_with_value (vcard, attribute, value ? "true" : "false");
}

static gboolean
is_blank (const char *text)
{
  return text == NULL || *text == '\0';
}

/* N and FILE-AS from the name's parts, as EDS parses a full name, where
 * that parse is sure of every word: a given and a family name, with titles
 * around them ("Amelia Watson" → N:Watson;Amelia, FILE-AS "Watson,
 * Amelia"). A name it would have to guess at — a team, a desk ("Customer
 * Care EMEA" is no person with a middle name "Care"), a single word — gets
 * an empty N, and FILE-AS is the name as written: no word is lost or moved. */
static void
set_structured_name (EContact *contact, const char *full)
{
  EContactName *name = e_contact_name_from_string (full != NULL ? full : "");

  if (!is_blank (name->given) && !is_blank (name->family) && is_blank (name->additional))
    {
      g_autofree char *file_as = g_strdup_printf ("%s, %s", name->family, name->given);

      e_contact_set (contact, E_CONTACT_NAME, name);
      e_contact_set (contact, E_CONTACT_FILE_AS, file_as);
    }
  else
    {
      EContactName *empty = e_contact_name_new ();

      e_contact_set (contact, E_CONTACT_NAME, empty);
      e_contact_name_free (empty);
      e_contact_set (contact, E_CONTACT_FILE_AS, full);
    }
  e_contact_name_free (name);
}

/**
 * flex_export_contacts_vcard:
 * @contacts: (element-type FlexContact): what to export
 * @shared: whether to write the transfer flags (as X-FLEX-… properties)
 *
 * Returns: (transfer full): one vCard 3.0 per contact: UID (the item key),
 *   FN, N and FILE-AS (see set_structured_name()), TEL, NOTE
 */
char *
flex_export_contacts_vcard (GListModel *contacts, gboolean shared)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (contacts); i++)
    {
      g_autoptr (FlexContact) item = g_list_model_get_item (contacts, i);
      g_autoptr (EContact) contact = e_contact_new ();
      EVCardAttribute *tel = e_vcard_attribute_new (NULL, EVC_TEL);
      const char *notes = flex_contact_get_notes (item);
      g_autofree char *text = NULL;

      e_contact_set (contact, E_CONTACT_UID, flex_contact_get_key (item));
      e_contact_set (contact, E_CONTACT_FULL_NAME, flex_contact_get_name (item));
      set_structured_name (contact, flex_contact_get_name (item));
      e_vcard_attribute_add_param_with_value (tel, e_vcard_attribute_param_new (EVC_TYPE), "VOICE");
      e_vcard_append_attribute_with_value (E_VCARD (contact), tel,
                                           flex_contact_get_phone_number (item));
      if (notes != NULL && *notes != '\0')
        e_contact_set (contact, E_CONTACT_NOTE, notes);
      if (shared)
        {
          set_x_flag (E_VCARD (contact), "X-FLEX-ALLOW-COLD-TRANSFER",
                      flex_contact_get_allow_cold_transfer (item));
          set_x_flag (E_VCARD (contact), "X-FLEX-ALLOW-WARM-TRANSFER",
                      flex_contact_get_allow_warm_transfer (item));
        }
      text = e_vcard_to_string (E_VCARD (contact), EVC_FORMAT_VCARD_30);
      g_string_append (out, text);
      g_string_append (out, "\r\n");
    }
  return g_string_free (out, FALSE);
}

/**
 * flex_export_recents_csv:
 * @recents: (element-type FlexRecent): what to export
 *
 * Returns: (transfer full): the CSV text, one interaction a line, its time
 *   in ISO 8601 with its offset and its duration in seconds
 */
char *
flex_export_recents_csv (GListModel *recents)
{
  static const char *const header[] = {
    "dateTime", "direction", "channelType", "customerAddress", "inboundAddress", "name",
    "duration", "queueName", "outcome",     "notes",           "taskSid",
  };
  GString *out = csv_start ();

  append_record (out, header, G_N_ELEMENTS (header));
  for (guint i = 0; i < g_list_model_get_n_items (recents); i++)
    {
      g_autoptr (FlexRecent) recent = g_list_model_get_item (recents, i);
      GDateTime *when = flex_recent_get_date_time (recent);
      g_autofree char *date_time = when != NULL ? g_date_time_format_iso8601 (when) : NULL;
      g_autofree char *duration =
          g_strdup_printf ("%" G_GINT64_FORMAT, flex_recent_get_duration (recent));
      const char *values[] = {
        date_time,
        flex_recent_get_direction (recent),
        flex_recent_get_channel_type (recent),
        flex_recent_get_customer_address (recent),
        flex_recent_get_inbound_address (recent),
        flex_recent_get_name (recent),
        duration,
        flex_recent_get_queue_name (recent),
        flex_recent_get_outcome (recent),
        flex_recent_get_notes (recent),
        flex_recent_get_task_sid (recent),
      };

      append_record (out, values, G_N_ELEMENTS (values));
    }
  return g_string_free (out, FALSE);
}
