/**
 * The state database schema (drizzle). Migrations in `migrations/` are generated from this file
 * with `npm run db:generate` and embedded into the executable (src/state/migrations.gen.ts).
 */
import { sqliteTable, integer, text, index, primaryKey } from 'drizzle-orm/sqlite-core';

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
  (t) => [
    index('runs_started_at').on(t.startedAt),
    index('runs_command_status').on(t.command, t.status),
    // `history last-success` and `history --status`: newest runs of a status first, no sort.
    index('runs_status_started_at').on(t.status, t.startedAt),
  ],
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

/**
 * Ingest ledger: one row per Darktrace alert. `state` is 'creating' from just before the
 * ThreatQ write until its event id is committed here; a row found in 'creating' after a crash
 * is resolved by looking the event up by its stored title before anything is created again.
 */
export const alertLedger = sqliteTable(
  'alert_ledger',
  {
    /** 'model_breach' | 'ai_analyst' */
    kind: text('kind').notNull(),
    darktraceId: text('darktrace_id').notNull(),
    contentHash: text('content_hash').notNull(),
    /** 'creating' | 'synced' | 'updating' */
    state: text('state').notNull(),
    title: text('title').notNull(),
    threatqEventId: integer('threatq_event_id'),
    alertTime: integer('alert_time').notNull(),
    firstRunId: integer('first_run_id').notNull(),
    lastRunId: integer('last_run_id').notNull(),
    firstSyncedAt: integer('first_synced_at'),
    lastSyncedAt: integer('last_synced_at'),
  },
  (t) => [
    primaryKey({ columns: [t.kind, t.darktraceId] }),
    // Only `unfinished()` reads by state. No query reads by event id or title: their indexes
    // (dropped in 0003) cost a first ingest of 55,000 alerts about 1.7 s of ledger writes, the
    // title index taking a random page per alert.
    index('alert_ledger_state').on(t.state),
  ],
);

/** What each run did to each alert (created, updated, adopted after a crash): `history alert`. */
export const alertActions = sqliteTable(
  'alert_actions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    runId: integer('run_id').notNull(),
    kind: text('kind').notNull(),
    darktraceId: text('darktrace_id').notNull(),
    action: text('action').notNull(),
    threatqEventId: integer('threatq_event_id'),
    at: integer('at').notNull(),
    detailJson: text('detail_json'),
  },
  (t) => [index('alert_actions_alert').on(t.kind, t.darktraceId), index('alert_actions_run').on(t.runId)],
);

/** Alerts that could not be mapped: kept aside with the reason, one row per alert. */
export const quarantine = sqliteTable(
  'quarantine',
  {
    kind: text('kind').notNull(),
    /** The Darktrace id, or a content hash when the record had no usable id. */
    darktraceId: text('darktrace_id').notNull(),
    reason: text('reason').notNull(),
    excerpt: text('excerpt').notNull(),
    firstRunId: integer('first_run_id').notNull(),
    lastRunId: integer('last_run_id').notNull(),
    firstSeenAt: integer('first_seen_at').notNull(),
    lastSeenAt: integer('last_seen_at').notNull(),
    /** Set when a later run mapped the alert after all. */
    resolvedAt: integer('resolved_at'),
  },
  (t) => [
    primaryKey({ columns: [t.kind, t.darktraceId] }),
    index('quarantine_last_seen').on(t.lastSeenAt),
    // `history run ID`: what a run quarantined first or saw last.
    index('quarantine_first_run').on(t.firstRunId),
    index('quarantine_last_run').on(t.lastRunId),
  ],
);

/** Devices written to ThreatQ (indicators + asset), so an unchanged device is not written again. */
export const deviceLedger = sqliteTable('device_ledger', {
  deviceKey: text('device_key').primaryKey(),
  contentHash: text('content_hash').notNull(),
  indicatorIdsJson: text('indicator_ids_json').notNull(),
  assetId: integer('asset_id'),
  lastRunId: integer('last_run_id').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

/**
 * Export ledger: one row per intel-feed entry this connector manages under its source label.
 * 'adding'/'removing' mark a batch sent but not yet confirmed; the next run re-sends it
 * (adds and removes are idempotent in Darktrace).
 */
export const exportLedger = sqliteTable(
  'export_ledger',
  {
    value: text('value').primaryKey(),
    /** 'adding' | 'present' | 'removing' | 'removed' */
    state: text('state').notNull(),
    /** Sorted JSON array of collection names that wanted it at the last push. */
    collectionsJson: text('collections_json').notNull(),
    /** Expiry sent to Darktrace (ms), null = never expires. */
    expiresAt: integer('expires_at'),
    firstAddedAt: integer('first_added_at'),
    lastPushedAt: integer('last_pushed_at'),
    removedAt: integer('removed_at'),
    firstRunId: integer('first_run_id').notNull(),
    lastRunId: integer('last_run_id').notNull(),
  },
  (t) => [index('export_ledger_state_expiry').on(t.state, t.expiresAt)],
);

/** Each add, refresh, restore and removal per entry and run: `history indicator`. */
export const exportActions = sqliteTable(
  'export_actions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    runId: integer('run_id').notNull(),
    value: text('value').notNull(),
    /** 'added' | 'refreshed' | 'restored' | 'removed' */
    action: text('action').notNull(),
    collectionsJson: text('collections_json').notNull(),
    expiresAt: integer('expires_at'),
    at: integer('at').notNull(),
  },
  (t) => [index('export_actions_value').on(t.value), index('export_actions_run').on(t.runId)],
);

/** Indicators not exported and why, one row per (raw value, reason). */
export const exportSkips = sqliteTable(
  'export_skips',
  {
    rawValue: text('raw_value').notNull(),
    reason: text('reason').notNull(),
    collectionsJson: text('collections_json').notNull(),
    indicatorType: text('indicator_type').notNull(),
    firstRunId: integer('first_run_id').notNull(),
    lastRunId: integer('last_run_id').notNull(),
    firstSeenAt: integer('first_seen_at').notNull(),
    lastSeenAt: integer('last_seen_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.rawValue, t.reason] }),
    index('export_skips_last_seen').on(t.lastSeenAt),
    // `history run ID`: what a run skipped first or saw last.
    index('export_skips_first_run').on(t.firstRunId),
    index('export_skips_last_run').on(t.lastRunId),
  ],
);
