/**
 * Server certificate validation as the JDK's default trust manager does it (SunJSSE
 * `X509TrustManagerImpl` → `sun.security.validator.PKIXValidator.engineValidate`):
 * - trust anchors are the certificates of a KeyStore's trusted-certificate entries and the first
 *   certificate of each key entry (`KeyStores.getTrustedCerts`);
 * - a chain whose certificate at index i is itself an anchor (same bytes, or same subject and key) is
 *   trusted from there: at index 0 the leaf is accepted with no further check (an expired certificate
 *   imported into the truststore still works), else chain[0..i-1] is validated against it;
 * - a chain whose last certificate's issuer is an anchor that verifies its signature is validated whole;
 * - otherwise a path is built from the certificates sent plus the anchors; when none validates the JDK
 *   says "unable to find valid certification path to requested target".
 * Validation (PKIXCertPathValidator) checks, from the anchor down: algorithm constraints
 * (`jdk.certpath.disabledAlgorithms` and `jdk.tls.disabledAlgorithms` of JDK 17: MD2, MD5 always, SHA-1
 * only under an anchor shipped in the JDK's cacerts ("SHA1 jdkCA & usage TLSServer"), RSA and DSA keys
 * under 1024 bits, EC under 224), the issuer's CA flag, the signature and the validity period.
 */
import { X509Certificate } from 'node:crypto';
import type { Keystore } from '../keystore';
import { describeCertificate, parseCertificate, sha256Fingerprint } from '../keystore';
import { namesMatch } from '../keystore';
import type { CertificateInfo } from '../keystore';

/** A certificate the truststore trusts, with the alias it is stored under. */
export interface TrustAnchor {
  readonly alias: string;
  readonly der: Uint8Array;
}

/** What a chain check concludes. */
export type PathResult =
  | { readonly ok: true; readonly anchor: TrustAnchor; readonly path: readonly Uint8Array[] }
  | {
      readonly ok: false;
      readonly verdict: 'untrusted' | 'chain-incomplete' | 'expired' | 'algorithm-disabled';
      readonly message: string;
      /** The subject of the CA the truststore lacks, when it is known. */
      readonly missingCa?: string;
    };

/** Options of a chain check. */
export interface PathOptions {
  readonly now: Date;
  /** SHA-256 fingerprints (keytool form) of the CAs of the JDK's own cacerts, for the SHA-1 jdkCA rule. */
  readonly jdkCaSha256?: ReadonlySet<string>;
}

/** The trust anchors the JDK builds from a KeyStore. */
export function trustAnchorsOf(store: Keystore): TrustAnchor[] {
  const out: TrustAnchor[] = [];
  for (const e of store.entries) {
    if (e.kind === 'trusted-cert') out.push({ alias: e.alias, der: e.certificate });
    else if (e.kind === 'private-key' && e.chain.length > 0) out.push({ alias: e.alias, der: e.chain[0] });
  }
  return out;
}

/** A certificate with the parts the checks compare, parsed once. */
interface Cert {
  readonly der: Uint8Array;
  readonly x: X509Certificate;
  readonly info: CertificateInfo;
  readonly parsed: ReturnType<typeof parseCertificate>;
}

/**
 * Parsed certificates by their bytes: a map re-judges the same chains and anchors on every refresh, and
 * building an X509Certificate is the costly part. Bounded: cleared when full.
 */
const loaded = new Map<string, Cert>();
const LOADED_MAX = 4096;

function load(der: Uint8Array): Cert {
  const key = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  const hit = loaded.get(key);
  if (hit) return hit;
  const cert = { der, x: new X509Certificate(der), info: describeCertificate(der), parsed: parseCertificate(der) };
  if (loaded.size >= LOADED_MAX) loaded.clear();
  loaded.set(key, cert);
  return cert;
}

/** The X509Certificate of DER bytes, from the same bounded cache. */
export function x509Of(der: Uint8Array): X509Certificate {
  return load(der).x;
}

/** Whether `a`'s issuer name equals `b`'s subject (X500Principal equality). */
function issuerIs(a: Cert, b: Cert): boolean {
  return namesMatch(a.der, a.parsed.issuer, b.der, b.parsed.subject);
}

function sameSubject(a: Cert, b: Cert): boolean {
  return namesMatch(a.der, a.parsed.subject, b.der, b.parsed.subject);
}

function signedBy(cert: Cert, issuer: Cert): boolean {
  try {
    return cert.x.verify(issuer.x.publicKey);
  } catch {
    return false;
  }
}

function sameKey(a: Cert, b: Cert): boolean {
  try {
    return a.x.publicKey.equals(b.x.publicKey);
  } catch {
    return false;
  }
}

function selfSigned(c: Cert): boolean {
  return issuerIs(c, c) && signedBy(c, c);
}

/** Why a key is too weak for JDK 17's constraints, or null. */
function weakKey(c: Cert): string | null {
  const { publicKeyAlgorithm: alg, publicKeySize: size } = c.info;
  if (size === null) return null;
  if ((alg === 'RSA' || alg === 'DSA') && size < 1024) return `its ${size}-bit ${alg} key`;
  if (alg === 'EC' && size < 224) return `its ${size}-bit EC key`;
  return null;
}

/** Why a signature algorithm is disabled for a TLS server chain under `anchor`, or null. */
function disabledSignature(c: Cert, anchorIsJdkCa: boolean): string | null {
  const sig = c.info.signatureAlgorithm.toUpperCase();
  if (/MD2|MD5/.test(sig)) return `its ${c.info.signatureAlgorithm} signature`;
  if (/^SHA1/.test(sig) && anchorIsJdkCa) return `its ${c.info.signatureAlgorithm} signature (SHA-1 under a CA of the JDK's cacerts)`;
  return null;
}

/** PKIXCertPathValidator over `path` (leaf first, anchor excluded): the first failure from the anchor down. */
function validatePath(path: readonly Cert[], anchor: Cert, options: PathOptions): PathResult | null {
  const anchorIsJdkCa = options.jdkCaSha256?.has(anchor.info.sha256) ?? false;
  const anchorWeak = weakKey(anchor);
  if (anchorWeak) return { ok: false, verdict: 'algorithm-disabled', message: `The trusted CA "${anchor.info.subject}" is disabled by the JDK: ${anchorWeak}.` };
  for (let i = path.length - 1; i >= 0; i--) {
    const c = path[i];
    const issuer = i === path.length - 1 ? anchor : path[i + 1];
    const weak = disabledSignature(c, anchorIsJdkCa) ?? weakKey(c);
    if (weak) return { ok: false, verdict: 'algorithm-disabled', message: `The JDK rejects "${c.info.subject}": ${weak} is disabled (jdk.certpath.disabledAlgorithms).` };
    if (issuer !== anchor && !issuer.x.ca) return { ok: false, verdict: 'untrusted', message: `"${issuer.info.subject}" signs another certificate but is not a CA.` };
    if (!issuerIs(c, issuer) || !signedBy(c, issuer)) return { ok: false, verdict: 'untrusted', message: `The signature of "${c.info.subject}" does not verify with "${issuer.info.subject}".` };
    const nb = new Date(c.info.notBefore);
    const na = new Date(c.info.notAfter);
    if (options.now < nb) return { ok: false, verdict: 'expired', message: `"${c.info.subject}" is not valid before ${c.info.notBefore}.` };
    if (options.now > na) return { ok: false, verdict: 'expired', message: `"${c.info.subject}" expired on ${c.info.notAfter}.` };
  }
  return null;
}

/** Checks the chain a server sent (leaf first) against the anchors, as the JDK would. */
export function checkServerChain(chainDer: readonly Uint8Array[], anchorList: readonly TrustAnchor[], options: PathOptions): PathResult {
  if (chainDer.length === 0) return { ok: false, verdict: 'untrusted', message: 'The server sent no certificate.' };
  const chain = chainDer.map(load);
  const anchors = anchorList.map((a) => ({ a, c: load(a.der) }));
  const trustedAs = (c: Cert) => anchors.find(({ c: t }) => Buffer.from(t.der).equals(Buffer.from(c.der)) || (sameSubject(t, c) && sameKey(t, c)));
  const finish = (path: readonly Cert[], anchor: { a: TrustAnchor; c: Cert }): PathResult =>
    validatePath(path, anchor.c, options) ?? { ok: true, anchor: anchor.a, path: path.map((c) => c.der) };

  let ordered = true;
  for (let i = 0; i < chain.length; i++) {
    if (i > 0 && !issuerIs(chain[i - 1], chain[i])) {
      ordered = false;
      break;
    }
    const t = trustedAs(chain[i]);
    if (t) return i === 0 ? { ok: true, anchor: t.a, path: [] } : finish(chain.slice(0, i), t);
  }
  if (ordered) {
    const last = chain[chain.length - 1];
    const t = anchors.find(({ c }) => issuerIs(last, c) && signedBy(last, c));
    if (t) return finish(chain, t);
  }
  return build(chain, anchors, options);
}

/** The path builder: depth-first from the leaf through the certificates sent to any anchor. */
function build(chain: readonly Cert[], anchors: readonly { a: TrustAnchor; c: Cert }[], options: PathOptions): PathResult {
  let firstFailure: PathResult | null = null;
  const search = (path: Cert[]): PathResult | null => {
    const tip = path[path.length - 1];
    if (path.length > 10) return null;
    for (const t of anchors) {
      if (!issuerIs(tip, t.c) || !signedBy(tip, t.c)) continue;
      const r = validatePath(path, t.c, options);
      if (!r) return { ok: true, anchor: t.a, path: path.map((c) => c.der) };
      firstFailure ??= r;
    }
    for (const next of chain) {
      if (path.includes(next) || !issuerIs(tip, next) || !signedBy(tip, next)) continue;
      const r = search([...path, next]);
      if (r) return r;
    }
    return null;
  };
  const found = search([chain[0]]);
  if (found) return found;
  if (firstFailure) return firstFailure;
  return noPath(chain);
}

/** Why no path exists: the CA that is missing, or the intermediates the server does not send. */
function noPath(chain: readonly Cert[]): PathResult {
  const leaf = chain[0];
  const linked = linkedChain(chain);
  const top = linked[linked.length - 1];
  if (selfSigned(top)) {
    const what = top === leaf ? `The server's self-signed certificate "${leaf.info.subject}" is` : `The root CA "${top.info.subject}" that the server sends is`;
    return { ok: false, verdict: 'untrusted', message: `${what} not in the truststore.`, missingCa: top.info.subject };
  }
  if (linked.length === 1) {
    return {
      ok: false,
      verdict: 'chain-incomplete',
      message: `The server sends only its own certificate, issued by "${leaf.info.issuer}", which the truststore does not hold: the server must send its intermediate certificates (or that CA must be trusted).`,
      missingCa: leaf.info.issuer,
    };
  }
  return { ok: false, verdict: 'untrusted', message: `No CA of the truststore issued "${top.info.subject}": "${top.info.issuer}" is missing.`, missingCa: top.info.issuer };
}

/** The chain as sent, cut where a certificate is not issued by the next one. */
function linkedChain(chain: readonly Cert[]): Cert[] {
  const out = [chain[0]];
  for (let i = 1; i < chain.length; i++) {
    if (!issuerIs(out[out.length - 1], chain[i]) || !signedBy(out[out.length - 1], chain[i])) break;
    out.push(chain[i]);
  }
  return out;
}

/**
 * The certificate to trust so MI accepts this server: the top-most CA certificate the server sent (never
 * the leaf when a CA is there); the leaf only when it is self-signed and alone; null when the server sent
 * no CA and its certificate is not self-signed (its CA must come from elsewhere).
 */
export function certificateToTrust(chainDer: readonly Uint8Array[]): Uint8Array | null {
  if (chainDer.length === 0) return null;
  const linked = linkedChain(chainDer.map(load));
  for (let i = linked.length - 1; i >= 1; i--) if (linked[i].x.ca) return linked[i].der;
  return selfSigned(linked[0]) ? linked[0].der : null;
}

/** The SHA-256 (keytool form) of a certificate, re-exported for callers that only have this module. */
export const fingerprintOf = sha256Fingerprint;
