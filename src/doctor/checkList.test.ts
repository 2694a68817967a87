import assert from 'node:assert/strict';
import test from 'node:test';
import { ConnectorError, EXIT } from '../errors.ts';
import { Redactor } from '../log/redactor.ts';
import { CheckList } from './checkList.ts';
import { renderJson, renderResultLine, renderSummary } from './renderResults.ts';

test('CheckList removes registered secrets and URL credentials from details and fixes as they are recorded', () => {
  const redactor = new Redactor();
  redactor.add('s3cret-token');
  const seen: string[] = [];
  const checks = new CheckList(redactor, (r) => seen.push(r.detail));
  checks.fail('darktrace.signature', 'token s3cret-token refused via http://u:pw@proxy:3128', 'use another than s3cret-token', EXIT.auth);
  const [result] = checks.results;
  assert.equal(result?.detail, 'token [REDACTED] refused via http://u:[REDACTED]@proxy:3128');
  assert.equal(result?.fix, 'use another than [REDACTED]');
  assert.deepEqual(seen, [result?.detail]);
});

test('CheckList turns a thrown ConnectorError into a failure with its hint and exit code, and folds multi-line messages', async () => {
  const checks = new CheckList(new Redactor());
  const passed = await checks.attempt('config', async () => {
    throw new ConnectorError('E_X', 'Two problems:\n  - a is missing\n  - b is invalid', { exitCode: EXIT.usage, hint: 'Fix a and b' });
  });
  assert.equal(passed, false);
  assert.deepEqual(checks.results[0], { check: 'config', status: 'fail', detail: 'Two problems: a is missing; b is invalid', fix: 'Fix a and b', exitCode: EXIT.usage });
});

test('text lines are aligned in columns with the fix on the next line; json has exactly check, status, detail, fix', () => {
  const checks = new CheckList(new Redactor());
  checks.ok('darktrace.signature', 'Darktrace 6.1.23 accepted the API tokens');
  checks.warn('darktrace.tls', 'verification disabled (-ds)', 'Set the CA file');
  assert.equal(renderResultLine(checks.results[0]!), 'ok    darktrace.signature     Darktrace 6.1.23 accepted the API tokens\n');
  assert.equal(renderResultLine(checks.results[1]!), 'warn  darktrace.tls           verification disabled (-ds)\n      fix: Set the CA file\n');
  assert.match(renderSummary(checks.results, 0), /1 ok, 1 warning, 0 failed, 0 skipped: ready/);
  assert.deepEqual(JSON.parse(renderJson(checks.results)), [
    { check: 'darktrace.signature', status: 'ok', detail: 'Darktrace 6.1.23 accepted the API tokens', fix: null },
    { check: 'darktrace.tls', status: 'warn', detail: 'verification disabled (-ds)', fix: 'Set the CA file' },
  ]);
});
