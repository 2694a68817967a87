import { readFileSync } from 'node:fs';

/**
 * This process's own peak resident memory, in KiB. `process.resourceUsage().maxRSS` also
 * counts the parent's memory as it was copied at fork, before exec: a child of a 1.5 GB
 * benchmark would report 1.5 GB. Linux's VmHWM belongs to this process alone; maxRSS is the
 * fallback where /proc is missing.
 */
export function ownPeakRssKiB(): number {
  try {
    const hwm = /^VmHWM:\s*(\d+)\s*kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Number(hwm[1]);
  } catch {
    // Not Linux: no /proc.
  }
  return process.resourceUsage().maxRSS;
}
