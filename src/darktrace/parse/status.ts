import type { DarktraceStatus } from '../types.ts';
import { asObj, text } from './values.ts';

/** `GET /status`; undefined when the answer is not an object. */
export function parseStatus(body: unknown): DarktraceStatus | undefined {
  const o = asObj(body);
  if (!o) return undefined;
  return {
    version: text(o.version),
    hostname: text(o.hostname),
    label: text(o.label),
    uuid: text(o.uuid),
    type: text(o.type),
    time: text(o.time),
    raw: o,
  };
}
