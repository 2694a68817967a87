import type { PipelineContext, PipelineOutcome } from '../run/pipelineTypes.ts';
import { ChunkedWriter, createExportTables, dropExportTables } from './exportTables.ts';
import { ExportPlan, expiryFor, type PlanCounts, type PlannedEntry } from './exportPlan.ts';
import { ExportLedgerStore } from './exportLedgerStore.ts';
import { normaliseIndicator } from './normaliseIndicator.ts';
import { renderPlan } from './renderPlan.ts';

export interface ExportOptions {
  /** false with -d: push the whole desired set, remove nothing, leave the ledger untouched. */
  differential: boolean;
  /** Print the plan and write nothing anywhere. */
  dryRun: boolean;
  planFormat: 'text' | 'json';
  out: (text: string) => void;
  /** Entries per `addlist` request. @default 1000 */
  batchSize?: number;
  /** Parallel `removeentry` requests (the API removes one entry per call). @default 8 */
  removeConcurrency?: number;
}

export interface ExportCounts extends PlanCounts {
  differential: boolean;
  collections: Record<string, number>;
  added: number;
  restored: number;
  refreshed: number;
  removed: number;
  lapsed: number;
  adopted: number;
  pushed: number;
  failed: number;
}

export const EXPORT_DESCRIPTION = 'Exported from ThreatQ by tq-conn-darktrace';

/**
 * ThreatQ collections into Darktrace's intel feed, keeping this connector's source label
 * exactly equal to what the collections say: build the desired set (streamed into SQLite),
 * read back what Darktrace holds under our source, plan in SQL, then apply in batches —
 * each batch recorded in the ledger only after Darktrace accepted it.
 */
export async function runExport(ctx: PipelineContext, o: ExportOptions): Promise<PipelineOutcome> {
  const { config, threatq, darktrace, logger, clock } = ctx;
  const sqlite = ctx.state.sqlite;
  const source = config.export.sourceName;
  const batchSize = o.batchSize ?? 1000;
  createExportTables(sqlite);
  try {
    // 1. Collections by exact name (an unknown one fails here, before anything is written).
    const searches = [];
    for (const name of config.export.collections) searches.push(await threatq.findCollection(name));

    // 2. The desired set, normalised, with skips and their reasons.
    const member = new ChunkedWriter<[string, string]>(sqlite, sqlite.prepare('INSERT OR IGNORE INTO temp.members (value, collection) VALUES (?, ?)'));
    const skipRows = new Map<string, { type: string; collections: Set<string> }>();
    const perCollection: Record<string, number> = {};
    for (const search of searches) {
      let n = 0;
      for await (const ind of threatq.collectionIndicators(search)) {
        if (ctx.signal.aborted) break;
        n++;
        const r = normaliseIndicator(ind.typeName, ind.value);
        if (r.ok) member.push(r.value, search.name);
        else if (!r.reason.startsWith('indicator type')) {
          const key = `${ind.value}\u0000${r.reason}`;
          const s = skipRows.get(key) ?? { type: ind.typeName, collections: new Set<string>() };
          s.collections.add(search.name);
          skipRows.set(key, s);
        }
        if (n % 5000 === 0) ctx.progress.update(`Export: reading ${search.name}`, n);
      }
      perCollection[search.name] = n;
      logger.info('export.collection', `Read ${n} indicators from collection '${search.name}'`, { collection: search.name, indicators: n });
    }
    member.flush();
    if (ctx.signal.aborted) return interrupted();
    sqlite.exec(`INSERT INTO temp.desired (value, collections)
                 SELECT value, json_group_array(collection) FROM (SELECT value, collection FROM temp.members ORDER BY value, collection) GROUP BY value`);
    const skipWriter = new ChunkedWriter<[string, string, string, string]>(sqlite, sqlite.prepare('INSERT OR REPLACE INTO temp.skips (raw_value, reason, type, collections) VALUES (?, ?, ?, ?)'));
    for (const [key, s] of skipRows) {
      const [raw, reason] = key.split('\u0000') as [string, string];
      skipWriter.push(raw.slice(0, 1000), reason, s.type, JSON.stringify([...s.collections].sort()));
    }
    skipWriter.flush();
    skipRows.clear();

    // 3. What Darktrace holds under our source (entries deleted by hand or lapsed are missing here).
    const feed = await darktrace.intelFeedDetails({ source });
    const feedWriter = new ChunkedWriter<[string, number | null]>(sqlite, sqlite.prepare('INSERT OR REPLACE INTO temp.feed (value, expires_at) VALUES (?, ?)'));
    for (const e of feed.records) feedWriter.push(e.name, e.expiresAt);
    feedWriter.flush();
    if (feed.rejects.length) logger.warn('export.feed_rejects', `${feed.rejects.length} intel-feed entries of source '${source}' could not be read and are left alone`);

    const now = clock.now();
    const settings = { now, expirationDays: config.export.expirationDays };
    const plan = new ExportPlan(sqlite, settings, batchSize);
    const planned = plan.counts();
    const counts: ExportCounts = {
      ...planned,
      differential: o.differential,
      collections: perCollection,
      added: 0,
      restored: 0,
      refreshed: 0,
      removed: 0,
      lapsed: 0,
      adopted: 0,
      pushed: 0,
      failed: 0,
    };

    if (o.dryRun) {
      renderPlan(plan, planned, { differential: o.differential, format: o.planFormat, source, expiresAt: expiryFor(settings), out: o.out });
      return { counts: { ...counts, dryRun: true }, partial: false, summary: '' };
    }

    const ledger = new ExportLedgerStore(sqlite);
    const expiresAt = expiryFor(settings);
    const push = async (entries: Array<PlannedEntry & { action: 'added' | 'restored' | 'refreshed' }>, record: boolean) => {
      await darktrace.addIntelFeedEntries({ source, entries: entries.map((e) => e.value), description: EXPORT_DESCRIPTION, expiresAt });
      if (record) ledger.pushed(entries, expiresAt, ctx.runId, clock.now());
    };

    if (!o.differential) {
      // -d: the whole desired set, nothing removed, the ledger left exactly as it was.
      for (const batch of plan.all()) {
        if (ctx.signal.aborted) break;
        await push(batch.map((e) => ({ ...e, action: 'added' as const })), false);
        counts.pushed += batch.length;
        ctx.progress.update('Export (-d): pushing', counts.pushed, planned.desired);
      }
    } else {
      ledger.recordSkips(ctx.runId, now);
      counts.adopted = ledger.adoptPresent(ctx.runId, now);
      counts.lapsed = ledger.lapsed(ctx.runId, now);
      const total = planned.add + planned.restore + planned.refresh + planned.remove;
      let done = 0;
      for (const batch of plan.adds()) {
        if (ctx.signal.aborted) break;
        await push(batch.map((e) => ({ ...e, action: e.restore ? ('restored' as const) : ('added' as const) })), true);
        for (const e of batch) e.restore ? counts.restored++ : counts.added++;
        done += batch.length;
        ctx.progress.update('Export: adding', done, total);
        ctx.saveProgress({ export: counts });
      }
      for (const batch of plan.refreshes()) {
        if (ctx.signal.aborted) break;
        await push(batch.map((e) => ({ ...e, action: 'refreshed' as const })), true);
        counts.refreshed += batch.length;
        done += batch.length;
        ctx.progress.update('Export: refreshing expiry', done, total);
        ctx.saveProgress({ export: counts });
      }
      // Removals: one entry per request (the API has no list form); only under our own source.
      for (const batch of plan.removes(200)) {
        if (ctx.signal.aborted) break;
        const ok: PlannedEntry[] = [];
        await forEachLimited(batch, o.removeConcurrency ?? 8, async (e) => {
          try {
            await darktrace.removeIntelFeedEntry({ source, entry: e.value });
            ok.push(e);
          } catch (error) {
            counts.failed++;
            logger.error('export.remove_failed', `Could not remove '${e.value}' from source '${source}': ${(error as Error).message}`, { value: e.value });
            if (counts.failed > 50) throw error;
          }
        });
        ledger.removed(ok, ctx.runId, clock.now());
        counts.removed += ok.length;
        done += batch.length;
        ctx.progress.update('Export: removing', done, total);
        ctx.saveProgress({ export: counts });
      }
    }
    ctx.progress.done();
    if (ctx.signal.aborted) return interrupted(counts);
    const summary = o.differential
      ? `Export: ${counts.desired} wanted from ${config.export.collections.length} collection(s); added ${counts.added}, restored ${counts.restored}, refreshed ${counts.refreshed}, removed ${counts.removed}, unchanged ${counts.unchanged}, skipped ${counts.skipped}${counts.failed ? `, failed ${counts.failed}` : ''}`
      : `Export (-d, non-differential): pushed ${counts.pushed} of ${counts.desired} wanted entries; nothing removed, ledger unchanged; skipped ${counts.skipped}`;
    logger.info('export.done', summary, { ...counts, collections: undefined });
    return { counts: { ...counts }, partial: counts.failed > 0, summary };
  } finally {
    dropExportTables(sqlite);
  }

  function interrupted(counts?: ExportCounts): PipelineOutcome {
    return { counts: { ...(counts ?? {}), interrupted: true }, partial: true, summary: 'Export: interrupted; the next run continues where this one stopped' };
  }
}

async function forEachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}
