/* flex-reverse-model.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define FLEX_TYPE_REVERSE_MODEL (flex_reverse_model_get_type ())

G_DECLARE_FINAL_TYPE (FlexReverseModel, flex_reverse_model, FLEX, REVERSE_MODEL, GObject)

FlexReverseModel *flex_reverse_model_new (GListModel *model);
void flex_reverse_model_set_reversed (FlexReverseModel *self, gboolean reversed);
gboolean flex_reverse_model_get_reversed (FlexReverseModel *self);

G_END_DECLS
