/**
 * The simulated Darktrace appliance: a plain node:http request listener (servers, TLS and fault
 * injection are wrapped around it elsewhere) over an in-memory store, with the inspection and
 * mutation helpers tests need. Signature checking follows darktrace-api.md §1.6 and is written
 * independently of the connector's signer.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../../clock.ts';
import { systemClock } from '../../clock.ts';
import type { DtapiDateFormat } from './auth/parseDtapiDate.ts';
import { verifyRequest } from './auth/verifyRequest.ts';
import { queryParams } from './http/params.ts';
import type { ParamValue, Params } from './http/params.ts';
import { sendJson, sendRedirect, sendText } from './http/respond.ts';
import type { Responder } from './http/respond.ts';
import { RouteError } from './routes/context.ts';
import type { RouteContext } from './routes/context.ts';
import { findRoute } from './routes/router.ts';
import { MODEL_CATALOGUE } from './seed/models.ts';
import { DarktraceStore } from './store/store.ts';
import type {
  AcknowledgedStyle,
  IntelFeedAddOptions,
  IntelFeedChange,
  IntelFeedEntryView,
  SimAiEvent,
  SimBreach,
  SimGroup,
} from './types.ts';

export interface DarktraceCredentials {
  publicToken: string;
  privateToken: string;
}

export interface DarktracePermissions {
  /** Denied endpoints: a path prefix (`/intelfeed`) or method plus prefix (`POST /intelfeed`). */
  deny: readonly string[];
  /** 6.1+: 403 `{"error":"403 Forbidden"}` (default); legacy: 302 to `/403`. */
  style?: 'forbidden' | 'legacyRedirect';
}

export interface DarktraceSimOptions {
  /** Time source for the ±30 min check, the `Date` header, windows and intel-feed expiry. */
  clock?: Clock;
  /** Server clock ahead (+) or behind (−) the injected clock. */
  clockOffsetMs?: number;
  /** true (default): only the exact wire text signs. false: the percent-decoded query/form also signs. */
  strictSignature?: boolean;
  /** Forces one wire style of breach `acknowledged`; unset = each record's own (seeded) style, else boolean. */
  acknowledgedStyle?: AcknowledgedStyle;
  permissions?: DarktracePermissions;
  /** Token valid but without API access: every signed request gets the HTML login page with 200. */
  htmlLoginPage?: boolean;
  credentials?: Partial<DarktraceCredentials>;
  /** 400 as every real appliance answers (default), or the 401 the 6.1 docs claim. */
  authErrorStatus?: 400 | 401;
  /** Refuse some date formats, like a freshly provisioned 7.1.0 refusing the compact one. */
  rejectDateFormats?: readonly DtapiDateFormat[];
  /** `/status` version (default `7.1.0 (4ff13d8c)`). */
  version?: string;
  /** Host used in `breachUrl` / `incidentEventUrl` (default `dt-sim-01.example`). */
  fqdn?: string;
  /** Bodies above this answer 413 (default 256 MiB). */
  maxBodyBytes?: number;
}

/** What can be changed on a running simulator (tests flip these between requests). */
export type DarktraceSimSettings = Pick<
  DarktraceSimOptions,
  'clockOffsetMs' | 'strictSignature' | 'acknowledgedStyle' | 'permissions' | 'htmlLoginPage' | 'authErrorStatus' | 'rejectDateFormats'
>;

export interface NewBreach extends Partial<Omit<SimBreach, 'model'>> {
  /** Catalogue model by exact name (default: the first one). */
  modelName?: string;
  model?: SimBreach['model'];
}

export interface NewEvent extends Partial<SimAiEvent> {
  groupScore?: number;
}

export interface DarktraceSim {
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  credentials: DarktraceCredentials;
  store: DarktraceStore;
  /** Simulated server time (clock + offset). */
  now(): number;
  configure(settings: DarktraceSimSettings): void;

  intelFeedSources(): string[];
  /** Entries of one source (every source when omitted), with expiry as epoch ms or null. */
  intelFeedEntries(source?: string): IntelFeedEntryView[];
  /** A hand edit in the Darktrace UI. */
  addIntelFeedEntries(source: string, names: readonly string[], options?: IntelFeedAddOptions): IntelFeedChange;
  removeIntelFeedEntries(source: string, names: readonly string[]): number;

  addBreach(input?: NewBreach): SimBreach;
  /** A breach whose record was created `delayMs` (default 6 h) after its first activity. */
  addLateBreach(input?: NewBreach & { delayMs?: number }): SimBreach;
  acknowledgeBreach(pbid: number, username?: string): void;
  unacknowledgeBreach(pbid: number): void;
  setBreachScore(pbid: number, score: number): void;
  addBreachComment(pbid: number, message: string, username?: string): void;

  addEvent(input?: NewEvent): SimAiEvent;
  mergeIncident(fromGroupId: string, intoGroupId: string): void;
  acknowledgeEvent(id: string, acknowledged?: boolean): void;
  pinEvent(id: string, pinned?: boolean): void;

  /** Requests seen per path (query excluded), whatever their outcome. */
  requestCount(path: string): number;
  requestCounts(): Record<string, number>;
  resetRequestCounts(): void;
}

const HTML_LOGIN =
  '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Log In | Darktrace</title></head><body><form action="/login" method="post"><input name="username"><input name="password" type="password"></form></body></html>';

export function createDarktraceSim(options: DarktraceSimOptions = {}): DarktraceSim {
  const clock = options.clock ?? systemClock;
  const settings: DarktraceSimSettings = {
    clockOffsetMs: options.clockOffsetMs ?? 0,
    strictSignature: options.strictSignature ?? true,
    acknowledgedStyle: options.acknowledgedStyle,
    permissions: options.permissions,
    htmlLoginPage: options.htmlLoginPage ?? false,
    authErrorStatus: options.authErrorStatus ?? 400,
    rejectDateFormats: options.rejectDateFormats,
  };
  const credentials: DarktraceCredentials = {
    publicToken: options.credentials?.publicToken ?? randomBytes(20).toString('hex'),
    privateToken: options.credentials?.privateToken ?? randomBytes(20).toString('hex'),
  };
  const now = () => clock.now() + (settings.clockOffsetMs ?? 0);
  const store = new DarktraceStore(now);
  const counts = new Map<string, number>();
  const urlBase = `https://${options.fqdn ?? 'dt-sim-01.example'}`;
  const version = options.version ?? '7.1.0 (4ff13d8c)';
  const maxBody = options.maxBodyBytes ?? 256 * 1024 * 1024;
  let eventSerial = 0;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = req.url ?? '/';
    const q = target.indexOf('?');
    const rawPath = q === -1 ? target : target.slice(0, q);
    counts.set(rawPath, (counts.get(rawPath) ?? 0) + 1);
    const method = (req.method ?? 'GET').toUpperCase();

    const body = await readBody(req, maxBody);
    const responder: Responder = { res, now: now() };
    if (body === 'tooLarge') {
      sendJson(responder, 413, { error: 'Request body too large' });
      return;
    }
    const path = rawPath.length > 1 ? rawPath.replace(/\/+$/, '') : rawPath;
    const segments = path.split('/').filter((s) => s !== '');
    const segment = segments[0] ?? '';

    const verdict = verifyRequest(
      { method, target, headers: req.headers, body },
      {
        ...credentials,
        serverNow: responder.now,
        strict: settings.strictSignature ?? true,
        ...(settings.rejectDateFormats ? { rejectDateFormats: settings.rejectDateFormats } : {}),
      },
    );
    if (!verdict.ok) {
      if (verdict.reason === 'noAuth') sendRedirect(responder, '/login');
      else sendJson(responder, settings.authErrorStatus ?? 400, { [segment]: verdict.reason === 'date' ? 'API DATE ERROR' : 'API SIGNATURE ERROR' });
      return;
    }
    if (settings.htmlLoginPage) {
      sendText(responder, 200, HTML_LOGIN, 'text/html; charset=utf-8');
      return;
    }
    const route = findRoute(method, path);
    if (!route) {
      sendRedirect(responder, '/login');
      return;
    }
    if (denied(settings.permissions, method, path)) {
      if (settings.permissions?.style === 'legacyRedirect') sendRedirect(responder, '/403');
      else sendJson(responder, 403, { error: '403 Forbidden' });
      return;
    }

    const params = queryParams(q === -1 ? '' : target.slice(q + 1));
    let bodyKind: RouteContext['bodyKind'] = 'none';
    try {
      if (method !== 'GET' && body.length > 0) bodyKind = overlayBody(params, body, req.headers['content-type']);
    } catch {
      sendJson(responder, 400, { [segment]: 'INPUT ERROR' });
      return;
    }
    const ctx: RouteContext = {
      method,
      path,
      segments,
      params,
      bodyKind,
      store,
      responder,
      now: responder.now,
      acknowledgedStyle: settings.acknowledgedStyle,
      urlBase,
      version,
    };
    try {
      await route.handler(ctx, ...route.captures);
    } catch (error) {
      if (!(error instanceof RouteError) || res.headersSent) throw error;
      sendJson(responder, error.status, error.body);
    }
  }

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      sendJson({ res, now: now() }, 500, { error: `Darktrace simulator failed: ${error instanceof Error ? error.message : String(error)}` });
    });
  };

  function addBreach(input: NewBreach = {}): SimBreach {
    const catalogue = MODEL_CATALOGUE.find((m) => m.then.name === input.modelName) ?? (MODEL_CATALOGUE[0] as (typeof MODEL_CATALOGUE)[number]);
    const time = input.time ?? now() - 60_000;
    const { modelName: _ignored, ...rest } = withoutUndefined(input);
    return store.putBreach({
      pbid: store.nextPbid(),
      creationTime: time + 5_000,
      score: 0.5,
      did: -1,
      acknowledged: null,
      triggeredComponents: [{ time, cbid: 1, cid: catalogue.cid, chid: catalogue.cid, size: 1, threshold: 0, interval: 300, logic: { data: { left: 'A' }, version: 'v0.1' }, metric: catalogue.metric, triggeredFilters: [] }],
      comments: [],
      model: { then: catalogue.then, now: catalogue.now },
      ...rest,
      time,
    });
  }

  return {
    handler,
    credentials,
    store,
    now,
    configure(next) {
      Object.assign(settings, next);
    },

    intelFeedSources: () => store.intelFeed.sources(),
    intelFeedEntries: (source) => [...store.intelFeed.entries(source)],
    addIntelFeedEntries: (source, names, opts) => store.intelFeed.add(source, names, opts),
    removeIntelFeedEntries: (source, names) => store.intelFeed.remove(source, names),

    addBreach,
    addLateBreach(input = {}) {
      const { delayMs = 6 * 3_600_000, ...rest } = input;
      const creationTime = rest.creationTime ?? now();
      return addBreach({ ...rest, time: rest.time ?? creationTime - delayMs, creationTime });
    },
    acknowledgeBreach: (pbid, username) => store.acknowledgeBreach(pbid, username),
    unacknowledgeBreach: (pbid) => store.unacknowledgeBreach(pbid),
    setBreachScore: (pbid, score) => store.setBreachScore(pbid, score),
    addBreachComment: (pbid, message, username) => void store.addBreachComment(pbid, message, username),

    addEvent(input = {}) {
      const { groupScore, ...rest } = withoutUndefined(input);
      const serial = ++eventSerial;
      const id = rest.id ?? `5e000000-0000-4000-8000-${serial.toString(16).padStart(12, '0')}`;
      const createdAt = rest.createdAt ?? now() - 60_000;
      const event: SimAiEvent = {
        id,
        createdAt,
        title: 'Unusual Activity',
        summary: 'A device was observed behaving unusually.',
        summariser: 'BeaconSummary',
        aiaScore: 50,
        category: 'suspicious',
        currentGroup: `g${id}`,
        acknowledged: false,
        pinned: false,
        userTriggered: false,
        externalTriggered: false,
        attackPhases: [1],
        mitreTactics: [],
        periods: [{ start: createdAt - 60_000, end: createdAt }],
        breachDevices: [],
        relatedBreaches: [],
        details: [],
        activityId: id.slice(0, 8),
        groupingIds: [id.slice(0, 8)],
        comments: [],
        ...rest,
      };
      const group: Partial<SimGroup> = {};
      if (groupScore !== undefined) group.score = groupScore;
      return store.putEvent(event, group);
    },
    mergeIncident: (from, into) => store.mergeIncident(from, into),
    acknowledgeEvent: (id, acknowledged = true) => store.acknowledgeEvents([id], acknowledged),
    pinEvent: (id, pinned = true) => store.pinEvents([id], pinned),

    requestCount: (path) => counts.get(path) ?? 0,
    requestCounts: () => Object.fromEntries(counts),
    resetRequestCounts: () => counts.clear(),
  };
}

function withoutUndefined<T extends object>(input: T): T {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as T;
}

function denied(permissions: DarktracePermissions | undefined, method: string, path: string): boolean {
  if (!permissions) return false;
  return permissions.deny.some((rule) => {
    const space = rule.indexOf(' ');
    const ruleMethod = space === -1 ? undefined : rule.slice(0, space).toUpperCase();
    const prefix = space === -1 ? rule : rule.slice(space + 1);
    if (ruleMethod !== undefined && ruleMethod !== method) return false;
    return path === prefix || path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`);
  });
}

/** JSON (by content type, or a body that starts with `{`) or a url-encoded form. */
function overlayBody(params: Params, body: Buffer, contentType: string | undefined): RouteContext['bodyKind'] {
  const text = body.toString('utf8');
  const type = (contentType ?? '').toLowerCase();
  const looksJson = type.includes('json') || (!type.includes('form') && text.trimStart().startsWith('{'));
  if (looksJson) {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('JSON body is not an object');
    params.overlay(Object.entries(value as Record<string, ParamValue>));
    return 'json';
  }
  if (type === '' || type.includes('form')) {
    params.overlay(new URLSearchParams(text));
    return 'form';
  }
  return 'other';
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'tooLarge'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? 'tooLarge' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
