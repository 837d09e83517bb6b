/* flex-directory-cache.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * FlexDirectory's on-disk snapshot: what is shown is saved (after changes
 * settle) with its map revision and last event id, and shown at once on the
 * next start, before any network (FlexMapCache keeps the file).
 */

#define G_LOG_DOMAIN "flex-directory"

#include "config.h"

#include "flex-directory-private.h"

#define SAVE_DELAY_MS 1000

/* The on-disk snapshot */

static FlexSyncItem *
item_to_sync_item (FlexDirectory *self, gpointer item)
{
  g_autoptr (JsonNode) data = NULL;

  if (self->kind == FLEX_DIRECTORY_KIND_RECENTS)
    {
      FlexRecent *recent = item;

      /* Its dateTime, already resolved, stands for the item's creation:
       * read again, it resolves to itself. */
      data = flex_recent_to_json (recent);
      return flex_sync_item_new (
          flex_recent_get_key (recent),
          flex_recent_get_revision (recent) != NULL ? flex_recent_get_revision (recent) : "", data,
          flex_recent_get_date_time (recent), NULL, flex_recent_get_date_expires (recent));
    }

  data = flex_contact_to_json (item, self->kind == FLEX_DIRECTORY_KIND_SHARED);
  return flex_sync_item_new (
      flex_contact_get_key (item),
      flex_contact_get_revision (item) != NULL ? flex_contact_get_revision (item) : "", data, NULL,
      NULL, NULL);
}

void
_flex_directory_save_now (FlexDirectory *self)
{
  g_autoptr (FlexMapSnapshot) snapshot = NULL;
  g_autoptr (GError) error = NULL;

  if (self->cache == NULL || !self->loaded)
    return;
  /* A revision only when the rows are that revision's (else the next start
   * lists the map). */
  snapshot = flex_map_snapshot_new (self->stale ? NULL : self->revision, self->last_event_id);
  for (guint i = 0; i < self->items->len; i++)
    g_ptr_array_add (snapshot->items, item_to_sync_item (self, g_ptr_array_index (self->items, i)));
  /* A full disk or a read-only directory costs the snapshot, nothing else. */
  if (!flex_map_cache_save (self->cache, flex_sync_map_get_unique_name (self->map), snapshot,
                            &error))
    g_debug ("Could not save the snapshot of %s: %s", flex_sync_map_get_unique_name (self->map),
             error->message);
}

static gboolean
on_save (gpointer user_data)
{
  FlexDirectory *self = user_data;

  self->save_id = 0;
  _flex_directory_save_now (self);
  return G_SOURCE_REMOVE;
}

void
_flex_directory_schedule_save (FlexDirectory *self)
{
  if (self->cache == NULL || self->save_id != 0)
    return;
  self->save_id = g_timeout_add (SAVE_DELAY_MS, on_save, self);
}

/* The on-disk snapshot (public) */

/**
 * flex_directory_set_cache:
 * @cache: (nullable): where the directory keeps its snapshot
 *
 * Set before the first refresh. The directory saves a snapshot a second
 * after its rows change (and when it is disposed with a save pending), and
 * flex_directory_load_cached() shows it at start.
 */
void
flex_directory_set_cache (FlexDirectory *self, FlexMapCache *cache)
{
  g_return_if_fail (FLEX_IS_DIRECTORY (self));
  g_return_if_fail (cache == NULL || FLEX_IS_MAP_CACHE (cache));

  g_set_object (&self->cache, cache);
}

static gboolean
free_later (gpointer data)
{
  return G_SOURCE_REMOVE; /* its destroy notify frees it */
}

/**
 * flex_directory_load_cached:
 *
 * Shows the saved snapshot, if there is a usable one and nothing is shown
 * yet: the rows appear before any request, the directory counts as loaded,
 * and the next check lists the map only if its revision moved. Recents
 * expired meanwhile stay hidden.
 *
 * Returns: whether rows came from the snapshot
 */
gboolean
flex_directory_load_cached (FlexDirectory *self)
{
  FlexMapSnapshot *snapshot;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) listing = NULL;

  g_return_val_if_fail (FLEX_IS_DIRECTORY (self), FALSE);

  if (self->cache == NULL || self->loaded || self->items->len > 0)
    return FALSE;
  snapshot = flex_map_cache_load (self->cache, flex_sync_map_get_unique_name (self->map), &error);
  if (snapshot == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        g_debug ("%s", error->message);
      return FALSE;
    }

  listing = _flex_directory_parse_listing (self, snapshot->items, "a cached");
  _flex_directory_apply_listing (self, listing);
  g_clear_handle_id (&self->save_id, g_source_remove); /* it is on disk already */
  g_free (self->revision);
  self->revision = g_strdup (snapshot->revision);
  self->shown_since = snapshot->saved_at_us;
  self->last_updated = snapshot->saved_at_us;
  self->last_event_id = snapshot->last_event_id;
  self->loaded = TRUE;
  /* The parsed file goes after the first frame, not before the first
   * rows (24 ms for 10,000 contacts, bench-cache); the listing shares the
   * rows, it costs nothing to drop. */
  g_idle_add_full (G_PRIORITY_LOW, free_later, snapshot, (GDestroyNotify) flex_map_snapshot_free);
  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), _flex_directory_properties[PROP_LAST_UPDATED]);
  g_object_notify_by_pspec (G_OBJECT (self), _flex_directory_properties[PROP_LOADED]);
  g_object_thaw_notify (G_OBJECT (self));
  return TRUE;
}

/**
 * flex_directory_get_shown_since:
 *
 * Returns: when the rows shown were last known to be current (real time,
 *   µs): the last successful check, or the snapshot's time; 0 when never
 */
gint64
flex_directory_get_shown_since (FlexDirectory *self)
{
  g_return_val_if_fail (FLEX_IS_DIRECTORY (self), 0);
  return self->shown_since;
}
