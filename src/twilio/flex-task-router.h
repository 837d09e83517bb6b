/* flex-task-router.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "flex-twilio-client.h"

G_BEGIN_DECLS

/**
 * FlexWorker:
 * @sid: the worker SID (`WK…`)
 * @friendly_name: its friendly name
 * @activity_sid: its current activity
 * @activity_name: the name of that activity
 * @available: whether that activity is an available one
 * @attributes: (nullable): its attributes, parsed from the JSON text inside
 *   the JSON; %NULL in lists, where Twilio leaves them out
 * @json: the worker as TaskRouter answered it (kept beside the snapshots)
 */
typedef struct
{
  char *sid;
  char *friendly_name;
  char *activity_sid;
  char *activity_name;
  gboolean available;
  JsonObject *attributes;
  JsonNode *json;
} FlexWorker;

/**
 * FlexActivity:
 * @sid: `WA…`
 * @name: its friendly name ("Available", "Break", …)
 * @available: whether tasks are offered to a worker in it
 *
 * One of the workspace's activities: an agent's status.
 */
typedef struct
{
  char *sid;
  char *name;
  gboolean available;
} FlexActivity;

void flex_activity_free (FlexActivity *activity);

#define FLEX_TYPE_WORKER (flex_worker_get_type ())

GType flex_worker_get_type (void) G_GNUC_CONST;
FlexWorker *flex_worker_new_from_json (JsonNode *node, GError **error);
FlexWorker *flex_worker_copy (const FlexWorker *self);
void flex_worker_free (FlexWorker *self);
gboolean flex_worker_has_role (const FlexWorker *self, const char *role);
const char *flex_worker_get_caller_id (const FlexWorker *self);
JsonObject *flex_worker_get_contacts_overrides (const FlexWorker *self);

void flex_task_router_fetch_worker_async (FlexTwilioClient *client,
                                          const char *workspace_sid,
                                          const char *worker_sid,
                                          GCancellable *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer user_data);
FlexWorker *flex_task_router_fetch_worker_finish (FlexTwilioClient *client,
                                                  GAsyncResult *result,
                                                  GError **error);

void flex_task_router_list_workers_async (FlexTwilioClient *client,
                                          const char *workspace_sid,
                                          const char *friendly_name,
                                          const char *target_expression,
                                          GCancellable *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer user_data);
GPtrArray *flex_task_router_list_workers_finish (FlexTwilioClient *client,
                                                 GAsyncResult *result,
                                                 GError **error);
void flex_task_router_create_task_async (FlexTwilioClient *client,
                                         const char *workspace_sid,
                                         const char *workflow_sid,
                                         const char *task_queue_sid,
                                         const char *routing_target,
                                         const char *task_channel,
                                         JsonObject *attributes,
                                         guint timeout_s,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer user_data);
char *flex_task_router_create_task_finish (FlexTwilioClient *client,
                                           GAsyncResult *result,
                                           GError **error);
void flex_task_router_fetch_task_async (FlexTwilioClient *client,
                                        const char *workspace_sid,
                                        const char *task_sid,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer user_data);
void flex_task_router_cancel_task_async (FlexTwilioClient *client,
                                         const char *workspace_sid,
                                         const char *task_sid,
                                         const char *reason,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer user_data);
void flex_task_router_update_worker_activity_async (FlexTwilioClient *client,
                                                    const char *workspace_sid,
                                                    const char *worker_sid,
                                                    const char *activity_sid,
                                                    GCancellable *cancellable,
                                                    GAsyncReadyCallback callback,
                                                    gpointer user_data);
void flex_task_router_list_activities_async (FlexTwilioClient *client,
                                             const char *workspace_sid,
                                             GCancellable *cancellable,
                                             GAsyncReadyCallback callback,
                                             gpointer user_data);
GPtrArray *flex_task_router_list_activities_finish (FlexTwilioClient *client,
                                                    GAsyncResult *result,
                                                    GError **error);
void flex_task_router_update_reservation_async (FlexTwilioClient *client,
                                                const char *workspace_sid,
                                                const char *worker_sid,
                                                const char *reservation_sid,
                                                const char *status,
                                                GCancellable *cancellable,
                                                GAsyncReadyCallback callback,
                                                gpointer user_data);
char *flex_task_router_task_status_finish (FlexTwilioClient *client,
                                           GAsyncResult *result,
                                           GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlexWorker, flex_worker_free)

G_END_DECLS
