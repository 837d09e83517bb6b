/* test-notify.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "flex-emulator.h"
#include "flex-notifier.h"
#include "flex-sandbox.h"
#include "flex-test-notifications.h"
#include "flex-test-util.h"

/*
 * Incoming work reaches the desktop: a stand-in notification server on the
 * test's own session bus (org.gtk.Notifications, GLib's "gtk" backend)
 * records what the app asks of it — the sandbox rings the demo agent, and
 * the notification's title, body, priority, buttons and withdrawal are read
 * from the D-Bus calls.
 */

typedef struct
{
  NotificationServer *server;
  GPtrArray *added;   /* the server's */
  GPtrArray *removed; /* the server's */

  GApplication *application;
  FlexSandbox *sandbox;
  FlexEmulator *emulator;
  FlexIncoming *incoming;
  FlexNotifier *notifier;
} Fixture;

static void
on_loaded (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_assert_true (flex_session_load_finish (FLEX_SESSION (object), result, NULL));
  *(gboolean *) user_data = TRUE;
}

static void
fixture_setup (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FlexFeatureConfig) config = flex_feature_config_new ();
  FlexSession *session;
  gboolean loaded = FALSE;

  fixture->server = notification_server_start ();
  fixture->added = fixture->server->added;
  fixture->removed = fixture->server->removed;

  fixture->application =
      g_application_new ("io.github.flexcontacts.TestNotify", G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (fixture->application, NULL, &error));
  g_assert_no_error (error);

  fixture->sandbox = flex_sandbox_new (config, &error);
  g_assert_no_error (error);
  fixture->emulator = flex_sandbox_get_emulator (fixture->sandbox);
  session = flex_sandbox_get_session (fixture->sandbox);
  flex_session_load_async (session, NULL, on_loaded, &loaded);
  FLEX_TEST_WAIT_FOR (loaded, 10000);
  FLEX_TEST_WAIT_FOR (flex_directory_get_loaded (flex_session_get_personal (session)) &&
                          flex_directory_get_loaded (flex_session_get_shared (session)) &&
                          flex_directory_get_loaded (flex_session_get_recents (session)),
                      10000);
  fixture->incoming = flex_sandbox_new_incoming (fixture->sandbox);
  fixture->notifier = flex_notifier_new (fixture->application, fixture->incoming, session);
  flex_incoming_start (fixture->incoming);
  FLEX_TEST_WAIT_FOR (
      flex_event_bridge_get_connected (flex_incoming_get_bridge (fixture->incoming)), 10000);
}

static void
fixture_teardown (Fixture *fixture, gconstpointer data)
{
  g_clear_object (&fixture->notifier);
  g_clear_object (&fixture->incoming);
  g_clear_object (&fixture->sandbox);
  g_clear_object (&fixture->application);
  g_clear_pointer (&fixture->server, notification_server_stop);
  flex_test_spin (50);
}

static Shown *
wait_added (Fixture *fixture, guint n)
{
  FLEX_TEST_WAIT_FOR (fixture->added->len >= n, 10000);
  return g_ptr_array_index (fixture->added, n - 1);
}

/* A call from a contact: named, with the number and the queue, high
 * priority, Reject; accepted in Flex, the notification goes. */
static void
test_ring_notifies_and_withdraws (Fixture *fixture, gconstpointer data)
{
  g_autofree char *task = flex_emulator_ring (fixture->emulator, "+13125550142", NULL, "voice");
  Shown *shown = wait_added (fixture, 1);
  const char *reservation = flex_emulator_get_reservation (fixture->emulator, task, NULL);
  g_autofree char *id = g_strconcat ("incoming-", reservation, NULL);
  g_autofree char *buttons = g_strdup_printf ("Reject=app.reject-reservation(%s)", reservation);

  g_assert_cmpstr (shown->id, ==, id);
  g_assert_cmpstr (shown->title, ==, "Incoming call from Amelia Watson");
  g_assert_true (g_str_has_prefix (shown->body, "+1 312-555-0142 · "));
  g_assert_true (g_str_has_suffix (shown->body, " queue"));
  g_assert_cmpstr (shown->priority, ==, "high");
  g_assert_cmpstr (shown->default_action, ==, "app.show-incoming");
  g_assert_cmpstr (shown->default_target, ==, reservation);
  g_assert_cmpstr (shown->buttons, ==, buttons);

  flex_emulator_set_reservation_status (fixture->emulator, reservation, "accepted");
  FLEX_TEST_WAIT_FOR (fixture->removed->len == 1, 10000);
  g_assert_cmpstr (g_ptr_array_index (fixture->removed, 0), ==, id);
  flex_test_spin (200);
  g_assert_cmpuint (fixture->added->len, ==, 1);
}

/* A message: its own wording, normal priority. */
static void
test_whatsapp_wording (Fixture *fixture, gconstpointer data)
{
  g_autofree char *task =
      flex_emulator_ring (fixture->emulator, "whatsapp:+13125550187", NULL, "whatsapp");
  Shown *shown = wait_added (fixture, 1);

  g_assert_cmpstr (shown->title, ==, "New WhatsApp message from Dana Kowalski");
  g_assert_cmpstr (shown->priority, ==, "normal");
}

/* Timed out on this agent: withdrawn, then a missed call whose Call Back is
 * app.dial with the number (the usual confirmation). */
static void
test_missed_call_back (Fixture *fixture, gconstpointer data)
{
  g_autofree char *task = NULL;
  Shown *missed;

  flex_emulator_set_reservation_timeout (fixture->emulator, 1);
  task = flex_emulator_ring (fixture->emulator, "+13125550187", NULL, "voice");
  wait_added (fixture, 1);
  missed = wait_added (fixture, 2);
  g_assert_cmpuint (fixture->removed->len, ==, 1);
  g_assert_true (g_str_has_prefix (missed->id, "missed-"));
  g_assert_cmpstr (missed->title, ==, "Missed call from Dana Kowalski");
  g_assert_cmpstr (missed->buttons, ==, "Call Back=app.dial(+13125550187)");
}

/* Reject, as the notification's button activates it. */
static void
test_reject_button (Fixture *fixture, gconstpointer data)
{
  g_autofree char *task = flex_emulator_ring (fixture->emulator, "+13125552000", NULL, "voice");
  const char *reservation;
  const char *status = NULL;

  g_assert_cmpstr (wait_added (fixture, 1)->title, ==, "Incoming call from Billing Desk");
  reservation = flex_emulator_get_reservation (fixture->emulator, task, NULL);
  g_action_group_activate_action (G_ACTION_GROUP (fixture->application), "reject-reservation",
                                  g_variant_new_string (reservation));
  FLEX_TEST_WAIT_FOR (fixture->removed->len == 1, 10000);
  flex_emulator_get_reservation (fixture->emulator, task, &status);
  g_assert_cmpstr (status, ==, "rejected");
}

/* Signed out (the notifier goes): a call still ringing is withdrawn, and
 * the actions go with it. */
static void
test_gone_withdraws (Fixture *fixture, gconstpointer data)
{
  g_autofree char *task = flex_emulator_ring (fixture->emulator, "+13125550142", NULL, "voice");

  wait_added (fixture, 1);
  g_clear_object (&fixture->notifier);
  FLEX_TEST_WAIT_FOR (fixture->removed->len == 1, 10000);
  g_assert_false (
      g_action_group_has_action (G_ACTION_GROUP (fixture->application), "reject-reservation"));
}

int
main (int argc, char *argv[])
{
  /* GLib's notifications through org.gtk.Notifications: our stand-in. */
  g_setenv ("GNOTIFICATION_BACKEND", "gtk", TRUE);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/notify/ring-notifies-and-withdraws", test_ring_notifies_and_withdraws);
  ADD ("/notify/whatsapp-wording", test_whatsapp_wording);
  ADD ("/notify/missed-call-back", test_missed_call_back);
  ADD ("/notify/reject-button", test_reject_button);
  ADD ("/notify/gone-withdraws", test_gone_withdraws);
#undef ADD

  return g_test_run ();
}
