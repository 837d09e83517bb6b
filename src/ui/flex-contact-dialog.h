/* flex-contact-dialog.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "flex-contact.h"

G_BEGIN_DECLS

#define FLEX_TYPE_CONTACT_DIALOG (flex_contact_dialog_get_type ())

G_DECLARE_FINAL_TYPE (FlexContactDialog, flex_contact_dialog, FLEX, CONTACT_DIALOG, AdwWindow)

FlexContactDialog *
flex_contact_dialog_new (FlexContact *contact, gboolean shared, const char *default_country);

G_END_DECLS
