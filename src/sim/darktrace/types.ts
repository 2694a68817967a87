/**
 * Records the simulated Darktrace keeps. They are close to the wire shapes (so the seed can be
 * modelled on real payloads) but hold the canonical state once: acknowledged as a record, devices
 * by did, incident scores on the group. The presenters turn them into each endpoint's JSON.
 */

/** A model definition as it appears under `model.then` / `model.now` (opaque beyond these keys). */
export interface SimModel {
  name: string;
  pid: number;
  phid: number;
  uuid: string;
  priority: number;
  category: 'Informational' | 'Suspicious' | 'Critical';
  compliance: boolean;
  description?: string;
  [key: string]: unknown;
}

export interface SimAcknowledgement {
  time: number;
  username: string;
}

/** How `acknowledged` is written on the wire: 6.2 boolean, some versions `{time, username}`, older data none. */
export type AcknowledgedStyle = 'boolean' | 'object' | 'absent';

export interface SimComment {
  time: number;
  username: string;
  message: string;
  commentid: number;
}

export interface SimBreach {
  pbid: number;
  /** First activity that met the model (epoch ms); the default window filters on this. */
  time: number;
  /** When the alert record was created (epoch ms, >= time; late-created breaches have a big gap). */
  creationTime: number;
  /** 0–1. */
  score: number;
  /** The device's did; -1 for system breaches (wire: `{"did": -1}`). */
  did: number;
  acknowledged: SimAcknowledgement | null;
  /** Per-record wire style, used when the simulator was not given one. */
  acknowledgedStyle?: AcknowledgedStyle;
  /** Model at alert time and today (the same object when never edited). */
  model: { then: SimModel; now: SimModel };
  /** Components without `device`; the presenter adds it when `deviceattop=false`. */
  triggeredComponents: Record<string, unknown>[];
  comments: SimComment[];
  mitreTechniques?: { technique: string; techniqueID: string }[];
  /** Filled by linking AI Analyst events: `{uuid, related: [pbid], summariser}`. */
  aianalystData?: { uuid: string; related: number[]; summariser: string }[];
}

/** One device as the store knows it; absent attributes stay absent on the wire. */
export interface SimDevice {
  did: number;
  sid: number;
  ip?: string;
  ips?: { ip: string; timems: number; time: string; sid: number }[];
  macaddress?: string;
  vendor?: string;
  hostname?: string;
  os?: string;
  devicelabel?: string;
  typename: string;
  typelabel: string;
  /** Omitted on the wire when 0. */
  priority?: number;
  firstSeen: number;
  lastSeen: number;
  credentials?: { credential: string; lastSeen: number }[];
  tags?: Record<string, unknown>[];
}

/** `breachDevices[]` entry; any field may be null. */
export interface SimBreachDevice {
  identifier: string | null;
  hostname: string | null;
  ip: string | null;
  mac: string | null;
  subnet: string | null;
  did: number | null;
  sid: number | null;
}

export interface SimAiEvent {
  id: string;
  createdAt: number;
  title: string;
  summary: string;
  summariser: string;
  /** 0–100. */
  aiaScore: number;
  category: 'critical' | 'suspicious' | 'compliance';
  /** Incident id with the `g` prefix; the group record holds its score and history. */
  currentGroup: string;
  acknowledged: boolean;
  pinned: boolean;
  userTriggered: boolean;
  externalTriggered: boolean;
  attackPhases: number[];
  mitreTactics: string[];
  periods: { start: number; end: number }[];
  breachDevices: SimBreachDevice[];
  relatedBreaches: { modelName: string; pbid: number; threatScore: number; timestamp: number }[];
  /** Either layout (older array of arrays, newer blocks); opaque. */
  details: unknown[];
  explanations?: unknown[];
  figures?: unknown[];
  /** Email-sourced events (6.1+); then breachDevices is empty. */
  sender?: string;
  activityId: string;
  groupingIds: string[];
  /** Legacy quirk: this event reports its incident score as a string. */
  groupScoreAsString?: boolean;
  /** Legacy quirk: `groupPreviousGroups: null` instead of `[]` when there is no history. */
  previousGroupsNull?: boolean;
  comments: { time: number; username: string; message: string }[];
}

export interface SimGroup {
  /** `g…` */
  id: string;
  /** 0–100 float. */
  score: number;
  category: 'critical' | 'suspicious' | 'compliance';
  /** Ids of incidents merged into this one, oldest first. */
  previousIds: string[];
  active: boolean;
  /** Event ids, in order of creation. */
  eventIds: string[];
}

export interface IntelFeedEntryView {
  name: string;
  source: string;
  description: string;
  /** Epoch ms, or null when the entry never expires. */
  expiry: number | null;
  strength: number;
  iagn: boolean;
  hostname: boolean;
}

export interface IntelFeedAddOptions {
  description?: string;
  /** Epoch ms; null/undefined = never. */
  expiry?: number | null;
  strength?: number;
  iagn?: boolean;
  hostname?: boolean;
}

export interface IntelFeedChange {
  added: number;
  updated: number;
}
