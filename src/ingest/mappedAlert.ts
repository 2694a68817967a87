import type { MappedDevice } from './mapDevice.ts';

export type AlertKind = 'model_breach' | 'ai_analyst';

export const EVENT_TYPE: Record<AlertKind, string> = { model_breach: 'Model Breach', ai_analyst: 'AI Analyst' };

export interface MappedAttribute {
  name: string;
  value: string;
}

/** A Darktrace alert in ThreatQ's terms, ready to plan and write. */
export interface MappedAlert {
  kind: AlertKind;
  darktraceId: string;
  /** Unique and stable: it ends with the Darktrace id, and is how a crashed write is found again. */
  title: string;
  alertTime: number;
  event: {
    typeName: string;
    /** `YYYY-MM-DD HH:MM:SS`, UTC. */
    happenedAt: string;
    /** HTML; every Darktrace string in it is escaped. */
    description: string;
    attributes: MappedAttribute[];
  };
  devices: MappedDevice[];
  /** Changes when anything ThreatQ shows for the alert changes (title excluded: it never changes). */
  contentHash: string;
}

/** Attribute names that may appear several times on one event; the others hold one value. */
export const MULTI_VALUED_ATTRIBUTES = new Set(['MITRE ATT&CK Technique', 'MITRE ATT&CK Tactic', 'Darktrace Related Breach']);
