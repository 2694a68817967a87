import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildUrl, hostOf, normalizeBaseUrl } from './url.ts';

test('the ThreatQ host is accepted the ways users type it', () => {
  assert.equal(normalizeBaseUrl('tq.example.com'), 'https://tq.example.com');
  assert.equal(normalizeBaseUrl(' https://tq.example.com/ '), 'https://tq.example.com');
  assert.equal(normalizeBaseUrl('https://tq.example.com/api/'), 'https://tq.example.com');
  assert.equal(normalizeBaseUrl('http://127.0.0.1:8443'), 'http://127.0.0.1:8443');
  assert.equal(hostOf('https://tq.example.com:8443'), 'tq.example.com:8443');
});

test('query values are encoded so titles with + and & reach ThreatQ intact', () => {
  const url = buildUrl('https://tq', '/api/events', { title: 'A+B & C', skip: undefined });
  assert.equal(new URL(url).searchParams.get('title'), 'A+B & C');
  assert.ok(!url.includes('skip'));
});
