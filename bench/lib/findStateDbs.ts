/**
 * The connector state databases another benchmark left under a directory: every `<name>.db`
 * (any depth) that has a `runs` table, as the `-c` directory and `-n` name history needs.
 */
import Database from 'better-sqlite3';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

export interface FoundStateDb {
  configDir: string;
  name: string;
  file: string;
}

export function findStateDbs(root: string): FoundStateDb[] {
  if (!existsSync(root)) return [];
  const found: FoundStateDb[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && entry.name.endsWith('.db') && hasRunsTable(full)) found.push({ configDir: dir, name: entry.name.slice(0, -3), file: full });
    }
  };
  walk(root);
  return found;
}

function hasRunsTable(file: string): boolean {
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'runs'").get() !== undefined;
    } finally {
      db.close();
    }
  } catch {
    return false;
  }
}
