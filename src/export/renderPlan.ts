import type { ExportPlan, PlanCounts } from './exportPlan.ts';

export interface RenderPlanOptions {
  differential: boolean;
  format: 'text' | 'json';
  source: string;
  expiresAt: number | null;
  out: (text: string) => void;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * Prints a dry run's plan. Both formats are written page by page, so a plan of a million
 * entries never becomes one string. The JSON document is
 * `{dryRun, source, differential, expiresAt, counts, add[], restore[], refresh[], remove[], skip[]}`.
 */
export function renderPlan(plan: ExportPlan, counts: PlanCounts, options: RenderPlanOptions): void {
  // Lines are gathered into ~64 kB writes: a million one-line writes cost a system call each.
  let pending = '';
  const o: RenderPlanOptions = {
    ...options,
    out: (text) => {
      pending += text;
      if (pending.length >= 65_536) {
        options.out(pending);
        pending = '';
      }
    },
  };
  try {
    if (o.format === 'json') renderJson(plan, counts, o);
    else renderText(plan, counts, o);
  } finally {
    if (pending !== '') options.out(pending);
  }
}

function renderText(plan: ExportPlan, counts: PlanCounts, o: RenderPlanOptions): void {
  const c = counts;
  o.out(
    o.differential
      ? `Export plan (dry run) for intel-feed source '${o.source}': ${c.add} to add, ${c.restore} to restore, ${c.refresh} to refresh, ${c.remove} to remove, ${c.unchanged} unchanged, ${c.skipped} skipped\n`
      : `Export plan (dry run, -d non-differential) for source '${o.source}': ${c.desired} to push, nothing removed, ${c.skipped} skipped\n`,
  );
  o.out(`Entries sent ${o.expiresAt === null ? 'never expire' : `expire at ${iso(o.expiresAt)!.replace('T', ' ').slice(0, 19)} UTC`}.\n`);
  const col = (list: string[]) => (list.length ? `  (${list.join(', ')})` : '');
  if (o.differential) {
    for (const page of plan.adds()) for (const e of page) o.out(`+ ${e.restore ? 'restore' : 'add    '}  ${e.value}${col(e.collections)}\n`);
    for (const page of plan.refreshes()) for (const e of page) o.out(`~ refresh  ${e.value}${col(e.collections)}\n`);
    for (const page of plan.removes()) for (const e of page) o.out(`- remove   ${e.value}\n`);
  } else {
    for (const page of plan.all()) for (const e of page) o.out(`+ push     ${e.value}${col(e.collections)}\n`);
  }
  for (const page of plan.skips()) for (const s of page) o.out(`! skip     ${JSON.stringify(s.rawValue)} (${s.type} in ${s.collections.join(', ')}): ${s.reason}\n`);
  o.out('Nothing was changed (dry run).\n');
}

function renderJson(plan: ExportPlan, counts: PlanCounts, o: RenderPlanOptions): void {
  o.out(`{"dryRun":true,"source":${JSON.stringify(o.source)},"differential":${o.differential},"expiresAt":${JSON.stringify(iso(o.expiresAt))},"counts":${JSON.stringify(counts)}`);
  const list = <T>(name: string, pages: Iterable<T[]>, map: (x: T) => unknown) => {
    o.out(`,${JSON.stringify(name)}:[`);
    let first = true;
    for (const page of pages) {
      for (const x of page) {
        o.out((first ? '' : ',') + JSON.stringify(map(x)));
        first = false;
      }
    }
    o.out(']');
  };
  const entry = (e: { value: string; collections: string[] }) => ({ value: e.value, collections: e.collections });
  if (o.differential) {
    // Two passes over the pages rather than one list of every add in memory.
    list('add', (function* () {
      for (const page of plan.adds()) yield page.filter((e) => !e.restore);
    })(), entry);
    list('restore', (function* () {
      for (const page of plan.adds()) yield page.filter((e) => e.restore);
    })(), entry);
    list('refresh', plan.refreshes(), entry);
    list('remove', plan.removes(), (e) => ({ value: e.value }));
  } else {
    list('push', plan.all(), entry);
  }
  list('skip', plan.skips(), (s) => ({ value: s.rawValue, type: s.type, collections: s.collections, reason: s.reason }));
  o.out('}\n');
}
