/* flex-directory.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flex-directory"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "flex-directory.h"
#include "flex-map-cache.h"
#include "flex-outbox.h"

/*
 * FlexDirectory: a live, sorted GListModel of one Sync map (DESIGN.md §1).
 *
 * It loads every item, then polls: one GET of the map a poll interval (with
 * jitter), and a new listing only when the map's revision moved. A new
 * listing is applied as the smallest true set of changes: a removed, added
 * or changed item is one items-changed of one position (a change that moves
 * the item is a removal and an insertion), never a reset.
 *
 * Writes use If-Match with the revision the user saw; a conflict (412) is
 * reported with the server's current version so that nothing is lost
 * silently. Writes are refused when the directory is not editable.
 */

#define POLL_JITTER_PERCENT 20
#define SAVE_DELAY_MS       1000

struct _FlexDirectory
{
  GObject parent_instance;

  FlexSyncMap *map;
  FlexDirectoryKind kind;
  GTimeZone *time_zone;

  GPtrArray *items;   /* FlexContact or FlexRecent, sorted */
  GHashTable *by_key; /* item key → object, borrowed from items */
  char *revision;     /* map revision of the last listing; NULL: none or no map */

  gboolean editable;
  gboolean loaded;
  gboolean offline;
  char *error_message;
  gint64 last_updated;
  gboolean live; /* changes are pushed: no refresh after our writes */
  FlexMapCache *cache;
  FlexOutbox *outbox;
  GHashTable *overlaid; /* keys shown from the outbox */
  guint replay_id;      /* the next attempt to send what waits */
  guint retry_ms;       /* the backoff of checks after a failed one */
  gint64 last_event_id; /* of the last pushed change applied, -1: none */
  guint replay_delay_ms;
  guint save_id;      /* a save of the snapshot, after changes settle */
  gint64 shown_since; /* when what is shown was last known current (µs), for "offline" */
  char *live_reason;  /* when not live, why (for a tooltip) */

  guint poll_interval;
  guint poll_source;
  gboolean refreshing;
  gboolean refresh_again;
  GPtrArray *listing;         /* parsed items of the listing under way */
  GDateTime *listing_now;     /* its clock, for expired recents */
  guint write_serial;         /* bumped when a write of ours changes the model */
  guint refresh_serial;       /* write_serial when the current check started */
  GPtrArray *refresh_waiters; /* GTask, answered when the current check ends */
  GPtrArray *next_waiters;    /* GTask, answered when the next check ends */
  GHashTable *writes;         /* keys with a write under way */
  GCancellable *cancellable;
};

enum
{
  PROP_0,
  PROP_MAP,
  PROP_KIND,
  PROP_EDITABLE,
  PROP_LOADED,
  PROP_OFFLINE,
  PROP_ERROR_MESSAGE,
  PROP_LAST_UPDATED,
  PROP_POLL_INTERVAL,
  PROP_LIVE,
  PROP_LIVE_REASON,
  PROP_ITEM_TYPE,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FlexDirectory,
                               flex_directory,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

G_DEFINE_QUARK (flex - model - error - quark, flex_model_error)

GType
flex_directory_kind_get_type (void)
{
  static gsize type;

  if (g_once_init_enter (&type))
    {
      static const GEnumValue values[] = {
        { FLEX_DIRECTORY_KIND_RECENTS, "FLEX_DIRECTORY_KIND_RECENTS", "recents" },
        { FLEX_DIRECTORY_KIND_PERSONAL, "FLEX_DIRECTORY_KIND_PERSONAL", "personal" },
        { FLEX_DIRECTORY_KIND_SHARED, "FLEX_DIRECTORY_KIND_SHARED", "shared" },
        { 0, NULL, NULL },
      };

      g_once_init_leave (&type, g_enum_register_static ("FlexDirectoryKind", values));
    }

  return type;
}

/* GListModel */

static GType
get_item_type (GListModel *model)
{
  FlexDirectory *self = FLEX_DIRECTORY (model);

  return self->kind == FLEX_DIRECTORY_KIND_RECENTS ? FLEX_TYPE_RECENT : FLEX_TYPE_CONTACT;
}

static guint
get_n_items (GListModel *model)
{
  return FLEX_DIRECTORY (model)->items->len;
}

static gpointer
get_item (GListModel *model, guint position)
{
  FlexDirectory *self = FLEX_DIRECTORY (model);

  if (position >= self->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static void schedule_save (FlexDirectory *self);
static void replay_outbox (FlexDirectory *self);
static void schedule_replay (FlexDirectory *self);
static gpointer outbox_version (FlexDirectory *self, const char *key, gboolean *hide);
static void start_refresh (FlexDirectory *self);

/* The one place that emits items-changed (STYLE.md rule 5). */
static void
items_changed (FlexDirectory *self, guint position, guint removed, guint added)
{
  if (removed == 0 && added == 0)
    return;

  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
  if (removed != added)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
  schedule_save (self);
}

/* Order */

static const char *
item_key (FlexDirectory *self, gpointer item)
{
  return self->kind == FLEX_DIRECTORY_KIND_RECENTS ? flex_recent_get_key (item)
                                                   : flex_contact_get_key (item);
}

static const char *
item_revision (FlexDirectory *self, gpointer item)
{
  return self->kind == FLEX_DIRECTORY_KIND_RECENTS ? flex_recent_get_revision (item)
                                                   : flex_contact_get_revision (item);
}

/* A total order: the sort of DESIGN.md §1, then the key. */
static int
compare_items (FlexDirectory *self, gpointer a, gpointer b)
{
  int result;

  if (a == b)
    return 0;

  if (self->kind == FLEX_DIRECTORY_KIND_RECENTS)
    {
      GDateTime *time_a = flex_recent_get_date_time (a);
      GDateTime *time_b = flex_recent_get_date_time (b);

      /* Newest first; items without a time last. */
      if (time_a == NULL || time_b == NULL)
        result = (time_a == NULL) - (time_b == NULL);
      else
        result = -g_date_time_compare (time_a, time_b);
    }
  else
    result = strcmp (flex_contact_get_sort_key (a), flex_contact_get_sort_key (b));

  return result != 0 ? result : strcmp (item_key (self, a), item_key (self, b));
}

/* The first position whose item does not sort before @item. */
static guint
lower_bound (FlexDirectory *self, gpointer item)
{
  guint low = 0;
  guint high = self->items->len;

  while (low < high)
    {
      guint middle = low + (high - low) / 2;

      if (compare_items (self, g_ptr_array_index (self->items, middle), item) < 0)
        low = middle + 1;
      else
        high = middle;
    }

  return low;
}

static guint
position_of (FlexDirectory *self, gpointer item)
{
  guint position = lower_bound (self, item);

  g_assert (position < self->items->len && g_ptr_array_index (self->items, position) == item);
  return position;
}

static void
insert_item (FlexDirectory *self, gpointer item)
{
  guint position = lower_bound (self, item);

  g_ptr_array_insert (self->items, position, item);
  g_hash_table_insert (self->by_key, (gpointer) item_key (self, item), item);
  items_changed (self, position, 0, 1);
}

static void
remove_item (FlexDirectory *self, gpointer item)
{
  guint position = position_of (self, item);

  g_hash_table_remove (self->by_key, item_key (self, item));
  g_ptr_array_remove_index (self->items, position);
  items_changed (self, position, 1, 0);
}

/* Replaces the item of the same key: in place when it keeps its position,
 * else a removal and an insertion. */
static void
replace_item (FlexDirectory *self, gpointer old_item, gpointer new_item)
{
  guint old_position = position_of (self, old_item);
  guint new_position;

  g_hash_table_remove (self->by_key, item_key (self, old_item));
  g_ptr_array_steal_index (self->items, old_position);
  new_position = lower_bound (self, new_item);

  if (new_position == old_position)
    {
      g_ptr_array_insert (self->items, old_position, new_item);
      g_hash_table_insert (self->by_key, (gpointer) item_key (self, new_item), new_item);
      g_object_unref (old_item);
      items_changed (self, old_position, 1, 1);
      return;
    }

  g_object_unref (old_item);
  items_changed (self, old_position, 1, 0);
  insert_item (self, new_item);
}

static void
clear_items (FlexDirectory *self)
{
  guint n_items = self->items->len;

  g_hash_table_remove_all (self->by_key);
  g_ptr_array_set_size (self->items, 0);
  items_changed (self, 0, n_items, 0);
}

/* Parsing */

static gpointer
parse_item (FlexDirectory *self, const FlexSyncItem *item, GError **error)
{
  if (self->kind == FLEX_DIRECTORY_KIND_RECENTS)
    return flex_recent_new_from_item (item, self->time_zone, error);
  return flex_contact_new_from_item (item, error);
}

/* The row @item shows, or %NULL: with @error when it does not parse, without
 * when it is a recent past its expiry at @now (hidden before Sync deletes
 * it). */
static gpointer
parse_visible (FlexDirectory *self, const FlexSyncItem *item, GDateTime *now, GError **error)
{
  gpointer parsed = parse_item (self, item, error);

  if (parsed != NULL && self->kind == FLEX_DIRECTORY_KIND_RECENTS &&
      flex_recent_is_expired (parsed, now))
    g_clear_object (&parsed);
  return parsed;
}

/* The rows of a whole listing (from the push channel or the snapshot), the
 * items that do not parse skipped with a debug line naming @source. */
static GPtrArray *
parse_listing (FlexDirectory *self, GPtrArray *sync_items, const char *source)
{
  GPtrArray *listing = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();

  for (guint i = 0; i < sync_items->len; i++)
    {
      g_autoptr (GError) error = NULL;
      gpointer item = parse_visible (self, g_ptr_array_index (sync_items, i), now, &error);

      if (item != NULL)
        g_ptr_array_add (listing, item);
      else if (error != NULL)
        g_debug ("Skipping %s item of %s: %s", source, flex_sync_map_get_unique_name (self->map),
                 error->message);
    }
  return listing;
}

static int
compare_for_sort (gconstpointer a, gconstpointer b, gpointer user_data)
{
  return compare_items (user_data, *(gpointer *) a, *(gpointer *) b);
}

/* Called with each listed item as its page arrives: only parsed objects are
 * kept, so a big map is never held twice. */
static void
on_listed_item (FlexSyncItem *sync_item, gpointer user_data)
{
  FlexDirectory *self = user_data;
  g_autoptr (GError) error = NULL;
  gpointer item = parse_visible (self, sync_item, self->listing_now, &error);

  if (item != NULL)
    g_ptr_array_add (self->listing, item);
  else if (error != NULL)
    g_warning ("Skipping an item of %s: %s", flex_sync_map_get_unique_name (self->map),
               error->message);
}

/* Whether @a and @b show the same thing: the same revision, and for an
 * edit not sent yet, the same data and state too. */
static gboolean
same_item (FlexDirectory *self, gpointer a, gpointer b)
{
  if (g_strcmp0 (item_revision (self, a), item_revision (self, b)) != 0)
    return FALSE;
  if (self->kind == FLEX_DIRECTORY_KIND_RECENTS)
    return TRUE;
  if (flex_contact_get_sync (a) != flex_contact_get_sync (b))
    return FALSE;
  return flex_contact_get_sync (a) == FLEX_CONTACT_SYNCED || flex_contact_equal (a, b);
}

/* The server's listing with the edits not sent yet on top: their version
 * replaces the server's, a deletion hides it, an addition joins. */
static GPtrArray *
overlay_listing (FlexDirectory *self, GPtrArray *listing)
{
  GPtrArray *overlaid = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  const char *map = flex_sync_map_get_unique_name (self->map);

  if (self->outbox == NULL || self->kind == FLEX_DIRECTORY_KIND_RECENTS)
    {
      for (guint i = 0; i < listing->len; i++)
        g_ptr_array_add (overlaid, g_object_ref (g_ptr_array_index (listing, i)));
      return overlaid;
    }

  for (guint i = 0; i < listing->len; i++)
    {
      gpointer item = g_ptr_array_index (listing, i);
      gboolean hide = FALSE;
      gpointer version = outbox_version (self, item_key (self, item), &hide);

      g_hash_table_add (seen, (gpointer) item_key (self, item));
      if (hide)
        continue;
      g_ptr_array_add (overlaid, version != NULL ? version : g_object_ref (item));
    }
  for (guint i = 0; i < flex_outbox_get_n_entries (self->outbox); i++)
    {
      const FlexOutboxEntry *entry = flex_outbox_get_entry (self->outbox, i);
      gboolean hide = FALSE;
      gpointer version;

      if (!g_str_equal (entry->map, map) || g_hash_table_contains (seen, entry->key))
        continue;
      g_hash_table_add (seen, entry->key);
      version = outbox_version (self, entry->key, &hide);
      if (version != NULL)
        g_ptr_array_add (overlaid, version);
    }
  return overlaid;
}

/* Applies a full listing as the smallest set of changes. */
static void
apply_listing (FlexDirectory *self, GPtrArray *server_listing)
{
  g_autoptr (GHashTable) incoming = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) parsed = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GPtrArray) listing = overlay_listing (self, server_listing);

  for (guint i = 0; i < listing->len; i++)
    {
      gpointer item = g_ptr_array_index (listing, i);

      if (!g_hash_table_insert (incoming, (gpointer) item_key (self, item), item))
        continue; /* a duplicate key: keep the first */
      g_ptr_array_add (parsed, g_object_ref (item));
    }

  /* First load: one insertion of everything. */
  if (self->items->len == 0)
    {
      guint n_items = parsed->len;

      g_ptr_array_sort_with_data (parsed, compare_for_sort, self);
      for (guint i = 0; i < parsed->len; i++)
        {
          gpointer item = g_object_ref (g_ptr_array_index (parsed, i));

          g_ptr_array_add (self->items, item);
          g_hash_table_insert (self->by_key, (gpointer) item_key (self, item), item);
        }
      items_changed (self, 0, 0, n_items);
      return;
    }

  /* Removals, from the end so that every emitted position stays true. */
  for (guint i = self->items->len; i > 0; i--)
    {
      gpointer item = g_ptr_array_index (self->items, i - 1);

      if (!g_hash_table_contains (incoming, item_key (self, item)))
        remove_item (self, item);
    }

  /* Changes and additions, in the server's (key) order. */
  for (guint i = 0; i < parsed->len; i++)
    {
      gpointer item = g_ptr_array_index (parsed, i);
      gpointer old_item = g_hash_table_lookup (self->by_key, item_key (self, item));

      if (old_item == NULL)
        insert_item (self, g_object_ref (item));
      else if (!same_item (self, old_item, item))
        replace_item (self, old_item, g_object_ref (item));
    }
}

/* Status */

static void
set_status (FlexDirectory *self, gboolean offline, const char *error_message)
{
  g_object_freeze_notify (G_OBJECT (self));

  if (!offline)
    {
      self->last_updated = self->shown_since = g_get_real_time ();
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_UPDATED]);
      if (!self->loaded)
        {
          self->loaded = TRUE;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
        }
    }
  if (self->offline != offline)
    {
      self->offline = offline;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OFFLINE]);
    }
  if (g_strcmp0 (self->error_message, error_message) != 0)
    {
      g_free (self->error_message);
      self->error_message = g_strdup (error_message);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
    }

  g_object_thaw_notify (G_OBJECT (self));
}

static gboolean
error_is_missing_map (const GError *error)
{
  return g_error_matches (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_NOT_FOUND);
}

/* Refresh: one map GET, a listing only when the revision moved */

static void schedule_poll (FlexDirectory *self);
static void start_refresh (FlexDirectory *self);

static void
finish_refresh (FlexDirectory *self, const GError *error)
{
  g_autoptr (GPtrArray) waiters = g_steal_pointer (&self->refresh_waiters);

  /* Those who asked during this check get the answer of the next one, which
   * surely saw their change. */
  self->refresh_waiters = g_steal_pointer (&self->next_waiters);
  self->next_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  self->refreshing = FALSE;

  if (error != NULL)
    set_status (self, TRUE, error->message);
  else
    {
      set_status (self, FALSE, NULL);
      replay_outbox (self);
    }

  for (guint i = 0; i < waiters->len; i++)
    {
      GTask *task = g_ptr_array_index (waiters, i);

      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_boolean (task, TRUE);
    }

  if (self->refresh_again)
    {
      self->refresh_again = FALSE;
      start_refresh (self);
      return;
    }

  schedule_poll (self);
}

static void
on_listed (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (FlexDirectory) self = user_data;
  g_autoptr (GPtrArray) sync_items = NULL;
  g_autoptr (GError) error = NULL;
  char *revision = g_object_steal_data (G_OBJECT (self), "flex-listing-revision");

  g_autoptr (GPtrArray) listing = g_steal_pointer (&self->listing);

  g_clear_pointer (&self->listing_now, g_date_time_unref);
  sync_items = flex_sync_map_list_items_finish (FLEX_SYNC_MAP (object), result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_free (revision);
      return;
    }

  /* A write of ours landed while this listing was under way: the listing may
   * predate it and would briefly undo it on screen. Drop it; the check that
   * the write asked for follows at once. */
  if (self->write_serial != self->refresh_serial)
    {
      g_free (revision);
      finish_refresh (self, NULL);
      return;
    }

  if (sync_items == NULL && error_is_missing_map (error))
    {
      g_clear_error (&error);
      clear_items (self);
      g_clear_pointer (&revision, g_free);
    }
  else if (sync_items != NULL)
    apply_listing (self, listing);

  if (error == NULL)
    {
      g_free (self->revision);
      self->revision = g_steal_pointer (&revision);
    }
  g_free (revision);
  finish_refresh (self, error);
}

static void
on_revision_fetched (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (FlexDirectory) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *revision = NULL;

  revision = flex_sync_map_fetch_finish (FLEX_SYNC_MAP (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (revision == NULL)
    {
      if (error_is_missing_map (error))
        {
          /* A map nobody wrote yet is an empty directory, not an error. */
          clear_items (self);
          g_clear_pointer (&self->revision, g_free);
          finish_refresh (self, NULL);
          return;
        }
      finish_refresh (self, error);
      return;
    }

  if (self->loaded && g_strcmp0 (revision, self->revision) == 0)
    {
      finish_refresh (self, NULL);
      return;
    }

  g_object_set_data_full (G_OBJECT (self), "flex-listing-revision", g_steal_pointer (&revision),
                          g_free);
  g_clear_pointer (&self->listing, g_ptr_array_unref);
  g_clear_pointer (&self->listing_now, g_date_time_unref);
  self->listing = g_ptr_array_new_with_free_func (g_object_unref);
  self->listing_now = g_date_time_new_now_utc ();
  flex_sync_map_list_items_each_async (self->map, on_listed_item, self, self->cancellable,
                                       on_listed, g_object_ref (self));
}

static void
start_refresh (FlexDirectory *self)
{
  g_clear_handle_id (&self->poll_source, g_source_remove);

  if (self->refreshing)
    {
      self->refresh_again = TRUE;
      return;
    }

  self->refreshing = TRUE;
  self->refresh_serial = self->write_serial;
  flex_sync_map_fetch_async (self->map, self->cancellable, on_revision_fetched,
                             g_object_ref (self));
}

static gboolean
on_poll (gpointer user_data)
{
  FlexDirectory *self = user_data;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();

  self->poll_source = 0;
  flex_directory_prune_expired (self, now);
  start_refresh (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_poll (FlexDirectory *self)
{
  guint base_ms, jitter_ms;

  g_clear_handle_id (&self->poll_source, g_source_remove);
  if (self->poll_interval == 0 || self->refreshing)
    return;

  /* ±20 % so that many agents do not poll in step (Sync's rate limits). */
  base_ms = self->poll_interval * 1000;
  /* After a failed check, sooner: 1 s, 2 s, … up to the interval (which
   * may be the long safety interval while push is live). */
  if (self->offline)
    {
      self->retry_ms = self->retry_ms == 0 ? 1000 : MIN (self->retry_ms * 2, 60 * 1000);
      base_ms = MIN (base_ms, self->retry_ms);
    }
  else
    self->retry_ms = 0;
  jitter_ms = base_ms * POLL_JITTER_PERCENT / 100;
  self->poll_source = g_timeout_add (
      base_ms - jitter_ms + g_random_int_range (0, 2 * jitter_ms + 1), on_poll, self);
  g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->poll_source),
                            "[flex-directory] poll");
}

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

static void
save_now (FlexDirectory *self)
{
  g_autoptr (FlexMapSnapshot) snapshot = NULL;
  g_autoptr (GError) error = NULL;

  if (self->cache == NULL || !self->loaded)
    return;
  snapshot = flex_map_snapshot_new (self->revision, self->last_event_id);
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
  save_now (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_save (FlexDirectory *self)
{
  if (self->cache == NULL || self->save_id != 0)
    return;
  self->save_id = g_timeout_add (SAVE_DELAY_MS, on_save, self);
}

/* GObject */

static void
flex_directory_dispose (GObject *object)
{
  FlexDirectory *self = FLEX_DIRECTORY (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->poll_source, g_source_remove);
  g_clear_handle_id (&self->replay_id, g_source_remove);
  if (self->save_id != 0)
    {
      /* Quitting right after a change: keep it. */
      g_clear_handle_id (&self->save_id, g_source_remove);
      save_now (self);
    }
  g_clear_object (&self->cache);
  if (self->outbox != NULL)
    g_signal_handlers_disconnect_by_data (self->outbox, self);
  g_clear_object (&self->outbox);

  G_OBJECT_CLASS (flex_directory_parent_class)->dispose (object);
}

static void
flex_directory_finalize (GObject *object)
{
  FlexDirectory *self = FLEX_DIRECTORY (object);

  g_clear_object (&self->map);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->time_zone, g_time_zone_unref);
  g_ptr_array_unref (self->items);
  g_hash_table_unref (self->by_key);
  g_clear_pointer (&self->listing, g_ptr_array_unref);
  g_clear_pointer (&self->listing_now, g_date_time_unref);
  g_ptr_array_unref (self->refresh_waiters);
  g_ptr_array_unref (self->next_waiters);
  g_hash_table_unref (self->writes);
  g_hash_table_unref (self->overlaid);
  g_free (self->revision);
  g_free (self->error_message);
  g_free (self->live_reason);

  G_OBJECT_CLASS (flex_directory_parent_class)->finalize (object);
}

static void
flex_directory_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  FlexDirectory *self = FLEX_DIRECTORY (object);

  switch (prop_id)
    {
      case PROP_MAP:
        g_value_set_object (value, self->map);
        break;
      case PROP_KIND:
        g_value_set_enum (value, self->kind);
        break;
      case PROP_EDITABLE:
        g_value_set_boolean (value, self->editable);
        break;
      case PROP_LOADED:
        g_value_set_boolean (value, self->loaded);
        break;
      case PROP_OFFLINE:
        g_value_set_boolean (value, self->offline);
        break;
      case PROP_ERROR_MESSAGE:
        g_value_set_string (value, self->error_message);
        break;
      case PROP_LAST_UPDATED:
        g_value_set_int64 (value, self->last_updated);
        break;
      case PROP_POLL_INTERVAL:
        g_value_set_uint (value, self->poll_interval);
        break;
      case PROP_LIVE:
        g_value_set_boolean (value, self->live);
        break;
      case PROP_LIVE_REASON:
        g_value_set_string (value, self->live_reason);
        break;
      case PROP_ITEM_TYPE:
        g_value_set_gtype (value, get_item_type (G_LIST_MODEL (self)));
        break;
      case PROP_N_ITEMS:
        g_value_set_uint (value, self->items->len);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flex_directory_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  FlexDirectory *self = FLEX_DIRECTORY (object);

  switch (prop_id)
    {
      case PROP_MAP:
        self->map = g_value_dup_object (value);
        break;
      case PROP_KIND:
        self->kind = g_value_get_enum (value);
        break;
      case PROP_EDITABLE:
        flex_directory_set_editable (self, g_value_get_boolean (value));
        break;
      case PROP_POLL_INTERVAL:
        flex_directory_set_poll_interval (self, g_value_get_uint (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flex_directory_class_init (FlexDirectoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamFlags construct = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = flex_directory_dispose;
  object_class->finalize = flex_directory_finalize;
  object_class->get_property = flex_directory_get_property;
  object_class->set_property = flex_directory_set_property;

  properties[PROP_MAP] = g_param_spec_object ("map", NULL, NULL, FLEX_TYPE_SYNC_MAP, construct);
  properties[PROP_KIND] = g_param_spec_enum ("kind", NULL, NULL, FLEX_TYPE_DIRECTORY_KIND,
                                             FLEX_DIRECTORY_KIND_PERSONAL, construct);
  properties[PROP_EDITABLE] = g_param_spec_boolean ("editable", NULL, NULL, FALSE, rw);
  properties[PROP_LOADED] = g_param_spec_boolean ("loaded", NULL, NULL, FALSE, ro);
  properties[PROP_OFFLINE] = g_param_spec_boolean ("offline", NULL, NULL, FALSE, ro);
  properties[PROP_ERROR_MESSAGE] = g_param_spec_string ("error-message", NULL, NULL, NULL, ro);
  properties[PROP_LAST_UPDATED] =
      g_param_spec_int64 ("last-updated", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_POLL_INTERVAL] = g_param_spec_uint ("poll-interval", NULL, NULL, 0, 3600, 0, rw);
  properties[PROP_LIVE] = g_param_spec_boolean ("live", NULL, NULL, FALSE, ro);
  properties[PROP_LIVE_REASON] = g_param_spec_string ("live-reason", NULL, NULL, NULL, ro);
  properties[PROP_ITEM_TYPE] = g_param_spec_gtype ("item-type", NULL, NULL, G_TYPE_OBJECT, ro);
  properties[PROP_N_ITEMS] = g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
flex_directory_init (FlexDirectory *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->by_key = g_hash_table_new (g_str_hash, g_str_equal);
  self->refresh_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  self->next_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  self->writes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->overlaid = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->last_event_id = -1;
  self->cancellable = g_cancellable_new ();
  self->time_zone = g_time_zone_new_local ();
}

/**
 * flex_directory_new:
 * @map: the Sync map this directory shows
 * @kind: which of the three directories it is
 *
 * The directory is empty and quiet until flex_directory_refresh() or a poll
 * interval starts it.
 */
FlexDirectory *
flex_directory_new (FlexSyncMap *map, FlexDirectoryKind kind)
{
  g_return_val_if_fail (FLEX_IS_SYNC_MAP (map), NULL);

  return g_object_new (FLEX_TYPE_DIRECTORY, "map", map, "kind", kind, NULL);
}

FlexDirectoryKind
flex_directory_get_kind (FlexDirectory *self)
{
  g_return_val_if_fail (FLEX_IS_DIRECTORY (self), 0);
  return self->kind;
}

FlexSyncMap *
flex_directory_get_map (FlexDirectory *self)
{
  g_return_val_if_fail (FLEX_IS_DIRECTORY (self), NULL);
  return self->map;
}

gboolean
flex_directory_get_editable (FlexDirectory *self)
{
  g_return_val_if_fail (FLEX_IS_DIRECTORY (self), FALSE);
  return self->editable;
}

/**
 * flex_directory_set_editable:
 *
 * Whether this worker may change the directory (DESIGN.md §1: the personal
 * directory always; the shared one for supervisors and admins, or everyone
 * when shared_agent_editable). Recents are never editable.
 */
void
flex_directory_set_editable (FlexDirectory *self, gboolean editable)
{
  g_return_if_fail (FLEX_IS_DIRECTORY (self));

  editable = !!editable && self->kind != FLEX_DIRECTORY_KIND_RECENTS;
  if (self->editable == editable)
    return;
  self->editable = editable;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EDITABLE]);
}

gboolean
flex_directory_get_loaded (FlexDirectory *self)
{
  g_return_val_if_fail (FLEX_IS_DIRECTORY (self), FALSE);
  return self->loaded;
}

gboolean
flex_directory_get_offline (FlexDirectory *self)
{
  g_return_val_if_fail (FLEX_IS_DIRECTORY (self), FALSE);
  return self->offline;
}

const char *
flex_directory_get_error_message (FlexDirectory *self)
{
  g_return_val_if_fail (FLEX_IS_DIRECTORY (self), NULL);
  return self->error_message;
}

/**
 * flex_directory_get_last_updated:
 *
 * Returns: the real time (µs) of the last successful check, or 0
 */
gint64
flex_directory_get_last_updated (FlexDirectory *self)
{
  g_return_val_if_fail (FLEX_IS_DIRECTORY (self), 0);
  return self->last_updated;
}

guint
flex_directory_get_poll_interval (FlexDirectory *self)
{
  g_return_val_if_fail (FLEX_IS_DIRECTORY (self), 0);
  return self->poll_interval;
}

/**
 * flex_directory_set_poll_interval:
 * @seconds: how often to check the map's revision; 0 stops polling
 */
void
flex_directory_set_poll_interval (FlexDirectory *self, guint seconds)
{
  g_return_if_fail (FLEX_IS_DIRECTORY (self));

  if (self->poll_interval == seconds)
    return;
  self->poll_interval = seconds;
  schedule_poll (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POLL_INTERVAL]);
}

/**
 * flex_directory_set_time_zone:
 *
 * The zone recents' dateTime was printed in; the local zone by default.
 */
void
flex_directory_set_time_zone (FlexDirectory *self, GTimeZone *time_zone)
{
  g_return_if_fail (FLEX_IS_DIRECTORY (self));
  g_return_if_fail (time_zone != NULL);

  g_time_zone_unref (self->time_zone);
  self->time_zone = g_time_zone_ref (time_zone);
}

/**
 * flex_directory_lookup:
 *
 * Returns: (transfer none) (nullable): the item with this key
 */
gpointer
flex_directory_lookup (FlexDirectory *self, const char *key)
{
  g_return_val_if_fail (FLEX_IS_DIRECTORY (self), NULL);
  return g_hash_table_lookup (self->by_key, key);
}

/**
 * flex_directory_prune_expired:
 *
 * Drops recents past their `date_expires`, each with one items-changed.
 */
void
flex_directory_prune_expired (FlexDirectory *self, GDateTime *now)
{
  g_return_if_fail (FLEX_IS_DIRECTORY (self));

  if (self->kind != FLEX_DIRECTORY_KIND_RECENTS)
    return;

  for (guint i = self->items->len; i > 0; i--)
    {
      FlexRecent *recent = g_ptr_array_index (self->items, i - 1);

      if (flex_recent_is_expired (recent, now))
        remove_item (self, recent);
    }
}

/**
 * flex_directory_refresh:
 *
 * Checks the map now (the window gained focus, or we just wrote to it).
 */
void
flex_directory_refresh (FlexDirectory *self)
{
  g_return_if_fail (FLEX_IS_DIRECTORY (self));
  start_refresh (self);
}

/**
 * flex_directory_refresh_async:
 *
 * Like flex_directory_refresh(), and tells when the check is done.
 */
void
flex_directory_refresh_async (FlexDirectory *self,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data)
{
  GTask *task;

  g_return_if_fail (FLEX_IS_DIRECTORY (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, flex_directory_refresh_async);
  g_ptr_array_add (self->refreshing ? self->next_waiters : self->refresh_waiters, task);
  start_refresh (self);
}

gboolean
flex_directory_refresh_finish (FlexDirectory *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

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
  if (!self->live)
    start_refresh (self);
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
            replace_item (self, old_item, g_object_ref (data->current));
        }
      else if (data->current != NULL)
        insert_item (self, g_object_ref (data->current));
    }
  else if (old_item != NULL &&
           g_error_matches (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_NOT_FOUND))
    remove_item (self, old_item);

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
  gpointer version = outbox_version (self, key, &hide);
  gpointer old_item = g_hash_table_lookup (self->by_key, key);

  if (hide)
    {
      if (old_item != NULL)
        remove_item (self, old_item);
      return;
    }
  if (version == NULL)
    return;
  if (old_item == NULL)
    insert_item (self, version);
  else if (!same_item (self, old_item, version))
    replace_item (self, old_item, version);
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
    ok = flex_outbox_queue (self->outbox, map, kind, data->key, json, if_match, error) != NULL;
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
  schedule_replay (self);
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
        schedule_replay (self);
      return;
    }
  self->replay_delay_ms = 0;
}

static void
replay_outbox (FlexDirectory *self)
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
  replay_outbox (self);
  return G_SOURCE_REMOVE;
}

/* Sending what waits does not wait for a poll (there may be none while
 * push is live): tries again after 1 s, 2 s, … up to 30 s, ± 20 %. */
static void
schedule_replay (FlexDirectory *self)
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
       * original error (and their edit back). */
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
        remove_item (self, old_item);
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
    replace_item (self, old_item, g_object_ref (saved));
  else if (old_item == NULL)
    insert_item (self, g_object_ref (saved));

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
   * that the order is kept. */
  if (self->outbox != NULL &&
      flex_outbox_lookup (self->outbox, flex_sync_map_get_unique_name (self->map), data->key) !=
          NULL)
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

  clear_items (self);
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

/* Shows @sync_item (or drops it, when it no longer parses or has expired)
 * with one items-changed at most. */
static void
apply_item (FlexDirectory *self, const FlexSyncItem *sync_item)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  gpointer old_item = g_hash_table_lookup (self->by_key, sync_item->key);
  gpointer item = parse_visible (self, sync_item, now, &error);

  if (item == NULL)
    {
      if (error != NULL)
        g_debug ("A pushed item of %s does not parse: %s",
                 flex_sync_map_get_unique_name (self->map), error->message);
      if (old_item != NULL)
        remove_item (self, old_item);
      return;
    }
  if (old_item == NULL)
    insert_item (self, item);
  else if (g_strcmp0 (item_revision (self, old_item), item_revision (self, item)) != 0)
    replace_item (self, old_item, item);
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

  /* An edit not sent yet stays on screen over the server's version. */
  if (event->key != NULL && self->outbox != NULL &&
      flex_outbox_lookup (self->outbox, flex_sync_map_get_unique_name (self->map), event->key) !=
          NULL)
    {
      set_revision (self, event->map_revision);
      return;
    }

  switch (event->type)
    {
      case FLEX_SYNC_EVENT_ITEM_ADDED:
      case FLEX_SYNC_EVENT_ITEM_UPDATED:
        if (event->item != NULL)
          apply_item (self, event->item);
        break;
      case FLEX_SYNC_EVENT_ITEM_REMOVED:
        old_item = g_hash_table_lookup (self->by_key, event->key);
        if (old_item != NULL)
          remove_item (self, old_item);
        break;
      case FLEX_SYNC_EVENT_MAP_REMOVED:
        clear_items (self);
        g_clear_pointer (&self->revision, g_free);
        break;
      default:
        g_return_if_reached ();
    }

  set_revision (self, event->map_revision);
  self->last_event_id =
      event->type == FLEX_SYNC_EVENT_MAP_REMOVED ? -1 : MAX (self->last_event_id, event->id);
  self->write_serial++; /* a listing under way may predate this */
  set_status (self, FALSE, NULL);
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

  listing = parse_listing (self, sync_items, "a listed");
  apply_listing (self, listing);
  set_revision (self, map_revision);
  self->write_serial++;
  set_status (self, FALSE, NULL);
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
      self->live = !!live;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LIVE]);
    }
  if (live)
    reason = NULL;
  if (g_strcmp0 (self->live_reason, reason) != 0)
    {
      g_free (self->live_reason);
      self->live_reason = g_strdup (reason);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LIVE_REASON]);
    }
  g_object_thaw_notify (G_OBJECT (self));
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
  g_autoptr (FlexMapSnapshot) snapshot = NULL;
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

  listing = parse_listing (self, snapshot->items, "a cached");
  apply_listing (self, listing);
  g_clear_handle_id (&self->save_id, g_source_remove); /* it is on disk already */
  g_free (self->revision);
  self->revision = g_strdup (snapshot->revision);
  self->shown_since = snapshot->saved_at_us;
  self->last_updated = snapshot->saved_at_us;
  self->last_event_id = snapshot->last_event_id;
  self->loaded = TRUE;
  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_UPDATED]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
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

/* The outbox (public) */

/* The version of @key an edit in the outbox shows, or %NULL (none, or the
 * server's stays); @hide when a deletion waits. */
static gpointer
outbox_version (FlexDirectory *self, const char *key, gboolean *hide)
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
      /* Forget the revision we saw: the next check lists the map. */
      g_clear_pointer (&self->revision, g_free);
      start_refresh (self);
    }
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
  if (outbox != NULL)
    {
      g_signal_connect (outbox, "changed", G_CALLBACK (on_outbox_changed), self);
      on_outbox_changed (outbox, self);
    }
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
