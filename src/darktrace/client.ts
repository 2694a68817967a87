import type { Clock } from '../clock.ts';
import type { Readable } from 'node:stream';
import { ConnectorError } from '../errors.ts';
import type { HttpMethod, HttpRequest, HttpResponse, HttpTransport } from '../http/types.ts';
import type { Logger } from '../log/entry.ts';
import { printable } from '../log/printable.ts';
import { ClockSkew, describeSkew } from './clockSkew.ts';
import { formatDtapiDate, formatIntelFeedExpiry, formatSpacedDtapiDate } from './dtapiDate.ts';
import { DarktraceError, DT_ERROR, EXIT } from './errors.ts';
import { intelFeedDescriptionProblem, intelFeedEntryProblem, intelFeedSourceProblem } from './intelFeedRules.ts';
import { parseAiAnalystEvent, parseAiAnalystEvents } from './parse/aiAnalystEvent.ts';
import { parseAiAnalystGroups } from './parse/aiAnalystGroup.ts';
import { parseDevice } from './parse/device.ts';
import { parseIntelFeedEntry, parseIntelFeedNames } from './parse/intelFeed.ts';
import { JsonArrayStream, JsonArrayStreamError } from './parse/jsonArrayStream.ts';
import { parseModelBreach, parseModelBreaches } from './parse/modelBreach.ts';
import { parseStatus } from './parse/status.ts';
import { asObj, int } from './parse/values.ts';
import { buildQuery, type QueryParams } from './query.ts';
import { readAnswer, type AnswerContext } from './readAnswer.ts';
import { dtapiHeaders, signedTarget } from './sign.ts';
import type {
  AiAnalystEvent,
  AiAnalystGroup,
  DarktraceStatus,
  Device,
  IntelFeedEntry,
  IntelFeedWriteResult,
  ModelBreach,
  ParseReject,
  ParseResult,
} from './types.ts';

export interface DarktraceClientOptions {
  /** `https://host[:port]` (a bare host gets https://); paths are signed relative to it. */
  baseUrl: string;
  publicToken: string;
  privateToken: string;
  transport: HttpTransport;
  clock: Clock;
  logger: Logger;
  /** The run's log Redactor: told both tokens so no log line can show them. */
  redactor?: { add(secret: string): void };
}

/** A time window in epoch ms, start ≤ end (both sent as `starttime`/`endtime`). */
export interface TimeWindow {
  startMs: number;
  endMs: number;
}

export interface ModelBreachOptions {
  /** Filter the window on alert creation, not first activity (default true: late breaches are not lost). */
  creationTime?: boolean;
  /** Minimum breach score 0–1 (sent as `minscore`). */
  minScore?: number;
  /** Default true: acknowledged breaches are still synced (their state is an attribute). */
  includeAcknowledged?: boolean;
}

export interface AiAnalystOptions {
  /** Minimum incident score 0–100 (`mingroupscore` on events, `minscore` on groups). */
  minGroupScore?: number;
  /** Default true. */
  includeAcknowledged?: boolean;
}

export interface IntelFeedAddRequest {
  source: string;
  /** Domains, hostnames, IPs or CIDRs; each must be a single entry (no comma, newline or white space). */
  entries: readonly string[];
  description: string;
  /** Epoch ms (sent as UTC `YYYY-MM-DDTHH:MM:SS`); null or absent = never expires. */
  expiresAt?: number | null;
}

export interface IntelFeedRemoveRequest {
  source: string;
  entry: string;
}

/** Where a streamed intel-feed listing goes, a batch at a time. */
export interface IntelFeedSink {
  entries(batch: IntelFeedEntry[]): void;
  /** Records that could not be read (left alone by the export). */
  rejects?(batch: ParseReject[]): void;
  /** The read failed part-way and starts again from the first entry: forget what came so far. */
  restart?(): void;
}

interface CallSpec {
  method: HttpMethod;
  path: string;
  query?: QueryParams;
  json?: Record<string, unknown>;
  operation: string;
  idempotent: boolean;
}

/** Reads of a streamed listing, counting restarts after a connection lost mid-body. */
const STREAM_ATTEMPTS = 3;

/** Skew worth a warning: far from the ±30 min limit, but a clock this wrong needs fixing. */
const WARN_SKEW_MS = 60_000;

/**
 * Typed, signed access to the Darktrace API for the ingest and export pipelines and `doctor`.
 * Every attempt is signed afresh (new DTAPI-Date, corrected by the clock skew measured from
 * the server's `Date` header); failures are DarktraceErrors with stable codes (DT_ERROR).
 */
export class DarktraceClient {
  readonly #base: string;
  readonly #host: string;
  readonly #tokens: { publicToken: string; privateToken: string };
  readonly #transport: HttpTransport;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #skew = new ClockSkew();
  #skewWarned = false;
  /** Switched on when a date error persisted with no skew to correct (fresh 7.1.0 appliances). */
  #spacedDate = false;
  /** `/aianalyst/incidentevents`, or the legacy path once that answered 302/404. */
  #incidentEventsPath = '/aianalyst/incidentevents';

  constructor(options: DarktraceClientOptions) {
    this.#base = normaliseBaseUrl(options.baseUrl);
    this.#host = new URL(this.#base).host;
    this.#tokens = { publicToken: options.publicToken, privateToken: options.privateToken };
    this.#transport = options.transport;
    this.#clock = options.clock;
    this.#logger = options.logger;
    options.redactor?.add(options.privateToken);
    options.redactor?.add(options.publicToken);
  }

  /** Server minus local time in ms, as last measured from a `Date` header (undefined before any answer). */
  clockSkewMs(): number | undefined {
    return this.#skew.measuredMs;
  }

  /** `GET /status?fast=true&includechildren=false`: version and identity (the cheapest health check). */
  async status(): Promise<DarktraceStatus> {
    const json = await this.#call({ method: 'GET', path: '/status', query: { fast: true, includechildren: false }, operation: 'darktrace.status', idempotent: true });
    const status = parseStatus(json);
    if (!status) throw this.#badShape('/status', 'an object', json);
    return status;
  }

  /** `GET /modelbreaches` for a window (`deviceattop=true`, `creationtime=true` by default). */
  async modelBreaches(window: TimeWindow, options: ModelBreachOptions = {}): Promise<ParseResult<ModelBreach>> {
    checkWindow(window);
    if (options.minScore !== undefined) checkRange('minScore', options.minScore, 0, 1);
    const json = await this.#call({
      method: 'GET',
      path: '/modelbreaches',
      query: {
        starttime: window.startMs,
        endtime: window.endMs,
        creationtime: (options.creationTime ?? true) || undefined,
        deviceattop: true,
        includeacknowledged: (options.includeAcknowledged ?? true) || undefined,
        minscore: options.minScore,
      },
      operation: 'darktrace.modelbreaches',
      idempotent: true,
    });
    return this.#list('/modelbreaches', json, parseModelBreaches);
  }

  /** One breach by pbid (`?pbid=` answers an object); undefined when Darktrace has none. */
  async modelBreach(pbid: number): Promise<ModelBreach | undefined> {
    checkId('pbid', pbid);
    const json = await this.#call({
      method: 'GET',
      path: '/modelbreaches',
      query: { pbid, deviceattop: true, includeacknowledged: true },
      operation: 'darktrace.modelbreach',
      idempotent: true,
    });
    const raw = Array.isArray(json) ? json[0] : json;
    if (raw === undefined || (asObj(raw) && Object.keys(raw as object).length === 0)) return undefined;
    const outcome = parseModelBreach(raw);
    if (!outcome.ok) throw this.#bad('/modelbreaches', `breach ${pbid} cannot be read: ${outcome.reason}`);
    return outcome.record;
  }

  /**
   * `GET /aianalyst/incidentevents` for a window, pinned events only when inside it
   * (`includeallpinned=false`). Falls back to the legacy `/aianalyst/incidents` when this
   * Darktrace version answers that path with 302 to /login or 404.
   */
  async aiAnalystEvents(window: TimeWindow, options: AiAnalystOptions = {}): Promise<ParseResult<AiAnalystEvent>> {
    checkWindow(window);
    if (options.minGroupScore !== undefined) checkRange('minGroupScore', options.minGroupScore, 0, 100);
    const query = (legacy: boolean): QueryParams => ({
      starttime: window.startMs,
      endtime: window.endMs,
      includeacknowledged: (options.includeAcknowledged ?? true) || undefined,
      includeallpinned: false,
      mingroupscore: legacy ? undefined : options.minGroupScore,
    });
    const path = this.#incidentEventsPath;
    let json: unknown;
    try {
      json = await this.#call({ method: 'GET', path, query: query(path !== '/aianalyst/incidentevents'), operation: 'darktrace.aianalyst.incidentevents', idempotent: true });
    } catch (err) {
      const unknownPath = err instanceof DarktraceError && (err.code === DT_ERROR.loginRedirect || (err.code === DT_ERROR.request && err.status === 404));
      if (!unknownPath || path !== '/aianalyst/incidentevents') throw err;
      try {
        json = await this.#call({ method: 'GET', path: '/aianalyst/incidents', query: query(true), operation: 'darktrace.aianalyst.incidents', idempotent: true });
      } catch {
        throw err;
      }
      this.#incidentEventsPath = '/aianalyst/incidents';
      this.#logger.warn('darktrace.legacy_aianalyst', 'This Darktrace version has no /aianalyst/incidentevents; using the legacy /aianalyst/incidents', {});
    }
    return this.#list(this.#incidentEventsPath, json, parseAiAnalystEvents);
  }

  /** One AI Analyst event by id (`?uuid=`, which overrides every other filter); undefined when none. */
  async aiAnalystEvent(id: string): Promise<AiAnalystEvent | undefined> {
    if (typeof id !== 'string' || id.trim() === '') throw argumentError(`an AI Analyst event id must be a non-empty string: current value is ${JSON.stringify(id)}`);
    const path = this.#incidentEventsPath;
    const json = await this.#call({ method: 'GET', path, query: { uuid: id, includeacknowledged: true }, operation: 'darktrace.aianalyst.incidentevents', idempotent: true });
    const list = Array.isArray(json) ? json : [json];
    const raw = list.find((e) => asObj(e)?.id === id);
    if (raw === undefined) return undefined;
    const outcome = parseAiAnalystEvent(raw);
    if (!outcome.ok) throw this.#bad(path, `AI Analyst event ${id} cannot be read: ${outcome.reason}`);
    return outcome.record;
  }

  /** `GET /aianalyst/groups` (incidents) for a window. */
  async aiAnalystGroups(window: TimeWindow, options: AiAnalystOptions = {}): Promise<ParseResult<AiAnalystGroup>> {
    checkWindow(window);
    if (options.minGroupScore !== undefined) checkRange('minGroupScore', options.minGroupScore, 0, 100);
    const json = await this.#call({
      method: 'GET',
      path: '/aianalyst/groups',
      query: {
        starttime: window.startMs,
        endtime: window.endMs,
        includeacknowledged: (options.includeAcknowledged ?? true) || undefined,
        includeallpinned: false,
        minscore: options.minGroupScore,
      },
      operation: 'darktrace.aianalyst.groups',
      idempotent: true,
    });
    return this.#list('/aianalyst/groups', json, parseAiAnalystGroups);
  }

  /** `GET /devices?did=` (answers one object); undefined when Darktrace knows no such device. */
  async device(did: number): Promise<Device | undefined> {
    checkId('did', did);
    const json = await this.#call({ method: 'GET', path: '/devices', query: { did }, operation: 'darktrace.devices', idempotent: true });
    const raw = Array.isArray(json) ? (json.find((d) => int(asObj(d)?.did) === did) ?? json[0]) : json;
    if (raw === undefined || (asObj(raw) && Object.keys(raw as object).length === 0)) return undefined;
    const device = parseDevice(raw);
    if (!device) throw this.#badShape('/devices', 'a device object', json);
    return device;
  }

  /** `GET /intelfeed` (every entry) or `?source=` (that source's entries): plain names. */
  async intelFeedNames(options: { source?: string } = {}): Promise<string[]> {
    const json = await this.#call({ method: 'GET', path: '/intelfeed', query: { source: options.source }, operation: 'darktrace.intelfeed.list', idempotent: true });
    return this.#list('/intelfeed', json, parseIntelFeedNames).records;
  }

  /** `GET /intelfeed?fulldetails=true[&source=]`: entries with description, expiry, strength, iagn. */
  async intelFeedDetails(options: { source?: string } = {}): Promise<ParseResult<IntelFeedEntry>> {
    let records: IntelFeedEntry[] = [];
    let rejects: ParseReject[] = [];
    await this.readIntelFeedDetails(options, {
      entries: (batch) => records.push(...batch),
      rejects: (batch) => rejects.push(...batch),
      restart: () => {
        records = [];
        rejects = [];
      },
    });
    return { records, rejects };
  }

  /**
   * `GET /intelfeed?fulldetails=true[&source=]` streamed into `sink` as the body arrives: a
   * listing of a million entries is never held whole. A connection lost mid-body restarts the
   * listing (up to twice), after telling the sink to forget what it got.
   */
  async readIntelFeedDetails(options: { source?: string }, sink: IntelFeedSink): Promise<{ entries: number; rejects: number }> {
    const spec: CallSpec = { method: 'GET', path: '/intelfeed', query: { fulldetails: true, source: options.source }, operation: 'darktrace.intelfeed.list', idempotent: true };
    for (let attempt = 1; ; attempt++) {
      const counts = { entries: 0, rejects: 0 };
      const reasons = new Set<string>();
      let bodyStarted = false;
      try {
        await this.#streamList(
          spec,
          (items) => {
            const records: IntelFeedEntry[] = [];
            const rejects: ParseReject[] = [];
            for (const raw of items) {
              let outcome: ReturnType<typeof parseIntelFeedEntry>;
              try {
                outcome = parseIntelFeedEntry(raw);
              } catch (err) {
                outcome = { ok: false, reason: `unreadable intel-feed entry record: ${err instanceof Error ? err.message : String(err)}` };
              }
              if (outcome.ok) records.push(outcome.record);
              else {
                rejects.push({ ...(outcome.id === undefined ? {} : { id: outcome.id }), reason: outcome.reason, raw });
                if (reasons.size < 5) reasons.add(outcome.reason);
              }
            }
            counts.entries += records.length;
            counts.rejects += rejects.length;
            if (records.length > 0) sink.entries(records);
            if (rejects.length > 0) sink.rejects?.(rejects);
          },
          () => (bodyStarted = true),
        );
      } catch (err) {
        const lostMidBody = bodyStarted && ConnectorError.is(err) && (err.code === 'E_HTTP_NETWORK' || err.code === 'E_HTTP_TIMEOUT');
        if (!lostMidBody || attempt >= STREAM_ATTEMPTS) throw err;
        this.#logger.warn('darktrace.stream_retry', `The intel-feed listing from Darktrace ${this.#host} broke off after ${counts.entries} entries (${(err as Error).message}); reading it again (attempt ${attempt + 1} of ${STREAM_ATTEMPTS})`, {
          endpoint: spec.path,
          entries: counts.entries,
        });
        sink.restart?.();
        continue;
      }
      if (counts.rejects > 0) {
        this.#logger.warn('darktrace.rejects', `${counts.rejects} record(s) from /intelfeed could not be read and were set aside`, { endpoint: '/intelfeed', rejects: counts.rejects, reasons: [...reasons] });
      }
      return counts;
    }
  }

  /** `GET /intelfeed?sources=true`: source labels (emptied ones linger). */
  async intelFeedSources(): Promise<string[]> {
    const json = await this.#call({ method: 'GET', path: '/intelfeed', query: { sources: true }, operation: 'darktrace.intelfeed.sources', idempotent: true });
    return this.#list('/intelfeed', json, parseIntelFeedNames).records;
  }

  /**
   * `POST /intelfeed` `{addlist, source, description[, expiry]}`. Refuses (throws
   * E_DT_INTELFEED_INPUT, nothing sent) any entry that is empty or contains a comma, newline or
   * white space, a source of 64+ characters, a description of 256+. An empty list sends nothing.
   * Adding is a set operation, so the transport may repeat it after a network failure.
   */
  async addIntelFeedEntries(request: IntelFeedAddRequest): Promise<IntelFeedWriteResult> {
    checkSource(request.source);
    const problem = intelFeedDescriptionProblem(request.description);
    if (problem) throw inputError(`Cannot add intel-feed entries with the description '${request.description.slice(0, 40)}…': ${problem}`, 'Shorten the description');
    for (const entry of request.entries) checkEntry(entry);
    if (request.entries.length === 0) return { added: 0, updated: 0 };
    const json: Record<string, unknown> = { addlist: request.entries.join(','), source: request.source, description: request.description };
    if (request.expiresAt !== undefined && request.expiresAt !== null) {
      if (!Number.isFinite(request.expiresAt)) throw argumentError(`expiresAt must be epoch ms: current value is ${request.expiresAt}`);
      json.expiry = formatIntelFeedExpiry(request.expiresAt);
    }
    const answer = await this.#call({ method: 'POST', path: '/intelfeed', json, operation: 'darktrace.intelfeed.add', idempotent: true });
    return writeResult(answer);
  }

  /** `POST /intelfeed` `{removeentry, source}`: removes one entry from this source only. */
  async removeIntelFeedEntry(request: IntelFeedRemoveRequest): Promise<IntelFeedWriteResult> {
    checkSource(request.source);
    checkEntry(request.entry);
    const answer = await this.#call({
      method: 'POST',
      path: '/intelfeed',
      json: { removeentry: request.entry, source: request.source },
      operation: 'darktrace.intelfeed.remove',
      idempotent: true,
    });
    return writeResult(answer);
  }

  async #call(spec: CallSpec): Promise<unknown> {
    const exchange = this.#exchange(spec);
    for (let round = 1; ; round++) {
      const res = await this.#transport.send(exchange.request);
      this.#noteSkew(this.#skew.observe(res.headers.date, exchange.sentAt, this.#clock.now()));
      const answer = readAnswer(res, exchange.ctx);
      if (answer.kind === 'json') return answer.json;
      this.#dateRejected(spec, round, res.status, exchange.correctionUsed);
    }
  }

  /**
   * A JSON list answer read as it arrives: `onItems` gets each run of complete elements. Any
   * answer that is not a 2xx JSON array (an error, a redirect, the HTML login page, an object)
   * is read whole and judged exactly as `#call` judges it.
   */
  async #streamList(spec: CallSpec, onItems: (items: unknown[]) => void, onBody: () => void): Promise<void> {
    const exchange = this.#exchange(spec);
    for (let round = 1; ; round++) {
      const res = await this.#transport.stream(exchange.request);
      this.#noteSkew(this.#skew.observe(res.headers.date, exchange.sentAt, this.#clock.now()));
      onBody();
      const chunks = res.body[Symbol.asyncIterator]();
      // Up to the first character that is not white space: `[` is streamed, anything else read whole.
      const head: Buffer[] = [];
      let first: number | undefined;
      while (first === undefined) {
        const next = await chunks.next();
        if (next.done) break;
        const chunk = next.value as Buffer;
        head.push(chunk);
        first = firstNonSpace(chunk);
      }
      const ok = res.status >= 200 && res.status < 300;
      if (!ok || first !== 0x5b) {
        const full: HttpResponse = { status: res.status, headers: res.headers, body: Buffer.concat([...head, ...(await readRest(chunks))]) };
        const answer = readAnswer(full, exchange.ctx);
        if (answer.kind === 'dateError') {
          this.#dateRejected(spec, round, res.status, exchange.correctionUsed);
          continue;
        }
        if (!Array.isArray(answer.json)) throw this.#badShape(spec.path, 'a list', answer.json);
        onItems(answer.json);
        return;
      }
      await this.#parseArrayBody(spec, res.headers, res.status, head, chunks, onItems, res.body);
      return;
    }
  }

  async #parseArrayBody(
    spec: CallSpec,
    headers: Record<string, string>,
    status: number,
    head: Buffer[],
    chunks: AsyncIterator<unknown>,
    onItems: (items: unknown[]) => void,
    body: Readable,
  ): Promise<void> {
    const parser = new JsonArrayStream();
    let excerptBytes = Buffer.concat(head).subarray(0, 400);
    try {
      for (const chunk of head) onItems(parser.push(chunk));
      for (;;) {
        const next = await chunks.next();
        if (next.done) break;
        const chunk = next.value as Buffer;
        if (excerptBytes.length < 400) excerptBytes = Buffer.concat([excerptBytes, chunk.subarray(0, 400)]);
        onItems(parser.push(chunk));
      }
      parser.end();
    } catch (err) {
      if (!body.destroyed) body.destroy();
      if (!(err instanceof JsonArrayStreamError)) throw err;
      const declared = Number(headers['content-length']);
      const truncated = err.problem === 'truncated' && Number.isFinite(declared) && declared > parser.bytes;
      const what = truncated ? `a truncated body (${parser.bytes} of ${declared} bytes)` : err.problem === 'truncated' ? 'a body that ends inside its list (truncated)' : 'a body that is not valid JSON';
      const text = excerptBytes.toString('utf8').replace(/\s+/g, ' ').trim();
      const excerpt = text === '' ? '' : `: ${this.#scrub(text.length > 200 ? `${text.slice(0, 200)}…` : text)}`;
      throw new DarktraceError(DT_ERROR.badResponse, `Darktrace answered ${spec.method} ${spec.path} on Darktrace ${this.#host} with ${what} (HTTP ${status}, ${err.message})${excerpt}`, {
        endpoint: spec.path,
        status,
        exitCode: EXIT.unavailable,
        hint: 'Repeat the run; if it persists, check for a proxy or gateway cutting responses short, or raise the Darktrace timeout',
      });
    }
  }

  /** The request for one call, signed afresh (and dated in Darktrace's time) before each attempt. */
  #exchange(spec: CallSpec): { request: HttpRequest; ctx: AnswerContext; readonly sentAt: number; readonly correctionUsed: number } {
    const query = spec.method === 'POST' ? '' : buildQuery(spec.query ?? {});
    const body = spec.json === undefined ? undefined : JSON.stringify(spec.json);
    const target = signedTarget(spec.method, spec.path, query, body);
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const state = { sentAt: this.#clock.now(), correctionUsed: 0 };
    const request: HttpRequest = {
      method: spec.method,
      url: `${this.#base}${spec.path}${query === '' ? '' : `?${query}`}`,
      headers,
      idempotent: spec.idempotent,
      operation: spec.operation,
      prepare: (req) => {
        state.sentAt = this.#clock.now();
        state.correctionUsed = this.#skew.correctionMs;
        const at = state.sentAt + state.correctionUsed;
        const date = this.#spacedDate ? formatSpacedDtapiDate(at) : formatDtapiDate(at);
        return { ...req, headers: { ...req.headers, ...dtapiHeaders(target, this.#tokens, date) } };
      },
    };
    if (body !== undefined) request.body = body;
    const ctx: AnswerContext = { method: spec.method, endpoint: spec.path, host: this.#host, scrub: (t: string) => this.#scrub(t) };
    return {
      request,
      ctx,
      get sentAt() {
        return state.sentAt;
      },
      get correctionUsed() {
        return state.correctionUsed;
      },
    };
  }

  /** `API DATE ERROR`: returns to retry once (dated in Darktrace's time), else throws E_DT_DATE. */
  #dateRejected(spec: CallSpec, round: number, status: number, correctionUsed: number): void {
    const measured = this.#skew.measuredMs;
    if (round === 1 && measured !== undefined) {
      // Nothing to correct: a fresh 7.1.0 appliance refused the compact date for a while but
      // took the spaced one, so the retry switches form (and keeps it if that works).
      if (this.#skew.correctionMs === correctionUsed) this.#spacedDate = !this.#spacedDate;
      this.#logger.warn('darktrace.date_retry', `Darktrace rejected the request date (API DATE ERROR); retrying once, dated in Darktrace's time (this host's clock is ${describeSkew(measured)} Darktrace's)`, {
        endpoint: spec.path,
        skewMs: measured,
      });
      return;
    }
    throw new DarktraceError(
      DT_ERROR.date,
      `Darktrace rejected the request date for ${spec.method} ${spec.path} on ${this.#host} (HTTP ${status} API DATE ERROR): ${
        measured === undefined ? 'the clock difference could not be measured (the answer had no Date header)' : `this host's clock is ${describeSkew(measured)} Darktrace's (measured from its Date header)`
      }; Darktrace only accepts requests dated within 30 minutes of its own clock`,
      {
        endpoint: spec.path,
        status,
        exitCode: EXIT.auth,
        ...(measured === undefined ? {} : { skewMs: measured }),
        hint: "Synchronise this host's clock with NTP (chrony or systemd-timesyncd); if this host is right, Darktrace's own clock needs NTP",
      },
    );
  }

  #noteSkew(offset: number | undefined): void {
    if (offset === undefined || this.#skewWarned || Math.abs(offset) < WARN_SKEW_MS) return;
    this.#skewWarned = true;
    this.#logger.warn(
      'darktrace.clock_skew',
      `This host's clock is ${describeSkew(offset)} Darktrace's; requests are dated in Darktrace's time to compensate. Synchronise the clock with NTP (chrony): Darktrace refuses requests more than 30 minutes off`,
      { skewMs: offset },
    );
  }

  #list<T>(endpoint: string, json: unknown, parse: (body: unknown) => ParseResult<T>): ParseResult<T> {
    if (!Array.isArray(json)) throw this.#badShape(endpoint, 'a list', json);
    const result = parse(json);
    if (result.rejects.length > 0) {
      this.#logger.warn('darktrace.rejects', `${result.rejects.length} record(s) from ${endpoint} could not be read and were set aside`, {
        endpoint,
        rejects: result.rejects.length,
        reasons: [...new Set(result.rejects.map((r) => r.reason))].slice(0, 5),
      });
    }
    return result;
  }

  #badShape(endpoint: string, expected: string, json: unknown): DarktraceError {
    const shown = this.#scrub((JSON.stringify(json) ?? String(json)).slice(0, 200));
    return this.#bad(endpoint, `expected ${expected}, got ${shown}`);
  }

  #bad(endpoint: string, what: string): DarktraceError {
    return new DarktraceError(DT_ERROR.badResponse, `Darktrace ${this.#host} answered ${endpoint} unexpectedly: ${what}`, {
      endpoint,
      exitCode: EXIT.unavailable,
      hint: 'Check that the Darktrace host setting points at the appliance itself; if it does, report this answer (it may be a Darktrace version this connector does not know)',
    });
  }

  #scrub(text: string): string {
    let out = text;
    for (const secret of [this.#tokens.privateToken, this.#tokens.publicToken]) {
      if (secret.length >= 4) out = out.split(secret).join('[REDACTED]');
    }
    return out;
  }
}

function normaliseBaseUrl(input: string): string {
  let s = input.trim();
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) s = `https://${s}`;
  s = s.replace(/\/+$/, '');
  try {
    new URL(s);
  } catch {
    throw argumentError(`the Darktrace base URL '${input}' is not a valid URL`);
  }
  return s;
}

function writeResult(answer: unknown): IntelFeedWriteResult {
  const o = asObj(Array.isArray(answer) ? answer[0] : answer);
  return { added: int(o?.added), updated: int(o?.updated) };
}

function checkWindow(w: TimeWindow): void {
  if (!Number.isSafeInteger(w.startMs) || !Number.isSafeInteger(w.endMs) || w.startMs < 0 || w.startMs > w.endMs) {
    throw argumentError(`a time window needs integer epoch ms with start <= end: got start ${w.startMs}, end ${w.endMs}`);
  }
}

function checkRange(name: string, v: number, min: number, max: number): void {
  if (!Number.isFinite(v) || v < min || v > max) throw argumentError(`${name} must be between ${min} and ${max}: current value is ${v}`);
}

function checkId(name: string, v: number): void {
  if (!Number.isSafeInteger(v)) throw argumentError(`${name} must be an integer: current value is ${v}`);
}

function checkSource(source: string): void {
  const problem = intelFeedSourceProblem(source);
  if (problem) throw inputError(`Cannot use '${printable(source.slice(0, 70))}' as the intel-feed source label: ${problem}`, 'Choose a shorter source name (the Source Name setting)');
}

function checkEntry(entry: string): void {
  const problem = intelFeedEntryProblem(entry);
  if (problem) throw inputError(`Cannot send ${JSON.stringify(entry.slice(0, 100))} as an intel-feed entry: ${problem}`, 'Only single domains, host names, IP addresses or CIDR ranges can be sent; this value should have been skipped before export');
}

function inputError(message: string, hint: string): DarktraceError {
  return new DarktraceError(DT_ERROR.intelFeedInput, message, { endpoint: '/intelfeed', exitCode: EXIT.usage, hint });
}

function argumentError(what: string): DarktraceError {
  return new DarktraceError(DT_ERROR.argument, `Cannot call Darktrace: ${what}`, { exitCode: EXIT.internal, hint: 'This is a bug in the connector; please report it with this message' });
}

function firstNonSpace(chunk: Buffer): number | undefined {
  for (const b of chunk) if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) return b;
  return undefined;
}

async function readRest(chunks: AsyncIterator<unknown>): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for (;;) {
    const next = await chunks.next();
    if (next.done) return out;
    out.push(next.value as Buffer);
  }
}
