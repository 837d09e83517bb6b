/* flex-import.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "flex-contact.h"
#include "flex-directory.h"

G_BEGIN_DECLS

/* The largest file an import reads (a 10,000-row CSV is about 1 MB). */
#define FLEX_IMPORT_MAX_BYTES (16 * 1024 * 1024)

typedef enum
{
  FLEX_IMPORT_FORMAT_CSV,
  FLEX_IMPORT_FORMAT_VCARD,
} FlexImportFormat;

/**
 * FlexImportAction:
 * @FLEX_IMPORT_NEW: a contact to add
 * @FLEX_IMPORT_UPDATE: a contact of the same number exists and differs
 * @FLEX_IMPORT_UNCHANGED: a contact of the same number exists, the same
 * @FLEX_IMPORT_DUPLICATE: an earlier row of the file has the same number
 * @FLEX_IMPORT_INVALID: cannot be imported (@reason says why)
 */
typedef enum
{
  FLEX_IMPORT_NEW,
  FLEX_IMPORT_UPDATE,
  FLEX_IMPORT_UNCHANGED,
  FLEX_IMPORT_DUPLICATE,
  FLEX_IMPORT_INVALID,
} FlexImportAction;

/**
 * FlexImportRow:
 * @number: where it is in the file (the CSV line, the vCard's position), from 1
 * @name: (nullable): the name read
 * @phone: (nullable): the number as the file has it
 * @notes: (nullable): notes, when the file has a column (or NOTE) for them
 * @has_transfer: whether the file says @allow_cold and @allow_warm
 * @e164: (nullable): @phone in E.164, once planned
 * @action: what importing it does, once planned
 * @reason: (nullable): for %FLEX_IMPORT_INVALID, why, for a person
 * @existing: (nullable): the contact of the same number it updates
 */
typedef struct
{
  guint number;
  char *name;
  char *phone;
  char *notes;
  gboolean has_notes;
  gboolean has_transfer;
  gboolean allow_cold;
  gboolean allow_warm;
  char *e164;
  FlexImportAction action;
  char *reason;
  FlexContact *existing;
} FlexImportRow;

void flex_import_row_free (FlexImportRow *row);

typedef struct
{
  guint n_new;
  guint n_update;
  guint n_unchanged;
  guint n_duplicate;
  guint n_invalid;
} FlexImportSummary;

GPtrArray *flex_import_parse (GBytes *bytes, FlexImportFormat *format, GError **error);
void flex_import_plan (GPtrArray *rows,
                       FlexDirectory *directory,
                       gboolean shared,
                       const char *default_country,
                       FlexImportSummary *summary);
FlexContact *flex_import_row_to_contact (const FlexImportRow *row);

G_END_DECLS
