/* flex-export.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "flex-contact.h"
#include "flex-recent.h"

G_BEGIN_DECLS

char *flex_export_contacts_csv (GListModel *contacts, gboolean shared);
char *flex_export_contacts_vcard (GListModel *contacts, gboolean shared);
char *flex_export_recents_csv (GListModel *recents);

G_END_DECLS
