import type { Writable } from 'node:stream';

/**
 * Progress for long work. On a terminal it redraws one status line at most a few times a
 * second; elsewhere (cron, pipes) it prints nothing, so cron mail stays empty.
 */
export interface Progress {
  update(label: string, done: number, total?: number): void;
  done(): void;
}

export const silentProgress: Progress = { update() {}, done() {} };

export function terminalProgress(out: Writable, now: () => number = Date.now): Progress {
  let last = 0;
  let shown = false;
  return {
    update(label, done, total) {
      const t = now();
      if (t - last < 200) return;
      last = t;
      shown = true;
      const pct = total ? ` (${Math.floor((done / Math.max(total, 1)) * 100)}%)` : '';
      out.write(`\r\x1b[2K${label}: ${done.toLocaleString('en-US')}${total ? ` / ${total.toLocaleString('en-US')}` : ''}${pct}`);
    },
    done() {
      if (shown) out.write('\r\x1b[2K');
      shown = false;
    },
  };
}
