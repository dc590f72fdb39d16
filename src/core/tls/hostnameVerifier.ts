/**
 * The host name check MI's HTTPS sender runs after the handshake (Synapse `ClientSSLSetupHandler` with the
 * `HostnameVerifier` transport parameter, `[transport.http] sender.hostname_verifier`), which is not the
 * JDK's RFC 2818 check: the names are the most specific CN of the subject *and* the DNS subject
 * alternative names (IP SANs are not read); `*.` wildcards match any depth except with `Strict`, which
 * matches exactly one label; wildcards never match an IP address nor stand for a second-level country
 * domain (`*.co.uk`). `DefaultAndLocalhost` accepts `localhost`, `localhost.localdomain`, `127.0.0.1`
 * and `::1` whatever the certificate; `AllowAll` accepts everything. Without the parameter Synapse uses
 * `Default`; an unknown value leaves every connection unverified, which Synapse treats as a failure.
 */
import { x509Of } from './certPath';

/** The values Synapse knows, `Default` when the parameter is absent. */
export type HostnameVerifierName = 'Default' | 'DefaultAndLocalhost' | 'Strict' | 'AllowAll';

/** The values the parameter may take, compared exactly (`"Strict".equals(…)` in ClientSSLSetupHandler). */
export const HOSTNAME_VERIFIERS = ['Strict', 'AllowAll', 'DefaultAndLocalhost'] as const;

/** The configured verifier: a known one, or the unknown text written. */
export type HostnameVerifierSetting = { readonly name: HostnameVerifierName } | { readonly unknown: string };

const LOCALHOSTS = new Set(['::1', '127.0.0.1', 'localhost', 'localhost.localdomain']);
const BAD_COUNTRY_2LDS = new Set(['ac', 'co', 'com', 'ed', 'edu', 'go', 'gouv', 'gov', 'info', 'lg', 'ne', 'net', 'or', 'org']);

/** Parses the written parameter (case-sensitive, as Synapse compares it). */
export function parseHostnameVerifier(value: string | undefined): HostnameVerifierSetting {
  if (value === undefined) return { name: 'Default' };
  const v = value.trim();
  return (HOSTNAME_VERIFIERS as readonly string[]).includes(v) ? { name: v as HostnameVerifierName } : { unknown: value };
}

function isIpAddress(host: string): boolean {
  return /^\d{1,3}(?:\.\d{1,3}){3}$/.test(host) || host.includes(':');
}

/** False for `*.co.uk`-style wildcards, which would match a whole country's second-level domain. */
function acceptableCountryWildcard(cn: string): boolean {
  const parts = cn.split('.');
  if (parts.length !== 3 || parts[2].length !== 2) return true;
  return !BAD_COUNTRY_2LDS.has(parts[1]);
}

/** The names Synapse compares: the most specific subject CN first, then the DNS SANs. */
export function certificateHostNames(der: Uint8Array): string[] {
  const x = x509Of(der);
  const names: string[] = [];
  // Node lists the subject in DER order, one attribute per line; the most specific CN is the last one.
  const cns = x.subject
    .split('\n')
    .filter((l) => l.startsWith('CN='))
    .map((l) => l.slice(3));
  if (cns.length) names.push(cns[cns.length - 1]);
  for (const part of splitSan(x.subjectAltName ?? '')) if (part.startsWith('DNS:')) names.push(part.slice(4));
  return names;
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

/** Whether MI accepts `host` for the server certificate `leaf`; the reason when it does not. */
export function verifyHostname(setting: HostnameVerifierSetting, host: string, leaf: Uint8Array): { ok: true } | { ok: false; reason: string } {
  if ('unknown' in setting) return { ok: false, reason: `sender.hostname_verifier "${setting.unknown}" is not Strict, AllowAll or DefaultAndLocalhost, so MI accepts no host` };
  if (setting.name === 'AllowAll') return { ok: true };
  const h = host.trim().toLowerCase().replace(/%.*$/, '');
  if (setting.name === 'DefaultAndLocalhost' && LOCALHOSTS.has(h)) return { ok: true };
  const names = certificateHostNames(leaf);
  if (names.length === 0) return { ok: false, reason: 'the certificate has no CN and no DNS subject alternative name' };
  const strict = setting.name === 'Strict';
  for (const raw of names) {
    const cn = raw.toLowerCase();
    const wildcard = cn.startsWith('*.') && cn.indexOf('.', 2) > 0 && acceptableCountryWildcard(cn) && !isIpAddress(h);
    if (wildcard) {
      if (h.endsWith(cn.slice(1)) && (!strict || h.split('.').length === cn.split('.').length)) return { ok: true };
    } else if (h === cn) {
      return { ok: true };
    }
  }
  return { ok: false, reason: `${host} is not among the names of the certificate (${names.join(', ')})` };
}
