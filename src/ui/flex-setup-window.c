/* flex-setup-window.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flex-setup-window"

#include "config.h"

#include <glib/gi18n.h>

#include "flex-setup-window.h"
#include "flex-sign-in.h"

/*
 * First run: the form that signs an agent in (FlexSignIn) and, on success,
 * emits "signed-in" with the stored account. Every failure is said under the
 * form; when several agents share the name, they are offered to pick from.
 */

struct _FlexSetupWindow
{
  AdwApplicationWindow parent_instance;

  GCancellable *cancellable;
  char *picked_worker;
  gboolean busy;

  /* Template widgets */
  AdwEntryRow *account_row;
  AdwEntryRow *key_row;
  AdwPasswordEntryRow *secret_row;
  AdwEntryRow *identity_row;
  AdwPreferencesGroup *workers_group;
  GtkLabel *error_label;
  GtkSpinner *spinner;
  GPtrArray *worker_rows;
};

enum
{
  SIGNAL_SIGNED_IN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (FlexSetupWindow, flex_setup_window, ADW_TYPE_APPLICATION_WINDOW)

static void
set_busy (FlexSetupWindow *self, gboolean busy)
{
  self->busy = busy;
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "setup.sign-in", !busy);
}

void
flex_setup_window_show_error (FlexSetupWindow *self, const char *message)
{
  g_return_if_fail (FLEX_IS_SETUP_WINDOW (self));

  gtk_label_set_label (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

const char *
flex_setup_window_get_error (FlexSetupWindow *self)
{
  g_return_val_if_fail (FLEX_IS_SETUP_WINDOW (self), NULL);
  return gtk_widget_get_visible (GTK_WIDGET (self->error_label))
             ? gtk_label_get_label (self->error_label)
             : NULL;
}

static void
clear_worker_rows (FlexSetupWindow *self)
{
  for (guint i = 0; i < self->worker_rows->len; i++)
    adw_preferences_group_remove (self->workers_group, g_ptr_array_index (self->worker_rows, i));
  g_ptr_array_set_size (self->worker_rows, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->workers_group), FALSE);
  g_clear_pointer (&self->picked_worker, g_free);
}

static void
on_worker_toggled (GtkCheckButton *check, FlexSetupWindow *self)
{
  if (!gtk_check_button_get_active (check))
    return;
  g_free (self->picked_worker);
  self->picked_worker = g_strdup (g_object_get_data (G_OBJECT (check), "flex-worker-sid"));
}

static void
offer_workers (FlexSetupWindow *self, GPtrArray *workers)
{
  GtkCheckButton *group = NULL;

  clear_worker_rows (self);
  for (guint i = 0; i < workers->len; i++)
    {
      FlexWorker *worker = g_ptr_array_index (workers, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *check = gtk_check_button_new ();

      /* Names come from TaskRouter: plain text, never markup. */
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), worker->friendly_name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), worker->sid);
      g_object_set_data_full (G_OBJECT (check), "flex-worker-sid", g_strdup (worker->sid), g_free);
      if (group != NULL)
        gtk_check_button_set_group (GTK_CHECK_BUTTON (check), group);
      else
        group = GTK_CHECK_BUTTON (check);
      g_signal_connect (check, "toggled", G_CALLBACK (on_worker_toggled), self);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      adw_preferences_group_add (self->workers_group, row);
      g_ptr_array_add (self->worker_rows, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->workers_group), TRUE);
}

static void
on_signed_in (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (FlexSetupWindow) self = user_data;
  g_autoptr (FlexAccount) account = NULL;
  g_autoptr (GError) error = NULL;

  account = flex_sign_in_finish (result, &error);
  if (gtk_widget_in_destruction (GTK_WIDGET (self)))
    return;
  set_busy (self, FALSE);
  if (account == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      if (g_error_matches (error, FLEX_SIGN_IN_ERROR, FLEX_SIGN_IN_ERROR_SEVERAL_WORKERS))
        {
          g_autoptr (GPtrArray) workers = flex_sign_in_get_candidates (result);

          offer_workers (self, workers);
        }
      flex_setup_window_show_error (self, error->message);
      return;
    }

  flex_setup_window_show_error (self, NULL);
  g_signal_emit (self, signals[SIGNAL_SIGNED_IN], 0, account);
}

static char *
row_text (gpointer row)
{
  g_autofree char *text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (row)));

  return g_strdup (g_strstrip (text));
}

void
flex_setup_window_sign_in (FlexSetupWindow *self)
{
  g_autoptr (FlexAccount) candidate = flex_account_new ();
  const char *identity;

  g_return_if_fail (FLEX_IS_SETUP_WINDOW (self));

  if (self->busy)
    return;

  candidate->account_sid = row_text (self->account_row);
  candidate->username = row_text (self->key_row);
  candidate->secret = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->secret_row)));
  candidate->worker_identity = row_text (self->identity_row);
  candidate->service_sid = g_strdup ("default");

  /* A pick only holds for the name it was offered for. */
  identity = g_object_get_data (G_OBJECT (self->workers_group), "flex-identity");
  if (self->picked_worker != NULL && g_strcmp0 (identity, candidate->worker_identity) == 0)
    candidate->worker_sid = g_strdup (self->picked_worker);
  else
    clear_worker_rows (self);
  g_object_set_data_full (G_OBJECT (self->workers_group), "flex-identity",
                          g_strdup (candidate->worker_identity), g_free);

  flex_setup_window_show_error (self, NULL);
  set_busy (self, TRUE);
  flex_sign_in_async (candidate, self->cancellable, on_signed_in, g_object_ref (self));
}

gboolean
flex_setup_window_get_busy (FlexSetupWindow *self)
{
  g_return_val_if_fail (FLEX_IS_SETUP_WINDOW (self), FALSE);
  return self->busy;
}

static void
sign_in_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  flex_setup_window_sign_in (FLEX_SETUP_WINDOW (widget));
}

static void
flex_setup_window_dispose (GObject *object)
{
  FlexSetupWindow *self = FLEX_SETUP_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), FLEX_TYPE_SETUP_WINDOW);

  G_OBJECT_CLASS (flex_setup_window_parent_class)->dispose (object);
}

static void
flex_setup_window_finalize (GObject *object)
{
  FlexSetupWindow *self = FLEX_SETUP_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_free (self->picked_worker);
  g_ptr_array_unref (self->worker_rows);

  G_OBJECT_CLASS (flex_setup_window_parent_class)->finalize (object);
}

static void
flex_setup_window_class_init (FlexSetupWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = flex_setup_window_dispose;
  object_class->finalize = flex_setup_window_finalize;

  /**
   * FlexSetupWindow::signed-in:
   * @account: the account, checked and kept in the keyring
   */
  signals[SIGNAL_SIGNED_IN] =
      g_signal_new ("signed-in", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                    G_TYPE_NONE, 1, FLEX_TYPE_ACCOUNT);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/flex-setup-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FlexSetupWindow, account_row);
  gtk_widget_class_bind_template_child (widget_class, FlexSetupWindow, key_row);
  gtk_widget_class_bind_template_child (widget_class, FlexSetupWindow, secret_row);
  gtk_widget_class_bind_template_child (widget_class, FlexSetupWindow, identity_row);
  gtk_widget_class_bind_template_child (widget_class, FlexSetupWindow, workers_group);
  gtk_widget_class_bind_template_child (widget_class, FlexSetupWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, FlexSetupWindow, spinner);
  gtk_widget_class_install_action (widget_class, "setup.sign-in", NULL, sign_in_action);
}

static void
flex_setup_window_init (FlexSetupWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->worker_rows = g_ptr_array_new ();
  g_signal_connect_swapped (self->identity_row, "entry-activated",
                            G_CALLBACK (flex_setup_window_sign_in), self);
}

FlexSetupWindow *
flex_setup_window_new (GtkApplication *application)
{
  return g_object_new (FLEX_TYPE_SETUP_WINDOW, "application", application, NULL);
}

/* For tests and for pre-filling what is already known. */
void
flex_setup_window_fill (FlexSetupWindow *self,
                        const char *account_sid,
                        const char *key_sid,
                        const char *secret,
                        const char *identity)
{
  g_return_if_fail (FLEX_IS_SETUP_WINDOW (self));

  gtk_editable_set_text (GTK_EDITABLE (self->account_row), account_sid != NULL ? account_sid : "");
  gtk_editable_set_text (GTK_EDITABLE (self->key_row), key_sid != NULL ? key_sid : "");
  gtk_editable_set_text (GTK_EDITABLE (self->secret_row), secret != NULL ? secret : "");
  gtk_editable_set_text (GTK_EDITABLE (self->identity_row), identity != NULL ? identity : "");
}
