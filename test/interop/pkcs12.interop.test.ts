/**
 * Interop of the PKCS12 encoder with the JDK 17 keytool: stores we write (default and legacy layouts)
 * must be listed by `keytool -list -v` with our aliases, entry types and fingerprints, and their keys
 * must be recoverable by `keytool -importkeystore` into a JKS. keytool is judged by its exit code.
 */
import { strict as assert } from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import { decodePkcs12, decryptPkcs12Key, encodePkcs12 } from '../../src/core/keystore/pkcs12/pkcs12Keystore';
import type { Entry, Keystore, PrivateKeyEntry } from '../../src/core/keystore';
import { explicit, integer, octetString, oid, seq, set } from '../../src/core/keystore/asn1/der';
import { fixturePath, readFixture, useTempDir } from '../helpers/fixtures';
import { TOOL_ENV, keytoolImportKeystore, keytoolList, keytoolListText, keytoolView, type KeytoolEntry } from '../helpers/keytool';

/** Our entries as keytool lists them: keytool shows PKCS12 aliases lowercased. */
const listed = (store: Keystore): KeytoolEntry[] => keytoolView(store, { lowercaseAliases: true });

const decodeFixture = async (file: string): Promise<Keystore> => decodePkcs12(readFixture(file), 'changeit');

/** A key entry of a fixture, decrypted to an OpenKey (so the encoder seals it anew), under `alias`. */
async function openEntry(store: Keystore, alias: string, newAlias = alias): Promise<PrivateKeyEntry> {
  const e = store.entries.find((x): x is PrivateKeyEntry => x.kind === 'private-key' && x.alias === alias);
  assert.ok(e && e.key.sealed === 'sealed');
  const pkcs8 = await decryptPkcs12Key(e.key.der, 'changeit', alias);
  return { ...e, alias: newAlias, key: { sealed: 'open', pkcs8, password: 'a-key-password-keytool-ignores' } };
}

const trusted = (store: Keystore, alias: string, newAlias = alias): Entry => {
  const e = store.entries.find((x) => x.kind === 'trusted-cert' && x.alias === alias);
  assert.ok(e);
  return { ...e, alias: newAlias };
};

/** A store mixing everything the encoder must handle: chain keys, trusted certs, unicode aliases, EC keys, a verbatim sealed key. */
async function mixedStore(withSealed: boolean): Promise<Keystore> {
  const chain = await decodeFixture('p12-chain.p12');
  const unicode = await decodeFixture('p12-unicode.p12');
  const ec = await decodeFixture('p12-ec.p12');
  const entries: Entry[] = [
    await openEntry(chain, 'server'),
    trusted(chain, 'ca'),
    await openEntry(unicode, 'clé-ü'),
    trusted(unicode, '日本'),
    trusted(unicode, 'smile😀'),
    await openEntry(ec, 'ec256'),
    await openEntry(ec, 'ec384'),
  ];
  if (withSealed) {
    const def = await decodeFixture('p12-default.p12');
    const sealed = def.entries.find((x) => x.kind === 'private-key');
    assert.ok(sealed);
    entries.push({ ...sealed, alias: 'sealed-verbatim' });
  }
  return { format: 'PKCS12', integrity: 'verified', entries };
}

describe('PKCS12 encoder against keytool 17', () => {
  const dir = useTempDir('pkcs12-interop-');

  const write = async (store: Keystore, legacy: boolean): Promise<string> => {
    const file = dir(legacy ? 'legacy.p12' : 'default.p12');
    fs.writeFileSync(file, await encodePkcs12(store, 'changeit', { legacy }));
    return file;
  };
  /** Imports `file` into a fresh JKS (throws on a non-zero exit) and returns the JKS entry count keytool lists. */
  const importToJks = (file: string): number => {
    // Fails (non-zero exit) unless every key is recoverable with the store password.
    keytoolImportKeystore({ from: file, fromType: 'PKCS12', fromPassword: 'changeit', to: dir('out.jks'), toType: 'JKS', toPassword: 'changeit' });
    return keytoolList(dir('out.jks'), 'changeit').count;
  };

  // The default layout carries a key sealed by keytool verbatim too; the legacy one has only keys we seal.
  for (const [layout, legacy] of [['default', false], ['legacy', true]] as const) {
    it(`writes a ${layout}-layout store keytool lists with our aliases, types and fingerprints`, async () => {
      const store = await mixedStore(!legacy);
      const actual = keytoolList(await write(store, legacy), 'changeit', 'PKCS12').entries;
      assert.deepEqual(actual, listed(store));
    });

    it(`writes ${layout}-layout keys keytool -importkeystore recovers into a JKS`, async () => {
      const store = await mixedStore(!legacy);
      const actual = importToJks(await write(store, legacy));
      assert.equal(actual, store.entries.length);
    });
  }

  it('keeps the chain length keytool shows for a key with a CA-signed certificate', async () => {
    const chain = await decodeFixture('p12-chain.p12');
    const store: Keystore = { format: 'PKCS12', integrity: 'verified', entries: [await openEntry(chain, 'server')] };
    const actual = keytoolListText(await write(store, false), 'changeit', 'PKCS12');
    assert.match(actual, /Certificate chain length: 2/);
  });

  it('writes a creation date keytool reads back from localKeyId', async () => {
    const chain = await decodeFixture('p12-chain.p12');
    const server = await openEntry(chain, 'server');
    const store: Keystore = { format: 'PKCS12', integrity: 'verified', entries: [{ ...server, created: new Date(Date.UTC(2021, 2, 4, 12)) }] };
    const actual = keytoolListText(await write(store, false), 'changeit', 'PKCS12');
    assert.match(actual, /Creation date: Mar 4, 2021/);
  });

  it('reads an OpenSSL-made store with an empty password (the JDK retries "" as "\\0")', async () => {
    const file = dir('empty.p12');
    execFileSync('openssl', ['pkcs12', '-export', '-in', fixturePath('pem/server-signed.pem'), '-inkey', fixturePath('pem/server-key.pkcs8.pem'),
      '-name', 'srv', '-passout', 'pass:', '-out', file], { env: TOOL_ENV, stdio: 'pipe' });
    const store = await decodePkcs12(fs.readFileSync(file), '');
    assert.equal(store.integrity, 'verified');
    const key = store.entries[0] as PrivateKeyEntry;
    assert.equal(key.key.sealed, 'sealed');
    const pkcs8 = await decryptPkcs12Key(key.key.sealed === 'sealed' ? key.key.der : new Uint8Array(), '', 'srv');
    assert.ok(pkcs8.length > 0);
  });

  it('names and pairs bags without friendlyName or localKeyId exactly as keytool does', async () => {
    // A no-MAC PFX built by hand: one safe with a key bag and no attributes, then one with a lone
    // certBag and a trusted certBag, none with names. The JDK pairs the lone key with the first bag
    // of a later safe ("01" workaround) and names entries "1", "2" in bag order.
    const nomac = await decodeFixture('p12-nomac.p12');
    const key = nomac.entries.find((e): e is PrivateKeyEntry => e.kind === 'private-key');
    const ca = nomac.entries.find((e) => e.kind === 'trusted-cert');
    assert.ok(key && key.key.sealed === 'sealed' && ca && ca.kind === 'trusted-cert');
    const data = (bags: Buffer[]): Buffer => seq(oid('1.2.840.113549.1.7.1'), explicit(0, octetString(seq(...bags))));
    const certBag = (der: Uint8Array, attrs: Buffer[]): Buffer =>
      seq(oid('1.2.840.113549.1.12.10.1.3'), explicit(0, seq(oid('1.2.840.113549.1.9.22.1'), explicit(0, octetString(der)))), ...attrs);
    // SET { SEQUENCE { Oracle trusted-key-usage OID, SET { anyExtendedKeyUsage } } }
    const trustedAttrs = set(seq(oid('2.16.840.1.113894.746875.1.1'), set(oid('2.5.29.37.0'))));
    const authSafe = seq(
      data([seq(oid('1.2.840.113549.1.12.10.1.2'), explicit(0, key.key.der))]),
      data([certBag(key.chain[0], []), certBag(ca.certificate, [trustedAttrs])]),
    );
    const file = dir('unnamed.p12');
    fs.writeFileSync(file, seq(integer(3), seq(oid('1.2.840.113549.1.7.1'), explicit(0, octetString(authSafe)))));
    const store = await decodePkcs12(fs.readFileSync(file), 'changeit');
    const actual = listed(store);
    const expected = keytoolList(file, 'changeit', 'PKCS12').entries;
    assert.deepEqual(actual, expected);
    assert.deepEqual(actual.map((e) => [e.alias, e.entryType]), [['1', 'PrivateKeyEntry'], ['2', 'trustedCertEntry']]);
  });

  it('reads a BER-encoded PFX (indefinite lengths, a segmented OCTET STRING) as keytool does', async () => {
    // The layout Bouncy Castle's "PKCS12" writes around the authenticated safe: every outer SEQUENCE and
    // [0] with indefinite length, the authSafe OCTET STRING split into 1000-byte segments. The MAC covers
    // the concatenated octets, so it still verifies.
    const der = Buffer.from(readFixture('p12-default.p12'));
    const header = (b: Buffer, at: number): { vStart: number; end: number } => {
      const n = b[at + 1] & 0x7f; // all lengths here are long-form (0x82)
      const len = b.readUIntBE(at + 2, n);
      return { vStart: at + 2 + n, end: at + 2 + n + len };
    };
    const pfx = header(der, 0);
    const version = der.subarray(pfx.vStart, pfx.vStart + 3);
    const authCi = header(der, pfx.vStart + 3);
    const oidEnd = authCi.vStart + 11; // 06 09 <pkcs7-data>
    const wrap = header(der, oidEnd);
    const octets = header(der, wrap.vStart);
    const content = der.subarray(octets.vStart, octets.end);
    const segments: Buffer[] = [];
    for (let i = 0; i < content.length; i += 1000) segments.push(octetString(content.subarray(i, i + 1000)));
    const eoc = Buffer.from([0, 0]);
    const ber = Buffer.concat([
      Buffer.from([0x30, 0x80]), version,
      Buffer.from([0x30, 0x80]), der.subarray(authCi.vStart, oidEnd),
      Buffer.from([0xa0, 0x80]), Buffer.from([0x24, 0x80]), ...segments, eoc, eoc, eoc,
      der.subarray(authCi.end, pfx.end), // MacData, unchanged
      eoc,
    ]);
    const file = dir('ber.p12');
    fs.writeFileSync(file, ber);
    const store = await decodePkcs12(ber, 'changeit');
    assert.equal(store.integrity, 'verified');
    assert.deepEqual(listed(store), keytoolList(file, 'changeit', 'PKCS12').entries);
  });
});
