/* flex-dialer.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flex-dialer"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "flex-dialer.h"
#include "flex-phone.h"

/*
 * FlexDialer raises the request the Flex UI's StartOutboundCall action raises
 * (DESIGN.md §3): one TaskRouter task, routed to this worker, which the
 * agent's open Flex UI accepts and turns into a call on its softphone.
 *
 *   POST /v1/Workspaces/{WorkspaceSid}/Tasks
 *     WorkflowSid   = outbound_call_flows.default.workflow_sid
 *     TaskQueueSid  = outbound_call_flows.default.queue_sid
 *     RoutingTarget = the worker's SID
 *     TaskChannel   = voice
 *     Timeout       = 60 (a request nobody picks up must not ring later)
 *     Attributes    = {"direction":"outbound","outbound_to":E.164,
 *                      "from":caller ID,"name":… when known}
 *
 * Before anything is sent the dialer refuses, with a reason a person
 * understands, when outbound calling is off, the worker is offline (read
 * again just before the request) or the number cannot be dialled; and while
 * one request is in flight it refuses the next, so one click is one task.
 */

#define TASK_TIMEOUT_S FLEX_DIAL_TASK_TIMEOUT_S

struct _FlexDialer
{
  GObject parent_instance;

  FlexSession *session;
  gboolean busy;
  char *unavailable_reason;
};

enum
{
  PROP_0,
  PROP_SESSION,
  PROP_AVAILABLE,
  PROP_UNAVAILABLE_REASON,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_QUARK (flex - dial - error - quark, flex_dial_error)

G_DEFINE_FINAL_TYPE (FlexDialer, flex_dialer, G_TYPE_OBJECT)

typedef struct
{
  char *number; /* E.164 */
  char *name;
} DialRequest;

static void
dial_request_free (DialRequest *request)
{
  g_free (request->number);
  g_free (request->name);
  g_free (request);
}

static void
update_availability (FlexDialer *self)
{
  g_autoptr (GError) error = NULL;
  const char *reason;

  flex_dialer_check (self, &error);
  reason = error != NULL ? error->message : NULL;
  if (g_strcmp0 (reason, self->unavailable_reason) == 0)
    return;

  g_free (self->unavailable_reason);
  self->unavailable_reason = g_strdup (reason);
  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AVAILABLE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNAVAILABLE_REASON]);
  g_object_thaw_notify (G_OBJECT (self));
}

static void
set_busy (FlexDialer *self, gboolean busy)
{
  if (self->busy == busy)
    return;
  self->busy = busy;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
flex_dialer_constructed (GObject *object)
{
  FlexDialer *self = FLEX_DIALER (object);

  G_OBJECT_CLASS (flex_dialer_parent_class)->constructed (object);

  g_signal_connect_object (self->session, "notify::worker-offline",
                           G_CALLBACK (update_availability), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::loaded", G_CALLBACK (update_availability), self,
                           G_CONNECT_SWAPPED);
  update_availability (self);
}

static void
flex_dialer_finalize (GObject *object)
{
  FlexDialer *self = FLEX_DIALER (object);

  g_clear_object (&self->session);
  g_free (self->unavailable_reason);

  G_OBJECT_CLASS (flex_dialer_parent_class)->finalize (object);
}

static void
flex_dialer_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  FlexDialer *self = FLEX_DIALER (object);

  switch (prop_id)
    {
      case PROP_SESSION:
        g_value_set_object (value, self->session);
        break;
      case PROP_AVAILABLE:
        g_value_set_boolean (value, flex_dialer_get_available (self));
        break;
      case PROP_UNAVAILABLE_REASON:
        g_value_set_string (value, self->unavailable_reason);
        break;
      case PROP_BUSY:
        g_value_set_boolean (value, self->busy);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flex_dialer_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  FlexDialer *self = FLEX_DIALER (object);

  switch (prop_id)
    {
      case PROP_SESSION:
        self->session = g_value_dup_object (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flex_dialer_class_init (FlexDialerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = flex_dialer_constructed;
  object_class->finalize = flex_dialer_finalize;
  object_class->get_property = flex_dialer_get_property;
  object_class->set_property = flex_dialer_set_property;

  properties[PROP_SESSION] =
      g_param_spec_object ("session", NULL, NULL, FLEX_TYPE_SESSION,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * FlexDialer:available:
   *
   * Whether a call could be requested now (outbound calling on, worker
   * known and not offline); #FlexDialer:unavailable-reason says why not.
   */
  properties[PROP_AVAILABLE] = g_param_spec_boolean ("available", NULL, NULL, FALSE, flags);
  properties[PROP_UNAVAILABLE_REASON] =
      g_param_spec_string ("unavailable-reason", NULL, NULL, NULL, flags);
  /**
   * FlexDialer:busy:
   *
   * Whether a call request is in flight.
   */
  properties[PROP_BUSY] = g_param_spec_boolean ("busy", NULL, NULL, FALSE, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
flex_dialer_init (FlexDialer *self)
{
}

FlexDialer *
flex_dialer_new (FlexSession *session)
{
  g_return_val_if_fail (FLEX_IS_SESSION (session), NULL);
  return g_object_new (FLEX_TYPE_DIALER, "session", session, NULL);
}

/**
 * flex_dialer_get_session:
 *
 * Returns: (transfer none): the session whose worker calls
 */
FlexSession *
flex_dialer_get_session (FlexDialer *self)
{
  g_return_val_if_fail (FLEX_IS_DIALER (self), NULL);
  return self->session;
}

gboolean
flex_dialer_get_available (FlexDialer *self)
{
  g_return_val_if_fail (FLEX_IS_DIALER (self), FALSE);
  return self->unavailable_reason == NULL;
}

/**
 * flex_dialer_get_unavailable_reason:
 *
 * Returns: (nullable): why no call can be requested now, for a person
 */
const char *
flex_dialer_get_unavailable_reason (FlexDialer *self)
{
  g_return_val_if_fail (FLEX_IS_DIALER (self), NULL);
  return self->unavailable_reason;
}

gboolean
flex_dialer_get_busy (FlexDialer *self)
{
  g_return_val_if_fail (FLEX_IS_DIALER (self), FALSE);
  return self->busy;
}

/**
 * flex_dialer_get_caller_id:
 *
 * Returns: (nullable): the number the customer will see: the worker's
 *   `selectedCallerId`, else the outbound flow's `caller_id`
 */
const char *
flex_dialer_get_caller_id (FlexDialer *self)
{
  const FlexConfiguration *configuration;
  const FlexWorker *worker;
  const char *caller_id = NULL;

  g_return_val_if_fail (FLEX_IS_DIALER (self), NULL);

  worker = flex_session_get_worker (self->session);
  configuration = flex_session_get_configuration (self->session);
  if (worker != NULL)
    caller_id = flex_worker_get_caller_id (worker);
  if ((caller_id == NULL || *caller_id == '\0') && configuration != NULL)
    caller_id = configuration->outbound_caller_id;
  return caller_id != NULL && *caller_id != '\0' ? caller_id : NULL;
}

/**
 * flex_dialer_check:
 *
 * Whether this worker can request a call now, from what the session last
 * read: outbound calling on and complete, worker known and not offline.
 *
 * Returns: %TRUE, or %FALSE with a #FlexDialError saying why not
 */
gboolean
flex_dialer_check (FlexDialer *self, GError **error)
{
  const FlexConfiguration *configuration;

  g_return_val_if_fail (FLEX_IS_DIALER (self), FALSE);

  configuration = flex_session_get_configuration (self->session);
  if (configuration == NULL || flex_session_get_worker (self->session) == NULL)
    {
      g_set_error_literal (error, FLEX_DIAL_ERROR, FLEX_DIAL_ERROR_NOT_READY,
                           _ ("Calling needs your Flex configuration and worker, which have not "
                              "been read"));
      return FALSE;
    }
  if (!configuration->outbound_enabled)
    {
      g_set_error_literal (error, FLEX_DIAL_ERROR, FLEX_DIAL_ERROR_DISABLED,
                           _ ("Outbound calling is turned off in Flex"));
      return FALSE;
    }
  if (configuration->outbound_workflow_sid == NULL || configuration->workspace_sid == NULL)
    {
      g_set_error_literal (error, FLEX_DIAL_ERROR, FLEX_DIAL_ERROR_DISABLED,
                           _ ("Outbound calling in Flex has no workflow set up"));
      return FALSE;
    }
  if (flex_session_get_worker_offline (self->session))
    {
      g_set_error_literal (error, FLEX_DIAL_ERROR, FLEX_DIAL_ERROR_OFFLINE,
                           _ ("You are offline in Flex: go available to call"));
      return FALSE;
    }
  return TRUE;
}

/**
 * flex_dialer_normalize:
 * @number: a number as typed or stored
 *
 * Returns: (transfer full) (nullable): @number in E.164, national numbers
 *   read in the outbound flow's country; or %NULL with
 *   %FLEX_DIAL_ERROR_INVALID_NUMBER
 */
char *
flex_dialer_normalize (FlexDialer *self, const char *number, GError **error)
{
  const FlexConfiguration *configuration;
  g_autoptr (GError) local_error = NULL;
  char *e164;

  g_return_val_if_fail (FLEX_IS_DIALER (self), NULL);

  configuration = flex_session_get_configuration (self->session);
  e164 = flex_phone_normalize (
      number, configuration != NULL ? configuration->outbound_location : NULL, &local_error);
  if (e164 == NULL)
    g_set_error (error, FLEX_DIAL_ERROR, FLEX_DIAL_ERROR_INVALID_NUMBER,
                 _ ("“%s” cannot be called: %s"), number != NULL ? number : "",
                 local_error->message);
  return e164;
}

/* Dialling */

static void
fail_dial (GTask *task, GError *error)
{
  set_busy (g_task_get_source_object (task), FALSE);
  g_task_return_error (task, error);
}

static void
on_task_created (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;
  char *sid;

  sid = flex_task_router_create_task_finish (FLEX_TWILIO_CLIENT (object), result, &error);
  if (sid == NULL)
    {
      fail_dial (task, error);
      return;
    }
  set_busy (g_task_get_source_object (task), FALSE);
  g_task_return_pointer (task, sid, g_free);
}

static void
on_worker_checked (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  FlexDialer *self = g_task_get_source_object (task);
  DialRequest *request = g_task_get_task_data (task);
  const FlexConfiguration *configuration;
  const FlexWorker *worker;
  g_autoptr (JsonObject) attributes = NULL;
  g_autoptr (GError) refresh_error = NULL;
  GError *error = NULL;
  const char *caller_id;

  if (!flex_session_refresh_worker_finish (FLEX_SESSION (object), result, &refresh_error))
    {
      if (g_error_matches (refresh_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        fail_dial (task, g_steal_pointer (&refresh_error));
      else
        /* Keeps the cause's domain and code: "Twilio cannot be reached"
         * is said differently from a refusal. */
        fail_dial (task,
                   g_error_new (
                       refresh_error->domain == FLEX_TWILIO_ERROR ? FLEX_TWILIO_ERROR : G_IO_ERROR,
                       refresh_error->domain == FLEX_TWILIO_ERROR ? refresh_error->code
                                                                  : G_IO_ERROR_FAILED,
                       _ ("Could not check your status in Flex: %s"), refresh_error->message));
      return;
    }

  /* The worker may have gone offline since the session last looked. */
  if (!flex_dialer_check (self, &error))
    {
      fail_dial (task, error);
      return;
    }

  configuration = flex_session_get_configuration (self->session);
  worker = flex_session_get_worker (self->session);
  caller_id = flex_dialer_get_caller_id (self);

  attributes = json_object_new ();
  json_object_set_string_member (attributes, "direction", "outbound");
  json_object_set_string_member (attributes, "outbound_to", request->number);
  if (caller_id != NULL)
    json_object_set_string_member (attributes, "from", caller_id);
  if (request->name != NULL && *request->name != '\0')
    json_object_set_string_member (attributes, "name", request->name);

  g_debug ("Requesting an outbound call for worker %s", worker->sid);
  flex_task_router_create_task_async (
      flex_session_get_client (self->session), configuration->workspace_sid,
      configuration->outbound_workflow_sid, configuration->outbound_queue_sid, worker->sid, "voice",
      attributes, TASK_TIMEOUT_S, g_task_get_cancellable (task), on_task_created,
      g_object_ref (task));
}

/**
 * flex_dialer_dial_async:
 * @number: the number to call, as typed or stored
 * @name: (nullable): who is called, when known
 *
 * Asks Flex to place a call from this worker's softphone: reads the worker
 * again, then creates one outbound task. Refuses (%FLEX_DIAL_ERROR) without
 * sending anything when the number cannot be dialled, outbound calling is
 * off, the worker is offline, or another request is in flight.
 */
void
flex_dialer_dial_async (FlexDialer *self,
                        const char *number,
                        const char *name,
                        GCancellable *cancellable,
                        GAsyncReadyCallback callback,
                        gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  DialRequest *request;
  GError *error = NULL;
  char *e164;

  g_return_if_fail (FLEX_IS_DIALER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, flex_dialer_dial_async);

  if (self->busy)
    {
      g_task_return_new_error (task, FLEX_DIAL_ERROR, FLEX_DIAL_ERROR_BUSY,
                               _ ("A call is already being requested"));
      return;
    }
  if ((e164 = flex_dialer_normalize (self, number, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  request = g_new0 (DialRequest, 1);
  request->number = e164;
  request->name = g_strdup (name);
  g_task_set_task_data (task, request, (GDestroyNotify) dial_request_free);

  if (!flex_dialer_check (self, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  set_busy (self, TRUE);
  flex_session_refresh_worker_async (self->session, cancellable, on_worker_checked,
                                     g_steal_pointer (&task));
}

/**
 * flex_dialer_dial_finish:
 *
 * Returns: (transfer full): the SID of the task Flex turns into the call
 */
char *
flex_dialer_dial_finish (FlexDialer *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * flex_dial_number_from_uri:
 * @uri: a `tel:` (RFC 3966) or `callto:` URI
 *
 * Returns: (transfer full) (nullable): the number the URI names, its
 *   visual separators kept and its parameters dropped, but for an extension
 *   (`;ext=99` becomes ` ext. 99`, which the number check refuses as
 *   `--dial` does: Flex cannot dial one); %NULL for another scheme or an
 *   empty number
 */
char *
flex_dial_number_from_uri (const char *uri)
{
  g_autofree char *scheme = NULL;
  g_autofree char *decoded = NULL;
  const char *rest;
  char *end;

  g_return_val_if_fail (uri != NULL, NULL);

  scheme = g_uri_parse_scheme (uri);
  if (scheme == NULL ||
      (g_ascii_strcasecmp (scheme, "tel") != 0 && g_ascii_strcasecmp (scheme, "callto") != 0))
    return NULL;

  rest = uri + strlen (scheme) + 1;
  /* callto://+1… and callto:+1… are both in use. */
  while (*rest == '/')
    rest++;

  decoded = g_uri_unescape_segment (rest, NULL, NULL);
  if (decoded == NULL)
    return NULL;
  /* Parameters and anything after the number; an extension stays, to be
   * refused with its reason rather than dropped without a word. */
  end = decoded + strcspn (decoded, ";?#");
  {
    g_autofree char *lower = g_ascii_strdown (end, -1);
    const char *ext = strstr (lower, ";ext=");
    g_autofree char *extension =
        ext != NULL ? g_strndup (ext + strlen (";ext="), strcspn (ext + strlen (";ext="), ";?#"))
                    : NULL;

    *end = '\0';
    g_strstrip (decoded);
    if (*decoded == '\0')
      return NULL;
    if (extension != NULL && *extension != '\0')
      return g_strdup_printf ("%s ext. %s", decoded, extension);
  }
  return g_steal_pointer (&decoded);
}

/* Call requests */

G_DEFINE_BOXED_TYPE (FlexCallRequest,
                     flex_call_request,
                     flex_call_request_copy,
                     flex_call_request_free)

FlexCallRequest *
flex_call_request_copy (const FlexCallRequest *self)
{
  FlexCallRequest *copy = g_new0 (FlexCallRequest, 1);

  copy->number = g_strdup (self->number);
  copy->name = g_strdup (self->name);
  copy->who = g_strdup (self->who);
  copy->caller_id = g_strdup (self->caller_id);
  return copy;
}

void
flex_call_request_free (FlexCallRequest *self)
{
  if (self == NULL)
    return;
  g_free (self->number);
  g_free (self->name);
  g_free (self->who);
  g_free (self->caller_id);
  g_free (self);
}

/* The contact of @e164 in My or Shared Contacts. Stored numbers are E.164
 * (the plugin's format); one stored otherwise is read as people type. */
static const char *
find_contact_name (FlexDialer *self, const char *e164)
{
  FlexDirectory *directories[] = { flex_session_get_personal (self->session),
                                   flex_session_get_shared (self->session) };

  for (guint d = 0; d < G_N_ELEMENTS (directories); d++)
    {
      GListModel *model = G_LIST_MODEL (directories[d]);
      guint n = model != NULL ? g_list_model_get_n_items (model) : 0;

      for (guint i = 0; i < n; i++)
        {
          g_autoptr (FlexContact) contact = g_list_model_get_item (model, i);
          const char *number = flex_contact_get_phone_number (contact);
          g_autofree char *normalized = NULL;

          if (number == NULL)
            continue;
          if (g_strcmp0 (number, e164) == 0)
            return flex_contact_get_name (contact);
          if (number[0] != '+' &&
              (normalized = flex_dialer_normalize (self, number, NULL)) != NULL &&
              g_str_equal (normalized, e164))
            return flex_contact_get_name (contact);
        }
    }
  return NULL;
}

/**
 * flex_dialer_prepare:
 * @number: the number, as stored or typed
 * @name: (nullable): who is called, when known
 *
 * Turns a number into one call request, for the confirmation to show and
 * flex_dialer_dial_request_async() to send. Fails as
 * flex_dialer_check() and flex_dialer_normalize() do, sending nothing.
 *
 * Returns: (transfer full) (nullable): the request
 */
FlexCallRequest *
flex_dialer_prepare (FlexDialer *self, const char *number, const char *name, GError **error)
{
  g_autoptr (FlexCallRequest) request = NULL;
  g_autofree char *e164 = NULL;

  g_return_val_if_fail (FLEX_IS_DIALER (self), NULL);
  g_return_val_if_fail (number != NULL, NULL);

  if (!flex_dialer_check (self, error) ||
      (e164 = flex_dialer_normalize (self, number, error)) == NULL)
    return NULL;

  request = g_new0 (FlexCallRequest, 1);
  request->name = g_strdup (name != NULL && *name != '\0' ? name : find_contact_name (self, e164));
  request->number = g_steal_pointer (&e164);
  request->who = g_strdup (request->name != NULL ? request->name : request->number);
  request->caller_id = g_strdup (flex_dialer_get_caller_id (self));
  return g_steal_pointer (&request);
}

/**
 * flex_dialer_dial_request_async:
 *
 * Sends @request (see flex_dialer_dial_async()); finish with
 * flex_dialer_dial_finish().
 */
void
flex_dialer_dial_request_async (FlexDialer *self,
                                const FlexCallRequest *request,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data)
{
  g_return_if_fail (FLEX_IS_DIALER (self));
  g_return_if_fail (request != NULL);

  flex_dialer_dial_async (self, request->number, request->name, cancellable, callback, user_data);
}
