import type { AiAnalystEvent, Device, ParseResult, Period, RelatedBreach } from '../types.ts';
import { parseDevice } from './device.ts';
import { parseList, type RecordOutcome } from './result.ts';
import { asArray, asObj, bool, describe, int, ints, ms, num, str, strings, text } from './values.ts';

/** `GET /aianalyst/incidentevents` (or legacy `/aianalyst/incidents`) list answer. */
export function parseAiAnalystEvents(body: unknown): ParseResult<AiAnalystEvent> {
  return parseList(body, parseAiAnalystEvent, 'AI Analyst event');
}

export function parseAiAnalystEvent(raw: unknown): RecordOutcome<AiAnalystEvent> {
  const e = asObj(raw);
  if (!e) return { ok: false, reason: 'AI Analyst event is not an object' };
  const id = text(e.id);
  if (id === null) return { ok: false, reason: `AI Analyst event has no usable id (${describe(e.id)})` };
  const periods = parsePeriods(e.periods);
  const createdAt = ms(e.createdAt) ?? periods[0]?.start ?? null;
  if (createdAt === null) return { ok: false, id, reason: 'AI Analyst event has neither createdAt nor a period start' };

  const event: AiAnalystEvent = {
    id,
    title: text(e.title) ?? '(untitled AI Analyst event)',
    summary: str(e.summary) ?? '',
    summariser: text(e.summariser),
    category: text(e.category),
    aiaScore: num(e.aiaScore),
    groupId: text(e.currentGroup),
    groupCategory: text(e.groupCategory),
    groupScore: num(e.groupScore),
    previousGroups: strings(e.groupPreviousGroups),
    breachDevices: asArray(e.breachDevices)
      .map(parseDevice)
      .filter((d): d is Device => d !== undefined),
    relatedBreaches: parseRelatedBreaches(e.relatedBreaches),
    mitreTactics: strings(e.mitreTactics),
    attackPhases: ints(e.attackPhases),
    periods,
    acknowledged: bool(e.acknowledged),
    pinned: bool(e.pinned),
    createdAt,
    details: e.details ?? null,
  };
  const url = text(e.incidentEventUrl) ?? text(e.incidentUrl);
  if (url) event.url = url;
  const sender = text(e.sender);
  if (sender) event.sender = sender;
  return { ok: true, record: event };
}

function parsePeriods(v: unknown): Period[] {
  const out: Period[] = [];
  for (const p of asArray(v)) {
    const o = asObj(p);
    const start = ms(o?.start);
    if (start === null) continue;
    out.push({ start, end: ms(o?.end) ?? start });
  }
  return out;
}

function parseRelatedBreaches(v: unknown): RelatedBreach[] {
  const out: RelatedBreach[] = [];
  for (const r of asArray(v)) {
    const o = asObj(r);
    const pbid = int(o?.pbid);
    if (!o || pbid === null) continue;
    out.push({ pbid, modelName: text(o.modelName), threatScore: num(o.threatScore), timestamp: ms(o.timestamp) });
  }
  return out;
}
