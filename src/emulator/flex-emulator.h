/* flex-emulator.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * FlexEmulatorExchange:
 * @method: the request method
 * @path: the decoded request path, e.g. `/v1/Services/default/Maps`
 * @query: (nullable): the raw query string
 * @form: (nullable): the decoded form fields of the request body
 * @if_match: (nullable): the `If-Match` header
 * @operation_id: (nullable): the OpenAPI operationId of the route that
 *   answered, %NULL when no route matched
 * @path_template: (nullable): the OpenAPI path of that route
 * @status: the status of the answer
 * @response: (nullable): the JSON body of the answer
 * @time_us: when the request came (monotonic time)
 *
 * One request the emulator received and what it answered, for tests.
 */
typedef struct
{
  char *method;
  char *path;
  char *query;
  GHashTable *form;
  char *if_match;
  const char *operation_id;
  const char *path_template;
  guint status;
  JsonNode *response;
  gint64 time_us;
} FlexEmulatorExchange;

#define FLEX_TYPE_EMULATOR (flex_emulator_get_type ())

G_DECLARE_FINAL_TYPE (FlexEmulator, flex_emulator, FLEX, EMULATOR, GObject)

FlexEmulator *flex_emulator_new (void);
gboolean flex_emulator_listen (FlexEmulator *self, guint port, GError **error);
guint flex_emulator_get_port (FlexEmulator *self);
const char *flex_emulator_get_base_url (FlexEmulator *self);
const char *flex_emulator_get_account_sid (FlexEmulator *self);

void flex_emulator_set_auth (FlexEmulator *self, const char *username, const char *password);
void flex_emulator_set_account_sid (FlexEmulator *self, const char *account_sid);
gboolean flex_emulator_set_data_file (FlexEmulator *self, const char *path, GError **error);
gboolean flex_emulator_load_json (FlexEmulator *self, JsonNode *state, GError **error);
JsonNode *flex_emulator_dump_json (FlexEmulator *self);

/* Fault injection */
void flex_emulator_set_latency (FlexEmulator *self, guint latency_ms);
void flex_emulator_set_error_rate (FlexEmulator *self, double share, guint status);
void flex_emulator_set_rate_limit (FlexEmulator *self, guint requests_per_second);
void flex_emulator_set_drop_rate (FlexEmulator *self, double share);
void flex_emulator_fail_next (FlexEmulator *self, guint count, guint status, int retry_after_s);
void flex_emulator_drop_next (FlexEmulator *self, guint count);
void flex_emulator_delay_next (FlexEmulator *self, guint count, guint delay_ms);
void flex_emulator_corrupt_next (FlexEmulator *self, guint count, const char *body);

/* Clock, for TTL tests */
void flex_emulator_advance_clock (FlexEmulator *self, gint64 seconds);
gint64 flex_emulator_now_us (FlexEmulator *self);

/* Recorded traffic */
GPtrArray *flex_emulator_get_exchanges (FlexEmulator *self);
void flex_emulator_clear_exchanges (FlexEmulator *self);
guint
flex_emulator_count_requests (FlexEmulator *self, const char *method, const char *path_prefix);
guint flex_emulator_count_account_credentials (FlexEmulator *self);

/* Direct state access for tests and demo data (no HTTP involved) */
gboolean flex_emulator_put_item (FlexEmulator *self,
                                 const char *map_name,
                                 const char *key,
                                 const char *data_json,
                                 guint ttl_s,
                                 GError **error);
gboolean flex_emulator_remove_item (FlexEmulator *self, const char *map_name, const char *key);
char *flex_emulator_get_map_revision (FlexEmulator *self, const char *map_name);

/* Demo data (--sandbox, --demo) */
char *flex_emulator_add_demo_data (FlexEmulator *self, GError **error);

/* Flex Configuration and TaskRouter */
gboolean flex_emulator_set_configuration (FlexEmulator *self, const char *json, GError **error);
const char *flex_emulator_get_workspace_sid (FlexEmulator *self);
const char *flex_emulator_get_offline_activity_sid (FlexEmulator *self);
char *flex_emulator_add_worker (FlexEmulator *self,
                                const char *friendly_name,
                                const char *attributes,
                                gboolean online);
const char *flex_emulator_get_workflow_sid (FlexEmulator *self);
const char *flex_emulator_get_task_queue_sid (FlexEmulator *self);
JsonNode *flex_emulator_get_tasks (FlexEmulator *self);
gboolean
flex_emulator_set_task_status (FlexEmulator *self, const char *task_sid, const char *status);
void flex_emulator_set_answer_after (FlexEmulator *self, guint seconds);
char *
flex_emulator_ring (FlexEmulator *self, const char *from, const char *name, const char *channel);
const char *
flex_emulator_get_reservation (FlexEmulator *self, const char *task_sid, const char **status);
gboolean flex_emulator_set_reservation_status (FlexEmulator *self,
                                               const char *reservation_sid,
                                               const char *status);
void flex_emulator_set_reservation_timeout (FlexEmulator *self, guint seconds);
void flex_emulator_set_eventbridge_heartbeat (FlexEmulator *self, guint milliseconds);
void flex_emulator_eventbridge_drop (FlexEmulator *self);
const char *flex_emulator_get_sso_profile_sid (FlexEmulator *self);
void flex_emulator_set_sso (FlexEmulator *self, gboolean enabled);
void flex_emulator_set_flex_token_lifetimes (FlexEmulator *self, guint token_s, guint session_s);
guint flex_emulator_eventbridge_count (FlexEmulator *self, guint *connections);
gboolean
flex_emulator_set_worker_online (FlexEmulator *self, const char *worker_sid, gboolean online);
gboolean flex_emulator_get_worker_online (FlexEmulator *self, const char *worker_sid);
const char *flex_emulator_get_worker_activity (FlexEmulator *self, const char *worker_sid);
const char *flex_emulator_get_activity_sid (FlexEmulator *self, const char *name);

/* Twilsock: push and CDS over ws://127.0.0.1:PORT/v3/wsconnect */

/**
 * FlexEmulatorTwilsockStats:
 * @connections: sockets accepted
 * @inits: successful `init`s
 * @resumed: `init`s that carried a continuation token the emulator issued
 * @updates: successful token `update`s
 * @upstream: CDS requests (`message`), subscriptions included
 * @establishes: `establish` subscription requests
 * @notifications: notifications sent
 * @replayed: events sent again from the log on `establish`
 * @acks: acknowledgements received for messages the emulator sent
 */
typedef struct
{
  guint connections;
  guint inits;
  guint resumed;
  guint updates;
  guint upstream;
  guint establishes;
  guint notifications;
  guint replayed;
  guint acks;
} FlexEmulatorTwilsockStats;

void flex_emulator_twilsock_drop (FlexEmulator *self);
void flex_emulator_twilsock_send_close (FlexEmulator *self, guint code, gint backoff_ms);
void flex_emulator_twilsock_announce_token_expiry (FlexEmulator *self);
void flex_emulator_twilsock_send_raw (FlexEmulator *self, const void *bytes, gsize length);
void flex_emulator_twilsock_set_event_delay (FlexEmulator *self, guint delay_ms);
void flex_emulator_twilsock_corrupt_next (FlexEmulator *self, guint count, const char *body);
void flex_emulator_twilsock_set_silent (FlexEmulator *self, gboolean silent);
void flex_emulator_twilsock_set_refuse (FlexEmulator *self, gboolean refuse);
void flex_emulator_twilsock_set_subscription_timing (FlexEmulator *self,
                                                     guint ttl_s,
                                                     guint estimated_delivery_ms);
const FlexEmulatorTwilsockStats *flex_emulator_twilsock_get_stats (FlexEmulator *self);
guint flex_emulator_twilsock_get_n_connections (FlexEmulator *self);
guint flex_emulator_twilsock_get_unacknowledged (FlexEmulator *self);

G_END_DECLS
