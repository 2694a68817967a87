import type { AiAnalystGroup, AiAnalystGroupEvent, ParseResult } from '../types.ts';
import { parseList, type RecordOutcome } from './result.ts';
import { asArray, asObj, bool, describe, int, ints, ms, num, strings, text } from './values.ts';

/** `GET /aianalyst/groups` list answer. */
export function parseAiAnalystGroups(body: unknown): ParseResult<AiAnalystGroup> {
  return parseList(body, parseAiAnalystGroup, 'AI Analyst incident');
}

export function parseAiAnalystGroup(raw: unknown): RecordOutcome<AiAnalystGroup> {
  const g = asObj(raw);
  if (!g) return { ok: false, reason: 'AI Analyst incident is not an object' };
  const id = text(g.id);
  if (id === null) return { ok: false, reason: `AI Analyst incident has no usable id (${describe(g.id)})` };
  const incidentEvents: AiAnalystGroupEvent[] = [];
  for (const e of asArray(g.incidentEvents)) {
    const o = asObj(e);
    const uuid = text(o?.uuid);
    if (!o || uuid === null) continue;
    const event: AiAnalystGroupEvent = {
      uuid,
      start: ms(o.start),
      title: text(o.title),
      triggerDid: int(o.triggerDid),
      visible: o.visible === undefined ? true : bool(o.visible),
    };
    if ('acknowledged' in o) event.acknowledged = bool(o.acknowledged);
    incidentEvents.push(event);
  }
  return {
    ok: true,
    record: {
      id,
      category: text(g.category),
      groupScore: num(g.groupScore),
      active: bool(g.active),
      acknowledged: bool(g.acknowledged),
      pinned: bool(g.pinned),
      previousIds: strings(g.previousIds),
      incidentEvents,
      mitreTactics: strings(g.mitreTactics),
      devices: ints(g.devices),
      initialDevices: ints(g.initialDevices),
      start: ms(g.start),
      end: ms(g.end),
    },
  };
}
