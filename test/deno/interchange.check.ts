/**
 * State databases are interchangeable between the Node build (better-sqlite3) and the Deno run
 * (node:sqlite): a run under one runtime continues the other's ledger without writing anything
 * twice, both read the same history, and an older database is upgraded by either. Deno runs
 * with the permissions docs/deno.md gives. Run by test/deno/run.sh.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { historyPermissions, ROOT, runConnector, runPermissions, runScript, type Runtime } from './denoCommand.ts';
import { startSite } from './site.ts';

const STEP = path.join(ROOT, 'test/deno/stateDbStep.ts');

interface RunRow {
  id: number;
  status: string;
  counts: { ingest?: { created: number; updated: number; unchanged: number }; export?: { add: number; unchanged: number } };
}

for (const [first, second] of [
  ['node', 'deno'],
  ['deno', 'node'],
] as const) {
  test(`a ${first} run's database is continued by a ${second} run: nothing written twice, one history for both`, async (t) => {
    const { sims, dir, env, caFiles, hosts: h } = await startSite(t, `interchange-${first}`);
    const hosts = [h.threatq, h.darktrace];
    const cli = (runtime: Runtime, args: string[], permissions: string[]) => runConnector(runtime, ['-c', dir, ...args], { env, permissions, cwd: dir });
    const history = async (runtime: Runtime) => {
      const r = await cli(runtime, ['history', '--format', 'json'], historyPermissions(dir));
      assert.equal(r.code, 0, r.stderr);
      return (JSON.parse(r.stdout) as { runs: RunRow[] }).runs;
    };

    const one = await cli(first, ['run'], runPermissions({ configDir: dir, caFiles, hosts }));
    assert.equal(one.code, 0, one.stderr);
    const events = sims.threatq.sim.store.listEvents().length;
    const feed = sims.darktrace.sim.intelFeedEntries('ThreatQ').length;
    assert.ok(events > 0 && feed > 0, `first run wrote ${events} events and ${feed} feed entries`);

    const two = await cli(second, ['run'], runPermissions({ configDir: dir, caFiles, hosts }));
    assert.equal(two.code, 0, two.stderr);
    assert.equal(sims.threatq.sim.store.listEvents().length, events, 'no event created twice');
    assert.equal(sims.darktrace.sim.intelFeedEntries('ThreatQ').length, feed);

    const runs = await history(second);
    assert.deepEqual(runs.map((r) => [r.id, r.status]), [
      [2, 'success'],
      [1, 'success'],
    ]);
    const [latest, earliest] = runs as [RunRow, RunRow];
    assert.equal(latest.counts.ingest?.created, 0);
    assert.equal(latest.counts.ingest?.updated, 0);
    assert.ok((latest.counts.ingest?.unchanged ?? 0) > 0);
    assert.equal(latest.counts.export?.add, 0);
    assert.equal(latest.counts.export?.unchanged, feed);
    assert.equal(earliest.counts.ingest?.created, events);
    assert.deepEqual(await history(first), runs, 'both runtimes read the same history');
  });

  test(`an older database made under ${first} is upgraded under ${second}, and read back under ${first}`, async (t) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), `tqdt-upgrade-${first}-`));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'state.db');
    const permissions = ['--allow-env', '--allow-sys=uid', `--allow-read=${dir}`, `--allow-write=${dir}`];
    const step = async (runtime: Runtime, op: string) => {
      const r = await runScript(runtime, STEP, [op, file], { permissions });
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout) as Record<string, unknown>;
    };
    const drivers = { node: 'better-sqlite3', deno: 'node:sqlite' };
    assert.deepEqual(await step(first, 'old'), { driver: drivers[first], applied: 1 });
    assert.deepEqual(await step(second, 'readonly'), { driver: drivers[second], error: 'E_STATE_OLD_SCHEMA' });
    const opened = await step(second, 'open');
    assert.equal(opened['driver'], drivers[second]);
    assert.equal(opened['migrated'], (opened['total'] as number) - 1);
    assert.equal(opened['migrationCount'], opened['total']);
    const reread = await step(first, 'readonly');
    assert.deepEqual(reread, { ...opened, driver: drivers[first], migrated: 0 });
    assert.deepEqual(await step(first, 'open'), { ...reread });
  });
}
