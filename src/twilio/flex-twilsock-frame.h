/* flex-twilsock-frame.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The largest frame we accept: a page of 100 items of 16 KiB, with room. */
#define FLEX_TWILSOCK_MAX_FRAME (8 * 1024 * 1024)

GBytes *flex_twilsock_frame_encode (JsonObject *header, const char *payload, gssize payload_length);

typedef struct _FlexTwilsockDecoder FlexTwilsockDecoder;

FlexTwilsockDecoder *flex_twilsock_decoder_new (void);
void flex_twilsock_decoder_free (FlexTwilsockDecoder *self);
void flex_twilsock_decoder_push (FlexTwilsockDecoder *self, const guint8 *data, gsize length);
gboolean flex_twilsock_decoder_next (FlexTwilsockDecoder *self,
                                     JsonObject **header,
                                     GBytes **payload,
                                     GError **error);
gsize flex_twilsock_decoder_get_pending (FlexTwilsockDecoder *self);
void flex_twilsock_decoder_reset (FlexTwilsockDecoder *self);

JsonNode *flex_twilsock_payload_parse (JsonObject *header, GBytes *payload, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlexTwilsockDecoder, flex_twilsock_decoder_free)

G_END_DECLS
