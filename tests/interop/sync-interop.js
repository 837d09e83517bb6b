// tests/interop/sync-interop.js: Twilio's official Sync client (twilio-sync@4.0.1,
// the library the Flex "contacts" plugin runs) driven against the Flex Contacts
// emulator by tests/test-interop.c.
//
// Environment: FLEX_PORT, FLEX_ACCOUNT_SID, FLEX_KEY_SID, FLEX_KEY_SECRET,
// FLEX_MAPS (comma-separated unique names). The token is minted by the official
// `twilio` package (AccessToken + SyncGrant), as a Flex back end would — or, with
// FLEX_SIGN_IN=1, it is an agent's Flex token, got as the Flex UI gets it: the
// identity provider's config, the Authorize page and its form (PKCE S256, state,
// nonce), the code exchange at OAuth/Tokens (issue 19).
//
// Output: one JSON object a line on stdout ("opened", "itemAdded", "itemUpdated",
// "itemRemoved", "done", "error"). Input: one JSON command a line on stdin
// ({"cmd":"set"|"remove"|"quit", "map", "key", "data"}).
'use strict';

const crypto = require('crypto');
const readline = require('readline');
const twilio = require('twilio');
const { SyncClient } = require('twilio-sync');

const env = (name) => {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set`);
  }
  return value;
};

const say = (object) => process.stdout.write(JSON.stringify(object) + '\n');

async function readAll(map) {
  const items = [];
  let page = await map.getItems({ pageSize: 100 });
  for (;;) {
    for (const item of page.items) {
      items.push({ key: item.key, data: item.data });
    }
    if (!page.hasNextPage) {
      break;
    }
    page = await page.nextPage();
  }
  return items;
}

// An agent's Flex token, from the emulator's sign-in endpoints (FLEX-SESSION.md §1).
async function flexToken(base, account) {
  const config = await (await fetch(
    `${base}/v1/Flex/Authentication/Config?AccountSid=${account}&AppType=SinglePageApp`)).json();
  const profile = config.config_list.find((entry) => entry.active).connection_name;
  const verifier = crypto.randomBytes(96).toString('base64url');
  const challenge = crypto.createHash('sha256').update(verifier).digest('base64url');
  const state = crypto.randomBytes(24).toString('base64url');
  const nonce = crypto.randomBytes(24).toString('base64url');
  const authorize = `${base}/v1/Flex/Authorize?redirectUrl=${encodeURIComponent('http://localhost:9/')}`
    + `&nonce=${nonce}&codeChallenge=${challenge}&state=${state}&ssoProfileSid=${profile}`;
  const page = await (await fetch(authorize)).text();
  const user = /name="user" value="([^"]+)"/.exec(page)[1];
  const submitted = await fetch(authorize, {
    method: 'POST', redirect: 'manual', body: `user=${user}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  const back = new URL(submitted.headers.get('location'));
  if (back.searchParams.get('state') !== state) {
    throw new Error('the sign-in came back with another state');
  }
  const answer = await (await fetch(`${base}/v1/Flex/OAuth/Tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      grant_type: 'AuthorizationCode', code: back.searchParams.get('code'),
      code_verifier: verifier, nonce, sso_profile_sid: profile, app_type: 'SinglePageApp',
    }),
  })).json();
  return answer.access_token;
}

async function main() {
  const port = env('FLEX_PORT');
  let jwt;
  if (process.env.FLEX_SIGN_IN) {
    jwt = await flexToken(`http://127.0.0.1:${port}`, env('FLEX_ACCOUNT_SID'));
    say({ event: 'signedIn', opaque: !jwt.includes('.') });
  } else {
    const token = new twilio.jwt.AccessToken(env('FLEX_ACCOUNT_SID'), env('FLEX_KEY_SID'),
      env('FLEX_KEY_SECRET'), { identity: 'interop@example.com', ttl: 3600 });
    token.addGrant(new twilio.jwt.AccessToken.SyncGrant({ serviceSid: 'default' }));
    jwt = token.toJwt();
  }

  const client = new SyncClient(jwt, {
    twilsock: { uri: `ws://127.0.0.1:${port}/v3/wsconnect` },
    cdsUri: 'https://cds.us1.twilio.com',
  });
  client.on('connectionError', (error) => say({ event: 'connectionError', message: error.message }));

  const maps = new Map();
  for (const name of env('FLEX_MAPS').split(',')) {
    const map = await client.map({ id: name, mode: 'open_existing' });
    maps.set(name, map);
    for (const type of ['itemAdded', 'itemUpdated']) {
      map.on(type, (event) => say({
        event: type, map: name, key: event.item.key, data: event.item.data, isLocal: event.isLocal,
      }));
    }
    map.on('itemRemoved', (event) => say({
      event: 'itemRemoved', map: name, key: event.key, isLocal: event.isLocal,
    }));
    say({ event: 'opened', map: name, sid: map.sid, items: await readAll(map) });
  }

  const lines = readline.createInterface({ input: process.stdin });
  for await (const line of lines) {
    const command = JSON.parse(line);
    try {
      if (command.cmd === 'quit') {
        break;
      } else if (command.cmd === 'set') {
        const item = await maps.get(command.map).set(command.key, command.data);
        say({ event: 'done', cmd: 'set', key: item.key, revision: item.revision });
      } else if (command.cmd === 'remove') {
        await maps.get(command.map).remove(command.key);
        say({ event: 'done', cmd: 'remove', key: command.key });
      }
    } catch (error) {
      say({ event: 'error', cmd: command.cmd, message: error.message, status: error.status });
    }
  }
  await client.shutdown();
  process.exit(0);
}

main().catch((error) => {
  say({ event: 'error', message: error.message, status: error.status });
  process.exit(1);
});
