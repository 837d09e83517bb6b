/* flex-emulator-private.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "flex-emulator.h"

G_BEGIN_DECLS

typedef struct _FlexEmulatorSync FlexEmulatorSync;
typedef struct _FlexEmulatorFlex FlexEmulatorFlex;
typedef struct _FlexEmulatorTaskRouter FlexEmulatorTaskRouter;
typedef struct _FlexEmulatorTwilsock FlexEmulatorTwilsock;
typedef struct _FlexEmulatorAuth FlexEmulatorAuth;

/* What a handler sees of one request, and what it answers. */
typedef struct
{
  FlexEmulator *emulator;
  const char *method;
  GHashTable *params; /* path parameters of the route, decoded */
  GHashTable *query;  /* query parameters, decoded */
  GHashTable *form;   /* form fields of the body, decoded */
  const char *if_match;

  guint status;
  JsonNode *body;
  char *etag;
  char *html;     /* an HTML answer instead of JSON (the sign-in page) */
  char *location; /* a redirect's Location */
} FlexEmulatorContext;

typedef void (*FlexEmulatorHandler) (FlexEmulatorContext *context);

struct _FlexEmulator
{
  GObject parent_instance;

  SoupServer *server;
  guint port;
  char *base_url;
  char *account_sid;
  char *request_account_sid; /* the Account SID that authenticated this request */
  char *auth_username;
  char *auth_password;
  char *data_file;
  /* Requests that carried an account credential (Basic auth with an AC or
   * SK, or an access token signed with a key): none for a Flex session. */
  guint n_account_credentials;

  GPtrArray *routes;
  GPtrArray *exchanges;

  /* Fault injection */
  guint latency_ms;
  double error_share;
  guint error_status;
  double drop_share;
  guint rate_limit;
  gint64 rate_window_start_us;
  guint rate_window_count;
  GQueue scripted_faults;

  gint64 clock_offset_us;

  FlexEmulatorSync *sync;
  FlexEmulatorFlex *flex;
  FlexEmulatorTaskRouter *taskrouter;
  FlexEmulatorTwilsock *twilsock;
  struct _FlexEmulatorEventBridge *eventbridge;
  FlexEmulatorAuth *auth;
};

void _flex_emulator_add_route (FlexEmulator *self,
                               const char *method,
                               const char *path_template,
                               const char *operation_id,
                               FlexEmulatorHandler handler);
void
_flex_emulator_reply (FlexEmulatorContext *context, guint status, JsonNode *body, const char *etag);
void
_flex_emulator_error (FlexEmulatorContext *context, guint status, int code, const char *format, ...)
    G_GNUC_PRINTF (4, 5);
void _flex_emulator_reply_html (FlexEmulatorContext *context, guint status, const char *html);
void _flex_emulator_redirect (FlexEmulatorContext *context, const char *location);
char *_flex_emulator_base64url (const guint8 *data, gsize length);
char *_flex_emulator_new_sid (const char *prefix);
gboolean _flex_emulator_is_sid (const char *value, const char *prefix);
char *_flex_emulator_format_date (gint64 unix_us);
gint64 _flex_emulator_parse_date (const char *iso8601);
void _flex_emulator_state_changed (FlexEmulator *self);

/* flex-emulator-sync.c: Sync Services, Maps and Map Items */
FlexEmulatorSync *_flex_emulator_sync_new (FlexEmulator *self);
void _flex_emulator_sync_free (FlexEmulatorSync *sync);
void _flex_emulator_sync_add_routes (FlexEmulator *self);
JsonNode *_flex_emulator_sync_dump (FlexEmulator *self);
gboolean _flex_emulator_sync_load (FlexEmulator *self, JsonNode *node, GError **error);
void _flex_emulator_sync_cds (FlexEmulator *self,
                              const char *service_sid,
                              const char *host,
                              const char *method,
                              const char *path,
                              GHashTable *params,
                              const char *if_match,
                              JsonNode *body,
                              guint *status,
                              JsonNode **response);
gboolean _flex_emulator_sync_replay (FlexEmulator *self,
                                     const char *service_sid,
                                     const char *map_sid,
                                     gint64 after,
                                     GPtrArray **events,
                                     guint64 *last_event_id,
                                     gboolean *complete);
const char *
_flex_emulator_sync_map_sid (FlexEmulator *self, const char *service_sid, const char *map);

/* flex-emulator-twilsock.c: Twilsock (push, and CDS over the socket) */
FlexEmulatorTwilsock *_flex_emulator_twilsock_new (FlexEmulator *self);
void _flex_emulator_twilsock_free (FlexEmulatorTwilsock *twilsock);
void _flex_emulator_twilsock_publish (FlexEmulator *self, const char *map_sid, JsonNode *payload);
void _flex_emulator_twilsock_clock_changed (FlexEmulator *self);
gboolean _flex_emulator_read_jwt (
    FlexEmulator *self, const char *token, JsonObject **claims, int *error_code, char **message);

/* flex-emulator-flex.c: Flex Configuration */
FlexEmulatorFlex *_flex_emulator_flex_new (FlexEmulator *self);
void _flex_emulator_flex_free (FlexEmulatorFlex *flex);
void _flex_emulator_flex_add_routes (FlexEmulator *self);
JsonNode *_flex_emulator_flex_dump (FlexEmulator *self);
gboolean _flex_emulator_flex_load (FlexEmulator *self, JsonNode *node, GError **error);

/* flex-emulator-taskrouter.c: TaskRouter Workers */
FlexEmulatorTaskRouter *_flex_emulator_taskrouter_new (FlexEmulator *self);
void _flex_emulator_taskrouter_free (FlexEmulatorTaskRouter *taskrouter);
void _flex_emulator_taskrouter_add_routes (FlexEmulator *self);
JsonNode *_flex_emulator_taskrouter_dump (FlexEmulator *self);
gboolean _flex_emulator_taskrouter_load (FlexEmulator *self, JsonNode *node, GError **error);
JsonNode *_flex_emulator_taskrouter_create_task (FlexEmulator *self,
                                                 const char *attributes,
                                                 const char *target,
                                                 gint64 timeout_s,
                                                 gint64 priority);
JsonNode *_flex_emulator_taskrouter_find_task (FlexEmulator *self, const char *task_sid);
void _flex_emulator_taskrouter_set_task_status (FlexEmulator *self,
                                                JsonNode *task,
                                                const char *status,
                                                const char *reason);
const char *_flex_emulator_taskrouter_available_worker (FlexEmulator *self, const char *except);
gboolean _flex_emulator_taskrouter_has_worker (FlexEmulator *self, const char *worker_sid);
const char *_flex_emulator_taskrouter_worker_name (FlexEmulator *self, const char *worker_sid);
GPtrArray *_flex_emulator_taskrouter_worker_sids (FlexEmulator *self);

/* flex-emulator-auth.c: Flex single sign-on and Flex tokens */
FlexEmulatorAuth *_flex_emulator_auth_new (FlexEmulator *self);
void _flex_emulator_auth_free (FlexEmulatorAuth *auth);
void _flex_emulator_auth_add_routes (FlexEmulator *self);
void _flex_emulator_auth_tokens (FlexEmulator *self, GBytes *body, FlexEmulatorContext *context);
const char *_flex_emulator_auth_worker (FlexEmulator *self, const char *token, gint64 *expires_us);
const char *_flex_emulator_auth_instance_sid (FlexEmulator *self);

/* flex-emulator-eventbridge.c: TaskRouter's EventBridge and reservations */
typedef struct _FlexEmulatorEventBridge FlexEmulatorEventBridge;
FlexEmulatorEventBridge *_flex_emulator_eventbridge_new (FlexEmulator *self);
void _flex_emulator_eventbridge_free (FlexEmulatorEventBridge *eventbridge);
void _flex_emulator_eventbridge_add_routes (FlexEmulator *self);
void _flex_emulator_eventbridge_route (FlexEmulator *self, JsonNode *task);
void _flex_emulator_eventbridge_task_changed (FlexEmulator *self,
                                              const char *task_sid,
                                              const char *status);
void _flex_emulator_eventbridge_worker_changed (FlexEmulator *self,
                                                const char *worker_sid,
                                                const char *activity_sid,
                                                const char *activity_name,
                                                gboolean available);
gboolean _flex_emulator_eventbridge_has_pending (FlexEmulator *self, const char *worker_sid);
gboolean _flex_emulator_eventbridge_upgrade (FlexEmulator *self, SoupServerMessage *message);
void
_flex_emulator_eventbridge_request (FlexEmulator *self, GBytes *body, FlexEmulatorContext *context);
guint _flex_emulator_dispatch (FlexEmulator *self,
                               const char *method,
                               const char *path,
                               GHashTable *query,
                               GHashTable *form,
                               const char *if_match,
                               JsonNode **body);

G_END_DECLS
