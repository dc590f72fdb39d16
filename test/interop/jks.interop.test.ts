/**
 * Interop: stores written by our JKS/JCEKS encoder are read by real JDK 17 keytool — listed with the
 * same aliases, entry types and fingerprints, and their keys recovered by `keytool -importkeystore`.
 * keytool is judged by exit code (it prints migration warnings on stderr even on success).
 */
import { strict as assert } from 'assert';
import { createHash } from 'crypto';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { decodeJavaKeystore, encodeJavaKeystore, recoverJavaKey } from '../../src/core/keystore/jks';
import type { Entry, Keystore, PrivateKeyEntry } from '../../src/core/keystore/model';

const FIXTURES = path.resolve(__dirname, '../fixtures/keystores');
const STORE_PASSWORD = 'storepass9';
const KEY_PASSWORD = 'keypass77';

/** Runs keytool in a UTF-8 locale; throws (failing the test) on a non-zero exit code. */
function keytool(args: string[]): string {
  return execFileSync('keytool', args, {
    env: { ...process.env, LC_ALL: 'C.UTF-8' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Alias, keytool entry type and certificate SHA-256s, sorted by alias. */
type Listing = { alias: string; type: string; sha256: string[] }[];

/** Parses `keytool -list -v`. */
function parseList(text: string): Listing {
  const entries: Listing = [];
  for (const line of text.split('\n')) {
    const alias = /^Alias name: (.*)$/.exec(line);
    if (alias) entries.push({ alias: alias[1], type: '', sha256: [] });
    const type = /^Entry type: (.*)$/.exec(line);
    if (type) entries[entries.length - 1].type = type[1];
    const fp = /^\s+SHA256: ([0-9A-F:]+)$/.exec(line);
    if (fp) entries[entries.length - 1].sha256.push(fp[1]);
  }
  return entries.sort((a, b) => a.alias.localeCompare(b.alias));
}

const fingerprint = (der: Uint8Array): string => createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g)!.join(':');

/** What keytool should list for `store` (aliases lowercased, as the encoder writes them). */
function expectedListing(store: Keystore): Listing {
  return store.entries
    .map((e) => ({
      alias: e.alias.toLowerCase(),
      type: e.kind === 'private-key' ? 'PrivateKeyEntry' : e.kind === 'trusted-cert' ? 'trustedCertEntry' : 'SecretKeyEntry',
      sha256: e.kind === 'private-key' ? e.chain.map(fingerprint) : e.kind === 'trusted-cert' ? [fingerprint(e.certificate)] : [],
    }))
    .sort((a, b) => a.alias.localeCompare(b.alias));
}

const decodeFixture = (file: string): Keystore => decodeJavaKeystore(new Uint8Array(fs.readFileSync(path.join(FIXTURES, file))), 'changeit') as Keystore;

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
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jks-interop-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Encodes `store`, writes it and returns its path. */
  async function write(store: Keystore, name: string, options = {}): Promise<string> {
    const file = path.join(dir, name);
    fs.writeFileSync(file, await encodeJavaKeystore(store, STORE_PASSWORD, options));
    return file;
  }

  /** Recovers `alias` with keytool -importkeystore into a PKCS12 (exit 0 proves the key password opens it). */
  function importKey(file: string, type: string, alias: string): string {
    const dest = path.join(dir, `${alias}.p12`);
    keytool([
      '-importkeystore', '-noprompt',
      '-srckeystore', file, '-srcstoretype', type, '-srcstorepass', STORE_PASSWORD,
      '-srcalias', alias, '-srckeypass', KEY_PASSWORD,
      '-destkeystore', dest, '-deststoretype', 'PKCS12', '-deststorepass', 'destpass1', '-destkeypass', 'destpass1',
    ]);
    return dest;
  }

  for (const format of ['JKS', 'JCEKS'] as const) {
    it(`${format}: keytool lists our key, trusted and unicode-aliased entries with the same fingerprints`, async () => {
      const store: Keystore = { format, integrity: 'verified', entries: [await openServerKey(), ...trustedEntries()] };
      const file = await write(store, `ours.${format.toLowerCase()}`);
      const actual = parseList(keytool(['-list', '-v', '-keystore', file, '-storetype', format, '-storepass', STORE_PASSWORD]));
      assert.deepEqual(actual, expectedListing(store));
    });

    it(`${format}: keytool recovers our sealed key with its own key password`, async () => {
      const key = await openServerKey();
      const store: Keystore = { format, integrity: 'verified', entries: [key, ...trustedEntries()] };
      const file = await write(store, `ours.${format.toLowerCase()}`);
      const p12 = importKey(file, format, 'server-key');
      const actual = parseList(keytool(['-list', '-v', '-keystore', p12, '-storetype', 'PKCS12', '-storepass', 'destpass1']));
      assert.deepEqual(actual, [{ alias: 'server-key', type: 'PrivateKeyEntry', sha256: key.chain.map(fingerprint) }]);
    });
  }

  it('JCEKS: keytool lists the secret key entry we carried over verbatim', async () => {
    const source = decodeFixture('jceks.jceks');
    const store: Keystore = { format: 'JCEKS', integrity: 'verified', entries: [...source.entries, ...trustedEntries().slice(1)] };
    const file = await write(store, 'carried.jceks');
    const actual = parseList(keytool(['-list', '-v', '-keystore', file, '-storetype', 'JCEKS', '-storepass', STORE_PASSWORD]));
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

  it('JKS: a store we re-encode after keytool wrote it is still read by keytool', async () => {
    const original = path.join(dir, 'keytool.jks');
    keytool([
      '-genkeypair', '-alias', 'fresh', '-keyalg', 'EC', '-groupname', 'secp256r1', '-dname', 'CN=fresh', '-validity', '30',
      '-storetype', 'JKS', '-keystore', original, '-storepass', STORE_PASSWORD, '-keypass', KEY_PASSWORD,
    ]);
    const decoded = decodeJavaKeystore(new Uint8Array(fs.readFileSync(original)), STORE_PASSWORD) as Keystore;
    const store: Keystore = { ...decoded, entries: [...decoded.entries, ...trustedEntries()] };
    const file = await write(store, 'again.jks');
    const actual = parseList(keytool(['-list', '-v', '-keystore', file, '-storetype', 'JKS', '-storepass', STORE_PASSWORD]));
    assert.deepEqual(actual, expectedListing(store));
    importKey(file, 'JKS', 'fresh');
  });
});
