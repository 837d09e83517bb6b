/* flex-directory-page-actions.c
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
#include "flex-directory-page-private.h"
#include "flex-transfer.h"
#include "flex-window.h"

static void on_write_done (GObject *object, GAsyncResult *result, gpointer user_data);

typedef struct
{
  FlexDirectoryPage *page;
  FlexContact *base; /* what the edit started from; NULL for a new one */
  FlexContact *mine;
  gboolean is_new;
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

/* Revealing a row by its key: scrolled to, then focused once built (a few
 * frames at most). */
typedef struct
{
  FlexDirectoryPage *page;
  char *key;
  guint frames;
} Reveal;

static void
reveal_free (gpointer data)
{
  Reveal *reveal = data;

  g_object_unref (reveal->page);
  g_free (reveal->key);
  g_free (reveal);
}

static guint
position_of_key (FlexDirectoryPage *self, const char *key)
{
  GListModel *shown = G_LIST_MODEL (self->filtered);

  for (guint i = 0; shown != NULL && i < g_list_model_get_n_items (shown); i++)
    {
      g_autoptr (GObject) item = g_list_model_get_item (shown, i);

      if (FLEX_IS_CONTACT (item) &&
          g_strcmp0 (flex_contact_get_key (FLEX_CONTACT (item)), key) == 0)
        return i;
    }
  return GTK_INVALID_LIST_POSITION;
}

static gboolean
reveal_step (GtkWidget *widget, GdkFrameClock *clock, gpointer data)
{
  Reveal *reveal = data;
  guint position = position_of_key (reveal->page, reveal->key);

  if (position != GTK_INVALID_LIST_POSITION &&
      _flex_directory_page_focus_row (reveal->page, position))
    return G_SOURCE_REMOVE;
  return ++reveal->frames < 30 ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

/**
 * _flex_directory_page_reveal:
 *
 * Scrolls to the row of the contact @key (a contact just added sorts
 * anywhere, maybe far from the view) and puts the focus on it.
 */
void
_flex_directory_page_reveal (FlexDirectoryPage *self, const char *key)
{
  Reveal *reveal;

  if (self->column_view == NULL || gtk_widget_in_destruction (GTK_WIDGET (self)))
    return;
  reveal = g_new0 (Reveal, 1);
  reveal->page = g_object_ref (self);
  reveal->key = g_strdup (key);
  gtk_widget_add_tick_callback (GTK_WIDGET (self->column_view), reveal_step, reveal, reveal_free);
}

static void
save_contact (FlexDirectoryPage *self, FlexContact *base, FlexContact *contact, gboolean is_new)
{
  WriteContext *context = g_new0 (WriteContext, 1);

  context->page = g_object_ref (self);
  context->base = base != NULL ? flex_contact_copy (base) : NULL;
  context->mine = flex_contact_copy (contact);
  context->is_new = is_new;
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
        _flex_directory_page_toast (conflict->page, error->message);
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
      _flex_directory_page_toast (
          self, _ ("Someone else deleted this contact meanwhile; your changes were not saved"));
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

/* An edit that waits: until Twilio is back, or — a Flex sign-in ended —
 * until the agent signs in again. */
static const char *
waiting_toast (FlexDirectoryPage *self, gboolean deleted)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  gboolean signed_out = FLEX_IS_WINDOW (root) && flex_window_get_signed_out (FLEX_WINDOW (root));

  if (signed_out)
    return deleted ? _ ("Deleted — will be sent when you sign in to Flex again")
                   : _ ("Saved here — will be sent when you sign in to Flex again");
  return deleted ? _ ("Deleted — will be sent when Twilio is back")
                 : _ ("Saved here — will be sent when Twilio is back");
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
        _flex_directory_page_toast (context->page, waiting_toast (context->page, FALSE));
      /* A new contact is shown, wherever it sorts. */
      if (saved != NULL && context->is_new)
        _flex_directory_page_reveal (context->page, flex_contact_get_key (saved));
      return;
    }

  if (g_error_matches (error, FLEX_MODEL_ERROR, FLEX_MODEL_ERROR_CONFLICT))
    {
      show_conflict (context->page, context->base, context->mine, current);
      return;
    }

  /* Nothing is dropped silently: the edit comes back for another try. */
  message = g_strdup_printf (_ ("Could not save the contact: %s"), error->message);
  _flex_directory_page_toast (context->page, message);
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
    _flex_directory_page_toast (self, waiting_toast (self, TRUE));
  else if (g_error_matches (error, FLEX_MODEL_ERROR, FLEX_MODEL_ERROR_CONFLICT))
    _flex_directory_page_toast (
        self, current != NULL ? _ ("Someone else changed this contact meanwhile, so it was "
                                   "not deleted; check it and try again")
                              : _ ("Someone else deleted this contact already"));
  else if (error != NULL)
    {
      g_autofree char *message =
          g_strdup_printf (_ ("Could not delete the contact: %s"), error->message);

      _flex_directory_page_toast (self, message);
    }
  else
    _flex_directory_page_toast (self, _ ("Contact deleted"));
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

      _flex_directory_page_toast (self, message);
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
    _flex_directory_page_show_notes (self, item, &self->row_menu_at);
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
  _flex_directory_page_toast (self, _ ("Number copied"));
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

/* The inner list of the column view: its list.* actions scroll. */
static GtkWidget *
list_of (FlexDirectoryPage *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->column_view));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_VIEW (child))
      return child;
  return NULL;
}

/* The widget of row @position (its row of cells, which takes the focus),
 * while the row is built; else %NULL. */
static GtkWidget *
row_widget (FlexDirectoryPage *self, guint position)
{
  GtkWidget *list = list_of (self);

  if (list == NULL)
    return NULL;
  for (GtkWidget *row = gtk_widget_get_first_child (list); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      /* Depth first through the row's cells, for one that names its row. */
      GtkWidget *w = gtk_widget_get_first_child (row);

      while (w != NULL && w != row)
        {
          GtkListItem *list_item = g_object_get_data (G_OBJECT (w), "flex-list-item");

          if (list_item != NULL)
            {
              if (gtk_list_item_get_position (list_item) == position && gtk_widget_get_mapped (row))
                return row;
              break; /* one cell is enough to know the row */
            }
          if (gtk_widget_get_first_child (w) != NULL)
            w = gtk_widget_get_first_child (w);
          else
            {
              while (w != row && gtk_widget_get_next_sibling (w) == NULL)
                w = gtk_widget_get_parent (w);
              if (w != row)
                w = gtk_widget_get_next_sibling (w);
            }
        }
    }
  return NULL;
}

/**
 * _flex_directory_page_focus_row:
 *
 * Scrolls row @position into view and moves the keyboard focus to it.
 * Returns whether the row took the focus now (a row not built yet takes it
 * after the next frame at the earliest).
 */
gboolean
_flex_directory_page_focus_row (FlexDirectoryPage *self, guint position)
{
  GtkWidget *row;
  GtkWidget *list = list_of (self);

  /* Built is not shown: the list builds rows beyond its view. */
  if (list != NULL)
    gtk_widget_activate_action (list, "list.scroll-to-item", "u", position);
  row = row_widget (self, position);
  return row != NULL && gtk_widget_grab_focus (row);
}

/* When the menu closes the focus goes back to its row (the popover leaves it
 * on the first focusable widget of the window, the header's dial button,
 * where Delete did nothing). */
static void
on_row_menu_closed (GtkPopover *popover, FlexDirectoryPage *self)
{
  guint position = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (popover), "flex-position"));
  GtkWidget *row = row_widget (self, position);

  /* A pointer press leaves the row pressed while the menu took the release. */
  if (row != NULL)
    gtk_widget_unset_state_flags (row, GTK_STATE_FLAG_ACTIVE);
  /* The window's own focus (a dialog an item opened keeps its own). */
  _flex_directory_page_focus_row (self, position);
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
        _flex_directory_page_item_notes (self, item) != NULL &&
            *_flex_directory_page_item_notes (self, item) != '\0' },
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
  g_object_set_data (G_OBJECT (popover), "flex-position", GUINT_TO_POINTER (position));
  g_signal_connect_object (popover, "closed", G_CALLBACK (on_row_menu_closed), self,
                           G_CONNECT_DEFAULT);
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
  GtkWidget *row;
  graphene_rect_t bounds;

  if (position == GTK_INVALID_LIST_POSITION)
    return;
  /* At the row, under its start: where a pointer would have opened it. */
  row = row_widget (self, position);
  if (row != NULL && gtk_widget_compute_bounds (row, GTK_WIDGET (self), &bounds) &&
      bounds.size.height > 0)
    popup_row_menu (self, position, bounds.origin.x + 24, bounds.origin.y + bounds.size.height / 2);
  else
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
  g_autoptr (GPtrArray) contacts = _flex_directory_page_get_selected_contacts (self);

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

void
_flex_directory_page_init_gestures (FlexDirectoryPage *self)
{
  GtkGesture *click = gtk_gesture_click_new ();
  GtkGesture *long_press = gtk_gesture_long_press_new ();

  g_signal_connect_object (self->column_view, "activate", G_CALLBACK (on_row_activate), self,
                           G_CONNECT_DEFAULT);
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect_object (click, "pressed", G_CALLBACK (on_row_click), self, G_CONNECT_DEFAULT);
  gtk_gesture_single_set_touch_only (GTK_GESTURE_SINGLE (long_press), TRUE);
  g_signal_connect_object (long_press, "pressed", G_CALLBACK (on_row_long_press), self,
                           G_CONNECT_DEFAULT);
  gtk_widget_add_controller (GTK_WIDGET (self->column_view), GTK_EVENT_CONTROLLER (click));
  gtk_widget_add_controller (GTK_WIDGET (self->column_view), GTK_EVENT_CONTROLLER (long_press));
}

/* The page.* actions and their keys. */
void
_flex_directory_page_class_init_actions (GtkWidgetClass *widget_class)
{
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
}
