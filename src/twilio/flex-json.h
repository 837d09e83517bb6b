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

G_END_DECLS
