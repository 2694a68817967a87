import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { openStateDb } from '../../src/state/openStateDb.ts';
import { createExportTables } from '../../src/export/exportTables.ts';

/** A fresh state database in a temporary directory, with the export's working tables; removed after the test. */
export function exportTablesDb(t: { after: (fn: () => void) => void }): Database.Database {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tqdt-export-tables-'));
  const state = openStateDb({ path: path.join(dir, 'state.db') });
  t.after(() => {
    state.close();
    rmSync(dir, { recursive: true, force: true });
  });
  createExportTables(state.sqlite);
  return state.sqlite;
}
