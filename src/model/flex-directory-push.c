/* flex-directory-push.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * FlexDirectory's side of live sync: a map feed (FlexMapFeed) hands it
 * pushed events and whole listings, and says whether it is live. Applying
 * them is the same minimal items-changed as a polled listing.
 */

#define G_LOG_DOMAIN "flex-directory"

#include "config.h"

#include "flex-directory-private.h"

/* Pushed changes (a map feed hands them over) */

static void
set_revision (FlexDirectory *self, const char *revision)
{
  if (revision == NULL)
    return;
  g_free (self->revision);
  self->revision = g_strdup (revision);
}

/**
 * flex_directory_get_revision:
 *
 * Returns: (nullable): the map revision the directory shows
 */
const char *
flex_directory_get_revision (FlexDirectory *self)
{
  g_return_val_if_fail (FLEX_IS_DIRECTORY (self), NULL);
  return self->revision;
}

/* Shows @sync_item, the server's version of an item (or drops it, when it
 * no longer parses or has expired) with one items-changed at most. */
void
_flex_directory_show_server_item (FlexDirectory *self, const FlexSyncItem *sync_item)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  gpointer old_item = g_hash_table_lookup (self->by_key, sync_item->key);
  gpointer item = _flex_directory_parse_visible (self, sync_item, now, &error);

  if (item == NULL)
    {
      if (error != NULL)
        g_debug ("An item of %s does not parse: %s", flex_sync_map_get_unique_name (self->map),
                 error->message);
      if (old_item != NULL)
        _flex_directory_remove_item (self, old_item);
      return;
    }
  if (old_item == NULL)
    _flex_directory_insert_item (self, item);
  else if (!_flex_directory_same_item (self, old_item, item))
    _flex_directory_replace_item (self, old_item, item);
  else
    g_object_unref (item); /* this very revision is shown already (our own write) */
}

/**
 * flex_directory_apply_event:
 *
 * Applies one pushed change: an added or changed item is one items-changed
 * (a removal and an insertion when it moves), a removed one is one removal,
 * a removed map empties the directory.
 */
void
flex_directory_apply_event (FlexDirectory *self, const FlexSyncEvent *event)
{
  gpointer old_item;

  g_return_if_fail (FLEX_IS_DIRECTORY (self));
  g_return_if_fail (event != NULL);

  /* An edit not sent yet stays on screen over the server's version. What
   * is shown is then not the map at this revision: the next check lists it,
   * and the edit, once sent, shows what the server answered. */
  if (event->key != NULL && self->outbox != NULL &&
      flex_outbox_lookup (self->outbox, flex_sync_map_get_unique_name (self->map), event->key) !=
          NULL)
    {
      self->stale = TRUE;
      return;
    }

  switch (event->type)
    {
      case FLEX_SYNC_EVENT_ITEM_ADDED:
      case FLEX_SYNC_EVENT_ITEM_UPDATED:
        if (event->item != NULL)
          _flex_directory_show_server_item (self, event->item);
        break;
      case FLEX_SYNC_EVENT_ITEM_REMOVED:
        old_item = g_hash_table_lookup (self->by_key, event->key);
        if (old_item != NULL)
          _flex_directory_remove_item (self, old_item);
        break;
      case FLEX_SYNC_EVENT_MAP_REMOVED:
        _flex_directory_clear_items (self);
        g_clear_pointer (&self->revision, g_free);
        break;
      default:
        g_return_if_reached ();
    }

  set_revision (self, event->map_revision);
  self->last_event_id =
      event->type == FLEX_SYNC_EVENT_MAP_REMOVED ? -1 : MAX (self->last_event_id, event->id);
  self->write_serial++; /* a listing under way may predate this */
  _flex_directory_set_status (self, FALSE, NULL);
}

/**
 * flex_directory_apply_items:
 * @sync_items: (element-type FlexSyncItem): every item of the map
 * @map_revision: (nullable): the map's revision they were listed at
 *
 * Applies a whole listing (from the push channel) as the smallest set of
 * changes.
 */
void
flex_directory_apply_items (FlexDirectory *self, GPtrArray *sync_items, const char *map_revision)
{
  g_autoptr (GPtrArray) listing = NULL;

  g_return_if_fail (FLEX_IS_DIRECTORY (self));
  g_return_if_fail (sync_items != NULL);

  listing = _flex_directory_parse_listing (self, sync_items, "a listed");
  _flex_directory_apply_listing (self, listing);
  set_revision (self, map_revision);
  self->stale = FALSE;
  self->write_serial++;
  _flex_directory_set_status (self, FALSE, NULL);
}

gboolean
flex_directory_get_live (FlexDirectory *self)
{
  g_return_val_if_fail (FLEX_IS_DIRECTORY (self), FALSE);
  return self->live;
}

/**
 * flex_directory_get_live_reason:
 *
 * Returns: (nullable): when changes are not pushed, why not
 */
const char *
flex_directory_get_live_reason (FlexDirectory *self)
{
  g_return_val_if_fail (FLEX_IS_DIRECTORY (self), NULL);
  return self->live_reason;
}

/**
 * flex_directory_set_live:
 * @live: whether changes are pushed to the directory now
 * @reason: (nullable): when not, why not, in words
 *
 * Set by the directory's feed. While live, a write of ours is not followed
 * by a check of the map: its event brings the change.
 */
void
flex_directory_set_live (FlexDirectory *self, gboolean live, const char *reason)
{
  g_return_if_fail (FLEX_IS_DIRECTORY (self));

  g_object_freeze_notify (G_OBJECT (self));
  if (self->live != !!live)
    {
      /* While live, what is shown was current until this moment: the time
       * an "Offline" footer names is when contact was lost, push or REST. */
      if (self->live && !live && self->loaded)
        self->shown_since = g_get_real_time ();
      self->live = !!live;
      g_object_notify_by_pspec (G_OBJECT (self), _flex_directory_properties[PROP_LIVE]);
    }
  if (live)
    reason = NULL;
  if (g_strcmp0 (self->live_reason, reason) != 0)
    {
      g_free (self->live_reason);
      self->live_reason = g_strdup (reason);
      g_object_notify_by_pspec (G_OBJECT (self), _flex_directory_properties[PROP_LIVE_REASON]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}
