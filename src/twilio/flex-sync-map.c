/* flex-sync-map.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flex-sync"

#include "config.h"

#include <string.h>

#include "flex-sync-map.h"

#include "flex-sync-map-private.h"

/*
 * FlexSyncMap: one Sync map of one Sync service, addressed by its unique name,
 * over the REST API (DESIGN.md §3), or over the socket's CDS requests when
 * signed in with Flex (flex_sync_map_set_stream(), flex-sync-map-cds.c). Writes follow the Flex SDK's
 * open-or-create behaviour: when the map does not exist, it is created and the
 * write is retried once.
 */

/* A server that keeps giving next pages beyond this is broken, not big. */
/* Budgets of one listing: a server whose pages never end, are huge, or
 * carry more than was asked for is not followed for ever. 100,000 contacts
 * are 1,000 pages of 100. */
#define MAX_PAGES       10000
#define MAX_ITEMS       1000000
#define MAX_PAGE_LENGTH 8192

void
flex_page_trail_init (FlexPageTrail *trail)
{
  trail->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  trail->n_pages = 0;
  trail->n_items = 0;
}

void
flex_page_trail_clear (FlexPageTrail *trail)
{
  g_clear_pointer (&trail->seen, g_hash_table_unref);
}

/**
 * flex_page_trail_follow:
 * @page: the next page (its URL or token)
 *
 * Returns: %TRUE when @page may be asked for; %FALSE with
 *   %FLEX_TWILIO_ERROR_MALFORMED when it was followed already, or after
 *   MAX_PAGES pages
 */
gboolean
flex_page_trail_follow (FlexPageTrail *trail, const char *page, GError **error)
{
  gsize length = strlen (page);

  if (length > MAX_PAGE_LENGTH)
    {
      g_set_error (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_MALFORMED,
                   "The server's next page is named by %" G_GSIZE_FORMAT " bytes", length);
      return FALSE;
    }
  if (trail->n_pages >= MAX_PAGES ||
      !g_hash_table_add (trail->seen,
                         g_compute_checksum_for_string (G_CHECKSUM_SHA256, page, (gssize) length)))
    {
      g_set_error_literal (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_MALFORMED,
                           "The server's pages of map items go round in a circle");
      return FALSE;
    }
  trail->n_pages++;
  return TRUE;
}

/**
 * flex_page_trail_add_items:
 * @n_items: the items of the page just read
 * @page_size: how many were asked for
 *
 * Returns: %FALSE with %FLEX_TWILIO_ERROR_MALFORMED for a page larger than
 *   asked, or when the listing passes MAX_ITEMS items
 */
gboolean
flex_page_trail_add_items (FlexPageTrail *trail, guint n_items, guint page_size, GError **error)
{
  if (n_items > page_size)
    {
      g_set_error (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_MALFORMED,
                   "A page holds %u items where %u were asked for", n_items, page_size);
      return FALSE;
    }
  if (n_items > MAX_ITEMS - MIN (trail->n_items, MAX_ITEMS))
    {
      g_set_error (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_MALFORMED,
                   "The listing goes past %u items", MAX_ITEMS);
      return FALSE;
    }
  trail->n_items += n_items;
  return TRUE;
}

G_DEFINE_FINAL_TYPE (FlexSyncMap, flex_sync_map, G_TYPE_OBJECT)

/* FlexSyncItem */

G_DEFINE_BOXED_TYPE (FlexSyncItem, flex_sync_item, flex_sync_item_ref, flex_sync_item_unref)

FlexSyncItem *
flex_sync_item_ref (FlexSyncItem *item)
{
  g_return_val_if_fail (item != NULL, NULL);

  g_atomic_ref_count_inc (&item->ref_count);
  return item;
}

void
flex_sync_item_unref (FlexSyncItem *item)
{
  g_return_if_fail (item != NULL);

  if (!g_atomic_ref_count_dec (&item->ref_count))
    return;

  g_free (item->key);
  g_free (item->revision);
  g_clear_pointer (&item->data, json_node_unref);
  g_clear_pointer (&item->date_created, g_date_time_unref);
  g_clear_pointer (&item->date_updated, g_date_time_unref);
  g_clear_pointer (&item->date_expires, g_date_time_unref);
  g_free (item->created_by);
  g_free (item);
}

static const char *
get_string_member (JsonObject *object, const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

static GDateTime *
get_date_member (JsonObject *object, const char *name)
{
  const char *value = get_string_member (object, name);

  return value != NULL ? g_date_time_new_from_iso8601 (value, NULL) : NULL;
}

/**
 * flex_sync_item_new_from_json:
 * @node: one element of a list page's `items`, or a fetched item
 *
 * Returns: (transfer full) (nullable): the item, or %NULL with
 *   %FLEX_TWILIO_ERROR_MALFORMED when it lacks a key, a revision or data
 */
FlexSyncItem *
flex_sync_item_new_from_json (JsonNode *node, GError **error)
{
  g_autoptr (FlexSyncItem) item = NULL;
  JsonObject *object;
  JsonNode *data;
  const char *key;
  const char *revision;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_MALFORMED,
                   "A map item is not a JSON object");
      return NULL;
    }

  object = json_node_get_object (node);
  key = get_string_member (object, "key");
  revision = get_string_member (object, "revision");
  data = json_object_get_member (object, "data");

  if (key == NULL || *key == '\0')
    {
      g_set_error (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_MALFORMED, "A map item has no key");
      return NULL;
    }
  if (revision == NULL || data == NULL)
    {
      g_set_error (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_MALFORMED,
                   "The map item “%s” has no %s", key, revision == NULL ? "revision" : "data");
      return NULL;
    }

  item = g_new0 (FlexSyncItem, 1);
  g_atomic_ref_count_init (&item->ref_count);
  item->key = g_strdup (key);
  item->revision = g_strdup (revision);
  item->data = json_node_copy (data);
  item->date_created = get_date_member (object, "date_created");
  item->date_updated = get_date_member (object, "date_updated");
  item->date_expires = get_date_member (object, "date_expires");
  item->created_by = g_strdup (get_string_member (object, "created_by"));

  return g_steal_pointer (&item);
}

/**
 * flex_sync_item_new:
 * @data: the item data (copied)
 * @date_created: (nullable):
 * @date_updated: (nullable):
 * @date_expires: (nullable):
 *
 * Returns: (transfer full): an item made from its parts
 */
FlexSyncItem *
flex_sync_item_new (const char *key,
                    const char *revision,
                    JsonNode *data,
                    GDateTime *date_created,
                    GDateTime *date_updated,
                    GDateTime *date_expires)
{
  FlexSyncItem *item;

  g_return_val_if_fail (key != NULL && revision != NULL && data != NULL, NULL);

  item = g_new0 (FlexSyncItem, 1);
  g_atomic_ref_count_init (&item->ref_count);
  item->key = g_strdup (key);
  item->revision = g_strdup (revision);
  item->data = json_node_copy (data);
  item->date_created = date_created != NULL ? g_date_time_ref (date_created) : NULL;
  item->date_updated = date_updated != NULL ? g_date_time_ref (date_updated) : NULL;
  item->date_expires = date_expires != NULL ? g_date_time_ref (date_expires) : NULL;
  return item;
}

/**
 * flex_sync_item_new_take:
 * @data: (transfer full): the item data, kept as it is (not copied)
 *
 * Like flex_sync_item_new(), without copying @data: for callers that parsed
 * it themselves and will not change it.
 */
FlexSyncItem *
flex_sync_item_new_take (const char *key,
                         const char *revision,
                         JsonNode *data,
                         GDateTime *date_created,
                         GDateTime *date_updated,
                         GDateTime *date_expires)
{
  FlexSyncItem *item;

  g_return_val_if_fail (key != NULL && revision != NULL && data != NULL, NULL);

  item = g_new0 (FlexSyncItem, 1);
  g_atomic_ref_count_init (&item->ref_count);
  item->key = g_strdup (key);
  item->revision = g_strdup (revision);
  item->data = data;
  item->date_created = date_created != NULL ? g_date_time_ref (date_created) : NULL;
  item->date_updated = date_updated != NULL ? g_date_time_ref (date_updated) : NULL;
  item->date_expires = date_expires != NULL ? g_date_time_ref (date_expires) : NULL;
  return item;
}

/* FlexSyncMap */

static void
flex_sync_map_finalize (GObject *object)
{
  FlexSyncMap *self = FLEX_SYNC_MAP (object);

  g_clear_object (&self->client);
  g_clear_object (&self->stream);
  g_clear_pointer (&self->cds_info, flex_sync_map_info_free);
  g_free (self->service_sid);
  g_free (self->unique_name);

  G_OBJECT_CLASS (flex_sync_map_parent_class)->finalize (object);
}

static void
flex_sync_map_class_init (FlexSyncMapClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = flex_sync_map_finalize;
}

static void
flex_sync_map_init (FlexSyncMap *self)
{
}

/**
 * flex_sync_map_new:
 * @service_sid: the Sync service SID, or `default` for the account's default
 *   service (the one Flex uses)
 * @unique_name: the map's unique name, e.g. `Contacts_WK…`
 */
FlexSyncMap *
flex_sync_map_new (FlexTwilioClient *client, const char *service_sid, const char *unique_name)
{
  FlexSyncMap *self;

  g_return_val_if_fail (FLEX_IS_TWILIO_CLIENT (client), NULL);
  g_return_val_if_fail (service_sid != NULL && *service_sid != '\0', NULL);
  g_return_val_if_fail (unique_name != NULL && *unique_name != '\0', NULL);

  self = g_object_new (FLEX_TYPE_SYNC_MAP, NULL);
  self->client = g_object_ref (client);
  self->service_sid = g_strdup (service_sid);
  self->unique_name = g_strdup (unique_name);

  return self;
}

const char *
flex_sync_map_get_unique_name (FlexSyncMap *self)
{
  g_return_val_if_fail (FLEX_IS_SYNC_MAP (self), NULL);
  return self->unique_name;
}

const char *
flex_sync_map_get_service_sid (FlexSyncMap *self)
{
  g_return_val_if_fail (FLEX_IS_SYNC_MAP (self), NULL);
  return self->service_sid;
}

FlexTwilioClient *
flex_sync_map_get_client (FlexSyncMap *self)
{
  g_return_val_if_fail (FLEX_IS_SYNC_MAP (self), NULL);
  return self->client;
}

static char *
maps_url (FlexSyncMap *self)
{
  return flex_twilio_client_build_url (self->client, FLEX_TWILIO_API_SYNC, "v1", "Services",
                                       self->service_sid, "Maps", NULL);
}

static char *
map_url (FlexSyncMap *self)
{
  return flex_twilio_client_build_url (self->client, FLEX_TWILIO_API_SYNC, "v1", "Services",
                                       self->service_sid, "Maps", self->unique_name, NULL);
}

static char *
items_url (FlexSyncMap *self)
{
  return flex_twilio_client_build_url (self->client, FLEX_TWILIO_API_SYNC, "v1", "Services",
                                       self->service_sid, "Maps", self->unique_name, "Items", NULL);
}

static char *
item_url (FlexSyncMap *self, const char *key)
{
  return flex_twilio_client_build_url (self->client, FLEX_TWILIO_API_SYNC, "v1", "Services",
                                       self->service_sid, "Maps", self->unique_name, "Items", key,
                                       NULL);
}

static gboolean
check_key (const char *key, GError **error)
{
  glong length;

  if (key == NULL || *key == '\0' || !g_utf8_validate (key, -1, NULL))
    {
      flex_twilio_set_error (error, FLEX_TWILIO_ERROR_INVALID, 0, 54209, NULL,
                             "A map item key must be a non-empty text");
      return FALSE;
    }

  length = g_utf8_strlen (key, -1);
  if (length > FLEX_SYNC_MAX_KEY_LENGTH)
    {
      flex_twilio_set_error (error, FLEX_TWILIO_ERROR_INVALID, 0, 54209, NULL,
                             "A map item key can have at most %d characters, not %ld",
                             FLEX_SYNC_MAX_KEY_LENGTH, length);
      return FALSE;
    }

  return TRUE;
}

static char *
serialize_data (JsonNode *data, GError **error)
{
  g_autofree char *json = NULL;

  if (data == NULL || !JSON_NODE_HOLDS_OBJECT (data))
    {
      flex_twilio_set_error (error, FLEX_TWILIO_ERROR_INVALID, 0, 0, NULL,
                             "Map item data must be a JSON object");
      return NULL;
    }

  json = json_to_string (data, FALSE);
  if (strlen (json) > FLEX_SYNC_MAX_DATA_BYTES)
    {
      flex_twilio_set_error (error, FLEX_TWILIO_ERROR_TOO_LARGE, 0, 54006, NULL,
                             "The item is %zu bytes; Sync stores at most %d bytes per item",
                             strlen (json), FLEX_SYNC_MAX_DATA_BYTES);
      return NULL;
    }

  return g_steal_pointer (&json);
}

static char *
revision_from_node (JsonNode *node, GError **error)
{
  const char *revision = NULL;

  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    revision = get_string_member (json_node_get_object (node), "revision");

  if (revision == NULL)
    {
      g_set_error (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_MALFORMED,
                   "The server's answer about a map has no revision");
      return NULL;
    }

  return g_strdup (revision);
}

/* Map: fetch, create, delete */

static void
on_map_revision_response (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = NULL;
  char *revision;

  node = flex_twilio_client_request_finish (FLEX_TWILIO_CLIENT (object), result, &error);
  if (node == NULL || (revision = revision_from_node (node, &error)) == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, revision, g_free);
}

/**
 * flex_sync_map_fetch_async:
 *
 * Fetches the map; its revision advances on every item change, so this is
 * the one-request change check. Fails with %FLEX_TWILIO_ERROR_NOT_FOUND when
 * the map does not exist.
 */
void
flex_sync_map_fetch_async (FlexSyncMap *self,
                           GCancellable *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer user_data)
{
  g_autofree char *url = NULL;
  GTask *task;

  g_return_if_fail (FLEX_IS_SYNC_MAP (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, flex_sync_map_fetch_async);
  if (self->stream != NULL)
    {
      _flex_sync_map_cds_fetch (self, task, FALSE);
      return;
    }
  url = map_url (self);
  flex_twilio_client_request_async (self->client, "GET", url, NULL, NULL, cancellable,
                                    on_map_revision_response, task);
}

/**
 * flex_sync_map_fetch_finish:
 *
 * Returns: (transfer full): the map revision
 */
char *
flex_sync_map_fetch_finish (FlexSyncMap *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * flex_sync_map_create_async:
 *
 * Creates the map with its unique name. Fails with
 * %FLEX_TWILIO_ERROR_CONFLICT (54301) when it exists already.
 */
void
flex_sync_map_create_async (FlexSyncMap *self,
                            GCancellable *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer user_data)
{
  g_autofree char *url = NULL;
  const char *form[] = { "UniqueName", NULL, NULL };
  GTask *task;

  g_return_if_fail (FLEX_IS_SYNC_MAP (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, flex_sync_map_create_async);
  if (self->stream != NULL)
    {
      _flex_sync_map_cds_fetch (self, task, TRUE);
      return;
    }
  url = maps_url (self);
  form[1] = self->unique_name;
  flex_twilio_client_request_async (self->client, "POST", url, form, NULL, cancellable,
                                    on_map_revision_response, task);
}

/**
 * flex_sync_map_create_finish:
 *
 * Returns: (transfer full): the new map's revision
 */
char *
flex_sync_map_create_finish (FlexSyncMap *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_delete_response (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = NULL;

  node = flex_twilio_client_request_finish (FLEX_TWILIO_CLIENT (object), result, &error);
  if (node == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * flex_sync_map_delete_async:
 *
 * Deletes the map and all its items ("Clear history").
 */
void
flex_sync_map_delete_async (FlexSyncMap *self,
                            GCancellable *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer user_data)
{
  g_autofree char *url = NULL;
  GTask *task;

  g_return_if_fail (FLEX_IS_SYNC_MAP (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, flex_sync_map_delete_async);
  if (self->stream != NULL)
    {
      _flex_sync_map_cds_delete_map (self, task);
      return;
    }
  url = map_url (self);
  flex_twilio_client_request_async (self->client, "DELETE", url, NULL, NULL, cancellable,
                                    on_delete_response, task);
}

gboolean
flex_sync_map_delete_finish (FlexSyncMap *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Items: list */

static void
list_data_free (FlexSyncMapListData *data)
{
  g_ptr_array_unref (data->items);
  flex_page_trail_clear (&data->trail);
  g_free (data);
}

static void list_next_page (GTask *task, const char *url);

static void
on_list_page (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  FlexSyncMap *self = g_task_get_source_object (task);
  FlexSyncMapListData *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = NULL;
  JsonObject *page;
  JsonNode *items_node;
  JsonNode *meta_node;
  JsonNode *next_node;
  JsonArray *items;
  const char *next_url = NULL;

  node = flex_twilio_client_request_finish (FLEX_TWILIO_CLIENT (object), result, &error);
  if (node == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_task_return_new_error (task, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_MALFORMED,
                               "A page of map items is not a JSON object");
      return;
    }

  page = json_node_get_object (node);
  items_node = json_object_get_member (page, "items");
  meta_node = json_object_get_member (page, "meta");
  if (items_node == NULL || !JSON_NODE_HOLDS_ARRAY (items_node))
    {
      g_task_return_new_error (task, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_MALFORMED,
                               "A page of map items has no list of items");
      return;
    }
  if (meta_node == NULL || !JSON_NODE_HOLDS_OBJECT (meta_node))
    {
      g_task_return_new_error (task, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_MALFORMED,
                               "A page of map items has no paging information (meta)");
      return;
    }

  items = json_node_get_array (items_node);
  {
    GError *budget_error = NULL;

    if (!flex_page_trail_add_items (&data->trail, json_array_get_length (items),
                                    FLEX_SYNC_PAGE_SIZE, &budget_error))
      {
        g_task_return_error (task, budget_error);
        return;
      }
  }
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      g_autoptr (GError) item_error = NULL;
      FlexSyncItem *item =
          flex_sync_item_new_from_json (json_array_get_element (items, i), &item_error);

      if (item == NULL)
        {
          g_warning ("Skipping an item of map %s: %s", self->unique_name, item_error->message);
          data->n_skipped++;
          continue;
        }
      if (data->item_func != NULL)
        {
          data->item_func (item, data->item_func_data);
          flex_sync_item_unref (item);
        }
      else
        g_ptr_array_add (data->items, item);
    }

  next_node = json_object_get_member (json_node_get_object (meta_node), "next_page_url");
  if (next_node != NULL && JSON_NODE_HOLDS_VALUE (next_node) &&
      json_node_get_value_type (next_node) == G_TYPE_STRING)
    next_url = json_node_get_string (next_node);
  else if (next_node != NULL && !JSON_NODE_HOLDS_NULL (next_node))
    {
      g_task_return_new_error (task, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_MALFORMED,
                               "The next page of map items is not a URL");
      return;
    }

  if (next_url == NULL || *next_url == '\0')
    {
      g_task_return_pointer (task, g_ptr_array_ref (data->items),
                             (GDestroyNotify) g_ptr_array_unref);
      return;
    }

  /* Only follow pages of the same service: never send credentials elsewhere. */
  if (!flex_twilio_url_same_origin (
          next_url, flex_twilio_client_get_base_url (self->client, FLEX_TWILIO_API_SYNC)))
    {
      g_task_return_new_error (task, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_MALFORMED,
                               "The next page of map items is on another server");
      return;
    }
  list_next_page (g_steal_pointer (&task), next_url);
}

static void
list_next_page (GTask *task, const char *url)
{
  FlexSyncMap *self = g_task_get_source_object (task);
  FlexSyncMapListData *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (!flex_page_trail_follow (&data->trail, url, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  flex_twilio_client_request_async (self->client, "GET", url, NULL, NULL,
                                    g_task_get_cancellable (task), on_list_page, task);
}

/**
 * flex_sync_map_list_items_async:
 *
 * Lists every item of the map, 100 a page, following `meta.next_page_url`
 * to the end. Items without a key, revision or data are skipped with a
 * warning. Fails with %FLEX_TWILIO_ERROR_NOT_FOUND when the map does not
 * exist.
 */
void
flex_sync_map_list_items_async (FlexSyncMap *self,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data)
{
  g_return_if_fail (FLEX_IS_SYNC_MAP (self));

  flex_sync_map_list_items_each_async (self, NULL, NULL, cancellable, callback, user_data);
}

/**
 * flex_sync_map_list_items_each_async:
 * @item_func: (nullable): called with each item as its page arrives; the
 *   items are then not kept, so that a big map never sits in memory twice
 * @item_func_data: data for @item_func, alive until the listing completes
 *
 * Like flex_sync_map_list_items_async(); with @item_func, the finish
 * function returns an empty array. Finish with
 * flex_sync_map_list_items_finish().
 */
void
flex_sync_map_list_items_each_async (FlexSyncMap *self,
                                     FlexSyncItemFunc item_func,
                                     gpointer item_func_data,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data)
{
  g_autofree char *base = NULL;
  g_autofree char *url = NULL;
  FlexSyncMapListData *data;
  GTask *task;

  g_return_if_fail (FLEX_IS_SYNC_MAP (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, flex_sync_map_list_items_async);
  data = g_new0 (FlexSyncMapListData, 1);
  data->items = g_ptr_array_new_with_free_func ((GDestroyNotify) flex_sync_item_unref);
  flex_page_trail_init (&data->trail);
  data->item_func = item_func;
  data->item_func_data = item_func_data;
  g_task_set_task_data (task, data, (GDestroyNotify) list_data_free);
  if (self->stream != NULL)
    {
      _flex_sync_map_cds_list (self, task);
      return;
    }

  base = items_url (self);
  url = g_strdup_printf ("%s?PageSize=%d", base, FLEX_SYNC_PAGE_SIZE);
  list_next_page (task, url);
}

/**
 * flex_sync_map_list_items_finish:
 * @n_skipped: (out) (optional): how many malformed items were skipped
 *
 * Returns: (transfer container) (element-type FlexSyncItem): the items, in
 *   the server's order (by key)
 */
GPtrArray *
flex_sync_map_list_items_finish (FlexSyncMap *self,
                                 GAsyncResult *result,
                                 guint *n_skipped,
                                 GError **error)
{
  FlexSyncMapListData *data;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  data = g_task_get_task_data (G_TASK (result));
  if (n_skipped != NULL)
    *n_skipped = data->n_skipped;

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Items: get, create, update (open-or-create), delete */

typedef struct
{
  char *method;
  char *url;
  GStrv form;
  char *if_match;
  gboolean may_create_map;
} ItemOp;

static void
item_op_free (ItemOp *op)
{
  g_free (op->method);
  g_free (op->url);
  g_strfreev (op->form);
  g_free (op->if_match);
  g_free (op);
}

static void item_op_send (GTask *task);

static gboolean
error_is_missing_map (const GError *error)
{
  int code;

  /* A cancelled or local error has no Twilio code. */
  if (!g_error_matches (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_NOT_FOUND))
    return FALSE;
  code = flex_twilio_error_get_twilio_code (error);
  return code == 54200 || code == 54300;
}

static void
on_map_created_for_write (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *revision = NULL;

  revision = flex_sync_map_create_finish (FLEX_SYNC_MAP (object), result, &error);

  /* Someone else may have created it meanwhile: that is just as good. */
  if (revision == NULL && !g_error_matches (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_CONFLICT))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  item_op_send (g_steal_pointer (&task));
}

static void
on_item_response (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  FlexSyncMap *self = g_task_get_source_object (task);
  ItemOp *op = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = NULL;
  FlexSyncItem *item;

  node = flex_twilio_client_request_finish (FLEX_TWILIO_CLIENT (object), result, &error);
  if (node == NULL)
    {
      if (op->may_create_map && error_is_missing_map (error))
        {
          /* Not inline: argument evaluation order would race the steal. */
          GCancellable *cancellable = g_task_get_cancellable (task);

          g_debug ("Map %s does not exist: creating it, then writing again", self->unique_name);
          op->may_create_map = FALSE;
          flex_sync_map_create_async (self, cancellable, on_map_created_for_write,
                                      g_steal_pointer (&task));
          return;
        }
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (g_str_equal (op->method, "DELETE"))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  item = flex_sync_item_new_from_json (node, &error);
  if (item == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, item, (GDestroyNotify) flex_sync_item_unref);
}

static void
item_op_send (GTask *task)
{
  FlexSyncMap *self = g_task_get_source_object (task);
  ItemOp *op = g_task_get_task_data (task);

  flex_twilio_client_request_full_async (
      self->client, op->method, op->url, (const char *const *) op->form, op->if_match,
      self->fail_fast_writes && !g_str_equal (op->method, "GET") ? FLEX_TWILIO_REQUEST_FAIL_FAST
                                                                 : FLEX_TWILIO_REQUEST_DEFAULT,
      g_task_get_cancellable (task), on_item_response, task);
}

static void
start_item_op (FlexSyncMap *self,
               gpointer source_tag,
               const char *method,
               const char *key,
               JsonNode *data,
               const char *key_field,
               guint item_ttl,
               const char *if_match,
               gboolean may_create_map,
               GCancellable *cancellable,
               GAsyncReadyCallback callback,
               gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GStrvBuilder) form = NULL;
  ItemOp *op;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);

  if (!check_key (key, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (self->stream != NULL)
    {
      /* Over the socket: PUT adds or replaces; "-1" adds only. */
      const char *cds_method = data == NULL ? method : "PUT";
      const char *cds_if_match = key_field != NULL ? "-1" : if_match;
      g_autofree char *json = data != NULL ? serialize_data (data, &error) : NULL;

      if (data != NULL && json == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }

      _flex_sync_map_cds_item (self, g_steal_pointer (&task), cds_method, key, data, item_ttl,
                               cds_if_match);
      return;
    }

  op = g_new0 (ItemOp, 1);
  op->method = g_strdup (method);
  op->if_match = g_strdup (if_match);
  op->may_create_map = may_create_map;
  g_task_set_task_data (task, op, (GDestroyNotify) item_op_free);

  if (data != NULL)
    {
      g_autofree char *json = serialize_data (data, &error);

      if (json == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }

      form = g_strv_builder_new ();
      if (key_field != NULL)
        {
          g_strv_builder_add (form, key_field);
          g_strv_builder_add (form, key);
        }
      g_strv_builder_add (form, "Data");
      g_strv_builder_add (form, json);
      if (item_ttl > 0)
        {
          g_autofree char *ttl = g_strdup_printf ("%u", item_ttl);

          g_strv_builder_add (form, "ItemTtl");
          g_strv_builder_add (form, ttl);
        }
      op->form = g_strv_builder_end (form);
    }

  op->url = key_field != NULL ? items_url (self) : item_url (self, key);
  item_op_send (g_steal_pointer (&task));
}

/**
 * flex_sync_map_get_item_async:
 *
 * Fetches one item; finish with flex_sync_map_item_finish().
 */
void
flex_sync_map_get_item_async (FlexSyncMap *self,
                              const char *key,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data)
{
  g_return_if_fail (FLEX_IS_SYNC_MAP (self));

  start_item_op (self, flex_sync_map_get_item_async, "GET", key, NULL, NULL, 0, NULL, FALSE,
                 cancellable, callback, user_data);
}

/**
 * flex_sync_map_create_item_async:
 * @data: a JSON object of at most 16 KiB once serialized
 * @item_ttl: seconds until the item expires, or 0 for never
 *
 * Creates an item; fails with %FLEX_TWILIO_ERROR_CONFLICT (54208) when the
 * key exists. Creates the map first when it does not exist. Finish with
 * flex_sync_map_item_finish().
 */
void
flex_sync_map_create_item_async (FlexSyncMap *self,
                                 const char *key,
                                 JsonNode *data,
                                 guint item_ttl,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  g_return_if_fail (FLEX_IS_SYNC_MAP (self));
  g_return_if_fail (data != NULL);

  start_item_op (self, flex_sync_map_create_item_async, "POST", key, data, "Key", item_ttl, NULL,
                 TRUE, cancellable, callback, user_data);
}

/**
 * flex_sync_map_update_item_async:
 * @if_match: (nullable): the revision the change is based on; the server
 *   refuses with %FLEX_TWILIO_ERROR_PRECONDITION_FAILED (412, 54205) when the
 *   item changed meanwhile
 *
 * Replaces an item's data. Finish with flex_sync_map_item_finish().
 */
void
flex_sync_map_update_item_async (FlexSyncMap *self,
                                 const char *key,
                                 JsonNode *data,
                                 const char *if_match,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  g_return_if_fail (FLEX_IS_SYNC_MAP (self));
  g_return_if_fail (data != NULL);

  start_item_op (self, flex_sync_map_update_item_async, "POST", key, data, NULL, 0, if_match, TRUE,
                 cancellable, callback, user_data);
}

/**
 * flex_sync_map_item_finish:
 *
 * Returns: (transfer full): the item as the server now has it
 */
FlexSyncItem *
flex_sync_map_item_finish (FlexSyncMap *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * flex_sync_map_delete_item_async:
 * @if_match: (nullable): the revision the deletion is based on
 */
void
flex_sync_map_delete_item_async (FlexSyncMap *self,
                                 const char *key,
                                 const char *if_match,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  g_return_if_fail (FLEX_IS_SYNC_MAP (self));

  start_item_op (self, flex_sync_map_delete_item_async, "DELETE", key, NULL, NULL, 0, if_match,
                 FALSE, cancellable, callback, user_data);
}

gboolean
flex_sync_map_delete_item_finish (FlexSyncMap *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * flex_sync_map_set_fail_fast_writes:
 *
 * Item writes are not retried after a transport failure (the caller keeps
 * them in an outbox and sends them again in the background).
 */
void
flex_sync_map_set_fail_fast_writes (FlexSyncMap *self, gboolean fail_fast)
{
  g_return_if_fail (FLEX_IS_SYNC_MAP (self));
  self->fail_fast_writes = !!fail_fast;
}

/**
 * flex_sync_map_set_stream:
 * @stream: (nullable): the socket's Sync requests; %NULL for REST
 *
 * Signed in with Flex, Sync's REST API is closed to the app (it takes
 * account credentials only): every read and write of this map then goes
 * over the socket (CDS), as the Sync SDK's do. Fails fast when the socket
 * is down (%FLEX_TWILIO_ERROR_NETWORK): the outbox keeps the edit.
 */
void
flex_sync_map_set_stream (FlexSyncMap *self, FlexSyncStream *stream)
{
  g_return_if_fail (FLEX_IS_SYNC_MAP (self));
  g_return_if_fail (stream == NULL || FLEX_IS_SYNC_STREAM (stream));

  g_set_object (&self->stream, stream);
  g_clear_pointer (&self->cds_info, flex_sync_map_info_free);
}
