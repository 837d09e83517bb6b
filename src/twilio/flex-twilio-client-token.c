/* flex-twilio-client-token.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flex-twilio"

#include "config.h"

#include <string.h>

#include "flex-twilio-client-private.h"

#include "flex-event-bridge.h"

/*
 * A FlexTwilioClient signed in with Flex (issue 19): it holds no account
 * credential. Each request first asks the token source for the agent's
 * Flex token; the Flex API gets it as `token:` Basic auth, TaskRouter's
 * requests go through EventBridge (flex-event-bridge-request.c), and Sync's
 * REST API — which takes account credentials only — is refused (its maps go
 * over the socket: flex_sync_map_set_stream()). A 401 tells the source the
 * token was refused (flex_token_source_token_refused()).
 */

/**
 * flex_twilio_client_new_for_token:
 * @tokens: the agent's Flex tokens (a #FlexSsoSession)
 *
 * A client that holds no account credential (see above). EventBridge's
 * base comes from flex_event_bridge_rest_url_from_environment().
 */
FlexTwilioClient *
flex_twilio_client_new_for_token (FlexTokenSource *tokens)
{
  FlexTwilioClient *self;

  g_return_val_if_fail (FLEX_IS_TOKEN_SOURCE (tokens), NULL);

  self = g_object_new (FLEX_TYPE_TWILIO_CLIENT, NULL);
  self->tokens = g_object_ref (tokens);
  self->event_bridge_url = flex_event_bridge_rest_url_from_environment ();
  _flex_twilio_client_set_base_urls_from_environment (self);

  return self;
}

/**
 * flex_twilio_client_get_uses_token:
 *
 * Returns: whether this client speaks with the agent's Flex token (no
 *   account credential)
 */
gboolean
flex_twilio_client_get_uses_token (FlexTwilioClient *self)
{
  g_return_val_if_fail (FLEX_IS_TWILIO_CLIENT (self), FALSE);
  return self->tokens != NULL;
}

/* The agent's Flex token is here: `token:` Basic auth for the Flex API, or
 * the TaskRouter request wrapped for EventBridge (the token in its body). */
static void
on_token (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  FlexTwilioClient *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autofree char *token = NULL;
  GBytes *body;

  token = flex_token_source_get_token_finish (FLEX_TOKEN_SOURCE (object), result, NULL, &error);
  if (token == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  request->token = g_strdup (token);
  if (request->rest_url == NULL)
    {
      request->authorization = _flex_twilio_client_basic_authorization ("token", token);
      explicit_bzero (token, strlen (token));
      _flex_twilio_client_send_attempt (task);
      return;
    }
  body = flex_event_bridge_wrap_request (request->rest_url, request->method,
                                         (const char *const *) request->form, token,
                                         &request->api_version, &error);
  explicit_bzero (token, strlen (token));
  if (body == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_clear_pointer (&request->body, g_bytes_unref);
  request->body = body;
  request->content_type = "application/json";
  g_free (request->url);
  request->url = g_strconcat (self->event_bridge_url, "/v1/wschannels", NULL);
  _flex_twilio_client_send_attempt (task);
}

/* @task (transfer full): its request made; @api: whose URL @url is. */
void
_flex_twilio_client_start_with_token (
    FlexTwilioClient *self, GTask *task, guint api, const char *url, const char *const *form)
{
  Request *request = g_task_get_task_data (task);

  if (api == FLEX_TWILIO_API_SYNC)
    {
      /* Sync's REST API takes account credentials only. */
      g_task_return_new_error (task, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_FORBIDDEN,
                               "Signed in with Flex, Sync is reached over the live-update "
                               "connection, not REST");
      g_object_unref (task);
      return;
    }
  /* The token first; TaskRouter's request is made at its arrival. */
  if (api == FLEX_TWILIO_API_TASKROUTER)
    {
      request->rest_url = g_strdup (url);
      request->form = g_strdupv ((char **) form);
    }
  flex_token_source_get_token_async (self->tokens, g_task_get_cancellable (task), on_token, task);
}
