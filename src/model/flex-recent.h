/* flex-recent.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "flex-sync-map.h"

G_BEGIN_DECLS

#define FLEX_TYPE_RECENT (flex_recent_get_type ())

G_DECLARE_FINAL_TYPE (FlexRecent, flex_recent, FLEX, RECENT, GObject)

FlexRecent *
flex_recent_new_from_item (const FlexSyncItem *item, GTimeZone *time_zone, GError **error);
JsonNode *flex_recent_to_json (FlexRecent *self);
GDateTime *flex_recent_parse_date_time (const char *text,
                                        GDateTime *date_created,
                                        gint64 duration,
                                        GTimeZone *time_zone);

const char *flex_recent_get_key (FlexRecent *self);
const char *flex_recent_get_task_sid (FlexRecent *self);
const char *flex_recent_get_direction (FlexRecent *self);
const char *flex_recent_get_channel_type (FlexRecent *self);
const char *flex_recent_get_customer_address (FlexRecent *self);
const char *flex_recent_get_inbound_address (FlexRecent *self);
const char *flex_recent_get_name (FlexRecent *self);
GDateTime *flex_recent_get_date_time (FlexRecent *self);
gint64 flex_recent_get_duration (FlexRecent *self);
const char *flex_recent_get_queue_name (FlexRecent *self);
const char *flex_recent_get_outcome (FlexRecent *self);
const char *flex_recent_get_notes (FlexRecent *self);
GDateTime *flex_recent_get_date_expires (FlexRecent *self);
const char *flex_recent_get_revision (FlexRecent *self);
const char *flex_recent_get_search_text (FlexRecent *self);
gboolean flex_recent_is_voice (FlexRecent *self);
gboolean flex_recent_is_expired (FlexRecent *self, GDateTime *now);

G_END_DECLS
