/* flex-incoming.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "flex-event-bridge.h"
#include "flex-session.h"

G_BEGIN_DECLS

/**
 * FlexIncomingCall:
 * @reservation_sid: the reservation offered to this worker (WR…)
 * @task_sid: its task (WT…)
 * @channel: `voice`, `sms`, `whatsapp`, `web`, `chat`, … (the task's
 *   channelType, else its task channel)
 * @address: (nullable): the customer's address as the task has it
 * @number: (nullable): @address in E.164, when it is a phone number
 * @caller: who it is, for a person: a contact's name (My Contacts, then
 *   Shared Contacts), a recent interaction's, the task's `name`, else the
 *   number as the lists show it
 * @from_directory: whether @caller came from the lists
 * @queue: (nullable): the task queue's name
 *
 * One task offered to the agent.
 */
typedef struct
{
  char *reservation_sid;
  char *task_sid;
  char *channel;
  char *address;
  char *number;
  char *caller;
  gboolean from_directory;
  char *queue;
} FlexIncomingCall;

#define FLEX_TYPE_INCOMING_CALL (flex_incoming_call_get_type ())
GType flex_incoming_call_get_type (void) G_GNUC_CONST;
FlexIncomingCall *flex_incoming_call_copy (const FlexIncomingCall *call);
void flex_incoming_call_free (FlexIncomingCall *call);
gboolean flex_incoming_call_is_voice (const FlexIncomingCall *call);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlexIncomingCall, flex_incoming_call_free)

#define FLEX_TYPE_INCOMING (flex_incoming_get_type ())

G_DECLARE_FINAL_TYPE (FlexIncoming, flex_incoming, FLEX, INCOMING, GObject)

FlexIncoming *flex_incoming_new (FlexSession *session, FlexTokenSource *tokens, const char *url);
void flex_incoming_start (FlexIncoming *self);
FlexEventBridge *flex_incoming_get_bridge (FlexIncoming *self);
const FlexIncomingCall *flex_incoming_lookup (FlexIncoming *self, const char *reservation_sid);
void flex_incoming_reject_async (FlexIncoming *self,
                                 const char *reservation_sid,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data);
gboolean flex_incoming_reject_finish (FlexIncoming *self, GAsyncResult *result, GError **error);

char *flex_incoming_name_caller (FlexSession *session,
                                 const char *address,
                                 const char *task_name,
                                 char **number,
                                 gboolean *from_directory);

G_END_DECLS
