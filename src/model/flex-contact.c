/* flex-contact.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flex-contact"

#include "config.h"

#include "flex-contact.h"
#include "flex-search.h"
#include "flex-model-error.h"

/*
 * FlexContact: one item of a "Contacts_…" map, in the Flex plugin's format
 * (DESIGN.md §2): {"key", "name", "phoneNumber", "notes"} and, on shared
 * contacts, "allowColdTransfer" and "allowWarmTransfer". Fields this version
 * does not know are kept and written back unchanged.
 */

struct _FlexContact
{
  GObject parent_instance;

  char *key;
  char *name;
  char *phone_number;
  char *notes;
  gboolean allow_cold_transfer;
  gboolean allow_warm_transfer;
  char *revision;
  JsonObject *extra;

  char *sort_key;
  char *search_text;
  FlexContactSync sync; /* local only: not sent yet, or in conflict */
};

enum
{
  PROP_0,
  PROP_KEY,
  PROP_NAME,
  PROP_PHONE_NUMBER,
  PROP_NOTES,
  PROP_ALLOW_COLD_TRANSFER,
  PROP_ALLOW_WARM_TRANSFER,
  PROP_REVISION,
  PROP_SEARCH_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (FlexContact, flex_contact, G_TYPE_OBJECT)

static const char *const known_fields[] = {
  "key", "name", "phoneNumber", "notes", "allowColdTransfer", "allowWarmTransfer", NULL,
};

static void
update_derived (FlexContact *self)
{
  g_autofree char *folded = NULL;

  g_free (self->sort_key);
  /* Folded as search folds (accents and case aside), then collated: "Émile"
   * sorts with "Emile", before "Leah", in any locale, C.UTF-8 too. */
  folded = flex_search_fold (self->name);
  self->sort_key = g_utf8_collate_key (folded, -1);

  /* The search text is made when first asked for (the first search), not
   * for each of 10,000 contacts at start. */
  g_clear_pointer (&self->search_text, g_free);
}

/* Every shown field, casefolded once rather than on every keystroke. */
static const char *
ensure_search_text (FlexContact *self)
{
  g_autofree char *joined = NULL;
  g_autofree char *folded = NULL;
  g_autofree char *digits = NULL;

  if (self->search_text != NULL)
    return self->search_text;
  joined = g_strjoin ("\n", self->name != NULL ? self->name : "",
                      self->phone_number != NULL ? self->phone_number : "",
                      self->notes != NULL ? self->notes : "", NULL);
  folded = flex_search_fold (joined);
  /* The number's digits too, for searches typed the way people write them. */
  digits = flex_search_digits (self->phone_number);
  self->search_text = g_strconcat (folded, "\n", digits, NULL);
  return self->search_text;
}

static void
set_string (FlexContact *self, char **field, const char *value, guint prop_id)
{
  if (g_strcmp0 (*field, value) == 0)
    return;

  g_free (*field);
  *field = g_strdup (value);
  if (prop_id == PROP_NAME || prop_id == PROP_PHONE_NUMBER || prop_id == PROP_NOTES)
    {
      update_derived (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEARCH_TEXT]);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
flex_contact_finalize (GObject *object)
{
  FlexContact *self = FLEX_CONTACT (object);

  g_free (self->key);
  g_free (self->name);
  g_free (self->phone_number);
  g_free (self->notes);
  g_free (self->revision);
  g_clear_pointer (&self->extra, json_object_unref);
  g_free (self->sort_key);
  g_free (self->search_text);

  G_OBJECT_CLASS (flex_contact_parent_class)->finalize (object);
}

static void
flex_contact_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  FlexContact *self = FLEX_CONTACT (object);

  switch (prop_id)
    {
      case PROP_KEY:
        g_value_set_string (value, self->key);
        break;
      case PROP_NAME:
        g_value_set_string (value, self->name);
        break;
      case PROP_PHONE_NUMBER:
        g_value_set_string (value, self->phone_number);
        break;
      case PROP_NOTES:
        g_value_set_string (value, self->notes);
        break;
      case PROP_ALLOW_COLD_TRANSFER:
        g_value_set_boolean (value, self->allow_cold_transfer);
        break;
      case PROP_ALLOW_WARM_TRANSFER:
        g_value_set_boolean (value, self->allow_warm_transfer);
        break;
      case PROP_REVISION:
        g_value_set_string (value, self->revision);
        break;
      case PROP_SEARCH_TEXT:
        g_value_set_string (value, ensure_search_text (self));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flex_contact_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  FlexContact *self = FLEX_CONTACT (object);

  switch (prop_id)
    {
      case PROP_KEY:
        set_string (self, &self->key, g_value_get_string (value), prop_id);
        break;
      case PROP_NAME:
        set_string (self, &self->name, g_value_get_string (value), prop_id);
        break;
      case PROP_PHONE_NUMBER:
        set_string (self, &self->phone_number, g_value_get_string (value), prop_id);
        break;
      case PROP_NOTES:
        set_string (self, &self->notes, g_value_get_string (value), prop_id);
        break;
      case PROP_ALLOW_COLD_TRANSFER:
        flex_contact_set_allow_cold_transfer (self, g_value_get_boolean (value));
        break;
      case PROP_ALLOW_WARM_TRANSFER:
        flex_contact_set_allow_warm_transfer (self, g_value_get_boolean (value));
        break;
      case PROP_REVISION:
        set_string (self, &self->revision, g_value_get_string (value), prop_id);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flex_contact_class_init (FlexContactClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = flex_contact_finalize;
  object_class->get_property = flex_contact_get_property;
  object_class->set_property = flex_contact_set_property;

  properties[PROP_KEY] = g_param_spec_string ("key", NULL, NULL, NULL, flags);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_PHONE_NUMBER] = g_param_spec_string ("phone-number", NULL, NULL, NULL, flags);
  properties[PROP_NOTES] = g_param_spec_string ("notes", NULL, NULL, NULL, flags);
  properties[PROP_ALLOW_COLD_TRANSFER] =
      g_param_spec_boolean ("allow-cold-transfer", NULL, NULL, TRUE, flags);
  properties[PROP_ALLOW_WARM_TRANSFER] =
      g_param_spec_boolean ("allow-warm-transfer", NULL, NULL, TRUE, flags);
  properties[PROP_REVISION] = g_param_spec_string ("revision", NULL, NULL, NULL, flags);
  properties[PROP_SEARCH_TEXT] = g_param_spec_string ("search-text", NULL, NULL, NULL,
                                                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
flex_contact_init (FlexContact *self)
{
  self->allow_cold_transfer = TRUE;
  self->allow_warm_transfer = TRUE;
  update_derived (self);
}

FlexContact *
flex_contact_new (const char *key, const char *name, const char *phone_number, const char *notes)
{
  return g_object_new (FLEX_TYPE_CONTACT, "key", key, "name", name, "phone-number", phone_number,
                       "notes", notes, NULL);
}

static gboolean
read_string (JsonObject *data,
             const char *field,
             gboolean required,
             const char **out,
             const char *key,
             GError **error)
{
  JsonNode *node = json_object_get_member (data, field);

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (!required)
        return TRUE;
      g_set_error (error, FLEX_MODEL_ERROR, FLEX_MODEL_ERROR_INVALID, "The contact “%s” has no %s",
                   key, field);
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, FLEX_MODEL_ERROR, FLEX_MODEL_ERROR_INVALID,
                   "The %s of the contact “%s” is not a text", field, key);
      return FALSE;
    }
  *out = json_node_get_string (node);
  return TRUE;
}

static gboolean
read_boolean (JsonObject *data, const char *field, gboolean *out, const char *key, GError **error)
{
  JsonNode *node = json_object_get_member (data, field);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    {
      g_set_error (error, FLEX_MODEL_ERROR, FLEX_MODEL_ERROR_INVALID,
                   "The %s of the contact “%s” is not true or false", field, key);
      return FALSE;
    }
  *out = json_node_get_boolean (node);
  return TRUE;
}

/**
 * flex_contact_new_from_item:
 *
 * Reads a map item in the plugin's format. The name and phone number are
 * required; wrong types are refused with %FLEX_MODEL_ERROR_INVALID.
 *
 * Returns: (transfer full) (nullable): the contact
 */
FlexContact *
flex_contact_new_from_item (const FlexSyncItem *item, GError **error)
{
  g_autoptr (FlexContact) self = NULL;
  JsonObject *data;
  const char *name, *phone, *notes, *key;
  gboolean cold = TRUE, warm = TRUE;
  JsonObjectIter iter;
  const char *member;
  JsonNode *value;

  g_return_val_if_fail (item != NULL, NULL);

  if (item->data == NULL || !JSON_NODE_HOLDS_OBJECT (item->data))
    {
      g_set_error (error, FLEX_MODEL_ERROR, FLEX_MODEL_ERROR_INVALID,
                   "The contact “%s” is not a JSON object", item->key);
      return NULL;
    }

  data = json_node_get_object (item->data);
  if (!read_string (data, "name", TRUE, &name, item->key, error) ||
      !read_string (data, "phoneNumber", TRUE, &phone, item->key, error) ||
      !read_string (data, "notes", FALSE, &notes, item->key, error) ||
      !read_string (data, "key", FALSE, &key, item->key, error) ||
      !read_boolean (data, "allowColdTransfer", &cold, item->key, error) ||
      !read_boolean (data, "allowWarmTransfer", &warm, item->key, error))
    return NULL;

  self = flex_contact_new (item->key, name, phone, notes);
  self->allow_cold_transfer = cold;
  self->allow_warm_transfer = warm;
  self->revision = g_strdup (item->revision);

  /* Unknown fields are rare: only then is there an object to keep them. */
  json_object_iter_init (&iter, data);
  while (json_object_iter_next (&iter, &member, &value))
    if (!g_strv_contains (known_fields, member))
      {
        if (self->extra == NULL)
          self->extra = json_object_new ();
        json_object_set_member (self->extra, member, json_node_copy (value));
      }

  return g_steal_pointer (&self);
}

/**
 * flex_contact_copy:
 *
 * Returns: (transfer full): a deep copy, for editing
 */
FlexContact *
flex_contact_copy (FlexContact *self)
{
  FlexContact *copy;
  JsonObjectIter iter;
  const char *member;
  JsonNode *value;

  g_return_val_if_fail (FLEX_IS_CONTACT (self), NULL);

  copy = flex_contact_new (self->key, self->name, self->phone_number, self->notes);
  copy->allow_cold_transfer = self->allow_cold_transfer;
  copy->allow_warm_transfer = self->allow_warm_transfer;
  copy->revision = g_strdup (self->revision);
  copy->sync = self->sync;
  if (self->extra != NULL)
    {
      copy->extra = json_object_new ();
      json_object_iter_init (&iter, self->extra);
      while (json_object_iter_next (&iter, &member, &value))
        json_object_set_member (copy->extra, member, json_node_copy (value));
    }

  return copy;
}

/**
 * flex_contact_to_json:
 * @shared: whether the contact belongs to the shared directory, which alone
 *   carries the transfer flags
 *
 * Returns: (transfer full): the item data, as the Flex plugin writes it
 */
JsonNode *
flex_contact_to_json (FlexContact *self, gboolean shared)
{
  JsonObject *object = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  JsonObjectIter iter;
  const char *member;
  JsonNode *value;

  g_return_val_if_fail (FLEX_IS_CONTACT (self), NULL);

  json_object_set_string_member (object, "key", self->key != NULL ? self->key : "");
  json_object_set_string_member (object, "name", self->name != NULL ? self->name : "");
  json_object_set_string_member (object, "phoneNumber",
                                 self->phone_number != NULL ? self->phone_number : "");
  json_object_set_string_member (object, "notes", self->notes != NULL ? self->notes : "");
  if (shared)
    {
      json_object_set_boolean_member (object, "allowColdTransfer", self->allow_cold_transfer);
      json_object_set_boolean_member (object, "allowWarmTransfer", self->allow_warm_transfer);
    }

  if (self->extra != NULL)
    {
      json_object_iter_init (&iter, self->extra);
      while (json_object_iter_next (&iter, &member, &value))
        if (!json_object_has_member (object, member))
          json_object_set_member (object, member, json_node_copy (value));
    }

  json_node_take_object (node, object);
  return node;
}

/**
 * flex_contact_equal:
 *
 * Returns: whether the two contacts hold the same data (revision aside)
 */
gboolean
flex_contact_equal (FlexContact *a, FlexContact *b)
{
  g_autoptr (JsonNode) json_a = NULL;
  g_autoptr (JsonNode) json_b = NULL;

  g_return_val_if_fail (FLEX_IS_CONTACT (a), FALSE);
  g_return_val_if_fail (FLEX_IS_CONTACT (b), FALSE);

  json_a = flex_contact_to_json (a, TRUE);
  json_b = flex_contact_to_json (b, TRUE);
  return json_node_equal (json_a, json_b);
}

#define GETTER(type, name, field, fallback)                                                        \
  type flex_contact_get_##name (FlexContact *self)                                                 \
  {                                                                                                \
    g_return_val_if_fail (FLEX_IS_CONTACT (self), fallback);                                       \
    return self->field;                                                                            \
  }

GETTER (const char *, key, key, NULL)
GETTER (const char *, name, name, NULL)
GETTER (const char *, phone_number, phone_number, NULL)
GETTER (const char *, notes, notes, NULL)
GETTER (gboolean, allow_cold_transfer, allow_cold_transfer, FALSE)
GETTER (gboolean, allow_warm_transfer, allow_warm_transfer, FALSE)
GETTER (const char *, revision, revision, NULL)
GETTER (const char *, sort_key, sort_key, NULL)

#undef GETTER

const char *
flex_contact_get_search_text (FlexContact *self)
{
  g_return_val_if_fail (FLEX_IS_CONTACT (self), NULL);
  return ensure_search_text (self);
}

void
flex_contact_set_key (FlexContact *self, const char *key)
{
  g_return_if_fail (FLEX_IS_CONTACT (self));
  set_string (self, &self->key, key, PROP_KEY);
}

void
flex_contact_set_name (FlexContact *self, const char *name)
{
  g_return_if_fail (FLEX_IS_CONTACT (self));
  set_string (self, &self->name, name, PROP_NAME);
}

void
flex_contact_set_phone_number (FlexContact *self, const char *phone_number)
{
  g_return_if_fail (FLEX_IS_CONTACT (self));
  set_string (self, &self->phone_number, phone_number, PROP_PHONE_NUMBER);
}

void
flex_contact_set_notes (FlexContact *self, const char *notes)
{
  g_return_if_fail (FLEX_IS_CONTACT (self));
  set_string (self, &self->notes, notes, PROP_NOTES);
}

void
flex_contact_set_revision (FlexContact *self, const char *revision)
{
  g_return_if_fail (FLEX_IS_CONTACT (self));
  set_string (self, &self->revision, revision, PROP_REVISION);
}

void
flex_contact_set_allow_cold_transfer (FlexContact *self, gboolean allow)
{
  g_return_if_fail (FLEX_IS_CONTACT (self));
  allow = !!allow;
  if (self->allow_cold_transfer == allow)
    return;
  self->allow_cold_transfer = allow;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ALLOW_COLD_TRANSFER]);
}

void
flex_contact_set_allow_warm_transfer (FlexContact *self, gboolean allow)
{
  g_return_if_fail (FLEX_IS_CONTACT (self));
  allow = !!allow;
  if (self->allow_warm_transfer == allow)
    return;
  self->allow_warm_transfer = allow;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ALLOW_WARM_TRANSFER]);
}

/**
 * flex_contact_get_sync:
 *
 * Returns: whether this is the server's version, an edit not sent yet, or
 *   one in conflict with a newer version there
 */
FlexContactSync
flex_contact_get_sync (FlexContact *self)
{
  g_return_val_if_fail (FLEX_IS_CONTACT (self), FLEX_CONTACT_SYNCED);
  return self->sync;
}

void
flex_contact_set_sync (FlexContact *self, FlexContactSync sync)
{
  g_return_if_fail (FLEX_IS_CONTACT (self));
  self->sync = sync;
}

/**
 * flex_contact_merge:
 * @base: (nullable): the version both edits started from; %NULL when it is
 *   not known (then mine wins every field)
 * @mine: my edit
 * @theirs: the server's version
 *
 * A three-way merge: each field I did not change keeps their value, each I
 * changed keeps mine. The result is based on their revision.
 *
 * Returns: (transfer full): the merged contact
 */
FlexContact *
flex_contact_merge (FlexContact *base, FlexContact *mine, FlexContact *theirs)
{
  FlexContact *merged;

  g_return_val_if_fail (base == NULL || FLEX_IS_CONTACT (base), NULL);
  g_return_val_if_fail (FLEX_IS_CONTACT (mine), NULL);
  g_return_val_if_fail (FLEX_IS_CONTACT (theirs), NULL);

  merged = flex_contact_copy (mine);
  flex_contact_set_revision (merged, theirs->revision);
  if (base == NULL)
    return merged;
  if (g_strcmp0 (mine->name, base->name) == 0)
    flex_contact_set_name (merged, theirs->name);
  if (g_strcmp0 (mine->phone_number, base->phone_number) == 0)
    flex_contact_set_phone_number (merged, theirs->phone_number);
  if (g_strcmp0 (mine->notes, base->notes) == 0)
    flex_contact_set_notes (merged, theirs->notes);
  if (mine->allow_cold_transfer == base->allow_cold_transfer)
    flex_contact_set_allow_cold_transfer (merged, theirs->allow_cold_transfer);
  if (mine->allow_warm_transfer == base->allow_warm_transfer)
    flex_contact_set_allow_warm_transfer (merged, theirs->allow_warm_transfer);
  return merged;
}
