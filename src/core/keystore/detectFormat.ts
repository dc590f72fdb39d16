import type { KeystoreFormat } from './model';

/**
 * Tells the container format from the first bytes, never from a file name or a configured `type`
 * (keytool 17 writes PKCS12 whatever the extension; WSO2 ships PKCS12 named `.jks`).
 * JKS and JCEKS by their magic numbers (OpenJDK JavaKeyStore/JceKeyStore); PKCS12 by the DER
 * shape `SEQUENCE { INTEGER 3, ... }` of a PFX (RFC 7292 §4).
 */
export function detectFormat(bytes: Uint8Array): KeystoreFormat | null {
  if (bytes.length >= 4) {
    const magic = ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0;
    if (magic === 0xfeedfeed) return 'JKS';
    if (magic === 0xcececece) return 'JCEKS';
  }
  return looksLikePfx(bytes) ? 'PKCS12' : null;
}

/** A PFX starts with a SEQUENCE whose first element is INTEGER 3 (the PFX version). */
function looksLikePfx(bytes: Uint8Array): boolean {
  if (bytes.length < 5 || bytes[0] !== 0x30) return false;
  let i = 1;
  const first = bytes[i++];
  // 0x80 alone is BER's indefinite length (some non-Java tools write it); the PKCS12 codec reads BER too.
  if (first & 0x80) {
    const n = first & 0x7f;
    if (n > 4) return false;
    i += n;
  }
  return bytes[i] === 0x02 && bytes[i + 1] === 0x01 && bytes[i + 2] === 0x03;
}
