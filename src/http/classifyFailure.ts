/** What kind of failure an attempt without a usable response was, in words a user can act on. */
export interface Failure {
  kind: 'timeout' | 'network' | 'tls' | 'proxy' | 'request';
  /** The Node/undici/OpenSSL code that retry decisions use, e.g. "ECONNRESET". */
  code: string;
  /** A short phrase for messages: "connection reset by the server". */
  reason: string;
}

const TIMEOUTS: Record<string, string> = {
  UND_ERR_CONNECT_TIMEOUT: 'no connection could be opened within the connect timeout',
  UND_ERR_HEADERS_TIMEOUT: 'the request was sent but no response started within the response timeout',
  UND_ERR_BODY_TIMEOUT: 'the response stalled for longer than the body timeout while being received',
  ETIMEDOUT: 'the connection timed out',
};

const NETWORK: Record<string, string> = {
  ECONNRESET: 'connection reset by the server',
  ECONNREFUSED: 'connection refused (nothing listens on that port, or a firewall rejects it)',
  EPIPE: 'the server closed the connection while the request was being sent',
  UND_ERR_SOCKET: 'the server closed the connection before the response was complete',
  UND_ERR_CLOSED: 'the connection was closed',
  ENOTFOUND: 'the host name does not resolve (DNS)',
  EAI_AGAIN: 'DNS lookup failed temporarily',
  ENETUNREACH: 'the network is unreachable from this host',
  EHOSTUNREACH: 'the host is unreachable from this host',
  EHOSTDOWN: 'the host is down',
  ENETDOWN: 'the network is down',
};

const TLS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'the certificate chain ends in a self-signed CA that is not trusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the certificate was issued by an unknown CA',
  UNABLE_TO_GET_ISSUER_CERT: 'the certificate was issued by an unknown CA',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the certificate was issued by an unknown CA',
  CERT_UNTRUSTED: 'the certificate is not trusted',
  CERT_HAS_EXPIRED: 'the certificate has expired',
  CERT_NOT_YET_VALID: "the certificate is not valid yet (check this host's clock)",
  ERR_TLS_CERT_ALTNAME_INVALID: 'hostname mismatch: the certificate was issued for a different host name',
  CERT_REVOKED: 'the certificate has been revoked',
  CERT_SIGNATURE_FAILURE: 'the certificate signature is invalid',
  INVALID_CA: 'a CA certificate in the chain is invalid',
  ERR_SSL_WRONG_VERSION_NUMBER: 'the server did not answer with TLS (is this an http:// port?)',
};

/** Classifies an error thrown by undici (or Node beneath it), looking through `cause` chains. */
export function classifyFailure(err: unknown): Failure {
  const codes = codesOf(err);
  for (const code of codes) {
    const tls = TLS[code];
    if (tls !== undefined) return { kind: 'tls', code, reason: tls };
  }
  for (const code of codes) {
    if (code.startsWith('ERR_SSL_') || code === 'ERR_TLS_HANDSHAKE_TIMEOUT') {
      return { kind: 'tls', code, reason: `the TLS handshake failed (${code})` };
    }
  }
  const message = err instanceof Error ? err.message : String(err);
  const proxy = /Proxy response \((\d+)\)/.exec(message);
  if (proxy) {
    const status = proxy[1] as string;
    const why =
      status === '407' ? 'the proxy requires credentials, or rejected the ones in the proxy URL' : 'the proxy refused to open a tunnel to the host';
    return { kind: 'proxy', code: `PROXY_CONNECT_${status}`, reason: `${why} (proxy answered ${status})` };
  }
  for (const code of codes) {
    const t = TIMEOUTS[code];
    if (t !== undefined) return { kind: 'timeout', code, reason: t };
  }
  for (const code of codes) {
    const n = NETWORK[code];
    if (n !== undefined) return { kind: 'network', code, reason: n };
  }
  if (codes.includes('UND_ERR_INVALID_ARG')) return { kind: 'request', code: 'UND_ERR_INVALID_ARG', reason: message };
  const code = codes[0] ?? 'UNKNOWN';
  return { kind: 'network', code, reason: message };
}

function codesOf(err: unknown): string[] {
  const out: string[] = [];
  let e: unknown = err;
  for (let depth = 0; depth < 5 && typeof e === 'object' && e !== null; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') out.push(code);
    e = (e as { cause?: unknown }).cause;
  }
  return out;
}
