/**
 * BER (X.690 §8): some writers (Bouncy Castle's "PKCS12", NSS pk12util) use indefinite lengths and
 * constructed OCTET STRINGs, which the JDK's DerValue also accepts. berToDer re-encodes such input as DER
 * so ./der's reader can walk it; OCTET STRING contents stay opaque bytes.
 */
import { MalformedKeystoreError } from '../errors';
import { tlv } from './der';

/** Deepest nesting berToDer follows; real PFX structures stay below 15, hostile input is cut off. */
const MAX_BER_DEPTH = 64;

/**
 * Re-encodes BER as DER (X.690 §10): indefinite lengths become definite, constructed OCTET STRINGs
 * (tag 0x24) become primitive ones holding the concatenation of their segments. Throws
 * MalformedKeystoreError (without an offset: the caller's offsets would not apply) on broken input.
 */
export function berToDer(buf: Buffer): Buffer {
  const out: Buffer[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const r = berElement(buf, pos, buf.length, 0);
    out.push(r.encoded);
    pos = r.end;
  }
  return Buffer.concat(out);
}

function berFail(reason: string): never {
  throw new MalformedKeystoreError(`BER: ${reason}`);
}

function berElement(buf: Buffer, pos: number, limit: number, depth: number): { tag: number; encoded: Buffer; value: Buffer; end: number } {
  if (depth > MAX_BER_DEPTH) berFail('nesting too deep');
  if (pos + 2 > limit) berFail('truncated');
  const tag = buf[pos];
  if ((tag & 0x1f) === 0x1f) berFail('unexpected multi-byte tag');
  let i = pos + 1;
  let len = buf[i++];
  let indefinite = false;
  if (len === 0x80) indefinite = true;
  else if (len & 0x80) {
    const n = len & 0x7f;
    if (n > 4 || i + n > limit) berFail('bad length');
    len = 0;
    for (let k = 0; k < n; k++) len = len * 256 + buf[i++];
  }
  const constructed = (tag & 0x20) !== 0;
  if (!constructed) {
    if (indefinite || len > limit - i) berFail('bad primitive length');
    const value = buf.subarray(i, i + len);
    return { tag, encoded: tlv(tag, value), value, end: i + len };
  }
  const end = indefinite ? limit : i + len;
  if (end > limit) berFail('length past the end of its container');
  const children: { tag: number; encoded: Buffer; value: Buffer }[] = [];
  let closed = !indefinite;
  while (i < end) {
    if (indefinite && buf[i] === 0 && i + 1 < end && buf[i + 1] === 0) {
      i += 2; // end-of-contents
      closed = true;
      break;
    }
    const child = berElement(buf, i, end, depth + 1);
    children.push(child);
    i = child.end;
  }
  if (!closed) berFail('missing end-of-contents');
  if (tag === 0x24) {
    // Constructed OCTET STRING: its segments are OCTET STRINGs (X.690 §8.7.3).
    if (children.some((c) => c.tag !== 0x04)) berFail('constructed OCTET STRING with a non-OCTET STRING segment');
    const value = Buffer.concat(children.map((c) => c.value));
    return { tag: 0x04, encoded: tlv(0x04, value), value, end: i };
  }
  const value = Buffer.concat(children.map((c) => c.encoded));
  return { tag, encoded: tlv(tag, value), value, end: i };
}
