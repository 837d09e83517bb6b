/* flex-frame-steps.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "flex-frame-steps.h"

/*
 * FlexFrameSteps: work done a step after each frame of a widget while it
 * shows, else a step at each idle. Idles alone would run several steps
 * between two frames, and that frame would lay out all they changed; a
 * tick callback marks that a frame began, and the step runs once it is
 * drawn (an idle runs after the frame's source). Used for the rows GTK 4.8
 * builds (FlexRowModel) and the cells bound out of view (the page).
 */

static gboolean
on_idle (gpointer user_data)
{
  FlexFrameSteps *steps = user_data;

  steps->idle_id = 0;
  if (steps->step (steps->data))
    flex_frame_steps_schedule (steps);
  return G_SOURCE_REMOVE;
}

/* A frame has begun: the next step comes once it is drawn. */
static gboolean
on_tick (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  FlexFrameSteps *steps = user_data;

  steps->tick_id = 0;
  steps->idle_id = g_idle_add (on_idle, steps);
  return G_SOURCE_REMOVE;
}

static void
on_widget_gone (gpointer data, GObject *where_the_widget_was)
{
  FlexFrameSteps *steps = data;

  steps->widget = NULL;
  /* Its tick callbacks went with it. */
  if (steps->tick_id != 0)
    {
      steps->tick_id = 0;
      steps->idle_id = g_idle_add (on_idle, steps);
    }
}

void
flex_frame_steps_init (FlexFrameSteps *steps, FlexFrameStep step, gpointer data)
{
  steps->step = step;
  steps->data = data;
  steps->widget = NULL;
  steps->tick_id = 0;
  steps->idle_id = 0;
}

/**
 * flex_frame_steps_set_widget:
 * @widget: (nullable): whose frames pace the steps while it shows
 */
void
flex_frame_steps_set_widget (FlexFrameSteps *steps, GtkWidget *widget)
{
  g_return_if_fail (widget == NULL || GTK_IS_WIDGET (widget));

  if (steps->widget == widget)
    return;
  if (steps->widget != NULL)
    {
      if (steps->tick_id != 0)
        {
          gtk_widget_remove_tick_callback (steps->widget, steps->tick_id);
          steps->tick_id = 0;
          steps->idle_id = g_idle_add (on_idle, steps);
        }
      g_object_weak_unref (G_OBJECT (steps->widget), on_widget_gone, steps);
    }
  steps->widget = widget;
  if (widget != NULL)
    g_object_weak_ref (G_OBJECT (widget), on_widget_gone, steps);
}

/**
 * flex_frame_steps_schedule:
 *
 * The next step: after the widget's next frame while it shows, else at the
 * next idle. Nothing more when one is already coming.
 */
void
flex_frame_steps_schedule (FlexFrameSteps *steps)
{
  if (flex_frame_steps_pending (steps))
    return;
  if (steps->widget != NULL && gtk_widget_get_mapped (steps->widget))
    steps->tick_id = gtk_widget_add_tick_callback (steps->widget, on_tick, steps, NULL);
  else
    steps->idle_id = g_idle_add (on_idle, steps);
}

gboolean
flex_frame_steps_pending (FlexFrameSteps *steps)
{
  return steps->tick_id != 0 || steps->idle_id != 0;
}

/* No more steps unless scheduled again. */
void
flex_frame_steps_cancel (FlexFrameSteps *steps)
{
  g_clear_handle_id (&steps->idle_id, g_source_remove);
  if (steps->tick_id != 0 && steps->widget != NULL)
    gtk_widget_remove_tick_callback (steps->widget, steps->tick_id);
  steps->tick_id = 0;
}

/* Cancels, and lets go of the widget: before @steps goes away. */
void
flex_frame_steps_clear (FlexFrameSteps *steps)
{
  flex_frame_steps_cancel (steps);
  flex_frame_steps_set_widget (steps, NULL);
}
