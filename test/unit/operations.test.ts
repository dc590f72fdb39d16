import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeKeystore, encodeKeystore, findEntry, openKey, openSecretKey, AliasExistsError, AliasNotFoundError, IncompleteChainError, InvalidInputError, InvalidPasswordError, KeyMismatchError, WrongEntryKindError, WrongKeyPasswordError, WrongPasswordError, UnsupportedEntriesError, UnsupportedOperationError, addKeyPair, convertKeystore, changeKeyPassword, changeStorePassword, convert, createCsrFor, createStore, deleteEntry, exportCertificate, importCaReply, importKeyAndChain, importTrustedCertificate, proveStorePassword, renameAlias, renewSelfSignedCertificate, decodeCertificates, decodePrivateKey, certificatesMatchKey, describeCertificate, isIssuedBy, parseCertificate, parseCsr, generateKeyPair, type Keystore, type PrivateKeyEntry } from '../../src/core/keystore';
import { readFixture } from '../helpers/fixtures';

const load = (name: string, password = 'changeit') => decodeKeystore(readFixture(name), password);
const pem = (name: string) => decodeCertificates(readFixture(`pem/${name}`));
const keyEntry = (store: Keystore, alias: string) => findEntry(store, alias) as PrivateKeyEntry;
const sha = (der: Uint8Array) => describeCertificate(der).sha256;
/** Decodes an encoded copy, as the next reader of the file would. */
const roundTrip = async (store: Keystore, password: string) => decodeKeystore(await encodeKeystore(store, password), password);

describe('keystore operations', () => {
  describe('proveStorePassword', () => {
    it('accepts the right password of a PKCS12 store without MAC', async () => {
      const store = await load('p12-nomac.p12', 'changeit');
      assert.equal(await proveStorePassword(store, 'changeit'), true);
    });

    it('refuses a wrong password of a PKCS12 store without MAC with WrongPasswordError', async () => {
      const store = await load('p12-nomac.p12', 'not-the-password');
      await assert.rejects(proveStorePassword(store, 'not-the-password'), WrongPasswordError);
    });
  });

  describe('createStore', () => {
    it('returns an empty store of the format', () => {
      const actual = createStore('PKCS12');
      assert.deepEqual(actual, { format: 'PKCS12', integrity: 'verified', entries: [] });
    });
  });

  describe('addKeyPair', () => {
    const options = { alias: 'server', keyAlgorithm: 'EC' as const, curve: 'P-256' as const, dname: 'CN=localhost,O=WSO2,C=US', validityDays: 30, keyPassword: 'changeit' };

    it('adds a key entry whose self-signed certificate matches its key', async () => {
      const store = await addKeyPair(createStore('PKCS12'), { ...options, san: ['dns:localhost'] });
      const entry = keyEntry(store, 'server');
      const pkcs8 = await openKey(entry, 'changeit');
      assert.equal(entry.chain.length, 1);
      assert.ok(certificatesMatchKey(entry.chain[0], pkcs8));
      assert.deepEqual(describeCertificate(entry.chain[0]).subjectAltNames, ['DNS:localhost']);
    });

    it('uses the injected clock for the creation date and validity', async () => {
      const now = new Date('2030-01-02T03:04:05Z');
      const store = await addKeyPair(createStore('JKS'), { ...options, now: () => now });
      const entry = keyEntry(store, 'server');
      assert.equal(entry.created?.toISOString(), now.toISOString());
      assert.equal(describeCertificate(entry.chain[0]).notBefore, '2030-01-02T03:04:05.000Z');
    });

    it('stores JKS aliases lowercased, as keytool does', async () => {
      const store = await addKeyPair(createStore('JKS'), { ...options, alias: 'MyServer' });
      assert.equal(store.entries[0].alias, 'myserver');
    });

    it('refuses an alias that exists in another case with AliasExistsError', async () => {
      const store = await load('jks-rsa.jks');
      await assert.rejects(addKeyPair(store, { ...options, alias: 'SERVER' }), AliasExistsError);
    });

    it('refuses a key password shorter than 6 characters', async () => {
      await assert.rejects(addKeyPair(createStore('JKS'), { ...options, keyPassword: '12345' }), InvalidPasswordError);
    });

    it('refuses a non-ASCII password for PKCS12', async () => {
      await assert.rejects(addKeyPair(createStore('PKCS12'), { ...options, keyPassword: 'pässwort' }), InvalidPasswordError);
    });

    it('accepts a non-ASCII password for JKS', async () => {
      const store = await addKeyPair(createStore('JKS'), { ...options, keyPassword: 'pässwort' });
      assert.equal(store.entries.length, 1);
    });

    it('does not change the store it was given', async () => {
      const before = createStore('JKS');
      await addKeyPair(before, options);
      assert.equal(before.entries.length, 0);
    });
  });

  describe('importTrustedCertificate', () => {
    it('adds the certificate as a trusted entry', async () => {
      const [ca] = pem('ca.pem');
      const { store, duplicateOf } = importTrustedCertificate(createStore('JKS'), 'ca', ca);
      const entry = findEntry(store, 'ca');
      assert.equal(entry?.kind, 'trusted-cert');
      assert.equal(duplicateOf, undefined);
    });

    it('reports the alias under which the same certificate is already present', async () => {
      const store = await load('jks-rsa.jks');
      const [ca] = pem('ca.pem');
      const actual = importTrustedCertificate(store, 'another-ca', ca);
      assert.equal(actual.duplicateOf, 'ca');
      assert.equal(actual.store.entries.length, store.entries.length + 1);
    });

    it('reports a certificate that is the leaf of a key entry as a duplicate', async () => {
      const store = await load('jks-rsa.jks');
      const [leaf] = pem('server-selfsigned.pem');
      assert.equal(importTrustedCertificate(store, 'copy', leaf).duplicateOf, 'server');
    });

    it('refuses an existing alias with AliasExistsError', async () => {
      const store = await load('jks-rsa.jks');
      assert.throws(() => importTrustedCertificate(store, 'CA', pem('ca.pem')[0]), AliasExistsError);
    });

    it('refuses bytes that are not a certificate', () => {
      assert.throws(() => importTrustedCertificate(createStore('JKS'), 'x', new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01])));
    });
  });

  describe('importCaReply', () => {
    it('installs a reply with its chain on the key entry', async () => {
      const store = await load('jks-pending.jks');
      const reply = pem('pending-reply-chain.pem');
      const actual = keyEntry(await importCaReply(store, 'pending', 'changeit', reply), 'pending');
      assert.deepEqual(actual.chain.map(sha), [sha(pem('pending-signed.pem')[0]), sha(pem('ca.pem')[0])]);
    });

    it('completes a single-certificate reply from the trusted certificates', async () => {
      const store = await load('jks-pending.jks');
      const actual = keyEntry(await importCaReply(store, 'pending', 'changeit', pem('pending-signed.pem')), 'pending');
      assert.equal(actual.chain.length, 2);
      assert.ok(isIssuedBy(actual.chain[0], actual.chain[1]));
    });

    it('refuses a reply whose chain cannot reach a root with IncompleteChainError', async () => {
      const store = deleteEntry(await load('jks-pending.jks'), 'ca');
      await assert.rejects(importCaReply(store, 'pending', 'changeit', pem('pending-signed.pem')), IncompleteChainError);
    });

    it('reads a reply as keytool does: a certificate given twice counts once; an unrelated one is refused', async () => {
      const store = await load('jks-pending.jks');
      const [leaf, ca, stranger] = [pem('pending-signed.pem')[0], pem('ca.pem')[0], pem('server-selfsigned.pem')[0]];
      const chain = keyEntry(await importCaReply(store, 'pending', 'changeit', [leaf, ca, leaf, ca]), 'pending').chain.map(sha);
      assert.deepEqual(chain, [sha(leaf), sha(ca)]);
      await assert.rejects(importCaReply(store, 'pending', 'changeit', [leaf, stranger]), (e: unknown) => e instanceof InvalidInputError && /do not chain from the key/.test(e.message));
    });

    it('refuses to trust a certificate under a key entry\'s alias, pointing at the CA reply instead of deleting the key', async () => {
      const store = await load('jks-pending.jks');
      assert.throws(() => importTrustedCertificate(store, 'pending', pem('pending-signed.pem')[0]), (e: unknown) => e instanceof InvalidInputError && /is a key entry: install the certificate as its CA reply/.test(e.message));
    });

    it('refuses a reply for another key with KeyMismatchError', async () => {
      const store = await load('jks-pending.jks');
      await assert.rejects(importCaReply(store, 'pending', 'changeit', pem('reply-chain.pem')), KeyMismatchError);
    });

    it('refuses a wrong key password with WrongKeyPasswordError', async () => {
      const store = await load('jks-pending.jks');
      await assert.rejects(importCaReply(store, 'pending', 'wrong-pw', pem('pending-reply-chain.pem')), WrongKeyPasswordError);
    });

    it('refuses a trusted-cert alias with WrongEntryKindError', async () => {
      const store = await load('jks-pending.jks');
      await assert.rejects(importCaReply(store, 'ca', 'changeit', pem('pending-reply-chain.pem')), WrongEntryKindError);
    });
  });

  describe('exportCertificate', () => {
    it('returns the leaf of a key entry', async () => {
      const store = await load('jks-chain.jks');
      assert.equal(sha(exportCertificate(store, 'server')), sha(pem('server-signed.pem')[0]));
    });

    it('returns the certificate of a trusted entry', async () => {
      const store = await load('jks-chain.jks');
      assert.equal(sha(exportCertificate(store, 'ca')), sha(pem('ca.pem')[0]));
    });

    it('refuses an unknown alias with AliasNotFoundError', async () => {
      const store = await load('jks-chain.jks');
      assert.throws(() => exportCertificate(store, 'nope'), AliasNotFoundError);
    });
  });

  describe('createCsrFor', () => {
    it('creates a request with the subject and SANs of the leaf, signed by the key', async () => {
      const store = await load('jks-rsa.jks');
      const info = describeCertificate(keyEntry(store, 'server').chain[0]);
      const actual = parseCsr(await createCsrFor(store, 'server', 'changeit'));
      assert.equal(actual.subject, info.subject);
      assert.deepEqual(actual.san, ['dns:localhost', 'ip:127.0.0.1']);
      assert.ok(actual.signatureValid);
    });

    // Seen on EV-style subjects (UTF8String, businessCategory) and Windows certificates (a registeredID SAN):
    // keytool -certreq copies the subject's bytes and writes the request.
    it("copies the leaf's subject bytes and leaves out SAN kinds a request cannot carry here", async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'csr-subject-'));
      try {
        execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'k.pem', '-out', 'c.pem', '-utf8', '-subj', '/CN=Zürich Server/O=Example AG', '-addext', 'subjectAltName=DNS:zurich.example.com,RID:1.2.3.4', '-days', '2'], { cwd: dir, stdio: 'ignore' });
        const [cert] = decodeCertificates(fs.readFileSync(path.join(dir, 'c.pem')));
        const store = importKeyAndChain(createStore('PKCS12'), 'k', decodePrivateKey(fs.readFileSync(path.join(dir, 'k.pem'))), [cert], 'changeit');
        const csr = parseCsr(await createCsrFor(store, 'k', 'changeit'));
        const { subject } = parseCertificate(cert);
        assert.deepEqual([Buffer.from(csr.subjectDer).equals(cert.subarray(subject.start, subject.end)), csr.san, csr.signatureValid], [true, ['dns:zurich.example.com'], true]);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('requests the SANs given instead of the leaf ones', async () => {
      const store = await load('jks-rsa.jks');
      const actual = parseCsr(await createCsrFor(store, 'server', 'changeit', { san: ['dns:mi.example.com'] }));
      assert.deepEqual(actual.san, ['dns:mi.example.com']);
    });
  });

  describe('renewSelfSignedCertificate', () => {
    const now = () => new Date('2026-06-01T00:00:00Z');

    it('re-issues an expired self-signed certificate with a new validity from now', async () => {
      const store = await load('jks-expired.jks');
      const renewed = await roundTrip(await renewSelfSignedCertificate(store, 'expired', 'changeit', { validityDays: 90, now }), 'changeit');
      const info = describeCertificate(keyEntry(renewed, 'expired').chain[0]);
      assert.deepEqual([info.notBefore, info.notAfter], ['2026-06-01T00:00:00.000Z', '2026-08-30T00:00:00.000Z']);
    });

    it('keeps the private key, so the new certificate matches the old key', async () => {
      const store = await load('jks-expired.jks');
      const before = await openKey(keyEntry(store, 'expired'), 'changeit');
      const renewed = await roundTrip(await renewSelfSignedCertificate(store, 'expired', 'changeit', { validityDays: 90, now }), 'changeit');
      const after = await openKey(keyEntry(renewed, 'expired'), 'changeit');
      assert.ok(Buffer.from(after).equals(Buffer.from(before)) && certificatesMatchKey(keyEntry(renewed, 'expired').chain[0], before));
    });

    it('keeps the subject and SANs of the old certificate', async () => {
      const store = await load('jks-rsa.jks');
      const old = describeCertificate(keyEntry(store, 'server').chain[0]);
      const renewed = await renewSelfSignedCertificate(store, 'server', 'changeit', { validityDays: 30, now });
      const info = describeCertificate(keyEntry(renewed, 'server').chain[0]);
      assert.deepEqual([info.subject, info.subjectAltNames, info.selfSigned], [old.subject, old.subjectAltNames, true]);
    });

    it('refuses a CA-signed certificate', async () => {
      const store = await load('jks-chain.jks');
      await assert.rejects(renewSelfSignedCertificate(store, 'server', 'changeit', { validityDays: 30 }), /CSR/);
    });

    it('refuses a wrong key password with WrongKeyPasswordError', async () => {
      const store = await load('jks-expired.jks');
      await assert.rejects(renewSelfSignedCertificate(store, 'expired', 'wrong-password', { validityDays: 30 }), WrongKeyPasswordError);
    });
  });

  describe('importKeyAndChain', () => {
    const key = () => decodePrivateKey(readFixture('pem/server-key.pkcs8.pem'));

    it('adds the key with its chain, leaf first, whatever the order given', async () => {
      const chain = pem('reply-chain.pem');
      const store = importKeyAndChain(createStore('PKCS12'), 'srv', key(), [...chain].reverse(), 'changeit');
      const entry = keyEntry(store, 'srv');
      assert.deepEqual(entry.chain.map(sha), chain.map(sha));
      assert.deepEqual(await openKey(entry, 'changeit'), key());
    });

    it('refuses a key that matches no certificate with KeyMismatchError', async () => {
      const other = (await generateKeyPair({ keyAlgorithm: 'EC', curve: 'P-256' })).pkcs8;
      assert.throws(() => importKeyAndChain(createStore('JKS'), 'srv', other, pem('reply-chain.pem'), 'changeit'), KeyMismatchError);
    });

    it('refuses an existing alias with AliasExistsError', async () => {
      const store = await load('jks-rsa.jks');
      assert.throws(() => importKeyAndChain(store, 'Server', key(), pem('reply-chain.pem'), 'changeit'), AliasExistsError);
    });
  });

  describe('deleteEntry and renameAlias', () => {
    it('deletes an entry', async () => {
      const actual = deleteEntry(await load('jks-rsa.jks'), 'CA');
      assert.deepEqual(actual.entries.map((e) => e.alias), ['server']);
    });

    it('refuses to delete an unknown alias', async () => {
      assert.throws(() => deleteEntry(createStore('JKS'), 'x'), AliasNotFoundError);
    });

    it('renames an entry', async () => {
      const actual = renameAlias(await load('jks-rsa.jks'), 'ca', 'root-ca');
      assert.deepEqual(actual.entries.map((e) => e.alias).sort(), ['root-ca', 'server']);
    });

    it('refuses a target alias that is taken', async () => {
      const store = await load('jks-rsa.jks');
      assert.throws(() => renameAlias(store, 'ca', 'SERVER'), AliasExistsError);
    });
  });

  describe('changeStorePassword', () => {
    it('re-seals PKCS12 keys so they open with the new password', async () => {
      const changed = await changeStorePassword(await load('p12-default.p12'), 'changeit', 'newpass1');
      const reread = await roundTrip(changed, 'newpass1');
      const pkcs8 = await openKey(keyEntry(reread, 'server'), 'newpass1');
      assert.ok(certificatesMatchKey(keyEntry(reread, 'server').chain[0], pkcs8));
    });

    it('keeps JKS keys sealed with their own password', async () => {
      const changed = await changeStorePassword(await load('jks-keypass.jks', 'storepass1'), 'storepass1', 'newpass1');
      const reread = await roundTrip(changed, 'newpass1');
      assert.equal(keyEntry(changed, 'signer').key.sealed, 'sealed');
      await openKey(keyEntry(reread, 'signer'), 'keypass1');
    });

    it('refuses a new password shorter than 6 characters', async () => {
      await assert.rejects(changeStorePassword(await load('jks-rsa.jks'), 'changeit', 'short'), InvalidPasswordError);
    });

    it('refuses a wrong old password for PKCS12 keys', async () => {
      await assert.rejects(changeStorePassword(await load('p12-default.p12'), 'wrong-pw', 'newpass1'), WrongKeyPasswordError);
    });
  });

  describe('changeKeyPassword', () => {
    it('re-seals a JKS key with the new key password', async () => {
      const changed = await changeKeyPassword(await load('jks-keypass.jks', 'storepass1'), 'signer', 'keypass1', 'keypass2');
      const reread = await roundTrip(changed, 'storepass1');
      await openKey(keyEntry(reread, 'signer'), 'keypass2');
      await assert.rejects(openKey(keyEntry(reread, 'signer'), 'keypass1'), WrongKeyPasswordError);
    });

    it('refuses for PKCS12, where the store password protects keys', async () => {
      await assert.rejects(changeKeyPassword(await load('p12-default.p12'), 'server', 'changeit', 'newpass1'), UnsupportedOperationError);
    });

    it('refuses a wrong old key password', async () => {
      await assert.rejects(changeKeyPassword(await load('jks-keypass.jks', 'storepass1'), 'signer', 'wrong-pw', 'keypass2'), WrongKeyPasswordError);
    });
  });

  describe('convert', () => {
    it('converts JKS to PKCS12 with every key sealed by the store password', async () => {
      const converted = await convert(await load('jks-chain.jks'), 'PKCS12', { storePassword: 'changeit' });
      const reread = await roundTrip(converted, 'changeit');
      assert.equal(reread.format, 'PKCS12');
      assert.deepEqual(reread.entries.map((e) => `${e.kind}:${e.alias}`).sort(), ['private-key:server', 'trusted-cert:ca']);
      assert.equal(keyEntry(reread, 'server').chain.length, 2);
      await openKey(keyEntry(reread, 'server'), 'changeit');
    });

    it('opens keys with their own key password and keeps it for JKS', async () => {
      const converted = await convert(await load('jks-keypass.jks', 'storepass1'), 'JCEKS', {
        storePassword: 'storepass1',
        keyPasswords: { signer: 'keypass1' },
      });
      const reread = await roundTrip(converted, 'storepass1');
      await openKey(keyEntry(reread, 'signer'), 'keypass1');
    });

    it('refuses a JCEKS secret key going to JKS', async () => {
      await assert.rejects(convert(await load('jceks.jceks'), 'JKS', { storePassword: 'changeit' }), UnsupportedOperationError);
    });

    it('refuses a chain whose certificates do not chain for PKCS12, naming the alias, as keytool does', async () => {
      const source = await load('jks-chain.jks');
      const server = keyEntry(source, 'server');
      // The leaf followed by an unrelated self-signed certificate: names do not link.
      const broken: Keystore = { ...source, entries: [{ ...server, chain: [server.chain[0], pem('server-selfsigned.pem')[0]] }] };
      await assert.rejects(convert(broken, 'PKCS12', { storePassword: 'changeit' }), (e: unknown) => e instanceof UnsupportedEntriesError && /"server"/.test(e.message) && /Certificate chain is not valid/.test(e.message));
      const actual = await convertKeystore(broken, 'PKCS12', { storePassword: 'changeit', skipUnsupported: true });
      assert.deepEqual(actual.store.entries, []);
      assert.deepEqual(actual.skipped.map((s) => s.alias), ['server']);
      // JKS keeps a chain as stored.
      const jks = await convert(broken, 'JCEKS', { storePassword: 'changeit' });
      assert.equal(keyEntry(await roundTrip(jks, 'changeit'), 'server').chain.length, 2);
    });

    it('carries a JCEKS secret key into PKCS12 and back, opened to the same key', async () => {
      const source = await load('jceks.jceks');
      const secret = source.entries.find((e) => e.kind === 'secret-key')!;
      const want = await openSecretKey(secret, 'changeit');
      const p12 = await roundTrip(await convert(source, 'PKCS12', { storePassword: 'changeit' }), 'changeit');
      const back = await roundTrip(await convert(p12, 'JCEKS', { storePassword: 'changeit' }), 'changeit');
      for (const store of [p12, back]) {
        const actual = await openSecretKey(store.entries.find((e) => e.kind === 'secret-key')!, 'changeit');
        assert.deepEqual(actual, { algorithm: want.algorithm, key: want.key });
      }
    });

    it('refuses a non-ASCII password for a PKCS12 target', async () => {
      await assert.rejects(convert(await load('jks-rsa.jks'), 'PKCS12', { storePassword: 'changeit', targetStorePassword: 'pässwort' }), InvalidPasswordError);
    });
  });
});
