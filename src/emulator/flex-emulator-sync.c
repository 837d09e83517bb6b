/* flex-emulator-sync.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flex-emulator"

#include "config.h"

#include <string.h>

#include "flex-emulator-private.h"

/*
 * The Sync subset of the emulator: Services (the default one), Maps and Map
 * Items, with the shapes of twilio_sync_v1.json (sync.v1.service.sync_map,
 * sync.v1.service.sync_map.sync_map_item and the list pages), revisions that
 * advance on every change (a map's on every change of its items), item TTLs,
 * paging, If-Match and Twilio's error codes.
 */

#define MAX_KEY_LENGTH    320
#define MAX_DATA_BYTES    (16 * 1024)
#define DEFAULT_PAGE_SIZE 50
#define MAX_PAGE_SIZE     1000

typedef struct
{
  char *key;
  JsonNode *data;
  guint64 revision;
  gint64 created_us;
  gint64 updated_us;
  gint64 expires_us; /* 0: never */
  char *created_by;
} Item;

typedef struct
{
  char *sid;
  char *unique_name;
  guint64 revision;
  gint64 created_us;
  gint64 updated_us;
  char *created_by;
  GHashTable *items; /* key → Item */
} Map;

typedef struct
{
  char *sid;
  char *unique_name;
  GPtrArray *maps; /* Map, in creation order */
} Service;

struct _FlexEmulatorSync
{
  GPtrArray *services;
};

static void
item_free (Item *item)
{
  g_free (item->key);
  g_clear_pointer (&item->data, json_node_unref);
  g_free (item->created_by);
  g_free (item);
}

static void
map_free (Map *map)
{
  g_free (map->sid);
  g_free (map->unique_name);
  g_free (map->created_by);
  g_hash_table_unref (map->items);
  g_free (map);
}

static void
service_free (Service *service)
{
  g_free (service->sid);
  g_free (service->unique_name);
  g_ptr_array_unref (service->maps);
  g_free (service);
}

static Service *
service_new (const char *sid, const char *unique_name)
{
  Service *service = g_new0 (Service, 1);

  service->sid = sid != NULL ? g_strdup (sid) : _flex_emulator_new_sid ("IS");
  service->unique_name = g_strdup (unique_name);
  service->maps = g_ptr_array_new_with_free_func ((GDestroyNotify) map_free);
  return service;
}

static Map *
map_new (FlexEmulator *self, const char *unique_name)
{
  Map *map = g_new0 (Map, 1);

  map->sid = _flex_emulator_new_sid ("MP");
  map->unique_name = g_strdup (unique_name);
  map->created_us = map->updated_us = flex_emulator_now_us (self);
  map->created_by = g_strdup ("system");
  map->items = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) item_free);
  return map;
}

FlexEmulatorSync *
_flex_emulator_sync_new (FlexEmulator *self)
{
  FlexEmulatorSync *sync = g_new0 (FlexEmulatorSync, 1);

  sync->services = g_ptr_array_new_with_free_func ((GDestroyNotify) service_free);
  /* Flex uses the account's default Sync service, addressable as "default". */
  g_ptr_array_add (sync->services, service_new (NULL, "default"));
  return sync;
}

void
_flex_emulator_sync_free (FlexEmulatorSync *sync)
{
  if (sync == NULL)
    return;
  g_ptr_array_unref (sync->services);
  g_free (sync);
}

static Service *
find_service (FlexEmulator *self, const char *sid_or_name)
{
  for (guint i = 0; i < self->sync->services->len; i++)
    {
      Service *service = g_ptr_array_index (self->sync->services, i);

      if (g_strcmp0 (service->sid, sid_or_name) == 0 ||
          g_strcmp0 (service->unique_name, sid_or_name) == 0)
        return service;
    }
  return NULL;
}

static Service *
default_service (FlexEmulator *self)
{
  return g_ptr_array_index (self->sync->services, 0);
}

/* Drops expired items; an expiry is a change, so it advances the revision. */
static void
purge_expired (FlexEmulator *self, Map *map)
{
  gint64 now = flex_emulator_now_us (self);
  GHashTableIter iter;
  Item *item;
  gboolean changed = FALSE;

  g_hash_table_iter_init (&iter, map->items);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &item))
    {
      if (item->expires_us != 0 && item->expires_us <= now)
        {
          g_hash_table_iter_remove (&iter);
          changed = TRUE;
        }
    }

  if (changed)
    {
      map->revision++;
      map->updated_us = now;
      _flex_emulator_state_changed (self);
    }
}

static Map *
find_map (FlexEmulator *self, Service *service, const char *sid_or_name, guint *index)
{
  for (guint i = 0; i < service->maps->len; i++)
    {
      Map *map = g_ptr_array_index (service->maps, i);

      if (g_strcmp0 (map->sid, sid_or_name) == 0 || g_strcmp0 (map->unique_name, sid_or_name) == 0)
        {
          if (index != NULL)
            *index = i;
          purge_expired (self, map);
          return map;
        }
    }
  return NULL;
}

/* JSON shapes */

static void
add_string_or_null (JsonBuilder *builder, const char *name, const char *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_date (JsonBuilder *builder, const char *name, gint64 unix_us)
{
  g_autofree char *date = unix_us != 0 ? _flex_emulator_format_date (unix_us) : NULL;

  add_string_or_null (builder, name, date);
}

static char *
revision_string (guint64 revision)
{
  return g_strdup_printf ("%" G_GUINT64_FORMAT, revision);
}

static char *
map_url (FlexEmulator *self, Service *service, Map *map)
{
  return g_strdup_printf ("%s/v1/Services/%s/Maps/%s", flex_emulator_get_base_url (self),
                          service->sid, map->sid);
}

static JsonNode *
map_to_json (FlexEmulator *self, Service *service, Map *map)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autofree char *url = map_url (self, service, map);
  g_autofree char *items_url = g_strconcat (url, "/Items", NULL);
  g_autofree char *permissions_url = g_strconcat (url, "/Permissions", NULL);
  g_autofree char *revision = revision_string (map->revision);

  json_builder_begin_object (builder);
  add_string_or_null (builder, "sid", map->sid);
  add_string_or_null (builder, "unique_name", map->unique_name);
  add_string_or_null (builder, "account_sid", flex_emulator_get_account_sid (self));
  add_string_or_null (builder, "service_sid", service->sid);
  add_string_or_null (builder, "url", url);
  json_builder_set_member_name (builder, "links");
  json_builder_begin_object (builder);
  add_string_or_null (builder, "items", items_url);
  add_string_or_null (builder, "permissions", permissions_url);
  json_builder_end_object (builder);
  add_string_or_null (builder, "revision", revision);
  add_date (builder, "date_expires", 0);
  add_date (builder, "date_created", map->created_us);
  add_date (builder, "date_updated", map->updated_us);
  add_string_or_null (builder, "created_by", map->created_by);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static JsonNode *
item_to_json (FlexEmulator *self, Service *service, Map *map, Item *item)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autofree char *base = map_url (self, service, map);
  g_autofree char *key = g_uri_escape_string (item->key, NULL, FALSE);
  g_autofree char *url = g_strdup_printf ("%s/Items/%s", base, key);
  g_autofree char *revision = revision_string (item->revision);

  json_builder_begin_object (builder);
  add_string_or_null (builder, "key", item->key);
  add_string_or_null (builder, "account_sid", flex_emulator_get_account_sid (self));
  add_string_or_null (builder, "service_sid", service->sid);
  add_string_or_null (builder, "map_sid", map->sid);
  add_string_or_null (builder, "url", url);
  add_string_or_null (builder, "revision", revision);
  json_builder_set_member_name (builder, "data");
  json_builder_add_value (builder, json_node_copy (item->data));
  add_date (builder, "date_expires", item->expires_us);
  add_date (builder, "date_created", item->created_us);
  add_date (builder, "date_updated", item->updated_us);
  add_string_or_null (builder, "created_by", item->created_by);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* Handlers: common lookups */

static Service *
context_service (FlexEmulatorContext *context)
{
  const char *sid = g_hash_table_lookup (context->params, "ServiceSid");
  Service *service = find_service (context->emulator, sid);

  if (service == NULL)
    _flex_emulator_error (context, 404, 20404, "The requested resource /Services/%s was not found",
                          sid);
  return service;
}

static Map *
context_map (FlexEmulatorContext *context, Service *service, const char *param, guint *index)
{
  const char *name = g_hash_table_lookup (context->params, param);
  Map *map = find_map (context->emulator, service, name, index);

  if (map == NULL)
    _flex_emulator_error (context, 404, 54200, "Map not found: %s", name);
  return map;
}

/* Reads Ttl/ItemTtl ("ItemTtl" wins, "Ttl" is its alias). -1: invalid. */
static gint64
form_ttl (FlexEmulatorContext *context, const char *const *names)
{
  for (guint i = 0; names[i] != NULL; i++)
    {
      const char *value = g_hash_table_lookup (context->form, names[i]);
      guint64 ttl;

      if (value == NULL)
        continue;
      if (!g_ascii_string_to_unsigned (value, 10, 0, 31536000, &ttl, NULL))
        return -1;
      return (gint64) ttl;
    }
  return 0;
}

static JsonNode *
parse_data (FlexEmulatorContext *context)
{
  const char *data = g_hash_table_lookup (context->form, "Data");
  g_autoptr (JsonParser) parser = NULL;

  if (data == NULL)
    {
      _flex_emulator_error (context, 400, 20001,
                            "Missing required parameter Data in the post body");
      return NULL;
    }
  if (strlen (data) > MAX_DATA_BYTES)
    {
      _flex_emulator_error (context, 413, 54006,
                            "Request entity too large: Data is %zu bytes, at most %d allowed",
                            strlen (data), MAX_DATA_BYTES);
      return NULL;
    }

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, data, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      _flex_emulator_error (context, 400, 54008, "Invalid request body: Data is not a JSON object");
      return NULL;
    }

  return json_parser_steal_root (parser);
}

static void
reply_map (FlexEmulatorContext *context, guint status, Service *service, Map *map)
{
  g_autofree char *revision = revision_string (map->revision);

  _flex_emulator_reply (context, status, map_to_json (context->emulator, service, map), revision);
}

static void
reply_item (FlexEmulatorContext *context, guint status, Service *service, Map *map, Item *item)
{
  g_autofree char *revision = revision_string (item->revision);

  _flex_emulator_reply (context, status, item_to_json (context->emulator, service, map, item),
                        revision);
}

static void
touch_map (FlexEmulator *self, Map *map)
{
  map->revision++;
  map->updated_us = flex_emulator_now_us (self);
}

/* Paging: a page of `key` elements with Twilio's meta block. */
static JsonNode *
build_page (const char *key,
            GPtrArray *elements,
            const char *list_url,
            guint page,
            guint page_size,
            const char *next_token)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autofree char *url = NULL;
  g_autofree char *first = NULL;
  g_autofree char *next = NULL;

  url = g_strdup_printf ("%s?PageSize=%u&Page=%u", list_url, page_size, page);
  first = g_strdup_printf ("%s?PageSize=%u&Page=0", list_url, page_size);
  if (next_token != NULL)
    {
      g_autofree char *token = g_uri_escape_string (next_token, NULL, FALSE);

      next = g_strdup_printf ("%s?PageSize=%u&Page=%u&PageToken=%s", list_url, page_size, page + 1,
                              token);
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, key);
  json_builder_begin_array (builder);
  for (guint i = 0; i < elements->len; i++)
    json_builder_add_value (builder, json_node_ref (g_ptr_array_index (elements, i)));
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "meta");
  json_builder_begin_object (builder);
  add_string_or_null (builder, "first_page_url", first);
  add_string_or_null (builder, "key", key);
  add_string_or_null (builder, "next_page_url", next);
  json_builder_set_member_name (builder, "page");
  json_builder_add_int_value (builder, page);
  json_builder_set_member_name (builder, "page_size");
  json_builder_add_int_value (builder, page_size);
  add_string_or_null (builder, "previous_page_url", NULL);
  add_string_or_null (builder, "url", url);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static gboolean
paging_params (FlexEmulatorContext *context, guint *page_size, guint *page)
{
  const char *size =
      context->query != NULL ? g_hash_table_lookup (context->query, "PageSize") : NULL;
  const char *number = context->query != NULL ? g_hash_table_lookup (context->query, "Page") : NULL;
  guint64 value;

  *page_size = DEFAULT_PAGE_SIZE;
  *page = 0;
  if (size != NULL)
    {
      if (!g_ascii_string_to_unsigned (size, 10, 1, MAX_PAGE_SIZE, &value, NULL))
        {
          _flex_emulator_error (context, 400, 20001, "PageSize must be between 1 and %d",
                                MAX_PAGE_SIZE);
          return FALSE;
        }
      *page_size = (guint) value;
    }
  if (number != NULL)
    {
      if (!g_ascii_string_to_unsigned (number, 10, 0, G_MAXUINT, &value, NULL))
        {
          _flex_emulator_error (context, 400, 20001, "Page must be a number");
          return FALSE;
        }
      *page = (guint) value;
    }
  return TRUE;
}

/* Maps */

static void
handle_create_map (FlexEmulatorContext *context)
{
  FlexEmulator *self = context->emulator;
  Service *service = context_service (context);
  const char *unique_name;
  Map *map;

  if (service == NULL)
    return;

  unique_name = g_hash_table_lookup (context->form, "UniqueName");
  if (unique_name != NULL && find_map (self, service, unique_name, NULL) != NULL)
    {
      _flex_emulator_error (context, 409, 54301, "Unique name already exists: %s", unique_name);
      return;
    }
  if (form_ttl (context, (const char *[]){ "CollectionTtl", "Ttl", NULL }) < 0)
    {
      _flex_emulator_error (context, 400, 20001, "Ttl must be a number of seconds");
      return;
    }

  map = map_new (self, unique_name);
  g_ptr_array_add (service->maps, map);
  _flex_emulator_state_changed (self);
  reply_map (context, 201, service, map);
}

static void
handle_fetch_map (FlexEmulatorContext *context)
{
  Service *service = context_service (context);
  Map *map = service != NULL ? context_map (context, service, "Sid", NULL) : NULL;

  if (map != NULL)
    reply_map (context, 200, service, map);
}

static void
handle_update_map (FlexEmulatorContext *context)
{
  Service *service = context_service (context);
  Map *map = service != NULL ? context_map (context, service, "Sid", NULL) : NULL;

  if (map == NULL)
    return;
  if (form_ttl (context, (const char *[]){ "CollectionTtl", "Ttl", NULL }) < 0)
    {
      _flex_emulator_error (context, 400, 20001, "Ttl must be a number of seconds");
      return;
    }
  reply_map (context, 200, service, map);
}

static void
handle_delete_map (FlexEmulatorContext *context)
{
  Service *service = context_service (context);
  guint index = 0;
  Map *map = service != NULL ? context_map (context, service, "Sid", &index) : NULL;

  if (map == NULL)
    return;
  g_ptr_array_remove_index (service->maps, index);
  _flex_emulator_state_changed (context->emulator);
  _flex_emulator_reply (context, 204, NULL, NULL);
}

static void
handle_list_maps (FlexEmulatorContext *context)
{
  FlexEmulator *self = context->emulator;
  Service *service = context_service (context);
  g_autoptr (GPtrArray) elements = NULL;
  g_autofree char *list_url = NULL;
  guint page_size, page;

  if (service == NULL || !paging_params (context, &page_size, &page))
    return;

  elements = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  for (guint i = page * page_size; i < service->maps->len && elements->len < page_size; i++)
    g_ptr_array_add (elements, map_to_json (self, service, g_ptr_array_index (service->maps, i)));

  list_url =
      g_strdup_printf ("%s/v1/Services/%s/Maps", flex_emulator_get_base_url (self), service->sid);
  _flex_emulator_reply (context, 200,
                        build_page ("maps", elements, list_url, page, page_size,
                                    (page + 1) * page_size < service->maps->len ? "next" : NULL),
                        NULL);
}

/* Items */

static int
compare_keys (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static void
handle_list_items (FlexEmulatorContext *context)
{
  FlexEmulator *self = context->emulator;
  Service *service = context_service (context);
  Map *map = service != NULL ? context_map (context, service, "MapSid", NULL) : NULL;
  g_autoptr (GPtrArray) keys = NULL;
  g_autoptr (GPtrArray) elements = NULL;
  g_autofree char *base = NULL;
  g_autofree char *list_url = NULL;
  const char *token;
  const char *order;
  gboolean descending;
  guint page_size, page;
  guint start = 0;
  GHashTableIter iter;
  gpointer key;

  if (map == NULL || !paging_params (context, &page_size, &page))
    return;

  order = context->query != NULL ? g_hash_table_lookup (context->query, "Order") : NULL;
  descending = g_strcmp0 (order, "desc") == 0;
  token = context->query != NULL ? g_hash_table_lookup (context->query, "PageToken") : NULL;

  /* Items are ordered by key; the page token is the last key already sent. */
  keys = g_ptr_array_new ();
  g_hash_table_iter_init (&iter, map->items);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (keys, key);
  g_ptr_array_sort (keys, compare_keys);
  if (descending)
    for (guint i = 0; i < keys->len / 2; i++)
      {
        gpointer tmp = keys->pdata[i];

        keys->pdata[i] = keys->pdata[keys->len - 1 - i];
        keys->pdata[keys->len - 1 - i] = tmp;
      }

  if (token != NULL)
    {
      while (start < keys->len)
        {
          int cmp = strcmp (g_ptr_array_index (keys, start), token);

          if (descending ? cmp < 0 : cmp > 0)
            break;
          start++;
        }
    }
  else
    start = MIN ((guint64) page * page_size, keys->len);

  elements = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  for (guint i = start; i < keys->len && elements->len < page_size; i++)
    g_ptr_array_add (elements,
                     item_to_json (self, service, map,
                                   g_hash_table_lookup (map->items, g_ptr_array_index (keys, i))));

  base = map_url (self, service, map);
  list_url = g_strconcat (base, "/Items", NULL);
  _flex_emulator_reply (context, 200,
                        build_page ("items", elements, list_url, page, page_size,
                                    start + elements->len < keys->len
                                        ? g_ptr_array_index (keys, start + elements->len - 1)
                                        : NULL),
                        NULL);
}

static gboolean
check_key (FlexEmulatorContext *context, const char *key)
{
  if (key == NULL || *key == '\0')
    {
      _flex_emulator_error (context, 400, 20001, "Missing required parameter Key in the post body");
      return FALSE;
    }
  if (g_utf8_strlen (key, -1) > MAX_KEY_LENGTH)
    {
      _flex_emulator_error (context, 400, 54209,
                            "Invalid Item Key: keys are 1 to %d characters long", MAX_KEY_LENGTH);
      return FALSE;
    }
  return TRUE;
}

static void
handle_create_item (FlexEmulatorContext *context)
{
  FlexEmulator *self = context->emulator;
  Service *service = context_service (context);
  Map *map = service != NULL ? context_map (context, service, "MapSid", NULL) : NULL;
  const char *key = g_hash_table_lookup (context->form, "Key");
  g_autoptr (JsonNode) data = NULL;
  gint64 ttl;
  Item *item;

  if (map == NULL || !check_key (context, key) || (data = parse_data (context)) == NULL)
    return;

  ttl = form_ttl (context, (const char *[]){ "ItemTtl", "Ttl", NULL });
  if (ttl < 0)
    {
      _flex_emulator_error (context, 400, 20001, "ItemTtl must be a number of seconds");
      return;
    }
  if (g_hash_table_contains (map->items, key))
    {
      _flex_emulator_error (context, 409, 54208, "Item already exists: %s", key);
      return;
    }

  item = g_new0 (Item, 1);
  item->key = g_strdup (key);
  item->data = g_steal_pointer (&data);
  item->created_us = item->updated_us = flex_emulator_now_us (self);
  item->expires_us = ttl > 0 ? item->created_us + ttl * G_USEC_PER_SEC : 0;
  item->created_by = g_strdup ("system");
  g_hash_table_insert (map->items, item->key, item);
  touch_map (self, map);
  _flex_emulator_state_changed (self);
  reply_item (context, 201, service, map, item);
}

static Item *
context_item (FlexEmulatorContext *context, Map *map)
{
  const char *key = g_hash_table_lookup (context->params, "Key");
  Item *item = g_hash_table_lookup (map->items, key);

  if (item == NULL)
    _flex_emulator_error (context, 404, 54201, "Item not found: %s", key);
  return item;
}

static gboolean
check_if_match (FlexEmulatorContext *context, Item *item)
{
  g_autofree char *revision = revision_string (item->revision);

  if (context->if_match == NULL || g_str_equal (context->if_match, "*") ||
      g_str_equal (context->if_match, revision))
    return TRUE;

  _flex_emulator_error (context, 412, 54205,
                        "The revision of the Item does not match the requested revision");
  return FALSE;
}

static void
handle_fetch_item (FlexEmulatorContext *context)
{
  Service *service = context_service (context);
  Map *map = service != NULL ? context_map (context, service, "MapSid", NULL) : NULL;
  Item *item = map != NULL ? context_item (context, map) : NULL;

  if (item != NULL)
    reply_item (context, 200, service, map, item);
}

static void
handle_update_item (FlexEmulatorContext *context)
{
  FlexEmulator *self = context->emulator;
  Service *service = context_service (context);
  Map *map = service != NULL ? context_map (context, service, "MapSid", NULL) : NULL;
  Item *item = map != NULL ? context_item (context, map) : NULL;
  g_autoptr (JsonNode) data = NULL;
  gint64 ttl;

  if (item == NULL || !check_if_match (context, item))
    return;

  ttl = form_ttl (context, (const char *[]){ "ItemTtl", "Ttl", NULL });
  if (ttl < 0)
    {
      _flex_emulator_error (context, 400, 20001, "ItemTtl must be a number of seconds");
      return;
    }
  if (g_hash_table_contains (context->form, "Data") && (data = parse_data (context)) == NULL)
    return;

  if (data != NULL)
    {
      json_node_unref (item->data);
      item->data = g_steal_pointer (&data);
    }
  item->updated_us = flex_emulator_now_us (self);
  if (ttl > 0)
    item->expires_us = item->updated_us + ttl * G_USEC_PER_SEC;
  item->revision++;
  touch_map (self, map);
  _flex_emulator_state_changed (self);
  reply_item (context, 200, service, map, item);
}

static void
handle_delete_item (FlexEmulatorContext *context)
{
  FlexEmulator *self = context->emulator;
  Service *service = context_service (context);
  Map *map = service != NULL ? context_map (context, service, "MapSid", NULL) : NULL;
  Item *item = map != NULL ? context_item (context, map) : NULL;

  if (item == NULL || !check_if_match (context, item))
    return;

  g_hash_table_remove (map->items, item->key);
  touch_map (self, map);
  _flex_emulator_state_changed (self);
  _flex_emulator_reply (context, 204, NULL, NULL);
}

void
_flex_emulator_sync_add_routes (FlexEmulator *self)
{
  _flex_emulator_add_route (self, "GET", "/v1/Services/{ServiceSid}/Maps", "ListSyncMap",
                            handle_list_maps);
  _flex_emulator_add_route (self, "POST", "/v1/Services/{ServiceSid}/Maps", "CreateSyncMap",
                            handle_create_map);
  _flex_emulator_add_route (self, "GET", "/v1/Services/{ServiceSid}/Maps/{Sid}", "FetchSyncMap",
                            handle_fetch_map);
  _flex_emulator_add_route (self, "POST", "/v1/Services/{ServiceSid}/Maps/{Sid}", "UpdateSyncMap",
                            handle_update_map);
  _flex_emulator_add_route (self, "DELETE", "/v1/Services/{ServiceSid}/Maps/{Sid}", "DeleteSyncMap",
                            handle_delete_map);
  _flex_emulator_add_route (self, "GET", "/v1/Services/{ServiceSid}/Maps/{MapSid}/Items",
                            "ListSyncMapItem", handle_list_items);
  _flex_emulator_add_route (self, "POST", "/v1/Services/{ServiceSid}/Maps/{MapSid}/Items",
                            "CreateSyncMapItem", handle_create_item);
  _flex_emulator_add_route (self, "GET", "/v1/Services/{ServiceSid}/Maps/{MapSid}/Items/{Key}",
                            "FetchSyncMapItem", handle_fetch_item);
  _flex_emulator_add_route (self, "POST", "/v1/Services/{ServiceSid}/Maps/{MapSid}/Items/{Key}",
                            "UpdateSyncMapItem", handle_update_item);
  _flex_emulator_add_route (self, "DELETE", "/v1/Services/{ServiceSid}/Maps/{MapSid}/Items/{Key}",
                            "DeleteSyncMapItem", handle_delete_item);
}

/* Direct access, for tests and demo data */

static Map *
find_or_create_default_map (FlexEmulator *self, const char *map_name)
{
  Service *service = default_service (self);
  Map *map = find_map (self, service, map_name, NULL);

  if (map == NULL)
    {
      map = map_new (self, map_name);
      g_ptr_array_add (service->maps, map);
    }
  return map;
}

/**
 * flex_emulator_put_item:
 * @map_name: a map of the default service; created when missing
 * @data_json: the item data, a JSON object
 * @ttl_s: seconds to live, or 0
 *
 * Creates or replaces an item as a second client would, advancing the
 * revisions.
 */
gboolean
flex_emulator_put_item (FlexEmulator *self,
                        const char *map_name,
                        const char *key,
                        const char *data_json,
                        guint ttl_s,
                        GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  Map *map;
  Item *item;

  g_return_val_if_fail (FLEX_IS_EMULATOR (self), FALSE);

  if (!json_parser_load_from_data (parser, data_json, -1, error))
    return FALSE;

  map = find_or_create_default_map (self, map_name);
  item = g_hash_table_lookup (map->items, key);
  if (item == NULL)
    {
      item = g_new0 (Item, 1);
      item->key = g_strdup (key);
      item->created_us = flex_emulator_now_us (self);
      item->created_by = g_strdup ("system");
      g_hash_table_insert (map->items, item->key, item);
    }
  else
    item->revision++;

  g_clear_pointer (&item->data, json_node_unref);
  item->data = json_parser_steal_root (parser);
  item->updated_us = flex_emulator_now_us (self);
  item->expires_us = ttl_s > 0 ? item->updated_us + (gint64) ttl_s * G_USEC_PER_SEC : 0;
  touch_map (self, map);
  _flex_emulator_state_changed (self);
  return TRUE;
}

gboolean
flex_emulator_remove_item (FlexEmulator *self, const char *map_name, const char *key)
{
  Map *map;

  g_return_val_if_fail (FLEX_IS_EMULATOR (self), FALSE);

  map = find_map (self, default_service (self), map_name, NULL);
  if (map == NULL || !g_hash_table_remove (map->items, key))
    return FALSE;

  touch_map (self, map);
  _flex_emulator_state_changed (self);
  return TRUE;
}

/**
 * flex_emulator_get_map_revision:
 *
 * Returns: (transfer full) (nullable): the revision of a map of the default
 *   service, or %NULL when it does not exist
 */
char *
flex_emulator_get_map_revision (FlexEmulator *self, const char *map_name)
{
  Map *map;

  g_return_val_if_fail (FLEX_IS_EMULATOR (self), NULL);

  map = find_map (self, default_service (self), map_name, NULL);
  return map != NULL ? revision_string (map->revision) : NULL;
}

/* Persistence */

JsonNode *
_flex_emulator_sync_dump (FlexEmulator *self)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "services");
  json_builder_begin_array (builder);
  for (guint s = 0; s < self->sync->services->len; s++)
    {
      Service *service = g_ptr_array_index (self->sync->services, s);

      json_builder_begin_object (builder);
      add_string_or_null (builder, "sid", service->sid);
      add_string_or_null (builder, "unique_name", service->unique_name);
      json_builder_set_member_name (builder, "maps");
      json_builder_begin_array (builder);
      for (guint m = 0; m < service->maps->len; m++)
        {
          Map *map = g_ptr_array_index (service->maps, m);
          GHashTableIter iter;
          Item *item;

          json_builder_begin_object (builder);
          add_string_or_null (builder, "sid", map->sid);
          add_string_or_null (builder, "unique_name", map->unique_name);
          json_builder_set_member_name (builder, "revision");
          json_builder_add_int_value (builder, (gint64) map->revision);
          add_date (builder, "date_created", map->created_us);
          add_date (builder, "date_updated", map->updated_us);
          json_builder_set_member_name (builder, "items");
          json_builder_begin_array (builder);
          g_hash_table_iter_init (&iter, map->items);
          while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &item))
            {
              json_builder_begin_object (builder);
              add_string_or_null (builder, "key", item->key);
              json_builder_set_member_name (builder, "data");
              json_builder_add_value (builder, json_node_copy (item->data));
              json_builder_set_member_name (builder, "revision");
              json_builder_add_int_value (builder, (gint64) item->revision);
              add_date (builder, "date_created", item->created_us);
              add_date (builder, "date_updated", item->updated_us);
              add_date (builder, "date_expires", item->expires_us);
              json_builder_end_object (builder);
            }
          json_builder_end_array (builder);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static gboolean
load_error (GError **error, const char *what)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "Invalid emulator state: %s", what);
  return FALSE;
}

gboolean
_flex_emulator_sync_load (FlexEmulator *self, JsonNode *node, GError **error)
{
  g_autoptr (GPtrArray) services = NULL;
  JsonArray *array;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node) ||
      !json_object_has_member (json_node_get_object (node), "services"))
    return load_error (error, "sync has no services");

  array = json_object_get_array_member (json_node_get_object (node), "services");
  if (array == NULL || json_array_get_length (array) == 0)
    return load_error (error, "sync has no services");

  services = g_ptr_array_new_with_free_func ((GDestroyNotify) service_free);
  for (guint s = 0; s < json_array_get_length (array); s++)
    {
      JsonNode *service_node = json_array_get_element (array, s);
      JsonObject *service_object;
      JsonArray *maps;
      Service *service;

      if (!JSON_NODE_HOLDS_OBJECT (service_node))
        return load_error (error, "a service is not an object");
      service_object = json_node_get_object (service_node);
      service = service_new (
          json_object_get_string_member_with_default (service_object, "sid", NULL),
          json_object_get_string_member_with_default (service_object, "unique_name", NULL));
      g_ptr_array_add (services, service);
      maps = json_object_get_array_member (service_object, "maps");
      for (guint m = 0; maps != NULL && m < json_array_get_length (maps); m++)
        {
          JsonNode *map_node = json_array_get_element (maps, m);
          JsonObject *map_object;
          JsonArray *items;
          Map *map;

          if (!JSON_NODE_HOLDS_OBJECT (map_node))
            return load_error (error, "a map is not an object");
          map_object = json_node_get_object (map_node);
          map = map_new (
              self, json_object_get_string_member_with_default (map_object, "unique_name", NULL));
          g_free (map->sid);
          map->sid =
              g_strdup (json_object_get_string_member_with_default (map_object, "sid", map->sid));
          map->revision =
              (guint64) json_object_get_int_member_with_default (map_object, "revision", 0);
          map->created_us = _flex_emulator_parse_date (
              json_object_get_string_member_with_default (map_object, "date_created", NULL));
          map->updated_us = _flex_emulator_parse_date (
              json_object_get_string_member_with_default (map_object, "date_updated", NULL));
          g_ptr_array_add (service->maps, map);

          items = json_object_get_array_member (map_object, "items");
          for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
            {
              JsonNode *item_node = json_array_get_element (items, i);
              JsonObject *item_object;
              Item *item;

              if (!JSON_NODE_HOLDS_OBJECT (item_node))
                return load_error (error, "an item is not an object");
              item_object = json_node_get_object (item_node);
              if (json_object_get_string_member_with_default (item_object, "key", NULL) == NULL ||
                  !json_object_has_member (item_object, "data"))
                return load_error (error, "an item has no key or data");

              item = g_new0 (Item, 1);
              item->key = g_strdup (json_object_get_string_member (item_object, "key"));
              item->data = json_node_copy (json_object_get_member (item_object, "data"));
              item->revision =
                  (guint64) json_object_get_int_member_with_default (item_object, "revision", 0);
              item->created_us = _flex_emulator_parse_date (
                  json_object_get_string_member_with_default (item_object, "date_created", NULL));
              item->updated_us = _flex_emulator_parse_date (
                  json_object_get_string_member_with_default (item_object, "date_updated", NULL));
              item->expires_us = _flex_emulator_parse_date (
                  json_object_get_string_member_with_default (item_object, "date_expires", NULL));
              item->created_by = g_strdup ("system");
              g_hash_table_insert (map->items, item->key, item);
            }
        }
    }

  g_ptr_array_unref (self->sync->services);
  self->sync->services = g_steal_pointer (&services);
  return TRUE;
}
