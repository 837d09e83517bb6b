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

#define MAX_KEY_LENGTH    256 /* error 54209 says 1–256, whatever the spec says */
#define MAX_DATA_BYTES    (16 * 1024)
#define DEFAULT_PAGE_SIZE 50
#define MAX_PAGE_SIZE     1000
#define MAX_EVENT_LOG     2000
#define CDS_PAGE_SIZE     50

typedef struct
{
  char *key;
  JsonNode *data;
  guint64 revision;
  gint64 created_us;
  gint64 updated_us;
  gint64 expires_us; /* 0: never */
  char *created_by;
  guint64 last_event_id;    /* of the event that last changed it */
  GSequenceIter *by_key;    /* in Map.ordered */
  GSequenceIter *by_expiry; /* in Map.expiring, when it expires */
} Item;

typedef struct
{
  char *sid;
  char *unique_name;
  guint64 revision;
  gint64 created_us;
  gint64 updated_us;
  char *created_by;
  GHashTable *items;     /* key → Item, owns them */
  GSequence *ordered;    /* Item by key: pages and writes in O(log n) */
  GSequence *expiring;   /* Item with a TTL, by expiry: purging in O(expired · log n) */
  guint64 last_event_id; /* per-map event ids, 1, 2, … */
  GQueue events;         /* the last MAX_EVENT_LOG events, oldest first, for replay */
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
  g_sequence_free (map->ordered);
  g_sequence_free (map->expiring);
  g_hash_table_unref (map->items);
  g_queue_clear_full (&map->events, (GDestroyNotify) json_node_unref);
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
  map->ordered = g_sequence_new (NULL);
  map->expiring = g_sequence_new (NULL);
  g_queue_init (&map->events);
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

/* The item index */

static int
compare_item_keys (gconstpointer a, gconstpointer b, gpointer user_data)
{
  return strcmp (((const Item *) a)->key, ((const Item *) b)->key);
}

static int
compare_item_expiry (gconstpointer a, gconstpointer b, gpointer user_data)
{
  const Item *x = a, *y = b;

  if (x->expires_us != y->expires_us)
    return x->expires_us < y->expires_us ? -1 : 1;
  return strcmp (x->key, y->key);
}

/* Sets when @item expires (0: never), keeping the expiry index. */
static void
item_set_expiry (Map *map, Item *item, gint64 expires_us)
{
  if (item->by_expiry != NULL)
    {
      g_sequence_remove (item->by_expiry);
      item->by_expiry = NULL;
    }
  item->expires_us = expires_us;
  if (expires_us != 0)
    item->by_expiry = g_sequence_insert_sorted (map->expiring, item, compare_item_expiry, NULL);
}

static void
map_add_item (Map *map, Item *item)
{
  gint64 expires_us = item->expires_us;

  g_hash_table_insert (map->items, item->key, item);
  item->by_key = g_sequence_insert_sorted (map->ordered, item, compare_item_keys, NULL);
  item->expires_us = 0;
  item_set_expiry (map, item, expires_us);
}

/* The item of @map at @key that a write is about to change, stamped with the
 * time of the write: created (at revision 0) when there is none, its
 * revision advanced when there is. */
static Item *
map_item_for_write (FlexEmulator *self, Map *map, const char *key, gboolean *added)
{
  Item *item = g_hash_table_lookup (map->items, key);
  gint64 now = flex_emulator_now_us (self);

  *added = item == NULL;
  if (item == NULL)
    {
      item = g_new0 (Item, 1);
      item->key = g_strdup (key);
      item->created_us = now;
      item->created_by = g_strdup ("system");
      map_add_item (map, item);
    }
  else
    item->revision++;
  item->updated_us = now;
  return item;
}

static void
map_remove_item (Map *map, Item *item)
{
  g_sequence_remove (item->by_key);
  item_set_expiry (map, item, 0);
  g_hash_table_remove (map->items, item->key); /* frees it */
}

/* The first item whose key sorts after @key (or is @key, with @inclusive). */
static GSequenceIter *
first_after (Map *map, const char *key, gboolean inclusive)
{
  Item probe = { .key = (char *) key };
  GSequenceIter *iter = g_sequence_search (map->ordered, &probe, compare_item_keys, NULL);

  /* g_sequence_search lands after any equal item. */
  if (inclusive && !g_sequence_iter_is_begin (iter))
    {
      GSequenceIter *previous = g_sequence_iter_prev (iter);

      if (strcmp (((Item *) g_sequence_get (previous))->key, key) == 0)
        return previous;
    }
  return iter;
}

static void
record_event (FlexEmulator *self, Map *map, const char *type, Item *item, JsonNode *old_data);

/* Drops expired items; an expiry is a change: it advances the revision and is
 * an event like any other. */
static void
purge_expired (FlexEmulator *self, Map *map)
{
  gint64 now = flex_emulator_now_us (self);
  gboolean changed = FALSE;

  while (g_sequence_get_length (map->expiring) > 0)
    {
      Item *item = g_sequence_get (g_sequence_get_begin_iter (map->expiring));

      if (item->expires_us > now)
        break;
      record_event (self, map, "map_item_removed", item, NULL);
      map_remove_item (map, item);
      changed = TRUE;
    }
  if (changed)
    _flex_emulator_state_changed (self);
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

/* Events: every change of a map, whatever door it came through (REST v1, CDS
 * over Twilsock, a TTL expiry, the test API), advances the map's revision
 * and is one event with the map's next event id, kept for replay and pushed
 * to the map's subscribers. The shapes are those twilio-sync@4.0.1 reads
 * (SYNC-PUSH.md §4). */
static void
record_event (FlexEmulator *self, Map *map, const char *type, Item *item, JsonNode *old_data)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autofree char *map_revision = NULL;
  JsonNode *payload;

  map->revision++;
  map->updated_us = flex_emulator_now_us (self);
  map->last_event_id++;
  map_revision = revision_string (map->revision);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "event_type");
  json_builder_add_string_value (builder, type);
  json_builder_set_member_name (builder, "event");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, (gint64) map->last_event_id);
  add_string_or_null (builder, "map_sid", map->sid);
  add_string_or_null (builder, "map_unique_name", map->unique_name);
  if (item != NULL)
    {
      g_autofree char *key = g_uri_escape_string (item->key, NULL, FALSE);
      g_autofree char *url =
          g_strdup_printf ("https://cds.us1.twilio.com/v3/Maps/%s/Items/%s", map->sid, key);
      g_autofree char *item_revision = revision_string (item->revision);
      gboolean removed = g_str_equal (type, "map_item_removed");

      add_string_or_null (builder, "item_key", item->key);
      add_string_or_null (builder, "item_url", url);
      if (!removed)
        {
          add_string_or_null (builder, "item_revision", item_revision);
          item->last_event_id = map->last_event_id;
        }
      json_builder_set_member_name (builder, "item_data");
      json_builder_add_value (builder, json_node_copy (old_data != NULL ? old_data : item->data));
      add_date (builder, "date_created", removed ? map->updated_us : item->updated_us);
      if (!removed)
        add_date (builder, "date_expires", item->expires_us);
    }
  else
    add_date (builder, "date_created", map->updated_us);
  add_string_or_null (builder, "map_revision", map_revision);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  payload = json_builder_get_root (builder);
  g_queue_push_tail (&map->events, payload);
  while (g_queue_get_length (&map->events) > MAX_EVENT_LOG)
    json_node_unref (g_queue_pop_head (&map->events));

  _flex_emulator_twilsock_publish (self, map->sid, payload);
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
  if (unique_name != NULL && _flex_emulator_is_sid (unique_name, "MP"))
    {
      _flex_emulator_error (context, 400, 54302, "Invalid unique name: it cannot look like a SID");
      return;
    }
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
  record_event (context->emulator, map, "map_removed", NULL, NULL);
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

/* Positions in the key index: a page is O(log n + page), whatever the size
 * of the map. */
static gint
position_after (Map *map, const char *key, gboolean inclusive)
{
  return g_sequence_iter_get_position (first_after (map, key, inclusive));
}

/* Up to @limit items from position @start, stepping by @step (+1 or -1),
 * staying within [@low, @high). */
static GPtrArray *
collect_page (Map *map, gint start, gint step, guint limit, gint low, gint high)
{
  GPtrArray *page = g_ptr_array_new ();
  GSequenceIter *iter;

  if (start < low || start >= high)
    return page;
  iter = g_sequence_get_iter_at_pos (map->ordered, start);
  for (gint position = start; position >= low && position < high && page->len < limit;
       position += step)
    {
      g_ptr_array_add (page, g_sequence_get (iter));
      iter = step > 0 ? g_sequence_iter_next (iter)
                      : (g_sequence_iter_is_begin (iter) ? iter : g_sequence_iter_prev (iter));
    }
  return page;
}

static void
handle_list_items (FlexEmulatorContext *context)
{
  FlexEmulator *self = context->emulator;
  Service *service = context_service (context);
  Map *map = service != NULL ? context_map (context, service, "MapSid", NULL) : NULL;
  g_autoptr (GPtrArray) page_items = NULL;
  g_autoptr (GPtrArray) elements = NULL;
  g_autofree char *base = NULL;
  g_autofree char *list_url = NULL;
  const char *token;
  const char *order;
  gboolean descending;
  guint page_size, page;
  gint length, start;
  gboolean more;

  if (map == NULL || !paging_params (context, &page_size, &page))
    return;

  order = context->query != NULL ? g_hash_table_lookup (context->query, "Order") : NULL;
  descending = g_strcmp0 (order, "desc") == 0;
  token = context->query != NULL ? g_hash_table_lookup (context->query, "PageToken") : NULL;
  length = g_sequence_get_length (map->ordered);

  /* Items are ordered by key; the page token is the last key already sent. */
  if (token != NULL)
    start = descending ? position_after (map, token, TRUE) - 1 : position_after (map, token, FALSE);
  else if ((guint64) page * page_size >= (guint64) length)
    start = descending ? -1 : length;
  else
    start = descending ? length - 1 - (gint) (page * page_size) : (gint) (page * page_size);

  page_items = collect_page (map, start, descending ? -1 : 1, page_size, 0, length);
  more = descending ? start - (gint) page_items->len >= 0 : start + (gint) page_items->len < length;

  elements = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  for (guint i = 0; i < page_items->len; i++)
    g_ptr_array_add (elements,
                     item_to_json (self, service, map, g_ptr_array_index (page_items, i)));

  base = map_url (self, service, map);
  list_url = g_strconcat (base, "/Items", NULL);
  _flex_emulator_reply (
      context, 200,
      build_page ("items", elements, list_url, page, page_size,
                  more && page_items->len > 0
                      ? ((Item *) g_ptr_array_index (page_items, page_items->len - 1))->key
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
  gboolean added;

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

  item = map_item_for_write (self, map, key, &added);
  item->data = g_steal_pointer (&data);
  if (ttl > 0)
    item_set_expiry (map, item, item->created_us + ttl * G_USEC_PER_SEC);
  record_event (self, map, "map_item_added", item, NULL);
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
    item_set_expiry (map, item, item->updated_us + ttl * G_USEC_PER_SEC);
  item->revision++;
  record_event (self, map, "map_item_updated", item, NULL);
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

  record_event (self, map, "map_item_removed", item, NULL);
  map_remove_item (map, item);
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

/* CDS: the same store as the Sync SDK reaches it over Twilsock
 * (SYNC-PUSH.md §3, twilio-sync@4.0.1). No service in paths: the token's
 * grant names it. Links name the host the client asked for. */

typedef struct
{
  FlexEmulator *self;
  Service *service;
  const char *host;
  GHashTable *params;
  const char *if_match;
  JsonNode *body;
  guint status;
  JsonNode *response;
} CdsRequest;

static void
cds_error (CdsRequest *request, guint status, int code, const char *message)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autofree char *more_info = g_strdup_printf ("https://www.twilio.com/docs/errors/%d", code);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_int_value (builder, code);
  add_string_or_null (builder, "message", message);
  add_string_or_null (builder, "more_info", more_info);
  json_builder_set_member_name (builder, "status");
  json_builder_add_int_value (builder, status);
  json_builder_end_object (builder);

  request->status = status;
  request->response = json_builder_get_root (builder);
}

static char *
cds_map_url (CdsRequest *request, Map *map)
{
  return g_strdup_printf ("https://%s/v3/Maps/%s", request->host, map->sid);
}

static JsonNode *
cds_map_to_json (CdsRequest *request, Map *map)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autofree char *url = cds_map_url (request, map);
  g_autofree char *items_url = g_strconcat (url, "/Items", NULL);
  g_autofree char *revision = revision_string (map->revision);

  json_builder_begin_object (builder);
  add_string_or_null (builder, "sid", map->sid);
  add_string_or_null (builder, "unique_name", map->unique_name);
  add_string_or_null (builder, "url", url);
  add_string_or_null (builder, "revision", revision);
  json_builder_set_member_name (builder, "last_event_id");
  json_builder_add_int_value (builder, (gint64) map->last_event_id);
  add_date (builder, "date_created", map->created_us);
  add_date (builder, "date_updated", map->updated_us);
  add_date (builder, "date_expires", 0);
  json_builder_set_member_name (builder, "links");
  json_builder_begin_object (builder);
  add_string_or_null (builder, "items", items_url);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static JsonNode *
cds_item_to_json (CdsRequest *request, Map *map, Item *item, gboolean with_data)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autofree char *base = cds_map_url (request, map);
  g_autofree char *key = g_uri_escape_string (item->key, NULL, FALSE);
  g_autofree char *url = g_strdup_printf ("%s/Items/%s", base, key);
  g_autofree char *revision = revision_string (item->revision);

  json_builder_begin_object (builder);
  add_string_or_null (builder, "key", item->key);
  add_string_or_null (builder, "url", url);
  add_string_or_null (builder, "revision", revision);
  json_builder_set_member_name (builder, "last_event_id");
  json_builder_add_int_value (builder, (gint64) item->last_event_id);
  if (with_data)
    {
      json_builder_set_member_name (builder, "data");
      json_builder_add_value (builder, json_node_copy (item->data));
    }
  add_date (builder, "date_created", item->created_us);
  add_date (builder, "date_updated", item->updated_us);
  add_date (builder, "date_expires", item->expires_us);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static const char *
cds_param (CdsRequest *request, const char *name)
{
  return request->params != NULL ? g_hash_table_lookup (request->params, name) : NULL;
}

static void
cds_create_map (CdsRequest *request)
{
  JsonObject *body = request->body != NULL && JSON_NODE_HOLDS_OBJECT (request->body)
                         ? json_node_get_object (request->body)
                         : NULL;
  const char *unique_name =
      body != NULL ? json_object_get_string_member_with_default (body, "unique_name", NULL) : NULL;
  Map *map;

  if (unique_name != NULL && find_map (request->self, request->service, unique_name, NULL) != NULL)
    {
      cds_error (request, 409, 54301, "Unique name already exists");
      return;
    }
  if (unique_name != NULL && _flex_emulator_is_sid (unique_name, "MP"))
    {
      cds_error (request, 400, 54302, "Unique name cannot look like a SID");
      return;
    }
  map = map_new (request->self, unique_name);
  g_ptr_array_add (request->service->maps, map);
  _flex_emulator_state_changed (request->self);
  request->status = 201;
  request->response = cds_map_to_json (request, map);
}

/* Page tokens: "a:<key>" for the page after <key>, "b:<key>" for the page
 * before it, each in the request's order. */
static void
cds_list_items (CdsRequest *request, Map *map)
{
  const char *key = cds_param (request, "Key");
  const char *token = cds_param (request, "PageToken");
  const char *from = cds_param (request, "From");
  const char *size = cds_param (request, "PageSize");
  gboolean descending = g_strcmp0 (cds_param (request, "Order"), "desc") == 0;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (GPtrArray) page_items = NULL;
  guint64 page_size = CDS_PAGE_SIZE;
  gint length = g_sequence_get_length (map->ordered);
  gint start, step = descending ? -1 : 1;
  gint low = 0, high = length;

  if (size != NULL && !g_ascii_string_to_unsigned (size, 10, 1, 1000, &page_size, NULL))
    {
      cds_error (request, 400, 20001, "PageSize must be between 1 and 1000");
      return;
    }
  page_size = MIN (page_size, 100);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "items");
  json_builder_begin_array (builder);

  if (key != NULL)
    {
      Item *item = g_hash_table_lookup (map->items, key);

      if (item != NULL)
        json_builder_add_value (builder, cds_item_to_json (request, map, item, TRUE));
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "meta");
      json_builder_begin_object (builder);
      add_string_or_null (builder, "previous_token", NULL);
      add_string_or_null (builder, "next_token", NULL);
      json_builder_end_object (builder);
      json_builder_end_object (builder);
      request->status = 200;
      request->response = json_builder_get_root (builder);
      return;
    }

  if (token != NULL && strlen (token) > 2 && token[1] == ':' &&
      (token[0] == 'a' || token[0] == 'b'))
    {
      const char *pivot = token + 2;

      if (token[0] == 'a')
        /* The page after the pivot, in the request's order. */
        start =
            descending ? position_after (map, pivot, TRUE) - 1 : position_after (map, pivot, FALSE);
      else if (!descending)
        {
          /* The page before the pivot: the last page_size keys below it. */
          high = position_after (map, pivot, TRUE);
          start = MAX (0, high - (gint) page_size);
        }
      else
        {
          /* Before it in descending order: the page_size keys above it. */
          low = position_after (map, pivot, FALSE);
          start = MIN (length - 1, low + (gint) page_size - 1);
        }
    }
  else if (token != NULL)
    {
      cds_error (request, 400, 20001, "Invalid PageToken");
      return;
    }
  else if (from != NULL)
    start = descending ? position_after (map, from, FALSE) - 1 : position_after (map, from, TRUE);
  else
    start = descending ? length - 1 : 0;

  page_items = collect_page (map, start, step, page_size, low, high);
  for (guint i = 0; i < page_items->len; i++)
    json_builder_add_value (
        builder, cds_item_to_json (request, map, g_ptr_array_index (page_items, i), TRUE));
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "meta");
  json_builder_begin_object (builder);
  {
    Item *first = page_items->len > 0 ? g_ptr_array_index (page_items, 0) : NULL;
    Item *last = page_items->len > 0 ? g_ptr_array_index (page_items, page_items->len - 1) : NULL;
    gint first_position = first != NULL ? g_sequence_iter_get_position (first->by_key) : 0;
    gint last_position = last != NULL ? g_sequence_iter_get_position (last->by_key) : 0;
    gboolean has_previous =
        first != NULL && (descending ? first_position < length - 1 : first_position > 0);
    gboolean has_next =
        last != NULL && (descending ? last_position > 0 : last_position < length - 1);
    g_autofree char *previous = has_previous ? g_strconcat ("b:", first->key, NULL) : NULL;
    g_autofree char *next = has_next ? g_strconcat ("a:", last->key, NULL) : NULL;

    add_string_or_null (builder, "previous_token", previous);
    add_string_or_null (builder, "next_token", next);
  }
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  request->status = 200;
  request->response = json_builder_get_root (builder);
}

static gboolean
cds_check_if_match (CdsRequest *request, Item *item)
{
  g_autofree char *revision = NULL;

  if (request->if_match == NULL || g_str_equal (request->if_match, "*"))
    return TRUE;
  /* "-1": only if there is no such item. */
  if (g_str_equal (request->if_match, "-1"))
    {
      if (item == NULL)
        return TRUE;
      cds_error (request, 412, 54208, "The Item already exists");
      return FALSE;
    }
  if (item == NULL)
    {
      cds_error (request, 404, 54201, "Item not found");
      return FALSE;
    }
  revision = revision_string (item->revision);
  if (g_str_equal (request->if_match, revision))
    return TRUE;
  cds_error (request, 412, 54205, "The revision of the Item does not match the requested revision");
  return FALSE;
}

static void
cds_put_item (CdsRequest *request, Map *map, const char *key)
{
  FlexEmulator *self = request->self;
  JsonObject *body = request->body != NULL && JSON_NODE_HOLDS_OBJECT (request->body)
                         ? json_node_get_object (request->body)
                         : NULL;
  JsonNode *data = body != NULL ? json_object_get_member (body, "data") : NULL;
  Item *item = g_hash_table_lookup (map->items, key);
  gint64 ttl = body != NULL ? json_object_get_int_member_with_default (body, "ttl", 0) : 0;
  g_autofree char *text = NULL;
  gboolean added;

  if (g_utf8_strlen (key, -1) > MAX_KEY_LENGTH)
    {
      cds_error (
          request, 400, 54209,
          "Invalid Item Key: keys are 1 to " G_STRINGIFY (MAX_KEY_LENGTH) " characters long");
      return;
    }
  if (data == NULL || !JSON_NODE_HOLDS_OBJECT (data))
    {
      cds_error (request, 400, 54008, "Invalid request body: data is not a JSON object");
      return;
    }
  text = json_to_string (data, FALSE);
  if (strlen (text) > MAX_DATA_BYTES)
    {
      cds_error (request, 413, 54006, "Request entity too large");
      return;
    }
  if (!cds_check_if_match (request, item))
    return;

  item = map_item_for_write (self, map, key, &added);
  g_clear_pointer (&item->data, json_node_unref);
  item->data = json_node_copy (data);
  if (ttl > 0)
    item_set_expiry (map, item, item->updated_us + ttl * G_USEC_PER_SEC);
  record_event (self, map, added ? "map_item_added" : "map_item_updated", item, NULL);
  _flex_emulator_state_changed (self);

  request->status = added ? 201 : 200;
  request->response = cds_item_to_json (request, map, item, FALSE);
}

static void
cds_delete_item (CdsRequest *request, Map *map, const char *key)
{
  FlexEmulator *self = request->self;
  Item *item = g_hash_table_lookup (map->items, key);
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  if (item == NULL)
    {
      cds_error (request, 404, 54201, "Item not found");
      return;
    }
  if (!cds_check_if_match (request, item))
    return;

  record_event (self, map, "map_item_removed", item, NULL);
  json_builder_begin_object (builder);
  add_string_or_null (builder, "key", item->key);
  json_builder_set_member_name (builder, "last_event_id");
  json_builder_add_int_value (builder, (gint64) map->last_event_id);
  add_date (builder, "date_updated", map->updated_us);
  json_builder_end_object (builder);
  map_remove_item (map, item);
  _flex_emulator_state_changed (self);

  request->status = 200;
  request->response = json_builder_get_root (builder);
}

/**
 * _flex_emulator_sync_cds:
 * @service_sid: the grant's Sync service (`default`, `IS…`); the default
 *   service when it names none of ours
 * @host: the host the client addressed (`cds.us1.twilio.com`)
 * @status: (out): the HTTP status of the answer
 * @response: (out) (transfer full) (nullable): its body
 *
 * One CDS request, as it arrives inside a Twilsock `message`.
 */
void
_flex_emulator_sync_cds (FlexEmulator *self,
                         const char *service_sid,
                         const char *host,
                         const char *method,
                         const char *path,
                         GHashTable *params,
                         const char *if_match,
                         JsonNode *body,
                         guint *status,
                         JsonNode **response)
{
  CdsRequest request = { self, NULL, host, params, if_match, body, 0, NULL };
  g_auto (GStrv) segments = NULL;
  guint n;
  Map *map = NULL;
  guint index = 0;

  request.service = service_sid != NULL ? find_service (self, service_sid) : NULL;
  if (request.service == NULL)
    request.service = default_service (self);
  if (request.host == NULL || *request.host == '\0')
    request.host = "cds.us1.twilio.com";

  segments = g_strsplit (path != NULL && *path == '/' ? path + 1 : "", "/", -1);
  n = g_strv_length (segments);

  if (n < 2 || !g_str_equal (segments[0], "v3") || !g_str_equal (segments[1], "Maps") || n > 5 ||
      (n >= 4 && !g_str_equal (segments[3], "Items")))
    {
      cds_error (&request, 404, 20404, "The requested resource was not found");
      goto out;
    }

  if (n == 2)
    {
      if (g_str_equal (method, "POST"))
        cds_create_map (&request);
      else
        cds_error (&request, 405, 20004, "Method not allowed");
      goto out;
    }

  {
    g_autofree char *id = g_uri_unescape_string (segments[2], NULL);

    map = id != NULL ? find_map (self, request.service, id, &index) : NULL;
  }
  if (map == NULL)
    {
      cds_error (&request, 404, 54200, "Map not found");
      goto out;
    }

  if (n == 3)
    {
      if (g_str_equal (method, "GET") || g_str_equal (method, "POST"))
        {
          request.status = 200;
          request.response = cds_map_to_json (&request, map);
        }
      else if (g_str_equal (method, "DELETE"))
        {
          record_event (self, map, "map_removed", NULL, NULL);
          g_ptr_array_remove_index (request.service->maps, index);
          _flex_emulator_state_changed (self);
          request.status = 204;
        }
      else
        cds_error (&request, 405, 20004, "Method not allowed");
      goto out;
    }

  if (n == 4)
    {
      if (g_str_equal (method, "GET"))
        cds_list_items (&request, map);
      else
        cds_error (&request, 405, 20004, "Method not allowed");
      goto out;
    }

  {
    g_autofree char *key = g_uri_unescape_string (segments[4], NULL);

    if (key == NULL || *key == '\0')
      cds_error (&request, 400, 54209, "Invalid Item Key");
    else if (g_str_equal (method, "PUT") || g_str_equal (method, "POST"))
      cds_put_item (&request, map, key);
    else if (g_str_equal (method, "DELETE"))
      cds_delete_item (&request, map, key);
    else if (g_str_equal (method, "GET"))
      {
        Item *item = g_hash_table_lookup (map->items, key);

        if (item == NULL)
          cds_error (&request, 404, 54201, "Item not found");
        else
          {
            request.status = 200;
            request.response = cds_item_to_json (&request, map, item, TRUE);
          }
      }
    else
      cds_error (&request, 405, 20004, "Method not allowed");
  }

out:
  *status = request.status;
  *response = request.response;
}

/**
 * _flex_emulator_sync_replay:
 * @after: the subscriber's last event id
 * @events: (out) (transfer container): the events since, oldest first
 * @last_event_id: (out): the map's last event id
 *
 * Returns: %FALSE when there is no such map; with @complete %FALSE when the
 *   log no longer reaches back to @after
 */
gboolean
_flex_emulator_sync_replay (FlexEmulator *self,
                            const char *service_sid,
                            const char *map_sid,
                            gint64 after,
                            GPtrArray **events,
                            guint64 *last_event_id,
                            gboolean *complete)
{
  Service *service = service_sid != NULL ? find_service (self, service_sid) : NULL;
  Map *map;

  if (service == NULL)
    service = default_service (self);
  map = find_map (self, service, map_sid, NULL);
  if (map == NULL)
    return FALSE;

  *events = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  *last_event_id = map->last_event_id;
  *complete = TRUE;
  if (after < 0 || (guint64) after >= map->last_event_id)
    return TRUE;

  /* The log holds ids last_event_id - length + 1 … last_event_id. */
  if (map->last_event_id - g_queue_get_length (&map->events) > (guint64) after)
    {
      *complete = FALSE;
      return TRUE;
    }
  for (GList *l = map->events.head; l != NULL; l = l->next)
    {
      JsonObject *event = json_object_get_object_member (json_node_get_object (l->data), "event");

      if (json_object_get_int_member (event, "id") > after)
        g_ptr_array_add (*events, json_node_ref (l->data));
    }
  return TRUE;
}

/**
 * _flex_emulator_sync_map_sid:
 *
 * Returns: (nullable): the SID of a map of the service, by SID or name
 */
const char *
_flex_emulator_sync_map_sid (FlexEmulator *self, const char *service_sid, const char *map)
{
  Service *service = service_sid != NULL ? find_service (self, service_sid) : NULL;
  Map *found;

  if (service == NULL)
    service = default_service (self);
  found = find_map (self, service, map, NULL);
  return found != NULL ? found->sid : NULL;
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
  gboolean added;

  g_return_val_if_fail (FLEX_IS_EMULATOR (self), FALSE);

  if (!json_parser_load_from_data (parser, data_json, -1, error))
    return FALSE;

  map = find_or_create_default_map (self, map_name);
  item = map_item_for_write (self, map, key, &added);
  g_clear_pointer (&item->data, json_node_unref);
  item->data = json_parser_steal_root (parser);
  item_set_expiry (map, item, ttl_s > 0 ? item->updated_us + (gint64) ttl_s * G_USEC_PER_SEC : 0);
  record_event (self, map, added ? "map_item_added" : "map_item_updated", item, NULL);
  _flex_emulator_state_changed (self);
  return TRUE;
}

gboolean
flex_emulator_remove_item (FlexEmulator *self, const char *map_name, const char *key)
{
  Map *map;
  Item *item;

  g_return_val_if_fail (FLEX_IS_EMULATOR (self), FALSE);

  map = find_map (self, default_service (self), map_name, NULL);
  item = map != NULL ? g_hash_table_lookup (map->items, key) : NULL;
  if (item == NULL)
    return FALSE;

  record_event (self, map, "map_item_removed", item, NULL);
  map_remove_item (map, item);
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
          json_builder_set_member_name (builder, "last_event_id");
          json_builder_add_int_value (builder, (gint64) map->last_event_id);
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
              json_builder_set_member_name (builder, "last_event_id");
              json_builder_add_int_value (builder, (gint64) item->last_event_id);
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
          map->last_event_id =
              (guint64) json_object_get_int_member_with_default (map_object, "last_event_id", 0);
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
              item->last_event_id = (guint64) json_object_get_int_member_with_default (
                  item_object, "last_event_id", 0);
              item->created_us = _flex_emulator_parse_date (
                  json_object_get_string_member_with_default (item_object, "date_created", NULL));
              item->updated_us = _flex_emulator_parse_date (
                  json_object_get_string_member_with_default (item_object, "date_updated", NULL));
              item->expires_us = _flex_emulator_parse_date (
                  json_object_get_string_member_with_default (item_object, "date_expires", NULL));
              item->created_by = g_strdup ("system");
              if (g_hash_table_contains (map->items, item->key))
                {
                  item_free (item);
                  return load_error (error, "two items have the same key");
                }
              map_add_item (map, item);
            }
        }
    }

  g_ptr_array_unref (self->sync->services);
  self->sync->services = g_steal_pointer (&services);
  return TRUE;
}
