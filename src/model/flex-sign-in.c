/* flex-sign-in.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flex-sign-in"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "flex-configuration.h"
#include "flex-sign-in.h"

/*
 * Signing in checks what the person typed against Twilio before anything
 * is kept: the Flex Configuration (the credentials work, and belong to this
 * account), Sync (the key may use it: Restricted keys may not), then the
 * worker, found by friendly name or else by email through TaskRouter, and
 * read whole for its roles. Only then is the account stored in the keyring.
 * Each failure says what to fix. The secret is never logged.
 */

G_DEFINE_QUARK (flex - sign - in - error - quark, flex_sign_in_error)

typedef struct
{
  FlexAccount *account;
  FlexTwilioClient *client;
  char *workspace_sid;
  gboolean tried_email;
  GPtrArray *candidates;
} SignIn;

static void
sign_in_free (SignIn *data)
{
  flex_account_free (data->account);
  g_clear_object (&data->client);
  g_free (data->workspace_sid);
  g_clear_pointer (&data->candidates, g_ptr_array_unref);
  g_free (data);
}

/* A Twilio error in words that say what to fix. */
static GError *
explain (const GError *error, const char *what)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);
  if (error->domain != FLEX_TWILIO_ERROR)
    return g_error_new (FLEX_SIGN_IN_ERROR, FLEX_SIGN_IN_ERROR_NETWORK, "%s", error->message);

  switch (error->code)
    {
      case FLEX_TWILIO_ERROR_UNAUTHORIZED:
        return g_error_new_literal (FLEX_SIGN_IN_ERROR, FLEX_SIGN_IN_ERROR_UNAUTHORIZED,
                                    _ ("Twilio did not accept these credentials: check the "
                                       "Account SID, the API key SID and its secret"));
      case FLEX_TWILIO_ERROR_FORBIDDEN:
        return g_error_new (FLEX_SIGN_IN_ERROR, FLEX_SIGN_IN_ERROR_FORBIDDEN,
                            _ ("This API key may not use %s: create a Standard API key "
                               "(Restricted keys cannot use Sync)"),
                            what);
      case FLEX_TWILIO_ERROR_NETWORK:
      case FLEX_TWILIO_ERROR_TIMEOUT:
        return g_error_new (FLEX_SIGN_IN_ERROR, FLEX_SIGN_IN_ERROR_NETWORK,
                            _ ("Could not reach Twilio: check your network connection (%s)"),
                            error->message);
      default:
        return g_error_new (FLEX_SIGN_IN_ERROR, FLEX_SIGN_IN_ERROR_NETWORK,
                            _ ("Twilio answered with an error while reading %s: %s"), what,
                            error->message);
    }
}

static void
fail (GTask *task, GError *error)
{
  SignIn *data = g_task_get_task_data (task);
  g_autofree char *message = flex_account_redact (data->account, error->message);

  /* Never let the secret reach a message, whatever the server echoed. */
  g_free (error->message);
  error->message = g_steal_pointer (&message);
  g_task_return_error (task, error);
}

static void
on_stored (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  SignIn *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (!flex_account_store_finish (result, &error))
    {
      fail (task, error);
      return;
    }
  g_task_return_pointer (task, flex_account_copy (data->account),
                         (GDestroyNotify) flex_account_free);
}

static void
on_worker_fetched (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  SignIn *data = g_task_get_task_data (task);
  g_autoptr (FlexWorker) worker = NULL;
  g_autoptr (GError) error = NULL;
  GCancellable *cancellable;

  worker = flex_task_router_fetch_worker_finish (FLEX_TWILIO_CLIENT (object), result, &error);
  if (worker == NULL)
    {
      if (g_error_matches (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_NOT_FOUND))
        fail (task, g_error_new (FLEX_SIGN_IN_ERROR, FLEX_SIGN_IN_ERROR_NO_WORKER,
                                 _ ("That Flex agent no longer exists: sign in again")));
      else
        fail (task, explain (error, _ ("your Flex agent")));
      return;
    }

  g_free (data->account->worker_sid);
  data->account->worker_sid = g_strdup (worker->sid);
  g_debug ("Signed in as worker %s (supervisor: %d)", worker->sid,
           flex_worker_has_role (worker, "supervisor") || flex_worker_has_role (worker, "admin"));
  cancellable = g_task_get_cancellable (task);
  flex_account_store_async (data->account, cancellable, on_stored, g_steal_pointer (&task));
}

static void
fetch_worker (GTask *task, const char *worker_sid)
{
  SignIn *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  flex_task_router_fetch_worker_async (data->client, data->workspace_sid, worker_sid, cancellable,
                                       on_worker_fetched, task);
}

static void list_workers (GTask *task);

static void
on_workers_listed (GObject *object, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  SignIn *data = g_task_get_task_data (task);
  g_autoptr (GPtrArray) workers = NULL;
  g_autoptr (GError) error = NULL;

  workers = flex_task_router_list_workers_finish (FLEX_TWILIO_CLIENT (object), result, &error);
  if (workers == NULL)
    {
      fail (task, explain (error, _ ("the Flex agents")));
      g_object_unref (task);
      return;
    }

  if (workers->len == 0 && !data->tried_email)
    {
      /* Not a friendly name: perhaps the agent's email. */
      data->tried_email = TRUE;
      list_workers (task);
      return;
    }
  if (workers->len == 0)
    {
      fail (task, g_error_new (FLEX_SIGN_IN_ERROR, FLEX_SIGN_IN_ERROR_NO_WORKER,
                               _ ("No Flex agent is called “%s”: use your name or email as "
                                  "Flex shows it"),
                               data->account->worker_identity));
      g_object_unref (task);
      return;
    }
  if (workers->len > 1)
    {
      data->candidates = g_steal_pointer (&workers);
      fail (task, g_error_new (FLEX_SIGN_IN_ERROR, FLEX_SIGN_IN_ERROR_SEVERAL_WORKERS,
                               _ ("Several Flex agents are called “%s”: pick yours"),
                               data->account->worker_identity));
      g_object_unref (task);
      return;
    }

  fetch_worker (task, ((FlexWorker *) g_ptr_array_index (workers, 0))->sid);
}

static void
list_workers (GTask *task)
{
  SignIn *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  const char *identity = data->account->worker_identity;
  g_autofree char *expression = NULL;

  if (!data->tried_email)
    {
      flex_task_router_list_workers_async (data->client, data->workspace_sid, identity, NULL,
                                           cancellable, on_workers_listed, task);
      return;
    }
  expression = g_strdup_printf ("email == \"%s\"", identity);
  flex_task_router_list_workers_async (data->client, data->workspace_sid, NULL, expression,
                                       cancellable, on_workers_listed, task);
}

static void
on_sync_checked (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  SignIn *data = g_task_get_task_data (task);
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;

  node = flex_twilio_client_request_finish (FLEX_TWILIO_CLIENT (object), result, &error);
  if (node == NULL)
    {
      if (g_error_matches (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_NOT_FOUND))
        fail (task, g_error_new (FLEX_SIGN_IN_ERROR, FLEX_SIGN_IN_ERROR_NO_SYNC,
                                 _ ("This account has no Sync service “%s”"),
                                 data->account->service_sid));
      else
        fail (task, explain (error, _ ("Twilio Sync")));
      return;
    }

  if (data->account->worker_sid != NULL)
    fetch_worker (g_steal_pointer (&task), data->account->worker_sid);
  else
    list_workers (g_steal_pointer (&task));
}

static void
on_configuration_fetched (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  SignIn *data = g_task_get_task_data (task);
  g_autoptr (FlexConfiguration) configuration = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *list_url = NULL;
  GCancellable *cancellable;

  configuration = flex_configuration_fetch_finish (FLEX_TWILIO_CLIENT (object), result, &error);
  if (configuration == NULL)
    {
      if (g_error_matches (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_NOT_FOUND))
        fail (task, g_error_new_literal (FLEX_SIGN_IN_ERROR, FLEX_SIGN_IN_ERROR_NOT_FLEX,
                                         _ ("This Twilio account has no Flex configuration: "
                                            "is Flex set up on it?")));
      else
        fail (task, explain (error, _ ("the Flex configuration")));
      return;
    }
  if (configuration->account_sid != NULL &&
      g_strcmp0 (configuration->account_sid, data->account->account_sid) != 0)
    {
      fail (task, g_error_new (FLEX_SIGN_IN_ERROR, FLEX_SIGN_IN_ERROR_WRONG_ACCOUNT,
                               _ ("These credentials belong to another Twilio account, %s"),
                               configuration->account_sid));
      return;
    }
  if (configuration->workspace_sid == NULL)
    {
      fail (task, g_error_new_literal (FLEX_SIGN_IN_ERROR, FLEX_SIGN_IN_ERROR_NOT_FLEX,
                                       _ ("The Flex configuration names no TaskRouter workspace")));
      return;
    }
  data->workspace_sid = g_strdup (configuration->workspace_sid);

  url = flex_twilio_client_build_url (data->client, FLEX_TWILIO_API_SYNC, "v1", "Services",
                                      data->account->service_sid, "Maps", NULL);
  list_url = g_strconcat (url, "?PageSize=1", NULL);
  cancellable = g_task_get_cancellable (task);
  flex_twilio_client_request_async (data->client, "GET", list_url, NULL, NULL, cancellable,
                                    on_sync_checked, g_steal_pointer (&task));
}

static GError *
check_input (const FlexAccount *candidate)
{
  if (!flex_twilio_is_sid (candidate->account_sid, "AC"))
    return g_error_new_literal (FLEX_SIGN_IN_ERROR, FLEX_SIGN_IN_ERROR_INVALID_INPUT,
                                _ ("The Account SID starts with AC and has 34 characters"));
  if (!flex_twilio_is_sid (candidate->username, "SK") &&
      g_strcmp0 (candidate->username, candidate->account_sid) != 0)
    return g_error_new_literal (FLEX_SIGN_IN_ERROR, FLEX_SIGN_IN_ERROR_INVALID_INPUT,
                                _ ("The API key SID starts with SK and has 34 characters (or "
                                   "enter the Account SID again to use the Auth Token)"));
  if (candidate->secret == NULL || *candidate->secret == '\0')
    return g_error_new_literal (FLEX_SIGN_IN_ERROR, FLEX_SIGN_IN_ERROR_INVALID_INPUT,
                                _ ("Enter the API key secret"));
  if (candidate->worker_identity == NULL || *candidate->worker_identity == '\0')
    return g_error_new_literal (FLEX_SIGN_IN_ERROR, FLEX_SIGN_IN_ERROR_INVALID_INPUT,
                                _ ("Enter your name or email as Flex knows you"));
  return NULL;
}

/**
 * flex_sign_in_async:
 * @candidate: what the person typed: account SID, username (API key SID or
 *   the Account SID), secret, worker identity; optionally the Sync service
 *   (default `default`) and a worker SID picked among several
 *
 * Checks @candidate against Flex, Sync and TaskRouter, then stores the
 * account in the keyring. On %FLEX_SIGN_IN_ERROR_SEVERAL_WORKERS,
 * flex_sign_in_get_candidates() gives the workers to pick from.
 */
void
flex_sign_in_async (const FlexAccount *candidate,
                    GCancellable *cancellable,
                    GAsyncReadyCallback callback,
                    gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  SignIn *data;
  GError *error;

  g_return_if_fail (candidate != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, flex_sign_in_async);
  data = g_new0 (SignIn, 1);
  data->account = flex_account_copy (candidate);
  g_strstrip (data->account->account_sid != NULL ? data->account->account_sid : (char *) "");
  g_task_set_task_data (task, data, (GDestroyNotify) sign_in_free);

  if ((error = check_input (data->account)) != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (data->account->service_sid == NULL || *data->account->service_sid == '\0')
    {
      g_free (data->account->service_sid);
      data->account->service_sid = g_strdup ("default");
    }

  data->client = flex_twilio_client_new (data->account->username, data->account->secret);
  flex_configuration_fetch_async (data->client, cancellable, on_configuration_fetched,
                                  g_steal_pointer (&task));
}

/**
 * flex_sign_in_finish:
 *
 * Returns: (transfer full): the stored account, with its worker SID
 */
FlexAccount *
flex_sign_in_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * flex_sign_in_get_candidates:
 *
 * Returns: (transfer container) (nullable) (element-type FlexWorker): after
 *   %FLEX_SIGN_IN_ERROR_SEVERAL_WORKERS, the matching workers (their SIDs
 *   and friendly names); %NULL otherwise
 */
GPtrArray *
flex_sign_in_get_candidates (GAsyncResult *result)
{
  SignIn *data;

  g_return_val_if_fail (G_IS_TASK (result), NULL);
  data = g_task_get_task_data (G_TASK (result));
  return data->candidates != NULL ? g_ptr_array_ref (data->candidates) : NULL;
}
