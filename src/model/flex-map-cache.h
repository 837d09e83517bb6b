/* flex-map-cache.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "flex-sync-map.h"

G_BEGIN_DECLS

#define FLEX_MAP_CACHE_VERSION 1

/**
 * FlexMapSnapshot:
 * @revision: (nullable): the map revision the items are at
 * @last_event_id: the map's last event id then, -1 when unknown
 * @saved_at_us: when it was saved (real time, µs)
 * @items: (element-type FlexSyncItem): the items
 */
typedef struct
{
  char *revision;
  gint64 last_event_id;
  gint64 saved_at_us;
  GPtrArray *items;
} FlexMapSnapshot;

FlexMapSnapshot *flex_map_snapshot_new (const char *revision, gint64 last_event_id);
void flex_map_snapshot_free (FlexMapSnapshot *snapshot);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlexMapSnapshot, flex_map_snapshot_free)

#define FLEX_TYPE_MAP_CACHE (flex_map_cache_get_type ())

G_DECLARE_FINAL_TYPE (FlexMapCache, flex_map_cache, FLEX, MAP_CACHE, GObject)

char *flex_map_cache_default_directory (const char *account_sid);
FlexMapCache *flex_map_cache_new (const char *directory, const char *account_sid);
const char *flex_map_cache_get_directory (FlexMapCache *self);
gboolean flex_map_cache_save (FlexMapCache *self,
                              const char *map_name,
                              const FlexMapSnapshot *snapshot,
                              GError **error);
FlexMapSnapshot *flex_map_cache_load (FlexMapCache *self, const char *map_name, GError **error);
gboolean flex_map_cache_save_document (
    FlexMapCache *self, const char *name, const char *format, JsonNode *content, GError **error);
JsonNode *flex_map_cache_load_document (FlexMapCache *self,
                                        const char *name,
                                        const char *format,
                                        GError **error);
gboolean flex_map_cache_delete_all (FlexMapCache *self, GError **error);

G_END_DECLS
