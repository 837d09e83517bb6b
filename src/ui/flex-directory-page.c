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

#include "flex-confirm.h"
#include "flex-contact-dialog.h"
#include "flex-directory-page.h"
#include "flex-phone.h"
#include "flex-search.h"
#include "flex-frame-steps.h"
#include "flex-reverse-model.h"
#include "flex-row-model.h"
#include "flex-transfer.h"

/*
 * FlexDirectoryPage: one tab. The directory is stacked into GTK models
 * (STYLE.md rule 7): FlexDirectory → GtkFilterListModel (a GtkStringFilter
 * FlexDirectory → GtkSortListModel (the column header clicked last; none: the
 * directory's own order) → GtkFilterListModel (over each item's casefolded
 * "search-text") → FlexRowModel (the rows, and the selection: several for
 * contacts, none for Recents) → GtkColumnView in a GtkScrolledWindow. One
 * list that scrolls: FlexRowModel keeps GTK 4.8 from building the rows again
 * on each keystroke and sort (it points the rows it has at their new items).
 * Cells are bound to the item of their row's slot and bound again when the
 * slot changes item (items are immutable: a change replaces the item in the
 * model).
 */

struct _FlexDirectoryPage
{
  GtkWidget parent_instance;

  FlexDirectoryKind kind;
  FlexDirectory *directory;
  FlexFeatureConfig *config;

  GtkCustomFilter *filter;
  char *needle;
  GtkFilterListModel *filtered;
  GtkSortListModel *sorted;
  FlexReverseModel *reversed; /* the directory's order backwards, without sorting */
  FlexRowModel *rows;
  char *sort;                /* "column:ascending", "column:descending", or "" */
  gboolean probing_sort;     /* learning which column the column view sorts by */
  const char *probed_column; /* … the id of the first column it compared */
  gboolean can_call;
  char *call_disabled_reason;
  char *default_country;
  FlexPhoneFormat phone_format;
  GHashTable *bound_numbers; /* GtkListItem showing a phone number → its TextGetter */
  GHashTable *formatted;     /* number → how it shows: libphonenumber once a number */
  guint status_timer;
  guint prepare_search;        /* the idle that makes the rows' search texts */
  GHashTable *pending_cells;   /* GtkListItem of rows far from the view, bound later */
  FlexFrameSteps bind_pending; /* … a step after each frame */
  guint prepared;              /* … up to this position of the directory */

  /* Template widgets */
  GtkStack *stack;
  GtkColumnView *column_view;
  AdwStatusPage *empty_status;
  GtkSpinner *spinner;
  GtkWidget *add_button;
  GtkWidget *delete_selected_button;
  GtkToggleButton *select_button;
  GtkColumnViewColumn *select_column;
  GHashTable *bound_checks; /* GtkListItem → its GtkCheckButton, in selection mode */
  GtkWidget *row_menu;      /* the context menu of a row, while there is one */
  GdkRectangle row_menu_at; /* … where it points */
  gboolean narrow;
  gboolean syncing_checks;
  GtkWidget *clear_button;
  GtkLabel *count_label;
  GtkLabel *status_label;
  GtkPopover *notes_popover;
  GtkLabel *notes_label;
};

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

static void
toast (FlexDirectoryPage *self, const char *message)
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
  gtk_widget_set_visible (GTK_WIDGET (self->count_label), g_str_equal (child, "list"));
}

/* The selected rows (contact lists only): "Delete Selected…" shows while
 * there are some and the list can be changed. */
static GPtrArray *
selected_contacts (FlexDirectoryPage *self)
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
  g_autoptr (GPtrArray) selected = selected_contacts (self);
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

typedef const char *(*TextGetter) (gpointer item);

/* The item a cell shows: its row's slot's. */
static gpointer
cell_item (GtkListItem *list_item)
{
  FlexRowSlot *slot = gtk_list_item_get_item (list_item);

  return slot != NULL ? flex_row_slot_get_item (slot) : NULL;
}

static const char *
recent_name (gpointer item)
{
  const char *name = flex_recent_get_name (item);

  return name != NULL && *name != '\0' ? name : _ ("Customer");
}

static void
setup_text (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  GtkWidget *inscription = gtk_inscription_new (NULL);

  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (inscription),
                                     GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  gtk_inscription_set_nat_chars (GTK_INSCRIPTION (inscription), 16);
  gtk_inscription_set_min_lines (GTK_INSCRIPTION (inscription), 1);
  gtk_inscription_set_nat_lines (GTK_INSCRIPTION (inscription), 1);
  g_object_set_data (G_OBJECT (inscription), "flex-list-item", list_item);
  gtk_list_item_set_child (list_item, inscription);
}

static void
bind_text (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  TextGetter getter = (TextGetter) user_data;
  const char *text = getter (cell_item (list_item));

  gtk_inscription_set_text (GTK_INSCRIPTION (gtk_list_item_get_child (list_item)), text);
}

/* A contact's name, and whether an edit of it waits to be sent or needs a
 * choice. */
static void
bind_contact_name (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  FlexContact *contact = cell_item (list_item);
  GtkInscription *inscription = GTK_INSCRIPTION (gtk_list_item_get_child (list_item));
  g_autofree char *text = NULL;

  switch (flex_contact_get_sync (contact))
    {
      case FLEX_CONTACT_PENDING:
        /* TRANSLATORS: a contact edited while Twilio could not be reached */
        text = g_strdup_printf (_ ("%s (not sent yet)"), flex_contact_get_name (contact));
        break;
      case FLEX_CONTACT_CONFLICT:
        /* TRANSLATORS: an edit sent later met a newer version: edit to choose */
        text = g_strdup_printf (_ ("%s (changed elsewhere: edit to choose)"),
                                flex_contact_get_name (contact));
        break;
      default:
        break;
    }
  gtk_inscription_set_text (inscription, text != NULL ? text : flex_contact_get_name (contact));
}

static void
channel_icon (FlexRecent *recent, const char **icon, const char **label)
{
  const char *channel = flex_recent_get_channel_type (recent);

  if (g_strcmp0 (channel, "voice") == 0)
    {
      gboolean outbound = g_strcmp0 (flex_recent_get_direction (recent), "outbound") == 0;

      *icon = outbound ? "call-outgoing-symbolic" : "call-incoming-symbolic";
      *label = outbound ? _ ("Outbound call") : _ ("Inbound call");
    }
  else if (g_strcmp0 (channel, "sms") == 0)
    {
      *icon = "mail-unread-symbolic";
      *label = _ ("SMS");
    }
  else if (g_strcmp0 (channel, "web") == 0 || g_strcmp0 (channel, "chat") == 0)
    {
      *icon = "web-browser-symbolic";
      *label = _ ("Web chat");
    }
  else if (g_strcmp0 (channel, "whatsapp") == 0)
    {
      *icon = "chat-message-new-symbolic";
      *label = _ ("WhatsApp");
    }
  else
    {
      *icon = "network-workgroup-symbolic";
      *label = _ ("Other channel");
    }
}

static gboolean
on_query_tooltip (GtkWidget *widget,
                  int x,
                  int y,
                  gboolean keyboard_mode,
                  GtkTooltip *tooltip,
                  gpointer user_data)
{
  const char *text = g_object_get_data (G_OBJECT (widget), "flex-tooltip");

  if (text == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

/* Tooltips of recycled row widgets come from "query-tooltip": setting a
 * tooltip text makes GTK ask the X server for the pointer, a round trip per
 * button of every new row (bench-directory). */
static void
set_row_tooltip (GtkWidget *widget, const char *text)
{
  g_object_set_data_full (G_OBJECT (widget), "flex-tooltip", g_strdup (text), g_free);
}

static void
setup_channel (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  GtkWidget *image = gtk_image_new ();

  gtk_widget_add_css_class (image, "channel-icon");
  gtk_widget_set_has_tooltip (image, TRUE);
  g_signal_connect (image, "query-tooltip", G_CALLBACK (on_query_tooltip), NULL);
  g_object_set_data (G_OBJECT (image), "flex-list-item", list_item);
  gtk_list_item_set_child (list_item, image);
}

static void
bind_channel (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  GtkWidget *image = gtk_list_item_get_child (list_item);
  const char *icon, *label;

  channel_icon (cell_item (list_item), &icon, &label);
  gtk_image_set_from_icon_name (GTK_IMAGE (image), icon);
  set_row_tooltip (image, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (image), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

/* A date and time; in a narrow window only the time for today, only the
 * day for this year. */
static void
bind_date (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  FlexDirectoryPage *self = user_data;
  GDateTime *date = flex_recent_get_date_time (cell_item (list_item));
  g_autoptr (GDateTime) local = date != NULL ? g_date_time_to_local (date) : NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  const char *format = "%x %X";
  g_autofree char *text = NULL;

  if (self->narrow && local != NULL)
    {
      if (g_date_time_get_year (local) != g_date_time_get_year (now))
        format = "%x";
      else if (g_date_time_get_day_of_year (local) == g_date_time_get_day_of_year (now))
        /* TRANSLATORS: a time of today in a narrow list (strftime) */
        format = C_ ("narrow list", "%R");
      else
        /* TRANSLATORS: a day of this year in a narrow list (strftime) */
        format = C_ ("narrow list", "%e %b");
    }
  text = local != NULL ? g_date_time_format (local, format) : NULL;

  gtk_inscription_set_text (GTK_INSCRIPTION (gtk_list_item_get_child (list_item)), text);
}

static void
bind_duration (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  gint64 duration = flex_recent_get_duration (cell_item (list_item));
  g_autofree char *text = NULL;

  if (duration >= 3600)
    text = g_strdup_printf ("%d:%02d:%02d", (int) (duration / 3600), (int) (duration / 60 % 60),
                            (int) (duration % 60));
  else if (duration >= 0)
    text = g_strdup_printf ("%d:%02d", (int) (duration / 60), (int) (duration % 60));

  gtk_inscription_set_text (GTK_INSCRIPTION (gtk_list_item_get_child (list_item)), text);
}

/* The actions cell: notes, call, and for directories edit and delete. */

static GtkWidget *
icon_button (const char *icon, const char *label)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_add_css_class (button, "flat");
  set_row_tooltip (button, label);
  gtk_widget_set_has_tooltip (button, TRUE);
  g_signal_connect (button, "query-tooltip", G_CALLBACK (on_query_tooltip), NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  return button;
}

/* One notes popover for the whole page, pointed at the row's button:
 * a popover per row makes every rebind of a page cost hundreds of
 * milliseconds (bench-directory). */
static const char *
item_notes (FlexDirectoryPage *self, gpointer item)
{
  return self->kind == FLEX_DIRECTORY_KIND_RECENTS ? flex_recent_get_notes (item)
                                                   : flex_contact_get_notes (item);
}

static void
show_notes (FlexDirectoryPage *self, gpointer item, const GdkRectangle *area)
{
  gtk_label_set_label (self->notes_label, item_notes (self, item));
  gtk_popover_set_pointing_to (self->notes_popover, area);
  gtk_popover_popup (self->notes_popover);
}

static void
on_notes_clicked (GtkButton *button, GtkListItem *list_item)
{
  GtkWidget *widget = gtk_widget_get_ancestor (GTK_WIDGET (button), FLEX_TYPE_DIRECTORY_PAGE);
  FlexDirectoryPage *self = FLEX_DIRECTORY_PAGE (widget);
  gpointer item = cell_item (list_item);
  graphene_rect_t bounds;
  GdkRectangle area;

  if (item == NULL || !gtk_widget_compute_bounds (GTK_WIDGET (button), GTK_WIDGET (self), &bounds))
    return;

  area.x = (int) bounds.origin.x;
  area.y = (int) bounds.origin.y;
  area.width = (int) bounds.size.width;
  area.height = (int) bounds.size.height;
  show_notes (self, item, &area);
}

/* Row buttons act on their row's item through "clicked" rather than
 * GtkActionable: GTK 4.8 makes new rows whenever the filter changes the
 * page, and an action helper per button made that cost ~200 ms a keystroke
 * on 10,000 contacts (bench-directory). Whether calling is possible at all
 * is bound to the page's "can-call" property. */
static void
on_row_button_clicked (GtkButton *button, GtkListItem *list_item)
{
  GtkWidget *page = gtk_widget_get_ancestor (GTK_WIDGET (button), FLEX_TYPE_DIRECTORY_PAGE);
  FlexDirectoryPage *self = FLEX_DIRECTORY_PAGE (page);
  const char *action = g_object_get_data (G_OBJECT (button), "flex-action");
  gpointer item = cell_item (list_item);
  const char *target;

  if (item == NULL || self == NULL)
    return;

  if (g_str_equal (action, "page.call"))
    {
      const char *name;

      if (self->kind == FLEX_DIRECTORY_KIND_RECENTS)
        {
          target = flex_recent_get_customer_address (item);
          name = flex_recent_get_name (item);
        }
      else
        {
          target = flex_contact_get_phone_number (item);
          name = flex_contact_get_name (item);
        }
      gtk_widget_activate_action (page, action, "(ss)", target, name != NULL ? name : "");
      return;
    }

  target = flex_contact_get_key (item);
  gtk_widget_activate_action (page, action, "s", target);
}

static GtkWidget *
row_button (GtkListItem *list_item, const char *icon, const char *label, const char *action)
{
  GtkWidget *button = icon_button (icon, label);

  g_object_set_data (G_OBJECT (button), "flex-action", (gpointer) action);
  g_signal_connect (button, "clicked", G_CALLBACK (on_row_button_clicked), list_item);
  return button;
}

static void
setup_actions (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  FlexDirectoryPage *self = user_data;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *notes = icon_button ("accessories-text-editor-symbolic", _ ("Notes"));
  GtkWidget *call = row_button (list_item, "call-start-symbolic", _ ("Call"), "page.call");

  g_signal_connect (notes, "clicked", G_CALLBACK (on_notes_clicked), list_item);
  gtk_box_append (GTK_BOX (box), notes);
  g_object_bind_property (self, "can-call", call, "sensitive", G_BINDING_SYNC_CREATE);
  gtk_box_append (GTK_BOX (box), call);
  if (self->kind != FLEX_DIRECTORY_KIND_RECENTS)
    {
      GtkWidget *edit = row_button (list_item, "document-edit-symbolic", _ ("Edit"), "page.edit");
      GtkWidget *delete =
          row_button (list_item, "user-trash-symbolic", _ ("Delete"), "page.delete");

      gtk_box_append (GTK_BOX (box), edit);
      gtk_box_append (GTK_BOX (box), delete);
    }
  gtk_widget_add_css_class (box, "row-actions");
  g_object_set_data (G_OBJECT (box), "flex-list-item", list_item);
  gtk_list_item_set_child (list_item, box);
}

static void
name_button (GtkWidget *button, const char *label, const char *tooltip)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  set_row_tooltip (button, tooltip);
}

static void
bind_actions (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  FlexDirectoryPage *self = user_data;
  gpointer item = cell_item (list_item);
  GtkWidget *notes = gtk_widget_get_first_child (gtk_list_item_get_child (list_item));
  GtkWidget *call = gtk_widget_get_next_sibling (notes);
  const char *notes_text;
  const char *number;

  if (self->kind == FLEX_DIRECTORY_KIND_RECENTS)
    {
      notes_text = flex_recent_get_notes (item);
      number = flex_recent_get_customer_address (item);
      /* Only voice recents can be called back (DESIGN.md §1). */
      gtk_widget_set_visible (call,
                              flex_recent_is_voice (item) && number != NULL && *number != '\0');
      /* A narrow window keeps the call; notes are in the row's menu. */
      gtk_widget_set_visible (notes, !self->narrow);
    }
  else
    {
      GtkWidget *edit = gtk_widget_get_next_sibling (call);
      GtkWidget *delete = gtk_widget_get_next_sibling (edit);
      gboolean editable = flex_directory_get_editable (self->directory);

      notes_text = flex_contact_get_notes (item);
      number = flex_contact_get_phone_number (item);
      gtk_widget_set_visible (call, number != NULL && *number != '\0');
      /* A narrow window keeps the call; the rest is in the row's menu. */
      gtk_widget_set_visible (notes, !self->narrow);
      gtk_widget_set_visible (edit, editable && !self->narrow);
      gtk_widget_set_visible (delete, editable && !self->narrow);
    }

  gtk_widget_set_sensitive (notes, notes_text != NULL && *notes_text != '\0');

  /* Each button names its row, for a screen reader and in its tooltip
   * ("Call Amelia Watson", not the 25th "Call"). */
  {
    const char *name = self->kind == FLEX_DIRECTORY_KIND_RECENTS ? recent_name (item)
                                                                 : flex_contact_get_name (item);
    /* TRANSLATORS: row buttons; %s is the name of the contact or customer */
    g_autofree char *call_label = g_strdup_printf (_ ("Call %s"), name);
    g_autofree char *notes_label = g_strdup_printf (_ ("Notes on %s"), name);

    name_button (call, call_label, self->can_call ? call_label : self->call_disabled_reason);
    name_button (notes, notes_label, notes_label);
    if (self->kind != FLEX_DIRECTORY_KIND_RECENTS)
      {
        GtkWidget *edit = gtk_widget_get_next_sibling (call);
        g_autofree char *edit_label = g_strdup_printf (_ ("Edit %s"), name);
        g_autofree char *delete_label = g_strdup_printf (_ ("Delete %s"), name);

        name_button (edit, edit_label, edit_label);
        name_button (gtk_widget_get_next_sibling (edit), delete_label, delete_label);
      }
  }
}

/* A cell is bound to its row's slot, and bound again when the slot shows
 * another item (a search, a sort): the column's own bind does it both
 * times. A slot past the end of the items (a row about to go) shows
 * nothing. */
typedef void (*BindFunc) (GtkSignalListItemFactory *factory,
                          GtkListItem *list_item,
                          gpointer user_data);

static void
show_cell (GtkListItem *list_item)
{
  GObject *factory = g_object_get_data (G_OBJECT (list_item), "flex-factory");
  BindFunc bind = g_object_get_data (factory, "flex-bind");
  gboolean shown = cell_item (list_item) != NULL;

  gtk_widget_set_visible (gtk_list_item_get_child (list_item), shown);
  if (shown)
    bind (GTK_SIGNAL_LIST_ITEM_FACTORY (factory), list_item,
          g_object_get_data (factory, "flex-bind-data"));
}

/* GTK 4.8 keeps 200 rows alive; ~20 show. When a search or a sort gives
 * them all new items, the rows in view (and a few around) are bound at once
 * and the others between frames (or at once when the list scrolls), so
 * that the frame after a keystroke lays out the rows it shows, not 200. */
#define NEAR_ROWS      4    /* above and below the view */
#define BIND_BUDGET_US 3000 /* a step; the next frame lays out what changed */

static gboolean
cell_is_near (FlexDirectoryPage *self, GtkListItem *list_item)
{
  GtkAdjustment *scroll = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->column_view));
  guint position = gtk_list_item_get_position (list_item);
  guint n = self->rows != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->rows)) : 0;
  double upper = scroll != NULL ? gtk_adjustment_get_upper (scroll) : 0;
  double first, last;

  if (position == GTK_INVALID_LIST_POSITION || n == 0 || upper <= 0)
    return TRUE;
  /* Rows are of one height (.row-actions): the view shows these. */
  first = gtk_adjustment_get_value (scroll) / upper * n;
  last = (gtk_adjustment_get_value (scroll) + gtk_adjustment_get_page_size (scroll)) / upper * n;
  return position + NEAR_ROWS >= first && position <= last + NEAR_ROWS;
}

/* Binds cells that wait, for at most @budget_us (-1: all of them): %TRUE
 * while others still wait. */
static gboolean
bind_pending_step (FlexDirectoryPage *self, gint64 budget_us)
{
  gint64 end = budget_us < 0 ? G_MAXINT64 : g_get_monotonic_time () + budget_us;
  GHashTableIter iter;
  gpointer list_item;

  g_hash_table_iter_init (&iter, self->pending_cells);
  while (g_get_monotonic_time () < end && g_hash_table_iter_next (&iter, &list_item, NULL))
    {
      g_hash_table_iter_remove (&iter);
      show_cell (list_item);
    }
  return g_hash_table_size (self->pending_cells) > 0;
}

static gboolean
bind_pending_budget (gpointer data)
{
  return bind_pending_step (data, BIND_BUDGET_US);
}

/* The list scrolls: no row shows what it showed before a change. */
static void
bind_all_pending (FlexDirectoryPage *self)
{
  flex_frame_steps_cancel (&self->bind_pending);
  bind_pending_step (self, -1);
}

static void
on_slot_item (FlexRowSlot *slot, GParamSpec *pspec, GtkListItem *list_item)
{
  GObject *factory = g_object_get_data (G_OBJECT (list_item), "flex-factory");
  FlexDirectoryPage *self = g_object_get_data (factory, "flex-page");

  if (cell_is_near (self, list_item))
    {
      g_hash_table_remove (self->pending_cells, list_item);
      show_cell (list_item);
      return;
    }
  g_hash_table_add (self->pending_cells, list_item);
  flex_frame_steps_schedule (&self->bind_pending);
}

static void
bind_cell (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  GObject *slot = gtk_list_item_get_item (list_item);

  g_object_set_data (G_OBJECT (list_item), "flex-factory", factory);
  g_object_set_data_full (G_OBJECT (list_item), "flex-slot", g_object_ref (slot), g_object_unref);
  g_signal_connect_object (slot, "notify::item", G_CALLBACK (on_slot_item), list_item,
                           G_CONNECT_DEFAULT);
  show_cell (list_item);
}

static void
unbind_cell (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  GObject *slot = g_object_get_data (G_OBJECT (list_item), "flex-slot");

  if (slot != NULL)
    g_signal_handlers_disconnect_by_func (slot, on_slot_item, list_item);
  g_object_set_data (G_OBJECT (list_item), "flex-slot", NULL);
  g_hash_table_remove (
      FLEX_DIRECTORY_PAGE (g_object_get_data (G_OBJECT (factory), "flex-page"))->pending_cells,
      list_item);
}

static GtkColumnViewColumn *
add_column (FlexDirectoryPage *self,
            const char *title,
            GCallback setup,
            GCallback bind,
            gpointer data,
            gboolean expand)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *column;

  g_signal_connect (factory, "setup", setup, data);
  g_object_set_data (G_OBJECT (factory), "flex-bind", (gpointer) bind);
  g_object_set_data (G_OBJECT (factory), "flex-bind-data", data);
  g_object_set_data (G_OBJECT (factory), "flex-page", self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cell), NULL);
  column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_expand (column, expand);
  gtk_column_view_column_set_resizable (column, TRUE);
  gtk_column_view_append_column (self->column_view, column);
  g_object_set_data (G_OBJECT (column), "flex-page", self);
  g_object_unref (column);
  return column;
}

/* A phone number, in the form the person chose (international, or national
 * for numbers of the account's country). */
static void
show_number (FlexDirectoryPage *self, GtkListItem *list_item, TextGetter getter)
{
  gpointer item = cell_item (list_item);
  const char *number = item != NULL ? getter (item) : NULL;
  const char *text = number != NULL ? g_hash_table_lookup (self->formatted, number) : "";

  /* Rows are bound again as a list scrolls and filters; formatting (ICU
   * regular expressions inside libphonenumber) is done once a number. */
  if (text == NULL)
    {
      char *formatted = flex_phone_format (number, self->phone_format, self->default_country);

      g_hash_table_insert (self->formatted, g_strdup (number), formatted);
      text = formatted;
    }
  gtk_inscription_set_text (GTK_INSCRIPTION (gtk_list_item_get_child (list_item)), text);
}

static void
bind_number (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  FlexDirectoryPage *self = user_data;
  TextGetter getter = g_object_get_data (G_OBJECT (factory), "flex-getter");

  g_hash_table_insert (self->bound_numbers, list_item, getter);
  show_number (self, list_item, getter);
}

static void
unbind_number (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  FlexDirectoryPage *self = user_data;

  g_hash_table_remove (self->bound_numbers, list_item);
}

/* Shows the numbers on screen again, after their form changed. */
static void
rebind_numbers (FlexDirectoryPage *self)
{
  GHashTableIter iter;
  gpointer list_item, getter;

  g_hash_table_remove_all (self->formatted);
  g_hash_table_iter_init (&iter, self->bound_numbers);
  while (g_hash_table_iter_next (&iter, &list_item, &getter))
    show_number (self, list_item, getter);
}

static GtkColumnViewColumn *
add_number_column (FlexDirectoryPage *self, const char *title, TextGetter getter)
{
  GtkColumnViewColumn *column =
      add_column (self, title, G_CALLBACK (setup_text), G_CALLBACK (bind_number), self, TRUE);
  GtkListItemFactory *factory = gtk_column_view_column_get_factory (column);

  g_object_set_data (G_OBJECT (factory), "flex-getter", getter);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_number), self);
  return column;
}

static void
on_check_toggled (GtkCheckButton *check, GtkListItem *list_item)
{
  FlexDirectoryPage *self = g_object_get_data (G_OBJECT (check), "flex-page");
  GtkSelectionModel *model = gtk_column_view_get_model (self->column_view);
  guint position = gtk_list_item_get_position (list_item);

  if (self->syncing_checks || position == GTK_INVALID_LIST_POSITION)
    return;
  if (gtk_check_button_get_active (check))
    gtk_selection_model_select_item (model, position, FALSE);
  else
    gtk_selection_model_unselect_item (model, position);
}

static void
setup_check (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  GtkWidget *check = gtk_check_button_new ();

  g_object_set_data (G_OBJECT (check), "flex-page", user_data);
  gtk_widget_set_halign (check, GTK_ALIGN_CENTER);
  g_signal_connect (check, "toggled", G_CALLBACK (on_check_toggled), list_item);
  g_object_set_data (G_OBJECT (check), "flex-list-item", list_item);
  gtk_list_item_set_child (list_item, check);
}

static void
bind_check (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  FlexDirectoryPage *self = user_data;
  GtkWidget *check = gtk_list_item_get_child (list_item);
  /* TRANSLATORS: the check box of a row in selection mode; %s is a name */
  g_autofree char *label =
      g_strdup_printf (_ ("Select %s"), flex_contact_get_name (cell_item (list_item)));

  gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  g_hash_table_insert (self->bound_checks, list_item, check);
  self->syncing_checks = TRUE;
  gtk_check_button_set_active (
      GTK_CHECK_BUTTON (check),
      gtk_selection_model_is_selected (gtk_column_view_get_model (self->column_view),
                                       gtk_list_item_get_position (list_item)));
  self->syncing_checks = FALSE;
}

static void
unbind_check (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  FlexDirectoryPage *self = user_data;

  g_hash_table_remove (self->bound_checks, list_item);
}

/* The "Select" button: check boxes show; leaving, the selection is
 * dropped. */
static void
on_select_mode (FlexDirectoryPage *self)
{
  gboolean active = gtk_toggle_button_get_active (self->select_button);
  GtkSelectionModel *model = gtk_column_view_get_model (self->column_view);

  if (self->select_column == NULL)
    return;
  gtk_column_view_column_set_visible (self->select_column, active);
  if (!active && model != NULL)
    gtk_selection_model_unselect_all (model);
}

/* Sorting by a column: a header click sorts by it, a second click the
 * other way round. */

static int
compare_strings (const char *a, const char *b)
{
  return g_strcmp0 (a != NULL ? a : "", b != NULL ? b : "");
}

static int
compare_contact_names (gconstpointer a, gconstpointer b, gpointer data)
{
  return compare_strings (flex_contact_get_sort_key ((FlexContact *) a),
                          flex_contact_get_sort_key ((FlexContact *) b));
}

static int
compare_contact_numbers (gconstpointer a, gconstpointer b, gpointer data)
{
  return compare_strings (flex_contact_get_phone_number ((FlexContact *) a),
                          flex_contact_get_phone_number ((FlexContact *) b));
}

/* Recents: @data is the TextGetter of the column. */
static int
compare_recent_texts (gconstpointer a, gconstpointer b, gpointer data)
{
  TextGetter getter = (TextGetter) data;
  g_autofree char *x = g_utf8_casefold (getter ((gpointer) a) ? getter ((gpointer) a) : "", -1);
  g_autofree char *y = g_utf8_casefold (getter ((gpointer) b) ? getter ((gpointer) b) : "", -1);

  return g_utf8_collate (x, y);
}

static int
compare_recent_dates (gconstpointer a, gconstpointer b, gpointer data)
{
  GDateTime *x = flex_recent_get_date_time ((FlexRecent *) a);
  GDateTime *y = flex_recent_get_date_time ((FlexRecent *) b);

  if (x == NULL || y == NULL)
    return (x != NULL) - (y != NULL);
  return g_date_time_compare (x, y);
}

static int
compare_recent_durations (gconstpointer a, gconstpointer b, gpointer data)
{
  gint64 x = flex_recent_get_duration ((FlexRecent *) a);
  gint64 y = flex_recent_get_duration ((FlexRecent *) b);

  return (x > y) - (x < y);
}

typedef struct
{
  FlexDirectoryPage *page; /* borrowed: the page owns its columns */
  const char *id;          /* for the "sort" setting */
  GCompareDataFunc compare;
  gpointer data;
} ColumnSort;

static int
compare_column (gconstpointer a, gconstpointer b, gpointer user_data)
{
  ColumnSort *sort = user_data;

  if (sort->page->probing_sort && sort->page->probed_column == NULL)
    sort->page->probed_column = sort->id;
  return sort->compare (a, b, sort->data);
}

static void
sort_by (GtkColumnViewColumn *column, const char *id, GCompareDataFunc compare, gpointer data)
{
  FlexDirectoryPage *self = g_object_get_data (G_OBJECT (column), "flex-page");
  ColumnSort *sort = g_new0 (ColumnSort, 1);
  GtkCustomSorter *sorter;

  sort->page = self;
  sort->id = id;
  sort->compare = compare;
  sort->data = data;
  sorter = gtk_custom_sorter_new (compare_column, sort, g_free);
  g_object_set_data (G_OBJECT (column), "flex-sort", sort);
  gtk_column_view_column_set_sorter (column, GTK_SORTER (sorter));
  g_object_unref (sorter);
}

static GtkColumnViewColumn *
find_sort_column (FlexDirectoryPage *self, const char *id)
{
  GListModel *columns = gtk_column_view_get_columns (self->column_view);

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr (GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
      ColumnSort *sort = g_object_get_data (G_OBJECT (column), "flex-sort");

      if (sort != NULL && g_str_equal (sort->id, id))
        return column; /* the column view keeps it */
    }
  return NULL;
}

/* Whether sorting by column @id in @direction gives the directory's own
 * order (ties keep it: GTK's sort is stable). */
static gboolean
is_directory_order (FlexDirectoryPage *self, const char *id, GtkSortType direction)
{
  if (self->kind == FLEX_DIRECTORY_KIND_RECENTS)
    return g_str_equal (id, "date") && direction == GTK_SORT_DESCENDING;
  return g_str_equal (id, "name") && direction == GTK_SORT_ASCENDING;
}

/* GTK 4.8 cannot say which column its column view sorts by (4.10 can): ask
 * its sorter to compare two rows and see which column's sorter it asks
 * first; compare the answers to tell the direction. */
static void
on_sort_changed (FlexDirectoryPage *self)
{
  GtkSorter *sorter;
  GListModel *rows = G_LIST_MODEL (self->directory);
  guint n = rows != NULL ? g_list_model_get_n_items (rows) : 0;
  g_autoptr (GObject) first = NULL;
  g_autofree char *sort = NULL;
  GtkSortType direction = GTK_SORT_ASCENDING;
  ColumnSort *column_sort = NULL;

  /* Going away, the column view drops its columns: no choice of the
   * person's, nothing to remember. */
  if (self->column_view == NULL || gtk_widget_in_destruction (GTK_WIDGET (self)))
    return;
  if (n < 2)
    {
      /* Nothing to learn from: sort by whatever the headers say. */
      gtk_sort_list_model_set_sorter (self->sorted, gtk_column_view_get_sorter (self->column_view));
      return;
    }
  sorter = gtk_column_view_get_sorter (self->column_view);
  first = g_list_model_get_item (rows, 0);
  {
    /* Two rows: a sorter does not compare a row with itself. */
    g_autoptr (GObject) second = g_list_model_get_item (rows, 1);

    self->probing_sort = TRUE;
    self->probed_column = NULL;
    gtk_sorter_compare (sorter, first, second);
    self->probing_sort = FALSE;
  }
  if (self->probed_column != NULL)
    column_sort =
        g_object_get_data (G_OBJECT (find_sort_column (self, self->probed_column)), "flex-sort");
  for (guint i = 1; column_sort != NULL && i < n; i++)
    {
      g_autoptr (GObject) other = g_list_model_get_item (rows, i);
      int mine = column_sort->compare (first, other, column_sort->data);

      if (mine != 0)
        {
          direction =
              (gtk_sorter_compare (sorter, first, other) == GTK_ORDERING_SMALLER) == (mine < 0)
                  ? GTK_SORT_ASCENDING
                  : GTK_SORT_DESCENDING;
          break;
        }
    }
  /* Sorting costs only while a column is chosen, and one that asks for
   * the directory's own order (contacts by name, recents newest first:
   * DESIGN.md §1), or that order backwards, costs nothing either: GTK 4.8
   * would still compare every row in one step to find them sorted (18 ms
   * at 100,000). */
  if (column_sort != NULL && is_directory_order (self, column_sort->id, direction))
    {
      gtk_sort_list_model_set_sorter (self->sorted, NULL);
      flex_reverse_model_set_reversed (self->reversed, FALSE);
    }
  else if (column_sort != NULL &&
           is_directory_order (self, column_sort->id,
                               direction == GTK_SORT_ASCENDING ? GTK_SORT_DESCENDING
                                                               : GTK_SORT_ASCENDING))
    {
      gtk_sort_list_model_set_sorter (self->sorted, NULL);
      flex_reverse_model_set_reversed (self->reversed, TRUE);
    }
  else
    {
      flex_reverse_model_set_reversed (self->reversed, FALSE);
      gtk_sort_list_model_set_sorter (self->sorted, column_sort != NULL ? sorter : NULL);
    }
  sort = column_sort != NULL
             ? g_strdup_printf ("%s:%s", column_sort->id,
                                direction == GTK_SORT_ASCENDING ? "ascending" : "descending")
             : g_strdup ("");
  if (g_strcmp0 (sort, self->sort) == 0)
    return;
  g_free (self->sort);
  self->sort = g_steal_pointer (&sort);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SORT]);
}

/**
 * flex_directory_page_set_sort:
 * @sort: "column:ascending", "column:descending" or "" (the directory's own
 *   order); columns: name, number, channel, inbound, customer, date,
 *   duration, queue, outcome
 *
 * Sorts as a header click would (the "sort-…" settings remember it).
 */
void
flex_directory_page_set_sort (FlexDirectoryPage *self, const char *sort)
{
  g_auto (GStrv) parts = NULL;
  GtkColumnViewColumn *column = NULL;
  gboolean descending;

  g_return_if_fail (FLEX_IS_DIRECTORY_PAGE (self));

  /* "" splits into no parts at all: parts[1] only after parts[0]. */
  parts = g_strsplit (sort != NULL ? sort : "", ":", 2);
  if (parts[0] != NULL && *parts[0] != '\0')
    column = find_sort_column (self, parts[0]);
  descending = parts[0] != NULL && g_strcmp0 (parts[1], "descending") == 0;
  gtk_column_view_sort_by_column (self->column_view, column,
                                  descending ? GTK_SORT_DESCENDING : GTK_SORT_ASCENDING);
  /* Known at once, also while the list is empty (nothing to compare). */
  {
    g_autofree char *normal =
        column != NULL
            ? g_strdup_printf ("%s:%s", parts[0], descending ? "descending" : "ascending")
            : g_strdup ("");

    if (g_strcmp0 (normal, self->sort) != 0)
      {
        g_free (self->sort);
        self->sort = g_steal_pointer (&normal);
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SORT]);
      }
  }
}

const char *
flex_directory_page_get_sort (FlexDirectoryPage *self)
{
  g_return_val_if_fail (FLEX_IS_DIRECTORY_PAGE (self), NULL);
  return self->sort != NULL ? self->sort : "";
}

/* A column with a shorter title in a narrow window. */
static GtkColumnViewColumn *
narrow_title (GtkColumnViewColumn *column, const char *title)
{
  g_object_set_data_full (G_OBJECT (column), "flex-narrow-title", g_strdup (title), g_free);
  g_object_set_data_full (G_OBJECT (column), "flex-wide-title",
                          g_strdup (gtk_column_view_column_get_title (column)), g_free);
  return column;
}

/* A column a narrow window hides. */
static GtkColumnViewColumn *
optional (GtkColumnViewColumn *column)
{
  g_object_set_data (G_OBJECT (column), "flex-optional", GINT_TO_POINTER (TRUE));
  return column;
}

static void
build_columns (FlexDirectoryPage *self)
{
  if (self->kind == FLEX_DIRECTORY_KIND_RECENTS)
    {
      sort_by (optional (add_column (self, _ ("Channel"), G_CALLBACK (setup_channel),
                                     G_CALLBACK (bind_channel), NULL, FALSE)),
               "channel", compare_recent_texts, flex_recent_get_channel_type);
      sort_by (optional (add_number_column (self, _ ("Inbound Address"),
                                            (TextGetter) flex_recent_get_inbound_address)),
               "inbound", compare_recent_texts, flex_recent_get_inbound_address);
      sort_by (narrow_title (add_number_column (self, _ ("Customer Address"),
                                                (TextGetter) flex_recent_get_customer_address),
                             /* TRANSLATORS: "Customer Address" in a narrow window */
                             C_ ("narrow list", "Customer")),
               "customer", compare_recent_texts, flex_recent_get_customer_address);
      sort_by (add_column (self, _ ("Name"), G_CALLBACK (setup_text), G_CALLBACK (bind_text),
                           recent_name, TRUE),
               "name", compare_recent_texts, recent_name);
      sort_by (add_column (self, _ ("Date"), G_CALLBACK (setup_text), G_CALLBACK (bind_date), self,
                           TRUE),
               "date", compare_recent_dates, NULL);
      sort_by (optional (add_column (self, _ ("Duration"), G_CALLBACK (setup_text),
                                     G_CALLBACK (bind_duration), NULL, FALSE)),
               "duration", compare_recent_durations, NULL);
      sort_by (optional (add_column (self, _ ("Queue"), G_CALLBACK (setup_text),
                                     G_CALLBACK (bind_text), flex_recent_get_queue_name, TRUE)),
               "queue", compare_recent_texts, flex_recent_get_queue_name);
      sort_by (optional (add_column (self, _ ("Outcome"), G_CALLBACK (setup_text),
                                     G_CALLBACK (bind_text), flex_recent_get_outcome, FALSE)),
               "outcome", compare_recent_texts, flex_recent_get_outcome);
    }
  else
    {
      self->select_column =
          add_column (self, NULL, G_CALLBACK (setup_check), G_CALLBACK (bind_check), self, FALSE);
      g_signal_connect (gtk_column_view_column_get_factory (self->select_column), "unbind",
                        G_CALLBACK (unbind_check), self);
      gtk_column_view_column_set_resizable (self->select_column, FALSE);
      gtk_column_view_column_set_visible (self->select_column, FALSE);
      sort_by (add_column (self, _ ("Name"), G_CALLBACK (setup_text),
                           G_CALLBACK (bind_contact_name), NULL, TRUE),
               "name", compare_contact_names, NULL);
      sort_by (
          add_number_column (self, _ ("Phone Number"), (TextGetter) flex_contact_get_phone_number),
          "number", compare_contact_numbers, NULL);
    }
  /* Narrow, the column holds only the call button, which names itself. */
  narrow_title (add_column (self, _ ("Actions"), G_CALLBACK (setup_actions),
                            G_CALLBACK (bind_actions), self, FALSE),
                "");
}

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
  return flex_search_matches (haystack, self->needle);
}

/* Actions */

static void on_write_done (GObject *object, GAsyncResult *result, gpointer user_data);

typedef struct
{
  FlexDirectoryPage *page;
  FlexContact *base; /* what the edit started from; NULL for a new one */
  FlexContact *mine;
} WriteContext;

static void
write_context_free (WriteContext *context)
{
  g_object_unref (context->page);
  g_clear_object (&context->base);
  g_object_unref (context->mine);
  g_free (context);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WriteContext, write_context_free)

static void
save_contact (FlexDirectoryPage *self, FlexContact *base, FlexContact *contact, gboolean is_new)
{
  WriteContext *context = g_new0 (WriteContext, 1);

  context->page = g_object_ref (self);
  context->base = base != NULL ? flex_contact_copy (base) : NULL;
  context->mine = flex_contact_copy (contact);
  if (is_new)
    flex_directory_add_contact_async (self->directory, contact, NULL, on_write_done, context);
  else
    flex_directory_update_contact_async (self->directory, contact, NULL, on_write_done, context);
}

static void
on_dialog_save (FlexContactDialog *dialog, FlexContact *contact, gpointer user_data)
{
  FlexDirectoryPage *self = user_data;

  save_contact (self, g_object_get_data (G_OBJECT (dialog), "flex-base"), contact,
                flex_contact_get_revision (contact) == NULL);
}

static void
open_dialog (FlexDirectoryPage *self, FlexContact *contact)
{
  FlexContactDialog *dialog = flex_contact_dialog_new (
      contact, self->kind == FLEX_DIRECTORY_KIND_SHARED, self->default_country);

  gtk_window_set_transient_for (GTK_WINDOW (dialog),
                                GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))));
  /* The version the edit starts from: a conflict later merges over it. */
  if (contact != NULL && flex_contact_get_revision (contact) != NULL)
    g_object_set_data_full (G_OBJECT (dialog), "flex-base", flex_contact_copy (contact),
                            g_object_unref);
  g_signal_connect_object (dialog, "save", G_CALLBACK (on_dialog_save), self, G_CONNECT_DEFAULT);
  gtk_window_present (GTK_WINDOW (dialog));
}

typedef struct
{
  FlexDirectoryPage *page;
  FlexContact *mine;
} Conflict;

static void
conflict_free (gpointer data, GClosure *closure)
{
  Conflict *conflict = data;

  g_object_unref (conflict->page);
  g_object_unref (conflict->mine);
  g_free (conflict);
}

static void
on_conflict_response (AdwMessageDialog *dialog, const char *response, gpointer user_data)
{
  Conflict *conflict = user_data;

  if (g_strcmp0 (response, "overwrite") == 0)
    save_contact (conflict->page, NULL, conflict->mine, FALSE);
  else if (g_strcmp0 (response, "edit") == 0)
    open_dialog (conflict->page, conflict->mine);
  else
    {
      g_autoptr (GError) error = NULL;

      /* "Keep theirs": an edit of mine still waiting is dropped. */
      if (!flex_directory_keep_theirs (conflict->page->directory,
                                       flex_contact_get_key (conflict->mine), &error))
        toast (conflict->page, error->message);
    }
}

/* One line of the conflict: a field that differs, theirs and mine. */
static void
add_difference (GString *body, const char *field, const char *theirs, const char *mine)
{
  if (g_strcmp0 (theirs, mine) == 0)
    return;
  /* Translators: a line of the conflict dialog: the field, their value, my value */
  g_string_append_printf (body, _ ("%s — theirs: “%s”, yours: “%s”\n"), field,
                          theirs != NULL && *theirs != '\0' ? theirs : _ ("(empty)"),
                          mine != NULL && *mine != '\0' ? mine : _ ("(empty)"));
}

static const char *
yes_no (gboolean value)
{
  return value ? _ ("on") : _ ("off");
}

/* Someone else saved first: show theirs, let the person choose. Fields I did
 * not change take theirs (a merge over @base); the dialog names every field
 * where the two still differ. */
static void
show_conflict (FlexDirectoryPage *self, FlexContact *base, FlexContact *mine, FlexContact *theirs)
{
  GtkWidget *dialog;
  Conflict *conflict;
  g_autoptr (GString) body = NULL;
  g_autoptr (FlexContact) merged = NULL;
  g_autofree char *their_number = NULL;
  g_autofree char *my_number = NULL;

  if (theirs == NULL)
    {
      toast (self, _ ("Someone else deleted this contact meanwhile; your changes were not saved"));
      return;
    }

  merged = flex_contact_merge (base, mine, theirs);
  their_number = flex_phone_format (flex_contact_get_phone_number (theirs), self->phone_format,
                                    self->default_country);
  my_number = flex_phone_format (flex_contact_get_phone_number (merged), self->phone_format,
                                 self->default_country);
  body = g_string_new (NULL);
  add_difference (body, _ ("Name"), flex_contact_get_name (theirs), flex_contact_get_name (merged));
  add_difference (body, _ ("Phone number"), their_number, my_number);
  add_difference (body, _ ("Notes"), flex_contact_get_notes (theirs),
                  flex_contact_get_notes (merged));
  if (self->kind == FLEX_DIRECTORY_KIND_SHARED)
    {
      add_difference (body, _ ("Cold transfer"),
                      yes_no (flex_contact_get_allow_cold_transfer (theirs)),
                      yes_no (flex_contact_get_allow_cold_transfer (merged)));
      add_difference (body, _ ("Warm transfer"),
                      yes_no (flex_contact_get_allow_warm_transfer (theirs)),
                      yes_no (flex_contact_get_allow_warm_transfer (merged)));
    }
  if (body->len == 0)
    g_string_append (body, _ ("Their version has your changes already.\n"));
  g_string_append (body, _ ("\nSave yours over theirs (the fields you did not change keep "
                            "theirs), or keep theirs and discard your changes?"));
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                   _ ("Someone Else Changed This Contact"), body->str);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "keep", _ ("_Keep Theirs"), "edit",
                                    _ ("_Edit Again"), "overwrite", _ ("_Save Mine"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "overwrite",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "keep");

  /* Saving mine now means the merge, based on their revision. */
  conflict = g_new0 (Conflict, 1);
  conflict->page = g_object_ref (self);
  conflict->mine = g_steal_pointer (&merged);
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_conflict_response), conflict,
                         conflict_free, G_CONNECT_DEFAULT);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_write_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (WriteContext) context = user_data;
  g_autoptr (FlexContact) saved = NULL;
  g_autoptr (FlexContact) current = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *message = NULL;

  saved = flex_directory_write_finish (FLEX_DIRECTORY (object), result, &current, &error);
  if (error == NULL)
    {
      /* A saved edit shows in its row; one that waits says so. */
      if (saved != NULL &&
          flex_directory_get_unsent (FLEX_DIRECTORY (object), flex_contact_get_key (saved)))
        toast (context->page, _ ("Saved here — will be sent when Twilio is back"));
      return;
    }

  if (g_error_matches (error, FLEX_MODEL_ERROR, FLEX_MODEL_ERROR_CONFLICT))
    {
      show_conflict (context->page, context->base, context->mine, current);
      return;
    }

  /* Nothing is dropped silently: the edit comes back for another try. */
  message = g_strdup_printf (_ ("Could not save the contact: %s"), error->message);
  toast (context->page, message);
  if (!g_error_matches (error, FLEX_MODEL_ERROR, FLEX_MODEL_ERROR_READ_ONLY))
    open_dialog (context->page, context->mine);
}

static void
add_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  FlexDirectoryPage *self = FLEX_DIRECTORY_PAGE (widget);

  open_dialog (self, NULL);
}

static void
edit_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  FlexDirectoryPage *self = FLEX_DIRECTORY_PAGE (widget);
  const char *key = g_variant_get_string (parameter, NULL);
  FlexContact *contact = flex_directory_lookup (self->directory, key);
  g_autoptr (FlexContact) theirs = NULL;
  g_autoptr (FlexContact) mine = NULL;

  if (contact == NULL)
    return;
  /* An edit sent later met a newer version: the person chooses first. */
  if (flex_contact_get_sync (contact) == FLEX_CONTACT_CONFLICT &&
      (mine = flex_directory_get_conflict (self->directory, key, &theirs)) != NULL)
    {
      g_autoptr (FlexContact) base = flex_directory_get_conflict_base (self->directory, key);

      if (theirs != NULL)
        show_conflict (self, base, mine, theirs);
      else
        open_dialog (self, mine);
      return;
    }
  open_dialog (self, contact);
}

typedef struct
{
  FlexDirectoryPage *page;
  char *key;
} Deleting;

static void
deleting_free (Deleting *deleting)
{
  g_object_unref (deleting->page);
  g_free (deleting->key);
  g_free (deleting);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Deleting, deleting_free)

static void
on_delete_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (Deleting) deleting = user_data;
  FlexDirectoryPage *self = deleting->page;
  const char *key = deleting->key;
  g_autoptr (FlexContact) current = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (FlexContact) none = NULL;

  none = flex_directory_write_finish (FLEX_DIRECTORY (object), result, &current, &error);
  if (error == NULL && flex_directory_get_unsent (FLEX_DIRECTORY (object), key))
    toast (self, _ ("Deleted — will be sent when Twilio is back"));
  else if (g_error_matches (error, FLEX_MODEL_ERROR, FLEX_MODEL_ERROR_CONFLICT))
    toast (self, current != NULL ? _ ("Someone else changed this contact meanwhile, so it was "
                                      "not deleted; check it and try again")
                                 : _ ("Someone else deleted this contact already"));
  else if (error != NULL)
    {
      g_autofree char *message =
          g_strdup_printf (_ ("Could not delete the contact: %s"), error->message);

      toast (self, message);
    }
  else
    toast (self, _ ("Contact deleted"));
}

static void
on_delete_response (AdwMessageDialog *dialog, const char *response, gpointer user_data)
{
  FlexContact *contact = g_object_get_data (G_OBJECT (dialog), "flex-contact");
  FlexDirectoryPage *self = user_data;

  if (g_strcmp0 (response, "delete") == 0)
    {
      Deleting *deleting = g_new0 (Deleting, 1);

      deleting->page = g_object_ref (self);
      deleting->key = g_strdup (flex_contact_get_key (contact));
      flex_directory_delete_contact_async (self->directory, contact, NULL, on_delete_done,
                                           deleting);
    }
}

static void
delete_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  FlexDirectoryPage *self = FLEX_DIRECTORY_PAGE (widget);
  FlexContact *contact =
      flex_directory_lookup (self->directory, g_variant_get_string (parameter, NULL));
  g_autofree char *heading = NULL;
  GtkWidget *dialog;

  if (contact == NULL)
    return;

  /* Translators: %s is a contact's name */
  heading = g_strdup_printf (_ ("Delete “%s”?"), flex_contact_get_name (contact));
  dialog = GTK_WIDGET (flex_confirm_dialog_new (
      widget, heading,
      self->kind == FLEX_DIRECTORY_KIND_SHARED
          ? _ ("The contact is removed from the shared directory of the whole team.")
          : _ ("The contact is removed here and from the Flex UI."),
      "delete", _ ("_Delete"), ADW_RESPONSE_DESTRUCTIVE));
  g_object_set_data_full (G_OBJECT (dialog), "flex-contact", flex_contact_copy (contact),
                          g_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_delete_response), self,
                           G_CONNECT_DEFAULT);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_clear_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (FlexDirectoryPage) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!flex_directory_clear_finish (FLEX_DIRECTORY (object), result, &error))
    {
      g_autofree char *message =
          g_strdup_printf (_ ("Could not clear the history: %s"), error->message);

      toast (self, message);
    }
}

static void
on_clear_response (AdwMessageDialog *dialog, const char *response, gpointer user_data)
{
  FlexDirectoryPage *self = user_data;

  if (g_strcmp0 (response, "clear") == 0)
    flex_directory_clear_async (self->directory, NULL, on_clear_done, g_object_ref (self));
}

static void
clear_history_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  GtkWidget *dialog;

  dialog = GTK_WIDGET (flex_confirm_dialog_new (
      widget, _ ("Clear the History?"),
      _ ("All your recent interactions are removed, here and in the Flex UI."), "clear",
      _ ("_Clear History"), ADW_RESPONSE_DESTRUCTIVE));
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_clear_response), widget,
                           G_CONNECT_DEFAULT);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* page.call (number, name): the window confirms and places the call. */
static void
call_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  gtk_widget_activate_action_variant (widget, "window.call", parameter);
}

/* One row, by its position on the page: Enter, the context menu, F2 */

static gpointer
row_item (FlexDirectoryPage *self, guint position)
{
  return self->rows != NULL ? flex_row_model_get_row_item (self->rows, position) : NULL;
}

/* The number a row calls, and the name it calls; %FALSE when it calls none
 * (a chat, an email). */
static gboolean
row_call_target (FlexDirectoryPage *self, gpointer item, const char **number, const char **name)
{
  if (self->kind == FLEX_DIRECTORY_KIND_RECENTS)
    {
      *number = flex_recent_get_customer_address (item);
      *name = flex_recent_get_name (item);
      return flex_recent_is_voice (item) && *number != NULL && **number != '\0';
    }
  *number = flex_contact_get_phone_number (item);
  *name = flex_contact_get_name (item);
  return *number != NULL && **number != '\0';
}

static void
call_row_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  FlexDirectoryPage *self = FLEX_DIRECTORY_PAGE (widget);
  g_autoptr (GObject) item = row_item (self, g_variant_get_uint32 (parameter));
  const char *number, *name;

  if (item != NULL && self->can_call && row_call_target (self, item, &number, &name))
    gtk_widget_activate_action (widget, "page.call", "(ss)", number, name != NULL ? name : "");
}

static void
edit_row_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  FlexDirectoryPage *self = FLEX_DIRECTORY_PAGE (widget);
  g_autoptr (GObject) item = row_item (self, g_variant_get_uint32 (parameter));

  if (item != NULL && FLEX_IS_CONTACT (item))
    gtk_widget_activate_action (widget, "page.edit", "s",
                                flex_contact_get_key (FLEX_CONTACT (item)));
}

static void
delete_row_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  FlexDirectoryPage *self = FLEX_DIRECTORY_PAGE (widget);
  g_autoptr (GObject) item = row_item (self, g_variant_get_uint32 (parameter));

  if (item != NULL && FLEX_IS_CONTACT (item))
    gtk_widget_activate_action (widget, "page.delete", "s",
                                flex_contact_get_key (FLEX_CONTACT (item)));
}

/* The notes of a row, from its menu: where the menu was. */
static void
show_notes_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  FlexDirectoryPage *self = FLEX_DIRECTORY_PAGE (widget);
  g_autoptr (GObject) item = row_item (self, g_variant_get_uint32 (parameter));

  if (item != NULL)
    show_notes (self, item, &self->row_menu_at);
}

static void
copy_number_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  FlexDirectoryPage *self = FLEX_DIRECTORY_PAGE (widget);
  g_autoptr (GObject) item = row_item (self, g_variant_get_uint32 (parameter));
  const char *number, *name;

  if (item == NULL)
    return;
  row_call_target (self, item, &number, &name);
  if (number == NULL || *number == '\0')
    return;
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), number);
  toast (self, _ ("Number copied"));
}

/* The row a widget of the list belongs to: its position, or
 * GTK_INVALID_LIST_POSITION. */
static guint
row_of_widget (GtkWidget *widget)
{
  for (; widget != NULL; widget = gtk_widget_get_parent (widget))
    {
      GtkListItem *list_item = g_object_get_data (G_OBJECT (widget), "flex-list-item");

      if (list_item != NULL)
        return gtk_list_item_get_position (list_item);
    }
  return GTK_INVALID_LIST_POSITION;
}

/* Right-click, long press, the Menu key: Call, Edit, Copy Number, Delete. */
static void
popup_row_menu (FlexDirectoryPage *self, guint position, double x, double y)
{
  g_autoptr (GObject) item = row_item (self, position);
  g_autoptr (GMenu) menu = g_menu_new ();
  const char *number, *name;
  gboolean editable = flex_directory_get_editable (self->directory);
  GtkWidget *popover;
  GdkRectangle at = { (int) x, (int) y, 1, 1 };

  gboolean callable;

  if (item == NULL)
    return;
  callable = row_call_target (self, item, &number, &name);
  {
    struct
    {
      const char *label;
      const char *action;
      gboolean shown;
    } entries[] = {
      { _ ("_Call"), "page.call-row", self->can_call && callable },
      { _ ("_Edit"), "page.edit-row", self->kind != FLEX_DIRECTORY_KIND_RECENTS && editable },
      { _ ("Copy _Number"), "page.copy-number", number != NULL && *number != '\0' },
      { _ ("Show N_otes"), "page.show-notes",
        item_notes (self, item) != NULL && *item_notes (self, item) != '\0' },
      { _ ("_Delete"), "page.delete-row", self->kind != FLEX_DIRECTORY_KIND_RECENTS && editable },
    };

    for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
      if (entries[i].shown)
        {
          g_autoptr (GMenuItem) entry = g_menu_item_new (entries[i].label, NULL);

          g_menu_item_set_action_and_target_value (entry, entries[i].action,
                                                   g_variant_new_uint32 (position));
          g_menu_append_item (menu, entry);
        }
  }
  if (g_menu_model_get_n_items (G_MENU_MODEL (menu)) == 0)
    return;

  /* One menu at a time, made for this row. */
  if (self->row_menu != NULL)
    gtk_widget_unparent (self->row_menu);
  popover = gtk_popover_menu_new_from_model (G_MENU_MODEL (menu));
  gtk_widget_set_parent (popover, GTK_WIDGET (self));
  gtk_popover_set_has_arrow (GTK_POPOVER (popover), FALSE);
  gtk_widget_set_halign (popover, GTK_ALIGN_START);
  gtk_popover_set_pointing_to (GTK_POPOVER (popover), &at);
  self->row_menu = popover;
  self->row_menu_at = at;
  gtk_popover_popup (GTK_POPOVER (popover));
}

/* A press at (@x, @y) of the column view, in its coordinates. */
static gboolean
popup_row_menu_at (FlexDirectoryPage *self, double x, double y)
{
  GtkWidget *view = GTK_WIDGET (self->column_view);
  guint position = row_of_widget (gtk_widget_pick (view, x, y, GTK_PICK_DEFAULT));
  graphene_point_t at;

  if (position == GTK_INVALID_LIST_POSITION)
    return FALSE;
  if (!gtk_widget_compute_point (view, GTK_WIDGET (self),
                                 &GRAPHENE_POINT_INIT ((float) x, (float) y), &at))
    at = GRAPHENE_POINT_INIT ((float) x, (float) y);
  popup_row_menu (self, position, at.x, at.y);
  return TRUE;
}

static void
on_row_click (GtkGestureClick *gesture, int n_press, double x, double y, FlexDirectoryPage *self)
{
  if (popup_row_menu_at (self, x, y))
    gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static void
on_row_long_press (GtkGestureLongPress *gesture, double x, double y, FlexDirectoryPage *self)
{
  if (popup_row_menu_at (self, x, y))
    gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

/* The row with the keyboard focus, else the first selected one. */
static guint
focused_row (FlexDirectoryPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  guint position = focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self->column_view))
                       ? row_of_widget (focus)
                       : GTK_INVALID_LIST_POSITION;

  if (position == GTK_INVALID_LIST_POSITION)
    {
      g_autoptr (GtkBitset) selected =
          gtk_selection_model_get_selection (gtk_column_view_get_model (self->column_view));

      if (!gtk_bitset_is_empty (selected))
        position = gtk_bitset_get_minimum (selected);
    }
  return position;
}

static void
row_menu_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  FlexDirectoryPage *self = FLEX_DIRECTORY_PAGE (widget);
  guint position = focused_row (self);

  if (position != GTK_INVALID_LIST_POSITION)
    popup_row_menu (self, position, 24, 24);
}

static void
edit_selected_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  FlexDirectoryPage *self = FLEX_DIRECTORY_PAGE (widget);
  guint position = focused_row (self);

  if (position != GTK_INVALID_LIST_POSITION)
    gtk_widget_activate_action (widget, "page.edit-row", "u", position);
}

/* Enter (or a double click) on a row calls it. */
static void
on_row_activate (GtkColumnView *view, guint position, FlexDirectoryPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "page.call-row", "u", position);
}

static void
delete_selected_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  FlexDirectoryPage *self = FLEX_DIRECTORY_PAGE (widget);
  g_autoptr (GPtrArray) contacts = selected_contacts (self);

  flex_transfer_delete (widget, self->directory, contacts);
}

static void
undo_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  flex_transfer_undo (widget);
}

static void
import_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  flex_directory_page_import (FLEX_DIRECTORY_PAGE (widget), NULL);
}

static void
export_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  FlexDirectoryPage *self = FLEX_DIRECTORY_PAGE (widget);

  /* What the list shows, a search included, in its order. */
  flex_transfer_export (widget, G_LIST_MODEL (self->filtered), self->kind);
}

/* GObject */

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
                           "value-changed", G_CALLBACK (bind_all_pending), self, G_CONNECT_SWAPPED);

  build_columns (self);

  g_signal_connect_object (self->filtered, "items-changed", G_CALLBACK (on_model_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->select_button, "notify::active", G_CALLBACK (on_select_mode), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->column_view, "activate", G_CALLBACK (on_row_activate), self,
                           G_CONNECT_DEFAULT);
  {
    GtkGesture *click = gtk_gesture_click_new ();
    GtkGesture *long_press = gtk_gesture_long_press_new ();

    gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
    g_signal_connect_object (click, "pressed", G_CALLBACK (on_row_click), self, G_CONNECT_DEFAULT);
    gtk_gesture_single_set_touch_only (GTK_GESTURE_SINGLE (long_press), TRUE);
    g_signal_connect_object (long_press, "pressed", G_CALLBACK (on_row_long_press), self,
                             G_CONNECT_DEFAULT);
    gtk_widget_add_controller (GTK_WIDGET (self->column_view), GTK_EVENT_CONTROLLER (click));
    gtk_widget_add_controller (GTK_WIDGET (self->column_view), GTK_EVENT_CONTROLLER (long_press));
  }
  g_signal_connect_object (gtk_column_view_get_sorter (self->column_view), "changed",
                           G_CALLBACK (on_sort_changed), self, G_CONNECT_SWAPPED);
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

  gtk_widget_class_install_action (widget_class, "page.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "page.edit", "s", edit_action);
  gtk_widget_class_install_action (widget_class, "page.delete", "s", delete_action);
  gtk_widget_class_install_action (widget_class, "page.clear-history", NULL, clear_history_action);
  gtk_widget_class_install_action (widget_class, "page.delete-selected", NULL,
                                   delete_selected_action);
  gtk_widget_class_install_action (widget_class, "page.undo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "page.call-row", "u", call_row_action);
  gtk_widget_class_install_action (widget_class, "page.edit-row", "u", edit_row_action);
  gtk_widget_class_install_action (widget_class, "page.delete-row", "u", delete_row_action);
  gtk_widget_class_install_action (widget_class, "page.copy-number", "u", copy_number_action);
  gtk_widget_class_install_action (widget_class, "page.show-notes", "u", show_notes_action);
  gtk_widget_class_install_action (widget_class, "page.row-menu", NULL, row_menu_action);
  gtk_widget_class_install_action (widget_class, "page.edit-selected", NULL, edit_selected_action);
  gtk_widget_class_install_action (widget_class, "page.import", NULL, import_action);
  gtk_widget_class_install_action (widget_class, "page.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "page.call", "(ss)", call_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "page.add", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "page.delete-selected",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F2, 0, "page.edit-selected", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK,
                                       "page.edit-selected", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Menu, 0, "page.row-menu", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F10, GDK_SHIFT_MASK, "page.row-menu",
                                       NULL);

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
  flex_frame_steps_init (&self->bind_pending, bind_pending_budget, self);
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
  rebind_numbers (self);
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
  rebind_numbers (self);
}
