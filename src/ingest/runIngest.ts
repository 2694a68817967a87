import type { AiAnalystEvent, ModelBreach, ParseReject } from '../darktrace/types.ts';
import type { PipelineContext, PipelineOutcome } from '../run/pipelineTypes.ts';
import { modelAllowed } from '../config/modelFilter.ts';
import { AlertLedgerStore } from './alertLedgerStore.ts';
import { darktraceAlertSource, type AlertSource } from './alertSource.ts';
import { ingestWindow } from './ingestWindow.ts';
import { mapAiAnalystEvent, mapModelBreach, type MapResult } from './mapAlert.ts';
import type { AlertKind, MappedAlert } from './mappedAlert.ts';
import { DeviceLinks } from './deviceLinks.ts';
import { applyAttributes } from './applyAttributes.ts';
import { sliceWindow } from './sliceWindow.ts';
import { changedParts, type ChangedParts } from './contentHash.ts';
import { RelinkQueue } from './relinkQueue.ts';

export interface IngestOptions {
  historicalDays: number | undefined;
  /** Slice length for Darktrace queries; no single response covers more. @default 1 hour */
  sliceMs?: number;
  /** Events per ThreatQ consume call. @default 500 */
  batchSize?: number;
  /** For tests: a different alert source than the Darktrace client. */
  source?: AlertSource;
}

export interface IngestCounts {
  window: { start: string; end: string; reason: string };
  fetched: number;
  created: number;
  updated: number;
  unchanged: number;
  filtered: number;
  quarantined: number;
  recovered: number;
  failed: number;
  devices: number;
  indicators: number;
  assets: number;
}

const SOURCE = [{ name: 'Darktrace' }];
const PROGRESS_EVERY_MS = 2_000;
/**
 * One hour per Darktrace query: the API does not page, and a busy appliance's six hours of
 * breaches (thousands of records, megabytes of JSON) held twice over while parsed made the
 * process's memory grow with the alert rate. Event batches are filled across slices.
 */
const SLICE_MS = 3_600_000;

/**
 * Darktrace alerts into ThreatQ, exactly once. Per slice of the window: fetch, map, compare
 * with the ledger, create new events (ledger row written before, event id after), update
 * changed ones; then write each device involved once for the run, related to its events.
 * Unfinished rows of a killed run are resolved first by looking their events up by title.
 */
export async function runIngest(ctx: PipelineContext, options: IngestOptions): Promise<PipelineOutcome> {
  const { config, threatq, logger, clock } = ctx;
  const store = new AlertLedgerStore(ctx.state.sqlite);
  const source = options.source ?? darktraceAlertSource(ctx.darktrace);
  const batchSize = options.batchSize ?? 500;
  const mapCtx = { darktraceBaseUrl: config.darktrace.host };
  const startedAt = clock.now();
  const window = ingestWindow(startedAt, store.checkpoint(), options.historicalDays, store.coverageStart());
  const counts: IngestCounts = {
    window: { start: new Date(window.start).toISOString(), end: new Date(window.end).toISOString(), reason: window.reason },
    fetched: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    filtered: 0,
    quarantined: 0,
    recovered: 0,
    failed: 0,
    devices: 0,
    indicators: 0,
    assets: 0,
  };
  logger.info('ingest.window', `Fetching Darktrace alerts from ${counts.window.start} to ${counts.window.end} (${window.reason})`);

  // Fail early and clearly if ThreatQ cannot take what we are about to send.
  await threatq.ensureEventType('Model Breach');
  await threatq.ensureEventType('AI Analyst');
  await threatq.indicatorStatusId(config.threatq.status);

  const links = new DeviceLinks(ctx.state.sqlite);
  const quarantined = new Set(
    (ctx.state.sqlite.prepare('SELECT kind || char(0) || darktrace_id AS k FROM quarantine WHERE resolved_at IS NULL').all() as Array<{ k: string }>).map((r) => r.k),
  );

  const quarantine = (kind: AlertKind, id: string | undefined, reason: string, raw: unknown) => {
    const key = id ?? `unidentified:${hashText(JSON.stringify(raw) ?? '')}`;
    store.quarantine(kind, key, reason, excerpt(raw), ctx.runId, clock.now());
    quarantined.add(kind + '\0' + key);
    counts.quarantined++;
    logger.warn('ingest.quarantine', `Kept aside ${kind} ${key}: ${reason}`, { kind, id: key });
  };
  const mapped = (kind: AlertKind, result: MapResult, raw: unknown, id: string): MappedAlert | undefined => {
    if (!result.ok) {
      quarantine(kind, id, result.reason, raw);
      return undefined;
    }
    if (quarantined.delete(kind + '\0' + id)) store.resolveQuarantine(kind, id, clock.now());
    return result.alert;
  };

  // 1. Finish what a killed run left: look up events written but not confirmed. Their devices
  //    are relinked when the window brings the alert again (no fetch of its own); only those it
  //    does not bring are fetched one by one at the end.
  const relink = new RelinkQueue(ctx.state.sqlite);
  const unfinished = store.unfinished();
  const adopted: Array<{ kind: AlertKind; darktraceId: string; eventId: number; action: 'adopted' }> = [];
  const neverCreated: Array<{ kind: AlertKind; darktraceId: string }> = [];
  await forEachLimited(
    unfinished.filter((row) => row.state === 'creating'),
    4,
    async (row) => {
      if (ctx.signal.aborted) return;
      const found = await threatq.findEventsByTitle(row.title);
      if (found.length === 0) {
        neverCreated.push({ kind: row.kind, darktraceId: row.darktraceId });
        logger.info('ingest.recover', `Event for ${row.kind} ${row.darktraceId} never reached ThreatQ; it will be created`, { id: row.darktraceId });
        return;
      }
      const eventId = found[0]!.id;
      if (found.length > 1) logger.warn('ingest.duplicates', `ThreatQ holds ${found.length} events titled "${row.title}"; using the oldest (${eventId})`, { ids: found.map((e) => e.id) });
      adopted.push({ kind: row.kind, darktraceId: row.darktraceId, eventId, action: 'adopted' });
    },
  );
  // One transaction for all the look-ups' outcomes; a kill before it only repeats the look-ups.
  store.forgetUncreated(neverCreated);
  store.markCreated(adopted, ctx.runId, clock.now());
  counts.recovered += adopted.length;
  for (const a of adopted) relink.add(a.kind, a.darktraceId, a.eventId);
  for (const row of unfinished) if (row.state === 'linking' && row.threatqEventId !== null) relink.add(row.kind, row.darktraceId, row.threatqEventId);

  // 2. The window, slice by slice.
  const slices = sliceWindow(window.start, window.end, options.sliceMs ?? SLICE_MS);
  const minBreachScore = config.ingest.minBreachScore / 100;
  const fetchSlice = ([from, to]: [number, number]) => {
    const p = Promise.all([source.breaches(from, to, minBreachScore), source.aiEvents(from, to, config.ingest.minAiAnalystScore)]);
    p.catch(() => undefined); // awaited below; a failure while the previous slice is written must not go unhandled
    return p;
  };
  let savedAt = clock.now();
  // New alerts wait here until a full batch is ready (a batch may span slices); the last one is sent after the window.
  const pendingCreate: MappedAlert[] = [];
  const pendingKeys = new Set<string>();
  let creating: Promise<void> = Promise.resolve();
  // Events confirmed in ThreatQ, recorded with the next batch's 'creating' rows (one commit instead of two).
  let pendingConfirm: Array<{ kind: AlertKind; darktraceId: string; eventId: number; action: 'created' }> = [];
  // Darktrace is read one slice ahead: its answer arrives while the previous slice is written to ThreatQ.
  try {
    let next = slices.length > 0 ? fetchSlice(slices[0]!) : undefined;
    for (let sliceNo = 1; next !== undefined; sliceNo++) {
      if (ctx.signal.aborted) break;
      const [breaches, events] = await next;
      next = sliceNo < slices.length && !ctx.signal.aborted ? fetchSlice(slices[sliceNo]!) : undefined;
      counts.fetched += breaches.records.length + breaches.rejects.length + events.records.length + events.rejects.length;
      for (const r of breaches.rejects) quarantine('model_breach', idOf(r), r.reason, r.raw);
      for (const r of events.rejects) quarantine('ai_analyst', idOf(r), r.reason, r.raw);
      const alerts: MappedAlert[] = [];
      for (const b of breaches.records) {
        if (b.score < minBreachScore || !modelAllowed(b.model.name, config.ingest)) {
          counts.filtered++;
          continue;
        }
        const m = mapped('model_breach', mapModelBreach(b, mapCtx), b, String(b.pbid));
        if (m) alerts.push(m);
      }
      for (const e of events.records) {
        if ((e.aiaScore ?? 0) < config.ingest.minAiAnalystScore) {
          counts.filtered++;
          continue;
        }
        const m = mapped('ai_analyst', mapAiAnalystEvent(e, mapCtx), e, e.id);
        if (m) alerts.push(m);
      }
      await applySlice(alerts);
      ctx.progress.update(`Ingest: slice ${sliceNo}/${slices.length}`, counts.created + counts.updated + counts.unchanged);
      // The run's row holds the progress for `history`; every few seconds is enough (each save is a commit).
      if (clock.now() - savedAt >= PROGRESS_EVERY_MS) {
        ctx.saveProgress({ ingest: counts });
        savedAt = clock.now();
      }
    }
    await creating;
    while (pendingCreate.length > 0 && !ctx.signal.aborted) await createBatch(pendingCreate.splice(0, batchSize));
  } finally {
    // A batch still in flight settles first (its failure, if any, is the next run's recovery).
    await creating.catch(() => undefined);
    store.confirm(pendingConfirm, ctx.runId, clock.now());
    pendingConfirm = [];
  }

  // Unfinished alerts of a killed run that the window did not bring: fetched one by one.
  for (const row of relink.remaining()) {
    if (ctx.signal.aborted) break;
    const alert = row.kind === 'model_breach' ? await source.breach(Number(row.darktraceId)) : await source.aiEvent(row.darktraceId);
    const m = alert ? (row.kind === 'model_breach' ? mapModelBreach(alert as ModelBreach, mapCtx) : mapAiAnalystEvent(alert as AiAnalystEvent, mapCtx)) : undefined;
    if (m?.ok) links.add(row.kind, row.darktraceId, row.eventId, m.alert.devices);
    else links.addAlertOnly(row.kind, row.darktraceId);
    relink.done(row.kind, row.darktraceId);
  }

  /** Writes one batch of new events: ledger rows first ('creating'), then ThreatQ, then the event ids. */
  async function createBatch(batch: MappedAlert[]): Promise<void> {
    for (const a of batch) pendingKeys.delete(a.kind + '\0' + a.darktraceId);
    store.markCreating(
      batch.map((a) => ({ kind: a.kind, darktraceId: a.darktraceId, contentHash: a.contentHash, title: a.title, alertTime: a.alertTime })),
      ctx.runId,
      { confirm: pendingConfirm, now: clock.now() },
    );
    pendingConfirm = [];
    const results = await threatq.createEvents(
      batch.map((a) => ({ title: a.title, typeName: a.event.typeName, happenedAt: a.event.happenedAt, description: a.event.description, sources: SOURCE, attributes: a.event.attributes })),
      { batchSize },
    );
    const created: Array<{ kind: AlertKind; darktraceId: string; eventId: number; action: 'created' }> = [];
    const createdLinks: Parameters<DeviceLinks['addMany']>[0] = [];
    results.forEach((r, j) => {
      const a = batch[j]!;
      if (r.ok) {
        created.push({ kind: a.kind, darktraceId: a.darktraceId, eventId: r.id, action: 'created' });
        createdLinks.push({ kind: a.kind, darktraceId: a.darktraceId, eventId: r.id, devices: a.devices });
      } else {
        // Left in 'creating': the next run looks it up by title before creating it again.
        counts.failed++;
        logger.error('ingest.create_failed', `ThreatQ refused the event for ${a.kind} ${a.darktraceId}: ${r.error.message}`, { id: a.darktraceId });
      }
    });
    links.addMany(createdLinks);
    pendingConfirm = created;
    counts.created += created.length;
  }

  async function applySlice(alerts: MappedAlert[]): Promise<void> {
    const toUpdate: Array<{ alert: MappedAlert; eventId: number; parts: ChangedParts }> = [];
    const rehash: Array<{ kind: AlertKind; darktraceId: string; contentHash: string }> = [];
    const linked: Array<{ kind: AlertKind; darktraceId: string; eventId: number; devices: MappedAlert['devices'] }> = [];
    const seen = new Set<string>();
    for (const a of alerts) {
      const key = a.kind + '\0' + a.darktraceId;
      if (seen.has(key)) continue; // the same alert twice in one answer (pinned events, overlap)
      seen.add(key);
      const row = store.get(a.kind, a.darktraceId);
      if (!row) {
        if (!pendingKeys.has(key)) {
          pendingKeys.add(key);
          pendingCreate.push(a);
        }
        continue;
      }
      if (row.state === 'linking') {
        // Left unlinked by a killed run: relink it now that its devices are known again.
        const eventId = relink.take(a.kind, a.darktraceId);
        if (eventId !== undefined) linked.push({ kind: a.kind, darktraceId: a.darktraceId, eventId, devices: a.devices });
      }
      const parts = row.state !== 'creating' && row.threatqEventId !== null && row.contentHash !== a.contentHash ? changedParts(row.contentHash, a.contentHash) : undefined;
      if (parts) toUpdate.push({ alert: a, eventId: row.threatqEventId!, parts });
      else {
        // Same content; a hash stored by an older version gains its part hashes quietly.
        if (row.state !== 'creating' && row.contentHash !== a.contentHash) rehash.push({ kind: a.kind, darktraceId: a.darktraceId, contentHash: a.contentHash });
        counts.unchanged++;
      }
    }
    if (linked.length > 0) links.addMany(linked);
    if (rehash.length > 0) store.setHashes(rehash);
    // One batch in flight at a time, not awaited here: the next slices are mapped while ThreatQ stores it.
    while (pendingCreate.length >= batchSize) {
      await creating;
      if (ctx.signal.aborted) return;
      creating = createBatch(pendingCreate.splice(0, batchSize));
      creating.catch(() => undefined); // awaited before the next batch and after the window
    }
    await forEachLimited(toUpdate, 4, async ({ alert, eventId, parts }) => {
      if (ctx.signal.aborted) return;
      try {
        // Only what changed is written: the event when its description changed, then each changed attribute.
        if (parts.description) await threatq.updateEvent(eventId, { description: alert.event.description, happenedAt: alert.event.happenedAt });
        const changed = parts.attributes ? await applyAttributes(threatq, eventId, alert.event.attributes) : [];
        if (parts.description) changed.unshift('description');
        store.markUpdated([{ kind: alert.kind, darktraceId: alert.darktraceId, contentHash: alert.contentHash, eventId, changed }], ctx.runId, clock.now());
        if (parts.devices) links.add(alert.kind, alert.darktraceId, eventId, alert.devices);
        counts.updated++;
      } catch (error) {
        counts.failed++;
        logger.error('ingest.update_failed', `Could not update ThreatQ event ${eventId} for ${alert.kind} ${alert.darktraceId}: ${(error as Error).message}`, { id: alert.darktraceId });
      }
    });
  }

  // 3. Devices: each written once for the run, related to every event it appeared in.
  if (!ctx.signal.aborted) {
    const written = await links.writeDevices(threatq, { status: config.threatq.status, sources: SOURCE, batchSize, signal: ctx.signal });
    counts.devices = written.devices;
    counts.indicators = written.indicators;
    counts.assets = written.assets;
    if (!ctx.signal.aborted) store.markLinked(links.alerts());
  }
  links.clear();
  relink.clear();

  const complete = !ctx.signal.aborted && counts.failed === 0;
  if (complete) store.setCheckpoint(window.end, clock.now(), window.start);
  ctx.progress.done();
  const summary = `Ingest: fetched ${counts.fetched}, created ${counts.created}, updated ${counts.updated}, unchanged ${counts.unchanged}, quarantined ${counts.quarantined}, failed ${counts.failed}${counts.filtered ? `, filtered ${counts.filtered}` : ''}${counts.recovered ? `, recovered ${counts.recovered}` : ''}`;
  logger.info('ingest.done', summary, { ...counts });
  return { counts: { ...counts }, partial: counts.failed > 0, summary };
}

function idOf(r: ParseReject): string | undefined {
  return r.id === undefined ? undefined : String(r.id);
}

function excerpt(raw: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(raw) ?? String(raw);
  } catch {
    text = String(raw);
  }
  return text.length > 2000 ? text.slice(0, 2000) + '…' : text;
}

function hashText(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16);
}

async function forEachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  });
  await Promise.all(workers);
}
