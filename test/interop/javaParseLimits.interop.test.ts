/**
 * Certificates JDK 17 cannot parse although they are well-formed: a Diffie-Hellman key with X9.42 domain
 * parameters. openssl makes one, keytool shows it refuses a store holding it, and we refuse the same store
 * as Java would, in one line, and never import such a certificate into a store.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import {
  createStore,
  decodeCertificates,
  decodeKeystore,
  encodeKeystore,
  importTrustedCertificate,
  InvalidInputError,
  JavaRefusesError,
  type Keystore,
  type KeystoreFormat,
} from '../../src/core/keystore';
import { useTempDir } from '../helpers/fixtures';
import { runKeytool } from '../helpers/keytool';

/** Runs openssl in `cwd`, failing the test with its output when it fails. */
function openssl(cwd: string, args: readonly string[]): void {
  const r = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  assert.equal(r.status, 0, `openssl ${args.join(' ')}: ${r.stderr}`);
}

describe('certificates JDK 17 cannot parse (X9.42 Diffie-Hellman keys)', function () {
  const tmp = useTempDir('mi-ks-x942-', 'all');
  let dhCert: Uint8Array;
  let caCert: Uint8Array;

  before(() => {
    const dir = tmp();
    // RFC 5114's 1024-bit group with a 160-bit q: X9.42 parameters { p, g, q } without generating primes.
    openssl(dir, ['genpkey', '-genparam', '-algorithm', 'DHX', '-pkeyopt', 'dh_rfc5114:1', '-out', 'params.pem']);
    openssl(dir, ['genpkey', '-paramfile', 'params.pem', '-out', 'dh.key']);
    openssl(dir, ['pkey', '-in', 'dh.key', '-pubout', '-out', 'dh.pub']);
    openssl(dir, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-subj', '/CN=ca', '-days', '30']);
    // A DH key cannot sign its own certificate: the CA signs it.
    openssl(dir, ['x509', '-new', '-force_pubkey', 'dh.pub', '-subj', '/CN=dh', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-days', '30', '-out', 'dh.pem']);
    [dhCert] = decodeCertificates(fs.readFileSync(tmp('dh.pem')));
    [caCert] = decodeCertificates(fs.readFileSync(tmp('ca.pem')));
  });

  /** A store of trusted certificates written by our encoder, bypassing the import check on purpose. */
  async function storeWith(format: KeystoreFormat, certs: Record<string, Uint8Array>): Promise<Uint8Array> {
    const created = new Date('2026-01-01T00:00:00Z');
    const store: Keystore = {
      ...createStore(format),
      entries: Object.entries(certs).map(([alias, certificate]) => ({ kind: 'trusted-cert' as const, alias, created, certificate })),
    };
    return encodeKeystore(store, 'changeit');
  }

  for (const format of ['PKCS12', 'JKS'] as const) {
    it(`${format}: keytool refuses a store holding one, and so do we, saying why in one line`, async () => {
      const file = tmp(`dh-${format}.store`);
      fs.writeFileSync(file, await storeWith(format, { ca: caCert, dh: dhCert }));
      const run = runKeytool(['-list', '-keystore', file, '-storepass', 'changeit', '-storetype', format]);
      assert.notEqual(run.status, 0, `keytool listed it:\n${run.stdout}`);
      assert.match(run.stdout + run.stderr, /Integer exceeds maximum valid value|keystore password was incorrect/);
      await assert.rejects(decodeKeystore(fs.readFileSync(file), 'changeit'), (e: unknown) => {
        assert.ok(e instanceof JavaRefusesError, String(e));
        assert.match(e.message, /^Java cannot read this keystore: a certificate .*X9\.42 domain parameters, which JDK 17 fails to parse/);
        assert.doesNotMatch(e.message, /\n/);
        return true;
      });
      // A wrong password is still a wrong password, not this.
      await assert.rejects(decodeKeystore(fs.readFileSync(file), 'wrong-password'), /password/);
    });
  }

  it('the same store without the DH certificate is read by keytool and by us', async () => {
    const file = tmp('ca-only.p12');
    fs.writeFileSync(file, await storeWith('PKCS12', { ca: caCert }));
    const run = runKeytool(['-list', '-keystore', file, '-storepass', 'changeit']);
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.equal((await decodeKeystore(fs.readFileSync(file), 'changeit')).entries.length, 1);
  });

  it('is never imported into a store, which Java could then no longer load', () => {
    assert.throws(() => importTrustedCertificate(createStore('PKCS12'), 'dh', dhCert), (e: unknown) => e instanceof InvalidInputError && /X9\.42/.test(e.message));
    assert.equal(importTrustedCertificate(createStore('PKCS12'), 'ca', caCert).store.entries.length, 1);
  });
});

// Found by trying real users' inputs: OpenSSL writes explicit curve parameters with `-param_enc explicit` and
// compressed points with `-conv_form compressed`, and SM2 certificates name a curve the JDK lacks. keytool
// refuses each as "Input not an X.509 certificate" and cannot load a store holding one.
describe('EC certificates JDK 17 cannot parse (explicit parameters, unknown curves, compressed points)', function () {
  const tmp = useTempDir('mi-ks-ec-java-', 'all');
  const certs: Record<string, Uint8Array> = {};

  before(() => {
    const dir = tmp();
    const selfSigned = (name: string, key: string) => {
      openssl(dir, ['req', '-x509', '-key', key, '-subj', `/CN=${name}`, '-days', '30', '-out', `${name}.pem`]);
      [certs[name]] = decodeCertificates(fs.readFileSync(tmp(`${name}.pem`)));
    };
    openssl(dir, ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'named.key']);
    selfSigned('named', 'named.key');
    openssl(dir, ['ecparam', '-name', 'brainpoolP256r1', '-genkey', '-noout', '-out', 'brainpool.key']);
    selfSigned('brainpool', 'brainpool.key');
    openssl(dir, ['ecparam', '-name', 'secp256k1', '-genkey', '-noout', '-out', 'k1.key']);
    selfSigned('k1', 'k1.key');
    openssl(dir, ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-param_enc', 'explicit', '-out', 'explicit.key']);
    selfSigned('explicit', 'explicit.key');
    openssl(dir, ['ec', '-in', 'named.key', '-conv_form', 'compressed', '-out', 'compressed.key']);
    selfSigned('compressed', 'compressed.key');
    openssl(dir, ['ecparam', '-name', 'brainpoolP256t1', '-genkey', '-noout', '-out', 'twisted.key']);
    selfSigned('twisted', 'twisted.key');
  });

  it('refuses to import exactly the certificates keytool refuses', () => {
    const actual = Object.entries(certs).map(([name, der]) => {
      const keytool = runKeytool(['-importcert', '-noprompt', '-alias', name, '-file', tmp(`${name}.pem`), '-keystore', tmp(`kt-${name}.p12`), '-storepass', 'changeit']).status === 0;
      let ours = true;
      try {
        importTrustedCertificate(createStore('PKCS12'), name, der);
      } catch (e) {
        assert.ok(e instanceof InvalidInputError, String(e));
        ours = false;
      }
      return [name, keytool, ours];
    });
    assert.deepEqual(actual, [
      ['named', true, true],
      ['brainpool', true, true],
      ['k1', true, true],
      ['explicit', false, false],
      ['compressed', false, false],
      ['twisted', false, false],
    ]);
  });
});
