import type { Readable } from 'node:stream';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface HttpRequest {
  method: HttpMethod;
  /** Absolute URL. The query string is sent byte-for-byte as given (Darktrace signs it). */
  url: string;
  headers?: Record<string, string>;
  /** Sent byte-for-byte as given (Darktrace signs it). */
  body?: string | Buffer;
  /**
   * Whether repeating this request after a network error or 5xx is safe. Defaults to the retry
   * policy's idempotent methods (GET, PUT, DELETE); a client sets it for POSTs it knows to be
   * idempotent (Darktrace intel-feed adds, ThreatQ indicator upserts).
   */
  idempotent?: boolean;
  /** Re-sign or re-authenticate before each attempt (fresh Darktrace date, refreshed token). */
  prepare?: (req: HttpRequest, attempt: number) => HttpRequest | Promise<HttpRequest>;
  /** Short name for logs and request counts, e.g. "darktrace.modelbreaches". */
  operation?: string;
}

export interface HttpResponse {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: Buffer;
}

export interface HttpStreamResponse {
  status: number;
  headers: Record<string, string>;
  body: Readable;
}

/**
 * The single HTTP layer both API clients use. Retries, timeouts, TLS and proxy are decided
 * when the transport is built; the clients never see a dispatcher or a proxy.
 */
export interface HttpTransport {
  send(req: HttpRequest): Promise<HttpResponse>;
  /** Like send, but the body is streamed (huge intel-feed listings); not retried once streaming starts. */
  stream(req: HttpRequest): Promise<HttpStreamResponse>;
  close(): Promise<void>;
}
