/* flex-call-watch.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "flex-twilio-client.h"

G_BEGIN_DECLS

/**
 * FlexCallState:
 * @FLEX_CALL_WAITING: the task waits for Flex to take it (`pending`)
 * @FLEX_CALL_TAKEN: Flex took it and places the call (`reserved`, `assigned`, …)
 * @FLEX_CALL_NOT_TAKEN: nobody took it in time, or it was canceled elsewhere
 * @FLEX_CALL_CANCELED: the person canceled it here
 */
typedef enum
{
  FLEX_CALL_WAITING,
  FLEX_CALL_TAKEN,
  FLEX_CALL_NOT_TAKEN,
  FLEX_CALL_CANCELED,
} FlexCallState;

#define FLEX_TYPE_CALL_WATCH (flex_call_watch_get_type ())

G_DECLARE_FINAL_TYPE (FlexCallWatch, flex_call_watch, FLEX, CALL_WATCH, GObject)

FlexCallWatch *flex_call_watch_new (FlexTwilioClient *client,
                                    const char *workspace_sid,
                                    const char *task_sid,
                                    guint timeout_s);
void flex_call_watch_set_interval (FlexCallWatch *self, guint interval_ms);
void flex_call_watch_start (FlexCallWatch *self);
FlexCallState flex_call_watch_get_state (FlexCallWatch *self);
const char *flex_call_watch_get_task_sid (FlexCallWatch *self);
void flex_call_watch_cancel (FlexCallWatch *self);

G_END_DECLS
