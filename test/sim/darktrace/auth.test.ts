import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { DAY, T0, TOKENS, hmac, spacedDate, startHarness } from './harness.ts';

interface Vector {
  name: string;
  publicToken: string;
  privateToken: string;
  method: string;
  wireUrlPath: string;
  dtapiDate: string;
  signedTarget: string;
  expectedSignature: string;
  body?: string;
  contentType?: string;
}

const vectors = (JSON.parse(readFileSync(new URL('./fixtures/auth-signature-vectors.json', import.meta.url), 'utf8')) as { vectors: Vector[] }).vectors;

/** Independent reading of the vector dates, to set the sim clock to each. */
function vectorMs(date: string): number {
  const compact = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})$/.exec(date);
  if (compact) return Date.parse(`${compact[1]}-${compact[2]}-${compact[3]}T${compact[4]}:${compact[5]}:${compact[6]}Z`);
  return Date.parse(date.replace(' ', 'T') + (/Z|[+-]\d\d:\d\d$/.test(date) ? '' : 'Z'));
}

for (const v of vectors) {
  const wireDiffers = v.signedTarget !== (v.body ? `${v.wireUrlPath.split('?')[0]}?${v.body}` : v.wireUrlPath);
  test(`vector ${v.name}: its signature is ${wireDiffers ? 'accepted only in lenient mode' : 'accepted'} and a wrong one refused`, async (t) => {
    const requestWith = async (strict: boolean, signature: string) => {
      const h = await startHarness(t, { credentials: v, strictSignature: strict }, vectorMs(v.dtapiDate));
      return h.request(v.wireUrlPath, {
        method: v.method,
        headers: {
          'DTAPI-Token': v.publicToken,
          'DTAPI-Date': v.dtapiDate,
          'DTAPI-Signature': signature,
          ...(v.contentType ? { 'content-type': v.contentType } : {}),
        },
        ...(v.body === undefined ? {} : { body: v.body }),
      });
    };
    const segment = v.wireUrlPath.split(/[/?]/)[1] as string;
    // Accepted = past authentication (the route may still refuse its input, e.g. an unknown uuid).
    const authFailed = (r: { text: string }) => /API (SIGNATURE|DATE) ERROR/.test(r.text);
    const lenient = await requestWith(false, v.expectedSignature);
    assert.ok(!authFailed(lenient), `lenient mode refused ${v.name}: ${lenient.text}`);
    const strict = await requestWith(true, v.expectedSignature);
    if (wireDiffers) assert.deepEqual([strict.status, strict.json()], [400, { [segment]: 'API SIGNATURE ERROR' }]);
    else assert.ok(!authFailed(strict), `strict mode refused ${v.name}: ${strict.text}`);

    const flipped = v.expectedSignature.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    const wrong = await requestWith(false, flipped);
    assert.deepEqual([wrong.status, wrong.json()], [400, { [segment]: 'API SIGNATURE ERROR' }]);
  });
}

test('the status answers of the vectors that hit known routes are real answers, not redirects', async (t) => {
  const v = vectors.find((x) => x.name === 'status-no-query') as Vector;
  const h = await startHarness(t, { credentials: v }, vectorMs(v.dtapiDate));
  const r = await h.request('/status', { headers: { 'DTAPI-Token': v.publicToken, 'DTAPI-Date': v.dtapiDate, 'DTAPI-Signature': v.expectedSignature } });
  assert.equal(r.status, 200);
  assert.equal(typeof r.json().version, 'string');
});

test('missing DTAPI headers redirect to the login page', async (t) => {
  const h = await startHarness(t);
  for (const drop of ['DTAPI-Token', 'DTAPI-Date', 'DTAPI-Signature']) {
    const date = spacedDate(T0);
    const headers: Record<string, string> = { 'DTAPI-Token': TOKENS.publicToken, 'DTAPI-Date': date, 'DTAPI-Signature': hmac(TOKENS.privateToken, `/status\n${TOKENS.publicToken}\n${date}`) };
    delete headers[drop];
    const r = await h.request('/status', { headers });
    assert.equal(r.status, 302, drop);
    assert.equal(r.headers.location, '/login');
  }
});

test('an unknown public token is a signature error keyed by the first path segment', async (t) => {
  const h = await startHarness(t);
  const r = await h.request('/modelbreaches?starttime=1', { tokens: { publicToken: 'someone-else', privateToken: TOKENS.privateToken } });
  assert.deepEqual([r.status, r.json()], [400, { modelbreaches: 'API SIGNATURE ERROR' }]);
});

test('header names are case-insensitive (one public script sends DTAPI-token)', async (t) => {
  const h = await startHarness(t);
  const date = spacedDate(T0);
  const r = await h.request('/status', {
    headers: { 'DTAPI-token': TOKENS.publicToken, 'DTAPI-date': date, 'dtapi-signature': hmac(TOKENS.privateToken, `/status\n${TOKENS.publicToken}\n${date}`).toUpperCase() },
  });
  assert.equal(r.status, 200);
});

test('all five DTAPI-Date formats are accepted', async (t) => {
  const h = await startHarness(t);
  for (const date of ['20231114T230000', '2023-11-14 23:00:00', '2023-11-14T23:00:00.123456+00:00', '2023-11-14T23:00:00.123456', '2023-11-14T23:00:00Z', '2023-11-15T00:00:00+01:00']) {
    const r = await h.request('/status', { date });
    assert.equal(r.status, 200, `${date}: ${r.text}`);
  }
});

test('a date more than 30 minutes off, or unreadable, is an API DATE ERROR', async (t) => {
  const h = await startHarness(t);
  assert.equal((await h.request('/status', { date: spacedDate(T0 + 30 * 60_000) })).status, 200);
  assert.equal((await h.request('/status', { date: spacedDate(T0 - 30 * 60_000) })).status, 200);
  for (const date of [spacedDate(T0 + 31 * 60_000), spacedDate(T0 - 31 * 60_000), 'yesterday', '2023-02-31 10:00:00', '1700000000']) {
    const r = await h.request('/modelbreaches', { date });
    assert.deepEqual([r.status, r.json()], [400, { modelbreaches: 'API DATE ERROR' }], date);
  }
});

test('the server clock offset moves the window and the Date header', async (t) => {
  const h = await startHarness(t, { clockOffsetMs: 40 * 60_000 });
  const r = await h.request('/status');
  assert.deepEqual([r.status, r.json()], [400, { status: 'API DATE ERROR' }]);
  assert.equal(r.headers.date, new Date(T0 + 40 * 60_000).toUTCString());
  const ok = await h.request('/status', { date: spacedDate(T0 + 40 * 60_000) });
  assert.equal(ok.status, 200);
});

test('every answer carries the sim clock as Date, even refusals', async (t) => {
  const h = await startHarness(t);
  h.clock.advance(DAY);
  for (const r of [await h.request('/status'), await h.request('/status', { headers: {} }), await h.request('/nowhere')]) {
    assert.equal(r.headers.date, new Date(T0 + DAY).toUTCString());
  }
});

test('rejectDateFormats reproduces the fresh appliance refusing the compact form', async (t) => {
  const h = await startHarness(t, { rejectDateFormats: ['compact'] });
  assert.equal((await h.request('/status', { date: '20231114T230000' })).status, 400);
  assert.equal((await h.request('/status', { date: '2023-11-14 23:00:00' })).status, 200);
});

test('a POST with a JSON body signs path?body and never its URL query', async (t) => {
  const h = await startHarness(t);
  const body = JSON.stringify({ addentry: 'a.example', source: 'ThreatQ' });
  const ok = await h.request('/intelfeed?fulldetails=true', { body, contentType: 'application/json', signedTarget: `/intelfeed?${body}` });
  assert.equal(ok.status, 200, ok.text);
  for (const signedTarget of [`/intelfeed?fulldetails=true&${body}`, '/intelfeed?fulldetails=true', '/intelfeed']) {
    const r = await h.request('/intelfeed?fulldetails=true', { body, contentType: 'application/json', signedTarget });
    assert.deepEqual([r.status, r.json()], [400, { intelfeed: 'API SIGNATURE ERROR' }], signedTarget);
  }
  // Pretty-printed bytes are fine as long as the same bytes are signed and sent.
  const spaced = JSON.stringify({ addentry: 'b.example' }, null, 1);
  assert.equal((await h.request('/intelfeed', { body: spaced, contentType: 'application/json' })).status, 200);
  assert.deepEqual(await h.get('/intelfeed'), ['a.example', 'b.example']);
});

test('strict mode takes only the exact wire text; lenient also the decoded query and form', async (t) => {
  const strict = await startHarness(t);
  const lenient = await startHarness(t, { strictSignature: false });
  const target = '/intelfeed?source=Threat%20Q';
  const decoded = '/intelfeed?source=Threat Q';
  assert.equal((await strict.request(target)).status, 200);
  assert.equal((await strict.request(target, { signedTarget: decoded })).status, 400);
  assert.equal((await lenient.request(target, { signedTarget: decoded })).status, 200);

  const body = 'addlist=x.example%2Cy.example&source=Threat+Q';
  const form = { body, contentType: 'application/x-www-form-urlencoded' };
  assert.equal((await strict.request('/intelfeed', { ...form, signedTarget: '/intelfeed?addlist=x.example,y.example&source=Threat Q' })).status, 400);
  const r = await lenient.request('/intelfeed', { ...form, signedTarget: '/intelfeed?addlist=x.example,y.example&source=Threat Q' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(lenient.sim.intelFeedEntries('Threat Q').map((e) => e.name), ['x.example', 'y.example']);
});

test('a lone trailing ? is part of the wire text', async (t) => {
  const h = await startHarness(t);
  assert.equal((await h.request('/status?', { signedTarget: '/status?' })).status, 200);
  assert.equal((await h.request('/status?', { signedTarget: '/status' })).status, 400);
});

test('a signed request to an unknown endpoint gets the login redirect text', async (t) => {
  const h = await startHarness(t);
  const r = await h.request('/filtertypes');
  assert.deepEqual([r.status, r.headers.location, r.text], [302, '/login', 'Found. Redirecting to /login']);
});

test('permissions: 403 JSON by default, 302 to /403 in legacy style, per method when asked', async (t) => {
  const h = await startHarness(t, { permissions: { deny: ['POST /intelfeed', '/aianalyst'] } });
  const r = await h.postJson('/intelfeed', { addentry: 'x.example' });
  assert.deepEqual([r.status, r.json()], [403, { error: '403 Forbidden' }]);
  assert.equal((await h.request('/intelfeed')).status, 200);
  assert.equal((await h.request('/aianalyst/groups')).status, 403);
  h.sim.configure({ permissions: { deny: ['/intelfeed'], style: 'legacyRedirect' } });
  const legacy = await h.request('/intelfeed');
  assert.deepEqual([legacy.status, legacy.headers.location], [302, '/403']);
  assert.equal(h.sim.intelFeedEntries().length, 0);
});

test('a token without API access gets the HTML login page with 200', async (t) => {
  const h = await startHarness(t, { htmlLoginPage: true });
  const r = await h.request('/modelbreaches');
  assert.equal(r.status, 200);
  assert.match(String(r.headers['content-type']), /text\/html/);
  assert.match(r.text, /<title>Log In \| Darktrace<\/title>/);
});

test('optional 401 mode for the status the 6.1 docs claim', async (t) => {
  const h = await startHarness(t, { authErrorStatus: 401 });
  assert.equal((await h.request('/status', { signedTarget: '/other' })).status, 401);
});

test('requests are counted per path whatever their outcome', async (t) => {
  const h = await startHarness(t);
  await h.request('/status');
  await h.request('/status?fast=true');
  await h.request('/status', { headers: {} });
  await h.request('/intelfeed');
  assert.equal(h.sim.requestCount('/status'), 3);
  assert.deepEqual(h.sim.requestCounts(), { '/status': 3, '/intelfeed': 1 });
  h.sim.resetRequestCounts();
  assert.equal(h.sim.requestCount('/status'), 0);
});
