/* flex-dial-pad.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "flex-dialer.h"
#include "flex-phone.h"

G_BEGIN_DECLS

#define FLEX_TYPE_DIAL_PAD (flex_dial_pad_get_type ())

G_DECLARE_FINAL_TYPE (FlexDialPad, flex_dial_pad, FLEX, DIAL_PAD, AdwWindow)

FlexDialPad *flex_dial_pad_new (GtkWindow *parent, FlexDialer *dialer);
GListModel *flex_dial_pad_get_results (FlexDialPad *self);
void flex_dial_pad_set_text (FlexDialPad *self, const char *text);
void flex_dial_pad_set_phone_format (FlexDialPad *self,
                                     FlexPhoneFormat format,
                                     const char *home_country);

G_END_DECLS
