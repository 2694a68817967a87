import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildQuery } from '../../src/darktrace/query.ts';
import { dtapiHeaders, dtapiSignature, signedTarget, stringToSign } from '../../src/darktrace/sign.ts';
import type { HttpMethod } from '../../src/http/types.ts';
import { fixture } from './fixtures.ts';

interface Vector {
  name: string;
  publicToken: string;
  privateToken: string;
  method: HttpMethod;
  wireUrlPath: string;
  dtapiDate: string;
  signedTarget: string;
  stringToSign: string;
  expectedSignature: string;
  body?: string;
}

const { vectors } = fixture<{ vectors: Vector[] }>('auth-signature-vectors.json');

test('the vector file holds all 16 known answers', () => {
  assert.equal(vectors.length, 16);
});

for (const v of vectors) {
  test(`known answer: ${v.name}`, () => {
    const tokens = { publicToken: v.publicToken, privateToken: v.privateToken };
    assert.equal(stringToSign(v.signedTarget, v.publicToken, v.dtapiDate), v.stringToSign);
    assert.equal(dtapiSignature(v.signedTarget, tokens, v.dtapiDate), v.expectedSignature);
    const headers = dtapiHeaders(v.signedTarget, tokens, v.dtapiDate);
    assert.deepEqual(headers, { 'DTAPI-Token': v.publicToken, 'DTAPI-Date': v.dtapiDate, 'DTAPI-Signature': v.expectedSignature });

    // The signer derives the target from what goes on the wire; it only ever signs the wire
    // text, so the one vector that signs a decoded query is not reproduced by it.
    const [path, query = ''] = v.wireUrlPath.split('?') as [string, string?];
    const target = signedTarget(v.method, path, v.method === 'POST' ? '' : query, v.body);
    if (v.name === 'intelfeed-get-source-unencoded') assert.notEqual(target, v.signedTarget);
    else assert.equal(target, v.signedTarget);
  });
}

test('the query builder reproduces the wire queries of the connector\'s own vectors', () => {
  assert.equal(
    buildQuery({ starttime: 1700000000000, includeacknowledged: true, expandenums: true, endtime: 1700003600000, deviceattop: true }),
    'deviceattop=true&endtime=1700003600000&expandenums=true&includeacknowledged=true&starttime=1700000000000',
  );
  assert.equal(buildQuery({ source: 'Threat Q', fulldetails: true }), 'fulldetails=true&source=Threat%20Q');
  assert.equal(buildQuery({ did: 52000 }), 'did=52000');
});

test('an empty query signs the bare path, never a trailing "?"', () => {
  assert.equal(signedTarget('GET', '/status', ''), '/status');
  assert.equal(signedTarget('POST', '/status', ''), '/status');
});

test('a POST with a body signs path?body and never its URL query', () => {
  assert.equal(signedTarget('POST', '/intelfeed', 'a=1', '{"x":1}'), '/intelfeed?{"x":1}');
});
