import type { ThreatQClient } from '../threatq/client.ts';
import { MULTI_VALUED_ATTRIBUTES, type MappedAttribute } from './mappedAlert.ts';

/**
 * Brings an existing event's attributes in line with the alert: single-valued attributes
 * (score, acknowledged, incident…) are added or changed in place, multi-valued ones
 * (MITRE techniques, related breaches) gain the values they lack. Returns the names changed.
 */
export async function applyAttributes(threatq: ThreatQClient, eventId: number, wanted: MappedAttribute[]): Promise<string[]> {
  const existing = await threatq.listAttributes('events', eventId);
  const changed = new Set<string>();
  for (const attr of wanted) {
    if (MULTI_VALUED_ATTRIBUTES.has(attr.name)) {
      if (!existing.some((e) => e.name === attr.name && e.value === attr.value)) {
        await threatq.addAttribute('events', eventId, { name: attr.name, value: attr.value, sources: [{ name: 'Darktrace' }] });
        changed.add(attr.name);
      }
      continue;
    }
    const current = existing.find((e) => e.name === attr.name);
    if (!current) {
      await threatq.addAttribute('events', eventId, { name: attr.name, value: attr.value, sources: [{ name: 'Darktrace' }] });
      changed.add(attr.name);
    } else if (current.value !== attr.value) {
      await threatq.updateAttribute('events', eventId, current.id, attr.value);
      changed.add(attr.name);
    }
  }
  return [...changed];
}
