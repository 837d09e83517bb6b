#!/usr/bin/env python3
# check-flatpak.py MANIFEST APP_ID
#
# Copyright 2026 The Flex Contacts authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The GNOME runtime cannot be downloaded on the build machines, so the Flatpak
# is checked offline: the manifest parses, names our app ID and command, uses a
# GNOME runtime of version 47 or newer, builds this repository with meson, and
# asks for no permission the app does not need. When flatpak-builder is
# installed, its own parser must accept the manifest too.

import json
import os
import shutil
import subprocess
import sys

manifest_path, app_id = sys.argv[1], sys.argv[2]
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


with open(manifest_path, encoding='utf-8') as f:
    manifest = json.load(f)

check(manifest.get('id', manifest.get('app-id')) == app_id, f'id is not {app_id}')
check(manifest.get('command') == 'flex-contacts', 'command is not flex-contacts')
check(manifest.get('runtime') == 'org.gnome.Platform', 'runtime is not org.gnome.Platform')
check(manifest.get('sdk') == 'org.gnome.Sdk', 'sdk is not org.gnome.Sdk')
version = str(manifest.get('runtime-version', ''))
check(version.isdigit() and int(version) >= 47, f'runtime-version {version!r} is not 47 or newer')

args = manifest.get('finish-args', [])
required = {'--share=network', '--share=ipc', '--socket=wayland', '--socket=fallback-x11',
            '--device=dri'}
check(required <= set(args), f'finish-args lack {sorted(required - set(args))}')
extra = set(args) - required
check(not extra, f'finish-args ask for more than the app needs: {sorted(extra)}')
check('--talk-name=org.freedesktop.secrets' not in args,
      'secrets must go through the Secret portal, not org.freedesktop.secrets')
check('--socket=x11' not in args, 'use --socket=fallback-x11, not --socket=x11')

modules = manifest.get('modules', [])
check(len(modules) > 0 and isinstance(modules[-1], dict), 'no module builds the app')
if modules and isinstance(modules[-1], dict):
    app_module = modules[-1]
    check(app_module.get('name') == 'flex-contacts', 'the last module is not flex-contacts')
    check(app_module.get('buildsystem') == 'meson', 'the app module does not build with meson')
    sources = app_module.get('sources', [])
    dirs = [s for s in sources if s.get('type') == 'dir']
    check(len(dirs) == 1, 'the app module does not build a directory source')
    if dirs:
        src = os.path.normpath(os.path.join(os.path.dirname(manifest_path), dirs[0]['path']))
        check(os.path.isfile(os.path.join(src, 'meson.build')),
              f'the dir source {src} holds no meson.build')
        if os.path.isfile(os.path.join(src, 'meson.build')):
            with open(os.path.join(src, 'meson.build'), encoding='utf-8') as f:
                check("project('flex-contacts'" in f.read(),
                      f'the dir source {src} is not this repository')

# The GNOME runtime has no evolution-data-server: the app's libebook-contacts
# comes from a module of ours, built with libphonenumber (whose own module
# comes first), so that phone numbers read in the Flatpak as on Debian.
names = [m.get('name') if isinstance(m, dict) else m for m in modules]
eds = [m for m in modules if isinstance(m, dict) and m.get('name') == 'evolution-data-server']
check(len(eds) == 1, 'no evolution-data-server module (libebook-contacts)')
check('libphonenumber' in names, 'no libphonenumber module')
if eds and 'libphonenumber' in names:
    check(names.index('libphonenumber') < names.index('evolution-data-server'),
          'libphonenumber is built after evolution-data-server')
    opts = eds[0].get('config-opts', [])
    check('-DWITH_PHONENUMBER=ON' in opts,
          'evolution-data-server is built without -DWITH_PHONENUMBER=ON')
for module in modules:
    if isinstance(module, dict) and module.get('name') != 'flex-contacts':
        for source in module.get('sources', []):
            pinned = (source.get('type') == 'git' and source.get('commit')) or \
                     (source.get('type') == 'archive' and source.get('sha256'))
            check(bool(pinned), f'{module.get("name")}: a source is not pinned (commit/sha256)')

builder = shutil.which('flatpak-builder')
if builder:
    env = dict(os.environ, G_DEBUG='fatal-warnings')
    result = subprocess.run([builder, '--show-manifest', manifest_path], env=env,
                            capture_output=True, text=True)
    check(result.returncode == 0,
          f'flatpak-builder --show-manifest failed: {result.stderr.strip()}')

if failures:
    for message in failures:
        print(f'FAIL: {message}')
    sys.exit(1)
print(f'{manifest_path}: ok')
