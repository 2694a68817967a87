import type { DarktraceClient } from '../darktrace/client.ts';
import type { AiAnalystEvent, ModelBreach, ParseResult } from '../darktrace/types.ts';

/** Where the ingest reads alerts from: the Darktrace client in production. */
export interface AlertSource {
  /** Breaches created in [from, to): creation time, so a breach recorded late is not missed. */
  breaches(fromMs: number, toMs: number, minScore: number): Promise<ParseResult<ModelBreach>>;
  aiEvents(fromMs: number, toMs: number, minScore: number): Promise<ParseResult<AiAnalystEvent>>;
  breach(pbid: number): Promise<ModelBreach | undefined>;
  aiEvent(id: string): Promise<AiAnalystEvent | undefined>;
}

export function darktraceAlertSource(client: DarktraceClient): AlertSource {
  return {
    breaches: (fromMs, toMs, minScore) =>
      client.modelBreaches({ startMs: fromMs, endMs: toMs }, { creationTime: true, includeAcknowledged: true, minScore: minScore > 0 ? minScore : undefined }),
    // AI Analyst scores are filtered after mapping: the API's minimum applies to the incident, not the event.
    aiEvents: (fromMs, toMs) => client.aiAnalystEvents({ startMs: fromMs, endMs: toMs }, { includeAcknowledged: true }),
    breach: (pbid) => client.modelBreach(pbid),
    aiEvent: (id) => client.aiAnalystEvent(id),
  };
}
