/* flex-twilio-client-private.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "flex-twilio-client.h"

G_BEGIN_DECLS

struct _FlexTwilioClient
{
  GObject parent_instance;

  SoupSession *session;
  char *username;
  char *authorization;
  char *base_urls[FLEX_TWILIO_N_APIS];
  /* Signed in with Flex: where tokens come from, and EventBridge's base. */
  FlexTokenSource *tokens;
  char *event_bridge_url;

  guint n_requests;

  guint timeout_s;
  guint max_retries;
  guint base_delay_ms;
  guint max_total_ms;
};

typedef struct
{
  char *method;
  char *url;
  GBytes *body;
  const char *content_type;
  /* With a Flex token: its Authorization, or the TaskRouter request sent
   * through EventBridge (then url is EventBridge's, rest_url TaskRouter's). */
  char *authorization;
  char *token; /* the Flex token it carries, to say when it is refused */
  const char *api_version;
  char *rest_url;
  char **form;
  char *if_match;
  gboolean idempotent;
  gboolean fail_fast;
  guint attempt;
  gint64 deadline_us;
  SoupMessage *message;
  /* The attempt under way: its own cancellable (the caller's cancels it
   * too), its deadline, and what was read so far. */
  GCancellable *attempt_cancellable;
  gulong caller_cancel_id;
  GSource *deadline_source;
  gboolean deadline_hit;
  GByteArray *body_read;
} Request;

char *_flex_twilio_client_basic_authorization (const char *username, const char *password);
void _flex_twilio_client_set_base_urls_from_environment (FlexTwilioClient *self);
void _flex_twilio_client_send_attempt (GTask *task);

/* flex-twilio-client-token.c: signed in with Flex */
void _flex_twilio_client_start_with_token (
    FlexTwilioClient *self, GTask *task, guint api, const char *url, const char *const *form);

G_END_DECLS
