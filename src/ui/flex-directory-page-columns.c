/* flex-directory-page-columns.c
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

/* The item a cell shows: its row's slot's. */
static gpointer
cell_item (GtkListItem *list_item)
{
  FlexRowSlot *slot = gtk_list_item_get_item (list_item);

  return slot != NULL ? flex_row_slot_get_item (slot) : NULL;
}

const char *
_flex_directory_page_recent_name (gpointer item)
{
  const char *name = flex_recent_get_name (item);

  return name != NULL && *name != '\0' ? name : _ ("Customer");
}

/* A recent's name when it has one of its own; else the name My Contacts,
 * then Shared Contacts, give its number (@source: 1 or 2, 0 for none);
 * else the plugin's "Customer". */
const char *
_flex_directory_page_shown_recent_name (FlexDirectoryPage *self, gpointer item, guint *source)
{
  const char *name = flex_directory_name_recent (item, self->name_sources,
                                                 G_N_ELEMENTS (self->name_sources), source);

  return name != NULL ? name : _flex_directory_page_recent_name (item);
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

/* A phone number is read whole: its column keeps room for one (15
 * characters, "+1 312-555-0142"), so a narrow window wraps the names beside
 * it, not a number after its "+1". */
static void
setup_number (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  setup_text (factory, list_item, user_data);
  gtk_inscription_set_min_chars (GTK_INSCRIPTION (gtk_list_item_get_child (list_item)), 15);
}

static void
bind_text (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  TextGetter getter = (TextGetter) user_data;
  const char *text = getter (cell_item (list_item));

  gtk_inscription_set_text (GTK_INSCRIPTION (gtk_list_item_get_child (list_item)), text);
}

/* A recent's name; one looked up in the lists is in italics and says where
 * it comes from. */
static void
bind_recent_name (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  FlexDirectoryPage *self = user_data;
  GtkWidget *cell = gtk_list_item_get_child (list_item);
  guint source = 0;
  gpointer item = cell_item (list_item);
  const char *name =
      item != NULL ? _flex_directory_page_shown_recent_name (self, item, &source) : NULL;

  gtk_inscription_set_text (GTK_INSCRIPTION (cell), name);
  if (source != 0)
    {
      gtk_widget_add_css_class (cell, "looked-up");
      gtk_widget_set_tooltip_text (cell, source == 1 ? _ ("Name from My Contacts")
                                                     : _ ("Name from Shared Contacts"));
    }
  else
    {
      gtk_widget_remove_css_class (cell, "looked-up");
      gtk_widget_set_tooltip_text (cell, NULL);
    }
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
        /* TRANSLATORS: a day of this year in a narrow list (strftime; "%-d": the
         * day without padding) */
        format = C_ ("narrow list", "%-d %b");
    }
  text = local != NULL ? g_date_time_format (local, format) : NULL;
  /* No padding shows as a leading space (" 1 Dec"), whatever the format. */
  if (text != NULL)
    g_strstrip (text);

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
const char *
_flex_directory_page_item_notes (FlexDirectoryPage *self, gpointer item)
{
  return self->kind == FLEX_DIRECTORY_KIND_RECENTS ? flex_recent_get_notes (item)
                                                   : flex_contact_get_notes (item);
}

void
_flex_directory_page_show_notes (FlexDirectoryPage *self, gpointer item, const GdkRectangle *area)
{
  gtk_label_set_label (self->notes_label, _flex_directory_page_item_notes (self, item));
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
  _flex_directory_page_show_notes (self, item, &area);
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
    const char *name = self->kind == FLEX_DIRECTORY_KIND_RECENTS
                           ? _flex_directory_page_shown_recent_name (self, item, NULL)
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

gboolean
_flex_directory_page_bind_pending_budget (gpointer data)
{
  return bind_pending_step (data, BIND_BUDGET_US);
}

/* The list scrolls: no row shows what it showed before a change. */
void
_flex_directory_page_bind_all_pending (FlexDirectoryPage *self)
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
void
_flex_directory_page_rebind_numbers (FlexDirectoryPage *self)
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
      add_column (self, title, G_CALLBACK (setup_number), G_CALLBACK (bind_number), self, TRUE);
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
void
_flex_directory_page_update_select_mode (FlexDirectoryPage *self)
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

void
_flex_directory_page_build_columns (FlexDirectoryPage *self)
{
  if (self->kind == FLEX_DIRECTORY_KIND_RECENTS)
    {
      _flex_directory_page_sort_by (
          optional (add_column (self, _ ("Channel"), G_CALLBACK (setup_channel),
                                G_CALLBACK (bind_channel), NULL, FALSE)),
          "channel");
      _flex_directory_page_sort_by (
          optional (add_number_column (self, _ ("Inbound Address"),
                                       (TextGetter) flex_recent_get_inbound_address)),
          "inbound");
      _flex_directory_page_sort_by (
          narrow_title (add_number_column (self, _ ("Customer Address"),
                                           (TextGetter) flex_recent_get_customer_address),
                        /* TRANSLATORS: "Customer Address" in a narrow window */
                        C_ ("narrow list", "Customer")),
          "customer");
      _flex_directory_page_sort_by (add_column (self, _ ("Name"), G_CALLBACK (setup_text),
                                                G_CALLBACK (bind_recent_name), self, TRUE),
                                    "name");
      _flex_directory_page_sort_by (add_column (self, _ ("Date"), G_CALLBACK (setup_text),
                                                G_CALLBACK (bind_date), self, TRUE),
                                    "date");
      _flex_directory_page_sort_by (
          optional (add_column (self, _ ("Duration"), G_CALLBACK (setup_text),
                                G_CALLBACK (bind_duration), NULL, FALSE)),
          "duration");
      _flex_directory_page_sort_by (
          optional (add_column (self, _ ("Queue"), G_CALLBACK (setup_text), G_CALLBACK (bind_text),
                                flex_recent_get_queue_name, TRUE)),
          "queue");
      _flex_directory_page_sort_by (
          optional (add_column (self, _ ("Outcome"), G_CALLBACK (setup_text),
                                G_CALLBACK (bind_text), flex_recent_get_outcome, FALSE)),
          "outcome");
    }
  else
    {
      self->select_column =
          add_column (self, NULL, G_CALLBACK (setup_check), G_CALLBACK (bind_check), self, FALSE);
      g_signal_connect (gtk_column_view_column_get_factory (self->select_column), "unbind",
                        G_CALLBACK (unbind_check), self);
      gtk_column_view_column_set_resizable (self->select_column, FALSE);
      gtk_column_view_column_set_visible (self->select_column, FALSE);
      _flex_directory_page_sort_by (add_column (self, _ ("Name"), G_CALLBACK (setup_text),
                                                G_CALLBACK (bind_contact_name), NULL, TRUE),
                                    "name");
      _flex_directory_page_sort_by (
          add_number_column (self, _ ("Phone Number"), (TextGetter) flex_contact_get_phone_number),
          "number");
    }
  /* Narrow, the column holds only the call button, which names itself. */
  narrow_title (add_column (self, _ ("Actions"), G_CALLBACK (setup_actions),
                            G_CALLBACK (bind_actions), self, FALSE),
                "");
}
