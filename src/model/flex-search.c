/* flex-search.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flex-search"

#include "config.h"

#include "flex-search.h"

#include <string.h>

/*
 * Search that forgives: the rows' text and what the person types are folded
 * the same way, accents and case aside ("angstrom" finds "Ångström", "zoe"
 * finds "Zoë"), and a search that looks like a phone number is compared by
 * its digits alone ("(312) 555-0142", "312.555.0142" and "5550142" find
 * +13125550142).
 */

/**
 * flex_search_fold:
 *
 * Returns: (transfer full): @text decomposed, without combining marks,
 *   casefolded
 */
char *
flex_search_fold (const char *text)
{
  g_autofree char *decomposed = NULL;
  g_autofree char *folded = NULL;
  GString *bare;

  if (text == NULL)
    return g_strdup ("");
  /* Compatibility decomposition: "ﬁ" → "fi", "Å" → "A" + ring. */
  decomposed = g_utf8_normalize (text, -1, G_NORMALIZE_NFKD);
  if (decomposed == NULL)
    return g_utf8_casefold (text, -1);
  bare = g_string_sized_new (strlen (decomposed));
  for (const char *p = decomposed; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!g_unichar_ismark (c))
        g_string_append_unichar (bare, c);
    }
  folded = g_utf8_casefold (bare->str, bare->len);
  g_string_free (bare, TRUE);
  return g_steal_pointer (&folded);
}

/**
 * flex_search_digits:
 *
 * Returns: (transfer full): the ASCII digits of @text, in order
 */
char *
flex_search_digits (const char *text)
{
  GString *digits = g_string_new (NULL);

  for (const char *p = text != NULL ? text : ""; *p != '\0'; p++)
    if (g_ascii_isdigit (*p))
      g_string_append_c (digits, *p);
  return g_string_free (digits, FALSE);
}

/**
 * flex_search_needle:
 *
 * What to look for in the folded texts: the digits alone when @text reads
 * like a phone number (digits with spaces, dots, dashes, slashes,
 * parentheses or a leading +, at least three digits), else @text folded.
 *
 * Returns: (transfer full): the needle
 */
char *
flex_search_needle (const char *text)
{
  guint n_digits = 0;
  gboolean phone_like = text != NULL && *text != '\0';

  for (const char *p = text != NULL ? text : ""; *p != '\0' && phone_like; p++)
    {
      if (g_ascii_isdigit (*p))
        n_digits++;
      else if (strchr (" .-/()+", *p) == NULL)
        phone_like = FALSE;
    }
  if (phone_like && n_digits >= 3)
    return flex_search_digits (text);
  {
    /* Words, one space between them, none around: "  " searches nothing
     * (every row), " amy" finds Amy. */
    g_autofree char *folded = flex_search_fold (text);
    g_auto (GStrv) words = g_strsplit_set (folded, " \t\n\r", -1);
    GString *needle = g_string_new (NULL);

    for (guint i = 0; words[i] != NULL; i++)
      if (*words[i] != '\0')
        {
          if (needle->len > 0)
            g_string_append_c (needle, ' ');
          g_string_append (needle, words[i]);
        }
    return g_string_free (needle, FALSE);
  }
}

/**
 * flex_search_matches:
 * @haystack: a row's folded search text
 * @needle: from flex_search_needle()
 *
 * Returns: whether every word of @needle is somewhere in @haystack, in any
 *   order ("desk billing" finds "Billing Desk")
 */
gboolean
flex_search_matches (const char *haystack, const char *needle)
{
  const char *space;

  if (needle == NULL || *needle == '\0')
    return TRUE;
  if (haystack == NULL)
    return FALSE;
  /* One word, the usual case: no copy. */
  space = strchr (needle, ' ');
  if (space == NULL)
    return strstr (haystack, needle) != NULL;
  {
    g_auto (GStrv) words = g_strsplit (needle, " ", -1);

    for (guint i = 0; words[i] != NULL; i++)
      if (*words[i] != '\0' && strstr (haystack, words[i]) == NULL)
        return FALSE;
  }
  return TRUE;
}
