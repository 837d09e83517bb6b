/* flex-configuration.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flex-twilio"

#include "config.h"

#include "flex-configuration.h"

G_DEFINE_BOXED_TYPE (FlexConfiguration,
                     flex_configuration,
                     flex_configuration_copy,
                     flex_configuration_free)

static JsonObject *
object_at (JsonObject *object, const char *const *path)
{
  for (guint i = 0; object != NULL && path[i] != NULL; i++)
    {
      JsonNode *node = json_object_get_member (object, path[i]);

      object = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
    }
  return object;
}

static char *
dup_string (JsonObject *object, const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return g_strdup (json_node_get_string (node));
}

/**
 * flex_configuration_new_from_json:
 *
 * Returns: (transfer full) (nullable): the fields the app reads, or %NULL
 *   with %FLEX_TWILIO_ERROR_MALFORMED when @node is not an object
 */
FlexConfiguration *
flex_configuration_new_from_json (JsonNode *node, GError **error)
{
  FlexConfiguration *self;
  JsonObject *root;
  JsonObject *outbound;
  JsonNode *enabled;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_MALFORMED,
                   "The Flex configuration is not a JSON object");
      return NULL;
    }

  root = json_node_get_object (node);
  outbound = object_at (root, (const char *[]){ "outbound_call_flows", "default", NULL });
  self = g_new0 (FlexConfiguration, 1);
  self->account_sid = dup_string (root, "account_sid");
  self->workspace_sid = dup_string (root, "taskrouter_workspace_sid");
  self->offline_activity_sid = dup_string (root, "taskrouter_offline_activity_sid");
  enabled = outbound != NULL ? json_object_get_member (outbound, "enabled") : NULL;
  self->outbound_enabled = enabled != NULL && JSON_NODE_HOLDS_VALUE (enabled) &&
                           json_node_get_value_type (enabled) == G_TYPE_BOOLEAN &&
                           json_node_get_boolean (enabled);
  self->outbound_workflow_sid = dup_string (outbound, "workflow_sid");
  self->outbound_queue_sid = dup_string (outbound, "queue_sid");
  self->outbound_caller_id = dup_string (outbound, "caller_id");
  self->outbound_location = dup_string (outbound, "location");
  self->contacts_feature = object_at (
      root, (const char *[]){ "ui_attributes", "custom_data", "features", "contacts", NULL });
  if (self->contacts_feature != NULL)
    json_object_ref (self->contacts_feature);
  self->json = json_node_ref (node);

  return self;
}

FlexConfiguration *
flex_configuration_copy (const FlexConfiguration *self)
{
  FlexConfiguration *copy = g_new0 (FlexConfiguration, 1);

  copy->account_sid = g_strdup (self->account_sid);
  copy->workspace_sid = g_strdup (self->workspace_sid);
  copy->offline_activity_sid = g_strdup (self->offline_activity_sid);
  copy->outbound_enabled = self->outbound_enabled;
  copy->outbound_workflow_sid = g_strdup (self->outbound_workflow_sid);
  copy->outbound_queue_sid = g_strdup (self->outbound_queue_sid);
  copy->outbound_caller_id = g_strdup (self->outbound_caller_id);
  copy->outbound_location = g_strdup (self->outbound_location);
  copy->contacts_feature =
      self->contacts_feature != NULL ? json_object_ref (self->contacts_feature) : NULL;
  copy->json = self->json != NULL ? json_node_ref (self->json) : NULL;
  return copy;
}

void
flex_configuration_free (FlexConfiguration *self)
{
  if (self == NULL)
    return;
  g_free (self->account_sid);
  g_free (self->workspace_sid);
  g_free (self->offline_activity_sid);
  g_free (self->outbound_workflow_sid);
  g_free (self->outbound_queue_sid);
  g_free (self->outbound_caller_id);
  g_free (self->outbound_location);
  g_clear_pointer (&self->contacts_feature, json_object_unref);
  g_clear_pointer (&self->json, json_node_unref);
  g_free (self);
}

static void
on_fetched (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;
  FlexConfiguration *configuration;

  node = flex_twilio_client_request_finish (FLEX_TWILIO_CLIENT (object), result, &error);
  if (node == NULL || (configuration = flex_configuration_new_from_json (node, &error)) == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, configuration, (GDestroyNotify) flex_configuration_free);
}

/**
 * flex_configuration_fetch_async:
 *
 * `GET /v1/Configuration` of the Flex API.
 */
void
flex_configuration_fetch_async (FlexTwilioClient *client,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data)
{
  g_autofree char *url = NULL;
  GTask *task;

  g_return_if_fail (FLEX_IS_TWILIO_CLIENT (client));

  task = g_task_new (client, cancellable, callback, user_data);
  g_task_set_source_tag (task, flex_configuration_fetch_async);
  url = flex_twilio_client_build_url (client, FLEX_TWILIO_API_FLEX, "v1", "Configuration", NULL);
  flex_twilio_client_request_async (client, "GET", url, NULL, NULL, cancellable, on_fetched, task);
}

FlexConfiguration *
flex_configuration_fetch_finish (FlexTwilioClient *client, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, client), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
