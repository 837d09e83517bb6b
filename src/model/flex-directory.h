/* flex-directory.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "flex-contact.h"
#include "flex-map-cache.h"
#include "flex-model-error.h"
#include "flex-recent.h"
#include "flex-sync-map.h"
#include "flex-sync-stream.h"

G_BEGIN_DECLS

/**
 * FlexDirectoryKind:
 * @FLEX_DIRECTORY_KIND_RECENTS: `Contacts_Recent_<WorkerSid>`, of #FlexRecent, newest first
 * @FLEX_DIRECTORY_KIND_PERSONAL: `Contacts_<WorkerSid>`, of #FlexContact, by name
 * @FLEX_DIRECTORY_KIND_SHARED: `Contacts_<AccountSid>`, of #FlexContact, by name
 */
typedef enum
{
  FLEX_DIRECTORY_KIND_RECENTS,
  FLEX_DIRECTORY_KIND_PERSONAL,
  FLEX_DIRECTORY_KIND_SHARED,
} FlexDirectoryKind;

#define FLEX_TYPE_DIRECTORY_KIND (flex_directory_kind_get_type ())
GType flex_directory_kind_get_type (void) G_GNUC_CONST;

#define FLEX_TYPE_DIRECTORY (flex_directory_get_type ())

G_DECLARE_FINAL_TYPE (FlexDirectory, flex_directory, FLEX, DIRECTORY, GObject)

FlexDirectory *flex_directory_new (FlexSyncMap *map, FlexDirectoryKind kind);
FlexDirectoryKind flex_directory_get_kind (FlexDirectory *self);
FlexSyncMap *flex_directory_get_map (FlexDirectory *self);
gboolean flex_directory_get_editable (FlexDirectory *self);
void flex_directory_set_editable (FlexDirectory *self, gboolean editable);
gboolean flex_directory_get_loaded (FlexDirectory *self);
gboolean flex_directory_get_offline (FlexDirectory *self);
const char *flex_directory_get_error_message (FlexDirectory *self);
gint64 flex_directory_get_last_updated (FlexDirectory *self);
guint flex_directory_get_poll_interval (FlexDirectory *self);
void flex_directory_set_poll_interval (FlexDirectory *self, guint seconds);
void flex_directory_set_time_zone (FlexDirectory *self, GTimeZone *time_zone);
gpointer flex_directory_lookup (FlexDirectory *self, const char *key);
gpointer flex_directory_find_by_number (FlexDirectory *self, const char *number);
const char *flex_directory_name_number (FlexDirectory *const *sources,
                                        guint n_sources,
                                        const char *number,
                                        guint *source);
const char *flex_directory_name_recent (FlexRecent *recent,
                                        FlexDirectory *const *sources,
                                        guint n_sources,
                                        guint *source);
void flex_directory_prune_expired (FlexDirectory *self, GDateTime *now);

void flex_directory_refresh (FlexDirectory *self);
void flex_directory_refresh_async (FlexDirectory *self,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data);
gboolean flex_directory_refresh_finish (FlexDirectory *self, GAsyncResult *result, GError **error);

void flex_directory_add_contact_async (FlexDirectory *self,
                                       FlexContact *contact,
                                       GCancellable *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer user_data);
void flex_directory_update_contact_async (FlexDirectory *self,
                                          FlexContact *contact,
                                          GCancellable *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer user_data);
void flex_directory_delete_contact_async (FlexDirectory *self,
                                          FlexContact *contact,
                                          GCancellable *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer user_data);
FlexContact *flex_directory_write_finish (FlexDirectory *self,
                                          GAsyncResult *result,
                                          FlexContact **current,
                                          GError **error);
void flex_directory_clear_async (FlexDirectory *self,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data);
gboolean flex_directory_clear_finish (FlexDirectory *self, GAsyncResult *result, GError **error);

/* Edits kept while Twilio cannot be reached */
typedef struct _FlexOutbox FlexOutbox;
void flex_directory_set_outbox (FlexDirectory *self, FlexOutbox *outbox);
void flex_directory_hold_checks (FlexDirectory *self);
void flex_directory_release_checks (FlexDirectory *self);
gboolean flex_directory_get_unsent (FlexDirectory *self, const char *key);
FlexContact *
flex_directory_get_conflict (FlexDirectory *self, const char *key, FlexContact **theirs);
FlexContact *flex_directory_get_conflict_base (FlexDirectory *self, const char *key);
gboolean flex_directory_keep_theirs (FlexDirectory *self, const char *key, GError **error);

/* The on-disk snapshot */
void flex_directory_set_cache (FlexDirectory *self, FlexMapCache *cache);
gboolean flex_directory_load_cached (FlexDirectory *self);
gint64 flex_directory_get_shown_since (FlexDirectory *self);

/* Pushed changes, from the directory's feed */
const char *flex_directory_get_revision (FlexDirectory *self);
void flex_directory_apply_event (FlexDirectory *self, const FlexSyncEvent *event);
void
flex_directory_apply_items (FlexDirectory *self, GPtrArray *sync_items, const char *map_revision);
gboolean flex_directory_get_live (FlexDirectory *self);
const char *flex_directory_get_live_reason (FlexDirectory *self);
void flex_directory_set_live (FlexDirectory *self, gboolean live, const char *reason);

G_END_DECLS
