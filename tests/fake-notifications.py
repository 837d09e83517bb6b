#!/usr/bin/env python3
# fake-notifications.py: a stand-in notification server for end-to-end tests.
#
# Copyright 2026 The Flex Contacts authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Owns org.gtk.Notifications on the session bus (GLib's "gtk" backend: start
# the app with GNOTIFICATION_BACKEND=gtk) and prints one JSON line per call:
# {"call": "add", "id": …, "title": …, "body": …, "buttons": [[label, action,
# target], …]} or {"call": "remove", "id": …}. Prints {"ready": true} first.

import json
import sys

import gi

gi.require_version('Gio', '2.0')
from gi.repository import Gio, GLib  # noqa: E402

XML = '''<node><interface name='org.gtk.Notifications'>
<method name='AddNotification'><arg type='s' direction='in'/><arg type='s' direction='in'/>
<arg type='a{sv}' direction='in'/></method>
<method name='RemoveNotification'><arg type='s' direction='in'/><arg type='s' direction='in'/>
</method></interface></node>'''


def emit(record):
    print(json.dumps(record), flush=True)


def on_call(connection, sender, path, interface, method, parameters, invocation):
    if method == 'AddNotification':
        _app, nid, notification = parameters.unpack()
        buttons = [[b.get('label'), b.get('action'), b.get('target')]
                   for b in notification.get('buttons', [])]
        emit({'call': 'add', 'id': nid, 'title': notification.get('title'),
              'body': notification.get('body'), 'buttons': buttons})
    else:
        _app, nid = parameters.unpack()
        emit({'call': 'remove', 'id': nid})
    invocation.return_value(None)


def main():
    bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
    info = Gio.DBusNodeInfo.new_for_xml(XML)
    bus.register_object('/org/gtk/Notifications', info.interfaces[0], on_call, None, None)
    loop = GLib.MainLoop()
    Gio.bus_own_name_on_connection(bus, 'org.gtk.Notifications', Gio.BusNameOwnerFlags.NONE,
                                   lambda *a: emit({'ready': True}), lambda *a: loop.quit())
    loop.run()
    return 0


if __name__ == '__main__':
    sys.exit(main())
