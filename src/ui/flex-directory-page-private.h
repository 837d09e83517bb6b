/* flex-directory-page-private.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "flex-directory-page.h"
#include "flex-frame-steps.h"
#include "flex-phone.h"
#include "flex-reverse-model.h"
#include "flex-row-model.h"

G_BEGIN_DECLS

/*
 * The directory page is one type in four files, one concern each
 * (STYLE.md rule 2):
 *
 *   flex-directory-page.c          the page: its models, search, footer
 *                                  (count, status), empty states and the
 *                                  public API
 *   flex-directory-page-columns.c  the columns and their cells: factories,
 *                                  binding, binding rows far from the view
 *                                  later, numbers as the settings say
 *   flex-directory-page-sort.c     sorting by a column header, and the
 *                                  "sort" setting it is remembered by
 *   flex-directory-page-actions.c  what a person does to rows: the page.*
 *                                  actions, their keys, the row menu, the
 *                                  edit, delete, clear and conflict dialogs
 */

/*
 * FlexDirectoryPage: one tab. The directory is stacked into GTK models
 * (STYLE.md rule 7): FlexDirectory → GtkFilterListModel (a GtkStringFilter
 * FlexDirectory → GtkSortListModel (the column header clicked last; none: the
 * directory's own order) → GtkFilterListModel (over each item's casefolded
 * "search-text") → FlexRowModel (the rows, and the selection: several for
 * contacts, none for Recents) → GtkColumnView in a GtkScrolledWindow. One
 * list that scrolls: FlexRowModel keeps GTK 4.8 from building the rows again
 * on each keystroke and sort (it points the rows it has at their new items).
 * Cells are bound to the item of their row's slot and bound again when the
 * slot changes item (items are immutable: a change replaces the item in the
 * model).
 */

struct _FlexDirectoryPage
{
  GtkWidget parent_instance;

  FlexDirectoryKind kind;
  FlexDirectory *directory;
  FlexFeatureConfig *config;

  GtkCustomFilter *filter;
  char *needle;
  GtkFilterListModel *filtered;
  GtkSortListModel *sorted;
  FlexReverseModel *reversed; /* the directory's order backwards, without sorting */
  FlexRowModel *rows;
  char *sort;                /* "column:ascending", "column:descending", or "" */
  gboolean probing_sort;     /* learning which column the column view sorts by */
  const char *probed_column; /* … the id of the first column it compared */
  gboolean can_call;
  char *call_disabled_reason;
  char *default_country;
  FlexPhoneFormat phone_format;
  GHashTable *bound_numbers; /* GtkListItem showing a phone number → its TextGetter */
  GHashTable *formatted;     /* number → how it shows: libphonenumber once a number */
  guint status_timer;
  guint prepare_search;        /* the idle that makes the rows' search texts */
  GHashTable *pending_cells;   /* GtkListItem of rows far from the view, bound later */
  FlexFrameSteps bind_pending; /* … a step after each frame */
  guint prepared;              /* … up to this position of the directory */

  /* Template widgets */
  GtkStack *stack;
  GtkColumnView *column_view;
  AdwStatusPage *empty_status;
  GtkSpinner *spinner;
  GtkWidget *add_button;
  GtkWidget *delete_selected_button;
  GtkToggleButton *select_button;
  GtkColumnViewColumn *select_column;
  GHashTable *bound_checks; /* GtkListItem → its GtkCheckButton, in selection mode */
  GtkWidget *row_menu;      /* the context menu of a row, while there is one */
  GdkRectangle row_menu_at; /* … where it points */
  gboolean narrow;
  gboolean syncing_checks;
  GtkWidget *clear_button;
  GtkLabel *count_label;
  GtkLabel *status_label;
  GtkPopover *notes_popover;
  GtkLabel *notes_label;
  FlexDirectory *name_sources[2]; /* Recents: My and Shared Contacts, to name a customer */
};

/* The text a column shows of an item. */
typedef const char *(*TextGetter) (gpointer item);

/* flex-directory-page.c */
void _flex_directory_page_toast (FlexDirectoryPage *self, const char *message);
GPtrArray *_flex_directory_page_get_selected_contacts (FlexDirectoryPage *self);

/* flex-directory-page-columns.c */
void _flex_directory_page_build_columns (FlexDirectoryPage *self);
void _flex_directory_page_rebind_numbers (FlexDirectoryPage *self);
void _flex_directory_page_bind_all_pending (FlexDirectoryPage *self);
gboolean _flex_directory_page_bind_pending_budget (gpointer data);
void _flex_directory_page_update_select_mode (FlexDirectoryPage *self);
const char *_flex_directory_page_recent_name (gpointer item);
const char *
_flex_directory_page_shown_recent_name (FlexDirectoryPage *self, gpointer item, guint *source);
const char *_flex_directory_page_item_notes (FlexDirectoryPage *self, gpointer item);
void
_flex_directory_page_show_notes (FlexDirectoryPage *self, gpointer item, const GdkRectangle *area);

/* flex-directory-page-sort.c */
void _flex_directory_page_sort_by (GtkColumnViewColumn *column, const char *id);
void _flex_directory_page_update_sort (FlexDirectoryPage *self);

/* flex-directory-page-actions.c */
void _flex_directory_page_class_init_actions (GtkWidgetClass *widget_class);
void _flex_directory_page_init_gestures (FlexDirectoryPage *self);
gboolean _flex_directory_page_focus_row (FlexDirectoryPage *self, guint position);
void _flex_directory_page_reveal (FlexDirectoryPage *self, const char *key);

G_END_DECLS
