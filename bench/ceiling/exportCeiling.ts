/**
 * The export's ceiling: a client that sends the requests an export sends — the ThreatQ login,
 * the saved-search lookups, every collection page (same endpoint, cursor and page size), the
 * intel-feed read-back, the same `addlist` POSTs (same batch size, signed the same way) and the
 * same one-per-call removals — and does nothing else: no retries, no SQLite, no mapping. The
 * connector's time over this one is what its own work costs.
 */
import { Agent } from 'undici';
import { formatDtapiDate, formatIntelFeedExpiry } from '../../src/darktrace/dtapiDate.ts';
import { dtapiHeaders, signedTarget } from '../../src/darktrace/sign.ts';
import { COLLECTION_FIELDS } from '../../src/threatq/collections.ts';

export interface ExportCeilingPlan {
  threatq: { url: string; caPem: string; clientId: string; email: string; password: string; collections: string[]; pageSize: number };
  darktrace: { url: string; caPem: string; publicToken: string; privateToken: string; source: string; description: string };
  /** Entries to add, in the order and batches the connector sent them. */
  adds: string[];
  /** Epoch ms sent as `expiry` with every add; null sends none. */
  expiresAt: number | null;
  batchSize: number;
  /** `addlist` requests in flight at once. */
  pushDepth: number;
  /** Entries removed one per request, `removeConcurrency` at a time. */
  removes: string[];
  removeConcurrency: number;
}

export interface ExportCeilingResult {
  ms: number;
  requests: { threatq: number; darktrace: number; writesToDarktrace: number };
}

export async function runExportCeiling(plan: ExportCeilingPlan): Promise<ExportCeilingResult> {
  const tqAgent = new Agent({ connect: { ca: plan.threatq.caPem } });
  const dtAgent = new Agent({ connect: { ca: plan.darktrace.caPem } });
  const requests = { threatq: 0, darktrace: 0, writesToDarktrace: 0 };
  const started = performance.now();
  try {
    const tq = plan.threatq;
    const tqJson = async (method: 'GET' | 'POST', path: string, headers: Record<string, string>, body?: string): Promise<any> => {
      requests.threatq++;
      const res = await tqAgent.request({ origin: tq.url, path, method, headers: { accept: 'application/json', ...headers }, body });
      const text = await res.body.text();
      if (res.statusCode !== 200) throw new Error(`ceiling: ThreatQ ${method} ${path} answered ${res.statusCode}: ${text.slice(0, 200)}`);
      return JSON.parse(text);
    };
    const login = await tqJson('POST', `/api/token?grant_type=password&client_id=${encodeURIComponent(tq.clientId)}`, { 'content-type': 'application/json' }, JSON.stringify({ email: tq.email, password: tq.password }));
    const auth = { authorization: `Bearer ${login.access_token as string}` };
    // The same projection the connector asks for (it falls back to whole records only when refused).
    const fields = `&fields=${encodeURIComponent(COLLECTION_FIELDS.join(','))}`;
    const dt = plan.darktrace;
    const dtCall = async (method: 'GET' | 'POST', path: string, query: string, body?: string): Promise<Buffer | undefined> => {
      requests.darktrace++;
      if (method === 'POST') requests.writesToDarktrace++;
      const headers: Record<string, string> = { accept: 'application/json', ...dtapiHeaders(signedTarget(method, path, query, body), dt, formatDtapiDate(Date.now())) };
      if (body !== undefined) headers['content-type'] = 'application/json';
      const res = await dtAgent.request({ origin: dt.url, path: query === '' ? path : `${path}?${query}`, method, headers, body });
      if (res.statusCode !== 200) throw new Error(`ceiling: Darktrace ${method} ${path} answered ${res.statusCode}: ${(await res.body.text()).slice(0, 200)}`);
      // The read-back is read to the end and dropped: parsing it is the connector's own work.
      for await (const _chunk of res.body) {
        // drain
      }
      return undefined;
    };
    // Side by side, and the read-back at the same time, as the connector reads them.
    const collectionsRead = Promise.all(
      tq.collections.map(async (name) => {
        const searches = await tqJson('GET', '/api/search/query', auth);
        const search = (searches.data as Array<{ name: string; hash: string }>).find((s) => s.name === name);
        if (!search) throw new Error(`ceiling: no collection '${name}'`);
        for (let cursor = '*'; ; ) {
          const page = await tqJson('GET', `/api/indicators/query/hash/${encodeURIComponent(search.hash)}?limit=${tq.pageSize}&cursorMark=${encodeURIComponent(cursor)}${fields}`, auth);
          const n = Array.isArray(page.data) ? page.data.length : 0;
          const next = page.nextCursorMark as string | undefined;
          if (n === 0 || !next || next === cursor) break;
          cursor = next;
        }
      }),
    );
    await Promise.all([collectionsRead, dtCall('GET', '/intelfeed', `fulldetails=true&source=${encodeURIComponent(dt.source)}`)]);
    // Two batches in flight, as the connector sends them.
    const batches: string[][] = [];
    for (let i = 0; i < plan.adds.length; i += plan.batchSize) batches.push(plan.adds.slice(i, i + plan.batchSize));
    let nextBatch = 0;
    await Promise.all(
      Array.from({ length: Math.min(plan.pushDepth, batches.length) }, async () => {
        while (nextBatch < batches.length) {
          const json: Record<string, unknown> = { addlist: (batches[nextBatch++] as string[]).join(','), source: dt.source, description: dt.description };
          if (plan.expiresAt !== null) json.expiry = formatIntelFeedExpiry(plan.expiresAt);
          await dtCall('POST', '/intelfeed', '', JSON.stringify(json));
        }
      }),
    );
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(plan.removeConcurrency, plan.removes.length) }, async () => {
        while (next < plan.removes.length) await dtCall('POST', '/intelfeed', '', JSON.stringify({ removeentry: plan.removes[next++], source: dt.source }));
      }),
    );
    return { ms: performance.now() - started, requests };
  } finally {
    await Promise.all([tqAgent.close(), dtAgent.close()]);
  }
}
