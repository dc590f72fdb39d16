/**
 * Small DER (ITU-T X.690) helpers: a zero-copy reader over `Uint8Array` for parsing certificates fast,
 * and thin wrappers over node-forge's `forge.asn1` for building structures. node-forge is loaded on first use
 * (`forgeLib`): evaluating it costs tens of milliseconds, and reading a keystore never needs it.
 * Only definite-length, single-byte-tag encodings are read: that is all X.509, PKCS#8 and PKCS#10 use.
 */
import type forge from 'node-forge';
import { InvalidInputError } from './errors';

let forgeModule: typeof forge | undefined;

/**
 * node-forge, required on first call. A `require` inside a function (not a top-level import) lets esbuild keep
 * the bundled module's initialisation lazy, so `mi-keystores list` and the extension's activation skip it.
 */
export function forgeLib(): typeof forge {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  forgeModule ??= require('node-forge') as typeof forge;
  return forgeModule;
}

/** One tag-length-value element: the value is `bytes[start + header, end)`. */
export interface Tlv {
  readonly tag: number;
  readonly start: number;
  readonly header: number;
  readonly end: number;
}

/** Universal tags used by the keystore code (X.690 §8). */
export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  SEQUENCE: 0x30,
  SET: 0x31,
  PRINTABLE_STRING: 0x13,
  T61_STRING: 0x14,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  VISIBLE_STRING: 0x1a,
  GENERAL_STRING: 0x1b,
  UNIVERSAL_STRING: 0x1c,
  BMP_STRING: 0x1e,
} as const;

/** Reads the element at `offset`; throws InvalidInputError when it overruns `limit` or is not DER. */
export function readTlv(bytes: Uint8Array, offset: number, limit: number = bytes.length): Tlv {
  if (offset + 2 > limit) throw new InvalidInputError(`Truncated DER data at byte ${offset}.`);
  const tag = bytes[offset];
  // High-tag-number form (X.690 §8.1.2.4) never occurs in the structures we read.
  if ((tag & 0x1f) === 0x1f) throw new InvalidInputError(`Unsupported DER tag at byte ${offset}.`);
  let len = bytes[offset + 1];
  let header = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    // 0x80 is BER's indefinite length, which DER forbids (X.690 §10.1).
    if (n === 0 || n > 4) throw new InvalidInputError(`Unsupported DER length at byte ${offset}.`);
    if (offset + 2 + n > limit) throw new InvalidInputError(`Truncated DER data at byte ${offset}.`);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + bytes[offset + 2 + i];
    header += n;
  }
  const end = offset + header + len;
  if (end > limit) throw new InvalidInputError(`Truncated DER data at byte ${offset}.`);
  return { tag, start: offset, header, end };
}

/** The value bytes of an element (a view, not a copy). */
export function valueOf(bytes: Uint8Array, tlv: Tlv): Uint8Array {
  return bytes.subarray(tlv.start + tlv.header, tlv.end);
}

/** The whole encoding of an element, header included (a view, not a copy). */
export function encodingOf(bytes: Uint8Array, tlv: Tlv): Uint8Array {
  return bytes.subarray(tlv.start, tlv.end);
}

/** The elements inside a constructed element, in order. */
export function childrenOf(bytes: Uint8Array, tlv: Tlv): Tlv[] {
  const out: Tlv[] = [];
  let off = tlv.start + tlv.header;
  while (off < tlv.end) {
    const child = readTlv(bytes, off, tlv.end);
    out.push(child);
    off = child.end;
  }
  return out;
}

/** Reads exactly one element spanning all of `bytes`, optionally checking its tag. */
export function readWhole(bytes: Uint8Array, expectTag?: number): Tlv {
  const tlv = readTlv(bytes, 0);
  if (tlv.end !== bytes.length) throw new InvalidInputError('Unexpected bytes after the DER structure.');
  if (expectTag !== undefined && tlv.tag !== expectTag) throw new InvalidInputError('Unexpected DER structure.');
  return tlv;
}

/**
 * Dotted forms of OIDs already decoded, keyed by their value bytes read as a number (length in the top bits):
 * a certificate holds about fifteen OIDs, nearly always the same few dozen. Values of up to 6 bytes only
 * (2.5.4.x, 2.5.29.x, …), so the key stays an exact integer; the cache stops growing at OID_CACHE_MAX.
 */
const oidCache = new Map<number, string>();
const OID_CACHE_MAX = 1024;

/** Decodes an OBJECT IDENTIFIER value (X.690 §8.19) to dotted form. */
export function decodeOid(value: Uint8Array): string {
  if (value.length > 6) return decodeOidUncached(value);
  let key = value.length;
  for (let i = 0; i < value.length; i++) key = key * 256 + value[i];
  let dotted = oidCache.get(key);
  if (dotted === undefined) {
    dotted = decodeOidUncached(value);
    if (oidCache.size < OID_CACHE_MAX) oidCache.set(key, dotted);
  }
  return dotted;
}

/** decodeOid without the cache. */
function decodeOidUncached(value: Uint8Array): string {
  const parts: number[] = [];
  let acc = 0;
  for (let i = 0; i < value.length; i++) {
    acc = acc * 128 + (value[i] & 0x7f);
    if ((value[i] & 0x80) === 0) {
      if (parts.length === 0) {
        const first = acc < 40 ? 0 : acc < 80 ? 1 : 2;
        parts.push(first, acc - first * 40);
      } else {
        parts.push(acc);
      }
      acc = 0;
    }
  }
  return parts.join('.');
}

/** Reads the OID of an element that must be an OBJECT IDENTIFIER. */
export function readOid(bytes: Uint8Array, tlv: Tlv): string {
  if (tlv.tag !== TAG.OID) throw new InvalidInputError('Expected an object identifier in DER data.');
  return decodeOid(valueOf(bytes, tlv));
}

/** Lowercase hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** A Buffer view of `bytes` without copying. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Parses DER into forge's ASN.1 tree (BIT STRINGs left opaque), for code that rewrites structures. */
export function toForgeAsn1(der: Uint8Array): forge.asn1.Asn1 {
  try {
    return forgeFromDer(asBuffer(der).toString('binary'));
  } catch (cause) {
    throw new InvalidInputError('The data is not valid DER.', { cause });
  }
}

/** forge's `fromDer` with its options object, which @types/node-forge does not declare. */
type FromDerWithOptions = (bytes: string, options: { strict: boolean; parseAllBytes: boolean; decodeBitStrings: boolean }) => forge.asn1.Asn1;

/** Parses a binary string strictly (whole input, BIT STRINGs opaque); throws forge's error on bad DER. */
export function forgeFromDer(binary: string): forge.asn1.Asn1 {
  return (forgeLib().asn1.fromDer as unknown as FromDerWithOptions)(binary, { strict: true, parseAllBytes: true, decodeBitStrings: false });
}

/** Parses BER leniently (indefinite lengths allowed, BIT STRINGs opaque), for inputs other tools stream out. */
export function forgeFromBer(binary: string): forge.asn1.Asn1 {
  return (forgeLib().asn1.fromDer as unknown as FromDerWithOptions)(binary, { strict: false, parseAllBytes: true, decodeBitStrings: false });
}

/** Serialises a forge ASN.1 tree to DER bytes. */
export function fromForgeAsn1(node: forge.asn1.Asn1): Uint8Array {
  return new Uint8Array(Buffer.from(forgeLib().asn1.toDer(node).getBytes(), 'binary'));
}

/** A forge ASN.1 node holding already-encoded DER bytes, so they are copied verbatim into a new structure. */
export function rawAsn1(der: Uint8Array): forge.asn1.Asn1 {
  return toForgeAsn1(der);
}

/** forge's ASN.1 namespace, loading node-forge on first use. */
const asn1 = (): typeof forge.asn1 => forgeLib().asn1;

/** forge node for a universal, primitive element whose value is `bytes`. */
export function prim(type: number, bytes: Uint8Array | string): forge.asn1.Asn1 {
  const value = typeof bytes === 'string' ? bytes : asBuffer(bytes).toString('binary');
  return asn1().create(asn1().Class.UNIVERSAL, type, false, value);
}

/** forge node for a SEQUENCE. */
export function seq(items: forge.asn1.Asn1[]): forge.asn1.Asn1 {
  return asn1().create(asn1().Class.UNIVERSAL, asn1().Type.SEQUENCE, true, items);
}

/** forge node for a SET (the caller orders the items; DER SET OF sorting is only needed for multi-valued sets). */
export function set(items: forge.asn1.Asn1[]): forge.asn1.Asn1 {
  return asn1().create(asn1().Class.UNIVERSAL, asn1().Type.SET, true, items);
}

/** forge node for an OBJECT IDENTIFIER. */
export function oid(dotted: string): forge.asn1.Asn1 {
  return asn1().create(asn1().Class.UNIVERSAL, asn1().Type.OID, false, asn1().oidToDer(dotted).getBytes());
}

/** forge node for a context-specific tagged element; `constructed` for explicit tagging or implicit SEQUENCEs. */
export function ctx(tagNo: number, constructed: boolean, value: forge.asn1.Asn1[] | string): forge.asn1.Asn1 {
  return asn1().create(asn1().Class.CONTEXT_SPECIFIC, tagNo, constructed, value);
}

/** forge node for a positive INTEGER from big-endian magnitude bytes (adds the 0x00 sign byte DER needs). */
export function positiveInteger(magnitude: Uint8Array): forge.asn1.Asn1 {
  let i = 0;
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
  let body = magnitude.subarray(i);
  if (body[0] & 0x80) body = Buffer.concat([Buffer.of(0), body]);
  return prim(asn1().Type.INTEGER, body);
}

/** forge node for a small non-negative INTEGER. */
export function smallInteger(n: number): forge.asn1.Asn1 {
  return asn1().create(asn1().Class.UNIVERSAL, asn1().Type.INTEGER, false, asn1().integerToDer(n).getBytes());
}

/** forge node for a BIT STRING with no unused bits. */
export function bitString(bytes: Uint8Array): forge.asn1.Asn1 {
  return prim(asn1().Type.BITSTRING, Buffer.concat([Buffer.of(0), asBuffer(bytes)]));
}
