#!/usr/bin/env python3
# check-emulator-cli.py FLEX_SYNC_EMULATOR
#
# Copyright 2026 The Flex Contacts authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The flex-sync-emulator command line: --port 0 prints the base URL, --auth
# restricts credentials, --data persists state across restarts (atomically,
# as valid JSON), and the fault knobs --error-rate/--error-status,
# --rate-limit, --latency and --drop-rate do what they say. Loopback only.

import base64
import http.client
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.parse

EMULATOR = sys.argv[1]
SID = 'AC0123456789abcdef0123456789abcdef'
SECRET = 'cli-secret'
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print(f'FAIL: {message}')


class Emulator:
    def __init__(self, *args):
        self.process = subprocess.Popen([EMULATOR, '--port', '0', *args],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.process.stdout.readline().strip()
        url = urllib.parse.urlparse(line)
        check(url.scheme == 'http' and url.hostname == '127.0.0.1' and url.port,
              f'--port 0 printed {line!r}, not a loopback URL')
        self.port = url.port

    def request(self, method, path, form=None, user=SID, secret=SECRET, timeout=5):
        connection = http.client.HTTPConnection('127.0.0.1', self.port, timeout=timeout)
        token = base64.b64encode(f'{user}:{secret}'.encode()).decode()
        headers = {'Authorization': f'Basic {token}'}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers['Content-Type'] = 'application/x-www-form-urlencoded'
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        connection.close()
        return response.status, (json.loads(data) if data else None), response

    def stop(self):
        self.process.terminate()
        code = self.process.wait(timeout=10)
        check(code == 0, f'the emulator exited with {code} on SIGTERM')


with tempfile.TemporaryDirectory() as tmp:
    state = os.path.join(tmp, 'state.json')

    emulator = Emulator('--auth', f'{SID}:{SECRET}', '--data', state)
    status, body, _ = emulator.request('GET', '/v1/Services/default/Maps', secret='wrong')
    check(status == 401 and body['code'] == 20003, f'wrong credentials gave {status} {body}')
    status, body, _ = emulator.request('POST', '/v1/Services/default/Maps',
                                       {'UniqueName': 'Contacts_WK1'})
    check(status == 201 and body['unique_name'] == 'Contacts_WK1', f'create map gave {status}')
    status, body, _ = emulator.request('POST', '/v1/Services/default/Maps/Contacts_WK1/Items',
                                       {'Key': 'k1', 'Data': '{"name":"Ada"}'})
    check(status == 201 and body['data'] == {'name': 'Ada'}, f'create item gave {status}')
    emulator.stop()

    with open(state, encoding='utf-8') as f:
        saved = json.load(f)
    check('sync' in saved, 'the data file holds no sync state')
    check(not [n for n in os.listdir(tmp) if n != 'state.json'],
          f'temporary files were left behind: {os.listdir(tmp)}')

    emulator = Emulator('--auth', f'{SID}:{SECRET}', '--data', state)
    status, body, _ = emulator.request('GET', '/v1/Services/default/Maps/Contacts_WK1/Items/k1')
    check(status == 200 and body['data'] == {'name': 'Ada'},
          f'after a restart with --data the item gave {status} {body}')
    emulator.stop()

emulator = Emulator('--error-rate', '1', '--error-status', '503')
status, body, _ = emulator.request('GET', '/v1/Services/default/Maps')
check(status == 503, f'--error-rate 1 --error-status 503 gave {status}')
emulator.stop()

emulator = Emulator('--rate-limit', '2')
statuses = [emulator.request('GET', '/v1/Services/default/Maps')[0] for _ in range(4)]
check(statuses[:2] == [200, 200], f'--rate-limit 2 refused early: {statuses}')
check(429 in statuses[2:], f'--rate-limit 2 never answered 429: {statuses}')
status, body, response = emulator.request('GET', '/v1/Services/default/Maps')
if status == 429:
    check(body['code'] == 54009 and response.getheader('Retry-After') is not None,
          f'429 without code 54009 or Retry-After: {body}')
emulator.stop()

emulator = Emulator('--latency', '300')
start = time.monotonic()
status, _, _ = emulator.request('GET', '/v1/Services/default/Maps')
elapsed = time.monotonic() - start
check(status == 200 and elapsed >= 0.3, f'--latency 300 answered {status} after {elapsed:.3f} s')
emulator.stop()

emulator = Emulator('--drop-rate', '1')
try:
    emulator.request('GET', '/v1/Services/default/Maps')
    check(False, '--drop-rate 1 answered a request')
except (http.client.HTTPException, ConnectionError, OSError):
    pass
emulator.stop()

if failures:
    sys.exit(1)
print('flex-sync-emulator command line: ok')
