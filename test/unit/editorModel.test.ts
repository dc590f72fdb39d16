/**
 * The keystore editor's model (src/core/editorModel.ts), built from keytool-made stores and checked
 * against keytool's own listing of them (test/fixtures/keystores/expected).
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { decodeKeystore, decodeCertificates, type Keystore } from '../../src/core/keystore';
import { describeEntry, describeKeystore, expiryState, usagesOf, type LocatedProblem } from '../../src/core/editorModel';
import { parseDeploymentToml } from '../../src/core/config/parse';
import { buildEffectiveConfig } from '../../src/core/workspace/effectiveConfig';
import type { MiProject, MiRuntimeHome } from '../../src/core/workspace/discover';
import { readExpectedListing, readFixture } from '../helpers/fixtures';

async function open(name: string, password = 'changeit'): Promise<Keystore> {
  return decodeKeystore(readFixture(name), password);
}

/** keytool's SHA-256 of the certificate `n` (1-based) of `alias` in its `-list -v` listing of `store`. */
function keytoolSha256(store: string, alias: string, n = 1): string {
  const block = readExpectedListing(store).split('Alias name: ').find((b) => b.startsWith(`${alias}\n`)) ?? '';
  const all = [...block.matchAll(/SHA256: ([0-9A-F:]+)/g)].map((m) => m[1]);
  return all[n - 1];
}

const NOW = new Date('2027-01-01T00:00:00Z');

describe('keystore editor model', () => {
  it('lists key pairs before trusted certificates, whatever the file order', async () => {
    const store = await open('jks-chain.jks');
    const actual = describeKeystore('/x/jks-chain.jks', store, [], { now: NOW }).entries.map((e) => [e.alias, e.kind]);
    const expected = [
      ['server', 'key pair'],
      ['ca', 'trusted certificate'],
    ];
    assert.deepEqual(actual, expected);
  });

  it('gives each row the leaf certificate as keytool lists it', async () => {
    const store = await open('jks-chain.jks');
    const row = describeKeystore('/x/jks-chain.jks', store, [], { now: NOW }).entries[0];
    const actual = { subjectCn: row.subjectCn, issuerCn: row.issuerCn, key: `${row.keyAlgorithm} ${row.keySize}`, sig: row.signatureAlgorithm, sha256: row.sha256, chain: row.chainLength, index: row.index };
    const expected = { subjectCn: 'localhost', issuerCn: 'MI Keystores Test CA', key: 'RSA 2048', sig: 'SHA256withRSA', sha256: keytoolSha256('jks-chain.jks', 'server'), chain: 2, index: store.entries.findIndex((e) => e.alias === 'server') };
    assert.deepEqual(actual, expected);
  });

  it('summarises format, integrity, counts and the nearest expiry', async () => {
    const store = await open('jks-chain.jks');
    const actual = describeKeystore('/x/jks-chain.jks', store, [], { now: NOW }).summary;
    assert.deepEqual(
      { format: actual.format, integrity: actual.integrity, keyPairs: actual.keyPairs, trusted: actual.trustedCertificates, secret: actual.secretKeys, expiry: actual.nearestExpiry?.expiry },
      { format: 'JKS', integrity: 'verified', keyPairs: 1, trusted: 1, secret: 0, expiry: 'valid' },
    );
  });

  it('says a PKCS12 without a MAC has no integrity check', async () => {
    const store = await open('p12-nomac.p12');
    const actual = describeKeystore('/x/p12-nomac.p12', store, []).summary.integrity;
    assert.equal(actual, 'unverifiable');
  });

  it('lists a JCEKS secret key by alias, without certificate columns', async () => {
    const store = await open('jceks.jceks');
    const row = describeKeystore('/x/jceks.jceks', store, []).entries.find((e) => e.alias === 'aeskey');
    const actual = row && { kind: row.kind, sha256: row.sha256, notAfter: row.notAfter, chain: row.chainLength };
    assert.deepEqual(actual, { kind: 'secret key', sha256: '', notAfter: null, chain: 0 });
  });

  it('keeps aliases exactly as the file has them (the webview escapes, the model does not)', async () => {
    const store = await open('jks-unicode.jks');
    const actual = describeKeystore('/x/u.jks', store, []).entries.map((e) => e.alias).sort();
    assert.deepEqual(actual, ['clé-ü', 'smile😀', '日本'].sort());
  });

  it('marks expired and soon-expiring certificates', async () => {
    const store = await open('jks-expired.jks');
    const actual = describeKeystore('/x/e.jks', store, [], { now: NOW }).entries[0].expiry;
    assert.equal(actual, 'expired');
    const soon = expiryState(new Date('2027-01-20T00:00:00Z'), NOW, 30);
    const later = expiryState(new Date('2027-03-01T00:00:00Z'), NOW, 30);
    assert.deepEqual([soon, later], ['expiring', 'valid']);
  });

  it('details the whole chain: DNs, serial, SAN, key usage, EKU, fingerprints, PEM', async () => {
    const store = await open('jks-chain.jks');
    const index = store.entries.findIndex((e) => e.alias === 'server');
    const d = describeEntry(store, index, { now: NOW });
    assert.ok(d);
    const leaf = d.chain[0];
    const actual = {
      length: d.chain.length,
      subject: leaf.subject,
      issuer: leaf.issuer,
      serial: leaf.serialNumber,
      san: leaf.subjectAltNames,
      keyUsage: leaf.keyUsage,
      eku: leaf.extendedKeyUsage,
      sha256: [leaf.sha256, d.chain[1].sha256],
      caConstraints: d.chain[1].basicConstraints,
    };
    const expected = {
      length: 2,
      subject: 'CN=localhost, OU=Integration, O=MI Keystores, L=Colombo, C=LK',
      issuer: 'CN=MI Keystores Test CA, O=MI Keystores, C=LK',
      serial: 'e97dcbab2bacc61e',
      san: ['DNS:localhost'],
      keyUsage: ['DigitalSignature', 'Key_Encipherment'],
      eku: ['serverAuth', 'clientAuth'],
      sha256: [keytoolSha256('jks-chain.jks', 'server', 1), keytoolSha256('jks-chain.jks', 'server', 2)],
      caConstraints: { ca: true, pathLength: null },
    };
    assert.deepEqual(actual, expected);
  });

  it('gives a PEM that decodes back to the certificate in the store', async () => {
    const store = await open('jks-rsa.jks');
    const index = store.entries.findIndex((e) => e.alias === 'server');
    const pem = describeEntry(store, index)?.chain[0].pem ?? '';
    const entry = store.entries[index];
    const expected = entry.kind === 'private-key' ? Buffer.from(entry.chain[0]).toString('hex') : '';
    assert.equal(Buffer.from(decodeCertificates(pem)[0]).toString('hex'), expected);
  });

  it('answers undefined for an index the store does not have', async () => {
    const store = await open('jks-rsa.jks');
    assert.equal(describeEntry(store, 99), undefined);
  });
});

describe('keystore editor "used by"', () => {
  const home: MiRuntimeHome = { kind: 'runtime', root: '/mi', deploymentToml: '/mi/conf/deployment.toml' };
  const toml = [
    '[keystore.primary]',
    'file_name = "repository/resources/security/wso2carbon.jks"',
    'password = "wso2carbon"',
    'alias = "wso2carbon"',
    'key_password = "wso2carbon"',
    '',
    '[truststore]',
    'file_name = "repository/resources/security/client-truststore.jks"',
    'password = "wso2carbon"',
    '',
  ].join('\n');
  const config = buildEffectiveConfig(parseDeploymentToml(toml, home.deploymentToml), home);
  const store = '/mi/repository/resources/security/wso2carbon.jks';
  const consumers = config.stores.filter((s) => s.path === store).map((s) => ({ deploymentToml: home.deploymentToml, store: s }));

  it('names each table that uses the file, with its role and the file_name line', () => {
    const usages = usagesOf(store, consumers, [], []);
    const primary = usages.find((u) => u.source === '[keystore.primary]');
    const actual = primary && { file: primary.file, role: primary.role, line: primary.range.start.line };
    assert.deepEqual(actual, { file: home.deploymentToml, role: 'primary keystore', line: 1 });
    // The truststore's file is another one: it is not among the users of wso2carbon.jks.
    assert.equal(usages.some((u) => u.source === '[truststore]'), false);
  });

  it('says where a consumer without a table of its own takes the file from', () => {
    const internal = usagesOf(store, consumers, [], []).find((u) => u.role === 'internal keystore');
    const actual = internal && { source: internal.source, via: internal.via, line: internal.range.start.line };
    assert.deepEqual(actual, { source: '[keystore.internal]', via: 'keystore.primary.file_name', line: 1 });
  });

  it('shows a problem once, under the first consumer whose lines carry it', () => {
    const problems: LocatedProblem[] = [
      { file: home.deploymentToml, severity: 'warning', code: 'default-password', message: 'Default password.', range: { start: { line: 1, character: 12 }, end: { line: 1, character: 40 } } },
    ];
    const actual = usagesOf(store, consumers, [], problems).filter((u) => u.problems.length > 0).map((u) => u.source);
    assert.deepEqual(actual, ['[keystore.primary]']);
  });

  it('attaches the problems found on the lines of that table, and only those', () => {
    const problems: LocatedProblem[] = [
      { file: home.deploymentToml, severity: 'warning', code: 'default-password', message: 'The primary keystore uses the default password.', range: { start: { line: 2, character: 11 }, end: { line: 2, character: 23 } } },
      { file: home.deploymentToml, severity: 'error', code: 'keystore-not-found', message: 'The truststore is missing.', range: { start: { line: 7, character: 12 }, end: { line: 7, character: 60 } } },
    ];
    const primary = usagesOf(store, consumers, [], problems).find((u) => u.source === '[keystore.primary]');
    const actual = primary?.problems.map((p) => p.code);
    assert.deepEqual(actual, ['default-password']);
  });

  it("lists a project's pom.xml keystore.name and Dockerfile COPY lines that name the file", () => {
    const project: MiProject = {
      kind: 'project',
      root: '/p',
      deploymentToml: '/p/deployment/deployment.toml',
      pomXml: '/p/pom.xml',
      dockerfile: '/p/deployment/docker/Dockerfile',
      resourcesDir: '/p/deployment/docker/resources',
    };
    const file = path.join(project.resourcesDir, 'wso2carbon.jks');
    const pcfg = buildEffectiveConfig(parseDeploymentToml(toml, project.deploymentToml), project);
    const pconsumers = pcfg.stores.filter((s) => s.path === file).map((s) => ({ deploymentToml: project.deploymentToml, store: s }));
    const pom = '<project>\n  <properties>\n    <keystore.name>wso2carbon.jks</keystore.name>\n  </properties>\n</project>\n';
    const dockerfile = 'FROM x\nCOPY resources/wso2carbon.jks ${WSO2_SERVER_HOME}/repository/resources/security/wso2carbon.jks\n';
    const usages = usagesOf(file, pconsumers, [{ workspace: project, pomXml: pom, dockerfile }], []);
    const actual = usages.filter((u) => u.file !== project.deploymentToml).map((u) => [u.source, u.range.start.line, u.role]);
    const expected = [
      ['pom.xml keystore.name', 2, 'cipher tool keystore'],
      ['Dockerfile COPY', 1, 'copied into the image as repository/resources/security/wso2carbon.jks'],
    ];
    assert.deepEqual(actual, expected);
  });
});
