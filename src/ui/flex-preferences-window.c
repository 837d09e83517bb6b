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
  GSettings *contacts;       /* its "contacts" child */
  FlexFeatureConfig *config; /* what Flex decides, when known */

  /* Template widgets */
  GtkSwitch *enabled_switch;
  GtkSwitch *recents_switch;
  GtkSwitch *personal_switch;
  GtkSwitch *shared_switch;
  GtkSwitch *agent_editable_switch;
  GtkSpinButton *days_spin;
  AdwComboRow *phone_format_row;

  GtkWidget *worker_row;
  GtkWidget *sign_out_button;
  GtkWidget *sign_out_row;
  GtkWidget *method_row;
  GtkWidget *refresh_spin;
  AdwPreferencesGroup *updates_group;
  GtkWidget *live_row;
  AdwComboRow *lock_row;     /* the status when the screen locks */
  GtkStringList *lock_names; /* … its choices: "", then activity names */
  GCancellable *cancellable;
};

enum
{
  PROP_0,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (FlexPreferencesWindow, flex_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* "phone-number-format" ↔ the combo row's position, in the order of its
 * model. */
static const char *const phone_formats[] = { "international", "national" };

static gboolean
phone_format_to_row (GValue *value, GVariant *variant, gpointer user_data)
{
  const char *format = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (phone_formats); i++)
    if (g_str_equal (format, phone_formats[i]))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  return FALSE;
}

static GVariant *
phone_format_from_row (const GValue *value, const GVariantType *type, gpointer user_data)
{
  guint position = g_value_get_uint (value);

  return position < G_N_ELEMENTS (phone_formats) ? g_variant_new_string (phone_formats[position])
                                                 : NULL;
}

/* The "contacts" settings a row shows: the key, the widget (by its place
 * in the struct) and its property. */
static const struct
{
  const char *key;
  gsize offset;
  const char *property;
} contact_settings[] = {
  { "enabled", G_STRUCT_OFFSET (FlexPreferencesWindow, enabled_switch), "active" },
  { "enable-recents", G_STRUCT_OFFSET (FlexPreferencesWindow, recents_switch), "active" },
  { "enable-personal", G_STRUCT_OFFSET (FlexPreferencesWindow, personal_switch), "active" },
  { "enable-shared", G_STRUCT_OFFSET (FlexPreferencesWindow, shared_switch), "active" },
  { "shared-agent-editable", G_STRUCT_OFFSET (FlexPreferencesWindow, agent_editable_switch),
    "active" },
  { "recent-days-to-keep", G_STRUCT_OFFSET (FlexPreferencesWindow, days_spin), "value" },
};

/* A setting the Flex configuration decides shows what Flex says, cannot be
 * changed here, and says why (the contacts feature read "Off" while Flex had
 * it on); the others are this computer's fallback, bound to the settings. */
static void
show_settings (FlexPreferencesWindow *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (contact_settings); i++)
    {
      GtkWidget *widget = G_STRUCT_MEMBER (GtkWidget *, self, contact_settings[i].offset);
      GtkWidget *row = gtk_widget_get_ancestor (widget, ADW_TYPE_ACTION_ROW);
      const char *fallback_subtitle = g_object_get_data (G_OBJECT (row), "flex-subtitle");
      gboolean by_flex = self->config != NULL &&
                         flex_feature_config_is_set_by_flex (self->config, contact_settings[i].key);

      gboolean bound = g_object_get_data (G_OBJECT (row), "flex-bound") != NULL;

      /* Bound and still the fallback: nothing to do (a change written
       * through the binding notifies the configuration, which lands here
       * while the binding runs). */
      if (!by_flex && bound)
        continue;
      if (bound)
        g_settings_unbind (widget, contact_settings[i].property);
      g_object_set_data (G_OBJECT (row), "flex-bound", GINT_TO_POINTER (!by_flex));
      if (by_flex)
        {
          g_auto (GValue) flex_value = G_VALUE_INIT;
          g_auto (GValue) shown = G_VALUE_INIT;

          g_object_get_property (G_OBJECT (self->config), contact_settings[i].key, &flex_value);
          g_value_init (&shown, G_PARAM_SPEC_VALUE_TYPE (g_object_class_find_property (
                                    G_OBJECT_GET_CLASS (widget), contact_settings[i].property)));
          g_value_transform (&flex_value, &shown);
          g_object_set_property (G_OBJECT (widget), contact_settings[i].property, &shown);
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _ ("Set by your Flex administrator"));
        }
      else
        {
          g_settings_bind (self->contacts, contact_settings[i].key, widget,
                           contact_settings[i].property, G_SETTINGS_BIND_DEFAULT);
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                       fallback_subtitle != NULL ? fallback_subtitle : "");
        }
      gtk_widget_set_sensitive (widget, !by_flex);
    }
}

static void
flex_preferences_window_constructed (GObject *object)
{
  FlexPreferencesWindow *self = FLEX_PREFERENCES_WINDOW (object);

  G_OBJECT_CLASS (flex_preferences_window_parent_class)->constructed (object);

  self->contacts = g_settings_get_child (self->settings, "contacts");
  for (guint i = 0; i < G_N_ELEMENTS (contact_settings); i++)
    {
      GtkWidget *widget = G_STRUCT_MEMBER (GtkWidget *, self, contact_settings[i].offset);
      GtkWidget *row = gtk_widget_get_ancestor (widget, ADW_TYPE_ACTION_ROW);

      g_object_set_data_full (G_OBJECT (row), "flex-subtitle",
                              g_strdup (adw_action_row_get_subtitle (ADW_ACTION_ROW (row))),
                              g_free);
    }
  show_settings (self);
  g_settings_bind_with_mapping (self->settings, "phone-number-format", self->phone_format_row,
                                "selected", G_SETTINGS_BIND_DEFAULT, phone_format_to_row,
                                phone_format_from_row, NULL, NULL);
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
  g_clear_object (&self->contacts);
  g_clear_object (&self->config);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->lock_names);

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
  gtk_widget_class_bind_template_child (widget_class, FlexPreferencesWindow, days_spin);
  gtk_widget_class_bind_template_child (widget_class, FlexPreferencesWindow, phone_format_row);
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

/**
 * flex_preferences_window_set_account:
 * @account_sid: (nullable): the signed-in Twilio account, %NULL when not signed in
 * @worker: (nullable): the agent's Flex name or email
 * @sandboxed: whether this is the --sandbox demo
 *
 * Adds the "Account" group: who is signed in, and Sign Out (app.sign-out).
 */
void
flex_preferences_window_set_account (FlexPreferencesWindow *self,
                                     const char *account_sid,
                                     const char *worker,
                                     gboolean sandboxed)
{
  AdwPreferencesPage *page;
  AdwPreferencesGroup *group;
  GtkWidget *row;
  GtkWidget *sign_out;

  g_return_if_fail (FLEX_IS_PREFERENCES_WINDOW (self));

  page = ADW_PREFERENCES_PAGE (adw_preferences_page_new ());
  adw_preferences_page_set_title (page, _ ("Account"));
  adw_preferences_page_set_icon_name (page, "avatar-default-symbolic");
  group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (group, _ ("Signed In"));
  if (sandboxed)
    adw_preferences_group_set_description (
        group, _ ("This is the sandbox: demo data from the built-in emulator, no Twilio account"));

  row = adw_action_row_new ();
  /* The identity comes from outside: plain text, never markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _ ("Flex Agent"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), worker != NULL ? worker : _ ("Not signed in"));
  adw_preferences_group_add (group, row);
  self->worker_row = row;

  row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _ ("Twilio Account"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), account_sid != NULL ? account_sid : "—");
  adw_preferences_group_add (group, row);

  /* How the agent signed in: shown by flex_preferences_window_set_sign_in_method(). */
  self->method_row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (self->method_row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->method_row), _ ("Signed In With"));
  gtk_widget_set_visible (self->method_row, FALSE);
  adw_preferences_group_add (group, self->method_row);

  if (account_sid != NULL && !sandboxed)
    {
      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _ ("Sign Out"));
      adw_action_row_set_subtitle (
          ADW_ACTION_ROW (row),
          _ ("Removes your credentials from the keyring; you will need them to sign in again"));
      sign_out = gtk_button_new_with_mnemonic (_ ("Sign _Out…"));
      gtk_widget_set_valign (sign_out, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (sign_out, "destructive-action");
      gtk_actionable_set_action_name (GTK_ACTIONABLE (sign_out), "app.sign-out");
      /* GTK 4.8 names a button by its label and its labelled-by child
       * together ("Sign _Out… Sign Out…"): one name. */
      gtk_accessible_reset_relation (GTK_ACCESSIBLE (sign_out),
                                     GTK_ACCESSIBLE_RELATION_LABELLED_BY);
      gtk_accessible_update_property (GTK_ACCESSIBLE (sign_out), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _ ("Sign Out…"), -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), sign_out);
      adw_preferences_group_add (group, row);
      self->sign_out_button = sign_out;
      self->sign_out_row = row;
    }

  adw_preferences_page_add (page, group);

  /* How often the lists look for changes (the "refresh-interval" key). */
  group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (group, _ ("Updates"));
  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _ ("Check for Changes Every"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                               _ ("Seconds; the lists also check when the window gains focus"));
  self->refresh_spin = gtk_spin_button_new_with_range (5, 3600, 5);
  gtk_widget_set_valign (self->refresh_spin, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->refresh_spin),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _ ("Refresh interval in seconds"),
                                  -1);
  g_settings_bind (self->settings, "refresh-interval", self->refresh_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), self->refresh_spin);
  adw_preferences_group_add (group, row);
  adw_preferences_page_add (page, group);
  self->updates_group = group;

  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self), page);
}

/**
 * flex_preferences_window_set_live_updates:
 * @unavailable: (nullable): why this account has no live updates, or %NULL
 *   when it has them
 *
 * Says, in the "Updates" group, whether changes are pushed, and when not,
 * why (an Auth Token cannot sign access tokens).
 */
void
flex_preferences_window_set_live_updates (FlexPreferencesWindow *self, const char *unavailable)
{
  g_return_if_fail (FLEX_IS_PREFERENCES_WINDOW (self));
  g_return_if_fail (self->updates_group != NULL);

  if (self->live_row == NULL)
    {
      self->live_row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->live_row), _ ("Live Updates"));
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (self->live_row), 0);
      adw_preferences_group_add (self->updates_group, self->live_row);
    }
  adw_action_row_set_subtitle (
      ADW_ACTION_ROW (self->live_row),
      unavailable != NULL ? unavailable
                          : _ ("On: changes appear the moment anyone makes them. The lists check "
                               "at the interval above only while live updates are down."));
  adw_action_row_set_icon_name (ADW_ACTION_ROW (self->live_row), unavailable != NULL
                                                                     ? "dialog-warning-symbolic"
                                                                     : "emblem-ok-symbolic");
}

/* For tests: the live updates row, once set. */
GtkWidget *
flex_preferences_window_get_live_row (FlexPreferencesWindow *self)
{
  g_return_val_if_fail (FLEX_IS_PREFERENCES_WINDOW (self), NULL);
  return self->live_row;
}

/* For tests: the refresh interval's spin button, once the account page exists. */
GtkSpinButton *
flex_preferences_window_get_refresh_spin (FlexPreferencesWindow *self)
{
  g_return_val_if_fail (FLEX_IS_PREFERENCES_WINDOW (self), NULL);
  return self->refresh_spin != NULL ? GTK_SPIN_BUTTON (self->refresh_spin) : NULL;
}

/**
 * flex_preferences_window_set_config:
 * @config: (nullable): the effective configuration of the contacts feature
 *
 * The settings Flex decides show Flex's value and cannot be changed here.
 */
void
flex_preferences_window_set_config (FlexPreferencesWindow *self, FlexFeatureConfig *config)
{
  g_return_if_fail (FLEX_IS_PREFERENCES_WINDOW (self));
  g_return_if_fail (config == NULL || FLEX_IS_FEATURE_CONFIG (config));

  if (self->config != NULL)
    g_signal_handlers_disconnect_by_data (self->config, self);
  g_set_object (&self->config, config);
  if (config != NULL)
    g_signal_connect_object (config, "notify", G_CALLBACK (show_settings), self, G_CONNECT_SWAPPED);
  show_settings (self);
}

/* The lock row: its choice is the "lock-activity" setting. */
static void
on_lock_selected (FlexPreferencesWindow *self)
{
  guint selected = adw_combo_row_get_selected (self->lock_row);
  const char *name = selected == 0 || selected == GTK_INVALID_LIST_POSITION
                         ? ""
                         : gtk_string_list_get_string (self->lock_names, selected);

  if (name != NULL)
    g_settings_set_string (self->settings, "lock-activity", name);
}

/* Shows @names (the choices after "No Change") and selects the
 * setting's. */
static void
fill_lock_row (FlexPreferencesWindow *self, const char *const *names)
{
  g_autofree char *current = g_settings_get_string (self->settings, "lock-activity");
  guint selected = 0;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->lock_names));

  g_signal_handlers_block_by_func (self->lock_row, on_lock_selected, self);
  gtk_string_list_splice (self->lock_names, 1, n - 1, names);
  for (guint i = 1; i < g_list_model_get_n_items (G_LIST_MODEL (self->lock_names)); i++)
    if (g_str_equal (gtk_string_list_get_string (self->lock_names, i), current))
      selected = i;
  adw_combo_row_set_selected (self->lock_row, selected);
  g_signal_handlers_unblock_by_func (self->lock_row, on_lock_selected, self);
}

static void
on_lock_activities (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (FlexPreferencesWindow) self = user_data;
  g_autoptr (GPtrArray) activities =
      flex_session_list_activities_finish (FLEX_SESSION (object), result, NULL);
  g_autoptr (GPtrArray) names = g_ptr_array_new ();
  g_autofree char *current = NULL;
  gboolean has_current = FALSE;

  if (activities == NULL || self->lock_row == NULL)
    return;
  current = g_settings_get_string (self->settings, "lock-activity");
  for (guint i = 0; i < activities->len; i++)
    {
      FlexActivity *activity = g_ptr_array_index (activities, i);

      /* Away from calls: the workspace's unavailable activities. */
      if (activity->available)
        continue;
      g_ptr_array_add (names, activity->name);
      has_current |= g_str_equal (activity->name, current);
    }
  if (*current != '\0' && !has_current)
    g_ptr_array_add (names, current);
  g_ptr_array_add (names, NULL);
  fill_lock_row (self, (const char *const *) names->pdata);
}

/**
 * flex_preferences_window_set_session:
 * @session: (nullable): the signed-in session
 *
 * Adds the "Status" group to the Account page (call after
 * flex_preferences_window_set_account()): the status to take when the
 * screen locks (the "lock-activity" setting), among the workspace's
 * activities.
 */
void
flex_preferences_window_set_session (FlexPreferencesWindow *self, FlexSession *session)
{
  AdwPreferencesGroup *group;
  g_autofree char *current = NULL;
  const char *start[] = { NULL, NULL };

  g_return_if_fail (FLEX_IS_PREFERENCES_WINDOW (self));
  g_return_if_fail (self->updates_group != NULL);

  if (session == NULL || self->lock_row != NULL)
    return;
  group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (group, _ ("Your Status in Flex"));
  self->lock_names = gtk_string_list_new (NULL);
  gtk_string_list_append (self->lock_names, _ ("No Change"));
  self->lock_row = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->lock_row), _ ("When the Screen Locks"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->lock_row),
                               _ ("And back when you unlock, unless changed meanwhile"));
  adw_combo_row_set_model (self->lock_row, G_LIST_MODEL (self->lock_names));
  current = g_settings_get_string (self->settings, "lock-activity");
  start[0] = *current != '\0' ? current : NULL;
  fill_lock_row (self, start);
  g_signal_connect_swapped (self->lock_row, "notify::selected", G_CALLBACK (on_lock_selected),
                            self);
  adw_preferences_group_add (group, GTK_WIDGET (self->lock_row));
  /* The page of the Updates group: the Account page. */
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (gtk_widget_get_ancestor (
                                GTK_WIDGET (self->updates_group), ADW_TYPE_PREFERENCES_PAGE)),
                            group);

  self->cancellable = g_cancellable_new ();
  flex_session_list_activities_async (session, self->cancellable, on_lock_activities,
                                      g_object_ref (self));
}

/* For tests: the status-at-lock row, once there is one. */
AdwComboRow *
flex_preferences_window_get_lock_row (FlexPreferencesWindow *self)
{
  g_return_val_if_fail (FLEX_IS_PREFERENCES_WINDOW (self), NULL);
  return self->lock_row;
}

/**
 * flex_preferences_window_set_sign_in_method:
 * @method: how the agent signed in, in words ("Flex single sign-on", …)
 * @flex: signed in with Flex (no credential to keep: Sign Out forgets the
 *   sign-in, and the next one is in the browser)
 *
 * Call after flex_preferences_window_set_account().
 */
void
flex_preferences_window_set_sign_in_method (FlexPreferencesWindow *self,
                                            const char *method,
                                            gboolean flex)
{
  g_return_if_fail (FLEX_IS_PREFERENCES_WINDOW (self));
  g_return_if_fail (self->method_row != NULL && method != NULL);

  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->method_row), method);
  gtk_widget_set_visible (self->method_row, TRUE);
  if (flex && self->sign_out_row != NULL)
    adw_action_row_set_subtitle (
        ADW_ACTION_ROW (self->sign_out_row),
        _ ("Forgets your Flex sign-in on this computer; you sign in again in your browser"));
}

GtkWidget *
flex_preferences_window_get_method_row (FlexPreferencesWindow *self)
{
  g_return_val_if_fail (FLEX_IS_PREFERENCES_WINDOW (self), NULL);
  return self->method_row;
}
