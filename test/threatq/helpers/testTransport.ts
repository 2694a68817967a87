import { request } from 'undici';
import type { HttpRequest, HttpResponse, HttpStreamResponse, HttpTransport } from '../../../src/http/types.ts';
import type { Logger } from '../../../src/log/entry.ts';

/**
 * A minimal stand-in for src/http/createTransport.ts (test-only): calls `prepare` before every
 * attempt, repeats idempotent requests once on a 5xx, and logs every full URL on purpose, the
 * worst a real transport could do, so the tests prove secrets never reach a log line.
 */
export function testTransport(logger: Logger, options: { retries?: number } = {}): HttpTransport & { sent: HttpRequest[] } {
  const sent: HttpRequest[] = [];
  const retries = options.retries ?? 1;
  return {
    sent,
    async send(req: HttpRequest): Promise<HttpResponse> {
      const attempts = (req.idempotent ?? req.method === 'GET') ? retries + 1 : 1;
      let last: HttpResponse | undefined;
      for (let attempt = 0; attempt < attempts; attempt++) {
        const r = req.prepare ? await req.prepare(req, attempt) : req;
        sent.push(r);
        logger.debug('http.request', `${r.method} ${r.url}`, { operation: r.operation, attempt, url: r.url, headers: r.headers });
        const res = await request(r.url, { method: r.method, headers: r.headers, body: r.body });
        const body = Buffer.from(await res.body.arrayBuffer());
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') headers[k.toLowerCase()] = v;
        last = { status: res.statusCode, headers, body };
        logger.debug('http.response', `${r.method} ${r.url} -> ${res.statusCode}`, { operation: r.operation, status: res.statusCode });
        if (res.statusCode < 500) return last;
      }
      return last as HttpResponse;
    },
    async stream(): Promise<HttpStreamResponse> {
      throw new Error('not used by the ThreatQ client');
    },
    async close() {},
  };
}
