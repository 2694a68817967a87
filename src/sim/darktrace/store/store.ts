/**
 * Everything the simulated appliance knows: model breaches, AI Analyst events and their incidents
 * (one store, so `incidentevents` and `groups` always agree), devices and the intel feed. Routes,
 * the seed and tests all go through these methods.
 */
import type { SimAiEvent, SimBreach, SimDevice, SimGroup } from '../types.ts';
import { IntelFeed } from './intelFeed.ts';

export class SimNotFoundError extends Error {
  constructor(what: string) {
    super(`${what} does not exist in the Darktrace simulator`);
    this.name = 'SimNotFoundError';
  }
}

export class DarktraceStore {
  readonly breaches = new Map<number, SimBreach>();
  readonly devices = new Map<number, SimDevice>();
  readonly events = new Map<string, SimAiEvent>();
  readonly groups = new Map<string, SimGroup>();
  readonly intelFeed: IntelFeed;
  /** Simulated server time (sim clock plus the configured offset). */
  readonly now: () => number;
  #sortedBreaches: SimBreach[] | null = null;
  #byCreation: SimBreach[] | null = null;
  #nextPbid = 1;
  #nextCommentId = 1;

  constructor(now: () => number) {
    this.now = now;
    this.intelFeed = new IntelFeed(now);
  }

  // ----- breaches -----

  /** Adds or replaces a breach; its device does not have to exist (it is then shown as `{did}`). */
  putBreach(breach: SimBreach): SimBreach {
    this.breaches.set(breach.pbid, breach);
    if (breach.pbid >= this.#nextPbid) this.#nextPbid = breach.pbid + 1;
    this.#sortedBreaches = null;
    this.#byCreation = null;
    return breach;
  }

  nextPbid(): number {
    return this.#nextPbid;
  }

  /** Breaches sorted by `time` (ties by pbid); cached until a breach is added. */
  breachesByTime(): readonly SimBreach[] {
    this.#sortedBreaches ??= [...this.breaches.values()].sort((a, b) => a.time - b.time || a.pbid - b.pbid);
    return this.#sortedBreaches;
  }

  /** Breaches sorted by `creationTime` (ties by pbid), for `creationtime=true` windows; cached until a breach is added. */
  breachesByCreation(): readonly SimBreach[] {
    this.#byCreation ??= [...this.breaches.values()].sort((a, b) => a.creationTime - b.creationTime || a.pbid - b.pbid);
    return this.#byCreation;
  }

  breach(pbid: number): SimBreach {
    const b = this.breaches.get(pbid);
    if (!b) throw new SimNotFoundError(`Model breach pbid ${pbid}`);
    return b;
  }

  acknowledgeBreach(pbid: number, username = 'sim.user'): void {
    const b = this.breach(pbid);
    b.acknowledged ??= { time: this.now(), username };
  }

  unacknowledgeBreach(pbid: number): void {
    this.breach(pbid).acknowledged = null;
  }

  setBreachScore(pbid: number, score: number): void {
    if (!(score >= 0 && score <= 1)) throw new RangeError(`A breach score is 0–1, got ${score}`);
    this.breach(pbid).score = score;
  }

  addBreachComment(pbid: number, message: string, username = 'sim.user'): { time: number; commentid: number } {
    const b = this.breach(pbid);
    const comment = { time: this.now(), username, message, commentid: this.#nextCommentId++ };
    b.comments.push(comment);
    return comment;
  }

  // ----- devices -----

  putDevice(device: SimDevice): SimDevice {
    this.devices.set(device.did, device);
    return device;
  }

  // ----- AI Analyst -----

  /** Adds an event; its group is created (score/category from `group`) when missing. */
  putEvent(event: SimAiEvent, group?: Partial<Omit<SimGroup, 'id' | 'eventIds'>>): SimAiEvent {
    const previous = this.events.get(event.id);
    if (previous && previous.currentGroup !== event.currentGroup) this.#detach(previous);
    this.events.set(event.id, event);
    let g = this.groups.get(event.currentGroup);
    if (!g) {
      g = {
        id: event.currentGroup,
        score: group?.score ?? event.aiaScore,
        category: group?.category ?? event.category,
        previousIds: group?.previousIds ?? [],
        active: group?.active ?? true,
        eventIds: [],
      };
      this.groups.set(g.id, g);
    }
    if (!g.eventIds.includes(event.id)) g.eventIds.push(event.id);
    return event;
  }

  event(id: string): SimAiEvent {
    const e = this.events.get(id);
    if (!e) throw new SimNotFoundError(`AI Analyst event ${id}`);
    return e;
  }

  group(id: string): SimGroup {
    const g = this.groups.get(id);
    if (!g) throw new SimNotFoundError(`AI Analyst incident ${id}`);
    return g;
  }

  groupEvents(group: SimGroup): SimAiEvent[] {
    const out: SimAiEvent[] = [];
    for (const id of group.eventIds) {
      const e = this.events.get(id);
      if (e) out.push(e);
    }
    return out;
  }

  /**
   * Merges incident `fromId` into `intoId` as AI Analyst does later on: every event of `from`
   * gets `currentGroup = intoId`, `into` records `from` (and `from`'s own history) in its previous
   * ids, its score becomes the higher of the two, and `from` disappears.
   */
  mergeIncident(fromId: string, intoId: string): void {
    if (fromId === intoId) throw new RangeError(`Cannot merge incident ${fromId} into itself`);
    const from = this.group(fromId);
    const into = this.group(intoId);
    for (const id of from.eventIds) {
      const e = this.events.get(id);
      if (!e) continue;
      e.currentGroup = intoId;
      into.eventIds.push(id);
    }
    into.previousIds.push(...from.previousIds, fromId);
    into.score = Math.max(into.score, from.score);
    into.category = worse(into.category, from.category);
    this.groups.delete(fromId);
  }

  acknowledgeEvents(ids: readonly string[], acknowledged: boolean): void {
    for (const id of ids) this.event(id).acknowledged = acknowledged;
  }

  pinEvents(ids: readonly string[], pinned: boolean): void {
    for (const id of ids) this.event(id).pinned = pinned;
  }

  #detach(event: SimAiEvent): void {
    const g = this.groups.get(event.currentGroup);
    if (!g) return;
    g.eventIds = g.eventIds.filter((id) => id !== event.id);
  }
}

const RANK = { compliance: 0, suspicious: 1, critical: 2 } as const;

function worse<T extends keyof typeof RANK>(a: T, b: T): T {
  return RANK[a] >= RANK[b] ? a : b;
}
