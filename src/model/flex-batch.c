/* flex-batch.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * FlexBatch: many writes to one directory (an import, deleting a selection,
 * undoing either), paced to stay within Sync's 20 writes a second per map
 * (10 by default, leaving room for the Flex UIs). Writes go one after the
 * other through FlexDirectory, so If-Match, conflicts and the outbox apply
 * as to any edit. A write Twilio would not take now (429, 5xx, no network)
 * is kept in the outbox by the directory (or, with no outbox, written
 * again, up to 6 times) and slows the batch down (half the rate, back up by
 * half after ten good writes). Cancel stops before the next
 * write. What was done can be undone by the batch flex_batch_new_undo()
 * makes.
 */

#define G_LOG_DOMAIN "flex-batch"

#include "config.h"

#include <glib/gi18n.h>

#include "flex-batch.h"
#include "flex-twilio-error.h"

#define MIN_RATE     0.5
#define MAX_ATTEMPTS 6

typedef struct
{
  FlexBatchKind kind;
  FlexContact *contact; /* what to write */
  FlexContact *before;  /* update, delete: the version it replaces */
  FlexContact *saved;   /* once written: the directory's answer (NULL: deleted) */
  gboolean done;
} Step;

static void
step_free (Step *step)
{
  g_clear_object (&step->contact);
  g_clear_object (&step->before);
  g_clear_object (&step->saved);
  g_free (step);
}

struct _FlexBatch
{
  GObject parent_instance;

  FlexDirectory *directory;
  GPtrArray *steps;
  GPtrArray *failures; /* char *, for a person */
  double target_rate;
  double rate;
  guint next;
  guint n_done;
  guint n_failed;
  guint n_slowed;
  guint n_written[3]; /* by FlexBatchKind */
  guint good_streak;
  guint attempts; /* of the current write */
  gint64 last_start_us;
  guint timer;
  GTask *task;
};

enum
{
  PROP_0,
  PROP_N_DONE,
  PROP_RATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (FlexBatch, flex_batch, G_TYPE_OBJECT)

static void
flex_batch_dispose (GObject *object)
{
  FlexBatch *self = FLEX_BATCH (object);

  g_clear_handle_id (&self->timer, g_source_remove);
  G_OBJECT_CLASS (flex_batch_parent_class)->dispose (object);
}

static void
flex_batch_finalize (GObject *object)
{
  FlexBatch *self = FLEX_BATCH (object);

  g_clear_object (&self->directory);
  g_ptr_array_unref (self->steps);
  g_ptr_array_unref (self->failures);
  G_OBJECT_CLASS (flex_batch_parent_class)->finalize (object);
}

static void
flex_batch_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  FlexBatch *self = FLEX_BATCH (object);

  switch (prop_id)
    {
      case PROP_N_DONE:
        g_value_set_uint (value, self->n_done);
        break;
      case PROP_RATE:
        g_value_set_double (value, self->rate);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flex_batch_class_init (FlexBatchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = flex_batch_dispose;
  object_class->finalize = flex_batch_finalize;
  object_class->get_property = flex_batch_get_property;

  /* Writes finished (done or failed): for a progress bar. */
  properties[PROP_N_DONE] =
      g_param_spec_uint ("n-done", NULL, NULL, 0, G_MAXUINT, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RATE] =
      g_param_spec_double ("rate", NULL, NULL, 0, G_MAXDOUBLE, FLEX_BATCH_DEFAULT_RATE,
                           G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
flex_batch_init (FlexBatch *self)
{
  self->steps = g_ptr_array_new_with_free_func ((GDestroyNotify) step_free);
  self->failures = g_ptr_array_new_with_free_func (g_free);
  self->target_rate = self->rate = FLEX_BATCH_DEFAULT_RATE;
}

/**
 * flex_batch_new:
 * @directory: where the writes go
 */
FlexBatch *
flex_batch_new (FlexDirectory *directory)
{
  FlexBatch *self;

  g_return_val_if_fail (FLEX_IS_DIRECTORY (directory), NULL);

  self = g_object_new (FLEX_TYPE_BATCH, NULL);
  self->directory = g_object_ref (directory);
  return self;
}

/**
 * flex_batch_add:
 * @contact: for %FLEX_BATCH_ADD the new contact; for %FLEX_BATCH_UPDATE the
 *   edited contact (key and revision of the shown one); for
 *   %FLEX_BATCH_DELETE the shown contact
 *
 * Adds a write, before the batch runs.
 */
void
flex_batch_add (FlexBatch *self, FlexBatchKind kind, FlexContact *contact)
{
  Step *step;
  FlexContact *shown;

  g_return_if_fail (FLEX_IS_BATCH (self));
  g_return_if_fail (FLEX_IS_CONTACT (contact));
  g_return_if_fail (self->task == NULL);

  step = g_new0 (Step, 1);
  step->kind = kind;
  step->contact = flex_contact_copy (contact);
  if (kind != FLEX_BATCH_ADD &&
      (shown = flex_directory_lookup (self->directory, flex_contact_get_key (contact))))
    step->before = flex_contact_copy (shown);
  g_ptr_array_add (self->steps, step);
}

/**
 * flex_batch_set_rate:
 * @writes_per_second: at most this many writes a second (default 10)
 */
void
flex_batch_set_rate (FlexBatch *self, double writes_per_second)
{
  g_return_if_fail (FLEX_IS_BATCH (self));
  g_return_if_fail (writes_per_second > 0);

  self->target_rate = self->rate = writes_per_second;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RATE]);
}

double
flex_batch_get_rate (FlexBatch *self)
{
  g_return_val_if_fail (FLEX_IS_BATCH (self), 0);
  return self->rate;
}

guint
flex_batch_get_n_total (FlexBatch *self)
{
  g_return_val_if_fail (FLEX_IS_BATCH (self), 0);
  return self->steps->len;
}

guint
flex_batch_get_n_done (FlexBatch *self)
{
  g_return_val_if_fail (FLEX_IS_BATCH (self), 0);
  return self->n_done;
}

guint
flex_batch_get_n_failed (FlexBatch *self)
{
  g_return_val_if_fail (FLEX_IS_BATCH (self), 0);
  return self->n_failed;
}

/**
 * flex_batch_get_n_slowed:
 *
 * Returns: how many writes Twilio would not take at once (kept in the
 *   outbox, sent later), each of which slowed the batch down
 */
guint
flex_batch_get_n_slowed (FlexBatch *self)
{
  g_return_val_if_fail (FLEX_IS_BATCH (self), 0);
  return self->n_slowed;
}

/**
 * flex_batch_get_n_written:
 *
 * Returns: how many writes of @kind were done
 */
guint
flex_batch_get_n_written (FlexBatch *self, FlexBatchKind kind)
{
  g_return_val_if_fail (FLEX_IS_BATCH (self), 0);
  g_return_val_if_fail (kind <= FLEX_BATCH_DELETE, 0);
  return self->n_written[kind];
}

/**
 * flex_batch_get_failures:
 *
 * Returns: (transfer none) (element-type utf8): a line for a person about
 *   each write that failed
 */
GPtrArray *
flex_batch_get_failures (FlexBatch *self)
{
  g_return_val_if_fail (FLEX_IS_BATCH (self), NULL);
  return self->failures;
}

static void start_next (FlexBatch *self);

static void
set_rate (FlexBatch *self, double rate)
{
  rate = CLAMP (rate, MIN_RATE, self->target_rate);
  if (rate == self->rate)
    return;
  self->rate = rate;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RATE]);
}

static void
finish (FlexBatch *self, GError *error)
{
  g_autoptr (GTask) task = g_steal_pointer (&self->task);

  flex_directory_release_checks (self->directory);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_written (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (FlexBatch) self = user_data;
  Step *step = g_ptr_array_index (self->steps, self->next);
  g_autoptr (GError) error = NULL;
  g_autoptr (FlexContact) saved = NULL;

  saved = flex_directory_write_finish (FLEX_DIRECTORY (object), result, NULL, &error);
  if (error != NULL && flex_twilio_error_is_transient (error) && ++self->attempts < MAX_ATTEMPTS &&
      !g_cancellable_is_cancelled (g_task_get_cancellable (self->task)))
    {
      /* Twilio did not take it now (429, 5xx) and there is no outbox to
       * keep it: slow down, and write it again. */
      self->n_slowed++;
      self->good_streak = 0;
      set_rate (self, self->rate / 2);
      start_next (self);
      return;
    }
  self->attempts = 0;
  if (error != NULL)
    {
      self->n_failed++;
      /* TRANSLATORS: a contact's name, and why it could not be written */
      g_ptr_array_add (
          self->failures,
          g_strdup_printf (_ ("%s: %s"), flex_contact_get_name (step->contact), error->message));
    }
  else
    {
      step->done = TRUE;
      step->saved = g_steal_pointer (&saved);
      self->n_written[step->kind]++;
      if (step->saved != NULL && flex_contact_get_sync (step->saved) == FLEX_CONTACT_PENDING)
        {
          /* Twilio did not take it now (429, 5xx, no network): it waits in
           * the outbox. Slow down. */
          self->n_slowed++;
          self->good_streak = 0;
          set_rate (self, self->rate / 2);
        }
      else if (++self->good_streak >= 10)
        {
          self->good_streak = 0;
          set_rate (self, self->rate * 1.5);
        }
    }
  self->n_done++;
  self->next++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_DONE]);
  start_next (self);
}

static void
write_step (FlexBatch *self)
{
  Step *step = g_ptr_array_index (self->steps, self->next);
  /* Not the batch's cancellable: Stop lets the write under way end, so that
   * what happened to it is known. */
  GCancellable *cancellable = NULL;

  self->last_start_us = g_get_monotonic_time ();
  switch (step->kind)
    {
      case FLEX_BATCH_ADD:
        flex_directory_add_contact_async (self->directory, step->contact, cancellable, on_written,
                                          g_object_ref (self));
        break;
      case FLEX_BATCH_UPDATE:
        flex_directory_update_contact_async (self->directory, step->contact, cancellable,
                                             on_written, g_object_ref (self));
        break;
      case FLEX_BATCH_DELETE:
        flex_directory_delete_contact_async (self->directory, step->contact, cancellable,
                                             on_written, g_object_ref (self));
        break;
      default:
        g_assert_not_reached ();
    }
}

static gboolean
on_timer (gpointer user_data)
{
  FlexBatch *self = user_data;

  self->timer = 0;
  write_step (self);
  return G_SOURCE_REMOVE;
}

static void
start_next (FlexBatch *self)
{
  GCancellable *cancellable = g_task_get_cancellable (self->task);
  gint64 due_us, now_us;

  if (g_cancellable_is_cancelled (cancellable))
    {
      finish (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _ ("Stopped")));
      return;
    }
  if (self->next >= self->steps->len)
    {
      finish (self, NULL);
      return;
    }
  /* At most self->rate writes a second: start this one 1/rate after the
   * last one started. */
  now_us = g_get_monotonic_time ();
  due_us = self->last_start_us == 0 ? now_us
                                    : self->last_start_us + (gint64) (G_USEC_PER_SEC / self->rate);
  if (due_us <= now_us)
    write_step (self);
  else
    self->timer = g_timeout_add ((guint) ((due_us - now_us + 999) / 1000), on_timer, self);
}

/**
 * flex_batch_run_async:
 *
 * Runs the writes in order, paced. Writes that fail are counted and listed
 * (flex_batch_get_failures()); the batch goes on. Cancelling stops before
 * the next write, and the batch fails with %G_IO_ERROR_CANCELLED.
 */
void
flex_batch_run_async (FlexBatch *self,
                      GCancellable *cancellable,
                      GAsyncReadyCallback callback,
                      gpointer user_data)
{
  g_return_if_fail (FLEX_IS_BATCH (self));
  g_return_if_fail (self->task == NULL);

  self->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (self->task, flex_batch_run_async);
  /* One check of the map at the end, not one after each write. */
  flex_directory_hold_checks (self->directory);
  start_next (self);
}

gboolean
flex_batch_run_finish (FlexBatch *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * flex_batch_new_undo:
 *
 * Returns: (transfer full): a batch that undoes, newest first, what this one
 *   did: removes what it added, restores what it changed, adds again what it
 *   deleted. It writes on top of what the directory shows then.
 */
FlexBatch *
flex_batch_new_undo (FlexBatch *self)
{
  FlexBatch *undo;

  g_return_val_if_fail (FLEX_IS_BATCH (self), NULL);

  undo = flex_batch_new (self->directory);
  undo->target_rate = undo->rate = self->target_rate;
  for (guint i = self->steps->len; i-- > 0;)
    {
      Step *step = g_ptr_array_index (self->steps, i);
      const char *key = step->saved != NULL ? flex_contact_get_key (step->saved) : NULL;
      FlexContact *current = key != NULL ? flex_directory_lookup (self->directory, key) : NULL;

      if (!step->done)
        continue;
      switch (step->kind)
        {
          case FLEX_BATCH_ADD:
            if (current != NULL)
              flex_batch_add (undo, FLEX_BATCH_DELETE, current);
            break;
          case FLEX_BATCH_UPDATE:
            if (current != NULL && step->before != NULL)
              {
                g_autoptr (FlexContact) restored = flex_contact_copy (step->before);

                flex_contact_set_revision (restored, flex_contact_get_revision (current));
                flex_batch_add (undo, FLEX_BATCH_UPDATE, restored);
              }
            break;
          case FLEX_BATCH_DELETE:
            if (step->before != NULL)
              flex_batch_add (undo, FLEX_BATCH_ADD, step->before);
            break;
          default:
            g_assert_not_reached ();
        }
    }
  return undo;
}
