/* flex-frame-steps.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A step of some work: %TRUE while more is left. */
typedef gboolean (*FlexFrameStep) (gpointer data);

typedef struct
{
  /*< private >*/
  FlexFrameStep step;
  gpointer data;
  GtkWidget *widget; /* weak */
  guint tick_id;
  guint idle_id;
} FlexFrameSteps;

void flex_frame_steps_init (FlexFrameSteps *steps, FlexFrameStep step, gpointer data);
void flex_frame_steps_set_widget (FlexFrameSteps *steps, GtkWidget *widget);
void flex_frame_steps_schedule (FlexFrameSteps *steps);
gboolean flex_frame_steps_pending (FlexFrameSteps *steps);
void flex_frame_steps_cancel (FlexFrameSteps *steps);
void flex_frame_steps_clear (FlexFrameSteps *steps);

G_END_DECLS
