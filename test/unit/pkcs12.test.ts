/**
 * Unit tests of the PKCS12 codec against keytool-made fixtures (test/fixtures/keystores, whose
 * `expected/*.list.txt` is `keytool -list -v`) and WSO2's real PKCS12 stores (listed by keytool here).
 */
import { strict as assert } from 'assert';
import { createPrivateKey, createPublicKey, X509Certificate } from 'crypto';
import * as forge from 'node-forge';
import { decodePkcs12, decryptPkcs12Key, encodePkcs12 } from '../../src/core/keystore/pkcs12/pkcs12Keystore';
import { PKCS12_PBE, PBE_SHA1_RC2_40, bmpPassword, pkcs12Kdf, pkcs12PbeDecrypt, pkcs12PbeEncrypt } from '../../src/core/keystore/pkcs12/rfc7292KeyDerivation';
import { NULL, bmpString, explicit, integer, octetString, oid, seq } from '../../src/core/keystore/asn1/der';
import { berToDer } from '../../src/core/keystore/asn1/ber';
import { decodeBmp } from '../../src/core/keystore/asn1/der';
import { InvalidPasswordError, KeystoreError, MalformedKeystoreError, UnsupportedAlgorithmError, WrongKeyPasswordError, WrongPasswordError, type Entry, type Keystore, type PrivateKeyEntry } from '../../src/core/keystore';
import { FIXTURE_STORES, describeShared, readExpectedListing, readFixture, readWso2Store, wso2Store, wso2StorePath } from '../helpers/fixtures';
import { keytoolList, keytoolView, parseKeytoolList, type KeytoolEntry } from '../helpers/keytool';

const P12_FIXTURES = FIXTURE_STORES.filter((f) => f.endsWith('.p12'));

/** Our entries as keytool lists them: keytool shows PKCS12 aliases lowercased (PKCS12KeyStore keys its map by them). */
const listed = (store: Keystore): KeytoolEntry[] => keytoolView(store, { lowercaseAliases: true });

/** A fixture as a Buffer, for the tests that patch or search its bytes. */
const read = (file: string): Buffer => Buffer.from(readFixture(file));
const keyEntries = (store: Keystore): PrivateKeyEntry[] => store.entries.filter((e): e is PrivateKeyEntry => e.kind === 'private-key');
const find = (store: Keystore, alias: string): Entry => {
  const e = store.entries.find((x) => x.alias === alias);
  assert.ok(e, `alias ${alias}`);
  return e;
};

/** The SPKI of a PKCS#8 key and of a certificate, to prove they belong together. */
const spkiOfKey = (pkcs8: Uint8Array): Buffer =>
  createPublicKey(createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' })).export({ type: 'spki', format: 'der' });
const spkiOfCert = (der: Uint8Array): Buffer => new X509Certificate(Buffer.from(der)).publicKey.export({ type: 'spki', format: 'der' });

/** Deterministic "randomness" for exact-bytes tests. */
function counterRandom(): (n: number) => Uint8Array {
  let c = 0;
  return (n) => Uint8Array.from({ length: n }, () => c++ & 0xff);
}

/** Rewraps a PFX's version and authSafe without its MacData: a no-MAC store whose certs stay encrypted. */
function stripMac(pfx: Buffer): Buffer {
  // p12-default starts 30 82 LL LL, then version (3 bytes) and the authSafe ContentInfo (30 82 LL LL ...).
  const authLen = pfx.readUInt16BE(9) + 4;
  return seq(pfx.subarray(4, 7 + authLen));
}

/** A PFX with an empty authSafe and MacData of `digestOid` (a zero digest of `digestLength` bytes) and `iterations`. */
function pfxWithMacData(digestOid: string, digestLength: number, iterations: number): Buffer {
  return seq(
    integer(3),
    seq(oid('1.2.840.113549.1.7.1'), explicit(0, octetString(seq()))),
    seq(seq(seq(oid(digestOid), NULL), octetString(Buffer.alloc(digestLength))), octetString(Buffer.alloc(20)), integer(iterations)),
  );
}

describe('PKCS12 codec: keytool fixtures', () => {
  for (const file of P12_FIXTURES) {
    it(`decodes ${file} with keytool's aliases, entry types and SHA-256 fingerprints`, async () => {
      const expected = parseKeytoolList(readExpectedListing(file));
      const store = await decodePkcs12(read(file), 'changeit');
      const actual = listed(store);
      assert.equal(actual.length, expected.count);
      assert.deepEqual(actual, expected.entries);
    });
  }

  for (const file of P12_FIXTURES.filter((f) => f !== 'p12-trust.p12')) {
    it(`decrypts every key of ${file} to PKCS#8 matching its leaf certificate`, async () => {
      const store = await decodePkcs12(read(file), 'changeit');
      const keys = keyEntries(store);
      assert.ok(keys.length > 0);
      for (const entry of keys) {
        assert.equal(entry.key.sealed, 'sealed');
        const pkcs8 = await decryptPkcs12Key(entry.key.sealed === 'sealed' ? entry.key.der : new Uint8Array(), 'changeit', entry.alias);
        assert.deepEqual(spkiOfKey(pkcs8), spkiOfCert(entry.chain[0]));
      }
    });
  }

  it('builds the leaf-first chain of p12-chain server (leaf, then its CA)', async () => {
    const store = await decodePkcs12(read('p12-chain.p12'), 'changeit');
    const server = find(store, 'server') as PrivateKeyEntry;
    const actual = server.chain.map((c) => new X509Certificate(Buffer.from(c)).subject.split('\n').pop());
    assert.deepEqual(actual, ['CN=localhost', 'CN=MI Keystores Test CA']);
  });

  it('reports a MAC-protected store as verified', async () => {
    const actual = (await decodePkcs12(read('p12-default.p12'), 'changeit')).integrity;
    assert.equal(actual, 'verified');
  });

  it('reports a store without MAC as unverifiable', async () => {
    const actual = (await decodePkcs12(read('p12-nomac.p12'), 'changeit')).integrity;
    assert.equal(actual, 'unverifiable');
  });

  it('reads the legacy layout (3DES key, RC2-40 certificates, SHA-1 MAC)', async () => {
    const store = await decodePkcs12(read('p12-legacy.p12'), 'changeit');
    assert.equal(store.integrity, 'verified');
    assert.deepEqual(store.entries.map((e) => e.kind).sort(), ['private-key', 'trusted-cert']);
  });

  it('takes the creation date of a key from its "Time <ms>" localKeyId', async () => {
    const store = await decodePkcs12(read('p12-default.p12'), 'changeit');
    const server = find(store, 'server');
    // The same date keytool prints ("Creation date: ...") comes from the leaf's localKeyId string.
    const keyIdMs = Number(/Time (\d{13})/.exec(read('p12-nomac.p12').toString('latin1'))?.[1]);
    assert.ok(server.created instanceof Date);
    assert.ok(Number.isFinite(keyIdMs));
    const nomac = await decodePkcs12(read('p12-nomac.p12'), 'changeit');
    assert.equal(find(nomac, 'server').created?.getTime(), keyIdMs);
  });

  it('gives trusted certificates without a localKeyId no creation date', async () => {
    const store = await decodePkcs12(read('p12-trust.p12'), 'changeit');
    const actual = store.entries.map((e) => e.created);
    assert.deepEqual(actual, [null, null]);
  });

  it('keeps non-BMP aliases (friendlyName BMPString with surrogates)', async () => {
    const store = await decodePkcs12(read('p12-unicode.p12'), 'changeit');
    const actual = store.entries.map((e) => e.alias).sort();
    assert.deepEqual(actual, ['clé-ü', 'smile😀', '日本'].sort());
  });
});

describeShared('PKCS12 codec: WSO2 stores', () => {
  // Kernel 4.9.27's default stores: PKCS12 despite the .jks name, without MAC.
  const WSO2_STORES_P12_NO_MAC = ['wso2carbon.jks', 'client-truststore.jks'].map(wso2Store);

  for (const { file, password } of WSO2_STORES_P12_NO_MAC) {
    it(`decodes WSO2's no-MAC PKCS12 ${file} with keytool's entries`, async () => {
      const expected = keytoolList(wso2StorePath(file), password);
      const store = await decodePkcs12(readWso2Store(file), password);
      assert.equal(store.integrity, 'unverifiable');
      assert.equal(store.entries.length, expected.count);
      assert.deepEqual(listed(store), expected.entries);
    });
  }

  it('opens the wso2carbon key of wso2carbon.jks with the store password', async () => {
    const store = await decodePkcs12(readWso2Store('wso2carbon.jks'), 'wso2carbon');
    const entry = find(store, 'wso2carbon') as PrivateKeyEntry;
    assert.equal(entry.key.sealed, 'sealed');
    const pkcs8 = await decryptPkcs12Key(entry.key.sealed === 'sealed' ? entry.key.der : new Uint8Array(), 'wso2carbon', 'wso2carbon');
    assert.deepEqual(spkiOfKey(pkcs8), spkiOfCert(entry.chain[0]));
  });

  it('decodes the OpenSSL-made legacy rabbitmq-client-keycert.p12 (no friendlyName: alias "1")', async () => {
    const { file, password } = wso2Store('test-fixtures/rabbitmq-client-keycert.p12');
    const expected = keytoolList(wso2StorePath(file), password);
    const store = await decodePkcs12(readWso2Store(file), password);
    assert.equal(store.integrity, 'verified');
    assert.deepEqual(listed(store), expected.entries);
    assert.deepEqual(store.entries.map((e) => e.alias), ['1']);
  });
}, { keytool: true });

describe('PKCS12 codec: passwords and damage', () => {
  it('rejects a wrong store password by the MAC', async () => {
    await assert.rejects(decodePkcs12(read('p12-default.p12'), 'wrongpass'), WrongPasswordError);
  });

  it('rejects a wrong store password of a legacy (SHA-1 MAC) store', async () => {
    await assert.rejects(decodePkcs12(read('p12-legacy.p12'), 'wrongpass'), WrongPasswordError);
  });

  it('rejects a wrong password of a no-MAC store whose certificates are encrypted (decryption fails)', async () => {
    const noMac = stripMac(read('p12-default.p12'));
    await assert.rejects(decodePkcs12(noMac, 'wrongpass'), WrongPasswordError);
  });

  it('opens the same no-MAC store with the right password, unverifiable', async () => {
    const store = await decodePkcs12(stripMac(read('p12-default.p12')), 'changeit');
    assert.equal(store.integrity, 'unverifiable');
    assert.equal(store.entries.length, 2);
  });

  it('lets any password list a no-MAC store with plain certificates (nothing can check it)', async () => {
    const store = await decodePkcs12(read('p12-nomac.p12'), 'not-the-password');
    assert.equal(store.entries.length, 2);
  });

  it('rejects a wrong key password with WrongKeyPasswordError naming the alias', async () => {
    const store = await decodePkcs12(read('p12-nomac.p12'), 'whatever');
    const entry = find(store, 'server') as PrivateKeyEntry;
    const der = entry.key.sealed === 'sealed' ? entry.key.der : new Uint8Array();
    await assert.rejects(decryptPkcs12Key(der, 'wrongpass', 'server'), (e: unknown) => e instanceof WrongKeyPasswordError && e.alias === 'server');
  });

  it('rejects a wrong key password of a legacy 3DES key', async () => {
    const store = await decodePkcs12(read('p12-legacy.p12'), 'changeit');
    const entry = find(store, 'server') as PrivateKeyEntry;
    const der = entry.key.sealed === 'sealed' ? entry.key.der : new Uint8Array();
    await assert.rejects(decryptPkcs12Key(der, 'wrongpass', 'server'), WrongKeyPasswordError);
  });

  it('reports a truncated file as damaged, not as a wrong password', async () => {
    // Cut in the middle of the authenticated safe: the outer SEQUENCE claims more than there is.
    const truncated = read('p12-default.p12').subarray(0, 1000);
    await assert.rejects(decodePkcs12(truncated, 'changeit'), MalformedKeystoreError);
  });

  it('reports an outer length past the end of the file as damaged at offset 0', async () => {
    const bytes = Buffer.from(read('p12-default.p12'));
    bytes.writeUInt16BE(0xffff, 2); // 30 82 FF FF: the PFX claims 65535 bytes
    await assert.rejects(decodePkcs12(bytes, 'changeit'), (e: unknown) => e instanceof MalformedKeystoreError && e.offset === 0);
  });

  it('reports a flipped tag in the structure as damaged even with a wrong password', async () => {
    const bytes = Buffer.from(read('p12-default.p12'));
    // Byte 30 starts the first safe ContentInfo inside the authSafe (30 82 0D E7 | 30 82 05 AE ...): SEQUENCE → SET.
    assert.equal(bytes[34], 0x30);
    bytes[34] = 0x31;
    await assert.rejects(decodePkcs12(bytes, 'wrongpass'), MalformedKeystoreError);
  });

  it('reports trailing bytes after the PFX as damaged', async () => {
    const bytes = Buffer.concat([read('p12-default.p12'), Buffer.from([0])]);
    await assert.rejects(decodePkcs12(bytes, 'changeit'), MalformedKeystoreError);
  });

  it('reports a wrong PFX version as damaged', async () => {
    const bytes = Buffer.from(read('p12-default.p12'));
    bytes[6] = 4; // INTEGER 3 → 4
    await assert.rejects(decodePkcs12(bytes, 'changeit'), MalformedKeystoreError);
  });

  it('reports an absurd MAC iteration count as damaged before any hashing', async () => {
    // SHA-256 MacData with iterations = 10,000,000 (above the 5,000,000 cap).
    const pfx = pfxWithMacData('2.16.840.1.101.3.4.2.1', 32, 10_000_000);
    await assert.rejects(decodePkcs12(pfx, 'changeit'), MalformedKeystoreError);
  });

  it('reports an unknown MAC digest by its OID', async () => {
    // MD5 (1.2.840.113549.2.5) is not a MAC the JDK's PKCS12 accepts.
    const pfx = pfxWithMacData('1.2.840.113549.2.5', 16, 1);
    await assert.rejects(decodePkcs12(pfx, 'changeit'), (e: unknown) => e instanceof UnsupportedAlgorithmError && e.oid === '1.2.840.113549.2.5');
  });

  it('survives every single-byte truncation of a store with a KeystoreError (fuzz-style)', async () => {
    const bytes = read('p12-nomac.p12');
    for (let n = 0; n < bytes.length; n += 7) {
      await assert.rejects(decodePkcs12(bytes.subarray(0, n), 'changeit'), KeystoreError);
    }
  });

  it('yields to the event loop while deriving legacy keys (no long synchronous stretch)', async () => {
    // The key derivation is fast enough now that a whole decode may take only a turn or two, so what is
    // asserted is the longest stretch without a turn, with a bound generous for a loaded 2-core machine.
    let last = performance.now();
    let longest = 0;
    let done = false;
    const tick = (): void => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
      if (!done) setImmediate(tick);
    };
    setImmediate(tick);
    await decodePkcs12(read('p12-legacy.p12'), 'changeit');
    done = true;
    await new Promise((r) => setImmediate(r));
    assert.ok(longest < 500, `longest stretch without an event loop turn: ${longest.toFixed(0)} ms`);
  });
});

describe('PKCS12 codec: KDF and encoder', () => {
  it('derives the same PKCS#12 KDF bytes as node-forge (RFC 7292 B.2, SHA-256, id 3)', async () => {
    const salt = Buffer.from('0a58cf64530d823f0a58cf64530d823f', 'hex');
    const expected = forge.pkcs12.generateKey('smeg', forge.util.createBuffer(salt.toString('binary')), 3, 1000, 48, forge.md.sha256.create());
    const actual = await pkcs12Kdf('sha256', 3, bmpPassword('smeg'), salt, 1000, 48);
    assert.equal(actual.toString('binary'), expected.getBytes());
  });

  it('round-trips a decoded store: same entries, keys written verbatim', async () => {
    const original = await decodePkcs12(read('p12-chain.p12'), 'changeit');
    const bytes = await encodePkcs12(original, 'changeit');
    const again = await decodePkcs12(bytes, 'changeit');
    assert.equal(again.integrity, 'verified');
    assert.deepEqual(listed(again), listed(original));
    const keyDer = (s: Keystore): Uint8Array[] => keyEntries(s).map((e) => (e.key.sealed === 'sealed' ? e.key.der : new Uint8Array()));
    assert.deepEqual(keyDer(again), keyDer(original));
  });

  it('seals an OpenKey with the store password, not the key password', async () => {
    const original = await decodePkcs12(read('p12-ec.p12'), 'changeit');
    const e = find(original, 'ec256') as PrivateKeyEntry;
    const pkcs8 = await decryptPkcs12Key(e.key.sealed === 'sealed' ? e.key.der : new Uint8Array(), 'changeit', 'ec256');
    const store: Keystore = { ...original, entries: [{ ...e, key: { sealed: 'open', pkcs8, password: 'other-key-pass' } }] };
    const again = await decodePkcs12(await encodePkcs12(store, 'newstorepass'), 'newstorepass');
    const k = keyEntries(again)[0];
    const actual = await decryptPkcs12Key(k.key.sealed === 'sealed' ? k.key.der : new Uint8Array(), 'newstorepass', 'ec256');
    assert.deepEqual(Buffer.from(actual), Buffer.from(pkcs8));
  });

  it('writes the same bytes for the same randomness and clock', async () => {
    const store = await decodePkcs12(read('p12-default.p12'), 'changeit');
    const options = (): { randomBytes: (n: number) => Uint8Array; now: () => Date } => ({ randomBytes: counterRandom(), now: () => new Date(0) });
    const a = await encodePkcs12(store, 'changeit', options());
    const b = await encodePkcs12(store, 'changeit', options());
    assert.deepEqual(Buffer.from(a), Buffer.from(b));
  });

  it('writes localKeyId "Time <created ms>" so the creation date survives', async () => {
    const store = await decodePkcs12(read('p12-default.p12'), 'changeit');
    const again = await decodePkcs12(await encodePkcs12(store, 'changeit'), 'changeit');
    assert.equal(find(again, 'server').created?.getTime(), find(store, 'server').created?.getTime());
  });

  it('writes and reads back the legacy layout', async () => {
    const store = await decodePkcs12(read('p12-default.p12'), 'changeit');
    const e = find(store, 'server') as PrivateKeyEntry;
    const pkcs8 = await decryptPkcs12Key(e.key.sealed === 'sealed' ? e.key.der : new Uint8Array(), 'changeit', 'server');
    const open: Keystore = { ...store, entries: store.entries.map((x) => (x === e ? { ...e, key: { sealed: 'open' as const, pkcs8, password: 'changeit' } } : x)) };
    const bytes = await encodePkcs12(open, 'changeit', { legacy: true });
    const again = await decodePkcs12(bytes, 'changeit');
    assert.deepEqual(listed(again), listed(store));
    const k = find(again, 'server') as PrivateKeyEntry;
    const actual = await decryptPkcs12Key(k.key.sealed === 'sealed' ? k.key.der : new Uint8Array(), 'changeit', 'server');
    assert.deepEqual(Buffer.from(actual), Buffer.from(pkcs8));
  });

  it('refuses a non-ASCII store password as Java 17 does', async () => {
    const store = await decodePkcs12(read('p12-trust.p12'), 'changeit');
    await assert.rejects(encodePkcs12(store, 'pässwörd'), InvalidPasswordError);
  });

  it('refuses a key sealed by another format ("open the key first")', async () => {
    const store = await decodePkcs12(read('p12-default.p12'), 'changeit');
    const e = find(store, 'server') as PrivateKeyEntry;
    const jksSealed: Keystore = { ...store, entries: [{ ...e, key: { sealed: 'sealed', format: 'JKS', der: new Uint8Array([0x30, 0]) } }] };
    await assert.rejects(encodePkcs12(jksSealed, 'changeit'), (x: unknown) => x instanceof KeystoreError && /open the key first/.test(x.message));
  });

  it('re-encodes BER as DER: indefinite lengths closed, OCTET STRING segments joined', () => {
    // SEQUENCE (indefinite) { OCTET STRING "A", constructed OCTET STRING (indefinite) { "B", "C" } }
    const ber = Buffer.from('3080040141248004014204014300000000', 'hex');
    const actual = berToDer(ber).toString('hex');
    assert.equal(actual, '300704014104024243');
  });

  it('reports BER without its end-of-contents as damaged', () => {
    // SEQUENCE with indefinite length whose 00 00 terminator is missing.
    const ber = Buffer.from('3080040141', 'hex');
    assert.throws(() => berToDer(ber), MalformedKeystoreError);
  });

  it('encrypts pbeWithSHAAnd40BitRC2-CBC exactly as node-forge does, and decrypts it back', async () => {
    // Our RC2 rounds (RFC 2268) against forge's, on lengths around the 8-byte block and padding edges.
    const salt = Buffer.from('0102030405060708', 'hex');
    for (const n of [0, 1, 7, 8, 9, 100]) {
      const data = Buffer.from(Array.from({ length: n }, (_, i) => (i * 37) & 0xff));
      const key = forge.pkcs12.generateKey('changeit', forge.util.createBuffer(salt.toString('binary')), 1, 5, 5);
      const iv = forge.pkcs12.generateKey('changeit', forge.util.createBuffer(salt.toString('binary')), 2, 5, 8);
      const cipher = forge.rc2.createEncryptionCipher(key, 40);
      cipher.start(iv);
      cipher.update(forge.util.createBuffer(data.toString('binary')));
      cipher.finish();
      const expected = Buffer.from(cipher.output.getBytes(), 'binary');
      const actual = await pkcs12PbeEncrypt(PKCS12_PBE[PBE_SHA1_RC2_40], 'changeit', salt, 5, data);
      assert.deepEqual(actual, expected);
      assert.deepEqual(await pkcs12PbeDecrypt(PKCS12_PBE[PBE_SHA1_RC2_40], 'changeit', salt, 5, actual), data);
    }
  });
});

describe('PKCS12 codec: friendlyName (BMPString)', () => {
  it('decodes UTF-16BE, surrogate pairs included, and keeps a lone surrogate as the JDK does', () => {
    const actual = [
      decodeBmp(bmpString('wso2carbon').subarray(2)),
      decodeBmp(bmpString('clé-😀').subarray(2)),
      decodeBmp(Uint8Array.from([0x00, 0x61, 0xd8, 0x3d, 0x00, 0x62])),
      decodeBmp(Uint8Array.from([0x00, 0x61, 0x00])),
    ];
    assert.deepEqual(actual, ['wso2carbon', 'clé-😀', 'a\ud83db', 'a']);
  });
});
