import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EXIT } from '../../src/errors.ts';
import { DarktraceError } from '../../src/darktrace/errors.ts';
import { fixtureText } from './fixtures.ts';
import { makeClient } from './clientHarness.ts';
import { PRIVATE, PUBLIC, startDtServer, type Reply } from './dtTestServer.ts';

/** Runs one call against a server that always gives `reply`, and returns the error it raised. */
async function failure(t: import('node:test').TestContext, reply: Reply, call: 'status' | 'intel' | 'breaches' = 'status') {
  const dt = await startDtServer(t, { noAuth: true, route: () => reply });
  const { client } = makeClient(t, dt.origin);
  const run = call === 'status' ? client.status() : call === 'intel' ? client.intelFeedSources() : client.modelBreaches({ startMs: 1, endMs: 2 });
  const err = await run.then(
    () => assert.fail('expected a failure'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof DarktraceError, String(err));
  const text = `${err.message} ${err.hint ?? ''}`;
  assert.ok(!text.includes(PRIVATE) && !text.includes(PUBLIC), 'no token in messages');
  return { err, requests: dt.requests.length };
}

test('400 API SIGNATURE ERROR (any key) → E_DT_SIGNATURE, exit auth, says to check the token pair', async (t) => {
  for (const name of ['error-400-api-signature.observed-status.json', 'error-400-api-signature.stix-shifter-advancedsearch.json']) {
    const { err } = await failure(t, { status: 400, body: fixtureText(name) });
    assert.equal(err.code, 'E_DT_SIGNATURE');
    assert.equal(err.exitCode, EXIT.auth);
    assert.match(err.hint ?? '', /public and private token pair/);
  }
});

test('a wrong private token is caught by the independent verifier and reported as a signature error', async (t) => {
  const dt = await startDtServer(t, { route: () => ({ body: {} }) });
  const { client } = makeClient(t, dt.origin, { privateToken: 'not-the-right-private-token' });
  await assert.rejects(client.status(), (err: any) => {
    assert.equal(err.code, 'E_DT_SIGNATURE');
    assert.ok(!err.message.includes('not-the-right-private-token'));
    return true;
  });
  assert.equal(dt.requests[0]!.auth, 'signature');
});

test('302 to /login → E_DT_LOGIN_REDIRECT naming the path', async (t) => {
  const { err } = await failure(t, { status: 302, headers: { location: '/login' }, body: 'Found. Redirecting to /login' }, 'breaches');
  assert.equal(err.code, 'E_DT_LOGIN_REDIRECT');
  assert.equal(err.exitCode, EXIT.auth);
  assert.match(err.message, /\/modelbreaches/);
  assert.match(err.message, /login page/);
});

test('302 to /403 and 403 → E_DT_PERMISSION naming the endpoint and the permission it needs', async (t) => {
  for (const reply of [{ status: 302, headers: { location: 'https://dt.example/403' }, body: 'Found. Redirecting to /403' }, { status: 403, body: { error: '403 Forbidden' } }]) {
    const { err } = await failure(t, reply, 'intel');
    assert.equal(err.code, 'E_DT_PERMISSION');
    assert.equal(err.exitCode, EXIT.auth);
    assert.match(err.message, /\/intelfeed/);
    assert.match(err.hint ?? '', /'Edit Domains'/);
  }
  const { err } = await failure(t, { status: 403, body: '' }, 'breaches');
  assert.match(err.hint ?? '', /'Unrestricted Devices' plus 'Visualizer'/);
});

test('200 carrying the HTML login page → E_DT_NO_API_ACCESS', async (t) => {
  const page = '<!DOCTYPE html><html><head><title>Log In | Darktrace</title></head><body><form action="/login"></form></body></html>';
  const { err } = await failure(t, { status: 200, headers: { 'content-type': 'text/html' }, body: page });
  assert.equal(err.code, 'E_DT_NO_API_ACCESS');
  assert.equal(err.exitCode, EXIT.auth);
  assert.match(err.hint ?? '', /API Access/);
});

test('other 4xx → E_DT_REQUEST with the status and a short body excerpt', async (t) => {
  const { err } = await failure(t, { status: 400, body: { response: 'INPUT ERROR', details: 'x'.repeat(500) } });
  assert.equal(err.code, 'E_DT_REQUEST');
  assert.equal(err.status, 400);
  assert.match(err.message, /HTTP 400.*INPUT ERROR/);
  assert.ok(err.message.length < 400, 'excerpt is short');
  const notFound = await failure(t, { status: 404, body: 'Not Found' });
  assert.equal(notFound.err.code, 'E_DT_REQUEST');
  assert.match(notFound.err.message, /HTTP 404\): Not Found/);
});

test('5xx and 429 after the transport retries → E_DT_UNAVAILABLE, exit unavailable', async (t) => {
  for (const status of [502, 503, 429]) {
    const { err, requests } = await failure(t, { status, body: 'gateway trouble' });
    assert.equal(err.code, 'E_DT_UNAVAILABLE');
    assert.equal(err.exitCode, EXIT.unavailable);
    assert.match(err.message, new RegExp(`HTTP ${status}`));
    assert.equal(requests, 3, 'all transport attempts were used first');
  }
});

test('unparseable JSON, a truncated body or the wrong shape → E_DT_BAD_RESPONSE', async (t) => {
  const cut = fixtureText('modelbreaches.xsoar-fetch-list.json').slice(0, 300);
  for (const body of [cut, 'not json at all', '']) {
    const { err } = await failure(t, { status: 200, body }, 'breaches');
    assert.equal(err.code, 'E_DT_BAD_RESPONSE');
    assert.equal(err.exitCode, EXIT.unavailable);
  }
  const shape = await failure(t, { status: 200, body: { response: 'SUCCESS' } }, 'breaches');
  assert.equal(shape.err.code, 'E_DT_BAD_RESPONSE');
  assert.match(shape.err.message, /expected a list/);
});

test('a successful POST body of any documented form is accepted once the status is 2xx', async (t) => {
  for (const body of [{ response: 'SUCCESS' }, { added: 2, response: 'SUCCESS', updated: 1 }, [{ replicate: true, data: [] }], { aianalyst: 'SUCCESS' }]) {
    const dt = await startDtServer(t, { route: () => ({ body }) });
    const { client } = makeClient(t, dt.origin);
    const result = await client.addIntelFeedEntries({ source: 'ThreatQ', entries: ['a.example'], description: 'd' });
    assert.deepEqual(result, 'added' in body ? { added: 2, updated: 1 } : { added: null, updated: null });
  }
});
