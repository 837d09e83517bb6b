/* flex-test-state.h: reading the emulator's state (flex_emulator_dump_json(),
 * or its --data file) in tests.
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

/* The items of the map @map_name in the first Sync service of @state, or
 * %NULL when there is no such map. Borrowed from @state. */
static inline JsonArray *
flex_test_state_map_items (JsonNode *state, const char *map_name)
{
  JsonArray *maps = json_object_get_array_member (
      json_array_get_object_element (
          json_object_get_array_member (
              json_object_get_object_member (json_node_get_object (state), "sync"), "services"),
          0),
      "maps");

  for (guint m = 0; m < json_array_get_length (maps); m++)
    {
      JsonObject *map = json_array_get_object_element (maps, m);

      if (g_strcmp0 (json_object_get_string_member (map, "unique_name"), map_name) == 0)
        return json_object_get_array_member (map, "items");
    }
  return NULL;
}

/* The item @key of @map_name in @state, or %NULL. */
static inline JsonObject *
flex_test_state_item (JsonNode *state, const char *map_name, const char *key)
{
  JsonArray *items = flex_test_state_map_items (state, map_name);

  for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);

      if (g_str_equal (json_object_get_string_member (item, "key"), key))
        return item;
    }
  return NULL;
}
