/**
 * The host name check MI's HTTPS sender runs after the handshake: Synapse's `ClientSSLSetupHandler` verifiers,
 * chosen by the `HostnameVerifier` transport parameter (`[transport.http] sender.hostname_verifier`), which
 * WSO2's `ClientConnFactoryBuilder.parseSSL` compares with `equalsIgnoreCase` against `Strict`, `AllowAll` and
 * `DefaultAndLocalhost`; any other value, or none, is `Default`. The verifiers extend httpclient 4.5.13's
 * `AbstractVerifier` (the version wso2-synapse builds with), which is RFC 2818's rule, not the older "CN or any
 * SAN": an IP address is compared with the certificate's IP subject alternative names, a name with its DNS
 * ones, and the most specific subject CN counts only when the certificate has no SAN of that kind. A wildcard
 * is a first label ending in `*` with at least two labels after it (`*.example.com`, `api*.example.com`);
 * `Strict` also wants as many dots in the host as in the name and refuses `*.co.uk`-style names.
 * `DefaultAndLocalhost` accepts `localhost`, `localhost.localdomain`, `127.0.0.1` and `::1` whatever the
 * certificate; `AllowAll` accepts everything.
 *
 * The host checked is `InetSocketAddress.getHostName()` of the connection: the name of the URL as written, but
 * for an IP address the name it resolves back to (reverse DNS), when it has one, in MI's network. A loopback
 * address resolves to `localhost`; for another address that is not knowable here, so a failure says so.
 */
import { isIP } from 'node:net';
import { x509Of } from './certPath';

/**
 * The verifiers Synapse has, and `JDK`: the check of the JDK's own HttpsURLConnection (RFC 2818 as
 * sun.security.util.HostnameChecker does it: the URL's host as written, wildcards within labels, an IP
 * address only against IP SANs), which MI's deployment-time WSDL fetches get.
 */
export type HostnameVerifierName = 'Default' | 'DefaultAndLocalhost' | 'Strict' | 'AllowAll' | 'JDK';

/** The verifier in effect, and the written value when Synapse does not know it (it then uses `Default`). */
export interface HostnameVerifierSetting {
  readonly name: HostnameVerifierName;
  readonly unknown?: string;
}

const NAMED: readonly HostnameVerifierName[] = ['Strict', 'AllowAll', 'DefaultAndLocalhost'];
const LOCALHOSTS = new Set(['::1', '127.0.0.1', 'localhost', 'localhost.localdomain']);
const BAD_COUNTRY_2LDS = new Set(['ac', 'co', 'com', 'ed', 'edu', 'go', 'gouv', 'gov', 'info', 'lg', 'ne', 'net', 'or', 'org']);

/** The verifier a written parameter selects, as `parseSSL` does (case-insensitive; anything else is Default). */
export function parseHostnameVerifier(value: string | undefined): HostnameVerifierSetting {
  if (value === undefined) return { name: 'Default' };
  const v = value.trim().toLowerCase();
  const known = NAMED.find((n) => n.toLowerCase() === v);
  if (known) return { name: known };
  // "Default" is no branch of parseSSL, but it falls to the Default verifier all the same, as was meant.
  return v === 'default' ? { name: 'Default' } : { name: 'Default', unknown: value };
}

/** The identities of a server certificate that the verifier reads. */
interface CertificateIdentities {
  /** The most specific subject CN. */
  readonly cn?: string;
  readonly dns: readonly string[];
  /** IP subject alternative names, in the form `canonicalIp` gives. */
  readonly ips: readonly string[];
}

function identitiesOf(der: Uint8Array): CertificateIdentities {
  const x = x509Of(der);
  // Node lists the subject in DER order, one attribute per line; the most specific CN is the last one.
  const cns = x.subject
    .split('\n')
    .filter((l) => l.startsWith('CN='))
    .map((l) => l.slice(3));
  const dns: string[] = [];
  const ips: string[] = [];
  for (const part of splitSan(x.subjectAltName ?? '')) {
    if (part.startsWith('DNS:')) dns.push(part.slice(4));
    else if (part.startsWith('IP Address:')) ips.push(canonicalIp(part.slice(11)));
  }
  return { ...(cns.length ? { cn: cns[cns.length - 1] } : {}), dns, ips };
}

/** An IP address in one spelling (IPv6 compressed and lower-case), as httpclient normalises IPv6 before comparing. */
function canonicalIp(ip: string): string {
  if (isIP(ip) !== 6) return ip;
  try {
    return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  } catch {
    return ip.toLowerCase();
  }
}

/** Splits Node's `subjectAltName` text, where a name holding `, ` is JSON-quoted. */
function splitSan(san: string): string[] {
  const out: string[] = [];
  const re = /(\w[\w ]*):("(?:[^"\\]|\\.)*"|[^,]*)(?:, |$)/g;
  for (const m of san.matchAll(re)) {
    let v = m[2];
    if (v.startsWith('"')) {
      try {
        v = JSON.parse(v) as string;
      } catch {
        continue;
      }
    }
    out.push(`${m[1]}:${v}`);
  }
  return out;
}

/** httpclient 4.5's `matchIdentity`: exact, or a wildcard first label (`*`, `api*`) over at least three labels. */
function matchIdentity(host: string, identity: string, strict: boolean): boolean {
  const h = host.toLowerCase();
  const id = identity.toLowerCase();
  const parts = id.split('.');
  const wildcard = parts.length >= 3 && parts[0].endsWith('*') && (!strict || validCountryWildcard(parts));
  if (!wildcard) return h === id;
  const prefix = parts[0].slice(0, -1);
  const match = h.startsWith(prefix) && h.slice(prefix.length).endsWith(id.slice(parts[0].length));
  return match && (!strict || dots(h) === dots(id));
}

/** False for `*.co.uk`-style names, which would match a whole country's second-level domain. */
function validCountryWildcard(parts: readonly string[]): boolean {
  return parts.length !== 3 || parts[2].length !== 2 || !BAD_COUNTRY_2LDS.has(parts[1]);
}

function dots(s: string): number {
  return s.split('.').length - 1;
}

/** How a host is compared with one name of the certificate. */
type Matcher = (host: string, identity: string) => boolean;

/**
 * sun.security.util.HostnameChecker for TLS (JDK 17, private CAs): as many labels as the host, each matched by
 * its own glob (`*` within a label); never a lone `*` nor a wildcard in the last label.
 */
function jdkMatches(host: string, identity: string): boolean {
  const h = host.toLowerCase();
  const id = identity.toLowerCase();
  if (!id.includes('*')) return h === id;
  // The JDK first checks the name is a valid SNI host name (253 characters at most): that also bounds the globs.
  if (id.length > 253 || h.length > 253 || id === '*' || id === '*.' || id.indexOf('.', id.lastIndexOf('*')) < 0) return false;
  const hostLabels = h.split('.');
  const idLabels = id.split('.');
  return hostLabels.length === idLabels.length && idLabels.every((label, i) => globMatches(hostLabels[i], label));
}

/** Whether `text` matches `pattern`, where `*` stands for any run of characters (one backtrack point: at most length × length steps). */
function globMatches(text: string, pattern: string): boolean {
  let t = 0;
  let p = 0;
  let star = -1;
  let mark = 0;
  while (t < text.length) {
    if (p < pattern.length && pattern[p] === text[t]) {
      t++;
      p++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      mark = t;
    } else if (star >= 0) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

/** Why `host` fails `match` for these identities (SANs of the host's kind first, the CN only without them), or null. */
function mismatch(host: string, ids: CertificateIdentities, match: Matcher): string | null {
  const ip = isIP(host) !== 0;
  const sans = ip ? ids.ips : ids.dns;
  const h = ip ? canonicalIp(host) : host;
  if (sans.length) return sans.some((s) => match(h, s)) ? null : `${host} is not among the ${ip ? 'IP addresses' : 'DNS names'} of the certificate's subject alternative names (${sans.join(', ')})`;
  if (ids.cn !== undefined) return match(h, canonicalIp(ids.cn)) ? null : `the certificate has no ${ip ? 'IP' : 'DNS'} subject alternative name and its CN ${ids.cn} is not ${host}`;
  return 'the certificate has neither a CN nor a subject alternative name';
}

/** Whether MI accepts `host` (as the URL writes it) for the server certificate `leaf`; the reason when it does not. */
export function verifyHostname(setting: HostnameVerifierSetting, host: string, leaf: Uint8Array): { ok: true } | { ok: false; reason: string } {
  if (setting.name === 'AllowAll') return { ok: true };
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (setting.name === 'JDK') {
    const ids = identitiesOf(leaf);
    const reason = isIP(h) !== 0 && ids.ips.length === 0 ? `the certificate has no IP subject alternative name, which the JDK requires for ${host}` : mismatch(h, ids, jdkMatches);
    return reason === null ? { ok: true } : { ok: false, reason };
  }
  const loopback = h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
  // MI checks the name the address resolves back to: `localhost` for a loopback address.
  const checked = loopback ? 'localhost' : h;
  if (setting.name === 'DefaultAndLocalhost' && LOCALHOSTS.has(checked)) return { ok: true };
  const ids = identitiesOf(leaf);
  const strict = setting.name === 'Strict';
  const match: Matcher = (x, id) => matchIdentity(x, id, strict);
  const reason = mismatch(checked, ids, match);
  if (reason === null) return { ok: true };
  // An address without a reverse name in MI's network is checked as the address itself.
  if (loopback && mismatch(h, ids, match) === null) return { ok: true };
  if (isIP(h) !== 0 && !loopback) return { ok: false, reason: `${reason}, unless ${h} resolves back (reverse DNS) in MI's network to a name the certificate holds: MI checks that name when there is one` };
  return { ok: false, reason };
}
