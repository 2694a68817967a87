/**
 * The history benchmark on its own (what `npm run bench -- --only history` runs, without the
 * export and ingest databases): every history query on a synthetic database of a million ledger
 * rows (--quick: 100,000), in-process and through the built executable, then prune.
 *
 *   node --import tsx bench/history.ts [--quick] [--explain] [--keep]
 *
 * --explain prints SQLite's query plan of every statement history runs (a SCAN of a big table
 * is a missing index). --keep leaves the work directory (and the database) in place.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { stateDbPath } from '../src/state/openStateDb.ts';
import { historyBench } from './historyBench.ts';
import { explainHistory } from './lib/explainHistory.ts';
import { consoleTable } from './lib/formatRows.ts';
import { ensureSyntheticHistoryDb } from './lib/syntheticHistoryDb.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const workDir = mkdtempSync(path.join(os.tmpdir(), 'tqdt-bench-history-'));
const log = (line: string) => console.log(line);
try {
  if (args.includes('--explain')) {
    const syn = ensureSyntheticHistoryDb(workDir, quick ? 100_000 : 1_000_000, log);
    const db = new Database(stateDbPath(syn.configDir, syn.name), { readonly: true });
    try {
      for (const p of explainHistory(db, syn.picks)) console.log(`${p.query.padEnd(12)} ${p.sql}\n${' '.repeat(13)}→ ${p.plan.join(' | ')}${p.scans.length ? '   <-- FULL SCAN' : ''}`);
    } finally {
      db.close();
    }
    console.log();
  }
  console.log(consoleTable(await historyBench({ quick, workDir, log })));
} finally {
  if (args.includes('--keep')) console.log(`Work dir kept: ${workDir}`);
  else rmSync(workDir, { recursive: true, force: true });
}
