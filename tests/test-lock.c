/* test-lock.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "flex-emulator.h"
#include "flex-lock-status.h"
#include "flex-sandbox.h"
#include "flex-test-util.h"

/*
 * The status at the screen lock: a stand-in GNOME Shell on the test bus
 * (its own connection owns org.gnome.ScreenSaver and says ActiveChanged),
 * the sandbox's worker, and the emulator's view of the worker's activity.
 */

typedef struct
{
  FlexSandbox *sandbox;
  FlexEmulator *emulator;
  FlexSession *session;
  GSettings *settings;
  GDBusConnection *shell;
  guint owner;
  gboolean owned;
  FlexLockStatus *lock;
} Fixture;

static void
on_acquired (GDBusConnection *connection, const char *name, gpointer user_data)
{
  ((Fixture *) user_data)->owned = TRUE;
}

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
  g_autofree char *address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, &error);
  gboolean loaded = FALSE;

  g_assert_no_error (error);
  fixture->shell =
      g_dbus_connection_new_for_address_sync (address,
                                              G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                  G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                              NULL, NULL, &error);
  g_assert_no_error (error);
  fixture->owner =
      g_bus_own_name_on_connection (fixture->shell, "org.gnome.ScreenSaver",
                                    G_BUS_NAME_OWNER_FLAGS_NONE, on_acquired, NULL, fixture, NULL);
  FLEX_TEST_WAIT_FOR (fixture->owned, 5000);

  fixture->sandbox = flex_sandbox_new (config, &error);
  g_assert_no_error (error);
  fixture->emulator = flex_sandbox_get_emulator (fixture->sandbox);
  fixture->session = flex_sandbox_get_session (fixture->sandbox);
  flex_session_load_async (fixture->session, NULL, on_loaded, &loaded);
  FLEX_TEST_WAIT_FOR (loaded, 10000);
  fixture->settings = g_settings_new (APPLICATION_ID);
  g_settings_set_string (fixture->settings, "lock-activity", "Break");
  fixture->lock = flex_lock_status_new (fixture->session, fixture->settings);
  /* Its match rule reaches the bus before anything is said: a round trip on
   * the same connection, after it. */
  {
    g_autoptr (GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
    g_autoptr (GVariant) id = g_dbus_connection_call_sync (
        bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "GetId", NULL,
        NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);

    g_assert_no_error (error);
  }
}

static void
fixture_teardown (Fixture *fixture, gconstpointer data)
{
  g_clear_object (&fixture->lock);
  g_settings_reset (fixture->settings, "lock-activity");
  g_clear_object (&fixture->settings);
  g_clear_object (&fixture->sandbox);
  g_bus_unown_name (fixture->owner);
  g_dbus_connection_close_sync (fixture->shell, NULL, NULL);
  g_clear_object (&fixture->shell);
  flex_test_spin (50);
}

/* What GNOME Shell says when the screen locks or unlocks. */
static void
screen (Fixture *fixture, gboolean locked)
{
  g_autoptr (GError) error = NULL;

  g_dbus_connection_emit_signal (fixture->shell, NULL, "/org/gnome/ScreenSaver",
                                 "org.gnome.ScreenSaver", "ActiveChanged",
                                 g_variant_new ("(b)", locked), &error);
  g_assert_no_error (error);
}

static const char *
activity (Fixture *fixture)
{
  return flex_emulator_get_worker_activity (fixture->emulator,
                                            flex_sandbox_get_worker_sid (fixture->sandbox));
}

static void
on_set (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_assert_true (flex_session_set_activity_finish (FLEX_SESSION (object), result, NULL));
  *(gboolean *) user_data = TRUE;
}

/* Lock → Break; unlock → Available again. */
static void
test_lock_break_unlock (Fixture *fixture, gconstpointer data)
{
  g_assert_cmpstr (activity (fixture), ==, "Available");
  screen (fixture, TRUE);
  FLEX_TEST_WAIT_FOR (g_strcmp0 (activity (fixture), "Break") == 0, 10000);
  FLEX_TEST_WAIT_FOR (g_strcmp0 (flex_session_get_activity (fixture->session), "Break") == 0,
                      10000);
  screen (fixture, FALSE);
  FLEX_TEST_WAIT_FOR (g_strcmp0 (activity (fixture), "Available") == 0, 10000);
}

/* Changed meanwhile (the agent chose Lunch from the phone, say): the
 * unlock leaves it. */
static void
test_changed_meanwhile_kept (Fixture *fixture, gconstpointer data)
{
  gboolean done = FALSE;

  screen (fixture, TRUE);
  FLEX_TEST_WAIT_FOR (g_strcmp0 (flex_session_get_activity (fixture->session), "Break") == 0,
                      10000);
  flex_session_set_activity_async (fixture->session,
                                   flex_emulator_get_activity_sid (fixture->emulator, "Lunch"),
                                   NULL, on_set, &done);
  FLEX_TEST_WAIT_FOR (done, 10000);
  screen (fixture, FALSE);
  flex_test_spin (1000);
  g_assert_cmpstr (activity (fixture), ==, "Lunch");
}

/* Off (no activity named), or the agent not available: nothing happens. */
static void
test_off_or_unavailable_untouched (Fixture *fixture, gconstpointer data)
{
  gboolean done = FALSE;

  g_settings_set_string (fixture->settings, "lock-activity", "");
  screen (fixture, TRUE);
  flex_test_spin (1000);
  g_assert_cmpstr (activity (fixture), ==, "Available");
  screen (fixture, FALSE);

  g_settings_set_string (fixture->settings, "lock-activity", "Break");
  flex_session_set_activity_async (fixture->session,
                                   flex_emulator_get_activity_sid (fixture->emulator, "Offline"),
                                   NULL, on_set, &done);
  FLEX_TEST_WAIT_FOR (done, 10000);
  screen (fixture, TRUE);
  flex_test_spin (1000);
  g_assert_cmpstr (activity (fixture), ==, "Offline");
  screen (fixture, FALSE);
  flex_test_spin (1000);
  g_assert_cmpstr (activity (fixture), ==, "Offline");
}

/* Only the screen saver's owner is heard: another program saying
 * ActiveChanged changes nothing. */
static void
test_other_sender_ignored (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDBusConnection) other = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);

  g_assert_no_error (error);
  g_dbus_connection_emit_signal (other, NULL, "/org/gnome/ScreenSaver", "org.gnome.ScreenSaver",
                                 "ActiveChanged", g_variant_new ("(b)", TRUE), &error);
  g_assert_no_error (error);
  flex_test_spin (1000);
  g_assert_cmpstr (activity (fixture), ==, "Available");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/lock/break-and-back", test_lock_break_unlock);
  ADD ("/lock/changed-meanwhile-kept", test_changed_meanwhile_kept);
  ADD ("/lock/off-or-unavailable-untouched", test_off_or_unavailable_untouched);
  ADD ("/lock/other-sender-ignored", test_other_sender_ignored);
#undef ADD

  return g_test_run ();
}
