import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync, chmodSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { renderCronEntry, writeCronEntry } from './writeCronEntry.ts';

const base = {
  schedule: '0 */2 * * *',
  executable: '/opt/tq/tq-conn-darktrace',
  configDir: '/etc/tq_labs',
  logLocation: '/var/log/tq_labs',
  verbosity: 1 as const,
  name: 'tq-conn-darktrace',
  nameGiven: false,
};

test('the entry follows the original template, commented out', () => {
  assert.equal(
    renderCronEntry(base),
    `#0 */2 * * * root /bin/bash -c "source /etc/env-vars.sh; '/opt/tq/tq-conn-darktrace' --config='/etc/tq_labs' --loglocation='/var/log/tq_labs' -v1 > /proc/1/fd/1 2>/proc/1/fd/2"\n`,
  );
});

test('paths with spaces, quotes, $ and % reach the program unchanged through cron, sh and bash', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cron-quote-'));
  try {
    const weird = path.join(dir, `it's a "dir" $HOME %d \`x\``);
    const exe = path.join(dir, 'print args');
    writeFileSync(exe, '#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done > "$OUT"\n');
    chmodSync(exe, 0o755);
    const line = renderCronEntry({ ...base, executable: exe, configDir: weird, logLocation: weird, name: 'site b', nameGiven: true });
    // What cron does: drop the '#' to enable, take the command after the user field, turn \% into %.
    const command = line.replace(/^#/, '').split(' root ')[1]!.trimEnd().replace(/\\%/g, '%');
    const out = path.join(dir, 'out.txt');
    execFileSync('/bin/sh', ['-c', command.replace('source /etc/env-vars.sh;', 'true;').replace(' > /proc/1/fd/1 2>/proc/1/fd/2', '')], {
      env: { PATH: '/usr/bin:/bin', OUT: out, HOME: '/should-not-expand' },
    });
    assert.deepEqual(readFileSync(out, 'utf8').trimEnd().split('\n'), [`--config=${weird}`, `--loglocation=${weird}`, '-v1', '--name=site b']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('writes <cron dir>/<name> with mode 0644 and refuses a missing directory', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'crond-'));
  try {
    const file = writeCronEntry({ ...base, cronDir: dir, name: 'tq-conn-darktrace' });
    assert.equal(file, path.join(dir, 'tq-conn-darktrace'));
    assert.equal(statSync(file).mode & 0o777, 0o644);
    assert.match(readFileSync(file, 'utf8'), /^# Written by tq-conn-darktrace --cron.*\n#0 \*\/2 \* \* \* root /);
    assert.throws(() => writeCronEntry({ ...base, cronDir: path.join(dir, 'nope') }), /does not exist/);
    assert.throws(() => writeCronEntry({ ...base, cronDir: dir, schedule: '0 25 * * *' }), /hour 25/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('relative paths and newlines in paths are refused', () => {
  assert.throws(() => renderCronEntry({ ...base, configDir: 'etc' }), /not absolute/);
  assert.throws(() => renderCronEntry({ ...base, configDir: '/etc/a\nb' }), /newline/);
});
