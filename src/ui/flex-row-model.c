/* flex-row-model.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flex-row-model"

#include "config.h"

#include "flex-row-model.h"

#include "flex-frame-steps.h"

/*
 * FlexRowModel: the rows of a list view over another list model, so that
 * GTK 4.8 does not destroy and build again its rows when that model changes
 * wholesale (a search, a sort). A GTK 4.8 list view keeps up to 200 rows
 * alive and makes a new row widget for every item an items-changed brings
 * (it reuses a row only for the very same item; GTK 4.12 recycles any):
 * 60 ms a keystroke on 10,000 contacts. Here the items are slots
 * (FlexRowSlot), one a position, and a change of many rows keeps the slots
 * and points them at their new items: the cells bound to a slot rebind on
 * its notify::item and no widget is made or destroyed. Only a change of the
 * count reaches GTK, at the end of the list, and there in steps of a few
 * rows between frames where GTK makes or destroys rows for them (slots past
 * the end of the items show nothing meanwhile, item %NULL), so that no step
 * blocks a frame. A small change (an item replaced, added or removed: an
 * edit) goes through as it is, so that GTK keeps the focus and the scroll
 * on the rows around it.
 *
 * It is the selection too (GtkSelectionModel, several rows, or none when
 * not @selectable): selected rows are remembered by item, so a sort or a
 * search keeps them; a row a search hides is not reported as selected
 * while it is hidden.
 */

struct _FlexRowSlot
{
  GObject parent_instance;

  FlexRowModel *model; /* unowned; NULL once the slot left the model */
  guint position;
  gpointer item;
};

enum
{
  SLOT_PROP_0,
  SLOT_PROP_ITEM,
  SLOT_N_PROPS
};

static GParamSpec *slot_properties[SLOT_N_PROPS];

G_DEFINE_FINAL_TYPE (FlexRowSlot, flex_row_slot, G_TYPE_OBJECT)

struct _FlexRowModel
{
  GObject parent_instance;

  GListModel *model;
  GPtrArray *slots;        /* position → its FlexRowSlot while one is alive, else NULL */
  guint n_items;           /* the rows GTK knows: the items, once the count has caught up */
  FlexFrameSteps catch_up; /* bring n_items to the model's count, a step a frame */
  gboolean selectable;
  GHashTable *selected; /* the selected items */
};

static void flex_row_model_list_model_init (GListModelInterface *iface);
static void flex_row_model_selection_model_init (GtkSelectionModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FlexRowModel,
                               flex_row_model,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      flex_row_model_list_model_init)
                                   G_IMPLEMENT_INTERFACE (GTK_TYPE_SELECTION_MODEL,
                                                          flex_row_model_selection_model_init))

/* FlexRowSlot */

static void
flex_row_slot_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  FlexRowSlot *self = FLEX_ROW_SLOT (object);

  switch (prop_id)
    {
      case SLOT_PROP_ITEM:
        g_value_set_object (value, self->item);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flex_row_slot_finalize (GObject *object)
{
  FlexRowSlot *self = FLEX_ROW_SLOT (object);

  /* No row shows it any more: the model makes a new one when asked. */
  if (self->model != NULL)
    g_ptr_array_index (self->model->slots, self->position) = NULL;
  g_clear_object (&self->item);

  G_OBJECT_CLASS (flex_row_slot_parent_class)->finalize (object);
}

static void
flex_row_slot_class_init (FlexRowSlotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = flex_row_slot_get_property;
  object_class->finalize = flex_row_slot_finalize;

  slot_properties[SLOT_PROP_ITEM] =
      g_param_spec_object ("item", NULL, NULL, G_TYPE_OBJECT,
                           G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, SLOT_N_PROPS, slot_properties);
}

static void
flex_row_slot_init (FlexRowSlot *self)
{
}

/**
 * flex_row_slot_get_item:
 *
 * Returns: (transfer none) (type GObject): the item the row shows now
 */
gpointer
flex_row_slot_get_item (FlexRowSlot *self)
{
  g_return_val_if_fail (FLEX_IS_ROW_SLOT (self), NULL);
  return self->item;
}

/* FlexRowModel */

static void
detach_slots (FlexRowModel *self, guint from, guint to)
{
  for (guint i = from; i < to; i++)
    {
      FlexRowSlot *slot = g_ptr_array_index (self->slots, i);

      if (slot != NULL)
        slot->model = NULL;
    }
}

static void
renumber_slots (FlexRowModel *self, guint from)
{
  for (guint i = from; i < self->slots->len; i++)
    {
      FlexRowSlot *slot = g_ptr_array_index (self->slots, i);

      if (slot != NULL)
        slot->position = i;
    }
}

/* The rows bound to @slot bind again (a handler may let go of it). */
static void
notify_item (FlexRowSlot *slot)
{
  g_object_ref (slot);
  g_object_notify_by_pspec (G_OBJECT (slot), slot_properties[SLOT_PROP_ITEM]);
  g_object_unref (slot);
}

/* Points the slot at @position, if a row has one, at the item now there
 * (%NULL past the end of the items). */
static void
rebind_slot (FlexRowModel *self, guint position)
{
  FlexRowSlot *slot = g_ptr_array_index (self->slots, position);
  gpointer item;

  if (slot == NULL)
    return;
  item = g_list_model_get_item (self->model, position);
  if (item == slot->item)
    {
      g_clear_object (&item);
      return;
    }
  g_clear_object (&slot->item);
  slot->item = item;
  notify_item (slot);
}

static gboolean
has_slots (FlexRowModel *self, guint from, guint to)
{
  for (guint i = from; i < to; i++)
    if (g_ptr_array_index (self->slots, i) != NULL)
      return TRUE;
  return FALSE;
}

/* Rows GTK makes or destroys in one step: up to ~0.6 ms each in GTK 4.8,
 * laid out and drawn (bench-directory). */
#define STEP_ROWS 12

/* One step of bringing the rows to the count of the items: %TRUE while
 * more are to come. */
static gboolean
catch_up_step (FlexRowModel *self, guint step_rows)
{
  guint n_real = g_list_model_get_n_items (self->model);
  guint old_n = self->n_items;

  if (old_n < n_real)
    {
      guint step = MIN (step_rows, n_real - old_n);

      g_ptr_array_set_size (self->slots, old_n + step);
      self->n_items = old_n + step;
      g_list_model_items_changed (G_LIST_MODEL (self), old_n, 0, step);
      /* GTK made no rows for them: it makes none for the rest either. */
      if (self->n_items < n_real && !has_slots (self, old_n, self->n_items))
        {
          old_n = self->n_items;
          g_ptr_array_set_size (self->slots, n_real);
          self->n_items = n_real;
          g_list_model_items_changed (G_LIST_MODEL (self), old_n, 0, n_real - old_n);
        }
    }
  else if (old_n > n_real)
    {
      guint end = old_n;
      guint step;

      /* Positions without rows go at once, the rows in steps. */
      while (end > n_real && g_ptr_array_index (self->slots, end - 1) == NULL)
        end--;
      step = MIN (step_rows, end - n_real);
      end = MAX (end, n_real) - step;
      detach_slots (self, end, old_n);
      g_ptr_array_set_size (self->slots, end);
      self->n_items = end;
      g_list_model_items_changed (G_LIST_MODEL (self), end, old_n - end, 0);
    }
  return self->n_items != n_real;
}

static gboolean
catch_up_rows (gpointer data)
{
  return catch_up_step (data, STEP_ROWS);
}

static void
on_items_changed (GListModel *model, guint position, guint removed, guint added, FlexRowModel *self)
{
  guint old_n = self->n_items;
  guint new_n = g_list_model_get_n_items (model);
  guint end;

  if (removed <= 1 && added <= 1 && !flex_frame_steps_pending (&self->catch_up))
    {
      /* An edit: as it is. */
      detach_slots (self, position, position + removed);
      g_ptr_array_remove_range (self->slots, position, removed);
      if (added > 0)
        g_ptr_array_insert (self->slots, (int) position, NULL);
      renumber_slots (self, position);
      self->n_items = new_n;
      g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
      return;
    }

  /* Many rows: the slots stay and show their new items; the count follows,
   * at the end, a step now and the rest between frames. */
  end = removed == added && !flex_frame_steps_pending (&self->catch_up) ? position + added : old_n;
  for (guint i = position; i < end; i++)
    rebind_slot (self, i);
  if (end > position && g_hash_table_size (self->selected) > 0)
    gtk_selection_model_selection_changed (GTK_SELECTION_MODEL (self), position, end - position);
  /* A step now, the others after each frame of the list. */
  if (old_n != new_n && !flex_frame_steps_pending (&self->catch_up) &&
      catch_up_step (self, STEP_ROWS))
    flex_frame_steps_schedule (&self->catch_up);
}

static GType
flex_row_model_get_item_type (GListModel *model)
{
  return FLEX_TYPE_ROW_SLOT;
}

static guint
flex_row_model_get_n_items (GListModel *model)
{
  return FLEX_ROW_MODEL (model)->n_items;
}

static gpointer
flex_row_model_get_item (GListModel *model, guint position)
{
  FlexRowModel *self = FLEX_ROW_MODEL (model);
  FlexRowSlot *slot;

  if (position >= self->n_items)
    return NULL;
  slot = g_ptr_array_index (self->slots, position);
  if (slot != NULL)
    return g_object_ref (slot);

  /* The caller holds the only reference: the slot lives as long as the
   * row that shows it. */
  slot = g_object_new (FLEX_TYPE_ROW_SLOT, NULL);
  slot->model = self;
  slot->position = position;
  slot->item = g_list_model_get_item (self->model, position); /* NULL past the items */
  g_ptr_array_index (self->slots, position) = slot;
  return slot;
}

static void
flex_row_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = flex_row_model_get_item_type;
  iface->get_n_items = flex_row_model_get_n_items;
  iface->get_item = flex_row_model_get_item;
}

static gboolean
flex_row_model_is_selected (GtkSelectionModel *model, guint position)
{
  FlexRowModel *self = FLEX_ROW_MODEL (model);
  g_autoptr (GObject) item = NULL;

  if (g_hash_table_size (self->selected) == 0 || position >= self->n_items)
    return FALSE;
  item = g_list_model_get_item (self->model, position);
  return g_hash_table_contains (self->selected, item);
}

static GtkBitset *
flex_row_model_get_selection_in_range (GtkSelectionModel *model, guint position, guint n_items)
{
  FlexRowModel *self = FLEX_ROW_MODEL (model);
  GtkBitset *selection = gtk_bitset_new_empty ();
  guint end = MIN (position + n_items, self->n_items);

  if (g_hash_table_size (self->selected) == 0)
    return selection;
  for (guint i = position; i < end; i++)
    if (flex_row_model_is_selected (model, i))
      gtk_bitset_add (selection, i);
  return selection;
}

static gboolean
flex_row_model_set_selection (GtkSelectionModel *model, GtkBitset *selected, GtkBitset *mask)
{
  FlexRowModel *self = FLEX_ROW_MODEL (model);
  GtkBitsetIter iter;
  guint position, first, last;

  if (!self->selectable)
    return FALSE;
  if (gtk_bitset_is_empty (mask) || self->n_items == 0)
    return TRUE;

  first = gtk_bitset_get_minimum (mask);
  last = MIN (gtk_bitset_get_maximum (mask), self->n_items - 1);
  /* Every row (a click, Ctrl+A, leaving selection mode): what a search
   * hides goes too, not to come back selected later. */
  if (first == 0 && gtk_bitset_get_size_in_range (mask, 0, self->n_items - 1) == self->n_items)
    g_hash_table_remove_all (self->selected);
  for (gboolean more = gtk_bitset_iter_init_first (&iter, mask, &position);
       more && position < self->n_items; more = gtk_bitset_iter_next (&iter, &position))
    {
      gpointer item = g_list_model_get_item (self->model, position);

      if (item == NULL) /* a row past the items, about to go */
        continue;
      if (gtk_bitset_contains (selected, position))
        g_hash_table_add (self->selected, item);
      else
        {
          g_hash_table_remove (self->selected, item);
          g_object_unref (item);
        }
    }
  if (first <= last)
    gtk_selection_model_selection_changed (model, first, last - first + 1);
  return TRUE;
}

static gboolean
flex_row_model_unselect_all (GtkSelectionModel *model)
{
  FlexRowModel *self = FLEX_ROW_MODEL (model);

  if (!self->selectable)
    return FALSE;
  if (g_hash_table_size (self->selected) == 0)
    return TRUE;
  g_hash_table_remove_all (self->selected);
  if (self->n_items > 0)
    gtk_selection_model_selection_changed (model, 0, self->n_items);
  return TRUE;
}

static void
flex_row_model_selection_model_init (GtkSelectionModelInterface *iface)
{
  iface->is_selected = flex_row_model_is_selected;
  iface->get_selection_in_range = flex_row_model_get_selection_in_range;
  iface->set_selection = flex_row_model_set_selection;
  iface->unselect_all = flex_row_model_unselect_all;
}

static void
flex_row_model_dispose (GObject *object)
{
  FlexRowModel *self = FLEX_ROW_MODEL (object);

  flex_frame_steps_clear (&self->catch_up);
  if (self->model != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->model, on_items_changed, self);
      detach_slots (self, 0, self->slots->len);
      g_ptr_array_set_size (self->slots, 0);
      g_clear_object (&self->model);
    }
  g_hash_table_remove_all (self->selected);

  G_OBJECT_CLASS (flex_row_model_parent_class)->dispose (object);
}

static void
flex_row_model_finalize (GObject *object)
{
  FlexRowModel *self = FLEX_ROW_MODEL (object);

  g_ptr_array_unref (self->slots);
  g_hash_table_unref (self->selected);

  G_OBJECT_CLASS (flex_row_model_parent_class)->finalize (object);
}

static void
flex_row_model_class_init (FlexRowModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = flex_row_model_dispose;
  object_class->finalize = flex_row_model_finalize;
}

static void
flex_row_model_init (FlexRowModel *self)
{
  self->slots = g_ptr_array_new ();
  flex_frame_steps_init (&self->catch_up, catch_up_rows, self);
  self->selected = g_hash_table_new_full (g_direct_hash, g_direct_equal, g_object_unref, NULL);
}

/**
 * flex_row_model_new:
 * @model: (transfer none): the items, in the order shown
 * @selectable: whether rows can be selected (several at once)
 *
 * Returns: (transfer full): the rows of a list view over @model
 */
FlexRowModel *
flex_row_model_new (GListModel *model, gboolean selectable)
{
  FlexRowModel *self;

  g_return_val_if_fail (G_IS_LIST_MODEL (model), NULL);

  self = g_object_new (FLEX_TYPE_ROW_MODEL, NULL);
  self->model = g_object_ref (model);
  self->selectable = selectable;
  self->n_items = g_list_model_get_n_items (model);
  g_ptr_array_set_size (self->slots, self->n_items);
  g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed), self);
  return self;
}

/**
 * flex_row_model_get_model:
 *
 * Returns: (transfer none): the items the rows show
 */
GListModel *
flex_row_model_get_model (FlexRowModel *self)
{
  g_return_val_if_fail (FLEX_IS_ROW_MODEL (self), NULL);
  return self->model;
}

/**
 * flex_row_model_get_row_item:
 *
 * Returns: (transfer full) (nullable) (type GObject): the item of the row
 *   at @position
 */
gpointer
flex_row_model_get_row_item (FlexRowModel *self, guint position)
{
  g_return_val_if_fail (FLEX_IS_ROW_MODEL (self), NULL);
  return g_list_model_get_item (self->model, position);
}

/**
 * flex_row_model_refresh:
 *
 * Has every row shown bound again (notify::item on each slot a row holds),
 * after something else than the items changed how rows show (the width of
 * the window, a setting).
 */
void
flex_row_model_refresh (FlexRowModel *self)
{
  g_return_if_fail (FLEX_IS_ROW_MODEL (self));

  for (guint i = 0; i < self->slots->len; i++)
    {
      FlexRowSlot *slot = g_ptr_array_index (self->slots, i);

      if (slot != NULL)
        notify_item (slot);
    }
}

/**
 * flex_row_model_set_pacer:
 * @pacer: (nullable): the list view showing the rows
 *
 * While @pacer shows, the count catches up a step a frame of it.
 */
void
flex_row_model_set_pacer (FlexRowModel *self, GtkWidget *pacer)
{
  g_return_if_fail (FLEX_IS_ROW_MODEL (self));
  g_return_if_fail (pacer == NULL || GTK_IS_WIDGET (pacer));

  flex_frame_steps_set_widget (&self->catch_up, pacer);
}
