#!/bin/sh
# take-screenshot.sh BUILD_DIR OUTPUT.png [APP ARGS...]
#
# Copyright 2026 The Flex Contacts authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Starts the app from BUILD_DIR in a private headless session whose screen is
# the size of the window, and saves the screen as OUTPUT.png (needs ImageMagick).
# Not a test: this is how data/screenshots/ is made.
#   tests/take-screenshot.sh build data/screenshots/main-window.png --sandbox
# FLEX_SCREENSHOT_SETUP is a shell command run once the app is up, e.g. to
# open the dial pad through the window's exported actions:
#   FLEX_SCREENSHOT_SETUP="gdbus call --session --dest io.github.flexcontacts.FlexContacts \
#     --object-path /io/github/flexcontacts/FlexContacts/window/1 \
#     --method org.gtk.Actions.Activate dial-pad [] {}"

set -eu
build=$(realpath "$1")
out=$(realpath "$2")
shift 2
here=$(dirname "$(realpath "$0")")

GSETTINGS_SCHEMA_DIR="$build/data" GSETTINGS_BACKEND=memory ADW_DISABLE_PORTAL=1 \
GTK_A11Y=none GDK_BACKEND=x11 FLEX_TEST_SCREEN="${FLEX_SCREENSHOT_SIZE:-960x640x24}" \
  "$here/flex-test-session.sh" sh -c '
    out=$1; shift
    "$@" &
    pid=$!
    gdbus wait --session --timeout 20 io.github.flexcontacts.FlexContacts
    sleep "${FLEX_SCREENSHOT_DELAY:-4}"
    if [ -n "${FLEX_SCREENSHOT_SETUP:-}" ]; then
      sh -c "$FLEX_SCREENSHOT_SETUP" >/dev/null
      sleep 1
    fi
    timeout 20 import -window root "$out"
    kill "$pid"
    wait "$pid" 2>/dev/null || true
  ' sh "$out" "$build/src/flex-contacts" "$@"
echo "saved $out"
