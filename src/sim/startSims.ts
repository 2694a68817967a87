/**
 * Starts the Darktrace and ThreatQ simulators side by side on loopback, seeded
 * deterministically, and gives back one object to drive them and one close() for both.
 */
import { startSimServer } from './common/startSimServer.ts';
import type { SimHandler, SimServer } from './common/startSimServer.ts';
import { createDarktraceSim, seedDarktrace } from './darktrace/index.ts';
import type { DarktraceSim, DarktraceSimOptions, SeedDarktraceOptions, SeedSummary } from './darktrace/index.ts';
import { createThreatQSim } from './threatq/index.ts';
import type { ThreatQSim, ThreatQSimOptions } from './threatq/index.ts';
import { seedThreatQ } from './threatq/seed.ts';
import type { SeedCollectionSpec, SeedResult } from './threatq/seed.ts';

/** What startSims needs from a simulator; the real ones carry more (stores, clocks, ...). */
export interface DarktraceSimShape {
  handler: SimHandler;
  credentials: { publicToken: string; privateToken: string };
}
export interface ThreatQSimShape {
  handler: SimHandler;
  credentials: { clientId: string; email: string; password: string };
}

/** How to build and seed each simulator; injected so tests can use trivial handlers. */
export interface SimFactories<DOpt, D extends DarktraceSimShape, DSeed, DRes, TOpt, T extends ThreatQSimShape, TSeed, TRes> {
  darktrace(options: DOpt): D;
  threatq(options: TOpt): T;
  seedDarktrace(sim: NoInfer<D>, counts: DSeed, seed: number): DRes | Promise<DRes>;
  seedThreatQ(sim: NoInfer<T>, collections: TSeed, seed: number): TRes | Promise<TRes>;
}

export interface StartSimsOptions<DOpt, DSeed, TOpt, TSeed> {
  /** HTTPS with fresh self-signed certificates (default) or plain HTTP. */
  tls?: boolean;
  /** Seed for generated data (default 1): the same seed gives the same data. */
  seed?: number;
  darktrace?: DOpt & { seedCounts?: DSeed };
  threatq?: TOpt & { seedCollections?: TSeed };
}

export type RunningSim<S extends { credentials: unknown }, R> = SimServer & {
  sim: S;
  credentials: S['credentials'];
  /** What seeding created; undefined when no counts were given. */
  seeded: R | undefined;
};

export interface RunningSims<D extends DarktraceSimShape, DRes, T extends ThreatQSimShape, TRes> {
  darktrace: RunningSim<D, DRes>;
  threatq: RunningSim<T, TRes>;
  /** Closes both servers, ending hanging connections; safe to call twice. */
  close(): Promise<void>;
}

/** The real simulators. Sim-specific faults (clock offset, token expiry) are their options or methods. */
export type DarktraceSeedCounts = Omit<SeedDarktraceOptions, 'seed'>;
export type SimsOptions = StartSimsOptions<DarktraceSimOptions, DarktraceSeedCounts, ThreatQSimOptions, SeedCollectionSpec[]>;
export type Sims = RunningSims<DarktraceSim, SeedSummary, ThreatQSim, SeedResult>;

const REAL_SIMS = {
  darktrace: createDarktraceSim,
  threatq: createThreatQSim,
  seedDarktrace: (sim: DarktraceSim, counts: DarktraceSeedCounts, seed: number) => seedDarktrace(sim, { ...counts, seed }),
  seedThreatQ: (sim: ThreatQSim, collections: SeedCollectionSpec[], seed: number) => seedThreatQ(sim, { seed, collections }),
};

export function startSims(opts: SimsOptions = {}): Promise<Sims> {
  return startSimsWith(REAL_SIMS, opts);
}

export async function startSimsWith<DOpt, D extends DarktraceSimShape, DSeed, DRes, TOpt, T extends ThreatQSimShape, TSeed, TRes>(
  factories: SimFactories<DOpt, D, DSeed, DRes, TOpt, T, TSeed, TRes>,
  opts: StartSimsOptions<DOpt, DSeed, TOpt, TSeed> = {},
): Promise<RunningSims<D, DRes, T, TRes>> {
  const seed = opts.seed ?? 1;
  const { seedCounts, ...darktraceOptions } = opts.darktrace ?? ({} as DOpt & { seedCounts?: DSeed });
  const { seedCollections, ...threatqOptions } = opts.threatq ?? ({} as TOpt & { seedCollections?: TSeed });

  const darktraceSim = factories.darktrace(darktraceOptions as DOpt);
  const threatqSim = factories.threatq(threatqOptions as TOpt);
  const dtSeeded = seedCounts === undefined ? undefined : await factories.seedDarktrace(darktraceSim, seedCounts, seed);
  const tqSeeded = seedCollections === undefined ? undefined : await factories.seedThreatQ(threatqSim, seedCollections, seed);

  const servers: SimServer[] = [];
  const closeAll = () => Promise.all(servers.map((s) => s.close())).then(() => undefined);
  try {
    const dt = await startSimServer(darktraceSim.handler, { name: 'darktrace', tls: opts.tls });
    servers.push(dt);
    const tq = await startSimServer(threatqSim.handler, { name: 'threatq', tls: opts.tls });
    servers.push(tq);
    let closing: Promise<void> | undefined;
    return {
      darktrace: Object.assign(dt, { sim: darktraceSim, credentials: darktraceSim.credentials, seeded: dtSeeded }),
      threatq: Object.assign(tq, { sim: threatqSim, credentials: threatqSim.credentials, seeded: tqSeeded }),
      close: () => (closing ??= closeAll()),
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
