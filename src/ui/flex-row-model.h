/* flex-row-model.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define FLEX_TYPE_ROW_SLOT (flex_row_slot_get_type ())

G_DECLARE_FINAL_TYPE (FlexRowSlot, flex_row_slot, FLEX, ROW_SLOT, GObject)

gpointer flex_row_slot_get_item (FlexRowSlot *self);

#define FLEX_TYPE_ROW_MODEL (flex_row_model_get_type ())

G_DECLARE_FINAL_TYPE (FlexRowModel, flex_row_model, FLEX, ROW_MODEL, GObject)

FlexRowModel *flex_row_model_new (GListModel *model, gboolean selectable);
GListModel *flex_row_model_get_model (FlexRowModel *self);
gpointer flex_row_model_get_row_item (FlexRowModel *self, guint position);
void flex_row_model_refresh (FlexRowModel *self);
void flex_row_model_set_pacer (FlexRowModel *self, GtkWidget *pacer);

G_END_DECLS
