/* flex-event-bridge-request.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flex-event-bridge"

#include "config.h"

#include "flex-event-bridge.h"

#include <libsoup/soup.h>
#include <string.h>

#include "flex-json.h"
#include "flex-twilio-error.h"

/*
 * TaskRouter through EventBridge's requests (FLEX-SESSION.md §3): what a
 * client signed in with a Flex token sends instead of a REST call, since
 * TaskRouter's REST API takes account credentials only.
 *
 *   POST {event bridge}/v1/wschannels   apiVersion: v1 (v2: reservation lists)
 *   {"url":"Workspaces/WS…/…","method":"GET"|"POST","params":{…},"token":…}
 *   → {"payload": …}; lists {"payload":{"contents":[…],"after_sid":…}}
 *
 * The REST request the TaskRouter client built (its URL, query and form) is
 * turned into that body, and the answer back into the REST shape.
 */

#define EVENT_BRIDGE_REST_URL "https://event-bridge.twilio.com"

/**
 * flex_event_bridge_rest_url_from_environment:
 *
 * Where EventBridge's requests go: the scheme (ws → http, wss → https), host
 * and port of flex_event_bridge_url_from_environment(), else Twilio's.
 *
 * Returns: (transfer full): a base URL, without a path
 */
char *
flex_event_bridge_rest_url_from_environment (void)
{
  g_autofree char *socket_url = flex_event_bridge_url_from_environment ();
  g_autoptr (GUri) uri = NULL;
  g_autoptr (GUri) rest = NULL;
  const char *scheme;

  if (socket_url == NULL)
    return g_strdup (EVENT_BRIDGE_REST_URL);
  uri = g_uri_parse (socket_url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return g_strdup (EVENT_BRIDGE_REST_URL);
  scheme = g_ascii_strcasecmp (g_uri_get_scheme (uri), "ws") == 0 ? "http" : "https";
  rest = g_uri_build (G_URI_FLAGS_NONE, scheme, NULL, g_uri_get_host (uri), g_uri_get_port (uri),
                      "", NULL, NULL);
  return g_uri_to_string (rest);
}

/* The TaskRouter path after `/v1/`, its query parameters and the list's
 * name ("Activities" → "activities"). */
static gboolean
split_url (
    const char *taskrouter_url, char **path, GHashTable **query, char **list_name, GError **error)
{
  g_autoptr (GUri) uri = g_uri_parse (taskrouter_url, G_URI_FLAGS_ENCODED, NULL);
  const char *full = uri != NULL ? g_uri_get_path (uri) : NULL;
  const char *last;

  if (full == NULL || !g_str_has_prefix (full, "/v1/") || strstr (full, "..") != NULL)
    {
      flex_twilio_set_error (error, FLEX_TWILIO_ERROR_INVALID, 0, 0, NULL,
                             "“%s” is not a TaskRouter v1 request", taskrouter_url);
      return FALSE;
    }
  *path = g_uri_unescape_string (full + 4, NULL);
  if (*path == NULL)
    {
      flex_twilio_set_error (error, FLEX_TWILIO_ERROR_INVALID, 0, 0, NULL,
                             "“%s” is not a TaskRouter v1 request", taskrouter_url);
      return FALSE;
    }
  *query = g_uri_get_query (uri) != NULL
               ? g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_NONE, NULL)
               : NULL;
  if (*query == NULL)
    *query = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  last = strrchr (*path, '/');
  *list_name = g_ascii_strdown (last != NULL ? last + 1 : *path, -1);
  return TRUE;
}

/**
 * flex_event_bridge_wrap_request:
 * @taskrouter_url: the REST URL the TaskRouter client built
 *   (`…/v1/Workspaces/WS…/Workers/WK…?PageSize=50`)
 * @method: `GET` or `POST`
 * @form: (nullable) (array zero-terminated=1): the form fields, key, value, …
 * @token: the Flex token (or an access token with a `task_router` grant)
 * @api_version: (out): the `apiVersion` header to send
 *
 * Returns: (transfer full) (nullable): the JSON body of the EventBridge
 *   request
 */
GBytes *
flex_event_bridge_wrap_request (const char *taskrouter_url,
                                const char *method,
                                const char *const *form,
                                const char *token,
                                const char **api_version,
                                GError **error)
{
  g_autofree char *path = NULL;
  g_autofree char *list_name = NULL;
  g_autoptr (GHashTable) query = NULL;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *text = NULL;
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (taskrouter_url != NULL && method != NULL && token != NULL, NULL);

  if (!g_str_equal (method, "GET") && !g_str_equal (method, "POST"))
    {
      flex_twilio_set_error (error, FLEX_TWILIO_ERROR_INVALID, 0, 0, NULL,
                             "EventBridge takes GET and POST requests only, not %s", method);
      return NULL;
    }
  if (!split_url (taskrouter_url, &path, &query, &list_name, error))
    return NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "url");
  json_builder_add_string_value (builder, path);
  json_builder_set_member_name (builder, "method");
  json_builder_add_string_value (builder, method);
  json_builder_set_member_name (builder, "params");
  json_builder_begin_object (builder);
  g_hash_table_iter_init (&iter, query);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      json_builder_set_member_name (builder, key);
      json_builder_add_string_value (builder, value);
    }
  for (guint i = 0; form != NULL && form[i] != NULL && form[i + 1] != NULL; i += 2)
    {
      json_builder_set_member_name (builder, form[i]);
      json_builder_add_string_value (builder, form[i + 1]);
    }
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "token");
  json_builder_add_string_value (builder, token);
  json_builder_end_object (builder);

  /* Reservation lists are version 2 (twilio-taskrouter's Worker). */
  *api_version =
      g_str_equal (method, "GET") && g_str_equal (list_name, "reservations") ? "v2" : "v1";
  root = json_builder_get_root (builder);
  text = json_to_string (root, FALSE);
  {
    gsize length = strlen (text);

    return g_bytes_new_take (g_steal_pointer (&text), length);
  }
}

/**
 * flex_event_bridge_unwrap_answer:
 * @answer: the JSON answer of EventBridge (`{"payload": …}`)
 * @taskrouter_url: the REST URL the request stood for
 *
 * A list (`{"contents":[…],"after_sid":…}`) becomes a REST page named after
 * the list (`{"activities":[…],"meta":{"next_page_url":…}}`), its next page
 * the same URL with `AfterSid`; anything else is the payload itself.
 *
 * Returns: (transfer full) (nullable): what TaskRouter's REST API would
 *   have answered
 */
JsonNode *
flex_event_bridge_unwrap_answer (JsonNode *answer, const char *taskrouter_url, GError **error)
{
  JsonObject *object =
      answer != NULL && JSON_NODE_HOLDS_OBJECT (answer) ? json_node_get_object (answer) : NULL;
  JsonNode *payload = object != NULL ? json_object_get_member (object, "payload") : NULL;
  JsonObject *list;
  JsonNode *contents;
  const char *after_sid;
  g_autofree char *path = NULL;
  g_autofree char *list_name = NULL;
  g_autoptr (GHashTable) query = NULL;
  g_autoptr (JsonBuilder) builder = NULL;

  if (payload == NULL)
    {
      flex_twilio_set_error (error, FLEX_TWILIO_ERROR_MALFORMED, 0, 0, NULL,
                             "EventBridge answered without a payload");
      return NULL;
    }
  list = JSON_NODE_HOLDS_OBJECT (payload) ? json_node_get_object (payload) : NULL;
  contents = list != NULL ? json_object_get_member (list, "contents") : NULL;
  if (contents == NULL)
    return json_node_copy (payload);
  if (!JSON_NODE_HOLDS_ARRAY (contents) ||
      !split_url (taskrouter_url, &path, &query, &list_name, error))
    {
      if (error != NULL && *error == NULL)
        flex_twilio_set_error (error, FLEX_TWILIO_ERROR_MALFORMED, 0, 0, NULL,
                               "EventBridge's list has no contents");
      return NULL;
    }

  after_sid = flex_json_string_member (list, "after_sid");
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, list_name);
  json_builder_add_value (builder, json_node_copy (contents));
  json_builder_set_member_name (builder, "meta");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "key");
  json_builder_add_string_value (builder, list_name);
  json_builder_set_member_name (builder, "next_page_url");
  if (after_sid != NULL && *after_sid != '\0' &&
      json_array_get_length (json_node_get_array (contents)) > 0)
    {
      g_autoptr (GUri) uri = g_uri_parse (taskrouter_url, G_URI_FLAGS_ENCODED, NULL);
      g_autoptr (GUri) next = NULL;
      g_autofree char *next_query = NULL;
      g_autofree char *next_url = NULL;

      g_hash_table_replace (query, g_strdup ("AfterSid"), g_strdup (after_sid));
      next_query = soup_form_encode_hash (query);
      next = g_uri_build (G_URI_FLAGS_ENCODED, g_uri_get_scheme (uri), NULL, g_uri_get_host (uri),
                          g_uri_get_port (uri), g_uri_get_path (uri), next_query, NULL);
      next_url = g_uri_to_string (next);
      json_builder_add_string_value (builder, next_url);
    }
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}
