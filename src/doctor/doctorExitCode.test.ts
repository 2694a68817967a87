import assert from 'node:assert/strict';
import test from 'node:test';
import { EXIT } from '../errors.ts';
import type { CheckResult } from './checkList.ts';
import { doctorExitCode } from './doctorExitCode.ts';

const r = (status: CheckResult['status'], exitCode?: CheckResult['exitCode']): CheckResult => ({ check: 'x', status, detail: 'd', ...(exitCode === undefined ? {} : { exitCode }) });

test('doctorExitCode() is 0 with warnings, skips and infos but no failure', () => {
  assert.equal(doctorExitCode([r('ok'), r('warn'), r('skip'), r('info')]), EXIT.ok);
});

test('doctorExitCode() picks the most specific failure: configuration, then auth, then unreachable', () => {
  assert.equal(doctorExitCode([r('fail', EXIT.unavailable), r('fail', EXIT.auth), r('fail', EXIT.usage)]), EXIT.usage);
  assert.equal(doctorExitCode([r('fail', EXIT.unavailable), r('fail', EXIT.auth)]), EXIT.auth);
  assert.equal(doctorExitCode([r('warn'), r('fail', EXIT.unavailable)]), EXIT.unavailable);
});

test('doctorExitCode() reports an internal error only when nothing more specific failed', () => {
  assert.equal(doctorExitCode([r('fail', EXIT.internal), r('fail', EXIT.unavailable)]), EXIT.unavailable);
  assert.equal(doctorExitCode([r('fail')]), EXIT.internal);
});
