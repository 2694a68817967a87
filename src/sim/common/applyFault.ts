/**
 * Turns a chosen fault into bytes on the wire (or no bytes at all). The non-JSON answers copy
 * what Darktrace appliances and gateways really send (docs/darktrace-api.md §1.4, §6 items 11-12).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Fault } from './faults.ts';

export const DARKTRACE_LOGIN_PAGE = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Log In | Darktrace</title>
</head>
<body>
<form method="post" action="/login">
<input type="text" name="username" autocomplete="username">
<input type="password" name="password" autocomplete="current-password">
<button type="submit">Log In</button>
</form>
</body>
</html>
`;

const DEFAULT_MALFORMED_JSON = '{"response": SUCCESS, "items": [1, 2,, ]';
const DEFAULT_TRUNCATABLE_JSON = JSON.stringify({ items: Array.from({ length: 20 }, (_, i) => ({ id: i + 1, name: `item-${i + 1}` })) });

export interface FaultContext {
  req: IncomingMessage;
  res: ServerResponse;
  /** Runs the real API handler on this request/response. */
  runHandler(): void;
  /** Registers a timer so the server can cancel it on close. */
  track(timer: NodeJS.Timeout): void;
  /** Told when the real handler has finished an answer that lostResponse/heldResponse swallows (its write took effect). */
  swallowed?(): void;
}

/** Answers (or refuses to answer) one request according to `fault`. */
export function applyFault(fault: Fault, ctx: FaultContext): void {
  const { req, res } = ctx;
  switch (fault.kind) {
    case 'status': {
      const headers: Record<string, string> = { 'content-type': fault.contentType ?? 'text/plain; charset=utf-8' };
      if (fault.retryAfterSeconds !== undefined || fault.status === 429 || fault.status === 503) {
        headers['retry-after'] = String(fault.retryAfterSeconds ?? 1);
      }
      sendWhole(res, fault.status, headers, fault.body ?? `${fault.status} ${STATUS_CODES[fault.status] ?? 'Unknown'}`);
      return;
    }
    case 'reset':
      req.resume();
      resetSocket(req);
      return;
    case 'hang':
      req.resume(); // read and ignore the body so the client is not blocked sending it
      return;
    case 'slowBody':
      dribble(ctx, fault.chunkBytes ?? 16, fault.delayMs ?? 50);
      ctx.runHandler();
      return;
    case 'malformedJson':
      sendWhole(res, 200, { 'content-type': 'application/json' }, fault.body ?? DEFAULT_MALFORMED_JSON);
      return;
    case 'truncatedJson': {
      const body = Buffer.from(fault.body ?? DEFAULT_TRUNCATABLE_JSON);
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) });
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => resetSocket(req));
      return;
    }
    case 'htmlLogin':
      sendWhole(res, 200, { 'content-type': 'text/html; charset=utf-8' }, DARKTRACE_LOGIN_PAGE);
      return;
    case 'redirect': {
      const location = fault.location ?? '/login';
      sendWhole(res, 302, { location, 'content-type': 'text/plain; charset=utf-8' }, `Found. Redirecting to ${location}`);
      return;
    }
    case 'forbidden':
      sendWhole(res, 403, { 'content-type': 'application/json' }, JSON.stringify({ error: '403 Forbidden' }));
      return;
    case 'lostResponse':
    case 'heldResponse':
      swallow(res, () => {
        ctx.swallowed?.();
        if (fault.kind === 'lostResponse') resetSocket(req);
      });
      ctx.runHandler();
      return;
  }
}

/** Lets the handler write its whole answer into nothing, then calls `after`. */
function swallow(res: ServerResponse, after: () => void): void {
  res.writeHead = (() => res) as unknown as typeof res.writeHead;
  res.setHeader = (() => res) as unknown as typeof res.setHeader;
  res.write = ((...args: unknown[]) => {
    const cb = args.find((x) => typeof x === 'function') as (() => void) | undefined;
    cb?.();
    return true;
  }) as typeof res.write;
  res.end = ((...args: unknown[]) => {
    const cb = args.find((x) => typeof x === 'function') as (() => void) | undefined;
    cb?.();
    after();
    return res;
  }) as typeof res.end;
}

function sendWhole(res: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  res.req.resume();
  const bytes = Buffer.from(body);
  res.writeHead(status, { ...headers, 'content-length': String(bytes.length) });
  res.end(bytes);
}

/** A TCP RST where the socket allows it (plain HTTP), otherwise an abrupt close. */
function resetSocket(req: IncomingMessage): void {
  const socket = req.socket as typeof req.socket & { encrypted?: boolean };
  if (!socket.encrypted && typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
  else socket.destroy();
}

/**
 * Buffers what the handler writes and sends it in small chunks with pauses. Headers go out
 * unchanged (including the handler's content-length, which stays right).
 */
function dribble(ctx: FaultContext, chunkBytes: number, delayMs: number): void {
  const { res } = ctx;
  const write = res.write.bind(res) as (chunk: Buffer) => boolean;
  const end = res.end.bind(res) as (chunk?: Buffer) => ServerResponse;
  const parts: Buffer[] = [];
  const collect = (chunk: unknown, encoding?: unknown) => {
    if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
    parts.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8'));
  };
  res.write = ((chunk: unknown, encoding?: unknown, cb?: unknown) => {
    collect(chunk, encoding);
    const callback = [encoding, cb].find((x) => typeof x === 'function') as (() => void) | undefined;
    callback?.();
    return true;
  }) as typeof res.write;
  res.end = ((chunk?: unknown, encoding?: unknown) => {
    collect(chunk, encoding);
    const all = Buffer.concat(parts);
    let offset = 0;
    const next = () => {
      if (res.destroyed) return;
      const chunk = all.subarray(offset, offset + chunkBytes);
      offset += chunkBytes;
      // The last piece goes out with end(), so the response finishes as the client sees its end.
      if (offset >= all.length) {
        end(chunk);
        return;
      }
      write(chunk);
      ctx.track(setTimeout(next, delayMs));
    };
    next();
    return res;
  }) as typeof res.end;
}
