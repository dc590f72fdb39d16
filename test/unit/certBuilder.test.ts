import { strict as assert } from 'node:assert';
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvalidInputError, generateKeyPair, createCsr, parseCsr, certificatesMatchKey, describeCertificate, isIssuedBy, parseCertificate } from '../../src/core/keystore';
import { createSelfSignedCertificate, keyIdentifier, parseIpAddress, signCertificate } from '../../src/core/keystore/x509/certBuilder';
import { TAG, childrenOf, readTlv, readWhole, valueOf } from '../../src/core/keystore/asn1/der';
import { decodeName } from '../../src/core/keystore/x509/distinguishedName';
import { fixturePath } from '../helpers/fixtures';

const PEM = fixturePath('pem');
const pemDer = (name: string): Uint8Array =>
  new Uint8Array(Buffer.from(/-----BEGIN [A-Z ]+-----([\s\S]*?)-----END/.exec(fs.readFileSync(path.join(PEM, name), 'latin1'))![1], 'base64'));

const FIXED_NOW = new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678));
const counting = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => 0x81 + i);
const DN = 'CN=localhost, OU=WSO2, O=WSO2, L=Mountain View, ST=CA, C=US';

/** Value bytes (OCTET STRING contents) of an extension of a certificate. */
function extensionValue(der: Uint8Array, oid: string): Uint8Array | undefined {
  const ext = parseCertificate(der).extensions.get(oid);
  return ext ? valueOf(der, ext.value) : undefined;
}

describe('certificate building', () => {
  let rsa: { pkcs8: Uint8Array; spki: Uint8Array };
  let ec256: { pkcs8: Uint8Array; spki: Uint8Array };
  let ec384: { pkcs8: Uint8Array; spki: Uint8Array };

  before(async () => {
    [rsa, ec256, ec384] = await Promise.all([
      generateKeyPair({ keyAlgorithm: 'RSA' }),
      generateKeyPair({ keyAlgorithm: 'EC', curve: 'P-256' }),
      generateKeyPair({ keyAlgorithm: 'EC', curve: 'P-384' }),
    ]);
  });

  describe('keygen: generateKeyPair', () => {
    it('makes a 2048-bit RSA key by default', () => {
      const actual = createPublicKey({ key: Buffer.from(rsa.spki), format: 'der', type: 'spki' }).asymmetricKeyDetails?.modulusLength;
      assert.equal(actual, 2048);
    });

    it('makes a P-256 EC key', () => {
      const actual = createPublicKey({ key: Buffer.from(ec256.spki), format: 'der', type: 'spki' }).asymmetricKeyDetails?.namedCurve;
      assert.equal(actual, 'prime256v1');
    });

    it('makes a P-384 EC key when asked by key size', async () => {
      const k = await generateKeyPair({ keyAlgorithm: 'EC', keySize: 384 });
      const actual = createPublicKey({ key: Buffer.from(k.spki), format: 'der', type: 'spki' }).asymmetricKeyDetails?.namedCurve;
      assert.equal(actual, 'secp384r1');
    });

    it('returns a private key whose public half is the returned SPKI', () => {
      const fromKey = createPublicKey(createPrivateKey({ key: Buffer.from(rsa.pkcs8), format: 'der', type: 'pkcs8' })).export({ type: 'spki', format: 'der' });
      assert.deepEqual(fromKey, Buffer.from(rsa.spki));
    });

    it('refuses an RSA key size keytool users should not pick', async () => {
      await assert.rejects(generateKeyPair({ keyAlgorithm: 'RSA', keySize: 1024 }), InvalidInputError);
    });

    it('refuses an EC key size that is no supported curve', async () => {
      await assert.rejects(generateKeyPair({ keyAlgorithm: 'EC', keySize: 521 }), InvalidInputError);
    });
  });

  describe('certBuilder: createSelfSignedCertificate', () => {
    const make = (over: Partial<Parameters<typeof createSelfSignedCertificate>[0]> = {}): Uint8Array =>
      createSelfSignedCertificate({ pkcs8: rsa.pkcs8, dname: DN, validityDays: 365, now: () => FIXED_NOW, randomBytes: counting, ...over });

    it('writes an X.509 v3 certificate', () => {
      assert.equal(new X509Certificate(Buffer.from(make())).subject.includes('CN=localhost'), true);
      const der = make();
      const tbs = childrenOf(der, readWhole(der))[0];
      const version = childrenOf(der, tbs)[0];
      assert.deepEqual([...valueOf(der, version)], [0x02, 0x01, 0x02]);
    });

    it('uses the 8 random bytes as a positive serial', () => {
      assert.equal(describeCertificate(make()).serialNumber, '8182838485868788');
    });

    it('encodes the RDNs in the reverse of the -dname order, as keytool does', () => {
      const der = make();
      const subject = parseCertificate(der).subject;
      const firstEncodedOid = childrenOf(der, childrenOf(der, childrenOf(der, subject)[0])[0])[0];
      assert.deepEqual([...valueOf(der, firstEncodedOid)], [0x55, 0x04, 0x06]); // countryName first
      assert.equal(decodeName(der, subject)[0][0].value, 'localhost');
    });

    it('prints the subject as keytool prints it', () => {
      assert.equal(describeCertificate(make()).subject, DN);
    });

    it('starts now (to the second) and lasts validityDays days', () => {
      const info = parseCertificate(make());
      assert.equal(info.notBefore.toISOString(), '2026-01-02T03:04:05.000Z');
      assert.equal(info.notAfter.toISOString(), '2027-01-02T03:04:05.000Z');
    });

    it('writes GeneralizedTime for dates from 2050 on', () => {
      const der = make({ validityDays: 365 * 30 });
      assert.equal(new X509Certificate(Buffer.from(der)).validTo, 'Dec 26 03:04:05 2055 GMT');
    });

    it('writes the SubjectKeyIdentifier as the SHA-1 of the key bits', () => {
      const der = make();
      const ski = extensionValue(der, '2.5.29.14')!;
      assert.deepEqual(Buffer.from(valueOf(ski, readTlv(ski, 0))), Buffer.from(keyIdentifier(rsa.spki)));
    });

    it('computes the key identifier keytool wrote into the fixture certificate', () => {
      const der = pemDer('server-selfsigned.pem');
      const spki = parseCertificate(der).spki;
      const actual = Buffer.from(keyIdentifier(der.subarray(spki.start, spki.end))).toString('hex');
      assert.equal(actual, '6bec61a9814f2d873e4c96c99d84946ce129b7f1'); // expected/jks-rsa.jks.list.txt, alias server
    });

    it('sets KeyUsage digitalSignature + keyEncipherment (critical) for RSA', () => {
      const der = make();
      assert.deepEqual([...extensionValue(der, '2.5.29.15')!], [TAG.BIT_STRING, 2, 5, 0xa0]);
      assert.equal(parseCertificate(der).extensions.get('2.5.29.15')?.critical, true);
    });

    it('sets KeyUsage digitalSignature only for EC', () => {
      const der = make({ pkcs8: ec256.pkcs8 });
      assert.deepEqual([...extensionValue(der, '2.5.29.15')!], [TAG.BIT_STRING, 2, 7, 0x80]);
    });

    it('sets ExtendedKeyUsage serverAuth + clientAuth', () => {
      const actual = new X509Certificate(Buffer.from(make())).keyUsage;
      assert.deepEqual(actual, ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
    });

    it('writes DNS, IPv4 and IPv6 subject alternative names', () => {
      const der = make({ san: ['dns:localhost', 'ip:127.0.0.1', 'ip:::1', 'DNS:mi.example.com'] });
      assert.deepEqual(describeCertificate(der).subjectAltNames, ['DNS:localhost', 'IP:127.0.0.1', 'IP:0:0:0:0:0:0:0:1', 'DNS:mi.example.com']);
    });

    it('writes no SAN extension when none is asked for', () => {
      assert.equal(extensionValue(make(), '2.5.29.17'), undefined);
    });

    it('signs with SHA256withRSA by default and the signature verifies', () => {
      const der = make();
      assert.equal(describeCertificate(der).signatureAlgorithm, 'SHA256withRSA');
      assert.equal(new X509Certificate(Buffer.from(der)).verify(createPublicKey({ key: Buffer.from(rsa.spki), format: 'der', type: 'spki' })), true);
    });

    it('signs with SHA384withRSA when asked', () => {
      assert.equal(describeCertificate(make({ signatureAlgorithm: 'SHA384withRSA' })).signatureAlgorithm, 'SHA384withRSA');
    });

    it('signs P-256 keys with SHA256withECDSA and the signature verifies', () => {
      const der = make({ pkcs8: ec256.pkcs8 });
      assert.equal(describeCertificate(der).signatureAlgorithm, 'SHA256withECDSA');
      assert.equal(isIssuedBy(der, der), true);
    });

    it('signs P-384 keys with SHA384withECDSA as keytool defaults', () => {
      const der = make({ pkcs8: ec384.pkcs8 });
      assert.equal(describeCertificate(der).signatureAlgorithm, 'SHA384withECDSA');
      assert.equal(isIssuedBy(der, der), true);
    });

    it('is byte-identical for the same key, name, time and random bytes (RSA)', () => {
      assert.deepEqual(Buffer.from(make()), Buffer.from(make()));
    });

    it('holds the public key of the private key it was made for', () => {
      assert.equal(certificatesMatchKey(make(), rsa.pkcs8), true);
    });

    it('refuses a signature algorithm that does not fit the key', () => {
      assert.throws(() => make({ pkcs8: ec256.pkcs8, signatureAlgorithm: 'SHA256withRSA' }), InvalidInputError);
    });

    it('refuses a bad distinguished name', () => {
      assert.throws(() => make({ dname: 'localhost' }), InvalidInputError);
    });

    for (const bad of ['localhost', 'dns:bad name', 'ip:300.1.1.1', 'ip:1::2::3', 'foo:bar']) {
      it(`refuses the subject alternative name ${JSON.stringify(bad)}`, () => {
        assert.throws(() => make({ san: [bad] }), InvalidInputError);
      });
    }

    it('refuses a validity of zero days', () => {
      assert.throws(() => make({ validityDays: 0 }), InvalidInputError);
    });

    it('refuses a key that is not PKCS#8', () => {
      assert.throws(() => make({ pkcs8: new Uint8Array([0x30, 0x00]) }), InvalidInputError);
    });
  });

  describe('certBuilder: parseIpAddress', () => {
    const cases: Array<[string, string]> = [
      ['127.0.0.1', '7f000001'],
      ['::1', '00000000000000000000000000000001'],
      ['2001:db8::ff00:42:8329', '20010db8000000000000ff0000428329'],
      ['::ffff:192.0.2.1', '00000000000000000000ffffc0000201'],
      ['fe80:0:0:0:0:0:0:1', 'fe800000000000000000000000000001'],
    ];
    for (const [ip, hex] of cases) {
      it(`reads ${ip}`, () => {
        assert.equal(Buffer.from(parseIpAddress(ip)).toString('hex'), hex);
      });
    }
  });

  describe('csr: createCsr', () => {
    it('writes a request with the subject, key and requested SAN that verifies', () => {
      const der = createCsr({ pkcs8: ec256.pkcs8, dname: 'CN=req.example.com, O=MI, C=LK', san: ['dns:req.example.com', 'ip:10.0.0.1'] });
      const actual = parseCsr(der);
      assert.equal(actual.subject, 'CN=req.example.com, O=MI, C=LK');
      assert.deepEqual(actual.san, ['dns:req.example.com', 'ip:10.0.0.1']);
      assert.deepEqual(Buffer.from(actual.spki), Buffer.from(ec256.spki));
      assert.equal(actual.signatureValid, true);
    });

    it('reads the CSR keytool wrote for the pending fixture', () => {
      const actual = parseCsr(pemDer('pending.csr'));
      assert.equal(actual.subject, 'CN=pending.example.com, O=MI Keystores, C=LK');
      assert.equal(actual.signatureValid, true);
    });

    it('reports a tampered request as not verifying', () => {
      const der = Buffer.from(createCsr({ pkcs8: rsa.pkcs8, dname: 'CN=x' }));
      der[der.length - 3] ^= 0x01; // defect: a flipped bit in the signature
      assert.equal(parseCsr(der).signatureValid, false);
    });

    it('refuses bytes that are not a request', () => {
      assert.throws(() => parseCsr(pemDer('ca.pem')), InvalidInputError);
    });
  });

  describe('certBuilder: signCertificate', () => {
    it('issues a certificate for a CSR that the CA verifies as issuer', () => {
      const caCert = createSelfSignedCertificate({ pkcs8: rsa.pkcs8, dname: 'CN=Test CA, O=MI, C=LK', validityDays: 30, ca: true });
      const csr = parseCsr(createCsr({ pkcs8: ec256.pkcs8, dname: 'CN=leaf.example.com', san: ['dns:leaf.example.com'] }));
      const leaf = signCertificate({
        subjectSpki: csr.spki, subject: csr.subjectDer, san: csr.san, validityDays: 30, issuerPkcs8: rsa.pkcs8, issuerCertificate: caCert,
      });
      const info = describeCertificate(leaf);
      assert.equal(info.subject, 'CN=leaf.example.com');
      assert.equal(info.issuer, 'CN=Test CA, O=MI, C=LK');
      assert.deepEqual(info.subjectAltNames, ['DNS:leaf.example.com']);
      assert.equal(isIssuedBy(leaf, caCert), true);
      assert.equal(certificatesMatchKey(leaf, ec256.pkcs8), true);
    });

    it('marks a CA certificate with BasicConstraints CA:true', () => {
      const caCert = createSelfSignedCertificate({ pkcs8: rsa.pkcs8, dname: 'CN=Test CA', validityDays: 30, ca: true });
      assert.equal(new X509Certificate(Buffer.from(caCert)).ca, true);
    });
  });
});
