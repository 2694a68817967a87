/**
 * The state database schema (drizzle). Migrations in `migrations/` are generated from this file
 * with `npm run db:generate` and embedded into the executable (src/state/migrations.gen.ts).
 */
import { sqliteTable, integer, text, index } from 'drizzle-orm/sqlite-core';

/** One row per invocation: the audit spine that `history` reads. Never holds a secret. */
export const runs = sqliteTable(
  'runs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    startedAt: integer('started_at').notNull(),
    endedAt: integer('ended_at'),
    /** run, ingest, export, configure, doctor, demo, … */
    command: text('command').notNull(),
    /** running, success, partial, failed, interrupted */
    status: text('status').notNull(),
    exitCode: integer('exit_code'),
    /** Command-line options and effective settings with secrets removed (JSON). */
    optionsJson: text('options_json').notNull(),
    version: text('version').notNull(),
    /** 0 for `-d` exports (non-differential), 1 otherwise. */
    differential: integer('differential').notNull().default(1),
    /** Per-pipeline counts and request counts (JSON). */
    countsJson: text('counts_json').notNull().default('{}'),
    errorCode: text('error_code'),
    errorMessage: text('error_message'),
    pid: integer('pid').notNull(),
    hostname: text('hostname').notNull(),
  },
  (t) => [index('runs_started_at').on(t.startedAt), index('runs_command_status').on(t.command, t.status)],
);

/**
 * Who holds the run lock of this connector name. A single row (id = 1) written inside an
 * IMMEDIATE transaction, so check-and-take is atomic across processes.
 */
export const runLock = sqliteTable('run_lock', {
  id: integer('id').primaryKey(),
  pid: integer('pid').notNull(),
  hostname: text('hostname').notNull(),
  /** Kernel start time of the holder (from /proc), so a reused pid is not mistaken for the holder. */
  procStart: text('proc_start').notNull(),
  acquiredAt: integer('acquired_at').notNull(),
  runId: integer('run_id'),
  command: text('command').notNull(),
});

/** The ThreatQ token cache. The only place a token is stored; never copied to audit rows. */
export const tokenCache = sqliteTable('token_cache', {
  name: text('name').primaryKey(),
  accessToken: text('access_token').notNull(),
  refreshToken: text('refresh_token').notNull(),
  expiresAt: integer('expires_at').notNull(),
  /** Hash of host + client id + user: a token of another account is never reused. */
  identity: text('identity').notNull(),
});

/** Small named values: checkpoints, watermarks. */
export const meta = sqliteTable('meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: integer('updated_at').notNull(),
});
