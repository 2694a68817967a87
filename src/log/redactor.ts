/**
 * Redaction by construction: every log entry, error message, history row and report passes
 * through a Redactor before it is written. It removes (1) values of fields whose names look
 * secret, (2) every registered secret value wherever it appears inside a string, and
 * (3) credentials embedded in URLs (proxy user:password@).
 */
const SECRET_KEY = /pass(word)?|secret|private.?token|access.?token|refresh.?token|authorization|api.?key|^token$|signature|cookie/i;
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/@:]*)(?::([^\s/@]*))?@/gi;
export const REDACTED = '[REDACTED]';

export class Redactor {
  #secrets = new Set<string>();

  /** Registers a secret value; values shorter than 4 characters are ignored to keep text readable. */
  add(secret: string | undefined | null): void {
    if (typeof secret !== 'string' || secret.length < 4) return;
    this.#secrets.add(secret);
    // A secret may also appear percent-encoded (form bodies, URLs) or JSON-escaped.
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) this.#secrets.add(encoded);
    const json = JSON.stringify(secret).slice(1, -1);
    if (json !== secret) this.#secrets.add(json);
  }

  isSecretKey(key: string): boolean {
    return SECRET_KEY.test(key);
  }

  text(value: string): string {
    let out = value.replace(URL_CREDENTIALS, (_m, scheme: string, user: string, pass: string | undefined) =>
      pass === undefined ? `${scheme}${REDACTED}@` : `${scheme}${user}:${REDACTED}@`,
    );
    // Longest first, so a secret that contains another is removed whole.
    for (const s of [...this.#secrets].sort((a, b) => b.length - a.length)) {
      if (out.includes(s)) out = out.split(s).join(REDACTED);
    }
    return out;
  }

  /** Deep copy with secret-named fields and secret values removed. */
  value(input: unknown, depth = 0): unknown {
    if (depth > 20) return '[too deep]';
    if (typeof input === 'string') return this.text(input);
    if (input === null || typeof input !== 'object') return input;
    if (input instanceof Error) {
      return { name: input.name, message: this.text(input.message), code: (input as { code?: unknown }).code };
    }
    if (Array.isArray(input)) return input.map((v) => this.value(v, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(input)) {
      out[k] = this.isSecretKey(k) && v !== undefined && v !== null && v !== '' ? REDACTED : this.value(v, depth + 1);
    }
    return out;
  }
}
