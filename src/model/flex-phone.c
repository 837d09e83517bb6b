/* flex-phone.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flex-phone"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "flex-model-error.h"
#include "flex-phone.h"

/*
 * Phone numbers are stored and dialled in E.164: "+", a country code and the
 * national number, 15 digits at most. People type them in many ways; this
 * accepts the usual separators, a leading "00" for "+", and national numbers
 * of the account's default country (outbound_call_flows.default.location).
 */

typedef struct
{
  const char *country;
  const char *calling_code;
  gboolean drops_trunk_zero;
  guint national_min;
  guint national_max;
} Country;

static const Country countries[] = {
  { "US", "1", FALSE, 10, 10 }, { "CA", "1", FALSE, 10, 10 }, { "GB", "44", TRUE, 9, 10 },
  { "IE", "353", TRUE, 7, 9 },  { "ES", "34", FALSE, 9, 9 },  { "MX", "52", FALSE, 10, 10 },
  { "DE", "49", TRUE, 6, 11 },  { "FR", "33", TRUE, 9, 9 },   { "NL", "31", TRUE, 9, 9 },
  { "IT", "39", FALSE, 6, 11 }, { "JP", "81", TRUE, 9, 10 },  { "AU", "61", TRUE, 9, 9 },
  { "IN", "91", TRUE, 10, 10 }, { "BR", "55", TRUE, 10, 11 },
};

static const Country *
find_country (const char *code)
{
  for (guint i = 0; code != NULL && i < G_N_ELEMENTS (countries); i++)
    if (g_ascii_strcasecmp (countries[i].country, code) == 0)
      return &countries[i];
  return NULL;
}

/**
 * flex_phone_normalize:
 * @input: what the person typed
 * @default_country: (nullable): an ISO 3166 country code for national
 *   numbers, e.g. `US`
 *
 * Returns: (transfer full) (nullable): the number in E.164, or %NULL with
 *   %FLEX_MODEL_ERROR_INVALID and a message for a person
 */
char *
flex_phone_normalize (const char *input, const char *default_country, GError **error)
{
  g_autoptr (GString) digits = g_string_new (NULL);
  gboolean international = FALSE;
  const Country *country;
  const char *p;

  if (input == NULL)
    input = "";

  p = input;
  while (g_ascii_isspace (*p))
    p++;
  if (*p == '+')
    {
      international = TRUE;
      p++;
    }

  for (; *p != '\0'; p++)
    {
      if (g_ascii_isdigit (*p))
        g_string_append_c (digits, *p);
      else if (strchr (" -.()/\t", *p) == NULL)
        {
          g_set_error (error, FLEX_MODEL_ERROR, FLEX_MODEL_ERROR_INVALID,
                       _ ("A phone number can only hold digits, spaces, dashes, dots and "
                          "brackets"));
          return NULL;
        }
    }

  if (digits->len == 0)
    {
      g_set_error (error, FLEX_MODEL_ERROR, FLEX_MODEL_ERROR_INVALID, _ ("Enter a phone number"));
      return NULL;
    }

  if (!international && g_str_has_prefix (digits->str, "00"))
    {
      g_string_erase (digits, 0, 2);
      international = TRUE;
    }

  if (!international)
    {
      country = find_country (default_country);
      if (country == NULL)
        {
          g_set_error (error, FLEX_MODEL_ERROR, FLEX_MODEL_ERROR_INVALID,
                       _ ("Enter the number with its country code, starting with +"));
          return NULL;
        }

      /* North America: an optional leading 1. */
      if (g_str_equal (country->calling_code, "1") && digits->len == 11 && digits->str[0] == '1')
        g_string_erase (digits, 0, 1);
      else if (country->drops_trunk_zero && digits->str[0] == '0')
        g_string_erase (digits, 0, 1);

      if (digits->len < country->national_min || digits->len > country->national_max)
        {
          g_set_error (error, FLEX_MODEL_ERROR, FLEX_MODEL_ERROR_INVALID,
                       _ ("This is not a valid phone number; add the country code, starting "
                          "with +"));
          return NULL;
        }
      g_string_prepend (digits, country->calling_code);
    }

  /* E.164: a country code that does not start with 0, 15 digits at most. The
   * shortest numbers in use have 8 digits with their country code. */
  if (digits->str[0] == '0' || digits->len < 8 || digits->len > 15)
    {
      g_set_error (error, FLEX_MODEL_ERROR, FLEX_MODEL_ERROR_INVALID,
                   _ ("This is not a valid international phone number"));
      return NULL;
    }

  g_string_prepend_c (digits, '+');
  return g_string_free (g_steal_pointer (&digits), FALSE);
}
