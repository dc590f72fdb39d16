/**
 * Builds X.509 v3 certificates (RFC 5280 §4.1) the way JDK 17 `keytool -genkeypair` / `-gencert` writes
 * them: 64-bit random positive serial (`CertificateSerialNumber.newRandom64bit`), RDNs encoded in the
 * reverse of the `-dname` order, UTCTime before 2050, SubjectKeyIdentifier = SHA-1 of the key bits
 * (`KeyIdentifier(PublicKey)`, RFC 5280 §4.2.1.2 method 1). The TBSCertificate is built with forge.asn1 and
 * signed by Node's `crypto.sign`, which handles both RSA PKCS#1 v1.5 and ECDSA (forge cannot sign ECDSA).
 */
import { createHash, createPrivateKey, createPublicKey, randomBytes as nodeRandomBytes, sign, type KeyObject } from 'node:crypto';
import type forge from 'node-forge';
import { InvalidInputError } from '../errors';
import { asBuffer, childrenOf, readTlv, readWhole, TAG, valueOf } from '../asn1/der';
import { bitString, ctx, fromForgeAsn1, oid, positiveInteger, prim, rawAsn1, seq, smallInteger } from '../asn1/forgeAsn1';
import { encodeName, parseDistinguishedName } from './distinguishedName';
import { parseCertificate } from './certificate';

/** Signature algorithms the builder writes, by their JDK names. */
export type SignatureAlgorithm = 'SHA256withRSA' | 'SHA384withRSA' | 'SHA256withECDSA' | 'SHA384withECDSA';

const SIG: Readonly<Record<SignatureAlgorithm, { oid: string; hash: string; key: 'rsa' | 'ec' }>> = {
  SHA256withRSA: { oid: '1.2.840.113549.1.1.11', hash: 'sha256', key: 'rsa' },
  SHA384withRSA: { oid: '1.2.840.113549.1.1.12', hash: 'sha384', key: 'rsa' },
  SHA256withECDSA: { oid: '1.2.840.10045.4.3.2', hash: 'sha256', key: 'ec' },
  SHA384withECDSA: { oid: '1.2.840.10045.4.3.3', hash: 'sha384', key: 'ec' },
};

/** A loaded signing key with the signature algorithm chosen for it. */
export interface Signer {
  readonly key: KeyObject;
  readonly spki: Uint8Array;
  readonly algorithm: SignatureAlgorithm;
}

/** Loads a PKCS#8 key and picks the signature algorithm: the one asked for, else keytool's default for the key. */
export function loadSigner(pkcs8: Uint8Array, requested?: SignatureAlgorithm): Signer {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: asBuffer(pkcs8), format: 'der', type: 'pkcs8' });
  } catch (cause) {
    throw new InvalidInputError('The private key is not a valid PKCS#8 key.', { cause });
  }
  const type = key.asymmetricKeyType;
  if (type !== 'rsa' && type !== 'ec') throw new InvalidInputError(`Unsupported key type ${String(type)}: use RSA or EC.`);
  // keytool's default (`AlgorithmId.getDefaultSigAlgForKey`): SHA256 for RSA and P-256, SHA384 for P-384.
  const curve = key.asymmetricKeyDetails?.namedCurve;
  const fallback: SignatureAlgorithm = type === 'rsa' ? 'SHA256withRSA' : curve === 'secp384r1' ? 'SHA384withECDSA' : 'SHA256withECDSA';
  const algorithm = requested ?? fallback;
  const spec = SIG[algorithm];
  if (!spec) throw new InvalidInputError(`Unsupported signature algorithm ${String(algorithm)}.`);
  if (spec.key !== type) throw new InvalidInputError(`Signature algorithm ${algorithm} does not fit a ${type.toUpperCase()} key.`);
  const spki = new Uint8Array(createPublicKey(key).export({ type: 'spki', format: 'der' }));
  return { key, spki, algorithm };
}

/** AlgorithmIdentifier: RSA with NULL parameters (RFC 4055 §5), ECDSA with none (RFC 5758 §3.2). */
export function signatureAlgorithmIdentifier(algorithm: SignatureAlgorithm): forge.asn1.Asn1 {
  const spec = SIG[algorithm];
  return spec.key === 'rsa' ? seq([oid(spec.oid), prim(TAG.NULL, '')]) : seq([oid(spec.oid)]);
}

/** Signs DER `data` with the signer; returns the raw signature (DER ECDSA-Sig-Value for EC). */
export function signData(signer: Signer, data: Uint8Array): Uint8Array {
  return new Uint8Array(sign(SIG[signer.algorithm].hash, data, signer.key));
}

/** SHA-1 of the subjectPublicKey BIT STRING contents (without the unused-bits byte), as keytool computes the SKI. */
export function keyIdentifier(spki: Uint8Array): Uint8Array {
  const outer = readWhole(spki, TAG.SEQUENCE);
  const bits = childrenOf(spki, outer)[1];
  return new Uint8Array(createHash('sha1').update(valueOf(spki, bits).subarray(1)).digest());
}

/**
 * A dotted-quad IPv4 address as `net.isIPv4` reads it (four decimal parts of 0–255, no leading zeros). Written
 * here because importing node:net loads Node's whole network stack, which `mi-keystores list` would pay for
 * at every start just by loading this module.
 */
function isIPv4(s: string): boolean {
  const parts = s.split('.');
  return parts.length === 4 && parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255);
}

/** Parses an IPv4 or IPv6 literal (with `::` and an embedded IPv4 tail) into its 4 or 16 bytes. */
export function parseIpAddress(ip: string): Uint8Array {
  const bad = (): never => {
    throw new InvalidInputError(`"${ip}" is not an IP address.`);
  };
  if (isIPv4(ip)) return new Uint8Array(ip.split('.').map(Number));
  const text = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  if (!text.includes(':')) bad();
  let head = text;
  let tailV4: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    const v4 = text.slice(lastColon + 1);
    if (!isIPv4(v4)) bad();
    tailV4 = v4.split('.').map(Number);
    head = text.slice(0, lastColon + 1) + '0:0'; // stand-in groups, replaced below
  }
  const halves = head.split('::');
  if (halves.length > 2) bad();
  const groups = (s: string): number[] =>
    s === ''
      ? []
      : s.split(':').map((g) => {
          if (!/^[0-9A-Fa-f]{1,4}$/.test(g)) bad();
          return parseInt(g, 16);
        });
  const left = groups(halves[0]);
  const right = halves.length === 2 ? groups(halves[1]) : [];
  const missing = 8 - left.length - right.length;
  if ((halves.length === 1 && missing !== 0) || (halves.length === 2 && missing < 1)) bad();
  const all = [...left, ...Array<number>(halves.length === 2 ? missing : 0).fill(0), ...right];
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  if (tailV4.length === 4) out.set(tailV4, 12);
  return out;
}

/** RFC 1123 host names, optionally with a leading wildcard label, as keytool's `DNSName` accepts them. */
const DNS_NAME = /^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

/** GeneralNames for `dns:x` / `ip:y` (also `uri:` and `email:`), keytool's `-ext SAN=` syntax; prefixes are case-insensitive. */
export function encodeSubjectAltNames(san: readonly string[]): forge.asn1.Asn1 {
  const names = san.map((entry) => {
    const colon = entry.indexOf(':');
    if (colon < 0) throw new InvalidInputError(`Subject alternative name "${entry}" needs a type: dns:… or ip:….`);
    const type = entry.slice(0, colon).trim().toLowerCase();
    const value = entry.slice(colon + 1).trim();
    switch (type) {
      case 'dns':
        if (!DNS_NAME.test(value)) throw new InvalidInputError(`"${value}" is not a valid DNS name.`);
        return ctx(2, false, value);
      case 'ip':
        return ctx(7, false, asBuffer(parseIpAddress(value)).toString('binary'));
      case 'uri':
        if (!/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(value)) throw new InvalidInputError(`"${value}" is not a valid URI.`);
        return ctx(6, false, value);
      case 'email':
        if (!/^[^\s@]+@[^\s@]+$/.test(value)) throw new InvalidInputError(`"${value}" is not a valid e-mail address.`);
        return ctx(1, false, value);
      default:
        throw new InvalidInputError(`Unsupported subject alternative name type "${type}": use dns: or ip:.`);
    }
  });
  return seq(names);
}

/** One Extension (RFC 5280 §4.1): SEQUENCE { extnID, critical DEFAULT FALSE, extnValue OCTET STRING }. */
export function extension(extOid: string, critical: boolean, value: forge.asn1.Asn1): forge.asn1.Asn1 {
  const items = [oid(extOid)];
  if (critical) items.push(prim(TAG.BOOLEAN, '\xff'));
  items.push(prim(TAG.OCTET_STRING, fromForgeAsn1(value)));
  return seq(items);
}

/** Certificate purposes: a TLS end entity (default) or a CA. */
export interface ExtensionOptions {
  readonly san?: readonly string[];
  readonly keyType: 'rsa' | 'ec';
  readonly ca?: boolean;
}

/**
 * The extensions of an end-entity or CA certificate. End entity: KeyUsage (critical) digitalSignature +
 * keyEncipherment for RSA, digitalSignature only for EC (keyEncipherment means RSA key transport, RFC 5480 §3);
 * ExtendedKeyUsage serverAuth + clientAuth; SAN when given. CA: BasicConstraints CA:true (critical),
 * KeyUsage keyCertSign + cRLSign.
 */
export function endEntityExtensions(opts: ExtensionOptions & { subjectSpki: Uint8Array; issuerKeyId?: Uint8Array }): forge.asn1.Asn1[] {
  const exts: forge.asn1.Asn1[] = [];
  exts.push(extension('2.5.29.14', false, prim(TAG.OCTET_STRING, keyIdentifier(opts.subjectSpki))));
  if (opts.issuerKeyId) exts.push(extension('2.5.29.35', false, seq([ctx(0, false, asBuffer(opts.issuerKeyId).toString('binary'))])));
  if (opts.ca) {
    exts.push(extension('2.5.29.19', true, seq([prim(TAG.BOOLEAN, '\xff')])));
    // keyCertSign (bit 5) + cRLSign (bit 6): 0000 0110 → 0x06, one unused bit
    exts.push(extension('2.5.29.15', true, prim(TAG.BIT_STRING, '\x01\x06')));
  } else {
    // digitalSignature (bit 0) [+ keyEncipherment (bit 2)]: trailing zero bits dropped (X.690 §11.2.2)
    exts.push(extension('2.5.29.15', true, prim(TAG.BIT_STRING, opts.keyType === 'rsa' ? '\x05\xa0' : '\x07\x80')));
    exts.push(extension('2.5.29.37', false, seq([oid('1.3.6.1.5.5.7.3.1'), oid('1.3.6.1.5.5.7.3.2')])));
  }
  if (opts.san && opts.san.length > 0) exts.push(extension('2.5.29.17', false, encodeSubjectAltNames(opts.san)));
  return exts;
}

/** UTCTime for 1950–2049, GeneralizedTime otherwise (RFC 5280 §4.1.2.5); seconds precision. */
function encodeTime(d: Date): forge.asn1.Asn1 {
  const y = d.getUTCFullYear();
  const p = (n: number): string => String(n).padStart(2, '0');
  const rest = `${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
  return y >= 1950 && y < 2050 ? prim(TAG.UTC_TIME, `${p(y % 100)}${rest}`) : prim(TAG.GENERALIZED_TIME, `${String(y).padStart(4, '0')}${rest}`);
}

/** A positive, non-zero 64-bit serial from 8 random bytes (`new BigInteger(64, random)`, retried on zero). */
function randomSerial(randomBytes: (n: number) => Uint8Array): forge.asn1.Asn1 {
  for (let i = 0; i < 16; i++) {
    const bytes = randomBytes(8);
    if (bytes.some((b) => b !== 0)) return positiveInteger(bytes);
  }
  throw new InvalidInputError('The random source returned only zeros.');
}

const defaultRandom = (n: number): Uint8Array => new Uint8Array(nodeRandomBytes(n));

interface TbsOptions {
  readonly serial: forge.asn1.Asn1;
  readonly algorithm: SignatureAlgorithm;
  readonly issuer: forge.asn1.Asn1;
  readonly subject: forge.asn1.Asn1;
  readonly notBefore: Date;
  readonly validityDays: number;
  readonly spki: Uint8Array;
  readonly extensions: forge.asn1.Asn1[];
}

function assembleCertificate(signer: Signer, o: TbsOptions): Uint8Array {
  if (!Number.isInteger(o.validityDays) || o.validityDays < 1) throw new InvalidInputError('Validity must be a whole number of days, at least 1.');
  const notBefore = new Date(Math.floor(o.notBefore.getTime() / 1000) * 1000);
  const notAfter = new Date(notBefore.getTime() + o.validityDays * 86400000);
  const tbs = seq([
    ctx(0, true, [smallInteger(2)]),
    o.serial,
    signatureAlgorithmIdentifier(o.algorithm),
    o.issuer,
    seq([encodeTime(notBefore), encodeTime(notAfter)]),
    o.subject,
    rawAsn1(o.spki),
    ctx(3, true, [seq(o.extensions)]),
  ]);
  const tbsDer = fromForgeAsn1(tbs);
  const signature = signData(signer, tbsDer);
  return fromForgeAsn1(seq([rawAsn1(tbsDer), signatureAlgorithmIdentifier(o.algorithm), bitString(signature)]));
}

/** Options for createSelfSignedCertificate. */
export interface SelfSignedOptions {
  readonly pkcs8: Uint8Array;
  /** keytool `-dname` syntax, e.g. "CN=localhost, OU=WSO2, O=WSO2, L=Mountain View, ST=CA, C=US". */
  readonly dname: string;
  /** `dns:x` / `ip:y` entries for the SubjectAltName extension. */
  readonly san?: readonly string[];
  readonly validityDays: number;
  readonly signatureAlgorithm?: SignatureAlgorithm;
  /** Make a CA certificate (BasicConstraints CA:true, keyCertSign) instead of a TLS end entity. */
  readonly ca?: boolean;
  readonly now?: () => Date;
  readonly randomBytes?: (n: number) => Uint8Array;
}

/** Creates a self-signed X.509 v3 certificate for the key, as keytool -genkeypair would (plus KU/EKU); returns DER. */
export function createSelfSignedCertificate(opts: SelfSignedOptions): Uint8Array {
  const signer = loadSigner(opts.pkcs8, opts.signatureAlgorithm);
  const name = encodeName(parseDistinguishedName(opts.dname));
  return assembleCertificate(signer, {
    serial: randomSerial(opts.randomBytes ?? defaultRandom),
    algorithm: signer.algorithm,
    issuer: name,
    subject: name,
    notBefore: (opts.now ?? (() => new Date()))(),
    validityDays: opts.validityDays,
    spki: signer.spki,
    extensions: endEntityExtensions({
      san: opts.san,
      keyType: signer.key.asymmetricKeyType === 'ec' ? 'ec' : 'rsa',
      ca: opts.ca,
      subjectSpki: signer.spki,
    }),
  });
}

/** Options for signCertificate: the subject's public key and name, signed by a CA key and certificate. */
export interface SignCertificateOptions {
  /** The subject's SubjectPublicKeyInfo DER (e.g. from a CSR, see `parseCsr`). */
  readonly subjectSpki: Uint8Array;
  /** keytool `-dname` syntax, or the DER Name of the subject (e.g. copied from a CSR). */
  readonly subject: string | Uint8Array;
  readonly san?: readonly string[];
  readonly validityDays: number;
  readonly issuerPkcs8: Uint8Array;
  readonly issuerCertificate: Uint8Array;
  readonly signatureAlgorithm?: SignatureAlgorithm;
  readonly ca?: boolean;
  readonly now?: () => Date;
  readonly randomBytes?: (n: number) => Uint8Array;
}

/** Issues a certificate for a public key, signed by a CA (like keytool -gencert): returns DER with AKI = the CA's key id. */
export function signCertificate(opts: SignCertificateOptions): Uint8Array {
  const signer = loadSigner(opts.issuerPkcs8, opts.signatureAlgorithm);
  const issuerCert = parseCertificate(opts.issuerCertificate);
  const issuerDer = opts.issuerCertificate;
  const issuerName = rawAsn1(issuerDer.subarray(issuerCert.subject.start, issuerCert.subject.end));
  const issuerSki = issuerCert.extensions.get('2.5.29.14');
  const issuerKeyId = issuerSki
    ? valueOf(issuerDer, readTlv(issuerDer, issuerSki.value.vStart, issuerSki.value.end))
    : keyIdentifier(issuerDer.subarray(issuerCert.spki.start, issuerCert.spki.end));
  let subjectKeyType: 'rsa' | 'ec';
  try {
    const t = createPublicKey({ key: asBuffer(opts.subjectSpki), format: 'der', type: 'spki' }).asymmetricKeyType;
    subjectKeyType = t === 'ec' ? 'ec' : 'rsa';
  } catch (cause) {
    throw new InvalidInputError('The subject public key is not a valid SubjectPublicKeyInfo.', { cause });
  }
  const subject = typeof opts.subject === 'string' ? encodeName(parseDistinguishedName(opts.subject)) : rawAsn1(opts.subject);
  return assembleCertificate(signer, {
    serial: randomSerial(opts.randomBytes ?? defaultRandom),
    algorithm: signer.algorithm,
    issuer: issuerName,
    subject,
    notBefore: (opts.now ?? (() => new Date()))(),
    validityDays: opts.validityDays,
    spki: opts.subjectSpki,
    extensions: endEntityExtensions({ san: opts.san, keyType: subjectKeyType, ca: opts.ca, subjectSpki: opts.subjectSpki, issuerKeyId }),
  });
}
