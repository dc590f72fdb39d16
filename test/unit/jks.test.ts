/**
 * Unit tests of the JKS/JCEKS codec against keytool-made fixtures (test/fixtures/keystores, whose
 * `expected/*.list.txt` is `keytool -list -v`) and WSO2's real JKS stores (listed by keytool here).
 */
import { strict as assert } from 'assert';
import { createHash, createPrivateKey, createPublicKey, X509Certificate } from 'crypto';
import { decodeJavaKeystore, encodeJavaKeystore, recoverJavaKey, sealJavaKey } from '../../src/core/keystore/jks/javaKeystore';
import { encodeModifiedUtf8, decodeModifiedUtf8 } from '../../src/core/keystore/jks/modifiedUtf8';
import { protectJceksKey } from '../../src/core/keystore/jks/jceksKeyProtector';
import { ByteWriter } from '../../src/core/keystore/jks/dataStream';
import { KeystoreError, MalformedKeystoreError, WrongKeyPasswordError, WrongPasswordError, type Keystore, type PrivateKeyEntry } from '../../src/core/keystore';
import {
  FIXTURE_STORES, WSO2_STORES, describeShared, fixtureKeyPassword, fixtureStorePassword, readExpectedListing, readFixture, readWso2Store, wso2Store, wso2StorePath,
} from '../helpers/fixtures';
import { keytoolList, keytoolView, parseKeytoolList } from '../helpers/keytool';

const JAVA_FIXTURES = FIXTURE_STORES.filter((f) => /\.(jks|jceks)$/.test(f));

/** Asserts the recovered PKCS#8 is a valid private key whose public half is the leaf certificate's. */
function assertKeyMatchesLeaf(pkcs8: Uint8Array, leaf: Uint8Array): void {
  const key = createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
  const actual = createPublicKey(key).export({ format: 'der', type: 'spki' });
  const expected = new X509Certificate(leaf).publicKey.export({ format: 'der', type: 'spki' });
  assert.deepEqual(actual, expected);
}

/** An empty store body (magic, version 2, count 0) with a correct digest for `password`. */
function withDigest(body: Uint8Array, password: string): Uint8Array {
  const pw = Buffer.from(password, 'utf16le').swap16();
  const digest = createHash('sha1').update(pw).update('Mighty Aphrodite', 'latin1').update(body).digest();
  return new Uint8Array(Buffer.concat([body, digest]));
}

/** Returns a copy of `bytes` with `edit` applied. */
function patched(bytes: Uint8Array, edit: (b: Buffer) => void): Uint8Array {
  const b = Buffer.from(bytes);
  edit(b);
  return new Uint8Array(b);
}

/** jks-trust.jks, and where the DER of its first (trusted) certificate starts and ends in the file. */
function firstTrustedCert(): { bytes: Uint8Array; start: number; end: number } {
  const bytes = readFixture('jks-trust.jks');
  const cert = (decodeJavaKeystore(bytes, 'changeit') as Keystore).entries[0];
  if (cert.kind !== 'trusted-cert') assert.fail('first entry should be a trusted cert');
  const start = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).indexOf(Buffer.from(cert.certificate));
  return { bytes, start, end: start + cert.certificate.length };
}

describe('JKS/JCEKS codec: keytool fixtures', () => {
  for (const file of JAVA_FIXTURES) {
    it(`${file}: lists the aliases, entry types and SHA-256 fingerprints keytool lists`, () => {
      const expected = parseKeytoolList(readExpectedListing(file));
      const store = decodeJavaKeystore(readFixture(file), fixtureStorePassword(file)) as Keystore;
      assert.equal(store.entries.length, expected.count);
      assert.deepEqual(keytoolView(store), expected.entries);
    });

    it(`${file}: re-encodes an unchanged store to the identical bytes`, async () => {
      const bytes = readFixture(file);
      const store = decodeJavaKeystore(bytes, fixtureStorePassword(file)) as Keystore;
      const actual = await encodeJavaKeystore(store, fixtureStorePassword(file), { randomBytes: () => { throw new Error('no randomness needed'); }, now: () => new Date(0) });
      assert.deepEqual(Buffer.from(actual), Buffer.from(bytes));
    });
  }

  for (const file of JAVA_FIXTURES) {
    const store = decodeJavaKeystore(readFixture(file), fixtureStorePassword(file)) as Keystore;
    for (const entry of store.entries.filter((e): e is PrivateKeyEntry => e.kind === 'private-key')) {
      it(`${file}: recovers the key of "${entry.alias}" matching its leaf certificate`, async () => {
        assert.equal(entry.key.sealed, 'sealed');
        if (entry.key.sealed !== 'sealed') return;
        const pkcs8 = await recoverJavaKey(store.format as 'JKS' | 'JCEKS', entry.key.der, fixtureKeyPassword(file), entry.alias);
        assertKeyMatchesLeaf(pkcs8, entry.chain[0]);
      });
    }
  }

  it('jks-unicode.jks: decodes accented, CJK and non-BMP aliases from modified UTF-8', () => {
    const store = decodeJavaKeystore(readFixture('jks-unicode.jks'), 'changeit') as Keystore;
    const actual = store.entries.map((e) => e.alias).sort();
    assert.deepEqual(actual, ['clé-ü', 'smile😀', '日本'].sort());
  });

  it('jceks.jceks: carries the secret key entry as a complete Java serialization stream', () => {
    const store = decodeJavaKeystore(readFixture('jceks.jceks'), 'changeit') as Keystore;
    const secret = store.entries.find((e) => e.kind === 'secret-key');
    assert.ok(secret && secret.kind === 'secret-key');
    // Stream magic AC ED 00 05, then TC_OBJECT.
    assert.ok(secret.secret.sealed === 'sealed');
    assert.deepEqual([...secret.secret.der.subarray(0, 5)], [0xac, 0xed, 0x00, 0x05, 0x73]);
  });

  it('reports the integrity as verified', () => {
    const store = decodeJavaKeystore(readFixture('jks-rsa.jks'), 'changeit') as Keystore;
    assert.equal(store.integrity, 'verified');
  });
});

describeShared('JKS/JCEKS codec: WSO2 stores', () => {
  for (const { file, password } of WSO2_STORES.filter((s) => s.format === 'JKS')) {
    it(`${file}: lists what keytool lists`, () => {
      const bytes = readWso2Store(file);
      assert.deepEqual([...bytes.subarray(0, 4)], [0xfe, 0xed, 0xfe, 0xed], 'the MANIFEST says this one is JKS');
      const expected = keytoolList(wso2StorePath(file), password, 'JKS');
      const store = decodeJavaKeystore(bytes, password) as Keystore;
      assert.equal(store.entries.length, expected.count);
      assert.deepEqual(keytoolView(store), expected.entries);
    });
  }

  it('test-fixtures/vfsKeystore.jks: recovers the key with its own key password (qazwsx), not the store password', async () => {
    const { file, password, keyPassword } = wso2Store('test-fixtures/vfsKeystore.jks');
    const store = decodeJavaKeystore(readWso2Store(file), password) as Keystore;
    const entry = store.entries.find((e): e is PrivateKeyEntry => e.kind === 'private-key')!;
    assert.equal(entry.key.sealed, 'sealed');
    if (entry.key.sealed !== 'sealed') return;
    const pkcs8 = await recoverJavaKey('JKS', entry.key.der, keyPassword, entry.alias);
    assertKeyMatchesLeaf(pkcs8, entry.chain[0]);
  });

  it('wso2carbon.kernel-4.9.x-head.jks: recovers the wso2carbon key with the store password', async () => {
    const store = decodeJavaKeystore(readWso2Store('wso2carbon.kernel-4.9.x-head.jks'), 'wso2carbon') as Keystore;
    const entry = store.entries.find((e): e is PrivateKeyEntry => e.alias === 'wso2carbon')!;
    if (entry.key.sealed !== 'sealed') assert.fail('key should be sealed');
    const pkcs8 = await recoverJavaKey('JKS', entry.key.der, 'wso2carbon', entry.alias);
    assertKeyMatchesLeaf(pkcs8, entry.chain[0]);
  });
}, { keytool: true });

describe('JKS/JCEKS codec: modified UTF-8', () => {
  it('encodes a non-BMP character as two 3-byte surrogates', () => {
    const actual = [...encodeModifiedUtf8('😀')];
    const expected = [0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80];
    assert.deepEqual(actual, expected);
  });

  it('encodes U+0000 as C0 80', () => {
    assert.deepEqual([...encodeModifiedUtf8('a\u0000')], [0x61, 0xc0, 0x80]);
  });

  it('decodes what it encodes', () => {
    const expected = 'clé-ü 日本 😀 \u0000';
    assert.equal(decodeModifiedUtf8(encodeModifiedUtf8(expected)), expected);
  });

  it('rejects a truncated multi-byte sequence', () => {
    assert.equal(decodeModifiedUtf8(Uint8Array.from([0x61, 0xe6, 0x97])), null);
  });
});

describe('JKS/JCEKS codec: encoding', () => {
  const fixedRandom = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 37 + 11) & 0xff);

  async function openStore(file: string, format: 'JKS' | 'JCEKS', keyPassword: string): Promise<Keystore> {
    const source = decodeJavaKeystore(readFixture(file), fixtureStorePassword(file)) as Keystore;
    const entries = await Promise.all(
      source.entries.map(async (e) => {
        if (e.kind !== 'private-key' || e.key.sealed !== 'sealed') return e;
        const pkcs8 = await recoverJavaKey(source.format as 'JKS' | 'JCEKS', e.key.der, 'changeit', e.alias);
        return { ...e, key: { sealed: 'open' as const, pkcs8, password: keyPassword } };
      }),
    );
    return { format, integrity: 'verified', entries };
  }

  it('writes the same bytes twice with injected randomBytes and now', async () => {
    const store = await openStore('jks-rsa.jks', 'JKS', 'keypass9');
    const options = { randomBytes: fixedRandom, now: () => new Date(Date.UTC(2026, 0, 1)) };
    const first = await encodeJavaKeystore(store, 'changeit', options);
    const second = await encodeJavaKeystore(store, 'changeit', options);
    assert.deepEqual(Buffer.from(second), Buffer.from(first));
  });

  it('seals an open JKS key so that it is recovered with its key password', async () => {
    const store = await openStore('jks-rsa.jks', 'JKS', 'keypass9');
    const decoded = decodeJavaKeystore(await encodeJavaKeystore(store, 'changeit'), 'changeit') as Keystore;
    const entry = decoded.entries.find((e): e is PrivateKeyEntry => e.kind === 'private-key')!;
    if (entry.key.sealed !== 'sealed') assert.fail('key should be sealed');
    assertKeyMatchesLeaf(await recoverJavaKey('JKS', entry.key.der, 'keypass9', entry.alias), entry.chain[0]);
  });

  it('seals an open JCEKS key so that it is recovered with its key password', async () => {
    const store = await openStore('jks-rsa.jks', 'JCEKS', 'keypass9');
    const decoded = decodeJavaKeystore(await encodeJavaKeystore(store, 'changeit'), 'changeit') as Keystore;
    assert.equal(decoded.format, 'JCEKS');
    const entry = decoded.entries.find((e): e is PrivateKeyEntry => e.kind === 'private-key')!;
    if (entry.key.sealed !== 'sealed') assert.fail('key should be sealed');
    assertKeyMatchesLeaf(await recoverJavaKey('JCEKS', entry.key.der, 'keypass9', entry.alias), entry.chain[0]);
  });

  it('writes aliases lowercased, as keytool does', async () => {
    const source = decodeJavaKeystore(readFixture('jks-trust.jks'), 'changeit') as Keystore;
    const store: Keystore = { ...source, entries: source.entries.map((e) => ({ ...e, alias: e.alias.toUpperCase() })) };
    const decoded = decodeJavaKeystore(await encodeJavaKeystore(store, 'changeit'), 'changeit') as Keystore;
    assert.deepEqual(decoded.entries.map((e) => e.alias), source.entries.map((e) => e.alias));
  });

  it('dates entries without a creation date with options.now', async () => {
    const source = decodeJavaKeystore(readFixture('jks-trust.jks'), 'changeit') as Keystore;
    const expected = new Date(Date.UTC(2030, 5, 1));
    const store: Keystore = { ...source, entries: source.entries.map((e) => ({ ...e, created: null })) };
    const decoded = decodeJavaKeystore(await encodeJavaKeystore(store, 'changeit', { now: () => expected }), 'changeit') as Keystore;
    assert.deepEqual(decoded.entries.map((e) => e.created), [expected, expected]);
  });

  it('refuses to write a key sealed for another format', async () => {
    const source = decodeJavaKeystore(readFixture('jks-rsa.jks'), 'changeit') as Keystore;
    const store: Keystore = { ...source, format: 'JCEKS' };
    await assert.rejects(encodeJavaKeystore(store, 'changeit'), (e: unknown) => e instanceof KeystoreError && /opened first/.test(e.message));
  });

  it('refuses to write a secret key into JKS', async () => {
    const source = decodeJavaKeystore(readFixture('jceks.jceks'), 'changeit') as Keystore;
    const store: Keystore = { ...source, format: 'JKS', entries: source.entries.filter((e) => e.kind === 'secret-key') };
    await assert.rejects(encodeJavaKeystore(store, 'changeit'), KeystoreError);
  });

  it('lets the event loop run while a JCEKS key is sealed', async () => {
    const pkcs8 = new Uint8Array(createHash('sha512').update('x').digest()); // content is irrelevant to sealing
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    try {
      await sealJavaKey('JCEKS', pkcs8, 'changeit', { randomBytes: fixedRandom });
    } finally {
      clearInterval(timer);
    }
    assert.ok(ticks > 0, 'no timer callback ran during 400,000 MD5 rounds');
  });
});

describe('JKS/JCEKS codec: damaged files and wrong passwords', () => {
  const EMPTY_JKS_BODY = Uint8Array.from([0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2, 0, 0, 0, 0]);
  const isMalformed = (e: unknown): boolean => e instanceof MalformedKeystoreError;

  it('decodes an empty store (baseline for the inline cases below)', () => {
    const store = decodeJavaKeystore(withDigest(EMPTY_JKS_BODY, 'changeit'), 'changeit') as Keystore;
    assert.equal(store.entries.length, 0);
  });

  it('returns the store synchronously when the digest matches (no Promise on the fast path)', () => {
    const actual = decodeJavaKeystore(readFixture('jks-rsa.jks'), 'changeit');
    assert.ok(!(actual instanceof Promise));
  });

  it('decodes a version 1 store (no certificate type strings, X.509 implied)', () => {
    const source = decodeJavaKeystore(readFixture('jks-trust.jks'), 'changeit') as Keystore;
    const w = new ByteWriter().u32(0xfeedfeed).u32(1).u32(source.entries.length);
    for (const e of source.entries) {
      if (e.kind !== 'trusted-cert') assert.fail('jks-trust.jks holds trusted certs only');
      w.u32(2).utf(e.alias).i64(BigInt(e.created!.getTime())).u32(e.certificate.length).bytes(e.certificate);
    }
    const store = decodeJavaKeystore(withDigest(w.toBytes(), 'changeit'), 'changeit') as Keystore;
    assert.deepEqual(keytoolView(store), keytoolView(source));
  });

  it('wrong store password → WrongPasswordError', async () => {
    await assert.rejects(async () => decodeJavaKeystore(readFixture('jks-rsa.jks'), 'wrongpass'), WrongPasswordError);
  });

  it('wrong store password on JCEKS → WrongPasswordError', async () => {
    await assert.rejects(async () => decodeJavaKeystore(readFixture('jceks.jceks'), 'wrongpass'), WrongPasswordError);
  });

  it('wrong JKS key password → WrongKeyPasswordError naming the alias', async () => {
    const store = decodeJavaKeystore(readFixture('jks-keypass.jks'), 'storepass1') as Keystore;
    const entry = store.entries[0] as PrivateKeyEntry;
    if (entry.key.sealed !== 'sealed') assert.fail('key should be sealed');
    await assert.rejects(recoverJavaKey('JKS', entry.key.der, 'storepass1', entry.alias), (e: unknown) => e instanceof WrongKeyPasswordError && e.alias === 'signer');
  });

  it('wrong JCEKS key password → WrongKeyPasswordError', async () => {
    const store = decodeJavaKeystore(readFixture('jceks.jceks'), 'changeit') as Keystore;
    const entry = store.entries.find((e): e is PrivateKeyEntry => e.kind === 'private-key')!;
    if (entry.key.sealed !== 'sealed') assert.fail('key should be sealed');
    await assert.rejects(recoverJavaKey('JCEKS', entry.key.der, 'notthekey', entry.alias), WrongKeyPasswordError);
  });

  it('truncated in the middle of an entry → MalformedKeystoreError', async () => {
    const bytes = readFixture('jks-rsa.jks');
    await assert.rejects(async () => decodeJavaKeystore(bytes.subarray(0, 700), 'changeit'), isMalformed);
  });

  it('truncated inside the digest → MalformedKeystoreError, even with the right password', async () => {
    const bytes = readFixture('jks-rsa.jks');
    await assert.rejects(async () => decodeJavaKeystore(bytes.subarray(0, bytes.length - 1), 'changeit'), isMalformed);
  });

  it('one trailing byte after the digest → MalformedKeystoreError', async () => {
    const bytes = readFixture('jks-rsa.jks');
    const damaged = new Uint8Array([...bytes, 0]);
    await assert.rejects(async () => decodeJavaKeystore(damaged, 'changeit'), isMalformed);
  });

  it('certificate type "X.509" flipped to "X.50:" inside an entry → MalformedKeystoreError', async () => {
    const { bytes, start } = firstTrustedCert();
    // Layout before a cert: u16 5, "X.509", u32 length, DER; the '9' sits 5 bytes before the length.
    const at = start - 5;
    const damaged = patched(bytes, (b) => (b[at] ^= 0x03));
    await assert.rejects(async () => decodeJavaKeystore(damaged, 'changeit'), isMalformed);
  });

  it('tbsCertificate tag flipped inside an entry (outer lengths intact) → MalformedKeystoreError, not a wrong password', async () => {
    const { bytes, start } = firstTrustedCert();
    // 30 82 LL LL | 30 82 ...: the second SEQUENCE tag becomes a SET; still nested DER, no longer a certificate.
    const at = start + 4;
    const damaged = patched(bytes, (b) => (b[at] = 0x31));
    await assert.rejects(async () => decodeJavaKeystore(damaged, 'changeit'), isMalformed);
  });

  it('last byte of a self-signed certificate\'s signature flipped → MalformedKeystoreError, not a wrong password', async () => {
    const { bytes, end } = firstTrustedCert();
    // Every DER length stays intact and the certificate still parses; only its signature no longer verifies.
    const at = end - 1;
    const damaged = patched(bytes, (b) => (b[at] ^= 0x01));
    await assert.rejects(async () => decodeJavaKeystore(damaged, 'changeit'), isMalformed);
  });

  it('certificate length set past the end of the file → MalformedKeystoreError at that field', async () => {
    const { bytes, start } = firstTrustedCert();
    const at = start - 4;
    const damaged = patched(bytes, (b) => b.writeUInt32BE(0xfffffff0, at));
    await assert.rejects(async () => decodeJavaKeystore(damaged, 'changeit'), (e: unknown) => isMalformed(e) && (e as MalformedKeystoreError).offset === at);
  });

  it('entry count 0xFFFFFFFF → MalformedKeystoreError without looping', async () => {
    const body = patched(EMPTY_JKS_BODY, (b) => b.writeUInt32BE(0xffffffff, 8));
    await assert.rejects(async () => decodeJavaKeystore(withDigest(body, 'changeit'), 'changeit'), isMalformed);
  });

  it('unknown entry tag 7 → MalformedKeystoreError', async () => {
    const entry = [0, 0, 0, 7, 0, 1, 0x61, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    const body = Uint8Array.from([0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2, 0, 0, 0, 1, ...entry]);
    await assert.rejects(async () => decodeJavaKeystore(withDigest(body, 'changeit'), 'changeit'), isMalformed);
  });

  it('secret key tag 3 in a JKS (only JCEKS has them) → MalformedKeystoreError', async () => {
    const entry = [0, 0, 0, 3, 0, 1, 0x61, 0, 0, 0, 0, 0, 0, 0, 0, 0xac, 0xed, 0, 5, 0x70];
    const body = Uint8Array.from([0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2, 0, 0, 0, 1, ...entry]);
    await assert.rejects(async () => decodeJavaKeystore(withDigest(body, 'changeit'), 'changeit'), isMalformed);
  });

  it('version 3 → MalformedKeystoreError', async () => {
    const body = patched(EMPTY_JKS_BODY, (b) => b.writeUInt32BE(3, 4));
    await assert.rejects(async () => decodeJavaKeystore(withDigest(body, 'changeit'), 'changeit'), isMalformed);
  });

  it('secret key entry whose serialization stream claims a 2^32-1 byte array → MalformedKeystoreError', async () => {
    // AC ED 00 05, TC_ARRAY, TC_CLASSDESC "[B", suid, flags 02, 0 fields, TC_ENDBLOCKDATA, TC_NULL, length FFFFFFFF.
    const stream = [0xac, 0xed, 0, 5, 0x75, 0x72, 0, 2, 0x5b, 0x42, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0x78, 0x70, 0xff, 0xff, 0xff, 0xff];
    const entry = [0, 0, 0, 3, 0, 1, 0x61, 0, 0, 0, 0, 0, 0, 0, 0, ...stream];
    const body = Uint8Array.from([0xce, 0xce, 0xce, 0xce, 0, 0, 0, 2, 0, 0, 0, 1, ...entry]);
    await assert.rejects(async () => decodeJavaKeystore(withDigest(body, 'changeit'), 'changeit'), isMalformed);
  });

  it('1,500 seeded random mutations of a JCEKS store only ever end in MalformedKeystoreError or WrongPasswordError', async () => {
    const original = readFixture('jceks.jceks');
    let seed = 20261127;
    const random = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x80000000;
    const unexpected: string[] = [];
    for (let n = 0; n < 1500; n++) {
      const b = Buffer.from(original);
      for (let j = 1 + Math.floor(random() * 4); j > 0; j--) b[Math.floor(random() * b.length)] = random() < 0.5 ? 0xff : Math.floor(random() * 256);
      const input = random() < 0.2 ? b.subarray(0, Math.floor(random() * b.length)) : b;
      try {
        await decodeJavaKeystore(new Uint8Array(input), 'changeit');
      } catch (e) {
        if (!(e instanceof MalformedKeystoreError) && !(e instanceof WrongPasswordError)) unexpected.push(String(e));
      }
    }
    assert.deepEqual(unexpected, []);
  });

  it('JCEKS key with an iteration count above 5,000,000 → MalformedKeystoreError before any MD5 work', async () => {
    const sealed = await protectJceksKey(Uint8Array.from([0x30, 0x00]), 'changeit', new Uint8Array(8), 1);
    // Rewrite INTEGER 1 (02 01 01) as INTEGER 5000001 (02 03 4C 4B 41): rebuild the DER around it.
    const epki = Buffer.from(sealed);
    const params = Buffer.from([0x30, 0x0f, 0x04, 0x08, ...new Uint8Array(8), 0x02, 0x03, 0x4c, 0x4b, 0x41]);
    const oid = Buffer.from([0x06, 0x09, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x2a, 0x02, 0x13, 0x01]);
    const alg = Buffer.concat([Buffer.from([0x30, oid.length + params.length]), oid, params]);
    const data = epki.subarray(epki.length - 10); // OCTET STRING of one 8-byte block
    const der = Buffer.concat([Buffer.from([0x30, alg.length + data.length]), alg, data]);
    await assert.rejects(recoverJavaKey('JCEKS', new Uint8Array(der), 'changeit', 'k'), isMalformed);
  });
});
