/* flex-directory-page.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flex-directory-page"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "flex-directory-page-private.h"
#include "flex-search.h"
#include "flex-transfer.h"

enum
{
  PROP_0,
  PROP_KIND,
  PROP_DIRECTORY,
  PROP_CONFIG,
  PROP_CAN_CALL,
  PROP_SORT,
  PROP_NARROW,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (FlexDirectoryPage, flex_directory_page, GTK_TYPE_WIDGET)

void
_flex_directory_page_toast (FlexDirectoryPage *self, const char *message)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "window.toast", "s", message);
}

/* The count and the state */

/* "1,204 contacts" (of the search, while there is one). */
static void
update_count (FlexDirectoryPage *self)
{
  g_autofree char *text = NULL;
  guint n;

  if (self->filtered == NULL)
    {
      gtk_label_set_label (self->count_label, "");
      return;
    }
  n = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));
  /* TRANSLATORS: the footer of a list; %'u is a number with thousands separators */
  text = self->kind == FLEX_DIRECTORY_KIND_RECENTS
             ? g_strdup_printf (ngettext ("%'u interaction", "%'u interactions", n), n)
             : g_strdup_printf (ngettext ("%'u contact", "%'u contacts", n), n);
  gtk_label_set_label (self->count_label, text);
}

static void
update_status (FlexDirectoryPage *self)
{
  gint64 age_s;
  g_autofree char *text = NULL;

  if (self->directory == NULL)
    {
      gtk_label_set_label (self->status_label, "");
      return;
    }

  if (flex_directory_get_offline (self->directory) &&
      flex_directory_get_shown_since (self->directory) > 0)
    {
      g_autoptr (GDateTime) since = g_date_time_new_from_unix_local (
          flex_directory_get_shown_since (self->directory) / G_USEC_PER_SEC);
      g_autofree char *time = g_date_time_format (since, "%X");
      g_autofree char *offline = NULL;

      /* TRANSLATORS: the footer when Twilio cannot be reached; %s is a time */
      offline = g_strdup_printf (_ ("Offline — showing what was current at %s"), time);
      gtk_label_set_label (self->status_label, offline);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->status_label),
                                   flex_directory_get_error_message (self->directory));
      return;
    }

  if (flex_directory_get_offline (self->directory))
    {
      gtk_label_set_label (self->status_label, _ ("Offline"));
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->status_label),
                                   flex_directory_get_error_message (self->directory));
      return;
    }

  /* Pushed changes: nothing to count, the list is current. */
  if (flex_directory_get_live (self->directory))
    {
      gtk_label_set_label (self->status_label, _ ("Live"));
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->status_label),
                                   _ ("Changes appear the moment anyone makes them"));
      return;
    }

  /* Polling: say why not live. */
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->status_label),
                               flex_directory_get_live_reason (self->directory));
  if (flex_directory_get_last_updated (self->directory) == 0)
    {
      gtk_label_set_label (self->status_label, _ ("Connecting…"));
      return;
    }

  age_s = (g_get_real_time () - flex_directory_get_last_updated (self->directory)) / G_USEC_PER_SEC;
  if (age_s < 5)
    text = g_strdup (_ ("Updated just now"));
  else if (age_s < 60)
    text = g_strdup_printf (
        ngettext ("Updated %d second ago", "Updated %d seconds ago", (unsigned long) age_s),
        (int) age_s);
  else
    text = g_strdup_printf (
        ngettext ("Updated %d minute ago", "Updated %d minutes ago", (unsigned long) (age_s / 60)),
        (int) (age_s / 60));
  gtk_label_set_label (self->status_label, text);
}

static void
update_stack (FlexDirectoryPage *self)
{
  const char *child = "list";

  if (self->directory == NULL)
    child = "empty";
  else if (!flex_directory_get_loaded (self->directory))
    child = flex_directory_get_offline (self->directory) ? "empty" : "loading";
  else if (g_list_model_get_n_items (G_LIST_MODEL (self->directory)) == 0)
    child = "empty";
  else if (g_list_model_get_n_items (G_LIST_MODEL (self->filtered)) == 0 &&
           gtk_filter_list_model_get_pending (self->filtered) == 0)
    child = "no-results";

  gtk_spinner_set_spinning (self->spinner, g_str_equal (child, "loading"));
  gtk_stack_set_visible_child_name (self->stack, child);
  /* A search that finds nothing still says so: "0 contacts". */
  gtk_widget_set_visible (GTK_WIDGET (self->count_label),
                          g_str_equal (child, "list") || g_str_equal (child, "no-results"));
}

/* The selected rows (contact lists only): "Delete Selected…" shows while
 * there are some and the list can be changed. */
GPtrArray *
_flex_directory_page_get_selected_contacts (FlexDirectoryPage *self)
{
  GPtrArray *contacts = g_ptr_array_new_with_free_func (g_object_unref);
  GtkSelectionModel *model = gtk_column_view_get_model (self->column_view);
  g_autoptr (GtkBitset) selected = NULL;
  GtkBitsetIter iter;
  guint position;

  if (model == NULL || self->kind == FLEX_DIRECTORY_KIND_RECENTS)
    return contacts;
  selected = gtk_selection_model_get_selection (model);
  for (gboolean more = gtk_bitset_iter_init_first (&iter, selected, &position); more;
       more = gtk_bitset_iter_next (&iter, &position))
    g_ptr_array_add (contacts, flex_row_model_get_row_item (self->rows, position));
  return contacts;
}

/* Selection mode: a check box a row, for pointer and touch, each showing
 * and changing whether its row is selected. */
static void
sync_checks (FlexDirectoryPage *self)
{
  GtkSelectionModel *model = gtk_column_view_get_model (self->column_view);
  GHashTableIter iter;
  gpointer list_item, check;

  self->syncing_checks = TRUE;
  g_hash_table_iter_init (&iter, self->bound_checks);
  while (g_hash_table_iter_next (&iter, &list_item, &check))
    gtk_check_button_set_active (
        check, gtk_selection_model_is_selected (
                   model, gtk_list_item_get_position (GTK_LIST_ITEM (list_item))));
  self->syncing_checks = FALSE;
}

static void
update_selection (FlexDirectoryPage *self)
{
  g_autoptr (GPtrArray) selected = _flex_directory_page_get_selected_contacts (self);
  gboolean can =
      selected->len > 0 && self->directory != NULL && flex_directory_get_editable (self->directory);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.delete-selected", can);
  gtk_widget_set_visible (self->delete_selected_button, can);
  sync_checks (self);
}

static void
update_actions (FlexDirectoryPage *self)
{
  gboolean editable = self->directory != NULL && flex_directory_get_editable (self->directory);
  gboolean has_items =
      self->directory != NULL && g_list_model_get_n_items (G_LIST_MODEL (self->directory)) > 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.add", editable);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.edit", editable);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.delete", editable);
  gtk_widget_set_visible (self->add_button, self->kind != FLEX_DIRECTORY_KIND_RECENTS && editable);
  gtk_widget_set_visible (GTK_WIDGET (self->select_button),
                          self->kind != FLEX_DIRECTORY_KIND_RECENTS && editable && has_items);
  if (!gtk_widget_get_visible (GTK_WIDGET (self->select_button)))
    gtk_toggle_button_set_active (self->select_button, FALSE);
  gtk_widget_set_visible (self->clear_button,
                          self->kind == FLEX_DIRECTORY_KIND_RECENTS && self->directory != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.clear-history",
                                 self->kind == FLEX_DIRECTORY_KIND_RECENTS && has_items);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.import",
                                 self->kind != FLEX_DIRECTORY_KIND_RECENTS && editable);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.export", self->directory != NULL);
  update_selection (self);
}

/* Beyond these many rows a search filters, and a header click sorts, in
 * steps between frames (GTK's incremental filtering and sorting), so that
 * neither blocks a frame (bench-directory). */
#define INCREMENTAL_ROWS      20000
#define INCREMENTAL_SORT_ROWS 5000

/* Each row's search text (folded, digits apart) is made once, between
 * frames after a load, rather than all at the first keystroke (10 ms on
 * 10,000 contacts, bench-directory). */
#define PREPARE_ROWS 500

static gboolean
on_prepare_search (gpointer user_data)
{
  FlexDirectoryPage *self = user_data;
  GListModel *items = G_LIST_MODEL (self->directory);
  guint n = g_list_model_get_n_items (items);
  guint end = MIN (self->prepared + PREPARE_ROWS, n);

  for (; self->prepared < end; self->prepared++)
    {
      g_autoptr (GObject) item = g_list_model_get_item (items, self->prepared);

      if (self->kind == FLEX_DIRECTORY_KIND_RECENTS)
        flex_recent_get_search_text (FLEX_RECENT (item));
      else
        flex_contact_get_search_text (FLEX_CONTACT (item));
    }
  if (self->prepared < n)
    return G_SOURCE_CONTINUE;
  self->prepare_search = 0;
  return G_SOURCE_REMOVE;
}

static void
on_model_changed (FlexDirectoryPage *self)
{
  if (self->filtered != NULL)
    {
      gboolean big = g_list_model_get_n_items (G_LIST_MODEL (self->directory)) > INCREMENTAL_ROWS;

      gtk_filter_list_model_set_incremental (self->filtered, big);
      gtk_sort_list_model_set_incremental (
          self->sorted,
          g_list_model_get_n_items (G_LIST_MODEL (self->directory)) > INCREMENTAL_SORT_ROWS);
    }
  update_count (self);
  update_stack (self);
  update_actions (self);
}

static void
on_directory_items_changed (
    GListModel *directory, guint position, guint removed, guint added, FlexDirectoryPage *self)
{
  /* Rows before @position kept their search texts. */
  self->prepared = MIN (self->prepared, position);
  if (self->prepare_search == 0 && self->rows != NULL)
    self->prepare_search = g_idle_add_full (G_PRIORITY_LOW, on_prepare_search, self, NULL);
}

static void
on_directory_status (FlexDirectoryPage *self)
{
  update_status (self);
  update_stack (self);
  update_actions (self);
}

/* A role that arrives later (a start from the snapshot, then Flex) shows or
 * hides Edit and Delete on the rows already drawn. */
static void
on_editable_changed (FlexDirectoryPage *self)
{
  on_directory_status (self);
  if (self->rows != NULL)
    flex_row_model_refresh (self->rows);
}

static gboolean
on_status_timer (gpointer user_data)
{
  update_status (user_data);
  return G_SOURCE_CONTINUE;
}

/* Cells */

/* Search */

static gboolean
filter_item (gpointer item, gpointer user_data)
{
  FlexDirectoryPage *self = user_data;
  const char *haystack;

  if (self->needle == NULL || *self->needle == '\0')
    return TRUE;

  haystack = self->kind == FLEX_DIRECTORY_KIND_RECENTS ? flex_recent_get_search_text (item)
                                                       : flex_contact_get_search_text (item);
  if (flex_search_matches (haystack, self->needle))
    return TRUE;
  /* A customer named from the lists is found by that name too. */
  if (self->kind == FLEX_DIRECTORY_KIND_RECENTS)
    {
      guint source = 0;
      const char *name = _flex_directory_page_shown_recent_name (self, item, &source);

      if (source != 0)
        {
          g_autofree char *folded = flex_search_fold (name);
          g_autofree char *joined = g_strconcat (folded, "\n", haystack, NULL);

          return flex_search_matches (joined, self->needle);
        }
    }
  return FALSE;
}

/* Actions */

static void
flex_directory_page_constructed (GObject *object)
{
  FlexDirectoryPage *self = FLEX_DIRECTORY_PAGE (object);
  G_OBJECT_CLASS (flex_directory_page_parent_class)->constructed (object);

  switch (self->kind)
    {
      case FLEX_DIRECTORY_KIND_RECENTS:
        adw_status_page_set_icon_name (self->empty_status, "document-open-recent-symbolic");
        adw_status_page_set_title (self->empty_status, _ ("No Recent Interactions"));
        adw_status_page_set_description (
            self->empty_status, _ ("Calls, messages and chats you handle in Flex appear here"));
        break;
      case FLEX_DIRECTORY_KIND_PERSONAL:
        adw_status_page_set_icon_name (self->empty_status, "avatar-default-symbolic");
        adw_status_page_set_title (self->empty_status, _ ("No Contacts"));
        adw_status_page_set_description (self->empty_status,
                                         _ ("Your own contacts appear here and in the Flex UI"));
        break;
      case FLEX_DIRECTORY_KIND_SHARED:
      default:
        adw_status_page_set_icon_name (self->empty_status, "system-users-symbolic");
        adw_status_page_set_title (self->empty_status, _ ("No Shared Contacts"));
        adw_status_page_set_description (
            self->empty_status,
            _ ("The directory your supervisors keep for the whole team appears here"));
        break;
    }

  if (self->directory == NULL)
    {
      adw_status_page_set_description (self->empty_status,
                                       _ ("Sign in to Twilio Flex to see this list, or start the "
                                          "app with --sandbox to try it with demo data"));
      update_count (self);
      update_stack (self);
      update_actions (self);
      return;
    }

  /* Sorted first, as the column view's headers say (no sorter while no
   * column is chosen: the directory's own order, for free), then filtered:
   * a keystroke filters, it never sorts. */
  self->sorted = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (self->directory)), NULL);
  self->filter = gtk_custom_filter_new (NULL, NULL, NULL); /* no search yet: every row */
  self->reversed = flex_reverse_model_new (G_LIST_MODEL (self->sorted));
  self->filtered = gtk_filter_list_model_new (G_LIST_MODEL (g_object_ref (self->reversed)),
                                              GTK_FILTER (g_object_ref (self->filter)));
  /* Contacts: several can be selected (Ctrl/Shift-click, Ctrl+A) and
   * deleted at once. */
  self->rows =
      flex_row_model_new (G_LIST_MODEL (self->filtered), self->kind != FLEX_DIRECTORY_KIND_RECENTS);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->rows));
  flex_row_model_set_pacer (self->rows, GTK_WIDGET (self->column_view));
  flex_frame_steps_set_widget (&self->bind_pending, GTK_WIDGET (self->column_view));
  g_signal_connect_object (self->rows, "selection-changed", G_CALLBACK (update_selection), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->column_view)),
                           "value-changed", G_CALLBACK (_flex_directory_page_bind_all_pending),
                           self, G_CONNECT_SWAPPED);

  _flex_directory_page_build_columns (self);

  g_signal_connect_object (self->filtered, "items-changed", G_CALLBACK (on_model_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->select_button, "notify::active",
                           G_CALLBACK (_flex_directory_page_update_select_mode), self,
                           G_CONNECT_SWAPPED);
  _flex_directory_page_init_gestures (self);
  g_signal_connect_object (gtk_column_view_get_sorter (self->column_view), "changed",
                           G_CALLBACK (_flex_directory_page_update_sort), self, G_CONNECT_SWAPPED);
  /* Incremental filtering: "no results" only once it is done. */
  g_signal_connect_object (self->filtered, "notify::pending", G_CALLBACK (update_stack), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->directory, "items-changed",
                           G_CALLBACK (on_directory_items_changed), self, G_CONNECT_DEFAULT);
  g_signal_connect_object (self->directory, "items-changed", G_CALLBACK (on_model_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->directory, "notify::loaded", G_CALLBACK (on_directory_status),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->directory, "notify::live", G_CALLBACK (on_directory_status), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->directory, "notify::live-reason", G_CALLBACK (on_directory_status),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->directory, "notify::offline", G_CALLBACK (on_directory_status),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->directory, "notify::last-updated",
                           G_CALLBACK (on_directory_status), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->directory, "notify::editable", G_CALLBACK (on_editable_changed),
                           self, G_CONNECT_SWAPPED);

  self->status_timer = g_timeout_add_seconds (5, on_status_timer, self);
  on_model_changed (self);
  on_directory_items_changed (G_LIST_MODEL (self->directory), 0, 0, 0, self);
  update_status (self);
}

static void
flex_directory_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  FlexDirectoryPage *self = FLEX_DIRECTORY_PAGE (object);

  switch (prop_id)
    {
      case PROP_CAN_CALL:
        g_value_set_boolean (value, self->can_call);
        break;
      case PROP_SORT:
        g_value_set_string (value, flex_directory_page_get_sort (self));
        break;
      case PROP_NARROW:
        g_value_set_boolean (value, self->narrow);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flex_directory_page_set_property (GObject *object,
                                  guint prop_id,
                                  const GValue *value,
                                  GParamSpec *pspec)
{
  FlexDirectoryPage *self = FLEX_DIRECTORY_PAGE (object);

  switch (prop_id)
    {
      case PROP_KIND:
        self->kind = g_value_get_enum (value);
        break;
      case PROP_DIRECTORY:
        self->directory = g_value_dup_object (value);
        break;
      case PROP_CONFIG:
        self->config = g_value_dup_object (value);
        break;
      case PROP_SORT:
        flex_directory_page_set_sort (self, g_value_get_string (value));
        break;
      case PROP_NARROW:
        flex_directory_page_set_narrow (self, g_value_get_boolean (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flex_directory_page_dispose (GObject *object)
{
  FlexDirectoryPage *self = FLEX_DIRECTORY_PAGE (object);

  GtkWidget *child;

  g_clear_handle_id (&self->status_timer, g_source_remove);
  g_clear_pointer (&self->row_menu, gtk_widget_unparent);
  /* The column view's sorter changes as it goes: nothing is sorted again,
   * and no model tells this page of it any more. */
  if (self->sorted != NULL)
    gtk_sort_list_model_set_sorter (self->sorted, NULL);
  if (self->filtered != NULL)
    g_signal_handlers_disconnect_by_data (self->filtered, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), FLEX_TYPE_DIRECTORY_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->rows);
  g_clear_object (&self->reversed);
  g_clear_object (&self->sorted);
  g_clear_object (&self->filtered);
  g_clear_object (&self->filter);
  g_clear_object (&self->directory);
  g_clear_object (&self->config);
  for (guint i = 0; i < G_N_ELEMENTS (self->name_sources); i++)
    g_clear_object (&self->name_sources[i]);
  /* Last: dropping the sorter above changed the rows once more. */
  g_clear_handle_id (&self->prepare_search, g_source_remove);
  flex_frame_steps_clear (&self->bind_pending);

  G_OBJECT_CLASS (flex_directory_page_parent_class)->dispose (object);
}

static void
flex_directory_page_finalize (GObject *object)
{
  FlexDirectoryPage *self = FLEX_DIRECTORY_PAGE (object);

  g_free (self->call_disabled_reason);
  g_free (self->default_country);
  g_free (self->needle);
  g_free (self->sort);
  g_hash_table_unref (self->bound_numbers);
  g_hash_table_unref (self->formatted);
  g_hash_table_unref (self->bound_checks);
  g_hash_table_unref (self->pending_cells);

  G_OBJECT_CLASS (flex_directory_page_parent_class)->finalize (object);
}

static void
flex_directory_page_class_init (FlexDirectoryPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GParamFlags flags = G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = flex_directory_page_constructed;
  object_class->set_property = flex_directory_page_set_property;
  object_class->get_property = flex_directory_page_get_property;
  object_class->dispose = flex_directory_page_dispose;
  object_class->finalize = flex_directory_page_finalize;

  properties[PROP_KIND] = g_param_spec_enum ("kind", NULL, NULL, FLEX_TYPE_DIRECTORY_KIND,
                                             FLEX_DIRECTORY_KIND_PERSONAL, flags);
  properties[PROP_DIRECTORY] =
      g_param_spec_object ("directory", NULL, NULL, FLEX_TYPE_DIRECTORY, flags);
  properties[PROP_CONFIG] =
      g_param_spec_object ("config", NULL, NULL, FLEX_TYPE_FEATURE_CONFIG, flags);
  properties[PROP_CAN_CALL] = g_param_spec_boolean ("can-call", NULL, NULL, TRUE,
                                                    G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /* What the column headers sort by: see flex_directory_page_set_sort(). */
  properties[PROP_SORT] = g_param_spec_string (
      "sort", NULL, NULL, "", G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* A narrow window (≤ 400 px): the columns one can do without give way. */
  properties[PROP_NARROW] =
      g_param_spec_boolean ("narrow", NULL, NULL, FALSE,
                            G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/flex-directory-page.ui");
  gtk_widget_class_bind_template_child (widget_class, FlexDirectoryPage, stack);
  gtk_widget_class_bind_template_child (widget_class, FlexDirectoryPage, column_view);
  gtk_widget_class_bind_template_child (widget_class, FlexDirectoryPage, empty_status);
  gtk_widget_class_bind_template_child (widget_class, FlexDirectoryPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, FlexDirectoryPage, add_button);
  gtk_widget_class_bind_template_child (widget_class, FlexDirectoryPage, clear_button);
  gtk_widget_class_bind_template_child (widget_class, FlexDirectoryPage, delete_selected_button);
  gtk_widget_class_bind_template_child (widget_class, FlexDirectoryPage, select_button);
  gtk_widget_class_bind_template_child (widget_class, FlexDirectoryPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, FlexDirectoryPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, FlexDirectoryPage, notes_popover);
  gtk_widget_class_bind_template_child (widget_class, FlexDirectoryPage, notes_label);

  _flex_directory_page_class_init_actions (widget_class);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

/* A text button named by its action alone. GTK 4.8 names a button by its
 * label property and by the label it is labelled-by (its child) together:
 * "_Add Contact Add Contact" was what a screen reader said. */
static void
name_plainly (GtkWidget *button, const char *name)
{
  gtk_accessible_reset_relation (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
}

static void
name_footer_buttons (FlexDirectoryPage *self)
{
  name_plainly (self->add_button, _ ("Add Contact"));
  name_plainly (self->clear_button, _ ("Clear History"));
  name_plainly (self->delete_selected_button, _ ("Delete Selected Contacts"));
}

static void
flex_directory_page_init (FlexDirectoryPage *self)
{
  self->can_call = TRUE;
  self->bound_numbers = g_hash_table_new (NULL, NULL);
  self->formatted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->bound_checks = g_hash_table_new (NULL, NULL);
  self->pending_cells = g_hash_table_new (NULL, NULL);
  flex_frame_steps_init (&self->bind_pending, _flex_directory_page_bind_pending_budget, self);
  gtk_widget_init_template (GTK_WIDGET (self));
  name_footer_buttons (self);
}

/**
 * flex_directory_page_new:
 * @directory: (nullable): the directory, or %NULL when nobody is signed in
 */
FlexDirectoryPage *
flex_directory_page_new (FlexDirectoryKind kind,
                         FlexDirectory *directory,
                         FlexFeatureConfig *config)
{
  g_return_val_if_fail (directory == NULL || FLEX_IS_DIRECTORY (directory), NULL);
  g_return_val_if_fail (FLEX_IS_FEATURE_CONFIG (config), NULL);

  return g_object_new (FLEX_TYPE_DIRECTORY_PAGE, "kind", kind, "directory", directory, "config",
                       config, NULL);
}

FlexDirectory *
flex_directory_page_get_directory (FlexDirectoryPage *self)
{
  g_return_val_if_fail (FLEX_IS_DIRECTORY_PAGE (self), NULL);
  return self->directory;
}

/**
 * flex_directory_page_set_search_text:
 *
 * Filters the rows on every shown text field, as you type.
 */
void
flex_directory_page_set_search_text (FlexDirectoryPage *self, const char *text)
{
  g_autofree char *needle = NULL;
  g_autofree char *old_needle = NULL;
  GtkFilterChange change;
  gboolean was_empty;

  g_return_if_fail (FLEX_IS_DIRECTORY_PAGE (self));

  if (self->filter == NULL)
    return;

  /* Folded as the rows are: accents, case and phone punctuation aside. */
  needle = flex_search_needle (text);
  if (g_strcmp0 (needle, self->needle) == 0)
    return;

  /* A new search shows its best matches: from the top (first, so that
   * the rows bound at once are those at the top). */
  gtk_adjustment_set_value (gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->column_view)), 0);
  was_empty = self->needle == NULL || *self->needle == '\0';
  old_needle = g_steal_pointer (&self->needle);
  self->needle = g_steal_pointer (&needle);
  if (self->needle == NULL || *self->needle == '\0')
    {
      /* No search: no filter function, every row as it comes (a sort of
       * 100,000 rows is then not filtered again). */
      gtk_custom_filter_set_filter_func (self->filter, NULL, NULL, NULL);
    }
  else if (was_empty)
    gtk_custom_filter_set_filter_func (self->filter, filter_item, self, NULL);
  else
    {
      /* A longer search can only drop rows; a shorter one only bring some
       * back. */
      if (strstr (self->needle, old_needle) != NULL)
        change = GTK_FILTER_CHANGE_MORE_STRICT;
      else if (strstr (old_needle, self->needle) != NULL)
        change = GTK_FILTER_CHANGE_LESS_STRICT;
      else
        change = GTK_FILTER_CHANGE_DIFFERENT;
      gtk_filter_changed (GTK_FILTER (self->filter), change);
    }
  update_count (self);
}

/**
 * flex_directory_page_get_visible_model:
 *
 * Returns: (transfer none) (nullable): the items the list shows, in its
 *   order (a search and a sort applied)
 */
GListModel *
flex_directory_page_get_visible_model (FlexDirectoryPage *self)
{
  g_return_val_if_fail (FLEX_IS_DIRECTORY_PAGE (self), NULL);
  return self->filtered != NULL ? G_LIST_MODEL (self->filtered) : NULL;
}

/**
 * flex_directory_page_set_narrow:
 *
 * In a narrow window the columns one can do without (the channel, inbound
 * address, duration, queue and outcome of Recents) give way.
 */
void
flex_directory_page_set_narrow (FlexDirectoryPage *self, gboolean narrow)
{
  GListModel *columns;

  g_return_if_fail (FLEX_IS_DIRECTORY_PAGE (self));

  if (self->narrow == !!narrow)
    return;
  self->narrow = !!narrow;
  columns = gtk_column_view_get_columns (self->column_view);
  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr (GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      if (g_object_get_data (G_OBJECT (column), "flex-optional") != NULL)
        gtk_column_view_column_set_visible (column, !self->narrow);
      if (g_object_get_data (G_OBJECT (column), "flex-narrow-title") != NULL)
        gtk_column_view_column_set_title (
            column, g_object_get_data (G_OBJECT (column),
                                       self->narrow ? "flex-narrow-title" : "flex-wide-title"));
    }
  /* The footer's text buttons become icons (their names stay). */
  if (self->narrow)
    {
      gtk_button_set_icon_name (GTK_BUTTON (self->add_button), "list-add-symbolic");
      gtk_button_set_icon_name (GTK_BUTTON (self->clear_button), "edit-clear-all-symbolic");
      gtk_button_set_icon_name (GTK_BUTTON (self->delete_selected_button), "user-trash-symbolic");
    }
  else
    {
      gtk_button_set_label (GTK_BUTTON (self->add_button), _ ("_Add Contact"));
      gtk_button_set_label (GTK_BUTTON (self->clear_button), _ ("_Clear History…"));
      gtk_button_set_label (GTK_BUTTON (self->delete_selected_button), _ ("_Delete Selected…"));
    }
  gtk_widget_set_tooltip_text (self->add_button,
                               self->narrow ? _ ("Add Contact") : _ ("Add a Contact (Ctrl+N)"));
  gtk_widget_set_tooltip_text (self->clear_button, self->narrow ? _ ("Clear History") : NULL);
  name_footer_buttons (self);
  if (self->rows != NULL)
    flex_row_model_refresh (self->rows);
  update_stack (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NARROW]);
}

/**
 * flex_directory_page_import:
 * @file: (nullable): a file to import; %NULL asks for one
 *
 * Imports a vCard or CSV file into this page's contacts, after a preview.
 */
void
flex_directory_page_import (FlexDirectoryPage *self, GFile *file)
{
  g_return_if_fail (FLEX_IS_DIRECTORY_PAGE (self));

  if (self->directory == NULL || self->kind == FLEX_DIRECTORY_KIND_RECENTS ||
      !flex_directory_get_editable (self->directory))
    return;
  flex_transfer_import (GTK_WIDGET (self), self->directory,
                        self->kind == FLEX_DIRECTORY_KIND_SHARED, self->default_country, file);
}

/**
 * flex_directory_page_focus_list:
 *
 * Moves the keyboard focus into the list (its keys act on this page).
 */
void
flex_directory_page_focus_list (FlexDirectoryPage *self)
{
  g_return_if_fail (FLEX_IS_DIRECTORY_PAGE (self));

  if (!gtk_widget_grab_focus (GTK_WIDGET (self->column_view)))
    gtk_widget_child_focus (GTK_WIDGET (self), GTK_DIR_TAB_FORWARD);
}

/**
 * flex_directory_page_get_kind:
 */
FlexDirectoryKind
flex_directory_page_get_kind (FlexDirectoryPage *self)
{
  g_return_val_if_fail (FLEX_IS_DIRECTORY_PAGE (self), FLEX_DIRECTORY_KIND_PERSONAL);
  return self->kind;
}

/**
 * flex_directory_page_set_can_call:
 * @reason: (nullable): why calling is impossible, for the button's tooltip
 */
void
flex_directory_page_set_can_call (FlexDirectoryPage *self, gboolean can_call, const char *reason)
{
  g_return_if_fail (FLEX_IS_DIRECTORY_PAGE (self));

  self->can_call = can_call;
  g_free (self->call_disabled_reason);
  self->call_disabled_reason = g_strdup (reason);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.call", can_call);
  /* The rows' call buttons name the reason in their tooltips. */
  if (self->rows != NULL)
    flex_row_model_refresh (self->rows);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_CALL]);
}

void
flex_directory_page_set_default_country (FlexDirectoryPage *self, const char *country)
{
  g_return_if_fail (FLEX_IS_DIRECTORY_PAGE (self));

  if (g_strcmp0 (self->default_country, country) == 0)
    return;
  g_free (self->default_country);
  self->default_country = g_strdup (country);
  _flex_directory_page_rebind_numbers (self);
}

/**
 * flex_directory_page_set_phone_format:
 *
 * How the page shows phone numbers (the `phone-number-format` setting).
 */
void
flex_directory_page_set_phone_format (FlexDirectoryPage *self, FlexPhoneFormat format)
{
  g_return_if_fail (FLEX_IS_DIRECTORY_PAGE (self));

  if (self->phone_format == format)
    return;
  self->phone_format = format;
  _flex_directory_page_rebind_numbers (self);
}

static void
on_name_source_changed (FlexDirectoryPage *self)
{
  /* Shown names follow (the rows are bound again), and a search sees them. */
  if (self->rows != NULL)
    flex_row_model_refresh (self->rows);
  if (self->filter != NULL && self->needle != NULL && *self->needle != '\0')
    gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
}

/**
 * flex_directory_page_set_name_sources:
 * @personal: (nullable): My Contacts
 * @shared: (nullable): Shared Contacts
 *
 * Recents: a customer without a name of their own ("Customer") shows the
 * name of the contact of their number, marked as looked up, and is found by
 * it.
 */
void
flex_directory_page_set_name_sources (FlexDirectoryPage *self,
                                      FlexDirectory *personal,
                                      FlexDirectory *shared)
{
  FlexDirectory *sources[] = { personal, shared };

  g_return_if_fail (FLEX_IS_DIRECTORY_PAGE (self));

  for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
    {
      if (self->name_sources[i] != NULL)
        g_signal_handlers_disconnect_by_data (self->name_sources[i], self);
      g_set_object (&self->name_sources[i], sources[i]);
      if (sources[i] != NULL)
        g_signal_connect_object (sources[i], "items-changed", G_CALLBACK (on_name_source_changed),
                                 self, G_CONNECT_SWAPPED);
    }
  on_name_source_changed (self);
}
