/**
 * Reads the certificate and key files people bring (PEM per RFC 7468, DER, PKCS#7 "p7b" per RFC 2315 §9.1)
 * and writes PEM. Everything comes out as DER: X.509 certificates in file order, keys as PKCS#8
 * PrivateKeyInfo (RFC 5208). Keys are decoded by Node's native `crypto` (PKCS#1, SEC1, PKCS#8, encrypted).
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { InvalidInputError } from '../errors';
import type forge from 'node-forge';
import { TAG, asBuffer, childrenOf, readOid, readTlv, type Tlv } from '../asn1/der';
import { forgeFromBer, forgeLib, fromForgeAsn1 } from '../asn1/forgeAsn1';
import { parseCertificate } from './certificate';

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 #]+)-----([\s\S]*?)-----END \1-----/g;

/** One PEM block: its label and the base64-decoded body (headers such as Proc-Type kept in `text`). */
interface PemBlock {
  readonly label: string;
  readonly der: Buffer;
  readonly text: string;
}

function pemBlocks(text: string): PemBlock[] {
  const out: PemBlock[] = [];
  for (const m of text.matchAll(PEM_BLOCK)) {
    // RFC 1421 headers ("Proc-Type: …") end with a blank line; the base64 body follows.
    const body = m[2].includes(':') ? m[2].replace(/^[\s\S]*?\r?\n\r?\n/, '') : m[2];
    const clean = body.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean)) throw new InvalidInputError(`The PEM block "${m[1]}" is not valid base64.`);
    out.push({ label: m[1], der: Buffer.from(clean, 'base64'), text: m[0] });
  }
  return out;
}

function asText(input: Uint8Array | string): string | null {
  if (typeof input === 'string') return input;
  // PEM is ASCII; look for the armour near the start without decoding a large binary file.
  const head = asBuffer(input).subarray(0, Math.min(input.length, 1 << 20)).toString('latin1');
  return head.includes('-----BEGIN ') ? asBuffer(input).toString('latin1') : null;
}

const PKCS7_SIGNED_DATA = '1.2.840.113549.1.7.2';

/** The certificates of a DER PKCS#7 SignedData ContentInfo (RFC 2315 §9.1), or null if `der` is not one. */
function pkcs7Certificates(der: Uint8Array): Uint8Array[] | null {
  let ci: Tlv;
  try {
    ci = readTlv(der, 0);
    if (ci.tag !== TAG.SEQUENCE) return null;
    const [type, content] = childrenOf(der, ci);
    if (!type || type.tag !== TAG.OID || readOid(der, type) !== PKCS7_SIGNED_DATA) return null;
    if (!content || content.tag !== 0xa0) throw new InvalidInputError('The PKCS#7 data has no content.');
    const signedData = readTlv(der, content.vStart, content.end);
    const certsField = childrenOf(der, signedData).find((t) => t.tag === 0xa0); // [0] IMPLICIT SET OF Certificate
    if (!certsField) return [];
    return childrenOf(der, certsField)
      .filter((t) => t.tag === TAG.SEQUENCE)
      .map((t) => new Uint8Array(der.subarray(t.start, t.end)));
  } catch (cause) {
    if (cause instanceof InvalidInputError && cause.message.startsWith('The PKCS#7')) throw cause;
    return berPkcs7Certificates(der);
  }
}

/**
 * PKCS#7 written with BER indefinite lengths (some Windows CAs and `openssl cms -stream` do): forge's
 * parser reads BER; each certificate inside is DER (RFC 5280 §4.1 requires it), so re-serialising it
 * gives back its exact bytes.
 */
function berPkcs7Certificates(der: Uint8Array): Uint8Array[] | null {
  if (der.length < 2 || der[0] !== TAG.SEQUENCE || der[1] !== 0x80) return null;
  let root: forge.asn1.Asn1;
  try {
    root = forgeFromBer(asBuffer(der).toString('binary'));
  } catch {
    return null;
  }
  const { asn1 } = forgeLib();
  const kids = (n: forge.asn1.Asn1 | undefined): forge.asn1.Asn1[] => (n && Array.isArray(n.value) ? n.value : []);
  const [type, content] = kids(root);
  if (!type || type.type !== asn1.Type.OID || asn1.derToOid(type.value as string) !== PKCS7_SIGNED_DATA) return null;
  const signedData = kids(content)[0];
  const certsField = kids(signedData).find((n) => n.tagClass === asn1.Class.CONTEXT_SPECIFIC && n.type === 0);
  return kids(certsField)
    .filter((n) => n.type === asn1.Type.SEQUENCE)
    .map((n) => fromForgeAsn1(n));
}

/** Whitespace or zero bytes only. */
function isPadding(rest: Uint8Array): boolean {
  return rest.every((b) => b === 0x00 || b === 0x0a || b === 0x0d || b === 0x20 || b === 0x09);
}

/** Splits concatenated DER elements (padding after the last ignored); null when they are not DER SEQUENCEs. */
function derElements(der: Uint8Array): Uint8Array[] | null {
  const out: Uint8Array[] = [];
  let off = 0;
  try {
    while (off < der.length) {
      // The JDK's CertificateFactory reads one element and ignores what follows: a newline or zero padding an
      // editor or a transfer added after the last certificate is not a reason to refuse the file.
      if (out.length > 0 && isPadding(der.subarray(off))) break;
      const t = readTlv(der, off);
      if (t.tag !== TAG.SEQUENCE) return null;
      out.push(new Uint8Array(der.subarray(t.start, t.end)));
      off = t.end;
    }
  } catch {
    return null;
  }
  return out.length > 0 ? out : null;
}

function checkCertificate(der: Uint8Array, where: string): Uint8Array {
  try {
    parseCertificate(der);
  } catch (cause) {
    throw new InvalidInputError(`${where} is not a valid X.509 certificate.`, { cause });
  }
  return der;
}

/**
 * Decodes certificates from a PEM file (one or a bundle, text between blocks ignored), DER (one certificate
 * or several concatenated), or PKCS#7 in PEM or DER; returns their DER in file order.
 */
export function decodeCertificates(input: Uint8Array | string): Uint8Array[] {
  const text = asText(input);
  if (text !== null) {
    const blocks = pemBlocks(text);
    const out: Uint8Array[] = [];
    blocks.forEach((b, i) => {
      const where = `PEM block ${i + 1} (${b.label})`;
      if (b.label === 'CERTIFICATE' || b.label === 'X509 CERTIFICATE') out.push(checkCertificate(new Uint8Array(b.der), where));
      else if (b.label === 'TRUSTED CERTIFICATE') {
        // OpenSSL's trusted form: the certificate followed by its trust settings.
        const first = derElements(b.der)?.[0];
        if (!first) throw new InvalidInputError(`${where} is not a valid certificate.`);
        out.push(checkCertificate(first, where));
      } else if (b.label === 'PKCS7' || b.label === 'CMS') {
        const certs = pkcs7Certificates(new Uint8Array(b.der));
        if (certs === null) throw new InvalidInputError(`${where} is not PKCS#7 signed data.`);
        certs.forEach((c, j) => out.push(checkCertificate(c, `Certificate ${j + 1} of ${where}`)));
      }
      // other labels (keys, requests) may share the file: skip them
    });
    if (out.length === 0) throw new InvalidInputError('No certificate found in the input (expected PEM, DER or PKCS#7).');
    return out;
  }
  const bytes = typeof input === 'string' ? Buffer.from(input, 'latin1') : input;
  const p7 = pkcs7Certificates(bytes);
  if (p7 !== null) {
    if (p7.length === 0) throw new InvalidInputError('The PKCS#7 data holds no certificate.');
    return p7.map((c, j) => checkCertificate(c, `Certificate ${j + 1} of the PKCS#7 data`));
  }
  const elements = derElements(bytes);
  if (elements === null) throw new InvalidInputError('The input is not a certificate (expected PEM, DER or PKCS#7).');
  return elements.map((c, j) => checkCertificate(c, elements.length === 1 ? 'The input' : `DER element ${j + 1}`));
}

const KEY_LABELS = new Set(['PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY', 'DSA PRIVATE KEY', 'ENCRYPTED PRIVATE KEY']);

/** Maps Node's key-loading failures to one clear sentence (never echoing the password). */
function keyError(cause: unknown, password: string | undefined): InvalidInputError {
  const code = (cause as { code?: string }).code ?? '';
  const msg = String((cause as { message?: string }).message ?? '');
  if (code === 'ERR_MISSING_PASSPHRASE' || /passphrase required/i.test(msg)) {
    return new InvalidInputError('The private key is encrypted: give its password.', { cause });
  }
  if (password !== undefined && /bad decrypt|decrypt|passphrase/i.test(msg)) {
    return new InvalidInputError('The password does not decrypt the private key.', { cause });
  }
  return new InvalidInputError('The input is not a private key (expected PKCS#8, PKCS#1 or SEC1, in PEM or DER).', { cause });
}

function toPkcs8(key: KeyObject): Uint8Array {
  return new Uint8Array(key.export({ type: 'pkcs8', format: 'der' }));
}

/**
 * Decodes a private key in PKCS#8, PKCS#1 (RSA) or SEC1 (EC), PEM or DER, or encrypted PKCS#8 (and legacy
 * encrypted PEM) with `password`, and returns PKCS#8 DER. Plain PKCS#8 input is returned byte for byte.
 */
export function decodePrivateKey(input: Uint8Array | string, password?: string): Uint8Array {
  const text = asText(input);
  if (text !== null) {
    const block = pemBlocks(text).find((b) => KEY_LABELS.has(b.label));
    if (!block) throw new InvalidInputError('No private key found in the PEM input.');
    if (password === undefined && (block.label === 'ENCRYPTED PRIVATE KEY' || /Proc-Type:\s*4,ENCRYPTED/.test(block.text))) {
      throw new InvalidInputError('The private key is encrypted: give its password.');
    }
    try {
      const key = createPrivateKey({ key: block.text, format: 'pem', passphrase: password });
      return block.label === 'PRIVATE KEY' ? new Uint8Array(block.der) : toPkcs8(key);
    } catch (cause) {
      throw keyError(cause, password);
    }
  }
  const der = asBuffer(typeof input === 'string' ? Buffer.from(input, 'latin1') : input);
  if (password === undefined && isEncryptedPkcs8(der)) throw new InvalidInputError('The private key is encrypted: give its password.');
  for (const type of ['pkcs8', 'pkcs1', 'sec1'] as const) {
    try {
      const key = createPrivateKey({ key: der, format: 'der', type, passphrase: password });
      return type === 'pkcs8' && !isEncryptedPkcs8(der) ? new Uint8Array(der) : toPkcs8(key);
    } catch (cause) {
      if (type === 'pkcs8' && isEncryptedPkcs8(der)) throw keyError(cause, password);
    }
  }
  throw new InvalidInputError('The input is not a private key (expected PKCS#8, PKCS#1 or SEC1, in PEM or DER).');
}

/** Whether DER is an EncryptedPrivateKeyInfo rather than a PrivateKeyInfo (which starts with INTEGER 0). */
function isEncryptedPkcs8(der: Uint8Array): boolean {
  try {
    // EncryptedPrivateKeyInfo ::= SEQUENCE { AlgorithmIdentifier, OCTET STRING } (RFC 5958 §3)
    const outer = readTlv(der, 0);
    if (outer.tag !== TAG.SEQUENCE || outer.end !== der.length) return false;
    const parts = childrenOf(der, outer);
    return parts.length === 2 && parts[0].tag === TAG.SEQUENCE && parts[1].tag === TAG.OCTET_STRING;
  } catch {
    return false;
  }
}

/** Encodes DER as PEM with 64-character base64 lines, as keytool `-rfc` and OpenSSL write it. */
export function encodePem(label: 'CERTIFICATE' | 'CERTIFICATE REQUEST' | 'PRIVATE KEY', der: Uint8Array): string {
  const b64 = asBuffer(der).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
