/* flex-sync-stream.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "flex-sync-map.h"
#include "flex-twilsock.h"

G_BEGIN_DECLS

#define FLEX_CDS_DEFAULT_URL "https://cds.us1.twilio.com"

/**
 * FlexSyncEventType:
 * @FLEX_SYNC_EVENT_ITEM_ADDED: `map_item_added`
 * @FLEX_SYNC_EVENT_ITEM_UPDATED: `map_item_updated`
 * @FLEX_SYNC_EVENT_ITEM_REMOVED: `map_item_removed`
 * @FLEX_SYNC_EVENT_MAP_REMOVED: `map_removed`: the subscription is over
 */
typedef enum
{
  FLEX_SYNC_EVENT_ITEM_ADDED,
  FLEX_SYNC_EVENT_ITEM_UPDATED,
  FLEX_SYNC_EVENT_ITEM_REMOVED,
  FLEX_SYNC_EVENT_MAP_REMOVED,
} FlexSyncEventType;

/**
 * FlexSyncEvent:
 * @type: what happened
 * @map_sid: the map
 * @id: the event id (per map, increasing)
 * @key: (nullable): the item key (not for %FLEX_SYNC_EVENT_MAP_REMOVED)
 * @item: (nullable): the item as it is now (added and updated only)
 * @map_revision: (nullable): the map's revision after the change
 *
 * One change of a subscribed map, pushed by the service.
 */
typedef struct
{
  FlexSyncEventType type;
  char *map_sid;
  gint64 id;
  char *key;
  FlexSyncItem *item;
  char *map_revision;
} FlexSyncEvent;

void flex_sync_event_free (FlexSyncEvent *event);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlexSyncEvent, flex_sync_event_free)

/**
 * FlexSyncMapInfo:
 * @sid: the map SID
 * @unique_name: (nullable): its unique name
 * @revision: its revision
 * @last_event_id: the id of its last event
 * @items_url: where its items are listed and written
 */
typedef struct
{
  char *sid;
  char *unique_name;
  char *revision;
  gint64 last_event_id;
  char *items_url;
} FlexSyncMapInfo;

void flex_sync_map_info_free (FlexSyncMapInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlexSyncMapInfo, flex_sync_map_info_free)

/**
 * FlexSyncSubscriptionState:
 * @FLEX_SYNC_SUBSCRIPTION_PENDING: asked for, not confirmed yet
 * @FLEX_SYNC_SUBSCRIPTION_LIVE: established; missed events were replayed
 * @FLEX_SYNC_SUBSCRIPTION_LOST: the service cannot replay what was missed,
 *   refused, or the map was removed: the owner must list the map again
 */
typedef enum
{
  FLEX_SYNC_SUBSCRIPTION_PENDING,
  FLEX_SYNC_SUBSCRIPTION_LIVE,
  FLEX_SYNC_SUBSCRIPTION_LOST,
} FlexSyncSubscriptionState;

#define FLEX_TYPE_SYNC_STREAM (flex_sync_stream_get_type ())

G_DECLARE_FINAL_TYPE (FlexSyncStream, flex_sync_stream, FLEX, SYNC_STREAM, GObject)

FlexSyncStream *flex_sync_stream_new (FlexTwilsock *socket, const char *cds_url);
FlexTwilsock *flex_sync_stream_get_socket (FlexSyncStream *self);
void flex_sync_stream_set_retry_delay (FlexSyncStream *self, guint min_ms, guint max_ms);

void flex_sync_stream_open_map_async (FlexSyncStream *self,
                                      const char *unique_name,
                                      gboolean create,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data);
FlexSyncMapInfo *
flex_sync_stream_open_map_finish (FlexSyncStream *self, GAsyncResult *result, GError **error);

void flex_sync_stream_list_items_async (FlexSyncStream *self,
                                        const FlexSyncMapInfo *info,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer user_data);
GPtrArray *flex_sync_stream_list_items_finish (FlexSyncStream *self,
                                               GAsyncResult *result,
                                               guint *n_skipped,
                                               GError **error);

void flex_sync_stream_put_item_async (FlexSyncStream *self,
                                      const FlexSyncMapInfo *info,
                                      const char *key,
                                      JsonNode *data,
                                      guint ttl_s,
                                      const char *if_match,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data);
char *flex_sync_stream_put_item_finish (FlexSyncStream *self,
                                        GAsyncResult *result,
                                        gboolean *added,
                                        GError **error);
void flex_sync_stream_delete_item_async (FlexSyncStream *self,
                                         const FlexSyncMapInfo *info,
                                         const char *key,
                                         const char *if_match,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer user_data);
gboolean
flex_sync_stream_delete_item_finish (FlexSyncStream *self, GAsyncResult *result, GError **error);

void flex_sync_stream_get_item_async (FlexSyncStream *self,
                                      const FlexSyncMapInfo *info,
                                      const char *key,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data);
FlexSyncItem *
flex_sync_stream_get_item_finish (FlexSyncStream *self, GAsyncResult *result, GError **error);
void flex_sync_stream_delete_map_async (FlexSyncStream *self,
                                        const FlexSyncMapInfo *info,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer user_data);

void flex_sync_stream_subscribe (FlexSyncStream *self, const char *map_sid, gint64 last_event_id);
void flex_sync_stream_unsubscribe (FlexSyncStream *self, const char *map_sid);
FlexSyncSubscriptionState
flex_sync_stream_get_subscription_state (FlexSyncStream *self, const char *map_sid);
gint64 flex_sync_stream_get_last_event_id (FlexSyncStream *self, const char *map_sid);

G_END_DECLS
