/* flex-twilio-client.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "flex-token-source.h"
#include "flex-twilio-error.h"

G_BEGIN_DECLS

/**
 * FlexTwilioApi:
 * @FLEX_TWILIO_API_SYNC: `https://sync.twilio.com`
 * @FLEX_TWILIO_API_TASKROUTER: `https://taskrouter.twilio.com`
 * @FLEX_TWILIO_API_FLEX: `https://flex-api.twilio.com`
 *
 * The Twilio APIs the app talks to, each with its own base URL.
 */
typedef enum
{
  FLEX_TWILIO_API_SYNC,
  FLEX_TWILIO_API_TASKROUTER,
  FLEX_TWILIO_API_FLEX,
  FLEX_TWILIO_N_APIS
} FlexTwilioApi;

#define FLEX_TYPE_TWILIO_CLIENT (flex_twilio_client_get_type ())

G_DECLARE_FINAL_TYPE (FlexTwilioClient, flex_twilio_client, FLEX, TWILIO_CLIENT, GObject)

FlexTwilioClient *flex_twilio_client_new (const char *username, const char *password);
FlexTwilioClient *flex_twilio_client_new_for_token (FlexTokenSource *tokens);
gboolean flex_twilio_client_get_uses_token (FlexTwilioClient *self);
char *flex_twilio_base_url_from_environment (FlexTwilioApi api);
const char *flex_twilio_client_get_username (FlexTwilioClient *self);
gboolean flex_twilio_client_set_base_url (FlexTwilioClient *self,
                                          FlexTwilioApi api,
                                          const char *base_url,
                                          GError **error);
const char *flex_twilio_client_get_base_url (FlexTwilioClient *self, FlexTwilioApi api);
void flex_twilio_client_set_timeout (FlexTwilioClient *self, guint seconds);
void flex_twilio_client_set_retry_policy (FlexTwilioClient *self,
                                          guint max_retries,
                                          guint base_delay_ms,
                                          guint max_total_ms);
char *flex_twilio_client_build_url (FlexTwilioClient *self,
                                    FlexTwilioApi api,
                                    const char *first_segment,
                                    ...) G_GNUC_NULL_TERMINATED;
guint flex_twilio_client_get_n_requests (FlexTwilioClient *self);
gboolean flex_twilio_url_same_origin (const char *url, const char *base);
gboolean flex_twilio_check_url (const char *url, GError **error);
gboolean flex_twilio_is_sid (const char *value, const char *prefix);

/**
 * FlexTwilioRequestFlags:
 * @FLEX_TWILIO_REQUEST_FAIL_FAST: a transport failure (no connection, a
 *   dropped one, a timeout) ends the request at once, not retried: for a
 *   write that waits in an outbox instead, sent again in the background
 */
typedef enum
{
  FLEX_TWILIO_REQUEST_DEFAULT = 0,
  FLEX_TWILIO_REQUEST_FAIL_FAST = 1 << 0,
} FlexTwilioRequestFlags;

void flex_twilio_client_request_full_async (FlexTwilioClient *self,
                                            const char *method,
                                            const char *url,
                                            const char *const *form,
                                            const char *if_match,
                                            FlexTwilioRequestFlags flags,
                                            GCancellable *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer user_data);
void flex_twilio_client_request_async (FlexTwilioClient *self,
                                       const char *method,
                                       const char *url,
                                       const char *const *form,
                                       const char *if_match,
                                       GCancellable *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer user_data);
JsonNode *
flex_twilio_client_request_finish (FlexTwilioClient *self, GAsyncResult *result, GError **error);

G_END_DECLS
