/* flex-test-directory.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Helpers for tests of directories (model layer).
 */

#pragma once

#include "flex-directory.h"
#include "flex-test-util.h"

typedef struct
{
  gboolean done;
  gboolean ok;
  GError *error;
} FlexTestCheck;

static inline void
flex_test_on_checked (GObject *object, GAsyncResult *result, gpointer user_data)
{
  FlexTestCheck *check = user_data;

  check->ok = flex_directory_refresh_finish (FLEX_DIRECTORY (object), result, &check->error);
  check->done = TRUE;
}

/* One check of @directory (a refresh), waited for up to @timeout_ms: whether
 * it succeeded, for the test to assert or not. */
static inline gboolean
flex_test_check_directory (FlexDirectory *directory, guint timeout_ms, GError **error)
{
  FlexTestCheck check = { FALSE, FALSE, NULL };

  flex_directory_refresh_async (directory, NULL, flex_test_on_checked, &check);
  FLEX_TEST_WAIT_FOR (check.done, timeout_ms);
  if (check.error != NULL)
    g_propagate_error (error, check.error);
  return check.ok;
}
