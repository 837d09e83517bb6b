/* flex-setup-window.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "flex-sso.h"

#include "flex-account.h"

G_BEGIN_DECLS

#define FLEX_TYPE_SETUP_WINDOW (flex_setup_window_get_type ())

G_DECLARE_FINAL_TYPE (FlexSetupWindow, flex_setup_window, FLEX, SETUP_WINDOW, AdwApplicationWindow)

FlexSetupWindow *flex_setup_window_new (GtkApplication *application);
void flex_setup_window_show_error (FlexSetupWindow *self, const char *message);
const char *flex_setup_window_get_error (FlexSetupWindow *self);
void flex_setup_window_fill (FlexSetupWindow *self,
                             const char *account_sid,
                             const char *key_sid,
                             const char *secret,
                             const char *identity);
void flex_setup_window_sign_in (FlexSetupWindow *self);
void flex_setup_window_fill_flex (FlexSetupWindow *self, const char *address);
void flex_setup_window_sign_in_with_flex (FlexSetupWindow *self);
void flex_setup_window_sign_in_with_console (FlexSetupWindow *self);
FlexSsoTokens *flex_setup_window_take_tokens (FlexSetupWindow *self);
gboolean flex_setup_window_get_busy (FlexSetupWindow *self);

G_END_DECLS
