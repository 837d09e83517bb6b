/* flex-emulator-flex.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flex-emulator"

#include "config.h"

#include "flex-emulator-private.h"

/*
 * The Flex Configuration resource of the emulator (twilio_flex_v1.json,
 * flex.v1.configuration): every property of the schema, with the values a
 * Flex account has where the app reads them (DESIGN.md §3) and null or empty
 * elsewhere. flex_emulator_set_configuration() merges values in.
 */

static const char default_configuration[] = "{"
                                            "\"attributes\":{},"
                                            "\"status\":\"ok\","
                                            "\"taskrouter_workspace_sid\":null,"
                                            "\"taskrouter_target_workflow_sid\":null,"
                                            "\"taskrouter_target_taskqueue_sid\":null,"
                                            "\"taskrouter_taskqueues\":[],"
                                            "\"taskrouter_skills\":[],"
                                            "\"taskrouter_worker_channels\":{},"
                                            "\"taskrouter_worker_attributes\":{},"
                                            "\"taskrouter_offline_activity_sid\":null,"
                                            "\"runtime_domain\":\"flex-sandbox.twil.io\","
                                            "\"messaging_service_instance_sid\":null,"
                                            "\"chat_service_instance_sid\":null,"
                                            "\"flex_service_instance_sid\":null,"
                                            "\"flex_instance_sid\":null,"
                                            "\"ui_language\":\"en\","
                                            "\"ui_attributes\":{},"
                                            "\"ui_dependencies\":{},"
                                            "\"ui_version\":\"2.0.0\","
                                            "\"service_version\":\"1.0\","
                                            "\"call_recording_enabled\":false,"
                                            "\"call_recording_webhook_url\":null,"
                                            "\"crm_enabled\":false,"
                                            "\"crm_type\":null,"
                                            "\"crm_callback_url\":null,"
                                            "\"crm_fallback_url\":null,"
                                            "\"crm_attributes\":{},"
                                            "\"public_attributes\":{},"
                                            "\"plugin_service_enabled\":true,"
                                            "\"plugin_service_attributes\":{},"
                                            "\"integrations\":[],"
                                            "\"outbound_call_flows\":{},"
                                            "\"serverless_service_sids\":[],"
                                            "\"queue_stats_configuration\":{},"
                                            "\"notifications\":{},"
                                            "\"markdown\":{},"
                                            "\"flex_insights_hr\":{},"
                                            "\"flex_insights_drilldown\":false,"
                                            "\"flex_url\":null,"
                                            "\"channel_configs\":[],"
                                            "\"debugger_integration\":{},"
                                            "\"flex_ui_status_report\":{},"
                                            "\"agent_conv_end_methods\":{},"
                                            "\"citrix_voice_vdi\":{},"
                                            "\"offline_config\":{}"
                                            "}";

struct _FlexEmulatorFlex
{
  JsonObject *configuration;
  gint64 created_us;
  gint64 updated_us;
};

FlexEmulatorFlex *
_flex_emulator_flex_new (FlexEmulator *self)
{
  FlexEmulatorFlex *flex = g_new0 (FlexEmulatorFlex, 1);
  g_autoptr (JsonNode) node = json_from_string (default_configuration, NULL);

  g_assert (node != NULL);
  flex->configuration = json_object_ref (json_node_get_object (node));
  flex->created_us = flex->updated_us = flex_emulator_now_us (self);
  return flex;
}

void
_flex_emulator_flex_free (FlexEmulatorFlex *flex)
{
  if (flex == NULL)
    return;
  json_object_unref (flex->configuration);
  g_free (flex);
}

static void
handle_fetch_configuration (FlexEmulatorContext *context)
{
  FlexEmulator *self = context->emulator;
  FlexEmulatorFlex *flex = self->flex;
  JsonObject *object = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *created = _flex_emulator_format_date (flex->created_us);
  g_autofree char *updated = _flex_emulator_format_date (flex->updated_us);
  g_autofree char *url = g_strdup_printf ("%s/v1/Configuration", flex_emulator_get_base_url (self));
  JsonObjectIter iter;
  const char *member;
  JsonNode *value;

  json_object_set_string_member (object, "account_sid", flex_emulator_get_account_sid (self));
  json_object_set_string_member (object, "date_created", created);
  json_object_set_string_member (object, "date_updated", updated);
  json_object_set_string_member (object, "url", url);
  json_object_iter_init (&iter, flex->configuration);
  while (json_object_iter_next (&iter, &member, &value))
    json_object_set_member (object, member, json_node_copy (value));

  json_node_take_object (node, object);
  _flex_emulator_reply (context, 200, node, NULL);
}

/* GET /v1/Configuration/Public?RuntimeDomain=…|AccountSid=… (no auth):
 * the account behind a Flex address, as the Flex UI's login page finds it
 * (FLEX-SESSION.md §1, step 1). */
static void
handle_public_configuration (FlexEmulatorContext *context)
{
  FlexEmulator *self = context->emulator;
  const char *domain =
      context->query != NULL ? g_hash_table_lookup (context->query, "RuntimeDomain") : NULL;
  const char *account =
      context->query != NULL ? g_hash_table_lookup (context->query, "AccountSid") : NULL;
  const char *ours = json_object_get_string_member_with_default (self->flex->configuration,
                                                                 "runtime_domain", NULL);
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "configurations");
  json_builder_begin_array (builder);
  if ((domain != NULL && ours != NULL && g_ascii_strcasecmp (domain, ours) == 0) ||
      (account != NULL && g_str_equal (account, flex_emulator_get_account_sid (self))))
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "account_sid");
      json_builder_add_string_value (builder, flex_emulator_get_account_sid (self));
      json_builder_set_member_name (builder, "runtime_domain");
      json_builder_add_string_value (builder, ours);
      json_builder_set_member_name (builder, "flex_instance_sid");
      json_builder_add_string_value (builder, _flex_emulator_auth_instance_sid (self));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  _flex_emulator_reply (context, 200, json_builder_get_root (builder), NULL);
}

void
_flex_emulator_flex_add_routes (FlexEmulator *self)
{
  _flex_emulator_add_route (self, "GET", "/v1/Configuration", "FetchConfiguration",
                            handle_fetch_configuration);
  _flex_emulator_add_route (self, "GET", "/v1/Configuration/Public", "FetchPublicConfiguration",
                            handle_public_configuration);
}

/**
 * flex_emulator_set_configuration:
 * @json: a JSON object whose members replace those of the configuration
 */
gboolean
flex_emulator_set_configuration (FlexEmulator *self, const char *json, GError **error)
{
  g_autoptr (JsonNode) node = NULL;
  JsonObjectIter iter;
  const char *member;
  JsonNode *value;

  g_return_val_if_fail (FLEX_IS_EMULATOR (self), FALSE);

  node = json_from_string (json, error);
  if (node == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "The configuration is not an object");
      return FALSE;
    }

  json_object_iter_init (&iter, json_node_get_object (node));
  while (json_object_iter_next (&iter, &member, &value))
    json_object_set_member (self->flex->configuration, member, json_node_copy (value));
  self->flex->updated_us = flex_emulator_now_us (self);
  _flex_emulator_state_changed (self);
  return TRUE;
}

/* Persistence: the configuration's members. */
JsonNode *
_flex_emulator_flex_dump (FlexEmulator *self)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, self->flex->configuration);
  return node;
}

gboolean
_flex_emulator_flex_load (FlexEmulator *self, JsonNode *node, GError **error)
{
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "Invalid emulator state: flex is not an object");
      return FALSE;
    }
  json_object_unref (self->flex->configuration);
  self->flex->configuration = json_object_ref (json_node_get_object (node));
  return TRUE;
}
