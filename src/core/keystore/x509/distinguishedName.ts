/**
 * X.500 distinguished names as keytool reads (`-dname`) and prints them (`Owner:`/`Issuer:`).
 * Mirrors OpenJDK 17 `sun.security.x509.X500Name`, `RDN` and `AVA` (keywords from `AVAKeyword`,
 * printing from `AVA.toKeywordValueString`, string types from `AVA.parseString`).
 *
 * An `Rdn[]` is always in *display* order (CN first, as written in `-dname` and as keytool prints);
 * the DER encoding holds the RDNs in the reverse order, which `encodeName`/`decodeName` take care of.
 */
import type forge from 'node-forge';
import { InvalidInputError } from '../errors';
import { TAG, childrenOf, readOid, valueOf, type Tlv } from '../asn1/der';
import { forgeFromDer, fromForgeAsn1, prim, seq, set, oid as oidNode } from '../asn1/forgeAsn1';

/** One attribute of an RDN: its OID and its value as a string, or `hex` (the whole DER value) when it is not a string. */
export interface AttributeTypeAndValue {
  readonly oid: string;
  readonly value: string;
  /** DER of a value that is not a string type, lowercase hex (printed `#…` by keytool). */
  readonly hex?: string;
}

/** A relative distinguished name: usually one attribute, several when written `A=x + B=y`. */
export type Rdn = readonly AttributeTypeAndValue[];

const EMAIL = '1.2.840.113549.1.9.1';
const DC = '0.9.2342.19200300.100.1.25';

/** Keyword → OID as `AVAKeyword` registers them (all accepted when parsing in DEFAULT format). */
const KEYWORDS: ReadonlyArray<readonly [string, string]> = [
  ['CN', '2.5.4.3'],
  ['C', '2.5.4.6'],
  ['L', '2.5.4.7'],
  ['S', '2.5.4.8'],
  ['ST', '2.5.4.8'],
  ['O', '2.5.4.10'],
  ['OU', '2.5.4.11'],
  ['T', '2.5.4.12'],
  ['IP', '1.3.6.1.4.1.42.2.11.2.1'],
  ['STREET', '2.5.4.9'],
  ['DC', DC],
  ['DNQUALIFIER', '2.5.4.46'],
  ['DNQ', '2.5.4.46'],
  ['SURNAME', '2.5.4.4'],
  ['GIVENNAME', '2.5.4.42'],
  ['INITIALS', '2.5.4.43'],
  ['GENERATION', '2.5.4.44'],
  ['EMAIL', EMAIL],
  ['EMAILADDRESS', EMAIL],
  ['UID', '0.9.2342.19200300.100.1.1'],
  ['SERIALNUMBER', '2.5.4.5'],
];
const KEYWORD_TO_OID = new Map(KEYWORDS);
/** OID → keyword: the last registration wins, as in `AVAKeyword`'s `oidMap` (so ST, DNQ, EMAILADDRESS). */
const OID_TO_KEYWORD = new Map(KEYWORDS.map(([k, o]) => [o, k] as const));

/** `DerValue.isPrintableStringChar`: the PrintableString repertoire (X.680 §41.4). */
function isPrintableChar(c: string): boolean {
  const code = c.charCodeAt(0);
  return c.length === 1 && code < 128 && PRINTABLE[code] === 1;
}
const PRINTABLE = new Uint8Array(128);
for (const ch of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 '()+,-./:=?") PRINTABLE[ch.charCodeAt(0)] = 1;
const ESCAPEES = ',+=\n<>#;\\"';
/** Values that `formatAva` cannot copy verbatim: an escapee, a leading or trailing space, or two spaces in a row. */
const NEEDS_FULL_FORMAT = /[,+=\n<>#;\\"]|^ | $|  /;

/**
 * Parses a keytool `-dname` string ("CN=a, OU=b, O=c, L=d, ST=e, C=f") into RDNs in written order.
 * Separators `,` or `;` between RDNs and `+` inside one; `\` escapes a character or a hex pair;
 * double quotes protect a whole value; keywords are case-insensitive and `OID.1.2.3=` / `1.2.3=` name any type.
 */
export function parseDistinguishedName(dname: string): Rdn[] {
  const rdns: Rdn[] = [];
  let avas: AttributeTypeAndValue[] = [];
  let i = 0;
  const n = dname.length;
  const fail = (why: string): never => {
    throw new InvalidInputError(`Invalid distinguished name: ${why}.`);
  };
  if (dname.trim() === '') fail('it is empty');
  for (;;) {
    // keyword
    while (i < n && dname[i] === ' ') i++;
    const eq = dname.indexOf('=', i);
    if (eq < 0) fail(`"${dname.slice(i).trim()}" has no "="`);
    const keyword = dname.slice(i, eq).trim();
    const oid = keywordToOid(keyword) ?? fail(`unknown attribute "${keyword}"`);
    i = eq + 1;
    while (i < n && dname[i] === ' ') i++;
    // value
    let value = '';
    let hex: string | undefined;
    if (dname[i] === '#') {
      let j = i + 1;
      while (j < n && /[0-9A-Fa-f]/.test(dname[j])) j++;
      hex = dname.slice(i + 1, j).toLowerCase();
      if (hex.length === 0 || hex.length % 2 !== 0) fail(`bad hex value for ${keyword}`);
      i = j;
    } else if (dname[i] === '"') {
      i++;
      const bytes: number[] = [];
      for (;;) {
        if (i >= n) fail('unterminated quoted value');
        const c = dname[i];
        if (c === '"') {
          i++;
          break;
        }
        if (c === '\\') i = unescape(dname, i, bytes, fail);
        else {
          pushUtf8(bytes, c);
          i++;
        }
      }
      // `AVA.parseQuotedString` trims the quoted value (String.trim: every char <= U+0020).
      value = Buffer.from(bytes).toString('utf8').replace(/^[\x00-\x20]+|[\x00-\x20]+$/g, '');
    } else {
      const bytes: number[] = [];
      // Trailing spaces are dropped unless escaped (`AVA.parseString`).
      let keptLength = 0;
      while (i < n && !',;+'.includes(dname[i])) {
        const c = dname[i];
        if (c === '\\') {
          i = unescape(dname, i, bytes, fail);
          keptLength = bytes.length;
        } else {
          // `AVA.parseString` (DEFAULT format) refuses these unescaped; = and # pass through.
          if (c === '"' || c === '<' || c === '>') fail(`character "${c}" must be escaped in ${keyword}`);
          pushUtf8(bytes, c);
          if (c !== ' ') keptLength = bytes.length;
          i++;
        }
      }
      value = Buffer.from(bytes.slice(0, keptLength)).toString('utf8');
    }
    avas.push(hex === undefined ? { oid, value } : { oid, value: '', hex });
    while (i < n && dname[i] === ' ') i++;
    if (i >= n) {
      rdns.push(avas);
      break;
    }
    const sep = dname[i++];
    if (sep === '+') continue;
    if (sep !== ',' && sep !== ';') fail(`unexpected "${sep}"`);
    rdns.push(avas);
    avas = [];
    if (dname.slice(i).trim() === '') fail('it ends with a separator');
  }
  return rdns;
}

function keywordToOid(keyword: string): string | null {
  const upper = keyword.toUpperCase();
  const known = KEYWORD_TO_OID.get(upper);
  if (known !== undefined) return known;
  const dotted = upper.startsWith('OID.') ? keyword.slice(4) : keyword;
  return /^[0-2](\.\d+)+$/.test(dotted) ? dotted : null;
}

function pushUtf8(bytes: number[], c: string): void {
  for (const b of Buffer.from(c, 'utf8')) bytes.push(b);
}

/** Handles `\x` (an escaped character) and `\hh` (one byte of a UTF-8 sequence) at `i`; returns the next index. */
function unescape(s: string, i: number, bytes: number[], fail: (why: string) => never): number {
  const next = s[i + 1];
  if (next === undefined) fail('it ends with a backslash');
  if (/[0-9A-Fa-f]/.test(next) && /[0-9A-Fa-f]/.test(s[i + 2] ?? '')) {
    bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
    return i + 3;
  }
  // `AVA.specialCharsDefault`: the only characters that may follow a backslash (besides a hex pair).
  if (!',=\n+<>#;\\" '.includes(next)) fail(`invalid escaped character "${next}"`);
  pushUtf8(bytes, next);
  return i + 2;
}

/**
 * Formats RDNs (display order) as keytool prints a name: `X500Name.toString()`, i.e. RDNs joined by ", ",
 * multi-valued RDNs by " + ", values quoted when they hold special characters or stray spaces.
 */
export function formatDistinguishedName(rdns: readonly Rdn[]): string {
  return rdns.map((rdn) => rdn.map(formatAva).join(' + ')).join(', ');
}

/** `AVA.toKeywordValueString` with the DEFAULT keyword table. */
function formatAva(ava: AttributeTypeAndValue): string {
  const keyword = OID_TO_KEYWORD.get(ava.oid) ?? `OID.${ava.oid}`;
  if (ava.hex !== undefined) return `${keyword}=#${ava.hex.toUpperCase()}`;
  const val = ava.value;
  // Fast path for the usual value: with no escapee, no leading or trailing space and no two spaces in a row,
  // the loop below copies the value unchanged and unquoted (an already-quoted value holds '"', an escapee).
  if (!NEEDS_FULL_FORMAT.test(val)) return `${keyword}=${val}`;
  const escapees = ESCAPEES;
  let quoteNeeded = false;
  let previousWhite = false;
  let out = '';
  // Java walks UTF-16 code units; surrogates are neither printable nor escapees, so units work as well.
  const chars = val;
  const len = val.length;
  const alreadyQuoted = len > 1 && val[0] === '"' && val[len - 1] === '"';
  for (let k = 0; k < chars.length; k++) {
    const c = chars[k];
    if (alreadyQuoted && (k === 0 || k === chars.length - 1)) {
      out += c;
      continue;
    }
    if (isPrintableChar(c) || escapees.includes(c)) {
      if (!quoteNeeded && ((k === 0 && (c === ' ' || c === '\n')) || escapees.includes(c))) quoteNeeded = true;
      if (!(c === ' ' || c === '\n')) {
        if (c === '"' || c === '\\') out += '\\';
        previousWhite = false;
      } else {
        if (!quoteNeeded && previousWhite) quoteNeeded = true;
        previousWhite = true;
      }
      out += c;
    } else {
      previousWhite = false;
      out += c;
    }
  }
  if (out.length > 0) {
    const trail = out[out.length - 1];
    if (trail === ' ' || trail === '\n') quoteNeeded = true;
  }
  return `${keyword}=${!alreadyQuoted && quoteNeeded ? `"${out}"` : out}`;
}

/** Decodes a DER Name (RFC 5280 §4.1.2.4) into RDNs in display order (the reverse of the encoding). */
export function decodeName(bytes: Uint8Array, name: Tlv): Rdn[] {
  if (name.tag !== TAG.SEQUENCE) throw new InvalidInputError('Expected a distinguished name in the certificate.');
  const rdns: Rdn[] = [];
  for (const setTlv of childrenOf(bytes, name)) {
    const avas: AttributeTypeAndValue[] = [];
    for (const avaTlv of childrenOf(bytes, setTlv)) {
      const [typeTlv, valueTlv] = childrenOf(bytes, avaTlv);
      if (!typeTlv || !valueTlv) throw new InvalidInputError('Malformed attribute in a distinguished name.');
      const oid = readOid(bytes, typeTlv);
      const str = decodeDirectoryString(valueTlv.tag, valueOf(bytes, valueTlv));
      avas.push(
        str === null ? { oid, value: '', hex: Buffer.from(bytes.subarray(valueTlv.start, valueTlv.end)).toString('hex') } : { oid, value: str },
      );
    }
    rdns.push(avas);
  }
  return rdns.reverse();
}

const NON_ASCII = /[\x80-\xff]/;

/** `DerValue.getAsString`: the string types Java decodes, or null for anything else. */
function decodeDirectoryString(tag: number, value: Uint8Array): string | null {
  const buf = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  switch (tag) {
    case TAG.UTF8_STRING:
      return buf.toString('utf8');
    case TAG.PRINTABLE_STRING:
    case TAG.IA5_STRING:
    case TAG.VISIBLE_STRING:
    case TAG.GENERAL_STRING: {
      // Java decodes these as US-ASCII: bytes above 0x7F become U+FFFD.
      const s = buf.toString('latin1');
      return NON_ASCII.test(s) ? s.replace(/[\x80-\xff]/g, '\ufffd') : s;
    }
    case TAG.T61_STRING:
      return buf.toString('latin1');
    case TAG.BMP_STRING:
      return Buffer.from(buf).swap16().toString('utf16le');
    case TAG.UNIVERSAL_STRING: {
      let s = '';
      for (let k = 0; k + 3 < buf.length; k += 4) s += String.fromCodePoint(buf.readUInt32BE(k));
      return s;
    }
    default:
      return null;
  }
}

/** Formats the DER Name at `name` as keytool prints it. */
export function formatDerName(bytes: Uint8Array, name: Tlv): string {
  return formatDistinguishedName(decodeName(bytes, name));
}

/**
 * Builds the DER Name for RDNs in display order, reversed as keytool encodes them; string types as
 * `AVA.parseString` picks them: IA5String for EMAILADDRESS and DC, PrintableString when every character
 * allows it, UTF8String otherwise.
 */
export function encodeName(rdns: readonly Rdn[]): forge.asn1.Asn1 {
  const sets = [...rdns].reverse().map((rdn) => {
    const items = rdn.map((ava) => seq([oidNode(ava.oid), encodeAvaValue(ava)]));
    if (items.length < 2) return set(items);
    // DER SET OF: elements sorted by their encodings (X.690 §11.6), as Java's `putOrderedSetOf` does.
    const encoded = items.map((item) => ({ item, der: fromForgeAsn1(item) }));
    encoded.sort((a, b) => Buffer.compare(a.der, b.der));
    return set(encoded.map((e) => e.item));
  });
  return seq(sets);
}

function encodeAvaValue(ava: AttributeTypeAndValue): forge.asn1.Asn1 {
  if (ava.hex !== undefined) {
    const der = Buffer.from(ava.hex, 'hex');
    try {
      return forgeFromDer(der.toString('binary'));
    } catch (cause) {
      throw new InvalidInputError(`Invalid distinguished name: the #hex value of OID ${ava.oid} is not DER.`, { cause });
    }
  }
  const v = ava.value;
  if (ava.oid === EMAIL || ava.oid === DC) return prim(TAG.IA5_STRING, Buffer.from(v, 'latin1'));
  if (Array.from(v).every(isPrintableChar)) return prim(TAG.PRINTABLE_STRING, Buffer.from(v, 'latin1'));
  return prim(TAG.UTF8_STRING, Buffer.from(v, 'utf8'));
}

/** Compares two DER Names the way certificate path building needs (RFC 5280 §7.1, simplified: trimmed, case-folded, spaces collapsed). */
export function namesMatch(a: Uint8Array, aTlv: Tlv, b: Uint8Array, bTlv: Tlv): boolean {
  const av = a.subarray(aTlv.start, aTlv.end);
  const bv = b.subarray(bTlv.start, bTlv.end);
  if (Buffer.compare(Buffer.from(av.buffer, av.byteOffset, av.byteLength), Buffer.from(bv.buffer, bv.byteOffset, bv.byteLength)) === 0) return true;
  const canon = (rdns: Rdn[]): string =>
    rdns
      .map((rdn) =>
        rdn
          .map((x) => `${x.oid}=${x.hex ?? x.value.trim().replace(/\s+/g, ' ').toLowerCase()}`)
          .sort()
          .join('+'),
      )
      .join(',');
  return canon(decodeName(a, aTlv)) === canon(decodeName(b, bTlv));
}

