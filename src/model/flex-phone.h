/* flex-phone.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * FlexPhoneFormat:
 * @FLEX_PHONE_FORMAT_INTERNATIONAL: `+1 312-555-0142`
 * @FLEX_PHONE_FORMAT_NATIONAL: `(312) 555-0142` for numbers of the home
 *   country, international for the others
 *
 * How numbers are shown (the `phone-number-format` setting). They are always
 * stored and dialled in E.164.
 */
typedef enum
{
  FLEX_PHONE_FORMAT_INTERNATIONAL,
  FLEX_PHONE_FORMAT_NATIONAL,
} FlexPhoneFormat;

/* The longest text read as a phone number (15 digits, with room for
 * spaces, brackets, dashes, a country prefix and an extension), and the
 * longest E.164 (+ and 15 digits). */
#define FLEX_PHONE_MAX_INPUT 64
#define FLEX_PHONE_MAX_E164  16

gboolean flex_phone_is_supported (void);
char *flex_phone_locale_country (void);
char *flex_phone_normalize (const char *input, const char *default_country, GError **error);
char *flex_phone_format (const char *number, FlexPhoneFormat format, const char *home_country);
const char *flex_phone_strip_scheme (const char *address);

G_END_DECLS
