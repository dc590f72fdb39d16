/**
 * Looks at one server, on a person's explicit request only: a handshake offering both versions the JDK
 * 17 client enables (the chain, the version the server prefers, whether it demands a client
 * certificate), a TLS 1.2-only handshake when the server chose TLS 1.3 (does it still speak 1.2?), and,
 * when it demands a client certificate, one handshake per candidate client key (at most four) to learn
 * which it accepts. The result is plain JSON, remembered so that later verdicts are decided offline.
 */
import { probeTls, type ClientCredential, type ProbeResult, type TlsVersion } from './probe';
import type { ServerObservation } from './verdict';

/** A client key that may be offered, with its certificate's SHA-256 (keytool form). */
export interface CandidateKey {
  readonly sha256: string;
  readonly credential: ClientCredential;
}

/** Options of one look at a server. */
export interface ObserveOptions {
  /** Per handshake (default 5,000 ms). */
  readonly timeoutMs?: number;
  /** Client keys to try when the server demands a certificate (at most four are tried). */
  readonly candidates?: readonly CandidateKey[];
  readonly now?: () => Date;
}

const ALL: readonly TlsVersion[] = ['TLSv1.2', 'TLSv1.3'];

/** What one look at `host:port` shows. Never rejects. */
export async function observeServer(host: string, port: number, options: ObserveOptions = {}): Promise<ServerObservation> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const fetchedAt = (options.now?.() ?? new Date()).toISOString();
  const first = await probeTls(host, port, { timeoutMs, versions: ALL });
  const b64 = (r: ProbeResult) => r.chain.map((c) => Buffer.from(c).toString('base64'));
  if (first.outcome === 'unreachable' || first.outcome === 'timeout') {
    return { host, port, fetchedAt, unreachable: first.message, chain: [], versions: {}, clientAuth: 'none', acceptedIssuers: [], clientCertificates: {} };
  }
  const versions: Partial<Record<TlsVersion, boolean>> = {};
  const negotiated = first.protocol as TlsVersion | undefined;
  if (first.outcome === 'protocol') {
    versions['TLSv1.2'] = false;
    versions['TLSv1.3'] = false;
  } else if (negotiated === 'TLSv1.3') {
    versions['TLSv1.3'] = true;
    const only12 = await probeTls(host, port, { timeoutMs, versions: ['TLSv1.2'] });
    versions['TLSv1.2'] = only12.outcome !== 'protocol';
  } else if (negotiated === 'TLSv1.2' || first.certificateRequested) {
    // Offered both, the server chose 1.2 (its clear-text handshake proves it): it does not speak 1.3.
    versions['TLSv1.2'] = true;
    versions['TLSv1.3'] = false;
  }
  const required = first.outcome === 'client-certificate-rejected';
  const clientCertificates: Record<string, boolean> = {};
  if (required) {
    const usable = (Object.keys(versions) as TlsVersion[]).filter((v) => versions[v]);
    for (const c of (options.candidates ?? []).slice(0, 4)) {
      const r = await probeTls(host, port, { timeoutMs, versions: usable.length ? usable : ALL, client: c.credential });
      clientCertificates[c.sha256] = r.outcome === 'ok';
    }
  }
  return {
    host,
    port,
    fetchedAt,
    chain: b64(first),
    versions,
    clientAuth: required ? 'required' : first.certificateRequested ? 'requested' : 'none',
    acceptedIssuers: first.acceptedIssuers.map((n) => Buffer.from(n).toString('base64')),
    clientCertificates,
    ...(first.outcome === 'failed' ? { failure: first.message } : {}),
  };
}
