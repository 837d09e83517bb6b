/* flex-toast.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "flex-toast.h"

/**
 * flex_toast_new:
 * @text: what the toast says: plain text (a file name, a server's message)
 *
 * AdwToast titles are Pango markup: "a&b.csv" or "<none>" would not show,
 * and GTK would warn. Every toast of the app is made here.
 *
 * Returns: (transfer full): the toast
 */
AdwToast *
flex_toast_new (const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);
  AdwToast *toast = adw_toast_new (escaped);

  g_object_set_data_full (G_OBJECT (toast), "flex-text", g_strdup (text), g_free);
  return toast;
}

/**
 * flex_toast_get_text:
 *
 * Returns: (nullable): what a toast of flex_toast_new() says, as given
 */
const char *
flex_toast_get_text (AdwToast *toast)
{
  g_return_val_if_fail (ADW_IS_TOAST (toast), NULL);
  return g_object_get_data (G_OBJECT (toast), "flex-text");
}
