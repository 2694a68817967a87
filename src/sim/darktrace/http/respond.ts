/**
 * Writing answers. Every answer carries the simulated server's `Date` (clients measure clock
 * skew from it). Big arrays are streamed in ~256 kB pieces with back-pressure instead of being
 * built as one giant string: a million intel-feed entries or 50,000 breaches stay cheap.
 */
import type { ServerResponse } from 'node:http';

const JSON_TYPE = 'application/json; charset=utf-8';
const PIECE_BYTES = 256 * 1024;

export interface Responder {
  res: ServerResponse;
  /** Simulated server time for the Date header. */
  now: number;
}

export function sendJson(r: Responder, status: number, value: unknown): void {
  sendText(r, status, JSON.stringify(value), JSON_TYPE);
}

export function sendText(r: Responder, status: number, body: string, contentType: string, extra: Record<string, string> = {}): void {
  r.res.writeHead(status, {
    date: new Date(r.now).toUTCString(),
    'content-type': contentType,
    'content-length': String(Buffer.byteLength(body)),
    ...extra,
  });
  r.res.end(body);
}

/** 302 with Express's body text, as Darktrace answers missing auth, unknown routes and legacy 403s. */
export function sendRedirect(r: Responder, location: string): void {
  sendText(r, 302, `Found. Redirecting to ${location}`, 'text/plain; charset=utf-8', { location });
}

/**
 * Streams `[item, item, …]`. Small answers still go out in one piece with a content-length;
 * once the text passes one piece it switches to chunked transfer and waits for 'drain'.
 */
export async function sendJsonArray<T>(r: Responder, items: Iterable<T>, toJson: (item: T) => string = JSON.stringify): Promise<void> {
  const { res } = r;
  let buffer = '[';
  let first = true;
  let streaming = false;
  for (const item of items) {
    buffer += first ? toJson(item) : `,${toJson(item)}`;
    first = false;
    if (buffer.length < PIECE_BYTES) continue;
    if (!streaming) {
      res.writeHead(200, { date: new Date(r.now).toUTCString(), 'content-type': JSON_TYPE });
      streaming = true;
    }
    if (res.destroyed) return;
    const more = res.write(buffer);
    buffer = '';
    if (!more) await drained(res);
  }
  buffer += ']';
  if (streaming) {
    res.end(buffer);
    return;
  }
  sendText(r, 200, buffer, JSON_TYPE);
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
