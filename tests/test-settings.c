/* test-settings.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>

#include "flex-feature-config.h"

/* The "documented default" column of DESIGN.md §1, configuration of the Flex
 * feature "contacts". The GSettings keys are the plugin's keys with dashes. */
static const struct
{
  const char *key;
  const char *type;
  const char *documented_default;
} documented[] = {
  { "enabled", "b", "false" },          { "enable-recents", "b", "true" },
  { "enable-personal", "b", "true" },   { "enable-shared", "b", "true" },
  { "recent-days-to-keep", "u", "14" }, { "shared-agent-editable", "b", "false" },
  { "page-size", "u", "10" },
};

static GSettings *
contacts_settings (void)
{
  g_autoptr (GSettings) settings = g_settings_new (APPLICATION_ID);

  return g_settings_get_child (settings, "contacts");
}

static void
test_settings_defaults_are_documented (void)
{
  g_autoptr (GSettings) contacts = contacts_settings ();
  g_autoptr (GSettingsSchema) schema = NULL;
  g_auto (GStrv) keys = NULL;

  g_object_get (contacts, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);

  /* Exactly the seven keys of the feature, no more, no fewer. */
  g_assert_cmpuint (g_strv_length (keys), ==, G_N_ELEMENTS (documented));

  for (guint i = 0; i < G_N_ELEMENTS (documented); i++)
    {
      g_autoptr (GSettingsSchemaKey) key = NULL;
      g_autoptr (GVariant) expected = NULL;
      g_autoptr (GVariant) actual = NULL;
      g_autoptr (GError) error = NULL;

      g_assert_true (g_settings_schema_has_key (schema, documented[i].key));
      key = g_settings_schema_get_key (schema, documented[i].key);
      g_assert_cmpstr (g_variant_type_peek_string (g_settings_schema_key_get_value_type (key)), ==,
                       documented[i].type);

      expected = g_variant_parse (G_VARIANT_TYPE (documented[i].type),
                                  documented[i].documented_default, NULL, NULL, &error);
      g_assert_no_error (error);
      actual = g_settings_schema_key_get_default_value (key);
      if (!g_variant_equal (expected, actual))
        {
          g_autofree char *a = g_variant_print (actual, FALSE);

          g_error ("default of %s is %s, DESIGN.md documents %s", documented[i].key, a,
                   documented[i].documented_default);
        }

      /* And what a fresh user reads is that default. */
      g_clear_pointer (&actual, g_variant_unref);
      actual = g_settings_get_value (contacts, documented[i].key);
      g_assert_true (g_variant_equal (expected, actual));
    }
}

static void
test_settings_window_state_keys (void)
{
  g_autoptr (GSettings) settings = g_settings_new (APPLICATION_ID);

  g_assert_cmpint (g_settings_get_int (settings, "window-width"), >=, 360);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), >=, 294);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));
}

static void
count_notify (GObject *object, GParamSpec *pspec, guint *counter)
{
  (*counter)++;
}

static void
test_feature_config_follows_settings (void)
{
  g_autoptr (GSettings) contacts = contacts_settings ();
  g_autoptr (FlexFeatureConfig) config = flex_feature_config_new ();
  guint notifications = 0;

  /* Property defaults agree with the schema even before binding. */
  g_assert_false (flex_feature_config_get_enabled (config));
  g_assert_true (flex_feature_config_get_enable_recents (config));
  g_assert_true (flex_feature_config_get_enable_personal (config));
  g_assert_true (flex_feature_config_get_enable_shared (config));
  g_assert_cmpuint (flex_feature_config_get_recent_days_to_keep (config), ==, 14);
  g_assert_false (flex_feature_config_get_shared_agent_editable (config));
  g_assert_cmpuint (flex_feature_config_get_page_size (config), ==, 10);

  flex_feature_config_bind_settings (config, contacts);
  g_signal_connect (config, "notify::page-size", G_CALLBACK (count_notify), &notifications);

  g_settings_set_uint (contacts, "page-size", 25);
  g_assert_cmpuint (flex_feature_config_get_page_size (config), ==, 25);
  g_assert_cmpuint (notifications, ==, 1);

  /* Setting the same value again does not notify. */
  g_settings_set_uint (contacts, "page-size", 25);
  g_assert_cmpuint (notifications, ==, 1);

  g_settings_set_boolean (contacts, "shared-agent-editable", TRUE);
  g_assert_true (flex_feature_config_get_shared_agent_editable (config));
  g_settings_set_uint (contacts, "recent-days-to-keep", 30);
  g_assert_cmpuint (flex_feature_config_get_recent_days_to_keep (config), ==, 30);

  g_settings_reset (contacts, "page-size");
  g_settings_reset (contacts, "shared-agent-editable");
  g_settings_reset (contacts, "recent-days-to-keep");
  g_assert_cmpuint (flex_feature_config_get_page_size (config), ==, 10);

  g_assert_finalize_object (g_steal_pointer (&config));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/settings/defaults-are-documented", test_settings_defaults_are_documented);
  g_test_add_func ("/settings/window-state-keys", test_settings_window_state_keys);
  g_test_add_func ("/settings/feature-config-follows-settings",
                   test_feature_config_follows_settings);

  return g_test_run ();
}
