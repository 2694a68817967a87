/** startSims' wiring (options split, seeding, both servers, one close) with trivial simulators. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startSimsWith } from '../../../src/sim/startSims.ts';
import { rawRequest, RawRequestError } from './rawRequest.ts';

interface FakeOptions {
  label?: string;
}

function fakeSim(kind: string, options: FakeOptions) {
  const store: string[] = [];
  return {
    options,
    store,
    handler(req: IncomingMessage, res: ServerResponse) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ kind, label: options.label ?? null, url: req.url, store }));
    },
  };
}

const calls: string[] = [];
const factories = {
  darktrace: (o: FakeOptions) => ({ ...fakeSim('darktrace', o), credentials: { publicToken: 'pub', privateToken: 'priv' } }),
  threatq: (o: FakeOptions) => ({ ...fakeSim('threatq', o), credentials: { clientId: 'cid', email: 'a@b.c', password: 'pw' } }),
  seedDarktrace(sim: { store: string[] }, counts: { breaches: number }, seed: number) {
    calls.push(`dt:${counts.breaches}:${seed}`);
    for (let i = 0; i < counts.breaches; i++) sim.store.push(`breach-${seed}-${i}`);
  },
  async seedThreatQ(sim: { store: string[] }, collections: string[], seed: number) {
    calls.push(`tq:${collections.join('+')}:${seed}`);
    sim.store.push(...collections);
  },
};

test('starts both simulators over HTTPS with their own options, seeds them, and closes both', async (t) => {
  calls.length = 0;
  const sims = await startSimsWith(factories, {
    seed: 7,
    darktrace: { label: 'dt', seedCounts: { breaches: 2 } },
    threatq: { label: 'tq', seedCollections: ['Export to Darktrace'] },
  });
  t.after(() => sims.close());
  assert.deepEqual(calls, ['dt:2:7', 'tq:Export to Darktrace:7']);
  assert.deepEqual(sims.darktrace.credentials, { publicToken: 'pub', privateToken: 'priv' });
  assert.equal(sims.threatq.credentials.email, 'a@b.c');
  assert.deepEqual(sims.darktrace.sim.options, { label: 'dt' }, 'seedCounts is not passed to the simulator');
  assert.notEqual(sims.darktrace.url, sims.threatq.url);

  const dt = JSON.parse((await rawRequest(`${sims.darktrace.url}/status`, { ca: sims.darktrace.caPem })).body);
  assert.deepEqual(dt, { kind: 'darktrace', label: 'dt', url: '/status', store: ['breach-7-0', 'breach-7-1'] });
  const tq = JSON.parse((await rawRequest(`${sims.threatq.url}/api/x`, { ca: sims.threatq.caPem })).body);
  assert.deepEqual(tq, { kind: 'threatq', label: 'tq', url: '/api/x', store: ['Export to Darktrace'] });

  sims.threatq.faults.add({ fault: { kind: 'forbidden' } });
  assert.equal((await rawRequest(`${sims.threatq.url}/api/x`, { ca: sims.threatq.caPem })).status, 403);
  assert.equal(sims.darktrace.requests.length, 1);
  assert.equal(sims.threatq.requests.length, 2);

  const { darktrace, threatq } = sims;
  await sims.close();
  await sims.close();
  for (const s of [darktrace, threatq]) {
    await assert.rejects(rawRequest(`${s.url}/`, { ca: s.caPem }), (e: RawRequestError) => e.failure.code === 'ECONNREFUSED');
  }
});

test('no seeding without counts; tls: false gives plain HTTP', async (t) => {
  calls.length = 0;
  const sims = await startSimsWith(factories, { tls: false });
  t.after(() => sims.close());
  assert.deepEqual(calls, []);
  assert.match(sims.darktrace.url, /^http:\/\/127\.0\.0\.1:/);
  assert.equal(sims.threatq.caPem, undefined);
  assert.equal((await rawRequest(`${sims.threatq.url}/`)).status, 200);
});
