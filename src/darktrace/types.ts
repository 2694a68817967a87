/**
 * Normalised Darktrace records, as the ingest mapper and `doctor` use them. Every time is epoch
 * ms, every score has one documented scale, and the payload variants of darktrace-api.md §6 are
 * already resolved. Darktrace strings are untrusted text: escape them before display.
 */

/** A device as any endpoint describes it (breach `device`, AI Analyst `breachDevices[]`, `/devices`). */
export interface Device {
  /** Darktrace device id; -1 for system breaches; null when the payload has none. */
  did: number | null;
  /** The `ip` field as sent (may be CIDR-like, `175.16.199.1/24`, on AI Analyst events). */
  ip: string | null;
  /** An IPv6 address of the device, when `ip` or `ips[]` holds one. */
  ipv6?: string;
  hostname: string | null;
  /** `macaddress` (or `mac`) as sent. */
  mac: string | null;
  /** Subnet id; negative for SaaS and other virtual subnets. */
  sid: number | null;
  /** `devicelabel`. */
  label: string | null;
  /** `identifier` of an AI Analyst device. */
  identifier?: string | null;
  /** `typename` (`desktop`, `server`, `saasprovider`…). */
  typeName?: string | null;
  firstSeen?: number | null;
  lastSeen?: number | null;
  /** did -1: a breach about Darktrace itself (packet loss…), with no real device. */
  isSystem: boolean;
  /** A SaaS/virtual pseudo-device: negative `sid`, or a `SaaS::` hostname. */
  isSaas: boolean;
}

export interface MitreTechnique {
  /** `T1200`; null when only a name is known. */
  id: string | null;
  name: string | null;
}

/** The `setTag`/`setPriority`/`setType` model actions: `false`, a number, or strings plus `tagTTL`. */
export interface ModelActions {
  setPriority: number | null;
  /** Tag ids or names to set; [] when the model sets none. */
  setTags: string[];
  setType: number | string | null;
  tagTtlSeconds: number | null;
}

export interface BreachModel {
  /** `Category::Name` or `Category / Name`, as sent. */
  name: string;
  pid: number | null;
  phid: number | null;
  uuid: string | null;
  /** `Informational` / `Suspicious` / `Critical`, when sent. */
  category: string | null;
  /** 0–3 informational, 4 suspicious, 5 critical. */
  priority: number | null;
  /** Literal `\n` sequences turned into real newlines. */
  description: string | null;
  tags: string[];
  actions: ModelActions;
  mitre: MitreTechnique[];
}

export interface ModelBreach {
  pbid: number;
  /** First activity that met the model (ms). */
  time: number;
  /** When the alert record was created (ms); `time` when the payload lacks it. */
  creationTime: number;
  /** 0–1. */
  score: number;
  commentCount: number;
  acknowledged: boolean;
  /** Who acknowledged it, when the payload says (`{time, username}` form). */
  acknowledgedBy?: string;
  acknowledgedAt?: number;
  /** The model as it was at alert time (`then`, or the flat `historicmodelonly` form). */
  model: BreachModel;
  /** Top-level `device`, else the first triggered component's; null when none is sent. */
  device: Device | null;
  breachUrl?: string;
  /** Breach-level `mitreTechniques[]`. */
  mitreTechniques: MitreTechnique[];
  /** AI Analyst event ids linked from `aianalystData[]`. */
  aiAnalystEventIds: string[];
  /** Opaque; kept for descriptions. */
  triggeredComponents: unknown[];
}

export interface RelatedBreach {
  pbid: number;
  modelName: string | null;
  /** 0–100. */
  threatScore: number | null;
  timestamp: number | null;
}

export interface Period {
  start: number;
  end: number;
}

export interface AiAnalystEvent {
  id: string;
  title: string;
  summary: string;
  summariser: string | null;
  /** `critical` / `suspicious` / `compliance` (lower case). */
  category: string | null;
  /** Event anomaly score 0–100. */
  aiaScore: number | null;
  /** `currentGroup`: the incident id (`g…`). Incidents merge, so this can change. */
  groupId: string | null;
  groupCategory: string | null;
  /** Incident score 0–100 (older data send it as a string). */
  groupScore: number | null;
  /** `groupPreviousGroups`, [] when null. */
  previousGroups: string[];
  breachDevices: Device[];
  relatedBreaches: RelatedBreach[];
  mitreTactics: string[];
  attackPhases: number[];
  periods: Period[];
  acknowledged: boolean;
  pinned: boolean;
  createdAt: number;
  url?: string;
  /** Email-sourced events (6.1+). */
  sender?: string;
  /** Either documented layout, kept as sent. */
  details: unknown;
}

export interface AiAnalystGroupEvent {
  uuid: string;
  start: number | null;
  title: string | null;
  triggerDid: number | null;
  visible: boolean;
  acknowledged?: boolean;
}

export interface AiAnalystGroup {
  id: string;
  category: string | null;
  /** 0–100. */
  groupScore: number | null;
  active: boolean;
  acknowledged: boolean;
  pinned: boolean;
  previousIds: string[];
  incidentEvents: AiAnalystGroupEvent[];
  mitreTactics: string[];
  devices: number[];
  initialDevices: number[];
  start: number | null;
  end: number | null;
}

export interface IntelFeedEntry {
  name: string;
  description: string | null;
  /** Expiry as epoch ms (UTC), null when the entry never expires. */
  expiresAt: number | null;
  /** 0–100. */
  strength: number | null;
  iagn: boolean;
}

/** What `/status` says about the appliance (the fields `doctor` prints). */
export interface DarktraceStatus {
  version: string | null;
  hostname: string | null;
  label: string | null;
  uuid: string | null;
  type: string | null;
  /** Server time as the appliance prints it (odd formats exist). */
  time: string | null;
  raw: Record<string, unknown>;
}

/** The answer to an intel-feed add/remove; counters are null when this version does not send them. */
export interface IntelFeedWriteResult {
  added: number | null;
  updated: number | null;
}

export interface ParseReject {
  /** The record's Darktrace id (pbid, event id…) when it could be read. */
  id?: string | number;
  reason: string;
  raw: unknown;
}

/** A list parser's answer: never throws on one bad record, the ingest quarantines the rejects. */
export interface ParseResult<T> {
  records: T[];
  rejects: ParseReject[];
}
