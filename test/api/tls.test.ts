/**
 * TLS as a user meets it: both simulators have fresh self-signed certificates, like many
 * appliances. Refused by default with a message that says how to fix it, trusted through the
 * CA-file settings, or not checked at all with -ds.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { EXIT } from '../../src/errors.ts';
import { rejection, startWorld } from './support.ts';

test('self-signed certificates are refused by default: E_HTTP_TLS naming the host and both fixes', async (t) => {
  const w = await startWorld(t, { caFiles: false });
  const dt = await rejection(() => w.clients.darktrace.status());
  assert.equal(dt.code, 'E_HTTP_TLS');
  assert.equal(dt.exitCode, EXIT.unavailable);
  assert.ok(dt.message.includes(`127.0.0.1:${w.sims.darktrace.port}`), dt.message);
  assert.match(dt.message, /self-signed/);
  assert.match(dt.hint ?? '', /DARKTRACE_CA_FILE/);
  assert.match(dt.hint ?? '', /-ds/);

  const tq = await rejection(() => w.clients.threatq.listCollections());
  assert.equal(tq.code, 'E_HTTP_TLS');
  assert.equal(tq.exitCode, EXIT.unavailable);
  assert.ok(tq.message.includes(`127.0.0.1:${w.sims.threatq.port}`), tq.message);
  assert.match(tq.hint ?? '', /TQ_CA_FILE/);
  assert.match(tq.hint ?? '', /-ds/);
  assert.ok(!`${tq.message} ${tq.hint}`.includes(w.config.threatq.password));

  assert.equal(w.sims.darktrace.requests.length + w.sims.threatq.requests.length, 0, 'no request left this host');
  assert.equal(w.logger.events('http.retry').length, 0, 'a certificate problem is not retried');
});

test('trusted through the CA-file settings, both sides work with verification on', async (t) => {
  const w = await startWorld(t);
  assert.ok((await w.clients.darktrace.status()).version);
  assert.ok(Array.isArray(await w.clients.threatq.listCollections()));
  assert.equal(w.logger.events('http.tls_unverified').length, 0);
});

test("one side's certificate does not vouch for the other", async (t) => {
  const w = await startWorld(t, {
    edit: (c) => {
      const dtCa = c.darktrace.caFile;
      c.darktrace.caFile = c.threatq.caFile;
      c.threatq.caFile = dtCa;
    },
  });
  assert.equal(path.basename(w.config.darktrace.caFile ?? ''), 'threatq-ca.pem');
  assert.equal((await rejection(() => w.clients.darktrace.status())).code, 'E_HTTP_TLS');
  assert.equal((await rejection(() => w.clients.threatq.authenticate())).code, 'E_HTTP_TLS');
});

test('-ds: unverified certificates are accepted, with one warning per side however many requests follow', async (t) => {
  const w = await startWorld(t, { caFiles: false, verifyTls: false });
  for (let i = 0; i < 3; i++) {
    await w.clients.darktrace.status();
    await w.clients.threatq.listCollections();
  }
  const warnings = w.logger.events('http.tls_unverified');
  assert.equal(warnings.length, 2);
  assert.equal(warnings.filter((e) => /for Darktrace \(-ds\)/.test(e.message)).length, 1);
  assert.equal(warnings.filter((e) => /for ThreatQ \(-ds\)/.test(e.message)).length, 1);
  assert.ok(warnings.every((e) => e.level === 'warn'));
});
