import { createHash } from 'node:crypto';

/**
 * An alert's content hash: `<full>:<description>.<attributes>.<devices>`. The full hash (32 hex,
 * what earlier versions stored alone) says whether anything changed; the part hashes say what,
 * so an update writes only that: the event when its description changed, the attributes when
 * they changed, the device links when the devices changed.
 */
export function contentHash(description: string, happenedAt: string, sortedAttributes: unknown, devices: unknown): string {
  const d = JSON.stringify(description);
  const a = JSON.stringify(sortedAttributes);
  const v = JSON.stringify(devices);
  const full = sha(`[${d},${a},${v}]`, 32);
  return `${full}:${sha(`${d}\n${happenedAt}`, 12)}.${sha(a, 12)}.${sha(v, 12)}`;
}

export interface ChangedParts {
  description: boolean;
  attributes: boolean;
  devices: boolean;
}

/**
 * What changed between the stored hash and the current one; undefined when nothing did (the
 * full hashes agree, whatever the format). A stored hash without parts (an older version's) has
 * every part changed.
 */
export function changedParts(stored: string, current: string): ChangedParts | undefined {
  if (stored.slice(0, 32) === current.slice(0, 32)) return undefined;
  const was = stored.split(':')[1]?.split('.') ?? [];
  const now = current.split(':')[1]?.split('.') ?? [];
  const differs = (i: number) => was[i] === undefined || was[i] !== now[i];
  return { description: differs(0), attributes: differs(1), devices: differs(2) };
}

function sha(text: string, hexChars: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, hexChars);
}
