/* test-search.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Search that forgives: accents and case aside, phone numbers by their
 * digits, the same folding for rows and for what is typed.
 */

#include "config.h"

#include <string.h>

#include "flex-contact.h"
#include "flex-search.h"

static gboolean
finds (FlexContact *contact, const char *typed)
{
  g_autofree char *needle = flex_search_needle (typed);

  /* As the lists filter. */
  return flex_search_matches (flex_contact_get_search_text (contact), needle);
}

static void
test_search_fold (void)
{
  g_autofree char *angstrom = flex_search_fold ("Ångström");
  g_autofree char *zoe = flex_search_fold ("ZOË");
  g_autofree char *ligature = flex_search_fold ("ﬁle");

  g_assert_cmpstr (angstrom, ==, "angstrom");
  g_assert_cmpstr (zoe, ==, "zoe");
  g_assert_cmpstr (ligature, ==, "file");
}

static void
test_search_needle (void)
{
  g_autofree char *phone = flex_search_needle ("(312) 555-0142");
  g_autofree char *dotted = flex_search_needle ("+1 312.555.0142");
  g_autofree char *short_digits = flex_search_needle ("12");
  g_autofree char *words = flex_search_needle ("Suite 12");

  g_assert_cmpstr (phone, ==, "3125550142");
  g_assert_cmpstr (dotted, ==, "13125550142");
  /* Too short to be a number: searched as text. */
  g_assert_cmpstr (short_digits, ==, "12");
  g_assert_cmpstr (words, ==, "suite 12");
}

/* Spaces do not count, and words match in any order: every word must be
 * somewhere in the row (issue 21). */
static void
test_search_words (void)
{
  g_autoptr (FlexContact) desk = flex_contact_new ("k", "Billing Desk", "+13125550142", NULL);
  g_autofree char *spaces = flex_search_needle ("    ");
  g_autofree char *padded = flex_search_needle ("  desk   billing ");

  g_assert_cmpstr (spaces, ==, "");
  g_assert_cmpstr (padded, ==, "desk billing");
  g_assert_true (finds (desk, "   "));
  g_assert_true (finds (desk, " billing"));
  g_assert_true (finds (desk, "desk billing"));
  g_assert_true (finds (desk, "bill desk"));
  g_assert_false (finds (desk, "desk payroll"));
}

static void
test_search_finds (void)
{
  g_autoptr (FlexContact) contact =
      flex_contact_new ("k", "Zoë Ångström", "+13125550142", "Prefers mornings");

  g_assert_true (finds (contact, "angstrom"));
  g_assert_true (finds (contact, "zoe"));
  g_assert_true (finds (contact, "ZOË"));
  g_assert_true (finds (contact, "(312) 555-0142"));
  g_assert_true (finds (contact, "312.555.0142"));
  g_assert_true (finds (contact, "5550142"));
  g_assert_true (finds (contact, "+1 312 555 0142"));
  g_assert_true (finds (contact, "mornings"));
  g_assert_false (finds (contact, "zoey"));
  g_assert_false (finds (contact, "(312) 555-0143"));

  /* An edit is searched as it is now. */
  flex_contact_set_name (contact, "Émile");
  g_assert_true (finds (contact, "emile"));
  g_assert_false (finds (contact, "angstrom"));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/search/fold", test_search_fold);
  g_test_add_func ("/search/needle", test_search_needle);
  g_test_add_func ("/search/finds", test_search_finds);
  g_test_add_func ("/search/words", test_search_words);
  return g_test_run ();
}
