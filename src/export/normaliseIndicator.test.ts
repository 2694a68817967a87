import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { normaliseIndicator } from './normaliseIndicator.ts';

const ok = (type: string, raw: string) => {
  const r = normaliseIndicator(type, raw);
  assert.ok(r.ok, `${JSON.stringify(raw)} should be accepted: ${!r.ok ? r.reason : ''}`);
  return r.value;
};
const no = (type: string, raw: string, why: RegExp) => {
  const r = normaliseIndicator(type, raw);
  assert.ok(!r.ok, `${JSON.stringify(raw)} should be skipped`);
  assert.match(r.reason, why);
};

test('domains: case, trailing dot, white space around, IDN to punycode', () => {
  assert.equal(ok('FQDN', 'Evil.Example.'), 'evil.example');
  assert.equal(ok('FQDN', '  evil.example\t'), 'evil.example');
  assert.equal(ok('FQDN', 'Bücher.Example'), 'xn--bcher-kva.example');
  assert.equal(ok('FQDN', '_dmarc.example.org'), '_dmarc.example.org');
});

test('addresses: IPv4, canonical IPv6, CIDR', () => {
  assert.equal(ok('IP Address', '198.51.100.7'), '198.51.100.7');
  assert.equal(ok('IPv6 Address', '2001:DB8:0:0:0:0:0:1'), '2001:db8::1');
  assert.equal(ok('IP Address', '[2001:db8::1]'), '2001:db8::1');
  assert.equal(ok('IP Address', '10.0.0.0/8'), '10.0.0.0/8');
  assert.equal(ok('IP Address', '10.1.2.3/32'), '10.1.2.3');
  assert.equal(ok('IPv6 Address', '2001:db8::/32'), '2001:db8::/32');
  assert.equal(ok('FQDN', '198.51.100.7'), '198.51.100.7');
  // Addresses in brackets or beginning like a domain's digits still reach the address rules.
  assert.equal(ok('IP Address', '[198.51.100.7]'), '198.51.100.7');
  assert.equal(ok('FQDN', '[2001:db8::1]'), '2001:db8::1');
  assert.equal(ok('FQDN', '1password.example'), '1password.example');
  no('IP Address', '[10.1.2.3]/8', /does not start at its network address/);
});

test('anything that is not exactly one entry is skipped with a reason', () => {
  no('FQDN', 'a.example,b.example', /comma or line break/);
  no('FQDN', 'a.example\nb.example', /comma or line break/);
  no('FQDN', 'a.example\r', /comma or line break/);
  no('FQDN', 'exa mple.com', /white space/);
  no('FQDN', 'http://evil.example/x', /URL/);
  no('FQDN', '*.evil.example', /wildcard/);
  no('FQDN', 'evil.example:8080', /port/);
  no('FQDN', 'user@evil.example', /email/);
  no('FQDN', '<script>alert(1)</script>.example', /characters|URL/);
  no('FQDN', 'localhost', /two labels/);
  no('FQDN', `${'a'.repeat(64)}.example`, /longer than 63/);
  no('FQDN', `${'a.'.repeat(130)}example`, /longer than 253/);
  no('FQDN', '-bad.example', /invalid label/);
  no('FQDN', 'a..example', /empty label/);
  no('FQDN', '1.2.3.999', /ambiguous|malformed/);
  no('IP Address', '010.0.0.1', /leading zeros/);
  no('IP Address', 'evil.example', /not a valid IP/);
  no('IP Address', '10.1.2.3/8', /network address/);
  no('IP Address', '10.0.0.0/33', /CIDR prefix/);
  no('IPv6 Address', 'fe80::1%eth0', /zone/);
  no('URL', 'http://x.example', /not exported/);
  no('MD5', 'd41d8cd98f00b204e9800998ecf8427e', /not exported/);
  no('FQDN', '   ', /empty/);
});

test('property: an accepted value is one clean entry and normalising it again is a no-op', () => {
  fc.assert(
    fc.property(fc.constantFrom('FQDN', 'IP Address', 'IPv6 Address'), fc.oneof(fc.string(), fc.domain(), fc.ipV4(), fc.ipV6(), fc.webUrl(), fc.string({ unit: 'grapheme' })), (type, raw) => {
      const r = normaliseIndicator(type, raw);
      if (!r.ok) return typeof r.reason === 'string' && r.reason.length > 0;
      const clean = /^[a-z0-9._:/-]+$/.test(r.value) && !/[,\s]/.test(r.value);
      const again = normaliseIndicator(r.kind === 'domain' ? 'FQDN' : type, r.value);
      return clean && again.ok && again.value === r.value;
    }),
    { numRuns: 5000 },
  );
});
