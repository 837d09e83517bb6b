#!/bin/sh
# check-dial-remote.sh FLEX_CONTACTS_BINARY
#
# Copyright 2026 The Flex Contacts authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The desktop's ways into a call reach the running instance's confirmation:
# `flex-contacts --dial NUMBER` and `flex-contacts tel:…` (what the desktop
# runs for a tel: link, Exec=flex-contacts %U) started while the app runs in
# --sandbox. The running app logs (G_MESSAGES_DEBUG=flex-window) each
# confirmation it shows; the second process must hand over and exit 0.

set -u
app=$1
app_id=io.github.flexcontacts.FlexContacts
log=$(mktemp)
pid=""
cleanup () {
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  fi
  rm -f "$log"
}
trap cleanup EXIT

G_MESSAGES_DEBUG=flex-window "$app" --sandbox >"$log" 2>&1 &
pid=$!
if ! gdbus wait --session --timeout 20 "$app_id"; then
  echo "the app did not take its bus name"
  cat "$log"
  exit 1
fi

# Waits up to 20 s for the running app to confirm a call to $1.
expect_confirmation () {
  for _ in $(seq 1 100); do
    if grep -q "Confirming a call to $1\$" "$log"; then
      echo "confirmation shown for $1"
      return 0
    fi
    sleep 0.2
  done
  echo "no confirmation for $1"
  cat "$log"
  return 1
}

if ! timeout 20 "$app" --dial "(312) 555-0142"; then
  echo "flex-contacts --dial did not hand over to the running app"
  exit 1
fi
expect_confirmation "+13125550142" || exit 1

if ! timeout 20 "$app" "tel:+44-20-7946-0958"; then
  echo "flex-contacts tel:… did not hand over to the running app"
  exit 1
fi
expect_confirmation "+442079460958" || exit 1

if grep -E -q 'WARNING|CRITICAL' "$log"; then
  echo "the app printed warnings"
  cat "$log"
  exit 1
fi
