/* flex-json.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flex-json"

#include "config.h"

#include "flex-json.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* The bounded reader. json-glib 1.6 parses recursively with no limit of
 * depth: ~80,000 nested brackets overflow the stack. Every JSON text from
 * outside (REST answers and error bodies, Twilsock headers and payloads,
 * the snapshot, session and outbox files, worker attributes) is measured
 * here first, in one pass that does not recurse. */

G_DEFINE_QUARK (flex - json - error - quark, flex_json_error)

/**
 * flex_json_check:
 * @data: (array length=length): JSON text
 * @max_depth: the deepest nesting of arrays and objects allowed
 * @max_bytes: the longest text allowed
 *
 * Returns: %FALSE with %FLEX_JSON_ERROR_TOO_DEEP or %FLEX_JSON_ERROR_TOO_LARGE
 *   when @data is over a bound; it does not check that @data is JSON
 */
gboolean
flex_json_check (const char *data, gsize length, guint max_depth, gsize max_bytes, GError **error)
{
  gboolean in_string = FALSE;
  guint depth = 0;

  if (length > max_bytes)
    {
      g_set_error (error, FLEX_JSON_ERROR, FLEX_JSON_ERROR_TOO_LARGE,
                   "The JSON text is larger than %" G_GSIZE_FORMAT " bytes", max_bytes);
      return FALSE;
    }
  for (gsize i = 0; i < length; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }
      if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        {
          if (++depth > max_depth)
            {
              g_set_error (error, FLEX_JSON_ERROR, FLEX_JSON_ERROR_TOO_DEEP,
                           "The JSON text is nested deeper than %u levels", max_depth);
              return FALSE;
            }
        }
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }
  return TRUE;
}

/**
 * flex_json_parser_load:
 *
 * json_parser_load_from_data() within %FLEX_JSON_MAX_DEPTH and
 * %FLEX_JSON_MAX_BYTES.
 */
gboolean
flex_json_parser_load (JsonParser *parser, const char *data, gsize length, GError **error)
{
  g_return_val_if_fail (JSON_IS_PARSER (parser), FALSE);

  if (!flex_json_check (data, length, FLEX_JSON_MAX_DEPTH, FLEX_JSON_MAX_BYTES, error))
    return FALSE;
  return json_parser_load_from_data (parser, data, (gssize) length, error);
}

/**
 * flex_json_from_string:
 *
 * Returns: (transfer full) (nullable): json_from_string() within the bounds
 *   of flex_json_parser_load()
 */
JsonNode *
flex_json_from_string (const char *text, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();

  g_return_val_if_fail (text != NULL, NULL);

  if (!flex_json_parser_load (parser, text, strlen (text), error))
    return NULL;
  if (json_parser_get_root (parser) == NULL)
    {
      g_set_error_literal (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_PARSE, "Empty JSON text");
      return NULL;
    }
  return json_node_ref (json_parser_get_root (parser));
}

/* Opens a file of ours (the cache's, the outbox): a regular file, never through a link (sign-out
 * deletes what is here) nor a FIFO (it would hang the start), mapped, not
 * read into a copy (1.6 MiB for 10,000 contacts), and parsed with bounds. */
/**
 * flex_json_parser_load_file:
 *
 * Returns: %FALSE with %G_IO_ERROR_NOT_FOUND when there is no file
 */
gboolean
flex_json_parser_load_file (JsonParser *parser, const char *path, GError **error)
{
  g_autoptr (GMappedFile) mapped = NULL;
  g_autoptr (GError) local_error = NULL;
  struct stat info;
  int fd;

  fd = g_open (path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int saved_errno = errno;

      if (saved_errno == ENOENT || saved_errno == ENOTDIR)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "No cache at %s", path);
      else
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "%s",
                     g_strerror (saved_errno));
      return FALSE;
    }
  if (fstat (fd, &info) != 0 || !S_ISREG (info.st_mode))
    {
      close (fd);
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "not a regular file");
      return FALSE;
    }
  mapped = g_mapped_file_new_from_fd (fd, FALSE, &local_error);
  close (fd);
  if (mapped == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  /* An empty file maps to no contents at all. */
  if (g_mapped_file_get_length (mapped) == 0)
    return flex_json_parser_load (parser, "", 0, error);
  return flex_json_parser_load (parser, g_mapped_file_get_contents (mapped),
                                g_mapped_file_get_length (mapped), error);
}
