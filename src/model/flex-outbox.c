/* flex-outbox.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flex-outbox"

#include "config.h"

#include <glib/gstdio.h>

#include "flex-json.h"
#include "flex-outbox.h"

/*
 * FlexOutbox: edits that could not be sent yet, on disk, sent in order when
 * Twilio can be reached again. Nothing typed is ever lost:
 *
 * - an edit is written to the file (atomically, 0600, beside the cache)
 *   before anything else happens to it, so a crash or a quit before it is
 *   sent only delays it;
 * - replaying sends each edit with its If-Match; an answer that says it
 *   already happened (the item exists with our data, or is already gone) is
 *   success, so an edit reaches the server exactly once even when the app
 *   was killed after sending and before forgetting it;
 * - when the server has a newer version, the edit is kept as a conflict, with
 *   theirs beside it, until a person chooses;
 * - an outbox file that cannot be read is moved aside, never overwritten.
 */

#define FORMAT  "flex-contacts-outbox"
#define VERSION 1

struct _FlexOutbox
{
  GObject parent_instance;

  char *path;
  char *account_sid;
  GPtrArray *entries; /* FlexOutboxEntry, in the order they were made */
  gboolean replaying;
  GStrv maps;             /* the session's maps; NULL: any (not yet told) */
  FlexSyncStream *stream; /* signed in with Flex: edits go over the socket */
};

enum
{
  CHANGED,
  SENT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (FlexOutbox, flex_outbox, G_TYPE_OBJECT)

static const char *const kind_names[] = { "add", "update", "delete" };

void
flex_outbox_entry_free (FlexOutboxEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->id);
  g_free (entry->map);
  g_free (entry->key);
  g_clear_pointer (&entry->data, json_node_unref);
  g_free (entry->if_match);
  g_clear_pointer (&entry->theirs, json_node_unref);
  g_free (entry->their_revision);
  g_clear_pointer (&entry->base, json_node_unref);
  g_free (entry);
}

static void
flex_outbox_finalize (GObject *object)
{
  FlexOutbox *self = FLEX_OUTBOX (object);

  g_free (self->path);
  g_free (self->account_sid);
  g_ptr_array_unref (self->entries);

  g_strfreev (self->maps);
  g_clear_object (&self->stream);

  G_OBJECT_CLASS (flex_outbox_parent_class)->finalize (object);
}

static void
flex_outbox_class_init (FlexOutboxClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = flex_outbox_finalize;

  /**
   * FlexOutbox::changed:
   *
   * Entries were added, sent, discarded or found in conflict.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                   NULL, NULL, G_TYPE_NONE, 0);

  /**
   * FlexOutbox::sent:
   * @map: the map
   * @key: the item
   * @item: (nullable): the server's item now (%NULL: a deletion)
   *
   * An edit reached the server (or was found there already). Emitted after
   * #FlexOutbox::changed has told that the entry is gone.
   */
  signals[SENT] =
      g_signal_new ("sent", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                    G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, FLEX_TYPE_SYNC_ITEM);
}

static void
flex_outbox_init (FlexOutbox *self)
{
  self->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) flex_outbox_entry_free);
}

/**
 * flex_outbox_new:
 * @path: the outbox file (beside the account's cache)
 *
 * Call flex_outbox_load() next.
 */
FlexOutbox *
flex_outbox_new (const char *path, const char *account_sid)
{
  FlexOutbox *self;

  g_return_val_if_fail (path != NULL && account_sid != NULL, NULL);

  self = g_object_new (FLEX_TYPE_OUTBOX, NULL);
  self->path = g_strdup (path);
  self->account_sid = g_strdup (account_sid);
  return self;
}

/* Persistence */

static gboolean
save (FlexOutbox *self, GError **error)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *directory = g_path_get_dirname (self->path);
  g_autofree char *text = NULL;

  if (g_mkdir_with_parents (directory, 0700) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Could not make %s", directory);
      return FALSE;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "format");
  json_builder_add_string_value (builder, FORMAT);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, VERSION);
  json_builder_set_member_name (builder, "account");
  json_builder_add_string_value (builder, self->account_sid);
  json_builder_set_member_name (builder, "entries");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->entries->len; i++)
    {
      FlexOutboxEntry *entry = g_ptr_array_index (self->entries, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, entry->id);
      json_builder_set_member_name (builder, "map");
      json_builder_add_string_value (builder, entry->map);
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder, kind_names[entry->kind]);
      json_builder_set_member_name (builder, "key");
      json_builder_add_string_value (builder, entry->key);
      json_builder_set_member_name (builder, "data");
      if (entry->data != NULL)
        json_builder_add_value (builder, json_node_copy (entry->data));
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "if_match");
      if (entry->if_match != NULL)
        json_builder_add_string_value (builder, entry->if_match);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "queued_at_us");
      json_builder_add_int_value (builder, entry->queued_at_us);
      json_builder_set_member_name (builder, "conflict");
      json_builder_add_boolean_value (builder, entry->state == FLEX_OUTBOX_CONFLICT);
      json_builder_set_member_name (builder, "theirs");
      if (entry->theirs != NULL)
        json_builder_add_value (builder, json_node_copy (entry->theirs));
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "their_revision");
      if (entry->their_revision != NULL)
        json_builder_add_string_value (builder, entry->their_revision);
      else
        json_builder_add_null_value (builder);
      if (entry->base != NULL)
        {
          json_builder_set_member_name (builder, "base");
          json_builder_add_value (builder, json_node_copy (entry->base));
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  text = json_to_string (root, FALSE);
  return g_file_set_contents_full (self->path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600,
                                   error);
}

static const char *
string_or_null (JsonObject *object, const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static JsonNode *
object_or_null (JsonObject *object, const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_copy (node) : NULL;
}

/* A file we cannot read is kept for a person to look at, never overwritten. */
static gboolean
set_aside (FlexOutbox *self, const char *why, GError **error)
{
  g_autofree char *aside = g_strdup_printf ("%s.unreadable-%" G_GINT64_FORMAT, self->path,
                                            g_get_real_time () / G_USEC_PER_SEC);

  g_rename (self->path, aside);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               "The unsent changes could not be read (%s); the file was kept as %s", why, aside);
  return FALSE;
}

/**
 * flex_outbox_load:
 *
 * Reads the file. A missing file is an empty outbox; a file that cannot be
 * read is moved aside (and named in @error), and the outbox starts empty.
 */
gboolean
flex_outbox_load (FlexOutbox *self, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  JsonObject *root;
  JsonNode *array_node;
  JsonArray *array;

  g_return_val_if_fail (FLEX_IS_OUTBOX (self), FALSE);

  if (!flex_json_parser_load_file (parser, self->path, &local_error))
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        return TRUE;
      return set_aside (self, local_error->message, error);
    }
  if (json_parser_get_root (parser) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return set_aside (self, "not an object", error);
  root = json_node_get_object (json_parser_get_root (parser));
  if (g_strcmp0 (string_or_null (root, "format"), FORMAT) != 0 ||
      json_object_get_int_member_with_default (root, "version", -1) != VERSION)
    return set_aside (self, "another format or version", error);
  if (g_strcmp0 (string_or_null (root, "account"), self->account_sid) != 0)
    return set_aside (self, "another account", error);
  array_node = json_object_get_member (root, "entries");
  if (array_node == NULL || !JSON_NODE_HOLDS_ARRAY (array_node))
    return set_aside (self, "no entries", error);
  array = json_node_get_array (array_node);

  entries = g_ptr_array_new_with_free_func ((GDestroyNotify) flex_outbox_entry_free);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *kind = object != NULL ? string_or_null (object, "kind") : NULL;
      FlexOutboxEntry *entry;
      guint k;

      for (k = 0; kind != NULL && k < G_N_ELEMENTS (kind_names); k++)
        if (g_str_equal (kind, kind_names[k]))
          break;
      if (object == NULL || kind == NULL || k == G_N_ELEMENTS (kind_names) ||
          string_or_null (object, "id") == NULL || string_or_null (object, "map") == NULL ||
          string_or_null (object, "key") == NULL ||
          (k != FLEX_OUTBOX_DELETE && json_object_get_member (object, "data") == NULL))
        return set_aside (self, "a malformed entry", error);

      entry = g_new0 (FlexOutboxEntry, 1);
      entry->id = g_strdup (string_or_null (object, "id"));
      entry->map = g_strdup (string_or_null (object, "map"));
      entry->kind = k;
      entry->key = g_strdup (string_or_null (object, "key"));
      entry->data = object_or_null (object, "data");
      entry->if_match = g_strdup (string_or_null (object, "if_match"));
      entry->queued_at_us = json_object_get_int_member_with_default (object, "queued_at_us", 0);
      entry->state = json_object_get_boolean_member_with_default (object, "conflict", FALSE)
                         ? FLEX_OUTBOX_CONFLICT
                         : FLEX_OUTBOX_PENDING;
      entry->theirs = object_or_null (object, "theirs");
      entry->their_revision = g_strdup (string_or_null (object, "their_revision"));
      entry->base = object_or_null (object, "base");
      if (entry->kind != FLEX_OUTBOX_DELETE && entry->data == NULL)
        {
          flex_outbox_entry_free (entry);
          return set_aside (self, "an entry without data", error);
        }
      g_ptr_array_add (entries, entry);
    }

  g_ptr_array_unref (self->entries);
  self->entries = g_steal_pointer (&entries);
  g_signal_emit (self, signals[CHANGED], 0);
  return TRUE;
}

static gboolean
map_allowed (FlexOutbox *self, const char *map)
{
  return self->maps == NULL || g_strv_contains ((const char *const *) self->maps, map);
}

/**
 * flex_outbox_set_maps:
 * @maps: (array zero-terminated=1): the maps of the signed-in session
 *
 * Only edits of these maps are queued or sent: an entry of another map (a
 * crafted file) waits unsent, never reaching Sync.
 */
void
flex_outbox_set_maps (FlexOutbox *self, const char *const *maps)
{
  g_return_if_fail (FLEX_IS_OUTBOX (self));

  g_strfreev (self->maps);
  self->maps = g_strdupv ((char **) maps);
}

/**
 * flex_outbox_queue:
 * @data: (nullable): the item data (copied), for add and update
 * @if_match: (nullable): the revision the change is based on
 *
 * Adds an edit and writes the file before returning. An edit of an item
 * that already has one waiting replaces nothing: both are sent in order.
 *
 * Returns: (transfer none) (nullable): the entry, or %NULL when the file
 *   could not be written (the edit is then not queued)
 */
const FlexOutboxEntry *
flex_outbox_queue (FlexOutbox *self,
                   const char *map,
                   FlexOutboxKind kind,
                   const char *key,
                   JsonNode *data,
                   const char *if_match,
                   GError **error)
{
  FlexOutboxEntry *entry;

  g_return_val_if_fail (FLEX_IS_OUTBOX (self), NULL);
  g_return_val_if_fail (map != NULL && key != NULL, NULL);
  g_return_val_if_fail (kind == FLEX_OUTBOX_DELETE || data != NULL, NULL);

  if (!map_allowed (self, map))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   "%s is not a list of this session", map);
      return NULL;
    }
  entry = g_new0 (FlexOutboxEntry, 1);
  entry->id = g_uuid_string_random ();
  entry->map = g_strdup (map);
  entry->kind = kind;
  entry->key = g_strdup (key);
  entry->data = data != NULL ? json_node_copy (data) : NULL;
  entry->if_match = g_strdup (if_match);
  entry->queued_at_us = g_get_real_time ();
  g_ptr_array_add (self->entries, entry);
  if (!save (self, error))
    {
      g_ptr_array_remove (self->entries, entry);
      return NULL;
    }
  g_signal_emit (self, signals[CHANGED], 0);
  return entry;
}

guint
flex_outbox_get_n_entries (FlexOutbox *self)
{
  g_return_val_if_fail (FLEX_IS_OUTBOX (self), 0);
  return self->entries->len;
}

/**
 * flex_outbox_get_entry:
 *
 * Returns: (transfer none): the entry at @index, oldest first
 */
const FlexOutboxEntry *
flex_outbox_get_entry (FlexOutbox *self, guint index)
{
  g_return_val_if_fail (FLEX_IS_OUTBOX (self), NULL);
  g_return_val_if_fail (index < self->entries->len, NULL);
  return g_ptr_array_index (self->entries, index);
}

/**
 * flex_outbox_lookup:
 *
 * Returns: (transfer none) (nullable): the newest entry for this item
 */
const FlexOutboxEntry *
flex_outbox_lookup (FlexOutbox *self, const char *map, const char *key)
{
  g_return_val_if_fail (FLEX_IS_OUTBOX (self), NULL);

  for (guint i = self->entries->len; i > 0; i--)
    {
      FlexOutboxEntry *entry = g_ptr_array_index (self->entries, i - 1);

      if (g_str_equal (entry->map, map) && g_str_equal (entry->key, key))
        return entry;
    }
  return NULL;
}

static FlexOutboxEntry *
find (FlexOutbox *self, const char *id, guint *index)
{
  for (guint i = 0; i < self->entries->len; i++)
    {
      FlexOutboxEntry *entry = g_ptr_array_index (self->entries, i);

      if (g_str_equal (entry->id, id))
        {
          if (index != NULL)
            *index = i;
          return entry;
        }
    }
  return NULL;
}

/**
 * flex_outbox_discard:
 *
 * Drops an entry (the person chose theirs, or it was sent).
 */
gboolean
flex_outbox_discard (FlexOutbox *self, const char *id, GError **error)
{
  guint index;

  g_return_val_if_fail (FLEX_IS_OUTBOX (self), FALSE);

  if (find (self, id, &index) == NULL)
    return TRUE;
  g_ptr_array_remove_index (self->entries, index);
  if (!save (self, error))
    return FALSE;
  g_signal_emit (self, signals[CHANGED], 0);
  return TRUE;
}

/**
 * flex_outbox_replace:
 * @data: (nullable): the new data (add, update)
 *
 * Puts a newer edit of the same item in an entry's place (one entry an item:
 * an add edited again is still an add), pending again.
 */
gboolean
flex_outbox_replace (FlexOutbox *self,
                     const char *id,
                     FlexOutboxKind kind,
                     JsonNode *data,
                     const char *if_match,
                     GError **error)
{
  FlexOutboxEntry *entry;

  g_return_val_if_fail (FLEX_IS_OUTBOX (self), FALSE);
  g_return_val_if_fail (kind == FLEX_OUTBOX_DELETE || data != NULL, FALSE);

  entry = find (self, id, NULL);
  if (entry == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "No such unsent change");
      return FALSE;
    }
  entry->kind = kind;
  g_clear_pointer (&entry->data, json_node_unref);
  entry->data = data != NULL ? json_node_copy (data) : NULL;
  g_free (entry->if_match);
  entry->if_match = g_strdup (if_match);
  /* An edit of a conflict is based on theirs from now on. */
  if (entry->state == FLEX_OUTBOX_CONFLICT && entry->theirs != NULL)
    {
      g_clear_pointer (&entry->base, json_node_unref);
      entry->base = json_node_ref (entry->theirs);
    }
  entry->state = FLEX_OUTBOX_PENDING;
  g_clear_pointer (&entry->theirs, json_node_unref);
  g_clear_pointer (&entry->their_revision, g_free);
  if (!save (self, error))
    return FALSE;
  g_signal_emit (self, signals[CHANGED], 0);
  return TRUE;
}

/**
 * flex_outbox_set_base:
 * @base: (nullable): the server's data the edit of entry @id started from
 */
gboolean
flex_outbox_set_base (FlexOutbox *self, const char *id, JsonNode *base, GError **error)
{
  FlexOutboxEntry *entry;

  g_return_val_if_fail (FLEX_IS_OUTBOX (self), FALSE);

  entry = find (self, id, NULL);
  if (entry == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "No such unsent change");
      return FALSE;
    }
  g_clear_pointer (&entry->base, json_node_unref);
  entry->base = base != NULL ? json_node_copy (base) : NULL;
  return save (self, error);
}

/* Replay */

typedef struct
{
  FlexTwilioClient *client;
  char *service_sid;
  char *id; /* the entry being sent */
  FlexSyncMap *map;
} Replay;

static void
replay_free (Replay *replay)
{
  g_clear_object (&replay->client);
  g_free (replay->service_sid);
  g_free (replay->id);
  g_clear_object (&replay->map);
  g_free (replay);
}

static void replay_next (GTask *task);

/* The entry reached the server (or was found there): forget it.
 * @item: what the server has now (%NULL after a deletion) */
static void
entry_done (GTask *task, FlexSyncItem *item)
{
  FlexOutbox *self = g_task_get_source_object (task);
  Replay *replay = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  FlexOutboxEntry *entry = find (self, replay->id, NULL);
  g_autofree char *map = entry != NULL ? g_strdup (entry->map) : NULL;
  g_autofree char *key = entry != NULL ? g_strdup (entry->key) : NULL;

  if (!flex_outbox_discard (self, replay->id, &error))
    {
      self->replaying = FALSE;
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  if (map != NULL)
    g_signal_emit (self, signals[SENT], 0, map, key, item);
  replay_next (task);
}

static void
entry_conflict (GTask *task, FlexSyncItem *theirs)
{
  FlexOutbox *self = g_task_get_source_object (task);
  Replay *replay = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  FlexOutboxEntry *entry = find (self, replay->id, NULL);

  if (entry != NULL)
    {
      entry->state = FLEX_OUTBOX_CONFLICT;
      g_clear_pointer (&entry->theirs, json_node_unref);
      g_clear_pointer (&entry->their_revision, g_free);
      if (theirs != NULL)
        {
          entry->theirs = json_node_copy (theirs->data);
          entry->their_revision = g_strdup (theirs->revision);
        }
      if (!save (self, &error))
        {
          self->replaying = FALSE;
          g_task_return_error (task, g_steal_pointer (&error));
          g_object_unref (task);
          return;
        }
      g_signal_emit (self, signals[CHANGED], 0);
    }
  replay_next (task);
}

/* After a 409/412/404: is what the server has what we meant? */
static void
on_checked (GObject *object, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  FlexOutbox *self = g_task_get_source_object (task);
  Replay *replay = g_task_get_task_data (task);
  g_autoptr (FlexSyncItem) item = NULL;
  g_autoptr (GError) error = NULL;
  FlexOutboxEntry *entry = find (self, replay->id, NULL);

  item = flex_sync_map_item_finish (FLEX_SYNC_MAP (object), result, &error);
  if (item == NULL && !g_error_matches (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_NOT_FOUND))
    {
      self->replaying = FALSE;
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  if (entry == NULL)
    {
      replay_next (task);
      return;
    }

  if (entry->kind == FLEX_OUTBOX_DELETE ? item == NULL
                                        : item != NULL && json_node_equal (item->data, entry->data))
    entry_done (task, item);
  else
    entry_conflict (task, item);
}

static void
on_sent (GObject *object, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  FlexOutbox *self = g_task_get_source_object (task);
  Replay *replay = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  FlexOutboxEntry *entry = find (self, replay->id, NULL);
  g_autoptr (FlexSyncItem) item = NULL;
  gboolean ok;

  if (entry != NULL && entry->kind == FLEX_OUTBOX_DELETE)
    ok = flex_sync_map_delete_item_finish (FLEX_SYNC_MAP (object), result, &error);
  else
    {
      item = flex_sync_map_item_finish (FLEX_SYNC_MAP (object), result, &error);
      ok = item != NULL;
    }

  if (ok || entry == NULL)
    {
      entry_done (task, item);
      return;
    }
  if (flex_twilio_error_is_transient (error) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Later, in the same order. */
      self->replaying = FALSE;
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  if (g_error_matches (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_CONFLICT) ||
      g_error_matches (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_PRECONDITION_FAILED) ||
      g_error_matches (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_NOT_FOUND))
    {
      /* Maybe it landed already (sent, then the app was killed before it
       * forgot the entry): look. */
      flex_sync_map_get_item_async (replay->map, entry->key, g_task_get_cancellable (task),
                                    on_checked, task);
      return;
    }
  /* Refused for good (invalid data, no permission): a person decides. */
  g_debug ("An unsent change of %s/%s was refused: %s", entry->map, entry->key, error->message);
  entry_conflict (task, NULL);
}

static void
replay_next (GTask *task)
{
  FlexOutbox *self = g_task_get_source_object (task);
  Replay *replay = g_task_get_task_data (task);
  FlexOutboxEntry *entry = NULL;

  for (guint i = 0; i < self->entries->len && entry == NULL; i++)
    {
      FlexOutboxEntry *candidate = g_ptr_array_index (self->entries, i);

      if (candidate->state == FLEX_OUTBOX_PENDING && map_allowed (self, candidate->map))
        entry = candidate;
    }
  if (entry == NULL)
    {
      self->replaying = FALSE;
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  g_free (replay->id);
  replay->id = g_strdup (entry->id);
  g_clear_object (&replay->map);
  replay->map = flex_sync_map_new (replay->client, replay->service_sid, entry->map);
  if (self->stream != NULL)
    flex_sync_map_set_stream (replay->map, self->stream);
  switch (entry->kind)
    {
      case FLEX_OUTBOX_ADD:
        flex_sync_map_create_item_async (replay->map, entry->key, entry->data, 0,
                                         g_task_get_cancellable (task), on_sent, task);
        break;
      case FLEX_OUTBOX_UPDATE:
        flex_sync_map_update_item_async (replay->map, entry->key, entry->data, entry->if_match,
                                         g_task_get_cancellable (task), on_sent, task);
        break;
      case FLEX_OUTBOX_DELETE:
        flex_sync_map_delete_item_async (replay->map, entry->key, entry->if_match,
                                         g_task_get_cancellable (task), on_sent, task);
        break;
      default:
        g_assert_not_reached ();
    }
}

/**
 * flex_outbox_replay_async:
 *
 * Sends the pending edits, oldest first, with their If-Match. Stops at the
 * first edit that cannot be sent now (network, 5xx, 429): they stay, in
 * order, for the next replay. Conflicts are kept for a person.
 */
void
flex_outbox_replay_async (FlexOutbox *self,
                          FlexTwilioClient *client,
                          const char *service_sid,
                          GCancellable *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer user_data)
{
  GTask *task;
  Replay *replay;

  g_return_if_fail (FLEX_IS_OUTBOX (self));
  g_return_if_fail (FLEX_IS_TWILIO_CLIENT (client));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, flex_outbox_replay_async);
  if (self->replaying)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  self->replaying = TRUE;
  replay = g_new0 (Replay, 1);
  replay->client = g_object_ref (client);
  replay->service_sid = g_strdup (service_sid != NULL ? service_sid : "default");
  g_task_set_task_data (task, replay, (GDestroyNotify) replay_free);
  replay_next (task);
}

gboolean
flex_outbox_replay_finish (FlexOutbox *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * flex_outbox_set_stream:
 * @stream: (nullable): the socket's Sync requests
 *
 * Signed in with Flex, the edits are sent over the socket (CDS), as the
 * lists' own writes are.
 */
void
flex_outbox_set_stream (FlexOutbox *self, FlexSyncStream *stream)
{
  g_return_if_fail (FLEX_IS_OUTBOX (self));
  g_set_object (&self->stream, stream);
}
