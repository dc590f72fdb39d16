/**
 * Thin wrappers over node-forge's `forge.asn1`, for the structures built as trees (certificates, requests,
 * names). node-forge is loaded on first use (`forgeLib`): evaluating it costs tens of milliseconds, and
 * reading a keystore never needs it.
 */
import type forge from 'node-forge';
import { InvalidInputError } from '../errors';
import { asBuffer } from './der';

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
