#!/bin/sh
# flex-test-session.sh COMMAND [ARGS...]
#
# Copyright 2026 The Flex Contacts authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Runs COMMAND inside a private, headless desktop session, as every test needs:
#   - a private HOME, XDG_RUNTIME_DIR (0700) and XDG config/data/cache dirs;
#   - an Xvfb display, chosen atomically with -displayfd (parallel-safe);
#   - a private D-Bus session bus that auto-starts nothing (no portals, no
#     accessibility bus), from a generated config with an empty service dir;
#   - an unlocked gnome-keyring-daemon owning org.freedesktop.secrets.
# Everything started here is stopped on every exit path.
#
# FLEX_TEST_NO_KEYRING=1 leaves the keyring out (tests of the "no keyring" path).
# FLEX_TEST_KEEP_HOME=DIR uses DIR as the private root and keeps it afterwards.
# FLEX_TEST_SCREEN=WxHxD sets the Xvfb screen (default 1280x800x24).

set -eu

if [ "${FLEX_TEST_SESSION_STAGE:-}" = "bus" ]; then
  # Second stage: we are inside dbus-run-session.
  keyring_pid=""
  if [ "${FLEX_TEST_NO_KEYRING:-}" != "1" ]; then
    # The daemon is not ours: keep the tests' strict GLib settings away from it.
    printf '%s' "flex-test-keyring" |
      env -u G_DEBUG -u G_SLICE -u G_MESSAGES_DEBUG -u GSETTINGS_BACKEND -u LSAN_OPTIONS \
        -u ASAN_OPTIONS -u UBSAN_OPTIONS gnome-keyring-daemon --foreground --unlock --components=secrets \
        >"$FLEX_TEST_ROOT/keyring.log" 2>&1 &
    keyring_pid=$!
    if ! gdbus wait --session --timeout 20 org.freedesktop.secrets; then
      echo "flex-test-session: gnome-keyring-daemon did not start:" >&2
      cat "$FLEX_TEST_ROOT/keyring.log" >&2
      kill "$keyring_pid" 2>/dev/null || true
      exit 99
    fi
  fi
  unset FLEX_TEST_SESSION_STAGE
  set +e
  "$@"
  rc=$?
  set -e
  if [ -n "$keyring_pid" ]; then
    kill "$keyring_pid" 2>/dev/null || true
    wait "$keyring_pid" 2>/dev/null || true
  fi
  exit "$rc"
fi

if [ $# -eq 0 ]; then
  echo "usage: $0 COMMAND [ARGS...]" >&2
  exit 2
fi

for tool in Xvfb dbus-run-session gnome-keyring-daemon gdbus; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "flex-test-session: $tool is missing (see README.md for the packages)" >&2
    exit 99
  fi
done

if [ -n "${FLEX_TEST_KEEP_HOME:-}" ]; then
  root=$FLEX_TEST_KEEP_HOME
  mkdir -p "$root"
  keep=1
else
  root=$(mktemp -d "${TMPDIR:-/tmp}/flex-test.XXXXXX")
  keep=0
fi
xvfb_pid=""

cleanup () {
  if [ -n "$xvfb_pid" ]; then
    kill "$xvfb_pid" 2>/dev/null || true
    wait "$xvfb_pid" 2>/dev/null || true
  fi
  if [ "$keep" = "0" ]; then
    rm -rf "$root"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

mkdir -p "$root/home" "$root/runtime" "$root/services"
chmod 700 "$root/home" "$root/runtime"
export HOME="$root/home"
export XDG_RUNTIME_DIR="$root/runtime"
export XDG_CONFIG_HOME="$root/home/.config"
export XDG_DATA_HOME="$root/home/.local/share"
export XDG_CACHE_HOME="$root/home/.cache"
export XDG_STATE_HOME="$root/home/.local/state"
export FLEX_TEST_ROOT="$root"
mkdir -p "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME" "$XDG_STATE_HOME"

# Xvfb writes the display number it picked to fd 3, once it is ready.
Xvfb -displayfd 3 -screen 0 "${FLEX_TEST_SCREEN:-1280x800x24}" -nolisten tcp -noreset \
  3>"$root/display" >"$root/xvfb.log" 2>&1 &
xvfb_pid=$!
tries=0
while [ ! -s "$root/display" ]; do
  tries=$((tries + 1))
  if [ "$tries" -gt 200 ] || ! kill -0 "$xvfb_pid" 2>/dev/null; then
    echo "flex-test-session: Xvfb did not start:" >&2
    cat "$root/xvfb.log" >&2
    exit 99
  fi
  sleep 0.05
done
DISPLAY=":$(head -n 1 "$root/display")"
export DISPLAY
unset WAYLAND_DISPLAY

cat >"$root/bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <keep_umask/>
  <listen>unix:dir=$root/runtime</listen>
  <auth>EXTERNAL</auth>
  <servicedir>$root/services</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
CONF

FLEX_TEST_SESSION_STAGE=bus dbus-run-session --config-file="$root/bus.conf" -- "$0" "$@"
