import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FAULT_KINDS, FaultRules } from './faults.ts';

const fire = (rules: FaultRules, method: string, path: string) => rules.take(method, path)?.kind ?? null;

test('a rule without match fires once on the next request, then is consumed', () => {
  const rules = new FaultRules();
  rules.add({ fault: { kind: 'reset' } });
  assert.equal(fire(rules, 'GET', '/a'), 'reset');
  assert.equal(fire(rules, 'GET', '/a'), null);
  assert.equal(rules.pending(), 0);
});

test('nth counts only matching requests and fires on the nth of them', () => {
  const rules = new FaultRules();
  rules.add({ match: { method: 'get', path: '/modelbreaches', nth: 3 }, fault: { kind: 'forbidden' } });
  const seen = [
    fire(rules, 'GET', '/modelbreaches?minscore=0.5'),
    fire(rules, 'POST', '/modelbreaches/1/acknowledge'), // wrong method: not counted
    fire(rules, 'GET', '/devices'), // wrong path: not counted
    fire(rules, 'GET', '/modelbreaches/7'),
    fire(rules, 'GET', '/modelbreaches'),
    fire(rules, 'GET', '/modelbreaches'),
  ];
  assert.deepEqual(seen, [null, null, null, null, 'forbidden', null]);
});

test('times fires that many consecutive matching requests; Infinity never runs out', () => {
  const rules = new FaultRules();
  rules.add({ match: { nth: 2, times: 2 }, fault: { kind: 'htmlLogin' } });
  assert.deepEqual(
    [1, 2, 3, 4].map(() => fire(rules, 'GET', '/x')),
    [null, 'htmlLogin', 'htmlLogin', null],
  );
  rules.add({ match: { times: Infinity }, fault: { kind: 'hang' } });
  for (let i = 0; i < 50; i++) assert.equal(fire(rules, 'GET', '/x'), 'hang');
  assert.equal(rules.pending(), 1);
});

test('rules are evaluated in order; a later rule still counts requests an earlier one answered', () => {
  const rules = new FaultRules();
  rules.add({ match: { path: '/a' }, fault: { kind: 'reset' } });
  rules.add({ match: { path: '/a', nth: 2 }, fault: { kind: 'forbidden' } });
  rules.add({ match: { path: '/a' }, fault: { kind: 'htmlLogin' } });
  assert.deepEqual(
    [1, 2, 3, 4].map(() => fire(rules, 'GET', '/a')),
    // 1st: reset wins over htmlLogin; 2nd: forbidden is due (its 2nd /a) and comes before htmlLogin.
    ['reset', 'forbidden', 'htmlLogin', null],
  );
});

test('a RegExp path sees the query string; a string path is a prefix of the path only', () => {
  const rules = new FaultRules();
  rules.add({ match: { path: /pbid=42/g, times: Infinity }, fault: { kind: 'forbidden' } });
  rules.add({ match: { path: '/status?x', times: Infinity }, fault: { kind: 'reset' } });
  assert.equal(fire(rules, 'GET', '/modelbreaches?pbid=42'), 'forbidden');
  assert.equal(fire(rules, 'GET', '/modelbreaches?pbid=42'), 'forbidden'); // /g lastIndex reset
  assert.equal(fire(rules, 'GET', '/modelbreaches?pbid=43'), null);
  assert.equal(fire(rules, 'GET', '/status?x=1'), null);
});

test('fired() logs method, path without query, kind and rule index; clear() drops pending rules', () => {
  const rules = new FaultRules();
  rules.add({ match: { path: '/b' }, fault: { kind: 'reset' } });
  rules.add({ match: { path: '/a' }, fault: { kind: 'status', status: 429 } });
  fire(rules, 'GET', '/a?access_token=secret');
  assert.deepEqual(rules.fired(), [{ method: 'GET', path: '/a', kind: 'status', rule: 1 }]);
  rules.clear();
  assert.equal(fire(rules, 'GET', '/b'), null);
  assert.equal(rules.fired().length, 1, 'clear() keeps the history of what already fired');
});

test('invalid rules are refused with a message naming the value', () => {
  const rules = new FaultRules();
  assert.throws(() => rules.add({ match: { nth: 0 }, fault: { kind: 'reset' } }), /nth must be an integer >= 1, got 0/);
  assert.throws(() => rules.add({ match: { times: 1.5 }, fault: { kind: 'reset' } }), /times .* got 1.5/);
  assert.throws(() => rules.add({ fault: { kind: 'nope' } as never }), /Unknown fault kind "nope"/);
  assert.equal(rules.pending(), 0);
});

test('FAULT_KINDS lists every kind once', () => {
  assert.equal(new Set(FAULT_KINDS).size, FAULT_KINDS.length);
  assert.ok(FAULT_KINDS.includes('truncatedJson'));
});
