/* flex-search.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *flex_search_fold (const char *text);
char *flex_search_digits (const char *text);
char *flex_search_needle (const char *text);
gboolean flex_search_matches (const char *haystack, const char *needle);

G_END_DECLS
