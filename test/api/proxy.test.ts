/**
 * -ep (external proxy) with both clients built as runs build them: Darktrace traffic is
 * tunnelled through a real CONNECT proxy (its own process), ThreatQ traffic never is.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { EXIT } from '../../src/errors.ts';
import { rejection, startWorld } from './support.ts';
import { startConnectProxy } from '../helpers/connectProxy.ts';

const USER = 'proxyuser';
const PASS = 'Proxy-Canary-91b2';
const startProxy = (t: TestContext) => startConnectProxy(t, { user: USER, pass: PASS });

test('with -ep, every Darktrace request goes through the proxy and no ThreatQ request does', async (t) => {
  const proxy = await startProxy(t);
  const w = await startWorld(t, { externalProxy: proxy.url });
  const dt = w.clients.darktrace;
  const tq = w.clients.threatq;

  await dt.status();
  const now = Date.now();
  await dt.modelBreaches({ startMs: now - 86_400_000, endMs: now });
  await dt.addIntelFeedEntries({ source: 'ThreatQ', entries: ['proxied.example'], description: 'via proxy' });
  await tq.authenticate();
  await tq.listCollections();
  await tq.upsertIndicators([{ value: 'direct.example', typeName: 'FQDN', statusName: 'Review', sources: [{ name: 'Darktrace' }] }]);
  // A connection cut mid-run: the retry opens a new tunnel.
  w.sims.darktrace.faults.add({ match: { path: '/status' }, fault: { kind: 'reset' } });
  await dt.status();

  const dtTarget = `127.0.0.1:${w.sims.darktrace.port}`;
  const tunnels = proxy.log();
  assert.ok(tunnels.length >= 2, `tunnels: ${tunnels.join(', ')}`);
  assert.deepEqual([...new Set(tunnels)], [`${dtTarget} 200`], 'only Darktrace, only successful tunnels');
  assert.ok(!tunnels.some((l) => l.includes(`:${w.sims.threatq.port}`)), 'ThreatQ never went through the proxy');
  assert.ok(w.sims.darktrace.requests.length >= 5);
  assert.ok(w.sims.threatq.requests.length >= 3);
  assert.equal(w.sims.darktrace.sim.intelFeedEntries('ThreatQ').length, 1);
  assert.ok(!w.logger.dump().includes(PASS), 'the proxy password appears in the log');
});

test('a proxy that refuses the credentials → E_HTTP_PROXY for Darktrace, while ThreatQ is unaffected', async (t) => {
  const proxy = await startProxy(t);
  const bad = proxy.url.replace(PASS, 'Wrong-Proxy-Pass-77');
  const w = await startWorld(t, { externalProxy: bad });
  const err = await rejection(() => w.clients.darktrace.status());
  assert.equal(err.code, 'E_HTTP_PROXY');
  assert.equal(err.exitCode, EXIT.unavailable);
  assert.match(err.message, /407/);
  assert.ok(!`${err.message} ${err.hint}`.includes('Wrong-Proxy-Pass-77'), 'the proxy password appears in the error');
  assert.equal(w.sims.darktrace.requests.length, 0);
  assert.ok(Array.isArray(await w.clients.threatq.listCollections()));
  assert.deepEqual(proxy.log(), [`127.0.0.1:${w.sims.darktrace.port} 407`]);
});
