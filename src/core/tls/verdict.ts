/**
 * The verdict of one outbound connection, decided in the order MI meets the failures: the protocol
 * negotiation, then the server's chain (JSSE's trust manager, see ./certPath), then the client
 * certificate the server demands (SunX509 key manager: a key entry one of whose certificates was issued by
 * a CA the server names), then Synapse's host name check after the handshake (see ./hostnameVerifier).
 * Decided from a remembered observation of the server, so it runs offline.
 */
import type { Keystore } from '../keystore';
import { describeCertificate, parseCertificate } from '../keystore';
import { formatDerName } from '../keystore';
import { readWhole } from '../keystore';
import { certificateToTrust, checkServerChain, type PathOptions, type TrustAnchor } from './certPath';
import { verifyHostname } from './hostnameVerifier';
import type { ClientTlsContext } from './clientContext';
import type { TlsVersion } from './probe';

/** Every verdict a connection can get. */
export type Verdict =
  | 'trusted'
  | 'untrusted'
  | 'chain-incomplete'
  | 'hostname-mismatch'
  | 'expired'
  | 'algorithm-disabled'
  | 'protocol-mismatch'
  | 'client-certificate-required'
  | 'unreachable'
  | 'not-checked';

/** The verdicts that mean MI's connection fails. */
export const FAILING_VERDICTS: ReadonlySet<Verdict> = new Set<Verdict>([
  'untrusted',
  'chain-incomplete',
  'hostname-mismatch',
  'expired',
  'algorithm-disabled',
  'protocol-mismatch',
  'client-certificate-required',
  'unreachable',
]);

/** What was seen of a server on the last explicit look (plain JSON, so it can be remembered). */
export interface ServerObservation {
  readonly host: string;
  readonly port: number;
  /** ISO-8601. */
  readonly fetchedAt: string;
  /** Why no handshake could start (connection refused, timeout); absent when it did. */
  readonly unreachable?: string;
  /** Base64 DER, leaf first, as the server sent them. */
  readonly chain: readonly string[];
  /** Whether the server agreed to each version, when probed. */
  readonly versions: Readonly<Partial<Record<TlsVersion, boolean>>>;
  /** `required`: the handshake fails without an acceptable client certificate. */
  readonly clientAuth: 'none' | 'requested' | 'required';
  /** Base64 DER names of the CAs a TLS 1.2 CertificateRequest named. */
  readonly acceptedIssuers: readonly string[];
  /** Client certificate SHA-256 (keytool form) → whether the server accepted it. */
  readonly clientCertificates: Readonly<Record<string, boolean>>;
  /** The handshake's failure, when it failed for another reason. */
  readonly failure?: string;
}

/** The outcome for one connection. */
export interface VerdictResult {
  readonly verdict: Verdict;
  readonly message: string;
  /** The CA the truststore lacks (subject), when known. */
  readonly missingCa?: string;
  /** The certificate a "trust the issuing CA" fix imports, base64 DER. */
  readonly trustCandidate?: string;
}

/** What the evaluation needs besides the observation. */
export interface EvaluationInput {
  readonly host: string;
  readonly context: ClientTlsContext;
  /** The truststore's anchors; null when the truststore could not be read (`truststoreProblem` says why). */
  readonly anchors: readonly TrustAnchor[] | null;
  readonly truststoreProblem?: string;
  /** The client keystore; null when it could not be read. */
  readonly clientStore: Keystore | null;
  readonly path: PathOptions;
}

const der = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64'));

/** The key entries the SunX509 key manager may offer (all of them, or the configured alias). */
export function clientKeyEntries(store: Keystore | null, alias?: string) {
  if (!store) return [];
  return store.entries.filter((e) => e.kind === 'private-key' && e.chain.length > 0 && (alias === undefined || e.alias.toLowerCase() === alias.toLowerCase())) as Extract<
    Keystore['entries'][number],
    { kind: 'private-key' }
  >[];
}

/** SunX509's rule: some certificate of the entry's chain has an issuer among the names the server sent. */
export function issuedByOneOf(chain: readonly Uint8Array[], issuers: readonly Uint8Array[]): boolean {
  const names = new Set(issuers.map((n) => Buffer.from(n).toString('hex')));
  return chain.some((c) => {
    try {
      const p = parseCertificate(c);
      return names.has(Buffer.from(c.subarray(p.issuer.start, p.issuer.end)).toString('hex'));
    } catch {
      return false;
    }
  });
}

/** The verdict of a connection from its observation. */
export function evaluateConnection(obs: ServerObservation, input: EvaluationInput): VerdictResult {
  const { context } = input;
  if (obs.unreachable) return { verdict: 'unreachable', message: obs.unreachable };
  if (context.versions.length === 0) {
    return { verdict: 'protocol-mismatch', message: `HttpsProtocols "${context.protocolsWritten ?? ''}" enables no protocol the JDK 17 client allows (TLSv1.2, TLSv1.3).` };
  }
  const accepted = context.versions.filter((v) => obs.versions[v] === true);
  const refused = context.versions.every((v) => obs.versions[v] === false);
  if (accepted.length === 0 && refused) {
    const serverHas = (Object.keys(obs.versions) as TlsVersion[]).filter((v) => obs.versions[v]);
    return {
      verdict: 'protocol-mismatch',
      message: `MI offers ${context.versions.join(', ')} but the server accepts ${serverHas.length ? serverHas.join(', ') : 'neither TLSv1.2 nor TLSv1.3'}.`,
    };
  }
  if (obs.chain.length === 0) return { verdict: 'not-checked', message: obs.failure ?? 'The server sent no certificate.' };
  const chain = obs.chain.map(der);
  // Synapse's NoValidateCertTrustManager (a profile with novalidatecert="true" and no TrustStore) checks no
  // chain, date or algorithm; the client certificate and the host name checks still run.
  let trustedBy: string;
  if (context.noValidateCert) {
    trustedBy = `Accepted without validation: the SSL profile for ${context.profileServer ?? input.host} has novalidatecert="true" and no TrustStore, so MI trusts any certificate this server presents (WSO2: "DO NOT USE IN PRODUCTION").`;
  } else {
    const candidate = certificateToTrust(chain);
    const trustCandidate = candidate ? Buffer.from(candidate).toString('base64') : undefined;
    if (!input.anchors) return { verdict: 'not-checked', message: `The ${context.truststore.label} cannot be read: ${input.truststoreProblem ?? 'unknown reason'}.`, ...(trustCandidate ? { trustCandidate } : {}) };
    const path = checkServerChain(chain, input.anchors, input.path);
    if (!path.ok) {
      return {
        verdict: path.verdict,
        message: path.message,
        ...(path.missingCa ? { missingCa: path.missingCa } : {}),
        ...(trustCandidate && (path.verdict === 'untrusted' || path.verdict === 'chain-incomplete') ? { trustCandidate } : {}),
      };
    }
    trustedBy = `Trusted through "${describeCertificate(path.anchor.der).subject}" (alias ${path.anchor.alias}) of the ${context.truststore.label}.`;
  }

  if (obs.clientAuth === 'required') {
    const keys = clientKeyEntries(input.clientStore, context.keystore.keyAlias);
    const issuers = obs.acceptedIssuers.map(der);
    const judged = keys.map((k) => {
      const sha = describeCertificate(k.chain[0]).sha256;
      // The CA names of a TLS 1.2 request decide as SunX509 does (it offers no key outside them); a live
      // handshake with Node offers the key whatever the names, so it decides only when names are unknown.
      if (issuers.length) return issuedByOneOf(k.chain, issuers);
      return obs.clientCertificates[sha];
    });
    if (input.clientStore && !judged.some((j) => j !== false)) {
      const names = issuers.map((n) => {
        try {
          return describeName(n);
        } catch {
          return '?';
        }
      });
      return {
        verdict: 'client-certificate-required',
        message:
          keys.length === 0
            ? `The server requires a client certificate and the ${context.keystore.label} holds no key entry${context.keystore.keyAlias ? ` "${context.keystore.keyAlias}"` : ''}.`
            : `The server requires a client certificate${names.length ? ` issued by ${names.join(' or ')}` : ''} and refuses every key of the ${context.keystore.label}.`,
      };
    }
  }

  const host = verifyHostname(context.hostnameVerifier, input.host, chain[0]);
  if (!host.ok) return { verdict: 'hostname-mismatch', message: `MI's host name check fails: ${host.reason}.` };
  return { verdict: 'trusted', message: trustedBy };
}

/** A DER name in keytool's form. */
function describeName(name: Uint8Array): string {
  return formatDerName(name, readWhole(name));
}
