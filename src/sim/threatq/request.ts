import type { IncomingMessage } from 'node:http';
import { SimError } from './simError.ts';

/** 64 MB: far above any consume batch a connector sends, small enough to refuse a runaway body. */
const MAX_BODY = 64 * 1024 * 1024;

/** One parsed request as the routes see it. */
export interface SimRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  /** Parsed JSON body (undefined when there is none or it is form-encoded). */
  json: unknown;
  /** Form-encoded body fields (empty when the body is not a form). */
  form: URLSearchParams;
  /** Path parameters of the matched route. */
  params: Record<string, string>;
}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new SimError(413, { errors: ['Request body too large'] }));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** JSON when the content type says so or the text looks like JSON; a form when it says form. */
export function parseBody(raw: Buffer, contentType: string | undefined): { json: unknown; form: URLSearchParams } {
  const text = raw.toString('utf8');
  const type = (contentType ?? '').toLowerCase();
  if (text.trim() === '') return { json: undefined, form: new URLSearchParams() };
  if (type.includes('application/x-www-form-urlencoded')) return { json: undefined, form: new URLSearchParams(text) };
  const looksJson = /^\s*[[{"]/.test(text);
  if (type.includes('json') || looksJson) {
    try {
      return { json: JSON.parse(text), form: new URLSearchParams() };
    } catch {
      throw new SimError(400, { errors: ['The request body is not valid JSON.'] });
    }
  }
  return { json: undefined, form: new URLSearchParams(text) };
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A body that must be an object (PHP encodes an empty object as `[]`, so that counts too). */
export function bodyObject(req: SimRequest): Record<string, unknown> {
  if (isObject(req.json)) return req.json;
  if (Array.isArray(req.json) && req.json.length === 0) return {};
  if (req.json === undefined && [...req.form.keys()].length > 0) return Object.fromEntries(req.form);
  throw new SimError(400, { errors: ['The request body must be a JSON object.'] });
}

/** A body that is a list of objects; a single object counts as a list of one (XSOAR sends that). */
export function bodyList(req: SimRequest): Record<string, unknown>[] {
  const j = req.json;
  if (isObject(j)) return [j];
  if (Array.isArray(j) && j.every(isObject)) return j;
  throw new SimError(400, { errors: ['The request body must be a JSON array of objects.'] });
}

/** A non-negative integer query parameter, the fallback when absent, 400 when not a number. */
export function intParam(req: SimRequest, name: string, fallback: number): number {
  const raw = req.query.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new SimError(400, { data: { errors: { [name]: [`The ${name} must be an integer.`] } } });
  return Number(raw);
}

/** Comma-separated `with=` / `fields=` values, trimmed. */
export function listParam(req: SimRequest, name: string): string[] {
  const raw = req.query.get(name);
  if (raw === null) return [];
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export function positiveId(raw: string | undefined): number | undefined {
  if (raw === undefined || !/^\d{1,15}$/.test(raw)) return undefined;
  const n = Number(raw);
  return n > 0 ? n : undefined;
}
