/* flex-test-server.h: a loopback SoupServer for tests that play a hostile
 * "Twilio" (test-sync-client, test-push).
 *
 * Copyright 2026 The Flex Contacts authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "flex-test-util.h"

/* Listens on a free port of 127.0.0.1 and returns it. */
static inline guint
flex_test_server_listen (SoupServer *server)
{
  g_autoptr (GError) error = NULL;
  GSList *uris;
  guint port;

  g_assert_true (soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  port = (guint) g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return port;
}
