/* flex-model-error.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * FlexModelError:
 * @FLEX_MODEL_ERROR_INVALID: an item or an edit does not hold valid data
 * @FLEX_MODEL_ERROR_READ_ONLY: this directory cannot be changed by this worker
 * @FLEX_MODEL_ERROR_CONFLICT: someone else changed the item since it was shown
 * @FLEX_MODEL_ERROR_BUSY: a write to this item is already under way
 */
typedef enum
{
  FLEX_MODEL_ERROR_INVALID,
  FLEX_MODEL_ERROR_READ_ONLY,
  FLEX_MODEL_ERROR_CONFLICT,
  FLEX_MODEL_ERROR_BUSY,
} FlexModelError;

#define FLEX_MODEL_ERROR (flex_model_error_quark ())

GQuark flex_model_error_quark (void);

G_END_DECLS
