/* flex-task-router.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flex-twilio"

#include "config.h"

#include "flex-json.h"
#include "flex-task-router.h"

#include <string.h>

G_DEFINE_BOXED_TYPE (FlexWorker, flex_worker, flex_worker_copy, flex_worker_free)

static char *
dup_string (JsonObject *object, const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return g_strdup (json_node_get_string (node));
}

/**
 * flex_worker_new_from_json:
 *
 * Reads a worker resource; `attributes` is a JSON text inside the JSON and
 * is parsed a second time. Attributes that do not parse are treated as empty,
 * with a warning.
 *
 * Returns: (transfer full) (nullable): the worker
 */
FlexWorker *
flex_worker_new_from_json (JsonNode *node, GError **error)
{
  g_autofree char *attributes = NULL;
  FlexWorker *self;
  JsonObject *object;
  JsonNode *available;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_MALFORMED,
                   "The worker is not a JSON object");
      return NULL;
    }
  object = json_node_get_object (node);

  self = g_new0 (FlexWorker, 1);
  self->sid = dup_string (object, "sid");
  if (self->sid == NULL)
    {
      flex_worker_free (self);
      g_set_error (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_MALFORMED, "The worker has no SID");
      return NULL;
    }
  self->friendly_name = dup_string (object, "friendly_name");
  self->activity_sid = dup_string (object, "activity_sid");
  self->activity_name = dup_string (object, "activity_name");
  available = json_object_get_member (object, "available");
  self->available = available != NULL && JSON_NODE_HOLDS_VALUE (available) &&
                    json_node_get_value_type (available) == G_TYPE_BOOLEAN &&
                    json_node_get_boolean (available);

  attributes = dup_string (object, "attributes");
  if (attributes != NULL)
    {
      g_autoptr (JsonNode) parsed = flex_json_from_string (attributes, NULL);

      if (parsed != NULL && JSON_NODE_HOLDS_OBJECT (parsed))
        self->attributes = json_object_ref (json_node_get_object (parsed));
      else
        {
          g_debug ("The attributes of worker %s are not a JSON object", self->sid);
          self->attributes = json_object_new ();
        }
    }
  self->json = json_node_ref (node);

  return self;
}

FlexWorker *
flex_worker_copy (const FlexWorker *self)
{
  FlexWorker *copy = g_new0 (FlexWorker, 1);

  copy->sid = g_strdup (self->sid);
  copy->friendly_name = g_strdup (self->friendly_name);
  copy->activity_sid = g_strdup (self->activity_sid);
  copy->activity_name = g_strdup (self->activity_name);
  copy->available = self->available;
  copy->attributes = self->attributes != NULL ? json_object_ref (self->attributes) : NULL;
  copy->json = self->json != NULL ? json_node_ref (self->json) : NULL;
  return copy;
}

void
flex_worker_free (FlexWorker *self)
{
  if (self == NULL)
    return;
  g_free (self->sid);
  g_free (self->friendly_name);
  g_free (self->activity_sid);
  g_free (self->activity_name);
  g_clear_pointer (&self->attributes, json_object_unref);
  g_clear_pointer (&self->json, json_node_unref);
  g_free (self);
}

/**
 * flex_worker_has_role:
 *
 * Returns: whether the `roles` attribute (an array of texts) holds @role
 */
gboolean
flex_worker_has_role (const FlexWorker *self, const char *role)
{
  JsonNode *node;
  JsonArray *roles;

  g_return_val_if_fail (self != NULL, FALSE);

  node = self->attributes != NULL ? json_object_get_member (self->attributes, "roles") : NULL;
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return FALSE;

  roles = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (roles); i++)
    {
      JsonNode *element = json_array_get_element (roles, i);

      if (JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING &&
          g_strcmp0 (json_node_get_string (element), role) == 0)
        return TRUE;
    }

  return FALSE;
}

/**
 * flex_worker_get_caller_id:
 *
 * Returns: (nullable): the `selectedCallerId` attribute
 */
const char *
flex_worker_get_caller_id (const FlexWorker *self)
{
  JsonNode *node;

  g_return_val_if_fail (self != NULL, NULL);

  node = self->attributes != NULL ? json_object_get_member (self->attributes, "selectedCallerId")
                                  : NULL;
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/**
 * flex_worker_get_contacts_overrides:
 *
 * Returns: (transfer none) (nullable): `config_overrides.features.contacts`
 */
JsonObject *
flex_worker_get_contacts_overrides (const FlexWorker *self)
{
  static const char *const path[] = { "config_overrides", "features", "contacts" };
  JsonObject *object;

  g_return_val_if_fail (self != NULL, NULL);

  object = self->attributes;
  for (guint i = 0; object != NULL && i < G_N_ELEMENTS (path); i++)
    {
      JsonNode *node = json_object_get_member (object, path[i]);

      object = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
    }
  return object;
}

static void
on_worker_fetched (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;
  FlexWorker *worker;

  node = flex_twilio_client_request_finish (FLEX_TWILIO_CLIENT (object), result, &error);
  if (node == NULL || (worker = flex_worker_new_from_json (node, &error)) == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, worker, (GDestroyNotify) flex_worker_free);
}

/* One worker's resource, read (GET) or changed (POST @form): the worker,
 * for flex_task_router_fetch_worker_finish(). */
static void
request_worker (FlexTwilioClient *client,
                const char *method,
                const char *workspace_sid,
                const char *worker_sid,
                const char *const *form,
                GCancellable *cancellable,
                GAsyncReadyCallback callback,
                gpointer user_data)
{
  g_autofree char *url =
      flex_twilio_client_build_url (client, FLEX_TWILIO_API_TASKROUTER, "v1", "Workspaces",
                                    workspace_sid, "Workers", worker_sid, NULL);
  GTask *task = g_task_new (client, cancellable, callback, user_data);

  g_task_set_source_tag (task, flex_task_router_fetch_worker_async);
  flex_twilio_client_request_async (client, method, url, form, NULL, cancellable, on_worker_fetched,
                                    task);
}

/**
 * flex_task_router_fetch_worker_async:
 *
 * `GET /v1/Workspaces/{WorkspaceSid}/Workers/{Sid}`.
 */
void
flex_task_router_fetch_worker_async (FlexTwilioClient *client,
                                     const char *workspace_sid,
                                     const char *worker_sid,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data)
{
  g_return_if_fail (FLEX_IS_TWILIO_CLIENT (client));
  g_return_if_fail (workspace_sid != NULL);
  g_return_if_fail (worker_sid != NULL);

  request_worker (client, "GET", workspace_sid, worker_sid, NULL, cancellable, callback, user_data);
}

FlexWorker *
flex_task_router_fetch_worker_finish (FlexTwilioClient *client,
                                      GAsyncResult *result,
                                      GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, client), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * flex_task_router_update_worker_activity_async:
 *
 * `POST /v1/Workspaces/{WorkspaceSid}/Workers/{Sid}` `ActivitySid`: the
 * agent's status. Finish with flex_task_router_fetch_worker_finish() (the
 * worker as it is now).
 */
void
flex_task_router_update_worker_activity_async (FlexTwilioClient *client,
                                               const char *workspace_sid,
                                               const char *worker_sid,
                                               const char *activity_sid,
                                               GCancellable *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer user_data)
{
  const char *form[] = { "ActivitySid", activity_sid, NULL };

  g_return_if_fail (FLEX_IS_TWILIO_CLIENT (client));
  g_return_if_fail (workspace_sid != NULL && worker_sid != NULL && activity_sid != NULL);

  request_worker (client, "POST", workspace_sid, worker_sid, form, cancellable, callback,
                  user_data);
}

void
flex_activity_free (FlexActivity *activity)
{
  if (activity == NULL)
    return;
  g_free (activity->sid);
  g_free (activity->name);
  g_free (activity);
}

#define MAX_ACTIVITIES 200

/* A list's answer: its @member array (borrowed from *@node), or %NULL once
 * @task is ended with the request's error or with @missing. */
static JsonNode *
listed (GObject *client,
        GAsyncResult *result,
        GTask *task,
        const char *member,
        const char *missing,
        JsonNode **node)
{
  g_autoptr (GError) error = NULL;
  JsonNode *list;

  *node = flex_twilio_client_request_finish (FLEX_TWILIO_CLIENT (client), result, &error);
  if (*node == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return NULL;
    }
  list = JSON_NODE_HOLDS_OBJECT (*node)
             ? json_object_get_member (json_node_get_object (*node), member)
             : NULL;
  if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list))
    {
      g_task_return_new_error (task, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_MALFORMED, "%s", missing);
      return NULL;
    }
  return list;
}

static void
on_activities_listed (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GPtrArray) activities = NULL;
  JsonNode *list;

  list = listed (object, result, task, "activities",
                 "TaskRouter answered without the workspace's activities", &node);
  if (list == NULL)
    return;
  activities = g_ptr_array_new_with_free_func ((GDestroyNotify) flex_activity_free);
  for (guint i = 0;
       i < json_array_get_length (json_node_get_array (list)) && activities->len < MAX_ACTIVITIES;
       i++)
    {
      JsonNode *item = json_array_get_element (json_node_get_array (list), i);
      JsonObject *object_item = JSON_NODE_HOLDS_OBJECT (item) ? json_node_get_object (item) : NULL;
      const char *sid = object_item != NULL
                            ? json_object_get_string_member_with_default (object_item, "sid", NULL)
                            : NULL;
      const char *name =
          object_item != NULL
              ? json_object_get_string_member_with_default (object_item, "friendly_name", NULL)
              : NULL;
      FlexActivity *activity;

      if (sid == NULL || name == NULL || !g_str_has_prefix (sid, "WA") || strlen (sid) > 64 ||
          strlen (name) > 256)
        continue;
      activity = g_new0 (FlexActivity, 1);
      activity->sid = g_strdup (sid);
      activity->name = g_strdup (name);
      activity->available =
          json_object_get_boolean_member_with_default (object_item, "available", FALSE);
      g_ptr_array_add (activities, activity);
    }
  g_task_return_pointer (task, g_steal_pointer (&activities), (GDestroyNotify) g_ptr_array_unref);
}

/**
 * flex_task_router_list_activities_async:
 *
 * `GET /v1/Workspaces/{WorkspaceSid}/Activities` (one page of 50: a
 * workspace has a handful).
 */
void
flex_task_router_list_activities_async (FlexTwilioClient *client,
                                        const char *workspace_sid,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer user_data)
{
  g_autofree char *base = NULL;
  g_autofree char *url = NULL;
  GTask *task;

  g_return_if_fail (FLEX_IS_TWILIO_CLIENT (client));
  g_return_if_fail (workspace_sid != NULL);

  task = g_task_new (client, cancellable, callback, user_data);
  g_task_set_source_tag (task, flex_task_router_list_activities_async);
  base = flex_twilio_client_build_url (client, FLEX_TWILIO_API_TASKROUTER, "v1", "Workspaces",
                                       workspace_sid, "Activities", NULL);
  url = g_strconcat (base, "?PageSize=50", NULL);
  flex_twilio_client_request_async (client, "GET", url, NULL, NULL, cancellable,
                                    on_activities_listed, task);
}

/**
 * flex_task_router_list_activities_finish:
 *
 * Returns: (transfer container) (element-type FlexActivity): the activities
 */
GPtrArray *
flex_task_router_list_activities_finish (FlexTwilioClient *client,
                                         GAsyncResult *result,
                                         GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, client), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Ends @task with the string @member of a TaskRouter task resource, or the
 * request's error, or @missing when the answer lacks it. */
static void
return_task_member (
    GTask *task, GObject *client, GAsyncResult *result, const char *member, const char *missing)
{
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;
  const char *value = NULL;

  node = flex_twilio_client_request_finish (FLEX_TWILIO_CLIENT (client), result, &error);
  if (node == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (JSON_NODE_HOLDS_OBJECT (node))
    value = json_object_get_string_member_with_default (json_node_get_object (node), member, NULL);
  if (value == NULL)
    {
      g_task_return_new_error (task, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_MALFORMED, "%s", missing);
      return;
    }
  g_task_return_pointer (task, g_strdup (value), g_free);
}

static void
on_task_created (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;

  /* Without its SID the task exists, but we cannot tell which: say so
   * rather than retry. */
  return_task_member (task, object, result, "sid",
                      "TaskRouter created the task but answered without its SID");
}

/**
 * flex_task_router_create_task_async:
 * @workflow_sid: (nullable): the workflow that routes the task
 * @task_queue_sid: (nullable): the queue the task belongs to
 * @routing_target: (nullable): a worker SID to route the task to
 * @task_channel: (nullable): e.g. `voice`
 * @attributes: the task's attributes, sent as a JSON text
 * @timeout_s: seconds the task may wait to be assigned, 0 for TaskRouter's default
 *
 * `POST /v1/Workspaces/{WorkspaceSid}/Tasks`. A POST is not retried once it
 * may have reached TaskRouter, so one call creates at most one task.
 */
void
flex_task_router_create_task_async (FlexTwilioClient *client,
                                    const char *workspace_sid,
                                    const char *workflow_sid,
                                    const char *task_queue_sid,
                                    const char *routing_target,
                                    const char *task_channel,
                                    JsonObject *attributes,
                                    guint timeout_s,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data)
{
  g_autoptr (JsonNode) attributes_node = NULL;
  g_autofree char *attributes_text = NULL;
  g_autofree char *timeout_text = NULL;
  g_autofree char *url = NULL;
  const char *form[16];
  guint n = 0;
  GTask *task;

  g_return_if_fail (FLEX_IS_TWILIO_CLIENT (client));
  g_return_if_fail (workspace_sid != NULL);
  g_return_if_fail (attributes != NULL);

  task = g_task_new (client, cancellable, callback, user_data);
  g_task_set_source_tag (task, flex_task_router_create_task_async);

  attributes_node = json_node_init_object (json_node_alloc (), attributes);
  attributes_text = json_to_string (attributes_node, FALSE);
  form[n++] = "Attributes";
  form[n++] = attributes_text;
  if (workflow_sid != NULL)
    {
      form[n++] = "WorkflowSid";
      form[n++] = workflow_sid;
    }
  if (task_queue_sid != NULL)
    {
      form[n++] = "TaskQueueSid";
      form[n++] = task_queue_sid;
    }
  if (routing_target != NULL)
    {
      form[n++] = "RoutingTarget";
      form[n++] = routing_target;
    }
  if (task_channel != NULL)
    {
      form[n++] = "TaskChannel";
      form[n++] = task_channel;
    }
  if (timeout_s > 0)
    {
      timeout_text = g_strdup_printf ("%u", timeout_s);
      form[n++] = "Timeout";
      form[n++] = timeout_text;
    }
  form[n] = NULL;

  url = flex_twilio_client_build_url (client, FLEX_TWILIO_API_TASKROUTER, "v1", "Workspaces",
                                      workspace_sid, "Tasks", NULL);
  flex_twilio_client_request_async (client, "POST", url, form, NULL, cancellable, on_task_created,
                                    task);
}

/**
 * flex_task_router_create_task_finish:
 *
 * Returns: (transfer full): the new task's SID
 */
char *
flex_task_router_create_task_finish (FlexTwilioClient *client, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, client), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_task_status (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;

  return_task_member (task, object, result, "assignment_status",
                      "TaskRouter answered without the task's assignment_status");
}

/* One task's resource, read (GET) or changed (POST @form): its status. */
static void
request_task (FlexTwilioClient *client,
              const char *method,
              const char *workspace_sid,
              const char *task_sid,
              const char *const *form,
              gpointer source_tag,
              GCancellable *cancellable,
              GAsyncReadyCallback callback,
              gpointer user_data)
{
  g_autofree char *url = NULL;
  GTask *task = g_task_new (client, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  url = flex_twilio_client_build_url (client, FLEX_TWILIO_API_TASKROUTER, "v1", "Workspaces",
                                      workspace_sid, "Tasks", task_sid, NULL);
  flex_twilio_client_request_async (client, method, url, form, NULL, cancellable, on_task_status,
                                    task);
}

/**
 * flex_task_router_fetch_task_async:
 *
 * `GET /v1/Workspaces/{WorkspaceSid}/Tasks/{Sid}`: what became of a task.
 */
void
flex_task_router_fetch_task_async (FlexTwilioClient *client,
                                   const char *workspace_sid,
                                   const char *task_sid,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  g_return_if_fail (FLEX_IS_TWILIO_CLIENT (client));
  g_return_if_fail (workspace_sid != NULL && task_sid != NULL);

  request_task (client, "GET", workspace_sid, task_sid, NULL, flex_task_router_fetch_task_async,
                cancellable, callback, user_data);
}

/**
 * flex_task_router_cancel_task_async:
 * @reason: (nullable): why, kept on the task
 *
 * `POST /v1/Workspaces/{WorkspaceSid}/Tasks/{Sid}` with
 * `AssignmentStatus=canceled`.
 */
void
flex_task_router_cancel_task_async (FlexTwilioClient *client,
                                    const char *workspace_sid,
                                    const char *task_sid,
                                    const char *reason,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data)
{
  const char *form[5] = { "AssignmentStatus", "canceled", NULL, NULL, NULL };

  g_return_if_fail (FLEX_IS_TWILIO_CLIENT (client));
  g_return_if_fail (workspace_sid != NULL && task_sid != NULL);

  if (reason != NULL)
    {
      form[2] = "Reason";
      form[3] = reason;
    }
  request_task (client, "POST", workspace_sid, task_sid, form, flex_task_router_cancel_task_async,
                cancellable, callback, user_data);
}

static void
on_reservation_status (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;

  return_task_member (task, object, result, "reservation_status",
                      "TaskRouter answered without the reservation's status");
}

/**
 * flex_task_router_update_reservation_async:
 * @status: `rejected` (or `accepted`, `completed`)
 *
 * `POST /v1/Workspaces/{WS}/Workers/{WK}/Reservations/{WR}`
 * `ReservationStatus=@status`: what the agent does with an offered task.
 * Finish with flex_task_router_task_status_finish() (the reservation's new
 * status).
 */
void
flex_task_router_update_reservation_async (FlexTwilioClient *client,
                                           const char *workspace_sid,
                                           const char *worker_sid,
                                           const char *reservation_sid,
                                           const char *status,
                                           GCancellable *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer user_data)
{
  const char *form[] = { "ReservationStatus", status, NULL };
  g_autofree char *url = NULL;
  GTask *task;

  g_return_if_fail (FLEX_IS_TWILIO_CLIENT (client));
  g_return_if_fail (workspace_sid != NULL && worker_sid != NULL && reservation_sid != NULL);
  g_return_if_fail (status != NULL);

  task = g_task_new (client, cancellable, callback, user_data);
  g_task_set_source_tag (task, flex_task_router_update_reservation_async);
  url = flex_twilio_client_build_url (client, FLEX_TWILIO_API_TASKROUTER, "v1", "Workspaces",
                                      workspace_sid, "Workers", worker_sid, "Reservations",
                                      reservation_sid, NULL);
  flex_twilio_client_request_async (client, "POST", url, form, NULL, cancellable,
                                    on_reservation_status, task);
}

/**
 * flex_task_router_task_status_finish:
 *
 * Finishes flex_task_router_fetch_task_async() and
 * flex_task_router_cancel_task_async().
 *
 * Returns: (transfer full): the task's `assignment_status`
 */
char *
flex_task_router_task_status_finish (FlexTwilioClient *client, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, client), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_workers_listed (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GPtrArray) workers = NULL;
  JsonNode *list;

  list = listed (object, result, task, "workers",
                 "TaskRouter listed workers without a “workers” array", &node);
  if (list == NULL)
    return;

  workers = g_ptr_array_new_with_free_func ((GDestroyNotify) flex_worker_free);
  for (guint i = 0; i < json_array_get_length (json_node_get_array (list)); i++)
    {
      g_autoptr (GError) worker_error = NULL;
      FlexWorker *worker = flex_worker_new_from_json (
          json_array_get_element (json_node_get_array (list), i), &worker_error);

      if (worker == NULL)
        g_warning ("Skipping a worker TaskRouter listed: %s", worker_error->message);
      else
        g_ptr_array_add (workers, worker);
    }
  g_task_return_pointer (task, g_steal_pointer (&workers), (GDestroyNotify) g_ptr_array_unref);
}

/**
 * flex_task_router_list_workers_async:
 * @friendly_name: (nullable): workers with exactly this friendly name
 * @target_expression: (nullable): workers matching this TaskRouter
 *   expression, e.g. `email == "ada@example.com"`
 *
 * `GET /v1/Workspaces/{WorkspaceSid}/Workers`, first page of 50: enough to
 * find one person. As on Twilio, the listed workers have no attributes:
 * fetch the one you need.
 */
void
flex_task_router_list_workers_async (FlexTwilioClient *client,
                                     const char *workspace_sid,
                                     const char *friendly_name,
                                     const char *target_expression,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data)
{
  g_autoptr (GString) url = NULL;
  g_autofree char *base = NULL;
  GTask *task;

  g_return_if_fail (FLEX_IS_TWILIO_CLIENT (client));
  g_return_if_fail (workspace_sid != NULL);

  task = g_task_new (client, cancellable, callback, user_data);
  g_task_set_source_tag (task, flex_task_router_list_workers_async);
  base = flex_twilio_client_build_url (client, FLEX_TWILIO_API_TASKROUTER, "v1", "Workspaces",
                                       workspace_sid, "Workers", NULL);
  url = g_string_new (base);
  g_string_append (url, "?PageSize=50");
  if (friendly_name != NULL)
    {
      g_autofree char *escaped = g_uri_escape_string (friendly_name, NULL, FALSE);

      g_string_append_printf (url, "&FriendlyName=%s", escaped);
    }
  if (target_expression != NULL)
    {
      g_autofree char *escaped = g_uri_escape_string (target_expression, NULL, FALSE);

      g_string_append_printf (url, "&TargetWorkersExpression=%s", escaped);
    }
  flex_twilio_client_request_async (client, "GET", url->str, NULL, NULL, cancellable,
                                    on_workers_listed, task);
}

/**
 * flex_task_router_list_workers_finish:
 *
 * Returns: (transfer container) (element-type FlexWorker): the workers
 */
GPtrArray *
flex_task_router_list_workers_finish (FlexTwilioClient *client,
                                      GAsyncResult *result,
                                      GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, client), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
