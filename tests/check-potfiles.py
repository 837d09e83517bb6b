#!/usr/bin/env python3
# check-potfiles.py SOURCE_ROOT [COMPLETE_LANGUAGE...]
#
# Copyright 2026 The Flex Contacts authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Fails when a file with translatable strings is missing from po/POTFILES.in,
# when POTFILES.in names a file that does not exist or is not sorted, and when
# a translation named on the command line lacks a string or has a fuzzy one.

import os
import re
import subprocess
import sys
import tempfile

root = sys.argv[1]
complete = sys.argv[2:]
failures = []

MARKERS = {
    '.c': re.compile(r'(?<![A-Za-z0-9_])(?:N?C?_|g_dngettext|ngettext)\s*\('),
    '.ui': re.compile(r'translatable="yes"'),
    '.in': re.compile(r'^(Name|GenericName|Comment|Keywords)=|<(summary|name|p|li|caption)>',
                      re.M),
    '.xml': re.compile(r'<(summary|description)>'),
}

with open(os.path.join(root, 'po', 'POTFILES.in'), encoding='utf-8') as f:
    listed = [line.strip() for line in f if line.strip() and not line.startswith('#')]

if listed != sorted(listed):
    failures.append('po/POTFILES.in is not sorted')
for path in listed:
    if not os.path.isfile(os.path.join(root, path)):
        failures.append(f'po/POTFILES.in names {path}, which does not exist')

for top in ('src', 'data'):
    for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
        dirnames.sort()
        for name in sorted(filenames):
            ext = '.in' if name.endswith('.in') else os.path.splitext(name)[1]
            if name.endswith('.gresource.xml'):
                continue
            pattern = MARKERS.get(ext)
            if pattern is None:
                continue
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, root)
            with open(path, encoding='utf-8') as f:
                text = f.read()
                # A D-Bus service file's Name= is a bus name, not text.
                if text.startswith('[D-BUS Service]'):
                    continue
                if pattern.search(text) and rel not in listed:
                    failures.append(f'{rel} has translatable strings but is not in po/POTFILES.in')

if complete:
    with tempfile.TemporaryDirectory() as tmp:
        pot = os.path.join(tmp, 'messages.pot')
        subprocess.run(['xgettext', '--from-code=UTF-8', '--keyword=_', '--keyword=N_',
                        '--keyword=C_:1c,2', '--keyword=NC_:1c,2', '--keyword=g_dngettext:2,3',
                        '--keyword=ngettext:1,2', '--add-comments=Translators',
                        f'--directory={root}', f'--files-from={root}/po/POTFILES.in',
                        '-o', pot], check=True)
        for lang in complete:
            merged = os.path.join(tmp, f'{lang}.po')
            subprocess.run(['msgmerge', '--quiet', '--no-fuzzy-matching', '-o', merged,
                            os.path.join(root, 'po', f'{lang}.po'), pot], check=True)
            for flag, what in (('--untranslated', 'untranslated'), ('--only-fuzzy', 'fuzzy')):
                out = subprocess.run(['msgattrib', flag, '--no-obsolete', merged],
                                     capture_output=True, text=True, check=True).stdout
                ids = re.findall(r'^msgid "(.+)"', out, re.M)
                for msgid in ids:
                    failures.append(f'po/{lang}.po: {what} string "{msgid}"')
            subprocess.run(['msgfmt', '--check', '-o', os.devnull, merged], check=True)

if failures:
    for message in failures:
        print(f'FAIL: {message}')
    sys.exit(1)
print(f'{len(listed)} files in POTFILES.in; translations complete: {", ".join(complete) or "-"}')
