/* flex-map-feed.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "flex-directory.h"
#include "flex-sync-stream.h"

G_BEGIN_DECLS

/* While push is healthy, the directory still checks its map this often. */
#define FLEX_MAP_FEED_SAFETY_INTERVAL (15 * 60)

#define FLEX_TYPE_MAP_FEED (flex_map_feed_get_type ())

G_DECLARE_FINAL_TYPE (FlexMapFeed, flex_map_feed, FLEX, MAP_FEED, GObject)

FlexMapFeed *flex_map_feed_new (FlexDirectory *directory, FlexSyncStream *stream);
FlexDirectory *flex_map_feed_get_directory (FlexMapFeed *self);
gboolean flex_map_feed_get_live (FlexMapFeed *self);
const char *flex_map_feed_get_map_sid (FlexMapFeed *self);
void flex_map_feed_set_poll_interval (FlexMapFeed *self, guint seconds);
void flex_map_feed_set_fallback_delay (FlexMapFeed *self, guint milliseconds);

G_END_DECLS
