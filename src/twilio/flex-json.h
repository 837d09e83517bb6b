/* flex-json.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Members of remote JSON that may be missing, null or of another type:
 * json-glib 1.6's own getters are critical about all three. */
JsonObject *flex_json_object_member (JsonObject *object, const char *name);
JsonArray *flex_json_array_member (JsonObject *object, const char *name);
const char *flex_json_string_member (JsonObject *object, const char *name);
gint64 flex_json_int_member (JsonObject *object, const char *name, gint64 fallback);

/* Bounds of every JSON text from outside: far deeper than anything Twilio
 * or our files nest (a few levels), far shallower than the stack allows;
 * the size of a snapshot of 100,000 contacts several times over. */
#define FLEX_JSON_MAX_DEPTH 64
#define FLEX_JSON_MAX_BYTES (256 * 1024 * 1024)

#define FLEX_JSON_ERROR (flex_json_error_quark ())

typedef enum
{
  FLEX_JSON_ERROR_TOO_DEEP,
  FLEX_JSON_ERROR_TOO_LARGE,
} FlexJsonError;

GQuark flex_json_error_quark (void);
gboolean
flex_json_check (const char *data, gsize length, guint max_depth, gsize max_bytes, GError **error);
gboolean flex_json_parser_load (JsonParser *parser, const char *data, gsize length, GError **error);
gboolean flex_json_parser_load_file (JsonParser *parser, const char *path, GError **error);
JsonNode *flex_json_from_string (const char *text, GError **error);

G_END_DECLS
