/**
 * keytool's warnings on a certificate it is given (JDK 17's java.security): an algorithm in
 * `jdk.certpath.disabledAlgorithms` (MD2, MD5; RSA and DSA keys under 1024 bits, EC under 224) "is considered a
 * security risk and is disabled", one in `jdk.security.legacyAlgorithms` (SHA-1 signatures, RSA and DSA keys
 * under 2048 bits) "will be disabled in a future update". MI's TLS refuses the first kind already.
 */
import type { CertificateInfo } from '../model';

/** The warnings keytool prints for this certificate, one sentence each (none for a strong one). */
export function weakAlgorithmWarnings(info: CertificateInfo): string[] {
  const out: string[] = [];
  const sig = info.signatureAlgorithm;
  // A self-signed certificate is trusted as it is: the JDK never checks its own signature.
  if (!info.selfSigned) {
    if (/^(?:MD2|MD5)with/i.test(sig)) out.push(`it uses the ${sig} signature algorithm, which is considered a security risk and is disabled`);
    else if (/^SHA1with/i.test(sig)) out.push(`it uses the ${sig} signature algorithm, which is considered a security risk and will be disabled in a future update`);
  }
  const alg = info.publicKeyAlgorithm.toUpperCase();
  const size = info.publicKeySize;
  if (size !== null) {
    const disabledUnder = alg === 'RSA' || alg === 'DSA' ? 1024 : alg === 'EC' ? 224 : 0;
    const legacyUnder = alg === 'RSA' || alg === 'DSA' ? 2048 : 0;
    if (size < disabledUnder) out.push(`it uses a ${size}-bit ${alg} key, which is considered a security risk and is disabled`);
    else if (size < legacyUnder) out.push(`it uses a ${size}-bit ${alg} key, which is considered a security risk and will be disabled in a future update`);
  }
  return out;
}
