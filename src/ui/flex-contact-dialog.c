/* flex-contact-dialog.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flex-contact-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "flex-contact-dialog.h"
#include "flex-phone.h"

/*
 * The add/edit dialog (DESIGN.md §1): name and phone number required, the
 * number normalised to E.164 with an inline error while it is not one,
 * notes, and on shared contacts the transfer switches. "save" hands over a
 * new FlexContact; the dialog itself never writes anything.
 */

struct _FlexContactDialog
{
  AdwWindow parent_instance;

  FlexContact *contact; /* the one being edited, or a blank one */
  gboolean shared;
  char *default_country;

  /* Template widgets */
  AdwEntryRow *name_row;
  AdwEntryRow *phone_row;
  AdwEntryRow *notes_row;
  GtkLabel *phone_error;
  GtkWidget *transfer_group;
  GtkSwitch *cold_switch;
  GtkSwitch *warm_switch;
  GtkWidget *save_button;
};

enum
{
  SIGNAL_SAVE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (FlexContactDialog, flex_contact_dialog, ADW_TYPE_WINDOW)

static char *
trimmed_text (AdwEntryRow *row)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
}

/* Returns the normalised number, or NULL and shows why not. */
static char *
validate (FlexContactDialog *self, gboolean show_errors)
{
  g_autofree char *name = trimmed_text (self->name_row);
  g_autofree char *phone = trimmed_text (self->phone_row);
  g_autoptr (GError) error = NULL;
  char *normalized = NULL;

  if (*phone != '\0')
    normalized = flex_phone_normalize (phone, self->default_country, &error);

  if (*phone != '\0' && normalized == NULL && show_errors)
    {
      gtk_label_set_label (self->phone_error, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->phone_error), TRUE);
      gtk_widget_add_css_class (GTK_WIDGET (self->phone_row), "error");
    }
  else
    {
      gtk_widget_set_visible (GTK_WIDGET (self->phone_error), FALSE);
      gtk_widget_remove_css_class (GTK_WIDGET (self->phone_row), "error");
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.save",
                                 *name != '\0' && normalized != NULL);
  if (*name == '\0')
    g_clear_pointer (&normalized, g_free);
  return normalized;
}

static void
on_changed (FlexContactDialog *self)
{
  g_autofree char *unused = validate (self, TRUE);
}

static void
save_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  FlexContactDialog *self = FLEX_CONTACT_DIALOG (widget);
  g_autofree char *phone = validate (self, TRUE);
  g_autofree char *name = trimmed_text (self->name_row);
  g_autofree char *notes = trimmed_text (self->notes_row);
  g_autoptr (FlexContact) result = NULL;

  if (phone == NULL)
    return;

  result = flex_contact_copy (self->contact);
  flex_contact_set_name (result, name);
  flex_contact_set_phone_number (result, phone);
  flex_contact_set_notes (result, notes);
  if (self->shared)
    {
      flex_contact_set_allow_cold_transfer (result, gtk_switch_get_active (self->cold_switch));
      flex_contact_set_allow_warm_transfer (result, gtk_switch_get_active (self->warm_switch));
    }

  g_signal_emit (self, signals[SIGNAL_SAVE], 0, result);
  gtk_window_close (GTK_WINDOW (self));
}

static void
flex_contact_dialog_dispose (GObject *object)
{
  FlexContactDialog *self = FLEX_CONTACT_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), FLEX_TYPE_CONTACT_DIALOG);
  g_clear_object (&self->contact);

  G_OBJECT_CLASS (flex_contact_dialog_parent_class)->dispose (object);
}

static void
flex_contact_dialog_finalize (GObject *object)
{
  FlexContactDialog *self = FLEX_CONTACT_DIALOG (object);

  g_free (self->default_country);

  G_OBJECT_CLASS (flex_contact_dialog_parent_class)->finalize (object);
}

static void
flex_contact_dialog_class_init (FlexContactDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = flex_contact_dialog_dispose;
  object_class->finalize = flex_contact_dialog_finalize;

  /**
   * FlexContactDialog::save:
   * @contact: the contact as the person entered it
   */
  signals[SIGNAL_SAVE] = g_signal_new ("save", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                       NULL, NULL, NULL, G_TYPE_NONE, 1, FLEX_TYPE_CONTACT);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/flex-contact-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, FlexContactDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, FlexContactDialog, phone_row);
  gtk_widget_class_bind_template_child (widget_class, FlexContactDialog, notes_row);
  gtk_widget_class_bind_template_child (widget_class, FlexContactDialog, phone_error);
  gtk_widget_class_bind_template_child (widget_class, FlexContactDialog, transfer_group);
  gtk_widget_class_bind_template_child (widget_class, FlexContactDialog, cold_switch);
  gtk_widget_class_bind_template_child (widget_class, FlexContactDialog, warm_switch);
  gtk_widget_class_bind_template_child (widget_class, FlexContactDialog, save_button);

  gtk_widget_class_install_action (widget_class, "dialog.save", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
flex_contact_dialog_init (FlexContactDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_window_set_default_widget (GTK_WINDOW (self), self->save_button);
}

/**
 * flex_contact_dialog_new:
 * @contact: (nullable): the contact to edit, or %NULL to add one
 * @shared: whether it belongs to the shared directory (transfer switches)
 * @default_country: (nullable): the country of numbers typed without one
 */
FlexContactDialog *
flex_contact_dialog_new (FlexContact *contact, gboolean shared, const char *default_country)
{
  FlexContactDialog *self = g_object_new (FLEX_TYPE_CONTACT_DIALOG, NULL);

  self->contact =
      contact != NULL ? flex_contact_copy (contact) : flex_contact_new (NULL, NULL, NULL, NULL);
  self->shared = shared;
  self->default_country = g_strdup (default_country);

  gtk_window_set_title (GTK_WINDOW (self), flex_contact_get_revision (self->contact) != NULL
                                               ? _ ("Edit Contact")
                                               : _ ("New Contact"));
  gtk_editable_set_text (
      GTK_EDITABLE (self->name_row),
      flex_contact_get_name (self->contact) != NULL ? flex_contact_get_name (self->contact) : "");
  gtk_editable_set_text (GTK_EDITABLE (self->phone_row),
                         flex_contact_get_phone_number (self->contact) != NULL
                             ? flex_contact_get_phone_number (self->contact)
                             : "");
  gtk_editable_set_text (
      GTK_EDITABLE (self->notes_row),
      flex_contact_get_notes (self->contact) != NULL ? flex_contact_get_notes (self->contact) : "");
  gtk_widget_set_visible (self->transfer_group, shared);
  gtk_switch_set_active (self->cold_switch, flex_contact_get_allow_cold_transfer (self->contact));
  gtk_switch_set_active (self->warm_switch, flex_contact_get_allow_warm_transfer (self->contact));

  g_signal_connect_swapped (self->name_row, "changed", G_CALLBACK (on_changed), self);
  g_signal_connect_swapped (self->phone_row, "changed", G_CALLBACK (on_changed), self);
  g_free (validate (self, FALSE));
  /* Typing goes into the name at once (a space on the focused Cancel button
   * closed the dialog and sent the rest of the name to the search). */
  gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->name_row));

  return self;
}
