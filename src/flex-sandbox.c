/* flex-sandbox.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flex-sandbox"

#include "config.h"

#include "flex-sandbox.h"

/*
 * FlexSandbox: `flex-contacts --sandbox`. The emulator runs in-process on a
 * free loopback port with demo data: a supervisor worker, the contacts
 * feature switched on, recents over several channels and browser locales,
 * personal and shared contacts. The whole app then runs against it; no
 * keyring and no Twilio account are involved.
 */

#define SANDBOX_KEY_SID    "SK00000000000000000000000000005a4d"
#define SANDBOX_KEY_SECRET "sandbox"

struct _FlexSandbox
{
  GObject parent_instance;

  FlexEmulator *emulator;
  FlexTwilioClient *client;
  FlexSession *session;
  char *worker_sid;
};

G_DEFINE_FINAL_TYPE (FlexSandbox, flex_sandbox, G_TYPE_OBJECT)

static void
flex_sandbox_finalize (GObject *object)
{
  FlexSandbox *self = FLEX_SANDBOX (object);

  g_clear_object (&self->session);
  g_clear_object (&self->client);
  g_clear_object (&self->emulator);
  g_free (self->worker_sid);

  G_OBJECT_CLASS (flex_sandbox_parent_class)->finalize (object);
}

static void
flex_sandbox_class_init (FlexSandboxClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = flex_sandbox_finalize;
}

static void
flex_sandbox_init (FlexSandbox *self)
{
}

/**
 * flex_sandbox_new:
 * @config: the app's feature configuration, to layer the demo account's onto
 *
 * Starts the emulator on 127.0.0.1 with demo data and makes a session for
 * its worker. Load the session to start the directories.
 */
FlexSandbox *
flex_sandbox_new (FlexFeatureConfig *config, GError **error)
{
  g_autoptr (FlexSandbox) self = g_object_new (FLEX_TYPE_SANDBOX, NULL);

  self->emulator = flex_emulator_new ();
  /* Its API key: REST and the access tokens' signatures are checked. */
  flex_emulator_set_auth (self->emulator, SANDBOX_KEY_SID, SANDBOX_KEY_SECRET);
  if (!flex_emulator_listen (self->emulator, 0, error))
    return NULL;
  self->worker_sid = flex_emulator_add_demo_data (self->emulator, error);
  if (self->worker_sid == NULL)
    return NULL;
  /* Nobody runs Flex for the sandbox: it takes a call itself after 3 s
   * while the demo agent is available, and lets it time out otherwise. */
  flex_emulator_set_answer_after (self->emulator, 3);

  self->client = flex_twilio_client_new (SANDBOX_KEY_SID, SANDBOX_KEY_SECRET);
  for (guint api = 0; api < FLEX_TWILIO_N_APIS; api++)
    if (!flex_twilio_client_set_base_url (self->client, api,
                                          flex_emulator_get_base_url (self->emulator), error))
      return NULL;

  self->session = flex_session_new (self->client, flex_emulator_get_account_sid (self->emulator),
                                    self->worker_sid, "default", config);

  /* The sandbox is live too: the emulator speaks Twilsock. */
  {
    g_autoptr (FlexTokenSource) tokens = NULL;
    g_autofree char *socket_url =
        g_strdup_printf ("ws://127.0.0.1:%u/v3/wsconnect", flex_emulator_get_port (self->emulator));

    tokens = flex_api_key_token_source_new (flex_emulator_get_account_sid (self->emulator),
                                            SANDBOX_KEY_SID, SANDBOX_KEY_SECRET, "sandbox-agent",
                                            "default", error);
    if (tokens == NULL)
      return NULL;
    flex_session_enable_push (self->session, tokens, NULL, socket_url, NULL);
  }
  return g_steal_pointer (&self);
}

FlexSession *
flex_sandbox_get_session (FlexSandbox *self)
{
  g_return_val_if_fail (FLEX_IS_SANDBOX (self), NULL);
  return self->session;
}

FlexEmulator *
flex_sandbox_get_emulator (FlexSandbox *self)
{
  g_return_val_if_fail (FLEX_IS_SANDBOX (self), NULL);
  return self->emulator;
}

const char *
flex_sandbox_get_worker_sid (FlexSandbox *self)
{
  g_return_val_if_fail (FLEX_IS_SANDBOX (self), NULL);
  return self->worker_sid;
}

/**
 * flex_sandbox_set_worker_online:
 *
 * Switches the demo worker between Available and Offline in the emulator,
 * as an agent does in Flex, and lets the session notice at once.
 */
void
flex_sandbox_set_worker_online (FlexSandbox *self, gboolean online)
{
  g_return_if_fail (FLEX_IS_SANDBOX (self));

  flex_emulator_set_worker_online (self->emulator, self->worker_sid, online);
  flex_session_refresh_worker_async (self->session, NULL, NULL, NULL);
}

/**
 * flex_sandbox_new_incoming:
 *
 * The demo agent's incoming work: the emulator's EventBridge, with tokens
 * of the sandbox's API key.
 *
 * Returns: (transfer full) (nullable): a FlexIncoming, not started
 */
FlexIncoming *
flex_sandbox_new_incoming (FlexSandbox *self)
{
  g_autoptr (FlexTokenSource) tokens = NULL;
  g_autofree char *url = NULL;

  g_return_val_if_fail (FLEX_IS_SANDBOX (self), NULL);

  tokens = flex_api_key_token_source_new (flex_emulator_get_account_sid (self->emulator),
                                          SANDBOX_KEY_SID, SANDBOX_KEY_SECRET, "sandbox-agent",
                                          "default", NULL);
  if (tokens == NULL)
    return NULL;
  url =
      g_strdup_printf ("ws://127.0.0.1:%u/v1/wschannels", flex_emulator_get_port (self->emulator));
  return flex_incoming_new (self->session, tokens, url);
}

/**
 * flex_sandbox_ring:
 *
 * Rings the demo agent as a caller would: a call from the first number of
 * Shared Contacts, or from a number nobody knows when there is none.
 *
 * Returns: (transfer full): the task's SID
 */
char *
flex_sandbox_ring (FlexSandbox *self)
{
  GListModel *shared;
  g_autoptr (FlexContact) first = NULL;

  g_return_val_if_fail (FLEX_IS_SANDBOX (self), NULL);

  shared = G_LIST_MODEL (flex_session_get_shared (self->session));
  if (g_list_model_get_n_items (shared) > 0)
    first = g_list_model_get_item (shared, 0);
  return flex_emulator_ring (self->emulator,
                             first != NULL ? flex_contact_get_phone_number (first) : "+13125550999",
                             NULL, "voice");
}
