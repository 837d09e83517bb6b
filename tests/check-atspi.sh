#!/bin/sh
# check-atspi.sh FLEX_CONTACTS_BINARY
#
# Copyright 2026 The Flex Contacts authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# What a screen reader meets: starts an accessibility bus in the test session
# (at-spi2-core), the real app in --sandbox with GTK's AT-SPI backend, and
# reads the app's accessibility tree with check-atspi.py (python3-gi, Atspi).

set -u
app=$1
here=$(dirname "$0")
log=$(mktemp)
trap 'rm -f "$log"; kill "$bus_pid" "$app_pid" 2>/dev/null' EXIT

# Debian's Python has the GObject introspection bindings.
python=/usr/bin/python3
[ -x "$python" ] || python=python3

/usr/libexec/at-spi-bus-launcher --launch-immediately >"$log" 2>&1 &
bus_pid=$!
if ! gdbus wait --session --timeout 20 org.a11y.Bus; then
  echo "the accessibility bus did not start"
  cat "$log"
  exit 1
fi

# The tests' session turns accessibility off for everything else.
env -u NO_AT_BRIDGE GTK_A11Y=atspi "$app" --sandbox >>"$log" 2>&1 &
app_pid=$!
if ! gdbus wait --session --timeout 20 io.github.flexcontacts.FlexContacts; then
  echo "the app did not start"
  cat "$log"
  exit 1
fi

# The reader is not ours: libatspi warns while the tree is still being made,
# and the tests' fatal warnings are for the app.
env -u G_DEBUG "$python" "$here/check-atspi.py"
rc=$?
if [ "$rc" -ne 0 ]; then
  cat "$log"
fi
exit "$rc"
