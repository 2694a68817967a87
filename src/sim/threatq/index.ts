/**
 * A loopback ThreatQ: the REST surface the Darktrace connector and its look-alikes use, with
 * ThreatQ's envelopes, error shapes, date format and refusals, over an in-memory store sized
 * for a million indicators. `handler` is a plain request listener; wrapping it in a server
 * (TLS, faults) is the caller's business.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { systemClock } from '../../clock.ts';
import type { SimContext } from './context.ts';
import { IndicatorQueryEngine } from './queryEngine.ts';
import { parseBody, readBody } from './request.ts';
import type { SimRequest } from './request.ts';
import { Router } from './router.ts';
import type { Reply } from './router.ts';
import { registerAssetRoutes } from './routes/assetRoutes.ts';
import { registerContextRoutes } from './routes/contextRoutes.ts';
import { registerEventRoutes } from './routes/eventRoutes.ts';
import { registerIndicatorRoutes } from './routes/indicatorRoutes.ts';
import { registerLookupRoutes } from './routes/lookupRoutes.ts';
import { registerSearchRoutes } from './routes/searchRoutes.ts';
import { tokenRoute } from './routes/tokenRoute.ts';
import { SimError, unauthorized } from './simError.ts';
import { ThreatQStore } from './store.ts';
import { TokenBook } from './tokens.ts';
import type { ThreatQSim, ThreatQSimOptions } from './types.ts';

export type { ThreatQCredentials, ThreatQPrivateClient, ThreatQSim, ThreatQSimOptions } from './types.ts';
export { ThreatQStore } from './store.ts';
export type { CollectionOptions, IndicatorInput, IndicatorPatch } from './store.ts';
export type { AssetView, EventView, IndicatorView, ObjectKind, RelationView } from './records.ts';
export { formatTqDate, parseTqDate } from './dates.ts';

const DEFAULT_CREDENTIALS = { clientId: 'sim-client-id', email: 'connector@threatq.example', password: 'sim-password-Q7!' };
const DEFAULT_PRIVATE = { clientId: 'sim-private-client', clientSecret: 'sim-private-secret' };

function send(res: ServerResponse, reply: Reply): void {
  const status = reply.status ?? 200;
  if (reply.json !== undefined && status !== 204) {
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(reply.json) });
    res.end(reply.json);
    return;
  }
  if (status === 204 || reply.body === undefined) {
    res.writeHead(status, { 'content-length': '0' });
    res.end();
    return;
  }
  const text = JSON.stringify(reply.body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** `Bearer <token>` with a capital B (ThreatQ refused lowercase in a live test) and a live token. */
function checkBearer(header: string | undefined, tokens: TokenBook, rejectLowercase: boolean): void {
  const m = /^(\S+)\s+(\S+)\s*$/.exec(header ?? '');
  if (!m) throw unauthorized();
  const scheme = m[1] as string;
  const ok = rejectLowercase ? scheme === 'Bearer' : scheme.toLowerCase() === 'bearer';
  if (!ok || !tokens.isValid(m[2] as string)) throw unauthorized();
}

export function createThreatQSim(options: ThreatQSimOptions = {}): ThreatQSim {
  const clock = options.clock ?? systemClock;
  const credentials = { ...DEFAULT_CREDENTIALS, ...options.credentials };
  const privateClient = { ...DEFAULT_PRIVATE, ...options.privateClient };
  const rejectLowercase = options.rejectLowercaseBearer ?? true;
  const assetCollection = options.assetCollection === undefined ? 'asset' : options.assetCollection;
  const assetSegments = assetCollection === null ? [] : options.assetAlias === false ? [assetCollection] : [assetCollection, assetCollection === 'asset' ? 'assets' : 'asset'];

  const store = new ThreatQStore({ clock });
  const engine = new IndicatorQueryEngine(store);
  const tokens = new TokenBook({ clock, ttlSeconds: options.tokenTtlSeconds ?? 3600, refreshTtlSeconds: options.refreshTtlSeconds ?? 14 * 86_400 });
  const ctx: SimContext = { store, engine, defaultLimit: options.defaultLimit ?? 25, assetCollection, assetSegments };

  const router = new Router();
  router.add('POST', '/api/token', tokenRoute({ tokens, credentials, privateClient }), { auth: false });
  registerLookupRoutes(router, ctx);
  registerSearchRoutes(router, ctx);
  registerEventRoutes(router, ctx);
  registerIndicatorRoutes(router, ctx);
  registerAssetRoutes(router, ctx);
  registerContextRoutes(router, ctx);

  const counts = new Map<string, number>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://threatq.sim');
    const match = router.match(method, url.pathname);
    const countKey = match.kind === 'route' ? match.name : `${method} (unmatched)`;
    counts.set(countKey, (counts.get(countKey) ?? 0) + 1);
    try {
      const raw = await readBody(req);
      if (match.kind === 'none') throw new SimError(404, { errors: [`No route for ${method} ${url.pathname}`] });
      if (match.kind === 'method') throw new SimError(405, { errors: [`${method} is not allowed here; use ${match.allowed.join(', ')}`] });
      if (match.auth) checkBearer(req.headers.authorization, tokens, rejectLowercase);
      const { json, form } = parseBody(raw, req.headers['content-type']);
      const simReq: SimRequest = { method, path: url.pathname, query: url.searchParams, headers: req.headers, json, form, params: match.params };
      send(res, await match.handler(simReq));
    } catch (error) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof SimError) send(res, { status: error.status, body: error.body });
      else send(res, { status: 500, body: { errors: [`Simulator failure: ${error instanceof Error ? error.message : String(error)}`] } });
    }
  }

  return {
    handler: (req, res) => {
      void handle(req, res);
    },
    credentials,
    privateClient,
    store,
    expireAllTokens: (o) => tokens.expireAll(o),
    tokensIssued: () => tokens.issuedCount,
    requestCounts: () => Object.fromEntries(counts),
    requestCount: (route) => counts.get(route) ?? 0,
    resetRequestCounts: () => counts.clear(),
    forgetQueryAnswers: () => engine.forgetAnswers(),
  };
}
