/* flex-test-util.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Helpers shared by the tests: waiting on the main context, starting the
 * emulator in its own process, and recording a
 * list model's items-changed as a short string, as GTK's own list model
 * tests do: "3+1*" is one item added at 3 (and n-items notified), "1-1+1"
 * one item replaced in place at 1, "0-1*" one removed at 0.
 */

#pragma once

#include <gio/gio.h>
#include <string.h>

/* Iterates the main context until @expr holds; fails the test after
 * @timeout_ms. */
#define FLEX_TEST_WAIT_FOR(expr, timeout_ms)                                                       \
  G_STMT_START                                                                                     \
  {                                                                                                \
    gint64 deadline_ = g_get_monotonic_time () + (gint64) (timeout_ms) *1000;                      \
    while (!(expr))                                                                                \
      {                                                                                            \
        if (g_get_monotonic_time () > deadline_)                                                   \
          g_error ("Timed out waiting for %s", #expr);                                             \
        g_main_context_iteration (NULL, FALSE);                                                    \
        g_usleep (200);                                                                            \
      }                                                                                            \
  }                                                                                                \
  G_STMT_END

/* Iterates the main context until @done (@data) holds; returns whether it
 * did within @timeout_ms (benchmarks report a missed target, tests use
 * FLEX_TEST_WAIT_FOR). */
static inline gboolean
flex_test_run_until (gboolean (*done) (gpointer), gpointer data, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!done (data))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (200);
    }
  return TRUE;
}

/* Iterates the main context for @ms: lets what is under way happen, or
 * gives what must not happen the time to show. */
static inline void
flex_test_spin (guint ms)
{
  gint64 until = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (200);
    }
}

/* Starts the emulator (@argv: its path, then its options, %NULL-ended) and
 * waits for the line that says where it listens: its URL in @url, its port
 * in @port (either may be %NULL). @flags are added to a stdout pipe. */
static inline GSubprocess *
flex_test_spawn_emulator (const char *const *argv, GSubprocessFlags flags, char **url, guint *port)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDataInputStream) output = NULL;
  g_autofree char *line = NULL;
  GSubprocess *emulator = g_subprocess_newv (argv, flags | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);

  g_assert_no_error (error);
  output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (emulator));
  line = g_data_input_stream_read_line_utf8 (output, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_nonnull (strrchr (line, ':'));
  if (port != NULL)
    *port = (guint) g_ascii_strtoull (strrchr (line, ':') + 1, NULL, 10);
  if (url != NULL)
    *url = g_steal_pointer (&line);
  return emulator;
}

static inline void
flex_test_on_items_changed (
    GListModel *model, guint position, guint removed, guint added, GString *changes)
{
  g_string_append_printf (changes, "%u", position);
  if (removed > 0)
    g_string_append_printf (changes, "-%u", removed);
  if (added > 0)
    g_string_append_printf (changes, "+%u", added);
}

static inline void
flex_test_on_n_items (GObject *object, GParamSpec *pspec, GString *changes)
{
  g_string_append_c (changes, '*');
}

/* Appends every items-changed of @model (and n-items notification) to
 * @changes; disconnect with g_signal_handlers_disconnect_by_data (model,
 * changes). */
static inline void
flex_test_record_changes (gpointer model, GString *changes)
{
  g_signal_connect (model, "items-changed", G_CALLBACK (flex_test_on_items_changed), changes);
  g_signal_connect (model, "notify::n-items", G_CALLBACK (flex_test_on_n_items), changes);
}

/* A field of /proc/self/status in KiB (VmRSS:, VmHWM:), -1 when unknown. */
static inline gint64
flex_test_read_status_kib (const char *field)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, field);
  return line != NULL ? g_ascii_strtoll (line + strlen (field) + 1, NULL, 10) : -1;
}
