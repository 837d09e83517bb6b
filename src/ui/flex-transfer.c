/* flex-transfer.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The supervisors' tools on screen: import (a file chooser through the
 * portal, or a dropped file → a preview of what it does → paced writes with
 * a progress bar and Stop → a toast with the summary and Undo), deleting a
 * selection (one confirmation, the same paced writes, Undo), and export (a
 * save dialog; CSV or vCard 3.0 for contacts, CSV for Recents).
 *
 * @anchor is the widget the flow belongs to (a directory page): dialogs are
 * transient for its window, toasts go to the toast overlay above it, and the
 * last batch it ran is kept on it for Undo.
 */

#define G_LOG_DOMAIN "flex-transfer"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "flex-batch.h"
#include "flex-confirm.h"
#include "flex-export.h"
#include "flex-import.h"
#include "flex-toast.h"
#include "flex-transfer.h"
#include "flex-window.h"

#define UNDOABLE_KEY "flex-transfer-undoable"
/* A batch this short ends before a progress dialog could be read. */
#define PROGRESS_THRESHOLD 10

static GtkWindow *
window_of (GtkWidget *anchor)
{
  GtkRoot *root = gtk_widget_get_root (anchor);

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
show_toast (GtkWidget *anchor, const char *title, gboolean undo)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (anchor, ADW_TYPE_TOAST_OVERLAY);
  AdwToast *toast;

  if (overlay == NULL)
    return;
  toast = flex_toast_new (title);
  if (undo)
    {
      adw_toast_set_button_label (toast, _ ("_Undo"));
      adw_toast_set_timeout (toast, 10);
      g_signal_connect_object (toast, "button-clicked", G_CALLBACK (flex_transfer_undo), anchor,
                               G_CONNECT_SWAPPED);
    }
  if (FLEX_IS_WINDOW (gtk_widget_get_root (anchor)))
    flex_window_show_toast (FLEX_WINDOW (gtk_widget_get_root (anchor)), toast);
  else
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
}

/* Running a batch, with a progress dialog when it is long */

typedef void (*BatchDone) (GtkWidget *anchor, FlexBatch *batch, gboolean stopped);

typedef struct
{
  GtkWidget *anchor;
  FlexBatch *batch;
  GCancellable *cancellable;
  GtkWidget *dialog;
  GtkProgressBar *progress;
  BatchDone done;
} Run;

static void
run_free (Run *run)
{
  g_object_unref (run->anchor);
  g_object_unref (run->batch);
  g_object_unref (run->cancellable);
  if (run->dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (run->dialog));
  g_free (run);
}

static void
on_progress (FlexBatch *batch, GParamSpec *pspec, Run *run)
{
  guint done = flex_batch_get_n_done (batch);
  guint total = flex_batch_get_n_total (batch);
  /* TRANSLATORS: progress of many writes: done, of all */
  g_autofree char *text = g_strdup_printf (_ ("%u of %u"), done, total);

  if (run->progress == NULL)
    return;
  gtk_progress_bar_set_fraction (run->progress, total > 0 ? (double) done / total : 1.0);
  gtk_progress_bar_set_text (run->progress, text);
}

static void
on_run_finished (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Run *run = user_data;
  g_autoptr (GError) error = NULL;
  gboolean stopped;

  flex_batch_run_finish (FLEX_BATCH (object), result, &error);
  stopped = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_signal_handlers_disconnect_by_data (run->batch, run);
  g_object_set_data_full (G_OBJECT (run->anchor), UNDOABLE_KEY, g_object_ref (run->batch),
                          g_object_unref);
  run->done (run->anchor, run->batch, stopped);
  run_free (run);
}

static void
on_stop (AdwMessageDialog *dialog, const char *response, Run *run)
{
  g_cancellable_cancel (run->cancellable);
  adw_message_dialog_set_response_enabled (dialog, "stop", FALSE);
}

/* The progress dialog stays until the batch ends, also after Stop. */
static gboolean
keep_open (GtkWindow *dialog)
{
  return TRUE;
}

static void
run_batch (GtkWidget *anchor, FlexBatch *batch, const char *heading, BatchDone done)
{
  Run *run = g_new0 (Run, 1);

  run->anchor = g_object_ref (anchor);
  run->batch = g_object_ref (batch);
  run->cancellable = g_cancellable_new ();
  run->done = done;
  if (flex_batch_get_n_total (batch) > PROGRESS_THRESHOLD && window_of (anchor) != NULL)
    {
      g_autofree char *body = g_strdup_printf (
          _ ("At most %.0f changes a second, so that the Flex UIs of your team keep working."),
          flex_batch_get_rate (batch));

      run->dialog = adw_message_dialog_new (window_of (anchor), heading, body);
      run->progress = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
      gtk_progress_bar_set_show_text (run->progress, TRUE);
      adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (run->dialog),
                                          GTK_WIDGET (run->progress));
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (run->dialog), "stop", _ ("_Stop"));
      adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (run->dialog), "stop");
      /* Stopping does not close it: the write under way ends first. */
      g_signal_connect (run->dialog, "response::stop", G_CALLBACK (on_stop), run);
      g_signal_connect (run->dialog, "close-request", G_CALLBACK (keep_open), NULL);
      gtk_window_present (GTK_WINDOW (run->dialog));
    }
  g_signal_connect (batch, "notify::n-done", G_CALLBACK (on_progress), run);
  on_progress (batch, NULL, run);
  flex_batch_run_async (batch, run->cancellable, on_run_finished, run);
}

static void
say_failures (GtkWidget *anchor, FlexBatch *batch)
{
  GPtrArray *failures = flex_batch_get_failures (batch);

  if (failures->len == 0)
    return;
  for (guint i = 0; i < failures->len; i++)
    g_message ("%s", (const char *) g_ptr_array_index (failures, i));
  show_toast (anchor, g_ptr_array_index (failures, 0), FALSE);
}

/* Undo */

static void
undo_done (GtkWidget *anchor, FlexBatch *batch, gboolean stopped)
{
  /* An undo is not undone in turn. */
  g_object_set_data (G_OBJECT (anchor), UNDOABLE_KEY, NULL);
  say_failures (anchor, batch);
  show_toast (anchor, stopped ? _ ("Undo stopped") : _ ("Undone"), FALSE);
}

/**
 * flex_transfer_undo:
 *
 * Undoes the last import or deletion @anchor ran.
 */
void
flex_transfer_undo (GtkWidget *anchor)
{
  FlexBatch *last = g_object_get_data (G_OBJECT (anchor), UNDOABLE_KEY);
  g_autoptr (FlexBatch) undo = NULL;

  if (last == NULL)
    return;
  undo = flex_batch_new_undo (last);
  g_object_set_data (G_OBJECT (anchor), UNDOABLE_KEY, NULL);
  run_batch (anchor, undo, _ ("Undoing"), undo_done);
}

gboolean
flex_transfer_can_undo (GtkWidget *anchor)
{
  return g_object_get_data (G_OBJECT (anchor), UNDOABLE_KEY) != NULL;
}

/* Import */

typedef struct
{
  GtkWidget *anchor;
  FlexDirectory *directory;
  gboolean shared;
  char *default_country;
  char *file_name;
  GPtrArray *rows;
  FlexImportFormat format;
  FlexImportSummary summary;
  gboolean started;
} Import;

static void
import_free (Import *import)
{
  g_object_unref (import->anchor);
  g_object_unref (import->directory);
  g_free (import->default_country);
  g_free (import->file_name);
  g_clear_pointer (&import->rows, g_ptr_array_unref);
  g_free (import);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Import, import_free)

static void
import_done (GtkWidget *anchor, FlexBatch *batch, gboolean stopped)
{
  guint added = flex_batch_get_n_written (batch, FLEX_BATCH_ADD);
  guint updated = flex_batch_get_n_written (batch, FLEX_BATCH_UPDATE);
  g_autofree char *title = NULL;

  say_failures (anchor, batch);
  if (stopped)
    /* TRANSLATORS: an import stopped half-way; importing the file again goes on */
    title = g_strdup_printf (_ ("Import stopped after %u of %u; import the file again to go on"),
                             flex_batch_get_n_done (batch), flex_batch_get_n_total (batch));
  else
    {
      guint skipped = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (batch), "flex-skipped"));

      if (skipped > 0)
        /* TRANSLATORS: skipped: rows of the file that could not be imported or
         * repeated an earlier one */
        title = g_strdup_printf (_ ("Imported: %u added, %u updated, %u skipped"), added, updated,
                                 skipped);
      else
        title = g_strdup_printf (_ ("Imported: %u added, %u updated"), added, updated);
    }
  show_toast (anchor, title, added + updated > 0);
}

/* The dialog owns the import: a response comes once from a button, but a
 * close after a response given in code would bring a second one. */
static void
on_preview_response (AdwMessageDialog *dialog, const char *response, gpointer user_data)
{
  Import *import = g_object_get_data (G_OBJECT (dialog), "flex-import");
  g_autoptr (FlexBatch) batch = NULL;

  if (g_strcmp0 (response, "import") != 0 || import->started)
    return;
  import->started = TRUE;

  batch = flex_batch_new (import->directory);
  g_object_set_data (G_OBJECT (batch), "flex-skipped",
                     GUINT_TO_POINTER (import->summary.n_invalid + import->summary.n_duplicate));
  for (guint i = 0; i < import->rows->len; i++)
    {
      FlexImportRow *row = g_ptr_array_index (import->rows, i);
      g_autoptr (FlexContact) contact = NULL;

      if (row->action != FLEX_IMPORT_NEW && row->action != FLEX_IMPORT_UPDATE)
        continue;
      contact = flex_import_row_to_contact (row);
      flex_batch_add (batch, row->action == FLEX_IMPORT_NEW ? FLEX_BATCH_ADD : FLEX_BATCH_UPDATE,
                      contact);
    }
  run_batch (import->anchor, batch, _ ("Importing Contacts"), import_done);
}

/* Where a row is in the file, and whose it is: "Amelia Watson (card 2)",
 * "Row 7" (a CSV line, a vCard's position). */
static char *
row_title (Import *import, const FlexImportRow *row)
{
  gboolean vcard = import->format == FLEX_IMPORT_FORMAT_VCARD;

  if (row->name != NULL && *row->name != '\0')
    /* TRANSLATORS: a contact of an imported file: its name, and the vCard
     * (card) or CSV line (row) it is in */
    return vcard ? g_strdup_printf (_ ("%s (card %u)"), row->name, row->number)
                 : g_strdup_printf (_ ("%s (row %u)"), row->name, row->number);
  /* TRANSLATORS: the nth vCard of an imported file */
  return vcard ? g_strdup_printf (_ ("Card %u"), row->number)
               /* TRANSLATORS: a row (line) of the imported file */
               : g_strdup_printf (_ ("Row %u"), row->number);
}

static void
add_count_row (GtkListBox *list, const char *title, guint count)
{
  GtkWidget *row;
  GtkWidget *label;
  g_autofree char *text = NULL;

  if (count == 0)
    return;
  row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  text = g_strdup_printf ("%u", count);
  label = gtk_label_new (text);
  gtk_widget_add_css_class (label, "numeric");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  gtk_list_box_append (list, row);
}

/* What the import does, a row a kind, and the rows that cannot be imported
 * with their reasons. */
static GtkWidget *
preview_list (Import *import)
{
  const FlexImportSummary *s = &import->summary;
  GtkListBox *list = GTK_LIST_BOX (gtk_list_box_new ());

  gtk_list_box_set_selection_mode (list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (list), "boxed-list");
  add_count_row (list, _ ("New contacts"), s->n_new);
  if (s->n_update > 0)
    {
      /* Which contacts change, and from what. */
      GtkWidget *expander = adw_expander_row_new ();
      g_autofree char *count = g_strdup_printf ("%u", s->n_update);
      guint listed = 0;

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (expander), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (expander),
                                     _ ("Updates of contacts with the same number"));
      adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (expander), count);
      adw_expander_row_set_expanded (ADW_EXPANDER_ROW (expander), s->n_update <= 3);
      for (guint i = 0; i < import->rows->len && listed < 50; i++)
        {
          FlexImportRow *row = g_ptr_array_index (import->rows, i);
          GtkWidget *child;
          g_autofree char *title = NULL;
          const char *was;

          if (row->action != FLEX_IMPORT_UPDATE)
            continue;
          child = adw_action_row_new ();
          adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (child), FALSE);
          title = row_title (import, row);
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (child), title);
          was = row->existing != NULL ? flex_contact_get_name (row->existing) : NULL;
          if (was != NULL && g_strcmp0 (was, row->name) != 0)
            {
              /* TRANSLATORS: the contact an imported row updates; %s its name */
              g_autofree char *subtitle = g_strdup_printf (_ ("Updates “%s”"), was);

              adw_action_row_set_subtitle (ADW_ACTION_ROW (child), subtitle);
            }
          else
            adw_action_row_set_subtitle (ADW_ACTION_ROW (child),
                                         _ ("Updates its notes or transfers"));
          adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), child);
          listed++;
        }
      gtk_list_box_append (list, expander);
    }
  add_count_row (list, _ ("Already here, unchanged"), s->n_unchanged);
  add_count_row (list, _ ("Repeated in the file, skipped"), s->n_duplicate);
  if (s->n_invalid > 0)
    {
      GtkWidget *expander = adw_expander_row_new ();
      g_autofree char *count = g_strdup_printf ("%u", s->n_invalid);
      guint listed = 0;

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (expander), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (expander), _ ("Cannot be imported"));
      adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (expander), count);
      adw_expander_row_set_expanded (ADW_EXPANDER_ROW (expander), s->n_invalid <= 3);
      for (guint i = 0; i < import->rows->len && listed < 50; i++)
        {
          FlexImportRow *row = g_ptr_array_index (import->rows, i);
          GtkWidget *child;
          g_autofree char *title = NULL;

          if (row->action != FLEX_IMPORT_INVALID)
            continue;
          child = adw_action_row_new ();
          /* The reason quotes the file: plain text, never markup (a phone
           * cell "<a href=…>" became a live link). */
          adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (child), FALSE);
          title = row_title (import, row);
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (child), title);
          adw_action_row_set_subtitle (ADW_ACTION_ROW (child), row->reason);
          adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), child);
          listed++;
        }
      gtk_list_box_append (list, expander);
    }
  return GTK_WIDGET (list);
}

static void
show_preview (Import *import)
{
  /* TRANSLATORS: %s is a file name */
  g_autofree char *body = g_strdup_printf (
      ngettext ("%s holds %u contact.", "%s holds %u contacts.", import->rows->len),
      import->file_name, import->rows->len);
  GtkWidget *dialog;
  guint writes = import->summary.n_new + import->summary.n_update;

  dialog = GTK_WIDGET (flex_confirm_dialog_new (
      import->anchor,
      import->shared ? _ ("Import into Shared Contacts?") : _ ("Import into My Contacts?"), body,
      "import", _ ("_Import"), ADW_RESPONSE_SUGGESTED));
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "import", writes > 0);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog),
                                           writes > 0 ? "import" : "cancel");
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), preview_list (import));
  gtk_widget_add_css_class (dialog, "flex-import-preview");
  g_object_set_data_full (G_OBJECT (dialog), "flex-import", import, (GDestroyNotify) import_free);
  g_signal_connect (dialog, "response", G_CALLBACK (on_preview_response), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_file_loaded (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (Import) import = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = NULL;
  char *contents = NULL;
  gsize length = 0;

  if (!g_file_load_contents_finish (G_FILE (object), result, &contents, &length, NULL, &error))
    {
      g_autofree char *message =
          g_strdup_printf (_ ("%s cannot be read: %s"), import->file_name, error->message);

      show_toast (import->anchor, message, FALSE);
      return;
    }
  bytes = g_bytes_new_take (contents, length);
  import->rows = flex_import_parse (bytes, &import->format, &error);
  if (import->rows == NULL)
    {
      g_autofree char *message =
          g_strdup_printf (_ ("%s cannot be imported: %s"), import->file_name, error->message);

      show_toast (import->anchor, message, FALSE);
      return;
    }
  flex_import_plan (import->rows, import->directory, import->shared, import->default_country,
                    &import->summary);
  show_preview (g_steal_pointer (&import));
}

static void
load_file (Import *import, GFile *file)
{
  g_autoptr (GFileInfo) info = g_file_query_info (
      file, G_FILE_ATTRIBUTE_STANDARD_DISPLAY_NAME "," G_FILE_ATTRIBUTE_STANDARD_SIZE,
      G_FILE_QUERY_INFO_NONE, NULL, NULL);

  import->file_name =
      info != NULL ? g_strdup (g_file_info_get_display_name (info)) : g_file_get_basename (file);
  /* Refused before reading it all into memory. */
  if (info != NULL && g_file_info_get_size (info) > FLEX_IMPORT_MAX_BYTES)
    {
      g_autofree char *size = g_format_size (g_file_info_get_size (info));
      g_autofree char *message = g_strdup_printf (_ ("%s cannot be imported: it is too large (%s)"),
                                                  import->file_name, size);

      show_toast (import->anchor, message, FALSE);
      import_free (import);
      return;
    }
  g_file_load_contents_async (file, NULL, on_file_loaded, import);
}

static void
add_filter (GtkFileChooser *chooser, const char *name, const char *const *types, gboolean csv)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, name);
  for (guint i = 0; types[i] != NULL; i++)
    gtk_file_filter_add_mime_type (filter, types[i]);
  gtk_file_filter_add_suffix (filter, csv ? "csv" : "vcf");
  if (!csv)
    gtk_file_filter_add_suffix (filter, "vcard");
  g_object_set_data (G_OBJECT (filter), "flex-csv", GINT_TO_POINTER (csv));
  gtk_file_chooser_add_filter (chooser, filter);
  g_object_unref (filter);
}

static const char *const csv_types[] = { "text/csv", "text/comma-separated-values", NULL };
static const char *const vcard_types[] = { "text/vcard", "text/x-vcard", "text/directory", NULL };

static void
on_open_response (GtkNativeDialog *chooser, int response, gpointer user_data)
{
  Import *import = user_data;
  g_autoptr (GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_object_unref (chooser);
  if (file == NULL)
    {
      import_free (import);
      return;
    }
  load_file (import, file);
}

/**
 * flex_transfer_import:
 * @file: (nullable): the file (dropped on the window); %NULL asks for one
 * @shared: whether @directory is the shared one (transfer flags count)
 *
 * Imports a vCard or CSV file into @directory after a preview.
 */
void
flex_transfer_import (GtkWidget *anchor,
                      FlexDirectory *directory,
                      gboolean shared,
                      const char *default_country,
                      GFile *file)
{
  Import *import = g_new0 (Import, 1);
  GtkFileChooserNative *chooser;
  GtkFileFilter *all;
  static const char *const both[] = { "text/csv",       "text/comma-separated-values",
                                      "text/vcard",     "text/x-vcard",
                                      "text/directory", NULL };

  import->anchor = g_object_ref (anchor);
  import->directory = g_object_ref (directory);
  import->shared = shared;
  import->default_country = g_strdup (default_country);
  if (file != NULL)
    {
      load_file (import, file);
      return;
    }

  chooser = gtk_file_chooser_native_new (_ ("Import Contacts"), window_of (anchor),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _ ("_Import"), NULL);
  all = gtk_file_filter_new ();
  gtk_file_filter_set_name (all, _ ("Contacts (vCard, CSV)"));
  for (guint i = 0; both[i] != NULL; i++)
    gtk_file_filter_add_mime_type (all, both[i]);
  gtk_file_filter_add_suffix (all, "csv");
  gtk_file_filter_add_suffix (all, "vcf");
  gtk_file_filter_add_suffix (all, "vcard");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), all);
  g_object_unref (all);
  add_filter (GTK_FILE_CHOOSER (chooser), _ ("vCard"), vcard_types, FALSE);
  add_filter (GTK_FILE_CHOOSER (chooser), _ ("CSV"), csv_types, TRUE);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (on_open_response), import);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* Deleting a selection */

static void
delete_done (GtkWidget *anchor, FlexBatch *batch, gboolean stopped)
{
  guint deleted = flex_batch_get_n_written (batch, FLEX_BATCH_DELETE);
  g_autofree char *title =
      g_strdup_printf (ngettext ("%u contact deleted", "%u contacts deleted", deleted), deleted);

  say_failures (anchor, batch);
  show_toast (anchor, title, deleted > 0);
}

static void
on_delete_response (AdwMessageDialog *dialog, const char *response, gpointer user_data)
{
  FlexBatch *batch = user_data;
  GtkWidget *anchor = g_object_get_data (G_OBJECT (batch), "flex-anchor");

  if (g_strcmp0 (response, "delete") != 0 || g_object_get_data (G_OBJECT (batch), "flex-started"))
    return;
  g_object_set_data (G_OBJECT (batch), "flex-started", GINT_TO_POINTER (TRUE));
  run_batch (anchor, batch, _ ("Deleting Contacts"), delete_done);
}

/**
 * flex_transfer_delete:
 * @contacts: (element-type FlexContact): the selected contacts
 *
 * Deletes @contacts after one confirmation, paced, with Undo.
 */
void
flex_transfer_delete (GtkWidget *anchor, FlexDirectory *directory, GPtrArray *contacts)
{
  FlexBatch *batch;
  GtkWidget *dialog;
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;

  if (contacts->len == 0)
    return;
  batch = flex_batch_new (directory);
  for (guint i = 0; i < contacts->len; i++)
    flex_batch_add (batch, FLEX_BATCH_DELETE, g_ptr_array_index (contacts, i));
  g_object_set_data_full (G_OBJECT (batch), "flex-anchor", g_object_ref (anchor), g_object_unref);

  /* The confirmation names what goes: one contact by name, several by the
   * first few names. */
  if (contacts->len == 1)
    {
      /* Translators: %s is a contact's name */
      heading = g_strdup_printf (_ ("Delete “%s”?"),
                                 flex_contact_get_name (g_ptr_array_index (contacts, 0)));
      body = g_strdup (_ ("The contact is removed here and from the Flex UI. Undo brings it back "
                          "for a few seconds after."));
    }
  else
    {
      g_autoptr (GString) names = g_string_new (NULL);
      guint shown = MIN (contacts->len, 3);

      for (guint i = 0; i < shown; i++)
        g_string_append_printf (names, "%s“%s”", i > 0 ? ", " : "",
                                flex_contact_get_name (g_ptr_array_index (contacts, i)));
      heading = g_strdup_printf (
          ngettext ("Delete %u Contact?", "Delete %u Contacts?", contacts->len), contacts->len);
      if (contacts->len > shown)
        {
          guint more = contacts->len - shown;

          /* Translators: the first %s is a list of names, %u how many more */
          body = g_strdup_printf (ngettext ("%s and %u more are removed here and from the Flex "
                                            "UI. Undo brings them back for a few seconds after.",
                                            "%s and %u more are removed here and from the Flex "
                                            "UI. Undo brings them back for a few seconds after.",
                                            more),
                                  names->str, more);
        }
      else
        /* Translators: %s is a list of names */
        body = g_strdup_printf (_ ("%s are removed here and from the Flex UI. Undo brings them "
                                   "back for a few seconds after."),
                                names->str);
    }
  dialog = GTK_WIDGET (flex_confirm_dialog_new (anchor, heading, body, "delete", _ ("_Delete"),
                                                ADW_RESPONSE_DESTRUCTIVE));
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_delete_response), batch,
                         (GClosureNotify) (void (*) (void)) g_object_unref, G_CONNECT_DEFAULT);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Export */

/**
 * flex_transfer_export_to:
 * @items: (element-type GObject): contacts or recents, as the page shows them
 * @vcard: vCard 3.0 instead of CSV (contacts only)
 *
 * Writes the export file.
 */
gboolean
flex_transfer_export_to (
    GListModel *items, FlexDirectoryKind kind, gboolean vcard, GFile *file, GError **error)
{
  g_autofree char *text = NULL;

  if (kind == FLEX_DIRECTORY_KIND_RECENTS)
    text = flex_export_recents_csv (items);
  else if (vcard)
    text = flex_export_contacts_vcard (items, kind == FLEX_DIRECTORY_KIND_SHARED);
  else
    text = flex_export_contacts_csv (items, kind == FLEX_DIRECTORY_KIND_SHARED);
  return g_file_replace_contents (file, text, strlen (text), NULL, FALSE,
                                  G_FILE_CREATE_REPLACE_DESTINATION, NULL, NULL, error);
}

typedef struct
{
  GtkWidget *anchor;
  GListModel *items;
  FlexDirectoryKind kind;
} Export;

/**
 * flex_transfer_export_target:
 * @chosen: the format picked in the dialog (%FLEX_EXPORT_CSV or
 *   %FLEX_EXPORT_VCARD), or -1 when none was
 * @name: the file name typed
 * @target: (out): the name to write: its extension follows the format
 *
 * The chosen format wins (choosing vCard with the suggested "….csv" wrote
 * CSV); without one the extension decides.
 *
 * Returns: %TRUE for vCard
 */
gboolean
flex_transfer_export_target (int chosen, const char *name, char **target)
{
  gboolean named_vcard = g_str_has_suffix (name, ".vcf") || g_str_has_suffix (name, ".vcard");
  gboolean named_csv = g_str_has_suffix (name, ".csv");
  gboolean vcard = chosen == FLEX_EXPORT_VCARD || (chosen == -1 && named_vcard);

  if (vcard && named_csv)
    {
      g_autofree char *stem = g_strndup (name, strlen (name) - strlen (".csv"));

      *target = g_strconcat (stem, ".vcf", NULL);
    }
  else if (!vcard && named_vcard)
    {
      const char *dot = strrchr (name, '.');
      g_autofree char *stem = g_strndup (name, (gsize) (dot - name));

      *target = g_strconcat (stem, ".csv", NULL);
    }
  else
    *target = g_strdup (name);
  return vcard;
}

static void
on_save_response (GtkNativeDialog *chooser, int response, gpointer user_data)
{
  Export *export = user_data;
  g_autoptr (GFile) file = NULL;
  g_autoptr (GError) error = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (file != NULL)
    {
      GtkFileFilter *filter = gtk_file_chooser_get_filter (GTK_FILE_CHOOSER (chooser));
      int chosen = filter == NULL ? -1
                   : GPOINTER_TO_INT (g_object_get_data (G_OBJECT (filter), "flex-csv"))
                       ? FLEX_EXPORT_CSV
                       : FLEX_EXPORT_VCARD;
      g_autofree char *given = g_file_get_basename (file);
      g_autofree char *name = NULL;
      gboolean vcard = flex_transfer_export_target (chosen, given, &name);
      guint n = g_list_model_get_n_items (export->items);

      if (g_strcmp0 (name, given) != 0)
        {
          g_autoptr (GFile) parent = g_file_get_parent (file);

          g_clear_object (&file);
          file = g_file_get_child (parent, name);
        }

      if (flex_transfer_export_to (export->items, export->kind, vcard, file, &error))
        {
          g_autofree char *title =
              export->kind == FLEX_DIRECTORY_KIND_RECENTS
                  ? g_strdup_printf (ngettext ("%u interaction exported to %s",
                                               "%u interactions exported to %s", n),
                                     n, name)
                  : g_strdup_printf (
                        ngettext ("%u contact exported to %s", "%u contacts exported to %s", n), n,
                        name);

          show_toast (export->anchor, title, FALSE);
        }
      else
        {
          g_autofree char *title = g_strdup_printf (_ ("Could not export: %s"), error->message);

          show_toast (export->anchor, title, FALSE);
        }
    }
  g_object_unref (chooser);
  g_object_unref (export->anchor);
  g_object_unref (export->items);
  g_free (export);
}

/**
 * flex_transfer_export:
 * @items: (element-type GObject): what the page shows (a search narrows it)
 *
 * Asks where to save, then writes CSV (or vCard for contacts).
 */
void
flex_transfer_export (GtkWidget *anchor, GListModel *items, FlexDirectoryKind kind)
{
  Export *export = g_new0 (Export, 1);
  GtkFileChooserNative *chooser;

  export->anchor = g_object_ref (anchor);
  export->items = g_object_ref (items);
  export->kind = kind;
  chooser = gtk_file_chooser_native_new (
      kind == FLEX_DIRECTORY_KIND_RECENTS ? _ ("Export Recents") : _ ("Export Contacts"),
      window_of (anchor), GTK_FILE_CHOOSER_ACTION_SAVE, _ ("_Export"), NULL);
  add_filter (GTK_FILE_CHOOSER (chooser), _ ("CSV"), csv_types, TRUE);
  if (kind != FLEX_DIRECTORY_KIND_RECENTS)
    add_filter (GTK_FILE_CHOOSER (chooser), _ ("vCard"), vcard_types, FALSE);
  gtk_file_chooser_set_current_name (
      GTK_FILE_CHOOSER (chooser), kind == FLEX_DIRECTORY_KIND_RECENTS  ? _ ("recents.csv")
                                  : kind == FLEX_DIRECTORY_KIND_SHARED ? _ ("shared-contacts.csv")
                                                                       : _ ("my-contacts.csv"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (on_save_response), export);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}
