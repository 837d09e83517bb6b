/* flex-notifier.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "flex-incoming.h"

G_BEGIN_DECLS

#define FLEX_TYPE_NOTIFIER (flex_notifier_get_type ())

G_DECLARE_FINAL_TYPE (FlexNotifier, flex_notifier, FLEX, NOTIFIER, GObject)

FlexNotifier *
flex_notifier_new (GApplication *application, FlexIncoming *incoming, FlexSession *session);
FlexIncoming *flex_notifier_get_incoming (FlexNotifier *self);

G_END_DECLS
