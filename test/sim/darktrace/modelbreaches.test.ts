import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import { DAY, T0, startHarness } from './harness.ts';

const HOUR = 3_600_000;

/** Four breaches on two devices; #2 was created 10 h after its activity, #3 is acknowledged, #4 is a system breach. */
async function withBreaches(t: TestContext, options = {}) {
  const h = await startHarness(t, options);
  const { sim } = h;
  sim.store.putDevice({ did: 10, sid: 1, ip: '10.0.0.10', hostname: 'ws-10', typename: 'desktop', typelabel: 'Desktop', firstSeen: T0 - 90 * DAY, lastSeen: T0 - HOUR });
  sim.store.putDevice({ did: 11, sid: -9, hostname: 'SaaS::Office365: a@example.com', typename: 'saasprovider', typelabel: 'SaaS Provider', firstSeen: T0 - 90 * DAY, lastSeen: T0 - HOUR });
  const b1 = sim.addBreach({ time: T0 - 5 * HOUR, score: 0.9, did: 10, modelName: 'Device::Attack and Recon Tools' });
  const b2 = sim.addLateBreach({ time: T0 - 12 * HOUR, creationTime: T0 - 2 * HOUR, score: 0.4, did: 11 });
  const b3 = sim.addBreach({ time: T0 - 3 * HOUR, score: 0.7, did: 10 });
  sim.acknowledgeBreach(b3.pbid, 'soc.lead');
  const b4 = sim.addBreach({ time: T0 - 1 * HOUR, score: 0.2, did: -1, modelName: 'System::Packet Loss' });
  return { h, b1, b2, b3, b4 };
}

const pbids = (list: { pbid: number }[]) => list.map((b) => b.pbid);

test('a list is an array in time order; pbid (query or path) gives one object', async (t) => {
  const { h, b1, b2, b4 } = await withBreaches(t);
  assert.deepEqual(pbids(await h.get('/modelbreaches')), [b2.pbid, b1.pbid, b4.pbid]);
  const one = await h.get(`/modelbreaches?pbid=${b1.pbid}`);
  assert.equal(Array.isArray(one), false);
  assert.equal(one.pbid, b1.pbid);
  assert.deepEqual(await h.get(`/modelbreaches/${b1.pbid}`), one);
  assert.equal((await h.request('/modelbreaches/999999')).status, 404);
});

test('starttime/endtime (ms) filter on time; creationtime=true filters on creationTime', async (t) => {
  const { h, b1, b2 } = await withBreaches(t);
  const window = `starttime=${T0 - 6 * HOUR}&endtime=${T0 - 4 * HOUR}`;
  assert.deepEqual(pbids(await h.get(`/modelbreaches?${window}`)), [b1.pbid]);
  // The late-created breach started 12 h ago but was created 2 h ago.
  const late = `starttime=${T0 - 2.5 * HOUR}&endtime=${T0 - 1.5 * HOUR}`;
  assert.deepEqual(pbids(await h.get(`/modelbreaches?${late}`)), []);
  assert.deepEqual(pbids(await h.get(`/modelbreaches?${late}&creationtime=true`)), [b2.pbid]);
  // A lone starttime runs to now.
  assert.deepEqual(pbids(await h.get(`/modelbreaches?starttime=${T0 - 6 * HOUR}`)).length, 2);
});

test('from/to accept the spaced form and ISO with T and Z', async (t) => {
  const { h, b1 } = await withBreaches(t);
  const iso = (ms: number) => new Date(ms).toISOString();
  const spaced = (ms: number) => iso(ms).slice(0, 19).replace('T', ' ');
  assert.deepEqual(pbids(await h.get(`/modelbreaches?from=${encodeURIComponent(spaced(T0 - 6 * HOUR))}&to=${encodeURIComponent(spaced(T0 - 4 * HOUR))}`)), [b1.pbid]);
  assert.deepEqual(pbids(await h.get(`/modelbreaches?from=${iso(T0 - 6 * HOUR)}&to=${iso(T0 - 4 * HOUR)}`)), [b1.pbid]);
});

test('without a window the last year is searched', async (t) => {
  const { h } = await withBreaches(t);
  const old = h.sim.addBreach({ time: T0 - 400 * DAY });
  const recent = h.sim.addBreach({ time: T0 - 300 * DAY });
  const got = pbids(await h.get('/modelbreaches'));
  assert.ok(got.includes(recent.pbid));
  assert.ok(!got.includes(old.pbid));
});

test('minscore (0–1), did, pid and includeacknowledged filter; unknown params are ignored', async (t) => {
  const { h, b1, b2, b3, b4 } = await withBreaches(t);
  assert.deepEqual(pbids(await h.get('/modelbreaches?minscore=0.5')), [b1.pbid]);
  assert.deepEqual(pbids(await h.get('/modelbreaches?includeacknowledged=true&minscore=0.5')), [b1.pbid, b3.pbid]);
  assert.deepEqual(pbids(await h.get('/modelbreaches?did=11')), [b2.pbid]);
  assert.deepEqual(pbids(await h.get(`/modelbreaches?pid=${b4.model.then.pid}`)), [b4.pbid]);
  assert.deepEqual(pbids(await h.get('/modelbreaches?saveasname=x&expandenums=true&responsedata=foo')), [b2.pbid, b1.pbid, b4.pbid]);
  assert.deepEqual(pbids(await h.get('/modelbreaches?count=1')), [b2.pbid]);
});

test('device at top by default, inside each component with deviceattop=false; system breach is {did:-1}', async (t) => {
  const { h, b1, b4 } = await withBreaches(t);
  const top = await h.get(`/modelbreaches/${b1.pbid}?deviceattop=true`);
  assert.equal(top.device.did, 10);
  assert.equal(top.device.hostname, 'ws-10');
  assert.equal('macaddress' in top.device, false, 'absent attributes are omitted');
  assert.equal(top.triggeredComponents[0].device, undefined);
  const nested = await h.get(`/modelbreaches/${b1.pbid}?deviceattop=false`);
  assert.equal(nested.device, undefined);
  assert.equal(nested.triggeredComponents[0].device.did, 10);
  assert.deepEqual((await h.get(`/modelbreaches/${b4.pbid}`)).device, { did: -1 });
});

test('model is {then, now} unless historicmodelonly=true flattens it; descriptions keep literal \\n', async (t) => {
  const { h, b4 } = await withBreaches(t);
  const full = await h.get(`/modelbreaches/${b4.pbid}`);
  assert.deepEqual(Object.keys(full.model), ['then', 'now']);
  assert.equal(full.model.then.name, 'System::Packet Loss');
  assert.ok(full.model.then.description.includes('\\n\\n'));
  const flat = await h.get(`/modelbreaches/${b4.pbid}?historicmodelonly=true`);
  assert.equal(flat.model.name, 'System::Packet Loss');
  assert.equal(flat.model.then, undefined);
});

test('includebreachurl adds a link back to the breach', async (t) => {
  const { h, b1 } = await withBreaches(t, { fqdn: 'dt.example' });
  assert.equal((await h.get(`/modelbreaches/${b1.pbid}?includebreachurl=true`)).breachUrl, `https://dt.example/#modelbreach/${b1.pbid}`);
});

test('acknowledged is written in the configured style', async (t) => {
  for (const [style, acked, notAcked] of [
    ['boolean', true, false],
    ['object', { time: T0, username: 'soc.lead' }, false],
    ['absent', undefined, undefined],
  ] as const) {
    const { h, b1, b3 } = await withBreaches(t, { acknowledgedStyle: style });
    assert.deepEqual((await h.get(`/modelbreaches/${b3.pbid}`)).acknowledged, acked, style);
    assert.deepEqual((await h.get(`/modelbreaches/${b1.pbid}`)).acknowledged, notAcked, style);
  }
});

test('acknowledge / unacknowledge POSTs (JSON, string "true", or form) flip the breach', async (t) => {
  const { h, b1 } = await withBreaches(t);
  let r = await h.postJson(`/modelbreaches/${b1.pbid}/acknowledge`, { acknowledge: 'true' });
  assert.deepEqual([r.status, r.json()], [200, { response: 'SUCCESS' }]);
  assert.ok(!pbids(await h.get('/modelbreaches')).includes(b1.pbid));
  r = await h.postForm(`/modelbreaches/${b1.pbid}/unacknowledge`, { unacknowledge: 'true' });
  assert.equal(r.status, 200);
  assert.ok(pbids(await h.get('/modelbreaches')).includes(b1.pbid));
  r = await h.postJson(`/modelbreaches/${b1.pbid}/acknowledge`, { acknowledge: true });
  assert.equal((await h.get(`/modelbreaches/${b1.pbid}`)).acknowledged, true);
});

test('comments: POST stores one, commentCount follows, GET lists them', async (t) => {
  const { h, b1 } = await withBreaches(t);
  const r = await h.postJson(`/modelbreaches/${b1.pbid}/comments`, { message: '<b>seen</b>' });
  assert.equal(r.status, 200);
  assert.equal(r.json()[0].message, '<b>seen</b>');
  h.sim.addBreachComment(b1.pbid, 'second');
  assert.equal((await h.get(`/modelbreaches/${b1.pbid}`)).commentCount, 2);
  const list = await h.get(`/modelbreaches/${b1.pbid}/comments`);
  assert.deepEqual(list.map((c: { message: string }) => c.message).sort(), ['<b>seen</b>', 'second']);
  assert.equal((await h.get(`/mbcomments?pbid=${b1.pbid}`)).length, 2);
});

test('score changes made through the helper show on the next poll', async (t) => {
  const { h, b1 } = await withBreaches(t);
  h.sim.setBreachScore(b1.pbid, 0.123);
  assert.equal((await h.get(`/modelbreaches/${b1.pbid}`)).score, 0.123);
  assert.throws(() => h.sim.setBreachScore(b1.pbid, 73));
});
