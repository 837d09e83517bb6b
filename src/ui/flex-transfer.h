/* flex-transfer.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "flex-directory.h"

G_BEGIN_DECLS

void flex_transfer_import (GtkWidget *anchor,
                           FlexDirectory *directory,
                           gboolean shared,
                           const char *default_country,
                           GFile *file);
void flex_transfer_delete (GtkWidget *anchor, FlexDirectory *directory, GPtrArray *contacts);
void flex_transfer_undo (GtkWidget *anchor);
gboolean flex_transfer_can_undo (GtkWidget *anchor);

enum
{
  FLEX_EXPORT_CSV,
  FLEX_EXPORT_VCARD,
};

gboolean flex_transfer_export_target (int chosen, const char *name, char **target);
void flex_transfer_export (GtkWidget *anchor, GListModel *items, FlexDirectoryKind kind);
gboolean flex_transfer_export_to (
    GListModel *items, FlexDirectoryKind kind, gboolean vcard, GFile *file, GError **error);

G_END_DECLS
