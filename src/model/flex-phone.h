/* flex-phone.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *flex_phone_normalize (const char *input, const char *default_country, GError **error);

G_END_DECLS
