/**
 * Well-formed certificates that JDK 17 still fails to parse, so a store holding one cannot be loaded by
 * keytool or MI. Checked on the DER headers alone (no full parse): every certificate of every store goes by.
 */
import { peekTlv, type Tlv } from '../asn1/der';
import { decodeOid } from '../asn1/oid';

/** dhpublicnumber (ANSI X9.42): the JDK parses its domain parameters as PKCS#3's `{ p, g, [l] }`. */
const X942_DH = '1.2.840.10046.2.1';
/** The same OBJECT IDENTIFIER as DER (tag, length, value). */
const X942_DH_DER = Buffer.from([0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3e, 0x02, 0x01]);
/** id-ecPublicKey (1.2.840.10045.2.1) as DER. */
const EC_PUBLIC_KEY_DER = Buffer.from([0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01]);

/**
 * The named curves JDK 17's sun.security.util.CurveDB knows: SEC 2 (1.3.132.0.*), X9.62 prime and binary
 * curves (1.2.840.10045.3.1.* and .3.0.*), and the RFC 5639 brainpool "r1" curves (odd last arc; the twisted
 * "t1" ones are not in it). Any other curve is "Unknown named curve" (SM2, GOST).
 */
function isJdkNamedCurve(oid: string): boolean {
  if (oid.startsWith('1.3.132.0.') || oid.startsWith('1.2.840.10045.3.1.') || oid.startsWith('1.2.840.10045.3.0.')) return true;
  const brainpool = /^1\.3\.36\.3\.3\.2\.8\.1\.1\.(\d+)$/.exec(oid);
  return brainpool !== null && Number(brainpool[1]) % 2 === 1 && Number(brainpool[1]) <= 13;
}

/**
 * Why JDK 17 cannot parse the certificate `der`, in a few words for an error message, or null when it can
 * (or when the bytes are not a certificate at all, which other checks report).
 *
 * An EC key on a curve the JDK does not know, or with a compressed point (whyNotEcKey). A Diffie-Hellman key
 * with X9.42 parameters `{ p, g, q, ... }`: the JDK's DHPublicKey reads the third
 * INTEGER as PKCS#3's private-value length, a Java int, and q never fits ("Integer exceeds maximum valid
 * value"); a fourth element is "Extra parameter data".
 */
export function whyJavaCannotParse(der: Uint8Array): string | null {
  // Every certificate of every store goes by: a native search for the key algorithm's bytes answers for most
  // (RSA) without walking or allocating anything.
  const bytes = Buffer.from(der.buffer, der.byteOffset, der.byteLength);
  if (bytes.indexOf(EC_PUBLIC_KEY_DER) >= 0) return whyNotEcKey(der);
  if (bytes.indexOf(X942_DH_DER) < 0) return null;
  const spki = subjectPublicKeyInfo(der);
  const algId = spki && peekTlv(der, spki.vStart, spki.end);
  const oid = algId && algId.tag === 0x30 ? peekTlv(der, algId.vStart, algId.end) : null;
  if (!algId || !oid || oid.tag !== 0x06 || decodeOid(der.subarray(oid.vStart, oid.end)) !== X942_DH) return null;
  const params = peekTlv(der, oid.end, algId.end);
  if (!params || params.tag !== 0x30) return null;
  const fields: Tlv[] = [];
  for (let at = params.vStart; at < params.end && fields.length < 4; ) {
    const f = peekTlv(der, at, params.end);
    if (!f) return null;
    fields.push(f);
    at = f.end;
  }
  const third = fields[2];
  if (!third) return null;
  const tooLarge = third.tag === 0x02 && !fitsJavaInt(der.subarray(third.vStart, third.end));
  if (!tooLarge && fields.length < 4) return null;
  return 'a Diffie-Hellman key with X9.42 domain parameters, which JDK 17 fails to parse';
}

/**
 * Why the JDK cannot parse an EC subject key: its ECParameters must name a curve CurveDB knows ("Only named
 * ECParameters supported" for explicit ones, "Unknown named curve" otherwise), and its point must be
 * uncompressed (ECUtil.decodePoint: "Invalid EC key" for a compressed one). OpenSSL writes the first with
 * `-param_enc explicit`, the last with `-conv_form compressed`; SM2 certificates name a curve the JDK lacks.
 */
function whyNotEcKey(der: Uint8Array): string | null {
  const spki = subjectPublicKeyInfo(der);
  const algId = spki && peekTlv(der, spki.vStart, spki.end);
  const oid = algId && algId.tag === 0x30 ? peekTlv(der, algId.vStart, algId.end) : null;
  if (!spki || !algId || !oid || oid.tag !== 0x06 || !Buffer.from(der.subarray(oid.start, oid.end)).equals(EC_PUBLIC_KEY_DER)) return null;
  const params = peekTlv(der, oid.end, algId.end);
  if (!params) return null;
  if (params.tag !== 0x06) return 'an EC key with explicit curve parameters (not a named curve), which JDK 17 does not parse';
  const curve = decodeOid(der.subarray(params.vStart, params.end));
  if (curve === null) return null;
  if (!isJdkNamedCurve(curve)) return `an EC key on the curve ${curve}, which JDK 17 does not know`;
  const point = peekTlv(der, algId.end, spki.end);
  // BIT STRING: one byte of unused bits, then the point; 0x02/0x03 start a compressed one.
  const form = point && point.tag === 0x03 && point.end - point.vStart > 1 ? der[point.vStart + 1] : 0x04;
  if (form === 0x02 || form === 0x03) return 'an EC key whose point is compressed, which JDK 17 does not parse';
  return null;
}

/** The SubjectPublicKeyInfo of a certificate, walking only the TBSCertificate fields before it; null when absent. */
function subjectPublicKeyInfo(der: Uint8Array): Tlv | null {
  const cert = peekTlv(der, 0);
  const tbs = cert && cert.tag === 0x30 ? peekTlv(der, cert.vStart, cert.end) : null;
  if (!tbs || tbs.tag !== 0x30) return null;
  let field = peekTlv(der, tbs.vStart, tbs.end);
  if (field && field.tag === 0xa0) field = peekTlv(der, field.end, tbs.end); // [0] EXPLICIT Version
  // serialNumber, signature, issuer, validity, subject, then subjectPublicKeyInfo.
  for (let i = 0; i < 5 && field; i++) field = peekTlv(der, field.end, tbs.end);
  return field && field.tag === 0x30 ? field : null;
}

/** True when a DER INTEGER's value bytes fit a Java int (two's complement, 32 bits). */
function fitsJavaInt(value: Uint8Array): boolean {
  let i = 0;
  // Leading 0x00 / 0xff bytes that only repeat the sign carry no magnitude.
  while (i < value.length - 1 && ((value[i] === 0x00 && (value[i + 1] & 0x80) === 0) || (value[i] === 0xff && (value[i + 1] & 0x80) !== 0))) i++;
  return value.length - i <= 4;
}
