/* flex-lock-status.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "flex-session.h"

G_BEGIN_DECLS

#define FLEX_TYPE_LOCK_STATUS (flex_lock_status_get_type ())

G_DECLARE_FINAL_TYPE (FlexLockStatus, flex_lock_status, FLEX, LOCK_STATUS, GObject)

FlexLockStatus *flex_lock_status_new (FlexSession *session, GSettings *settings);
void flex_lock_status_set_locked (FlexLockStatus *self, gboolean locked);

G_END_DECLS
