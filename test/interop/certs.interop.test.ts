/**
 * Certificates, names and requests checked against the real JDK 17 keytool (and OpenSSL for requests):
 * what we build keytool reads back unchanged, and what keytool prints we describe identically.
 */
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateKeyPair } from '../../src/core/keystore/keygen';
import { createSelfSignedCertificate } from '../../src/core/keystore/certBuilder';
import { createCsr } from '../../src/core/keystore/csr';
import { decodeCertificates, encodePem } from '../../src/core/keystore/pem';
import { describeCertificate, formatJavaDate, isIssuedBy, parseCertificate } from '../../src/core/keystore/x509';
import type { CertificateInfo } from '../../src/core/keystore/model';

const ROOT = path.resolve(__dirname, '../..');
const FIXTURES = path.join(ROOT, 'test/fixtures/keystores');
const WSO2 = path.resolve(ROOT, '../shared/fixtures/wso2/keystores');
// keytool prints dates in the JVM's zone: UTC makes them comparable with describeCertificate.
const ENV = { ...process.env, LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8', TZ: 'UTC' };

function keytool(...args: string[]): string {
  return execFileSync('keytool', args, { env: ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Field values of one certificate section of keytool's `-list -v` / `-printcert` text. */
function sectionFields(section: string): Record<string, string> {
  const get = (k: string): string => (new RegExp(`^\\s*${k}: (.*)$`, 'm').exec(section)?.[1] ?? '').replace(/ \((weak|disabled)\)$/, '');
  const valid = /^Valid from: (.*) until: (.*)$/m.exec(section);
  return {
    owner: get('Owner'),
    issuer: get('Issuer'),
    serial: get('Serial number'),
    sha1: get('SHA1'),
    sha256: get('SHA256'),
    sigalg: get('Signature algorithm name'),
    keyalg: get('Subject Public Key Algorithm').replace(/ \(\w+\)/, ''), // keytool adds the curve name to EC
    from: valid?.[1] ?? '',
    until: valid?.[2] ?? '',
  };
}

function ours(info: CertificateInfo): Record<string, string> {
  return {
    owner: info.subject,
    issuer: info.issuer,
    serial: info.serialNumber,
    sha1: info.sha1,
    sha256: info.sha256,
    sigalg: info.signatureAlgorithm,
    keyalg: `${info.publicKeySize}-bit ${info.publicKeyAlgorithm} key`,
    from: formatJavaDate(new Date(info.notBefore)),
    until: formatJavaDate(new Date(info.notAfter)),
  };
}

/** Splits keytool `-list -v` / `-printcert` output into certificate sections, keyed by SHA-256. */
function sectionsBySha256(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of text.split(/^(?=Owner: )/m).slice(1)) {
    const sha = /SHA256: (\S+)/.exec(s)?.[1];
    if (sha) out.set(sha, s);
  }
  return out;
}

/** SAN lines of keytool's extension dump, in our `DNS:x` / `IP:y` form. */
function keytoolSans(section: string): string[] {
  const block = /SubjectAlternativeName \[([\s\S]*?)\]/.exec(section)?.[1] ?? '';
  return [...block.matchAll(/^\s*(DNSName|IPAddress): (.*)$/gm)].map((m) => `${m[1] === 'DNSName' ? 'DNS' : 'IP'}:${m[2]}`);
}

describe('certs interop with keytool 17', function () {
  this.timeout(120000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mi-certs-'));
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

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
        file = path.join(dir, `${label.replace(/\W/g, '')}.pem`);
        fs.writeFileSync(file, encodePem('CERTIFICATE', der));
      });

      it('imports into PKCS12 and lists with our SHA-256 and owner', () => {
        const store = path.join(dir, `${label.replace(/\W/g, '')}.p12`);
        keytool('-importcert', '-noprompt', '-storetype', 'PKCS12', '-keystore', store, '-storepass', 'changeit', '-alias', 'mine', '-file', file);
        const listed = sectionsBySha256(keytool('-list', '-v', '-keystore', store, '-storepass', 'changeit'));
        const info = describeCertificate(der);
        const section = listed.get(info.sha256);
        assert.ok(section, 'keytool lists a certificate with our SHA-256');
        assert.deepEqual(ours(info), sectionFields(section));
      });

      it('prints with keytool -printcert with the same subject, serial and SAN', () => {
        const printed = keytool('-printcert', '-file', file);
        const info = describeCertificate(der);
        const fields = sectionFields(printed);
        assert.deepEqual([fields.owner, fields.serial, keytoolSans(printed)], [info.subject, info.serialNumber, [...info.subjectAltNames]]);
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
      const store = path.join(dir, 'names.p12');
      const key = await generateKeyPair({ keyAlgorithm: 'EC', curve: 'P-256' });
      names.forEach((dname, i) =>
        keytool('-genkeypair', '-alias', `n${i}`, '-keyalg', 'EC', '-groupname', 'secp256r1', '-dname', dname, '-validity', '30',
          '-storetype', 'PKCS12', '-keystore', store, '-storepass', 'changeit'),
      );
      const rfc = keytool('-list', '-rfc', '-keystore', store, '-storepass', 'changeit');
      const listed = sectionsBySha256(keytool('-list', '-v', '-keystore', store, '-storepass', 'changeit'));
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
        assert.equal(info.subject, sectionFields(listed.get(info.sha256)!).owner, `printing of ${dname}`);
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
        const csrFile = path.join(dir, `req-${label.replace(/\W/g, '')}.csr`);
        const outFile = `${csrFile}.crt`;
        fs.writeFileSync(csrFile, encodePem('CERTIFICATE REQUEST', createCsr({
          pkcs8: key.pkcs8, dname: 'CN=mi.example.com, OU=Integration, O=MI Keystores, C=LK', san: ['dns:mi.example.com', 'ip:10.1.2.3'],
        })));
        // keytool copies requested extensions only when told to (`-ext honored=all`); by default it honours none.
        keytool('-gencert', '-rfc', '-alias', 'ca', '-keystore', path.join(FIXTURES, 'ca.jks'), '-storepass', 'changeit',
          '-infile', csrFile, '-outfile', outFile, '-ext', 'honored=all');
        const issued = decodeCertificates(fs.readFileSync(outFile))[0];
        const info = describeCertificate(issued);
        assert.equal(info.subject, 'CN=mi.example.com, OU=Integration, O=MI Keystores, C=LK');
        assert.deepEqual(info.subjectAltNames, ['DNS:mi.example.com', 'IP:10.1.2.3']);
        assert.equal(isIssuedBy(issued, decodeCertificates(fs.readFileSync(path.join(FIXTURES, 'pem/ca.pem')))[0]), true);
      });

      it(`(${label}) is accepted by openssl req -verify`, async () => {
        const key = await generateKeyPair(keyOpts);
        const csrFile = path.join(dir, `verify-${label.replace(/\W/g, '')}.csr`);
        fs.writeFileSync(csrFile, encodePem('CERTIFICATE REQUEST', createCsr({ pkcs8: key.pkcs8, dname: 'CN=x, O=y', san: ['dns:x'] })));
        const run = spawnSync('openssl', ['req', '-verify', '-noout', '-in', csrFile], { env: ENV, encoding: 'utf8' });
        assert.equal(run.status, 0);
        assert.match(`${run.stdout}${run.stderr}`, /verify OK/);
      });
    }
  });

  describe('describeCertificate against keytool -list -v', () => {
    const expectedDir = path.join(FIXTURES, 'expected');
    for (const file of fs.readdirSync(expectedDir).map((f) => f.replace(/\.list\.txt$/, '')).sort()) {
      it(`agrees on every certificate of fixture ${file}`, () => {
        const pw = file === 'jks-keypass.jks' ? 'storepass1' : 'changeit';
        const certs = decodeCertificates(keytool('-list', '-rfc', '-keystore', path.join(FIXTURES, file), '-storepass', pw));
        const expected = sectionsBySha256(fs.readFileSync(path.join(expectedDir, `${file}.list.txt`), 'utf8'));
        assert.ok(certs.length > 0);
        for (const der of certs) {
          const info = describeCertificate(der);
          const section = expected.get(info.sha256);
          assert.ok(section, `${file}: keytool lists ${info.sha256}`);
          assert.deepEqual(ours(info), sectionFields(section));
        }
      });
    }

    for (const file of ['client-truststore.jks', 'wso2carbon.jks', 'client-truststore.kernel-4.9.x-head.jks']) {
      it(`agrees on every certificate of WSO2's ${file} (skipped only when shared/ fixtures are absent)`, function () {
        const store = path.join(WSO2, file);
        if (!fs.existsSync(store)) this.skip(); // shared/ fixtures are laid beside the repo in CI and sessions
        const certs = decodeCertificates(keytool('-list', '-rfc', '-keystore', store, '-storepass', 'wso2carbon'));
        const listed = sectionsBySha256(keytool('-list', '-v', '-keystore', store, '-storepass', 'wso2carbon'));
        assert.ok(certs.length > 100);
        const mismatches = certs
          .map((der) => ours(describeCertificate(der)))
          .filter((mine) => JSON.stringify(mine) !== JSON.stringify(sectionFields(listed.get(mine.sha256) ?? '')));
        assert.deepEqual(mismatches, []);
      });
    }
  });
});
