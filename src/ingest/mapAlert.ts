import type { AiAnalystEvent, Device, ModelBreach } from '../darktrace/types.ts';
import { contentHash } from './contentHash.ts';
import { clipHtml, clipText, escapeHtml, escapeHtmlLines, oneLine } from './escapeHtml.ts';
import { mapDevice, type MappedDevice } from './mapDevice.ts';
import { EVENT_TYPE, type MappedAlert, type MappedAttribute } from './mappedAlert.ts';

export interface MapContext {
  /** Base URL of the Darktrace UI, for links back to the alert. */
  darktraceBaseUrl: string;
}

export type MapResult = { ok: true; alert: MappedAlert } | { ok: false; reason: string };

const MAX_TITLE = 255;
/** ThreatQ stores descriptions in a TEXT column (threatqsdk truncates at 65,500). */
const MAX_TEXT = 20_000;
/**
 * Budgets for the escaped HTML (escaping can make a text six times longer), chosen so that a
 * description stays under ThreatQ's 65,500 characters whatever Darktrace sends: the long text
 * (model description or summary) 40,000, each labelled line 3,000, the heading and the list of
 * related breaches 1,000 and 3,000.
 */
const MAX_BODY_HTML = 40_000;
const MAX_PARA_HTML = 3_000;
const MAX_HEAD_HTML = 1_000;
const MAX_LIST_HTML = 3_000;
/** Attribute values and links are short, one-line texts in ThreatQ's UI. */
const MAX_ATTRIBUTE = 1_000;
/** AI Analyst event ids are UUIDs; one that is long or holds spaces, control characters or surrogates would break the title. */
const AI_EVENT_ID = /^[^\s\u0000-\u001f\u007f-\u009f\ud800-\udfff]{1,128}$/;
/** The last millisecond of year 9999: later times have no `YYYY-MM-DD HH:MM:SS` form. */
const MAX_TIME = 253_402_300_799_999;

export function toThreatQDate(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

/** Title text: one line, no control characters, the id suffix always kept. */
function title(label: string, subject: string, device: string, idSuffix: string): string {
  const head = `${label}: ${oneLine(subject) || '(untitled)'}${device && oneLine(device) ? ` on ${oneLine(device)}` : ''}`;
  const suffix = ` [${idSuffix}]`;
  const room = MAX_TITLE - suffix.length;
  return (head.length > room ? clipText(head, room - 1) + '…' : head) + suffix;
}

function deviceName(d: Device | null): string {
  if (!d) return '';
  if (d.isSystem) return 'Darktrace system';
  return d.hostname || d.ip || d.label || (d.did !== null ? `device ${d.did}` : '');
}

function clip(text: string): string {
  return text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) + ' […]' : text;
}

function para(label: string, value: string | number | null | undefined): string {
  return value === null || value === undefined || value === '' ? '' : `<p><strong>${escapeHtml(label)}:</strong> ${clipHtml(escapeHtml(clip(String(value))), MAX_PARA_HTML)}</p>`;
}

/**
 * Only http(s) links from Darktrace are kept (a `javascript:` URL would run in ThreatQ's UI), and
 * only short ones: the first candidate that fits is used.
 */
function safeLink(url: string | undefined, ...fallbacks: string[]): string {
  if (url && url.length <= MAX_ATTRIBUTE && /^https?:\/\/[^\s"'<>\\`\u0000-\u001f\u007f-\u009f\u2028\u2029\ud800-\udfff]+$/i.test(url)) return url;
  return fallbacks.find((f) => f.length <= MAX_ATTRIBUTE) ?? fallbacks[fallbacks.length - 1]!;
}

/** encodeURIComponent throws on a lone surrogate (a bad decode upstream): replace those first. */
function urlPart(id: string): string {
  return encodeURIComponent(id.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'));
}

/** Attribute values as one short line; blank ones are left out. */
function cleanAttributes(list: MappedAttribute[]): MappedAttribute[] {
  const out: MappedAttribute[] = [];
  for (const a of list) {
    const v = oneLine(a.value);
    if (v !== '') out.push({ name: a.name, value: v.length > MAX_ATTRIBUTE ? clipText(v, MAX_ATTRIBUTE - 1) + '…' : v });
  }
  return out;
}

function hashOf(alert: Omit<MappedAlert, 'contentHash' | 'title'>): string {
  const attributes = [...alert.event.attributes].sort((a, b) => (a.name + a.value).localeCompare(b.name + b.value));
  return contentHash(alert.event.description, alert.event.happenedAt, attributes, alert.devices);
}

function yesNo(b: boolean): string {
  return b ? 'Yes' : 'No';
}

function devices(list: Device[]): MappedDevice[] {
  const seen = new Map<string, MappedDevice>();
  for (const d of list) {
    const m = mapDevice({ did: d.did, ip: d.ipv6 && !d.ip ? d.ipv6 : d.ip, hostname: d.hostname, mac: d.mac, sid: d.sid, label: d.label });
    if (m && !seen.has(m.key)) seen.set(m.key, m);
  }
  return [...seen.values()].sort((a, b) => a.key.localeCompare(b.key));
}

export function mapModelBreach(b: ModelBreach, ctx: MapContext): MapResult {
  if (!Number.isFinite(b.pbid)) return { ok: false, reason: 'model breach without a usable pbid' };
  if (!Number.isFinite(b.time) || b.time <= 0 || b.time > MAX_TIME) return { ok: false, reason: `model breach ${b.pbid} has no usable time` };
  const modelName = b.model?.name?.trim();
  if (!modelName) return { ok: false, reason: `model breach ${b.pbid} has no model name` };
  const link = safeLink(b.breachUrl, `${ctx.darktraceBaseUrl}/#modelbreach/${b.pbid}`);
  const dev = b.device;
  const score = Math.round(b.score * 1000) / 10;
  const attributes: MappedAttribute[] = [
    { name: 'Darktrace Breach ID', value: String(b.pbid) },
    { name: 'Darktrace Model', value: modelName },
    { name: 'Darktrace Score', value: String(score) },
    { name: 'Darktrace Acknowledged', value: yesNo(b.acknowledged) },
    { name: 'Darktrace Comment Count', value: String(b.commentCount ?? 0) },
    { name: 'Darktrace Link', value: link },
  ];
  if (b.model.category) attributes.push({ name: 'Darktrace Model Category', value: b.model.category });
  if (b.model.priority !== null && b.model.priority !== undefined) attributes.push({ name: 'Darktrace Model Priority', value: String(b.model.priority) });
  if (dev && dev.did !== null && !dev.isSystem) attributes.push({ name: 'Darktrace Device ID', value: String(dev.did) });
  const techniques = new Set<string>();
  for (const t of [...(b.model.mitre ?? []), ...(b.mitreTechniques ?? [])]) {
    const v = [t.id, t.name].filter(Boolean).join(' ');
    if (v) techniques.add(v);
  }
  for (const v of [...techniques].sort()) attributes.push({ name: 'MITRE ATT&CK Technique', value: v });
  const description = [
    `<p><strong>Darktrace model breach ${b.pbid}</strong>: ${clipHtml(escapeHtml(clip(modelName)), MAX_HEAD_HTML)} — score ${escapeHtml(String(score))}%</p>`,
    para('Category', b.model.category),
    para('Device', dev ? [deviceName(dev), dev.ip, dev.label].filter((x, i, a) => x && a.indexOf(x) === i).join(' / ') : ''),
    para('First activity (UTC)', toThreatQDate(b.time)),
    para('Acknowledged', b.acknowledged ? `yes${b.acknowledgedBy ? ` by ${b.acknowledgedBy}` : ''}` : 'no'),
    b.model.description ? `<p>${clipHtml(escapeHtmlLines(clip(b.model.description)), MAX_BODY_HTML)}</p>` : '',
    `<p><a href="${escapeHtml(link)}">Open in Darktrace</a></p>`,
  ].join('');
  const base = {
    kind: 'model_breach' as const,
    darktraceId: String(b.pbid),
    alertTime: b.time,
    event: { typeName: EVENT_TYPE.model_breach, happenedAt: toThreatQDate(b.time), description, attributes: cleanAttributes(attributes) },
    devices: devices(dev ? [dev] : []),
  };
  return { ok: true, alert: { ...base, title: title('Model Breach', modelName, deviceName(dev), `pbid ${b.pbid}`), contentHash: hashOf(base) } };
}

export function mapAiAnalystEvent(e: AiAnalystEvent, ctx: MapContext): MapResult {
  if (!e.id || typeof e.id !== 'string') return { ok: false, reason: 'AI Analyst event without an id' };
  if (!AI_EVENT_ID.test(e.id)) return { ok: false, reason: `AI Analyst event id ${JSON.stringify(clipText(e.id, 40))}${e.id.length > 40 ? '…' : ''} is not usable (expected up to 128 printable characters without white space, like a UUID)` };
  const time = Number.isFinite(e.createdAt) && e.createdAt > 0 ? e.createdAt : e.periods?.[0]?.start;
  if (!time || !Number.isFinite(time) || time > MAX_TIME) return { ok: false, reason: `AI Analyst event ${e.id} has no usable time` };
  const eventLink = `${ctx.darktraceBaseUrl}/#aiaevent/${urlPart(e.id)}`;
  const link = safeLink(e.url, ...(e.groupId ? [`${ctx.darktraceBaseUrl}/#aiagroup/${urlPart(e.groupId)}`] : []), eventLink);
  const first = e.breachDevices.find((d) => !d.isSystem) ?? null;
  const attributes: MappedAttribute[] = [
    { name: 'Darktrace AI Analyst Event ID', value: e.id },
    { name: 'Darktrace Acknowledged', value: yesNo(e.acknowledged) },
    { name: 'Darktrace Pinned', value: yesNo(e.pinned) },
    { name: 'Darktrace Link', value: link },
  ];
  if (e.groupId) attributes.push({ name: 'Darktrace AI Analyst Incident', value: e.groupId });
  if (e.groupScore !== null) attributes.push({ name: 'Darktrace AI Analyst Incident Score', value: String(Math.round(e.groupScore * 10) / 10) });
  if (e.aiaScore !== null) attributes.push({ name: 'Darktrace Score', value: String(e.aiaScore) });
  if (e.category) attributes.push({ name: 'Darktrace Category', value: e.category });
  if (e.summariser) attributes.push({ name: 'Darktrace Summariser', value: e.summariser });
  for (const t of [...new Set(e.mitreTactics)].sort()) attributes.push({ name: 'MITRE ATT&CK Tactic', value: t });
  for (const r of [...new Set(e.relatedBreaches.map((x) => x.pbid))].sort((a, b) => a - b)) attributes.push({ name: 'Darktrace Related Breach', value: String(r) });
  const description = [
    `<p><strong>Darktrace AI Analyst event</strong>: ${clipHtml(escapeHtml(clip(e.title || '(untitled)')), MAX_HEAD_HTML)}</p>`,
    para('Incident', e.groupId ? `${e.groupId}${e.groupScore !== null ? ` (score ${Math.round(e.groupScore)})` : ''}` : ''),
    para('Previously part of', e.previousGroups.join(', ')),
    para('Devices', e.breachDevices.map(deviceName).filter(Boolean).join(', ')),
    para('Sender', e.sender),
    para('Created (UTC)', toThreatQDate(time)),
    e.summary ? `<p>${clipHtml(escapeHtmlLines(clip(e.summary)), MAX_BODY_HTML)}</p>` : '',
    e.relatedBreaches.length ? `<p><strong>Related model breaches:</strong> ${clipHtml(e.relatedBreaches.map((r) => escapeHtml(`${r.pbid}${r.modelName ? ` ${clip(r.modelName)}` : ''}`)).join('; '), MAX_LIST_HTML)}</p>` : '',
    `<p><a href="${escapeHtml(link)}">Open in Darktrace</a></p>`,
  ].join('');
  const base = {
    kind: 'ai_analyst' as const,
    darktraceId: e.id,
    alertTime: time,
    event: { typeName: EVENT_TYPE.ai_analyst, happenedAt: toThreatQDate(time), description, attributes: cleanAttributes(attributes) },
    devices: devices(e.breachDevices),
  };
  return { ok: true, alert: { ...base, title: title('AI Analyst', e.title, e.sender ?? deviceName(first), e.id), contentHash: hashOf(base) } };
}
