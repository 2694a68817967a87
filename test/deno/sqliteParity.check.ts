/**
 * The node:sqlite shim behaves like better-sqlite3: the same battery of operations
 * (sqliteParity.ts) under Node and under Deno gives the same results. Run by test/deno/run.sh.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ROOT, runScript, type Runtime } from './denoCommand.ts';

const SCRIPT = path.join(ROOT, 'test/deno/sqliteParity.ts');

/** Messages that only differ in the detail node:sqlite adds (the SQL and offset, the file). */
function normalise(json: string, dir: string): unknown {
  return JSON.parse(
    json
      .split(dir)
      .join('<dir>')
      .replace(/ in [^"]*? at offset \d+"/g, '"')
      .replace(/unable to open database file: <dir>\/[^"]*"/g, 'unable to open database file"'),
  );
}

test('better-sqlite3 under Node and node:sqlite under Deno answer every operation the same way', async (t) => {
  const results: Record<Runtime, { driver: string; results: Record<string, unknown> }> = {} as never;
  for (const runtime of ['node', 'deno'] as const) {
    const dir = mkdtempSync(path.join(os.tmpdir(), `tqdt-parity-${runtime}-`));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const r = await runScript(runtime, SCRIPT, [dir], { permissions: [`--allow-read=${dir}`, `--allow-write=${dir}`, '--allow-env'] });
    assert.equal(r.code, 0, r.stderr);
    results[runtime] = normalise(r.stdout, dir) as (typeof results)[Runtime];
  }
  assert.equal(results.node.driver, 'better-sqlite3');
  assert.equal(results.deno.driver, 'node:sqlite');
  assert.ok(Object.keys(results.node.results).length >= 30);
  for (const name of Object.keys(results.node.results)) {
    assert.deepEqual(results.deno.results[name], results.node.results[name], `'${name}' differs`);
  }
  assert.deepEqual(Object.keys(results.deno.results), Object.keys(results.node.results));
});
