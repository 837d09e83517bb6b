/* flex-sync-stream.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flex-sync-stream"

#include "config.h"

#include <string.h>

#include "flex-sync-stream.h"
#include "flex-json.h"
#include "flex-twilio-error.h"

/*
 * FlexSyncStream: Sync's data service (CDS) over a FlexTwilsock, and map
 * subscriptions (SYNC-PUSH.md §3–4; twilio-sync@4.0.1 is the reference).
 *
 * - Maps: the descriptor (`GET /v3/Maps/<name>`, created on demand as the
 *   Flex SDK opens maps), the item listing (`links.items`, paged), upserts
 *   and deletes with If-Match (412 as with REST).
 * - Subscriptions: `POST /v4/Subscriptions` establish/cancel, batched; again
 *   after the answer's `ttl_in_s`, again when `subscription_established` has
 *   not come within `estimated_delivery_in_ms`, again with every map's
 *   `last_event_id` after each reconnect, so that the service replays what
 *   was missed.
 * - Events: `map_item_added/updated/removed` and `map_removed` of subscribed
 *   maps, each emitted once: an event whose id is not newer than the last
 *   one seen for its key (by event or by listing) is a duplicate and dropped.
 *
 * Malformed notifications, unknown event types and events for maps we do not
 * hold are one debug line each and change nothing.
 */

#define DEFAULT_RETRY_MIN_MS 1000
#define DEFAULT_RETRY_MAX_MS 60000
#define LIST_PAGE_SIZE       100

typedef struct
{
  char *sid;
  gboolean wanted;
  FlexSyncSubscriptionState state;
  gint64 last_event_id;  /* the newest event applied */
  gint64 correlation_id; /* of the establish under way */
  GHashTable *key_ids;   /* key → gint64 *, the newest event id seen for it */
} Subscription;

struct _FlexSyncStream
{
  GObject parent_instance;

  FlexTwilsock *socket;
  char *cds_url;
  GHashTable *subscriptions; /* sid → Subscription */
  GCancellable *cancellable;

  guint max_batch_size;
  gint64 last_correlation_id;
  guint establish_id;      /* idle or retry: establish what is pending */
  guint ttl_id;            /* re-establish after ttl_in_s */
  guint delivery_check_id; /* re-establish when nothing came in time */
  guint retry_ms;
  guint retry_min_ms;
  guint retry_max_ms;
  gboolean establishing;
};

enum
{
  EVENT,
  SUBSCRIPTION_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (FlexSyncStream, flex_sync_stream, G_TYPE_OBJECT)

void
flex_sync_event_free (FlexSyncEvent *event)
{
  if (event == NULL)
    return;
  g_free (event->map_sid);
  g_free (event->key);
  g_clear_pointer (&event->item, flex_sync_item_unref);
  g_free (event->map_revision);
  g_free (event);
}

void
flex_sync_map_info_free (FlexSyncMapInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->sid);
  g_free (info->unique_name);
  g_free (info->revision);
  g_free (info->items_url);
  g_free (info);
}

static void
subscription_free (Subscription *subscription)
{
  g_free (subscription->sid);
  g_hash_table_unref (subscription->key_ids);
  g_free (subscription);
}

static Subscription *
get_subscription (FlexSyncStream *self, const char *sid, gboolean create)
{
  Subscription *subscription = g_hash_table_lookup (self->subscriptions, sid);

  if (subscription == NULL && create)
    {
      subscription = g_new0 (Subscription, 1);
      subscription->sid = g_strdup (sid);
      subscription->last_event_id = -1;
      subscription->key_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_hash_table_insert (self->subscriptions, subscription->sid, subscription);
    }
  return subscription;
}

/* Remembers the newest event id of a key; FALSE when @id is not newer. */
static gboolean
advance_key (Subscription *subscription, const char *key, gint64 id)
{
  gint64 *known = g_hash_table_lookup (subscription->key_ids, key);

  if (known != NULL && id <= *known)
    return FALSE;
  if (known == NULL)
    {
      known = g_new (gint64, 1);
      g_hash_table_insert (subscription->key_ids, g_strdup (key), known);
    }
  *known = id;
  return TRUE;
}

static void
set_subscription_state (FlexSyncStream *self,
                        Subscription *subscription,
                        FlexSyncSubscriptionState state)
{
  if (subscription->state == state)
    return;
  subscription->state = state;
  g_signal_emit (self, signals[SUBSCRIPTION_CHANGED], 0, subscription->sid, state);
}

/* Requests */

static char *
join_url (const char *base, const char *path)
{
  return g_strconcat (base, path, NULL);
}

static FlexSyncMapInfo *
parse_map_info (JsonNode *node, GError **error)
{
  JsonObject *object =
      node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  JsonObject *links = object != NULL ? flex_json_object_member (object, "links") : NULL;
  FlexSyncMapInfo *info;

  if (object == NULL || flex_json_string_member (object, "sid") == NULL || links == NULL ||
      flex_json_string_member (links, "items") == NULL)
    {
      flex_twilio_set_error (error, FLEX_TWILIO_ERROR_MALFORMED, 0, 0, NULL,
                             "The map descriptor has no sid or items link");
      return NULL;
    }

  info = g_new0 (FlexSyncMapInfo, 1);
  info->sid = g_strdup (flex_json_string_member (object, "sid"));
  info->unique_name = g_strdup (flex_json_string_member (object, "unique_name"));
  info->revision = g_strdup (flex_json_string_member (object, "revision"));
  info->last_event_id = flex_json_int_member (object, "last_event_id", 0);
  info->items_url = g_strdup (flex_json_string_member (links, "items"));
  return info;
}

/* Open a map: descriptor, else create it, else (a race) descriptor again */

static void
return_map_info (GTask *task, JsonNode *body)
{
  g_autoptr (GError) error = NULL;
  FlexSyncMapInfo *info = parse_map_info (body, &error);

  if (info == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, info, (GDestroyNotify) flex_sync_map_info_free);
}

typedef struct
{
  char *unique_name;
  gboolean create;
  guint attempt;
} OpenData;

static void
open_data_free (OpenData *data)
{
  g_free (data->unique_name);
  g_free (data);
}

static void fetch_descriptor (GTask *task);

static void
on_map_created (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) body = NULL;

  body = flex_twilsock_send_upstream_finish (FLEX_TWILSOCK (object), result, NULL, &error);
  if (body == NULL)
    {
      OpenData *data = g_task_get_task_data (task);

      /* Someone else made it meanwhile: read it. */
      if (g_error_matches (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_CONFLICT) &&
          data->attempt < 2)
        {
          fetch_descriptor (g_steal_pointer (&task));
          return;
        }
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  return_map_info (task, body);
}

static void
on_descriptor (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  FlexSyncStream *self = g_task_get_source_object (task);
  OpenData *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) body = NULL;

  body = flex_twilsock_send_upstream_finish (FLEX_TWILSOCK (object), result, NULL, &error);
  if (body == NULL)
    {
      if (data->create && g_error_matches (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_NOT_FOUND))
        {
          g_autoptr (JsonObject) request = json_object_new ();
          g_autoptr (JsonNode) node = NULL;
          g_autofree char *url = join_url (self->cds_url, "/v3/Maps");
          GCancellable *cancellable = g_task_get_cancellable (task);

          json_object_set_string_member (request, "unique_name", data->unique_name);
          node = json_node_init_object (json_node_alloc (), request);
          flex_twilsock_send_upstream_async (self->socket, "POST", url, NULL, node, cancellable,
                                             on_map_created, g_steal_pointer (&task));
          return;
        }
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  return_map_info (task, body);
}

static void
fetch_descriptor (GTask *task)
{
  FlexSyncStream *self = g_task_get_source_object (task);
  OpenData *data = g_task_get_task_data (task);
  g_autofree char *name = g_uri_escape_string (data->unique_name, NULL, FALSE);
  g_autofree char *path = g_strconcat ("/v3/Maps/", name, NULL);
  g_autofree char *url = join_url (self->cds_url, path);

  data->attempt++;
  flex_twilsock_send_upstream_async (self->socket, "GET", url, NULL, NULL,
                                     g_task_get_cancellable (task), on_descriptor, task);
}

/**
 * flex_sync_stream_open_map_async:
 * @create: create the map when it does not exist (the Flex SDK's
 *   open-or-create)
 *
 * Reads a map's descriptor: its SID, revision and last event id.
 */
void
flex_sync_stream_open_map_async (FlexSyncStream *self,
                                 const char *unique_name,
                                 gboolean create,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  GTask *task;
  OpenData *data;

  g_return_if_fail (FLEX_IS_SYNC_STREAM (self));
  g_return_if_fail (unique_name != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, flex_sync_stream_open_map_async);
  data = g_new0 (OpenData, 1);
  data->unique_name = g_strdup (unique_name);
  data->create = create;
  g_task_set_task_data (task, data, (GDestroyNotify) open_data_free);
  fetch_descriptor (task);
}

/**
 * flex_sync_stream_open_map_finish:
 *
 * Returns: (transfer full) (nullable): the map's descriptor
 */
FlexSyncMapInfo *
flex_sync_stream_open_map_finish (FlexSyncStream *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Listing */

typedef struct
{
  char *sid;
  char *items_url;
  GPtrArray *items;
  guint n_skipped;
  FlexPageTrail trail; /* page tokens followed so far */
} ListData;

static void
list_data_free (ListData *data)
{
  g_free (data->sid);
  g_free (data->items_url);
  g_ptr_array_unref (data->items);
  flex_page_trail_clear (&data->trail);
  g_free (data);
}

static void list_page (GTask *task, const char *page_token);

static void
on_page (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  FlexSyncStream *self = g_task_get_source_object (task);
  ListData *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) body = NULL;
  JsonObject *object_body, *meta;
  JsonArray *items;
  Subscription *subscription;

  body = flex_twilsock_send_upstream_finish (FLEX_TWILSOCK (object), result, NULL, &error);
  if (body == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  object_body = JSON_NODE_HOLDS_OBJECT (body) ? json_node_get_object (body) : NULL;
  items = object_body != NULL ? flex_json_array_member (object_body, "items") : NULL;
  meta = object_body != NULL ? flex_json_object_member (object_body, "meta") : NULL;
  if (items == NULL)
    {
      g_task_return_new_error (task, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_MALFORMED,
                               "A page of map items has no items");
      return;
    }

  if (!flex_page_trail_add_items (&data->trail, json_array_get_length (items), LIST_PAGE_SIZE,
                                  &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  subscription = get_subscription (self, data->sid, TRUE);
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonNode *node = json_array_get_element (items, i);
      g_autoptr (GError) item_error = NULL;
      FlexSyncItem *item = flex_sync_item_new_from_json (node, &item_error);

      if (item == NULL)
        {
          g_debug ("Skipping an item of map %s: %s", data->sid, item_error->message);
          data->n_skipped++;
          continue;
        }
      /* What the listing shows is as new as its last_event_id: older events
       * of that key are dropped as duplicates. */
      advance_key (subscription, item->key,
                   flex_json_int_member (json_node_get_object (node), "last_event_id", -1));
      g_ptr_array_add (data->items, item);
    }

  if (meta != NULL && flex_json_string_member (meta, "next_token") != NULL)
    {
      const char *next = flex_json_string_member (meta, "next_token");

      /* A token seen before would list the same pages again, and again. */
      if (!flex_page_trail_follow (&data->trail, next, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      list_page (g_steal_pointer (&task), next);
      return;
    }
  g_task_return_pointer (task, g_ptr_array_ref (data->items), (GDestroyNotify) g_ptr_array_unref);
}

static void
list_page (GTask *task, const char *page_token)
{
  FlexSyncStream *self = g_task_get_source_object (task);
  ListData *data = g_task_get_task_data (task);
  g_autofree char *url = NULL;

  if (page_token != NULL)
    {
      g_autofree char *token = g_uri_escape_string (page_token, NULL, FALSE);

      url = g_strdup_printf ("%s?HideExpired=true&PageSize=%d&PageToken=%s", data->items_url,
                             LIST_PAGE_SIZE, token);
    }
  else
    url = g_strdup_printf ("%s?HideExpired=true&PageSize=%d&Order=asc", data->items_url,
                           LIST_PAGE_SIZE);
  flex_twilsock_send_upstream_async (self->socket, "GET", url, NULL, NULL,
                                     g_task_get_cancellable (task), on_page, task);
}

/**
 * flex_sync_stream_list_items_async:
 *
 * Lists every item of the map, page by page. The listed items' event ids
 * are remembered, so that an event older than what the listing showed is
 * dropped.
 */
void
flex_sync_stream_list_items_async (FlexSyncStream *self,
                                   const FlexSyncMapInfo *info,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  GTask *task;
  ListData *data;

  g_return_if_fail (FLEX_IS_SYNC_STREAM (self));
  g_return_if_fail (info != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, flex_sync_stream_list_items_async);
  data = g_new0 (ListData, 1);
  data->sid = g_strdup (info->sid);
  data->items_url = g_strdup (info->items_url);
  data->items = g_ptr_array_new_with_free_func ((GDestroyNotify) flex_sync_item_unref);
  flex_page_trail_init (&data->trail);
  g_task_set_task_data (task, data, (GDestroyNotify) list_data_free);
  list_page (task, NULL);
}

/**
 * flex_sync_stream_list_items_finish:
 *
 * Returns: (transfer container) (element-type FlexSyncItem) (nullable): the items
 */
GPtrArray *
flex_sync_stream_list_items_finish (FlexSyncStream *self,
                                    GAsyncResult *result,
                                    guint *n_skipped,
                                    GError **error)
{
  ListData *data;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  data = g_task_get_task_data (G_TASK (result));
  if (n_skipped != NULL)
    *n_skipped = data->n_skipped;
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Writes */

static char *
item_url (const FlexSyncMapInfo *info, const char *key)
{
  g_autofree char *escaped = g_uri_escape_string (key, NULL, FALSE);

  return g_strconcat (info->items_url, "/", escaped, NULL);
}

static void
on_put (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) body = NULL;
  guint status = 0;
  const char *revision = NULL;

  body = flex_twilsock_send_upstream_finish (FLEX_TWILSOCK (object), result, &status, &error);
  if (body == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (JSON_NODE_HOLDS_OBJECT (body))
    revision = flex_json_string_member (json_node_get_object (body), "revision");
  if (revision == NULL)
    {
      g_task_return_new_error (task, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_MALFORMED,
                               "The saved item has no revision");
      return;
    }
  g_task_set_task_data (task, GUINT_TO_POINTER (status == 201), NULL);
  g_task_return_pointer (task, g_strdup (revision), g_free);
}

/**
 * flex_sync_stream_put_item_async:
 * @ttl_s: seconds to live, or 0
 * @if_match: (nullable): the revision the change is based on; `-1` to add
 *   only when there is no such item; %NULL to write unconditionally
 *
 * Adds or replaces an item. A revision that no longer matches fails with
 * %FLEX_TWILIO_ERROR_PRECONDITION_FAILED, as over REST.
 */
void
flex_sync_stream_put_item_async (FlexSyncStream *self,
                                 const FlexSyncMapInfo *info,
                                 const char *key,
                                 JsonNode *data,
                                 guint ttl_s,
                                 const char *if_match,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  g_autoptr (JsonObject) body = json_object_new ();
  g_autoptr (JsonNode) node = NULL;
  g_autofree char *url = NULL;
  GTask *task;

  g_return_if_fail (FLEX_IS_SYNC_STREAM (self));
  g_return_if_fail (info != NULL && key != NULL && data != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, flex_sync_stream_put_item_async);
  json_object_set_member (body, "data", json_node_copy (data));
  if (ttl_s > 0)
    json_object_set_int_member (body, "ttl", ttl_s);
  node = json_node_init_object (json_node_alloc (), body);
  url = item_url (info, key);
  flex_twilsock_send_upstream_async (self->socket, "PUT", url, if_match, node, cancellable, on_put,
                                     task);
}

/**
 * flex_sync_stream_put_item_finish:
 * @added: (out) (optional): whether the item is new
 *
 * Returns: (transfer full) (nullable): the item's new revision
 */
char *
flex_sync_stream_put_item_finish (FlexSyncStream *self,
                                  GAsyncResult *result,
                                  gboolean *added,
                                  GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  if (added != NULL)
    *added = GPOINTER_TO_UINT (g_task_get_task_data (G_TASK (result)));
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_deleted (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) body = NULL;

  body = flex_twilsock_send_upstream_finish (FLEX_TWILSOCK (object), result, NULL, &error);
  if (body == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/* One CDS request of an item or a map: @done ends the task. */
static void
send_request (FlexSyncStream *self,
              gpointer source_tag,
              const char *method,
              const char *url,
              const char *if_match,
              GAsyncReadyCallback done,
              GCancellable *cancellable,
              GAsyncReadyCallback callback,
              gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  flex_twilsock_send_upstream_async (self->socket, method, url, if_match, NULL, cancellable, done,
                                     task);
}

void
flex_sync_stream_delete_item_async (FlexSyncStream *self,
                                    const FlexSyncMapInfo *info,
                                    const char *key,
                                    const char *if_match,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data)
{
  g_autofree char *url = NULL;

  g_return_if_fail (FLEX_IS_SYNC_STREAM (self));
  g_return_if_fail (info != NULL && key != NULL);

  url = item_url (info, key);
  send_request (self, flex_sync_stream_delete_item_async, "DELETE", url, if_match, on_deleted,
                cancellable, callback, user_data);
}

gboolean
flex_sync_stream_delete_item_finish (FlexSyncStream *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_item_fetched (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) body = NULL;
  FlexSyncItem *item;

  body = flex_twilsock_send_upstream_finish (FLEX_TWILSOCK (object), result, NULL, &error);
  item = body != NULL ? flex_sync_item_new_from_json (body, &error) : NULL;
  if (item == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, item, (GDestroyNotify) flex_sync_item_unref);
}

/**
 * flex_sync_stream_get_item_async:
 *
 * Reads one item (a 404 when there is none).
 */
void
flex_sync_stream_get_item_async (FlexSyncStream *self,
                                 const FlexSyncMapInfo *info,
                                 const char *key,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  g_autofree char *url = NULL;

  g_return_if_fail (FLEX_IS_SYNC_STREAM (self));
  g_return_if_fail (info != NULL && key != NULL);

  url = item_url (info, key);
  send_request (self, flex_sync_stream_get_item_async, "GET", url, NULL, on_item_fetched,
                cancellable, callback, user_data);
}

/**
 * flex_sync_stream_get_item_finish:
 *
 * Returns: (transfer full) (nullable): the item
 */
FlexSyncItem *
flex_sync_stream_get_item_finish (FlexSyncStream *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * flex_sync_stream_delete_map_async:
 *
 * Deletes a map and its items; finish with
 * flex_sync_stream_delete_item_finish().
 */
void
flex_sync_stream_delete_map_async (FlexSyncStream *self,
                                   const FlexSyncMapInfo *info,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  g_autofree char *url = NULL;

  g_return_if_fail (FLEX_IS_SYNC_STREAM (self));
  g_return_if_fail (info != NULL);

  name = g_uri_escape_string (info->sid, NULL, FALSE);
  path = g_strconcat ("/v3/Maps/", name, NULL);
  url = join_url (self->cds_url, path);
  send_request (self, flex_sync_stream_delete_item_async, "DELETE", url, NULL, on_deleted,
                cancellable, callback, user_data);
}

/* Subscriptions */

static void schedule_establish (FlexSyncStream *self, guint delay_ms);

typedef struct
{
  FlexSyncStream *self; /* owned */
  gint64 correlation_id;
  gboolean establish;
  char **sids;
} PokeData;

static void
poke_data_free (PokeData *data)
{
  g_object_unref (data->self);
  g_strfreev (data->sids);
  g_free (data);
}

static gboolean
on_ttl_elapsed (gpointer user_data)
{
  FlexSyncStream *self = user_data;
  GHashTableIter iter;
  Subscription *subscription;

  self->ttl_id = 0;
  g_debug ("Subscription ttl elapsed: establishing again");
  g_hash_table_iter_init (&iter, self->subscriptions);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &subscription))
    if (subscription->wanted && subscription->state == FLEX_SYNC_SUBSCRIPTION_LIVE)
      subscription->correlation_id = 0; /* establish again, quietly */
  schedule_establish (self, 0);
  return G_SOURCE_REMOVE;
}

typedef struct
{
  FlexSyncStream *self; /* unowned: the source is removed in dispose */
  gint64 correlation_id;
} DeliveryCheck;

static gboolean
on_delivery_check (gpointer user_data)
{
  DeliveryCheck *check = user_data;
  FlexSyncStream *self = check->self;
  GHashTableIter iter;
  Subscription *subscription;
  gboolean again = FALSE;

  self->delivery_check_id = 0;
  g_hash_table_iter_init (&iter, self->subscriptions);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &subscription))
    if (subscription->wanted && subscription->correlation_id == check->correlation_id &&
        subscription->state == FLEX_SYNC_SUBSCRIPTION_PENDING)
      {
        g_debug ("No subscription_established for %s in time: establishing again",
                 subscription->sid);
        subscription->correlation_id = 0;
        again = TRUE;
      }
  if (again)
    schedule_establish (self, 0);
  return G_SOURCE_REMOVE;
}

static void
on_poked (GObject *object, GAsyncResult *result, gpointer user_data)
{
  PokeData *data = user_data;
  FlexSyncStream *self = data->self;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) body = NULL;
  JsonObject *answer;
  gint64 value;

  if (data->establish)
    self->establishing = FALSE;
  body = flex_twilsock_send_upstream_finish (FLEX_TWILSOCK (object), result, NULL, &error);
  if (body == NULL)
    {
      /* Ask again later; after a reconnect everything is asked again anyway. */
      g_debug ("Could not %s subscriptions: %s", data->establish ? "establish" : "cancel",
               error->message);
      for (guint i = 0; data->sids[i] != NULL; i++)
        {
          Subscription *subscription = get_subscription (self, data->sids[i], FALSE);

          if (subscription != NULL && subscription->correlation_id == data->correlation_id)
            subscription->correlation_id = 0;
        }
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
          flex_twilsock_get_state (self->socket) == FLEX_TWILSOCK_STATE_CONNECTED)
        {
          schedule_establish (self, self->retry_ms);
          self->retry_ms = MIN (self->retry_ms * 2, self->retry_max_ms);
        }
      poke_data_free (data);
      return;
    }

  self->retry_ms = self->retry_min_ms;
  answer = JSON_NODE_HOLDS_OBJECT (body) ? json_node_get_object (body) : NULL;
  if (answer == NULL)
    {
      poke_data_free (data);
      return;
    }
  value = flex_json_int_member (answer, "max_batch_size", 0);
  if (value > 0)
    self->max_batch_size = (guint) MIN (value, 1000);
  value = flex_json_int_member (answer, "ttl_in_s", 0);
  if (value > 0 && self->ttl_id == 0)
    self->ttl_id = g_timeout_add_seconds ((guint) MIN (value, 24 * 3600), on_ttl_elapsed, self);
  value = flex_json_int_member (answer, "estimated_delivery_in_ms", 0);
  if (data->establish && value > 0)
    {
      DeliveryCheck *check = g_new0 (DeliveryCheck, 1);
      guint id;

      check->self = self;
      check->correlation_id = data->correlation_id;
      g_clear_handle_id (&self->delivery_check_id, g_source_remove);
      id = g_timeout_add_full (G_PRIORITY_DEFAULT, (guint) MIN (value, 10 * 60 * 1000),
                               on_delivery_check, check, g_free);
      self->delivery_check_id = id;
    }
  poke_data_free (data);
}

static void
send_poke (FlexSyncStream *self, gboolean establish, GPtrArray *subscriptions, const char *reason)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) body = NULL;
  g_autofree char *url = join_url (self->cds_url, "/v4/Subscriptions");
  PokeData *data = g_new0 (PokeData, 1);
  GStrvBuilder *sids = g_strv_builder_new ();
  guint retried = 0;
  gint64 correlation_id = g_get_real_time () / 1000;

  /* Unique and increasing, in milliseconds as the SDK's. */
  if (correlation_id <= self->last_correlation_id)
    correlation_id = self->last_correlation_id + 1;
  self->last_correlation_id = correlation_id;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "event_protocol_version");
  json_builder_add_int_value (builder, 4);
  json_builder_set_member_name (builder, "action");
  json_builder_add_string_value (builder, establish ? "establish" : "cancel");
  json_builder_set_member_name (builder, "correlation_id");
  json_builder_add_int_value (builder, correlation_id);
  json_builder_set_member_name (builder, "requests");
  json_builder_begin_array (builder);
  for (guint i = 0; i < subscriptions->len; i++)
    {
      Subscription *subscription = g_ptr_array_index (subscriptions, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "object_sid");
      json_builder_add_string_value (builder, subscription->sid);
      json_builder_set_member_name (builder, "object_type");
      json_builder_add_string_value (builder, "map");
      if (establish && subscription->last_event_id >= 0)
        {
          json_builder_set_member_name (builder, "last_event_id");
          json_builder_add_int_value (builder, subscription->last_event_id);
        }
      json_builder_end_object (builder);
      g_strv_builder_add (sids, subscription->sid);
      if (establish)
        {
          if (subscription->correlation_id != 0 ||
              subscription->state != FLEX_SYNC_SUBSCRIPTION_PENDING)
            retried++;
          subscription->correlation_id = correlation_id;
        }
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "retried_requests");
  json_builder_add_int_value (builder, retried);
  json_builder_set_member_name (builder, "ttl_in_s");
  json_builder_add_int_value (builder, -1);
  if (reason != NULL)
    {
      json_builder_set_member_name (builder, "reason");
      json_builder_add_string_value (builder, reason);
    }
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  data->self = g_object_ref (self);
  data->correlation_id = correlation_id;
  data->establish = establish;
  data->sids = g_strv_builder_end (sids);
  g_strv_builder_unref (sids);

  if (establish)
    self->establishing = TRUE;
  flex_twilsock_send_upstream_async (self->socket, "POST", url, NULL, body, self->cancellable,
                                     on_poked, data);
}

static gboolean
on_establish (gpointer user_data)
{
  FlexSyncStream *self = user_data;
  g_autoptr (GPtrArray) batch = g_ptr_array_new ();
  GHashTableIter iter;
  Subscription *subscription;

  self->establish_id = 0;
  if (flex_twilsock_get_state (self->socket) != FLEX_TWILSOCK_STATE_CONNECTED)
    return G_SOURCE_REMOVE;
  if (self->establishing)
    {
      schedule_establish (self, 100);
      return G_SOURCE_REMOVE;
    }

  g_hash_table_iter_init (&iter, self->subscriptions);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &subscription))
    if (subscription->wanted && subscription->correlation_id == 0 &&
        batch->len < self->max_batch_size)
      g_ptr_array_add (batch, subscription);

  if (batch->len > 0)
    send_poke (self, TRUE, batch, NULL);
  return G_SOURCE_REMOVE;
}

static void
schedule_establish (FlexSyncStream *self, guint delay_ms)
{
  if (self->establish_id != 0)
    return;
  self->establish_id = delay_ms == 0 ? g_idle_add (on_establish, self)
                                     : g_timeout_add (delay_ms, on_establish, self);
}

/* Notifications */

static FlexSyncItem *
item_from_event (JsonObject *event, GError **error)
{
  g_autoptr (JsonObject) shape = json_object_new ();
  g_autoptr (JsonNode) node = NULL;
  JsonNode *member;

  /* The REST item's shape, from the event's members. */
  if ((member = json_object_get_member (event, "item_key")) != NULL)
    json_object_set_member (shape, "key", json_node_copy (member));
  if ((member = json_object_get_member (event, "item_revision")) != NULL)
    json_object_set_member (shape, "revision", json_node_copy (member));
  if ((member = json_object_get_member (event, "item_data")) != NULL)
    json_object_set_member (shape, "data", json_node_copy (member));
  if ((member = json_object_get_member (event, "date_created")) != NULL)
    {
      json_object_set_member (shape, "date_created", json_node_copy (member));
      json_object_set_member (shape, "date_updated", json_node_copy (member));
    }
  if ((member = json_object_get_member (event, "date_expires")) != NULL)
    json_object_set_member (shape, "date_expires", json_node_copy (member));
  node = json_node_init_object (json_node_alloc (), shape);
  return flex_sync_item_new_from_json (node, error);
}

static void
apply_item_event (FlexSyncStream *self, const char *event_type, JsonObject *event)
{
  const char *sid = flex_json_string_member (event, "map_sid");
  const char *key = flex_json_string_member (event, "item_key");
  gint64 id = flex_json_int_member (event, "id", -1);
  Subscription *subscription = sid != NULL ? get_subscription (self, sid, FALSE) : NULL;
  g_autoptr (FlexSyncEvent) change = NULL;
  g_autoptr (GError) error = NULL;

  if (subscription == NULL || !subscription->wanted)
    {
      g_debug ("An event for a map we do not hold (%s); ignored", sid != NULL ? sid : "no sid");
      return;
    }
  if (id < 0)
    {
      g_debug ("A %s event of %s without an id; ignored", event_type, sid);
      return;
    }

  change = g_new0 (FlexSyncEvent, 1);
  change->map_sid = g_strdup (sid);
  change->id = id;
  change->map_revision = g_strdup (flex_json_string_member (event, "map_revision"));

  if (g_str_equal (event_type, "map_removed"))
    {
      change->type = FLEX_SYNC_EVENT_MAP_REMOVED;
      subscription->wanted = FALSE;
      set_subscription_state (self, subscription, FLEX_SYNC_SUBSCRIPTION_LOST);
      g_signal_emit (self, signals[EVENT], 0, change);
      g_hash_table_remove (self->subscriptions, sid);
      return;
    }

  if (key == NULL)
    {
      g_debug ("A %s event of %s without an item key; ignored", event_type, sid);
      return;
    }
  if (!advance_key (subscription, key, id))
    {
      g_debug ("Event %" G_GINT64_FORMAT " of %s/%s is not newer than what we have; dropped", id,
               sid, key);
      return;
    }
  subscription->last_event_id = MAX (subscription->last_event_id, id);
  change->key = g_strdup (key);

  if (g_str_equal (event_type, "map_item_removed"))
    change->type = FLEX_SYNC_EVENT_ITEM_REMOVED;
  else
    {
      change->type = g_str_equal (event_type, "map_item_added") ? FLEX_SYNC_EVENT_ITEM_ADDED
                                                                : FLEX_SYNC_EVENT_ITEM_UPDATED;
      change->item = item_from_event (event, &error);
      if (change->item == NULL)
        {
          g_debug ("A %s event of %s/%s is malformed (%s); ignored", event_type, sid, key,
                   error->message);
          return;
        }
    }
  g_signal_emit (self, signals[EVENT], 0, change);
}

static void
apply_subscription_event (FlexSyncStream *self,
                          const char *event_type,
                          gint64 correlation_id,
                          JsonObject *event)
{
  const char *sid = flex_json_string_member (event, "object_sid");
  Subscription *subscription = sid != NULL ? get_subscription (self, sid, FALSE) : NULL;

  if (subscription == NULL || !subscription->wanted)
    {
      g_debug ("%s for a map we do not hold (%s); ignored", event_type, sid != NULL ? sid : "?");
      return;
    }

  if (g_str_equal (event_type, "subscription_established"))
    {
      const char *replay = flex_json_string_member (event, "replay_status");
      gint64 last = flex_json_int_member (event, "last_event_id", -1);

      if (correlation_id != subscription->correlation_id)
        {
          g_debug ("A late subscription_established for %s; ignored", sid);
          return;
        }
      if (g_strcmp0 (replay, "interrupted") == 0)
        {
          /* The service cannot replay everything: the owner lists again. */
          g_debug ("Replay for %s interrupted: the map must be listed again", sid);
          subscription->last_event_id = last;
          set_subscription_state (self, subscription, FLEX_SYNC_SUBSCRIPTION_LOST);
          return;
        }
      if (last > subscription->last_event_id)
        subscription->last_event_id = last;
      set_subscription_state (self, subscription, FLEX_SYNC_SUBSCRIPTION_LIVE);
    }
  else if (g_str_equal (event_type, "subscription_failed"))
    {
      g_debug ("Subscription to %s failed", sid);
      subscription->correlation_id = -1; /* not again until asked */
      set_subscription_state (self, subscription, FLEX_SYNC_SUBSCRIPTION_LOST);
    }
  else if (g_str_equal (event_type, "subscription_canceled"))
    g_debug ("Subscription to %s canceled", sid);
}

static void
on_notification (FlexTwilsock *socket,
                 const char *message_type,
                 JsonNode *payload,
                 gpointer user_data)
{
  FlexSyncStream *self = user_data;
  JsonObject *object;
  JsonArray *events;
  const char *event_type;
  gint64 correlation_id;

  if (!g_str_equal (message_type, "twilio.sync.event") &&
      !g_str_equal (message_type, "com.twilio.rtd.cds.map"))
    {
      g_debug ("A notification of type “%s”; ignored", message_type);
      return;
    }
  if (!JSON_NODE_HOLDS_OBJECT (payload))
    {
      g_debug ("A notification that is not an object; ignored");
      return;
    }
  object = json_node_get_object (payload);
  event_type = flex_json_string_member (object, "event_type");
  correlation_id = flex_json_int_member (object, "correlation_id", 0);
  if (event_type == NULL)
    {
      g_debug ("A notification without event_type; ignored");
      return;
    }

  events = flex_json_array_member (object, "events");
  for (guint i = 0, n = events != NULL ? json_array_get_length (events) : 1; i < n; i++)
    {
      JsonNode *node = events != NULL ? json_array_get_element (events, i)
                                      : json_object_get_member (object, "event");
      JsonObject *event =
          node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;

      if (event == NULL)
        {
          g_debug ("A %s notification without an event; ignored", event_type);
          continue;
        }
      if (g_str_has_prefix (event_type, "subscription_"))
        apply_subscription_event (self, event_type, correlation_id, event);
      else if (g_str_equal (event_type, "map_item_added") ||
               g_str_equal (event_type, "map_item_updated") ||
               g_str_equal (event_type, "map_item_removed") ||
               g_str_equal (event_type, "map_removed"))
        apply_item_event (self, event_type, event);
      else
        g_debug ("Unknown event type “%s”; ignored", event_type);
    }
}

/* After every (re)connect: establish everything again, with replay. */
static void
on_socket_state (FlexTwilsock *socket, GParamSpec *pspec, gpointer user_data)
{
  FlexSyncStream *self = user_data;
  GHashTableIter iter;
  Subscription *subscription;
  gboolean connected = flex_twilsock_get_state (socket) == FLEX_TWILSOCK_STATE_CONNECTED;

  g_clear_handle_id (&self->ttl_id, g_source_remove);
  g_clear_handle_id (&self->establish_id, g_source_remove);
  g_clear_handle_id (&self->delivery_check_id, g_source_remove);
  self->establishing = FALSE;
  self->retry_ms = self->retry_min_ms;

  g_hash_table_iter_init (&iter, self->subscriptions);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &subscription))
    {
      if (!subscription->wanted)
        continue;
      subscription->correlation_id = 0;
      set_subscription_state (self, subscription, FLEX_SYNC_SUBSCRIPTION_PENDING);
    }
  if (connected)
    schedule_establish (self, 0);
}

/* GObject */

static void
flex_sync_stream_dispose (GObject *object)
{
  FlexSyncStream *self = FLEX_SYNC_STREAM (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->establish_id, g_source_remove);
  g_clear_handle_id (&self->ttl_id, g_source_remove);
  g_clear_handle_id (&self->delivery_check_id, g_source_remove);
  if (self->socket != NULL)
    g_signal_handlers_disconnect_by_data (self->socket, self);
  g_clear_object (&self->socket);

  G_OBJECT_CLASS (flex_sync_stream_parent_class)->dispose (object);
}

static void
flex_sync_stream_finalize (GObject *object)
{
  FlexSyncStream *self = FLEX_SYNC_STREAM (object);

  g_hash_table_unref (self->subscriptions);
  g_clear_object (&self->cancellable);
  g_free (self->cds_url);

  G_OBJECT_CLASS (flex_sync_stream_parent_class)->finalize (object);
}

static void
flex_sync_stream_class_init (FlexSyncStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = flex_sync_stream_dispose;
  object_class->finalize = flex_sync_stream_finalize;

  /**
   * FlexSyncStream::event:
   * @event: (type gpointer): the #FlexSyncEvent, valid during the emission
   *
   * A change of a subscribed map, emitted once per event id.
   */
  signals[EVENT] = g_signal_new ("event", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                 NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);

  /**
   * FlexSyncStream::subscription-changed:
   * @map_sid: the map
   * @state: its #FlexSyncSubscriptionState
   */
  signals[SUBSCRIPTION_CHANGED] =
      g_signal_new ("subscription-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                    NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_INT);
}

static void
flex_sync_stream_init (FlexSyncStream *self)
{
  self->subscriptions =
      g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) subscription_free);
  self->cancellable = g_cancellable_new ();
  self->max_batch_size = 100;
  self->retry_min_ms = DEFAULT_RETRY_MIN_MS;
  self->retry_max_ms = DEFAULT_RETRY_MAX_MS;
  self->retry_ms = self->retry_min_ms;
}

/**
 * flex_sync_stream_new:
 * @cds_url: (nullable): the CDS base named in requests; %NULL for us1
 */
FlexSyncStream *
flex_sync_stream_new (FlexTwilsock *socket, const char *cds_url)
{
  FlexSyncStream *self;

  g_return_val_if_fail (FLEX_IS_TWILSOCK (socket), NULL);

  self = g_object_new (FLEX_TYPE_SYNC_STREAM, NULL);
  self->socket = g_object_ref (socket);
  self->cds_url = g_strdup (cds_url != NULL ? cds_url : FLEX_CDS_DEFAULT_URL);
  g_signal_connect (socket, "notification", G_CALLBACK (on_notification), self);
  g_signal_connect (socket, "notify::state", G_CALLBACK (on_socket_state), self);
  return self;
}

FlexTwilsock *
flex_sync_stream_get_socket (FlexSyncStream *self)
{
  g_return_val_if_fail (FLEX_IS_SYNC_STREAM (self), NULL);
  return self->socket;
}

void
flex_sync_stream_set_retry_delay (FlexSyncStream *self, guint min_ms, guint max_ms)
{
  g_return_if_fail (FLEX_IS_SYNC_STREAM (self));
  g_return_if_fail (min_ms > 0 && max_ms >= min_ms);
  self->retry_min_ms = self->retry_ms = min_ms;
  self->retry_max_ms = max_ms;
}

/**
 * flex_sync_stream_subscribe:
 * @last_event_id: the last event already applied (the map's `last_event_id`
 *   when it was listed); the service replays everything after it
 *
 * Subscribes to a map's events; subscribing again replaces the last event id
 * and establishes again (after a listing).
 */
void
flex_sync_stream_subscribe (FlexSyncStream *self, const char *map_sid, gint64 last_event_id)
{
  Subscription *subscription;

  g_return_if_fail (FLEX_IS_SYNC_STREAM (self));
  g_return_if_fail (map_sid != NULL);

  subscription = get_subscription (self, map_sid, TRUE);
  subscription->wanted = TRUE;
  subscription->last_event_id = last_event_id;
  subscription->correlation_id = 0;
  subscription->state = FLEX_SYNC_SUBSCRIPTION_PENDING;
  schedule_establish (self, 0);
}

void
flex_sync_stream_unsubscribe (FlexSyncStream *self, const char *map_sid)
{
  Subscription *subscription;

  g_return_if_fail (FLEX_IS_SYNC_STREAM (self));
  g_return_if_fail (map_sid != NULL);

  subscription = get_subscription (self, map_sid, FALSE);
  if (subscription == NULL)
    return;
  if (subscription->wanted &&
      flex_twilsock_get_state (self->socket) == FLEX_TWILSOCK_STATE_CONNECTED)
    {
      g_autoptr (GPtrArray) batch = g_ptr_array_new ();

      g_ptr_array_add (batch, subscription);
      send_poke (self, FALSE, batch, NULL);
    }
  g_hash_table_remove (self->subscriptions, map_sid);
}

FlexSyncSubscriptionState
flex_sync_stream_get_subscription_state (FlexSyncStream *self, const char *map_sid)
{
  Subscription *subscription;

  g_return_val_if_fail (FLEX_IS_SYNC_STREAM (self), FLEX_SYNC_SUBSCRIPTION_LOST);
  g_return_val_if_fail (map_sid != NULL, FLEX_SYNC_SUBSCRIPTION_LOST);

  subscription = get_subscription (self, map_sid, FALSE);
  return subscription != NULL && subscription->wanted ? subscription->state
                                                      : FLEX_SYNC_SUBSCRIPTION_LOST;
}

/**
 * flex_sync_stream_get_last_event_id:
 *
 * Returns: the newest event applied for the map, -1 when none
 */
gint64
flex_sync_stream_get_last_event_id (FlexSyncStream *self, const char *map_sid)
{
  Subscription *subscription;

  g_return_val_if_fail (FLEX_IS_SYNC_STREAM (self), -1);
  g_return_val_if_fail (map_sid != NULL, -1);

  subscription = get_subscription (self, map_sid, FALSE);
  return subscription != NULL ? subscription->last_event_id : -1;
}
