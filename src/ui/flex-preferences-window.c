/* flex-preferences-window.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flex-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "flex-preferences-window.h"

struct _FlexPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  GSettings *settings;

  /* Template widgets */
  GtkSwitch *enabled_switch;
  GtkSwitch *recents_switch;
  GtkSwitch *personal_switch;
  GtkSwitch *shared_switch;
  GtkSwitch *agent_editable_switch;
  GtkSpinButton *page_size_spin;
  GtkSpinButton *days_spin;
};

enum
{
  PROP_0,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (FlexPreferencesWindow, flex_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static void
flex_preferences_window_constructed (GObject *object)
{
  FlexPreferencesWindow *self = FLEX_PREFERENCES_WINDOW (object);
  g_autoptr (GSettings) contacts = NULL;
  const struct
  {
    const char *key;
    gpointer widget;
    const char *property;
  } bindings[] = {
    { "enabled", self->enabled_switch, "active" },
    { "enable-recents", self->recents_switch, "active" },
    { "enable-personal", self->personal_switch, "active" },
    { "enable-shared", self->shared_switch, "active" },
    { "shared-agent-editable", self->agent_editable_switch, "active" },
    { "page-size", self->page_size_spin, "value" },
    { "recent-days-to-keep", self->days_spin, "value" },
  };

  G_OBJECT_CLASS (flex_preferences_window_parent_class)->constructed (object);

  contacts = g_settings_get_child (self->settings, "contacts");
  for (guint i = 0; i < G_N_ELEMENTS (bindings); i++)
    g_settings_bind (contacts, bindings[i].key, bindings[i].widget, bindings[i].property,
                     G_SETTINGS_BIND_DEFAULT);
}

static void
flex_preferences_window_set_property (GObject *object,
                                      guint prop_id,
                                      const GValue *value,
                                      GParamSpec *pspec)
{
  FlexPreferencesWindow *self = FLEX_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
      case PROP_SETTINGS:
        self->settings = g_value_dup_object (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flex_preferences_window_dispose (GObject *object)
{
  FlexPreferencesWindow *self = FLEX_PREFERENCES_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), FLEX_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (flex_preferences_window_parent_class)->dispose (object);
}

static void
flex_preferences_window_class_init (FlexPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = flex_preferences_window_constructed;
  object_class->set_property = flex_preferences_window_set_property;
  object_class->dispose = flex_preferences_window_dispose;

  properties[PROP_SETTINGS] =
      g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                           G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/flex-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FlexPreferencesWindow, enabled_switch);
  gtk_widget_class_bind_template_child (widget_class, FlexPreferencesWindow, recents_switch);
  gtk_widget_class_bind_template_child (widget_class, FlexPreferencesWindow, personal_switch);
  gtk_widget_class_bind_template_child (widget_class, FlexPreferencesWindow, shared_switch);
  gtk_widget_class_bind_template_child (widget_class, FlexPreferencesWindow, agent_editable_switch);
  gtk_widget_class_bind_template_child (widget_class, FlexPreferencesWindow, page_size_spin);
  gtk_widget_class_bind_template_child (widget_class, FlexPreferencesWindow, days_spin);
}

static void
flex_preferences_window_init (FlexPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * flex_preferences_window_new:
 * @settings: the application's root settings
 */
FlexPreferencesWindow *
flex_preferences_window_new (GSettings *settings)
{
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  return g_object_new (FLEX_TYPE_PREFERENCES_WINDOW, "settings", settings, NULL);
}
