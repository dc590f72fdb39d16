/**
 * SafeBags and their attributes (RFC 7292 §4.2) as the JDK reads and writes them
 * (OpenJDK 17 sun/security/pkcs12/PKCS12KeyStore.java `loadSafeContents`, `getBagAttributes`).
 */
import { MalformedKeystoreError } from '../errors';
import { DerReader, TAG, bmpString, decodeBmp, explicit, octetString, oid, seq, set, type Tlv } from '../asn1/der';

/** pkcs8ShroudedKeyBag (RFC 7292 §4.2.2). */
export const OID_SHROUDED_KEY_BAG = '1.2.840.113549.1.12.10.1.2';
/** certBag (RFC 7292 §4.2.3). */
export const OID_CERT_BAG = '1.2.840.113549.1.12.10.1.3';
/** secretBag (RFC 7292 §4.2.5): the JDK's secret keys, a pkcs8ShroudedKeyBag-like value inside. */
export const OID_SECRET_BAG = '1.2.840.113549.1.12.10.1.5';
/** x509Certificate certificate type inside a certBag (RFC 7292 §4.2.3). */
export const OID_X509_CERT = '1.2.840.113549.1.9.22.1';
/** friendlyName attribute (PKCS#9, RFC 2985 §5.5.1): the JDK's alias. */
export const OID_FRIENDLY_NAME = '1.2.840.113549.1.9.20';
/** localKeyId attribute (PKCS#9, RFC 2985 §5.5.2): links a key to its leaf certificate. */
export const OID_LOCAL_KEY_ID = '1.2.840.113549.1.9.21';
/** Oracle's trusted-key-usage attribute, which marks a trustedCertEntry (PKCS12KeyStore `TrustedKeyUsage_OID`). */
export const OID_ORACLE_TRUSTED_KEY_USAGE = '2.16.840.1.113894.746875.1.1';
/** anyExtendedKeyUsage (RFC 5280 §4.2.1.12), the value the JDK stores in the trusted attribute. */
export const OID_ANY_EKU = '2.5.29.37.0';

/** The bag attributes the JDK looks at. */
export interface BagAttributes {
  readonly friendlyName: string | null;
  readonly localKeyId: Buffer | null;
  readonly trusted: boolean;
}

/** A shrouded key bag: the EncryptedPrivateKeyInfo DER, copied out of the file. */
export interface KeyBag {
  readonly type: 'key';
  readonly epki: Uint8Array;
  readonly attrs: BagAttributes;
  /** Position of the bag in its SafeContents (the JDK's missing-localKeyId workaround depends on it). */
  readonly index: number;
}

/**
 * A secretBag as the JDK writes it: `SEQUENCE { secretTypeId, [0] EXPLICIT OCTET STRING }` whose octets are
 * the EncryptedPrivateKeyInfo of a SecretKeyInfo (PKCS12KeyStore.createSafeContents / loadSafeContents).
 */
export interface SecretBag {
  readonly type: 'secret';
  readonly epki: Uint8Array;
  readonly attrs: BagAttributes;
  readonly index: number;
}

/** A certificate bag; linksOf reads what chain building needs from it. */
export interface CertBag {
  readonly type: 'cert';
  readonly cert: Uint8Array;
  readonly attrs: BagAttributes;
  readonly index: number;
}

/** A bag the codec understands. */
export type Bag = KeyBag | CertBag | SecretBag;

/** Parses the SET OF PKCS12Attribute of a bag (RFC 7292 §4.2). */
function parseAttributes(der: DerReader, node: Tlv | undefined): BagAttributes {
  let friendlyName: string | null = null;
  let localKeyId: Buffer | null = null;
  let trusted = false;
  if (!node) return { friendlyName, localKeyId, trusted };
  if (node.tag !== TAG.SET) der.fail('bag attributes: expected a SET', node.start);
  for (const attr of der.children(node, 'bag attribute')) {
    if (attr.tag !== TAG.SEQUENCE) der.fail('bag attribute: expected a SEQUENCE', attr.start);
    const parts = der.children(attr, 'bag attribute');
    const idNode = parts[0];
    const values = parts[1];
    if (!idNode || !values || values.tag !== TAG.SET) der.fail('bag attribute: expected an OID and a SET of values', attr.start);
    const id = der.oid(idNode, 'bag attribute type');
    const vals = der.children(values, 'bag attribute values');
    if (id === OID_FRIENDLY_NAME) {
      if (vals.length === 0 || vals[0].tag !== TAG.BMP_STRING) der.fail('friendlyName: expected a BMPString', values.start);
      const v = der.view(vals[0]);
      if (v.length % 2 !== 0) der.fail('friendlyName: odd BMPString length', vals[0].start);
      friendlyName = decodeBmp(v);
    } else if (id === OID_LOCAL_KEY_ID) {
      if (vals.length === 0) der.fail('localKeyId: no value', values.start);
      localKeyId = der.octets(vals[0], 'localKeyId');
    } else if (id === OID_ORACLE_TRUSTED_KEY_USAGE) {
      trusted = true;
    }
  }
  return { friendlyName, localKeyId, trusted };
}

/** What chain building needs from a certificate: Names (raw DER, hex) and key identifiers (hex, or null). */
export interface CertLinks {
  readonly issuer: string;
  readonly subject: string;
  /** keyIdentifier of AuthorityKeyIdentifier (RFC 5280 §4.2.1.1). */
  readonly aki: string | null;
  /** SubjectKeyIdentifier (RFC 5280 §4.2.1.2). */
  readonly ski: string | null;
}

const OID_SKI = '2.5.29.14';
const OID_AKI = '2.5.29.35';

/** Reads the key identifiers from TBSCertificate extensions; a damaged extension counts as absent, as in the JDK. */
function keyIdentifiers(der: DerReader, extsWrap: Tlv | undefined): { aki: string | null; ski: string | null } {
  let aki: string | null = null;
  let ski: string | null = null;
  if (!extsWrap) return { aki, ski };
  try {
    const [exts] = der.children(extsWrap, 'extensions');
    if (!exts || exts.tag !== TAG.SEQUENCE) return { aki, ski };
    for (const ext of der.children(exts, 'extension')) {
      if (ext.tag !== TAG.SEQUENCE) continue;
      const parts = der.children(ext, 'extension');
      if (parts.length < 2) continue;
      const id = der.oid(parts[0], 'extension id');
      const value = parts[parts.length - 1];
      if (value.tag !== TAG.OCTET_STRING || (id !== OID_SKI && id !== OID_AKI)) continue;
      const inner = der.read(value.vStart, value.end, 'extension value');
      if (id === OID_SKI && inner.tag === TAG.OCTET_STRING) ski = der.value(inner).toString('hex');
      if (id === OID_AKI && inner.tag === TAG.SEQUENCE) {
        const first = der.children(inner, 'AuthorityKeyIdentifier')[0];
        if (first?.tag === TAG.CTX0_PRIMITIVE) aki = der.value(first).toString('hex');
      }
    }
  } catch {
    // The JDK ignores an unparsable key identifier and falls back to matching Names.
  }
  return { aki, ski };
}

/**
 * The chain-building links of a certificate bag, read on first use and kept: a truststore's 150 bags are
 * mostly never part of a chain, and reading every bag's Names and extensions was a fifth of `list`'s work.
 * Throws MalformedKeystoreError when the certificate's TBSCertificate is broken.
 */
export function linksOf(bag: CertBag): CertLinks {
  let links = LINKS.get(bag);
  if (!links) {
    try {
      links = certLinks(Buffer.from(bag.cert.buffer, bag.cert.byteOffset, bag.cert.byteLength));
    } catch (e) {
      const reason = e instanceof MalformedKeystoreError ? e.reason : String(e);
      throw new MalformedKeystoreError(`the certificate in bag ${bag.index + 1} of its SafeContents is not X.509 DER (${reason})`);
    }
    LINKS.set(bag, links);
  }
  return links;
}

const LINKS = new WeakMap<CertBag, CertLinks>();

/** Reads issuer, subject and key identifiers from a certificate's TBSCertificate (RFC 5280 §4.1) without parsing the rest. */
export function certLinks(cert: Buffer): CertLinks {
  const der = new DerReader(cert, undefined);
  const outer = der.expect(0, cert.length, TAG.SEQUENCE, 'certificate');
  if (outer.end !== cert.length) der.fail('certificate: trailing bytes', outer.end);
  const tbs = der.expect(outer.vStart, outer.end, TAG.SEQUENCE, 'TBSCertificate');
  const f = der.children(tbs, 'TBSCertificate');
  const i = f[0]?.tag === TAG.CTX0 ? 1 : 0; // [0] EXPLICIT version is optional (v1 certificates)
  const issuer = f[i + 2];
  const subject = f[i + 4];
  if (!issuer || !subject || issuer.tag !== TAG.SEQUENCE || subject.tag !== TAG.SEQUENCE) {
    der.fail('TBSCertificate: missing issuer or subject', tbs.start);
  }
  const extsWrap = f.slice(i + 6).find((n) => n.tag === 0xa3); // [3] EXPLICIT Extensions
  // toString with a range reads the bytes in place: no Buffer view to create for each Name.
  return { issuer: cert.toString('hex', issuer.start, issuer.end), subject: cert.toString('hex', subject.start, subject.end), ...keyIdentifiers(der, extsWrap) };
}

/**
 * Parses a SafeContents (RFC 7292 §4.2) at `node`. Bag types the JDK does not load (keyBag, crlBag,
 * nested safeContentsBag) are skipped, as PKCS12KeyStore skips unknown bags.
 */
export function parseSafeContents(der: DerReader, node: Tlv): Bag[] {
  if (node.tag !== TAG.SEQUENCE) der.fail('SafeContents: expected a SEQUENCE', node.start);
  // Children by index, not by destructuring: before V8 optimizes this code, destructuring runs the
  // iterator protocol for each of ~150 bags, ~10% of listing a truststore.
  const bags: Bag[] = [];
  der.children(node, 'SafeBag').forEach((bagNode, index) => {
    if (bagNode.tag !== TAG.SEQUENCE) der.fail('SafeBag: expected a SEQUENCE', bagNode.start);
    const parts = der.children(bagNode, 'SafeBag');
    const idNode = parts[0];
    const valueWrap = parts[1];
    const attrNode = parts[2];
    if (!idNode || !valueWrap || valueWrap.tag !== TAG.CTX0) der.fail('SafeBag: expected an OID and a [0] value', bagNode.start);
    const id = der.oid(idNode, 'SafeBag type');
    const value = der.children(valueWrap, 'SafeBag value')[0];
    if (!value) der.fail('SafeBag: empty value', valueWrap.start);
    const attrs = parseAttributes(der, attrNode);
    if (id === OID_SHROUDED_KEY_BAG) {
      // EncryptedPrivateKeyInfo (RFC 5208 §6): SEQUENCE { AlgorithmIdentifier, OCTET STRING }.
      if (value.tag !== TAG.SEQUENCE) der.fail('shrouded key bag: expected EncryptedPrivateKeyInfo', value.start);
      const [alg, data] = der.children(value, 'EncryptedPrivateKeyInfo');
      if (!alg || alg.tag !== TAG.SEQUENCE || !data || data.tag !== TAG.OCTET_STRING) {
        der.fail('EncryptedPrivateKeyInfo: expected an AlgorithmIdentifier and an OCTET STRING', value.start);
      }
      bags.push({ type: 'key', epki: new Uint8Array(der.whole(value)), attrs, index });
    } else if (id === OID_SECRET_BAG) {
      // The JDK reads any secretTypeId and takes the OCTET STRING inside [0] as the protected key.
      if (value.tag !== TAG.SEQUENCE) der.fail('secretBag: expected a SEQUENCE', value.start);
      const secretParts = der.children(value, 'secretBag');
      const secretWrap = secretParts[1];
      if (!secretParts[0] || !secretWrap || secretWrap.tag !== TAG.CTX0 || secretParts.length !== 2) {
        der.fail('secretBag: expected a type and a [0] value', value.start);
      }
      der.oid(secretParts[0], 'secretBag type');
      const secretOctets = der.children(secretWrap, 'secretBag value')[0];
      if (!secretOctets) der.fail('secretBag: empty value', secretWrap.start);
      bags.push({ type: 'secret', epki: new Uint8Array(der.octets(secretOctets, 'secretBag value')), attrs, index });
    } else if (id === OID_CERT_BAG) {
      if (value.tag !== TAG.SEQUENCE) der.fail('certBag: expected a SEQUENCE', value.start);
      const certParts = der.children(value, 'certBag');
      const certType = certParts[0];
      const certWrap = certParts[1];
      if (!certType || !certWrap || certWrap.tag !== TAG.CTX0) der.fail('certBag: expected an OID and a [0] value', value.start);
      // sdsiCertificate and other types: the JDK ignores them too.
      if (der.oid(certType, 'certBag type') !== OID_X509_CERT) return;
      const certOctets = der.children(certWrap, 'certBag value')[0];
      if (!certOctets) der.fail('certBag: empty value', certWrap.start);
      if (certOctets.tag !== TAG.OCTET_STRING) der.fail('certBag value: expected an OCTET STRING', certOctets.start);
      // One DER SEQUENCE spanning the value, as the JKS codec checks; the fields are read when used.
      const outer = der.read(certOctets.vStart, certOctets.end, 'certificate');
      if (outer.tag !== TAG.SEQUENCE || outer.end !== certOctets.end) der.fail('certificate is not one DER SEQUENCE', certOctets.start);
      // A view, not a copy (as the JKS codec returns): a truststore holds 150 of them.
      bags.push({ type: 'cert', cert: der.view(certOctets), attrs, index });
    }
  });
  return bags;
}

function attributes(friendlyName: string | null, localKeyId: string | null, trusted: boolean): Buffer[] {
  const attrs: Buffer[] = [];
  if (friendlyName !== null) attrs.push(seq(oid(OID_FRIENDLY_NAME), set(bmpString(friendlyName))));
  if (localKeyId !== null) attrs.push(seq(oid(OID_LOCAL_KEY_ID), set(octetString(Buffer.from(localKeyId, 'latin1')))));
  if (trusted) attrs.push(seq(oid(OID_ORACLE_TRUSTED_KEY_USAGE), set(oid(OID_ANY_EKU))));
  return attrs;
}

/** A pkcs8ShroudedKeyBag with friendlyName and localKeyId, attributes in the JDK's order. */
export function keyBag(epki: Uint8Array, alias: string, localKeyId: string): Buffer {
  return seq(oid(OID_SHROUDED_KEY_BAG), explicit(0, epki), set(...attributes(alias, localKeyId, false)));
}

/** A secretBag holding a sealed SecretKeyInfo, with friendlyName and localKeyId as the JDK writes them. */
export function secretBag(epki: Uint8Array, alias: string, localKeyId: string): Buffer {
  const value = seq(oid(OID_SHROUDED_KEY_BAG), explicit(0, octetString(epki)));
  return seq(oid(OID_SECRET_BAG), explicit(0, value), set(...attributes(alias, localKeyId, false)));
}

/**
 * A certBag. The leaf of a key entry carries friendlyName + localKeyId, a trusted certificate
 * friendlyName + the Oracle trusted attribute; other chain certificates no attributes (the JDK's reader
 * ignores theirs, and without localKeyId or the trusted attribute they never become entries).
 */
export function certBag(cert: Uint8Array, alias: string | null, localKeyId: string | null, trusted: boolean): Buffer {
  const attrs = attributes(alias, localKeyId, trusted);
  const value = explicit(0, seq(oid(OID_X509_CERT), explicit(0, octetString(cert))));
  return attrs.length ? seq(oid(OID_CERT_BAG), value, set(...attrs)) : seq(oid(OID_CERT_BAG), value);
}
