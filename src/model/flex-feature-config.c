/* flex-feature-config.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flex-feature-config"

#include "config.h"

#include "flex-feature-config.h"

/*
 * FlexFeatureConfig holds the effective configuration of the Flex "contacts"
 * feature (DESIGN.md §1). Its properties carry the names of the keys of the
 * Flex plugin configuration, with dashes. Each value comes from the first
 * layer that has it: the worker's config_overrides.features.contacts, then
 * the Flex Configuration's ui_attributes.custom_data.features.contacts, then
 * the local GSettings (the fallback when neither is reachable).
 */

struct _FlexFeatureConfig
{
  GObject parent_instance;

  GSettings *settings;
  JsonObject *flex_layer;
  JsonObject *worker_layer;
  /* Whether Flex has answered (now, or in the state kept from the last
   * run): until then a failure to reach it never turns the feature off. */
  gboolean flex_known;

  gboolean enabled;
  gboolean enable_recents;
  gboolean enable_personal;
  gboolean enable_shared;
  guint recent_days_to_keep;
  gboolean shared_agent_editable;
  guint page_size;
};

enum
{
  PROP_0,
  PROP_ENABLED,
  PROP_ENABLE_RECENTS,
  PROP_ENABLE_PERSONAL,
  PROP_ENABLE_SHARED,
  PROP_RECENT_DAYS_TO_KEEP,
  PROP_SHARED_AGENT_EDITABLE,
  PROP_PAGE_SIZE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (FlexFeatureConfig, flex_feature_config, G_TYPE_OBJECT)

static void
set_boolean (FlexFeatureConfig *self, gboolean *field, gboolean value, guint prop_id)
{
  value = !!value;
  if (*field == value)
    return;

  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
set_uint (FlexFeatureConfig *self, guint *field, guint value, guint prop_id)
{
  if (*field == value)
    return;

  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
flex_feature_config_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  FlexFeatureConfig *self = FLEX_FEATURE_CONFIG (object);

  switch (prop_id)
    {
      case PROP_ENABLED:
        g_value_set_boolean (value, self->enabled);
        break;
      case PROP_ENABLE_RECENTS:
        g_value_set_boolean (value, self->enable_recents);
        break;
      case PROP_ENABLE_PERSONAL:
        g_value_set_boolean (value, self->enable_personal);
        break;
      case PROP_ENABLE_SHARED:
        g_value_set_boolean (value, self->enable_shared);
        break;
      case PROP_RECENT_DAYS_TO_KEEP:
        g_value_set_uint (value, self->recent_days_to_keep);
        break;
      case PROP_SHARED_AGENT_EDITABLE:
        g_value_set_boolean (value, self->shared_agent_editable);
        break;
      case PROP_PAGE_SIZE:
        g_value_set_uint (value, self->page_size);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flex_feature_config_set_property (GObject *object,
                                  guint prop_id,
                                  const GValue *value,
                                  GParamSpec *pspec)
{
  FlexFeatureConfig *self = FLEX_FEATURE_CONFIG (object);

  switch (prop_id)
    {
      case PROP_ENABLED:
        set_boolean (self, &self->enabled, g_value_get_boolean (value), prop_id);
        break;
      case PROP_ENABLE_RECENTS:
        set_boolean (self, &self->enable_recents, g_value_get_boolean (value), prop_id);
        break;
      case PROP_ENABLE_PERSONAL:
        set_boolean (self, &self->enable_personal, g_value_get_boolean (value), prop_id);
        break;
      case PROP_ENABLE_SHARED:
        set_boolean (self, &self->enable_shared, g_value_get_boolean (value), prop_id);
        break;
      case PROP_RECENT_DAYS_TO_KEEP:
        set_uint (self, &self->recent_days_to_keep, g_value_get_uint (value), prop_id);
        break;
      case PROP_SHARED_AGENT_EDITABLE:
        set_boolean (self, &self->shared_agent_editable, g_value_get_boolean (value), prop_id);
        break;
      case PROP_PAGE_SIZE:
        set_uint (self, &self->page_size, g_value_get_uint (value), prop_id);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flex_feature_config_finalize (GObject *object)
{
  FlexFeatureConfig *self = FLEX_FEATURE_CONFIG (object);

  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->flex_layer, json_object_unref);
  g_clear_pointer (&self->worker_layer, json_object_unref);

  G_OBJECT_CLASS (flex_feature_config_parent_class)->finalize (object);
}

static void
flex_feature_config_class_init (FlexFeatureConfigClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = flex_feature_config_finalize;
  object_class->get_property = flex_feature_config_get_property;
  object_class->set_property = flex_feature_config_set_property;

  /* Defaults are the documented defaults of DESIGN.md §1. */
  properties[PROP_ENABLED] = g_param_spec_boolean ("enabled", NULL, NULL, FALSE, flags);
  properties[PROP_ENABLE_RECENTS] =
      g_param_spec_boolean ("enable-recents", NULL, NULL, TRUE, flags);
  properties[PROP_ENABLE_PERSONAL] =
      g_param_spec_boolean ("enable-personal", NULL, NULL, TRUE, flags);
  properties[PROP_ENABLE_SHARED] = g_param_spec_boolean ("enable-shared", NULL, NULL, TRUE, flags);
  properties[PROP_RECENT_DAYS_TO_KEEP] =
      g_param_spec_uint ("recent-days-to-keep", NULL, NULL, 1, 365, 14, flags);
  properties[PROP_SHARED_AGENT_EDITABLE] =
      g_param_spec_boolean ("shared-agent-editable", NULL, NULL, FALSE, flags);
  properties[PROP_PAGE_SIZE] = g_param_spec_uint ("page-size", NULL, NULL, 1, 1000, 10, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
flex_feature_config_init (FlexFeatureConfig *self)
{
  self->enabled = FALSE;
  self->enable_recents = TRUE;
  self->enable_personal = TRUE;
  self->enable_shared = TRUE;
  self->recent_days_to_keep = 14;
  self->shared_agent_editable = FALSE;
  self->page_size = 10;
}

FlexFeatureConfig *
flex_feature_config_new (void)
{
  return g_object_new (FLEX_TYPE_FEATURE_CONFIG, NULL);
}

/* The value of one key in a JSON layer, if it is there with the right type. */
static gboolean
layer_value (JsonObject *layer, GParamSpec *pspec, GValue *value)
{
  g_autofree char *member = g_strdelimit (g_strdup (g_param_spec_get_name (pspec)), "-", '_');
  JsonNode *node = layer != NULL ? json_object_get_member (layer, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  if (G_PARAM_SPEC_VALUE_TYPE (pspec) == G_TYPE_BOOLEAN &&
      json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    {
      g_value_set_boolean (value, json_node_get_boolean (node));
      return TRUE;
    }
  if (G_PARAM_SPEC_VALUE_TYPE (pspec) == G_TYPE_UINT &&
      json_node_get_value_type (node) == G_TYPE_INT64)
    {
      GParamSpecUInt *range = G_PARAM_SPEC_UINT (pspec);
      gint64 number = json_node_get_int (node);

      if (number < range->minimum || number > range->maximum)
        return FALSE;
      g_value_set_uint (value, (guint) number);
      return TRUE;
    }

  return FALSE;
}

static gboolean
enabled_set_by_hand (FlexFeatureConfig *self)
{
  g_autoptr (GVariant) value =
      self->settings != NULL ? g_settings_get_user_value (self->settings, "enabled") : NULL;

  return value != NULL;
}

static void
recompute (FlexFeatureConfig *self)
{
  g_object_freeze_notify (G_OBJECT (self));

  for (guint i = PROP_0 + 1; i < N_PROPS; i++)
    {
      GParamSpec *pspec = properties[i];
      g_auto (GValue) value = G_VALUE_INIT;

      g_value_init (&value, G_PARAM_SPEC_VALUE_TYPE (pspec));
      if (!layer_value (self->worker_layer, pspec, &value) &&
          !layer_value (self->flex_layer, pspec, &value))
        {
          if (i == PROP_ENABLED && !self->flex_known && !enabled_set_by_hand (self))
            g_value_set_boolean (&value, TRUE);
          else if (self->settings != NULL)
            {
              g_autoptr (GVariant) variant =
                  g_settings_get_value (self->settings, g_param_spec_get_name (pspec));

              if (G_PARAM_SPEC_VALUE_TYPE (pspec) == G_TYPE_BOOLEAN)
                g_value_set_boolean (&value, g_variant_get_boolean (variant));
              else
                g_value_set_uint (&value, g_variant_get_uint32 (variant));
            }
          else
            g_param_value_set_default (pspec, &value);
        }
      g_object_set_property (G_OBJECT (self), g_param_spec_get_name (pspec), &value);
    }

  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * flex_feature_config_bind_settings:
 * @self: a #FlexFeatureConfig
 * @contacts_settings: the `contacts` child of the application settings
 *
 * Makes the local settings the fallback layer: each key feeds the property of
 * the same name unless a Flex layer sets it.
 */
void
flex_feature_config_bind_settings (FlexFeatureConfig *self, GSettings *contacts_settings)
{
  g_return_if_fail (FLEX_IS_FEATURE_CONFIG (self));
  g_return_if_fail (G_IS_SETTINGS (contacts_settings));

  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_set_object (&self->settings, contacts_settings);
  g_signal_connect_swapped (self->settings, "changed", G_CALLBACK (recompute), self);
  recompute (self);
}

/**
 * flex_feature_config_set_layers:
 * @flex_layer: (nullable): `ui_attributes.custom_data.features.contacts` of
 *   the Flex Configuration
 * @worker_layer: (nullable): `config_overrides.features.contacts` of the
 *   worker's attributes
 *
 * Sets the remote layers; members of the wrong type are ignored.
 */
void
flex_feature_config_set_layers (FlexFeatureConfig *self,
                                JsonObject *flex_layer,
                                JsonObject *worker_layer)
{
  g_return_if_fail (FLEX_IS_FEATURE_CONFIG (self));

  g_clear_pointer (&self->flex_layer, json_object_unref);
  g_clear_pointer (&self->worker_layer, json_object_unref);
  self->flex_layer = flex_layer != NULL ? json_object_ref (flex_layer) : NULL;
  self->worker_layer = worker_layer != NULL ? json_object_ref (worker_layer) : NULL;
  recompute (self);
}

/**
 * flex_feature_config_set_flex_known:
 * @known: whether Flex has answered (or its answer of the last run is kept)
 *
 * Until Flex is known, the feature is on unless the local setting was
 * turned off by hand: only Flex answering with the feature off, or a
 * person, turns it off; a failure to reach Flex never does.
 */
void
flex_feature_config_set_flex_known (FlexFeatureConfig *self, gboolean known)
{
  g_return_if_fail (FLEX_IS_FEATURE_CONFIG (self));

  if (self->flex_known == !!known)
    return;
  self->flex_known = !!known;
  recompute (self);
}

gboolean
flex_feature_config_get_enabled (FlexFeatureConfig *self)
{
  g_return_val_if_fail (FLEX_IS_FEATURE_CONFIG (self), FALSE);
  return self->enabled;
}

gboolean
flex_feature_config_get_enable_recents (FlexFeatureConfig *self)
{
  g_return_val_if_fail (FLEX_IS_FEATURE_CONFIG (self), FALSE);
  return self->enable_recents;
}

gboolean
flex_feature_config_get_enable_personal (FlexFeatureConfig *self)
{
  g_return_val_if_fail (FLEX_IS_FEATURE_CONFIG (self), FALSE);
  return self->enable_personal;
}

gboolean
flex_feature_config_get_enable_shared (FlexFeatureConfig *self)
{
  g_return_val_if_fail (FLEX_IS_FEATURE_CONFIG (self), FALSE);
  return self->enable_shared;
}

guint
flex_feature_config_get_recent_days_to_keep (FlexFeatureConfig *self)
{
  g_return_val_if_fail (FLEX_IS_FEATURE_CONFIG (self), 0);
  return self->recent_days_to_keep;
}

gboolean
flex_feature_config_get_shared_agent_editable (FlexFeatureConfig *self)
{
  g_return_val_if_fail (FLEX_IS_FEATURE_CONFIG (self), FALSE);
  return self->shared_agent_editable;
}

guint
flex_feature_config_get_page_size (FlexFeatureConfig *self)
{
  g_return_val_if_fail (FLEX_IS_FEATURE_CONFIG (self), 0);
  return self->page_size;
}

/**
 * flex_feature_config_is_set_by_flex:
 * @key: a key of the `contacts` settings ("enabled", "enable-recents", …)
 *
 * Returns: whether the Flex configuration (the account's, or the worker's
 *   attributes) sets @key: the local setting then does not count
 */
gboolean
flex_feature_config_is_set_by_flex (FlexFeatureConfig *self, const char *key)
{
  GParamSpec *pspec;
  g_auto (GValue) value = G_VALUE_INIT;

  g_return_val_if_fail (FLEX_IS_FEATURE_CONFIG (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (self), key);
  if (pspec == NULL)
    return FALSE;
  g_value_init (&value, G_PARAM_SPEC_VALUE_TYPE (pspec));
  return layer_value (self->worker_layer, pspec, &value) ||
         layer_value (self->flex_layer, pspec, &value);
}
