/* flex-dialer.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "flex-session.h"

G_BEGIN_DECLS

#define FLEX_DIAL_ERROR (flex_dial_error_quark ())

/* How long a call request waits for Flex to take it (the task's Timeout). */
#define FLEX_DIAL_TASK_TIMEOUT_S 60

/**
 * FlexDialError:
 * @FLEX_DIAL_ERROR_NOT_READY: the Flex configuration or the worker is not known yet
 * @FLEX_DIAL_ERROR_DISABLED: outbound calling is off (or incomplete) in Flex
 * @FLEX_DIAL_ERROR_OFFLINE: the worker's activity is the offline activity
 * @FLEX_DIAL_ERROR_INVALID_NUMBER: the number is not a dialable E.164 number
 * @FLEX_DIAL_ERROR_BUSY: another call request is in flight
 *
 * Why a call request was refused before anything was sent.
 */
typedef enum
{
  FLEX_DIAL_ERROR_NOT_READY,
  FLEX_DIAL_ERROR_DISABLED,
  FLEX_DIAL_ERROR_OFFLINE,
  FLEX_DIAL_ERROR_INVALID_NUMBER,
  FLEX_DIAL_ERROR_BUSY,
} FlexDialError;

GQuark flex_dial_error_quark (void);

/**
 * FlexCallRequest:
 * @number: the number in E.164
 * @name: (nullable): who is called: the name given, else the contact of that
 *   number in My or Shared Contacts
 * @who: @name, else @number: what the person reads
 * @caller_id: (nullable): the number the customer sees (%NULL: Flex's default)
 *
 * One call, ready to confirm and to send: what the confirmation shows is
 * what flex_dialer_dial_request_async() sends.
 */
typedef struct
{
  char *number;
  char *name;
  char *who;
  char *caller_id;
} FlexCallRequest;

#define FLEX_TYPE_CALL_REQUEST (flex_call_request_get_type ())
GType flex_call_request_get_type (void) G_GNUC_CONST;
FlexCallRequest *flex_call_request_copy (const FlexCallRequest *self);
void flex_call_request_free (FlexCallRequest *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlexCallRequest, flex_call_request_free)

#define FLEX_TYPE_DIALER (flex_dialer_get_type ())

G_DECLARE_FINAL_TYPE (FlexDialer, flex_dialer, FLEX, DIALER, GObject)

FlexDialer *flex_dialer_new (FlexSession *session);
FlexSession *flex_dialer_get_session (FlexDialer *self);
gboolean flex_dialer_get_available (FlexDialer *self);
const char *flex_dialer_get_unavailable_reason (FlexDialer *self);
gboolean flex_dialer_get_busy (FlexDialer *self);
const char *flex_dialer_get_caller_id (FlexDialer *self);
gboolean flex_dialer_check (FlexDialer *self, GError **error);
char *flex_dialer_normalize (FlexDialer *self, const char *number, GError **error);

void flex_dialer_dial_async (FlexDialer *self,
                             const char *number,
                             const char *name,
                             GCancellable *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer user_data);
char *flex_dialer_dial_finish (FlexDialer *self, GAsyncResult *result, GError **error);

FlexCallRequest *
flex_dialer_prepare (FlexDialer *self, const char *number, const char *name, GError **error);
void flex_dialer_dial_request_async (FlexDialer *self,
                                     const FlexCallRequest *request,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data);

char *flex_dial_number_from_uri (const char *uri);

G_END_DECLS
