/* flex-call-watch.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * FlexCallWatch: what became of a call request. The app raises a TaskRouter
 * task that the agent's Flex UI turns into a call; this follows the task
 * (GET …/Tasks/{Sid} every 2 s, for at most its timeout and a little more)
 * and says whether Flex took it, did not (closed, or the agent unavailable:
 * TaskRouter cancels it at its timeout), or the person canceled it here.
 * A failed check is tried again at the next tick: one lost answer says
 * nothing of the call.
 */

#define G_LOG_DOMAIN "flex-call-watch"

#include "config.h"

#include "flex-call-watch.h"
#include "flex-task-router.h"
#include "flex-twilio-error.h"

/* After the task's timeout, TaskRouter needs a moment to cancel it. */
#define GRACE_S 10

struct _FlexCallWatch
{
  GObject parent_instance;

  FlexTwilioClient *client;
  char *workspace_sid;
  char *task_sid;
  guint timeout_s;
  guint interval_ms;
  gint64 started_us;
  FlexCallState state;
  gboolean checking;
  gboolean canceling;
  guint timer;
  GCancellable *cancellable;
};

enum
{
  PROP_0,
  PROP_STATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (FlexCallWatch, flex_call_watch, G_TYPE_OBJECT)

static void
flex_call_watch_dispose (GObject *object)
{
  FlexCallWatch *self = FLEX_CALL_WATCH (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->timer, g_source_remove);
  G_OBJECT_CLASS (flex_call_watch_parent_class)->dispose (object);
}

static void
flex_call_watch_finalize (GObject *object)
{
  FlexCallWatch *self = FLEX_CALL_WATCH (object);

  g_clear_object (&self->client);
  g_clear_object (&self->cancellable);
  g_free (self->workspace_sid);
  g_free (self->task_sid);
  G_OBJECT_CLASS (flex_call_watch_parent_class)->finalize (object);
}

static void
flex_call_watch_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  FlexCallWatch *self = FLEX_CALL_WATCH (object);

  switch (prop_id)
    {
      case PROP_STATE:
        g_value_set_int (value, self->state);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flex_call_watch_class_init (FlexCallWatchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = flex_call_watch_dispose;
  object_class->finalize = flex_call_watch_finalize;
  object_class->get_property = flex_call_watch_get_property;

  /* A FlexCallState. */
  properties[PROP_STATE] = g_param_spec_int (
      "state", NULL, NULL, FLEX_CALL_WAITING, FLEX_CALL_CANCELED, FLEX_CALL_WAITING,
      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
flex_call_watch_init (FlexCallWatch *self)
{
  self->interval_ms = 2000;
  self->cancellable = g_cancellable_new ();
}

/**
 * flex_call_watch_new:
 * @timeout_s: the task's timeout
 */
FlexCallWatch *
flex_call_watch_new (FlexTwilioClient *client,
                     const char *workspace_sid,
                     const char *task_sid,
                     guint timeout_s)
{
  FlexCallWatch *self;

  g_return_val_if_fail (FLEX_IS_TWILIO_CLIENT (client), NULL);
  g_return_val_if_fail (workspace_sid != NULL && task_sid != NULL, NULL);

  self = g_object_new (FLEX_TYPE_CALL_WATCH, NULL);
  self->client = g_object_ref (client);
  self->workspace_sid = g_strdup (workspace_sid);
  self->task_sid = g_strdup (task_sid);
  self->timeout_s = timeout_s;
  return self;
}

/**
 * flex_call_watch_set_interval:
 *
 * How often to look (2 s by default; tests look more often).
 */
void
flex_call_watch_set_interval (FlexCallWatch *self, guint interval_ms)
{
  g_return_if_fail (FLEX_IS_CALL_WATCH (self));
  self->interval_ms = MAX (interval_ms, 10);
}

FlexCallState
flex_call_watch_get_state (FlexCallWatch *self)
{
  g_return_val_if_fail (FLEX_IS_CALL_WATCH (self), FLEX_CALL_NOT_TAKEN);
  return self->state;
}

const char *
flex_call_watch_get_task_sid (FlexCallWatch *self)
{
  g_return_val_if_fail (FLEX_IS_CALL_WATCH (self), NULL);
  return self->task_sid;
}

static void
set_state (FlexCallWatch *self, FlexCallState state)
{
  if (self->state == state)
    return;
  self->state = state;
  if (state != FLEX_CALL_WAITING)
    g_clear_handle_id (&self->timer, g_source_remove);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

/* TaskRouter's assignment_status, as a call state. */
static FlexCallState
state_of_status (const char *status)
{
  if (g_strcmp0 (status, "pending") == 0)
    return FLEX_CALL_WAITING;
  if (g_strcmp0 (status, "canceled") == 0)
    return FLEX_CALL_NOT_TAKEN;
  return FLEX_CALL_TAKEN; /* reserved, assigned, wrapping, completed */
}

static void
on_checked (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (FlexCallWatch) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *status = NULL;

  self->checking = FALSE;
  status = flex_task_router_task_status_finish (FLEX_TWILIO_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (status == NULL)
    g_debug ("Task %s: %s", self->task_sid, error->message);
  else if (self->state == FLEX_CALL_WAITING)
    set_state (self, state_of_status (status));

  /* Past its timeout and still no answer: TaskRouter did not take it. */
  if (self->state == FLEX_CALL_WAITING && g_get_monotonic_time () - self->started_us >
                                              (gint64) (self->timeout_s + GRACE_S) * G_USEC_PER_SEC)
    set_state (self, FLEX_CALL_NOT_TAKEN);
}

static gboolean
on_tick (gpointer user_data)
{
  FlexCallWatch *self = user_data;

  if (self->checking || self->canceling)
    return G_SOURCE_CONTINUE;
  self->checking = TRUE;
  flex_task_router_fetch_task_async (self->client, self->workspace_sid, self->task_sid,
                                     self->cancellable, on_checked, g_object_ref (self));
  return G_SOURCE_CONTINUE;
}

/**
 * flex_call_watch_start:
 *
 * Starts following the task: #FlexCallWatch:state changes once, from
 * waiting to taken, not taken or canceled.
 */
void
flex_call_watch_start (FlexCallWatch *self)
{
  g_return_if_fail (FLEX_IS_CALL_WATCH (self));

  if (self->timer != 0 || self->state != FLEX_CALL_WAITING)
    return;
  self->started_us = g_get_monotonic_time ();
  self->timer = g_timeout_add (self->interval_ms, on_tick, self);
}

static void
on_canceled (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (FlexCallWatch) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *status = NULL;

  self->canceling = FALSE;
  status = flex_task_router_task_status_finish (FLEX_TWILIO_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->state != FLEX_CALL_WAITING)
    return;
  if (status != NULL && g_str_equal (status, "canceled"))
    set_state (self, FLEX_CALL_CANCELED);
  else if (status == NULL)
    /* Too late (Flex took it: TaskRouter refuses the change) or not now:
     * the next check says what it is. */
    g_debug ("Task %s could not be canceled: %s", self->task_sid, error->message);
}

/**
 * flex_call_watch_cancel:
 *
 * Cancels the request while it waits (TaskRouter: AssignmentStatus
 * canceled). When Flex took it meanwhile, the state says so instead.
 */
void
flex_call_watch_cancel (FlexCallWatch *self)
{
  g_return_if_fail (FLEX_IS_CALL_WATCH (self));

  if (self->state != FLEX_CALL_WAITING || self->canceling)
    return;
  self->canceling = TRUE;
  flex_task_router_cancel_task_async (self->client, self->workspace_sid, self->task_sid,
                                      "Canceled in Flex Contacts", self->cancellable, on_canceled,
                                      g_object_ref (self));
}
