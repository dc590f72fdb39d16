/**
 * Secret keys in the clear: the algorithm names the JDK gives them, their OIDs, and the SecretKeyInfo a
 * PKCS12 secretBag encrypts (OpenJDK 17 PKCS12KeyStore.setKeyEntry: `SEQUENCE { INTEGER 0,
 * AlgorithmIdentifier, OCTET STRING key }`, the PKCS#8 shape with the raw key as the "private key").
 */
import { NULL, TAG, childrenOf, oid, octetString, readOid, readWhole, seq, integer, valueOf } from './asn1/der';

/** A secret key in the clear: the JDK's algorithm name (`AES`, `HmacSHA256`, `DESede`, or a dotted OID) and its bytes. */
export interface SecretKeyMaterial {
  readonly algorithm: string;
  readonly key: Uint8Array;
}

/**
 * The secret-key algorithms of the JDK's KnownOIDs that keytool writes into PKCS12 (AlgorithmId.get of the
 * key's algorithm name; DESede is des-ede, 1.3.14.3.2.17, as keytool 17 writes it). A name without an OID
 * cannot go into a PKCS12 store: keytool fails on it too. Unknown OIDs read back as their dotted form.
 */
const OIDS: Readonly<Record<string, string>> = {
  AES: '2.16.840.1.101.3.4.1',
  DESede: '1.3.14.3.2.17',
  HmacMD5: '1.3.6.1.5.5.8.1.1',
  HmacSHA1: '1.2.840.113549.2.7',
  HmacSHA224: '1.2.840.113549.2.8',
  HmacSHA256: '1.2.840.113549.2.9',
  HmacSHA384: '1.2.840.113549.2.10',
  HmacSHA512: '1.2.840.113549.2.11',
  'HmacSHA512/224': '1.2.840.113549.2.12',
  'HmacSHA512/256': '1.2.840.113549.2.13',
  'HmacSHA3-224': '2.16.840.1.101.3.4.2.13',
  'HmacSHA3-256': '2.16.840.1.101.3.4.2.14',
  'HmacSHA3-384': '2.16.840.1.101.3.4.2.15',
  'HmacSHA3-512': '2.16.840.1.101.3.4.2.16',
};

const NAMES: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(OIDS).map(([name, id]) => [id, name]));

/** The OID keytool writes for a secret-key algorithm (names compare case-insensitively, as the JDK's do), or null. */
export function secretKeyAlgorithmOid(algorithm: string): string | null {
  if (/^\d+(\.\d+)+$/.test(algorithm)) return algorithm;
  const lower = algorithm.toLowerCase();
  // The JDK's aliases of DESede.
  if (lower === 'tripledes' || lower === '3des') return OIDS.DESede;
  const name = Object.keys(OIDS).find((n) => n.toLowerCase() === lower);
  return name ? OIDS[name] : null;
}

/** The JDK's name for a secret-key algorithm OID (AlgorithmId.getName), or the OID itself when it has none. */
export function secretKeyAlgorithmName(id: string): string {
  return NAMES[id] ?? id;
}

/** The strength keytool states for a key (`Generated 168-bit DESede secret key`): DES parity bits do not count. */
export function secretKeySize(material: SecretKeyMaterial): number {
  const bits = material.key.length * 8;
  const lower = material.algorithm.toLowerCase();
  return lower === 'des' || lower === 'desede' || lower === 'tripledes' ? (bits / 8) * 7 : bits;
}

/** Encodes SecretKeyInfo for a PKCS12 secretBag; throws when the algorithm has no OID (checked by callers first). */
export function encodeSecretKeyInfo(material: SecretKeyMaterial): Buffer {
  const id = secretKeyAlgorithmOid(material.algorithm);
  if (id === null) throw new RangeError(`no OID for secret-key algorithm ${material.algorithm}`);
  // The JDK's AlgorithmId writes a NULL parameter for these algorithms.
  return seq(integer(0), seq(oid(id), NULL), octetString(material.key));
}

/** Decodes a SecretKeyInfo; null when the bytes are not one (a wrong password that passed the padding check). */
export function decodeSecretKeyInfo(der: Uint8Array): SecretKeyMaterial | null {
  try {
    const top = readWhole(der, TAG.SEQUENCE);
    const [version, alg, key] = childrenOf(der, top);
    if (!version || version.tag !== TAG.INTEGER || !alg || alg.tag !== TAG.SEQUENCE || !key || key.tag !== TAG.OCTET_STRING) return null;
    const [algOid] = childrenOf(der, alg);
    if (!algOid || algOid.tag !== TAG.OID) return null;
    return { algorithm: secretKeyAlgorithmName(readOid(der, algOid)), key: Uint8Array.from(valueOf(der, key)) };
  } catch {
    return null;
  }
}
