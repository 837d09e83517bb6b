/* flex-sync-map-private.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "flex-sync-map.h"
#include "flex-sync-stream.h"

G_BEGIN_DECLS

struct _FlexSyncMap
{
  GObject parent_instance;

  FlexTwilioClient *client;
  char *service_sid;
  char *unique_name;
  gboolean fail_fast_writes;

  /* Signed in with Flex: the socket's CDS requests instead of REST, and the
   * map's descriptor once read (its SID and items link). */
  FlexSyncStream *stream;
  FlexSyncMapInfo *cds_info;
};

typedef struct
{
  GPtrArray *items;
  FlexPageTrail trail;
  guint n_skipped;
  FlexSyncItemFunc item_func;
  gpointer item_func_data;
} FlexSyncMapListData;

/* flex-sync-map-cds.c: each takes @task (transfer full), made by the public
 * function with its source tag, and ends it as the REST path would. */
void _flex_sync_map_cds_fetch (FlexSyncMap *self, GTask *task, gboolean create);
void _flex_sync_map_cds_delete_map (FlexSyncMap *self, GTask *task);
void _flex_sync_map_cds_list (FlexSyncMap *self, GTask *task);
void _flex_sync_map_cds_item (FlexSyncMap *self,
                              GTask *task,
                              const char *method,
                              const char *key,
                              JsonNode *data,
                              guint ttl_s,
                              const char *if_match);

G_END_DECLS
