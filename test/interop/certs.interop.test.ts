/**
 * Certificates, names and requests checked against the real JDK 17 keytool (and OpenSSL for requests):
 * what we build keytool reads back unchanged, and what keytool prints we describe identically.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { generateKeyPair, createSelfSignedCertificate, createCsr, decodeCertificates, encodePem, describeCertificate, isIssuedBy, parseCertificate } from '../../src/core/keystore';
import { FIXTURE_STORES, fixturePath, itShared, fixtureStorePassword, readExpectedListing, useTempDir, wso2Store, wso2StorePath } from '../helpers/fixtures';
import {
  TOOL_ENV, certificateSections, keytool, keytoolCertificateView, keytoolListText, keytoolSubjectAltNames, parseCertificateSection,
} from '../helpers/keytool';

describe('certs interop with keytool 17', function () {
  this.timeout(120000);
  const dir = useTempDir('mi-certs-', 'all');

  const DN = 'CN=Doe\\, John, OU="R&D, Integration", O=Café Ltd, L=Mountain  View, ST=CA, C=US';
  const SAN = ['dns:localhost', 'dns:mi.example.com', 'ip:127.0.0.1', 'ip:::1', 'ip:2001:db8::8'];

  for (const [label, keyOpts] of [
    ['RSA 2048', { keyAlgorithm: 'RSA' as const, keySize: 2048 }],
    ['EC P-256', { keyAlgorithm: 'EC' as const, curve: 'P-256' as const }],
    ['EC P-384', { keyAlgorithm: 'EC' as const, curve: 'P-384' as const }],
  ] as const) {
    describe(`a self-signed ${label} certificate we create`, () => {
      let der: Uint8Array;
      let file: string;
      before(async () => {
        const key = await generateKeyPair(keyOpts);
        der = createSelfSignedCertificate({ pkcs8: key.pkcs8, dname: DN, san: SAN, validityDays: 825 });
        file = dir(`${label.replace(/\W/g, '')}.pem`);
        fs.writeFileSync(file, encodePem('CERTIFICATE', der));
      });

      it('imports into PKCS12 and lists with our SHA-256 and owner', () => {
        const store = dir(`${label.replace(/\W/g, '')}.p12`);
        keytool(['-importcert', '-noprompt', '-storetype', 'PKCS12', '-keystore', store, '-storepass', 'changeit', '-alias', 'mine', '-file', file]);
        const listed = certificateSections(keytoolListText(store, 'changeit'));
        const info = describeCertificate(der);
        const section = listed.get(info.sha256);
        assert.ok(section, 'keytool lists a certificate with our SHA-256');
        assert.deepEqual(keytoolCertificateView(info), parseCertificateSection(section));
      });

      it('prints with keytool -printcert with the same subject, serial and SAN', () => {
        const printed = keytool(['-printcert', '-file', file]);
        const info = describeCertificate(der);
        const fields = parseCertificateSection(printed);
        assert.deepEqual([fields.owner, fields.serial, keytoolSubjectAltNames(printed)], [info.subject, info.serialNumber, [...info.subjectAltNames]]);
      });
    });
  }

  describe('distinguished names', () => {
    const names = [
      'CN=localhost, OU=WSO2, O=WSO2, L=Mountain View, ST=CA, C=US',
      'CN=Doe\\, John, OU="R&D, Integration", O=Café Ltd, C=LK',
      'CN=日本 テスト, O=x\\+y, EMAILADDRESS=admin@example.com, DC=example, DC=com',
      'CN=a+OU=b, O=" padded ", L=semi\\;colon, ST=quote\\"d, C=US',
      'CN=x, OID.2.5.4.17=12345, SERIALNUMBER=42, UID=u1, T=Eng, STREET=1 Main St',
      'CN=a=b#c, O=\\ lead\\ , L=#3003020101, ST=#0c03616263, C=US',
    ];

    it('encode to the same DER keytool writes for the same -dname, and print as keytool prints', async () => {
      const store = dir('names.p12');
      const key = await generateKeyPair({ keyAlgorithm: 'EC', curve: 'P-256' });
      names.forEach((dname, i) =>
        keytool(['-genkeypair', '-alias', `n${i}`, '-keyalg', 'EC', '-groupname', 'secp256r1', '-dname', dname, '-validity', '30',
          '-storetype', 'PKCS12', '-keystore', store, '-storepass', 'changeit']),
      );
      const rfc = keytool(['-list', '-rfc', '-keystore', store, '-storepass', 'changeit']);
      const listed = certificateSections(keytoolListText(store, 'changeit'));
      const byAlias = new Map<string, Uint8Array>();
      for (const m of rfc.matchAll(/Alias name: (\S+)[\s\S]*?(-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----)/g)) {
        byAlias.set(m[1], decodeCertificates(m[2])[0]);
      }
      names.forEach((dname, i) => {
        const theirs = byAlias.get(`n${i}`)!;
        const mine = createSelfSignedCertificate({ pkcs8: key.pkcs8, dname, validityDays: 30 });
        const subj = (d: Uint8Array): string => {
          const s = parseCertificate(d).subject;
          return Buffer.from(d.subarray(s.start, s.end)).toString('hex');
        };
        assert.equal(subj(mine), subj(theirs), `DER of ${dname}`);
        const info = describeCertificate(theirs);
        assert.equal(info.subject, parseCertificateSection(listed.get(info.sha256)!).owner, `printing of ${dname}`);
        assert.equal(describeCertificate(mine).subject, info.subject, `our printing of ${dname}`);
      });
    });
  });

  describe('a CSR we create', () => {
    for (const [label, keyOpts] of [
      ['RSA 2048', { keyAlgorithm: 'RSA' as const }],
      ['EC P-256', { keyAlgorithm: 'EC' as const, curve: 'P-256' as const }],
    ] as const) {
      it(`(${label}) is signed by keytool -gencert, keeping subject and SAN`, async () => {
        const key = await generateKeyPair(keyOpts);
        const csrFile = dir(`req-${label.replace(/\W/g, '')}.csr`);
        const outFile = `${csrFile}.crt`;
        fs.writeFileSync(csrFile, encodePem('CERTIFICATE REQUEST', createCsr({
          pkcs8: key.pkcs8, dname: 'CN=mi.example.com, OU=Integration, O=MI Keystores, C=LK', san: ['dns:mi.example.com', 'ip:10.1.2.3'],
        })));
        // keytool copies requested extensions only when told to (`-ext honored=all`); by default it honours none.
        keytool(['-gencert', '-rfc', '-alias', 'ca', '-keystore', fixturePath('ca.jks'), '-storepass', 'changeit',
          '-infile', csrFile, '-outfile', outFile, '-ext', 'honored=all']);
        const issued = decodeCertificates(fs.readFileSync(outFile))[0];
        const info = describeCertificate(issued);
        assert.equal(info.subject, 'CN=mi.example.com, OU=Integration, O=MI Keystores, C=LK');
        assert.deepEqual(info.subjectAltNames, ['DNS:mi.example.com', 'IP:10.1.2.3']);
        assert.equal(isIssuedBy(issued, decodeCertificates(fs.readFileSync(fixturePath('pem/ca.pem')))[0]), true);
      });

      it(`(${label}) is accepted by openssl req -verify`, async () => {
        const key = await generateKeyPair(keyOpts);
        const csrFile = dir(`verify-${label.replace(/\W/g, '')}.csr`);
        fs.writeFileSync(csrFile, encodePem('CERTIFICATE REQUEST', createCsr({ pkcs8: key.pkcs8, dname: 'CN=x, O=y', san: ['dns:x'] })));
        const run = spawnSync('openssl', ['req', '-verify', '-noout', '-in', csrFile], { env: TOOL_ENV, encoding: 'utf8' });
        assert.equal(run.status, 0);
        assert.match(`${run.stdout}${run.stderr}`, /verify OK/);
      });
    }
  });

  describe('describeCertificate against keytool -list -v', () => {
    for (const file of FIXTURE_STORES) {
      it(`agrees on every certificate of fixture ${file}`, () => {
        const certs = decodeCertificates(keytool(['-list', '-rfc', '-keystore', fixturePath(file), '-storepass', fixtureStorePassword(file)]));
        const expected = certificateSections(readExpectedListing(file));
        assert.ok(certs.length > 0);
        for (const der of certs) {
          const info = describeCertificate(der);
          const section = expected.get(info.sha256);
          assert.ok(section, `${file}: keytool lists ${info.sha256}`);
          assert.deepEqual(keytoolCertificateView(info), parseCertificateSection(section));
        }
      });
    }

    for (const file of ['client-truststore.jks', 'wso2carbon.jks', 'client-truststore.kernel-4.9.x-head.jks']) {
      itShared(`agrees on every certificate of WSO2's ${file}`, () => {
        const store = wso2StorePath(file);
        const { password } = wso2Store(file);
        const certs = decodeCertificates(keytool(['-list', '-rfc', '-keystore', store, '-storepass', password]));
        const listed = certificateSections(keytoolListText(store, password));
        assert.ok(certs.length > 100);
        const mismatches = certs
          .map((der) => keytoolCertificateView(describeCertificate(der)))
          .filter((mine) => JSON.stringify(mine) !== JSON.stringify(parseCertificateSection(listed.get(mine.sha256) ?? '')));
        assert.deepEqual(mismatches, []);
      });
    }
  });
});
