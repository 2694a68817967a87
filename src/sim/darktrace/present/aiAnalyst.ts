/**
 * AI Analyst events and incidents as `/aianalyst/incidentevents` and `/aianalyst/groups` write
 * them. Both read the incident's score, category and history from the one group record, so the
 * two endpoints can never disagree.
 */
import type { SimAiEvent, SimGroup } from '../types.ts';

export function eventJson(e: SimAiEvent, group: SimGroup | undefined, urlBase: string | undefined): Record<string, unknown> {
  const score = group?.score ?? e.aiaScore;
  const previous = group?.previousIds ?? [];
  const out: Record<string, unknown> = {
    summariser: e.summariser,
    acknowledged: e.acknowledged,
    pinned: e.pinned,
    createdAt: e.createdAt,
    attackPhases: e.attackPhases,
    mitreTactics: e.mitreTactics,
    title: e.title,
    id: e.id,
  };
  if (urlBase !== undefined) out.incidentEventUrl = `${urlBase}/#aiaincidentevent/${e.id}`;
  Object.assign(out, {
    children: [e.id],
    category: e.category,
    currentGroup: e.currentGroup,
    groupCategory: group?.category ?? e.category,
    groupScore: e.groupScoreAsString ? String(score) : score,
    groupPreviousGroups: previous.length === 0 && e.previousGroupsNull ? null : [...previous],
    activityId: e.activityId,
    groupingIds: e.groupingIds,
    groupByActivity: false,
    userTriggered: e.userTriggered,
    externalTriggered: e.externalTriggered,
    aiaScore: e.aiaScore,
    summary: e.summary,
    periods: e.periods,
    breachDevices: e.breachDevices,
    relatedBreaches: e.relatedBreaches,
    details: e.details,
  });
  if (e.explanations) out.explanations = e.explanations;
  if (e.figures) out.figures = e.figures;
  if (e.sender !== undefined) out.sender = e.sender;
  return out;
}

export function groupJson(g: SimGroup, events: readonly SimAiEvent[], urlBase: string | undefined): Record<string, unknown> {
  const tactics = new Set<string>();
  const devices = new Set<number>();
  let start = Infinity;
  let end = -Infinity;
  for (const e of events) {
    for (const t of e.mitreTactics) tactics.add(t);
    for (const d of e.breachDevices) if (d.did !== null) devices.add(d.did);
    start = Math.min(start, eventStart(e));
    for (const p of e.periods) end = Math.max(end, p.end);
  }
  const first = events[0];
  const out: Record<string, unknown> = {
    id: g.id,
    active: g.active,
    acknowledged: events.length > 0 && events.every((e) => e.acknowledged),
    pinned: events.some((e) => e.pinned),
    userTriggered: events.some((e) => e.userTriggered),
    externalTriggered: events.some((e) => e.externalTriggered),
    previousIds: [...g.previousIds],
    incidentEvents: events.map((e) => {
      const ref: Record<string, unknown> = { uuid: e.id, start: eventStart(e), title: e.title };
      const did = e.breachDevices[0]?.did;
      if (e.sender !== undefined) ref.sender = e.sender;
      else if (did !== undefined && did !== null) ref.triggerDid = did;
      ref.visible = true;
      ref.acknowledged = e.acknowledged;
      return ref;
    }),
    mitreTactics: [...tactics],
    devices: [...devices].sort((a, b) => a - b),
    initialDevices: first ? first.breachDevices.flatMap((d) => (d.did === null ? [] : [d.did])) : [],
    category: g.category,
    groupScore: g.score,
    start: Number.isFinite(start) ? start : null,
    end: Number.isFinite(end) ? end : null,
    edges: [],
  };
  if (urlBase !== undefined) out.groupUrl = `${urlBase}/#aiagroup/${g.id}`;
  return out;
}

export function eventStart(e: SimAiEvent): number {
  return e.periods[0]?.start ?? e.createdAt;
}
