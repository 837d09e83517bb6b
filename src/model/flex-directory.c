/* flex-directory.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flex-directory"

#include "config.h"

#include <string.h>

#include "flex-directory-private.h"
#include "flex-phone.h"

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
 *
 * This file holds the model itself, listings and polling; writes and the
 * outbox, pushed changes and the on-disk snapshot have units of their own
 * (flex-directory-private.h).
 */

#define POLL_JITTER_PERCENT 20

GParamSpec *_flex_directory_properties[N_PROPS];

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

/* The number an item is reached at, as a key: "+" and its digits for a
 * number stored in E.164 (as this app and the Flex plugin store them);
 * anything else only when libphonenumber makes it one. */
static char *
number_key (const char *number, const char *country)
{
  if (number == NULL || *number == '\0')
    return NULL;
  if (number[0] == '+')
    {
      GString *key = g_string_new ("+");

      for (const char *p = number + 1; *p != '\0'; p++)
        if (g_ascii_isdigit (*p))
          g_string_append_c (key, *p);
        else if (strchr (" -.()", *p) == NULL)
          return (g_string_free (key, TRUE), NULL); /* "+1 555 ext. 2", "whatsapp:…" */
      return g_string_free (key, FALSE);
    }
  return flex_phone_normalize (number, country, NULL);
}

static const char *
item_number (gpointer item)
{
  return FLEX_IS_CONTACT (item) ? flex_contact_get_phone_number (item)
                                : flex_recent_get_customer_address (item);
}

static const char *item_key (FlexDirectory *self, gpointer item);

/* Items @position … @position + @added (new) go into the number index, if
 * there is one: number → item key, the first one kept. */
static void
index_numbers (FlexDirectory *self, guint position, guint added)
{
  if (self->by_number == NULL)
    return;
  for (guint i = position; i < position + added && i < self->items->len; i++)
    {
      gpointer item = g_ptr_array_index (self->items, i);
      char *number = number_key (item_number (item), NULL);

      if (number != NULL && !g_hash_table_contains (self->by_number, number))
        g_hash_table_insert (self->by_number, number, g_strdup (item_key (self, item)));
      else
        g_free (number);
    }
}

/* The one place that emits items-changed (STYLE.md rule 5). */
static void
items_changed (FlexDirectory *self, guint position, guint removed, guint added)
{
  if (removed == 0 && added == 0)
    return;

  index_numbers (self, position, added);
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
  if (removed != added)
    g_object_notify_by_pspec (G_OBJECT (self), _flex_directory_properties[PROP_N_ITEMS]);
  _flex_directory_schedule_save (self);
}

/* Order */

static const char *
item_key (FlexDirectory *self, gpointer item)
{
  return self->kind == FLEX_DIRECTORY_KIND_RECENTS ? flex_recent_get_key (item)
                                                   : flex_contact_get_key (item);
}

const char *
_flex_directory_item_revision (FlexDirectory *self, gpointer item)
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

void
_flex_directory_insert_item (FlexDirectory *self, gpointer item)
{
  guint position = lower_bound (self, item);

  g_ptr_array_insert (self->items, position, item);
  g_hash_table_insert (self->by_key, (gpointer) item_key (self, item), item);
  items_changed (self, position, 0, 1);
}

void
_flex_directory_remove_item (FlexDirectory *self, gpointer item)
{
  guint position = position_of (self, item);

  g_hash_table_remove (self->by_key, item_key (self, item));
  g_ptr_array_remove_index (self->items, position);
  items_changed (self, position, 1, 0);
}

/* Replaces the item of the same key: in place when it keeps its position,
 * else a removal and an insertion. */
void
_flex_directory_replace_item (FlexDirectory *self, gpointer old_item, gpointer new_item)
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
  _flex_directory_insert_item (self, new_item);
}

void
_flex_directory_clear_items (FlexDirectory *self)
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
gpointer
_flex_directory_parse_visible (FlexDirectory *self,
                               const FlexSyncItem *item,
                               GDateTime *now,
                               GError **error)
{
  gpointer parsed = parse_item (self, item, error);

  if (parsed != NULL && self->kind == FLEX_DIRECTORY_KIND_RECENTS &&
      flex_recent_is_expired (parsed, now))
    g_clear_object (&parsed);
  return parsed;
}

/* The rows of a whole listing (from the push channel or the snapshot), the
 * items that do not parse skipped with a debug line naming @source. */
GPtrArray *
_flex_directory_parse_listing (FlexDirectory *self, GPtrArray *sync_items, const char *source)
{
  GPtrArray *listing = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();

  for (guint i = 0; i < sync_items->len; i++)
    {
      g_autoptr (GError) error = NULL;
      gpointer item =
          _flex_directory_parse_visible (self, g_ptr_array_index (sync_items, i), now, &error);

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
  gpointer item = _flex_directory_parse_visible (self, sync_item, self->listing_now, &error);

  if (item != NULL)
    g_ptr_array_add (self->listing, item);
  else if (error != NULL)
    g_warning ("Skipping an item of %s: %s", flex_sync_map_get_unique_name (self->map),
               error->message);
}

/* Whether @a and @b show the same thing: the same revision, and for an
 * edit not sent yet, the same data and state too. */
gboolean
_flex_directory_same_item (FlexDirectory *self, gpointer a, gpointer b)
{
  if (g_strcmp0 (_flex_directory_item_revision (self, a),
                 _flex_directory_item_revision (self, b)) != 0)
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
      gpointer version = _flex_directory_outbox_version (self, item_key (self, item), &hide);

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
      version = _flex_directory_outbox_version (self, entry->key, &hide);
      if (version != NULL)
        g_ptr_array_add (overlaid, version);
    }
  return overlaid;
}

/* Applies a full listing as the smallest set of changes. */
void
_flex_directory_apply_listing (FlexDirectory *self, GPtrArray *server_listing)
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
        _flex_directory_remove_item (self, item);
    }

  /* Changes and additions, in the server's (key) order. */
  for (guint i = 0; i < parsed->len; i++)
    {
      gpointer item = g_ptr_array_index (parsed, i);
      gpointer old_item = g_hash_table_lookup (self->by_key, item_key (self, item));

      if (old_item == NULL)
        _flex_directory_insert_item (self, g_object_ref (item));
      else if (!_flex_directory_same_item (self, old_item, item))
        _flex_directory_replace_item (self, old_item, g_object_ref (item));
    }
}

/* Status */

void
_flex_directory_set_status (FlexDirectory *self, gboolean offline, const char *error_message)
{
  g_object_freeze_notify (G_OBJECT (self));

  if (!offline)
    {
      self->last_updated = self->shown_since = g_get_real_time ();
      g_object_notify_by_pspec (G_OBJECT (self), _flex_directory_properties[PROP_LAST_UPDATED]);
      if (!self->loaded)
        {
          self->loaded = TRUE;
          g_object_notify_by_pspec (G_OBJECT (self), _flex_directory_properties[PROP_LOADED]);
        }
    }
  if (self->offline != offline)
    {
      self->offline = offline;
      g_object_notify_by_pspec (G_OBJECT (self), _flex_directory_properties[PROP_OFFLINE]);
    }
  if (g_strcmp0 (self->error_message, error_message) != 0)
    {
      g_free (self->error_message);
      self->error_message = g_strdup (error_message);
      g_object_notify_by_pspec (G_OBJECT (self), _flex_directory_properties[PROP_ERROR_MESSAGE]);
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
    _flex_directory_set_status (self, TRUE, error->message);
  else
    {
      _flex_directory_set_status (self, FALSE, NULL);
      _flex_directory_replay_outbox (self);
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
      _flex_directory_start_refresh (self);
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
      /* While live no write asks for a check: if this listing was needed,
       * list again. */
      if (self->stale)
        self->refresh_again = TRUE;
      finish_refresh (self, NULL);
      return;
    }

  if (sync_items == NULL && error_is_missing_map (error))
    {
      g_clear_error (&error);
      _flex_directory_clear_items (self);
      g_clear_pointer (&revision, g_free);
    }
  else if (sync_items != NULL)
    _flex_directory_apply_listing (self, listing);

  if (error == NULL)
    {
      g_free (self->revision);
      self->revision = g_steal_pointer (&revision);
      self->stale = FALSE;
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
          _flex_directory_clear_items (self);
          g_clear_pointer (&self->revision, g_free);
          self->stale = FALSE;
          finish_refresh (self, NULL);
          return;
        }
      finish_refresh (self, error);
      return;
    }

  if (self->loaded && !self->stale && g_strcmp0 (revision, self->revision) == 0)
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

void
_flex_directory_start_refresh (FlexDirectory *self)
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
  _flex_directory_start_refresh (self);
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
      _flex_directory_save_now (self);
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
  g_clear_pointer (&self->by_number, g_hash_table_unref);
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

  _flex_directory_properties[PROP_MAP] =
      g_param_spec_object ("map", NULL, NULL, FLEX_TYPE_SYNC_MAP, construct);
  _flex_directory_properties[PROP_KIND] = g_param_spec_enum (
      "kind", NULL, NULL, FLEX_TYPE_DIRECTORY_KIND, FLEX_DIRECTORY_KIND_PERSONAL, construct);
  _flex_directory_properties[PROP_EDITABLE] =
      g_param_spec_boolean ("editable", NULL, NULL, FALSE, rw);
  _flex_directory_properties[PROP_LOADED] = g_param_spec_boolean ("loaded", NULL, NULL, FALSE, ro);
  _flex_directory_properties[PROP_OFFLINE] =
      g_param_spec_boolean ("offline", NULL, NULL, FALSE, ro);
  _flex_directory_properties[PROP_ERROR_MESSAGE] =
      g_param_spec_string ("error-message", NULL, NULL, NULL, ro);
  _flex_directory_properties[PROP_LAST_UPDATED] =
      g_param_spec_int64 ("last-updated", NULL, NULL, 0, G_MAXINT64, 0, ro);
  _flex_directory_properties[PROP_POLL_INTERVAL] =
      g_param_spec_uint ("poll-interval", NULL, NULL, 0, 3600, 0, rw);
  _flex_directory_properties[PROP_LIVE] = g_param_spec_boolean ("live", NULL, NULL, FALSE, ro);
  _flex_directory_properties[PROP_LIVE_REASON] =
      g_param_spec_string ("live-reason", NULL, NULL, NULL, ro);
  _flex_directory_properties[PROP_ITEM_TYPE] =
      g_param_spec_gtype ("item-type", NULL, NULL, G_TYPE_OBJECT, ro);
  _flex_directory_properties[PROP_N_ITEMS] =
      g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0, ro);

  g_object_class_install_properties (object_class, N_PROPS, _flex_directory_properties);
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
  g_object_notify_by_pspec (G_OBJECT (self), _flex_directory_properties[PROP_EDITABLE]);
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
  g_object_notify_by_pspec (G_OBJECT (self), _flex_directory_properties[PROP_POLL_INTERVAL]);
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
 * flex_directory_find_by_number:
 * @number: a number in E.164
 *
 * The contact (or recent interaction) of @number. An index by number, kept
 * as items come (one hash lookup, at any size); an entry a removal left
 * behind is noticed here and the index made again.
 *
 * Returns: (transfer none) (nullable): the item
 */
gpointer
flex_directory_find_by_number (FlexDirectory *self, const char *number)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (FLEX_IS_DIRECTORY (self), NULL);

  key = number_key (number, NULL);
  if (key == NULL)
    return NULL;
  for (guint attempt = 0; attempt < 2; attempt++)
    {
      const char *item_key;
      gpointer item;
      g_autofree char *now = NULL;

      if (self->by_number == NULL)
        {
          self->by_number = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
          index_numbers (self, 0, self->items->len);
        }
      item_key = g_hash_table_lookup (self->by_number, key);
      if (item_key == NULL)
        return NULL;
      item = g_hash_table_lookup (self->by_key, item_key);
      now = item != NULL ? number_key (item_number (item), NULL) : NULL;
      if (g_strcmp0 (now, key) == 0)
        return item;
      /* Removed, or renumbered: made again, once. */
      g_clear_pointer (&self->by_number, g_hash_table_unref);
    }
  return NULL;
}

/**
 * flex_directory_name_recent:
 * @sources: (array length=n_sources): directories to name a customer from,
 *   the first first (My Contacts, then Shared Contacts)
 * @source: (out) (optional): 0 when the name is the recent's own, else 1 +
 *   the index of the directory that gave it
 *
 * A recent's name: its own, unless empty or the Flex plugin's placeholder
 * ("Customer"); else the name of the contact of its number.
 *
 * Returns: (nullable): the name, %NULL when there is none
 */
const char *
flex_directory_name_recent (FlexRecent *recent,
                            FlexDirectory *const *sources,
                            guint n_sources,
                            guint *source)
{
  const char *name = flex_recent_get_name (recent);
  const char *address = flex_recent_get_customer_address (recent);

  if (source != NULL)
    *source = 0;
  if (name != NULL && *name != '\0' && !g_str_equal (name, "Customer"))
    return name;
  return address != NULL ? flex_directory_name_number (sources, n_sources,
                                                       flex_phone_strip_scheme (address), source)
                         : NULL;
}

/**
 * flex_directory_name_number:
 * @sources: (array length=n_sources): directories of contacts, the first
 *   first
 * @number: a number in E.164
 * @source: (out) (optional): 1 + the index of the directory that named it,
 *   0 when none did
 *
 * Returns: (nullable): the name of the contact of @number in the first
 *   directory that has one with a name
 */
const char *
flex_directory_name_number (FlexDirectory *const *sources,
                            guint n_sources,
                            const char *number,
                            guint *source)
{
  if (source != NULL)
    *source = 0;
  for (guint i = 0; number != NULL && i < n_sources; i++)
    {
      FlexContact *contact =
          sources[i] != NULL ? flex_directory_find_by_number (sources[i], number) : NULL;

      if (contact != NULL && flex_contact_get_name (contact) != NULL &&
          *flex_contact_get_name (contact) != '\0')
        {
          if (source != NULL)
            *source = i + 1;
          return flex_contact_get_name (contact);
        }
    }
  return NULL;
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
        _flex_directory_remove_item (self, recent);
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
  _flex_directory_start_refresh (self);
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
  _flex_directory_start_refresh (self);
}

gboolean
flex_directory_refresh_finish (FlexDirectory *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
