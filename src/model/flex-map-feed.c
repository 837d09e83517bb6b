/* flex-map-feed.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flex-map-feed"

#include "config.h"

#include <glib/gi18n.h>

#include "flex-map-feed.h"

/*
 * FlexMapFeed: how one directory learns of changes (DESIGN.md §4, "a map
 * feed: push when it can, polling when it must").
 *
 * Push: once the directory has loaded and the socket is up, the feed reads
 * the map's descriptor over the socket; when the directory already shows that
 * revision it only subscribes from the descriptor's last event id, else it
 * lists the map over the socket first (so the listing, not a replay of
 * history, is the starting point). Pushed events go to the directory as they
 * come; a lost subscription (replay interrupted, refused, map removed) starts
 * that again. While live, the directory's own polling slows to a safety check
 * every FLEX_MAP_FEED_SAFETY_INTERVAL.
 *
 * Polling: when the socket has been down for longer than the fallback delay
 * (or cannot be had at all), the directory polls at the user's interval, as
 * it did before push existed; when the socket is back, the subscriptions are
 * established again with their last event ids and the service replays what
 * was missed.
 */

#define DEFAULT_FALLBACK_DELAY_MS 5000
#define RESYNC_DELAY_MS           1000

struct _FlexMapFeed
{
  GObject parent_instance;

  FlexDirectory *directory;
  FlexSyncStream *stream;
  GCancellable *cancellable;

  char *map_sid;
  gboolean syncing;
  gboolean live;
  guint poll_interval;
  guint fallback_delay_ms;
  guint fallback_id;
  guint resync_id;
};

G_DEFINE_FINAL_TYPE (FlexMapFeed, flex_map_feed, G_TYPE_OBJECT)

static void start_sync (FlexMapFeed *self);

static gboolean
socket_connected (FlexMapFeed *self)
{
  return flex_twilsock_get_state (flex_sync_stream_get_socket (self->stream)) ==
         FLEX_TWILSOCK_STATE_CONNECTED;
}

/* Why the socket is not up, in words: a translated summary, then the
 * technical detail. */
static char *
socket_reason (FlexMapFeed *self)
{
  FlexTwilsock *socket = flex_sync_stream_get_socket (self->stream);
  const char *detail = flex_twilsock_get_last_error (socket);
  const char *summary;

  switch (flex_twilsock_get_state (socket))
    {
      case FLEX_TWILSOCK_STATE_FAILED:
        summary = _ ("Live updates are unavailable; the list is checked at the refresh interval");
        break;
      case FLEX_TWILSOCK_STATE_WAITING:
        summary = _ ("Reconnecting to live updates; meanwhile the list is checked at the refresh "
                     "interval");
        break;
      default:
        summary = _ ("Connecting to live updates…");
        break;
    }
  return detail != NULL ? g_strdup_printf ("%s (%s)", summary, detail) : g_strdup (summary);
}

/* Live, or polling with a reason. */
static void
set_live (FlexMapFeed *self, gboolean live, const char *reason)
{
  self->live = live;
  flex_directory_set_live (self->directory, live, reason);
  flex_directory_set_poll_interval (self->directory,
                                    live ? MAX (self->poll_interval, FLEX_MAP_FEED_SAFETY_INTERVAL)
                                         : self->poll_interval);
}

static void
fall_back (FlexMapFeed *self, const char *reason)
{
  gboolean was_live = self->live;

  g_debug ("%s: polling: %s",
           flex_sync_map_get_unique_name (flex_directory_get_map (self->directory)), reason);
  set_live (self, FALSE, reason);
  /* Catch up at once on what may have been missed. */
  if (was_live)
    flex_directory_refresh (self->directory);
}

static gboolean
on_fallback_timeout (gpointer user_data)
{
  FlexMapFeed *self = user_data;

  self->fallback_id = 0;
  if (!socket_connected (self) || self->map_sid == NULL ||
      flex_sync_stream_get_subscription_state (self->stream, self->map_sid) !=
          FLEX_SYNC_SUBSCRIPTION_LIVE)
    {
      g_autofree char *reason = socket_connected (self) ? g_strdup (_ ("Waiting for live updates"))
                                                        : socket_reason (self);

      fall_back (self, reason);
    }
  return G_SOURCE_REMOVE;
}

static void
schedule_fallback (FlexMapFeed *self)
{
  if (self->fallback_id == 0)
    self->fallback_id = g_timeout_add (self->fallback_delay_ms, on_fallback_timeout, self);
}

static gboolean
on_resync_timeout (gpointer user_data)
{
  FlexMapFeed *self = user_data;

  self->resync_id = 0;
  start_sync (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_resync (FlexMapFeed *self)
{
  g_clear_pointer (&self->map_sid, g_free);
  if (self->resync_id == 0)
    self->resync_id = g_timeout_add (RESYNC_DELAY_MS, on_resync_timeout, self);
}

/* Descriptor, listing when needed, subscription */

typedef struct
{
  FlexMapFeed *self; /* unowned: the call is cancelled in dispose */
  FlexSyncMapInfo *info;
} ListCall;

static void
on_listed (GObject *object, GAsyncResult *result, gpointer user_data)
{
  ListCall *call = user_data;
  FlexMapFeed *self = call->self;
  FlexSyncMapInfo *info = call->info;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) items = NULL;

  g_free (call);
  items = flex_sync_stream_list_items_finish (FLEX_SYNC_STREAM (object), result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      flex_sync_map_info_free (info);
      return;
    }
  self->syncing = FALSE;
  if (items == NULL)
    {
      g_debug ("Could not list %s over the socket: %s", info->unique_name, error->message);
      flex_sync_map_info_free (info);
      schedule_fallback (self);
      schedule_resync (self);
      return;
    }

  flex_directory_apply_items (self->directory, items, info->revision);
  flex_sync_stream_subscribe (self->stream, info->sid, info->last_event_id);
  flex_sync_map_info_free (info);
}

static void
on_opened (GObject *object, GAsyncResult *result, gpointer user_data)
{
  FlexMapFeed *self = user_data;
  g_autoptr (GError) error = NULL;
  FlexSyncMapInfo *info;

  info = flex_sync_stream_open_map_finish (FLEX_SYNC_STREAM (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (info == NULL)
    {
      self->syncing = FALSE;
      g_debug ("Could not open %s over the socket: %s",
               flex_sync_map_get_unique_name (flex_directory_get_map (self->directory)),
               error->message);
      schedule_fallback (self);
      if (socket_connected (self))
        schedule_resync (self);
      return;
    }

  g_free (self->map_sid);
  self->map_sid = g_strdup (info->sid);

  /* The directory shows this revision already: only the events after it. */
  if (flex_directory_get_loaded (self->directory) &&
      g_strcmp0 (flex_directory_get_revision (self->directory), info->revision) == 0)
    {
      self->syncing = FALSE;
      flex_sync_stream_subscribe (self->stream, info->sid, info->last_event_id);
      flex_sync_map_info_free (info);
      return;
    }

  {
    /* The listing's callback needs the descriptor it was made from. */
    ListCall *call = g_new0 (ListCall, 1);

    call->self = self;
    call->info = info;
    flex_sync_stream_list_items_async (self->stream, info, self->cancellable, on_listed, call);
  }
}

static void
start_sync (FlexMapFeed *self)
{
  if (self->syncing || !socket_connected (self) || !flex_directory_get_loaded (self->directory))
    return;

  self->syncing = TRUE;
  flex_sync_stream_open_map_async (
      self->stream, flex_sync_map_get_unique_name (flex_directory_get_map (self->directory)), TRUE,
      self->cancellable, on_opened, self);
}

/* Signals */

static void
on_event (FlexSyncStream *stream, FlexSyncEvent *event, gpointer user_data)
{
  FlexMapFeed *self = user_data;

  if (self->map_sid == NULL || g_strcmp0 (event->map_sid, self->map_sid) != 0)
    return;

  flex_directory_apply_event (self->directory, event);
  if (event->type == FLEX_SYNC_EVENT_MAP_REMOVED)
    {
      /* Someone cleared it: open it again (as the Flex SDK would). */
      schedule_resync (self);
    }
}

static void
on_subscription_changed (FlexSyncStream *stream, const char *map_sid, int state, gpointer user_data)
{
  FlexMapFeed *self = user_data;

  if (g_strcmp0 (map_sid, self->map_sid) != 0)
    return;

  switch (state)
    {
      case FLEX_SYNC_SUBSCRIPTION_LIVE:
        g_clear_handle_id (&self->fallback_id, g_source_remove);
        set_live (self, TRUE, NULL);
        break;
      case FLEX_SYNC_SUBSCRIPTION_PENDING:
        schedule_fallback (self);
        break;
      case FLEX_SYNC_SUBSCRIPTION_LOST:
        if (self->map_sid != NULL)
          flex_sync_stream_unsubscribe (self->stream, self->map_sid);
        schedule_fallback (self);
        schedule_resync (self);
        break;
      default:
        break;
    }
}

static void
on_socket_state (FlexTwilsock *socket, GParamSpec *pspec, gpointer user_data)
{
  FlexMapFeed *self = user_data;

  if (socket_connected (self))
    {
      /* The stream establishes known subscriptions again by itself. */
      if (self->map_sid == NULL)
        start_sync (self);
      return;
    }

  self->syncing = FALSE;
  if (self->live)
    {
      /* Still live on paper: give a blip the fallback delay to heal. */
      schedule_fallback (self);
      return;
    }
  {
    g_autofree char *reason = socket_reason (self);

    if (flex_twilsock_get_state (socket) == FLEX_TWILSOCK_STATE_FAILED)
      fall_back (self, reason);
    else
      {
        flex_directory_set_live (self->directory, FALSE, reason);
        schedule_fallback (self);
      }
  }
}

static void
on_directory_loaded (FlexDirectory *directory, GParamSpec *pspec, gpointer user_data)
{
  FlexMapFeed *self = user_data;

  if (flex_directory_get_loaded (directory) && self->map_sid == NULL)
    start_sync (self);
}

/* GObject */

static void
flex_map_feed_dispose (GObject *object)
{
  FlexMapFeed *self = FLEX_MAP_FEED (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->fallback_id, g_source_remove);
  g_clear_handle_id (&self->resync_id, g_source_remove);
  if (self->stream != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->stream, self);
      g_signal_handlers_disconnect_by_data (flex_sync_stream_get_socket (self->stream), self);
      if (self->map_sid != NULL)
        flex_sync_stream_unsubscribe (self->stream, self->map_sid);
    }
  if (self->directory != NULL)
    g_signal_handlers_disconnect_by_data (self->directory, self);
  g_clear_object (&self->stream);
  g_clear_object (&self->directory);

  G_OBJECT_CLASS (flex_map_feed_parent_class)->dispose (object);
}

static void
flex_map_feed_finalize (GObject *object)
{
  FlexMapFeed *self = FLEX_MAP_FEED (object);

  g_clear_object (&self->cancellable);
  g_free (self->map_sid);

  G_OBJECT_CLASS (flex_map_feed_parent_class)->finalize (object);
}

static void
flex_map_feed_class_init (FlexMapFeedClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = flex_map_feed_dispose;
  object_class->finalize = flex_map_feed_finalize;
}

static void
flex_map_feed_init (FlexMapFeed *self)
{
  self->cancellable = g_cancellable_new ();
  self->poll_interval = 15;
  self->fallback_delay_ms = DEFAULT_FALLBACK_DELAY_MS;
}

/**
 * flex_map_feed_new:
 *
 * Feeds @directory from @stream while it can, and lets it poll while it
 * cannot. Starts once the directory has loaded and the socket is up.
 */
FlexMapFeed *
flex_map_feed_new (FlexDirectory *directory, FlexSyncStream *stream)
{
  FlexMapFeed *self;

  g_return_val_if_fail (FLEX_IS_DIRECTORY (directory), NULL);
  g_return_val_if_fail (FLEX_IS_SYNC_STREAM (stream), NULL);

  self = g_object_new (FLEX_TYPE_MAP_FEED, NULL);
  self->directory = g_object_ref (directory);
  self->stream = g_object_ref (stream);
  {
    g_autofree char *reason = socket_reason (self);

    flex_directory_set_live (directory, FALSE, reason);
  }

  g_signal_connect (stream, "event", G_CALLBACK (on_event), self);
  g_signal_connect (stream, "subscription-changed", G_CALLBACK (on_subscription_changed), self);
  g_signal_connect (flex_sync_stream_get_socket (stream), "notify::state",
                    G_CALLBACK (on_socket_state), self);
  g_signal_connect (directory, "notify::loaded", G_CALLBACK (on_directory_loaded), self);
  start_sync (self);
  return self;
}

FlexDirectory *
flex_map_feed_get_directory (FlexMapFeed *self)
{
  g_return_val_if_fail (FLEX_IS_MAP_FEED (self), NULL);
  return self->directory;
}

/**
 * flex_map_feed_get_live:
 *
 * Returns: whether the directory's changes are pushed now
 */
gboolean
flex_map_feed_get_live (FlexMapFeed *self)
{
  g_return_val_if_fail (FLEX_IS_MAP_FEED (self), FALSE);
  return self->live;
}

/**
 * flex_map_feed_get_map_sid:
 *
 * Returns: (nullable): the SID of the map, once opened over the socket
 */
const char *
flex_map_feed_get_map_sid (FlexMapFeed *self)
{
  g_return_val_if_fail (FLEX_IS_MAP_FEED (self), NULL);
  return self->map_sid;
}

/**
 * flex_map_feed_set_poll_interval:
 * @seconds: how often the directory polls while push is down (0: never)
 */
void
flex_map_feed_set_poll_interval (FlexMapFeed *self, guint seconds)
{
  g_return_if_fail (FLEX_IS_MAP_FEED (self));

  self->poll_interval = seconds;
  set_live (self, self->live, flex_directory_get_live_reason (self->directory));
}

/**
 * flex_map_feed_set_fallback_delay:
 *
 * How long the socket may be down before the directory polls (tests
 * shorten it).
 */
void
flex_map_feed_set_fallback_delay (FlexMapFeed *self, guint milliseconds)
{
  g_return_if_fail (FLEX_IS_MAP_FEED (self));
  self->fallback_delay_ms = milliseconds;
}
