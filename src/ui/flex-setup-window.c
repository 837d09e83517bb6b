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
#include "flex-sso-sign-in.h"

/*
 * First run: "Sign in with Flex" first (FlexSsoSignIn: the agent's Flex
 * address, the system browser, a loopback redirect; a Cancel button ends the
 * wait), and, behind "Sign in with an API key", the administrators' form
 * (FlexSignIn). On success it emits "signed-in" with the stored account.
 * Every failure is said under the form; when several agents share the name,
 * they are offered to pick from.
 */

struct _FlexSetupWindow
{
  AdwApplicationWindow parent_instance;

  GCancellable *cancellable;
  GCancellable *flex_cancellable; /* the wait for the browser */
  FlexSsoTokens *tokens;          /* of a Flex sign-in, for the session */
  char *picked_worker;
  gboolean busy;

  /* Template widgets */
  GtkStack *stack;
  AdwEntryRow *address_row;
  GtkWidget *flex_buttons;
  GtkWidget *waiting_box;
  GtkWidget *cancel_button;
  GtkSpinner *flex_spinner;
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
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "setup.sign-in-flex", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "setup.sign-in-console", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "setup.show-api-key", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "setup.show-flex", !busy);
}

/* Waiting for the browser: a spinner, "Continue in your browser", Cancel. */
static void
set_waiting (FlexSetupWindow *self, gboolean waiting)
{
  set_busy (self, waiting);
  gtk_spinner_set_spinning (self->flex_spinner, waiting);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "setup.cancel", waiting);
  gtk_widget_set_visible (self->waiting_box, waiting);
  /* Focus to Cancel first (Enter or Space cancels): an entry made
   * insensitive while focused keeps blinking without focus in GTK 4.8. */
  if (waiting)
    gtk_widget_grab_focus (self->cancel_button);
  gtk_widget_set_visible (self->flex_buttons, !waiting);
  gtk_editable_set_editable (GTK_EDITABLE (self->address_row), !waiting);
  if (!waiting && gtk_widget_get_mapped (GTK_WIDGET (self->address_row)))
    gtk_widget_grab_focus (GTK_WIDGET (self->address_row));
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

static void
on_flex_signed_in (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (FlexSetupWindow) self = user_data;
  g_autoptr (FlexAccount) account = NULL;
  g_autoptr (GError) error = NULL;
  FlexSsoTokens *tokens = NULL;

  account = flex_sso_sign_in_finish (result, &tokens, &error);
  if (gtk_widget_in_destruction (GTK_WIDGET (self)))
    {
      flex_sso_tokens_free (tokens);
      return;
    }
  set_waiting (self, FALSE);
  g_clear_object (&self->flex_cancellable);
  if (account == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        flex_setup_window_show_error (self, error->message);
      return;
    }
  g_clear_pointer (&self->tokens, flex_sso_tokens_free);
  self->tokens = tokens;
  flex_setup_window_show_error (self, NULL);
  g_signal_emit (self, signals[SIGNAL_SIGNED_IN], 0, account);
}

static void
on_browser_opened (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (FlexSetupWindow) self = user_data;
  g_autoptr (GError) error = NULL;

  if (gtk_show_uri_full_finish (GTK_WINDOW (object), result, &error))
    return;
  g_cancellable_cancel (self->flex_cancellable);
  if (!gtk_widget_in_destruction (GTK_WIDGET (self)))
    {
      g_autofree char *message =
          g_strdup_printf (_ ("Could not open your web browser to sign in: %s"), error->message);

      flex_setup_window_show_error (self, message);
    }
}

/* The Authorize page, in the system browser (through the portal inside
 * Flatpak). */
static void
open_browser (const char *authorize_url, gpointer user_data)
{
  FlexSetupWindow *self = user_data;

  gtk_show_uri_full (GTK_WINDOW (self), authorize_url, GDK_CURRENT_TIME, NULL, on_browser_opened,
                     g_object_ref (self));
}

/* Signs in with Flex from the Flex address typed: the browser opens, the
 * window waits for it (Cancel ends the wait). */
static void
sign_in_with_flex (FlexSetupWindow *self, FlexSsoSignInFlags flags)
{
  g_autofree char *address = NULL;

  if (self->busy)
    return;
  address = row_text (self->address_row);
  if (*address == '\0')
    {
      flex_setup_window_show_error (
          self, _ ("Enter your Flex address (like example.twil.io) or your Account SID"));
      gtk_widget_grab_focus (GTK_WIDGET (self->address_row));
      return;
    }
  flex_setup_window_show_error (self, NULL);
  set_waiting (self, TRUE);
  g_clear_object (&self->flex_cancellable);
  self->flex_cancellable = g_cancellable_new ();
  flex_sso_sign_in_async (address, flags, open_browser, self, 0, 0, self->flex_cancellable,
                          on_flex_signed_in, g_object_ref (self));
}

void
flex_setup_window_sign_in_with_flex (FlexSetupWindow *self)
{
  g_return_if_fail (FLEX_IS_SETUP_WINDOW (self));
  sign_in_with_flex (self, FLEX_SSO_SIGN_IN_DEFAULT);
}

/**
 * flex_setup_window_sign_in_with_console:
 *
 * Like flex_setup_window_sign_in_with_flex(), with the agent's Twilio
 * Console login instead of the identity provider.
 */
void
flex_setup_window_sign_in_with_console (FlexSetupWindow *self)
{
  g_return_if_fail (FLEX_IS_SETUP_WINDOW (self));
  sign_in_with_flex (self, FLEX_SSO_SIGN_IN_CONSOLE);
}

/**
 * flex_setup_window_take_tokens:
 *
 * Returns: (transfer full) (nullable): the Flex token of the sign-in just
 *   made (so that the session need not refresh it at once)
 */
FlexSsoTokens *
flex_setup_window_take_tokens (FlexSetupWindow *self)
{
  g_return_val_if_fail (FLEX_IS_SETUP_WINDOW (self), NULL);
  return g_steal_pointer (&self->tokens);
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
sign_in_flex_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  if (g_str_equal (action_name, "setup.sign-in-console"))
    flex_setup_window_sign_in_with_console (FLEX_SETUP_WINDOW (widget));
  else
    flex_setup_window_sign_in_with_flex (FLEX_SETUP_WINDOW (widget));
}

static void
cancel_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  FlexSetupWindow *self = FLEX_SETUP_WINDOW (widget);

  if (self->flex_cancellable != NULL)
    g_cancellable_cancel (self->flex_cancellable);
}

static void
show_page_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  FlexSetupWindow *self = FLEX_SETUP_WINDOW (widget);
  gboolean api_key = g_str_equal (action_name, "setup.show-api-key");

  flex_setup_window_show_error (self, NULL);
  gtk_stack_set_visible_child_name (self->stack, api_key ? "api-key" : "flex");
  gtk_widget_grab_focus (api_key ? GTK_WIDGET (self->account_row) : GTK_WIDGET (self->address_row));
}

static void
flex_setup_window_dispose (GObject *object)
{
  FlexSetupWindow *self = FLEX_SETUP_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->flex_cancellable != NULL)
    g_cancellable_cancel (self->flex_cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), FLEX_TYPE_SETUP_WINDOW);

  G_OBJECT_CLASS (flex_setup_window_parent_class)->dispose (object);
}

static void
flex_setup_window_finalize (GObject *object)
{
  FlexSetupWindow *self = FLEX_SETUP_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->flex_cancellable);
  g_clear_pointer (&self->tokens, flex_sso_tokens_free);
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
  gtk_widget_class_bind_template_child (widget_class, FlexSetupWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, FlexSetupWindow, address_row);
  gtk_widget_class_bind_template_child (widget_class, FlexSetupWindow, flex_buttons);
  gtk_widget_class_bind_template_child (widget_class, FlexSetupWindow, waiting_box);
  gtk_widget_class_bind_template_child (widget_class, FlexSetupWindow, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, FlexSetupWindow, flex_spinner);
  gtk_widget_class_bind_template_child (widget_class, FlexSetupWindow, account_row);
  gtk_widget_class_bind_template_child (widget_class, FlexSetupWindow, key_row);
  gtk_widget_class_bind_template_child (widget_class, FlexSetupWindow, secret_row);
  gtk_widget_class_bind_template_child (widget_class, FlexSetupWindow, identity_row);
  gtk_widget_class_bind_template_child (widget_class, FlexSetupWindow, workers_group);
  gtk_widget_class_bind_template_child (widget_class, FlexSetupWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, FlexSetupWindow, spinner);
  gtk_widget_class_install_action (widget_class, "setup.sign-in", NULL, sign_in_action);
  gtk_widget_class_install_action (widget_class, "setup.sign-in-flex", NULL, sign_in_flex_action);
  gtk_widget_class_install_action (widget_class, "setup.sign-in-console", NULL,
                                   sign_in_flex_action);
  gtk_widget_class_install_action (widget_class, "setup.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "setup.show-api-key", NULL, show_page_action);
  gtk_widget_class_install_action (widget_class, "setup.show-flex", NULL, show_page_action);
}

static void
flex_setup_window_init (FlexSetupWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->worker_rows = g_ptr_array_new ();
  g_signal_connect_swapped (self->identity_row, "entry-activated",
                            G_CALLBACK (flex_setup_window_sign_in), self);
  g_signal_connect_swapped (self->address_row, "entry-activated",
                            G_CALLBACK (flex_setup_window_sign_in_with_flex), self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "setup.cancel", FALSE);
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

  /* Filling the API key form shows it. */
  gtk_stack_set_visible_child_name (self->stack, "api-key");
  gtk_editable_set_text (GTK_EDITABLE (self->account_row), account_sid != NULL ? account_sid : "");
  gtk_editable_set_text (GTK_EDITABLE (self->key_row), key_sid != NULL ? key_sid : "");
  gtk_editable_set_text (GTK_EDITABLE (self->secret_row), secret != NULL ? secret : "");
  gtk_editable_set_text (GTK_EDITABLE (self->identity_row), identity != NULL ? identity : "");
}

/* For tests and for "sign in again": the Flex address or Account SID. */
void
flex_setup_window_fill_flex (FlexSetupWindow *self, const char *address)
{
  g_return_if_fail (FLEX_IS_SETUP_WINDOW (self));

  gtk_stack_set_visible_child_name (self->stack, "flex");
  gtk_editable_set_text (GTK_EDITABLE (self->address_row), address != NULL ? address : "");
}
