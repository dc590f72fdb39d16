import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { DerReader, isWholeDer, peekTlv, readOid, readTlv, seq, tlv, tlvAt, TAG } from '../../src/core/keystore/asn1/der';
import { berToDer } from '../../src/core/keystore/asn1/ber';
import { decodeOid, encodeOid, MAX_OID_BYTES } from '../../src/core/keystore/asn1/oid';
import { InvalidInputError, MalformedKeystoreError } from '../../src/core/keystore';

/** The dotted OID openssl prints for a DER OBJECT IDENTIFIER, when openssl is installed. */
function opensslOid(valueHex: string): string | null {
  try {
    const der = Buffer.concat([Buffer.from([0x06, valueHex.length / 2]), Buffer.from(valueHex, 'hex')]);
    const out = execFileSync('openssl', ['asn1parse', '-inform', 'DER', '-oid', '/dev/null'], { input: der, encoding: 'utf8' });
    return /OBJECT\s*:(\S+)/.exec(out)?.[1] ?? null;
  } catch {
    return null;
  }
}

describe('asn1: the one OID codec', () => {
  it('decodes the OIDs the keystores use and encodes them back to the same bytes', () => {
    for (const dotted of ['1.2.840.113549.1.12.10.1.2', '2.5.4.3', '2.16.840.1.113894.746875.1.1', '1.3.6.1.4.1.42.2.17.1.1', '0.9.2342.19200300.100.1.25', '2.999.3']) {
      const value = encodeOid(dotted);
      assert.equal(decodeOid(value), dotted);
      // Decoded twice: the second answer comes from the cache and must be the same.
      assert.equal(decodeOid(value), dotted);
    }
  });

  it('decodes an arc past 2^53 exactly, as openssl prints it, instead of rounding it into another OID', function () {
    // 2.5.4.(2^64 + 1): 10 groups of 7 bits for the last arc.
    const big = (1n << 64n) + 1n;
    const groups: number[] = [];
    for (let v = big; v > 0n; v >>= 7n) groups.unshift(Number(v & 0x7fn));
    const value = Uint8Array.from([0x55, 0x04, ...groups.map((g, i) => (i < groups.length - 1 ? g | 0x80 : g))]);
    assert.equal(decodeOid(value), `2.5.4.${big}`);
    const printed = opensslOid(Buffer.from(value).toString('hex'));
    if (printed !== null) assert.equal(printed, `2.5.4.${big}`);
    // The same in the first subidentifier, which packs two arcs.
    const first = Uint8Array.from([...groups.map((g, i) => (i < groups.length - 1 ? g | 0x80 : g))]);
    assert.equal(decodeOid(first), `2.${big - 80n}`);
  });

  it('refuses an empty value, a value that ends inside an arc and one longer than the JDK reads', () => {
    assert.equal(decodeOid(new Uint8Array(0)), null);
    assert.equal(decodeOid(Uint8Array.from([0x55, 0x84])), null);
    const long = new Uint8Array(MAX_OID_BYTES + 1).fill(0x01);
    assert.equal(decodeOid(long), null);
    assert.equal(decodeOid(long.subarray(0, MAX_OID_BYTES))?.split('.').length, MAX_OID_BYTES + 1);
  });

  it('answers a hostile 4096-byte arc within 1 s', () => {
    const value = new Uint8Array(MAX_OID_BYTES).fill(0xff);
    value[value.length - 1] = 0x7f;
    const started = Date.now();
    assert.match(decodeOid(value) ?? '', /^2\.\d+$/);
    assert.ok(Date.now() - started < 1000);
  });

  it('reads OIDs through each reader with one answer: readOid throws InvalidInputError, DerReader names the offset', () => {
    const bad = Buffer.from([0x30, 0x03, 0x06, 0x01, 0x81]);
    const inner = readTlv(bad, 2);
    assert.throws(() => readOid(bad, inner), InvalidInputError);
    const der = new DerReader(bad, 100);
    assert.throws(
      () => der.oid(der.read(2, bad.length, 'attribute'), 'attribute'),
      (e: unknown) => e instanceof MalformedKeystoreError && /attribute: bad OID/.test(e.message) && /at byte 102/.test(e.message),
    );
  });
});

describe('asn1: the one DER reader', () => {
  it('reads the same element whichever way it is asked', () => {
    const bytes = seq(tlv(TAG.OCTET_STRING, Buffer.alloc(200)), tlv(TAG.NULL));
    const a = readTlv(bytes, 0);
    const b = peekTlv(bytes, 0);
    const c = new DerReader(bytes).read(0, bytes.length, 'x');
    assert.deepEqual(a, { tag: 0x30, start: 0, vStart: 3, end: bytes.length });
    assert.deepEqual(b, a);
    assert.deepEqual(c, a);
    assert.ok(isWholeDer(bytes, 0x30, true));
  });

  it('names each fault the same way in each reader', () => {
    const cases: [number[], string, RegExp, RegExp][] = [
      [[0x30], 'truncated', /Truncated/, /x: truncated/],
      [[0x1f, 0x01, 0x00], 'multi-byte tag', /Unsupported DER tag/, /x: unexpected multi-byte tag/],
      [[0x30, 0x80, 0x00, 0x00], 'indefinite length', /Unsupported DER length/, /x: indefinite length is not DER/],
      [[0x30, 0x85, 1, 1, 1, 1, 1], 'length field too long', /Unsupported DER length/, /x: length field too long/],
      [[0x30, 0x82, 0x01], 'truncated length', /Truncated/, /x: truncated length/],
      [[0x30, 0x05, 0x00], 'overrun', /Truncated/, /x: length 5 runs past the end of its container/],
    ];
    for (const [raw, fault, plain, keystore] of cases) {
      const bytes = Buffer.from(raw);
      const r = tlvAt(bytes, 0);
      assert.equal('fault' in r && r.fault, fault, fault);
      assert.equal(peekTlv(bytes, 0), null);
      assert.throws(() => readTlv(bytes, 0), (e: unknown) => e instanceof InvalidInputError && plain.test(e.message));
      assert.throws(() => new DerReader(bytes, 40).read(0, bytes.length, 'x'), (e: unknown) => e instanceof MalformedKeystoreError && keystore.test(e.message) && /at byte 40/.test(e.message));
      assert.equal(isWholeDer(bytes, 0x30), false);
    }
  });

  it('never reads past the limit it is given, nor past the bytes when the limit is larger', () => {
    const bytes = seq(tlv(TAG.OCTET_STRING, Buffer.alloc(10)));
    assert.equal(peekTlv(bytes, 2, 5), null);
    assert.deepEqual(peekTlv(bytes, 2, 1000), { tag: 0x04, start: 2, vStart: 4, end: bytes.length });
  });

  it('re-encodes BER (indefinite lengths, constructed OCTET STRINGs) as DER the reader walks', () => {
    const ber = Buffer.from([0x30, 0x80, 0x24, 0x80, 0x04, 0x01, 0xaa, 0x04, 0x01, 0xbb, 0x00, 0x00, 0x00, 0x00]);
    const der = berToDer(ber);
    assert.deepEqual([...der], [0x30, 0x04, 0x04, 0x02, 0xaa, 0xbb]);
    assert.ok(isWholeDer(der, 0x30, true));
  });
});
