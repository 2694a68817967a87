import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runInProcess } from '../helpers/runInProcess.ts';

async function cli(args: string[], cwd: string) {
  const r = await runInProcess(args, { columns: 80, cwd });
  return { code: r.code, out: r.stdout, err: r.stderr };
}

test('a configuration change is recorded in history with key names, never values', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cfg-audit-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const secret = 'canary-Secret-Password-4242';
  const set = await cli(['configure', '-c', dir, '--set', `TQ_PASSWORD=${secret}`, '--set', 'threatq.host=tq.example'], dir);
  assert.equal(set.code, 0, set.err);
  const show = await cli(['configure', '-c', dir, '--show'], dir);
  assert.equal(show.code, 0);
  assert.ok(!show.out.includes(secret));
  const h = await cli(['history', '-c', dir, '--format', 'json'], dir);
  assert.equal(h.code, 0, h.err);
  const runs = JSON.parse(h.out).runs as Array<{ command: string; status: string; id: number }>;
  assert.deepEqual(runs.map((r) => [r.command, r.status]), [['configure', 'success']], '--show records nothing');
  const detail = await cli(['history', 'run', String(runs[0]!.id), '-c', dir, '--format', 'json'], dir);
  assert.deepEqual(JSON.parse(detail.out).options.keys, ['TQ_PASSWORD', 'threatq.host']);
  assert.ok(!detail.out.includes(secret) && !h.out.includes(secret));
});
