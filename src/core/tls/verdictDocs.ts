/**
 * What each failing TLS verdict means and what to do about it, in the words docs/diagnostics.md shows
 * (generated from this table) and every trust-map diagnostic links to.
 */
import type { Verdict } from './verdict';

/** The documentation of one verdict a diagnostic carries as its code. */
export interface VerdictDoc {
  readonly code: Verdict;
  readonly severity: 'error' | 'warning';
  readonly doc: string;
  readonly advice: string;
}

/** Every verdict that becomes a diagnostic, in the order MI meets the failures. */
export const VERDICT_DOCS: readonly VerdictDoc[] = [
  {
    code: 'protocol-mismatch',
    severity: 'error',
    doc: 'MI offers no TLS version the server accepts (e.g. a TLS 1.3-only server and `sender.secured_protocols = "TLSv1.2"`), or the configured list enables none the JDK 17 client allows.',
    advice: 'Add the version the server speaks to `[transport.http] sender.secured_protocols` (TLSv1.2, TLSv1.3).',
  },
  {
    code: 'untrusted',
    severity: 'error',
    doc: "No path from the server's chain to an anchor of the truststore MI uses for it (its self-signed certificate, or the root it sends, is not trusted); MI fails with \"PKIX path building failed\". The missing CA is named.",
    advice: 'Quick fix "Trust the issuing CA" (the top-most CA the server sent, never the leaf; compare its SHA-256 with one from the server\'s owner), or "Add an SSL profile" to trust it for this host:port only.',
  },
  {
    code: 'chain-incomplete',
    severity: 'error',
    doc: 'The server sends only its own certificate, issued by an intermediate CA the truststore does not hold: no path can be built whatever root is trusted. On MI\'s own listener: the key entry lacks its intermediates.',
    advice: 'Have the server send its intermediate certificates (or trust that intermediate); for MI\'s listener, import the CA reply with its chain.',
  },
  {
    code: 'expired',
    severity: 'error',
    doc: 'A certificate of the path (not the anchor), or MI\'s own listener certificate, is outside its validity period.',
    advice: 'The server\'s owner must renew it; for MI\'s listener, renew its certificate (command "Renew Certificate").',
  },
  {
    code: 'algorithm-disabled',
    severity: 'error',
    doc: 'JDK 17\'s `jdk.certpath.disabledAlgorithms` rejects the chain: MD2/MD5 signatures, RSA/DSA keys under 1024 bits, EC under 224 bits, or SHA-1 under a CA of the JDK\'s cacerts.',
    advice: 'The server needs a certificate signed with SHA-256 or better and a key of adequate size.',
  },
  {
    code: 'client-certificate-required',
    severity: 'error',
    doc: "The server demands a client certificate (mutual TLS) and the keystore MI's HTTPS sender uses holds no key entry the server accepts (SunX509: one whose chain was issued by a CA the server names).",
    advice: 'Quick fix "Choose the client key for mutual TLS" (a key entry the server accepts, configured through an SSL profile for this host:port), or "Add an SSL profile".',
  },
  {
    code: 'hostname-mismatch',
    severity: 'error',
    doc: "Synapse's host name check (`sender.hostname_verifier`, Default when unset) fails after the handshake: the server's certificate names another host. On MI's own listener: its certificate does not name `[server] hostname`, the name MI gives out in its service URLs.",
    advice: 'The server needs a certificate naming the host the artifact calls; for MI\'s listener, quick fix "Renew MI\'s certificate with the missing SAN" (same key).',
  },
  {
    code: 'unreachable',
    severity: 'warning',
    doc: 'No TCP connection or no TLS handshake within the timeout (5 s by default) from this machine; MI may still reach it from where it runs.',
    advice: 'Check the URL, or test again from a machine on the server\'s network.',
  },
];
