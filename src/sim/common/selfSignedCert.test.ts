import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { createSelfSignedCert } from './selfSignedCert.ts';

test('the certificate names the loopback addresses, is a CA and verifies with its own key', () => {
  const { cert } = createSelfSignedCert();
  const x = new X509Certificate(cert);
  assert.equal(x.ca, true);
  assert.equal(x.subject, 'CN=localhost');
  assert.equal(x.issuer, x.subject);
  assert.equal(x.checkIP('127.0.0.1'), '127.0.0.1');
  assert.equal(x.checkIP('::1'), '::1');
  assert.equal(x.checkHost('localhost'), 'localhost');
  assert.equal(x.checkIP('10.0.0.1'), undefined);
  assert.equal(x.checkHost('example.com'), undefined);
  assert.equal(x.verify(x.publicKey), true);
  assert.equal(x.verify(new X509Certificate(createSelfSignedCert().cert).publicKey), false);
  assert.equal(x.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
});

test('custom hosts, common name and validity are encoded', () => {
  const { cert } = createSelfSignedCert({
    commonName: 'sim.test',
    hosts: ['10.1.2.3', '2001:db8::1.2.3.4', 'fe80::1:2', 'sim.test'],
    days: 2,
  });
  const x = new X509Certificate(cert);
  assert.equal(x.subject, 'CN=sim.test');
  assert.equal(x.checkIP('10.1.2.3'), '10.1.2.3');
  assert.equal(x.checkIP('2001:db8::102:304'), '2001:db8::102:304');
  assert.equal(x.checkIP('fe80::1:2'), 'fe80::1:2');
  assert.equal(x.checkIP('127.0.0.1'), undefined);
  assert.equal(x.checkHost('sim.test'), 'sim.test');
  const validFor = Date.parse(x.validTo) - Date.parse(x.validFrom);
  assert.equal(validFor, 2 * 86_400_000 + 3_600_000);
  assert.ok(Date.parse(x.validFrom) <= Date.now());
});

test('a fresh serial number and key every time', () => {
  const a = createSelfSignedCert();
  const b = createSelfSignedCert();
  assert.notEqual(new X509Certificate(a.cert).serialNumber, new X509Certificate(b.cert).serialNumber);
  assert.notEqual(a.key, b.key);
});

test('a TLS client trusts the server only when given the certificate as its CA', async (t) => {
  const { cert, key } = createSelfSignedCert();
  const server = https.createServer({ cert, key }, (_req, res) => res.end('hello'));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => server.close());
  const { port } = server.address() as AddressInfo;

  const get = (host: string, ca?: string) =>
    new Promise<string>((resolve, reject) => {
      const req = https.get({ host, port, path: '/', ca, rejectUnauthorized: true, agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve(body));
      });
      req.on('error', reject);
    });

  assert.equal(await get('127.0.0.1', cert), 'hello');
  await assert.rejects(get('127.0.0.1'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
  await assert.rejects(get('127.0.0.1', createSelfSignedCert().cert), (e: NodeJS.ErrnoException) => {
    assert.match(String(e.code), /SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/);
    return true;
  });
});
