/* flex-application.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flex-application"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "flex-application.h"

#include "flex-application-private.h"
#include "flex-dialer.h"
#include "flex-outbox.h"
#include "flex-preferences-window.h"
#include "flex-lock-status.h"
#include "flex-notifier.h"
#include "flex-sandbox.h"
#include "flex-search-provider.h"
#include "flex-setup-window.h"
#include "flex-window.h"

#define ACCOUNT_SANDBOX "AC00000000000000000000000000000000"

G_DEFINE_FINAL_TYPE (FlexApplication, flex_application, ADW_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { "sandbox", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, NULL,
    N_ ("Run against the built-in Sync emulator with demo data (no Twilio account needed)"), NULL },
  { "dial", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING, NULL,
    N_ ("Ask the running Flex Contacts to call NUMBER (it asks you to confirm)"), N_ ("NUMBER") },
  { "version", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, NULL, N_ ("Print the version and exit"),
    NULL },
  { NULL }
};

static void on_signed_in (FlexSetupWindow *setup, FlexAccount *account, FlexApplication *self);

/* The window to show: the main window once there is a session (signed in,
 * or --sandbox), else the first-run sign-in. */
static GtkWindow *
get_or_create_window (FlexApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  FlexSetupWindow *setup;

  if (window != NULL)
    return window;
  if (self->session != NULL || self->sandboxed)
    return GTK_WINDOW (flex_window_new (self));

  setup = flex_setup_window_new (GTK_APPLICATION (self));
  g_signal_connect_object (setup, "signed-in", G_CALLBACK (on_signed_in), self, 0);
  if (self->keyring_error != NULL)
    flex_setup_window_show_error (setup, self->keyring_error);
  return GTK_WINDOW (setup);
}

static void on_session_loaded (GObject *object, GAsyncResult *result, gpointer user_data);

/* Starts self->session (signed in or sandbox), polling at the set interval. */
static void
load_session (FlexApplication *self)
{
  g_settings_bind (self->settings, "refresh-interval", self->session, "poll-interval",
                   G_SETTINGS_BIND_GET);
  flex_session_load_async (self->session, NULL, on_session_loaded, NULL);
}

/* Live updates need an access token, which only an API key can sign. */
static void
enable_push (FlexSession *session, const FlexAccount *account)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FlexTokenSource) tokens = NULL;
  g_autofree char *socket_url = flex_twilsock_url_from_environment ();

  tokens = flex_api_key_token_source_new (
      account->account_sid, account->username, account->secret,
      account->worker_identity != NULL ? account->worker_identity : account->worker_sid,
      account->service_sid, &error);
  if (tokens == NULL)
    g_debug ("No live updates: %s", error->message);
  flex_session_enable_push (session, tokens,
                            _ ("Live updates need a Standard API key: this account signs in with "
                               "the Auth Token, so the lists are checked at the refresh interval "
                               "instead"),
                            socket_url, NULL);
}

/* Incoming work, live: the worker's EventBridge socket and the desktop
 * notifications (an Auth Token cannot sign the TaskRouter token: none). */
static void
start_incoming (FlexApplication *self, FlexIncoming *incoming)
{
  g_clear_object (&self->notifier);
  g_clear_object (&self->lock_status);
  self->lock_status = flex_lock_status_new (self->session, self->settings);
  if (incoming == NULL)
    return;
  self->notifier = flex_notifier_new (G_APPLICATION (self), incoming, self->session);
  flex_incoming_start (incoming);
}

static FlexIncoming *
account_incoming (FlexSession *session, const FlexAccount *account)
{
  g_autoptr (FlexTokenSource) tokens = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *url = flex_event_bridge_url_from_environment ();

  tokens = flex_api_key_token_source_new (
      account->account_sid, account->username, account->secret,
      account->worker_identity != NULL ? account->worker_identity : account->worker_sid,
      account->service_sid, &error);
  if (tokens == NULL)
    {
      g_debug ("No incoming work: %s", error->message);
      return NULL;
    }
  return flex_incoming_new (session, tokens, url);
}

/* @tokens: (transfer full) (nullable): a Flex sign-in's Flex token, just
 * made; without, a Flex account's first token is a refresh. */
void
_flex_application_start_session (FlexApplication *self,
                                 const FlexAccount *account,
                                 FlexSsoTokens *tokens)
{
  g_autoptr (FlexTwilioClient) client = NULL;

  g_clear_pointer (&self->account, flex_account_free);
  g_clear_object (&self->notifier);
  g_clear_object (&self->lock_status);
  g_clear_object (&self->session);
  _flex_application_sso_stop (self);
  self->account = flex_account_copy (account);
  if (flex_account_is_flex (account))
    client = _flex_application_sso_client (self, account, tokens);
  else
    client = flex_twilio_client_new (account->username, account->secret);
  self->session = flex_session_new (client, account->account_sid, account->worker_sid,
                                    account->service_sid, self->config);
  if (self->sso != NULL)
    {
      /* Live over the agent's own token; no account credential anywhere. */
      g_autofree char *socket_url = flex_twilsock_url_from_environment ();

      flex_session_enable_push (self->session, FLEX_TOKEN_SOURCE (self->sso), NULL, socket_url,
                                NULL);
    }
  else
    enable_push (self->session, account);
  {
    /* The lists open from the last snapshot (never in --sandbox). */
    g_autofree char *directory = flex_map_cache_default_directory (account->account_sid);
    g_autoptr (FlexMapCache) cache = flex_map_cache_new (directory, account->account_sid);

    flex_session_set_cache (self->session, cache);

    /* Edits made while Twilio cannot be reached wait there, on disk. */
    {
      g_autofree char *path = g_build_filename (directory, "outbox.json", NULL);
      g_autoptr (FlexOutbox) outbox = flex_outbox_new (path, account->account_sid);
      g_autoptr (GError) error = NULL;

      if (!flex_outbox_load (outbox, &error))
        g_message ("%s", error->message);
      flex_session_set_outbox (self->session, outbox);
    }
  }
  {
    g_autofree char *url = flex_event_bridge_url_from_environment ();
    g_autoptr (FlexIncoming) incoming =
        self->sso != NULL ? flex_incoming_new (self->session, FLEX_TOKEN_SOURCE (self->sso), url)
                          : account_incoming (self->session, account);

    start_incoming (self, incoming);
  }
  load_session (self);
}

static void
on_signed_in (FlexSetupWindow *setup, FlexAccount *account, FlexApplication *self)
{
  FlexWindow *window;

  g_clear_pointer (&self->keyring_error, g_free);
  _flex_application_start_session (self, account, flex_setup_window_take_tokens (setup));
  window = flex_window_new (self);
  gtk_window_present (GTK_WINDOW (window));
  gtk_window_destroy (GTK_WINDOW (setup));
}

static void
on_account_loaded (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (FlexApplication) self = user_data;
  g_autoptr (FlexAccount) account = NULL;
  g_autoptr (GError) error = NULL;

  self->loading_account = FALSE;
  account = flex_account_load_finish (result, &error);
  if (account != NULL)
    _flex_application_start_session (self, account, NULL);
  else if (error != NULL)
    self->keyring_error = g_strdup (error->message);

  if (self->activate_pending)
    {
      self->activate_pending = FALSE;
      gtk_window_present (get_or_create_window (self));
      g_application_release (G_APPLICATION (self));
    }
  if (self->pending_dial != NULL)
    {
      g_autofree char *number = g_steal_pointer (&self->pending_dial);

      g_action_group_activate_action (G_ACTION_GROUP (self), "dial", g_variant_new_string (number));
    }
}

static void
flex_application_quit_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  FlexApplication *self = user_data;
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  /* Close the windows first so they can save their state. */
  while (windows != NULL)
    {
      GtkWindow *window = windows->data;

      windows = windows->next;
      gtk_window_close (window);
    }

  g_application_quit (G_APPLICATION (self));
}

static void
flex_application_preferences_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  FlexApplication *self = user_data;
  GtkWindow *window = get_or_create_window (self);
  FlexPreferencesWindow *prefs = flex_preferences_window_new (self->settings);

  flex_preferences_window_set_config (prefs, self->config);

  if (self->sandboxed)
    flex_preferences_window_set_account (prefs, ACCOUNT_SANDBOX, _ ("Alex Agent (demo)"), TRUE);
  else
    flex_preferences_window_set_account (
        prefs, self->account != NULL ? self->account->account_sid : NULL,
        self->account != NULL ? self->account->worker_identity : NULL, FALSE);
  if (!self->sandboxed && self->account != NULL)
    {
      const FlexAccount *account = self->account;
      const char *method =
          !flex_account_is_flex (account)
              ? (g_str_has_prefix (account->username, "SK") ? _ ("A Twilio API key")
                                                            : _ ("The account's Auth Token"))
          : flex_sso_login_is_console (account->sso_profile_sid, NULL, NULL)
              ? _ ("Your Twilio Console login, in your browser")
              : _ ("Flex single sign-on, in your browser");

      flex_preferences_window_set_sign_in_method (prefs, method, flex_account_is_flex (account));
    }
  {
    FlexSession *session = flex_application_get_session (self);

    if (session != NULL)
      {
        flex_preferences_window_set_live_updates (prefs,
                                                  flex_session_get_push_unavailable (session));
        flex_preferences_window_set_session (prefs, session);
      }
  }

  /* Its Sign Out button is app.sign-out: the window must belong to the app. */
  gtk_window_set_application (GTK_WINDOW (prefs), GTK_APPLICATION (self));
  gtk_window_set_transient_for (GTK_WINDOW (prefs), GTK_WINDOW (window));
  gtk_window_present (GTK_WINDOW (prefs));
}

static void
flex_application_about_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  static const char *developers[] = { "The Flex Contacts authors", NULL };
  FlexApplication *self = user_data;
  GtkWindow *window = get_or_create_window (self);
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW, "transient-for", window, "application-icon",
                        APPLICATION_ID, "application-name", _ ("Flex Contacts"), "developer-name",
                        _ ("The Flex Contacts authors"), "version", PACKAGE_VERSION, "comments",
                        _ ("Recent interactions, personal and shared contacts for Twilio Flex "
                           "agents, kept in sync with the Flex UI."),
                        "website", "https://github.com/flexcontacts/flex-contacts", "issue-url",
                        "https://github.com/flexcontacts/flex-contacts/issues", "license-type",
                        GTK_LICENSE_GPL_3_0, "copyright", "© 2026 The Flex Contacts authors",
                        "developers", developers,
                        /* Translators: replace with your names, one per line */
                        "translator-credits", _ ("translator-credits"), NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
flex_application_shortcuts_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  FlexApplication *self = user_data;
  GtkWindow *window = get_or_create_window (self);
  g_autoptr (GtkBuilder) builder = NULL;
  GtkWindow *shortcuts;

  builder = gtk_builder_new_from_resource (RESOURCE_BASE "/ui/flex-shortcuts-window.ui");
  shortcuts = GTK_WINDOW (gtk_builder_get_object (builder, "shortcuts_window"));
  gtk_window_set_transient_for (shortcuts, window);
  gtk_window_present (shortcuts);
}

/* app.dial (number): tel: links and --dial end here, in the window's
 * confirmation. */
static void
flex_application_dial_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  FlexApplication *self = user_data;
  GtkWindow *window;

  if (self->loading_account)
    {
      g_free (self->pending_dial);
      self->pending_dial = g_variant_dup_string (parameter, NULL);
      g_application_activate (G_APPLICATION (self));
      return;
    }
  window = get_or_create_window (self);
  gtk_window_present (window);
  /* Not signed in: the sign-in window shows instead. */
  if (FLEX_IS_WINDOW (window))
    flex_window_call_from_outside (FLEX_WINDOW (window), g_variant_get_string (parameter, NULL),
                                   NULL);
}

static void
flex_application_sandbox_available_action (GSimpleAction *action,
                                           GVariant *parameter,
                                           gpointer user_data)
{
  FlexApplication *self = user_data;

  if (self->sandbox == NULL)
    return;
  g_simple_action_set_state (action, parameter);
  flex_sandbox_set_worker_online (self->sandbox, g_variant_get_boolean (parameter));
}

/* app.simulate-incoming: the sandbox's emulator rings the demo agent. */
static void
flex_application_simulate_incoming_action (GSimpleAction *action,
                                           GVariant *parameter,
                                           gpointer user_data)
{
  FlexApplication *self = user_data;
  g_autofree char *task = NULL;

  if (self->sandbox == NULL)
    return;
  task = flex_sandbox_ring (self->sandbox);
  g_debug ("Sandbox: ringing (%s)", task);
}

/* Sign out: forget the account in the keyring (the only place that holds
 * it; nothing of it is on disk), drop the session, back to sign-in. */
static void
on_account_deleted (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (FlexApplication) self = user_data;
  g_autoptr (GError) error = NULL;
  GList *windows;

  if (!flex_account_delete_finish (result, &error))
    {
      GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
      GtkWidget *dialog = adw_message_dialog_new (window, _ ("Could Not Sign Out"), error->message);

      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _ ("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }

  /* The snapshots go too: the session is dropped first, so that a pending
   * save cannot write them again. */
  {
    g_autoptr (FlexMapCache) cache =
        self->session != NULL && flex_session_get_cache (self->session) != NULL
            ? g_object_ref (flex_session_get_cache (self->session))
            : NULL;
    g_autoptr (GError) cache_error = NULL;

    g_autoptr (FlexOutbox) outbox =
        self->session != NULL && flex_session_get_outbox (self->session) != NULL
            ? g_object_ref (flex_session_get_outbox (self->session))
            : NULL;
    g_autofree char *directory = self->account != NULL
                                     ? flex_map_cache_default_directory (self->account->account_sid)
                                     : NULL;

    g_clear_object (&self->notifier);
    g_clear_object (&self->lock_status);
    g_clear_object (&self->session);
    /* Signed in with Flex: the tokens are forgotten (there is no revoke). */
    _flex_application_sso_stop (self);
    /* Unsent edits stay for the next sign-in to this account; an empty
     * outbox is nothing to keep. */
    if (directory != NULL && (outbox == NULL || flex_outbox_get_n_entries (outbox) == 0))
      {
        g_autofree char *path = g_build_filename (directory, "outbox.json", NULL);

        g_unlink (path);
      }
    if (cache != NULL && !flex_map_cache_delete_all (cache, &cache_error))
      g_debug ("Could not delete the cached lists: %s", cache_error->message);
  }
  g_clear_pointer (&self->account, flex_account_free);
  g_application_hold (G_APPLICATION (self));
  windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_destroy (l->data);
  g_list_free (windows);
  gtk_window_present (get_or_create_window (self));
  g_application_release (G_APPLICATION (self));
}

static void
on_sign_out_response (AdwMessageDialog *dialog, const char *response, FlexApplication *self)
{
  if (g_strcmp0 (response, "sign-out") == 0)
    flex_account_delete_async (NULL, on_account_deleted, g_object_ref (self));
}

static void
flex_application_sign_out_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  FlexApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  AdwMessageDialog *dialog;

  FlexOutbox *outbox;
  guint unsent;
  g_autofree char *body = NULL;

  if (self->sandboxed || self->account == NULL)
    return;
  outbox = self->session != NULL ? flex_session_get_outbox (self->session) : NULL;
  unsent = outbox != NULL ? flex_outbox_get_n_entries (outbox) : 0;
  {
    const char *forget =
        flex_account_is_flex (self->account)
            ? _ ("Flex Contacts will forget your Flex sign-in. You sign in again with Flex in your "
                 "browser.")
            : _ ("Flex Contacts will forget your credentials. You need the API key secret to sign "
                 "in again.");

    if (unsent > 0)
      body = g_strdup_printf (
          g_dngettext (GETTEXT_PACKAGE,
                       "%s\n\n%u edit is not sent to Twilio yet: it stays on this computer and is "
                       "sent when you sign in to this account again.",
                       "%s\n\n%u edits are not sent to Twilio yet: they stay on this computer and "
                       "are sent when you sign in to this account again.",
                       unsent),
          forget, unsent);
    else
      body = g_strdup (forget);
  }
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (window, _ ("Sign Out?"), body));
  adw_message_dialog_add_responses (dialog, "cancel", _ ("_Cancel"), "sign-out", _ ("_Sign Out"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "sign-out", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_sign_out_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static const GActionEntry app_actions[] = {
  { "sign-out", flex_application_sign_out_action },
  { "sign-in-again", _flex_application_sign_in_again_action },
  { "dial", flex_application_dial_action, "s" },
  { "quit", flex_application_quit_action },
  { "preferences", flex_application_preferences_action },
  { "about", flex_application_about_action },
  { "shortcuts", flex_application_shortcuts_action },
};

static const GActionEntry sandbox_actions[] = {
  { "sandbox-available", NULL, NULL, "true", flex_application_sandbox_available_action },
  { "simulate-incoming", flex_application_simulate_incoming_action },
};

static void
on_session_loaded (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  if (!flex_session_load_finish (FLEX_SESSION (object), result, &error))
    g_warning ("Could not start the session: %s", error->message);
}

static gboolean
start_sandbox (FlexApplication *self)
{
  g_autoptr (GError) error = NULL;

  self->sandbox = flex_sandbox_new (self->config, &error);
  if (self->sandbox == NULL)
    {
      g_printerr (_ ("Could not start the sandbox: %s\n"), error->message);
      return FALSE;
    }

  g_print (_ ("Sandbox: demo data served by the built-in emulator at %s\n"),
           flex_emulator_get_base_url (flex_sandbox_get_emulator (self->sandbox)));
  self->session = g_object_ref (flex_sandbox_get_session (self->sandbox));
  {
    g_autoptr (FlexIncoming) incoming = flex_sandbox_new_incoming (self->sandbox);

    start_incoming (self, incoming);
  }
  load_session (self);
  return TRUE;
}

static int
flex_application_handle_local_options (GApplication *app, GVariantDict *options)
{
  FlexApplication *self = FLEX_APPLICATION (app);
  const char *number = NULL;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
      return EXIT_SUCCESS;
    }

  if (g_variant_dict_contains (options, "sandbox"))
    self->sandboxed = TRUE;

  if (g_variant_dict_lookup (options, "dial", "&s", &number))
    {
      g_autoptr (GError) error = NULL;

      /* Hand the number to the running instance, or become it. */
      if (!g_application_register (app, NULL, &error))
        {
          g_printerr ("%s\n", error->message);
          return EXIT_FAILURE;
        }
      g_action_group_activate_action (G_ACTION_GROUP (app), "dial", g_variant_new_string (number));
      if (g_application_get_is_remote (app))
        return EXIT_SUCCESS;
    }

  return -1;
}

static void
flex_application_startup (GApplication *app)
{
  static const struct
  {
    const char *action;
    const char *accels[3];
  } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "app.preferences", { "<Control>comma", NULL } },
    { "app.shortcuts", { "<Control>question", NULL } },
    { "win.search", { "<Control>f", NULL } },
    { "win.dial-pad", { "<Control>d", NULL } },
    { "win.show-page::recents", { "<Alt>1", NULL } },
    { "win.show-page::personal", { "<Alt>2", NULL } },
    { "win.show-page::shared", { "<Alt>3", NULL } },
    { "window.close", { "<Control>w", NULL } },
  };
  FlexApplication *self = FLEX_APPLICATION (app);

  G_APPLICATION_CLASS (flex_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions),
                                   self);

  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action,
                                           accels[i].accels);

  if (!self->sandboxed)
    {
      /* --sandbox never reads the keyring; a real run starts from it. */
      self->loading_account = TRUE;
      flex_account_load_async (NULL, on_account_loaded, g_object_ref (self));
    }
  else
    {
      if (!start_sandbox (self))
        g_application_quit (app);
      g_action_map_add_action_entries (G_ACTION_MAP (self), sandbox_actions,
                                       G_N_ELEMENTS (sandbox_actions), self);
    }
}

static void
flex_application_activate (GApplication *app)
{
  FlexApplication *self = FLEX_APPLICATION (app);

  if (self->loading_account)
    {
      /* Show the right window once the keyring has answered. */
      if (!self->activate_pending)
        g_application_hold (app);
      self->activate_pending = TRUE;
      return;
    }
  gtk_window_present (get_or_create_window (self));
}

/* The GNOME Shell search provider lives beside the application's own
 * object (io.github.flexcontacts.FlexContacts.search-provider.ini). */
static gboolean
flex_application_dbus_register (GApplication *app,
                                GDBusConnection *connection,
                                const char *object_path,
                                GError **error)
{
  FlexApplication *self = FLEX_APPLICATION (app);
  g_autofree char *path = g_strconcat (object_path, "/SearchProvider", NULL);

  if (!G_APPLICATION_CLASS (flex_application_parent_class)
           ->dbus_register (app, connection, object_path, error))
    return FALSE;
  g_clear_object (&self->search_provider);
  self->search_provider = flex_search_provider_new (self);
  return flex_search_provider_register (self->search_provider, connection, path, error);
}

static void
flex_application_dbus_unregister (GApplication *app,
                                  GDBusConnection *connection,
                                  const char *object_path)
{
  FlexApplication *self = FLEX_APPLICATION (app);

  if (self->search_provider != NULL)
    flex_search_provider_unregister (self->search_provider);
  g_clear_object (&self->search_provider);
  G_APPLICATION_CLASS (flex_application_parent_class)
      ->dbus_unregister (app, connection, object_path);
}

/* tel: and callto: links, from the desktop (MimeType in the desktop file). */
static void
flex_application_open (GApplication *app, GFile **files, int n_files, const char *hint)
{
  for (int i = 0; i < n_files; i++)
    {
      g_autofree char *uri = g_file_get_uri (files[i]);
      g_autofree char *number = flex_dial_number_from_uri (uri);

      if (number == NULL)
        {
          g_autofree char *message = g_strdup_printf (_ ("“%s” is not a phone number link"), uri);

          g_printerr ("%s\n", message);
          g_application_activate (app);
          continue;
        }
      g_action_group_activate_action (G_ACTION_GROUP (app), "dial", g_variant_new_string (number));
    }
}

static void
flex_application_dispose (GObject *object)
{
  FlexApplication *self = FLEX_APPLICATION (object);

  g_clear_object (&self->search_provider);
  g_clear_object (&self->notifier);
  g_clear_object (&self->lock_status);
  g_clear_object (&self->session);
  _flex_application_sso_stop (self);
  g_clear_pointer (&self->account, flex_account_free);
  g_clear_pointer (&self->pending_dial, g_free);
  g_clear_pointer (&self->keyring_error, g_free);
  g_clear_object (&self->sandbox);
  g_clear_object (&self->config);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (flex_application_parent_class)->dispose (object);
}

static void
flex_application_class_init (FlexApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = flex_application_dispose;

  app_class->handle_local_options = flex_application_handle_local_options;
  app_class->startup = flex_application_startup;
  app_class->activate = flex_application_activate;
  app_class->open = flex_application_open;
  app_class->dbus_register = flex_application_dbus_register;
  app_class->dbus_unregister = flex_application_dbus_unregister;
}

static void
flex_application_init (FlexApplication *self)
{
  g_autoptr (GSettings) contacts = NULL;

  self->settings = g_settings_new (APPLICATION_ID);
  contacts = g_settings_get_child (self->settings, "contacts");
  self->config = flex_feature_config_new ();
  flex_feature_config_bind_settings (self->config, contacts);

  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), NULL);
}

FlexApplication *
flex_application_new (void)
{
  return g_object_new (FLEX_TYPE_APPLICATION, "application-id", APPLICATION_ID, "flags",
                       G_APPLICATION_HANDLES_OPEN, "resource-base-path", RESOURCE_BASE, NULL);
}

/**
 * flex_application_get_settings:
 *
 * Returns: (transfer none): the application's root #GSettings.
 */
GSettings *
flex_application_get_settings (FlexApplication *self)
{
  g_return_val_if_fail (FLEX_IS_APPLICATION (self), NULL);

  return self->settings;
}

/**
 * flex_application_get_config:
 *
 * Returns: (transfer none): the effective configuration of the contacts feature.
 */
FlexFeatureConfig *
flex_application_get_config (FlexApplication *self)
{
  g_return_val_if_fail (FLEX_IS_APPLICATION (self), NULL);

  return self->config;
}

/**
 * flex_application_get_session:
 *
 * Returns: (transfer none) (nullable): the signed-in (or sandbox) session
 */
FlexSession *
flex_application_get_session (FlexApplication *self)
{
  g_return_val_if_fail (FLEX_IS_APPLICATION (self), NULL);

  return self->session;
}

gboolean
flex_application_get_sandboxed (FlexApplication *self)
{
  g_return_val_if_fail (FLEX_IS_APPLICATION (self), FALSE);

  return self->sandboxed;
}

/**
 * flex_application_get_account:
 *
 * Returns: (transfer none) (nullable): the signed-in account
 */
const FlexAccount *
flex_application_get_account (FlexApplication *self)
{
  g_return_val_if_fail (FLEX_IS_APPLICATION (self), NULL);
  return self->account;
}
