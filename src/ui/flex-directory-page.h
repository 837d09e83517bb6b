/* flex-directory-page.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "flex-directory.h"
#include "flex-phone.h"
#include "flex-feature-config.h"

G_BEGIN_DECLS

#define FLEX_TYPE_DIRECTORY_PAGE (flex_directory_page_get_type ())

G_DECLARE_FINAL_TYPE (FlexDirectoryPage, flex_directory_page, FLEX, DIRECTORY_PAGE, GtkWidget)

FlexDirectoryPage *flex_directory_page_new (FlexDirectoryKind kind,
                                            FlexDirectory *directory,
                                            FlexFeatureConfig *config);
FlexDirectory *flex_directory_page_get_directory (FlexDirectoryPage *self);
void flex_directory_page_set_search_text (FlexDirectoryPage *self, const char *text);
GListModel *flex_directory_page_get_visible_model (FlexDirectoryPage *self);
void
flex_directory_page_set_can_call (FlexDirectoryPage *self, gboolean can_call, const char *reason);
void flex_directory_page_set_name_sources (FlexDirectoryPage *self,
                                           FlexDirectory *personal,
                                           FlexDirectory *shared);
void flex_directory_page_set_default_country (FlexDirectoryPage *self, const char *country);
void flex_directory_page_set_phone_format (FlexDirectoryPage *self, FlexPhoneFormat format);
void flex_directory_page_import (FlexDirectoryPage *self, GFile *file);
void flex_directory_page_set_narrow (FlexDirectoryPage *self, gboolean narrow);
void flex_directory_page_set_sort (FlexDirectoryPage *self, const char *sort);
const char *flex_directory_page_get_sort (FlexDirectoryPage *self);
void flex_directory_page_focus_list (FlexDirectoryPage *self);
FlexDirectoryKind flex_directory_page_get_kind (FlexDirectoryPage *self);

G_END_DECLS
