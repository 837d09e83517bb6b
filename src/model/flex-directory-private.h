/* flex-directory-private.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the units of FlexDirectory share: flex-directory.c (the sorted model,
 * listings, polling), flex-directory-writes.c (writes, and the outbox that
 * keeps them while Twilio cannot be reached), flex-directory-push.c (changes
 * a feed pushes) and flex-directory-cache.c (the on-disk snapshot).
 */

#pragma once

#include "flex-directory.h"
#include "flex-map-cache.h"
#include "flex-outbox.h"

G_BEGIN_DECLS

struct _FlexDirectory
{
  GObject parent_instance;

  FlexSyncMap *map;
  FlexDirectoryKind kind;
  GTimeZone *time_zone;

  GPtrArray *items;      /* FlexContact or FlexRecent, sorted */
  GHashTable *by_key;    /* item key → object, borrowed from items */
  GHashTable *by_number; /* E.164 → first item of that number; NULL: make it again */
  char *revision;        /* map revision of the last listing; NULL: none or no map */
  gboolean stale;        /* what is shown may not be the map at @revision: list it */

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
  guint checks_held;          /* flex_directory_hold_checks() calls not released */
  gboolean check_held;        /* a write asked for a check while they were held */
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

extern GParamSpec *_flex_directory_properties[N_PROPS];

/* flex-directory.c: the rows. Only these change self->items, and every
 * change is one items-changed (STYLE.md rule 5). */
void _flex_directory_insert_item (FlexDirectory *self, gpointer item);
void _flex_directory_remove_item (FlexDirectory *self, gpointer item);
void _flex_directory_replace_item (FlexDirectory *self, gpointer old_item, gpointer new_item);
void _flex_directory_clear_items (FlexDirectory *self);
const char *_flex_directory_item_revision (FlexDirectory *self, gpointer item);
gboolean _flex_directory_same_item (FlexDirectory *self, gpointer a, gpointer b);

/* flex-directory.c: listings and status */
gpointer _flex_directory_parse_visible (FlexDirectory *self,
                                        const FlexSyncItem *item,
                                        GDateTime *now,
                                        GError **error);
GPtrArray *
_flex_directory_parse_listing (FlexDirectory *self, GPtrArray *sync_items, const char *source);
void _flex_directory_apply_listing (FlexDirectory *self, GPtrArray *server_listing);
void _flex_directory_set_status (FlexDirectory *self, gboolean offline, const char *error_message);
void _flex_directory_start_refresh (FlexDirectory *self);

/* flex-directory-push.c */
void _flex_directory_show_server_item (FlexDirectory *self, const FlexSyncItem *sync_item);

/* flex-directory-cache.c */
void _flex_directory_save_now (FlexDirectory *self);
void _flex_directory_schedule_save (FlexDirectory *self);

/* flex-directory-writes.c */
gpointer _flex_directory_outbox_version (FlexDirectory *self, const char *key, gboolean *hide);
void _flex_directory_replay_outbox (FlexDirectory *self);
void _flex_directory_schedule_replay (FlexDirectory *self);

G_END_DECLS
