import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normaliseHost } from './normaliseHost.ts';

function ok(input: string): string {
  const r = normaliseHost(input);
  assert.ok(r.ok, `expected '${input}' to be accepted: ${r.ok ? '' : r.reason}`);
  return r.value;
}
function reason(input: string): string {
  const r = normaliseHost(input);
  assert.ok(!r.ok, `expected '${input}' to be refused, got ${r.ok ? r.value : ''}`);
  return r.reason;
}

test('a bare host name becomes an https base URL on the default port', () => {
  assert.equal(ok('tq.example'), 'https://tq.example');
  assert.equal(ok('  TQ.Example.  '), 'https://tq.example');
});

test('a bare IPv4 address, with or without a port, becomes an https URL', () => {
  assert.equal(ok('10.0.0.5'), 'https://10.0.0.5');
  assert.equal(ok('10.0.0.5:8443'), 'https://10.0.0.5:8443');
});

test('IPv6 addresses are accepted bare or bracketed, with a port only when bracketed', () => {
  assert.equal(ok('2001:db8::10'), 'https://[2001:db8::10]');
  assert.equal(ok('[2001:db8::10]'), 'https://[2001:db8::10]');
  assert.equal(ok('[2001:db8::10]:8443'), 'https://[2001:db8::10]:8443');
  assert.equal(ok('https://[2001:DB8::10]:8443/'), 'https://[2001:db8::10]:8443');
  assert.equal(ok('::1'), 'https://[::1]');
});

test('URLs keep a non-default port and lose the default one and a trailing slash', () => {
  assert.equal(ok('https://10.0.0.5:8443'), 'https://10.0.0.5:8443');
  assert.equal(ok('https://tq.example:443/'), 'https://tq.example');
});

test('http:// is accepted for loopback only', () => {
  assert.equal(ok('http://127.0.0.1:8080'), 'http://127.0.0.1:8080');
  assert.equal(ok('http://127.10.20.30'), 'http://127.10.20.30');
  assert.equal(ok('http://localhost:9000'), 'http://localhost:9000');
  assert.equal(ok('http://[::1]:9000'), 'http://[::1]:9000');
  assert.match(reason('http://10.0.0.5'), /http:\/\/ is only allowed for loopback/);
  assert.match(reason('http://tq.example'), /loopback/);
  assert.match(reason('http://[2001:db8::1]'), /loopback/);
  assert.match(reason('http://128.0.0.1'), /loopback/);
});

test('paths, queries, fragments and credentials are refused', () => {
  assert.match(reason('https://tq.example/api'), /path/);
  assert.match(reason('https://tq.example?x=1'), /query/);
  assert.match(reason('https://tq.example#top'), /fragment/);
  const r = reason('https://admin:hunter2secret@tq.example');
  assert.match(r, /credentials/);
  assert.ok(!r.includes('hunter2secret'));
});

test('other schemes, empty values, white space and malformed names are refused', () => {
  assert.match(reason('ftp://tq.example'), /scheme 'ftp:\/\/'/);
  assert.match(reason(''), /empty/);
  assert.match(reason('tq example'), /white space/);
  assert.match(reason('tq_.exa mple'), /white space/);
  assert.match(reason('-tq.example'), /not a valid host name/);
  assert.match(reason('https://tq.example:0'), /port 0/);
  assert.match(reason('https://tq.example:70000'), /not a valid/);
  assert.match(reason('10.1'), /dotted-quad/);
  assert.match(reason('[2001:db8::zz]'), /not a valid/);
});

test('every refusal says what is allowed', () => {
  assert.match(reason('ftp://x'), /Allowed: a host name, an IPv4 or IPv6 address/);
});
