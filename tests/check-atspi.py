#!/usr/bin/env python3
# check-atspi.py: reads Flex Contacts' accessibility tree over AT-SPI, as a
# screen reader does, and fails on what issue 13 found there: row buttons all
# named "Call" or "Notes", and buttons named with their mnemonic
# ("_Add Contact Add Contact").
#
# Copyright 2026 The Flex Contacts authors
# SPDX-License-Identifier: GPL-3.0-or-later

import sys
import time

import gi

gi.require_version('Atspi', '2.0')
from gi.repository import Atspi  # noqa: E402


def find_app():
    desktop = Atspi.get_desktop(0)
    for i in range(desktop.get_child_count()):
        app = desktop.get_child_at_index(i)
        if app is not None and 'flex-contacts' in (app.get_name() or ''):
            return app
    return None


def buttons(node, out, depth=0):
    if node is None or depth > 60:
        return
    try:
        role = node.get_role()
        name = node.get_name() or ''
        if role in (Atspi.Role.PUSH_BUTTON, Atspi.Role.TOGGLE_BUTTON):
            out.append(name)
        for i in range(node.get_child_count()):
            buttons(node.get_child_at_index(i), out, depth + 1)
    except gi.repository.GLib.GError:
        pass


deadline = time.monotonic() + 30
names = []
while time.monotonic() < deadline:
    app = find_app()
    names = []
    if app is not None:
        buttons(app, names)
    # The Recents rows are there once the sandbox has loaded.
    if any(name.startswith('Call ') for name in names):
        break
    time.sleep(0.5)

failures = []
if not any(name == 'Call Amelia Watson' for name in names):
    failures.append('no button "Call Amelia Watson" (row buttons do not name their row)')
for bare in ('Call', 'Notes', 'Edit', 'Delete'):
    if bare in names:
        failures.append(f'a button is named only "{bare}"')
for name in names:
    if '_' in name:
        failures.append(f'a button is named with its mnemonic: "{name}"')
    # GTK 4.8 joins a button's label property and its child label's text:
    # "Add Contact Add Contact".
    words = name.rstrip('…').split(' ')
    half = len(words) // 2
    if len(words) % 2 == 0 and half > 0 and words[:half] == words[half:]:
        failures.append(f'a button is named twice over: "{name}"')
if 'Clear History' not in names:
    failures.append('no button "Clear History"')

print(f'{len(names)} buttons: ' + ', '.join(sorted(set(names))))
for failure in failures:
    print(f'FAIL: {failure}')
sys.exit(1 if failures else 0)
