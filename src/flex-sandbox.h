/* flex-sandbox.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "flex-emulator.h"
#include "flex-incoming.h"
#include "flex-session.h"

G_BEGIN_DECLS

#define FLEX_TYPE_SANDBOX (flex_sandbox_get_type ())

G_DECLARE_FINAL_TYPE (FlexSandbox, flex_sandbox, FLEX, SANDBOX, GObject)

FlexSandbox *flex_sandbox_new (FlexFeatureConfig *config, GError **error);
FlexSession *flex_sandbox_get_session (FlexSandbox *self);
FlexEmulator *flex_sandbox_get_emulator (FlexSandbox *self);
const char *flex_sandbox_get_worker_sid (FlexSandbox *self);
void flex_sandbox_set_worker_online (FlexSandbox *self, gboolean online);
FlexIncoming *flex_sandbox_new_incoming (FlexSandbox *self);
char *flex_sandbox_ring (FlexSandbox *self);

G_END_DECLS
