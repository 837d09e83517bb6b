/* flex-dial-pad.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flex-dial-pad"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "flex-contact.h"
#include "flex-dial-pad.h"

/*
 * The dial pad of the header's dial button: one entry for a number or a
 * name, a keypad, and "Call Contact", the My and Shared contacts matching
 * what is typed (by name, or by the digits of their number).
 *
 * Keyboard: type; Down and Up move through the matching contacts; Enter
 * calls the selected contact, or the typed number when none is selected;
 * Escape closes. Calling hands over to the window's window.call, so the call is
 * confirmed like every other. An undiallable number is said inline.
 */

struct _FlexDialPad
{
  AdwWindow parent_instance;

  FlexDialer *dialer;
  GtkCustomFilter *filter;
  GtkSingleSelection *selection;
  char *needle;
  char *needle_digits;
  FlexPhoneFormat phone_format; /* how the suggestions show numbers */
  char *home_country;

  /* Template widgets */
  GtkEntry *entry;
  GtkLabel *error_label;
  GtkGrid *keypad;
  GtkStack *results_stack;
  GtkListView *results_view;
};

G_DEFINE_FINAL_TYPE (FlexDialPad, flex_dial_pad, ADW_TYPE_WINDOW)

static char *
digits_of (const char *text)
{
  GString *digits = g_string_new (NULL);

  for (const char *p = text; p != NULL && *p != '\0'; p++)
    if (g_ascii_isdigit (*p))
      g_string_append_c (digits, *p);
  return g_string_free (digits, FALSE);
}

/* Only phone characters: the text is (part of) a number. */
static gboolean
looks_like_number (const char *text)
{
  gboolean digit = FALSE;

  for (const char *p = text; *p != '\0'; p++)
    {
      if (g_ascii_isdigit (*p))
        digit = TRUE;
      else if (strchr ("+ -.()/", *p) == NULL)
        return FALSE;
    }
  return digit;
}

static gboolean
match_contact (gpointer item, gpointer user_data)
{
  FlexDialPad *self = user_data;
  FlexContact *contact = item;
  const char *number = flex_contact_get_phone_number (contact);

  if (number == NULL || *number == '\0')
    return FALSE;
  if (self->needle == NULL || *self->needle == '\0')
    return TRUE;
  if (self->needle_digits != NULL)
    {
      g_autofree char *digits = digits_of (number);

      return strstr (digits, self->needle_digits) != NULL;
    }
  return strstr (flex_contact_get_search_text (contact), self->needle) != NULL;
}

static void
show_error (FlexDialPad *self, const char *message)
{
  gtk_label_set_label (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
  if (message != NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->entry), "error");
      gtk_accessible_update_state (GTK_ACCESSIBLE (self->entry), GTK_ACCESSIBLE_STATE_INVALID,
                                   GTK_ACCESSIBLE_INVALID_TRUE, -1);
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->entry), "error");
      gtk_accessible_reset_state (GTK_ACCESSIBLE (self->entry), GTK_ACCESSIBLE_STATE_INVALID);
    }
}

static void
update_results_state (FlexDialPad *self)
{
  gboolean any = g_list_model_get_n_items (G_LIST_MODEL (self->selection)) > 0;

  gtk_stack_set_visible_child_name (self->results_stack, any ? "results" : "empty");
}

static void
on_text_changed (FlexDialPad *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->entry));
  g_autofree char *normalized = g_utf8_normalize (text, -1, G_NORMALIZE_ALL);

  g_free (self->needle);
  g_free (self->needle_digits);
  self->needle = g_utf8_casefold (normalized != NULL ? normalized : "", -1);
  g_strstrip (self->needle);
  self->needle_digits = looks_like_number (self->needle) ? digits_of (self->needle) : NULL;

  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  show_error (self, NULL);
  update_results_state (self);
}

static void
call_selected_or_typed (FlexDialPad *self)
{
  g_autofree char *number = NULL;
  g_autofree char *name = NULL;
  g_autoptr (GError) error = NULL;
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  FlexContact *contact = gtk_single_selection_get_selected_item (self->selection);

  if (contact != NULL)
    {
      number = g_strdup (flex_contact_get_phone_number (contact));
      name = g_strdup (flex_contact_get_name (contact));
    }
  else
    {
      const char *text = gtk_editable_get_text (GTK_EDITABLE (self->entry));
      g_autofree char *e164 = NULL;

      if (*text == '\0')
        {
          show_error (self, _ ("Type a number, or pick a contact"));
          return;
        }
      /* A name with exactly one match: that contact. */
      if (!looks_like_number (text) &&
          g_list_model_get_n_items (G_LIST_MODEL (self->selection)) == 1)
        {
          g_autoptr (FlexContact) only = g_list_model_get_item (G_LIST_MODEL (self->selection), 0);

          number = g_strdup (flex_contact_get_phone_number (only));
          name = g_strdup (flex_contact_get_name (only));
        }
      else if ((e164 = flex_dialer_normalize (self->dialer, text, &error)) == NULL)
        {
          show_error (self, error->message);
          gtk_widget_grab_focus (GTK_WIDGET (self->entry));
          return;
        }
      else
        number = g_strdup (text);
    }

  gtk_window_destroy (GTK_WINDOW (self));
  if (parent != NULL)
    gtk_widget_activate_action (GTK_WIDGET (parent), "window.call", "(ss)", number,
                                name != NULL ? name : "");
}

static void
call_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  call_selected_or_typed (FLEX_DIAL_PAD (widget));
}

static void
move_selection (FlexDialPad *self, int delta)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->selection));
  guint selected = gtk_single_selection_get_selected (self->selection);
  guint next;

  if (n == 0)
    return;
  if (selected == GTK_INVALID_LIST_POSITION)
    next = delta > 0 ? 0 : GTK_INVALID_LIST_POSITION;
  else if (delta < 0)
    next = selected == 0 ? GTK_INVALID_LIST_POSITION : selected - 1;
  else
    next = MIN (selected + 1, n - 1);

  gtk_single_selection_set_selected (self->selection, next);
  if (next != GTK_INVALID_LIST_POSITION)
    gtk_widget_activate_action (GTK_WIDGET (self->results_view), "list.scroll-to-item", "u", next);
}

/* Up and Down in the entry move through the matching contacts, so that the
 * focus never has to leave the entry. */
static gboolean
on_entry_key_pressed (GtkEventControllerKey *controller,
                      guint keyval,
                      guint keycode,
                      GdkModifierType state,
                      FlexDialPad *self)
{
  switch (keyval)
    {
      case GDK_KEY_Down:
      case GDK_KEY_KP_Down:
        move_selection (self, 1);
        return TRUE;
      case GDK_KEY_Up:
      case GDK_KEY_KP_Up:
        move_selection (self, -1);
        return TRUE;
      default:
        return FALSE;
    }
}

static void
on_result_activated (GtkListView *view, guint position, FlexDialPad *self)
{
  gtk_single_selection_set_selected (self->selection, position);
  call_selected_or_typed (self);
}

static void
on_key_clicked (GtkButton *button, FlexDialPad *self)
{
  const char *key = g_object_get_data (G_OBJECT (button), "flex-key");
  int position = -1;

  if (key == NULL)
    {
      const char *text = gtk_editable_get_text (GTK_EDITABLE (self->entry));
      glong length = g_utf8_strlen (text, -1);

      if (length > 0)
        gtk_editable_delete_text (GTK_EDITABLE (self->entry), (int) length - 1, (int) length);
    }
  else
    gtk_editable_insert_text (GTK_EDITABLE (self->entry), key, -1, &position);
  gtk_editable_set_position (GTK_EDITABLE (self->entry), -1);
}

static void
build_keypad (FlexDialPad *self)
{
  static const struct
  {
    const char *key;
    const char *letters;
  } keys[] = {
    { "1", "" },     { "2", "ABC" }, { "3", "DEF" },  { "4", "GHI" },
    { "5", "JKL" },  { "6", "MNO" }, { "7", "PQRS" }, { "8", "TUV" },
    { "9", "WXYZ" }, { "+", "" },    { "0", "" },     { NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      GtkWidget *button;

      if (keys[i].key != NULL)
        {
          GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
          GtkWidget *digit = gtk_label_new (keys[i].key);
          GtkWidget *letters = gtk_label_new (keys[i].letters);

          gtk_widget_add_css_class (digit, "dial-pad-digit");
          gtk_widget_add_css_class (letters, "caption");
          gtk_widget_add_css_class (letters, "dim-label");
          gtk_box_append (GTK_BOX (box), digit);
          gtk_box_append (GTK_BOX (box), letters);
          button = gtk_button_new ();
          gtk_button_set_child (GTK_BUTTON (button), box);
          g_object_set_data (G_OBJECT (button), "flex-key", (gpointer) keys[i].key);
          gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                          keys[i].key, -1);
        }
      else
        {
          button = gtk_button_new_from_icon_name ("edit-clear-symbolic");
          gtk_widget_set_tooltip_text (button, _ ("Delete the last digit"));
          gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                          _ ("Delete the last digit"), -1);
        }
      /* The keypad is for the mouse and touch; the keyboard types. */
      gtk_widget_set_focusable (button, FALSE);
      gtk_widget_add_css_class (button, "dial-pad-key");
      gtk_widget_add_css_class (button, "flat");
      g_signal_connect (button, "clicked", G_CALLBACK (on_key_clicked), self);
      gtk_grid_attach (self->keypad, button, (int) (i % 3), (int) (i / 3), 1, 1);
    }
}

static void
setup_result (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *name = gtk_label_new (NULL);
  GtkWidget *number = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (number), 0);
  gtk_widget_add_css_class (number, "caption");
  gtk_widget_add_css_class (number, "dim-label");
  gtk_widget_set_margin_top (box, 4);
  gtk_widget_set_margin_bottom (box, 4);
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), number);
  gtk_list_item_set_child (list_item, box);
}

static void
bind_result (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  FlexContact *contact = gtk_list_item_get_item (list_item);
  GtkWidget *name = gtk_widget_get_first_child (gtk_list_item_get_child (list_item));
  GtkWidget *number = gtk_widget_get_next_sibling (name);

  FlexDialPad *self = user_data;
  g_autofree char *shown = flex_phone_format (flex_contact_get_phone_number (contact),
                                              self->phone_format, self->home_country);

  gtk_label_set_label (GTK_LABEL (name), flex_contact_get_name (contact));
  /* As the lists show it. */
  gtk_label_set_label (GTK_LABEL (number), shown);
}

static void
flex_dial_pad_dispose (GObject *object)
{
  FlexDialPad *self = FLEX_DIAL_PAD (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), FLEX_TYPE_DIAL_PAD);
  g_clear_object (&self->selection);
  g_clear_object (&self->filter);
  g_clear_object (&self->dialer);

  G_OBJECT_CLASS (flex_dial_pad_parent_class)->dispose (object);
}

static void
flex_dial_pad_finalize (GObject *object)
{
  FlexDialPad *self = FLEX_DIAL_PAD (object);

  g_free (self->needle);
  g_free (self->needle_digits);
  g_free (self->home_country);

  G_OBJECT_CLASS (flex_dial_pad_parent_class)->finalize (object);
}

static void
flex_dial_pad_class_init (FlexDialPadClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = flex_dial_pad_dispose;
  object_class->finalize = flex_dial_pad_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/flex-dial-pad.ui");
  gtk_widget_class_bind_template_child (widget_class, FlexDialPad, entry);
  gtk_widget_class_bind_template_child (widget_class, FlexDialPad, error_label);
  gtk_widget_class_bind_template_child (widget_class, FlexDialPad, keypad);
  gtk_widget_class_bind_template_child (widget_class, FlexDialPad, results_stack);
  gtk_widget_class_bind_template_child (widget_class, FlexDialPad, results_view);

  gtk_widget_class_install_action (widget_class, "dial-pad.call", NULL, call_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
flex_dial_pad_init (FlexDialPad *self)
{
  GtkEventController *keys;

  gtk_widget_init_template (GTK_WIDGET (self));
  build_keypad (self);

  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_entry_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self->entry), keys);

  g_signal_connect_swapped (self->entry, "changed", G_CALLBACK (on_text_changed), self);
  g_signal_connect_swapped (self->entry, "activate", G_CALLBACK (call_selected_or_typed), self);
  g_signal_connect (self->results_view, "activate", G_CALLBACK (on_result_activated), self);
}

/**
 * flex_dial_pad_new:
 * @parent: the main window, whose win.call places the call
 * @dialer: the dialer of the signed-in worker
 *
 * Returns: (transfer none): a dial pad over @parent
 */
FlexDialPad *
flex_dial_pad_new (GtkWindow *parent, FlexDialer *dialer)
{
  FlexSession *session;
  GListStore *directories;
  GtkFilterListModel *filtered;
  GtkListItemFactory *factory;
  FlexDialPad *self;

  g_return_val_if_fail (GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (FLEX_IS_DIALER (dialer), NULL);

  self = g_object_new (FLEX_TYPE_DIAL_PAD, "transient-for", parent, NULL);
  self->dialer = g_object_ref (dialer);
  session = flex_dialer_get_session (dialer);

  directories = g_list_store_new (G_TYPE_LIST_MODEL);
  g_list_store_append (directories, flex_session_get_personal (session));
  g_list_store_append (directories, flex_session_get_shared (session));
  self->filter = gtk_custom_filter_new (match_contact, self, NULL);
  filtered = gtk_filter_list_model_new (
      G_LIST_MODEL (gtk_flatten_list_model_new (G_LIST_MODEL (directories))),
      GTK_FILTER (g_object_ref (self->filter)));
  self->selection = gtk_single_selection_new (G_LIST_MODEL (filtered));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  g_signal_connect_object (self->selection, "items-changed", G_CALLBACK (update_results_state),
                           self, G_CONNECT_SWAPPED);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_result), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_result), self);
  gtk_list_view_set_factory (self->results_view, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->results_view, GTK_SELECTION_MODEL (self->selection));

  update_results_state (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->entry));
  return self;
}

/**
 * flex_dial_pad_get_results:
 *
 * Returns: (transfer none): the contacts matching the entry, with the
 *   keyboard's selection (a #GtkSingleSelection)
 */
GListModel *
flex_dial_pad_get_results (FlexDialPad *self)
{
  g_return_val_if_fail (FLEX_IS_DIAL_PAD (self), NULL);
  return G_LIST_MODEL (self->selection);
}

void
flex_dial_pad_set_text (FlexDialPad *self, const char *text)
{
  g_return_if_fail (FLEX_IS_DIAL_PAD (self));
  gtk_editable_set_text (GTK_EDITABLE (self->entry), text != NULL ? text : "");
  gtk_editable_set_position (GTK_EDITABLE (self->entry), -1);
}

/**
 * flex_dial_pad_set_phone_format:
 * @home_country: (nullable): the country whose numbers may show nationally
 *
 * How the suggestions show numbers: as the lists do.
 */
void
flex_dial_pad_set_phone_format (FlexDialPad *self, FlexPhoneFormat format, const char *home_country)
{
  g_return_if_fail (FLEX_IS_DIAL_PAD (self));

  self->phone_format = format;
  g_free (self->home_country);
  self->home_country = g_strdup (home_country);
  /* The rows shown are built again. */
  {
    g_autoptr (GtkListItemFactory) factory =
        g_object_ref (gtk_list_view_get_factory (self->results_view));

    gtk_list_view_set_factory (self->results_view, NULL);
    gtk_list_view_set_factory (self->results_view, factory);
  }
}
