/* flex-confirm.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

AdwMessageDialog *flex_confirm_dialog_new (GtkWidget *anchor,
                                           const char *heading,
                                           const char *body,
                                           const char *response,
                                           const char *label,
                                           AdwResponseAppearance appearance);

G_END_DECLS
