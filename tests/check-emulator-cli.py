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
# Fidelity found with Twilio's own SDK: 204 and keep-alive, account_sid of the
# account that asked (or --account for API keys), 54209 and 54302.

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

# A keep-alive client: after a 204 the connection is either kept (and the
# next request on it answered) or the answer says "Connection: close".
emulator = Emulator('--account', 'AC00000000000000000000000000000077')
token = base64.b64encode(f'{SID}:{SECRET}'.encode()).decode()
key_token = base64.b64encode(b'SK0123456789abcdef0123456789abcdef:x').decode()
kept = http.client.HTTPConnection('127.0.0.1', emulator.port, timeout=5)


def kept_request(method, path, form=None, auth=token):
    headers = {'Authorization': f'Basic {auth}'}
    body = None
    if form is not None:
        body = urllib.parse.urlencode(form)
        headers['Content-Type'] = 'application/x-www-form-urlencoded'
    kept.request(method, path, body=body, headers=headers)
    response = kept.getresponse()
    data = response.read()
    return response, (json.loads(data) if data else None)


response, body = kept_request('POST', '/v1/Services/default/Maps', {'UniqueName': 'keepalive'})
check(response.status == 201 and body['account_sid'] == SID,
      f'the map of {SID} names account {body and body.get("account_sid")}')
response, body = kept_request('POST', '/v1/Services/default/Maps/keepalive/Items',
                              {'Key': 'k', 'Data': '{}'}, auth=key_token)
check(body['account_sid'] == 'AC00000000000000000000000000000077',
      f'--account: an API key\'s answer names {body.get("account_sid")}')
response, body = kept_request('DELETE', '/v1/Services/default/Maps/keepalive/Items/k')
closing = (response.getheader('Connection') or '').lower() == 'close'
check(response.status == 204, f'DELETE answered {response.status}')
if not closing:
    time.sleep(0.2)  # let a silent close arrive first
    try:
        response, body = kept_request('GET', '/v1/Services/default/Maps/keepalive')
        check(response.status == 200, f'the request after a 204 got {response.status}')
    except (http.client.HTTPException, ConnectionError, OSError) as error:
        check(False, f'a 204 closed the connection without "Connection: close" ({error})')
kept.close()
response = emulator.request('POST', '/v1/Services/default/Maps/keepalive/Items',
                            {'Key': 'x' * 257, 'Data': '{}'})
check(response[0] == 400 and response[1]['code'] == 54209,
      f'a 257-character key answered {response[0]} {response[1]}')
response = emulator.request('POST', '/v1/Services/default/Maps',
                            {'UniqueName': 'MP0123456789abcdef0123456789abcdef'})
check(response[0] == 400 and response[1]['code'] == 54302,
      f'a SID-shaped unique name answered {response[0]} {response[1]}')
emulator.stop()

# --demo --data: a whole fake Flex account (configuration, workspace,
# worker, maps) that survives a restart without --demo.
with tempfile.TemporaryDirectory() as directory:
    state = os.path.join(directory, 'whole.json')
    emulator = Emulator('--demo', '--data', state, '--account', SID)
    status, configuration, _ = emulator.request('GET', '/v1/Configuration')
    workspace = configuration and configuration.get('taskrouter_workspace_sid')
    check(status == 200 and workspace and workspace.startswith('WS'),
          f'--demo: the configuration names no workspace ({status})')
    status, workers, _ = emulator.request('GET', f'/v1/Workspaces/{workspace}/Workers')
    check(status == 200 and len(workers['workers']) == 1, f'--demo: {workers}')
    worker = workers['workers'][0]['sid']
    status, maps, _ = emulator.request('GET', '/v1/Services/default/Maps')
    names = sorted(m['unique_name'] for m in maps['maps'])
    check(names == sorted([f'Contacts_{worker}', f'Contacts_Recent_{worker}', f'Contacts_{SID}']),
          f'--demo maps: {names}')
    emulator.stop()

    emulator = Emulator('--data', state, '--account', SID)
    status, again, _ = emulator.request('GET', '/v1/Configuration')
    check(again.get('taskrouter_workspace_sid') == workspace,
          'the configuration did not survive a restart')
    status, workers, _ = emulator.request('GET', f'/v1/Workspaces/{workspace}/Workers')
    check(status == 200 and [w['sid'] for w in workers['workers']] == [worker],
          f'the worker did not survive a restart: {status} {workers}')
    status, maps, _ = emulator.request('GET', '/v1/Services/default/Maps')
    check(len(maps['maps']) == 3, 'the maps did not survive a restart')
    emulator.stop()

if failures:
    sys.exit(1)
print('flex-sync-emulator command line: ok')
