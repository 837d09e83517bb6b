/* flex-twilsock-frame.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flex-twilsock"

#include "config.h"

#include <string.h>

#include "flex-json.h"
#include "flex-twilsock-frame.h"
#include "flex-twilio-error.h"

/*
 * The Twilsock V3.0 frame (SYNC-PUSH.md §2):
 *
 *   "TWILSOCK V3.0 " <header bytes, decimal> "\r\n" <header JSON> "\r\n" <payload>
 *
 * with `payload_size` in the header giving the payload's bytes. Lengths are
 * bytes, not characters. The decoder is a stream: a WebSocket message may
 * hold several frames, or a part of one; bytes are pushed as they come and
 * whole frames taken out. Anything that is not a frame is an error, after
 * which the decoder is empty again (the caller drops the connection).
 */

#define MAGIC          "TWILSOCK"
#define VERSION        "V3.0"
#define MAX_MAGIC_LINE 40
#define MAX_HEADER     (256 * 1024)

struct _FlexTwilsockDecoder
{
  GByteArray *buffer;
};

/**
 * flex_twilsock_frame_encode:
 * @header: the header; its `payload_size` is set here
 * @payload: (nullable): the payload bytes (usually JSON)
 * @payload_length: its length, or -1 when NUL-terminated
 *
 * Returns: (transfer full): the frame
 */
GBytes *
flex_twilsock_frame_encode (JsonObject *header, const char *payload, gssize payload_length)
{
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *header_text = NULL;
  GByteArray *frame;
  gsize header_length;
  char magic[64];

  if (payload == NULL)
    payload_length = 0;
  else if (payload_length < 0)
    payload_length = strlen (payload);

  json_object_set_int_member (header, "payload_size", payload_length);
  json_node_set_object (root, header);
  json_generator_set_root (generator, root);
  header_text = json_generator_to_data (generator, &header_length);

  g_snprintf (magic, sizeof magic, MAGIC " " VERSION " %" G_GSIZE_FORMAT "\r\n", header_length);
  frame = g_byte_array_sized_new (strlen (magic) + header_length + 2 + payload_length);
  g_byte_array_append (frame, (const guint8 *) magic, strlen (magic));
  g_byte_array_append (frame, (const guint8 *) header_text, header_length);
  g_byte_array_append (frame, (const guint8 *) "\r\n", 2);
  if (payload_length > 0)
    g_byte_array_append (frame, (const guint8 *) payload, payload_length);

  return g_byte_array_free_to_bytes (frame);
}

FlexTwilsockDecoder *
flex_twilsock_decoder_new (void)
{
  FlexTwilsockDecoder *self = g_new0 (FlexTwilsockDecoder, 1);

  self->buffer = g_byte_array_new ();
  return self;
}

void
flex_twilsock_decoder_free (FlexTwilsockDecoder *self)
{
  if (self == NULL)
    return;
  g_byte_array_unref (self->buffer);
  g_free (self);
}

void
flex_twilsock_decoder_push (FlexTwilsockDecoder *self, const guint8 *data, gsize length)
{
  g_return_if_fail (self != NULL);
  g_byte_array_append (self->buffer, data, length);
}

gsize
flex_twilsock_decoder_get_pending (FlexTwilsockDecoder *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->buffer->len;
}

void
flex_twilsock_decoder_reset (FlexTwilsockDecoder *self)
{
  g_return_if_fail (self != NULL);
  g_byte_array_set_size (self->buffer, 0);
}

static gboolean
fail (FlexTwilsockDecoder *self, GError **error, const char *format, ...) G_GNUC_PRINTF (3, 4);

static gboolean
fail (FlexTwilsockDecoder *self, GError **error, const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  flex_twilsock_decoder_reset (self);
  flex_twilio_set_error (error, FLEX_TWILIO_ERROR_MALFORMED, 0, 0, NULL, "Twilsock: %s", message);
  return FALSE;
}

/* Parses the magic line "TWILSOCK V3.0 <n>\r\n". Returns its length, 0 when
 * incomplete, -1 on error. */
static gssize
parse_magic (FlexTwilsockDecoder *self, gsize *header_length, GError **error)
{
  const guint8 *data = self->buffer->data;
  gsize available = self->buffer->len;
  gsize end = 0;
  g_autofree char *line = NULL;
  g_auto (GStrv) parts = NULL;
  guint64 value;

  /* The magic must be right from the first byte. */
  if (memcmp (data, MAGIC, MIN (available, strlen (MAGIC))) != 0)
    {
      fail (self, error, "not a frame (bad magic)");
      return -1;
    }

  while (end + 1 < available && end < MAX_MAGIC_LINE &&
         !(data[end] == '\r' && data[end + 1] == '\n'))
    end++;
  if (end >= MAX_MAGIC_LINE)
    {
      fail (self, error, "the magic line is too long");
      return -1;
    }
  if (end + 1 >= available)
    return 0;

  line = g_strndup ((const char *) data, end);
  parts = g_strsplit (line, " ", -1);
  if (g_strv_length (parts) != 3 || !g_str_equal (parts[0], MAGIC))
    {
      fail (self, error, "not a frame (bad magic)");
      return -1;
    }
  if (!g_str_equal (parts[1], VERSION))
    {
      fail (self, error, "unsupported protocol version “%s”", parts[1]);
      return -1;
    }
  if (!g_ascii_string_to_unsigned (parts[2], 10, 1, MAX_HEADER, &value, NULL))
    {
      fail (self, error, "bad header length “%s”", parts[2]);
      return -1;
    }

  *header_length = (gsize) value;
  return (gssize) end + 2;
}

/**
 * flex_twilsock_decoder_next:
 * @header: (out) (transfer full): the header of the next whole frame
 * @payload: (out) (transfer full): its payload (maybe empty)
 *
 * Returns: %TRUE with a frame; %FALSE without @error when more bytes are
 *   needed; %FALSE with @error when the stream is not Twilsock (the decoder
 *   is then empty)
 */
gboolean
flex_twilsock_decoder_next (FlexTwilsockDecoder *self,
                            JsonObject **header,
                            GBytes **payload,
                            GError **error)
{
  g_autoptr (JsonParser) parser = NULL;
  g_autoptr (GError) local_error = NULL;
  JsonObject *object;
  JsonNode *root;
  JsonNode *size_node;
  gsize header_length = 0;
  gssize magic_length;
  gint64 payload_size = 0;
  gsize frame_length;

  g_return_val_if_fail (self != NULL, FALSE);

  if (self->buffer->len == 0)
    return FALSE;

  magic_length = parse_magic (self, &header_length, error);
  if (magic_length <= 0)
    return FALSE;
  if (self->buffer->len < magic_length + header_length + 2)
    return FALSE;

  if (memcmp (self->buffer->data + magic_length + header_length, "\r\n", 2) != 0)
    return fail (self, error, "the header is not %" G_GSIZE_FORMAT " bytes long", header_length);

  parser = json_parser_new ();
  if (!flex_json_parser_load (parser, (const char *) self->buffer->data + magic_length,
                              header_length, &local_error))
    return fail (self, error, "the header is not JSON: %s", local_error->message);
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return fail (self, error, "the header is not a JSON object");
  object = json_node_get_object (root);
  if (flex_json_string_member (object, "method") == NULL)
    return fail (self, error, "the header has no method");

  size_node = json_object_get_member (object, "payload_size");
  if (size_node != NULL && !JSON_NODE_HOLDS_NULL (size_node))
    {
      if (json_node_get_value_type (size_node) != G_TYPE_INT64)
        return fail (self, error, "payload_size is not a number");
      payload_size = json_node_get_int (size_node);
    }
  if (payload_size < 0 || payload_size > FLEX_TWILSOCK_MAX_FRAME)
    return fail (self, error, "payload_size %" G_GINT64_FORMAT " is out of range", payload_size);

  frame_length = magic_length + header_length + 2 + payload_size;
  if (self->buffer->len < frame_length)
    return FALSE;

  *header = json_object_ref (object);
  *payload = g_bytes_new (self->buffer->data + magic_length + header_length + 2, payload_size);
  g_byte_array_remove_range (self->buffer, 0, frame_length);
  return TRUE;
}

/**
 * flex_twilsock_payload_parse:
 *
 * Parses a JSON payload (`payload_type` missing or `application/json`).
 *
 * Returns: (transfer full) (nullable): the payload, or %NULL when it is
 *   empty, or with @error when it is not JSON
 */
JsonNode *
flex_twilsock_payload_parse (JsonObject *header, GBytes *payload, GError **error)
{
  const char *type = flex_json_string_member (header, "payload_type");
  g_autoptr (JsonParser) parser = NULL;
  g_autoptr (GError) local_error = NULL;
  gsize size;
  const char *data = g_bytes_get_data (payload, &size);

  if (size == 0)
    return NULL;
  if (type != NULL && !g_str_has_prefix (type, "application/json"))
    {
      if (g_str_has_prefix (type, "text/plain"))
        {
          JsonNode *node = json_node_new (JSON_NODE_VALUE);
          g_autofree char *text = g_utf8_make_valid (data, (gssize) size);

          json_node_set_string (node, text);
          return node;
        }
      flex_twilio_set_error (error, FLEX_TWILIO_ERROR_MALFORMED, 0, 0, NULL,
                             "Twilsock: unknown payload type “%s”", type);
      return NULL;
    }

  parser = json_parser_new ();
  if (!flex_json_parser_load (parser, data, size, &local_error))
    {
      flex_twilio_set_error (error, FLEX_TWILIO_ERROR_MALFORMED, 0, 0, NULL,
                             "Twilsock: the payload is not JSON: %s", local_error->message);
      return NULL;
    }
  return json_parser_steal_root (parser);
}
