/* flex-account.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flex-credentials"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "flex-account.h"
#include "flex-secret-schema.h"

/*
 * The signed-in account lives in the system keyring, and only there: one
 * item of this app's schema whose secret is the API key secret (or Auth
 * Token) and whose attributes are the non-secret rest. Outside Flatpak
 * libsecret talks to the Secret Service; inside, to the Secret portal.
 * Storing replaces any earlier item, so there is at most one account.
 */

G_DEFINE_QUARK (flex - credentials - error - quark, flex_credentials_error)

G_DEFINE_BOXED_TYPE (FlexAccount, flex_account, flex_account_copy, flex_account_free)

FlexAccount *
flex_account_new (void)
{
  return g_new0 (FlexAccount, 1);
}

FlexAccount *
flex_account_copy (const FlexAccount *self)
{
  FlexAccount *copy = flex_account_new ();

  copy->account_sid = g_strdup (self->account_sid);
  copy->username = g_strdup (self->username);
  copy->secret = g_strdup (self->secret);
  copy->sso_profile_sid = g_strdup (self->sso_profile_sid);
  copy->service_sid = g_strdup (self->service_sid);
  copy->worker_sid = g_strdup (self->worker_sid);
  copy->worker_identity = g_strdup (self->worker_identity);
  return copy;
}

void
flex_account_free (FlexAccount *self)
{
  if (self == NULL)
    return;
  g_free (self->account_sid);
  g_free (self->username);
  if (self->secret != NULL)
    {
      /* Do not leave the secret in freed memory. */
      memset (self->secret, 0, strlen (self->secret));
      g_free (self->secret);
    }
  g_free (self->sso_profile_sid);
  g_free (self->service_sid);
  g_free (self->worker_sid);
  g_free (self->worker_identity);
  g_free (self);
}

/**
 * flex_account_is_flex:
 *
 * Returns: whether the agent signed in with Flex (no account credential:
 *   the secret is a refresh token)
 */
gboolean
flex_account_is_flex (const FlexAccount *self)
{
  return self != NULL && self->sso_profile_sid != NULL;
}

/**
 * flex_account_redact:
 * @text: a message that may quote the secret
 *
 * Returns: (transfer full): @text with every occurrence of the secret
 *   replaced by `[secret]`, for logs and error messages
 */
char *
flex_account_redact (const FlexAccount *self, const char *text)
{
  g_autoptr (GString) out = NULL;

  g_return_val_if_fail (text != NULL, NULL);

  if (self == NULL || self->secret == NULL || *self->secret == '\0')
    return g_strdup (text);
  out = g_string_new (text);
  g_string_replace (out, self->secret, "[secret]", 0);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* libsecret's errors in words a person can act on. */
static GError *
keyring_error (const GError *error)
{
  if (g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SPAWN_SERVICE_NOT_FOUND) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SPAWN_EXEC_FAILED) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SPAWN_SERVICE_INVALID) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NO_SERVER) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_FAILED) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_FILE_NOT_FOUND))
    return g_error_new (FLEX_CREDENTIALS_ERROR, FLEX_CREDENTIALS_ERROR_NO_KEYRING,
                        _ ("No keyring is available to keep your credentials (%s). Install and "
                           "start GNOME Keyring or another Secret Service; nothing was saved."),
                        error->message);
  if (g_error_matches (error, SECRET_ERROR, SECRET_ERROR_IS_LOCKED) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_new_literal (FLEX_CREDENTIALS_ERROR, FLEX_CREDENTIALS_ERROR_LOCKED,
                                _ ("The keyring is locked: unlock it to let Flex Contacts keep "
                                   "your credentials"));
  return g_error_new (FLEX_CREDENTIALS_ERROR, FLEX_CREDENTIALS_ERROR_FAILED,
                      _ ("The keyring failed: %s"), error->message);
}

/* Storing: clear the old item, then store the new one. */

static void
on_stored (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;

  if (!secret_password_store_finish (result, &error))
    g_task_return_error (task, keyring_error (error));
  else
    g_task_return_boolean (task, TRUE);
}

/* The item's attributes and secret: stored with the same attributes, the
 * Secret Service replaces the item in one step. */
static void
store_item (GTask *task)
{
  const FlexAccount *account = g_task_get_task_data (task);
  g_autoptr (GHashTable) attributes = NULL;
  g_autofree char *label = NULL;
  GCancellable *cancellable;

  attributes = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (attributes, (gpointer) FLEX_SECRET_ATTR_ACCOUNT_SID, account->account_sid);
  if (account->username != NULL)
    g_hash_table_insert (attributes, (gpointer) FLEX_SECRET_ATTR_KEY_SID, account->username);
  if (account->sso_profile_sid != NULL)
    g_hash_table_insert (attributes, (gpointer) FLEX_SECRET_ATTR_SSO_PROFILE,
                         account->sso_profile_sid);
  g_hash_table_insert (attributes, (gpointer) FLEX_SECRET_ATTR_SERVICE_SID, account->service_sid);
  g_hash_table_insert (attributes, (gpointer) FLEX_SECRET_ATTR_WORKER_SID, account->worker_sid);
  g_hash_table_insert (attributes, (gpointer) FLEX_SECRET_ATTR_WORKER_NAME,
                       account->worker_identity);
  /* Translators: the keyring item's label; %s is the agent's Flex name */
  label = g_strdup_printf (_ ("Flex Contacts: %s"), account->worker_identity);
  cancellable = g_task_get_cancellable (task);
  secret_password_storev (flex_secret_schema_get (), attributes, SECRET_COLLECTION_DEFAULT, label,
                          account->secret, cancellable, on_stored, task);
}

static void
on_cleared_for_store (GObject *object, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  g_autoptr (GError) error = NULL;

  secret_password_clear_finish (result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, keyring_error (error));
      g_object_unref (task);
      return;
    }
  store_item (task);
}

/**
 * flex_account_replace_secret_async:
 *
 * Stores @account's new secret (a rotated refresh token) over the item of
 * the same account in one step: never a moment without one. Finish with
 * flex_account_store_finish().
 */
void
flex_account_replace_secret_async (const FlexAccount *account,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  GTask *task;

  g_return_if_fail (account != NULL && account->secret != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, flex_account_store_async);
  g_task_set_task_data (task, flex_account_copy (account), (GDestroyNotify) flex_account_free);
  store_item (task);
}

/**
 * flex_account_store_async:
 *
 * Keeps @account in the keyring, replacing the account stored before.
 */
void
flex_account_store_async (const FlexAccount *account,
                          GCancellable *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer user_data)
{
  GTask *task;

  g_return_if_fail (account != NULL);
  g_return_if_fail (account->account_sid != NULL &&
                    (account->username != NULL || account->sso_profile_sid != NULL) &&
                    account->secret != NULL && account->service_sid != NULL &&
                    account->worker_sid != NULL && account->worker_identity != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, flex_account_store_async);
  g_task_set_task_data (task, flex_account_copy (account), (GDestroyNotify) flex_account_free);
  secret_password_clear (flex_secret_schema_get (), cancellable, on_cleared_for_store, task, NULL);
}

gboolean
flex_account_store_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Loading */

static void
on_retrieved (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  SecretRetrievable *item = SECRET_RETRIEVABLE (object);
  g_autoptr (GHashTable) attributes = secret_retrievable_get_attributes (item);
  g_autoptr (SecretValue) value = NULL;
  g_autoptr (FlexAccount) account = NULL;
  g_autoptr (GError) error = NULL;

  value = secret_retrievable_retrieve_secret_finish (item, result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, keyring_error (error));
      return;
    }

  account = flex_account_new ();
  account->account_sid = g_strdup (g_hash_table_lookup (attributes, FLEX_SECRET_ATTR_ACCOUNT_SID));
  account->username = g_strdup (g_hash_table_lookup (attributes, FLEX_SECRET_ATTR_KEY_SID));
  account->sso_profile_sid =
      g_strdup (g_hash_table_lookup (attributes, FLEX_SECRET_ATTR_SSO_PROFILE));
  account->service_sid = g_strdup (g_hash_table_lookup (attributes, FLEX_SECRET_ATTR_SERVICE_SID));
  account->worker_sid = g_strdup (g_hash_table_lookup (attributes, FLEX_SECRET_ATTR_WORKER_SID));
  account->worker_identity =
      g_strdup (g_hash_table_lookup (attributes, FLEX_SECRET_ATTR_WORKER_NAME));
  account->secret = g_strdup (value != NULL ? secret_value_get_text (value) : NULL);

  if (account->account_sid == NULL ||
      (account->username == NULL && account->sso_profile_sid == NULL) || account->secret == NULL ||
      account->worker_sid == NULL)
    {
      g_task_return_new_error (task, FLEX_CREDENTIALS_ERROR, FLEX_CREDENTIALS_ERROR_INCOMPLETE,
                               _ ("The account kept in the keyring is incomplete: sign in again"));
      return;
    }
  if (account->service_sid == NULL)
    account->service_sid = g_strdup ("default");
  if (account->worker_identity == NULL)
    account->worker_identity = g_strdup (account->worker_sid);
  g_task_return_pointer (task, g_steal_pointer (&account), (GDestroyNotify) flex_account_free);
}

static void
on_searched (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  GCancellable *cancellable;
  GList *items;

  items = secret_password_search_finish (result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, keyring_error (error));
      return;
    }
  if (items == NULL)
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }

  cancellable = g_task_get_cancellable (task);
  secret_retrievable_retrieve_secret (items->data, cancellable, on_retrieved,
                                      g_steal_pointer (&task));
  g_list_free_full (items, g_object_unref);
}

/**
 * flex_account_load_async:
 *
 * Reads the stored account, unlocking the keyring if needed. Finishes with
 * %NULL and no error when no account is stored.
 */
void
flex_account_load_async (GCancellable *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer user_data)
{
  g_autoptr (GHashTable) attributes = g_hash_table_new (g_str_hash, g_str_equal);
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, flex_account_load_async);
  secret_password_searchv (flex_secret_schema_get (), attributes,
                           SECRET_SEARCH_UNLOCK | SECRET_SEARCH_LOAD_SECRETS, cancellable,
                           on_searched, task);
}

/**
 * flex_account_load_finish:
 *
 * Returns: (transfer full) (nullable): the account, or %NULL (with @error
 *   set on failure, unset when none is stored)
 */
FlexAccount *
flex_account_load_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Deleting */

static void
on_cleared (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;

  secret_password_clear_finish (result, &error);
  if (error != NULL)
    g_task_return_error (task, keyring_error (error));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * flex_account_delete_async:
 *
 * Removes the stored account from the keyring (signing out).
 */
void
flex_account_delete_async (GCancellable *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, flex_account_delete_async);
  secret_password_clear (flex_secret_schema_get (), cancellable, on_cleared, task, NULL);
}

gboolean
flex_account_delete_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
