/* flex-map-cache.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flex-map-cache"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "flex-json.h"
#include "flex-map-cache.h"

/*
 * FlexMapCache: a snapshot of each map on disk, so that the lists open at
 * once and stay on screen while Twilio cannot be reached.
 *
 * Under `$XDG_CACHE_HOME/flex-contacts/<AccountSid>/` (0700), one file a map
 * (0600), written atomically (temporary file + rename), JSON:
 *
 *   {"format": "flex-contacts-map-cache", "version": 1, "account": "AC…",
 *    "map": "Contacts_…", "revision": "…", "last_event_id": n,
 *    "saved_at": "ISO 8601", "items": [{"key", "revision", "data",
 *    "date_created", "date_updated", "date_expires"}, …]}
 *
 * A file that is missing, truncated, not JSON, of another format, version,
 * account or map, or that holds a malformed item is not used (the caller
 * lists the map instead and saves a good one): one debug line, never a
 * crash. Secrets are never here: only what Sync's maps hold.
 */

#define FORMAT "flex-contacts-map-cache"

struct _FlexMapCache
{
  GObject parent_instance;

  char *directory;
  char *account_sid;
};

G_DEFINE_FINAL_TYPE (FlexMapCache, flex_map_cache, G_TYPE_OBJECT)

FlexMapSnapshot *
flex_map_snapshot_new (const char *revision, gint64 last_event_id)
{
  FlexMapSnapshot *snapshot = g_new0 (FlexMapSnapshot, 1);

  snapshot->revision = g_strdup (revision);
  snapshot->last_event_id = last_event_id;
  snapshot->items = g_ptr_array_new_with_free_func ((GDestroyNotify) flex_sync_item_unref);
  return snapshot;
}

void
flex_map_snapshot_free (FlexMapSnapshot *snapshot)
{
  if (snapshot == NULL)
    return;
  g_free (snapshot->revision);
  g_ptr_array_unref (snapshot->items);
  g_free (snapshot);
}

static void
flex_map_cache_finalize (GObject *object)
{
  FlexMapCache *self = FLEX_MAP_CACHE (object);

  g_free (self->directory);
  g_free (self->account_sid);

  G_OBJECT_CLASS (flex_map_cache_parent_class)->finalize (object);
}

static void
flex_map_cache_class_init (FlexMapCacheClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = flex_map_cache_finalize;
}

static void
flex_map_cache_init (FlexMapCache *self)
{
}

/**
 * flex_map_cache_default_directory:
 *
 * Returns: (transfer full): `$XDG_CACHE_HOME/flex-contacts/<AccountSid>`
 */
char *
flex_map_cache_default_directory (const char *account_sid)
{
  g_return_val_if_fail (account_sid != NULL, NULL);
  return g_build_filename (g_get_user_cache_dir (), "flex-contacts", account_sid, NULL);
}

/**
 * flex_map_cache_new:
 * @directory: the account's cache directory (made on the first save)
 * @account_sid: the account; files of another account are not used
 */
FlexMapCache *
flex_map_cache_new (const char *directory, const char *account_sid)
{
  FlexMapCache *self;

  g_return_val_if_fail (directory != NULL && account_sid != NULL, NULL);

  self = g_object_new (FLEX_TYPE_MAP_CACHE, NULL);
  self->directory = g_strdup (directory);
  self->account_sid = g_strdup (account_sid);
  return self;
}

const char *
flex_map_cache_get_directory (FlexMapCache *self)
{
  g_return_val_if_fail (FLEX_IS_MAP_CACHE (self), NULL);
  return self->directory;
}

/* Map names are Sync unique names; anything else is escaped for a file name. */
static char *
file_for (FlexMapCache *self, const char *map_name)
{
  g_autofree char *escaped = g_uri_escape_string (map_name, NULL, FALSE);
  g_autofree char *name = g_strconcat (escaped, ".json", NULL);

  return g_build_filename (self->directory, name, NULL);
}

static void
add_date (JsonBuilder *builder, const char *name, GDateTime *date)
{
  g_autofree char *text = date != NULL ? g_date_time_format_iso8601 (date) : NULL;

  json_builder_set_member_name (builder, name);
  if (text != NULL)
    json_builder_add_string_value (builder, text);
  else
    json_builder_add_null_value (builder);
}

/* Every file here: the directory made (0700), then an object opened with
 * the header that loading checks (format, version, account). */
static gboolean
begin_file (FlexMapCache *self, JsonBuilder *builder, const char *format, GError **error)
{
  if (g_mkdir_with_parents (self->directory, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Could not make the cache directory %s: %s", self->directory,
                   g_strerror (saved_errno));
      return FALSE;
    }
  g_chmod (self->directory, 0700);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "format");
  json_builder_add_string_value (builder, format);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, FLEX_MAP_CACHE_VERSION);
  json_builder_set_member_name (builder, "account");
  json_builder_add_string_value (builder, self->account_sid);
  return TRUE;
}

/* ...and written atomically, readable by the user only. */
static gboolean
write_file (FlexMapCache *self, const char *name, JsonBuilder *builder, GError **error)
{
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = json_builder_get_root (builder);
  g_autofree char *path = file_for (self, name);
  g_autofree char *text = NULL;
  gsize length;

  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, &length);
  return g_file_set_contents_full (
      path, text, length, G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_ONLY_EXISTING, 0600,
      error);
}

/**
 * flex_map_cache_save:
 *
 * Writes @snapshot for @map_name, atomically, readable by the user only.
 */
gboolean
flex_map_cache_save (FlexMapCache *self,
                     const char *map_name,
                     const FlexMapSnapshot *snapshot,
                     GError **error)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (GDateTime) saved_at = g_date_time_new_now_utc ();

  g_return_val_if_fail (FLEX_IS_MAP_CACHE (self), FALSE);
  g_return_val_if_fail (map_name != NULL && snapshot != NULL, FALSE);

  if (!begin_file (self, builder, FORMAT, error))
    return FALSE;
  json_builder_set_member_name (builder, "map");
  json_builder_add_string_value (builder, map_name);
  json_builder_set_member_name (builder, "revision");
  if (snapshot->revision != NULL)
    json_builder_add_string_value (builder, snapshot->revision);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "last_event_id");
  json_builder_add_int_value (builder, snapshot->last_event_id);
  add_date (builder, "saved_at", saved_at);
  json_builder_set_member_name (builder, "items");
  json_builder_begin_array (builder);
  for (guint i = 0; i < snapshot->items->len; i++)
    {
      FlexSyncItem *item = g_ptr_array_index (snapshot->items, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "key");
      json_builder_add_string_value (builder, item->key);
      json_builder_set_member_name (builder, "revision");
      json_builder_add_string_value (builder, item->revision);
      json_builder_set_member_name (builder, "data");
      json_builder_add_value (builder, json_node_copy (item->data));
      /* Dates only when known: less to read at start. */
      if (item->date_created != NULL)
        add_date (builder, "date_created", item->date_created);
      if (item->date_updated != NULL)
        add_date (builder, "date_updated", item->date_updated);
      if (item->date_expires != NULL)
        add_date (builder, "date_expires", item->date_expires);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return write_file (self, map_name, builder, error);
}

/**
 * flex_map_cache_save_document:
 * @name: a file name without extension (`session`)
 * @format: the document's format name, checked when it is loaded
 * @content: (transfer none): what to keep
 *
 * Keeps @content beside the snapshots, with the same care: 0600 in the
 * 0700 directory, atomically, with a format, version and account.
 */
gboolean
flex_map_cache_save_document (
    FlexMapCache *self, const char *name, const char *format, JsonNode *content, GError **error)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (FLEX_IS_MAP_CACHE (self), FALSE);
  g_return_val_if_fail (name != NULL && format != NULL && content != NULL, FALSE);

  if (!begin_file (self, builder, format, error))
    return FALSE;
  json_builder_set_member_name (builder, "content");
  json_builder_add_value (builder, json_node_copy (content));
  json_builder_end_object (builder);
  return write_file (self, name, builder, error);
}

static FlexMapSnapshot *
damaged (GError **error, const char *path, const char *what)
{
  g_debug ("Not using the cache %s: %s", path, what);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "The cache %s is not usable: %s", path,
               what);
  return NULL;
}

static const char *
string_member (JsonObject *object, const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* Every file here, read back: a JSON object with the header begin_file()
 * writes, of @format, this version and this account.
 * Returns: (transfer none) (nullable): its root, owned by @parser; %NULL
 *   with %G_IO_ERROR_NOT_FOUND when there is none, else damaged() */
static JsonObject *
read_file (
    FlexMapCache *self, const char *path, const char *format, JsonParser *parser, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  JsonObject *root;

  if (!flex_json_parser_load_file (parser, path, &local_error))
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      return (damaged (error, path, local_error->message), NULL);
    }
  if (json_parser_get_root (parser) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return (damaged (error, path, "not a JSON object"), NULL);
  root = json_node_get_object (json_parser_get_root (parser));
  if (g_strcmp0 (string_member (root, "format"), format) != 0)
    return (damaged (error, path, "another format"), NULL);
  if (flex_json_int_member (root, "version", -1) != FLEX_MAP_CACHE_VERSION)
    return (damaged (error, path, "another version"), NULL);
  if (g_strcmp0 (string_member (root, "account"), self->account_sid) != 0)
    return (damaged (error, path, "another account"), NULL);
  return root;
}

/**
 * flex_map_cache_load:
 *
 * Returns: (transfer full) (nullable): the snapshot of @map_name, or %NULL
 *   with %G_IO_ERROR_NOT_FOUND when there is none, %G_IO_ERROR_INVALID_DATA
 *   when it is damaged or not ours
 */
FlexMapSnapshot *
flex_map_cache_load (FlexMapCache *self, const char *map_name, GError **error)
{
  g_autofree char *path = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (FlexMapSnapshot) snapshot = NULL;
  g_autoptr (GDateTime) saved_at = NULL;
  JsonObject *root;
  JsonNode *items_node, *event_node;
  JsonArray *items;

  g_return_val_if_fail (FLEX_IS_MAP_CACHE (self), NULL);
  g_return_val_if_fail (map_name != NULL, NULL);

  path = file_for (self, map_name);
  root = read_file (self, path, FORMAT, parser, error);
  if (root == NULL)
    return NULL;
  if (g_strcmp0 (string_member (root, "map"), map_name) != 0)
    return damaged (error, path, "another map");

  event_node = json_object_get_member (root, "last_event_id");
  snapshot = flex_map_snapshot_new (string_member (root, "revision"),
                                    event_node != NULL && JSON_NODE_HOLDS_VALUE (event_node) &&
                                            json_node_get_value_type (event_node) == G_TYPE_INT64
                                        ? json_node_get_int (event_node)
                                        : -1);
  saved_at = string_member (root, "saved_at") != NULL
                 ? g_date_time_new_from_iso8601 (string_member (root, "saved_at"), NULL)
                 : NULL;
  if (saved_at == NULL)
    return damaged (error, path, "no time of saving");
  snapshot->saved_at_us =
      g_date_time_to_unix (saved_at) * G_USEC_PER_SEC + g_date_time_get_microsecond (saved_at);

  items_node = json_object_get_member (root, "items");
  if (items_node == NULL || !JSON_NODE_HOLDS_ARRAY (items_node))
    return damaged (error, path, "no items");
  items = json_node_get_array (items_node);
  g_ptr_array_set_size (snapshot->items, 0);
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonNode *node = json_array_get_element (items, i);
      JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *key = object != NULL ? string_member (object, "key") : NULL;
      const char *revision = object != NULL ? string_member (object, "revision") : NULL;
      JsonNode *data = object != NULL ? json_object_get_member (object, "data") : NULL;
      GDateTime *dates[3] = { NULL, NULL, NULL };
      const char *date_names[3] = { "date_created", "date_updated", "date_expires" };
      gboolean bad_date = FALSE;

      /* What we wrote is whole: a bad item means a damaged file. */
      if (key == NULL || *key == '\0' || revision == NULL || data == NULL)
        return damaged (error, path, "an item without key, revision or data");
      for (guint d = 0; d < G_N_ELEMENTS (dates); d++)
        {
          const char *date = string_member (object, date_names[d]);

          if (date == NULL)
            continue;
          dates[d] = g_date_time_new_from_iso8601 (date, NULL);
          bad_date = bad_date || dates[d] == NULL;
        }
      /* The items share the parsed data: no copy of 10,000 objects. */
      if (!bad_date)
        g_ptr_array_add (snapshot->items,
                         flex_sync_item_new_take (key, revision, json_node_ref (data), dates[0],
                                                  dates[1], dates[2]));
      for (guint d = 0; d < G_N_ELEMENTS (dates); d++)
        g_clear_pointer (&dates[d], g_date_time_unref);
      if (bad_date)
        return damaged (error, path, "an item with a bad date");
    }

  return g_steal_pointer (&snapshot);
}

/**
 * flex_map_cache_load_document:
 *
 * Returns: (transfer full) (nullable): the content kept by
 *   flex_map_cache_save_document(), or %NULL with %G_IO_ERROR_NOT_FOUND
 *   when there is none, %G_IO_ERROR_INVALID_DATA when it is damaged or not
 *   ours (another format, version or account)
 */
JsonNode *
flex_map_cache_load_document (FlexMapCache *self,
                              const char *name,
                              const char *format,
                              GError **error)
{
  g_autofree char *path = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *root;
  JsonNode *content;

  g_return_val_if_fail (FLEX_IS_MAP_CACHE (self), NULL);
  g_return_val_if_fail (name != NULL && format != NULL, NULL);

  path = file_for (self, name);
  root = read_file (self, path, format, parser, error);
  if (root == NULL)
    return NULL;
  content = json_object_get_member (root, "content");
  if (content == NULL)
    return (damaged (error, path, "no content"), NULL);
  return json_node_ref (content);
}

/**
 * flex_map_cache_delete_all:
 *
 * Deletes the account's snapshots (sign out), and the directory when
 * nothing else is left in it: edits that were never sent (the outbox) are
 * not a cache, and stay until they are sent or a person drops them.
 */
gboolean
flex_map_cache_delete_all (FlexMapCache *self, GError **error)
{
  g_autoptr (GDir) dir = NULL;
  g_autoptr (GError) local_error = NULL;
  const char *name;

  g_return_val_if_fail (FLEX_IS_MAP_CACHE (self), FALSE);

  /* A directory that is a link (to somewhere else) is not ours to empty:
   * the link goes, what it points at stays. */
  {
    GStatBuf info;

    if (g_lstat (self->directory, &info) == 0 && S_ISLNK (info.st_mode))
      {
        if (g_unlink (self->directory) != 0)
          {
            int saved_errno = errno;

            g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                         "Could not delete %s: %s", self->directory, g_strerror (saved_errno));
            return FALSE;
          }
        return TRUE;
      }
  }
  dir = g_dir_open (self->directory, 0, &local_error);
  if (dir == NULL)
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (self->directory, name, NULL);

      if (g_str_has_prefix (name, "outbox"))
        continue;
      if (g_unlink (path) != 0)
        {
          int saved_errno = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       "Could not delete %s: %s", path, g_strerror (saved_errno));
          return FALSE;
        }
    }
  if (g_rmdir (self->directory) != 0 && errno != ENOTEMPTY && errno != EEXIST)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Could not delete %s: %s", self->directory, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}
