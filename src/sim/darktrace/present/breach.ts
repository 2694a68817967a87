/**
 * A stored breach as `/modelbreaches` writes it, shaped by the request: device at top or inside
 * each triggered component, `model` as `{then, now}` or flat, `acknowledged` in the configured
 * style, optional `breachUrl`.
 */
import type { AcknowledgedStyle, SimBreach, SimDevice } from '../types.ts';
import { breachDeviceJson } from './device.ts';

export interface BreachView {
  deviceAtTop: boolean;
  historicModelOnly: boolean;
  /** Set by the simulator option; otherwise each record's own style, else boolean. */
  acknowledgedStyle: AcknowledgedStyle | undefined;
  /** `https://<fqdn>` when `includebreachurl=true`. */
  breachUrlBase: string | undefined;
}

export function breachJson(b: SimBreach, device: SimDevice | undefined, view: BreachView): Record<string, unknown> {
  const deviceJson = breachDeviceJson(b.did, device);
  const out: Record<string, unknown> = {
    commentCount: b.comments.length,
    pbid: b.pbid,
    time: b.time,
    creationTime: b.creationTime,
    model: view.historicModelOnly ? b.model.then : b.model,
    triggeredComponents: view.deviceAtTop ? b.triggeredComponents : b.triggeredComponents.map((c) => ({ ...c, device: deviceJson })),
    score: b.score,
  };
  if (view.deviceAtTop) out.device = deviceJson;
  const style = view.acknowledgedStyle ?? b.acknowledgedStyle ?? 'boolean';
  if (style === 'boolean') out.acknowledged = b.acknowledged !== null;
  else if (style === 'object') out.acknowledged = b.acknowledged ? { time: b.acknowledged.time, username: b.acknowledged.username } : false;
  if (b.mitreTechniques) out.mitreTechniques = b.mitreTechniques;
  if (b.aianalystData) out.aianalystData = b.aianalystData;
  if (view.breachUrlBase !== undefined) out.breachUrl = `${view.breachUrlBase}/#modelbreach/${b.pbid}`;
  return out;
}

const MODEL_SLOT = '\u0000dt-sim-model\u0000';
const MODEL_SLOT_JSON = JSON.stringify(MODEL_SLOT);
const modelText = new WeakMap<object, string>();

/**
 * The same JSON as `JSON.stringify(breachJson(...))`, but each model definition is serialised
 * once and reused: 50,000 breaches share a few dozen models. Models are treated as immutable.
 */
export function breachJsonText(b: SimBreach, device: SimDevice | undefined, view: BreachView): string {
  const out = breachJson(b, device, view);
  out.model = MODEL_SLOT;
  const model = view.historicModelOnly ? cached(b.model.then) : `{"then":${cached(b.model.then)},"now":${cached(b.model.now)}}`;
  return JSON.stringify(out).replace(MODEL_SLOT_JSON, () => model);
}

function cached(model: object): string {
  let text = modelText.get(model);
  if (text === undefined) {
    text = JSON.stringify(model);
    modelText.set(model, text);
  }
  return text;
}
