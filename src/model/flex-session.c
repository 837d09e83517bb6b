/* flex-session.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flex-session"

#include "config.h"

#include <glib/gi18n.h>

#include "flex-session.h"
#include "flex-map-feed.h"
#include "flex-outbox.h"

/*
 * FlexSession: what the UI needs of one signed-in worker. It reads the Flex
 * Configuration and the worker (roles, activity, config_overrides), layers
 * the contacts feature configuration (DESIGN.md §1), and owns the three live
 * directories:
 *   Recents          Contacts_Recent_<WorkerSid>
 *   My Contacts      Contacts_<WorkerSid>
 *   Shared Contacts  Contacts_<AccountSid>
 * When Flex cannot be read, the local settings stand in and the directories
 * still load from Sync.
 */

struct _FlexSession
{
  GObject parent_instance;

  FlexTwilioClient *client;
  char *account_sid;
  char *worker_sid;
  char *service_sid;
  FlexFeatureConfig *config;

  FlexDirectory *recents;
  FlexDirectory *personal;
  FlexDirectory *shared;

  /* Push (Twilsock); NULL when these credentials cannot have it */
  FlexTwilsock *socket;
  FlexSyncStream *stream;
  FlexMapFeed *feeds[3];
  char *push_unavailable;
  FlexMapCache *cache;
  FlexOutbox *outbox;

  FlexConfiguration *configuration;
  FlexWorker *worker;
  char *error_message;
  guint poll_interval;
  guint worker_poll_id;
  gboolean refreshing_worker;
  gboolean worker_live; /* its changes are pushed (EventBridge): no polling */
  gboolean load_finished;

  /* Flex read again in the background until it answers (no limit of
   * tries): the configuration and the worker, kept beside the snapshots. */
  GCancellable *cancellable;
  guint remote_retry_id;
  guint remote_failures;
  gboolean fetching_remote;
  gboolean remote_answered;
  /* A load waiting for the first round of those reads (nothing kept). */
  GTask *load_task;
};

#define STATE_FILE   "session"
#define STATE_FORMAT "flex-contacts-session"
/* Back-off of the background reads of Flex: 1 s, 2 s, … up to 5 minutes. */
#define REMOTE_RETRY_MAX_S 300

enum
{
  PROP_0,
  PROP_WORKER_OFFLINE,
  PROP_ERROR_MESSAGE,
  PROP_LOADED,
  PROP_POLL_INTERVAL,
  PROP_ACTIVITY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (FlexSession, flex_session, G_TYPE_OBJECT)

static void
update_shared_editable (FlexSession *self)
{
  gboolean editable = flex_feature_config_get_shared_agent_editable (self->config);

  if (self->worker != NULL)
    editable = editable || flex_worker_has_role (self->worker, "admin") ||
               flex_worker_has_role (self->worker, "supervisor");

  flex_directory_set_editable (self->shared, editable);
}

static void
flex_session_dispose (GObject *object)
{
  FlexSession *self = FLEX_SESSION (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->remote_retry_id, g_source_remove);
  g_clear_object (&self->load_task);

  G_OBJECT_CLASS (flex_session_parent_class)->dispose (object);
}

static void
flex_session_finalize (GObject *object)
{
  FlexSession *self = FLEX_SESSION (object);

  g_clear_object (&self->cancellable);
  g_signal_handlers_disconnect_by_data (self->config, self);
  g_clear_handle_id (&self->worker_poll_id, g_source_remove);
  for (guint i = 0; i < G_N_ELEMENTS (self->feeds); i++)
    g_clear_object (&self->feeds[i]);
  if (self->socket != NULL)
    flex_twilsock_stop (self->socket);
  g_clear_object (&self->stream);
  g_clear_object (&self->socket);
  g_free (self->push_unavailable);
  g_clear_object (&self->cache);
  g_clear_object (&self->outbox);
  g_clear_object (&self->recents);
  g_clear_object (&self->personal);
  g_clear_object (&self->shared);
  g_clear_object (&self->client);
  g_clear_object (&self->config);
  g_clear_pointer (&self->configuration, flex_configuration_free);
  g_clear_pointer (&self->worker, flex_worker_free);
  g_free (self->account_sid);
  g_free (self->worker_sid);
  g_free (self->service_sid);
  g_free (self->error_message);

  G_OBJECT_CLASS (flex_session_parent_class)->finalize (object);
}

static void
flex_session_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  FlexSession *self = FLEX_SESSION (object);

  switch (prop_id)
    {
      case PROP_WORKER_OFFLINE:
        g_value_set_boolean (value, flex_session_get_worker_offline (self));
        break;
      case PROP_ERROR_MESSAGE:
        g_value_set_string (value, self->error_message);
        break;
      case PROP_LOADED:
        g_value_set_boolean (value, flex_session_get_loaded (self));
        break;
      case PROP_ACTIVITY:
        g_value_set_string (value, flex_session_get_activity (self));
        break;
      case PROP_POLL_INTERVAL:
        g_value_set_uint (value, self->poll_interval);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flex_session_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
      case PROP_POLL_INTERVAL:
        flex_session_set_poll_interval (FLEX_SESSION (object), g_value_get_uint (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flex_session_class_init (FlexSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->dispose = flex_session_dispose;
  object_class->finalize = flex_session_finalize;
  object_class->get_property = flex_session_get_property;
  object_class->set_property = flex_session_set_property;

  /* The name of the worker's activity: see flex_session_get_activity(). */
  properties[PROP_ACTIVITY] =
      g_param_spec_string ("activity", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_WORKER_OFFLINE] =
      g_param_spec_boolean ("worker-offline", NULL, NULL, FALSE, flags);
  properties[PROP_ERROR_MESSAGE] = g_param_spec_string ("error-message", NULL, NULL, NULL, flags);
  properties[PROP_LOADED] = g_param_spec_boolean ("loaded", NULL, NULL, FALSE, flags);
  properties[PROP_POLL_INTERVAL] = g_param_spec_uint ("poll-interval", NULL, NULL, 0, 3600, 15,
                                                      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
flex_session_init (FlexSession *self)
{
  self->poll_interval = 15;
  self->cancellable = g_cancellable_new ();
  self->push_unavailable = g_strdup (_ ("Live updates are not set up for this account"));
}

static FlexDirectory *
new_directory (FlexSession *self, const char *prefix, const char *owner, FlexDirectoryKind kind)
{
  g_autofree char *name = g_strconcat (prefix, owner, NULL);
  g_autoptr (FlexSyncMap) map = flex_sync_map_new (self->client, self->service_sid, name);

  return flex_directory_new (map, kind);
}

/**
 * flex_session_new:
 * @service_sid: the Sync service, usually `default`
 * @config: the feature configuration to layer the Flex values onto; its
 *   local settings stay the fallback
 */
FlexSession *
flex_session_new (FlexTwilioClient *client,
                  const char *account_sid,
                  const char *worker_sid,
                  const char *service_sid,
                  FlexFeatureConfig *config)
{
  FlexSession *self;

  g_return_val_if_fail (FLEX_IS_TWILIO_CLIENT (client), NULL);
  g_return_val_if_fail (account_sid != NULL, NULL);
  g_return_val_if_fail (worker_sid != NULL, NULL);
  g_return_val_if_fail (FLEX_IS_FEATURE_CONFIG (config), NULL);

  self = g_object_new (FLEX_TYPE_SESSION, NULL);
  self->client = g_object_ref (client);
  self->account_sid = g_strdup (account_sid);
  self->worker_sid = g_strdup (worker_sid);
  self->service_sid = g_strdup (service_sid != NULL ? service_sid : "default");
  self->config = g_object_ref (config);

  self->recents = new_directory (self, "Contacts_Recent_", worker_sid, FLEX_DIRECTORY_KIND_RECENTS);
  self->personal = new_directory (self, "Contacts_", worker_sid, FLEX_DIRECTORY_KIND_PERSONAL);
  self->shared = new_directory (self, "Contacts_", account_sid, FLEX_DIRECTORY_KIND_SHARED);
  flex_directory_set_editable (self->personal, TRUE);
  update_shared_editable (self);
  g_signal_connect_swapped (config, "notify::shared-agent-editable",
                            G_CALLBACK (update_shared_editable), self);

  return self;
}

FlexTwilioClient *
flex_session_get_client (FlexSession *self)
{
  g_return_val_if_fail (FLEX_IS_SESSION (self), NULL);
  return self->client;
}

FlexFeatureConfig *
flex_session_get_config (FlexSession *self)
{
  g_return_val_if_fail (FLEX_IS_SESSION (self), NULL);
  return self->config;
}

FlexDirectory *
flex_session_get_recents (FlexSession *self)
{
  g_return_val_if_fail (FLEX_IS_SESSION (self), NULL);
  return self->recents;
}

FlexDirectory *
flex_session_get_personal (FlexSession *self)
{
  g_return_val_if_fail (FLEX_IS_SESSION (self), NULL);
  return self->personal;
}

FlexDirectory *
flex_session_get_shared (FlexSession *self)
{
  g_return_val_if_fail (FLEX_IS_SESSION (self), NULL);
  return self->shared;
}

/**
 * flex_session_get_loaded:
 *
 * Returns: whether loading finished, successfully or not: what could not be
 *   read is %NULL, and #FlexSession:error-message says why
 */
gboolean
flex_session_get_loaded (FlexSession *self)
{
  g_return_val_if_fail (FLEX_IS_SESSION (self), FALSE);
  return self->load_finished;
}

/**
 * flex_session_get_worker:
 *
 * Returns: (transfer none) (nullable): the worker, once loaded
 */
const FlexWorker *
flex_session_get_worker (FlexSession *self)
{
  g_return_val_if_fail (FLEX_IS_SESSION (self), NULL);
  return self->worker;
}

/**
 * flex_session_get_configuration:
 *
 * Returns: (transfer none) (nullable): the Flex configuration, once loaded
 */
const FlexConfiguration *
flex_session_get_configuration (FlexSession *self)
{
  g_return_val_if_fail (FLEX_IS_SESSION (self), NULL);
  return self->configuration;
}

/**
 * flex_session_get_worker_offline:
 *
 * Returns: whether the worker's activity is the offline activity of the Flex
 *   configuration (calls are disabled then)
 */
gboolean
flex_session_get_worker_offline (FlexSession *self)
{
  g_return_val_if_fail (FLEX_IS_SESSION (self), FALSE);

  return self->worker != NULL && self->configuration != NULL &&
         self->configuration->offline_activity_sid != NULL &&
         g_strcmp0 (self->worker->activity_sid, self->configuration->offline_activity_sid) == 0;
}

const char *
flex_session_get_error_message (FlexSession *self)
{
  g_return_val_if_fail (FLEX_IS_SESSION (self), NULL);
  return self->error_message;
}

/* The Flex configuration's contacts feature, then the worker's overrides,
 * over the local settings; and who may edit shared contacts. */
static void
apply_layers (FlexSession *self)
{
  flex_feature_config_set_flex_known (self->config, self->configuration != NULL);
  flex_feature_config_set_layers (
      self->config, self->configuration != NULL ? self->configuration->contacts_feature : NULL,
      self->worker != NULL ? flex_worker_get_contacts_overrides (self->worker) : NULL);
  update_shared_editable (self);
}

/* A live directory has nothing to learn from a check: skip it (every check
 * is a read on Sync's budget). */
static void
refresh_directories (FlexSession *self)
{
  FlexDirectory *directories[] = { self->recents, self->personal, self->shared };

  /* Signed in with Flex, the maps are read over the socket only: nothing
   * to check while it is down (the feeds read them when it is up). */
  if (flex_twilio_client_get_uses_token (self->client) &&
      (self->socket == NULL ||
       flex_twilsock_get_state (self->socket) != FLEX_TWILSOCK_STATE_CONNECTED))
    return;
  for (guint i = 0; i < G_N_ELEMENTS (directories); i++)
    if (!flex_directory_get_live (directories[i]))
      flex_directory_refresh (directories[i]);
}

static void schedule_worker_poll (FlexSession *self);

/* Signed in with Flex, the lists are read once the socket is up. */
static void
on_socket_state (FlexTwilsock *socket, GParamSpec *pspec, gpointer user_data)
{
  FlexSession *self = user_data;

  if (self->load_finished && flex_twilsock_get_state (socket) == FLEX_TWILSOCK_STATE_CONNECTED)
    refresh_directories (self);
}

/* Directories and worker checked every poll_interval seconds (0: never);
 * with push, the feeds decide (a slow safety check while live). */
static void
start_polling (FlexSession *self)
{
  if (self->feeds[0] != NULL)
    for (guint i = 0; i < G_N_ELEMENTS (self->feeds); i++)
      flex_map_feed_set_poll_interval (self->feeds[i], self->poll_interval);
  else
    {
      flex_directory_set_poll_interval (self->recents, self->poll_interval);
      flex_directory_set_poll_interval (self->personal, self->poll_interval);
      flex_directory_set_poll_interval (self->shared, self->poll_interval);
    }
  schedule_worker_poll (self);
}

/* The worker: its activity changes while the app runs (an agent goes offline
 * in Flex), so it is read again with the directories' interval, on focus and
 * before every call. */

static void
apply_worker (FlexSession *self, FlexWorker *worker)
{
  gboolean was_offline = flex_session_get_worker_offline (self);
  g_autofree char *was_activity =
      g_strdup (self->worker != NULL ? self->worker->activity_sid : NULL);

  g_clear_pointer (&self->worker, flex_worker_free);
  self->worker = worker;
  apply_layers (self);
  if (was_offline != flex_session_get_worker_offline (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WORKER_OFFLINE]);
  if (g_strcmp0 (was_activity, worker != NULL ? worker->activity_sid : NULL) != 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVITY]);
}

/* TaskRouter calls need the workspace, which the Flex configuration names:
 * ends @task with an error when it has not been read. */
static gboolean
check_workspace (FlexSession *self, GTask *task)
{
  if (self->configuration != NULL && self->configuration->workspace_sid != NULL)
    return TRUE;
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                           _ ("The Flex configuration has not been read yet"));
  return FALSE;
}

/* The worker as TaskRouter answered a read again or a change of activity
 * (flex_session_set_activity_async()): applied. */
static void
on_worker_answered (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  FlexSession *self = g_task_get_source_object (task);
  g_autoptr (GError) error = NULL;
  FlexWorker *worker;

  if (g_task_get_source_tag (task) == flex_session_refresh_worker_async)
    self->refreshing_worker = FALSE;
  worker = flex_task_router_fetch_worker_finish (FLEX_TWILIO_CLIENT (object), result, &error);
  if (worker == NULL)
    {
      /* Keep what we knew: a failed check is not news about the worker. */
      g_debug ("No answer about worker %s: %s", self->worker_sid, error->message);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  apply_worker (self, worker);
  g_task_return_boolean (task, TRUE);
}

/**
 * flex_session_refresh_worker_async:
 *
 * Reads the worker again (its activity, roles and overrides) and notifies
 * #FlexSession:worker-offline when that changed. Fails when the session has
 * no workspace to read it from.
 */
void
flex_session_refresh_worker_async (FlexSession *self,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (FLEX_IS_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, flex_session_refresh_worker_async);
  if (!check_workspace (self, task))
    return;
  self->refreshing_worker = TRUE;
  flex_task_router_fetch_worker_async (self->client, self->configuration->workspace_sid,
                                       self->worker_sid, cancellable, on_worker_answered,
                                       g_steal_pointer (&task));
}

gboolean
flex_session_refresh_worker_finish (FlexSession *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static gboolean
on_worker_poll (gpointer user_data)
{
  FlexSession *self = user_data;

  /* While EventBridge pushes its changes, nothing to ask. */
  if (!self->refreshing_worker && !self->worker_live)
    flex_session_refresh_worker_async (self, NULL, NULL, NULL);
  return G_SOURCE_CONTINUE;
}

static void
schedule_worker_poll (FlexSession *self)
{
  g_clear_handle_id (&self->worker_poll_id, g_source_remove);
  if (self->poll_interval > 0 && self->worker != NULL)
    self->worker_poll_id = g_timeout_add_seconds (self->poll_interval, on_worker_poll, self);
}

/**
 * flex_session_set_poll_interval:
 *
 * How often the directories check their maps once loaded.
 */
void
flex_session_set_poll_interval (FlexSession *self, guint seconds)
{
  g_return_if_fail (FLEX_IS_SESSION (self));

  self->poll_interval = seconds;
  if (flex_directory_get_loaded (self->recents) || flex_directory_get_loaded (self->personal))
    start_polling (self);
}

/**
 * flex_session_refresh:
 *
 * Checks every directory now, e.g. when the window gains focus.
 */
void
flex_session_refresh (FlexSession *self)
{
  g_return_if_fail (FLEX_IS_SESSION (self));

  refresh_directories (self);
  if (self->worker != NULL)
    flex_session_refresh_worker_async (self, NULL, NULL, NULL);
}

/* Loading */

static void
set_error_message (FlexSession *self, const char *message)
{
  if (g_strcmp0 (self->error_message, message) == 0)
    return;
  g_free (self->error_message);
  self->error_message = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
}

static void fetch_remote (FlexSession *self);

static void
finish_load (GTask *task)
{
  FlexSession *self = g_task_get_source_object (task);

  apply_layers (self);
  self->load_finished = TRUE;

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WORKER_OFFLINE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);

  start_polling (self);
  refresh_directories (self);
  if (self->socket != NULL)
    flex_twilsock_start (self->socket);

  g_task_return_boolean (task, TRUE);
}

/* The last known state: what Flex and TaskRouter answered last time. */

static void
save_state (FlexSession *self)
{
  g_autoptr (JsonBuilder) builder = NULL;
  g_autoptr (JsonNode) content = NULL;
  g_autoptr (GError) error = NULL;

  if (self->cache == NULL || self->configuration == NULL || self->configuration->json == NULL)
    return;
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "configuration");
  json_builder_add_value (builder, json_node_copy (self->configuration->json));
  if (self->worker != NULL && self->worker->json != NULL)
    {
      json_builder_set_member_name (builder, "worker");
      json_builder_add_value (builder, json_node_copy (self->worker->json));
    }
  json_builder_end_object (builder);
  content = json_builder_get_root (builder);
  if (!flex_map_cache_save_document (self->cache, STATE_FILE, STATE_FORMAT, content, &error))
    g_debug ("Could not keep the Flex configuration: %s", error->message);
}

static void
load_state (FlexSession *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) content = NULL;
  g_autoptr (FlexConfiguration) configuration = NULL;
  g_autoptr (FlexWorker) worker = NULL;
  JsonObject *object;
  JsonNode *node;

  content = flex_map_cache_load_document (self->cache, STATE_FILE, STATE_FORMAT, &error);
  if (content == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        g_debug ("Not using the kept Flex configuration: %s", error->message);
      return;
    }
  if (!JSON_NODE_HOLDS_OBJECT (content))
    return;
  object = json_node_get_object (content);
  node = json_object_get_member (object, "configuration");
  configuration = flex_configuration_new_from_json (node, NULL);
  if (configuration == NULL || configuration->workspace_sid == NULL)
    return;
  node = json_object_get_member (object, "worker");
  worker = node != NULL ? flex_worker_new_from_json (node, NULL) : NULL;
  if (worker != NULL && g_strcmp0 (worker->sid, self->worker_sid) != 0)
    g_clear_pointer (&worker, flex_worker_free);

  g_clear_pointer (&self->configuration, flex_configuration_free);
  self->configuration = g_steal_pointer (&configuration);
  if (worker != NULL)
    apply_worker (self, g_steal_pointer (&worker));
  else
    apply_layers (self);
}

/* The first round of reads ended, answered or not: a load that waited for
 * it starts the directories. */
static void
finish_pending_load (FlexSession *self)
{
  g_autoptr (GTask) task = g_steal_pointer (&self->load_task);

  if (task != NULL)
    finish_load (task);
}

static gboolean
on_remote_retry (gpointer user_data)
{
  FlexSession *self = user_data;

  self->remote_retry_id = 0;
  fetch_remote (self);
  return G_SOURCE_REMOVE;
}

/* Flex could not be read: what the app knew stays, and it asks again. */
static void
remote_failed (FlexSession *self, const char *message)
{
  guint delay_s = MIN ((guint) 1 << MIN (self->remote_failures, 9), REMOTE_RETRY_MAX_S);

  self->fetching_remote = FALSE;
  self->remote_failures++;
  g_debug ("Flex not read (%s): again in ~%u s", message, delay_s);
  if (!self->remote_answered)
    {
      g_autofree char *text =
          self->configuration != NULL
              ? g_strdup_printf (_ ("Could not read Flex, so what it said last applies: %s"),
                                 message)
              : g_strdup_printf (
                    _ ("Could not read the Flex configuration, so local settings apply: %s"),
                    message);

      set_error_message (self, text);
    }
  /* ± 20 %, so that many agents do not ask in step. */
  self->remote_retry_id = g_timeout_add (
      (guint) (delay_s * 1000 * g_random_double_range (0.8, 1.2)), on_remote_retry, self);
  finish_pending_load (self);
}

static void
on_remote_worker (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (FlexSession) self = user_data;
  g_autoptr (GError) error = NULL;
  FlexWorker *worker;

  worker = flex_task_router_fetch_worker_finish (FLEX_TWILIO_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (worker == NULL)
    {
      g_autofree char *message =
          g_strdup_printf (_ ("Could not read your worker: %s"), error->message);

      remote_failed (self, message);
      return;
    }
  self->fetching_remote = FALSE;
  self->remote_failures = 0;
  self->remote_answered = TRUE;
  set_error_message (self, NULL);
  apply_worker (self, worker);
  save_state (self);
  schedule_worker_poll (self);
  finish_pending_load (self);
}

static void
on_remote_configuration (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (FlexSession) self = user_data;
  g_autoptr (GError) error = NULL;
  FlexConfiguration *configuration;

  configuration = flex_configuration_fetch_finish (FLEX_TWILIO_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (configuration == NULL)
    {
      remote_failed (self, error->message);
      return;
    }
  if (configuration->workspace_sid == NULL)
    {
      flex_configuration_free (configuration);
      remote_failed (self, _ ("it names no TaskRouter workspace"));
      return;
    }
  /* Flex answered: its configuration applies, the feature off included. */
  g_clear_pointer (&self->configuration, flex_configuration_free);
  self->configuration = configuration;
  apply_layers (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WORKER_OFFLINE]);
  flex_task_router_fetch_worker_async (self->client, self->configuration->workspace_sid,
                                       self->worker_sid, self->cancellable, on_remote_worker,
                                       g_object_ref (self));
}

/* Reads Flex and the worker in the background, again and again until they
 * answer; never turns anything off for a failure to reach them. */
static void
fetch_remote (FlexSession *self)
{
  if (self->fetching_remote || self->remote_retry_id != 0)
    return;
  self->fetching_remote = TRUE;
  flex_configuration_fetch_async (self->client, self->cancellable, on_remote_configuration,
                                  g_object_ref (self));
}

/**
 * flex_session_load_async:
 *
 * Starts from the last known state at once — the snapshots' rows, the Flex
 * configuration and the worker kept beside them — and reads Flex and the
 * worker again in the background, with back-off and no limit of tries.
 * Finishes as soon as the directories are started: a failure to reach Flex
 * is not an error (the local settings stand in until Flex answers, and
 * #FlexSession:error-message says why).
 */
void
flex_session_load_async (FlexSession *self,
                         GCancellable *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (FLEX_IS_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, flex_session_load_async);
  if (self->configuration != NULL)
    {
      /* Known from the last run: show it now, check it meanwhile. */
      finish_load (task);
      fetch_remote (self);
      return;
    }
  /* Nothing kept: the first answer of Flex, or its failure, starts the
   * directories. */
  g_set_object (&self->load_task, task);
  fetch_remote (self);
}

gboolean
flex_session_load_finish (FlexSession *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Push */

/**
 * flex_session_enable_push:
 * @tokens: (nullable): where access tokens come from; %NULL when these
 *   credentials cannot have push
 * @reason: (nullable): with no @tokens, why not (shown in Preferences)
 * @socket_url: (nullable): the Twilsock URL; %NULL for Twilio's
 * @cds_url: (nullable): the CDS base named in requests; %NULL for Twilio's
 *
 * Call before flex_session_load_async(). With push, the three directories
 * are fed by map subscriptions over one socket and poll only while it is
 * down.
 */
void
flex_session_enable_push (FlexSession *self,
                          FlexTokenSource *tokens,
                          const char *reason,
                          const char *socket_url,
                          const char *cds_url)
{
  FlexDirectory *directories[3];

  g_return_if_fail (FLEX_IS_SESSION (self));
  g_return_if_fail (self->socket == NULL);

  if (tokens == NULL)
    {
      g_free (self->push_unavailable);
      self->push_unavailable =
          g_strdup (reason != NULL ? reason : _ ("Live updates are not available"));
      for (guint i = 0; i < 3; i++)
        {
          FlexDirectory *directory = i == 0   ? self->recents
                                     : i == 1 ? self->personal
                                              : self->shared;

          flex_directory_set_live (directory, FALSE, self->push_unavailable);
        }
      return;
    }

  self->socket = flex_twilsock_new (socket_url, tokens);
  if (self->socket == NULL)
    {
      g_free (self->push_unavailable);
      self->push_unavailable = g_strdup (_ ("The live-update address is not allowed"));
      return;
    }
  g_clear_pointer (&self->push_unavailable, g_free);
  self->stream = flex_sync_stream_new (self->socket, cds_url);
  if (flex_twilio_client_get_uses_token (self->client))
    {
      g_signal_connect_object (self->socket, "notify::state", G_CALLBACK (on_socket_state), self,
                               0);
      if (self->outbox != NULL)
        flex_outbox_set_stream (self->outbox, self->stream);
    }
  directories[0] = self->recents;
  directories[1] = self->personal;
  directories[2] = self->shared;
  for (guint i = 0; i < G_N_ELEMENTS (self->feeds); i++)
    {
      self->feeds[i] = flex_map_feed_new (directories[i], self->stream);
      /* Signed in with Flex, Sync's REST API is closed: reads and writes
       * go over the socket too. */
      if (flex_twilio_client_get_uses_token (self->client))
        flex_sync_map_set_stream (flex_directory_get_map (directories[i]), self->stream);
    }
}

/**
 * flex_session_get_push_unavailable:
 *
 * Returns: (nullable): why this session has no push, or %NULL when it has
 */
const char *
flex_session_get_push_unavailable (FlexSession *self)
{
  g_return_val_if_fail (FLEX_IS_SESSION (self), NULL);
  return self->push_unavailable;
}

/**
 * flex_session_get_socket:
 *
 * Returns: (transfer none) (nullable): the push socket
 */
FlexTwilsock *
flex_session_get_socket (FlexSession *self)
{
  g_return_val_if_fail (FLEX_IS_SESSION (self), NULL);
  return self->socket;
}

/**
 * flex_session_get_feed:
 * @index: 0 recents, 1 personal, 2 shared
 *
 * Returns: (transfer none) (nullable): a directory's feed
 */
FlexMapFeed *
flex_session_get_feed (FlexSession *self, guint index)
{
  g_return_val_if_fail (FLEX_IS_SESSION (self), NULL);
  g_return_val_if_fail (index < G_N_ELEMENTS (self->feeds), NULL);
  return self->feeds[index];
}

/* The on-disk snapshots */

/**
 * flex_session_set_cache:
 * @cache: where the directories keep their snapshots
 *
 * Call before flex_session_load_async(): the directories show their saved
 * rows at once, then check them.
 */
void
flex_session_set_cache (FlexSession *self, FlexMapCache *cache)
{
  FlexDirectory *directories[3];

  g_return_if_fail (FLEX_IS_SESSION (self));
  g_return_if_fail (FLEX_IS_MAP_CACHE (cache));

  g_set_object (&self->cache, cache);
  directories[0] = self->recents;
  directories[1] = self->personal;
  directories[2] = self->shared;
  for (guint i = 0; i < G_N_ELEMENTS (directories); i++)
    {
      flex_directory_set_cache (directories[i], cache);
      flex_directory_load_cached (directories[i]);
    }
  /* The roles and the configuration of the last run, with its rows. */
  load_state (self);
}

/**
 * flex_session_get_cache:
 *
 * Returns: (transfer none) (nullable): the snapshots' cache
 */
FlexMapCache *
flex_session_get_cache (FlexSession *self)
{
  g_return_val_if_fail (FLEX_IS_SESSION (self), NULL);
  return self->cache;
}

/**
 * flex_session_set_outbox:
 * @outbox: where edits wait while Twilio cannot be reached (loaded)
 *
 * My Contacts and Shared Contacts keep edits there when they cannot be sent,
 * and send them at the next good check.
 */
void
flex_session_set_outbox (FlexSession *self, FlexOutbox *outbox)
{
  g_return_if_fail (FLEX_IS_SESSION (self));
  g_return_if_fail (FLEX_IS_OUTBOX (outbox));

  g_set_object (&self->outbox, outbox);
  {
    /* Edits of the session's own lists only. */
    const char *maps[] = { flex_sync_map_get_unique_name (flex_directory_get_map (self->personal)),
                           flex_sync_map_get_unique_name (flex_directory_get_map (self->shared)),
                           NULL };

    flex_outbox_set_maps (outbox, maps);
  }
  flex_directory_set_outbox (self->personal, outbox);
  flex_directory_set_outbox (self->shared, outbox);
  if (self->stream != NULL && flex_twilio_client_get_uses_token (self->client))
    flex_outbox_set_stream (outbox, self->stream);
}

/**
 * flex_session_get_outbox:
 *
 * Returns: (transfer none) (nullable): where unsent edits wait
 */
FlexOutbox *
flex_session_get_outbox (FlexSession *self)
{
  g_return_val_if_fail (FLEX_IS_SESSION (self), NULL);
  return self->outbox;
}

/**
 * flex_session_get_activity:
 *
 * Returns: (nullable): the name of the worker's activity ("Available",
 *   "Break", …), as last known
 */
const char *
flex_session_get_activity (FlexSession *self)
{
  g_return_val_if_fail (FLEX_IS_SESSION (self), NULL);
  return self->worker != NULL ? self->worker->activity_name : NULL;
}

/**
 * flex_session_set_worker_live:
 *
 * While @live, the worker's changes come pushed (EventBridge): it is not
 * read again at the refresh interval.
 */
void
flex_session_set_worker_live (FlexSession *self, gboolean live)
{
  g_return_if_fail (FLEX_IS_SESSION (self));
  self->worker_live = !!live;
}

/**
 * flex_session_apply_worker_activity:
 *
 * A pushed change of the worker's activity (`worker.activity.update`):
 * what calling and the status show follows at once.
 */
void
flex_session_apply_worker_activity (FlexSession *self,
                                    const char *activity_sid,
                                    const char *activity_name,
                                    gboolean available)
{
  FlexWorker *worker;

  g_return_if_fail (FLEX_IS_SESSION (self));

  if (self->worker == NULL || activity_sid == NULL || activity_name == NULL)
    return;
  worker = flex_worker_copy (self->worker);
  g_free (worker->activity_sid);
  worker->activity_sid = g_strdup (activity_sid);
  g_free (worker->activity_name);
  worker->activity_name = g_strdup (activity_name);
  worker->available = available;
  apply_worker (self, worker);
}

static void
on_activities_listed (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  GPtrArray *activities =
      flex_task_router_list_activities_finish (FLEX_TWILIO_CLIENT (object), result, &error);

  if (activities == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, activities, (GDestroyNotify) g_ptr_array_unref);
}

/**
 * flex_session_list_activities_async:
 *
 * The workspace's activities, as Flex lists them: the statuses an agent
 * can choose.
 */
void
flex_session_list_activities_async (FlexSession *self,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (FLEX_IS_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, flex_session_list_activities_async);
  if (!check_workspace (self, task))
    return;
  flex_task_router_list_activities_async (self->client, self->configuration->workspace_sid,
                                          cancellable, on_activities_listed,
                                          g_steal_pointer (&task));
}

/**
 * flex_session_list_activities_finish:
 *
 * Returns: (transfer container) (element-type FlexActivity): the activities
 */
GPtrArray *
flex_session_list_activities_finish (FlexSession *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * flex_session_set_activity_async:
 *
 * Changes the worker's activity in TaskRouter (the agent's status, as in
 * Flex). TaskRouter may refuse (a reservation waits for an answer): the
 * error says why.
 */
void
flex_session_set_activity_async (FlexSession *self,
                                 const char *activity_sid,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (FLEX_IS_SESSION (self));
  g_return_if_fail (activity_sid != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, flex_session_set_activity_async);
  if (!check_workspace (self, task))
    return;
  flex_task_router_update_worker_activity_async (self->client, self->configuration->workspace_sid,
                                                 self->worker_sid, activity_sid, cancellable,
                                                 on_worker_answered, g_steal_pointer (&task));
}

gboolean
flex_session_set_activity_finish (FlexSession *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
