/* flex-twilsock.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "flex-token-source.h"

G_BEGIN_DECLS

/**
 * FlexTwilsockState:
 * @FLEX_TWILSOCK_STATE_STOPPED: not started, or stopped
 * @FLEX_TWILSOCK_STATE_CONNECTING: opening the socket or waiting for the
 *   reply to `init`
 * @FLEX_TWILSOCK_STATE_CONNECTED: initialised: requests and notifications flow
 * @FLEX_TWILSOCK_STATE_WAITING: lost; reconnecting after a backoff
 * @FLEX_TWILSOCK_STATE_FAILED: refused for good (bad token, protocol error);
 *   tried again only after a long pause
 */
typedef enum
{
  FLEX_TWILSOCK_STATE_STOPPED,
  FLEX_TWILSOCK_STATE_CONNECTING,
  FLEX_TWILSOCK_STATE_CONNECTED,
  FLEX_TWILSOCK_STATE_WAITING,
  FLEX_TWILSOCK_STATE_FAILED,
} FlexTwilsockState;

#define FLEX_TYPE_TWILSOCK_STATE (flex_twilsock_state_get_type ())
GType flex_twilsock_state_get_type (void) G_GNUC_CONST;

#define FLEX_TWILSOCK_DEFAULT_URL "wss://tsock.us1.twilio.com/v3/wsconnect"

#define FLEX_TYPE_TWILSOCK (flex_twilsock_get_type ())

G_DECLARE_FINAL_TYPE (FlexTwilsock, flex_twilsock, FLEX, TWILSOCK, GObject)

char *flex_twilsock_url_from_environment (void);
FlexTwilsock *flex_twilsock_new (const char *url, FlexTokenSource *tokens);
const char *flex_twilsock_get_url (FlexTwilsock *self);
FlexTwilsockState flex_twilsock_get_state (FlexTwilsock *self);
const char *flex_twilsock_get_last_error (FlexTwilsock *self);
guint flex_twilsock_get_n_connects (FlexTwilsock *self);
guint flex_twilsock_get_n_requests (FlexTwilsock *self);
void flex_twilsock_set_timing (FlexTwilsock *self,
                               guint request_timeout_ms,
                               guint backoff_min_ms,
                               guint backoff_max_ms,
                               guint failed_retry_ms);
void flex_twilsock_start (FlexTwilsock *self);
void flex_twilsock_stop (FlexTwilsock *self);
void flex_twilsock_reconnect (FlexTwilsock *self);

void flex_twilsock_send_upstream_async (FlexTwilsock *self,
                                        const char *method,
                                        const char *url,
                                        const char *if_match,
                                        JsonNode *body,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer user_data);
JsonNode *flex_twilsock_send_upstream_finish (FlexTwilsock *self,
                                              GAsyncResult *result,
                                              guint *http_status,
                                              GError **error);

G_END_DECLS
