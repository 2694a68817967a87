export interface SelfCheckOptions {
  configDir: string;
  name: string;
  out: (line: string) => void;
}

/**
 * Hidden `self-check` command: proves the executable can open (creating and migrating if
 * needed) its state database and write to it, and prints one JSON line saying which SQLite and
 * which addon file it used. The test write happens inside a rolled-back savepoint, so the
 * database is left as it was.
 */
export async function selfCheck(options: SelfCheckOptions): Promise<void> {
  const { openStateDb, stateDbPath } = await import('../../state/openStateDb.ts');
  const { sqliteAddonFile } = await import('../../native/loadSqliteAddon.ts');
  const state = openStateDb({ path: stateDbPath(options.configDir, options.name) });
  try {
    const sqlite = state.sqlite;
    const version = (sqlite.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
    sqlite.exec('SAVEPOINT self_check');
    try {
      sqlite.exec('CREATE TABLE self_check_probe (x INTEGER)');
      sqlite.prepare('INSERT INTO self_check_probe (x) VALUES (?)').run(42);
      const row = sqlite.prepare('SELECT x FROM self_check_probe').get() as { x: number } | undefined;
      if (row?.x !== 42) throw new Error(`read back ${JSON.stringify(row)} instead of {"x":42}`);
    } finally {
      sqlite.exec('ROLLBACK TO self_check; RELEASE self_check');
    }
    options.out(
      JSON.stringify({ ok: true, sqlite: version, addon: sqliteAddonFile() ?? 'node_modules', migrations: state.migrationCount }),
    );
  } finally {
    state.close();
  }
}
