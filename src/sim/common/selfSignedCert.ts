/**
 * A self-signed X.509 certificate for the loopback simulators, built with node:crypto alone
 * (no openssl binary, no dependency). The certificate is its own trust anchor: a client passes
 * the PEM as `ca` and keeps `rejectUnauthorized: true`, exactly like a user trusting a
 * self-signed appliance with the connector's CA-file option.
 *
 * Node can create keys and sign, but cannot build certificates, so the DER below is encoded by
 * hand. The shape (RFC 5280 §4.1):
 *
 *   Certificate ::= SEQUENCE {
 *     tbsCertificate       TBSCertificate,          -- the part that is signed
 *     signatureAlgorithm   AlgorithmIdentifier,     -- ecdsa-with-SHA256
 *     signatureValue       BIT STRING }             -- DER ECDSA signature over tbsCertificate
 *
 *   TBSCertificate ::= SEQUENCE {
 *     version          [0] EXPLICIT INTEGER (2 = v3),
 *     serialNumber     INTEGER (positive, random),
 *     signature        AlgorithmIdentifier (same as above),
 *     issuer           Name (= subject: self-signed),
 *     validity         SEQUENCE { notBefore Time, notAfter Time },
 *     subject          Name,
 *     subjectPublicKeyInfo (taken verbatim from the key's SPKI DER export),
 *     extensions       [3] EXPLICIT SEQUENCE OF Extension }
 */
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { isIP } from 'node:net';

export interface SelfSignedCertOptions {
  commonName?: string;
  /** IP addresses and DNS names the certificate is valid for (subjectAltName). */
  hosts?: string[];
  /** Validity in days from now (notBefore is backdated an hour to tolerate clock skew). */
  days?: number;
}

export function createSelfSignedCert(opts: SelfSignedCertOptions = {}): { cert: string; key: string } {
  const hosts = opts.hosts ?? ['127.0.0.1', '::1', 'localhost'];
  const days = opts.days ?? 30;
  const name = distinguishedName(opts.commonName ?? hosts.find((h) => isIP(h) === 0) ?? 'localhost');

  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const now = Date.now();

  const tbs = seq(
    explicit(0, integer(Buffer.from([2]))),
    integer(serialNumber()),
    ECDSA_WITH_SHA256,
    name,
    seq(time(new Date(now - 3_600_000)), time(new Date(now + days * 86_400_000))),
    name,
    spki,
    explicit(3, seq(...extensions(hosts, spki))),
  );
  const signature = sign('sha256', tbs, privateKey); // DER-encoded ECDSA-Sig-Value by default

  const der = seq(tbs, ECDSA_WITH_SHA256, bitString(signature));
  return {
    cert: pem('CERTIFICATE', der),
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
  };
}

// --- Extensions (RFC 5280 §4.2) ------------------------------------------------------------

function extensions(hosts: string[], spki: Buffer): Buffer[] {
  return [
    // basicConstraints (critical): SEQUENCE { cA BOOLEAN TRUE } — lets the cert anchor itself.
    extension('2.5.29.19', true, seq(tlv(0x01, Buffer.from([0xff])))),
    // keyUsage (critical): digitalSignature (bit 0) for the ECDHE handshake, keyCertSign (bit 5)
    // because it is a CA. Bits 0 and 5 → 0b1000_0100; the two trailing zero bits are "unused".
    extension('2.5.29.15', true, tlv(0x03, Buffer.from([0x02, 0x84]))),
    // extKeyUsage: serverAuth.
    extension('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.1'))),
    // subjectKeyIdentifier: SHA-1 of the public key bits (method 1 of §4.2.1.2); some
    // verifiers expect it on CA certificates.
    extension('2.5.29.14', false, tlv(0x04, createHash('sha1').update(publicKeyBits(spki)).digest())),
    // subjectAltName: SEQUENCE OF GeneralName, where iPAddress is [7] (context tag 0x87, the raw
    // 4 or 16 address bytes) and dNSName is [2] (0x82, IA5String text). Hostname checks use
    // only these, never the common name.
    extension(
      '2.5.29.17',
      false,
      seq(...hosts.map((h) => (isIP(h) ? tlv(0x87, ipBytes(h)) : tlv(0x82, Buffer.from(h, 'ascii'))))),
    ),
  ];
}

/** Extension ::= SEQUENCE { extnID OID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING } */
function extension(id: string, critical: boolean, value: Buffer): Buffer {
  // DER omits a BOOLEAN that equals its DEFAULT, so `critical` appears only when true.
  return seq(oid(id), ...(critical ? [tlv(0x01, Buffer.from([0xff]))] : []), tlv(0x04, value));
}

/** The BIT STRING contents inside SubjectPublicKeyInfo (the EC point), without tag or unused-bits byte. */
function publicKeyBits(spki: Buffer): Buffer {
  // SPKI = SEQUENCE { AlgorithmIdentifier, BIT STRING }: skip the outer header, then the algorithm.
  let offset = headerLength(spki, 0);
  offset += headerLength(spki, offset) + contentLength(spki, offset);
  return spki.subarray(offset + headerLength(spki, offset) + 1);
}

// --- Field helpers ---------------------------------------------------------------------------

/** AlgorithmIdentifier for ecdsa-with-SHA256; RFC 5758 says the parameters are absent. */
const ECDSA_WITH_SHA256 = seq(oid('1.2.840.10045.4.3.2'));

/** Name ::= SEQUENCE OF RelativeDistinguishedName(SET OF { type OID, value }) — one CN here. */
function distinguishedName(commonName: string): Buffer {
  return seq(tlv(0x31, seq(oid('2.5.4.3'), tlv(0x0c, Buffer.from(commonName, 'utf8')))));
}

/** 16 random bytes, top bit clear (positive) and second-highest set (no leading zero byte). */
function serialNumber(): Buffer {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x40;
  return bytes;
}

/** UTCTime (YYMMDDHHMMSSZ) until 2049, GeneralizedTime (YYYYMMDDHHMMSSZ) from 2050 (§4.1.2.5). */
function time(date: Date): Buffer {
  const digits = date.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
  return date.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(digits.slice(2))) : tlv(0x18, Buffer.from(digits));
}

function ipBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split('.').map(Number));
  // Expand IPv6 "::" into the missing zero groups; an embedded dotted IPv4 tail counts as two groups.
  let text = ip.split('%')[0]!;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const b = ipBytes(v4[1]!);
    text = text.slice(0, -v4[1]!.length) + `${b.readUInt16BE(0).toString(16)}:${b.readUInt16BE(2).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const groups = (s: string | undefined) => (s ? s.split(':') : []);
  const left = groups(head);
  const right = groups(tail);
  const all = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  const out = Buffer.alloc(16);
  all.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

function pem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

// --- DER primitives (X.690) ------------------------------------------------------------------

/** Tag, length, value. Lengths below 128 take one byte; longer ones 0x80|n followed by n bytes. */
function tlv(tag: number, value: Buffer): Buffer {
  let length: Buffer;
  if (value.length < 0x80) length = Buffer.from([value.length]);
  else {
    const bytes: number[] = [];
    for (let n = value.length; n > 0; n >>= 8) bytes.unshift(n & 0xff);
    length = Buffer.from([0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([Buffer.from([tag]), length, value]);
}

function seq(...items: Buffer[]): Buffer {
  return tlv(0x30, Buffer.concat(items));
}

/** Context-specific, constructed: [n] EXPLICIT wraps a complete inner TLV. */
function explicit(n: number, inner: Buffer): Buffer {
  return tlv(0xa0 | n, inner);
}

/** A non-negative INTEGER from big-endian bytes; a 0x00 is prefixed if the top bit is set. */
function integer(bytes: Buffer): Buffer {
  return tlv(0x02, bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
}

/** BIT STRING whose first content byte is the count of unused bits (0 here). */
function bitString(bytes: Buffer): Buffer {
  return tlv(0x03, Buffer.concat([Buffer.from([0]), bytes]));
}

/** OBJECT IDENTIFIER: first two arcs packed as 40*a+b, then each arc in base 128, high bit = "more". */
function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number) as [number, number, ...number[]];
  const bytes = [40 * a + b];
  for (const arc of rest) {
    const chunk = [arc & 0x7f];
    for (let n = arc >>> 7; n > 0; n >>>= 7) chunk.unshift((n & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

function headerLength(der: Buffer, offset: number): number {
  const first = der[offset + 1]!;
  return first < 0x80 ? 2 : 2 + (first & 0x7f);
}

function contentLength(der: Buffer, offset: number): number {
  const first = der[offset + 1]!;
  if (first < 0x80) return first;
  let n = 0;
  for (let i = 0; i < (first & 0x7f); i++) n = n * 256 + der[offset + 2 + i]!;
  return n;
}
