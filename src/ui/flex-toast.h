/* flex-toast.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

AdwToast *flex_toast_new (const char *text);
const char *flex_toast_get_text (AdwToast *toast);

G_END_DECLS
