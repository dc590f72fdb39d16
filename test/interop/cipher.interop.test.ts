import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decryptSecret, encryptSecret } from '../../src/core/secrets/cipher';
import { FIXTURES } from '../helpers/fixtures';
import { javaCipher as java } from '../helpers/javaCipher';

// jks-chain.jks holds key "server" whose PKCS#8 form openssl wrote to pem/server-key.pkcs8.pem.
const store = path.join(FIXTURES, 'jks-chain.jks');
const serverPkcs8 = crypto.createPrivateKey(fs.readFileSync(path.join(FIXTURES, 'pem/server-key.pkcs8.pem'))).export({ format: 'der', type: 'pkcs8' });
const serverCert = new crypto.X509Certificate(fs.readFileSync(path.join(FIXTURES, 'pem/server-signed.pem'))).raw;
const otherPkcs8 = crypto.createPrivateKey(fs.readFileSync(path.join(FIXTURES, 'pem/ec256-key.pkcs8.pem'))).export({ format: 'der', type: 'pkcs8' });
const OAEP = 'RSA/ECB/OAEPwithSHA1andMGF1Padding';

describe('secure vault cipher against the JDK', () => {
  const secrets = ['wso2carbon', 'pässwörd with spaces', 'x'];

  it('decrypts what Java encrypts with "RSA" (PKCS#1 v1.5), as the cipher tool does', () => {
    const ciphertexts = java(['encrypt', store, 'changeit', 'server', 'RSA', ...secrets]);
    const actual = ciphertexts.map((c) => decryptSecret(c, serverPkcs8));
    assert.deepEqual(actual, secrets.map((plaintext) => ({ ok: true, plaintext, form: 'pkcs1' })));
  });

  it('decrypts what Java encrypts with OAEP-SHA1', () => {
    const ciphertexts = java(['encrypt', store, 'changeit', 'server', OAEP, ...secrets]);
    const actual = ciphertexts.map((c) => decryptSecret(c, serverPkcs8));
    assert.deepEqual(actual, secrets.map((plaintext) => ({ ok: true, plaintext, form: 'oaep-sha1' })));
  });

  it('decrypts a self-contained JSON envelope around a Java ciphertext', () => {
    const [c] = java(['encrypt', store, 'changeit', 'server', OAEP, 'enveloped']);
    const envelope = Buffer.from(JSON.stringify({ c, t: OAEP, tp: 'ignored', tpd: 'SHA-1' })).toString('base64');
    const actual = decryptSecret(envelope, serverPkcs8);
    assert.deepEqual(actual, { ok: true, plaintext: 'enveloped', form: 'envelope-oaep-sha1' });
  });

  it('writes ciphertexts that Java decrypts, for both transformations', () => {
    const pkcs1 = secrets.map((s) => encryptSecret(s, serverCert, 'RSA'));
    const oaep = secrets.map((s) => encryptSecret(s, serverCert, OAEP));
    assert.deepEqual(java(['decrypt', store, 'changeit', 'server', 'changeit', 'RSA', ...pkcs1]), secrets);
    assert.deepEqual(java(['decrypt', store, 'changeit', 'server', 'changeit', OAEP, ...oaep]), secrets);
  });

  it('reports a ciphertext made with another key as not decryptable', () => {
    const rsaFromOtherStore = java(['encrypt', path.join(FIXTURES, 'jks-rsa.jks'), 'changeit', 'server', 'RSA', 'secret'])[0];
    assert.deepEqual(decryptSecret(rsaFromOtherStore, serverPkcs8), { ok: false });
  });

  it('reports anything with a non-RSA key, non-base64 text or a wrong length as not decryptable', () => {
    const [c] = java(['encrypt', store, 'changeit', 'server', 'RSA', 'secret']);
    assert.deepEqual(decryptSecret(c, otherPkcs8), { ok: false });
    assert.deepEqual(decryptSecret('[plain text]', serverPkcs8), { ok: false });
    assert.deepEqual(decryptSecret(Buffer.alloc(100, 1).toString('base64'), serverPkcs8), { ok: false });
  });
});
