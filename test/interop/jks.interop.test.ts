/**
 * Interop: stores written by our JKS/JCEKS encoder are read by real JDK 17 keytool — listed with the
 * same aliases, entry types and fingerprints, and their keys recovered by `keytool -importkeystore`.
 * keytool is judged by exit code (it prints migration warnings on stderr even on success).
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import { decodeJavaKeystore, encodeJavaKeystore, recoverJavaKey } from '../../src/core/keystore/jks/javaKeystore';
import { WrongPasswordError, type Entry, type Keystore, type PrivateKeyEntry } from '../../src/core/keystore';
import { readFixture, useTempDir } from '../helpers/fixtures';
import { keytool, keytoolFingerprint, keytoolImportKeystore, keytoolList, keytoolView, type KeytoolEntry } from '../helpers/keytool';

const STORE_PASSWORD = 'storepass9';
const KEY_PASSWORD = 'keypass77';

/** What keytool should list for `store` (aliases lowercased, as the encoder writes them). */
const expectedListing = (store: Keystore): KeytoolEntry[] => keytoolView(store, { lowercaseAliases: true });

const decodeFixture = (file: string): Keystore => decodeJavaKeystore(readFixture(file), 'changeit') as Keystore;

/** The `server` key of jks-chain.jks as an OpenKey with KEY_PASSWORD, renamed `Server-Key` to exercise lowercasing. */
async function openServerKey(): Promise<PrivateKeyEntry> {
  const source = decodeFixture('jks-chain.jks').entries.find((e): e is PrivateKeyEntry => e.kind === 'private-key')!;
  if (source.key.sealed !== 'sealed') throw new Error('fixture key should be sealed');
  const pkcs8 = await recoverJavaKey('JKS', source.key.der, 'changeit', source.alias);
  return { ...source, alias: 'Server-Key', key: { sealed: 'open', pkcs8, password: KEY_PASSWORD } };
}

/** Trusted certs: `ca` from jks-chain plus the unicode-aliased ones of jks-unicode (incl. the non-BMP `smile😀`). */
function trustedEntries(): Entry[] {
  const ca = decodeFixture('jks-chain.jks').entries.filter((e) => e.kind === 'trusted-cert');
  const unicode = decodeFixture('jks-unicode.jks').entries.filter((e) => e.kind === 'trusted-cert');
  return [...ca, ...unicode, { ...unicode[0], alias: 'Ünïcødé-Ça' }];
}

describe('JKS/JCEKS encoder: interop with keytool', function () {
  this.timeout(120000);
  const dir = useTempDir('jks-interop-');

  /** Encodes `store`, writes it and returns its path. */
  async function write(store: Keystore, name: string, options = {}): Promise<string> {
    const file = dir(name);
    fs.writeFileSync(file, await encodeJavaKeystore(store, STORE_PASSWORD, options));
    return file;
  }

  /** Recovers `alias` with keytool -importkeystore into a PKCS12 (exit 0 proves the key password opens it). */
  function importKey(file: string, type: string, alias: string): string {
    const dest = dir(`${alias}.p12`);
    keytoolImportKeystore({
      from: file, fromType: type, fromPassword: STORE_PASSWORD, alias, keyPassword: KEY_PASSWORD,
      to: dest, toType: 'PKCS12', toPassword: 'destpass1', toKeyPassword: 'destpass1',
    });
    return dest;
  }

  for (const format of ['JKS', 'JCEKS'] as const) {
    it(`${format}: keytool lists our key, trusted and unicode-aliased entries with the same fingerprints`, async () => {
      const store: Keystore = { format, integrity: 'verified', entries: [await openServerKey(), ...trustedEntries()] };
      const file = await write(store, `ours.${format.toLowerCase()}`);
      const actual = keytoolList(file, STORE_PASSWORD, format).entries;
      assert.deepEqual(actual, expectedListing(store));
    });

    it(`${format}: keytool recovers our sealed key with its own key password`, async () => {
      const key = await openServerKey();
      const store: Keystore = { format, integrity: 'verified', entries: [key, ...trustedEntries()] };
      const file = await write(store, `ours.${format.toLowerCase()}`);
      const p12 = importKey(file, format, 'server-key');
      const actual = keytoolList(p12, 'destpass1', 'PKCS12').entries;
      assert.deepEqual(actual, [{ alias: 'server-key', entryType: 'PrivateKeyEntry', chainLength: key.chain.length, sha256s: key.chain.map(keytoolFingerprint) }]);
    });
  }

  it('JCEKS: keytool lists the secret key entry we carried over verbatim', async () => {
    const source = decodeFixture('jceks.jceks');
    const store: Keystore = { format: 'JCEKS', integrity: 'verified', entries: [...source.entries, ...trustedEntries().slice(1)] };
    const file = await write(store, 'carried.jceks');
    const actual = keytoolList(file, STORE_PASSWORD, 'JCEKS').entries;
    assert.deepEqual(actual, expectedListing(store));
  });

  it('JCEKS: keytool recovers a key sealed with equal salt halves (the JDK PBES1 salt quirk)', async () => {
    const store: Keystore = { format: 'JCEKS', integrity: 'verified', entries: [await openServerKey()] };
    const equalHalves = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => [9, 8, 7, 6][i % 4]);
    const file = await write(store, 'quirk.jceks', { randomBytes: equalHalves });
    // The salt really has equal halves: 9 8 7 6 9 8 7 6 in the key's PBE parameters.
    assert.ok(Buffer.from(fs.readFileSync(file)).includes(Buffer.from([4, 8, 9, 8, 7, 6, 9, 8, 7, 6])));
    importKey(file, 'JCEKS', 'server-key');
  });

  it('JKS: a wrong password is a wrong password when two self-signed certificates share a name (MI\'s wso2carbon.jks)', async () => {
    // MI's wso2carbon.jks holds two self-signed CN=localhost certificates with different keys, one without
    // keyCertSign, which OpenSSL's checkIssued refuses as its own issuer; the damage search once tried it
    // only against the other one and called the store damaged.
    const file = dir('same-name.jks');
    for (const [alias, ku] of [['old', 'digitalSignature,keyEncipherment'], ['current', 'digitalSignature,keyCertSign']]) {
      keytool([
        '-genkeypair', '-alias', alias, '-keyalg', 'RSA', '-keysize', '2048', '-dname', 'CN=localhost,O=WSO2', '-ext', `KU=${ku}`, '-validity', '30',
        '-storetype', 'JKS', '-keystore', file, '-storepass', STORE_PASSWORD, '-keypass', STORE_PASSWORD,
      ]);
    }
    keytool(['-exportcert', '-alias', 'old', '-file', dir('old.der'), '-keystore', file, '-storepass', STORE_PASSWORD]);
    keytool(['-delete', '-alias', 'old', '-keystore', file, '-storepass', STORE_PASSWORD]);
    keytool(['-importcert', '-noprompt', '-alias', 'localhost', '-file', dir('old.der'), '-keystore', file, '-storepass', STORE_PASSWORD]);
    await assert.rejects(async () => decodeJavaKeystore(new Uint8Array(fs.readFileSync(file)), 'not-the-password'), WrongPasswordError);
  });

  it('JKS: a store we re-encode after keytool wrote it is still read by keytool', async () => {
    const original = dir('keytool.jks');
    keytool([
      '-genkeypair', '-alias', 'fresh', '-keyalg', 'EC', '-groupname', 'secp256r1', '-dname', 'CN=fresh', '-validity', '30',
      '-storetype', 'JKS', '-keystore', original, '-storepass', STORE_PASSWORD, '-keypass', KEY_PASSWORD,
    ]);
    const decoded = decodeJavaKeystore(new Uint8Array(fs.readFileSync(original)), STORE_PASSWORD) as Keystore;
    const store: Keystore = { ...decoded, entries: [...decoded.entries, ...trustedEntries()] };
    const file = await write(store, 'again.jks');
    const actual = keytoolList(file, STORE_PASSWORD, 'JKS').entries;
    assert.deepEqual(actual, expectedListing(store));
    importKey(file, 'JKS', 'fresh');
  });
});
