/* flex-outbox.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "flex-sync-map.h"
#include "flex-sync-stream.h"

G_BEGIN_DECLS

/**
 * FlexOutboxKind:
 * @FLEX_OUTBOX_ADD: create the item (its key is a fresh UUID)
 * @FLEX_OUTBOX_UPDATE: replace the item, based on a revision
 * @FLEX_OUTBOX_DELETE: delete the item, based on a revision
 */
typedef enum
{
  FLEX_OUTBOX_ADD,
  FLEX_OUTBOX_UPDATE,
  FLEX_OUTBOX_DELETE,
} FlexOutboxKind;

/**
 * FlexOutboxState:
 * @FLEX_OUTBOX_PENDING: waiting to be sent
 * @FLEX_OUTBOX_CONFLICT: the server has a newer version: a person decides
 */
typedef enum
{
  FLEX_OUTBOX_PENDING,
  FLEX_OUTBOX_CONFLICT,
} FlexOutboxState;

/**
 * FlexOutboxEntry:
 * @id: a UUID
 * @map: the map's unique name
 * @kind: what to do
 * @key: the item key
 * @data: (nullable): the item data (add, update)
 * @if_match: (nullable): the revision the change is based on
 * @queued_at_us: when it was queued (real time)
 * @state: pending or in conflict
 * @theirs: (nullable): in conflict, the server's data (%NULL: deleted there)
 * @their_revision: (nullable): in conflict, the server's revision
 * @base: (nullable): the server's data the edit started from, for a
 *   three-way merge when it meets theirs
 */
typedef struct
{
  char *id;
  char *map;
  FlexOutboxKind kind;
  char *key;
  JsonNode *data;
  char *if_match;
  gint64 queued_at_us;
  FlexOutboxState state;
  JsonNode *theirs;
  char *their_revision;
  JsonNode *base;
} FlexOutboxEntry;

void flex_outbox_entry_free (FlexOutboxEntry *entry);

#define FLEX_TYPE_OUTBOX (flex_outbox_get_type ())

G_DECLARE_FINAL_TYPE (FlexOutbox, flex_outbox, FLEX, OUTBOX, GObject)

FlexOutbox *flex_outbox_new (const char *path, const char *account_sid);
gboolean flex_outbox_load (FlexOutbox *self, GError **error);
void flex_outbox_set_maps (FlexOutbox *self, const char *const *maps);
void flex_outbox_set_stream (FlexOutbox *self, FlexSyncStream *stream);
const FlexOutboxEntry *flex_outbox_queue (FlexOutbox *self,
                                          const char *map,
                                          FlexOutboxKind kind,
                                          const char *key,
                                          JsonNode *data,
                                          const char *if_match,
                                          GError **error);
guint flex_outbox_get_n_entries (FlexOutbox *self);
const FlexOutboxEntry *flex_outbox_get_entry (FlexOutbox *self, guint index);
const FlexOutboxEntry *flex_outbox_lookup (FlexOutbox *self, const char *map, const char *key);
gboolean flex_outbox_set_base (FlexOutbox *self, const char *id, JsonNode *base, GError **error);
gboolean flex_outbox_discard (FlexOutbox *self, const char *id, GError **error);
gboolean flex_outbox_replace (FlexOutbox *self,
                              const char *id,
                              FlexOutboxKind kind,
                              JsonNode *data,
                              const char *if_match,
                              GError **error);

void flex_outbox_replay_async (FlexOutbox *self,
                               FlexTwilioClient *client,
                               const char *service_sid,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data);
gboolean flex_outbox_replay_finish (FlexOutbox *self, GAsyncResult *result, GError **error);

G_END_DECLS
