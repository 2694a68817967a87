import type { IndicatorQueryEngine } from './queryEngine.ts';
import type { ObjectKind } from './records.ts';
import type { ThreatQStore } from './store.ts';

/** What every route module gets. */
export interface SimContext {
  store: ThreatQStore;
  engine: IndicatorQueryEngine;
  /** `limit` when a list request gives none. */
  defaultLimit: number;
  /** URL segment of the Asset object as /api/objects lists it; null = instance without assets. */
  assetCollection: 'asset' | 'assets' | null;
  /** Asset segments that answer (the listed one, plus its alias unless disabled). */
  assetSegments: string[];
}

/** URL segment → object kind, or undefined for collections the simulator does not model. */
export function kindOfSegment(ctx: SimContext, segment: string): ObjectKind | undefined {
  if (segment === 'indicators') return 'indicator';
  if (segment === 'events') return 'event';
  if (ctx.assetSegments.includes(segment)) return 'asset';
  return undefined;
}
