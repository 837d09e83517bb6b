/* flex-feature-config.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define FLEX_TYPE_FEATURE_CONFIG (flex_feature_config_get_type ())

G_DECLARE_FINAL_TYPE (FlexFeatureConfig, flex_feature_config, FLEX, FEATURE_CONFIG, GObject)

FlexFeatureConfig *flex_feature_config_new (void);
void flex_feature_config_bind_settings (FlexFeatureConfig *self, GSettings *contacts_settings);
void flex_feature_config_set_layers (FlexFeatureConfig *self,
                                     JsonObject *flex_layer,
                                     JsonObject *worker_layer);
void flex_feature_config_set_flex_known (FlexFeatureConfig *self, gboolean known);
gboolean flex_feature_config_get_enabled (FlexFeatureConfig *self);
gboolean flex_feature_config_get_enable_recents (FlexFeatureConfig *self);
gboolean flex_feature_config_get_enable_personal (FlexFeatureConfig *self);
gboolean flex_feature_config_get_enable_shared (FlexFeatureConfig *self);
guint flex_feature_config_get_recent_days_to_keep (FlexFeatureConfig *self);
gboolean flex_feature_config_get_shared_agent_editable (FlexFeatureConfig *self);
guint flex_feature_config_get_page_size (FlexFeatureConfig *self);
gboolean flex_feature_config_is_set_by_flex (FlexFeatureConfig *self, const char *key);

G_END_DECLS
