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

export interface IngestOptions {
  historicalDays: number | undefined;
  /** Slice length for Darktrace queries; no single response covers more. @default 6 hours */
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

  // 1. Finish what a killed run left: look up events written but not confirmed, relink devices.
  for (const row of store.unfinished()) {
    if (ctx.signal.aborted) break;
    let eventId = row.threatqEventId;
    if (row.state === 'creating') {
      const found = await threatq.findEventsByTitle(row.title);
      if (found.length === 0) {
        store.forgetUncreated(row.kind, row.darktraceId);
        logger.info('ingest.recover', `Event for ${row.kind} ${row.darktraceId} never reached ThreatQ; it will be created`, { id: row.darktraceId });
        continue;
      }
      eventId = found[0]!.id;
      if (found.length > 1) logger.warn('ingest.duplicates', `ThreatQ holds ${found.length} events titled "${row.title}"; using the oldest (${eventId})`, { ids: found.map((e) => e.id) });
      store.markCreated([{ kind: row.kind, darktraceId: row.darktraceId, eventId, action: 'adopted' }], ctx.runId, clock.now());
      counts.recovered++;
    }
    const alert = row.kind === 'model_breach' ? await source.breach(Number(row.darktraceId)) : await source.aiEvent(row.darktraceId);
    const m = alert ? (row.kind === 'model_breach' ? mapModelBreach(alert as ModelBreach, mapCtx) : mapAiAnalystEvent(alert as AiAnalystEvent, mapCtx)) : undefined;
    if (m?.ok) links.add(row.kind, row.darktraceId, eventId!, m.alert.devices);
    else links.addAlertOnly(row.kind, row.darktraceId);
  }

  // 2. The window, slice by slice.
  const slices = sliceWindow(window.start, window.end, options.sliceMs ?? 6 * 3_600_000);
  const minBreachScore = config.ingest.minBreachScore / 100;
  let sliceNo = 0;
  for (const [from, to] of slices) {
    if (ctx.signal.aborted) break;
    sliceNo++;
    const breaches = await source.breaches(from, to, minBreachScore);
    const events = await source.aiEvents(from, to, config.ingest.minAiAnalystScore);
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
    ctx.saveProgress({ ingest: counts });
  }

  async function applySlice(alerts: MappedAlert[]): Promise<void> {
    const toCreate: MappedAlert[] = [];
    const toUpdate: Array<{ alert: MappedAlert; eventId: number }> = [];
    const seen = new Set<string>();
    for (const a of alerts) {
      const key = a.kind + '\0' + a.darktraceId;
      if (seen.has(key)) continue; // the same alert twice in one answer (pinned events, overlap)
      seen.add(key);
      const row = store.get(a.kind, a.darktraceId);
      if (!row) toCreate.push(a);
      else if (row.state !== 'creating' && row.threatqEventId !== null && row.contentHash !== a.contentHash) toUpdate.push({ alert: a, eventId: row.threatqEventId });
      else counts.unchanged++;
    }
    for (let i = 0; i < toCreate.length; i += batchSize) {
      if (ctx.signal.aborted) return;
      const batch = toCreate.slice(i, i + batchSize);
      store.markCreating(batch.map((a) => ({ kind: a.kind, darktraceId: a.darktraceId, contentHash: a.contentHash, title: a.title, alertTime: a.alertTime })), ctx.runId);
      const results = await threatq.createEvents(
        batch.map((a) => ({ title: a.title, typeName: a.event.typeName, happenedAt: a.event.happenedAt, description: a.event.description, sources: SOURCE, attributes: a.event.attributes })),
        { batchSize },
      );
      const created: Array<{ kind: AlertKind; darktraceId: string; eventId: number; action: 'created' }> = [];
      results.forEach((r, j) => {
        const a = batch[j]!;
        if (r.ok) {
          created.push({ kind: a.kind, darktraceId: a.darktraceId, eventId: r.id, action: 'created' });
          links.add(a.kind, a.darktraceId, r.id, a.devices);
        } else {
          // Left in 'creating': the next run looks it up by title before creating it again.
          counts.failed++;
          logger.error('ingest.create_failed', `ThreatQ refused the event for ${a.kind} ${a.darktraceId}: ${r.error.message}`, { id: a.darktraceId });
        }
      });
      store.markCreated(created, ctx.runId, clock.now());
      counts.created += created.length;
    }
    await forEachLimited(toUpdate, 4, async ({ alert, eventId }) => {
      if (ctx.signal.aborted) return;
      try {
        await threatq.updateEvent(eventId, { description: alert.event.description, happenedAt: alert.event.happenedAt });
        const changed = await applyAttributes(threatq, eventId, alert.event.attributes);
        store.markUpdated([{ kind: alert.kind, darktraceId: alert.darktraceId, contentHash: alert.contentHash, eventId, changed }], ctx.runId, clock.now());
        links.add(alert.kind, alert.darktraceId, eventId, alert.devices);
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
