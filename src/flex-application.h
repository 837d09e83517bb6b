/* flex-application.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "flex-account.h"

#include <adwaita.h>

#include "flex-feature-config.h"
#include "flex-session.h"

G_BEGIN_DECLS

#define FLEX_TYPE_APPLICATION (flex_application_get_type ())

G_DECLARE_FINAL_TYPE (FlexApplication, flex_application, FLEX, APPLICATION, AdwApplication)

FlexApplication *flex_application_new (void);
GSettings *flex_application_get_settings (FlexApplication *self);
FlexFeatureConfig *flex_application_get_config (FlexApplication *self);
FlexSession *flex_application_get_session (FlexApplication *self);
gboolean flex_application_get_sandboxed (FlexApplication *self);
gboolean flex_application_get_signed_out (FlexApplication *self);

const FlexAccount *flex_application_get_account (FlexApplication *self);

G_END_DECLS
