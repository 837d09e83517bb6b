/* flex-sso-loopback.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flex-sso"

#include "config.h"

#include "flex-sso-loopback.h"

#include <libsoup/soup.h>
#include <string.h>

#include "flex-twilio-error.h"

/*
 * FlexSsoLoopback: where the system browser comes back after a Flex
 * sign-in (RFC 8252): a listener on 127.0.0.1 only, on a free port, named
 * `http://localhost:PORT/` in the Authorize URL. It answers one request
 * with the right `state` (a forged link is refused and the wait goes on)
 * with a plain "You can close this tab" page, says the identity provider's
 * `?error=`, and gives up after a timeout or at Cancel.
 */

struct _FlexSsoLoopback
{
  GObject parent_instance;

  SoupServer *server;
  char *redirect_url;
  char *state;
  GTask *task; /* the wait under way */
  guint timeout_id;
  GCancellable *cancellable; /* … and its Cancel */
  gulong cancelled_id;
};

G_DEFINE_FINAL_TYPE (FlexSsoLoopback, flex_sso_loopback, G_TYPE_OBJECT)

static const char page_done[] =
    "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Flex Contacts</title></head>"
    "<body><p>You are signed in to Flex Contacts. You can close this tab.</p></body></html>";
static const char page_failed[] =
    "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Flex Contacts</title></head>"
    "<body><p>The sign-in did not finish. Go back to Flex Contacts to try again.</p></body></html>";

static void
end_wait (FlexSsoLoopback *self, char *code, GError *error)
{
  g_autoptr (GTask) task = g_steal_pointer (&self->task);

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (self->cancellable != NULL && self->cancelled_id != 0)
    g_signal_handler_disconnect (self->cancellable, self->cancelled_id);
  self->cancelled_id = 0;
  g_clear_object (&self->cancellable);
  if (task == NULL)
    {
      g_free (code);
      g_clear_error (&error);
      return;
    }
  if (code != NULL)
    g_task_return_pointer (task, code, g_free);
  else
    g_task_return_error (task, error);
}

/* One request: the browser back, with ?code=&state= or ?error=. */
static void
on_request (SoupServer *server,
            SoupServerMessage *message,
            const char *path,
            GHashTable *query,
            gpointer user_data)
{
  FlexSsoLoopback *self = user_data;
  const char *code = query != NULL ? g_hash_table_lookup (query, "code") : NULL;
  const char *state = query != NULL ? g_hash_table_lookup (query, "state") : NULL;
  const char *error = query != NULL ? g_hash_table_lookup (query, "error") : NULL;
  gboolean ok = FALSE;

  if (self->task == NULL || !g_str_equal (path, "/") ||
      g_strcmp0 (soup_server_message_get_method (message), "GET") != 0)
    {
      soup_server_message_set_status (message, 404, NULL);
      return;
    }
  if (error != NULL)
    {
      /* The identity provider said no: its words, for the person. */
      g_autofree char *shown = g_strndup (error, 200);

      end_wait (self, NULL,
                g_error_new (FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_UNAUTHORIZED,
                             "The sign-in was refused: %s", shown));
    }
  else if (code == NULL || state == NULL || g_strcmp0 (state, self->state) != 0 ||
           strlen (code) > 4096)
    /* Not the answer to our request (another tab, a forged link): the wait
     * goes on. */
    {
      soup_server_message_set_status (message, 400, NULL);
      soup_server_message_set_response (message, "text/html; charset=utf-8", SOUP_MEMORY_STATIC,
                                        page_failed, strlen (page_failed));
      return;
    }
  else
    {
      end_wait (self, g_strdup (code), NULL);
      ok = TRUE;
    }
  soup_server_message_set_status (message, 200, NULL);
  soup_server_message_set_response (message, "text/html; charset=utf-8", SOUP_MEMORY_STATIC,
                                    ok ? page_done : page_failed,
                                    strlen (ok ? page_done : page_failed));
}

static gboolean
on_timeout (gpointer user_data)
{
  FlexSsoLoopback *self = user_data;

  self->timeout_id = 0;
  end_wait (self, NULL,
            g_error_new (FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_TIMEOUT,
                         "The browser did not come back: was the sign-in page closed?"));
  return G_SOURCE_REMOVE;
}

static void
on_cancelled (GCancellable *cancellable, FlexSsoLoopback *self)
{
  end_wait (self, NULL, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Sign-in canceled"));
}

static void
flex_sso_loopback_dispose (GObject *object)
{
  FlexSsoLoopback *self = FLEX_SSO_LOOPBACK (object);

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (self->cancellable != NULL && self->cancelled_id != 0)
    g_signal_handler_disconnect (self->cancellable, self->cancelled_id);
  self->cancelled_id = 0;
  g_clear_object (&self->cancellable);
  if (self->server != NULL)
    soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  g_clear_object (&self->task);

  G_OBJECT_CLASS (flex_sso_loopback_parent_class)->dispose (object);
}

static void
flex_sso_loopback_finalize (GObject *object)
{
  FlexSsoLoopback *self = FLEX_SSO_LOOPBACK (object);

  g_free (self->redirect_url);
  g_free (self->state);

  G_OBJECT_CLASS (flex_sso_loopback_parent_class)->finalize (object);
}

static void
flex_sso_loopback_class_init (FlexSsoLoopbackClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = flex_sso_loopback_dispose;
  G_OBJECT_CLASS (klass)->finalize = flex_sso_loopback_finalize;
}

static void
flex_sso_loopback_init (FlexSsoLoopback *self)
{
}

/**
 * flex_sso_loopback_new:
 * @port: a port of 127.0.0.1, or 0 for one free
 *
 * Listens on 127.0.0.1 only for the browser's way back.
 *
 * Returns: (transfer full) (nullable): the listener, or %NULL when the port
 *   is taken
 */
FlexSsoLoopback *
flex_sso_loopback_new (guint port, GError **error)
{
  g_autoptr (FlexSsoLoopback) self = g_object_new (FLEX_TYPE_SSO_LOOPBACK, NULL);
  g_autoptr (GSList) uris = NULL;
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (loopback, port);

  self->server = soup_server_new ("server-header", "flex-contacts ", NULL);
  soup_server_add_handler (self->server, NULL, on_request, self, NULL);
  if (!soup_server_listen (self->server, address, 0, error))
    return NULL;
  uris = soup_server_get_uris (self->server);
  if (uris == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Could not listen on this computer");
      return NULL;
    }
  self->redirect_url = g_strdup_printf ("http://localhost:%d/", g_uri_get_port (uris->data));
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);
  return g_steal_pointer (&self);
}

/* `http://localhost:PORT/`: the redirectUrl to give Authorize. */
const char *
flex_sso_loopback_get_redirect_url (FlexSsoLoopback *self)
{
  g_return_val_if_fail (FLEX_IS_SSO_LOOPBACK (self), NULL);
  return self->redirect_url;
}

/**
 * flex_sso_loopback_wait_async:
 * @state: the state sent to Authorize: only an answer carrying it counts
 * @timeout_s: how long the browser has
 *
 * Waits for the browser to come back with a code (the person's "Cancel"
 * cancels @cancellable).
 */
void
flex_sso_loopback_wait_async (FlexSsoLoopback *self,
                              const char *state,
                              guint timeout_s,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data)
{
  g_return_if_fail (FLEX_IS_SSO_LOOPBACK (self));
  g_return_if_fail (state != NULL);

  g_free (self->state);
  self->state = g_strdup (state);
  if (self->task != NULL)
    end_wait (self, NULL, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, "A new sign-in began"));
  self->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (self->task, flex_sso_loopback_wait_async);
  self->timeout_id = g_timeout_add_seconds (MAX (timeout_s, 1), on_timeout, self);
  /* Cancel ends the wait (the handler is dropped with it). */
  if (cancellable != NULL)
    {
      self->cancellable = g_object_ref (cancellable);
      self->cancelled_id =
          g_signal_connect (cancellable, "cancelled", G_CALLBACK (on_cancelled), self);
    }
}

/**
 * flex_sso_loopback_wait_finish:
 *
 * Returns: (transfer full) (nullable): the code
 */
char *
flex_sso_loopback_wait_finish (FlexSsoLoopback *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
