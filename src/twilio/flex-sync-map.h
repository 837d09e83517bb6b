/* flex-sync-map.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "flex-twilio-client.h"

G_BEGIN_DECLS

/* Limits of Sync (DESIGN.md §3): keys of 1–256 characters, data of 16 KiB. */
#define FLEX_SYNC_MAX_KEY_LENGTH 256
#define FLEX_SYNC_MAX_DATA_BYTES (16 * 1024)
#define FLEX_SYNC_PAGE_SIZE      100

/**
 * FlexSyncItem:
 * @key: the item key
 * @revision: the item revision, for `If-Match`
 * @data: the item data, usually an object
 * @date_created: when the item was created
 * @date_updated: when the item was last changed
 * @date_expires: (nullable): when the item expires, if it has a TTL
 * @created_by: (nullable): the identity that created it
 *
 * One Sync map item, immutable once parsed.
 */
typedef struct
{
  char *key;
  char *revision;
  JsonNode *data;
  GDateTime *date_created;
  GDateTime *date_updated;
  GDateTime *date_expires;
  char *created_by;

  /*< private >*/
  gatomicrefcount ref_count;
} FlexSyncItem;

#define FLEX_TYPE_SYNC_ITEM (flex_sync_item_get_type ())

GType flex_sync_item_get_type (void) G_GNUC_CONST;
FlexSyncItem *flex_sync_item_new_from_json (JsonNode *node, GError **error);
FlexSyncItem *flex_sync_item_new_take (const char *key,
                                       const char *revision,
                                       JsonNode *data,
                                       GDateTime *date_created,
                                       GDateTime *date_updated,
                                       GDateTime *date_expires);
FlexSyncItem *flex_sync_item_new (const char *key,
                                  const char *revision,
                                  JsonNode *data,
                                  GDateTime *date_created,
                                  GDateTime *date_updated,
                                  GDateTime *date_expires);
FlexSyncItem *flex_sync_item_ref (FlexSyncItem *item);
void flex_sync_item_unref (FlexSyncItem *item);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlexSyncItem, flex_sync_item_unref)

typedef void (*FlexSyncItemFunc) (FlexSyncItem *item, gpointer user_data);

#define FLEX_TYPE_SYNC_MAP (flex_sync_map_get_type ())

G_DECLARE_FINAL_TYPE (FlexSyncMap, flex_sync_map, FLEX, SYNC_MAP, GObject)

FlexSyncMap *
flex_sync_map_new (FlexTwilioClient *client, const char *service_sid, const char *unique_name);
const char *flex_sync_map_get_unique_name (FlexSyncMap *self);
const char *flex_sync_map_get_service_sid (FlexSyncMap *self);
FlexTwilioClient *flex_sync_map_get_client (FlexSyncMap *self);

void flex_sync_map_fetch_async (FlexSyncMap *self,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data);
char *flex_sync_map_fetch_finish (FlexSyncMap *self, GAsyncResult *result, GError **error);
void flex_sync_map_create_async (FlexSyncMap *self,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data);
char *flex_sync_map_create_finish (FlexSyncMap *self, GAsyncResult *result, GError **error);
void flex_sync_map_delete_async (FlexSyncMap *self,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data);
gboolean flex_sync_map_delete_finish (FlexSyncMap *self, GAsyncResult *result, GError **error);

void flex_sync_map_list_items_async (FlexSyncMap *self,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data);
void flex_sync_map_list_items_each_async (FlexSyncMap *self,
                                          FlexSyncItemFunc item_func,
                                          gpointer item_func_data,
                                          GCancellable *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer user_data);
GPtrArray *flex_sync_map_list_items_finish (FlexSyncMap *self,
                                            GAsyncResult *result,
                                            guint *n_skipped,
                                            GError **error);
void flex_sync_map_get_item_async (FlexSyncMap *self,
                                   const char *key,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data);
void flex_sync_map_create_item_async (FlexSyncMap *self,
                                      const char *key,
                                      JsonNode *data,
                                      guint item_ttl,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data);
void flex_sync_map_update_item_async (FlexSyncMap *self,
                                      const char *key,
                                      JsonNode *data,
                                      const char *if_match,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data);
FlexSyncItem *flex_sync_map_item_finish (FlexSyncMap *self, GAsyncResult *result, GError **error);
void flex_sync_map_delete_item_async (FlexSyncMap *self,
                                      const char *key,
                                      const char *if_match,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data);
gboolean flex_sync_map_delete_item_finish (FlexSyncMap *self, GAsyncResult *result, GError **error);

/**
 * FlexPageTrail:
 *
 * The pages a listing followed (REST next_page_url, CDS next_token): a server
 * whose pages go round, or never end, is not followed for ever.
 */
typedef struct
{
  GHashTable *seen; /* SHA-256 of each page followed, not the page itself */
  guint n_pages;
  guint n_items;
} FlexPageTrail;

void flex_page_trail_init (FlexPageTrail *trail);
void flex_page_trail_clear (FlexPageTrail *trail);
gboolean flex_page_trail_follow (FlexPageTrail *trail, const char *page, GError **error);
gboolean
flex_page_trail_add_items (FlexPageTrail *trail, guint n_items, guint page_size, GError **error);

void flex_sync_map_set_fail_fast_writes (FlexSyncMap *self, gboolean fail_fast);

typedef struct _FlexSyncStream FlexSyncStream;
void flex_sync_map_set_stream (FlexSyncMap *self, FlexSyncStream *stream);

G_END_DECLS
