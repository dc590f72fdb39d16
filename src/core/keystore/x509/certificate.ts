/**
 * X.509 certificate details as JDK 17 `keytool -list -v` prints them (`sun.security.tools.keytool.Main
 * .printX509Cert`), read straight from the DER (RFC 5280 §4.1) with the small reader in ../asn1/der, so that
 * listing a 150-certificate truststore stays fast. Node's `crypto` verifies signatures and compares keys.
 */
import { X509Certificate, createPrivateKey, createPublicKey, hash, type KeyObject } from 'node:crypto';
import { InvalidInputError } from '../errors';
import type { CertificateInfo } from '../model';
import { TAG, asBuffer, childrenOf, readOid, readTlv, readWhole, valueOf, type Tlv } from '../asn1/der';
import { decodeOid } from '../asn1/oid';
import { formatDerName, namesMatch } from './distinguishedName';

/** The parts of a certificate the keystore code needs, as views into its DER. */
export interface ParsedCertificate {
  readonly der: Uint8Array;
  readonly tbs: Tlv;
  readonly serial: Tlv;
  readonly issuer: Tlv;
  readonly subject: Tlv;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly spki: Tlv;
  readonly signatureAlgorithmOid: string;
  /** Extension OID → { critical, value (the OCTET STRING contents) }. */
  readonly extensions: ReadonlyMap<string, { readonly critical: boolean; readonly value: Tlv }>;
}

/** Parses the DER of a certificate into views of its fields; throws InvalidInputError when it is not one. */
export function parseCertificate(der: Uint8Array): ParsedCertificate {
  try {
    const cert = readWhole(der, TAG.SEQUENCE);
    const [tbs, sigAlg] = childrenOf(der, cert);
    if (!tbs || tbs.tag !== TAG.SEQUENCE || !sigAlg) throw new InvalidInputError('not a certificate');
    const fields = childrenOf(der, tbs);
    let k = 0;
    if (fields[k]?.tag === 0xa0) k++; // [0] EXPLICIT Version, absent for v1
    const [serial, , issuer, validity, subject, spki] = fields.slice(k, k + 6);
    if (!serial || serial.tag !== TAG.INTEGER || !issuer || !validity || !subject || !spki || spki.tag !== TAG.SEQUENCE) {
      throw new InvalidInputError('not a certificate');
    }
    const [nb, na] = childrenOf(der, validity);
    if (!nb || !na) throw new InvalidInputError('not a certificate');
    const extensions = new Map<string, { critical: boolean; value: Tlv }>();
    for (const f of fields.slice(k + 6)) {
      if (f.tag !== 0xa3) continue; // [3] EXPLICIT Extensions
      const list = readTlv(der, f.vStart, f.end);
      for (const ext of childrenOf(der, list)) {
        const parts = childrenOf(der, ext);
        const critical = parts.length === 3 && parts[1].tag === TAG.BOOLEAN && der[parts[1].start + 2] !== 0;
        extensions.set(readOid(der, parts[0]), { critical, value: parts[parts.length - 1] });
      }
    }
    return {
      der,
      tbs,
      serial,
      issuer,
      subject,
      notBefore: decodeTime(der, nb),
      notAfter: decodeTime(der, na),
      spki,
      signatureAlgorithmOid: readOid(der, childrenOf(der, sigAlg)[0]),
      extensions,
    };
  } catch (cause) {
    throw new InvalidInputError('The data is not a valid X.509 certificate.', { cause });
  }
}

/**
 * A certificate's notAfter, walking only the TBSCertificate fields before it: `mi-keystores list` shows just
 * expiry and fingerprint, and parseCertificate (every field, every extension) would make up a third of the
 * time to list a 150-certificate truststore. Throws InvalidInputError as parseCertificate does.
 */
export function certificateNotAfter(der: Uint8Array): Date {
  try {
    const cert = readWhole(der, TAG.SEQUENCE);
    const tbs = readTlv(der, cert.vStart, cert.end);
    if (tbs.tag !== TAG.SEQUENCE) throw new InvalidInputError('not a certificate');
    let field = readTlv(der, tbs.vStart, tbs.end);
    if (field.tag === 0xa0) field = readTlv(der, field.end, tbs.end); // [0] EXPLICIT Version, absent for v1
    // serial → signature → issuer → validity
    for (let i = 0; i < 3; i++) field = readTlv(der, field.end, tbs.end);
    const notBefore = readTlv(der, field.vStart, field.end);
    return decodeTime(der, readTlv(der, notBefore.end, field.end));
  } catch (cause) {
    throw new InvalidInputError('The data is not a valid X.509 certificate.', { cause });
  }
}

/** UTCTime `YYMMDDhhmm[ss]Z` and GeneralizedTime `YYYYMMDDhhmmss[.f+]Z`, the forms decodeTime accepts. */
const UTC_TIME = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?Z$/;
const GENERALIZED_TIME = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(?:\.\d+)?Z$/;

/**
 * UTCTime (years 1950–2049, RFC 5280 §4.1.2.5.1) or GeneralizedTime, in UTC. One regular expression per
 * time rather than a loop over its digits in JavaScript: `list` reads 150 of them in a process that ends
 * before such a loop would pay back the time spent optimizing it.
 */
function decodeTime(der: Uint8Array, tlv: Tlv): Date {
  const utc = tlv.tag === TAG.UTC_TIME;
  const m = (utc ? UTC_TIME : GENERALIZED_TIME).exec(asBuffer(der).toString('latin1', tlv.vStart, tlv.end));
  if (!m) throw new InvalidInputError('bad time');
  let year = Number(m[1]);
  if (utc) year += year < 50 ? 2000 : 1900;
  return new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0)));
}

/** Java's algorithm names (`sun.security.x509.AlgorithmId`) for signature OIDs; unknown OIDs print as themselves. */
const SIGNATURE_NAMES: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.2': 'MD2withRSA',
  '1.2.840.113549.1.1.4': 'MD5withRSA',
  '1.2.840.113549.1.1.5': 'SHA1withRSA',
  '1.2.840.113549.1.1.14': 'SHA224withRSA',
  '1.2.840.113549.1.1.11': 'SHA256withRSA',
  '1.2.840.113549.1.1.12': 'SHA384withRSA',
  '1.2.840.113549.1.1.13': 'SHA512withRSA',
  '1.2.840.113549.1.1.15': 'SHA512/224withRSA',
  '1.2.840.113549.1.1.16': 'SHA512/256withRSA',
  '1.2.840.113549.1.1.10': 'RSASSA-PSS',
  '1.2.840.10045.4.1': 'SHA1withECDSA',
  '1.2.840.10045.4.3.1': 'SHA224withECDSA',
  '1.2.840.10045.4.3.2': 'SHA256withECDSA',
  '1.2.840.10045.4.3.3': 'SHA384withECDSA',
  '1.2.840.10045.4.3.4': 'SHA512withECDSA',
  '1.2.840.10040.4.3': 'SHA1withDSA',
  '2.16.840.1.101.3.4.3.1': 'SHA224withDSA',
  '2.16.840.1.101.3.4.3.2': 'SHA256withDSA',
  '1.3.101.112': 'Ed25519',
  '1.3.101.113': 'Ed448',
};

/** Named curves as `sun.security.util.CurveDB` names them first, with the key size keytool prints (order bit length). */
const CURVES: Readonly<Record<string, readonly [string, number]>> = {
  '1.2.840.10045.3.1.1': ['secp192r1', 192],
  '1.3.132.0.33': ['secp224r1', 224],
  '1.2.840.10045.3.1.7': ['secp256r1', 256],
  '1.3.132.0.34': ['secp384r1', 384],
  '1.3.132.0.35': ['secp521r1', 521],
  '1.3.132.0.10': ['secp256k1', 256],
  '1.3.36.3.3.2.8.1.1.7': ['brainpoolP256r1', 256],
  '1.3.36.3.3.2.8.1.1.11': ['brainpoolP384r1', 384],
  '1.3.36.3.3.2.8.1.1.13': ['brainpoolP512r1', 512],
};

/** Bit length of a DER INTEGER value (ignoring the sign byte). */
function integerBits(v: Uint8Array): number {
  let i = 0;
  while (i < v.length && v[i] === 0) i++;
  if (i === v.length) return 0;
  return (v.length - i - 1) * 8 + (32 - Math.clz32(v[i]));
}

/**
 * The public key as keytool's `fullDisplayAlgName` and `KeyUtil.getKeySize` show it: "RSA" / 2048,
 * "EC (secp256r1)" / 256, "DSA" / 2048; size null when unknown.
 */
export function describePublicKey(der: Uint8Array, spki: Tlv): { algorithm: string; size: number | null } {
  const [algId, keyBits] = childrenOf(der, spki);
  const [algOid, params] = childrenOf(der, algId);
  const alg = readOid(der, algOid);
  const bits = valueOf(der, keyBits).subarray(1);
  switch (alg) {
    case '1.2.840.113549.1.1.1':
    case '1.2.840.113549.1.1.10': {
      const rsa = readTlv(bits, 0);
      const modulus = childrenOf(bits, rsa)[0];
      return { algorithm: alg.endsWith('.1') ? 'RSA' : 'RSASSA-PSS', size: integerBits(valueOf(bits, modulus)) };
    }
    case '1.2.840.10045.2.1': {
      const curve = params && params.tag === TAG.OID ? CURVES[readOid(der, params)] : undefined;
      // keytool prints "EC (secp256r1)"; the list contract names the algorithm only, the size tells the curve.
      return curve ? { algorithm: 'EC', size: curve[1] } : { algorithm: 'EC', size: null };
    }
    case '1.2.840.10040.4.1': {
      if (!params || params.tag !== TAG.SEQUENCE) return { algorithm: 'DSA', size: null };
      return { algorithm: 'DSA', size: integerBits(valueOf(der, childrenOf(der, params)[0])) };
    }
    case '1.3.101.112':
      return { algorithm: 'Ed25519', size: 255 };
    case '1.3.101.113':
      return { algorithm: 'Ed448', size: 448 };
    default:
      return { algorithm: alg, size: null };
  }
}

/** Java's `BigInteger.toString(16)` of a DER INTEGER: lowercase, no leading zeros, '-' when negative. */
function serialToHex(v: Uint8Array): string {
  if (v.length === 0) return '0';
  if (v[0] & 0x80) {
    // two's complement negative: negate
    const n = Buffer.from(v);
    for (let i = 0; i < n.length; i++) n[i] = ~n[i] & 0xff;
    for (let i = n.length - 1; i >= 0; i--) {
      n[i] = (n[i] + 1) & 0xff;
      if (n[i] !== 0) break;
    }
    return `-${BigInt(`0x${n.toString('hex')}`).toString(16)}`;
  }
  const hex = asBuffer(v).toString('hex').replace(/^0+/, '');
  return hex === '' ? '0' : hex;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `java.util.Date.toString()` in UTC ("Fri Nov 27 06:57:03 UTC 2026"), as keytool prints under TZ=UTC. */
export function formatJavaDate(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

/**
 * Uppercase colon-separated hex, keytool's fingerprint form: Node writes the hex and one regular expression
 * the colons, with no loop over the bytes in JavaScript, which a CLI run would spend time optimizing.
 */
function colonHex(buf: Uint8Array): string {
  return asBuffer(buf).toString('hex').toUpperCase().replace(/..(?!$)/g, '$&:');
}

/** The digest of `data`, one-shot when Node allows it. */
function digest(algorithm: 'sha1' | 'sha256', data: Uint8Array): Buffer {
  return hash(algorithm, data, 'buffer');
}

/** The SHA-256 fingerprint of a certificate's DER as keytool prints it ("AB:CD:…"). */
export function sha256Fingerprint(der: Uint8Array): string {
  return colonHex(digest('sha256', der));
}

/** The SHA-1 fingerprint of a certificate's DER as keytool prints it. */
export function sha1Fingerprint(der: Uint8Array): string {
  return colonHex(digest('sha1', der));
}

/** Java's `Inet6Address.getHostAddress`: eight groups, lowercase hex, no `::` compression. */
function formatIp(v: Uint8Array): string {
  if (v.length === 4) return Array.from(v).join('.');
  if (v.length === 16) {
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(((v[i] << 8) | v[i + 1]).toString(16));
    return groups.join(':');
  }
  return asBuffer(v).toString('hex');
}

/** SubjectAltName entries (RFC 5280 §4.2.1.6) as `DNS:x`, `IP:y`, `URI:z`, `email:w`, `DIR:dn`, `OID:o`. */
function subjectAltNames(cert: ParsedCertificate): string[] {
  const ext = cert.extensions.get('2.5.29.17');
  if (!ext) return [];
  const der = cert.der;
  const names = readTlv(der, ext.value.vStart, ext.value.end);
  const out: string[] = [];
  for (const gn of childrenOf(der, names)) {
    const v = valueOf(der, gn);
    const text = (): string => asBuffer(v).toString('latin1');
    switch (gn.tag) {
      case 0x81:
        out.push(`email:${text()}`);
        break;
      case 0x82:
        out.push(`DNS:${text()}`);
        break;
      case 0x86:
        out.push(`URI:${text()}`);
        break;
      case 0x87:
        out.push(`IP:${formatIp(v)}`);
        break;
      case 0xa4:
        out.push(`DIR:${formatDerName(der, readTlv(der, gn.vStart, gn.end))}`);
        break;
      case 0x88:
        out.push(`OID:${decodeOid(v) ?? '?'}`);
        break;
      default:
        break; // otherName, x400Address, ediPartyName: keytool shows them in -v only
    }
  }
  return out;
}

/**
 * Descriptions already computed, keyed by SHA-256 fingerprint: the tree view, code lenses and checks describe the
 * same certificates again after every reload, each time from freshly decoded bytes. Bounded: cleared when full.
 */
const described = new Map<string, CertificateInfo>();
const DESCRIBED_MAX = 4096;

/** Details of a certificate exactly as `keytool -list -v` prints them (dates in UTC). */
export function describeCertificate(der: Uint8Array): CertificateInfo {
  const sha256 = sha256Fingerprint(der);
  const known = described.get(sha256);
  // A copy, so a caller that changes its result cannot change what the next caller gets.
  if (known) return { ...known, subjectAltNames: [...known.subjectAltNames] };
  const info = describeUncached(der, sha256);
  if (described.size >= DESCRIBED_MAX) described.clear();
  described.set(sha256, info);
  return { ...info, subjectAltNames: [...info.subjectAltNames] };
}

/** describeCertificate without the cache; `sha256` is the certificate's fingerprint, already computed. */
function describeUncached(der: Uint8Array, sha256: string): CertificateInfo {
  const c = parseCertificate(der);
  const key = (() => {
    try {
      return describePublicKey(der, c.spki);
    } catch {
      return { algorithm: 'unknown', size: null };
    }
  })();
  let san: string[] = [];
  try {
    san = subjectAltNames(c);
  } catch {
    san = []; // a malformed extension must not hide the rest of the certificate
  }
  const subject = formatDerName(der, c.subject);
  // Most certificates of a truststore are roots: format the name once when issuer and subject are the same bytes.
  const sameName = asBuffer(der.subarray(c.subject.start, c.subject.end)).equals(der.subarray(c.issuer.start, c.issuer.end));
  return {
    subject,
    issuer: sameName ? subject : formatDerName(der, c.issuer),
    serialNumber: serialToHex(valueOf(der, c.serial)),
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
    sha256,
    sha1: sha1Fingerprint(der),
    publicKeyAlgorithm: key.algorithm,
    publicKeySize: key.size,
    signatureAlgorithm: SIGNATURE_NAMES[c.signatureAlgorithmOid] ?? c.signatureAlgorithmOid,
    subjectAltNames: san,
    selfSigned: sameName || namesMatch(der, c.subject, der, c.issuer),
  };
}

/** The SubjectPublicKeyInfo DER of a certificate. */
export function certificatePublicKey(der: Uint8Array): Uint8Array {
  const c = parseCertificate(der);
  return der.subarray(c.spki.start, c.spki.end);
}

/** The public key of a PKCS#8 private key, as a Node KeyObject; throws InvalidInputError on a bad key. */
export function publicKeyOfPkcs8(pkcs8: Uint8Array): KeyObject {
  try {
    return createPublicKey(createPrivateKey({ key: asBuffer(pkcs8), format: 'der', type: 'pkcs8' }));
  } catch (cause) {
    throw new InvalidInputError('The data is not a valid PKCS#8 private key.', { cause });
  }
}

/** Whether the certificate's public key is the public half of the PKCS#8 private key. */
export function certificatesMatchKey(certDer: Uint8Array, pkcs8: Uint8Array): boolean {
  const spki = certificatePublicKey(certDer);
  const fromKey = publicKeyOfPkcs8(pkcs8);
  let fromCert: KeyObject;
  try {
    fromCert = createPublicKey({ key: asBuffer(spki), format: 'der', type: 'spki' });
  } catch {
    return false; // a key type Node cannot load cannot be this key
  }
  // Keys of different types (an RSA certificate, an EC key) simply do not match; some Node versions throw
  // from KeyObject.equals for them instead of returning false.
  if (fromCert.asymmetricKeyType !== fromKey.asymmetricKeyType) return false;
  try {
    return fromCert.equals(fromKey);
  } catch {
    return false;
  }
}

/** Whether `cert` names `issuer` as its issuer (DN match) and `issuer`'s key verifies its signature. */
export function isIssuedBy(cert: Uint8Array, issuer: Uint8Array): boolean {
  const c = parseCertificate(cert);
  const i = parseCertificate(issuer);
  if (!namesMatch(cert, c.issuer, issuer, i.subject)) return false;
  try {
    return new X509Certificate(asBuffer(cert)).verify(new X509Certificate(asBuffer(issuer)).publicKey);
  } catch {
    return false;
  }
}
