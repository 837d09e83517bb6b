/* flex-session.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "flex-configuration.h"
#include "flex-directory.h"
#include "flex-feature-config.h"
#include "flex-map-feed.h"
#include "flex-token-source.h"
#include "flex-task-router.h"

G_BEGIN_DECLS

#define FLEX_TYPE_SESSION (flex_session_get_type ())

G_DECLARE_FINAL_TYPE (FlexSession, flex_session, FLEX, SESSION, GObject)

FlexSession *flex_session_new (FlexTwilioClient *client,
                               const char *account_sid,
                               const char *worker_sid,
                               const char *service_sid,
                               FlexFeatureConfig *config);
FlexTwilioClient *flex_session_get_client (FlexSession *self);
FlexFeatureConfig *flex_session_get_config (FlexSession *self);
FlexDirectory *flex_session_get_recents (FlexSession *self);
FlexDirectory *flex_session_get_personal (FlexSession *self);
FlexDirectory *flex_session_get_shared (FlexSession *self);
const FlexWorker *flex_session_get_worker (FlexSession *self);
const FlexConfiguration *flex_session_get_configuration (FlexSession *self);
gboolean flex_session_get_loaded (FlexSession *self);
gboolean flex_session_get_worker_offline (FlexSession *self);
const char *flex_session_get_error_message (FlexSession *self);
void flex_session_set_poll_interval (FlexSession *self, guint seconds);
void flex_session_refresh (FlexSession *self);

void flex_session_refresh_worker_async (FlexSession *self,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer user_data);
gboolean
flex_session_refresh_worker_finish (FlexSession *self, GAsyncResult *result, GError **error);

void flex_session_load_async (FlexSession *self,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data);
gboolean flex_session_load_finish (FlexSession *self, GAsyncResult *result, GError **error);

void flex_session_enable_push (FlexSession *self,
                               FlexTokenSource *tokens,
                               const char *reason,
                               const char *socket_url,
                               const char *cds_url);
const char *flex_session_get_push_unavailable (FlexSession *self);

const char *flex_session_get_activity (FlexSession *self);
void flex_session_set_worker_live (FlexSession *self, gboolean live);
void flex_session_apply_worker_activity (FlexSession *self,
                                         const char *activity_sid,
                                         const char *activity_name,
                                         gboolean available);
void flex_session_list_activities_async (FlexSession *self,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer user_data);
GPtrArray *
flex_session_list_activities_finish (FlexSession *self, GAsyncResult *result, GError **error);
void flex_session_set_activity_async (FlexSession *self,
                                      const char *activity_sid,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data);
gboolean flex_session_set_activity_finish (FlexSession *self, GAsyncResult *result, GError **error);
FlexTwilsock *flex_session_get_socket (FlexSession *self);
FlexMapFeed *flex_session_get_feed (FlexSession *self, guint index);
void flex_session_set_cache (FlexSession *self, FlexMapCache *cache);
FlexMapCache *flex_session_get_cache (FlexSession *self);
void flex_session_set_outbox (FlexSession *self, FlexOutbox *outbox);
FlexOutbox *flex_session_get_outbox (FlexSession *self);

G_END_DECLS
