/* flex-event-bridge.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "flex-token-source.h"

G_BEGIN_DECLS

#define FLEX_TYPE_EVENT_BRIDGE (flex_event_bridge_get_type ())

G_DECLARE_FINAL_TYPE (FlexEventBridge, flex_event_bridge, FLEX, EVENT_BRIDGE, GObject)

/* Twilio's EventBridge for TaskRouter (FLEX-SESSION.md §3). */
#define FLEX_EVENT_BRIDGE_DEFAULT_URL "wss://event-bridge.twilio.com/v1/wschannels"

FlexEventBridge *flex_event_bridge_new (const char *url, FlexTokenSource *tokens);
char *flex_event_bridge_url_from_environment (void);
void flex_event_bridge_start (FlexEventBridge *self);
void flex_event_bridge_stop (FlexEventBridge *self);
gboolean flex_event_bridge_get_connected (FlexEventBridge *self);
void flex_event_bridge_set_silence_timeout (FlexEventBridge *self, guint milliseconds);
guint flex_event_bridge_get_n_connects (FlexEventBridge *self);

/* TaskRouter requests through EventBridge (flex-event-bridge-request.c) */
char *flex_event_bridge_rest_url_from_environment (void);
GBytes *flex_event_bridge_wrap_request (const char *taskrouter_url,
                                        const char *method,
                                        const char *const *form,
                                        const char *token,
                                        const char **api_version,
                                        GError **error);
JsonNode *
flex_event_bridge_unwrap_answer (JsonNode *answer, const char *taskrouter_url, GError **error);

G_END_DECLS
