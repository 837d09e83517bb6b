#!/usr/bin/env python3
# stand-in-browser.py URL
#
# Copyright 2026 The Flex Contacts authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A person's web browser, for the sign-in tests: registered as the desktop's
# handler of http(s) links (a .desktop file and mimeapps.list), it is what
# the app's "open the system browser" starts. It opens the page, picks the
# user in its form (FLEX_E2E_BROWSER_USER, or the one already chosen),
# submits it and follows the redirect back to the app's loopback address,
# as a browser would. FLEX_E2E_BROWSER_ACTION=close opens the page and then
# does nothing more (a person who closed the tab); =deny goes back with
# ?error=access_denied. What it did is appended to FLEX_E2E_BROWSER_LOG.

import html.parser
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request


class Form(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.users = []
        self.checked = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == 'input' and attrs.get('name') == 'user':
            self.users.append(attrs.get('value'))
            if 'checked' in attrs:
                self.checked = attrs.get('value')


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def record(entry):
    path = os.environ.get('FLEX_E2E_BROWSER_LOG')
    if path:
        with open(path, 'a', encoding='utf-8') as f:
            f.write(json.dumps(entry) + '\n')


def main():
    url = sys.argv[1]
    entry = {'opened': url}
    opener = urllib.request.build_opener(NoRedirect)
    with opener.open(url, timeout=10) as page:
        form = Form()
        form.feed(page.read().decode('utf-8'))
    entry['users'] = form.users
    action = os.environ.get('FLEX_E2E_BROWSER_ACTION', 'sign-in')
    if action == 'close':
        entry['closed'] = True
        record(entry)
        return 0
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
    if action == 'deny':
        back = f'{query["redirectUrl"]}?error=access_denied&state={query["state"]}'
    else:
        user = os.environ.get('FLEX_E2E_BROWSER_USER') or form.checked or form.users[0]
        body = urllib.parse.urlencode({'user': user}).encode()
        try:
            opener.open(urllib.request.Request(url, data=body, method='POST'), timeout=10)
            raise RuntimeError('the sign-in form did not redirect')
        except urllib.error.HTTPError as redirect:
            if redirect.code not in (302, 303):
                raise
            back = redirect.headers['Location']
        entry['user'] = user
    entry['back'] = back
    with urllib.request.urlopen(back, timeout=10) as answer:
        entry['page'] = answer.read().decode('utf-8', 'replace')
        entry['status'] = answer.status
    record(entry)
    return 0


if __name__ == '__main__':
    sys.exit(main())
