/* flex-preferences-window.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "flex-feature-config.h"
#include "flex-session.h"

G_BEGIN_DECLS

#define FLEX_TYPE_PREFERENCES_WINDOW (flex_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (
    FlexPreferencesWindow, flex_preferences_window, FLEX, PREFERENCES_WINDOW, AdwPreferencesWindow)

FlexPreferencesWindow *flex_preferences_window_new (GSettings *settings);
void flex_preferences_window_set_account (FlexPreferencesWindow *self,
                                          const char *account_sid,
                                          const char *worker,
                                          gboolean sandboxed);
GtkSpinButton *flex_preferences_window_get_refresh_spin (FlexPreferencesWindow *self);
void
flex_preferences_window_set_live_updates (FlexPreferencesWindow *self, const char *unavailable);
GtkWidget *flex_preferences_window_get_live_row (FlexPreferencesWindow *self);
void flex_preferences_window_set_session (FlexPreferencesWindow *self, FlexSession *session);
AdwComboRow *flex_preferences_window_get_lock_row (FlexPreferencesWindow *self);
void flex_preferences_window_set_config (FlexPreferencesWindow *self, FlexFeatureConfig *config);

void flex_preferences_window_set_sign_in_method (FlexPreferencesWindow *self,
                                                 const char *method,
                                                 gboolean flex);
GtkWidget *flex_preferences_window_get_method_row (FlexPreferencesWindow *self);

G_END_DECLS
