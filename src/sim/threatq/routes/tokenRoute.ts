/**
 * POST /api/token: the password grant with its fields merged from query, JSON body and form
 * body (threatqsdk, Polarity/Kibana and XSOAR each put them somewhere else), the refresh grant
 * and the private client-credentials grant (HTTP Basic). Refusals are 400, as on ThreatQ.
 */
import { isObject } from '../request.ts';
import type { SimRequest } from '../request.ts';
import type { Reply } from '../router.ts';
import { SimError } from '../simError.ts';
import type { TokenBook } from '../tokens.ts';

export interface TokenRouteOptions {
  tokens: TokenBook;
  credentials: { clientId: string; email: string; password: string };
  privateClient: { clientId: string; clientSecret: string };
}

function refuse(error: string, description: string): SimError {
  return new SimError(400, { error, error_description: description, message: description });
}

function basicAuth(header: string | undefined): { id: string; secret: string } | undefined {
  const m = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

export function tokenRoute(o: TokenRouteOptions): (req: SimRequest) => Reply {
  return (req) => {
    const fields = new Map<string, string>();
    const put = (k: string, v: unknown) => {
      if (typeof v === 'string' || typeof v === 'number') fields.set(k, String(v));
    };
    for (const [k, v] of req.query) put(k, v);
    if (isObject(req.json)) for (const [k, v] of Object.entries(req.json)) put(k, v);
    for (const [k, v] of req.form) put(k, v);
    const basic = basicAuth(req.headers.authorization);
    const grant = fields.get('grant_type') ?? (fields.has('email') ? 'password' : undefined);

    if (grant === 'password') {
      const { clientId, email, password } = o.credentials;
      if (!fields.get('email') || !fields.get('password') || !fields.get('client_id')) {
        throw refuse('invalid_request', 'The request is missing a required parameter (email, password or client_id).');
      }
      if (fields.get('client_id') !== clientId) throw refuse('invalid_client', 'Client authentication failed.');
      if (fields.get('email') !== email || fields.get('password') !== password) throw refuse('invalid_grant', 'The user credentials were incorrect.');
      return { status: 200, body: o.tokens.issue(`user:${email}`) };
    }
    if (grant === 'refresh_token') {
      const rt = fields.get('refresh_token');
      if (!rt) throw refuse('invalid_request', 'The request is missing the refresh_token parameter.');
      const answer = o.tokens.refresh(rt);
      if (!answer) throw refuse('invalid_request', 'The refresh token is invalid.');
      return { status: 200, body: answer };
    }
    if (grant === 'client_credentials') {
      const id = basic?.id ?? fields.get('client_id');
      const secret = basic?.secret ?? fields.get('client_secret');
      if (id !== o.privateClient.clientId || secret !== o.privateClient.clientSecret) throw refuse('invalid_client', 'Client authentication failed.');
      return { status: 200, body: o.tokens.issue(`client:${id}`) };
    }
    throw refuse('unsupported_grant_type', `The authorization grant type '${grant ?? ''}' is not supported by the authorization server.`);
  };
}
