/* flex-batch.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "flex-contact.h"
#include "flex-directory.h"

G_BEGIN_DECLS

/* Sync allows 20 writes a second on one map; leave room for the Flex UIs. */
#define FLEX_BATCH_DEFAULT_RATE 10.0

typedef enum
{
  FLEX_BATCH_ADD,
  FLEX_BATCH_UPDATE,
  FLEX_BATCH_DELETE,
} FlexBatchKind;

#define FLEX_TYPE_BATCH (flex_batch_get_type ())

G_DECLARE_FINAL_TYPE (FlexBatch, flex_batch, FLEX, BATCH, GObject)

FlexBatch *flex_batch_new (FlexDirectory *directory);
void flex_batch_add (FlexBatch *self, FlexBatchKind kind, FlexContact *contact);
void flex_batch_set_rate (FlexBatch *self, double writes_per_second);
double flex_batch_get_rate (FlexBatch *self);
guint flex_batch_get_n_total (FlexBatch *self);
guint flex_batch_get_n_done (FlexBatch *self);
guint flex_batch_get_n_failed (FlexBatch *self);
guint flex_batch_get_n_slowed (FlexBatch *self);
guint flex_batch_get_n_written (FlexBatch *self, FlexBatchKind kind);
GPtrArray *flex_batch_get_failures (FlexBatch *self);

void flex_batch_run_async (FlexBatch *self,
                           GCancellable *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer user_data);
gboolean flex_batch_run_finish (FlexBatch *self, GAsyncResult *result, GError **error);

FlexBatch *flex_batch_new_undo (FlexBatch *self);

G_END_DECLS
