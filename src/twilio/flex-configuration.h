/* flex-configuration.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "flex-twilio-client.h"

G_BEGIN_DECLS

/**
 * FlexConfiguration:
 * @account_sid: the account
 * @workspace_sid: `taskrouter_workspace_sid`
 * @offline_activity_sid: `taskrouter_offline_activity_sid`
 * @outbound_enabled: `outbound_call_flows.default.enabled`
 * @outbound_workflow_sid: `outbound_call_flows.default.workflow_sid`
 * @outbound_queue_sid: `outbound_call_flows.default.queue_sid`
 * @outbound_caller_id: `outbound_call_flows.default.caller_id`
 * @outbound_location: `outbound_call_flows.default.location`, a country code
 * @contacts_feature: (nullable): `ui_attributes.custom_data.features.contacts`
 * @json: the resource as Flex answered it (kept beside the snapshots)
 *
 * The fields of the Flex Configuration resource the app reads (DESIGN.md §3).
 */
typedef struct
{
  char *account_sid;
  char *workspace_sid;
  char *offline_activity_sid;
  gboolean outbound_enabled;
  char *outbound_workflow_sid;
  char *outbound_queue_sid;
  char *outbound_caller_id;
  char *outbound_location;
  JsonObject *contacts_feature;
  JsonNode *json;
} FlexConfiguration;

#define FLEX_TYPE_CONFIGURATION (flex_configuration_get_type ())

GType flex_configuration_get_type (void) G_GNUC_CONST;
FlexConfiguration *flex_configuration_new_from_json (JsonNode *node, GError **error);
FlexConfiguration *flex_configuration_copy (const FlexConfiguration *self);
void flex_configuration_free (FlexConfiguration *self);

void flex_configuration_fetch_async (FlexTwilioClient *client,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data);
FlexConfiguration *
flex_configuration_fetch_finish (FlexTwilioClient *client, GAsyncResult *result, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlexConfiguration, flex_configuration_free)

G_END_DECLS
