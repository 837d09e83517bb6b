/* flex-sync-map-cds.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flex-sync"

#include "config.h"

#include "flex-sync-map-private.h"

/*
 * A FlexSyncMap's reads and writes over the socket's CDS requests (the
 * Sync SDK's path), for a session signed in with the agent's Flex token:
 * Sync's REST API takes account credentials only (FLEX-SESSION.md §2).
 *
 * The map's descriptor (SID, items link) is read once and kept; when the
 * map has gone meanwhile (54200), it is read again — made, for a write —
 * and the request sent once more. Answers keep the REST path's errors: an
 * item that exists when it is added is %FLEX_TWILIO_ERROR_CONFLICT, a
 * revision that no longer matches %FLEX_TWILIO_ERROR_PRECONDITION_FAILED.
 */

typedef struct
{
  char *method; /* GET, PUT, DELETE, or NULL for a map operation */
  char *key;
  JsonNode *data;
  guint ttl_s;
  char *if_match;
  gboolean create_map;
  gboolean retried;
} CdsOp;

static void
cds_op_free (CdsOp *op)
{
  g_free (op->method);
  g_free (op->key);
  g_clear_pointer (&op->data, json_node_unref);
  g_free (op->if_match);
  g_free (op);
}

static gboolean
error_is_missing_map (const GError *error)
{
  return g_error_matches (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_NOT_FOUND) &&
         flex_twilio_error_get_twilio_code (error) == 54200;
}

typedef void (*WithInfo) (GTask *task, const FlexSyncMapInfo *info);

typedef struct
{
  GTask *task;
  WithInfo next;
} Pending;

static void
on_opened (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Pending *pending = user_data;
  g_autoptr (GTask) task = pending->task;
  WithInfo next = pending->next;
  FlexSyncMap *self = g_task_get_source_object (task);
  g_autoptr (GError) error = NULL;
  FlexSyncMapInfo *info;

  g_free (pending);
  info = flex_sync_stream_open_map_finish (FLEX_SYNC_STREAM (object), result, &error);
  if (info == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_clear_pointer (&self->cds_info, flex_sync_map_info_free);
  self->cds_info = info;
  next (g_steal_pointer (&task), info);
}

/* The descriptor, read now (@fresh) or as kept; @next takes the task. */
static void
with_info (GTask *task, gboolean fresh, gboolean create, WithInfo next)
{
  FlexSyncMap *self = g_task_get_source_object (task);
  Pending *pending;

  if (!fresh && self->cds_info != NULL)
    {
      next (task, self->cds_info);
      return;
    }
  pending = g_new0 (Pending, 1);
  pending->task = task;
  pending->next = next;
  flex_sync_stream_open_map_async (self->stream, self->unique_name, create,
                                   g_task_get_cancellable (task), on_opened, pending);
}

/* Map: fetch (its revision), create, delete */

static void
return_revision (GTask *task, const FlexSyncMapInfo *info)
{
  if (info->revision == NULL)
    g_task_return_new_error (task, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_MALFORMED,
                             "The server's answer about a map has no revision");
  else
    g_task_return_pointer (task, g_strdup (info->revision), g_free);
  g_object_unref (task);
}

void
_flex_sync_map_cds_fetch (FlexSyncMap *self, GTask *task, gboolean create)
{
  /* The revision changes with every item: always read again. */
  with_info (task, TRUE, create, return_revision);
}

static void
on_map_deleted (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  FlexSyncMap *self = g_task_get_source_object (task);
  g_autoptr (GError) error = NULL;

  if (!flex_sync_stream_delete_item_finish (FLEX_SYNC_STREAM (object), result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_clear_pointer (&self->cds_info, flex_sync_map_info_free);
  g_task_return_boolean (task, TRUE);
}

static void
delete_map (GTask *task, const FlexSyncMapInfo *info)
{
  FlexSyncMap *self = g_task_get_source_object (task);

  flex_sync_stream_delete_map_async (self->stream, info, g_task_get_cancellable (task),
                                     on_map_deleted, task);
}

void
_flex_sync_map_cds_delete_map (FlexSyncMap *self, GTask *task)
{
  with_info (task, TRUE, FALSE, delete_map);
}

/* Items: list */

static void
on_listed (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  FlexSyncMapListData *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) items = NULL;
  guint n_skipped = 0;

  items =
      flex_sync_stream_list_items_finish (FLEX_SYNC_STREAM (object), result, &n_skipped, &error);
  if (items == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  data->n_skipped += n_skipped;
  for (guint i = 0; i < items->len; i++)
    {
      FlexSyncItem *item = g_ptr_array_index (items, i);

      if (data->item_func != NULL)
        data->item_func (item, data->item_func_data);
      else
        g_ptr_array_add (data->items, flex_sync_item_ref (item));
    }
  g_task_return_pointer (task, g_ptr_array_ref (data->items), (GDestroyNotify) g_ptr_array_unref);
}

static void
list_items (GTask *task, const FlexSyncMapInfo *info)
{
  FlexSyncMap *self = g_task_get_source_object (task);

  flex_sync_stream_list_items_async (self->stream, info, g_task_get_cancellable (task), on_listed,
                                     task);
}

void
_flex_sync_map_cds_list (FlexSyncMap *self, GTask *task)
{
  with_info (task, FALSE, FALSE, list_items);
}

/* Items: get, put, delete */

static void send_item_op (GTask *task, const FlexSyncMapInfo *info);

/* A kept descriptor of a map deleted meanwhile: read (or make) it again,
 * and send once more. */
static gboolean
retry_for_missing_map (GTask *task, const GError *error)
{
  FlexSyncMap *self = g_task_get_source_object (task);
  CdsOp *op = g_task_get_task_data (task);

  if (op->retried || !error_is_missing_map (error))
    return FALSE;
  op->retried = TRUE;
  g_clear_pointer (&self->cds_info, flex_sync_map_info_free);
  with_info (task, TRUE, op->create_map, send_item_op);
  return TRUE;
}

static void
on_item_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  CdsOp *op = g_task_get_task_data (task);
  FlexSyncStream *stream = FLEX_SYNC_STREAM (object);
  g_autoptr (GError) error = NULL;

  if (g_str_equal (op->method, "DELETE"))
    {
      if (flex_sync_stream_delete_item_finish (stream, result, &error))
        g_task_return_boolean (task, TRUE);
    }
  else if (g_str_equal (op->method, "GET"))
    {
      FlexSyncItem *item = flex_sync_stream_get_item_finish (stream, result, &error);

      if (item != NULL)
        g_task_return_pointer (task, item, (GDestroyNotify) flex_sync_item_unref);
    }
  else
    {
      g_autofree char *revision = flex_sync_stream_put_item_finish (stream, result, NULL, &error);

      if (revision != NULL)
        {
          g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
          g_autoptr (GDateTime) expires =
              op->ttl_s > 0 ? g_date_time_add_seconds (now, op->ttl_s) : NULL;

          g_task_return_pointer (
              task, flex_sync_item_new (op->key, revision, op->data, now, now, expires),
              (GDestroyNotify) flex_sync_item_unref);
        }
    }

  if (error != NULL)
    {
      if (retry_for_missing_map (task, error))
        return;
      /* An add of a key that exists: 409 over REST, 412 (54208) here. */
      if (g_str_equal (op->method, "PUT") && g_strcmp0 (op->if_match, "-1") == 0 &&
          error->domain == FLEX_TWILIO_ERROR && flex_twilio_error_get_twilio_code (error) == 54208)
        {
          g_autoptr (GError) conflict = NULL;

          flex_twilio_set_error (&conflict, FLEX_TWILIO_ERROR_CONFLICT, 409, 54208, NULL, "%s",
                                 error->message);
          g_task_return_error (task, g_steal_pointer (&conflict));
        }
      else
        g_task_return_error (task, g_steal_pointer (&error));
    }
  g_object_unref (task);
}

static void
send_item_op (GTask *task, const FlexSyncMapInfo *info)
{
  FlexSyncMap *self = g_task_get_source_object (task);
  CdsOp *op = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (g_str_equal (op->method, "DELETE"))
    flex_sync_stream_delete_item_async (self->stream, info, op->key, op->if_match, cancellable,
                                        on_item_done, task);
  else if (g_str_equal (op->method, "GET"))
    flex_sync_stream_get_item_async (self->stream, info, op->key, cancellable, on_item_done, task);
  else
    flex_sync_stream_put_item_async (self->stream, info, op->key, op->data, op->ttl_s, op->if_match,
                                     cancellable, on_item_done, task);
}

void
_flex_sync_map_cds_item (FlexSyncMap *self,
                         GTask *task,
                         const char *method,
                         const char *key,
                         JsonNode *data,
                         guint ttl_s,
                         const char *if_match)
{
  CdsOp *op = g_new0 (CdsOp, 1);

  op->method = g_strdup (method);
  op->key = g_strdup (key);
  op->data = data != NULL ? json_node_copy (data) : NULL;
  op->ttl_s = ttl_s;
  op->if_match = g_strdup (if_match);
  /* The Flex SDK's open-or-create: a write makes the map. */
  op->create_map = g_str_equal (method, "PUT");
  g_task_set_task_data (task, op, (GDestroyNotify) cds_op_free);
  with_info (task, FALSE, op->create_map, send_item_op);
}
