/**
 * Route table for the simulator: patterns like `/api/events/:id#` (`#` = digits only), matched
 * in registration order so specific routes win over the generic `/api/:collection/...` ones.
 * The pattern doubles as the name under which requests are counted.
 */
import type { SimRequest } from './request.ts';

export interface Reply {
  status?: number;
  body?: unknown;
  /** The body as ready JSON text or its UTF-8 bytes (big pages written directly); wins over `body`. */
  json?: string | Buffer;
}

export type RouteHandler = (req: SimRequest) => Reply | Promise<Reply>;

interface Route {
  method: string;
  parts: string[];
  name: string;
  handler: RouteHandler;
  auth: boolean;
}

export type RouteMatch =
  | { kind: 'route'; name: string; handler: RouteHandler; auth: boolean; params: Record<string, string> }
  | { kind: 'method'; allowed: string[] }
  | { kind: 'none' };

export class Router {
  readonly #routes: Route[] = [];

  add(method: string, pattern: string, handler: RouteHandler, options: { auth?: boolean } = {}): void {
    this.#routes.push({ method, parts: pattern.split('/').filter((p) => p !== ''), name: `${method} ${pattern}`, handler, auth: options.auth ?? true });
  }

  match(method: string, path: string): RouteMatch {
    const segs = path.split('/').filter((p) => p !== '');
    const allowed: string[] = [];
    for (const r of this.#routes) {
      const params = matchParts(r.parts, segs);
      if (!params) continue;
      if (r.method === method) return { kind: 'route', name: r.name, handler: r.handler, auth: r.auth, params };
      allowed.push(r.method);
    }
    return allowed.length > 0 ? { kind: 'method', allowed } : { kind: 'none' };
  }
}

function matchParts(parts: string[], segs: string[]): Record<string, string> | undefined {
  if (parts.length !== segs.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i] as string;
    let s: string;
    try {
      s = decodeURIComponent(segs[i] as string);
    } catch {
      return undefined;
    }
    if (p.startsWith(':')) {
      const digits = p.endsWith('#');
      const name = p.slice(1, digits ? -1 : undefined);
      if (digits && !/^\d+$/.test(s)) return undefined;
      params[name] = s;
    } else if (p !== s) return undefined;
  }
  return params;
}
