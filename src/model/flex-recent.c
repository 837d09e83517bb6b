/* flex-recent.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flex-recent"

#include "config.h"

#include <string.h>

#include "flex-model-error.h"
#include "flex-recent.h"
#include "flex-search.h"

/*
 * FlexRecent: one item of a "Contacts_Recent_<WorkerSid>" map (DESIGN.md §2).
 * Every field but taskSid may be missing. dateTime is whatever the agent's
 * browser printed with Date.toLocaleString(); it is parsed here against the
 * item's own date_created.
 */

struct _FlexRecent
{
  GObject parent_instance;

  char *key;
  char *task_sid;
  char *direction;
  char *channel_type;
  char *customer_address;
  char *inbound_address;
  char *name;
  char *date_time_text;
  GDateTime *date_time;
  gint64 duration;
  char *queue_name;
  char *outcome;
  char *notes;
  GDateTime *date_expires;
  char *revision;
  JsonObject *data;
  char *search_text;
};

enum
{
  PROP_0,
  PROP_TASK_SID,
  PROP_DIRECTION,
  PROP_CHANNEL_TYPE,
  PROP_CUSTOMER_ADDRESS,
  PROP_INBOUND_ADDRESS,
  PROP_NAME,
  PROP_DATE_TIME,
  PROP_DURATION,
  PROP_QUEUE_NAME,
  PROP_OUTCOME,
  PROP_NOTES,
  PROP_SEARCH_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (FlexRecent, flex_recent, G_TYPE_OBJECT)

static void
flex_recent_finalize (GObject *object)
{
  FlexRecent *self = FLEX_RECENT (object);

  g_free (self->key);
  g_free (self->task_sid);
  g_free (self->direction);
  g_free (self->channel_type);
  g_free (self->customer_address);
  g_free (self->inbound_address);
  g_free (self->name);
  g_free (self->date_time_text);
  g_clear_pointer (&self->date_time, g_date_time_unref);
  g_free (self->queue_name);
  g_free (self->outcome);
  g_free (self->notes);
  g_clear_pointer (&self->date_expires, g_date_time_unref);
  g_free (self->revision);
  g_clear_pointer (&self->data, json_object_unref);
  g_free (self->search_text);

  G_OBJECT_CLASS (flex_recent_parent_class)->finalize (object);
}

static void
flex_recent_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  FlexRecent *self = FLEX_RECENT (object);

  switch (prop_id)
    {
      case PROP_TASK_SID:
        g_value_set_string (value, self->task_sid);
        break;
      case PROP_DIRECTION:
        g_value_set_string (value, self->direction);
        break;
      case PROP_CHANNEL_TYPE:
        g_value_set_string (value, self->channel_type);
        break;
      case PROP_CUSTOMER_ADDRESS:
        g_value_set_string (value, self->customer_address);
        break;
      case PROP_INBOUND_ADDRESS:
        g_value_set_string (value, self->inbound_address);
        break;
      case PROP_NAME:
        g_value_set_string (value, self->name);
        break;
      case PROP_DATE_TIME:
        g_value_set_boxed (value, self->date_time);
        break;
      case PROP_DURATION:
        g_value_set_int64 (value, self->duration);
        break;
      case PROP_QUEUE_NAME:
        g_value_set_string (value, self->queue_name);
        break;
      case PROP_OUTCOME:
        g_value_set_string (value, self->outcome);
        break;
      case PROP_NOTES:
        g_value_set_string (value, self->notes);
        break;
      case PROP_SEARCH_TEXT:
        g_value_set_string (value, self->search_text);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flex_recent_class_init (FlexRecentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = flex_recent_finalize;
  object_class->get_property = flex_recent_get_property;

  properties[PROP_TASK_SID] = g_param_spec_string ("task-sid", NULL, NULL, NULL, flags);
  properties[PROP_DIRECTION] = g_param_spec_string ("direction", NULL, NULL, NULL, flags);
  properties[PROP_CHANNEL_TYPE] = g_param_spec_string ("channel-type", NULL, NULL, NULL, flags);
  properties[PROP_CUSTOMER_ADDRESS] =
      g_param_spec_string ("customer-address", NULL, NULL, NULL, flags);
  properties[PROP_INBOUND_ADDRESS] =
      g_param_spec_string ("inbound-address", NULL, NULL, NULL, flags);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_DATE_TIME] =
      g_param_spec_boxed ("date-time", NULL, NULL, G_TYPE_DATE_TIME, flags);
  properties[PROP_DURATION] =
      g_param_spec_int64 ("duration", NULL, NULL, -1, G_MAXINT64, -1, flags);
  properties[PROP_QUEUE_NAME] = g_param_spec_string ("queue-name", NULL, NULL, NULL, flags);
  properties[PROP_OUTCOME] = g_param_spec_string ("outcome", NULL, NULL, NULL, flags);
  properties[PROP_NOTES] = g_param_spec_string ("notes", NULL, NULL, NULL, flags);
  properties[PROP_SEARCH_TEXT] = g_param_spec_string ("search-text", NULL, NULL, NULL, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
flex_recent_init (FlexRecent *self)
{
  self->duration = -1;
}

/* dateTime parsing */

typedef struct
{
  int year, month, day;
} Ymd;

static GRegex *
date_time_regex (void)
{
  static gsize regex;

  if (g_once_init_enter (&regex))
    {
      /* 3/19/2024, 6:25:27 PM · 19.3.2024, 18:25:27 · 2024/3/19 18:25:27 ·
       * 19-3-2024, 18:25:27 · 19/3/2024, 6:25:27 p. m. */
      GRegex *compiled =
          g_regex_new ("^\\s*(\\d{1,4})[/.\\-](\\d{1,2})[/.\\-](\\d{1,4})\\.?,?\\s+"
                       "(\\d{1,2}):(\\d{2})(?::(\\d{2}))?\\s*(a\\.?\\s?m\\.?|p\\.?\\s?m\\.?)?\\s*$",
                       G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, NULL);

      g_once_init_leave (&regex, (gsize) compiled);
    }

  return (GRegex *) regex;
}

static int
match_int (GMatchInfo *match, int group)
{
  g_autofree char *text = g_match_info_fetch (match, group);

  return text != NULL && *text != '\0' ? (int) g_ascii_strtoll (text, NULL, 10) : -1;
}

/**
 * flex_recent_parse_date_time:
 * @text: the `dateTime` of a recent, as the browser printed it
 * @date_created: (nullable): the item's `date_created` (its completion time)
 * @duration: the task duration in seconds, or -1
 * @time_zone: the zone the browser printed in (the local one, in the app)
 *
 * Reads every form DESIGN.md §2 lists, with or without U+202F before AM/PM.
 * Day and month are ambiguous in many locales: of the readings, the one not
 * after @date_created and closest to it wins. When nothing parses, the answer
 * is @date_created − @duration.
 *
 * Returns: (transfer full) (nullable): the time, in UTC
 */
GDateTime *
flex_recent_parse_date_time (const char *text,
                             GDateTime *date_created,
                             gint64 duration,
                             GTimeZone *time_zone)
{
  g_autoptr (GMatchInfo) match = NULL;
  g_autoptr (GString) clean = NULL;
  g_autoptr (GDateTime) best = NULL;
  g_autofree char *meridiem = NULL;
  Ymd candidates[2];
  guint n_candidates = 0;
  int a, b, c, hour, minute, second;
  GTimeSpan best_distance = G_MAXINT64;
  gboolean best_after = TRUE;

  if (text != NULL)
    {
      /* Narrow and plain no-break spaces become spaces. */
      clean = g_string_new (text);
      g_string_replace (clean, "\u202f", " ", 0);
      g_string_replace (clean, "\u00a0", " ", 0);
    }

  if (clean == NULL || !g_regex_match (date_time_regex (), clean->str, 0, &match))
    goto fallback;

  a = match_int (match, 1);
  b = match_int (match, 2);
  c = match_int (match, 3);
  hour = match_int (match, 4);
  minute = match_int (match, 5);
  second = MAX (match_int (match, 6), 0);
  meridiem = g_match_info_fetch (match, 7);

  if (meridiem != NULL && *meridiem != '\0')
    {
      gboolean pm = g_ascii_tolower (meridiem[0]) == 'p';

      if (hour < 1 || hour > 12)
        goto fallback;
      hour = (hour % 12) + (pm ? 12 : 0);
    }

  if (a >= 1000)
    candidates[n_candidates++] = (Ymd){ a, b, c }; /* year first: ja-JP */
  else
    {
      int year = c < 100 ? 2000 + c : c;

      candidates[n_candidates++] = (Ymd){ year, a, b }; /* month first: en-US */
      if (a != b)
        candidates[n_candidates++] = (Ymd){ year, b, a }; /* day first: most others */
    }

  for (guint i = 0; i < n_candidates; i++)
    {
      g_autoptr (GDateTime) local = NULL;
      GTimeSpan distance;
      gboolean after;

      if (candidates[i].month < 1 || candidates[i].month > 12 || candidates[i].day < 1 ||
          candidates[i].day > 31)
        continue;
      local = g_date_time_new (time_zone, candidates[i].year, candidates[i].month,
                               candidates[i].day, hour, minute, second);
      if (local == NULL)
        continue;
      /* g_date_time_new() rolls 31 April over: refuse such readings. */
      if (g_date_time_get_day_of_month (local) != candidates[i].day)
        continue;

      if (date_created == NULL)
        {
          if (best == NULL)
            best = g_date_time_to_utc (local);
          continue;
        }

      distance = g_date_time_difference (date_created, local);
      after = distance < 0;
      distance = ABS (distance);
      /* Prefer readings not after date_created; among them, the closest. */
      if (best == NULL || (best_after && !after) ||
          (after == best_after && distance < best_distance))
        {
          g_clear_pointer (&best, g_date_time_unref);
          best = g_date_time_to_utc (local);
          best_distance = distance;
          best_after = after;
        }
    }

  if (best != NULL)
    return g_steal_pointer (&best);

fallback:
  if (date_created == NULL)
    return NULL;
  return g_date_time_add_seconds (date_created, -(gdouble) MAX (duration, 0));
}

/* Reading items */

static gboolean
read_optional_string (
    JsonObject *data, const char *field, char **out, const char *key, GError **error)
{
  JsonNode *node = json_object_get_member (data, field);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, FLEX_MODEL_ERROR, FLEX_MODEL_ERROR_INVALID,
                   "The %s of the recent “%s” is not a text", field, key);
      return FALSE;
    }
  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

static void
update_search_text (FlexRecent *self)
{
  g_autofree char *joined = NULL;
  g_autofree char *folded = NULL;
  g_autofree char *customer = NULL;
  g_autofree char *inbound = NULL;

  /* Every shown text field but taskSid, direction, channelType, dateTime and
   * duration (DESIGN.md §1); the addresses' digits too. */
  joined = g_strjoin (
      "\n", self->inbound_address != NULL ? self->inbound_address : "",
      self->customer_address != NULL ? self->customer_address : "",
      self->name != NULL ? self->name : "", self->queue_name != NULL ? self->queue_name : "",
      self->outcome != NULL ? self->outcome : "", self->notes != NULL ? self->notes : "", NULL);
  folded = flex_search_fold (joined);
  customer = flex_search_digits (self->customer_address);
  inbound = flex_search_digits (self->inbound_address);
  g_free (self->search_text);
  self->search_text = g_strconcat (folded, "\n", customer, "\n", inbound, NULL);
}

/**
 * flex_recent_new_from_item:
 * @time_zone: the zone dateTime was printed in
 *
 * Returns: (transfer full) (nullable): the recent, or %NULL with
 *   %FLEX_MODEL_ERROR_INVALID when the data has the wrong shape
 */
FlexRecent *
flex_recent_new_from_item (const FlexSyncItem *item, GTimeZone *time_zone, GError **error)
{
  g_autoptr (FlexRecent) self = NULL;
  JsonObject *data;
  JsonNode *node;

  g_return_val_if_fail (item != NULL, NULL);

  if (item->data == NULL || !JSON_NODE_HOLDS_OBJECT (item->data))
    {
      g_set_error (error, FLEX_MODEL_ERROR, FLEX_MODEL_ERROR_INVALID,
                   "The recent “%s” is not a JSON object", item->key);
      return NULL;
    }
  data = json_node_get_object (item->data);

  self = g_object_new (FLEX_TYPE_RECENT, NULL);
  self->key = g_strdup (item->key);
  if (!read_optional_string (data, "taskSid", &self->task_sid, item->key, error) ||
      !read_optional_string (data, "direction", &self->direction, item->key, error) ||
      !read_optional_string (data, "channelType", &self->channel_type, item->key, error) ||
      !read_optional_string (data, "customerAddress", &self->customer_address, item->key, error) ||
      !read_optional_string (data, "inboundAddress", &self->inbound_address, item->key, error) ||
      !read_optional_string (data, "name", &self->name, item->key, error) ||
      !read_optional_string (data, "dateTime", &self->date_time_text, item->key, error) ||
      !read_optional_string (data, "queueName", &self->queue_name, item->key, error) ||
      !read_optional_string (data, "outcome", &self->outcome, item->key, error) ||
      !read_optional_string (data, "notes", &self->notes, item->key, error))
    return NULL;

  if (self->task_sid == NULL)
    {
      g_set_error (error, FLEX_MODEL_ERROR, FLEX_MODEL_ERROR_INVALID,
                   "The recent “%s” has no taskSid", item->key);
      return NULL;
    }

  node = json_object_get_member (data, "duration");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      GType type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;

      if (type == G_TYPE_INT64)
        self->duration = MAX (json_node_get_int (node), 0);
      else if (type == G_TYPE_DOUBLE)
        self->duration = (gint64) MAX (json_node_get_double (node), 0);
      else
        {
          g_set_error (error, FLEX_MODEL_ERROR, FLEX_MODEL_ERROR_INVALID,
                       "The duration of the recent “%s” is not a number", item->key);
          return NULL;
        }
    }

  if (self->outcome == NULL)
    self->outcome = g_strdup ("Completed");

  self->date_time = flex_recent_parse_date_time (self->date_time_text, item->date_created,
                                                 self->duration, time_zone);
  self->date_expires = item->date_expires != NULL ? g_date_time_ref (item->date_expires) : NULL;
  self->revision = g_strdup (item->revision);
  self->data = json_object_ref (data);
  update_search_text (self);

  return g_steal_pointer (&self);
}

/**
 * flex_recent_to_json:
 *
 * Returns: (transfer full): the item data exactly as it was read, unknown
 *   fields included
 */
JsonNode *
flex_recent_to_json (FlexRecent *self)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  g_return_val_if_fail (FLEX_IS_RECENT (self), NULL);

  json_node_set_object (node, self->data);
  return node;
}

#define GETTER(type, name, field, fallback)                                                        \
  type flex_recent_get_##name (FlexRecent *self)                                                   \
  {                                                                                                \
    g_return_val_if_fail (FLEX_IS_RECENT (self), fallback);                                        \
    return self->field;                                                                            \
  }

GETTER (const char *, key, key, NULL)
GETTER (const char *, task_sid, task_sid, NULL)
GETTER (const char *, direction, direction, NULL)
GETTER (const char *, channel_type, channel_type, NULL)
GETTER (const char *, customer_address, customer_address, NULL)
GETTER (const char *, inbound_address, inbound_address, NULL)
GETTER (const char *, name, name, NULL)
GETTER (GDateTime *, date_time, date_time, NULL)
GETTER (gint64, duration, duration, -1)
GETTER (const char *, queue_name, queue_name, NULL)
GETTER (const char *, outcome, outcome, NULL)
GETTER (const char *, notes, notes, NULL)
GETTER (GDateTime *, date_expires, date_expires, NULL)
GETTER (const char *, revision, revision, NULL)
GETTER (const char *, search_text, search_text, NULL)

#undef GETTER

gboolean
flex_recent_is_voice (FlexRecent *self)
{
  g_return_val_if_fail (FLEX_IS_RECENT (self), FALSE);
  return g_strcmp0 (self->channel_type, "voice") == 0;
}

/**
 * flex_recent_is_expired:
 *
 * Returns: whether the item is past its `date_expires`, so hidden even before
 *   Sync deletes it
 */
gboolean
flex_recent_is_expired (FlexRecent *self, GDateTime *now)
{
  g_return_val_if_fail (FLEX_IS_RECENT (self), FALSE);
  return self->date_expires != NULL && g_date_time_compare (self->date_expires, now) <= 0;
}
