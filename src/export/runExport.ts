import type { PipelineContext, PipelineOutcome } from '../run/pipelineTypes.ts';
import type { SavedSearch } from '../threatq/types.ts';
import { buildDesired, buildFeed, ChunkedWriter, createExportTables, dropExportTables, FeedWriter, MemberWriter } from './exportTables.ts';
import { ExportPlan, expiryFor, type PlanCounts, type PlannedEntry, type PlanRange, type PushPage } from './exportPlan.ts';
import { ExportLedgerStore } from './exportLedgerStore.ts';
import { normaliseIndicator } from './normaliseIndicator.ts';
import { pipelined } from './pipelined.ts';
import { PhaseTimer } from '../run/phaseTimer.ts';
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
  /** `addlist` requests in flight at once. @default 2 */
  pushDepth?: number;
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

/** Collections whose pages are read at the same time. */
const COLLECTIONS_AT_ONCE = 3;

/** At most one ledger commit per this long while adding (see `record` in runExport). */
const RECORD_EVERY_MS = 1000;

/** Thrown into the intel-feed listing to stop it when the collections failed or the run was stopped. */
class ReadStopped extends Error {}

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
  const phases = new PhaseTimer(clock);
  try {
    // 1. Collections by exact name (an unknown one fails here, before anything is written).
    const searches: SavedSearch[] = [];
    for (const name of config.export.collections) searches.push(await threatq.findCollection(name));

    // 2. The desired set (normalised, with skips and their reasons) and 3. what Darktrace holds
    //    under our source (entries deleted by hand or lapsed are missing there), both streamed into
    //    SQLite. They do not depend on each other, so they are read at the same time: each
    //    appliance works on its answer while the other's is being filed.
    const members = new MemberWriter(sqlite);
    const skipMember = new ChunkedWriter<[string, string, string, string]>(sqlite, sqlite.prepare('INSERT OR IGNORE INTO temp.skip_members (raw_value, reason, type, collection) VALUES (?, ?, ?, ?)'));
    const feedWriter = new FeedWriter(sqlite);
    const perCollection: Record<string, number> = {};
    for (const search of searches) perCollection[search.name] = 0;
    let read = 0;
    // The first failure on either side ends the reading at once; whatever the other side still
    // receives is dropped unread (every write below checks `stopped()` in the same synchronous step),
    // and its request is cut when the run closes its connections.
    let failure: { error: unknown } | undefined;
    const stopped = () => failure !== undefined || ctx.signal.aborted;
    let wake: () => void = () => undefined;
    const stoppedEarly = new Promise<void>((resolve) => (wake = resolve));
    const failFirst = (error: unknown) => {
      failure ??= { error };
      wake();
    };
    const onAbort = () => wake();
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    if (ctx.signal.aborted) wake();
    const readOne = async (search: SavedSearch) => {
      try {
        for await (const page of threatq.collectionPages(search)) {
          if (stopped()) break;
          const values: string[] = [];
          for (const ind of page) {
            const r = normaliseIndicator(ind.typeName, ind.value);
            if (r.ok) values.push(r.value);
            else if (!r.reason.startsWith('indicator type')) skipMember.push(ind.value.slice(0, 1000), r.reason, ind.typeName, search.name);
          }
          members.page(values, search.name);
          perCollection[search.name] = (perCollection[search.name] ?? 0) + page.length;
          read += page.length;
          ctx.progress.update('Export: reading collections', read);
        }
      } catch (error) {
        // At once, so that the other walks and the read-back stop at their next page.
        failFirst(error);
        throw error;
      }
      if (stopped()) return;
      const n = perCollection[search.name] ?? 0;
      logger.info('export.collection', `Read ${n} indicators from collection '${search.name}'`, { collection: search.name, indicators: n });
    };
    // The collections are read side by side too, at most three at once however many are
    // configured: a cursor walk is a chain of round trips, and with three chains ThreatQ always has
    // a page to assemble while the connector files the others; each is a query the appliance runs.
    const collectionsRead = pipelined(searches, COLLECTIONS_AT_ONCE, stopped, readOne).catch(failFirst);
    const feedRead = darktrace
      .readIntelFeedDetails(
        { source },
        {
          entries: (batch) => {
            if (stopped()) throw new ReadStopped();
            for (const e of batch) feedWriter.push(e.name, e.expiresAt);
          },
          restart: () => {
            if (stopped()) throw new ReadStopped();
            feedWriter.discard();
            sqlite.exec('DELETE FROM temp.feed_in');
          },
        },
      )
      .catch((error: unknown) => {
        if (!(error instanceof ReadStopped)) failFirst(error);
        return undefined;
      });
    const both = Promise.all([collectionsRead, feedRead]);
    await Promise.race([both, stoppedEarly]);
    ctx.signal.removeEventListener('abort', onAbort);
    if (failure) throw failure.error;
    if (ctx.signal.aborted) return interrupted();
    const [, feed] = await both;
    if (ctx.signal.aborted || feed === undefined) return interrupted();
    skipMember.flush();
    feedWriter.flush();
    phases.end('read collections and intel feed');
    buildDesired(sqlite);
    sqlite.exec(`INSERT INTO temp.skips (raw_value, reason, type, collections)
                 SELECT raw_value, reason, min(type), json_group_array(collection)
                 FROM (SELECT raw_value, reason, type, collection FROM temp.skip_members ORDER BY raw_value, reason, collection) GROUP BY raw_value, reason`);
    sqlite.exec('DELETE FROM temp.skip_members');
    buildFeed(sqlite);
    phases.end('build desired set and feed');
    if (feed.rejects) logger.warn('export.feed_rejects', `${feed.rejects} intel-feed entries of source '${source}' could not be read and are left alone`);

    const now = clock.now();
    const settings = { now, expirationDays: config.export.expirationDays };
    const plan = new ExportPlan(sqlite, settings, batchSize);
    const { counts: planned, adopt, lapse } = plan.tally();
    phases.end('plan');
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
      logTimings();
      renderPlan(plan, planned, { differential: o.differential, format: o.planFormat, source, expiresAt: expiryFor(settings), out: o.out });
      return { counts: { ...counts, dryRun: true }, partial: false, summary: '' };
    }

    const ledger = new ExportLedgerStore(sqlite);
    const expiresAt = expiryFor(settings);
    // Accepted batches reach the ledger (and the run's progress) in one commit per second at
    // most: each commit is an fsync, and a million entries are a thousand batches. A kill in
    // between leaves Darktrace ahead of the ledger, which the next run's read-back adopts.
    // Pages follow each other in value order, so what was accepted since the last commit is
    // one range per list, recorded in SQL.
    const unrecorded: Array<{ range: PlanRange; entries: number }> = [];
    let recordedAt = clock.now();
    const record = (force: boolean) => {
      if (!force && clock.now() - recordedAt < RECORD_EVERY_MS) return;
      // The ranges and the run's counts in one commit (one fsync).
      sqlite.transaction(() => {
        for (const u of unrecorded) {
          const n = ledger.pushedRange(plan.rangeSource(u.range), u.range.list === 'adds' ? 'added' : 'refreshed', expiresAt, ctx.runId, clock.now());
          if (n !== u.entries) {
            // Cannot happen while the working tables stay as planned; the next run's read-back adopts what is missing.
            logger.error('export.ledger_mismatch', `Recorded ${n} ledger rows for ${u.entries} accepted ${u.range.list}`, { list: u.range.list, recorded: n, accepted: u.entries });
          }
        }
        ctx.saveProgress({ export: counts });
      })();
      unrecorded.length = 0;
      recordedAt = clock.now();
    };
    const push = async (page: PushPage) => {
      await darktrace.addIntelFeedEntries({ source, entries: page.values, description: EXPORT_DESCRIPTION, expiresAt });
      const last = unrecorded[unrecorded.length - 1];
      if (last && last.range.list === page.range.list && last.range.upTo === page.range.after) {
        last.range = { ...last.range, upTo: page.range.upTo };
        last.entries += page.values.length;
      } else unrecorded.push({ range: page.range, entries: page.values.length });
    };

    // Two batches in flight: Darktrace takes in one while the connector records the previous
    // one and reads the next from SQLite, instead of each side waiting for the other.
    const depth = o.pushDepth ?? 2;
    const stop = () => ctx.signal.aborted;
    if (!o.differential) {
      // -d: the whole desired set, nothing removed, the ledger left exactly as it was.
      await pipelined(plan.all(), depth, stop, async (batch) => {
        await darktrace.addIntelFeedEntries({ source, entries: batch.map((e) => e.value), description: EXPORT_DESCRIPTION, expiresAt });
        counts.pushed += batch.length;
        ctx.progress.update('Export (-d): pushing', counts.pushed, planned.desired);
      });
    } else {
      ledger.recordSkips(ctx.runId, now);
      // Each is a join over every wanted or recorded entry; the tally says whether it finds anything.
      if (adopt > 0) counts.adopted = ledger.adoptPresent(ctx.runId, now);
      if (lapse > 0) counts.lapsed = ledger.lapsed(ctx.runId, now);
      phases.end('ledger housekeeping');
      const total = planned.add + planned.restore + planned.refresh + planned.remove;
      let done = 0;
      try {
        // An empty list costs a scan of every wanted entry to find out; the counts already know.
        const none: PushPage[] = [];
        await pipelined(planned.add + planned.restore > 0 ? plan.pushPages('adds') : none, depth, stop, async (page) => {
          await push(page);
          counts.restored += page.restores;
          counts.added += page.values.length - page.restores;
          done += page.values.length;
          ctx.progress.update('Export: adding', done, total);
          record(false);
        });
        await pipelined(planned.refresh > 0 ? plan.pushPages('refreshes') : none, depth, stop, async (page) => {
          await push(page);
          counts.refreshed += page.values.length;
          done += page.values.length;
          ctx.progress.update('Export: refreshing expiry', done, total);
          record(false);
        });
      } finally {
        // Also when a batch failed: what Darktrace accepted before it (or beside it) is recorded.
        record(true);
        phases.end('push');
      }
      // Removals: one entry per request (the API has no list form); only under our own source.
      for (const batch of planned.remove > 0 ? plan.removes(200) : []) {
        if (ctx.signal.aborted) break;
        const ok: PlannedEntry[] = [];
        await pipelined(batch, o.removeConcurrency ?? 8, () => false, async (e) => {
          try {
            await darktrace.removeIntelFeedEntry({ source, entry: e.value });
            ok.push(e);
          } catch (error) {
            counts.failed++;
            logger.error('export.remove_failed', `Could not remove '${e.value}' from source '${source}': ${(error as Error).message}`, { value: e.value });
            if (counts.failed > 50) throw error;
          }
        });
        counts.removed += ok.length;
        done += batch.length;
        sqlite.transaction(() => {
          ledger.removed(ok, ctx.runId, clock.now());
          ctx.saveProgress({ export: counts });
        })();
        ctx.progress.update('Export: removing', done, total);
      }
    }
    if (o.differential) phases.end('remove');
    else phases.end('push');
    ctx.progress.done();
    if (ctx.signal.aborted) return interrupted(counts);
    const summary = o.differential
      ? `Export: ${counts.desired} wanted from ${config.export.collections.length} collection(s); added ${counts.added}, restored ${counts.restored}, refreshed ${counts.refreshed}, removed ${counts.removed}, unchanged ${counts.unchanged}, skipped ${counts.skipped}${counts.failed ? `, failed ${counts.failed}` : ''}`
      : `Export (-d, non-differential): pushed ${counts.pushed} of ${counts.desired} wanted entries; nothing removed, ledger unchanged; skipped ${counts.skipped}`;
    logger.info('export.done', summary, { ...counts, collections: undefined });
    logTimings();
    return { counts: { ...counts }, partial: counts.failed > 0, summary };
  } finally {
    dropExportTables(sqlite);
  }

  /** Where the time went, for whoever wonders why a run took as long as it did (-v 2). */
  function logTimings(): void {
    const took = phases.times();
    logger.info('export.timings', `Export took: ${took.text}`, { phaseMs: took.ms });
  }

  function interrupted(counts?: ExportCounts): PipelineOutcome {
    return { counts: { ...(counts ?? {}), interrupted: true }, partial: true, summary: 'Export: interrupted; the next run continues where this one stopped' };
  }
}
