import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../../clock.ts';
import type { ThreatQStore } from './store.ts';

export interface ThreatQCredentials {
  clientId: string;
  email: string;
  password: string;
}

export interface ThreatQPrivateClient {
  clientId: string;
  clientSecret: string;
}

export interface ThreatQSimOptions {
  clock?: Clock;
  /** Access-token lifetime, answered as `expires_in` (default 3600). */
  tokenTtlSeconds?: number;
  /** Refresh-token lifetime (default 14 days). */
  refreshTtlSeconds?: number;
  /** Answer 401 to `Authorization: bearer …` as ThreatQ did in Kibana's live test (default true). */
  rejectLowercaseBearer?: boolean;
  /** The Asset object's URL segment as /api/objects lists it (default 'asset'); null = no Asset object. */
  assetCollection?: 'asset' | 'assets' | null;
  /** Also answer under the other spelling (default true); false serves only `assetCollection`. */
  assetAlias?: boolean;
  credentials?: Partial<ThreatQCredentials>;
  /** The private OAuth client for the client-credentials grant. */
  privateClient?: Partial<ThreatQPrivateClient>;
  /** `limit` of list and query answers when the request gives none (default 25). */
  defaultLimit?: number;
}

export interface ThreatQSim {
  /** A plain node:http request listener. */
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  credentials: ThreatQCredentials;
  privateClient: ThreatQPrivateClient;
  store: ThreatQStore;
  /** Expires every access token now (and refresh tokens with `{ refresh: true }`). */
  expireAllTokens(options?: { refresh?: boolean }): void;
  /** Token pairs issued so far (logins + refreshes + client credentials). */
  tokensIssued(): number;
  /** Requests per route, keyed like "POST /api/events/consume" or "GET /api/indicators/:id#". */
  requestCounts(): Record<string, number>;
  /** Requests for one route key (0 when none). */
  requestCount(route: string): number;
  resetRequestCounts(): void;
  /** Forgets the answers of saved searches, so the next walk of each runs its query again (benchmarks: each client pays it). */
  forgetQueryAnswers(): void;
}
