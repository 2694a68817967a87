/** startSims with the real Darktrace and ThreatQ simulators: seeding, options, faults in front of them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { startSims } from '../../../src/sim/startSims.ts';
import type { Sims } from '../../../src/sim/startSims.ts';
import { rawRequest } from './rawRequest.ts';

function signedGet(sims: Sims, target: string, opts: { slowClient?: boolean } = {}) {
  const { publicToken, privateToken } = sims.darktrace.credentials;
  const date = new Date().toISOString().replace(/[-:]/g, '').slice(0, 15);
  const signature = createHmac('sha1', privateToken).update(`${target}\n${publicToken}\n${date}`).digest('hex');
  return rawRequest(`${sims.darktrace.url}${target}`, {
    ca: sims.darktrace.caPem,
    headers: { 'DTAPI-Token': publicToken, 'DTAPI-Date': date, 'DTAPI-Signature': signature },
    timeoutMs: opts.slowClient ? 10_000 : 5000,
  });
}

test('seed counts fill both simulators and the same seed gives the same data', async (t) => {
  const start = () =>
    startSims({
      seed: 11,
      darktrace: { seedCounts: { breaches: 4, devices: 3, events: 2, now: Date.UTC(2024, 5, 1) } },
      threatq: { seedCollections: [{ name: 'Export to Darktrace', size: 12 }] },
    });
  const a = await start();
  const b = await start();
  t.after(() => Promise.all([a.close(), b.close()]));

  assert.equal(a.darktrace.seeded?.breaches, 4);
  assert.equal(a.darktrace.seeded?.devices, 3);
  assert.deepEqual(
    a.threatq.seeded?.collections.map((c) => [c.name, c.size]),
    [['Export to Darktrace', 12]],
  );
  const breachesA = await signedGet(a, '/modelbreaches?starttime=0');
  const breachesB = await signedGet(b, '/modelbreaches?starttime=0');
  assert.equal(breachesA.status, 200, breachesA.body);
  const listA = JSON.parse(breachesA.body) as Array<{ pbid: number }>;
  assert.equal(listA.length, 4);
  assert.deepEqual(
    listA.map((x) => x.pbid),
    (JSON.parse(breachesB.body) as Array<{ pbid: number }>).map((x) => x.pbid),
  );
  assert.equal(a.threatq.seeded?.collections[0]?.hash, b.threatq.seeded?.collections[0]?.hash);
});

test('simulator options pass through: a server clock 31 minutes ahead answers API DATE ERROR', async (t) => {
  const sims = await startSims({ darktrace: { clockOffsetMs: 31 * 60_000 } });
  t.after(() => sims.close());
  const answer = await signedGet(sims, '/status');
  assert.equal(answer.status, 400);
  assert.deepEqual(JSON.parse(answer.body), { status: 'API DATE ERROR' });
  sims.darktrace.sim.configure({ clockOffsetMs: 0 });
  assert.equal((await signedGet(sims, '/status')).status, 200);
});

test('faults sit in front of the real handler: slowBody dribbles a real signed answer', async (t) => {
  const sims = await startSims({ tls: false, darktrace: { seedCounts: { breaches: 2 } } });
  t.after(() => sims.close());
  const normal = await signedGet(sims, '/modelbreaches?starttime=0');
  sims.darktrace.faults.add({ match: { path: '/modelbreaches' }, fault: { kind: 'slowBody', chunkBytes: 256, delayMs: 5 } });
  const slow = await signedGet(sims, '/modelbreaches?starttime=0', { slowClient: true });
  assert.equal(slow.status, 200);
  assert.ok(slow.chunks > 1);
  assert.deepEqual(JSON.parse(slow.body), JSON.parse(normal.body));
  assert.deepEqual(
    sims.darktrace.requests.map((r) => [r.path, r.status, r.fault]),
    [
      ['/modelbreaches', 200, undefined],
      ['/modelbreaches', 200, 'slowBody'],
    ],
  );
});
