/* flex-phone.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Phone numbers through libphonenumber, by way of evolution-data-server's
 * EPhoneNumber (the C API GNOME Calls and Contacts use). Numbers are stored
 * and dialled in E.164, as the Flex plugin stores them; people type and
 * import them in any form, and see them in international or national form.
 */

#define G_LOG_DOMAIN "flex-phone"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

/* EDS's umbrella header pulls in deprecated GLib API (GTimeVal). */
G_GNUC_BEGIN_IGNORE_DEPRECATIONS
#include <libebook-contacts/libebook-contacts.h>
G_GNUC_END_IGNORE_DEPRECATIONS

#include "flex-model-error.h"
#include "flex-phone.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EPhoneNumber, e_phone_number_free)

/* "Unknown region" to libphonenumber: only numbers with "+" parse. */
#define NO_REGION "ZZ"

/**
 * flex_phone_is_supported:
 *
 * Returns: whether EDS was built with libphonenumber (Debian's and our
 *   Flatpak's are); without it no number can be read
 */
gboolean
flex_phone_is_supported (void)
{
  return e_phone_number_is_supported ();
}

/**
 * flex_phone_locale_country:
 *
 * Returns: (transfer full) (nullable): the country of the person's locale
 *   (`LC_ADDRESS`, else the language settings), e.g. `GB` for `en_GB.UTF-8`;
 *   %NULL for `C` and other locales without one
 */
char *
flex_phone_locale_country (void)
{
  const char *const *names = g_get_language_names_with_category ("LC_ADDRESS");

  for (guint i = 0; names[i] != NULL; i++)
    {
      const char *underscore = strchr (names[i], '_');

      if (underscore != NULL && g_ascii_isalpha (underscore[1]) &&
          g_ascii_isalpha (underscore[2]) &&
          (underscore[3] == '\0' || underscore[3] == '.' || underscore[3] == '@'))
        return g_ascii_strup (underscore + 1, 2);
    }
  return NULL;
}

static gboolean
has_country (const char *country)
{
  return country != NULL && strlen (country) == 2 && g_ascii_isalpha (country[0]) &&
         g_ascii_isalpha (country[1]);
}

static gpointer
invalid (GError **error, const char *message)
{
  g_set_error_literal (error, FLEX_MODEL_ERROR, FLEX_MODEL_ERROR_INVALID, message);
  return NULL;
}

/* libphonenumber formats a number only when it fits one of its country's
 * patterns; a number it leaves as one run of digits does not exist there
 * (`+420 123456789`: no Czech number starts with 1). */
static gboolean
fits_numbering_plan (const char *international)
{
  const char *national = strchr (international, ' ');

  return national != NULL && strpbrk (national + 1, " -()") != NULL;
}

static char *normalize (const char *input, const char *default_country, GError **error);

/**
 * flex_phone_normalize:
 * @input: what the person typed or a file held
 * @default_country: (nullable): the ISO 3166 country of numbers given
 *   without one (the Flex configuration's), e.g. `US`; %NULL: the locale's
 *
 * Reads a number the way libphonenumber does (spaces, dashes, dots,
 * brackets, letters of vanity numbers, `00`/`011` before a country code),
 * and refuses one that cannot be dialled, saying why.
 *
 * Returns: (transfer full) (nullable): the number in E.164, or %NULL with
 *   %FLEX_MODEL_ERROR_INVALID and a message for a person
 */
char *
flex_phone_normalize (const char *input, const char *default_country, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  char *e164 = normalize (input, default_country, &local_error);

  /* "00" is how most of the world dials abroad; where it is not (the
   * United States: "011"), a number starting with it is still meant so. */
  if (e164 == NULL && input != NULL)
    {
      const char *p = input;

      while (g_ascii_isspace (*p))
        p++;
      if (g_str_has_prefix (p, "00"))
        {
          g_autofree char *plus = g_strconcat ("+", p + 2, NULL);

          e164 = normalize (plus, default_country, NULL);
        }
    }
  if (e164 == NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return e164;
}

static char *
normalize (const char *input, const char *default_country, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (EPhoneNumber) number = NULL;
  g_autofree char *region = NULL;
  g_autofree char *international = NULL;
  g_autofree char *trimmed = g_strstrip (g_strdup (input != NULL ? input : ""));
  g_autofree char *e164 = NULL;
  gsize digits;

  if (*trimmed == '\0')
    return invalid (error, _ ("Enter a phone number"));
  /* libphonenumber's parsing is quadratic in the length (20,000 digits
   * blocked the main loop 3.6 s): a number has at most 15 digits, and
   * FLEX_PHONE_MAX_INPUT leaves room for any way of writing one. Every entry
   * point (tel: links, --dial, imports, the dial pad, the lists) comes
   * through here. */
  if (strlen (trimmed) > FLEX_PHONE_MAX_INPUT)
    return invalid (error, _ ("This number is too long"));
  if (!flex_phone_is_supported ())
    return invalid (error, _ ("Phone numbers cannot be read: this build of "
                              "evolution-data-server has no libphonenumber"));

  /* libphonenumber finds a number in any text; an address of another kind
   * (`whatsapp:+55…`, `sip:…@…`) is not one to call. */
  if (strpbrk (trimmed, ":@;,") != NULL)
    return invalid (error, _ ("This is not a phone number"));

  region = has_country (default_country) ? g_ascii_strup (default_country, -1)
                                         : flex_phone_locale_country ();
  number = e_phone_number_from_string (trimmed, region != NULL ? region : NO_REGION, &local_error);
  if (number == NULL)
    {
      if (g_error_matches (local_error, E_PHONE_NUMBER_ERROR,
                           E_PHONE_NUMBER_ERROR_INVALID_COUNTRY_CODE))
        return invalid (error, *trimmed == '+'
                                   ? _ ("No country has this calling code")
                                   : _ ("Enter the number with its country code, starting "
                                        "with +"));
      if (g_error_matches (local_error, E_PHONE_NUMBER_ERROR, E_PHONE_NUMBER_ERROR_TOO_LONG))
        return invalid (error, _ ("This number is too long"));
      if (g_error_matches (local_error, E_PHONE_NUMBER_ERROR, E_PHONE_NUMBER_ERROR_TOO_SHORT) ||
          g_error_matches (local_error, E_PHONE_NUMBER_ERROR,
                           E_PHONE_NUMBER_ERROR_TOO_SHORT_AFTER_IDD))
        return invalid (error, _ ("This number is too short"));
      return invalid (error, _ ("This is not a phone number"));
    }

  e164 = e_phone_number_to_string (number, E_PHONE_NUMBER_FORMAT_E164);
  international = e_phone_number_to_string (number, E_PHONE_NUMBER_FORMAT_INTERNATIONAL);
  digits = e164 != NULL ? strlen (e164) - 1 : 0;
  if (e164 == NULL || international == NULL || e164[0] != '+')
    return invalid (error, _ ("This is not a phone number"));
  if (strstr (international, " ext") != NULL)
    return invalid (error, _ ("Flex cannot dial extensions: remove the extension"));
  if (digits > 15)
    return invalid (error, _ ("This number is too long"));
  if (digits < 7)
    return invalid (error, _ ("This number is too short"));
  if (!fits_numbering_plan (international))
    {
      g_autofree char *message =
          g_strdup_printf (_ ("No number of country code +%d looks like this: check the digits"),
                           e_phone_number_get_country_code (number, NULL));

      return invalid (error, message);
    }
  return g_steal_pointer (&e164);
}

/**
 * flex_phone_format:
 * @number: a stored number (E.164), or anything a recent holds
 * @format: how the person wants numbers shown
 * @home_country: (nullable): the country whose numbers may show in national
 *   form; %NULL: the locale's
 *
 * Returns: (transfer full): @number for a person to read; @number itself when
 *   it is no phone number (a client id, a SIP address)
 */
char *
flex_phone_format (const char *number, FlexPhoneFormat format, const char *home_country)
{
  g_autoptr (EPhoneNumber) parsed = NULL;
  g_autofree char *international = NULL;
  g_autofree char *locale_country = NULL;

  /* E.164 is at most 16 characters: anything longer is shown as it is,
   * never handed to libphonenumber (a 16,000-digit number took 4 s). */
  if (number == NULL || number[0] != '+' || strlen (number) > FLEX_PHONE_MAX_E164 ||
      !flex_phone_is_supported ())
    return g_strdup (number != NULL ? number : "");
  parsed = e_phone_number_from_string (number, NO_REGION, NULL);
  if (parsed == NULL)
    return g_strdup (number);
  international = e_phone_number_to_string (parsed, E_PHONE_NUMBER_FORMAT_INTERNATIONAL);
  if (format == FLEX_PHONE_FORMAT_NATIONAL && !has_country (home_country))
    home_country = locale_country = flex_phone_locale_country ();
  if (format == FLEX_PHONE_FORMAT_NATIONAL && has_country (home_country))
    {
      /* National form only when, dialled from home, it is this number. */
      g_autofree char *national = e_phone_number_to_string (parsed, E_PHONE_NUMBER_FORMAT_NATIONAL);
      g_autoptr (EPhoneNumber) again = e_phone_number_from_string (national, home_country, NULL);
      g_autofree char *e164 = e_phone_number_to_string (parsed, E_PHONE_NUMBER_FORMAT_E164);
      g_autofree char *again_e164 =
          again != NULL ? e_phone_number_to_string (again, E_PHONE_NUMBER_FORMAT_E164) : NULL;

      if (g_strcmp0 (e164, again_e164) == 0)
        return g_steal_pointer (&national);
    }
  return international != NULL ? g_steal_pointer (&international) : g_strdup (number);
}

/**
 * flex_phone_strip_scheme:
 * @address: a customer's address as Flex has it
 *
 * Returns: (transfer none): the number of "whatsapp:+55…" or "sms:…" (after
 *   the scheme); any other address as it is
 */
const char *
flex_phone_strip_scheme (const char *address)
{
  const char *colon = address != NULL ? strchr (address, ':') : NULL;

  return colon != NULL && address[0] != '+' ? colon + 1 : address;
}
