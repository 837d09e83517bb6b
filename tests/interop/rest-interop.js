// tests/interop/rest-interop.js: Twilio's official Node SDK (`twilio`, REST v1)
// against the Flex Contacts emulator, driven by tests/test-interop.c.
//
// Environment: FLEX_PORT, FLEX_ACCOUNT_SID, FLEX_KEY_SID, FLEX_KEY_SECRET. The SDK
// keeps connections alive, as a Flex back end would. Output: one JSON object a
// line ({"check": name, "ok": bool, ...}), then {"event":"done"}.
'use strict';

const twilio = require('twilio');

const env = (name) => {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set`);
  }
  return value;
};

const say = (object) => process.stdout.write(JSON.stringify(object) + '\n');

async function expectError(name, promise, status, code) {
  try {
    await promise;
    say({ check: name, ok: false, message: 'no error' });
  } catch (error) {
    say({ check: name, ok: error.status === status && error.code === code,
          status: error.status, code: error.code });
  }
}

async function main() {
  const account = env('FLEX_ACCOUNT_SID');
  const client = twilio(env('FLEX_KEY_SID'), env('FLEX_KEY_SECRET'), { accountSid: account });
  client.sync.baseUrl = `http://127.0.0.1:${env('FLEX_PORT')}`;
  const service = client.sync.v1.services('default');

  const map = await service.syncMaps.create({ uniqueName: 'Contacts_REST_interop' });
  say({ check: 'map account_sid', ok: map.accountSid === account, got: map.accountSid });

  const items = service.syncMaps(map.sid).syncMapItems;
  const item = await items.create({ key: 'a', data: { key: 'a', name: 'Ada' } });
  say({ check: 'item account_sid', ok: item.accountSid === account, got: item.accountSid });

  const updated = await items('a').update({ data: { key: 'a', name: 'Ada L.' }, ifMatch: item.revision });
  say({ check: 'update with If-Match', ok: updated.revision !== item.revision && updated.data.name === 'Ada L.' });
  await expectError('stale If-Match is 412 / 54205',
    items('a').update({ data: { key: 'a' }, ifMatch: item.revision }), 412, 54205);

  // A delete answers 204; the next request reuses the kept-alive connection.
  const removed = await items('a').remove();
  const fetched = await service.syncMaps(map.sid).fetch();
  say({ check: 'request after a delete (keep-alive)', ok: removed === true && fetched.sid === map.sid });

  for (let i = 0; i < 120; i++) {
    await items.create({ key: `k${String(i).padStart(3, '0')}`, data: { n: i } });
  }
  const listed = await items.list({ pageSize: 50 });
  say({ check: 'paging through 120 items', ok: listed.length === 120, got: listed.length });

  await expectError('a 257-character key is 400 / 54209',
    items.create({ key: 'x'.repeat(257), data: {} }), 400, 54209);
  const longest = await items.create({ key: 'y'.repeat(256), data: {} });
  say({ check: 'a 256-character key is fine', ok: longest.key.length === 256 });
  await expectError('a SID-shaped unique name is 400 / 54302',
    service.syncMaps.create({ uniqueName: 'MP0123456789abcdef0123456789abcdef' }), 400, 54302);

  await service.syncMaps(map.sid).remove();
  await expectError('a removed map is 404 / 54200', service.syncMaps(map.sid).fetch(), 404, 54200);
  say({ event: 'done' });
}

main().catch((error) => {
  say({ event: 'error', message: error.message, status: error.status, code: error.code });
  process.exit(1);
});
