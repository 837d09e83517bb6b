/* test-ui.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The three tabs under Xvfb against the sandbox's emulator and demo data:
 * columns, search, paging, the contact dialog's validation, call buttons of
 * recents, who may edit shared contacts, and calling: the confirmation, the
 * dial pad from the keyboard, tel: links, and the offline state.
 */

#include "config.h"

#include <glib/gstdio.h>

#include <string.h>

#include "flex-application.h"
#include "flex-contact-dialog.h"
#include "flex-dial-pad.h"
#include "flex-emulator.h"
#include "flex-directory-page.h"
#include "flex-import.h"
#include "flex-transfer.h"
#include "flex-sandbox.h"
#include "flex-outbox.h"
#include "flex-test-util.h"
#include "flex-preferences-window.h"
#include "flex-window.h"

static FlexApplication *the_app;

static void maybe_screenshot (GtkWidget *widget, const char *name);

typedef struct
{
  FlexSandbox *sandbox;
  FlexFeatureConfig *config;
  FlexSession *session;
  FlexWindow *window;
} Fixture;

static void
drain (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
wait_loaded (FlexDirectory *directory)
{
  while (!flex_directory_get_loaded (directory))
    g_main_context_iteration (NULL, TRUE);
}

static void
on_loaded (GObject *object, GAsyncResult *result, gpointer user_data)
{
  gboolean *done = user_data;

  g_assert_true (flex_session_load_finish (FLEX_SESSION (object), result, NULL));
  *done = TRUE;
}

static void
load_session (FlexSession *session)
{
  gboolean done = FALSE;

  flex_session_load_async (session, NULL, on_loaded, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  wait_loaded (flex_session_get_recents (session));
  wait_loaded (flex_session_get_personal (session));
  wait_loaded (flex_session_get_shared (session));
}

static FlexWindow *
open_window (Fixture *fixture, FlexSession *session)
{
  FlexWindow *window =
      g_object_new (FLEX_TYPE_WINDOW, "application", the_app, "settings",
                    flex_application_get_settings (the_app), "config", fixture->config, "session",
                    session, "default-width", 1200, "default-height", 900, NULL);

  gtk_window_present (GTK_WINDOW (window));
  drain ();
  return window;
}

static const char *const remembered[] = { "last-tab", "sort-recents", "sort-personal",
                                          "sort-shared" };

static void
fixture_setup (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  /* Each test starts as on a first start: the settings an earlier one
   * changed (the tab on screen, the sort order) are reset. */
  for (guint i = 0; i < G_N_ELEMENTS (remembered); i++)
    g_settings_reset (flex_application_get_settings (the_app), remembered[i]);
  fixture->config = flex_feature_config_new ();
  fixture->sandbox = flex_sandbox_new (fixture->config, &error);
  g_assert_no_error (error);
  fixture->session = g_object_ref (flex_sandbox_get_session (fixture->sandbox));
  flex_session_set_poll_interval (fixture->session, 0);
  load_session (fixture->session);
  fixture->window = open_window (fixture, fixture->session);
}

static void
fixture_teardown (Fixture *fixture, gconstpointer data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  drain ();
  g_clear_object (&fixture->session);
  g_clear_object (&fixture->sandbox);
  g_clear_object (&fixture->config);
}

static FlexDirectoryPage *
page (FlexWindow *window, const char *name)
{
  AdwViewStack *stack = ADW_VIEW_STACK (
      gtk_widget_get_template_child (GTK_WIDGET (window), FLEX_TYPE_WINDOW, "stack"));
  GtkWidget *child = adw_view_stack_get_child_by_name (stack, name);

  g_assert_true (FLEX_IS_DIRECTORY_PAGE (child));
  return FLEX_DIRECTORY_PAGE (child);
}

static void
search (Fixture *fixture, const char *text)
{
  GtkEditable *entry = GTK_EDITABLE (gtk_widget_get_template_child (
      GTK_WIDGET (fixture->window), FLEX_TYPE_WINDOW, "search_entry"));

  gtk_editable_set_text (entry, text);
  /* GtkSearchEntry delays search-changed; emit it now. */
  g_signal_emit_by_name (entry, "search-changed");
  drain ();
}

static char *
visible_names (FlexDirectoryPage *directory_page)
{
  GListModel *model = flex_directory_page_get_visible_model (directory_page);
  GString *names = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (FlexContact) contact = g_list_model_get_item (model, i);

      if (i > 0)
        g_string_append_c (names, ',');
      g_string_append (names, flex_contact_get_name (contact));
    }

  return g_string_free (names, FALSE);
}

static GtkColumnView *
column_view (FlexDirectoryPage *directory_page)
{
  return GTK_COLUMN_VIEW (gtk_widget_get_template_child (GTK_WIDGET (directory_page),
                                                         FLEX_TYPE_DIRECTORY_PAGE, "column_view"));
}

static char *
column_titles (FlexDirectoryPage *directory_page)
{
  GListModel *columns = gtk_column_view_get_columns (column_view (directory_page));
  GString *titles = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr (GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      /* The check boxes of selection mode show only in that mode. */
      if (!gtk_column_view_column_get_visible (column))
        continue;
      if (titles->len > 0)
        g_string_append_c (titles, '|');
      g_string_append (titles, gtk_column_view_column_get_title (column));
    }

  return g_string_free (titles, FALSE);
}

static void
test_tabs_and_columns (Fixture *fixture, gconstpointer data)
{
  g_autofree char *recents = column_titles (page (fixture->window, "recents"));
  g_autofree char *personal = column_titles (page (fixture->window, "personal"));
  g_autofree char *shared = column_titles (page (fixture->window, "shared"));

  g_assert_cmpstr (recents, ==,
                   "Channel|Inbound Address|Customer Address|Name|Date|Duration|Queue|Outcome|"
                   "Actions");
  g_assert_cmpstr (personal, ==, "Name|Phone Number|Actions");
  g_assert_cmpstr (shared, ==, "Name|Phone Number|Actions");

  /* Demo data is on screen: the list, not an empty state. */
  g_assert_cmpstr (
      gtk_stack_get_visible_child_name (GTK_STACK (gtk_widget_get_template_child (
          GTK_WIDGET (page (fixture->window, "personal")), FLEX_TYPE_DIRECTORY_PAGE, "stack"))),
      ==, "list");
}

static void
test_search_narrows_rows (Fixture *fixture, gconstpointer data)
{
  FlexDirectoryPage *personal = page (fixture->window, "personal");
  GListModel *visible = flex_directory_page_get_visible_model (personal);
  g_autofree char *by_name = NULL;
  g_autofree char *by_number = NULL;
  g_autofree char *by_notes = NULL;
  g_autofree char *accented = NULL;

  g_assert_cmpuint (g_list_model_get_n_items (visible), ==,
                    12); /* every personal contact: one list */

  search (fixture, "KENJI");
  by_name = visible_names (personal);
  g_assert_cmpstr (by_name, ==, "Kenji Sato");

  search (fixture, "+4930");
  by_number = visible_names (personal);
  g_assert_cmpstr (by_number, ==, "Hanna Schmidt");

  search (fixture, "tokyo");
  by_notes = visible_names (personal);
  g_assert_cmpstr (by_notes, ==, "Kenji Sato");

  search (fixture, "émile");
  accented = visible_names (personal);
  g_assert_cmpstr (accented, ==, "Émile Laurent");

  /* Forgiving: without the accent, and a number as people write it. */
  {
    g_autofree char *plain = NULL;
    g_autofree char *by_formatted = NULL;

    search (fixture, "EMILE");
    plain = visible_names (personal);
    g_assert_cmpstr (plain, ==, "Émile Laurent");
    search (fixture, "(312) 555-0142");
    by_formatted = visible_names (personal);
    g_assert_cmpstr (by_formatted, ==, "Amelia Watson");
  }

  search (fixture, "no such person");
  g_assert_cmpuint (g_list_model_get_n_items (visible), ==, 0);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (gtk_widget_get_template_child (
                       GTK_WIDGET (personal), FLEX_TYPE_DIRECTORY_PAGE, "stack"))),
                   ==, "no-results");
  /* The footer still counts: none found (it disappeared). */
  {
    GtkWidget *count = GTK_WIDGET (gtk_widget_get_template_child (
        GTK_WIDGET (personal), FLEX_TYPE_DIRECTORY_PAGE, "count_label"));

    g_assert_true (gtk_widget_get_visible (count));
    g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (count)), ==, "0 contacts");
  }

  search (fixture, "");
  g_assert_cmpuint (g_list_model_get_n_items (visible), ==, 12);
}

/* Every text the rows of @widget show, "|"-separated. */
static void
collect_texts (GtkWidget *widget, GString *texts)
{
  if (!gtk_widget_get_visible (widget))
    return;
  if (GTK_IS_INSCRIPTION (widget) && gtk_inscription_get_text (GTK_INSCRIPTION (widget)) != NULL)
    g_string_append_printf (texts, "|%s", gtk_inscription_get_text (GTK_INSCRIPTION (widget)));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_texts (child, texts);
}

static char *
shown_texts (FlexDirectoryPage *directory_page)
{
  GString *texts = g_string_new (NULL);

  drain ();
  collect_texts (GTK_WIDGET (column_view (directory_page)), texts);
  g_string_append_c (texts, '|');
  return g_string_free (texts, FALSE);
}

/* Numbers show in the form Preferences says: international, or national
 * for the account's country (US in the sandbox) and international for
 * others; stored in E.164 either way. */
static void
test_phone_format_setting (Fixture *fixture, gconstpointer data)
{
  GSettings *settings = flex_application_get_settings (the_app);
  FlexDirectoryPage *personal = page (fixture->window, "personal");
  g_autofree char *international = NULL;
  g_autofree char *national = NULL;

  g_settings_set_string (settings, "phone-number-format", "international");
  international = shown_texts (personal);
  g_assert_nonnull (strstr (international, "|+1 312-555-0142|"));
  g_assert_nonnull (strstr (international, "|+49 30 123456789|"));

  g_settings_set_string (settings, "phone-number-format", "national");
  national = shown_texts (personal);
  g_assert_nonnull (strstr (national, "|(312) 555-0142|"));
  g_assert_nonnull (strstr (national, "|+49 30 123456789|"));
  g_assert_null (strstr (national, "|+1 312-555-0142|"));
  {
    g_autoptr (FlexContact) first =
        g_list_model_get_item (flex_directory_page_get_visible_model (personal), 0);

    g_assert_cmpstr (flex_contact_get_name (first), ==, "Amelia Watson");
    g_assert_cmpstr (flex_contact_get_phone_number (first), ==, "+13125550142");
  }

  g_settings_reset (settings, "phone-number-format");
}

static GtkColumnViewColumn *
column_titled (FlexDirectoryPage *directory_page, const char *title)
{
  GListModel *columns = gtk_column_view_get_columns (column_view (directory_page));

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr (GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      if (g_strcmp0 (gtk_column_view_column_get_title (column), title) == 0)
        return column; /* the column view keeps it */
    }
  g_assert_not_reached ();
}

/* The first text a row of @widget shows, depth first. */
static GtkWidget *
first_inscription (GtkWidget *widget)
{
  if (!gtk_widget_get_visible (widget))
    return NULL;
  if (GTK_IS_INSCRIPTION (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = first_inscription (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static char *
item_name (GListModel *model, guint position)
{
  g_autoptr (FlexContact) contact = g_list_model_get_item (model, position);

  return g_strdup (flex_contact_get_name (contact));
}

/* One list that scrolls, no pages: every contact has its row. A search
 * shows its matches from the top, and the rows on screen are shown the
 * new items, not made again (GTK 4.8 would rebuild every row a search
 * changes: FlexRowModel). */
static void
test_scrolling (Fixture *fixture, gconstpointer data)
{
  FlexDirectoryPage *shared = page (fixture->window, "shared");
  GListModel *visible = flex_directory_page_get_visible_model (shared);
  GtkColumnView *view = column_view (shared);
  GListModel *rows = G_LIST_MODEL (gtk_column_view_get_model (view));
  GtkAdjustment *scroll = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));
  GtkLabel *count = GTK_LABEL (
      gtk_widget_get_template_child (GTK_WIDGET (shared), FLEX_TYPE_DIRECTORY_PAGE, "count_label"));
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;
  g_autofree char *match = NULL;
  g_autofree char *all = NULL;
  g_autofree char *found = NULL;
  GtkWidget *first_cell;

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-page", "s", "shared");
  drain ();

  /* 25 shared contacts: one list of 25 rows, the last one shown too. */
  g_assert_cmpuint (g_list_model_get_n_items (visible), ==, 25);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 25);
  g_assert_cmpstr (gtk_label_get_label (count), ==, "25 contacts");
  first = item_name (visible, 0);
  last = item_name (visible, 24);
  all = shown_texts (shared);
  g_assert_nonnull (strstr (all, first));
  g_assert_nonnull (strstr (all, last));

  /* The window shows fewer: the list scrolls, to its end. */
  FLEX_TEST_WAIT_FOR (gtk_adjustment_get_upper (scroll) > gtk_adjustment_get_page_size (scroll),
                      5000);
  gtk_adjustment_set_value (scroll, gtk_adjustment_get_upper (scroll) -
                                        gtk_adjustment_get_page_size (scroll));
  drain ();
  g_assert_cmpfloat (gtk_adjustment_get_value (scroll), >, 0);
  maybe_screenshot (GTK_WIDGET (fixture->window), "scrolled-to-end");
  first_cell = first_inscription (GTK_WIDGET (view));
  g_assert_nonnull (first_cell);
  g_assert_cmpstr (gtk_inscription_get_text (GTK_INSCRIPTION (first_cell)), ==, first);

  /* A search (for the last contact): its matches, from the top, in the
   * rows that were there. */
  search (fixture, last);
  g_assert_cmpuint (g_list_model_get_n_items (visible), ==, 1);
  match = item_name (visible, 0);
  g_assert_cmpstr (match, ==, last);
  FLEX_TEST_WAIT_FOR (g_list_model_get_n_items (rows) == 1, 5000);
  g_assert_cmpfloat (gtk_adjustment_get_value (scroll), ==, 0);
  g_assert_cmpstr (gtk_label_get_label (count), ==, "1 contact");
  g_assert_true (first_inscription (GTK_WIDGET (view)) == first_cell);
  g_assert_cmpstr (gtk_inscription_get_text (GTK_INSCRIPTION (first_cell)), ==, last);
  found = shown_texts (shared);
  g_assert_null (strstr (found, first));

  /* Emptying it brings every row back, in the same widgets again. */
  search (fixture, "");
  FLEX_TEST_WAIT_FOR (g_list_model_get_n_items (rows) == 25, 5000);
  g_assert_true (first_inscription (GTK_WIDGET (view)) == first_cell);
  g_assert_cmpstr (gtk_inscription_get_text (GTK_INSCRIPTION (first_cell)), ==, first);

  /* A sort gives every row another item; rows out of view are bound
   * between frames, or the moment the list scrolls to them: the last row
   * shows its new item at once. */
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1200, 500);
  FLEX_TEST_WAIT_FOR (gtk_adjustment_get_page_size (scroll) > 0 &&
                          gtk_adjustment_get_upper (scroll) >
                              2 * gtk_adjustment_get_page_size (scroll),
                      5000);
  drain ();
  flex_directory_page_set_sort (shared, "name:descending");
  {
    GtkWidget *list = gtk_widget_get_last_child (GTK_WIDGET (view));
    GtkWidget *last_row = gtk_widget_get_last_child (list);
    g_autofree char *now_last = item_name (visible, 24);

    g_assert_cmpstr (now_last, ==, first);
    /* Out of view, not bound yet... */
    g_assert_cmpstr (gtk_inscription_get_text (GTK_INSCRIPTION (first_inscription (last_row))), ==,
                     last);
    /* ...until the list scrolls to it. */
    gtk_adjustment_set_value (scroll, gtk_adjustment_get_upper (scroll) -
                                          gtk_adjustment_get_page_size (scroll));
    g_assert_cmpstr (gtk_inscription_get_text (GTK_INSCRIPTION (first_inscription (last_row))), ==,
                     now_last);
  }
  flex_directory_page_set_sort (shared, "");
}

/* The footer counts the list (of the search, while there is one), a header
 * click sorts it, the pages follow the sort. */
static void
test_sorts_and_counts (Fixture *fixture, gconstpointer data)
{
  FlexDirectoryPage *shared = page (fixture->window, "shared");
  FlexDirectoryPage *recents = page (fixture->window, "recents");
  GListModel *visible = flex_directory_page_get_visible_model (shared);
  GtkLabel *count = GTK_LABEL (
      gtk_widget_get_template_child (GTK_WIDGET (shared), FLEX_TYPE_DIRECTORY_PAGE, "count_label"));
  g_autoptr (FlexContact) first = NULL;
  g_autoptr (FlexContact) last = NULL;

  g_assert_cmpstr (gtk_label_get_label (count), ==, "25 contacts");
  search (fixture, "desk");
  g_assert_cmpstr (gtk_label_get_label (count), ==, "3 contacts");
  search (fixture, "");

  /* By name, the other way round: the first page starts at the end. */
  gtk_column_view_sort_by_column (column_view (shared), column_titled (shared, "Name"),
                                  GTK_SORT_DESCENDING);
  first = g_list_model_get_item (visible, 0);
  last = g_list_model_get_item (visible, 9);
  g_assert_cmpstr (flex_contact_get_name (first), ==, "Warehouse");
  g_assert_cmpint (g_strcmp0 (flex_contact_get_sort_key (first), flex_contact_get_sort_key (last)),
                   >, 0);
  g_clear_object (&first);
  gtk_column_view_sort_by_column (column_view (shared), column_titled (shared, "Name"),
                                  GTK_SORT_ASCENDING);
  first = g_list_model_get_item (visible, 0);
  g_assert_cmpstr (flex_contact_get_name (first), ==, "Billing Desk");

  /* Recents by duration, longest first. */
  gtk_column_view_sort_by_column (column_view (recents), column_titled (recents, "Duration"),
                                  GTK_SORT_DESCENDING);
  {
    GListModel *rows = flex_directory_page_get_visible_model (recents);
    gint64 previous = G_MAXINT64;

    g_assert_cmpuint (g_list_model_get_n_items (rows), >, 5);
    for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
      {
        g_autoptr (FlexRecent) recent = g_list_model_get_item (rows, i);

        g_assert_cmpint (flex_recent_get_duration (recent), <=, previous);
        previous = flex_recent_get_duration (recent);
      }
  }
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-page", "s", "recents");
  maybe_screenshot (GTK_WIDGET (fixture->window), "sorted-list");
}

static void
on_save (FlexContactDialog *dialog, FlexContact *contact, FlexContact **saved)
{
  *saved = g_object_ref (contact);
}

static void
test_dialog_validates (Fixture *fixture, gconstpointer data)
{
  FlexContactDialog *dialog = flex_contact_dialog_new (NULL, TRUE, "US");
  GtkEditable *name = GTK_EDITABLE (
      gtk_widget_get_template_child (GTK_WIDGET (dialog), FLEX_TYPE_CONTACT_DIALOG, "name_row"));
  GtkEditable *phone = GTK_EDITABLE (
      gtk_widget_get_template_child (GTK_WIDGET (dialog), FLEX_TYPE_CONTACT_DIALOG, "phone_row"));
  GtkWidget *error = GTK_WIDGET (
      gtk_widget_get_template_child (GTK_WIDGET (dialog), FLEX_TYPE_CONTACT_DIALOG, "phone_error"));
  GtkWidget *transfers = GTK_WIDGET (gtk_widget_get_template_child (
      GTK_WIDGET (dialog), FLEX_TYPE_CONTACT_DIALOG, "transfer_group"));
  GtkSwitch *warm = GTK_SWITCH (
      gtk_widget_get_template_child (GTK_WIDGET (dialog), FLEX_TYPE_CONTACT_DIALOG, "warm_switch"));
  g_autoptr (FlexContact) saved = NULL;

  g_object_ref_sink (dialog);
  g_signal_connect (dialog, "save", G_CALLBACK (on_save), &saved);
  gtk_window_present (GTK_WINDOW (dialog));
  drain ();

  g_assert_true (gtk_widget_get_visible (transfers));
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL) &&
                  saved != NULL);
  g_assert_null (saved);

  gtk_editable_set_text (name, "Night Desk");
  gtk_editable_set_text (phone, "555-01ab");
  g_assert_true (gtk_widget_get_visible (error));
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL);
  g_assert_null (saved);

  gtk_editable_set_text (phone, "12345");
  g_assert_true (gtk_widget_get_visible (error));

  /* A US national number becomes E.164. */
  gtk_editable_set_text (phone, "(312) 555-0100");
  g_assert_false (gtk_widget_get_visible (error));
  gtk_switch_set_active (warm, FALSE);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL);
  g_assert_nonnull (saved);
  g_assert_cmpstr (flex_contact_get_name (saved), ==, "Night Desk");
  g_assert_cmpstr (flex_contact_get_phone_number (saved), ==, "+13125550100");
  g_assert_false (flex_contact_get_allow_warm_transfer (saved));
  g_assert_true (flex_contact_get_allow_cold_transfer (saved));

  gtk_window_destroy (GTK_WINDOW (dialog));
  g_object_unref (dialog);
}

static void
collect_call_buttons (GtkWidget *widget, guint *n_callable, guint *n_shown)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_BUTTON (child) && gtk_widget_get_mapped (child) &&
          g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (child)), "call-start-symbolic") == 0)
        {
          (*n_shown)++;
          if (gtk_widget_is_sensitive (child))
            (*n_callable)++;
        }
      collect_call_buttons (child, n_callable, n_shown);
    }
}

static void
test_call_buttons_only_for_voice_recents (Fixture *fixture, gconstpointer data)
{
  FlexDirectoryPage *recents = page (fixture->window, "recents");
  GListModel *visible = flex_directory_page_get_visible_model (recents);
  guint n_voice = 0;
  guint n_callable = 0;
  guint n_shown = 0;

  for (guint i = 0; i < g_list_model_get_n_items (visible); i++)
    {
      g_autoptr (FlexRecent) recent = g_list_model_get_item (visible, i);

      n_voice += flex_recent_is_voice (recent);
    }
  g_assert_cmpuint (n_voice, >, 0);
  g_assert_cmpuint (n_voice, <, g_list_model_get_n_items (visible));

  collect_call_buttons (GTK_WIDGET (column_view (recents)), &n_callable, &n_shown);
  g_assert_cmpuint (n_shown, ==, n_voice);
  g_assert_cmpuint (n_callable, ==, n_voice);

  /* Offline in Flex: the buttons stay, disabled, with a reason. */
  flex_directory_page_set_can_call (recents, FALSE, "offline");
  drain ();
  n_callable = n_shown = 0;
  collect_call_buttons (GTK_WIDGET (column_view (recents)), &n_callable, &n_shown);
  g_assert_cmpuint (n_shown, ==, n_voice);
  g_assert_cmpuint (n_callable, ==, 0);
}

static void
test_who_edits_shared (Fixture *fixture, gconstpointer data)
{
  FlexEmulator *emulator = flex_sandbox_get_emulator (fixture->sandbox);
  FlexDirectoryPage *shared = page (fixture->window, "shared");
  g_autofree char *agent_sid = NULL;
  g_autoptr (FlexSession) agent = NULL;
  FlexWindow *agent_window;
  GtkWidget *add_button;

  /* The sandbox worker is a supervisor: it may edit shared contacts. */
  g_assert_true (flex_directory_get_editable (flex_session_get_shared (fixture->session)));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (gtk_widget_get_template_child (
      GTK_WIDGET (shared), FLEX_TYPE_DIRECTORY_PAGE, "add_button"))));

  /* A plain agent may not: no add button, no edit or delete. */
  agent_sid =
      flex_emulator_add_worker (emulator, "sam.agent@example.com", "{\"roles\":[\"agent\"]}", TRUE);
  agent = flex_session_new (flex_session_get_client (fixture->session),
                            flex_emulator_get_account_sid (emulator), agent_sid, "default",
                            fixture->config);
  flex_session_set_poll_interval (agent, 0);
  load_session (agent);
  g_assert_false (flex_directory_get_editable (flex_session_get_shared (agent)));
  g_assert_true (flex_directory_get_editable (flex_session_get_personal (agent)));

  agent_window = open_window (fixture, agent);
  shared = page (agent_window, "shared");
  add_button = GTK_WIDGET (
      gtk_widget_get_template_child (GTK_WIDGET (shared), FLEX_TYPE_DIRECTORY_PAGE, "add_button"));
  g_assert_false (gtk_widget_get_visible (add_button));
  g_assert_cmpuint (g_list_model_get_n_items (flex_directory_page_get_visible_model (shared)), ==,
                    25);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (gtk_widget_get_template_child (
      GTK_WIDGET (page (agent_window, "personal")), FLEX_TYPE_DIRECTORY_PAGE, "add_button"))));

  /* ...unless the configuration lets agents edit. */
  g_object_set (fixture->config, "shared-agent-editable", TRUE, NULL);
  drain ();
  g_assert_true (flex_directory_get_editable (flex_session_get_shared (agent)));
  g_assert_true (gtk_widget_get_visible (add_button));

  gtk_window_destroy (GTK_WINDOW (agent_window));
  drain ();
}

/* Calling */

static GtkWidget *
first_call_button (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_BUTTON (child) && gtk_widget_get_mapped (child) &&
          gtk_widget_is_sensitive (child) &&
          g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (child)), "call-start-symbolic") == 0)
        return child;
      if ((found = first_call_button (child)) != NULL)
        return found;
    }
  return NULL;
}

static AdwMessageDialog *
wait_call_dialog (FlexWindow *window)
{
  for (guint i = 0; i < 200 && flex_window_get_call_dialog (window) == NULL; i++)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (flex_window_get_call_dialog (window));
  return flex_window_get_call_dialog (window);
}

/* Confirms the shown call and returns the attributes of the one task the
 * emulator then received. */
static JsonObject *
confirm_call (Fixture *fixture)
{
  FlexEmulator *emulator = flex_sandbox_get_emulator (fixture->sandbox);
  AdwMessageDialog *dialog = flex_window_get_call_dialog (fixture->window);
  g_autoptr (JsonNode) tasks = NULL;
  g_autoptr (JsonNode) attributes = NULL;
  JsonObject *task;

  g_assert_nonnull (dialog);
  adw_message_dialog_response (dialog, "call");
  g_assert_true (flex_dialer_get_busy (flex_window_get_dialer (fixture->window)));
  while (flex_dialer_get_busy (flex_window_get_dialer (fixture->window)))
    g_main_context_iteration (NULL, TRUE);
  tasks = flex_emulator_get_tasks (emulator);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (tasks)), ==, 1);
  task = json_array_get_object_element (json_node_get_array (tasks), 0);
  g_assert_cmpstr (json_object_get_string_member (task, "routing_target"), ==,
                   flex_sandbox_get_worker_sid (fixture->sandbox));
  attributes = json_from_string (json_object_get_string_member (task, "attributes"), NULL);
  g_assert_nonnull (attributes);
  return json_object_ref (json_node_get_object (attributes));
}

static void
test_call_contact_confirms (Fixture *fixture, gconstpointer data)
{
  FlexDirectoryPage *personal = page (fixture->window, "personal");
  GtkWidget *button;
  AdwMessageDialog *dialog;
  g_autoptr (JsonObject) attributes = NULL;
  g_autofree char *heading = NULL;
  const char *name;
  const char *number;

  adw_view_stack_set_visible_child_name (
      ADW_VIEW_STACK (
          gtk_widget_get_template_child (GTK_WIDGET (fixture->window), FLEX_TYPE_WINDOW, "stack")),
      "personal");
  drain ();
  button = first_call_button (GTK_WIDGET (column_view (personal)));
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");

  dialog = wait_call_dialog (fixture->window);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  /* The dialog names the contact, the number and the caller ID. */
  g_assert_true (g_str_has_prefix (adw_message_dialog_get_heading (dialog), "Call "));
  /* Numbers as the lists show them (they were raw E.164 here). */
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "Caller ID: +1 800-555-0100"));
  g_assert_null (strstr (adw_message_dialog_get_body (dialog), "+1800"));
  g_assert_null (strstr (adw_message_dialog_get_body (dialog), "Number: +1312"));

  /* Cancel sends nothing. */
  adw_message_dialog_response (dialog, "cancel");
  drain ();
  g_assert_null (flex_window_get_call_dialog (fixture->window));
  g_assert_cmpuint (flex_emulator_count_requests (flex_sandbox_get_emulator (fixture->sandbox),
                                                  "POST", "/v1/Workspaces/"),
                    ==, 0);

  g_signal_emit_by_name (button, "clicked");
  dialog = wait_call_dialog (fixture->window);
  heading = g_strdup (adw_message_dialog_get_heading (dialog));
  attributes = confirm_call (fixture);
  name = json_object_get_string_member (attributes, "name");
  number = json_object_get_string_member (attributes, "outbound_to");
  g_assert_nonnull (name);
  g_assert_cmpstr (json_object_get_string_member (attributes, "direction"), ==, "outbound");
  g_assert_cmpstr (json_object_get_string_member (attributes, "from"), ==, "+18005550100");
  g_assert_true (g_str_has_prefix (number, "+"));
  g_assert_nonnull (strstr (heading, name));
}

static void
test_call_voice_recent (Fixture *fixture, gconstpointer data)
{
  FlexDirectoryPage *recents = page (fixture->window, "recents");
  GListModel *visible = flex_directory_page_get_visible_model (recents);
  g_autoptr (JsonObject) attributes = NULL;
  gboolean found = FALSE;
  GtkWidget *button = first_call_button (GTK_WIDGET (column_view (recents)));

  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  wait_call_dialog (fixture->window);
  attributes = confirm_call (fixture);

  /* The number called is a voice recent's customerAddress. */
  for (guint i = 0; i < g_list_model_get_n_items (visible); i++)
    {
      g_autoptr (FlexRecent) recent = g_list_model_get_item (visible, i);

      if (flex_recent_is_voice (recent) &&
          g_strcmp0 (flex_recent_get_customer_address (recent),
                     json_object_get_string_member (attributes, "outbound_to")) == 0)
        found = TRUE;
    }
  g_assert_true (found);
}

static gboolean
send_key (GtkWidget *widget, guint keyval)
{
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (widget);
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (controller) &&
          gtk_event_controller_get_propagation_phase (controller) == GTK_PHASE_CAPTURE)
        {
          g_signal_emit_by_name (controller, "key-pressed", keyval, 0, 0, &handled);
          if (handled)
            return TRUE;
        }
    }
  return FALSE;
}

static FlexDialPad *
open_dial_pad (Fixture *fixture)
{
  FlexDialPad *pad;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.dial-pad", NULL));
  drain ();
  pad = flex_window_get_dial_pad (fixture->window);
  g_assert_nonnull (pad);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (pad)));
  return pad;
}

static GtkWidget *
dial_pad_entry (FlexDialPad *pad)
{
  return GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (pad), FLEX_TYPE_DIAL_PAD, "entry"));
}

/* Type a name, arrow down, Enter: the contact's confirmation. */
static GtkWidget *
find_label (GtkWidget *widget, const char *text)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
      g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label (child, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
test_dial_pad_keyboard (Fixture *fixture, gconstpointer data)
{
  FlexDialPad *pad = open_dial_pad (fixture);
  GtkWidget *entry = dial_pad_entry (pad);
  GListModel *results = flex_dial_pad_get_results (pad);
  GtkSingleSelection *selection = GTK_SINGLE_SELECTION (results);
  g_autoptr (JsonObject) attributes = NULL;
  g_autoptr (FlexContact) first = NULL;
  guint all;

  g_assert_true (gtk_widget_has_focus (entry) || gtk_widget_is_focus (entry) ||
                 gtk_window_get_focus (GTK_WINDOW (pad)) != NULL);
  all = g_list_model_get_n_items (results);
  g_assert_cmpuint (all, ==, 12 + 25);

  gtk_editable_set_text (GTK_EDITABLE (entry), "amel");
  g_assert_cmpuint (g_list_model_get_n_items (results), ==, 1);
  g_assert_cmpuint (gtk_single_selection_get_selected (selection), ==, GTK_INVALID_LIST_POSITION);
  /* The suggestion shows the number as the lists do. */
  FLEX_TEST_WAIT_FOR (find_label (GTK_WIDGET (pad), "+1 312-555-0142") != NULL, 5000);
  g_assert_null (find_label (GTK_WIDGET (pad), "+13125550142"));

  /* By digits too: part of a number, typed with separators. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "312 555");
  g_assert_cmpuint (g_list_model_get_n_items (results), >, 1);
  g_assert_cmpuint (g_list_model_get_n_items (results), <, all);

  gtk_editable_set_text (GTK_EDITABLE (entry), "amel");
  g_assert_true (send_key (entry, GDK_KEY_Down));
  g_assert_cmpuint (gtk_single_selection_get_selected (selection), ==, 0);
  g_assert_true (send_key (entry, GDK_KEY_Up));
  g_assert_cmpuint (gtk_single_selection_get_selected (selection), ==, GTK_INVALID_LIST_POSITION);
  g_assert_true (send_key (entry, GDK_KEY_Down));
  first = g_list_model_get_item (results, 0);

  g_signal_emit_by_name (entry, "activate");
  drain ();
  g_assert_null (flex_window_get_dial_pad (fixture->window));
  g_assert_cmpstr (adw_message_dialog_get_heading (wait_call_dialog (fixture->window)), ==,
                   "Call Amelia Watson?");
  attributes = confirm_call (fixture);
  g_assert_cmpstr (json_object_get_string_member (attributes, "name"), ==,
                   flex_contact_get_name (first));
  g_assert_cmpstr (json_object_get_string_member (attributes, "outbound_to"), ==,
                   flex_contact_get_phone_number (first));
}

/* A typed number; an undiallable one is said inline and sends nothing. */
static void
test_dial_pad_number (Fixture *fixture, gconstpointer data)
{
  FlexDialPad *pad = open_dial_pad (fixture);
  GtkWidget *entry = dial_pad_entry (pad);
  GtkWidget *error_label = GTK_WIDGET (
      gtk_widget_get_template_child (GTK_WIDGET (pad), FLEX_TYPE_DIAL_PAD, "error_label"));
  g_autoptr (JsonObject) attributes = NULL;

  gtk_editable_set_text (GTK_EDITABLE (entry), "+1 555");
  g_signal_emit_by_name (entry, "activate");
  drain ();
  g_assert_true (flex_window_get_dial_pad (fixture->window) == pad);
  g_assert_true (gtk_widget_get_visible (error_label));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (error_label)), !=, "");
  g_assert_null (flex_window_get_call_dialog (fixture->window));
  /* The error line takes room from the suggestions, not from the window's
   * height (it grew past a small screen's bottom, Call button and all). */
  {
    FLEX_TEST_WAIT_FOR (
        gtk_widget_get_mapped (error_label) && gtk_widget_get_height (error_label) > 0, 5000);
    drain ();
    /* 620: the default height in flex-dial-pad.ui (GTK moves the window's
     * default size with the window). */
    g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (pad)), <=, 620);
  }

  /* Typing again clears the error. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "0044 20 7946 0958");
  g_assert_false (gtk_widget_get_visible (error_label));
  g_signal_emit_by_name (entry, "activate");
  drain ();
  g_assert_cmpstr (adw_message_dialog_get_heading (wait_call_dialog (fixture->window)), ==,
                   "Call +44 20 7946 0958?");
  g_assert_nonnull (
      strstr (adw_message_dialog_get_body (flex_window_get_call_dialog (fixture->window)),
              "Number: +44 20 7946 0958\n"));
  attributes = confirm_call (fixture);
  g_assert_cmpstr (json_object_get_string_member (attributes, "outbound_to"), ==, "+442079460958");
  g_assert_false (json_object_has_member (attributes, "name"));
}

/* tel: links reach the same confirmation, named when the number is a contact's. */
static void
test_tel_link_confirms (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GFile) link = g_file_new_for_uri ("tel:+1-312-555-0142");
  AdwMessageDialog *dialog;

  g_application_open (G_APPLICATION (the_app), &link, 1, "");
  dialog = wait_call_dialog (fixture->window);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Call Amelia Watson?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "Number: +1 312-555-0142\n"));
  adw_message_dialog_response (dialog, "cancel");
  drain ();
}

/* Offline in Flex: call buttons and the dial button are disabled, saying why,
 * and a call asked for anyway is refused with that reason. */
static void
test_offline_disables_calling (Fixture *fixture, gconstpointer data)
{
  FlexDirectoryPage *recents = page (fixture->window, "recents");
  FlexDialer *dialer = flex_window_get_dialer (fixture->window);
  GtkWidget *dial_button = GTK_WIDGET (gtk_widget_get_template_child (
      GTK_WIDGET (fixture->window), FLEX_TYPE_WINDOW, "dial_button"));
  guint n_callable = 0;
  guint n_shown = 0;

  g_assert_true (gtk_widget_is_sensitive (dial_button));
  flex_sandbox_set_worker_online (fixture->sandbox, FALSE);
  while (flex_dialer_get_available (dialer))
    g_main_context_iteration (NULL, TRUE);
  drain ();

  g_assert_false (gtk_widget_is_sensitive (dial_button));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (dial_button), ==,
                   "You are offline in Flex: go available to call");
  collect_call_buttons (GTK_WIDGET (column_view (recents)), &n_callable, &n_shown);
  g_assert_cmpuint (n_shown, >, 0);
  g_assert_cmpuint (n_callable, ==, 0);

  flex_window_call (fixture->window, "+13125550142", "Amelia Watson");
  g_assert_null (flex_window_get_call_dialog (fixture->window));

  flex_sandbox_set_worker_online (fixture->sandbox, TRUE);
  while (!flex_dialer_get_available (dialer))
    g_main_context_iteration (NULL, TRUE);
  drain ();
  g_assert_true (gtk_widget_is_sensitive (dial_button));
}

static void
on_result (GObject *object, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* FLEX_UI_SCREENSHOT_DIR=DIR: tests save the screen they look at as
 * DIR/NAME.png with ImageMagick's import (to look at by eye; nothing is
 * compared). */
static void
maybe_screenshot (GtkWidget *widget, const char *name)
{
  const char *dir = g_getenv ("FLEX_UI_SCREENSHOT_DIR");
  g_autofree char *command = NULL;

  if (dir == NULL)
    return;
  /* Let a few frames be drawn. */
  for (gint64 until = g_get_monotonic_time () + 700 * 1000; g_get_monotonic_time () < until;)
    g_main_context_iteration (NULL, FALSE);
  command = g_strdup_printf ("import -window root '%s/%s.png'", dir, name);
  g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL);
}

/* Push: the footer says Live, and a change made elsewhere shows up on
 * screen with no polling at all (the interval is 0 here). */
static void
test_live_footer_and_push (Fixture *fixture, gconstpointer data)
{
  FlexEmulator *emulator = flex_sandbox_get_emulator (fixture->sandbox);
  FlexDirectory *personal = flex_session_get_personal (fixture->session);
  FlexDirectoryPage *personal_page = page (fixture->window, "personal");
  GtkLabel *status = GTK_LABEL (gtk_widget_get_template_child (
      GTK_WIDGET (personal_page), FLEX_TYPE_DIRECTORY_PAGE, "status_label"));
  g_autofree char *map =
      g_strconcat ("Contacts_", flex_sandbox_get_worker_sid (fixture->sandbox), NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *names = NULL;

  FLEX_TEST_WAIT_FOR (flex_directory_get_live (personal), 10000);
  g_assert_true (flex_directory_get_live (personal));
  drain ();
  g_assert_cmpstr (gtk_label_get_label (status), ==, "Live");
  g_assert_cmpstr (gtk_widget_get_tooltip_text (GTK_WIDGET (status)), ==,
                   "Changes appear the moment anyone makes them");

  flex_emulator_put_item (emulator, map, "pushed-key",
                          "{\"key\":\"pushed-key\",\"name\":\"Aaron Pushed\","
                          "\"phoneNumber\":\"+13125550177\"}",
                          0, &error);
  g_assert_no_error (error);
  FLEX_TEST_WAIT_FOR (flex_directory_lookup (personal, "pushed-key") != NULL, 10000);
  drain ();
  names = visible_names (personal_page);
  g_assert_true (g_str_has_prefix (names, "Aaron Pushed,"));
}

/* Twilio unreachable: the rows stay and the footer says since when they are
 * known to be current. */
static void
test_offline_footer (Fixture *fixture, gconstpointer data)
{
  FlexDirectory *personal = flex_session_get_personal (fixture->session);
  FlexDirectoryPage *personal_page = page (fixture->window, "personal");
  GtkLabel *status = GTK_LABEL (gtk_widget_get_template_child (
      GTK_WIDGET (personal_page), FLEX_TYPE_DIRECTORY_PAGE, "status_label"));
  FlexTwilioClient *client = flex_session_get_client (fixture->session);
  guint rows = g_list_model_get_n_items (G_LIST_MODEL (personal));
  g_autoptr (GError) error = NULL;

  flex_twilio_client_set_retry_policy (client, 0, 1, 10);
  flex_twilio_client_set_base_url (client, FLEX_TWILIO_API_SYNC, "http://127.0.0.1:9", &error);
  g_assert_no_error (error);
  flex_directory_refresh (personal);
  FLEX_TEST_WAIT_FOR (flex_directory_get_offline (personal), 10000);
  drain ();
  g_assert_true (flex_directory_get_offline (personal));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (personal)), ==, rows);
  g_assert_true (
      g_str_has_prefix (gtk_label_get_label (status), "Offline — showing what was current at "));
  g_assert_nonnull (gtk_widget_get_tooltip_text (GTK_WIDGET (status)));

  /* An edit made now waits in the outbox and shows as not sent yet. */
  {
    g_autofree char *dir = g_dir_make_tmp ("flex-ui-outbox-XXXXXX", NULL);
    g_autofree char *path = g_build_filename (dir, "outbox.json", NULL);
    g_autoptr (FlexOutbox) outbox = flex_outbox_new (path, "AC00000000000000000000000000000000");
    g_autoptr (FlexContact) draft = flex_contact_new (NULL, "Aaron Offline", "+13125550166", NULL);
    g_autoptr (GAsyncResult) result = NULL;
    g_autoptr (FlexContact) saved = NULL;
    AdwViewStack *stack = ADW_VIEW_STACK (
        gtk_widget_get_template_child (GTK_WIDGET (fixture->window), FLEX_TYPE_WINDOW, "stack"));

    g_assert_true (flex_outbox_load (outbox, NULL));
    flex_session_set_outbox (fixture->session, outbox);
    flex_directory_add_contact_async (personal, draft, NULL, on_result, &result);
    while (result == NULL)
      g_main_context_iteration (NULL, TRUE);
    saved = flex_directory_write_finish (personal, result, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpint (flex_contact_get_sync (saved), ==, FLEX_CONTACT_PENDING);
    g_assert_cmpuint (flex_outbox_get_n_entries (outbox), ==, 1);
    adw_view_stack_set_visible_child_name (stack, "personal");
    drain ();
    maybe_screenshot (GTK_WIDGET (fixture->window), "offline");
    g_unlink (path);
    g_rmdir (dir);
  }
}

/* An edit made offline meets a newer version: the row says so, and editing
 * it asks Keep Theirs / Edit Again / Save Mine; keeping theirs shows theirs. */
static AdwMessageDialog *
find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return ADW_MESSAGE_DIALOG (window);
    }
  return NULL;
}

/* Makes a conflict the way it happens: offline, I edit the first personal
 * contact (@my_number / @my_notes, NULL: unchanged); someone else writes
 * @their_number (NULL: the first's) and @their_notes; back online the edit
 * meets theirs, and editing the row opens the conflict dialog, returned. */
static AdwMessageDialog *
open_offline_conflict (Fixture *fixture,
                       const char *my_number,
                       const char *my_notes,
                       const char *their_number,
                       const char *their_notes,
                       FlexOutbox **outbox_out,
                       char **dir_out,
                       char **key_out)
{
  FlexDirectory *personal = flex_session_get_personal (fixture->session);
  FlexDirectoryPage *personal_page = page (fixture->window, "personal");
  FlexTwilioClient *client = flex_session_get_client (fixture->session);
  FlexEmulator *emulator = flex_sandbox_get_emulator (fixture->sandbox);
  g_autofree char *map =
      g_strconcat ("Contacts_", flex_sandbox_get_worker_sid (fixture->sandbox), NULL);
  char *dir = g_dir_make_tmp ("flex-ui-conflict-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "outbox.json", NULL);
  FlexOutbox *outbox = flex_outbox_new (path, "AC00000000000000000000000000000000");
  g_autoptr (FlexContact) first = g_list_model_get_item (G_LIST_MODEL (personal), 0);
  g_autoptr (FlexContact) edited = flex_contact_copy (first);
  char *key = g_strdup (flex_contact_get_key (first));
  g_autofree char *theirs = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (FlexContact) saved = NULL;
  g_autoptr (GError) error = NULL;
  AdwViewStack *stack = ADW_VIEW_STACK (
      gtk_widget_get_template_child (GTK_WIDGET (fixture->window), FLEX_TYPE_WINDOW, "stack"));
  AdwMessageDialog *dialog;

  g_assert_true (flex_outbox_load (outbox, NULL));
  flex_session_set_outbox (fixture->session, outbox);
  flex_twilio_client_set_retry_policy (client, 0, 1, 10);

  flex_twilio_client_set_base_url (client, FLEX_TWILIO_API_SYNC, "http://127.0.0.1:9", &error);
  if (my_number != NULL)
    flex_contact_set_phone_number (edited, my_number);
  if (my_notes != NULL)
    flex_contact_set_notes (edited, my_notes);
  flex_directory_update_contact_async (personal, edited, NULL, on_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  saved = flex_directory_write_finish (personal, result, NULL, &error);
  g_assert_no_error (error);

  theirs = g_strdup_printf (
      "{\"key\":\"%s\",\"name\":\"%s\",\"phoneNumber\":\"%s\",\"notes\":\"%s\"}", key,
      flex_contact_get_name (first),
      their_number != NULL ? their_number : flex_contact_get_phone_number (first), their_notes);
  flex_emulator_put_item (emulator, map, key, theirs, 0, &error);
  g_assert_no_error (error);

  flex_twilio_client_set_base_url (client, FLEX_TWILIO_API_SYNC,
                                   flex_emulator_get_base_url (emulator), &error);
  flex_directory_refresh (personal);
  FLEX_TEST_WAIT_FOR (flex_directory_lookup (personal, key) != NULL &&
                          flex_contact_get_sync (flex_directory_lookup (personal, key)) ==
                              FLEX_CONTACT_CONFLICT,
                      10000);
  g_assert_cmpint (flex_contact_get_sync (flex_directory_lookup (personal, key)), ==,
                   FLEX_CONTACT_CONFLICT);
  adw_view_stack_set_visible_child_name (stack, "personal");
  drain ();
  maybe_screenshot (GTK_WIDGET (fixture->window), "conflict-row");

  gtk_widget_activate_action (GTK_WIDGET (personal_page), "page.edit", "s", key);
  drain ();
  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  *outbox_out = outbox;
  *dir_out = dir;
  *key_out = key;
  return dialog;
}

static void
close_offline_conflict (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "outbox.json", NULL);

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_offline_conflict (Fixture *fixture, gconstpointer data)
{
  FlexDirectory *personal = NULL;
  g_autofree char *key = NULL;
  g_autofree char *dir = NULL;
  g_autoptr (FlexOutbox) outbox = NULL;
  AdwMessageDialog *dialog;

  /* Offline, I change the number while someone else changes the number
   * and the notes; back online, editing it asks first. */
  dialog = open_offline_conflict (fixture, "+13125550999", NULL, "+13125550777", "Changed in Flex",
                                  &outbox, &dir, &key);
  personal = flex_session_get_personal (fixture->session);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==,
                   "Someone Else Changed This Contact");
  /* Numbers as the list shows them. */
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "+1 312-555-0777"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "+1 312-555-0999"));
  /* The notes I did not touch take theirs: not a difference. */
  g_assert_null (strstr (adw_message_dialog_get_body (dialog), "Notes"));
  maybe_screenshot (GTK_WIDGET (fixture->window), "conflict-dialog");

  /* Keep theirs: my edit goes, theirs shows. */
  adw_message_dialog_response (dialog, "keep");
  FLEX_TEST_WAIT_FOR (flex_directory_lookup (personal, key) != NULL &&
                          flex_contact_get_sync (flex_directory_lookup (personal, key)) ==
                              FLEX_CONTACT_SYNCED,
                      10000);
  g_assert_cmpstr (flex_contact_get_phone_number (flex_directory_lookup (personal, key)), ==,
                   "+13125550777");
  g_assert_cmpuint (flex_outbox_get_n_entries (outbox), ==, 0);
  close_offline_conflict (dir);
}

/* A conflict in the notes is named; Save Mine keeps their change of a field
 * I did not touch (a three-way merge over what my edit started from). */
static void
test_conflict_merge (Fixture *fixture, gconstpointer data)
{
  FlexDirectory *personal = NULL;
  g_autofree char *key = NULL;
  g_autofree char *dir = NULL;
  g_autoptr (FlexOutbox) outbox = NULL;
  FlexContact *shown;
  AdwMessageDialog *dialog;
  const char *body;

  /* I change the notes; they change the notes and the number. */
  dialog = open_offline_conflict (fixture, NULL, "Mine: call after 5", "+13125550777",
                                  "Theirs: VIP", &outbox, &dir, &key);
  personal = flex_session_get_personal (fixture->session);
  body = adw_message_dialog_get_body (dialog);
  g_assert_nonnull (strstr (body, "Notes — theirs: “Theirs: VIP”, yours: “Mine: call after 5”"));
  /* Their number is the number of both: not a difference. */
  g_assert_null (strstr (body, "Phone number"));

  adw_message_dialog_response (dialog, "overwrite");
  FLEX_TEST_WAIT_FOR (flex_directory_lookup (personal, key) != NULL &&
                          flex_contact_get_sync (flex_directory_lookup (personal, key)) ==
                              FLEX_CONTACT_SYNCED &&
                          g_strcmp0 (flex_contact_get_notes (flex_directory_lookup (personal, key)),
                                     "Mine: call after 5") == 0,
                      10000);
  shown = flex_directory_lookup (personal, key);
  g_assert_cmpstr (flex_contact_get_notes (shown), ==, "Mine: call after 5");
  g_assert_cmpstr (flex_contact_get_phone_number (shown), ==, "+13125550777");
  g_assert_cmpuint (flex_outbox_get_n_entries (outbox), ==, 0);
  close_offline_conflict (dir);
}

/* Offline, searching works on what is shown, and a call says it needs Flex. */
static void
test_offline_call_says_so (Fixture *fixture, gconstpointer data)
{
  FlexDirectoryPage *personal = page (fixture->window, "personal");
  FlexTwilioClient *client = flex_session_get_client (fixture->session);
  g_autoptr (GError) error = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *button;

  adw_view_stack_set_visible_child_name (
      ADW_VIEW_STACK (
          gtk_widget_get_template_child (GTK_WIDGET (fixture->window), FLEX_TYPE_WINDOW, "stack")),
      "personal");
  drain ();
  flex_twilio_client_set_retry_policy (client, 0, 1, 10);
  for (guint api = 0; api < FLEX_TWILIO_N_APIS; api++)
    flex_twilio_client_set_base_url (client, api, "http://127.0.0.1:9", &error);
  g_assert_no_error (error);

  search (fixture, "amelia");
  {
    g_autofree char *names = visible_names (personal);

    g_assert_cmpstr (names, ==, "Amelia Watson");
  }
  search (fixture, "");

  button = first_call_button (GTK_WIDGET (column_view (personal)));
  g_signal_emit_by_name (button, "clicked");
  dialog = wait_call_dialog (fixture->window);
  adw_message_dialog_response (dialog, "call");
  while (flex_dialer_get_busy (flex_window_get_dialer (fixture->window)))
    g_main_context_iteration (NULL, TRUE);
  drain ();
  g_assert_cmpstr (flex_window_get_last_toast (fixture->window), ==,
                   "Calling needs Flex, and Twilio cannot be reached right now; try again when "
                   "you are back online");
}

/* Adds a contact as a person does: the page's Add, the dialog filled in,
 * Save. */
static void
add_through_dialog (FlexDirectoryPage *page, const char *name, const char *number)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  FlexContactDialog *editor = NULL;

  gtk_widget_activate_action (GTK_WIDGET (page), "page.add", NULL);
  drain ();
  for (guint i = 0; i < g_list_model_get_n_items (toplevels) && editor == NULL; i++)
    {
      g_autoptr (GObject) window = g_list_model_get_item (toplevels, i);

      if (FLEX_IS_CONTACT_DIALOG (window))
        editor = FLEX_CONTACT_DIALOG (window);
    }
  g_assert_nonnull (editor);
  gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_template_child (
                             GTK_WIDGET (editor), FLEX_TYPE_CONTACT_DIALOG, "name_row")),
                         name);
  gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_template_child (
                             GTK_WIDGET (editor), FLEX_TYPE_CONTACT_DIALOG, "phone_row")),
                         number);
  gtk_widget_activate_action (GTK_WIDGET (editor), "dialog.save", NULL);
}

/* The Flex sign-in ended: the banner shows over the lists, and an edit made
 * then waits in the outbox, its toast saying it is sent at the next
 * sign-in (not "when Twilio is back"). */
static void
test_signed_out_edit_waits (Fixture *fixture, gconstpointer data)
{
  FlexDirectoryPage *personal = page (fixture->window, "personal");
  FlexTwilioClient *client = flex_session_get_client (fixture->session);
  g_autofree char *dir = g_dir_make_tmp ("flex-ui-signed-out-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "outbox.json", NULL);
  g_autoptr (FlexOutbox) outbox = flex_outbox_new (path, "AC00000000000000000000000000000000");
  g_autoptr (GError) error = NULL;
  GtkWidget *banner = (GtkWidget *) gtk_widget_get_template_child (
      GTK_WIDGET (fixture->window), FLEX_TYPE_WINDOW, "sign_in_revealer");

  g_assert_false (gtk_widget_get_visible (banner));
  flex_window_set_signed_out (fixture->window, TRUE, FALSE);
  g_assert_true (gtk_widget_get_visible (banner));
  g_assert_true (flex_window_get_signed_out (fixture->window));

  g_assert_true (flex_outbox_load (outbox, NULL));
  flex_session_set_outbox (fixture->session, outbox);
  flex_twilio_client_set_retry_policy (client, 0, 1, 10);
  for (guint api = 0; api < FLEX_TWILIO_N_APIS; api++)
    flex_twilio_client_set_base_url (client, api, "http://127.0.0.1:9", &error);
  g_assert_no_error (error);

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-page", "s", "personal");
  drain ();
  add_through_dialog (personal, "Signed Out Sam", "+13125550166");
  FLEX_TEST_WAIT_FOR (g_strcmp0 (flex_window_get_last_toast (fixture->window),
                                 "Saved here — will be sent when you sign in to Flex again") == 0,
                      10000);
  g_assert_cmpuint (flex_outbox_get_n_entries (outbox), ==, 1);
  maybe_screenshot (GTK_WIDGET (fixture->window), "signed-out");

  flex_window_set_signed_out (fixture->window, FALSE, FALSE);
  g_assert_false (gtk_widget_get_visible (banner));
  g_unlink (path);
  g_rmdir (dir);
}

/* Waits for a message dialog to show (fails after 10 s). */
static AdwMessageDialog *
wait_message_dialog (void)
{
  AdwMessageDialog *dialog = NULL;

  /* Returns as soon as it shows; the bound is for a loaded sanitizer run
   * (a preview under ASan with the whole suite running took over 10 s). */
  FLEX_TEST_WAIT_FOR ((dialog = find_message_dialog ()) != NULL, 30000);
  return dialog;
}

static FlexContact *
find_by_name (FlexDirectory *directory, const char *name)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (directory)); i++)
    {
      g_autoptr (FlexContact) contact = g_list_model_get_item (G_LIST_MODEL (directory), i);

      if (g_strcmp0 (flex_contact_get_name (contact), name) == 0)
        return contact; /* the directory keeps it */
    }
  return NULL;
}

/* The count a row shows: its label with the "numeric" style. */
static GtkWidget *
find_numeric_label (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_LABEL (child) && gtk_widget_has_css_class (child, "numeric"))
        return child;
      if (ADW_IS_ACTION_ROW (child))
        continue; /* another row's */
      if ((found = find_numeric_label (child)) != NULL)
        return found;
    }
  return NULL;
}

/* The rows of a boxed list: "title:subtitle" or "title=suffix label". */
static void
collect_rows (GtkWidget *widget, GString *out)
{
  GtkWidget *expander = gtk_widget_get_ancestor (widget, ADW_TYPE_EXPANDER_ROW);
  /* An expander row shows its title in an action row of its own. */
  gboolean header = ADW_IS_ACTION_ROW (widget) && expander != NULL &&
                    g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)),
                               adw_preferences_row_get_title (ADW_PREFERENCES_ROW (expander))) == 0;

  if ((ADW_IS_ACTION_ROW (widget) || ADW_IS_EXPANDER_ROW (widget)) && !header)
    {
      const char *subtitle = ADW_IS_ACTION_ROW (widget)
                                 ? adw_action_row_get_subtitle (ADW_ACTION_ROW (widget))
                                 : adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (widget));
      GtkWidget *suffix = find_numeric_label (widget);

      /* Rows show what files hold: plain text, never markup. */
      g_assert_false (adw_preferences_row_get_use_markup (ADW_PREFERENCES_ROW (widget)));
      g_string_append (out, adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)));
      if (subtitle != NULL && *subtitle != '\0')
        g_string_append_printf (out, ":%s", subtitle);
      if (suffix != NULL && ADW_IS_ACTION_ROW (widget))
        g_string_append_printf (out, "=%s", gtk_label_get_label (GTK_LABEL (suffix)));
      g_string_append_c (out, '|');
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_rows (child, out);
}

static char *
row_texts (GtkWidget *widget)
{
  GString *out = g_string_new (NULL);

  collect_rows (widget, out);
  return g_string_free (out, FALSE);
}

/* A file (as if dropped on the window) → a preview that says what it does →
 * Import → the rows are there → Undo removes them again. */
static void
test_import_preview_and_undo (Fixture *fixture, gconstpointer data)
{
  FlexDirectory *personal = flex_session_get_personal (fixture->session);
  FlexDirectoryPage *personal_page = page (fixture->window, "personal");
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "google.csv", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  guint before = g_list_model_get_n_items (G_LIST_MODEL (personal));
  AdwMessageDialog *dialog;
  const char *body;
  g_autofree char *rows = NULL;

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-page", "s", "personal");
  flex_directory_page_import (personal_page, file);
  dialog = wait_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Import into My Contacts?");
  body = adw_message_dialog_get_body (dialog);
  g_assert_cmpstr (body, ==, "google.csv holds 5 contacts.");
  rows = row_texts (adw_message_dialog_get_extra_child (dialog));
  g_assert_cmpstr (rows, ==,
                   "New contacts=3|Repeated in the file, skipped=1|Cannot be imported:1|"
                   "Ghost Row (row 5):No phone number|");
  maybe_screenshot (GTK_WIDGET (fixture->window), "import-preview");

  adw_message_dialog_response (dialog, "import");
  gtk_window_close (GTK_WINDOW (dialog)); /* as a button does */
  FLEX_TEST_WAIT_FOR (g_list_model_get_n_items (G_LIST_MODEL (personal)) == before + 3, 20000);
  g_assert_nonnull (find_by_name (personal, "Priya Raman"));
  g_assert_cmpstr (flex_contact_get_phone_number (find_by_name (personal, "Priya Raman")), ==,
                   "+13125550134");
  drain ();
  maybe_screenshot (GTK_WIDGET (fixture->window), "import-done");
  /* The last word counts what was left out too. */
  FLEX_TEST_WAIT_FOR (g_strcmp0 (flex_window_get_last_toast (fixture->window),
                                 "Imported: 3 added, 0 updated, 2 skipped") == 0,
                      20000);

  FLEX_TEST_WAIT_FOR (flex_transfer_can_undo (GTK_WIDGET (personal_page)), 20000);
  gtk_widget_activate_action (GTK_WIDGET (personal_page), "page.undo", NULL);
  FLEX_TEST_WAIT_FOR (g_list_model_get_n_items (G_LIST_MODEL (personal)) == before, 20000);
  g_assert_null (find_by_name (personal, "Priya Raman"));
}

/* The preview names the contacts an import updates, and says where a
 * vCard's contacts are by card, not "row". */
static void
test_import_preview_names (Fixture *fixture, gconstpointer data)
{
  FlexDirectoryPage *personal_page = page (fixture->window, "personal");
  g_autofree char *dir = g_dir_make_tmp ("flex-import-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "team.vcf", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  AdwMessageDialog *dialog;
  g_autofree char *rows = NULL;

  g_assert_true (g_file_set_contents (path,
                                      "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Amelia W.\r\n"
                                      "TEL:+13125550142\r\nEND:VCARD\r\n"
                                      "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:No Number\r\n"
                                      "END:VCARD\r\n",
                                      -1, NULL));
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-page", "s", "personal");
  flex_directory_page_import (personal_page, file);
  dialog = wait_message_dialog ();
  g_assert_nonnull (dialog);
  rows = row_texts (adw_message_dialog_get_extra_child (dialog));
  g_assert_cmpstr (rows, ==,
                   "Updates of contacts with the same number:1|"
                   "Amelia W. (card 1):Updates “Amelia Watson”|"
                   "Cannot be imported:1|No Number (card 2):No phone number|");
  maybe_screenshot (GTK_WIDGET (fixture->window), "import-preview-names");
  adw_message_dialog_response (dialog, "cancel");
  gtk_window_close (GTK_WINDOW (dialog));
  drain ();
  g_unlink (path);
  g_rmdir (dir);
}

/* Ctrl/Shift-click selects several; "Delete Selected…" asks once, deletes
 * them, and Undo brings them back. */
static void
test_delete_selected_and_undo (Fixture *fixture, gconstpointer data)
{
  FlexDirectory *personal = flex_session_get_personal (fixture->session);
  FlexDirectoryPage *personal_page = page (fixture->window, "personal");
  GtkSelectionModel *selection = gtk_column_view_get_model (column_view (personal_page));
  GtkWidget *button = GTK_WIDGET (gtk_widget_get_template_child (
      GTK_WIDGET (personal_page), FLEX_TYPE_DIRECTORY_PAGE, "delete_selected_button"));
  guint before = g_list_model_get_n_items (G_LIST_MODEL (personal));
  AdwMessageDialog *dialog;

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-page", "s", "personal");
  g_assert_false (gtk_widget_get_visible (button));
  g_assert_true (gtk_selection_model_select_range (selection, 0, 3, TRUE));
  drain ();
  g_assert_true (gtk_widget_get_visible (button));
  maybe_screenshot (GTK_WIDGET (fixture->window), "selection");

  gtk_widget_activate_action (GTK_WIDGET (personal_page), "page.delete-selected", NULL);
  dialog = wait_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Delete 3 Contacts?");
  /* Named, not only counted. */
  {
    g_autoptr (FlexContact) first =
        g_list_model_get_item (flex_directory_page_get_visible_model (personal_page), 0);
    g_autofree char *quoted = g_strdup_printf ("“%s”", flex_contact_get_name (first));

    g_assert_true (g_str_has_prefix (adw_message_dialog_get_body (dialog), quoted));
  }
  adw_message_dialog_response (dialog, "delete");
  gtk_window_close (GTK_WINDOW (dialog)); /* as a button does */
  FLEX_TEST_WAIT_FOR (g_list_model_get_n_items (G_LIST_MODEL (personal)) == before - 3, 20000);
  g_assert_null (find_by_name (personal, "Amelia Watson"));

  FLEX_TEST_WAIT_FOR (flex_transfer_can_undo (GTK_WIDGET (personal_page)), 20000);
  gtk_widget_activate_action (GTK_WIDGET (personal_page), "page.undo", NULL);
  FLEX_TEST_WAIT_FOR (g_list_model_get_n_items (G_LIST_MODEL (personal)) == before, 20000);
  g_assert_nonnull (find_by_name (personal, "Amelia Watson"));
  g_assert_cmpstr (flex_contact_get_notes (find_by_name (personal, "Amelia Watson")), ==,
                   "Prefers calls after 3 pm");

  /* One contact: the confirmation says its name. */
  gtk_selection_model_unselect_all (selection);
  g_assert_true (gtk_selection_model_select_item (selection, 0, TRUE));
  gtk_widget_activate_action (GTK_WIDGET (personal_page), "page.delete-selected", NULL);
  dialog = wait_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Delete “Amelia Watson”?");
  adw_message_dialog_response (dialog, "cancel");
  gtk_window_close (GTK_WINDOW (dialog));
  drain ();
}

/* What a page shows, exported, reads back with the import. */
/* The format chosen in the save dialog decides, and the name follows it:
 * vCard with the suggested "my-contacts.csv" wrote CSV (issue 21). */
static void
test_export_format_choice (void)
{
  static const struct
  {
    int chosen;
    const char *name;
    gboolean vcard;
    const char *target;
  } cases[] = {
    { FLEX_EXPORT_VCARD, "my-contacts.csv", TRUE, "my-contacts.vcf" },
    { FLEX_EXPORT_VCARD, "team.vcf", TRUE, "team.vcf" },
    { FLEX_EXPORT_VCARD, "team", TRUE, "team" },
    { FLEX_EXPORT_CSV, "team.vcf", FALSE, "team.csv" },
    { FLEX_EXPORT_CSV, "my-contacts.csv", FALSE, "my-contacts.csv" },
    { -1, "team.vcard", TRUE, "team.vcard" },
    { -1, "team.csv", FALSE, "team.csv" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *target = NULL;

      g_assert_cmpint (flex_transfer_export_target (cases[i].chosen, cases[i].name, &target), ==,
                       cases[i].vcard);
      g_assert_cmpstr (target, ==, cases[i].target);
    }
}

static void
test_export_file (Fixture *fixture, gconstpointer data)
{
  FlexDirectoryPage *shared_page = page (fixture->window, "shared");
  GListModel *visible = flex_directory_page_get_visible_model (shared_page);
  g_autofree char *dir = g_dir_make_tmp ("flex-export-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "shared.vcf", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (flex_transfer_export_to (visible, FLEX_DIRECTORY_KIND_SHARED, TRUE, file, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  {
    g_autoptr (GBytes) bytes = g_bytes_new (contents, length);
    g_autoptr (GPtrArray) rows = flex_import_parse (bytes, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (rows->len, ==, g_list_model_get_n_items (visible));
    for (guint i = 0; i < rows->len; i++)
      {
        g_autoptr (FlexContact) shown = g_list_model_get_item (visible, i);
        FlexImportRow *row = g_ptr_array_index (rows, i);

        g_assert_cmpstr (row->name, ==, flex_contact_get_name (shown));
        g_assert_cmpstr (row->phone, ==, flex_contact_get_phone_number (shown));
        g_assert_true (row->has_transfer);
      }
  }
  g_unlink (path);
  g_rmdir (dir);
}

/* A long import shows its progress, paced, and Stop stops it: what was
 * written stays (and can be undone), importing again would go on. */
static void
test_import_progress_and_stop (Fixture *fixture, gconstpointer data)
{
  FlexDirectory *personal = flex_session_get_personal (fixture->session);
  FlexDirectoryPage *personal_page = page (fixture->window, "personal");
  g_autofree char *dir = g_dir_make_tmp ("flex-import-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "many.csv", NULL);
  g_autoptr (GString) csv = g_string_new ("name,phone\n");
  g_autoptr (GFile) file = NULL;
  guint before = g_list_model_get_n_items (G_LIST_MODEL (personal));
  AdwMessageDialog *dialog;
  GtkProgressBar *progress;
  guint added;

  for (guint i = 0; i < 60; i++)
    g_string_append_printf (csv, "Caller %02u,+1 415 555 01%02u\n", i, i);
  g_assert_true (g_file_set_contents (path, csv->str, -1, NULL));
  file = g_file_new_for_path (path);

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-page", "s", "personal");
  flex_directory_page_import (personal_page, file);
  dialog = wait_message_dialog ();
  g_assert_nonnull (dialog);
  adw_message_dialog_response (dialog, "import");
  gtk_window_close (GTK_WINDOW (dialog)); /* as a button does */
  drain ();

  dialog = wait_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Importing Contacts");
  progress = GTK_PROGRESS_BAR (adw_message_dialog_get_extra_child (dialog));
  FLEX_TEST_WAIT_FOR (g_list_model_get_n_items (G_LIST_MODEL (personal)) >= before + 5, 20000);
  drain ();
  g_assert_cmpfloat (gtk_progress_bar_get_fraction (progress), >, 0.0);
  maybe_screenshot (GTK_WIDGET (fixture->window), "import-progress");

  adw_message_dialog_response (dialog, "stop");
  FLEX_TEST_WAIT_FOR (flex_transfer_can_undo (GTK_WIDGET (personal_page)), 20000);
  drain ();
  g_assert_null (find_message_dialog ());
  added = g_list_model_get_n_items (G_LIST_MODEL (personal)) - before;
  g_assert_cmpuint (added, >=, 5);
  g_assert_cmpuint (added, <, 60);

  g_unlink (path);
  g_rmdir (dir);
}

/* The widgets of @type under @widget that are on screen, in order. */
static void
collect_mapped (GtkWidget *widget, GType type, GPtrArray *found)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type) && gtk_widget_get_mapped (widget))
    g_ptr_array_add (found, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_mapped (child, type, found);
}

/* The "Select" button shows a check box a row (pointer and touch); ticking
 * two selects them; leaving the mode drops the selection. */
static void
test_selection_mode (Fixture *fixture, gconstpointer data)
{
  FlexDirectoryPage *personal_page = page (fixture->window, "personal");
  GtkSelectionModel *selection = gtk_column_view_get_model (column_view (personal_page));
  GtkToggleButton *select = GTK_TOGGLE_BUTTON (gtk_widget_get_template_child (
      GTK_WIDGET (personal_page), FLEX_TYPE_DIRECTORY_PAGE, "select_button"));
  GtkWidget *delete_button = GTK_WIDGET (gtk_widget_get_template_child (
      GTK_WIDGET (personal_page), FLEX_TYPE_DIRECTORY_PAGE, "delete_selected_button"));
  g_autoptr (GPtrArray) checks = g_ptr_array_new ();
  g_autoptr (GtkBitset) selected = NULL;

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-page", "s", "personal");
  drain ();
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (select)));
  collect_mapped (GTK_WIDGET (column_view (personal_page)), GTK_TYPE_CHECK_BUTTON, checks);
  g_assert_cmpuint (checks->len, ==, 0);

  gtk_toggle_button_set_active (select, TRUE);
  drain ();
  collect_mapped (GTK_WIDGET (column_view (personal_page)), GTK_TYPE_CHECK_BUTTON, checks);
  g_assert_cmpuint (checks->len, >=, 6); /* one a row on screen */
  gtk_check_button_set_active (g_ptr_array_index (checks, 1), TRUE);
  gtk_check_button_set_active (g_ptr_array_index (checks, 3), TRUE);
  drain ();
  selected = gtk_selection_model_get_selection (selection);
  g_assert_cmpuint (gtk_bitset_get_size (selected), ==, 2);
  g_assert_true (gtk_bitset_contains (selected, 1));
  g_assert_true (gtk_bitset_contains (selected, 3));
  g_assert_true (gtk_widget_get_visible (delete_button));
  maybe_screenshot (GTK_WIDGET (fixture->window), "selection-mode");

  /* Selecting with the keyboard ticks the boxes too. */
  gtk_selection_model_select_item (selection, 5, FALSE);
  drain ();
  g_assert_true (gtk_check_button_get_active (g_ptr_array_index (checks, 5)));

  gtk_toggle_button_set_active (select, FALSE);
  drain ();
  g_clear_pointer (&selected, gtk_bitset_unref);
  selected = gtk_selection_model_get_selection (selection);
  g_assert_true (gtk_bitset_is_empty (selected));
  g_assert_false (gtk_widget_get_visible (delete_button));
  g_ptr_array_set_size (checks, 0);
  collect_mapped (GTK_WIDGET (column_view (personal_page)), GTK_TYPE_CHECK_BUTTON, checks);
  g_assert_cmpuint (checks->len, ==, 0);
}

/* A file dropped on the window is imported: the same preview. */
static void
test_drop_file_imports (Fixture *fixture, gconstpointer data)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "ios-3.0.vcf", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GListModel) controllers =
      gtk_widget_observe_controllers (GTK_WIDGET (fixture->window));
  GtkDropTarget *drop = NULL;
  GSList *files = g_slist_prepend (NULL, file);
  GValue value = G_VALUE_INIT;
  gboolean accepted = FALSE;
  AdwMessageDialog *dialog;

  for (guint i = 0; i < g_list_model_get_n_items (controllers) && drop == NULL; i++)
    {
      g_autoptr (GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller))
        drop = GTK_DROP_TARGET (controller);
    }
  g_assert_nonnull (drop);
  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_set_boxed (&value, files);
  g_signal_emit_by_name (drop, "drop", &value, 10.0, 10.0, &accepted);
  g_value_unset (&value);
  g_slist_free (files);
  g_assert_true (accepted);

  dialog = wait_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Import into My Contacts?");
  g_assert_cmpstr (adw_message_dialog_get_body (dialog), ==, "ios-3.0.vcf holds 2 contacts.");
  adw_message_dialog_response (dialog, "cancel");
  gtk_window_close (GTK_WINDOW (dialog));
}

/* A header click's order and the tab on screen are remembered: a new window
 * shows the same tab, sorted the same way. */
static void
test_sort_and_tab_remembered (Fixture *fixture, gconstpointer data)
{
  GSettings *settings = flex_application_get_settings (the_app);
  FlexDirectoryPage *shared = page (fixture->window, "shared");
  FlexDirectoryPage *recents = page (fixture->window, "recents");
  g_autofree char *shared_sort = NULL;
  g_autofree char *recents_sort = NULL;
  g_autofree char *tab = NULL;
  g_autoptr (FlexContact) first = NULL;
  FlexWindow *again;
  AdwViewStack *stack;

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-page", "s", "shared");
  gtk_column_view_sort_by_column (column_view (shared), column_titled (shared, "Phone Number"),
                                  GTK_SORT_DESCENDING);
  gtk_column_view_sort_by_column (column_view (recents), column_titled (recents, "Duration"),
                                  GTK_SORT_ASCENDING);
  shared_sort = g_settings_get_string (settings, "sort-shared");
  recents_sort = g_settings_get_string (settings, "sort-recents");
  tab = g_settings_get_string (settings, "last-tab");
  g_assert_cmpstr (shared_sort, ==, "number:descending");
  g_assert_cmpstr (recents_sort, ==, "duration:ascending");
  g_assert_cmpstr (tab, ==, "shared");

  again = open_window (fixture, fixture->session);
  stack = ADW_VIEW_STACK (
      gtk_widget_get_template_child (GTK_WIDGET (again), FLEX_TYPE_WINDOW, "stack"));
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (stack), ==, "shared");
  g_assert_cmpstr (flex_directory_page_get_sort (page (again, "shared")), ==, "number:descending");
  first = g_list_model_get_item (flex_directory_page_get_visible_model (page (again, "shared")), 0);
  g_assert_cmpstr (flex_contact_get_name (first), ==, "Warehouse"); /* the highest number */
  gtk_window_destroy (GTK_WINDOW (again));
  drain ();

  /* No column: the directory's own order, remembered as that. */
  gtk_column_view_sort_by_column (column_view (shared), NULL, GTK_SORT_ASCENDING);
  g_clear_pointer (&shared_sort, g_free);
  shared_sort = g_settings_get_string (settings, "sort-shared");
  g_assert_cmpstr (shared_sort, ==, "");
}

/* Every row button names its row for a screen reader ("Call Amelia Watson",
 * not one "Call" of many), and the footer buttons their action without the
 * mnemonic. Checked through GTK's accessibility API (gtk_test_accessible_*),
 * which is what AT-SPI is fed from. */
static void
test_row_buttons_named (Fixture *fixture, gconstpointer data)
{
  FlexDirectoryPage *personal = page (fixture->window, "personal");
  g_autoptr (GPtrArray) buttons = g_ptr_array_new ();
  GtkWidget *add_button = GTK_WIDGET (gtk_widget_get_template_child (
      GTK_WIDGET (personal), FLEX_TYPE_DIRECTORY_PAGE, "add_button"));
  GtkWidget *amelia_call = NULL;

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-page", "s", "personal");
  drain ();
  collect_mapped (GTK_WIDGET (column_view (personal)), GTK_TYPE_BUTTON, buttons);
  g_assert_cmpuint (buttons->len, >=, 4 * 10);
  for (guint i = 0; i < buttons->len; i++)
    {
      GtkWidget *button = g_ptr_array_index (buttons, i);
      const char *tooltip = g_object_get_data (G_OBJECT (button), "flex-tooltip");

      if (g_strcmp0 (tooltip, "Call Amelia Watson") == 0)
        amelia_call = button;
    }
  g_assert_nonnull (amelia_call);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (amelia_call), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Call Amelia Watson");
  /* Its neighbours in the row. */
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (gtk_widget_get_prev_sibling (amelia_call)),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL, "Notes on Amelia Watson");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (gtk_widget_get_next_sibling (amelia_call)),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL, "Edit Amelia Watson");
  gtk_test_accessible_assert_property (
      GTK_ACCESSIBLE (gtk_widget_get_next_sibling (gtk_widget_get_next_sibling (amelia_call))),
      GTK_ACCESSIBLE_PROPERTY_LABEL, "Delete Amelia Watson");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (add_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Add Contact");
}

static GtkWidget *
find_inscription (GtkWidget *widget, const char *text)
{
  if (GTK_IS_INSCRIPTION (widget) &&
      g_strcmp0 (gtk_inscription_get_text (GTK_INSCRIPTION (widget)), text) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_inscription (child, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkPopoverMenu *
find_row_menu (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_POPOVER_MENU (child) && gtk_widget_get_visible (child))
      return GTK_POPOVER_MENU (child);
  return NULL;
}

static char *
menu_labels (GtkPopoverMenu *popover)
{
  GMenuModel *model = gtk_popover_menu_get_menu_model (popover);
  GString *labels = g_string_new (NULL);

  for (int i = 0; i < g_menu_model_get_n_items (model); i++)
    {
      g_autofree char *label = NULL;

      g_menu_model_get_item_attribute (model, i, G_MENU_ATTRIBUTE_LABEL, "s", &label);
      g_string_append_printf (labels, "%s%s", i > 0 ? "|" : "", label);
    }
  return g_string_free (labels, FALSE);
}

static void
on_clipboard_text (GObject *object, GAsyncResult *result, gpointer user_data)
{
  *(char **) user_data = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (object), result, NULL);
}

/* Keyboard first: Enter on a row calls it; F2 edits the selected contact;
 * the Menu key (and a right click on a row) opens Call, Edit, Copy Number,
 * Delete; Copy Number puts the number on the clipboard. */
static void
test_row_keyboard_and_menu (Fixture *fixture, gconstpointer data)
{
  FlexDirectoryPage *personal = page (fixture->window, "personal");
  GtkColumnView *view = column_view (personal);
  GtkSelectionModel *selection = gtk_column_view_get_model (view);
  g_autofree char *labels = NULL;
  g_autofree char *copied = NULL;
  GtkPopoverMenu *menu;
  GtkWidget *cell;
  GListModel *toplevels = gtk_window_get_toplevels ();
  FlexContactDialog *editor = NULL;
  graphene_point_t at;

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-page", "s", "personal");
  drain ();

  /* Enter (the column view's "activate") on Amelia's row. */
  g_signal_emit_by_name (view, "activate", 0);
  g_assert_cmpstr (adw_message_dialog_get_heading (wait_call_dialog (fixture->window)), ==,
                   "Call Amelia Watson?");
  adw_message_dialog_response (flex_window_get_call_dialog (fixture->window), "cancel");
  drain ();

  /* The Menu key on the selected row, which has the focus (as after a
   * click or the arrow keys). */
  gtk_selection_model_select_item (selection, 1, TRUE);
  {
    GtkWidget *bruno = find_inscription (GTK_WIDGET (view), "Bruno Díaz");
    GtkWidget *row = bruno;

    g_assert_nonnull (bruno);
    while (row != NULL && !gtk_widget_get_focusable (row))
      row = gtk_widget_get_parent (row);
    g_assert_nonnull (row);
    g_assert_true (gtk_widget_grab_focus (row));
    /* On screen, as a person sees it: laid out. */
    FLEX_TEST_WAIT_FOR (gtk_widget_get_height (row) > 0 && gtk_widget_get_width (row) > 0, 5000);
  }
  gtk_widget_activate_action (GTK_WIDGET (personal), "page.row-menu", NULL);
  drain ();
  menu = find_row_menu (GTK_WIDGET (personal));
  g_assert_nonnull (menu);
  labels = menu_labels (menu);
  g_assert_cmpstr (labels, ==, "_Call|_Edit|Copy _Number|Show N_otes|_Delete");
  maybe_screenshot (GTK_WIDGET (fixture->window), "row-menu");
  /* It points at Bruno's row (it opened at the list's corner), and when it
   * closes the focus is on that row (it went to the header's dial button). */
  {
    GtkWidget *bruno = find_inscription (GTK_WIDGET (view), "Bruno Díaz");
    GdkRectangle pointing;
    graphene_rect_t row;
    GtkWidget *focus;

    g_assert_nonnull (bruno);
    g_assert_true (gtk_popover_get_pointing_to (GTK_POPOVER (menu), &pointing));
    g_assert_true (gtk_widget_compute_bounds (bruno, GTK_WIDGET (personal), &row));
    g_assert_cmpint (pointing.y, >=, (int) row.origin.y - 4);
    g_assert_cmpint (pointing.y, <=, (int) (row.origin.y + row.size.height) + 4);
    gtk_popover_popdown (GTK_POPOVER (menu));
    drain ();
    focus = gtk_root_get_focus (GTK_ROOT (fixture->window));
    g_assert_nonnull (focus);
    g_assert_true (gtk_widget_is_ancestor (focus, GTK_WIDGET (view)));
    g_assert_true (gtk_widget_is_ancestor (bruno, focus));
  }
  /* Its notes, where the menu was (the way to them in a narrow window). */
  {
    g_autoptr (FlexContact) bruno =
        g_list_model_get_item (flex_directory_page_get_visible_model (personal), 1);
    GtkWidget *notes = GTK_WIDGET (gtk_widget_get_template_child (
        GTK_WIDGET (personal), FLEX_TYPE_DIRECTORY_PAGE, "notes_popover"));
    GtkLabel *notes_label = GTK_LABEL (gtk_widget_get_template_child (
        GTK_WIDGET (personal), FLEX_TYPE_DIRECTORY_PAGE, "notes_label"));

    gtk_widget_activate_action (GTK_WIDGET (personal), "page.show-notes", "u", 1);
    drain ();
    g_assert_true (gtk_widget_get_visible (notes));
    g_assert_cmpstr (gtk_label_get_label (notes_label), ==, flex_contact_get_notes (bruno));
    g_assert_cmpstr (flex_contact_get_name (bruno), ==, "Bruno Díaz");
    gtk_popover_popdown (GTK_POPOVER (notes));
  }

  /* A right click on Amelia's name. */
  cell = find_inscription (GTK_WIDGET (view), "Amelia Watson");
  g_assert_nonnull (cell);
  g_assert_true (
      gtk_widget_compute_point (cell, GTK_WIDGET (view), &GRAPHENE_POINT_INIT (5, 5), &at));
  {
    GListModel *controllers = gtk_widget_observe_controllers (GTK_WIDGET (view));
    GtkGesture *right = NULL;

    for (guint i = 0; i < g_list_model_get_n_items (controllers) && right == NULL; i++)
      {
        g_autoptr (GObject) controller = g_list_model_get_item (controllers, i);

        if (GTK_IS_GESTURE_CLICK (controller) &&
            gtk_gesture_single_get_button (GTK_GESTURE_SINGLE (controller)) == GDK_BUTTON_SECONDARY)
          right = GTK_GESTURE (controller);
      }
    g_object_unref (controllers);
    g_assert_nonnull (right);
    g_signal_emit_by_name (right, "pressed", 1, (double) at.x, (double) at.y);
  }
  drain ();
  menu = find_row_menu (GTK_WIDGET (personal));
  g_assert_nonnull (menu);
  maybe_screenshot (GTK_WIDGET (fixture->window), "row-menu-pointer");
  gtk_popover_popdown (GTK_POPOVER (menu));

  /* Copy Number of Amelia's row. */
  gtk_widget_activate_action (GTK_WIDGET (personal), "page.copy-number", "u", 0);
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (personal)), NULL,
                                 on_clipboard_text, &copied);
  while (copied == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (copied, ==, "+13125550142");

  /* F2 edits the selected contact (Bruno). */
  gtk_widget_activate_action (GTK_WIDGET (personal), "page.edit-selected", NULL);
  drain ();
  for (guint i = 0; i < g_list_model_get_n_items (toplevels) && editor == NULL; i++)
    {
      g_autoptr (GObject) window = g_list_model_get_item (toplevels, i);

      if (FLEX_IS_CONTACT_DIALOG (window))
        editor = FLEX_CONTACT_DIALOG (window);
    }
  g_assert_nonnull (editor);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (gtk_widget_get_template_child (
                       GTK_WIDGET (editor), FLEX_TYPE_CONTACT_DIALOG, "name_row"))),
                   ==, "Bruno Díaz");
  gtk_window_destroy (GTK_WINDOW (editor));
}

/* A contact added that sorts far down the list is scrolled to and has the
 * focus (it was added out of sight). */
static void
test_added_contact_revealed (Fixture *fixture, gconstpointer data)
{
  FlexDirectoryPage *shared = page (fixture->window, "shared");
  GtkColumnView *view = column_view (shared);
  GtkAdjustment *scroll = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));
  GtkWidget *cell = NULL;
  GtkWidget *focus = NULL;
  graphene_rect_t bounds;

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-page", "s", "shared");
  drain ();
  FLEX_TEST_WAIT_FOR (gtk_adjustment_get_upper (scroll) > gtk_adjustment_get_page_size (scroll),
                      5000);
  g_assert_cmpfloat (gtk_adjustment_get_value (scroll), ==, 0);

  add_through_dialog (shared, "Zulu Night Desk", "+13125559999");

  /* Scrolled down to it, and the focus on its row. */
  FLEX_TEST_WAIT_FOR ((cell = find_inscription (GTK_WIDGET (view), "Zulu Night Desk")) != NULL &&
                          (focus = gtk_root_get_focus (GTK_ROOT (fixture->window))) != NULL &&
                          gtk_widget_is_ancestor (cell, focus) &&
                          gtk_adjustment_get_value (scroll) > 0,
                      10000);
  g_assert_true (gtk_widget_compute_bounds (cell, GTK_WIDGET (view), &bounds));
  g_assert_cmpfloat (bounds.origin.y, >=, 0);
  g_assert_cmpfloat (bounds.origin.y + bounds.size.height, <=,
                     gtk_widget_get_height (GTK_WIDGET (view)));
}

/* The agent's status in the header: it names the activity, its menu lists
 * the workspace's, a choice changes it in TaskRouter (and calling follows:
 * Break is not available), and a change TaskRouter refuses says why. */
static GtkMenuButton *
find_status_button (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkMenuButton *found;

      if (GTK_IS_MENU_BUTTON (child) && gtk_menu_button_get_label (GTK_MENU_BUTTON (child)) != NULL)
        return GTK_MENU_BUTTON (child);
      if ((found = find_status_button (child)) != NULL)
        return found;
    }
  return NULL;
}

static void
test_status_change (Fixture *fixture, gconstpointer data)
{
  FlexEmulator *emulator = flex_sandbox_get_emulator (fixture->sandbox);
  const char *worker = flex_sandbox_get_worker_sid (fixture->sandbox);
  GtkMenuButton *status = NULL;
  GMenuModel *menu;
  g_autofree char *task = NULL;

  FLEX_TEST_WAIT_FOR ((status = find_status_button (GTK_WIDGET (fixture->window))) != NULL &&
                          gtk_widget_get_visible (GTK_WIDGET (status)),
                      10000);
  g_assert_cmpstr (gtk_menu_button_get_label (status), ==, "Available");

  /* Its menu: the workspace's activities, the current one checked. */
  gtk_menu_button_popup (status);
  menu = gtk_menu_button_get_menu_model (status);
  FLEX_TEST_WAIT_FOR (g_menu_model_get_n_items (menu) == 4, 10000);
  {
    g_autofree char *labels = menu_labels (GTK_POPOVER_MENU (gtk_menu_button_get_popover (status)));

    g_assert_cmpstr (labels, ==, "Offline|Available|Break|Lunch");
  }
  gtk_menu_button_popdown (status);

  /* Break: TaskRouter has it, the header says it (calling stays, as in
   * Flex: only Offline stops it). */
  g_action_group_change_action_state (
      G_ACTION_GROUP (fixture->window), "set-activity",
      g_variant_new_string (flex_emulator_get_activity_sid (emulator, "Break")));
  FLEX_TEST_WAIT_FOR (g_strcmp0 (gtk_menu_button_get_label (status), "Break") == 0, 10000);
  g_assert_cmpstr (flex_emulator_get_worker_activity (emulator, worker), ==, "Break");
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (fixture->window), "dial-pad"));

  /* Offline: calling is off at once. */
  g_action_group_change_action_state (
      G_ACTION_GROUP (fixture->window), "set-activity",
      g_variant_new_string (flex_emulator_get_activity_sid (emulator, "Offline")));
  FLEX_TEST_WAIT_FOR (g_strcmp0 (gtk_menu_button_get_label (status), "Offline") == 0, 10000);
  FLEX_TEST_WAIT_FOR (
      !g_action_group_get_action_enabled (G_ACTION_GROUP (fixture->window), "dial-pad"), 10000);

  /* Back to Available; then a call waits for an answer: Break is refused,
   * and the toast says why. */
  g_action_group_change_action_state (
      G_ACTION_GROUP (fixture->window), "set-activity",
      g_variant_new_string (flex_emulator_get_activity_sid (emulator, "Available")));
  FLEX_TEST_WAIT_FOR (g_strcmp0 (gtk_menu_button_get_label (status), "Available") == 0, 10000);
  FLEX_TEST_WAIT_FOR (
      g_action_group_get_action_enabled (G_ACTION_GROUP (fixture->window), "dial-pad"), 10000);
  task = flex_emulator_ring (emulator, "+13125550142", NULL, "voice");
  g_action_group_change_action_state (
      G_ACTION_GROUP (fixture->window), "set-activity",
      g_variant_new_string (flex_emulator_get_activity_sid (emulator, "Break")));
  FLEX_TEST_WAIT_FOR (g_str_has_prefix (flex_window_get_last_toast (fixture->window) != NULL
                                            ? flex_window_get_last_toast (fixture->window)
                                            : "",
                                        "Your status was not changed: "),
                      10000);
  g_assert_nonnull (strstr (flex_window_get_last_toast (fixture->window), "pending reservation"));
  g_assert_cmpstr (gtk_menu_button_get_label (status), ==, "Available");
  g_assert_cmpstr (flex_emulator_get_worker_activity (emulator, worker), ==, "Available");
}

static void
on_added (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FlexContact) saved =
      flex_directory_write_finish (FLEX_DIRECTORY (object), result, NULL, &error);

  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

/* Recents: a customer with no name of their own ("Customer") shows the
 * name My Contacts gives their number, marked as looked up, and a search
 * finds them by it. */
static void
test_recents_names_looked_up (Fixture *fixture, gconstpointer data)
{
  FlexDirectoryPage *recents = page (fixture->window, "recents");
  FlexDirectory *personal = flex_session_get_personal (fixture->session);
  g_autoptr (FlexContact) quinn = flex_contact_new (NULL, "Quinn Caller", "+13125550123", NULL);
  gboolean added = FALSE;
  GtkWidget *cell = NULL;

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-page", "s", "recents");
  drain ();
  g_assert_null (find_inscription (GTK_WIDGET (column_view (recents)), "Quinn Caller"));

  flex_directory_add_contact_async (personal, quinn, NULL, on_added, &added);
  FLEX_TEST_WAIT_FOR (added, 10000);
  FLEX_TEST_WAIT_FOR (
      (cell = find_inscription (GTK_WIDGET (column_view (recents)), "Quinn Caller")) != NULL,
      10000);
  g_assert_true (gtk_widget_has_css_class (cell, "looked-up"));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (cell), ==, "Name from My Contacts");
  /* A name of the recent's own is kept ("Maria Gonzalez" is no contact). */
  cell = find_inscription (GTK_WIDGET (column_view (recents)), "Maria Gonzalez");
  g_assert_nonnull (cell);
  g_assert_false (gtk_widget_has_css_class (cell, "looked-up"));

  search (fixture, "quinn");
  g_assert_cmpuint (g_list_model_get_n_items (flex_directory_page_get_visible_model (recents)), ==,
                    1);
  search (fixture, "");

  /* Sorted by the name shown: Quinn between Paulo and Support, not with
   * "Customer". */
  flex_directory_page_set_sort (recents, "name:ascending");
  {
    GListModel *shown = flex_directory_page_get_visible_model (recents);
    guint looked_up = G_MAXUINT, paulo = G_MAXUINT, support = G_MAXUINT;

    FLEX_TEST_WAIT_FOR (g_strcmp0 (flex_directory_page_get_sort (recents), "name:ascending") == 0,
                        5000);
    drain ();
    for (guint i = 0; i < g_list_model_get_n_items (shown); i++)
      {
        g_autoptr (FlexRecent) recent = g_list_model_get_item (shown, i);
        const char *address = flex_recent_get_customer_address (recent);
        const char *own = flex_recent_get_name (recent);

        if (g_strcmp0 (address, "+13125550123") == 0)
          looked_up = i;
        else if (g_strcmp0 (own, "Paulo Souza") == 0)
          paulo = i;
        else if (g_strcmp0 (own, "Support ticket") == 0)
          support = i;
      }
    g_assert_cmpuint (paulo, <, looked_up);
    g_assert_cmpuint (looked_up, <, support);
  }
  flex_directory_page_set_sort (recents, "");
}

/* Preferences: the status to take when the screen locks, among the
 * workspace's unavailable activities; the choice is the setting. */
static void
test_lock_status_preference (Fixture *fixture, gconstpointer data)
{
  GSettings *settings = flex_application_get_settings (the_app);
  FlexPreferencesWindow *prefs = flex_preferences_window_new (settings);
  AdwComboRow *row;
  GListModel *names;

  g_object_ref_sink (prefs);
  flex_preferences_window_set_account (prefs, "AC00000000000000000000000000000000", "Alex", TRUE);
  /* How the agent signed in, said in the Account group. */
  g_assert_false (gtk_widget_get_visible (flex_preferences_window_get_method_row (prefs)));
  flex_preferences_window_set_sign_in_method (prefs, "Flex single sign-on, in your browser", TRUE);
  g_assert_cmpstr (
      adw_action_row_get_subtitle (ADW_ACTION_ROW (flex_preferences_window_get_method_row (prefs))),
      ==, "Flex single sign-on, in your browser");
  g_assert_true (gtk_widget_get_visible (flex_preferences_window_get_method_row (prefs)));
  flex_preferences_window_set_session (prefs, fixture->session);
  row = flex_preferences_window_get_lock_row (prefs);
  g_assert_nonnull (row);
  names = adw_combo_row_get_model (row);
  FLEX_TEST_WAIT_FOR (g_list_model_get_n_items (names) == 4, 10000);
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (names), 0), ==, "No Change");
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (names), 1), ==, "Offline");
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (names), 2), ==, "Break");
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (names), 3), ==, "Lunch");
  g_assert_cmpuint (adw_combo_row_get_selected (row), ==, 0);

  adw_combo_row_set_selected (row, 2);
  {
    g_autofree char *chosen = g_settings_get_string (settings, "lock-activity");

    g_assert_cmpstr (chosen, ==, "Break");
  }
  adw_combo_row_set_selected (row, 0);
  {
    g_autofree char *chosen = g_settings_get_string (settings, "lock-activity");

    g_assert_cmpstr (chosen, ==, "");
  }

  gtk_window_destroy (GTK_WINDOW (prefs));
  g_object_unref (prefs);
  g_settings_reset (settings, "lock-activity");
}

static const char *
first_task_sid (Fixture *fixture)
{
  static char sid[64];
  g_autoptr (JsonNode) tasks =
      flex_emulator_get_tasks (flex_sandbox_get_emulator (fixture->sandbox));
  JsonArray *array = json_node_get_array (tasks);

  g_assert_cmpuint (json_array_get_length (array), >, 0);
  g_strlcpy (sid,
             json_object_get_string_member (
                 json_array_get_object_element (array, json_array_get_length (array) - 1), "sid"),
             sizeof sid);
  return sid;
}

static void
wait_toast (Fixture *fixture, const char *expected)
{
  FLEX_TEST_WAIT_FOR (g_strcmp0 (flex_window_get_last_toast (fixture->window), expected) == 0,
                      15000);
  g_assert_cmpstr (flex_window_get_last_toast (fixture->window), ==, expected);
}

/* After the request the app follows the task: "waiting for Flex", then "Flex
 * is calling …" when Flex takes it (the sandbox's stand-in for Flex takes
 * it after 3 s), or "Flex did not take the call" with Try Again when the
 * task is canceled (Flex closed: TaskRouter's timeout). */
static void
test_call_followed (Fixture *fixture, gconstpointer data)
{
  FlexEmulator *emulator = flex_sandbox_get_emulator (fixture->sandbox);
  g_autoptr (JsonObject) attributes = NULL;

  gtk_window_present (GTK_WINDOW (fixture->window));
  flex_window_call (fixture->window, "+13125550142", "Amelia Watson");
  attributes = confirm_call (fixture);
  drain ();
  g_assert_cmpstr (flex_window_get_last_toast (fixture->window), ==,
                   "Calling Amelia Watson: waiting for Flex to take it");
  maybe_screenshot (GTK_WIDGET (fixture->window), "call-waiting");
  wait_toast (fixture, "Flex is calling Amelia Watson");

  /* Again, and this time nobody takes it. */
  flex_emulator_set_answer_after (emulator, 0);
  flex_window_call (fixture->window, "+13125550142", "Amelia Watson");
  adw_message_dialog_response (flex_window_get_call_dialog (fixture->window), "call");
  while (flex_dialer_get_busy (flex_window_get_dialer (fixture->window)))
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (flex_emulator_set_task_status (emulator, first_task_sid (fixture), "canceled"));
  wait_toast (fixture, "Flex did not take the call — is Flex open and are you available?");
  maybe_screenshot (GTK_WIDGET (fixture->window), "call-not-taken");
}

/* A stand-in for the desktop's notification server (org.freedesktop
 * .Notifications, what GLib's GNotification talks to off GNOME Shell). */
typedef struct
{
  char *summary;
  char *actions;
} Notified;

static void
on_notification_call (GDBusConnection *connection,
                      const char *sender,
                      const char *path,
                      const char *interface,
                      const char *method,
                      GVariant *parameters,
                      GDBusMethodInvocation *invocation,
                      gpointer user_data)
{
  Notified *notified = user_data;

  if (g_str_equal (method, "Notify"))
    {
      const char *summary;
      g_autofree const char **actions = NULL;

      g_variant_get_child (parameters, 3, "&s", &summary);
      g_variant_get_child (parameters, 5, "^a&s", &actions);
      g_free (notified->summary);
      g_free (notified->actions);
      notified->summary = g_strdup (summary);
      notified->actions = g_strjoinv ("|", (char **) actions);
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(u)", 1));
    }
  else if (g_str_equal (method, "GetCapabilities"))
    g_dbus_method_invocation_return_value (invocation,
                                           g_variant_new_parsed ("(['actions', 'body'],)"));
  else
    g_dbus_method_invocation_return_value (invocation,
                                           g_variant_new ("(ssss)", "test", "flex", "1", "1.2"));
}

static const char notifications_xml[] =
    "<node><interface name='org.freedesktop.Notifications'>"
    "<method name='Notify'><arg type='s' direction='in'/><arg type='u' direction='in'/>"
    "<arg type='s' direction='in'/><arg type='s' direction='in'/><arg type='s' direction='in'/>"
    "<arg type='as' direction='in'/><arg type='a{sv}' direction='in'/>"
    "<arg type='i' direction='in'/><arg type='u' direction='out'/></method>"
    "<method name='GetCapabilities'><arg type='as' direction='out'/></method>"
    "<method name='GetServerInformation'><arg type='s' direction='out'/>"
    "<arg type='s' direction='out'/><arg type='s' direction='out'/>"
    "<arg type='s' direction='out'/></method>"
    "</interface></node>";

/* The window is hidden: the outcome comes as a desktop notification, with
 * Try Again when Flex did not take the call. */
static void
test_call_outcome_notified_when_hidden (Fixture *fixture, gconstpointer data)
{
  FlexEmulator *emulator = flex_sandbox_get_emulator (fixture->sandbox);
  g_autoptr (GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr (GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (notifications_xml, NULL);
  const GDBusInterfaceVTable vtable = { on_notification_call, NULL, NULL, { 0 } };
  Notified notified = { 0 };
  g_autoptr (JsonObject) attributes = NULL;
  guint registration, owner;

  registration = g_dbus_connection_register_object (
      bus, "/org/freedesktop/Notifications", info->interfaces[0], &vtable, &notified, NULL, NULL);
  owner = g_bus_own_name_on_connection (bus, "org.freedesktop.Notifications",
                                        G_BUS_NAME_OWNER_FLAGS_NONE, NULL, NULL, NULL, NULL);
  flex_test_spin (200);

  flex_emulator_set_answer_after (emulator, 0);
  flex_window_call (fixture->window, "+13125550142", "Amelia Watson");
  attributes = confirm_call (fixture);
  gtk_widget_set_visible (GTK_WIDGET (fixture->window), FALSE);
  g_assert_true (flex_emulator_set_task_status (emulator, first_task_sid (fixture), "canceled"));
  FLEX_TEST_WAIT_FOR (notified.summary != NULL, 15000);
  g_assert_cmpstr (notified.summary, ==,
                   "Flex did not take the call — is Flex open and are you available?");
  g_assert_nonnull (strstr (notified.actions, "Try Again"));

  gtk_widget_set_visible (GTK_WIDGET (fixture->window), TRUE);
  g_bus_unown_name (owner);
  g_dbus_connection_unregister_object (bus, registration);
  g_free (notified.summary);
  g_free (notified.actions);
}

/* A narrow window (≤ 400 px) stays usable: the view switcher moves to the
 * bottom bar and the Recents columns one can do without give way. */
static void
assert_narrow_rows (FlexDirectoryPage *directory_page)
{
  GtkWidget *view = GTK_WIDGET (column_view (directory_page));
  GtkWidget *scrolled = gtk_widget_get_ancestor (view, GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *sideways = gtk_scrollable_get_hadjustment (GTK_SCROLLABLE (view));
  g_autoptr (GPtrArray) buttons = g_ptr_array_new ();
  guint n_calls = 0;

  FLEX_TEST_WAIT_FOR (gtk_widget_get_width (scrolled) > 0 && gtk_widget_get_width (scrolled) <= 400,
                      5000);
  /* Nothing to scroll sideways to. */
  g_test_message ("columns %g px in %g px", gtk_adjustment_get_upper (sideways),
                  gtk_adjustment_get_page_size (sideways));
  g_assert_cmpfloat (gtk_adjustment_get_upper (sideways), <=,
                     gtk_adjustment_get_page_size (sideways));
  collect_mapped (view, GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    {
      GtkWidget *button = g_ptr_array_index (buttons, i);
      const char *icon = gtk_button_get_icon_name (GTK_BUTTON (button));
      graphene_rect_t bounds;

      /* The column headers are buttons too (without icons). */
      if (icon == NULL)
        continue;
      g_assert_cmpstr (icon, ==, "call-start-symbolic");
      g_assert_true (gtk_widget_compute_bounds (button, view, &bounds));
      g_assert_true (gtk_widget_compute_bounds (button, scrolled, &bounds));
      g_assert_cmpfloat (bounds.origin.x + bounds.size.width, <=, gtk_widget_get_width (scrolled));
      n_calls++;
    }
  g_assert_cmpuint (n_calls, >, 0);
}

/* Every shown cell of @widget: a number fits its cell on one line, no text
 * begins with a space. */
static void
assert_narrow_cells (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_INSCRIPTION (child) && gtk_widget_get_mapped (child))
        {
          const char *text = gtk_inscription_get_text (GTK_INSCRIPTION (child));

          if (text != NULL && *text != '\0')
            {
              g_assert_false (g_ascii_isspace (*text));
              if (*text == '+' && strchr (text, ':') == NULL)
                {
                  PangoLayout *layout = gtk_widget_create_pango_layout (child, text);
                  int width;

                  pango_layout_get_pixel_size (layout, &width, NULL);
                  g_test_message ("%s: %d px of %d", text, width, gtk_widget_get_width (child));
                  g_assert_cmpint (width, <=, gtk_widget_get_width (child));
                  g_object_unref (layout);
                }
            }
        }
      assert_narrow_cells (child);
    }
}

static void
test_narrow_window (Fixture *fixture, gconstpointer data)
{
  /* GNOME's title bar buttons (org.gnome.desktop.wm.preferences button-layout
   * "appmenu:close"), not the minimize, maximize and close of a bare X server:
   * set before the window is made. */
  FlexWindow *narrow =
      (g_object_set (gtk_settings_get_default (), "gtk-decoration-layout", "appmenu:close", NULL),
       g_object_new (FLEX_TYPE_WINDOW, "application", the_app, "settings",
                     flex_application_get_settings (the_app), "config", fixture->config, "session",
                     fixture->session, "default-width", 360, "default-height", 720, NULL));
  AdwViewSwitcherTitle *title = ADW_VIEW_SWITCHER_TITLE (
      gtk_widget_get_template_child (GTK_WIDGET (narrow), FLEX_TYPE_WINDOW, "switcher_title"));
  g_autofree char *columns = NULL;
  g_autofree char *wide_columns = NULL;

  gtk_window_present (GTK_WINDOW (narrow));
  FLEX_TEST_WAIT_FOR (adw_view_switcher_title_get_title_visible (title), 5000);
  g_assert_true (adw_view_switcher_title_get_title_visible (title));
  drain ();
  columns = column_titles (page (narrow, "recents"));
  g_assert_cmpstr (columns, ==, "Customer|Name|Date|");
  /* Made narrow, the window can go down to 360 px: it opened wider (the
   * columns came before the bottom bar), the person narrows it. */
  {
    int min_width = 0;

    gtk_widget_measure (GTK_WIDGET (narrow), GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL, NULL,
                        NULL);
    g_test_message ("narrow window: %d px wide, %d px at least",
                    gtk_widget_get_width (GTK_WIDGET (narrow)), min_width);
    g_assert_cmpint (min_width, <=, 400);
    gtk_window_set_default_size (GTK_WINDOW (narrow), 360, 720);
    FLEX_TEST_WAIT_FOR (gtk_widget_get_width (GTK_WIDGET (narrow)) <= 400, 5000);
    g_test_message ("narrowed to %d px", gtk_widget_get_width (GTK_WIDGET (narrow)));
    g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (narrow)), <=, 400);
  }
  maybe_screenshot (GTK_WIDGET (narrow), "narrow-window");
  /* The rows keep their call button, in sight without scrolling sideways;
   * notes, edit and delete are in the row's menu. */
  assert_narrow_rows (page (narrow, "recents"));
  /* Numbers are read whole (they wrapped after "+1"), dates have no leading
   * space (" 1 Dec"). */
  assert_narrow_cells (GTK_WIDGET (column_view (page (narrow, "recents"))));
  gtk_widget_activate_action (GTK_WIDGET (narrow), "win.show-page", "s", "personal");
  drain ();
  assert_narrow_rows (page (narrow, "personal"));
  maybe_screenshot (GTK_WIDGET (narrow), "narrow-contacts");

  /* The wide window keeps them all. */
  wide_columns = column_titles (page (fixture->window, "recents"));
  g_assert_cmpstr (wide_columns, ==,
                   "Channel|Inbound Address|Customer Address|Name|Date|Duration|Queue|Outcome|"
                   "Actions");
  gtk_window_destroy (GTK_WINDOW (narrow));
  gtk_settings_reset_property (gtk_settings_get_default (), "gtk-decoration-layout");
  drain ();
}

int
main (int argc, char *argv[])
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GTimeZone) utc = NULL;
  int ret;

  /* GTK's test accessibility backend: every widget gets an AT context the
   * tests can read (gtk_test_accessible_*), with no accessibility bus. */
  g_setenv ("GTK_A11Y", "test", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  the_app = flex_application_new ();
  g_application_set_flags (G_APPLICATION (the_app),
                           G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_OPEN);
  g_application_register (G_APPLICATION (the_app), NULL, &error);
  g_assert_no_error (error);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/ui/phone-format-setting", test_phone_format_setting);
  ADD ("/ui/import-preview-and-undo", test_import_preview_and_undo);
  ADD ("/ui/import-preview-names", test_import_preview_names);
  ADD ("/ui/delete-selected-and-undo", test_delete_selected_and_undo);
  ADD ("/ui/export-file", test_export_file);
  g_test_add_func ("/ui/export-format-choice", test_export_format_choice);
  ADD ("/ui/import-progress-and-stop", test_import_progress_and_stop);
  ADD ("/ui/selection-mode", test_selection_mode);
  ADD ("/ui/drop-file-imports", test_drop_file_imports);
  ADD ("/ui/sort-and-tab-remembered", test_sort_and_tab_remembered);
  ADD ("/ui/row-buttons-named", test_row_buttons_named);
  ADD ("/ui/row-keyboard-and-menu", test_row_keyboard_and_menu);
  ADD ("/ui/added-contact-revealed", test_added_contact_revealed);
  ADD ("/ui/signed-out-edit-waits", test_signed_out_edit_waits);
  ADD ("/ui/status-change", test_status_change);
  ADD ("/ui/recents-names-looked-up", test_recents_names_looked_up);
  ADD ("/ui/lock-status-preference", test_lock_status_preference);
  ADD ("/ui/call-followed", test_call_followed);
  ADD ("/ui/narrow-window", test_narrow_window);
  ADD ("/ui/call-outcome-notified-when-hidden", test_call_outcome_notified_when_hidden);
  ADD ("/ui/tabs-and-columns", test_tabs_and_columns);
  ADD ("/ui/search-narrows-rows", test_search_narrows_rows);
  ADD ("/ui/scrolling", test_scrolling);
  ADD ("/ui/sorts-and-counts", test_sorts_and_counts);
  ADD ("/ui/dialog-validates", test_dialog_validates);
  ADD ("/ui/call-buttons-only-for-voice-recents", test_call_buttons_only_for_voice_recents);
  ADD ("/ui/who-edits-shared", test_who_edits_shared);
  ADD ("/ui/call-contact-confirms", test_call_contact_confirms);
  ADD ("/ui/call-voice-recent", test_call_voice_recent);
  ADD ("/ui/dial-pad-keyboard", test_dial_pad_keyboard);
  ADD ("/ui/dial-pad-number", test_dial_pad_number);
  ADD ("/ui/tel-link-confirms", test_tel_link_confirms);
  ADD ("/ui/offline-disables-calling", test_offline_disables_calling);
  ADD ("/ui/live-footer-and-push", test_live_footer_and_push);
  ADD ("/ui/offline-footer", test_offline_footer);
  ADD ("/ui/offline-conflict", test_offline_conflict);
  ADD ("/ui/conflict-merge", test_conflict_merge);
  ADD ("/ui/offline-call-says-so", test_offline_call_says_so);
#undef ADD

  ret = g_test_run ();
  g_clear_object (&the_app);
  return ret;
}
