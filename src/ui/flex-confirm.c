/* flex-confirm.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The one shape of question the app asks before it changes something:
 * Cancel, and the change, named by what it does (GNOME HIG), Cancel the
 * default and what Escape answers.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "flex-confirm.h"

/**
 * flex_confirm_dialog_new:
 * @anchor: a widget of the window the dialog belongs to
 * @response: the id of the confirming response ("delete", …)
 * @label: its button, with a mnemonic ("_Delete")
 * @appearance: destructive for what cannot be taken back without Undo
 *
 * Returns: (transfer none): the dialog, not shown yet
 */
AdwMessageDialog *
flex_confirm_dialog_new (GtkWidget *anchor,
                         const char *heading,
                         const char *body,
                         const char *response,
                         const char *label,
                         AdwResponseAppearance appearance)
{
  GtkRoot *root = gtk_widget_get_root (anchor);
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (
      adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading, body));

  adw_message_dialog_add_responses (dialog, "cancel", _ ("_Cancel"), response, label, NULL);
  adw_message_dialog_set_response_appearance (dialog, response, appearance);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  return dialog;
}
