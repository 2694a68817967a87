/**
 * Indicator values for the seed: well-formed ones, and hostile ones an exporter must survive or
 * reject (commas, newlines, spaces, URLs stored as FQDN, wildcards, ports, uppercase, trailing
 * dots, IDN, non-canonical IPv6, CIDR, over-long labels and names, HTML/script). Every value
 * embeds its serial number `n`, so no two generated values of one type are ever equal.
 */
import type { Prng } from './prng.ts';

const WORDS = [
  'alpha', 'bravo', 'cobalt', 'delta', 'ember', 'falcon', 'garnet', 'harbor', 'indigo', 'jasper',
  'kestrel', 'lumen', 'magma', 'nebula', 'onyx', 'pylon', 'quartz', 'raven', 'sierra', 'tundra',
  'umbra', 'vertex', 'willow', 'xenon', 'yonder', 'zephyr', 'mirage', 'cipher', 'orbit', 'static',
];
const TLDS = ['com', 'net', 'org', 'io', 'info', 'biz', 'xyz', 'ru', 'cn', 'top'];
const V6_PREFIXES = ['2001:db8', '2a03:2880', '2606:4700', '2a00:1450', '2400:cb00'];
const FIRST_OCTETS = [23, 31, 45, 52, 62, 77, 89, 91, 103, 118, 141, 151, 176, 185, 193, 203, 212];

/** A bijection on 24 bits, so consecutive serials spread over the address space without repeats. */
function spread24(n: number): number {
  return Math.imul(n & 0xffffff, 0x2545f49) & 0xffffff;
}

function ipv4(n: number, rng: Prng): string {
  const m = spread24(n);
  return `${rng.pick(FIRST_OCTETS)}.${(m >>> 16) & 255}.${(m >>> 8) & 255}.${m & 255}`;
}

/** Two non-zero 16-bit groups (hex, no leading zeros) that together identify n. */
function v6Groups(n: number): [string, string] {
  return [((n >>> 15) + 1).toString(16), ((n & 0x7fff) + 1).toString(16)];
}

export function normalFqdn(n: number, rng: Prng): string {
  return `${rng.pick(WORDS)}-${n.toString(36)}.${rng.pick(WORDS)}.${rng.pick(TLDS)}`;
}

export function normalIpv4(n: number, rng: Prng): string {
  return ipv4(n, rng);
}

/** Canonical (RFC 5952) form: lowercase, no leading zeros, the zero run compressed. */
export function normalIpv6(n: number, rng: Prng): string {
  const [a, c] = v6Groups(n);
  const b = (rng.int(0xfffe) + 1).toString(16);
  return `${rng.pick(V6_PREFIXES)}:${a}:${b}::${c}`;
}

export function hostileFqdn(n: number, rng: Prng): string {
  const w = rng.pick(WORDS);
  const w2 = rng.pick(WORDS);
  const id = n.toString(36);
  const host = `${w}-${id}.example.com`;
  switch (rng.int(21)) {
    case 0:
      return `${host},${w2}.example.net`;
    case 1:
      return `${host}\n${w2}.example.org`;
    case 2:
      return `${w} ${id}.example.com`;
    case 3:
      return `  ${host} `;
    case 4:
      return `https://${host}/login?next=/account`;
    case 5:
      return `*.${host}`;
    case 6:
      return `${host}:8080`;
    case 7:
      return `${w.toUpperCase()}-${id.toUpperCase()}.Example.COM`;
    case 8:
      return `${host}.`;
    case 9:
      return `bücher-${id}.example`;
    case 10:
      return `пример-${id}.испытание`;
    case 11:
      return `${'a'.repeat(64)}${id}.example.com`;
    case 12:
      return `${Array.from({ length: 5 }, (_, i) => `${String.fromCharCode(97 + i)}${'x'.repeat(58)}`).join('.')}.${id}.example.com`;
    case 13:
      return `<script>alert(${n})</script>.example.com`;
    case 14:
      return `"${host}";drop table indicators`;
    case 15:
      return `${host}\t`;
    case 16:
      return `_dmarc.${host}`;
    case 17:
      return `${w}-${id}..example.com`;
    case 18:
      return `-${host}`;
    case 19:
      return `.${host}`;
    default:
      return `198.${(spread24(n) >>> 16) & 255}.${(spread24(n) >>> 8) & 255}.${spread24(n) & 255}`;
  }
}

export function hostileIpv4(n: number, rng: Prng): string {
  const m = spread24(n);
  const a = rng.pick(FIRST_OCTETS);
  const b = (m >>> 16) & 255;
  const c = (m >>> 8) & 255;
  const d = m & 255;
  const ip = `${a}.${b}.${c}.${d}`;
  switch (rng.int(12)) {
    case 0:
      return `${ip}/24`;
    case 1:
      return `${ip}:443`;
    case 2:
      return `0${a}.0${b}.${c}.${d}`;
    case 3:
      return `${256 + rng.int(700)}.${b}.${c}.${d}`;
    case 4:
      return ` ${ip} `;
    case 5:
      return `${ip},${a}.${b}.${c}.${(d + 1) & 255}`;
    case 6:
      return `${ip}\n${a}.${b}.${c}.${(d + 1) & 255}`;
    case 7:
      return `2001:db8::${n.toString(16)}`;
    case 8:
      return `${ip}-${a}.${b}.${c}.${(d + 9) & 255}`;
    case 9:
      return `${a}[.]${b}[.]${c}[.]${d}`;
    case 10:
      return `<b onmouseover="alert(1)">${ip}</b>`;
    default:
      return `0x${(((a << 24) >>> 0) + (b << 16) + (c << 8) + d).toString(16)}`;
  }
}

export function hostileIpv6(n: number, rng: Prng): string {
  const [a, c] = v6Groups(n);
  switch (rng.int(12)) {
    case 0:
      return `2001:DB8:${a.toUpperCase()}::${c.toUpperCase()}`;
    case 1:
      return `2001:0db8:${a.padStart(4, '0')}:0000:0000:0000:0000:${c.padStart(4, '0')}`;
    case 2:
      return `2001:db8:${a}:0:0:0:0:${c}`;
    case 3:
      return `::ffff:${ipv4(n, rng)}`;
    case 4:
      return `fe80::${a}:${c}%eth0`;
    case 5:
      return `2001:db8:${a}:${c}::/64`;
    case 6:
      return `[2001:db8:${a}::${c}]`;
    case 7:
      return `[2001:db8:${a}::${c}]:443`;
    case 8:
      return `2001:db8:${a}::${c}::1`;
    case 9:
      return `2001:db8:${a}:12345::${c}`;
    case 10:
      return `2001:db8:${a}::${c} `;
    default:
      return `<img src=x onerror=alert(1)>2001:db8:${a}::${c}`;
  }
}

/** Values of types the export must leave alone. */
export function otherTypeValue(typeName: string, n: number, rng: Prng): string {
  const id = n.toString(36);
  switch (typeName) {
    case 'URL':
      return `http://${rng.pick(WORDS)}-${id}.example/${rng.pick(WORDS)}/index.php?id=${n}`;
    case 'MD5':
      return rng.hex(32);
    case 'SHA-256':
      return rng.hex(64);
    case 'Email Address':
      return `${rng.pick(WORDS)}.${id}@${rng.pick(WORDS)}.example`;
    case 'MAC Address':
      return `02:${[(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255, rng.int(256)].map((x) => x.toString(16).padStart(2, '0')).join(':')}`;
    default:
      return `${rng.pick(WORDS)}_${id}.exe`;
  }
}

export const OTHER_TYPES = ['URL', 'MD5', 'SHA-256', 'Email Address', 'MAC Address', 'Filename'] as const;
