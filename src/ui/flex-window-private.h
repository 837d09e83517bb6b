/* flex-window-private.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "flex-call-watch.h"
#include "flex-directory-page.h"
#include "flex-window.h"

G_BEGIN_DECLS

/*
 * The window is one type in three files (STYLE.md rule 2):
 *
 *   flex-window.c       the window: its tabs, search, dial pad, toasts,
 *                       the win.* actions and what it remembers
 *   flex-window-call.c  calling: the confirmation, the request to Flex and
 *                       following it until Flex takes it or not
 *   flex-window-status.c  the agent's status (TaskRouter activity) in the
 *                       header, and changing it
 */

struct _FlexWindow
{
  AdwApplicationWindow parent_instance;

  GSettings *settings;
  FlexFeatureConfig *config;
  FlexSession *session;
  FlexDialer *dialer;
  gboolean sandboxed;
  AdwMessageDialog *call_dialog;
  FlexDialPad *dial_pad;
  /* The last call request, followed until Flex takes it or not. */
  FlexCallWatch *call_watch;
  AdwToast *call_toast;
  char *call_number;
  char *call_name;
  char *call_who;
  /* A call asked for (tel:, --dial) before the session was loaded. */
  char *pending_number;
  char *pending_name;
  gboolean pending_from_outside;

  /* Template widgets */
  AdwToastOverlay *toast_overlay;
  AdwHeaderBar *header_bar;
  GtkMenuButton *status_button; /* the agent's activity, and a menu to change it */
  GMenu *status_menu;
  GCancellable *status_cancellable;
  char *last_toast;
  AdwViewStack *stack;
  AdwViewSwitcherTitle *switcher_title;
  AdwViewStackPage *recents_page;
  AdwViewStackPage *personal_page;
  AdwViewStackPage *shared_page;
  FlexDirectoryPage *pages[3];
  GtkSearchBar *search_bar;
  GtkSearchEntry *search_entry;
  GtkButton *dial_button;
  GtkToggleButton *search_button;
  GtkMenuButton *primary_menu_button;
  AdwStatusPage *disabled_status;
  GtkRevealer *sign_in_revealer;
  GtkLabel *sign_in_label;
};

/* flex-window.c */
gboolean _flex_window_is_hidden (FlexWindow *self);
void _flex_window_remember_said (FlexWindow *self, const char *text);
AdwToast *_flex_window_toast_new (FlexWindow *self, const char *text);
char *_flex_window_format_number (FlexWindow *self, const char *number);

/* flex-window-status.c */
void _flex_window_init_status (FlexWindow *self);
void _flex_window_dispose_status (FlexWindow *self);

/* flex-window-call.c */
void _flex_window_confirm_call (FlexWindow *self,
                                const char *number,
                                const char *name,
                                gboolean from_outside);
void _flex_window_class_init_call (GtkWidgetClass *widget_class);

G_END_DECLS
