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

/**
 * Why JDK 17 cannot parse the certificate `der`, in a few words for an error message, or null when it can
 * (or when the bytes are not a certificate at all, which other checks report).
 *
 * A Diffie-Hellman key with X9.42 parameters `{ p, g, q, ... }`: the JDK's DHPublicKey reads the third
 * INTEGER as PKCS#3's private-value length, a Java int, and q never fits ("Integer exceeds maximum valid
 * value"); a fourth element is "Extra parameter data".
 */
export function whyJavaCannotParse(der: Uint8Array): string | null {
  // Every certificate of every store goes by, and almost none is X9.42 DH: a native search for the OID's
  // bytes answers for those without walking (or allocating) anything.
  if (Buffer.from(der.buffer, der.byteOffset, der.byteLength).indexOf(X942_DH_DER) < 0) return null;
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
