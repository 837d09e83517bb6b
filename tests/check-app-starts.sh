#!/bin/sh
# check-app-starts.sh FLEX_CONTACTS_BINARY [ARGS...]
#
# Copyright 2026 The Flex Contacts authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Starts the real application in the test session, waits until it owns its
# bus name and shows its window, quits it through its own `app.quit` action
# and fails on a non-zero exit or on any GLib warning or critical it printed.

set -u
app=$1
shift
app_id=io.github.flexcontacts.FlexContacts
log=$(mktemp)
trap 'rm -f "$log"' EXIT

"$app" "$@" >"$log" 2>&1 &
pid=$!

if ! gdbus wait --session --timeout 20 "$app_id"; then
  echo "the app did not take its bus name"
  cat "$log"
  kill "$pid" 2>/dev/null
  exit 1
fi
# Give the window time to map and draw a few frames.
sleep 1
if ! kill -0 "$pid" 2>/dev/null; then
  echo "the app exited early"
  cat "$log"
  exit 1
fi

gdbus call --session --dest "$app_id" --object-path /io/github/flexcontacts/FlexContacts \
  --method org.gtk.Actions.Activate quit '[]' '{}' >/dev/null
wait "$pid"
rc=$?
cat "$log"
if [ "$rc" -ne 0 ]; then
  echo "the app exited with status $rc"
  exit 1
fi
if grep -E -q 'WARNING|CRITICAL|ERROR' "$log"; then
  echo "the app printed warnings"
  exit 1
fi
echo "started, showed its window and quit cleanly"
