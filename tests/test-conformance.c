/* test-conformance.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Conformance with Twilio's OpenAPI specs (tests/twilio-oai/twilio_sync_v1.json,
 * twilio_taskrouter_v1.json, twilio_flex_v1.json): the client drives every
 * Sync, TaskRouter and Flex operation it knows, plus the error paths, against
 * the emulator; then every recorded exchange is checked:
 *   - the request: its operation exists in the spec for that method and
 *     path, every query parameter and form field it sent is one the operation
 *     declares (with the declared type), required fields are present, and
 *     If-Match only goes where the spec allows it;
 *   - the answer: for a documented status, the body has every property of
 *     the operation's response schema with the right type, format, pattern
 *     and length; otherwise it is Twilio's error body.
 * A spec change that the client or the emulator does not follow fails here.
 */

#include "config.h"

#include <string.h>

#include "flex-dialer.h"
#include "flex-emulator.h"
#include "flex-sync-map.h"

#define USERNAME "SK0123456789abcdef0123456789abcdef"
#define MAP_NAME "Contacts_WK00000000000000000000000000000001"

static const char *const spec_files[] = {
  "twilio_sync_v1.json",
  "twilio_taskrouter_v1.json",
  "twilio_flex_v1.json",
};
static JsonParser *spec_parsers[G_N_ELEMENTS (spec_files)];
/* The spec of the operation being checked: $ref resolves against it. */
static JsonObject *spec;

typedef struct
{
  FlexEmulator *emulator;
  FlexTwilioClient *client;
  FlexSyncMap *map;
  GAsyncResult *result;
} Fixture;

/* json_object_get_object_member() without a critical when it is missing. */
static JsonObject *
member_object (JsonObject *object, const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* Schema checks */

static JsonObject *
resolve (JsonObject *schema)
{
  const char *ref;

  while (schema != NULL &&
         (ref = json_object_get_string_member_with_default (schema, "$ref", NULL)) != NULL)
    {
      g_assert_true (g_str_has_prefix (ref, "#/components/schemas/"));
      schema = member_object (member_object (member_object (spec, "components"), "schemas"),
                              ref + strlen ("#/components/schemas/"));
      g_assert_nonnull (schema);
    }

  return schema;
}

static void
fail (GPtrArray *failures, const char *where, const char *format, ...) G_GNUC_PRINTF (3, 4);

static void
fail (GPtrArray *failures, const char *where, const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_ptr_array_add (failures, g_strdup_printf ("%s: %s", where, message));
}

static void
check_string (const char *value, JsonObject *schema, const char *where, GPtrArray *failures)
{
  const char *format = json_object_get_string_member_with_default (schema, "format", NULL);
  const char *pattern = json_object_get_string_member_with_default (schema, "pattern", NULL);
  glong length = g_utf8_strlen (value, -1);

  if (g_strcmp0 (format, "date-time") == 0)
    {
      g_autoptr (GDateTime) date = g_date_time_new_from_iso8601 (value, NULL);

      if (date == NULL)
        fail (failures, where, "“%s” is not an ISO 8601 date-time", value);
    }
  else if (g_strcmp0 (format, "uri") == 0)
    {
      if (!g_uri_is_valid (value, G_URI_FLAGS_NONE, NULL))
        fail (failures, where, "“%s” is not an absolute URI", value);
    }

  if (pattern != NULL && !g_regex_match_simple (pattern, value, 0, 0))
    fail (failures, where, "“%s” does not match %s", value, pattern);
  if (json_object_has_member (schema, "minLength") &&
      length < json_object_get_int_member (schema, "minLength"))
    fail (failures, where, "“%s” is shorter than the minimum length", value);
  if (json_object_has_member (schema, "maxLength") &&
      length > json_object_get_int_member (schema, "maxLength"))
    fail (failures, where, "“%s” is longer than the maximum length", value);
}

static void
check_value (JsonNode *node, JsonObject *schema, const char *where, GPtrArray *failures)
{
  const char *type;

  schema = resolve (schema);
  type = json_object_get_string_member_with_default (schema, "type", NULL);

  if (JSON_NODE_HOLDS_NULL (node))
    {
      if (type != NULL && !json_object_get_boolean_member_with_default (schema, "nullable", FALSE))
        fail (failures, where, "is null but not nullable");
      return;
    }

  if (type == NULL)
    {
      /* An untyped schema (an item's data): anything goes. */
    }
  else if (g_str_equal (type, "object"))
    {
      JsonObject *properties = member_object (schema, "properties");
      g_autoptr (GList) names = NULL;
      JsonObject *object;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          fail (failures, where, "is not an object");
          return;
        }
      object = json_node_get_object (node);

      if (g_strcmp0 (json_object_get_string_member_with_default (schema, "format", NULL),
                     "uri-map") == 0)
        {
          names = json_object_get_members (object);
          for (GList *l = names; l != NULL; l = l->next)
            {
              JsonNode *member = json_object_get_member (object, l->data);
              g_autofree char *inner = g_strdup_printf ("%s.%s", where, (char *) l->data);

              if (!JSON_NODE_HOLDS_VALUE (member) ||
                  json_node_get_value_type (member) != G_TYPE_STRING ||
                  !g_uri_is_valid (json_node_get_string (member), G_URI_FLAGS_NONE, NULL))
                fail (failures, inner, "is not a URI");
            }
          return;
        }

      if (properties == NULL)
        return;

      /* Every property of the schema is present: Twilio always sends all. */
      names = json_object_get_members (properties);
      for (GList *l = names; l != NULL; l = l->next)
        {
          g_autofree char *inner = g_strdup_printf ("%s.%s", where, (char *) l->data);

          if (!json_object_has_member (object, l->data))
            {
              fail (failures, inner, "is missing");
              continue;
            }
          check_value (json_object_get_member (object, l->data),
                       member_object (properties, l->data), inner, failures);
        }
    }
  else if (g_str_equal (type, "array"))
    {
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (node))
        {
          fail (failures, where, "is not an array");
          return;
        }
      array = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_autofree char *inner = g_strdup_printf ("%s[%u]", where, i);

          check_value (json_array_get_element (array, i), member_object (schema, "items"), inner,
                       failures);
        }
    }
  else if (g_str_equal (type, "string"))
    {
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        fail (failures, where, "is not a string");
      else
        check_string (json_node_get_string (node), schema, where, failures);
    }
  else if (g_str_equal (type, "integer"))
    {
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
        fail (failures, where, "is not an integer");
    }
  else if (g_str_equal (type, "number"))
    {
      if (!JSON_NODE_HOLDS_VALUE (node) || (json_node_get_value_type (node) != G_TYPE_INT64 &&
                                            json_node_get_value_type (node) != G_TYPE_DOUBLE))
        fail (failures, where, "is not a number");
    }
  else if (g_str_equal (type, "boolean"))
    {
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
        fail (failures, where, "is not a boolean");
    }
  else
    fail (failures, where, "has a schema type %s this test does not know", type);
}

static void
check_error_body (JsonNode *node, guint status, const char *where, GPtrArray *failures)
{
  JsonObject *object;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      fail (failures, where, "an error answer without Twilio's JSON error body");
      return;
    }
  object = json_node_get_object (node);
  if (json_object_get_int_member_with_default (object, "code", 0) <= 0)
    fail (failures, where, "the error body has no numeric code");
  if (json_object_get_string_member_with_default (object, "message", NULL) == NULL)
    fail (failures, where, "the error body has no message");
  if (!g_str_has_prefix (json_object_get_string_member_with_default (object, "more_info", ""),
                         "https://www.twilio.com/docs/errors/"))
    fail (failures, where, "the error body has no more_info link");
  if (json_object_get_int_member_with_default (object, "status", 0) != status)
    fail (failures, where, "the error body's status is not the HTTP status");
}

/* Request checks */

static JsonObject *
find_operation_in (JsonObject *in_spec,
                   const char *operation_id,
                   const char **path_out,
                   const char **method_out)
{
  JsonObject *paths = member_object (in_spec, "paths");
  g_autoptr (GList) path_names = json_object_get_members (paths);

  for (GList *p = path_names; p != NULL; p = p->next)
    {
      JsonObject *path = member_object (paths, p->data);
      static const char *methods[] = { "get", "post", "delete" };

      for (guint m = 0; m < G_N_ELEMENTS (methods); m++)
        {
          JsonObject *operation = member_object (path, methods[m]);

          if (operation != NULL && g_strcmp0 (json_object_get_string_member_with_default (
                                                  operation, "operationId", NULL),
                                              operation_id) == 0)
            {
              *path_out = p->data;
              *method_out = methods[m];
              return operation;
            }
        }
    }

  return NULL;
}

/* Finds the operation in whichever spec has it, and makes that spec the
 * one schemas resolve against. Operation IDs are unique across the three. */
static JsonObject *
find_operation (const char *operation_id, const char **path_out, const char **method_out)
{
  for (guint i = 0; i < G_N_ELEMENTS (spec_parsers); i++)
    {
      JsonObject *candidate = json_node_get_object (json_parser_get_root (spec_parsers[i]));
      JsonObject *operation = find_operation_in (candidate, operation_id, path_out, method_out);

      if (operation != NULL)
        {
          spec = candidate;
          return operation;
        }
    }
  return NULL;
}

static JsonObject *
find_parameter (JsonObject *operation, const char *in, const char *name)
{
  JsonArray *parameters = (json_object_has_member (operation, "parameters")
                               ? json_object_get_array_member (operation, "parameters")
                               : NULL);

  for (guint i = 0; parameters != NULL && i < json_array_get_length (parameters); i++)
    {
      JsonObject *parameter = json_array_get_object_element (parameters, i);

      if (g_str_equal (json_object_get_string_member (parameter, "in"), in) &&
          g_ascii_strcasecmp (json_object_get_string_member (parameter, "name"), name) == 0)
        return parameter;
    }

  return NULL;
}

static void
check_parameter_value (const char *value,
                       JsonObject *schema,
                       const char *where,
                       GPtrArray *failures)
{
  const char *type;

  schema = resolve (schema);
  type = json_object_get_string_member_with_default (schema, "type", NULL);
  if (g_strcmp0 (type, "integer") == 0 &&
      !g_ascii_string_to_signed (value, 10, G_MININT64, G_MAXINT64, NULL, NULL))
    fail (failures, where, "“%s” is not an integer", value);
  if (g_strcmp0 (type, "boolean") == 0 && g_strcmp0 (value, "true") != 0 &&
      g_strcmp0 (value, "false") != 0)
    fail (failures, where, "“%s” is not a boolean", value);
}

static void
check_request (FlexEmulatorExchange *exchange,
               JsonObject *operation,
               const char *where,
               GPtrArray *failures)
{
  g_autoptr (GHashTable) query = NULL;
  JsonObject *body_schema = NULL;
  JsonObject *properties = NULL;
  JsonArray *required = NULL;
  GHashTableIter iter;
  gpointer name, value;

  if (exchange->query != NULL)
    {
      query = g_uri_parse_params (exchange->query, -1, "&", G_URI_PARAMS_NONE, NULL);
      g_hash_table_iter_init (&iter, query);
      while (g_hash_table_iter_next (&iter, &name, &value))
        {
          JsonObject *parameter = find_parameter (operation, "query", name);
          g_autofree char *inner = g_strdup_printf ("%s query %s", where, (char *) name);

          if (parameter == NULL)
            fail (failures, inner, "is not a query parameter of this operation");
          else
            check_parameter_value (value, member_object (parameter, "schema"), inner, failures);
        }
    }

  if (exchange->if_match != NULL && find_parameter (operation, "header", "If-Match") == NULL)
    fail (failures, where, "sends If-Match, which this operation does not take");

  if (json_object_has_member (operation, "requestBody"))
    {
      JsonObject *content = member_object (member_object (operation, "requestBody"), "content");
      JsonObject *form = member_object (content, "application/x-www-form-urlencoded");

      if (form != NULL)
        body_schema = resolve (member_object (form, "schema"));
    }
  if (body_schema != NULL)
    {
      properties = member_object (body_schema, "properties");
      required = json_object_has_member (body_schema, "required")
                     ? json_object_get_array_member (body_schema, "required")
                     : NULL;
    }

  g_hash_table_iter_init (&iter, exchange->form);
  while (g_hash_table_iter_next (&iter, &name, &value))
    {
      g_autofree char *inner = g_strdup_printf ("%s form %s", where, (char *) name);

      if (properties == NULL || !json_object_has_member (properties, name))
        fail (failures, inner, "is not a form field of this operation");
      else
        check_parameter_value (value, member_object (properties, name), inner, failures);
    }

  for (guint i = 0; required != NULL && i < json_array_get_length (required); i++)
    {
      const char *field = json_array_get_string_element (required, i);

      if (!g_hash_table_contains (exchange->form, field))
        fail (failures, where, "lacks the required form field %s", field);
    }
}

static void
check_exchanges (FlexEmulator *emulator, GHashTable *operations_seen)
{
  g_autoptr (GPtrArray) failures = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *exchanges = flex_emulator_get_exchanges (emulator);

  g_assert_cmpuint (exchanges->len, >, 0);

  for (guint i = 0; i < exchanges->len; i++)
    {
      FlexEmulatorExchange *exchange = g_ptr_array_index (exchanges, i);
      g_autofree char *where =
          g_strdup_printf ("%s %s → %u", exchange->method, exchange->path, exchange->status);
      const char *spec_path = NULL;
      const char *spec_method = NULL;
      JsonObject *operation;
      JsonObject *responses;
      g_autofree char *status = NULL;

      if (exchange->operation_id == NULL)
        {
          fail (failures, where, "matches no operation of the spec");
          continue;
        }

      operation = find_operation (exchange->operation_id, &spec_path, &spec_method);
      if (operation == NULL)
        {
          fail (failures, where, "operation %s is not in the spec", exchange->operation_id);
          continue;
        }
      g_hash_table_add (operations_seen, (gpointer) exchange->operation_id);

      if (g_strcmp0 (spec_path, exchange->path_template) != 0)
        fail (failures, where, "served as %s, but the spec has %s at %s", exchange->path_template,
              exchange->operation_id, spec_path);
      if (g_ascii_strcasecmp (spec_method, exchange->method) != 0)
        fail (failures, where, "the spec has %s as %s", exchange->operation_id, spec_method);

      check_request (exchange, operation, where, failures);

      responses = member_object (operation, "responses");
      status = g_strdup_printf ("%u", exchange->status);
      if (json_object_has_member (responses, status))
        {
          JsonObject *response = member_object (responses, status);
          JsonObject *content = json_object_has_member (response, "content")
                                    ? member_object (response, "content")
                                    : NULL;

          if (content == NULL)
            {
              if (exchange->response != NULL)
                fail (failures, where, "has a body where the spec has none");
            }
          else if (exchange->response == NULL)
            fail (failures, where, "has no body where the spec has one");
          else
            check_value (exchange->response,
                         member_object (member_object (content, "application/json"), "schema"),
                         where, failures);
        }
      else if (exchange->status >= 400)
        check_error_body (exchange->response, exchange->status, where, failures);
      else
        fail (failures, where, "status %u is not a documented answer of %s", exchange->status,
              exchange->operation_id);
    }

  for (guint i = 0; i < failures->len; i++)
    g_test_message ("%s", (char *) g_ptr_array_index (failures, i));
  if (failures->len > 0)
    g_error ("%u conformance failures, first: %s", failures->len,
             (char *) g_ptr_array_index (failures, 0));
}

/* Driving the client */

static void
on_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Fixture *fixture = user_data;

  fixture->result = g_object_ref (result);
}

static GAsyncResult *
wait_result (Fixture *fixture)
{
  g_clear_object (&fixture->result);
  while (fixture->result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return fixture->result;
}

static JsonNode *
raw_request (Fixture *fixture,
             const char *method,
             const char *path_and_query,
             const char *const *form,
             GError **error)
{
  g_autofree char *url =
      g_strconcat (flex_emulator_get_base_url (fixture->emulator), path_and_query, NULL);

  flex_twilio_client_request_async (fixture->client, method, url, form, NULL, NULL, on_done,
                                    fixture);
  return flex_twilio_client_request_finish (fixture->client, wait_result (fixture), error);
}

static void
run_scenario (Fixture *fixture)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) data =
      json_from_string ("{\"name\":\"Ada\",\"phoneNumber\":\"+1312\"}", NULL);
  g_autoptr (FlexSyncItem) item = NULL;
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GString) big = g_string_new ("{\"x\":\"");
  g_autofree char *long_key = g_strnfill (321, 'k');
  g_autofree char *revision = NULL;
  g_autofree char *path = NULL;
  JsonNode *node;

  /* Missing map, open-or-create, then every map item operation. */
  revision = (flex_sync_map_fetch_async (fixture->map, NULL, on_done, fixture),
              flex_sync_map_fetch_finish (fixture->map, wait_result (fixture), &error));
  g_assert_error (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  flex_sync_map_create_item_async (fixture->map, "k-0", data, 3600, NULL, on_done, fixture);
  item = flex_sync_map_item_finish (fixture->map, wait_result (fixture), &error);
  g_assert_no_error (error);

  for (guint i = 1; i < 120; i++)
    {
      g_autofree char *key = g_strdup_printf ("k-%u", i);

      flex_emulator_put_item (fixture->emulator, MAP_NAME, key, "{\"name\":\"X\"}", 0, NULL);
    }

  flex_sync_map_list_items_async (fixture->map, NULL, on_done, fixture);
  items = flex_sync_map_list_items_finish (fixture->map, wait_result (fixture), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 120);

  flex_sync_map_get_item_async (fixture->map, "k-0", NULL, on_done, fixture);
  g_clear_pointer (&item, flex_sync_item_unref);
  item = flex_sync_map_item_finish (fixture->map, wait_result (fixture), &error);
  g_assert_no_error (error);

  flex_sync_map_update_item_async (fixture->map, "k-0", data, item->revision, NULL, on_done,
                                   fixture);
  g_clear_pointer (&item, flex_sync_item_unref);
  item = flex_sync_map_item_finish (fixture->map, wait_result (fixture), &error);
  g_assert_no_error (error);

  flex_sync_map_update_item_async (fixture->map, "k-0", data, "12345", NULL, on_done, fixture);
  g_assert_null (flex_sync_map_item_finish (fixture->map, wait_result (fixture), &error));
  g_assert_error (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_PRECONDITION_FAILED);
  g_clear_error (&error);

  flex_sync_map_create_item_async (fixture->map, "k-0", data, 0, NULL, on_done, fixture);
  g_assert_null (flex_sync_map_item_finish (fixture->map, wait_result (fixture), &error));
  g_assert_error (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_CONFLICT);
  g_clear_error (&error);

  flex_sync_map_delete_item_async (fixture->map, "k-0", item->revision, NULL, on_done, fixture);
  g_assert_true (flex_sync_map_delete_item_finish (fixture->map, wait_result (fixture), &error));
  g_assert_no_error (error);

  flex_sync_map_get_item_async (fixture->map, "k-0", NULL, on_done, fixture);
  g_assert_null (flex_sync_map_item_finish (fixture->map, wait_result (fixture), &error));
  g_assert_error (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  flex_sync_map_fetch_async (fixture->map, NULL, on_done, fixture);
  g_free (flex_sync_map_fetch_finish (fixture->map, wait_result (fixture), &error));
  g_assert_no_error (error);

  flex_sync_map_create_async (fixture->map, NULL, on_done, fixture);
  g_assert_null (flex_sync_map_create_finish (fixture->map, wait_result (fixture), &error));
  g_assert_error (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_CONFLICT);
  g_clear_error (&error);

  /* Emulator routes the app does not use yet, and limits, straight through
   * the client's request API. */
  node = raw_request (fixture, "GET", "/v1/Services/default/Maps?PageSize=2", NULL, &error);
  g_assert_no_error (error);
  json_node_unref (node);

  path = g_strdup_printf ("/v1/Services/default/Maps/%s", MAP_NAME);
  node = raw_request (fixture, "POST", path, (const char *[]){ "Ttl", "3600", NULL }, &error);
  g_assert_no_error (error);
  json_node_unref (node);

  g_free (path);
  path = g_strdup_printf ("/v1/Services/default/Maps/%s/Items", MAP_NAME);
  node = raw_request (fixture, "POST", path,
                      (const char *[]){ "Key", long_key, "Data", "{}", NULL }, &error);
  g_assert_error (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_INVALID);
  g_assert_cmpint (flex_twilio_error_get_twilio_code (error), ==, 54209);
  g_clear_error (&error);

  for (guint i = 0; i < 17 * 1024; i++)
    g_string_append_c (big, 'x');
  g_string_append (big, "\"}");
  node = raw_request (fixture, "POST", path,
                      (const char *[]){ "Key", "big", "Data", big->str, NULL }, &error);
  g_assert_error (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_TOO_LARGE);
  g_assert_cmpint (flex_twilio_error_get_twilio_code (error), ==, 54006);
  g_clear_error (&error);

  flex_emulator_set_auth (fixture->emulator, USERNAME, "another-secret");
  flex_sync_map_fetch_async (fixture->map, NULL, on_done, fixture);
  g_assert_null (flex_sync_map_fetch_finish (fixture->map, wait_result (fixture), &error));
  g_assert_error (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_UNAUTHORIZED);
  g_clear_error (&error);
  flex_emulator_set_auth (fixture->emulator, NULL, NULL);

  flex_sync_map_delete_async (fixture->map, NULL, on_done, fixture);
  g_assert_true (flex_sync_map_delete_finish (fixture->map, wait_result (fixture), &error));
  g_assert_no_error (error);
}

static void
test_sync_conformance (void)
{
  static const char *expected_operations[] = {
    "ListSyncMap",       "CreateSyncMap",     "FetchSyncMap",      "UpdateSyncMap",
    "DeleteSyncMap",     "ListSyncMapItem",   "CreateSyncMapItem", "FetchSyncMapItem",
    "UpdateSyncMapItem", "DeleteSyncMapItem",
  };
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GError) error = NULL;
  Fixture fixture = { 0 };

  fixture.emulator = flex_emulator_new ();
  flex_emulator_listen (fixture.emulator, 0, &error);
  g_assert_no_error (error);
  fixture.client = flex_twilio_client_new (USERNAME, "secret");
  flex_twilio_client_set_base_url (fixture.client, FLEX_TWILIO_API_SYNC,
                                   flex_emulator_get_base_url (fixture.emulator), &error);
  g_assert_no_error (error);
  fixture.map = flex_sync_map_new (fixture.client, "default", MAP_NAME);

  run_scenario (&fixture);
  check_exchanges (fixture.emulator, seen);

  /* The scenario really covered every Sync map operation the emulator serves. */
  for (guint i = 0; i < G_N_ELEMENTS (expected_operations); i++)
    if (!g_hash_table_contains (seen, expected_operations[i]))
      g_error ("the scenario never used %s", expected_operations[i]);

  g_clear_object (&fixture.result);
  g_assert_finalize_object (fixture.map);
  g_assert_finalize_object (fixture.client);
  g_assert_finalize_object (fixture.emulator);
}

static void
on_session_loaded (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_assert_true (flex_session_load_finish (FLEX_SESSION (object), result, NULL));
  *(gboolean *) user_data = TRUE;
}

static void
on_dialled (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *sid = flex_dialer_dial_finish (FLEX_DIALER (object), result, &error);

  g_assert_no_error (error);
  g_assert_nonnull (sid);
  *(gboolean *) user_data = TRUE;
}

/* What the app reads of Flex and TaskRouter, and the call it raises. */
static void
test_taskrouter_flex_conformance (void)
{
  static const char *expected_operations[] = {
    "FetchConfiguration",
    "ListWorker",
    "FetchWorker",
    "CreateTask",
  };
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (FlexFeatureConfig) config = flex_feature_config_new ();
  g_autoptr (FlexSession) session = NULL;
  g_autoptr (FlexDialer) dialer = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) answer = NULL;
  g_autofree char *configuration = NULL;
  g_autofree char *worker_sid = NULL;
  g_autofree char *workers_path = NULL;
  g_autofree char *tasks_path = NULL;
  g_autofree char *missing_path = NULL;
  Fixture fixture = { 0 };
  gboolean done = FALSE;
  const char *bad_task[] = { "WorkflowSid", "WW00000000000000000000000000000000", "Attributes",
                             "{}", NULL };

  fixture.emulator = flex_emulator_new ();
  flex_emulator_listen (fixture.emulator, 0, &error);
  g_assert_no_error (error);
  fixture.client = flex_twilio_client_new (USERNAME, "secret");
  for (FlexTwilioApi api = 0; api < FLEX_TWILIO_N_APIS; api++)
    {
      flex_twilio_client_set_base_url (fixture.client, api,
                                       flex_emulator_get_base_url (fixture.emulator), &error);
      g_assert_no_error (error);
    }

  worker_sid = flex_emulator_add_worker (
      fixture.emulator, "alex.agent@example.com",
      "{\"roles\":[\"agent\"],\"selectedCallerId\":\"+18005550100\"}", TRUE);
  configuration = g_strdup_printf (
      "{\"taskrouter_workspace_sid\":\"%s\",\"taskrouter_offline_activity_sid\":\"%s\","
      "\"outbound_call_flows\":{\"default\":{\"enabled\":true,\"workflow_sid\":\"%s\","
      "\"queue_sid\":\"%s\",\"caller_id\":\"+18005550100\",\"location\":\"US\"}}}",
      flex_emulator_get_workspace_sid (fixture.emulator),
      flex_emulator_get_offline_activity_sid (fixture.emulator),
      flex_emulator_get_workflow_sid (fixture.emulator),
      flex_emulator_get_task_queue_sid (fixture.emulator));
  g_assert_true (flex_emulator_set_configuration (fixture.emulator, configuration, &error));

  /* FetchConfiguration and FetchWorker, as the app loads. */
  session = flex_session_new (fixture.client, flex_emulator_get_account_sid (fixture.emulator),
                              worker_sid, "default", config);
  flex_session_set_poll_interval (session, 0);
  flex_session_load_async (session, NULL, on_session_loaded, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);

  /* CreateTask, as a call does. */
  dialer = flex_dialer_new (session);
  done = FALSE;
  flex_dialer_dial_async (dialer, "+13125550142", "Amelia Watson", NULL, on_dialled, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);

  /* ListWorker by friendly name, and the error answers. */
  workers_path = g_strdup_printf ("/v1/Workspaces/%s/Workers?FriendlyName=%s&PageSize=50",
                                  flex_emulator_get_workspace_sid (fixture.emulator),
                                  "alex.agent%40example.com");
  answer = raw_request (&fixture, "GET", workers_path, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&answer, json_node_unref);

  missing_path = g_strdup_printf ("/v1/Workspaces/%s/Workers/WK00000000000000000000000000000000",
                                  flex_emulator_get_workspace_sid (fixture.emulator));
  answer = raw_request (&fixture, "GET", missing_path, NULL, &error);
  g_assert_error (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  tasks_path = g_strdup_printf ("/v1/Workspaces/%s/Tasks",
                                flex_emulator_get_workspace_sid (fixture.emulator));
  answer = raw_request (&fixture, "POST", tasks_path, bad_task, &error);
  g_assert_error (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_INVALID);
  g_clear_error (&error);

  while (g_main_context_iteration (NULL, FALSE))
    ;
  check_exchanges (fixture.emulator, seen);
  for (guint i = 0; i < G_N_ELEMENTS (expected_operations); i++)
    if (!g_hash_table_contains (seen, expected_operations[i]))
      g_error ("the scenario never used %s", expected_operations[i]);

  g_clear_object (&fixture.result);
  g_clear_object (&dialer);
  g_assert_finalize_object (g_steal_pointer (&session));
  g_assert_finalize_object (fixture.client);
  g_assert_finalize_object (fixture.emulator);
}

/* The checker itself must catch drift: feed it answers that break the spec. */
static void
test_checker_catches_drift (void)
{
  g_autoptr (GPtrArray) failures = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (JsonNode) item = json_from_string (
      "{\"key\":\"k\",\"account_sid\":\"AC00000000000000000000000000000000\","
      "\"service_sid\":\"IS00000000000000000000000000000000\","
      "\"map_sid\":\"MP00000000000000000000000000000000\",\"url\":\"http://127.0.0.1/x\","
      "\"revision\":\"0\",\"data\":{},\"date_expires\":null,"
      "\"date_created\":\"2024-03-19T18:25:27Z\",\"date_updated\":\"2024-03-19T18:25:27Z\","
      "\"created_by\":\"system\"}",
      NULL);
  JsonObject *object = json_node_get_object (item);
  JsonObject *schema;

  spec = json_node_get_object (json_parser_get_root (spec_parsers[0]));
  schema = member_object (member_object (member_object (spec, "components"), "schemas"),
                          "sync.v1.service.sync_map.sync_map_item");

  check_value (item, schema, "good item", failures);
  g_assert_cmpuint (failures->len, ==, 0);

  json_object_remove_member (object, "created_by");
  check_value (item, schema, "missing property", failures);
  g_assert_cmpuint (failures->len, ==, 1);

  json_object_set_int_member (object, "created_by", 1);
  json_object_set_string_member (object, "date_created", "3/19/2024, 6:25:27 PM");
  json_object_set_string_member (object, "map_sid", "XX123");
  check_value (item, schema, "wrong types", failures);
  g_assert_cmpuint (failures->len, ==, 5);
}

int
main (int argc, char *argv[])
{
  g_autoptr (GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (spec_files); i++)
    {
      g_autofree char *path =
          g_test_build_filename (G_TEST_DIST, "twilio-oai", spec_files[i], NULL);

      spec_parsers[i] = json_parser_new ();
      json_parser_load_from_file (spec_parsers[i], path, &error);
      g_assert_no_error (error);
    }
  spec = json_node_get_object (json_parser_get_root (spec_parsers[0]));

  g_test_add_func ("/conformance/checker-catches-drift", test_checker_catches_drift);
  g_test_add_func ("/conformance/sync", test_sync_conformance);
  g_test_add_func ("/conformance/taskrouter-and-flex", test_taskrouter_flex_conformance);

  ret = g_test_run ();
  for (guint i = 0; i < G_N_ELEMENTS (spec_parsers); i++)
    g_clear_object (&spec_parsers[i]);
  return ret;
}
