import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { EXIT } from '../../errors.ts';
import type { CliIo } from '../io.ts';

export interface DemoOptions {
  io: CliIo;
  /** Keep the throw-away config directory and print its path. */
  keep: boolean;
  /** Size of the generated data. */
  breaches: number;
  seed: number;
  run: (argv: string[], io: CliIo) => Promise<number>;
}

/**
 * `demo`: both simulators on loopback over HTTPS (self-signed, trusted through the CA-file
 * settings exactly as a user would configure a real appliance), seeded data with every
 * payload quirk and hostile strings, a throw-away configuration, then the real `run` twice —
 * the second run shows that nothing is written again — and a look at what landed.
 */
export async function demo(o: DemoOptions): Promise<number> {
  const { startSims } = await import('../../sim/startSims.ts');
  const out = (line = '') => o.io.stdout.write(line + '\n');
  const sims = await startSims({
    tls: true,
    seed: o.seed,
    darktrace: { seedCounts: { breaches: o.breaches, aiEvents: Math.max(2, Math.round(o.breaches / 8)), devices: Math.max(4, Math.round(o.breaches / 3)), days: 4, intelFeedEntries: 5, intelFeedSource: 'Analyst hand-picks' } },
    threatq: { seedCollections: [{ name: 'Export to Darktrace', size: 60 }, { name: 'High Confidence C2', size: 30 }] },
  });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tq-conn-darktrace-demo-'));
  try {
    const { connectorEnvFor } = await import('../../sim/connectorEnv.ts');
    const env: NodeJS.ProcessEnv = { ...o.io.env, ...connectorEnvFor(sims, dir, ['Export to Darktrace', 'High Confidence C2']) };
    out('tq-conn-darktrace demo: simulators of Darktrace and ThreatQ are running on loopback');
    out(`  Darktrace  ${sims.darktrace.url}  (${sims.darktrace.seeded?.breaches ?? 0} model breaches, ${sims.darktrace.seeded?.events ?? 0} AI Analyst events, ${sims.darktrace.seeded?.devices ?? 0} devices)`);
    out(`  ThreatQ    ${sims.threatq.url}  (collections 'Export to Darktrace' and 'High Confidence C2', with hostile values)`);
    out(`  Config     ${dir} (settings from the environment; CA files for the self-signed certificates)`);
    out();
    const sub = (extra: string[]) => {
      const captured = new PassThrough();
      let text = '';
      captured.on('data', (d) => (text += d));
      return o.run(['-c', dir, ...extra], { ...o.io, env, stdout: captured, isTTY: false, cwd: dir }).then((code) => ({ code, text }));
    };
    out('$ tq-conn-darktrace run            # first run: everything is new');
    const first = await sub(['run']);
    o.io.stdout.write(indent(first.text));
    if (first.code !== EXIT.ok) return first.code;
    out();
    out('$ tq-conn-darktrace run -hist 4    # again over the same window: nothing is written twice');
    const second = await sub(['run', '-hist', '4']);
    o.io.stdout.write(indent(second.text));
    out();

    const store = sims.threatq.sim.store;
    const events = store.listEvents();
    const byType = new Map<string, number>();
    for (const e of events) byType.set(e.typeName, (byType.get(e.typeName) ?? 0) + 1);
    out('What landed in ThreatQ:');
    out(`  events: ${[...byType].map(([t, n]) => `${n} ${t}`).join(', ')}`);
    for (const e of events.slice(0, 4)) out(`    #${e.id} ${e.title}`);
    out(`  indicators: ${store.listIndicators().filter((i) => i.sources.includes('Darktrace')).length} from Darktrace devices; assets: ${store.listAssets().length}`);
    out();
    const feed = sims.darktrace.sim.intelFeedEntries('ThreatQ');
    out(`Darktrace intel feed, source 'ThreatQ': ${feed.length} entries (other sources untouched: ${sims.darktrace.sim.intelFeedSources().filter((s) => s !== 'ThreatQ').join(', ') || 'none'})`);
    for (const e of feed.slice(0, 5)) out(`    ${e.name}  expires ${e.expiry === null ? 'never' : new Date(e.expiry).toISOString().slice(0, 19).replace('T', ' ')}`);
    out();
    out('$ tq-conn-darktrace history');
    const h = await sub(['history']);
    o.io.stdout.write(indent(h.text));
    out('$ tq-conn-darktrace history skipped --limit 5');
    const s = await sub(['history', 'skipped', '--limit', '5']);
    o.io.stdout.write(indent(s.text));
    if (o.keep) out(`\nKept the demo configuration and state in ${dir}`);
    return second.code;
  } finally {
    await sims.close();
    if (!o.keep) rmSync(dir, { recursive: true, force: true });
  }
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => (l ? '  ' + l : l))
    .join('\n');
}
