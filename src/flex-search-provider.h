/* flex-search-provider.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "flex-application.h"

G_BEGIN_DECLS

#define FLEX_TYPE_SEARCH_PROVIDER (flex_search_provider_get_type ())

G_DECLARE_FINAL_TYPE (FlexSearchProvider, flex_search_provider, FLEX, SEARCH_PROVIDER, GObject)

FlexSearchProvider *flex_search_provider_new (FlexApplication *application);
gboolean flex_search_provider_register (FlexSearchProvider *self,
                                        GDBusConnection *connection,
                                        const char *object_path,
                                        GError **error);
void flex_search_provider_unregister (FlexSearchProvider *self);

G_END_DECLS
