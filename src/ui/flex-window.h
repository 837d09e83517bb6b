/* flex-window.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "flex-application.h"
#include "flex-dial-pad.h"
#include "flex-dialer.h"

G_BEGIN_DECLS

#define FLEX_TYPE_WINDOW (flex_window_get_type ())

G_DECLARE_FINAL_TYPE (FlexWindow, flex_window, FLEX, WINDOW, AdwApplicationWindow)

FlexWindow *flex_window_new (FlexApplication *application);
void flex_window_add_toast (FlexWindow *self, const char *message);
void flex_window_set_signed_out (FlexWindow *self, gboolean signed_out, gboolean waiting);
gboolean flex_window_get_signed_out (FlexWindow *self);
void flex_window_show_toast (FlexWindow *self, AdwToast *toast);
const char *flex_window_get_last_toast (FlexWindow *self);
void flex_window_set_search_text (FlexWindow *self, const char *text);
void flex_window_call (FlexWindow *self, const char *number, const char *name);
void flex_window_call_from_outside (FlexWindow *self, const char *number, const char *name);
FlexDialer *flex_window_get_dialer (FlexWindow *self);
AdwMessageDialog *flex_window_get_call_dialog (FlexWindow *self);
FlexDialPad *flex_window_get_dial_pad (FlexWindow *self);

G_END_DECLS
