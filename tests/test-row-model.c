/* test-row-model.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * FlexRowModel, by its emissions (STYLE.md rule 6): every items-changed
 * is recorded as "position-removed+added" and asserted exactly. Rows that
 * a list view holds are stood in for by the slots the test keeps.
 */

#include "config.h"

#include <gtk/gtk.h>

#include "flex-reverse-model.h"
#include "flex-row-model.h"

typedef struct
{
  GListStore *store;
  FlexRowModel *rows;
  GString *changes;    /* "0-3+3 " for each items-changed */
  GString *selections; /* "0:3 " for each selection-changed */
  GPtrArray *held;     /* the slots "on screen" */
} Fixture;

static void
on_items_changed (GListModel *model, guint position, guint removed, guint added, Fixture *fixture)
{
  g_string_append_printf (fixture->changes, "%u-%u+%u ", position, removed, added);
}

static void
on_selection_changed (GtkSelectionModel *model, guint position, guint n_items, Fixture *fixture)
{
  g_string_append_printf (fixture->selections, "%u:%u ", position, n_items);
}

static GtkStringObject *
word (guint i)
{
  g_autofree char *text = g_strdup_printf ("w%u", i);

  return gtk_string_object_new (text);
}

static void
fill (GListStore *store, guint from, guint n)
{
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (items, word (from + i));
  g_list_store_splice (store, 0, g_list_model_get_n_items (G_LIST_MODEL (store)), items->pdata,
                       items->len);
}

static void
setup (Fixture *fixture, gconstpointer data)
{
  fixture->store = g_list_store_new (GTK_TYPE_STRING_OBJECT);
  fill (fixture->store, 0, 300);
  fixture->rows = flex_row_model_new (G_LIST_MODEL (fixture->store), TRUE);
  fixture->changes = g_string_new (NULL);
  fixture->selections = g_string_new (NULL);
  fixture->held = g_ptr_array_new_with_free_func (g_object_unref);
  g_signal_connect (fixture->rows, "items-changed", G_CALLBACK (on_items_changed), fixture);
  g_signal_connect (fixture->rows, "selection-changed", G_CALLBACK (on_selection_changed), fixture);
}

static void
teardown (Fixture *fixture, gconstpointer data)
{
  g_ptr_array_unref (fixture->held);
  g_object_unref (fixture->rows);
  g_object_unref (fixture->store);
  /* Every change was asserted. */
  g_assert_cmpstr (fixture->changes->str, ==, "");
  g_assert_cmpstr (fixture->selections->str, ==, "");
  g_string_free (fixture->changes, TRUE);
  g_string_free (fixture->selections, TRUE);
}

static void
assert_changes (Fixture *fixture, const char *expected)
{
  g_assert_cmpstr (fixture->changes->str, ==, expected);
  g_string_truncate (fixture->changes, 0);
}

static void
assert_selections (Fixture *fixture, const char *expected)
{
  g_assert_cmpstr (fixture->selections->str, ==, expected);
  g_string_truncate (fixture->selections, 0);
}

/* The rows 0 … n-1 are on screen: the slots are held, as a list view does. */
static void
hold (Fixture *fixture, guint n)
{
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (fixture->held, g_list_model_get_item (G_LIST_MODEL (fixture->rows), i));
}

static const char *
held_text (Fixture *fixture, guint i)
{
  GtkStringObject *item = flex_row_slot_get_item (g_ptr_array_index (fixture->held, i));

  return item != NULL ? gtk_string_object_get_string (item) : NULL;
}

static void
run_idle (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
count_notify (GObject *object, GParamSpec *pspec, guint *count)
{
  (*count)++;
}

static void
test_items (Fixture *fixture, gconstpointer data)
{
  GListModel *rows = G_LIST_MODEL (fixture->rows);
  g_autoptr (GObject) slot = NULL;
  g_autoptr (GObject) again = NULL;
  g_autoptr (GObject) item = NULL;

  g_assert_true (g_list_model_get_item_type (rows) == FLEX_TYPE_ROW_SLOT);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 300);
  slot = g_list_model_get_item (rows, 5);
  g_assert_true (FLEX_IS_ROW_SLOT (slot));
  g_assert_cmpstr (gtk_string_object_get_string (flex_row_slot_get_item (FLEX_ROW_SLOT (slot))), ==,
                   "w5");
  /* One slot a position while it is held. */
  again = g_list_model_get_item (rows, 5);
  g_assert_true (again == slot);
  g_assert_null (g_list_model_get_item (rows, 300));
  item = flex_row_model_get_row_item (fixture->rows, 7);
  g_assert_cmpstr (gtk_string_object_get_string (GTK_STRING_OBJECT (item)), ==, "w7");
  g_assert_true (flex_row_model_get_model (fixture->rows) == G_LIST_MODEL (fixture->store));
}

/* A search or a sort changes many rows: the held slots stay, show their
 * new items (one notify each), and only the count reaches GTK. */
static void
test_wholesale_change_keeps_rows (Fixture *fixture, gconstpointer data)
{
  GObject *first;
  guint notified = 0;

  hold (fixture, 50);
  first = g_ptr_array_index (fixture->held, 0);
  g_signal_connect (first, "notify::item", G_CALLBACK (count_notify), &notified);

  /* 300 items become 100 others: positions without rows go at once. */
  fill (fixture->store, 1000, 100);
  assert_changes (fixture, "100-200+0 ");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->rows)), ==, 100);
  g_assert_cmpuint (notified, ==, 1);
  g_assert_cmpstr (held_text (fixture, 0), ==, "w1000");
  g_assert_cmpstr (held_text (fixture, 49), ==, "w1049");
  g_assert_true (g_list_model_get_item (G_LIST_MODEL (fixture->rows), 0) == first);
  g_object_unref (first); /* the reference just taken */

  /* The same items in another order (a sort): every held row shows its
   * new item, nothing is added or removed. */
  {
    g_autoptr (GPtrArray) reversed = g_ptr_array_new_with_free_func (g_object_unref);

    for (guint i = 100; i > 0; i--)
      g_ptr_array_add (reversed, g_list_model_get_item (G_LIST_MODEL (fixture->store), i - 1));
    g_list_store_splice (fixture->store, 0, 100, reversed->pdata, reversed->len);
  }
  assert_changes (fixture, "");
  g_assert_cmpstr (held_text (fixture, 0), ==, "w1099");
  g_assert_cmpuint (notified, ==, 2);
}

/* Fewer items than rows on screen: the rows past the end show nothing at
 * once (item NULL) and go in steps between frames; more items: rows come
 * in steps while the list view makes rows for them, the rest at once. */
static void
test_count_follows_in_steps (Fixture *fixture, gconstpointer data)
{
  hold (fixture, 50);

  fill (fixture->store, 0, 10);
  /* Positions 50… had no rows: at once; then 12 rows of the 40 left. */
  assert_changes (fixture, "38-262+0 ");
  g_assert_cmpstr (held_text (fixture, 9), ==, "w9");
  g_assert_null (held_text (fixture, 10));
  g_assert_null (held_text (fixture, 37));
  g_assert_null (flex_row_model_get_row_item (fixture->rows, 12));
  run_idle ();
  assert_changes (fixture, "26-12+0 14-12+0 10-4+0 ");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->rows)), ==, 10);

  /* Back to 300: nobody makes rows for the first step, the rest at once. */
  fill (fixture->store, 0, 300);
  assert_changes (fixture, "10-0+12 22-0+278 ");
  run_idle ();
  assert_changes (fixture, "");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->rows)), ==, 300);
}

static void
on_grow_make_rows (GListModel *model, guint position, guint removed, guint added, Fixture *fixture)
{
  /* A list view makes rows for what comes, up to 60 of them. */
  for (guint i = position; i < position + added && i < 60; i++)
    g_ptr_array_add (fixture->held, g_list_model_get_item (model, i));
}

static void
test_growth_while_rows_are_made (Fixture *fixture, gconstpointer data)
{
  fill (fixture->store, 0, 0);
  assert_changes (fixture, "0-300+0 ");
  g_signal_connect (fixture->rows, "items-changed", G_CALLBACK (on_grow_make_rows), fixture);
  fill (fixture->store, 0, 300);
  assert_changes (fixture, "0-0+12 ");
  run_idle ();
  /* 12 at a time get rows up to 60; 60 … 71 none: the rest at once. */
  assert_changes (fixture, "12-0+12 24-0+12 36-0+12 48-0+12 60-0+12 72-0+228 ");
  g_assert_cmpuint (fixture->held->len, ==, 60);
  g_assert_cmpstr (held_text (fixture, 59), ==, "w59");
}

/* An edit (one item replaced, added or removed) goes through as it is. */
static void
test_edit_goes_through (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GtkStringObject) edited = word (9999);
  g_autoptr (GObject) slot = NULL;

  hold (fixture, 10);
  g_list_store_splice (fixture->store, 3, 1, (gpointer *) &edited, 1);
  assert_changes (fixture, "3-1+1 ");
  g_list_store_remove (fixture->store, 0);
  assert_changes (fixture, "0-1+0 ");
  /* The slot of "w5" moved up with its item, and says where it is. */
  g_assert_cmpstr (held_text (fixture, 5), ==, "w5");
  slot = g_list_model_get_item (G_LIST_MODEL (fixture->rows), 4);
  g_assert_true (slot == g_ptr_array_index (fixture->held, 5));
  g_list_store_insert (fixture->store, 0, edited);
  assert_changes (fixture, "0-0+1 ");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->rows)), ==, 300);
}

/* Selected rows are remembered by item: a sort keeps them, a search hides
 * them while they are hidden, a click on one row drops the rest. */
static void
test_selection_by_item (Fixture *fixture, gconstpointer data)
{
  GtkSelectionModel *selection = GTK_SELECTION_MODEL (fixture->rows);
  g_autoptr (GtkBitset) selected = NULL;
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  g_assert_true (gtk_selection_model_select_item (selection, 2, FALSE));
  g_assert_true (gtk_selection_model_select_item (selection, 5, FALSE));
  assert_selections (fixture, "2:1 5:1 ");
  g_assert_true (gtk_selection_model_is_selected (selection, 5));
  g_assert_false (gtk_selection_model_is_selected (selection, 4));

  /* Reversed (a sort): w2 and w5 are now at 297 and 294. */
  for (guint i = 300; i > 0; i--)
    g_ptr_array_add (items, g_list_model_get_item (G_LIST_MODEL (fixture->store), i - 1));
  g_list_store_splice (fixture->store, 0, 300, items->pdata, items->len);
  assert_changes (fixture, "");
  assert_selections (fixture, "0:300 ");
  selected = gtk_selection_model_get_selection (selection);
  g_assert_cmpuint (gtk_bitset_get_size (selected), ==, 2);
  g_assert_true (gtk_bitset_contains (selected, 294));
  g_assert_true (gtk_bitset_contains (selected, 297));

  /* A search that hides w5: it is not reported, and comes back after. */
  g_list_store_remove (fixture->store, 294);
  assert_changes (fixture, "294-1+0 ");
  g_clear_pointer (&selected, gtk_bitset_unref);
  selected = gtk_selection_model_get_selection (selection);
  g_assert_cmpuint (gtk_bitset_get_size (selected), ==, 1);
  g_list_store_insert (fixture->store, 294, g_ptr_array_index (items, 294));
  assert_changes (fixture, "294-0+1 ");
  g_assert_true (gtk_selection_model_is_selected (selection, 294));

  /* A click (select one, unselect the rest). */
  g_assert_true (gtk_selection_model_select_item (selection, 0, TRUE));
  assert_selections (fixture, "0:300 ");
  g_clear_pointer (&selected, gtk_bitset_unref);
  selected = gtk_selection_model_get_selection (selection);
  g_assert_cmpuint (gtk_bitset_get_size (selected), ==, 1);
  g_assert_true (gtk_bitset_contains (selected, 0));

  g_assert_true (gtk_selection_model_unselect_all (selection));
  assert_selections (fixture, "0:300 ");
  g_assert_false (gtk_selection_model_is_selected (selection, 0));
}

static void
test_not_selectable (void)
{
  g_autoptr (GListStore) store = g_list_store_new (GTK_TYPE_STRING_OBJECT);
  g_autoptr (FlexRowModel) rows = NULL;

  fill (store, 0, 3);
  rows = flex_row_model_new (G_LIST_MODEL (store), FALSE);
  g_assert_false (gtk_selection_model_select_item (GTK_SELECTION_MODEL (rows), 1, FALSE));
  g_assert_false (gtk_selection_model_is_selected (GTK_SELECTION_MODEL (rows), 1));
  g_assert_false (gtk_selection_model_select_all (GTK_SELECTION_MODEL (rows)));
}

/* A row may outlive the model (a list view lets go last). */
static void
test_slot_outlives_model (void)
{
  g_autoptr (GListStore) store = g_list_store_new (GTK_TYPE_STRING_OBJECT);
  FlexRowModel *rows;
  g_autoptr (GObject) slot = NULL;

  fill (store, 0, 3);
  rows = flex_row_model_new (G_LIST_MODEL (store), TRUE);
  slot = g_list_model_get_item (G_LIST_MODEL (rows), 1);
  g_object_unref (rows);
  /* It still shows its item, and lets go of it without the model
   * (AddressSanitizer would see a use after free). */
  g_assert_cmpstr (gtk_string_object_get_string (flex_row_slot_get_item (FLEX_ROW_SLOT (slot))), ==,
                   "w1");
}

static void
record (GListModel *model, guint position, guint removed, guint added, GString *changes)
{
  g_string_append_printf (changes, "%u-%u+%u ", position, removed, added);
}

static char *
texts (GListModel *model)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (GtkStringObject) item = g_list_model_get_item (model, i);

      g_string_append_printf (out, "%s ", gtk_string_object_get_string (item));
    }
  return g_string_free (out, FALSE);
}

/* The directory's order backwards: positions and changes mirrored. */
static void
test_reverse_model (void)
{
  g_autoptr (GListStore) store = g_list_store_new (GTK_TYPE_STRING_OBJECT);
  g_autoptr (FlexReverseModel) reverse = NULL;
  g_autoptr (GString) changes = g_string_new (NULL);
  g_autoptr (GtkStringObject) extra = word (9);
  g_autofree char *forward = NULL;
  g_autofree char *backward = NULL;
  g_autofree char *edited = NULL;

  fill (store, 0, 4);
  reverse = flex_reverse_model_new (G_LIST_MODEL (store));
  g_signal_connect (reverse, "items-changed", G_CALLBACK (record), changes);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (reverse)) == GTK_TYPE_STRING_OBJECT);
  forward = texts (G_LIST_MODEL (reverse));
  g_assert_cmpstr (forward, ==, "w0 w1 w2 w3 ");
  g_list_store_remove (store, 1);
  g_assert_cmpstr (changes->str, ==, "1-1+0 ");
  g_string_truncate (changes, 0);

  flex_reverse_model_set_reversed (reverse, TRUE);
  g_assert_true (flex_reverse_model_get_reversed (reverse));
  g_assert_cmpstr (changes->str, ==, "0-3+3 ");
  g_string_truncate (changes, 0);
  backward = texts (G_LIST_MODEL (reverse));
  g_assert_cmpstr (backward, ==, "w3 w2 w0 ");
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (reverse), 3));

  /* Inserted after w0 in the store (position 1): before it here. */
  g_list_store_insert (store, 1, extra);
  g_assert_cmpstr (changes->str, ==, "2-0+1 ");
  g_string_truncate (changes, 0);
  /* w3 replaced (the last in the store): the first here. */
  g_list_store_splice (store, 3, 1, (gpointer *) &extra, 1);
  g_assert_cmpstr (changes->str, ==, "0-1+1 ");
  edited = texts (G_LIST_MODEL (reverse));
  g_assert_cmpstr (edited, ==, "w9 w2 w9 w0 ");
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, setup, func, teardown)
  ADD ("/row-model/items", test_items);
  ADD ("/row-model/wholesale-change-keeps-rows", test_wholesale_change_keeps_rows);
  ADD ("/row-model/count-follows-in-steps", test_count_follows_in_steps);
  ADD ("/row-model/growth-while-rows-are-made", test_growth_while_rows_are_made);
  ADD ("/row-model/edit-goes-through", test_edit_goes_through);
  ADD ("/row-model/selection-by-item", test_selection_by_item);
#undef ADD
  g_test_add_func ("/row-model/not-selectable", test_not_selectable);
  g_test_add_func ("/row-model/slot-outlives-model", test_slot_outlives_model);
  g_test_add_func ("/reverse-model/mirrors", test_reverse_model);

  return g_test_run ();
}
