/* flex-contact.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "flex-sync-map.h"

G_BEGIN_DECLS

#define FLEX_TYPE_CONTACT (flex_contact_get_type ())

G_DECLARE_FINAL_TYPE (FlexContact, flex_contact, FLEX, CONTACT, GObject)

FlexContact *
flex_contact_new (const char *key, const char *name, const char *phone_number, const char *notes);
FlexContact *flex_contact_new_from_item (const FlexSyncItem *item, GError **error);
FlexContact *flex_contact_copy (FlexContact *self);
JsonNode *flex_contact_to_json (FlexContact *self, gboolean shared);
gboolean flex_contact_equal (FlexContact *a, FlexContact *b);
FlexContact *flex_contact_merge (FlexContact *base, FlexContact *mine, FlexContact *theirs);

const char *flex_contact_get_key (FlexContact *self);
const char *flex_contact_get_name (FlexContact *self);
const char *flex_contact_get_phone_number (FlexContact *self);
const char *flex_contact_get_notes (FlexContact *self);
gboolean flex_contact_get_allow_cold_transfer (FlexContact *self);
gboolean flex_contact_get_allow_warm_transfer (FlexContact *self);
const char *flex_contact_get_revision (FlexContact *self);
const char *flex_contact_get_sort_key (FlexContact *self);
const char *flex_contact_get_search_text (FlexContact *self);

void flex_contact_set_name (FlexContact *self, const char *name);
void flex_contact_set_phone_number (FlexContact *self, const char *phone_number);
void flex_contact_set_notes (FlexContact *self, const char *notes);
void flex_contact_set_allow_cold_transfer (FlexContact *self, gboolean allow);
void flex_contact_set_allow_warm_transfer (FlexContact *self, gboolean allow);
void flex_contact_set_key (FlexContact *self, const char *key);
void flex_contact_set_revision (FlexContact *self, const char *revision);

/**
 * FlexContactSync:
 * @FLEX_CONTACT_SYNCED: as on the server
 * @FLEX_CONTACT_PENDING: an edit waiting in the outbox
 * @FLEX_CONTACT_CONFLICT: an edit the server refused: it has a newer version
 */
typedef enum
{
  FLEX_CONTACT_SYNCED,
  FLEX_CONTACT_PENDING,
  FLEX_CONTACT_CONFLICT,
} FlexContactSync;

FlexContactSync flex_contact_get_sync (FlexContact *self);
void flex_contact_set_sync (FlexContact *self, FlexContactSync sync);

G_END_DECLS
