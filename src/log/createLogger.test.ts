import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from './createLogger.ts';
import { Redactor } from './redactor.ts';
import { fixedClock } from '../clock.ts';
import { ConnectorError } from '../errors.ts';

const CANARIES = {
  password: 'canary-PASSWORD-7f3a',
  privateToken: 'canary-PRIVATE-TOKEN-91bc',
  accessToken: 'canary-ACCESS-TOKEN-55de',
  refreshToken: 'canary-REFRESH-TOKEN-0a1b',
  proxyPassword: 'canary-PROXY-PASS-c0de',
};

function redactorWithCanaries(): Redactor {
  const r = new Redactor();
  for (const v of Object.values(CANARIES)) r.add(v);
  return r;
}

test('canary secrets never appear at any level, in messages, fields, nested values or URLs', () => {
  for (const format of ['text', 'json'] as const) {
    for (const verbosity of [1, 2, 3] as const) {
      const lines: string[] = [];
      const log = createLogger({ location: 'stdout', name: 'x', verbosity, format, redactor: redactorWithCanaries(), console: (l) => lines.push(l) });
      const child = log.child({ run: 7, token: CANARIES.accessToken });
      for (const level of ['debug', 'info', 'warn', 'error'] as const) {
        child[level]('test.canary', `login as admin with ${CANARIES.password} and ${encodeURIComponent(CANARIES.privateToken)}`, {
          password: CANARIES.password,
          nested: { deep: [`Bearer ${CANARIES.accessToken}`, { refresh_token: CANARIES.refreshToken }] },
          url: `http://user:${CANARIES.proxyPassword}@proxy:3128/`,
          query: `/api/token?grant_type=refresh_token&refresh_token=${CANARIES.refreshToken}`,
          error: new Error(`failed with ${CANARIES.privateToken}`),
        });
      }
      const all = lines.join('\n');
      assert.ok(lines.length > 0);
      for (const [name, value] of Object.entries(CANARIES)) assert.ok(!all.includes(value), `${name} leaked at -v${verbosity} (${format})`);
      assert.ok(all.includes('[REDACTED]'));
    }
  }
});

test('verbosity 1/2/3 shows warnings/info/debug and above', () => {
  const levelsAt = (verbosity: 1 | 2 | 3) => {
    const lines: string[] = [];
    const log = createLogger({ location: 'stdout', name: 'x', verbosity, format: 'json', redactor: new Redactor(), console: (l) => lines.push(l) });
    log.debug('e', 'd');
    log.info('e', 'i');
    log.warn('e', 'w');
    log.error('e', 'x');
    return lines.map((l) => JSON.parse(l).level);
  };
  assert.deepEqual(levelsAt(1), ['warn', 'error']);
  assert.deepEqual(levelsAt(2), ['info', 'warn', 'error']);
  assert.deepEqual(levelsAt(3), ['debug', 'info', 'warn', 'error']);
});

test('-ll DIR appends to <DIR>/<name>.log in text form', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'logs-'));
  try {
    const clock = fixedClock(Date.UTC(2026, 10, 29, 6, 0, 0));
    for (let i = 0; i < 2; i++) {
      const log = createLogger({ location: dir, name: 'site-a', verbosity: 2, redactor: new Redactor(), clock });
      log.info('run.start', 'Run started', { run: i });
    }
    assert.equal(
      readFileSync(path.join(dir, 'site-a.log'), 'utf8'),
      '2026-11-29T06:00:00.000Z INFO  run.start Run started run=0\n2026-11-29T06:00:00.000Z INFO  run.start Run started run=1\n',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a missing or unwritable log directory is a clear usage error', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'logs-'));
  try {
    const make = (location: string) => () => createLogger({ location, name: 'x', verbosity: 1, redactor: new Redactor() });
    assert.throws(make(path.join(dir, 'missing')), (e: unknown) => ConnectorError.is(e) && e.exitCode === 2 && /does not exist/.test(e.message) && /mkdir -p/.test(e.hint ?? ''));
    // Not writable even for root: file creation in /proc fails.
    assert.throws(make('/proc/self'), (e: unknown) => ConnectorError.is(e) && e.exitCode === 2 && /proc\/self/.test(e.message));
    const file = path.join(dir, 'file');
    writeFileSync(file, '');
    assert.throws(make(file), /not a directory/);
  } finally {
    chmodSync(dir, 0o700);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a log file that cannot be written (disk full) warns once and keeps logging to the console', (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'log-full-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // /dev/full answers every write with ENOSPC.
  symlinkSync('/dev/full', path.join(dir, 'x.log'));
  const lines: string[] = [];
  const log = createLogger({ location: dir, name: 'x', verbosity: 2, redactor: new Redactor(), clock: fixedClock(0), console: (l) => lines.push(l) });
  log.info('a.one', 'first');
  log.warn('a.two', 'second');
  assert.equal(lines.length, 3, lines.join('\n'));
  assert.match(lines[0]!, new RegExp(`^Warning: cannot write the log file '${dir}/x\\.log' \\(the disk is full\\); logging to the console`));
  assert.match(lines[1]!, /INFO +a\.one first/);
  assert.match(lines[2]!, /WARN +a\.two second/);
});
