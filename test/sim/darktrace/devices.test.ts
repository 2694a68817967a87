import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DAY, T0, startHarness } from './harness.ts';

test('/devices lists recent devices with empty attributes omitted; did= gives one object', async (t) => {
  const h = await startHarness(t);
  const { store } = h.sim;
  store.putDevice({ did: 1, sid: 10, ip: '10.0.0.1', macaddress: '56:2d:4b:9c:18:42', hostname: 'ws-1', typename: 'desktop', typelabel: 'Desktop', firstSeen: T0 - 100 * DAY, lastSeen: T0 - DAY, priority: 0 });
  store.putDevice({ did: 2, sid: -9, hostname: 'SaaS::Office365: a@example.com', typename: 'saasprovider', typelabel: 'SaaS Provider', firstSeen: T0 - 100 * DAY, lastSeen: T0 - 2 * DAY, priority: 3 });
  store.putDevice({ did: 3, sid: 4, ip: '2001:db8::1', typename: 'server', typelabel: 'Server', firstSeen: T0 - 100 * DAY, lastSeen: T0 - 30 * DAY });

  const list = await h.get('/devices');
  assert.deepEqual(list.map((d: { did: number }) => d.did), [1, 2]);
  assert.deepEqual(Object.keys(list[0]), ['id', 'did', 'macaddress', 'ip', 'sid', 'hostname', 'time', 'endtime', 'typename', 'typelabel']);
  assert.equal(list[1].priority, 3);
  assert.equal('ip' in list[1], false);
  assert.deepEqual((await h.get('/devices?seensince=60day')).length, 3);
  assert.deepEqual((await h.get(`/devices?seensince=${36 * 3600}`)).map((d: { did: number }) => d.did), [1]);
  assert.deepEqual((await h.get('/devices?ip=2001:db8::1&seensince=8week')).map((d: { did: number }) => d.did), [3]);

  const one = await h.get('/devices?did=3');
  assert.equal(Array.isArray(one), false);
  assert.deepEqual([one.id, one.did, one.ip, one.endtime], [3, 3, '2001:db8::1', T0 - 30 * DAY]);
});

test('/status carries the version and the sim time', async (t) => {
  const h = await startHarness(t, { version: '6.1.23 (f35936c6)' });
  const s = await h.get('/status?fast=true&includechildren=false');
  assert.equal(s.version, '6.1.23 (f35936c6)');
  assert.equal(s.time, '2023-11-14 23:00');
});
