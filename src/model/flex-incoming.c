/* flex-incoming.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flex-incoming"

#include "config.h"

#include "flex-incoming.h"

#include <glib/gi18n.h>
#include <string.h>

#include "flex-json.h"
#include "flex-phone.h"

/*
 * FlexIncoming: the work TaskRouter offers this worker, from EventBridge
 * events, named from the directory. A reservation for this worker that is
 * created pending "rings" (once); one accepted, rejected, canceled,
 * rescinded, completed or wrapped up anywhere is "withdrawn"; one that timed
 * out on this worker is withdrawn and "missed". The agent's own outbound
 * calls (tasks whose direction is outbound) never ring.
 *
 * Who it is: the contact of that number in My Contacts, else in Shared
 * Contacts (a person's own name for someone wins over the team's), else a
 * recent interaction's name (not the plugin's "Customer"), else the task's
 * `name`, else the number as the lists show it. Numbers are matched in
 * E.164 (libphonenumber, with the account's country for a national one), by
 * an index the directories keep (flex_directory_find_by_number()).
 */

#define MAX_ATTRIBUTES_BYTES (64 * 1024)
#define MAX_RINGING          64 /* reservations remembered at once */

struct _FlexIncoming
{
  GObject parent_instance;

  FlexSession *session;
  FlexTokenSource *tokens;
  FlexEventBridge *bridge;
  gboolean wanted;     /* started: open the socket once the session can */
  GHashTable *ringing; /* reservation SID → FlexIncomingCall */
};

enum
{
  SIGNAL_RING,
  SIGNAL_WITHDRAW,
  SIGNAL_MISSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (FlexIncoming, flex_incoming, G_TYPE_OBJECT)

G_DEFINE_BOXED_TYPE (FlexIncomingCall,
                     flex_incoming_call,
                     flex_incoming_call_copy,
                     flex_incoming_call_free)

FlexIncomingCall *
flex_incoming_call_copy (const FlexIncomingCall *call)
{
  FlexIncomingCall *copy = g_new0 (FlexIncomingCall, 1);

  copy->reservation_sid = g_strdup (call->reservation_sid);
  copy->task_sid = g_strdup (call->task_sid);
  copy->channel = g_strdup (call->channel);
  copy->address = g_strdup (call->address);
  copy->number = g_strdup (call->number);
  copy->caller = g_strdup (call->caller);
  copy->from_directory = call->from_directory;
  copy->queue = g_strdup (call->queue);
  return copy;
}

void
flex_incoming_call_free (FlexIncomingCall *call)
{
  if (call == NULL)
    return;
  g_free (call->reservation_sid);
  g_free (call->task_sid);
  g_free (call->channel);
  g_free (call->address);
  g_free (call->number);
  g_free (call->caller);
  g_free (call->queue);
  g_free (call);
}

/* A call Flex rings a softphone for (a voice task), not a message. */
gboolean
flex_incoming_call_is_voice (const FlexIncomingCall *call)
{
  return call != NULL && g_strcmp0 (call->channel, "voice") == 0;
}

static const char *
home_country (FlexSession *session)
{
  const FlexConfiguration *configuration = flex_session_get_configuration (session);

  return configuration != NULL ? configuration->outbound_location : NULL;
}

static gboolean
is_e164 (const char *text)
{
  gsize digits = 0;

  if (text[0] != '+' || text[1] == '0')
    return FALSE;
  for (const char *p = text + 1; *p != '\0'; p++, digits++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return digits >= 8 && digits <= 15;
}

/**
 * flex_incoming_name_caller:
 * @address: (nullable): the customer's address as a task has it (a number
 *   in any form, `whatsapp:+…`, a chat id)
 * @task_name: (nullable): the task's `name` attribute
 * @number: (out) (optional) (transfer full) (nullable): @address in E.164
 * @from_directory: (out) (optional): whether the name came from the lists
 *
 * Returns: (transfer full): who it is, for a person (see the top of this
 *   file)
 */
char *
flex_incoming_name_caller (FlexSession *session,
                           const char *address,
                           const char *task_name,
                           char **number,
                           gboolean *from_directory)
{
  g_autofree char *e164 = NULL;
  /* "whatsapp:+55…", "sms:…": the number after the scheme. */
  const char *bare = flex_phone_strip_scheme (address);

  g_return_val_if_fail (FLEX_IS_SESSION (session), NULL);

  if (from_directory != NULL)
    *from_directory = FALSE;
  /* Twilio gives E.164 ("+" and 8 to 15 digits): as is, without a trip
   * through libphonenumber (whose first parse of a new kind of number can
   * take tens of milliseconds); anything else is parsed. */
  if (bare != NULL && is_e164 (bare))
    e164 = g_strdup (bare);
  else if (bare != NULL && *bare != '\0')
    e164 = flex_phone_normalize (bare, home_country (session), NULL);
  if (e164 != NULL)
    {
      FlexDirectory *directories[] = { flex_session_get_personal (session),
                                       flex_session_get_shared (session) };
      const char *name =
          flex_directory_name_number (directories, G_N_ELEMENTS (directories), e164, NULL);

      /* A recent's own name (not the plugin's "Customer"). */
      if (name == NULL && flex_session_get_recents (session) != NULL)
        {
          FlexRecent *recent =
              flex_directory_find_by_number (flex_session_get_recents (session), e164);

          name = recent != NULL ? flex_directory_name_recent (recent, NULL, 0, NULL) : NULL;
        }
      if (name != NULL)
        {
          if (from_directory != NULL)
            *from_directory = TRUE;
          if (number != NULL)
            *number = g_steal_pointer (&e164);
          return g_strdup (name);
        }
    }
  if (number != NULL)
    *number = g_strdup (e164);
  if (task_name != NULL && *task_name != '\0')
    return g_strdup (task_name);
  if (e164 != NULL)
    return flex_phone_format (e164, FLEX_PHONE_FORMAT_INTERNATIONAL, home_country (session));
  return g_strdup (address != NULL && *address != '\0' ? address : _ ("Unknown caller"));
}

static const char *
string_member (JsonObject *object, const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* The call of a `reservation.created` payload, or %NULL when it is not one
 * to ring for (another worker's, not pending, the agent's own outbound
 * call, malformed). */
static FlexIncomingCall *
call_of (FlexIncoming *self, JsonObject *payload)
{
  const FlexWorker *worker = flex_session_get_worker (self->session);
  JsonNode *task_node = json_object_get_member (payload, "task");
  JsonObject *task;
  const char *attributes_text;
  g_autoptr (JsonNode) attributes_node = NULL;
  JsonObject *attributes = NULL;
  const char *channel;
  FlexIncomingCall *call;

  if (g_strcmp0 (string_member (payload, "reservation_status"), "pending") != 0 ||
      string_member (payload, "sid") == NULL || task_node == NULL ||
      !JSON_NODE_HOLDS_OBJECT (task_node))
    return NULL;
  if (worker != NULL && worker->sid != NULL && string_member (payload, "worker_sid") != NULL &&
      g_strcmp0 (string_member (payload, "worker_sid"), worker->sid) != 0)
    return NULL;
  task = json_node_get_object (task_node);
  attributes_text = string_member (task, "attributes");
  if (attributes_text != NULL && strlen (attributes_text) <= MAX_ATTRIBUTES_BYTES)
    attributes_node = flex_json_from_string (attributes_text, NULL);
  if (attributes_node != NULL && JSON_NODE_HOLDS_OBJECT (attributes_node))
    attributes = json_node_get_object (attributes_node);
  if (g_strcmp0 (string_member (attributes, "direction"), "outbound") == 0)
    return NULL;

  channel = string_member (attributes, "channelType");
  if (channel == NULL)
    channel = string_member (task, "task_channel_unique_name");
  call = g_new0 (FlexIncomingCall, 1);
  call->reservation_sid = g_strdup (string_member (payload, "sid"));
  call->task_sid = g_strdup (string_member (task, "sid"));
  call->channel = g_ascii_strdown (channel != NULL ? channel : "voice", -1);
  call->address = g_strdup (string_member (attributes, "from"));
  call->queue = g_strdup (string_member (task, "queue_name"));
  if (call->queue != NULL && *call->queue == '\0')
    g_clear_pointer (&call->queue, g_free);
  call->caller =
      flex_incoming_name_caller (self->session, call->address, string_member (attributes, "name"),
                                 &call->number, &call->from_directory);
  return call;
}

static void
on_event (FlexEventBridge *bridge, const char *event_type, JsonObject *payload, FlexIncoming *self)
{
  const char *sid;
  FlexIncomingCall *ringing;

  if (g_str_equal (event_type, "worker.activity.update"))
    {
      JsonNode *available = json_object_get_member (payload, "available");

      /* The status, and whether calling is possible, follow at once. */
      flex_session_apply_worker_activity (self->session, string_member (payload, "activity_sid"),
                                          string_member (payload, "activity_name"),
                                          available != NULL && JSON_NODE_HOLDS_VALUE (available) &&
                                              json_node_get_value_type (available) ==
                                                  G_TYPE_BOOLEAN &&
                                              json_node_get_boolean (available));
      return;
    }
  if (!g_str_has_prefix (event_type, "reservation."))
    return;
  sid = string_member (payload, "sid");
  if (sid == NULL)
    return;

  if (g_str_equal (event_type, "reservation.created"))
    {
      FlexIncomingCall *call;

      if (g_hash_table_contains (self->ringing, sid) ||
          g_hash_table_size (self->ringing) >= MAX_RINGING ||
          (call = call_of (self, payload)) == NULL)
        return;
      g_hash_table_insert (self->ringing, g_strdup (sid), call);
      g_signal_emit (self, signals[SIGNAL_RING], 0, call);
      return;
    }

  /* Settled, here or anywhere: it stops ringing. */
  ringing = g_hash_table_lookup (self->ringing, sid);
  if (ringing == NULL)
    return;
  g_hash_table_steal (self->ringing, sid);
  {
    g_autoptr (FlexIncomingCall) call = ringing;

    g_signal_emit (self, signals[SIGNAL_WITHDRAW], 0, call->reservation_sid);
    if (g_str_equal (event_type, "reservation.timeout"))
      g_signal_emit (self, signals[SIGNAL_MISSED], 0, call);
  }
}

static void
flex_incoming_dispose (GObject *object)
{
  FlexIncoming *self = FLEX_INCOMING (object);

  if (self->bridge != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->bridge, self);
      flex_event_bridge_stop (self->bridge);
    }
  if (self->session != NULL)
    flex_session_set_worker_live (self->session, FALSE);
  g_clear_object (&self->bridge);
  g_clear_object (&self->tokens);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (flex_incoming_parent_class)->dispose (object);
}

static void
flex_incoming_finalize (GObject *object)
{
  FlexIncoming *self = FLEX_INCOMING (object);

  g_hash_table_unref (self->ringing);

  G_OBJECT_CLASS (flex_incoming_parent_class)->finalize (object);
}

static void
flex_incoming_class_init (FlexIncomingClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = flex_incoming_dispose;
  object_class->finalize = flex_incoming_finalize;

  /**
   * FlexIncoming::ring:
   * @call: the task offered to this worker
   */
  signals[SIGNAL_RING] =
      g_signal_new ("ring", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                    G_TYPE_NONE, 1, FLEX_TYPE_INCOMING_CALL | G_SIGNAL_TYPE_STATIC_SCOPE);
  /**
   * FlexIncoming::withdraw:
   * @reservation_sid: a reservation that rang and no longer does
   */
  signals[SIGNAL_WITHDRAW] = g_signal_new ("withdraw", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * FlexIncoming::missed:
   * @call: a reservation that timed out on this worker
   */
  signals[SIGNAL_MISSED] =
      g_signal_new ("missed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                    G_TYPE_NONE, 1, FLEX_TYPE_INCOMING_CALL | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
flex_incoming_init (FlexIncoming *self)
{
  self->ringing = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) flex_incoming_call_free);
}

/* While the socket is up, the worker's changes come pushed: the session
 * stops asking (and asks once when it comes back, for what was missed). */
static void
on_connected_changed (FlexEventBridge *bridge, GParamSpec *pspec, FlexIncoming *self)
{
  gboolean live = flex_event_bridge_get_connected (bridge);

  flex_session_set_worker_live (self->session, live);
  if (live)
    flex_session_refresh_worker_async (self->session, NULL, NULL, NULL);
}

/* Once the session knows the workspace and the worker: the tokens are for
 * them, and the socket opens. */
static void
start_when_ready (FlexIncoming *self)
{
  const FlexConfiguration *configuration = flex_session_get_configuration (self->session);
  const FlexWorker *worker = flex_session_get_worker (self->session);

  if (!self->wanted || configuration == NULL || configuration->workspace_sid == NULL ||
      worker == NULL || worker->sid == NULL)
    return;
  /* The lists' indexes by number, and libphonenumber's tables, are made
   * now, not at the first call. */
  g_free (flex_phone_normalize ("+13125550100", NULL, NULL));
  {
    FlexDirectory *directories[] = { flex_session_get_personal (self->session),
                                     flex_session_get_shared (self->session),
                                     flex_session_get_recents (self->session) };

    for (guint i = 0; i < G_N_ELEMENTS (directories); i++)
      if (directories[i] != NULL)
        flex_directory_find_by_number (directories[i], "+0");
  }
  if (FLEX_IS_API_KEY_TOKEN_SOURCE (self->tokens))
    flex_api_key_token_source_set_task_router (FLEX_API_KEY_TOKEN_SOURCE (self->tokens),
                                               configuration->workspace_sid, worker->sid);
  flex_event_bridge_start (self->bridge);
}

/**
 * flex_incoming_new:
 * @tokens: tokens that open EventBridge for the session's worker (an API
 *   key's source is switched to TaskRouter tokens here)
 * @url: (nullable): the EventBridge socket; %NULL: Twilio's
 *
 * Follows the reservation events of @session's worker, once started.
 *
 * Returns: (transfer full) (nullable): %NULL for a @url not allowed
 */
FlexIncoming *
flex_incoming_new (FlexSession *session, FlexTokenSource *tokens, const char *url)
{
  FlexIncoming *self;
  FlexEventBridge *bridge;

  g_return_val_if_fail (FLEX_IS_SESSION (session), NULL);
  g_return_val_if_fail (FLEX_IS_TOKEN_SOURCE (tokens), NULL);

  bridge = flex_event_bridge_new (url, tokens);
  if (bridge == NULL)
    return NULL;
  self = g_object_new (FLEX_TYPE_INCOMING, NULL);
  self->session = g_object_ref (session);
  self->tokens = g_object_ref (tokens);
  self->bridge = bridge;
  g_signal_connect (bridge, "event", G_CALLBACK (on_event), self);
  g_signal_connect (bridge, "notify::connected", G_CALLBACK (on_connected_changed), self);
  g_signal_connect_object (session, "notify::loaded", G_CALLBACK (start_when_ready), self,
                           G_CONNECT_SWAPPED);
  return self;
}

/* Opens the socket as soon as the session is loaded (now, if it is). */
void
flex_incoming_start (FlexIncoming *self)
{
  g_return_if_fail (FLEX_IS_INCOMING (self));

  self->wanted = TRUE;
  start_when_ready (self);
}

FlexEventBridge *
flex_incoming_get_bridge (FlexIncoming *self)
{
  g_return_val_if_fail (FLEX_IS_INCOMING (self), NULL);
  return self->bridge;
}

/**
 * flex_incoming_lookup:
 *
 * Returns: (nullable): the call of @reservation_sid while it rings
 */
const FlexIncomingCall *
flex_incoming_lookup (FlexIncoming *self, const char *reservation_sid)
{
  g_return_val_if_fail (FLEX_IS_INCOMING (self), NULL);
  return reservation_sid != NULL ? g_hash_table_lookup (self->ringing, reservation_sid) : NULL;
}

static void
on_rejected (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *status =
      flex_task_router_task_status_finish (FLEX_TWILIO_CLIENT (object), result, &error);

  if (status == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * flex_incoming_reject_async:
 *
 * Rejects a reservation offered to this worker (TaskRouter offers the task
 * elsewhere). It stops ringing when TaskRouter says so (its event).
 */
void
flex_incoming_reject_async (FlexIncoming *self,
                            const char *reservation_sid,
                            GCancellable *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  const FlexConfiguration *configuration;
  const FlexWorker *worker;

  g_return_if_fail (FLEX_IS_INCOMING (self));
  g_return_if_fail (reservation_sid != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, flex_incoming_reject_async);
  configuration = flex_session_get_configuration (self->session);
  worker = flex_session_get_worker (self->session);
  if (configuration == NULL || configuration->workspace_sid == NULL || worker == NULL ||
      !g_hash_table_contains (self->ringing, reservation_sid))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _ ("This call is no longer offered to you"));
      return;
    }
  flex_task_router_update_reservation_async (
      flex_session_get_client (self->session), configuration->workspace_sid, worker->sid,
      reservation_sid, "rejected", cancellable, on_rejected, g_steal_pointer (&task));
}

gboolean
flex_incoming_reject_finish (FlexIncoming *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
