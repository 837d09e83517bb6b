/* flex-json.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flex-json"

#include "config.h"

#include "flex-json.h"

/**
 * flex_json_object_member:
 * @object: (nullable): an object
 *
 * Returns: (transfer none) (nullable): the member if it is an object
 */
JsonObject *
flex_json_object_member (JsonObject *object, const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/**
 * flex_json_array_member:
 * @object: (nullable): an object
 *
 * Returns: (transfer none) (nullable): the member if it is an array
 */
JsonArray *
flex_json_array_member (JsonObject *object, const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

/**
 * flex_json_string_member:
 * @object: (nullable): an object
 *
 * Returns: (nullable): the member if it is a string
 */
const char *
flex_json_string_member (JsonObject *object, const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/**
 * flex_json_int_member:
 * @object: (nullable): an object
 *
 * Returns: the member if it is an integer (or a string of one), else @fallback
 */
gint64
flex_json_int_member (JsonObject *object, const char *name, gint64 fallback)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;
  const char *text;
  char *end = NULL;
  gint64 value;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return fallback;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return json_node_get_int (node);
  if (json_node_get_value_type (node) != G_TYPE_STRING)
    return fallback;
  text = json_node_get_string (node);
  value = g_ascii_strtoll (text, &end, 10);
  return end != text && *end == '\0' ? value : fallback;
}
