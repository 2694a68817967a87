import type { BreachModel, MitreTechnique, ModelActions, ModelBreach, ParseResult } from '../types.ts';
import { parseDevice } from './device.ts';
import { parseList, type RecordOutcome } from './result.ts';
import { asArray, asObj, describe, int, ms, num, str, strings, text, unescapeNewlines, type Obj } from './values.ts';

/** `GET /modelbreaches` list answer. */
export function parseModelBreaches(body: unknown): ParseResult<ModelBreach> {
  return parseList(body, parseModelBreach, 'model breach');
}

/** One breach: a list element, or the object `?pbid=` returns. */
export function parseModelBreach(raw: unknown): RecordOutcome<ModelBreach> {
  const b = asObj(raw);
  if (!b) return { ok: false, reason: 'breach is not an object' };
  const pbid = int(b.pbid);
  if (pbid === null) return { ok: false, reason: `breach has no usable pbid (${describe(b.pbid)})` };
  const time = ms(b.time) ?? ms(b.creationTime);
  if (time === null) return { ok: false, id: pbid, reason: 'breach has neither time nor creationTime' };
  const model = parseModel(b.model);
  if (!model) return { ok: false, id: pbid, reason: 'breach has no model name' };
  const score = normaliseScore(b.score, b.percentscore);
  if (score === null) return { ok: false, id: pbid, reason: `breach has no usable score (${describe(b.score)})` };

  const components = asArray(b.triggeredComponents);
  const deviceRaw = b.device ?? components.map((c) => asObj(c)?.device).find((d) => d !== undefined);
  const breach: ModelBreach = {
    pbid,
    time,
    creationTime: ms(b.creationTime) ?? time,
    score,
    commentCount: int(b.commentCount) ?? 0,
    acknowledged: false,
    model,
    device: parseDevice(deviceRaw) ?? null,
    mitreTechniques: parseMitre(b.mitreTechniques),
    aiAnalystEventIds: asArray(b.aianalystData)
      .map((a) => text(asObj(a)?.uuid))
      .filter((u): u is string => u !== null),
    triggeredComponents: components,
  };
  applyAcknowledged(breach, b.acknowledged);
  const url = text(b.breachUrl);
  if (url) breach.breachUrl = url;
  return { ok: true, record: breach };
}

/** `acknowledged` is absent, a boolean (6.2), or `{time, username}` (other versions). */
function applyAcknowledged(breach: ModelBreach, v: unknown): void {
  const o = asObj(v);
  if (o) {
    breach.acknowledged = true;
    const by = text(o.username);
    const at = ms(o.time);
    if (by) breach.acknowledgedBy = by;
    if (at !== null) breach.acknowledgedAt = at;
    return;
  }
  breach.acknowledged = v === true || v === 'true';
}

/** 0–1; a value above 1 is taken as a percentage (device-grouped or `percentscore` answers). */
function normaliseScore(score: unknown, percent: unknown): number | null {
  const s = num(score);
  if (s !== null && s >= 0 && s <= 1) return s;
  if (s !== null && s > 1 && s <= 100) return s / 100;
  const p = num(percent);
  return p !== null && p >= 0 && p <= 100 ? p / 100 : null;
}

/** `model.then` (alert time), the flat `historicmodelonly` form, or `model.now` as a last resort. */
function parseModel(v: unknown): BreachModel | undefined {
  const outer = asObj(v);
  if (!outer) return undefined;
  const m = [asObj(outer.then), text(outer.name) ? outer : undefined, asObj(outer.now)].find((c): c is Obj => c !== undefined && text(c.name) !== null);
  if (!m) return undefined;
  const description = str(m.description);
  return {
    name: text(m.name) as string,
    pid: int(m.pid),
    phid: int(m.phid),
    uuid: text(m.uuid),
    category: text(m.category),
    priority: int(m.priority),
    description: description === null ? null : unescapeNewlines(description),
    tags: strings(m.tags),
    actions: parseActions(m.actions),
    mitre: parseMitre(m.mitre),
  };
}

function parseActions(v: unknown): ModelActions {
  const a = asObj(v) ?? {};
  const setTag = a.setTag;
  const setTags = Array.isArray(setTag)
    ? setTag.filter((t) => typeof t === 'string' || typeof t === 'number').map(String)
    : typeof setTag === 'number' || (typeof setTag === 'string' && setTag !== '')
      ? [String(setTag)]
      : [];
  const setType = a.setType;
  return {
    setPriority: num(a.setPriority),
    setTags,
    setType: typeof setType === 'number' || (typeof setType === 'string' && setType !== '') ? setType : null,
    tagTtlSeconds: num(a.tagTTL),
  };
}

/** `[{technique, techniqueID}]`, plain `"T1200"` strings, or a `{techniques: [...]}` wrapper. */
function parseMitre(v: unknown): MitreTechnique[] {
  const list = Array.isArray(v) ? v : asArray(asObj(v)?.techniques);
  const out: MitreTechnique[] = [];
  for (const e of list) {
    if (typeof e === 'string' && e.trim() !== '') {
      out.push(/^T\d{4}(\.\d{3})?$/i.test(e.trim()) ? { id: e.trim(), name: null } : { id: null, name: e });
      continue;
    }
    const o = asObj(e);
    if (!o) continue;
    const id = text(o.techniqueID) ?? text(o.techniqueId) ?? text(o.id);
    const name = text(o.technique) ?? text(o.name);
    if (id || name) out.push({ id, name });
  }
  return out;
}
