import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { changedParts, contentHash } from './contentHash.ts';

const attrs = [{ name: 'Darktrace Score', value: '50' }];
const devices = [{ key: 'did:1', indicators: [], assetName: 'a' }];

test('an unchanged alert has no changed parts, whichever version stored its hash', () => {
  const h = contentHash('<p>x</p>', '2026-01-01 00:00:00', attrs, devices);
  assert.equal(changedParts(h, h), undefined);
  // Earlier versions stored the full hash alone: the same content is still "unchanged".
  assert.equal(changedParts(h.slice(0, 32), h), undefined);
});

test('only the parts that changed are reported', () => {
  const base = contentHash('<p>x</p>', '2026-01-01 00:00:00', attrs, devices);
  assert.deepEqual(changedParts(base, contentHash('<p>y</p>', '2026-01-01 00:00:00', attrs, devices)), { description: true, attributes: false, devices: false });
  assert.deepEqual(changedParts(base, contentHash('<p>x</p>', '2026-01-01 00:00:00', [{ name: 'Darktrace Score', value: '60' }], devices)), {
    description: false,
    attributes: true,
    devices: false,
  });
  assert.deepEqual(changedParts(base, contentHash('<p>x</p>', '2026-01-01 00:00:00', attrs, [])), { description: false, attributes: false, devices: true });
});

test('a changed alert whose stored hash has no parts (older version) rewrites everything', () => {
  const base = contentHash('<p>x</p>', '2026-01-01 00:00:00', attrs, devices);
  const now = contentHash('<p>x</p>', '2026-01-01 00:00:00', [{ name: 'Darktrace Score', value: '60' }], devices);
  assert.deepEqual(changedParts(base.slice(0, 32), now), { description: true, attributes: true, devices: true });
});

test('the full hash is the one earlier versions stored, so upgrading does not update every alert', () => {
  const old = createHash('sha256').update(JSON.stringify(['<p>x</p>', attrs, devices])).digest('hex').slice(0, 32);
  assert.equal(contentHash('<p>x</p>', '2026-01-01 00:00:00', attrs, devices).slice(0, 32), old);
});
