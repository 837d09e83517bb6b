/* flex-directory-writes.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * FlexDirectory's writes: If-Match with the revision the person saw, a
 * conflict (412) answered with the server's version, and the outbox that
 * keeps an edit (and shows it) while Twilio cannot be reached, replayed in
 * order when a check succeeds.
 */

#define G_LOG_DOMAIN "flex-directory"

#include "config.h"

#include <glib/gi18n.h>

#include "flex-directory-private.h"

/* Writes */

typedef enum
{
  WRITE_ADD,
  WRITE_UPDATE,
  WRITE_DELETE,
} WriteKind;

typedef struct
{
  WriteKind kind;
  FlexContact *contact;
  FlexContact *current;
  char *key;
} WriteData;

static void
write_data_free (WriteData *data)
{
  g_clear_object (&data->contact);
  g_clear_object (&data->current);
  g_free (data->key);
  g_free (data);
}

static void
end_write (GTask *task)
{
  FlexDirectory *self = g_task_get_source_object (task);
  WriteData *data = g_task_get_task_data (task);

  g_hash_table_remove (self->writes, data->key);
}

static gboolean
same_revision (gpointer shown, FlexContact *contact)
{
  return FLEX_IS_CONTACT (shown) && g_strcmp0 (flex_contact_get_revision (FLEX_CONTACT (shown)),
                                               flex_contact_get_revision (contact)) == 0;
}

static void
after_write (FlexDirectory *self)
{
  /* Our write moved the map's revision: check it now, unless the change is
   * pushed to us anyway. */
  self->write_serial++;
  if (self->live)
    return;
  if (self->checks_held > 0)
    self->check_held = TRUE;
  else
    _flex_directory_start_refresh (self);
}

/**
 * flex_directory_hold_checks:
 *
 * Many writes follow (an import): while held, a write of ours is not
 * followed by a check of the map (each would list it again, and a map allows
 * 20 reads a second); flex_directory_release_checks() makes the one check
 * they asked for.
 */
void
flex_directory_hold_checks (FlexDirectory *self)
{
  g_return_if_fail (FLEX_IS_DIRECTORY (self));
  self->checks_held++;
}

void
flex_directory_release_checks (FlexDirectory *self)
{
  g_return_if_fail (FLEX_IS_DIRECTORY (self));
  g_return_if_fail (self->checks_held > 0);

  if (--self->checks_held > 0 || !self->check_held)
    return;
  self->check_held = FALSE;
  if (!self->live)
    _flex_directory_start_refresh (self);
}

static void
on_conflict_fetched (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  FlexDirectory *self = g_task_get_source_object (task);
  WriteData *data = g_task_get_task_data (task);
  g_autoptr (FlexSyncItem) item = NULL;
  g_autoptr (GError) error = NULL;
  gpointer old_item;

  end_write (task);
  item = flex_sync_map_item_finish (FLEX_SYNC_MAP (object), result, &error);
  old_item = g_hash_table_lookup (self->by_key, data->key);

  if (item != NULL)
    {
      data->current = flex_contact_new_from_item (item, NULL);
      /* Show the newer version at once. */
      if (data->current != NULL && old_item != NULL)
        {
          if (!same_revision (old_item, data->current))
            _flex_directory_replace_item (self, old_item, g_object_ref (data->current));
        }
      else if (data->current != NULL)
        _flex_directory_insert_item (self, g_object_ref (data->current));
    }
  else if (old_item != NULL &&
           g_error_matches (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_NOT_FOUND))
    _flex_directory_remove_item (self, old_item);

  after_write (self);
  g_task_return_new_error (task, FLEX_MODEL_ERROR, FLEX_MODEL_ERROR_CONFLICT,
                           data->current != NULL
                               ? _ ("Someone else changed this contact meanwhile")
                               : _ ("Someone else deleted this contact meanwhile"));
}

/* The outbox */

/* Shows the outbox's version of @key (or hides it, or shows the server's
 * again when there is no entry left), in one items-changed at most. */
static void
show_outbox_key (FlexDirectory *self, const char *key)
{
  gboolean hide = FALSE;
  gpointer version = _flex_directory_outbox_version (self, key, &hide);
  gpointer old_item = g_hash_table_lookup (self->by_key, key);

  if (hide)
    {
      if (old_item != NULL)
        _flex_directory_remove_item (self, old_item);
      return;
    }
  if (version == NULL)
    return;
  if (old_item == NULL)
    _flex_directory_insert_item (self, version);
  else if (!_flex_directory_same_item (self, old_item, version))
    _flex_directory_replace_item (self, old_item, version);
  else
    g_object_unref (version);
}

/* Puts an edit in the outbox: a new entry, or the newer version of the
 * item's entry (an add edited again stays an add, an add deleted again is
 * forgotten, an edit of a conflict is "keep mine", based on theirs).
 * @shown: what the row shows now (%NULL after a delete) */
static gboolean
queue_write (FlexDirectory *self, WriteData *data, FlexContact **shown, GError **error)
{
  const char *map = flex_sync_map_get_unique_name (self->map);
  const FlexOutboxEntry *entry = flex_outbox_lookup (self->outbox, map, data->key);
  g_autoptr (JsonNode) json = NULL;
  FlexOutboxKind kind;
  const char *if_match;
  gboolean ok;

  if (data->kind != WRITE_DELETE)
    json = flex_contact_to_json (data->contact, self->kind == FLEX_DIRECTORY_KIND_SHARED);
  kind = data->kind == WRITE_ADD      ? FLEX_OUTBOX_ADD
         : data->kind == WRITE_UPDATE ? FLEX_OUTBOX_UPDATE
                                      : FLEX_OUTBOX_DELETE;
  if_match = data->kind == WRITE_ADD ? NULL : flex_contact_get_revision (data->contact);

  if (entry == NULL)
    {
      /* What the edit started from (the row before the outbox shows the
       * edit in it), for a merge with theirs later. */
      FlexContact *row = g_hash_table_lookup (self->by_key, data->key);
      g_autoptr (JsonNode) base =
          row != NULL && kind == FLEX_OUTBOX_UPDATE
              ? flex_contact_to_json (row, self->kind == FLEX_DIRECTORY_KIND_SHARED)
              : NULL;
      const FlexOutboxEntry *queued =
          flex_outbox_queue (self->outbox, map, kind, data->key, json, if_match, error);

      ok = queued != NULL;
      if (ok && base != NULL)
        {
          g_autoptr (GError) base_error = NULL;

          if (!flex_outbox_set_base (self->outbox, queued->id, base, &base_error))
            g_debug ("Could not keep the base of an edit: %s", base_error->message);
        }
    }
  else if (entry->kind == FLEX_OUTBOX_ADD && kind == FLEX_OUTBOX_DELETE)
    ok = flex_outbox_discard (self->outbox, entry->id, error);
  else
    {
      g_autofree char *id = g_strdup (entry->id);
      g_autofree char *base =
          g_strdup (entry->state == FLEX_OUTBOX_CONFLICT ? entry->their_revision : entry->if_match);

      ok = flex_outbox_replace (self->outbox, id,
                                entry->kind == FLEX_OUTBOX_ADD ? FLEX_OUTBOX_ADD : kind, json,
                                entry->kind == FLEX_OUTBOX_ADD ? NULL : base, error);
    }
  if (!ok)
    return FALSE;

  g_hash_table_add (self->overlaid, g_strdup (data->key));
  show_outbox_key (self, data->key);
  _flex_directory_schedule_replay (self);
  if (data->kind == WRITE_DELETE)
    *shown = NULL;
  else
    {
      FlexContact *row = g_hash_table_lookup (self->by_key, data->key);

      *shown = g_object_ref (row != NULL ? row : data->contact);
    }
  return TRUE;
}

/* Ends a write by putting it in the outbox; fails with @fallback (when
 * given) or the outbox's own error when it cannot be kept there. */
static void
return_queued (GTask *task, GError *fallback)
{
  FlexDirectory *self = g_task_get_source_object (task);
  WriteData *data = g_task_get_task_data (task);
  g_autoptr (GError) queue_error = NULL;
  FlexContact *pending = NULL;

  end_write (task);
  if (queue_write (self, data, &pending, &queue_error))
    {
      g_clear_error (&fallback);
      g_task_return_pointer (task, pending, pending != NULL ? g_object_unref : NULL);
    }
  else
    g_task_return_error (task, fallback != NULL ? fallback : g_steal_pointer (&queue_error));
  g_object_unref (task);
}

static void
on_replayed (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (FlexDirectory) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!flex_outbox_replay_finish (FLEX_OUTBOX (object), result, &error))
    {
      /* Again later, backing off: Twilio is still away. */
      g_debug ("Unsent changes wait: %s", error->message);
      if (!g_cancellable_is_cancelled (self->cancellable))
        _flex_directory_schedule_replay (self);
      return;
    }
  self->replay_delay_ms = 0;
}

void
_flex_directory_replay_outbox (FlexDirectory *self)
{
  const char *map = flex_sync_map_get_unique_name (self->map);

  if (self->outbox == NULL)
    return;
  g_clear_handle_id (&self->replay_id, g_source_remove);
  for (guint i = 0; i < flex_outbox_get_n_entries (self->outbox); i++)
    {
      const FlexOutboxEntry *entry = flex_outbox_get_entry (self->outbox, i);

      if (entry->state == FLEX_OUTBOX_PENDING && g_str_equal (entry->map, map))
        {
          flex_outbox_replay_async (self->outbox, flex_sync_map_get_client (self->map),
                                    flex_sync_map_get_service_sid (self->map), self->cancellable,
                                    on_replayed, g_object_ref (self));
          return;
        }
    }
}

static gboolean
on_replay_timeout (gpointer user_data)
{
  FlexDirectory *self = user_data;

  self->replay_id = 0;
  _flex_directory_replay_outbox (self);
  return G_SOURCE_REMOVE;
}

/* Sending what waits does not wait for a poll (there may be none while
 * push is live): tries again after 1 s, 2 s, … up to 30 s, ± 20 %. */
void
_flex_directory_schedule_replay (FlexDirectory *self)
{
  if (self->outbox == NULL || self->replay_id != 0)
    return;
  self->replay_delay_ms =
      self->replay_delay_ms == 0 ? 1000 : MIN (self->replay_delay_ms * 2, 30 * 1000);
  self->replay_id = g_timeout_add (self->replay_delay_ms * 8 / 10 +
                                       g_random_int_range (0, self->replay_delay_ms * 4 / 10 + 1),
                                   on_replay_timeout, self);
}

static void
on_written (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  FlexDirectory *self = g_task_get_source_object (task);
  WriteData *data = g_task_get_task_data (task);
  g_autoptr (FlexSyncItem) item = NULL;
  g_autoptr (FlexContact) saved = NULL;
  g_autoptr (GError) error = NULL;
  gpointer old_item;

  if (data->kind == WRITE_DELETE)
    flex_sync_map_delete_item_finish (FLEX_SYNC_MAP (object), result, &error);
  else
    item = flex_sync_map_item_finish (FLEX_SYNC_MAP (object), result, &error);

  if (error != NULL && flex_twilio_error_is_transient (error) && self->outbox != NULL)
    {
      /* Twilio cannot be reached: keep the edit on disk, show it, send it
       * when a check succeeds. If even that fails, the person gets the
       * original error (and their edit back). The lists are offline from
       * now on: the next edits wait there at once. */
      _flex_directory_set_status (self, TRUE, error->message);
      return_queued (g_steal_pointer (&task), g_steal_pointer (&error));
      return;
    }

  if (error != NULL)
    {
      gboolean conflict =
          g_error_matches (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_PRECONDITION_FAILED) ||
          (data->kind != WRITE_ADD &&
           g_error_matches (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_NOT_FOUND));

      if (conflict)
        {
          GCancellable *cancellable = g_task_get_cancellable (task);

          flex_sync_map_get_item_async (self->map, data->key, cancellable, on_conflict_fetched,
                                        g_steal_pointer (&task));
          return;
        }

      end_write (task);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  end_write (task);
  old_item = g_hash_table_lookup (self->by_key, data->key);

  if (data->kind == WRITE_DELETE)
    {
      if (old_item != NULL)
        _flex_directory_remove_item (self, old_item);
      after_write (self);
      g_task_return_pointer (task, NULL, NULL);
      return;
    }

  saved = flex_contact_new_from_item (item, &error);
  if (saved == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* A check that ran while the write was under way may have shown this very
   * revision already: then there is nothing to change on screen. */
  if (old_item != NULL && !same_revision (old_item, saved))
    _flex_directory_replace_item (self, old_item, g_object_ref (saved));
  else if (old_item == NULL)
    _flex_directory_insert_item (self, g_object_ref (saved));

  after_write (self);
  g_task_return_pointer (task, g_steal_pointer (&saved), g_object_unref);
}

static void
start_write (FlexDirectory *self,
             WriteKind kind,
             FlexContact *contact,
             GCancellable *cancellable,
             GAsyncReadyCallback callback,
             gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (JsonNode) json = NULL;
  WriteData *data;
  gboolean shared = self->kind == FLEX_DIRECTORY_KIND_SHARED;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, start_write);

  if (!self->editable)
    {
      g_task_return_new_error (task, FLEX_MODEL_ERROR, FLEX_MODEL_ERROR_READ_ONLY,
                               self->kind == FLEX_DIRECTORY_KIND_SHARED
                                   ? _ ("Only supervisors and administrators can change shared "
                                        "contacts")
                                   : _ ("This list cannot be changed"));
      return;
    }

  data = g_new0 (WriteData, 1);
  data->kind = kind;
  data->contact = flex_contact_copy (contact);
  if (kind == WRITE_ADD)
    {
      /* A random UUID v4, lower case, as key and as data.key. */
      g_autofree char *key = g_uuid_string_random ();

      flex_contact_set_key (data->contact, key);
      flex_contact_set_revision (data->contact, NULL);
    }
  data->key = g_strdup (flex_contact_get_key (data->contact));
  g_task_set_task_data (task, data, (GDestroyNotify) write_data_free);

  if (data->key == NULL || *data->key == '\0')
    {
      g_task_return_new_error (task, FLEX_MODEL_ERROR, FLEX_MODEL_ERROR_INVALID,
                               _ ("This contact has no key"));
      return;
    }
  if (kind != WRITE_DELETE &&
      (flex_contact_get_name (contact) == NULL || *flex_contact_get_name (contact) == '\0' ||
       flex_contact_get_phone_number (contact) == NULL ||
       *flex_contact_get_phone_number (contact) == '\0'))
    {
      g_task_return_new_error (task, FLEX_MODEL_ERROR, FLEX_MODEL_ERROR_INVALID,
                               _ ("A contact needs a name and a phone number"));
      return;
    }
  if (!g_hash_table_add (self->writes, g_strdup (data->key)))
    {
      g_task_return_new_error (task, FLEX_MODEL_ERROR, FLEX_MODEL_ERROR_BUSY,
                               _ ("This contact is being saved already"));
      return;
    }

  /* An edit of an item that already waits in the outbox joins it there, so
   * that the order is kept; while Twilio is known to be out of reach, an
   * edit goes there at once (sent in the background), never through the
   * retries in front of the person. */
  if (self->outbox != NULL &&
      (self->offline || flex_outbox_lookup (self->outbox, flex_sync_map_get_unique_name (self->map),
                                            data->key) != NULL))
    {
      return_queued (g_steal_pointer (&task), NULL);
      return;
    }

  switch (kind)
    {
      case WRITE_ADD:
        json = flex_contact_to_json (data->contact, shared);
        flex_sync_map_create_item_async (self->map, data->key, json, 0, cancellable, on_written,
                                         g_steal_pointer (&task));
        break;
      case WRITE_UPDATE:
        json = flex_contact_to_json (data->contact, shared);
        flex_sync_map_update_item_async (self->map, data->key, json,
                                         flex_contact_get_revision (data->contact), cancellable,
                                         on_written, g_steal_pointer (&task));
        break;
      case WRITE_DELETE:
        flex_sync_map_delete_item_async (self->map, data->key,
                                         flex_contact_get_revision (data->contact), cancellable,
                                         on_written, g_steal_pointer (&task));
        break;
      default:
        g_assert_not_reached ();
    }
}

/**
 * flex_directory_add_contact_async:
 * @contact: the new contact; its key is ignored and a UUID v4 is made
 */
void
flex_directory_add_contact_async (FlexDirectory *self,
                                  FlexContact *contact,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  g_return_if_fail (FLEX_IS_DIRECTORY (self));
  g_return_if_fail (FLEX_IS_CONTACT (contact));

  start_write (self, WRITE_ADD, contact, cancellable, callback, user_data);
}

/**
 * flex_directory_update_contact_async:
 * @contact: the edited contact, with the revision the user saw
 *
 * Saves with If-Match. When someone else changed the contact meanwhile, it
 * fails with %FLEX_MODEL_ERROR_CONFLICT and flex_directory_write_finish()
 * hands back the server's current version; the model shows that version.
 * To overwrite it anyway, update again with the current revision.
 */
void
flex_directory_update_contact_async (FlexDirectory *self,
                                     FlexContact *contact,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data)
{
  g_return_if_fail (FLEX_IS_DIRECTORY (self));
  g_return_if_fail (FLEX_IS_CONTACT (contact));

  start_write (self, WRITE_UPDATE, contact, cancellable, callback, user_data);
}

/**
 * flex_directory_delete_contact_async:
 * @contact: the contact, with the revision the user saw
 */
void
flex_directory_delete_contact_async (FlexDirectory *self,
                                     FlexContact *contact,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data)
{
  g_return_if_fail (FLEX_IS_DIRECTORY (self));
  g_return_if_fail (FLEX_IS_CONTACT (contact));

  start_write (self, WRITE_DELETE, contact, cancellable, callback, user_data);
}

/**
 * flex_directory_write_finish:
 * @current: (out) (optional) (transfer full) (nullable): on a conflict, the
 *   server's version (%NULL when it was deleted)
 *
 * Returns: (transfer full) (nullable): the saved contact; %NULL after a
 *   delete or on error
 */
FlexContact *
flex_directory_write_finish (FlexDirectory *self,
                             GAsyncResult *result,
                             FlexContact **current,
                             GError **error)
{
  WriteData *data;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  data = g_task_get_task_data (G_TASK (result));
  if (current != NULL)
    *current = data != NULL && data->current != NULL ? g_object_ref (data->current) : NULL;

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_map_deleted (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  FlexDirectory *self = g_task_get_source_object (task);
  g_autoptr (GError) error = NULL;

  if (!flex_sync_map_delete_finish (FLEX_SYNC_MAP (object), result, &error) &&
      !g_error_matches (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_NOT_FOUND))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  _flex_directory_clear_items (self);
  g_clear_pointer (&self->revision, g_free);
  self->write_serial++;
  g_task_return_boolean (task, TRUE);
}

/**
 * flex_directory_clear_async:
 *
 * "Clear history": deletes the whole recents map.
 */
void
flex_directory_clear_async (FlexDirectory *self,
                            GCancellable *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer user_data)
{
  GTask *task;

  g_return_if_fail (FLEX_IS_DIRECTORY (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, flex_directory_clear_async);

  if (self->kind != FLEX_DIRECTORY_KIND_RECENTS)
    {
      g_task_return_new_error (task, FLEX_MODEL_ERROR, FLEX_MODEL_ERROR_READ_ONLY,
                               _ ("Only the history can be cleared"));
      g_object_unref (task);
      return;
    }

  flex_sync_map_delete_async (self->map, cancellable, on_map_deleted, task);
}

gboolean
flex_directory_clear_finish (FlexDirectory *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The outbox (public) */

/* The version of @key an edit in the outbox shows, or %NULL (none, or the
 * server's stays); @hide when a deletion waits. */
gpointer
_flex_directory_outbox_version (FlexDirectory *self, const char *key, gboolean *hide)
{
  const FlexOutboxEntry *entry;
  g_autoptr (FlexSyncItem) item = NULL;
  FlexContact *contact;

  *hide = FALSE;
  if (self->outbox == NULL || self->kind == FLEX_DIRECTORY_KIND_RECENTS)
    return NULL;
  entry = flex_outbox_lookup (self->outbox, flex_sync_map_get_unique_name (self->map), key);
  if (entry == NULL)
    return NULL;
  if (entry->kind == FLEX_OUTBOX_DELETE)
    {
      *hide = entry->state == FLEX_OUTBOX_PENDING;
      return NULL;
    }
  item = flex_sync_item_new (key, entry->if_match != NULL ? entry->if_match : "", entry->data, NULL,
                             NULL, NULL);
  contact = flex_contact_new_from_item (item, NULL);
  if (contact == NULL)
    return NULL;
  flex_contact_set_sync (contact, entry->state == FLEX_OUTBOX_CONFLICT ? FLEX_CONTACT_CONFLICT
                                                                       : FLEX_CONTACT_PENDING);
  return contact;
}

/* The outbox changed: show what waits; a key whose entry is gone (sent, or
 * theirs kept) shows the server's version after a check. */
static void
on_outbox_changed (FlexOutbox *outbox, FlexDirectory *self)
{
  const char *map = flex_sync_map_get_unique_name (self->map);
  g_autoptr (GPtrArray) gone = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  const char *key;

  g_hash_table_iter_init (&iter, self->overlaid);
  while (g_hash_table_iter_next (&iter, (gpointer *) &key, NULL))
    if (flex_outbox_lookup (outbox, map, key) == NULL)
      g_ptr_array_add (gone, g_strdup (key));
  for (guint i = 0; i < gone->len; i++)
    g_hash_table_remove (self->overlaid, g_ptr_array_index (gone, i));

  for (guint i = 0; i < flex_outbox_get_n_entries (outbox); i++)
    {
      const FlexOutboxEntry *entry = flex_outbox_get_entry (outbox, i);

      if (!g_str_equal (entry->map, map))
        continue;
      g_hash_table_add (self->overlaid, g_strdup (entry->key));
      show_outbox_key (self, entry->key);
    }
  if (gone->len > 0)
    {
      /* What the server made of them: the next check lists the map. */
      self->stale = TRUE;
      _flex_directory_start_refresh (self);
    }
}

/* An edit of ours reached the server: show what the server answered, as
 * its version, at once. (Its pushed event may have come first, and been
 * held back while the edit waited; a check may not list the map again.) */
static void
on_outbox_sent (
    FlexOutbox *outbox, const char *map, const char *key, FlexSyncItem *item, FlexDirectory *self)
{
  gpointer old_item;

  if (!g_str_equal (map, flex_sync_map_get_unique_name (self->map)))
    return;
  /* Twilio answers again: if what is left fails, the next try is soon,
   * not after the back-off of the failures before this. */
  self->replay_delay_ms = 0;
  if (flex_outbox_lookup (outbox, map, key) != NULL)
    return;
  if (item != NULL)
    _flex_directory_show_server_item (self, item);
  else if ((old_item = g_hash_table_lookup (self->by_key, key)) != NULL)
    _flex_directory_remove_item (self, old_item);
  self->write_serial++; /* a listing under way may predate this */
}

/**
 * flex_directory_set_outbox:
 * @outbox: (nullable): where edits wait when Twilio cannot be reached
 *
 * With an outbox, an edit that fails for a reason that passes (no network,
 * 5xx, 429) is kept there and shown as not sent yet; every successful check
 * sends what waits, in order; an edit of an item that waits joins it.
 */
void
flex_directory_set_outbox (FlexDirectory *self, FlexOutbox *outbox)
{
  g_return_if_fail (FLEX_IS_DIRECTORY (self));
  g_return_if_fail (outbox == NULL || FLEX_IS_OUTBOX (outbox));

  if (self->outbox != NULL)
    g_signal_handlers_disconnect_by_data (self->outbox, self);
  g_set_object (&self->outbox, outbox);
  /* With an outbox, a write that cannot reach Twilio waits there at once,
   * sent again in the background, not retried in front of the person. */
  flex_sync_map_set_fail_fast_writes (self->map, outbox != NULL);
  if (outbox != NULL)
    {
      g_signal_connect (outbox, "changed", G_CALLBACK (on_outbox_changed), self);
      g_signal_connect (outbox, "sent", G_CALLBACK (on_outbox_sent), self);
      on_outbox_changed (outbox, self);
    }
}

/**
 * flex_directory_get_unsent:
 *
 * Returns: whether an edit of @key waits in the outbox, not sent yet
 */
gboolean
flex_directory_get_unsent (FlexDirectory *self, const char *key)
{
  g_return_val_if_fail (FLEX_IS_DIRECTORY (self), FALSE);

  return self->outbox != NULL && key != NULL &&
         flex_outbox_lookup (self->outbox, flex_sync_map_get_unique_name (self->map), key) != NULL;
}

/**
 * flex_directory_get_conflict:
 * @theirs: (out) (transfer full) (nullable): the server's version (%NULL:
 *   deleted there)
 *
 * Returns: (transfer full) (nullable): my version, when an edit of @key is
 *   in conflict; %NULL otherwise
 */
FlexContact *
flex_directory_get_conflict (FlexDirectory *self, const char *key, FlexContact **theirs)
{
  const FlexOutboxEntry *entry;
  g_autoptr (FlexSyncItem) mine_item = NULL;
  FlexContact *mine;

  g_return_val_if_fail (FLEX_IS_DIRECTORY (self), NULL);

  *theirs = NULL;
  if (self->outbox == NULL)
    return NULL;
  entry = flex_outbox_lookup (self->outbox, flex_sync_map_get_unique_name (self->map), key);
  if (entry == NULL || entry->state != FLEX_OUTBOX_CONFLICT || entry->data == NULL)
    return NULL;
  if (entry->theirs != NULL)
    {
      g_autoptr (FlexSyncItem) their_item =
          flex_sync_item_new (key, entry->their_revision != NULL ? entry->their_revision : "",
                              entry->theirs, NULL, NULL, NULL);

      *theirs = flex_contact_new_from_item (their_item, NULL);
    }
  mine_item = flex_sync_item_new (key, entry->their_revision != NULL ? entry->their_revision : "",
                                  entry->data, NULL, NULL, NULL);
  mine = flex_contact_new_from_item (mine_item, NULL);
  return mine;
}

/**
 * flex_directory_get_conflict_base:
 *
 * Returns: (transfer full) (nullable): the server's version an edit in
 *   conflict started from, or %NULL when it is not known
 */
FlexContact *
flex_directory_get_conflict_base (FlexDirectory *self, const char *key)
{
  const FlexOutboxEntry *entry;
  g_autoptr (FlexSyncItem) item = NULL;

  g_return_val_if_fail (FLEX_IS_DIRECTORY (self), NULL);

  if (self->outbox == NULL)
    return NULL;
  entry = flex_outbox_lookup (self->outbox, flex_sync_map_get_unique_name (self->map), key);
  if (entry == NULL || entry->base == NULL)
    return NULL;
  item = flex_sync_item_new (key, entry->if_match != NULL ? entry->if_match : "", entry->base, NULL,
                             NULL, NULL);
  return flex_contact_new_from_item (item, NULL);
}

/**
 * flex_directory_keep_theirs:
 *
 * Drops my edit of @key (in conflict or waiting): the server's version
 * shows again.
 */
gboolean
flex_directory_keep_theirs (FlexDirectory *self, const char *key, GError **error)
{
  const FlexOutboxEntry *entry;

  g_return_val_if_fail (FLEX_IS_DIRECTORY (self), FALSE);

  if (self->outbox == NULL)
    return TRUE;
  entry = flex_outbox_lookup (self->outbox, flex_sync_map_get_unique_name (self->map), key);
  return entry == NULL || flex_outbox_discard (self->outbox, entry->id, error);
}
