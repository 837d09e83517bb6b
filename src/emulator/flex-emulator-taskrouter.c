/* flex-emulator-taskrouter.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flex-emulator"

#include "config.h"

#include <string.h>

#include "flex-emulator-private.h"

/*
 * The TaskRouter subset of the emulator: one workspace with an "Offline" and
 * an "Available" activity, its workers (twilio_taskrouter_v1.json,
 * taskrouter.v1.workspace.worker), one outbound workflow and task queue, and
 * the tasks created in it (taskrouter.v1.workspace.task), which are recorded
 * and never assigned. As on Twilio, listing workers gives attributes as null:
 * fetch the single worker for them.
 */

#define MAX_TASK_TIMEOUT_S 1209600
#define TASK_QUEUE_NAME    "Outbound Calls"
#define WORKFLOW_NAME      "Outbound Calls"

typedef struct
{
  char *sid;
  char *friendly_name;
  char *attributes;
  gboolean online;
  const char *away_activity_sid; /* not online and not Offline: Break, Lunch (one of ours) */
  gint64 created_us;
  gint64 updated_us;
  gint64 status_changed_us;
} Worker;

struct _FlexEmulatorTaskRouter
{
  char *workspace_sid;
  char *offline_activity_sid;
  char *available_activity_sid;
  char *break_activity_sid;
  char *lunch_activity_sid;
  char *workflow_sid;
  char *task_queue_sid;
  char *voice_channel_sid;
  GPtrArray *workers;
  GPtrArray *tasks;       /* JsonNode, as served */
  GHashTable *task_times; /* task SID → gint64[2]: created, timeout (µs) */
  guint answer_after_s;   /* a pending task a worker is available for is reserved after this */
};

static void
worker_free (Worker *worker)
{
  g_free (worker->sid);
  g_free (worker->friendly_name);
  g_free (worker->attributes);
  g_free (worker);
}

FlexEmulatorTaskRouter *
_flex_emulator_taskrouter_new (FlexEmulator *self)
{
  FlexEmulatorTaskRouter *taskrouter = g_new0 (FlexEmulatorTaskRouter, 1);

  taskrouter->workspace_sid = _flex_emulator_new_sid ("WS");
  taskrouter->offline_activity_sid = _flex_emulator_new_sid ("WA");
  taskrouter->available_activity_sid = _flex_emulator_new_sid ("WA");
  taskrouter->break_activity_sid = _flex_emulator_new_sid ("WA");
  taskrouter->lunch_activity_sid = _flex_emulator_new_sid ("WA");
  taskrouter->workflow_sid = _flex_emulator_new_sid ("WW");
  taskrouter->task_queue_sid = _flex_emulator_new_sid ("WQ");
  taskrouter->voice_channel_sid = _flex_emulator_new_sid ("TC");
  taskrouter->workers = g_ptr_array_new_with_free_func ((GDestroyNotify) worker_free);
  taskrouter->tasks = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  taskrouter->task_times = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return taskrouter;
}

void
_flex_emulator_taskrouter_free (FlexEmulatorTaskRouter *taskrouter)
{
  if (taskrouter == NULL)
    return;
  g_free (taskrouter->workspace_sid);
  g_free (taskrouter->offline_activity_sid);
  g_free (taskrouter->available_activity_sid);
  g_free (taskrouter->break_activity_sid);
  g_free (taskrouter->lunch_activity_sid);
  g_free (taskrouter->workflow_sid);
  g_free (taskrouter->task_queue_sid);
  g_free (taskrouter->voice_channel_sid);
  g_ptr_array_unref (taskrouter->workers);
  g_ptr_array_unref (taskrouter->tasks);
  g_hash_table_unref (taskrouter->task_times);
  g_free (taskrouter);
}

static Worker *
find_worker (FlexEmulatorTaskRouter *taskrouter, const char *sid)
{
  for (guint i = 0; i < taskrouter->workers->len; i++)
    {
      Worker *worker = g_ptr_array_index (taskrouter->workers, i);

      if (g_strcmp0 (worker->sid, sid) == 0)
        return worker;
    }
  return NULL;
}

/* The workspace's activities, as Flex's default workspace has them. */
typedef struct
{
  const char *sid;
  const char *name;
  gboolean available;
} Activity;

static guint
list_activities (FlexEmulatorTaskRouter *taskrouter, Activity activities[4])
{
  activities[0] = (Activity){ taskrouter->offline_activity_sid, "Offline", FALSE };
  activities[1] = (Activity){ taskrouter->available_activity_sid, "Available", TRUE };
  activities[2] = (Activity){ taskrouter->break_activity_sid, "Break", FALSE };
  activities[3] = (Activity){ taskrouter->lunch_activity_sid, "Lunch", FALSE };
  return 4;
}

static Activity
activity_of (FlexEmulatorTaskRouter *taskrouter, Worker *worker)
{
  Activity activities[4];
  const char *sid = worker->online                      ? taskrouter->available_activity_sid
                    : worker->away_activity_sid != NULL ? worker->away_activity_sid
                                                        : taskrouter->offline_activity_sid;
  guint n = list_activities (taskrouter, activities);

  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (activities[i].sid, sid) == 0)
      return activities[i];
  return activities[0];
}

static JsonNode *
worker_to_json (FlexEmulator *self, Worker *worker, gboolean with_attributes)
{
  FlexEmulatorTaskRouter *taskrouter = self->taskrouter;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autofree char *url =
      g_strdup_printf ("%s/v1/Workspaces/%s/Workers/%s", flex_emulator_get_base_url (self),
                       taskrouter->workspace_sid, worker->sid);
  g_autofree char *channels = g_strconcat (url, "/Channels", NULL);
  g_autofree char *statistics = g_strconcat (url, "/Statistics", NULL);
  g_autofree char *reservations = g_strconcat (url, "/Reservations", NULL);
  g_autofree char *workspace = g_strdup_printf (
      "%s/v1/Workspaces/%s", flex_emulator_get_base_url (self), taskrouter->workspace_sid);
  Activity current = activity_of (taskrouter, worker);
  g_autofree char *activity = g_strdup_printf ("%s/Activities/%s", workspace, current.sid);
  g_autofree char *created = _flex_emulator_format_date (worker->created_us);
  g_autofree char *updated = _flex_emulator_format_date (worker->updated_us);
  g_autofree char *changed = _flex_emulator_format_date (worker->status_changed_us);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "account_sid");
  json_builder_add_string_value (builder, flex_emulator_get_account_sid (self));
  json_builder_set_member_name (builder, "activity_name");
  json_builder_add_string_value (builder, current.name);
  json_builder_set_member_name (builder, "activity_sid");
  json_builder_add_string_value (builder, current.sid);
  json_builder_set_member_name (builder, "attributes");
  if (with_attributes)
    json_builder_add_string_value (builder, worker->attributes);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "available");
  json_builder_add_boolean_value (builder, worker->online);
  json_builder_set_member_name (builder, "date_created");
  json_builder_add_string_value (builder, created);
  json_builder_set_member_name (builder, "date_status_changed");
  json_builder_add_string_value (builder, changed);
  json_builder_set_member_name (builder, "date_updated");
  json_builder_add_string_value (builder, updated);
  json_builder_set_member_name (builder, "friendly_name");
  json_builder_add_string_value (builder, worker->friendly_name);
  json_builder_set_member_name (builder, "sid");
  json_builder_add_string_value (builder, worker->sid);
  json_builder_set_member_name (builder, "workspace_sid");
  json_builder_add_string_value (builder, taskrouter->workspace_sid);
  json_builder_set_member_name (builder, "url");
  json_builder_add_string_value (builder, url);
  json_builder_set_member_name (builder, "links");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "activity");
  json_builder_add_string_value (builder, activity);
  json_builder_set_member_name (builder, "channels");
  json_builder_add_string_value (builder, channels);
  json_builder_set_member_name (builder, "reservations");
  json_builder_add_string_value (builder, reservations);
  json_builder_set_member_name (builder, "worker_statistics");
  json_builder_add_string_value (builder, statistics);
  json_builder_set_member_name (builder, "workspace");
  json_builder_add_string_value (builder, workspace);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static gboolean
check_workspace (FlexEmulatorContext *context)
{
  const char *sid = g_hash_table_lookup (context->params, "WorkspaceSid");

  if (g_strcmp0 (sid, context->emulator->taskrouter->workspace_sid) == 0)
    return TRUE;
  _flex_emulator_error (context, 404, 20404, "The requested resource /Workspaces/%s was not found",
                        sid);
  return FALSE;
}

static void
handle_fetch_worker (FlexEmulatorContext *context)
{
  Worker *worker;

  if (!check_workspace (context))
    return;

  worker =
      find_worker (context->emulator->taskrouter, g_hash_table_lookup (context->params, "Sid"));
  if (worker == NULL)
    {
      _flex_emulator_error (context, 404, 20404, "The requested resource /Workers/%s was not found",
                            (char *) g_hash_table_lookup (context->params, "Sid"));
      return;
    }
  _flex_emulator_reply (context, 200, worker_to_json (context->emulator, worker, TRUE), NULL);
}

/* The one TargetWorkersExpression form we serve: ATTRIBUTE == "VALUE" (or
 * 'VALUE'), matched against the worker's attributes. Returns FALSE for an
 * expression it cannot parse. */
static gboolean
parse_expression (const char *expression, char **attribute, char **value)
{
  g_autoptr (GRegex) regex = g_regex_new (
      "^\\s*([A-Za-z_][A-Za-z0-9_.]*)\\s*==\\s*(?:\"([^\"]*)\"|'([^']*)')\\s*$", 0, 0, NULL);
  g_autoptr (GMatchInfo) match = NULL;

  if (!g_regex_match (regex, expression, 0, &match))
    return FALSE;
  *attribute = g_match_info_fetch (match, 1);
  *value = g_match_info_fetch (match, 2);
  if (*value == NULL || **value == '\0')
    {
      g_free (*value);
      *value = g_match_info_fetch (match, 3);
    }
  return TRUE;
}

static gboolean
worker_matches (Worker *worker, const char *attribute, const char *value)
{
  g_autoptr (JsonNode) parsed = json_from_string (worker->attributes, NULL);
  JsonNode *member;

  if (parsed == NULL || !JSON_NODE_HOLDS_OBJECT (parsed))
    return FALSE;
  member = json_object_get_member (json_node_get_object (parsed), attribute);
  return member != NULL && JSON_NODE_HOLDS_VALUE (member) &&
         json_node_get_value_type (member) == G_TYPE_STRING &&
         g_strcmp0 (json_node_get_string (member), value) == 0;
}

/* The "meta" of a list that fits one page (TaskRouter's paging shape). */
static void
add_single_page_meta (JsonBuilder *builder, const char *key, const char *url, gint64 page_size)
{
  json_builder_set_member_name (builder, "meta");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "first_page_url");
  json_builder_add_string_value (builder, url);
  json_builder_set_member_name (builder, "key");
  json_builder_add_string_value (builder, key);
  json_builder_set_member_name (builder, "next_page_url");
  json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "page");
  json_builder_add_int_value (builder, 0);
  json_builder_set_member_name (builder, "page_size");
  json_builder_add_int_value (builder, page_size);
  json_builder_set_member_name (builder, "previous_page_url");
  json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "url");
  json_builder_add_string_value (builder, url);
  json_builder_end_object (builder);
}

static void
handle_list_workers (FlexEmulatorContext *context)
{
  FlexEmulator *self = context->emulator;
  FlexEmulatorTaskRouter *taskrouter = self->taskrouter;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autofree char *list_url = NULL;
  g_autofree char *url = NULL;
  const char *friendly_name = NULL;
  const char *expression = NULL;
  g_autofree char *attribute = NULL;
  g_autofree char *value = NULL;
  guint64 page_size = 50;

  if (!check_workspace (context))
    return;

  if (context->query != NULL)
    {
      const char *size = g_hash_table_lookup (context->query, "PageSize");

      friendly_name = g_hash_table_lookup (context->query, "FriendlyName");
      expression = g_hash_table_lookup (context->query, "TargetWorkersExpression");
      if (expression != NULL && !parse_expression (expression, &attribute, &value))
        {
          _flex_emulator_error (context, 400, 20001, "Invalid TargetWorkersExpression %s",
                                expression);
          return;
        }
      if (size != NULL && !g_ascii_string_to_unsigned (size, 10, 1, 1000, &page_size, NULL))
        {
          _flex_emulator_error (context, 400, 20001, "PageSize must be between 1 and 1000");
          return;
        }
    }

  list_url = g_strdup_printf ("%s/v1/Workspaces/%s/Workers", flex_emulator_get_base_url (self),
                              taskrouter->workspace_sid);
  url = g_strdup_printf ("%s?PageSize=%" G_GUINT64_FORMAT "&Page=0", list_url, page_size);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "workers");
  json_builder_begin_array (builder);
  for (guint i = 0; i < taskrouter->workers->len; i++)
    {
      Worker *worker = g_ptr_array_index (taskrouter->workers, i);

      /* Twilio matches FriendlyName exactly. */
      if (friendly_name != NULL && g_strcmp0 (friendly_name, worker->friendly_name) != 0)
        continue;
      if (attribute != NULL && !worker_matches (worker, attribute, value))
        continue;
      json_builder_add_value (builder, worker_to_json (self, worker, FALSE));
    }
  json_builder_end_array (builder);
  add_single_page_meta (builder, "workers", url, (gint64) page_size);
  json_builder_end_object (builder);

  _flex_emulator_reply (context, 200, json_builder_get_root (builder), NULL);
}

/* GET /v1/Workspaces/{WorkspaceSid}/Activities */
static void
handle_list_activities (FlexEmulatorContext *context)
{
  FlexEmulator *self = context->emulator;
  FlexEmulatorTaskRouter *taskrouter = self->taskrouter;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autofree char *workspace = NULL;
  g_autofree char *url = NULL;
  g_autofree char *now = _flex_emulator_format_date (flex_emulator_now_us (self));
  Activity activities[4];
  guint n;

  if (!check_workspace (context))
    return;
  workspace = g_strdup_printf ("%s/v1/Workspaces/%s", flex_emulator_get_base_url (self),
                               taskrouter->workspace_sid);
  url = g_strdup_printf ("%s/Activities?PageSize=50&Page=0", workspace);
  n = list_activities (taskrouter, activities);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "activities");
  json_builder_begin_array (builder);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *activity_url =
          g_strdup_printf ("%s/Activities/%s", workspace, activities[i].sid);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "account_sid");
      json_builder_add_string_value (builder, flex_emulator_get_account_sid (self));
      json_builder_set_member_name (builder, "available");
      json_builder_add_boolean_value (builder, activities[i].available);
      json_builder_set_member_name (builder, "date_created");
      json_builder_add_string_value (builder, now);
      json_builder_set_member_name (builder, "date_updated");
      json_builder_add_string_value (builder, now);
      json_builder_set_member_name (builder, "friendly_name");
      json_builder_add_string_value (builder, activities[i].name);
      json_builder_set_member_name (builder, "sid");
      json_builder_add_string_value (builder, activities[i].sid);
      json_builder_set_member_name (builder, "workspace_sid");
      json_builder_add_string_value (builder, taskrouter->workspace_sid);
      json_builder_set_member_name (builder, "url");
      json_builder_add_string_value (builder, activity_url);
      json_builder_set_member_name (builder, "links");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "workspace");
      json_builder_add_string_value (builder, workspace);
      json_builder_end_object (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  add_single_page_meta (builder, "activities", url, 50);
  json_builder_end_object (builder);
  _flex_emulator_reply (context, 200, json_builder_get_root (builder), NULL);
}

/* Moves @worker to @activity: its events on EventBridge too. */
static void
set_activity (FlexEmulator *self, Worker *worker, const Activity *activity)
{
  FlexEmulatorTaskRouter *taskrouter = self->taskrouter;

  worker->online = activity->available;
  worker->away_activity_sid =
      !activity->available && g_strcmp0 (activity->sid, taskrouter->offline_activity_sid) != 0
          ? activity->sid
          : NULL;
  worker->status_changed_us = worker->updated_us = flex_emulator_now_us (self);
  _flex_emulator_eventbridge_worker_changed (self, worker->sid, activity->sid, activity->name,
                                             activity->available);
  _flex_emulator_state_changed (self);
}

/* POST /v1/Workspaces/{WorkspaceSid}/Workers/{Sid}: ActivitySid. An
 * unavailable activity is refused while a reservation waits for the worker
 * (accept or reject it first). */
static void
handle_update_worker (FlexEmulatorContext *context)
{
  FlexEmulator *self = context->emulator;
  FlexEmulatorTaskRouter *taskrouter = self->taskrouter;
  const char *sid = g_hash_table_lookup (context->params, "Sid");
  const char *activity_sid = g_hash_table_lookup (context->form, "ActivitySid");
  Worker *worker;
  Activity activities[4];
  const Activity *activity = NULL;
  guint n;

  if (!check_workspace (context))
    return;
  worker = find_worker (taskrouter, sid);
  if (worker == NULL)
    {
      _flex_emulator_error (context, 404, 20404, "The requested resource /Workers/%s was not found",
                            sid);
      return;
    }
  n = list_activities (taskrouter, activities);
  for (guint i = 0; activity_sid != NULL && i < n; i++)
    if (g_str_equal (activities[i].sid, activity_sid))
      activity = &activities[i];
  if (activity_sid != NULL && activity == NULL)
    {
      _flex_emulator_error (context, 400, 20001, "Invalid ActivitySid %s", activity_sid);
      return;
    }
  if (activity != NULL && !activity->available &&
      _flex_emulator_eventbridge_has_pending (self, worker->sid))
    {
      _flex_emulator_error (context, 400, 20001,
                            "Worker %s has a pending reservation: accept or reject it before "
                            "going %s",
                            worker->sid, activity->name);
      return;
    }
  if (activity != NULL)
    set_activity (self, worker, activity);
  _flex_emulator_reply (context, 200, worker_to_json (self, worker, TRUE), NULL);
}

/* Tasks */

static JsonNode *
task_to_json (FlexEmulator *self,
              const char *sid,
              const char *attributes,
              const char *routing_target,
              gint64 timeout,
              gint64 priority)
{
  FlexEmulatorTaskRouter *taskrouter = self->taskrouter;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autofree char *workspace = g_strdup_printf (
      "%s/v1/Workspaces/%s", flex_emulator_get_base_url (self), taskrouter->workspace_sid);
  g_autofree char *url = g_strdup_printf ("%s/Tasks/%s", workspace, sid);
  g_autofree char *reservations = g_strconcat (url, "/Reservations", NULL);
  g_autofree char *task_queue =
      g_strdup_printf ("%s/TaskQueues/%s", workspace, taskrouter->task_queue_sid);
  g_autofree char *workflow =
      g_strdup_printf ("%s/Workflows/%s", workspace, taskrouter->workflow_sid);
  g_autofree char *now = _flex_emulator_format_date (flex_emulator_now_us (self));
  struct
  {
    const char *name;
    const char *value;
  } strings[] = {
    { "account_sid", flex_emulator_get_account_sid (self) },
    { "assignment_status", "pending" },
    { "attributes", attributes },
    { "addons", "{}" },
    { "date_created", now },
    { "date_updated", now },
    { "task_queue_entered_date", now },
    { "reason", NULL },
    { "sid", sid },
    { "task_queue_sid", taskrouter->task_queue_sid },
    { "task_queue_friendly_name", TASK_QUEUE_NAME },
    { "task_channel_sid", taskrouter->voice_channel_sid },
    { "task_channel_unique_name", "voice" },
    { "workflow_sid", taskrouter->workflow_sid },
    { "workflow_friendly_name", WORKFLOW_NAME },
    { "workspace_sid", taskrouter->workspace_sid },
    { "url", url },
    { "virtual_start_time", now },
    { "routing_target", routing_target },
  };

  json_builder_begin_object (builder);
  for (guint i = 0; i < G_N_ELEMENTS (strings); i++)
    {
      json_builder_set_member_name (builder, strings[i].name);
      if (strings[i].value != NULL)
        json_builder_add_string_value (builder, strings[i].value);
      else
        json_builder_add_null_value (builder);
    }
  json_builder_set_member_name (builder, "age");
  json_builder_add_int_value (builder, 0);
  json_builder_set_member_name (builder, "priority");
  json_builder_add_int_value (builder, priority);
  json_builder_set_member_name (builder, "timeout");
  json_builder_add_int_value (builder, timeout);
  json_builder_set_member_name (builder, "ignore_capacity");
  json_builder_add_boolean_value (builder, routing_target != NULL);
  json_builder_set_member_name (builder, "links");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "reservations");
  json_builder_add_string_value (builder, reservations);
  json_builder_set_member_name (builder, "task_queue");
  json_builder_add_string_value (builder, task_queue);
  json_builder_set_member_name (builder, "workflow");
  json_builder_add_string_value (builder, workflow);
  json_builder_set_member_name (builder, "workspace");
  json_builder_add_string_value (builder, workspace);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* POST /v1/Workspaces/{WorkspaceSid}/Tasks: checks the fields as TaskRouter
 * does (error 20001, "Invalid parameter", for a bad one) and records the task. */
static void
handle_create_task (FlexEmulatorContext *context)
{
  FlexEmulator *self = context->emulator;
  FlexEmulatorTaskRouter *taskrouter = self->taskrouter;
  const char *attributes = g_hash_table_lookup (context->form, "Attributes");
  const char *workflow = g_hash_table_lookup (context->form, "WorkflowSid");
  const char *queue = g_hash_table_lookup (context->form, "TaskQueueSid");
  const char *target = g_hash_table_lookup (context->form, "RoutingTarget");
  const char *channel = g_hash_table_lookup (context->form, "TaskChannel");
  const char *timeout_text = g_hash_table_lookup (context->form, "Timeout");
  const char *priority_text = g_hash_table_lookup (context->form, "Priority");
  g_autoptr (JsonNode) parsed = NULL;
  guint64 timeout = 86400;
  guint64 priority = 0;
  JsonNode *task;

  if (!check_workspace (context))
    return;

  if (attributes != NULL &&
      ((parsed = json_from_string (attributes, NULL)) == NULL || !JSON_NODE_HOLDS_OBJECT (parsed)))
    {
      _flex_emulator_error (context, 400, 20001, "Attributes must be a JSON object");
      return;
    }
  if (workflow != NULL && (!_flex_emulator_is_sid (workflow, "WW") ||
                           g_strcmp0 (workflow, taskrouter->workflow_sid) != 0))
    {
      _flex_emulator_error (context, 400, 20001, "Invalid WorkflowSid %s", workflow);
      return;
    }
  if (workflow == NULL && target == NULL)
    {
      _flex_emulator_error (context, 400, 20001,
                            "A WorkflowSid or a RoutingTarget is required to route the Task");
      return;
    }
  if (queue != NULL &&
      (!_flex_emulator_is_sid (queue, "WQ") || g_strcmp0 (queue, taskrouter->task_queue_sid) != 0))
    {
      _flex_emulator_error (context, 400, 20001, "Invalid TaskQueueSid %s", queue);
      return;
    }
  if (target != NULL && find_worker (taskrouter, target) == NULL)
    {
      _flex_emulator_error (context, 400, 20001, "Invalid RoutingTarget %s", target);
      return;
    }
  if (channel != NULL && g_strcmp0 (channel, "voice") != 0 && g_strcmp0 (channel, "default") != 0 &&
      g_strcmp0 (channel, taskrouter->voice_channel_sid) != 0)
    {
      _flex_emulator_error (context, 400, 20001, "Invalid TaskChannel %s", channel);
      return;
    }
  if (timeout_text != NULL &&
      !g_ascii_string_to_unsigned (timeout_text, 10, 1, MAX_TASK_TIMEOUT_S, &timeout, NULL))
    {
      _flex_emulator_error (context, 400, 20001, "Timeout must be between 1 and %d seconds",
                            MAX_TASK_TIMEOUT_S);
      return;
    }
  if (priority_text != NULL &&
      !g_ascii_string_to_unsigned (priority_text, 10, 0, G_MAXINT32, &priority, NULL))
    {
      _flex_emulator_error (context, 400, 20001, "Priority must be between 0 and 2147483647");
      return;
    }

  task = _flex_emulator_taskrouter_create_task (self, attributes, target, (gint64) timeout,
                                                (gint64) priority);
  _flex_emulator_reply (context, 201, task, NULL);
}

/* A new task: one with a routing target waits for that worker (an outbound
 * call its Flex UI takes); one routed by the workflow is offered to an
 * available worker at once (a reservation, EventBridge events). */
JsonNode *
_flex_emulator_taskrouter_create_task (FlexEmulator *self,
                                       const char *attributes,
                                       const char *target,
                                       gint64 timeout_s,
                                       gint64 priority)
{
  FlexEmulatorTaskRouter *taskrouter = self->taskrouter;
  g_autofree char *sid = _flex_emulator_new_sid ("WT");
  JsonNode *task =
      task_to_json (self, sid, attributes != NULL ? attributes : "{}", target, timeout_s, priority);

  g_ptr_array_add (taskrouter->tasks, json_node_ref (task));
  {
    gint64 *times = g_new (gint64, 2);

    times[0] = flex_emulator_now_us (self);
    times[1] = timeout_s * G_USEC_PER_SEC;
    g_hash_table_insert (taskrouter->task_times, g_strdup (sid), times);
  }
  _flex_emulator_state_changed (self);
  if (target == NULL)
    _flex_emulator_eventbridge_route (self, task);
  return task;
}

static JsonNode *
find_task (FlexEmulatorTaskRouter *taskrouter, const char *sid)
{
  for (guint i = 0; sid != NULL && i < taskrouter->tasks->len; i++)
    {
      JsonNode *task = g_ptr_array_index (taskrouter->tasks, i);

      if (g_strcmp0 (json_object_get_string_member (json_node_get_object (task), "sid"), sid) == 0)
        return task;
    }
  return NULL;
}

static void
set_task_status (FlexEmulator *self, JsonNode *task, const char *status, const char *reason)
{
  JsonObject *object = json_node_get_object (task);
  g_autofree char *now = _flex_emulator_format_date (flex_emulator_now_us (self));

  json_object_set_string_member (object, "assignment_status", status);
  if (reason != NULL)
    json_object_set_string_member (object, "reason", reason);
  json_object_set_string_member (object, "date_updated", now);
  /* Its reservations follow (a task canceled while it rings). */
  _flex_emulator_eventbridge_task_changed (self, json_object_get_string_member (object, "sid"),
                                           status);
  _flex_emulator_state_changed (self);
}

JsonNode *
_flex_emulator_taskrouter_find_task (FlexEmulator *self, const char *task_sid)
{
  return find_task (self->taskrouter, task_sid);
}

void
_flex_emulator_taskrouter_set_task_status (FlexEmulator *self,
                                           JsonNode *task,
                                           const char *status,
                                           const char *reason)
{
  set_task_status (self, task, status, reason);
}

/* The first available worker but @except, for a task to be routed to;
 * %NULL when nobody is. */
const char *
_flex_emulator_taskrouter_available_worker (FlexEmulator *self, const char *except)
{
  for (guint i = 0; i < self->taskrouter->workers->len; i++)
    {
      Worker *worker = g_ptr_array_index (self->taskrouter->workers, i);

      if (worker->online && g_strcmp0 (worker->sid, except) != 0)
        return worker->sid;
    }
  return NULL;
}

gboolean
_flex_emulator_taskrouter_has_worker (FlexEmulator *self, const char *worker_sid)
{
  return find_worker (self->taskrouter, worker_sid) != NULL;
}

/* Returns: (transfer container): the workers' SIDs (borrowed strings) */
GPtrArray *
_flex_emulator_taskrouter_worker_sids (FlexEmulator *self)
{
  GPtrArray *sids = g_ptr_array_new ();

  for (guint i = 0; i < self->taskrouter->workers->len; i++)
    g_ptr_array_add (sids, ((Worker *) g_ptr_array_index (self->taskrouter->workers, i))->sid);
  return sids;
}

const char *
_flex_emulator_taskrouter_worker_name (FlexEmulator *self, const char *worker_sid)
{
  Worker *worker = find_worker (self->taskrouter, worker_sid);

  return worker != NULL ? worker->friendly_name : NULL;
}

/* What time did to a task since it was made: a pending task its routing
 * target is available for is reserved after answer_after_s (a Flex UI that
 * takes it); one nobody took in its timeout is canceled, as TaskRouter does
 * ("Task TTL Exceeded"). */
static void
age_task (FlexEmulator *self, JsonNode *task)
{
  FlexEmulatorTaskRouter *taskrouter = self->taskrouter;
  JsonObject *object = json_node_get_object (task);
  const char *status = json_object_get_string_member (object, "assignment_status");
  gint64 *times =
      g_hash_table_lookup (taskrouter->task_times, json_object_get_string_member (object, "sid"));
  gint64 age_us;
  Worker *target;

  if (times == NULL || g_strcmp0 (status, "pending") != 0)
    return;
  age_us = flex_emulator_now_us (self) - times[0];
  target = find_worker (
      taskrouter, json_object_get_string_member_with_default (object, "routing_target", NULL));
  if (taskrouter->answer_after_s > 0 && target != NULL && target->online &&
      age_us >= (gint64) taskrouter->answer_after_s * G_USEC_PER_SEC && age_us < times[1])
    set_task_status (self, task, "reserved", NULL);
  else if (age_us >= times[1])
    set_task_status (self, task, "canceled", "Task TTL Exceeded");
}

/* GET /v1/Workspaces/{WorkspaceSid}/Tasks/{Sid} */
static void
handle_fetch_task (FlexEmulatorContext *context)
{
  const char *sid = g_hash_table_lookup (context->params, "Sid");
  JsonNode *task;

  if (!check_workspace (context))
    return;
  task = find_task (context->emulator->taskrouter, sid);
  if (task == NULL)
    {
      _flex_emulator_error (context, 404, 20404, "The requested resource /Tasks/%s was not found",
                            sid);
      return;
    }
  age_task (context->emulator, task);
  _flex_emulator_reply (context, 200, json_node_copy (task), NULL);
}

/* POST /v1/Workspaces/{WorkspaceSid}/Tasks/{Sid}: AssignmentStatus and
 * Reason (canceling a pending task; completing or wrapping an assigned one). */
static void
handle_update_task (FlexEmulatorContext *context)
{
  FlexEmulator *self = context->emulator;
  const char *sid = g_hash_table_lookup (context->params, "Sid");
  const char *status = g_hash_table_lookup (context->form, "AssignmentStatus");
  const char *reason = g_hash_table_lookup (context->form, "Reason");
  JsonNode *task;
  const char *current;

  if (!check_workspace (context))
    return;
  task = find_task (self->taskrouter, sid);
  if (task == NULL)
    {
      _flex_emulator_error (context, 404, 20404, "The requested resource /Tasks/%s was not found",
                            sid);
      return;
    }
  age_task (self, task);
  current = json_object_get_string_member (json_node_get_object (task), "assignment_status");
  if (status != NULL)
    {
      gboolean allowed =
          (g_str_equal (status, "canceled") &&
           (g_str_equal (current, "pending") || g_str_equal (current, "reserved"))) ||
          (g_str_equal (status, "wrapping") && g_str_equal (current, "assigned")) ||
          (g_str_equal (status, "completed") &&
           (g_str_equal (current, "assigned") || g_str_equal (current, "wrapping")));

      if (!allowed)
        {
          /* TaskRouter's answer to a transition it does not allow. */
          _flex_emulator_error (context, 400, 20001,
                                "Cannot change the assignment status from %s to %s", current,
                                status);
          return;
        }
      set_task_status (self, task, status, reason);
    }
  _flex_emulator_reply (context, 200, json_node_copy (task), NULL);
}

/**
 * flex_emulator_set_task_status:
 * @status: `reserved`, `assigned`, `canceled`, `completed` or `wrapping`
 *
 * What a Flex UI (or TaskRouter) did with a task, for tests.
 */
gboolean
flex_emulator_set_task_status (FlexEmulator *self, const char *task_sid, const char *status)
{
  JsonNode *task;

  g_return_val_if_fail (FLEX_IS_EMULATOR (self), FALSE);

  task = find_task (self->taskrouter, task_sid);
  if (task == NULL)
    return FALSE;
  set_task_status (self, task, status, NULL);
  return TRUE;
}

/**
 * flex_emulator_set_answer_after:
 * @seconds: 0: tasks stay pending until their timeout
 *
 * Makes a pending task whose routing target is available "reserved" after
 * @seconds, as an open Flex UI would take it (`--answer-after`, the sandbox).
 */
void
flex_emulator_set_answer_after (FlexEmulator *self, guint seconds)
{
  g_return_if_fail (FLEX_IS_EMULATOR (self));
  self->taskrouter->answer_after_s = seconds;
}

void
_flex_emulator_taskrouter_add_routes (FlexEmulator *self)
{
  _flex_emulator_add_route (self, "GET", "/v1/Workspaces/{WorkspaceSid}/Workers", "ListWorker",
                            handle_list_workers);
  _flex_emulator_add_route (self, "GET", "/v1/Workspaces/{WorkspaceSid}/Workers/{Sid}",
                            "FetchWorker", handle_fetch_worker);
  _flex_emulator_add_route (self, "POST", "/v1/Workspaces/{WorkspaceSid}/Workers/{Sid}",
                            "UpdateWorker", handle_update_worker);
  _flex_emulator_add_route (self, "GET", "/v1/Workspaces/{WorkspaceSid}/Activities", "ListActivity",
                            handle_list_activities);
  _flex_emulator_add_route (self, "POST", "/v1/Workspaces/{WorkspaceSid}/Tasks", "CreateTask",
                            handle_create_task);
  _flex_emulator_add_route (self, "GET", "/v1/Workspaces/{WorkspaceSid}/Tasks/{Sid}", "FetchTask",
                            handle_fetch_task);
  _flex_emulator_add_route (self, "POST", "/v1/Workspaces/{WorkspaceSid}/Tasks/{Sid}", "UpdateTask",
                            handle_update_task);
}

const char *
flex_emulator_get_workspace_sid (FlexEmulator *self)
{
  g_return_val_if_fail (FLEX_IS_EMULATOR (self), NULL);
  return self->taskrouter->workspace_sid;
}

const char *
flex_emulator_get_offline_activity_sid (FlexEmulator *self)
{
  g_return_val_if_fail (FLEX_IS_EMULATOR (self), NULL);
  return self->taskrouter->offline_activity_sid;
}

/**
 * flex_emulator_add_worker:
 * @attributes: the worker's attributes, a JSON object as text
 *
 * Returns: (transfer full): the new worker's SID
 */
char *
flex_emulator_add_worker (FlexEmulator *self,
                          const char *friendly_name,
                          const char *attributes,
                          gboolean online)
{
  Worker *worker;

  g_return_val_if_fail (FLEX_IS_EMULATOR (self), NULL);

  worker = g_new0 (Worker, 1);
  worker->sid = _flex_emulator_new_sid ("WK");
  worker->friendly_name = g_strdup (friendly_name);
  worker->attributes = g_strdup (attributes != NULL ? attributes : "{}");
  worker->online = online;
  worker->created_us = worker->updated_us = worker->status_changed_us = flex_emulator_now_us (self);
  g_ptr_array_add (self->taskrouter->workers, worker);
  _flex_emulator_state_changed (self);

  return g_strdup (worker->sid);
}

/* Whether a worker is in the Available activity (%FALSE: Offline, Break,
 * Lunch, or no such worker). */
gboolean
flex_emulator_get_worker_online (FlexEmulator *self, const char *worker_sid)
{
  Worker *worker;

  g_return_val_if_fail (FLEX_IS_EMULATOR (self), FALSE);
  worker = find_worker (self->taskrouter, worker_sid);
  return worker != NULL && worker->online;
}

/* Switches a worker between the Available and the Offline activity. */
gboolean
flex_emulator_set_worker_online (FlexEmulator *self, const char *worker_sid, gboolean online)
{
  Worker *worker;

  g_return_val_if_fail (FLEX_IS_EMULATOR (self), FALSE);

  worker = find_worker (self->taskrouter, worker_sid);
  if (worker == NULL)
    return FALSE;
  if (worker->online != !!online || (!online && worker->away_activity_sid != NULL))
    {
      Activity activities[4];

      list_activities (self->taskrouter, activities);
      set_activity (self, worker, online ? &activities[1] : &activities[0]);
    }
  return TRUE;
}

/* The outbound workflow and task queue of the workspace, for the Flex
 * Configuration's outbound_call_flows. */
const char *
flex_emulator_get_workflow_sid (FlexEmulator *self)
{
  g_return_val_if_fail (FLEX_IS_EMULATOR (self), NULL);
  return self->taskrouter->workflow_sid;
}

const char *
flex_emulator_get_task_queue_sid (FlexEmulator *self)
{
  g_return_val_if_fail (FLEX_IS_EMULATOR (self), NULL);
  return self->taskrouter->task_queue_sid;
}

/**
 * flex_emulator_get_tasks:
 *
 * Returns: (transfer full): the tasks created so far, oldest first, as a JSON
 *   array of the task resources the emulator answered with
 */
JsonNode *
flex_emulator_get_tasks (FlexEmulator *self)
{
  JsonArray *array;
  JsonNode *node;

  g_return_val_if_fail (FLEX_IS_EMULATOR (self), NULL);

  array = json_array_new ();
  for (guint i = 0; i < self->taskrouter->tasks->len; i++)
    json_array_add_element (array, json_node_copy (g_ptr_array_index (self->taskrouter->tasks, i)));
  node = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (node, array);
  return node;
}

/* Persistence: the workspace, its activities, workflow and queue, its
 * workers and the tasks made in it. */

static void
add_string (JsonObject *object, const char *name, const char *value)
{
  json_object_set_string_member (object, name, value);
}

JsonNode *
_flex_emulator_taskrouter_dump (FlexEmulator *self)
{
  FlexEmulatorTaskRouter *taskrouter = self->taskrouter;
  JsonObject *object = json_object_new ();
  JsonArray *workers = json_array_new ();
  JsonArray *tasks = json_array_new ();
  JsonNode *node;

  add_string (object, "workspace_sid", taskrouter->workspace_sid);
  add_string (object, "offline_activity_sid", taskrouter->offline_activity_sid);
  add_string (object, "available_activity_sid", taskrouter->available_activity_sid);
  add_string (object, "workflow_sid", taskrouter->workflow_sid);
  add_string (object, "task_queue_sid", taskrouter->task_queue_sid);
  add_string (object, "voice_channel_sid", taskrouter->voice_channel_sid);
  for (guint i = 0; i < taskrouter->workers->len; i++)
    {
      Worker *worker = g_ptr_array_index (taskrouter->workers, i);
      JsonObject *entry = json_object_new ();
      g_autofree char *created = _flex_emulator_format_date (worker->created_us);
      g_autofree char *updated = _flex_emulator_format_date (worker->updated_us);

      add_string (entry, "sid", worker->sid);
      add_string (entry, "friendly_name", worker->friendly_name);
      add_string (entry, "attributes", worker->attributes);
      json_object_set_boolean_member (entry, "online", worker->online);
      add_string (entry, "date_created", created);
      add_string (entry, "date_updated", updated);
      json_array_add_object_element (workers, entry);
    }
  for (guint i = 0; i < taskrouter->tasks->len; i++)
    json_array_add_element (tasks, json_node_copy (g_ptr_array_index (taskrouter->tasks, i)));
  json_object_set_array_member (object, "workers", workers);
  json_object_set_array_member (object, "tasks", tasks);

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, object);
  return node;
}

static gboolean
load_sid (JsonObject *object, const char *name, const char *prefix, char **field, GError **error)
{
  const char *value = json_object_get_string_member_with_default (object, name, NULL);

  if (value == NULL)
    return TRUE; /* keep the one made at start */
  if (!_flex_emulator_is_sid (value, prefix))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "Invalid emulator state: taskrouter.%s is not a %s SID", name, prefix);
      return FALSE;
    }
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

gboolean
_flex_emulator_taskrouter_load (FlexEmulator *self, JsonNode *node, GError **error)
{
  FlexEmulatorTaskRouter *taskrouter = self->taskrouter;
  g_autoptr (GPtrArray) workers = NULL;
  JsonObject *object;
  JsonNode *member;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "Invalid emulator state: taskrouter is not an object");
      return FALSE;
    }
  object = json_node_get_object (node);
  if (!load_sid (object, "workspace_sid", "WS", &taskrouter->workspace_sid, error) ||
      !load_sid (object, "offline_activity_sid", "WA", &taskrouter->offline_activity_sid, error) ||
      !load_sid (object, "available_activity_sid", "WA", &taskrouter->available_activity_sid,
                 error) ||
      !load_sid (object, "workflow_sid", "WW", &taskrouter->workflow_sid, error) ||
      !load_sid (object, "task_queue_sid", "WQ", &taskrouter->task_queue_sid, error) ||
      !load_sid (object, "voice_channel_sid", "TC", &taskrouter->voice_channel_sid, error))
    return FALSE;

  workers = g_ptr_array_new_with_free_func ((GDestroyNotify) worker_free);
  member = json_object_get_member (object, "workers");
  if (member != NULL && JSON_NODE_HOLDS_ARRAY (member))
    {
      JsonArray *array = json_node_get_array (member);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          JsonObject *entry =
              JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;
          const char *sid = entry != NULL
                                ? json_object_get_string_member_with_default (entry, "sid", NULL)
                                : NULL;
          Worker *worker;

          if (!_flex_emulator_is_sid (sid, "WK"))
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "Invalid emulator state: a worker has no WK SID");
              return FALSE;
            }
          worker = g_new0 (Worker, 1);
          worker->sid = g_strdup (sid);
          worker->friendly_name =
              g_strdup (json_object_get_string_member_with_default (entry, "friendly_name", ""));
          worker->attributes =
              g_strdup (json_object_get_string_member_with_default (entry, "attributes", "{}"));
          worker->online = json_object_get_boolean_member_with_default (entry, "online", FALSE);
          worker->created_us = _flex_emulator_parse_date (
              json_object_get_string_member_with_default (entry, "date_created", NULL));
          worker->updated_us = worker->status_changed_us = _flex_emulator_parse_date (
              json_object_get_string_member_with_default (entry, "date_updated", NULL));
          g_ptr_array_add (workers, worker);
        }
    }
  g_ptr_array_unref (taskrouter->workers);
  taskrouter->workers = g_steal_pointer (&workers);

  g_ptr_array_set_size (taskrouter->tasks, 0);
  member = json_object_get_member (object, "tasks");
  if (member != NULL && JSON_NODE_HOLDS_ARRAY (member))
    {
      JsonArray *array = json_node_get_array (member);

      for (guint i = 0; i < json_array_get_length (array); i++)
        g_ptr_array_add (taskrouter->tasks, json_node_copy (json_array_get_element (array, i)));
    }
  return TRUE;
}

/**
 * flex_emulator_get_worker_activity:
 *
 * Returns: (nullable): the name of @worker_sid's activity ("Available",
 *   "Offline", "Break", "Lunch")
 */
const char *
flex_emulator_get_worker_activity (FlexEmulator *self, const char *worker_sid)
{
  Worker *worker;

  g_return_val_if_fail (FLEX_IS_EMULATOR (self), NULL);
  worker = find_worker (self->taskrouter, worker_sid);
  return worker != NULL ? activity_of (self->taskrouter, worker).name : NULL;
}

/**
 * flex_emulator_get_activity_sid:
 * @name: "Offline", "Available", "Break" or "Lunch"
 *
 * Returns: (nullable): the SID of the workspace's activity of that name
 */
const char *
flex_emulator_get_activity_sid (FlexEmulator *self, const char *name)
{
  Activity activities[4];
  guint n;

  g_return_val_if_fail (FLEX_IS_EMULATOR (self), NULL);
  n = list_activities (self->taskrouter, activities);
  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (activities[i].name, name) == 0)
      return activities[i].sid;
  return NULL;
}
