/**
 * DER (ITU-T X.690) on bytes: a zero-copy reader over `Uint8Array` for parsing certificates fast, and a
 * writer of whole TLVs as Buffers for the keystore codecs. (Certificates and requests are built as forge
 * trees: ./forgeAsn1.) Only definite-length, single-byte-tag encodings are read: that is all X.509,
 * PKCS#8, PKCS#10 and the keystores use.
 */
import { InvalidInputError } from '../errors';

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
  /** [0] constructed (EXPLICIT, or IMPLICIT over a constructed type). */
  CTX0: 0xa0,
  /** [0] primitive (IMPLICIT over a primitive type, e.g. an OCTET STRING). */
  CTX0_PRIMITIVE: 0x80,
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

// ---------------------------------------------------------------------------------------------
// Writer: each helper returns the complete TLV as a Buffer.

function lengthBytes(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  while (n > 0) {
    bytes.unshift(n & 0xff);
    n = Math.floor(n / 256);
  }
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** A TLV with `tag` whose value is the concatenation of `parts`. */
export function tlv(tag: number, ...parts: Uint8Array[]): Buffer {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([tag]), lengthBytes(body.length), body]);
}

/** SEQUENCE of the given encoded elements. */
export function seq(...parts: Uint8Array[]): Buffer {
  return tlv(TAG.SEQUENCE, ...parts);
}

/** SET of the given encoded elements, in the given order (as the JDK writes bag attributes). */
export function set(...parts: Uint8Array[]): Buffer {
  return tlv(TAG.SET, ...parts);
}

/** OCTET STRING. */
export function octetString(bytes: Uint8Array): Buffer {
  return tlv(TAG.OCTET_STRING, bytes);
}

/** NULL. */
export const NULL = Buffer.from([0x05, 0x00]);

/** Non-negative INTEGER. */
export function integer(n: number): Buffer {
  const bytes: number[] = [];
  do {
    bytes.unshift(n & 0xff);
    n = Math.floor(n / 256);
  } while (n > 0);
  if (bytes[0] & 0x80) bytes.unshift(0);
  return tlv(TAG.INTEGER, Buffer.from(bytes));
}

/** OBJECT IDENTIFIER from dotted form (X.690 §8.19). */
export function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  const out: number[] = [];
  const push = (n: number): void => {
    const chunk: number[] = [n & 0x7f];
    n = Math.floor(n / 128);
    while (n > 0) {
      chunk.unshift((n & 0x7f) | 0x80);
      n = Math.floor(n / 128);
    }
    out.push(...chunk);
  };
  push(arcs[0] * 40 + arcs[1]);
  for (const a of arcs.slice(2)) push(a);
  return tlv(TAG.OID, Buffer.from(out));
}

/** BMPString (UTF-16BE code units, surrogate pairs kept as the JDK writes them). */
export function bmpString(s: string): Buffer {
  const b = Buffer.alloc(s.length * 2);
  for (let i = 0; i < s.length; i++) b.writeUInt16BE(s.charCodeAt(i), i * 2);
  return tlv(TAG.BMP_STRING, b);
}

/** Context-specific constructed [n] EXPLICIT wrapper. */
export function explicit(n: number, ...parts: Uint8Array[]): Buffer {
  return tlv(0xa0 | n, ...parts);
}
