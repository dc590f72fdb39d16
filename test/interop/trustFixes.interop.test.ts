/**
 * The edits the trust map's fixes compute: the SSL profile written into MI's profiles file and
 * deployment.toml (real XML, read back by the engine that reads profiles), the dedicated truststore
 * (read by keytool), and MI's listener certificate renewed with the missing names (keytool-made store).
 */
import { strict as assert } from 'node:assert';
import { X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseDeploymentToml } from '../../src/core/config/parse';
import { decodeKeystore, encodeKeystore, findEntry, InvalidInputError } from '../../src/core/keystore/index';
import { describeCertificate } from '../../src/core/keystore';
import { contextFor, parseSslProfiles, senderTlsSettings } from '../../src/core/tls/clientContext';
import { missingSubjectAltNames, renewWithNames } from '../../src/core/tls/listenerRenew';
import { sslProfileChange } from '../../src/core/tls/sslProfileFix';
import { clientKeyCandidates, planDedicatedTruststore } from '../../src/core/tls/trustFixes';
import { buildTrustMap } from '../../src/core/tls/trustMap';
import { FAILING_VERDICTS, type ServerObservation } from '../../src/core/tls/verdict';
import { VERDICT_DOCS } from '../../src/core/tls/verdictDocs';
import type { MiRuntimeHome } from '../../src/core/workspace/discover';
import { buildEffectiveConfig } from '../../src/core/workspace/effectiveConfig';
import { KeystoreCache } from '../../src/core/workspace/keystoreCache';
import { applyChange, applyEdits } from '../helpers/configChange';
import { keytool } from '../helpers/keytool';
import { writeMiProject } from '../helpers/miProject';

describe('trust map fixes: computed edits', function () {
  this.timeout(60_000);
  let home: string;
  let ws: MiRuntimeHome;
  const security = () => path.join(home, 'repository', 'resources', 'security');
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'trustfix-'));
    fs.mkdirSync(path.join(home, 'conf'), { recursive: true });
    fs.mkdirSync(security(), { recursive: true });
    ws = { kind: 'runtime', root: home, deploymentToml: path.join(home, 'conf', 'deployment.toml') };
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  it('documents every failing verdict, each once', () => {
    const actual = VERDICT_DOCS.map((d) => d.code).sort();
    assert.deepEqual(actual, [...FAILING_VERDICTS].sort());
  });

  describe('sslProfileChange', () => {
    const toml = '[server]\nhostname = "localhost"\n\n[transport.http]\nsender.hostname_verifier = "Strict"\n\n[truststore]\nfile_name = "x.jks"\n';
    const ts = { location: 'repository/resources/security/a.p12', type: 'PKCS12', password: 'p<&>' };

    it('creates the profiles file and names it, with MI\'s default interval, in the existing [transport.http]', () => {
      const doc = parseDeploymentToml(toml, ws.deploymentToml);
      const change = sslProfileChange({ toml: doc, profilesFile: '/x/senderprofiles.xml', profilesText: null, profilesWritten: 'conf/sslprofiles/senderprofiles.xml', server: 'api.example.com:443', truststore: ts });
      const created = Buffer.from(change.creates[0].contents).toString('utf8');
      const actual = { created, toml: applyEdits(toml, change.edits) };
      assert.deepEqual(actual, {
        created:
          '<parameter name="customSSLProfiles">\n    <profile>\n        <servers>api.example.com:443</servers>\n        <TrustStore>\n            <Location>repository/resources/security/a.p12</Location>\n            <Type>PKCS12</Type>\n            <Password>p&lt;&amp;&gt;</Password>\n        </TrustStore>\n    </profile>\n</parameter>\n',
        toml: '[server]\nhostname = "localhost"\n\n[transport.http]\nsender.hostname_verifier = "Strict"\nsender.ssl_profile.file_path = "conf/sslprofiles/senderprofiles.xml"\nsender.ssl_profile.read_interval = 600000\n\n[truststore]\nfile_name = "x.jks"\n',
      });
    });

    it('appends a [transport.http] table when there is none, and leaves a named profiles file alone', () => {
      const plain = parseDeploymentToml('[server]\nhostname = "localhost"\n', ws.deploymentToml);
      const named = parseDeploymentToml('[transport.http]\nsender.ssl_profile.file_path = "p.xml"\n', ws.deploymentToml);
      const args = { profilesFile: '/x/p.xml', profilesText: null, profilesWritten: 'p.xml', server: 'h:1', truststore: ts };
      const actual = [applyEdits(plain.text, sslProfileChange({ ...args, toml: plain }).edits), sslProfileChange({ ...args, toml: named }).edits.length];
      assert.deepEqual(actual, ['[server]\nhostname = "localhost"\n\n[transport.http]\nsender.ssl_profile.file_path = "p.xml"\nsender.ssl_profile.read_interval = 600000\n', 0]);
    });

    it('takes the server out of a shared profile, replaces its own one, ignores comments; the engine reads the result', async () => {
      const profiles = path.join(home, 'conf', 'sslprofiles', 'senderprofiles.xml');
      fs.mkdirSync(path.dirname(profiles), { recursive: true });
      const xml = [
        '<parameter name="customSSLProfiles">',
        '  <!-- <profile><servers>api.example.com:443</servers></profile> -->',
        '  <profile>',
        '    <servers>other.example.com:8443, API.example.com:443</servers>',
        '    <TrustStore><Location>repository/resources/security/o.jks</Location><Type>JKS</Type><Password>o</Password></TrustStore>',
        '  </profile>',
        '</parameter>',
        '',
      ].join('\n');
      fs.writeFileSync(profiles, xml);
      const tomlText = '[transport.http]\nsender.ssl_profile.file_path = "conf/sslprofiles/senderprofiles.xml"\n';
      fs.writeFileSync(ws.deploymentToml, tomlText);
      const doc = parseDeploymentToml(tomlText, ws.deploymentToml);
      const ks = { location: 'repository/resources/security/k.p12', type: 'PKCS12', password: 'kp', keyPassword: 'kp' };
      const change = sslProfileChange({ toml: doc, profilesFile: profiles, profilesText: xml, profilesWritten: 'x', server: 'api.example.com:443', truststore: ts, keystore: ks });
      applyChange(change);
      const settings = await senderTlsSettings(buildEffectiveConfig(parseDeploymentToml(tomlText, ws.deploymentToml), ws, { env: {} }));
      const api = contextFor(settings, 'api.example.com', 443);
      const other = contextFor(settings, 'other.example.com', 8443);
      const actual = {
        servers: settings.profiles.map((p) => p.servers),
        api: [api.source, api.truststore.written, api.truststore.password, api.keystore.written, api.keystore.keyPassword],
        other: other.truststore.written,
        commentKept: fs.readFileSync(profiles, 'utf8').includes('<!-- <profile><servers>api.example.com:443</servers></profile> -->'),
      };
      assert.deepEqual(actual, {
        servers: [['other.example.com:8443'], ['api.example.com:443']],
        api: ['ssl-profile', 'repository/resources/security/a.p12', 'p<&>', 'repository/resources/security/k.p12', 'kp'],
        other: 'repository/resources/security/o.jks',
        commentKept: true,
      });
    });

    it('reads and edits hostile 1 MiB profiles files (unclosed comments and tags) within 5 s each', () => {
      const doc = parseDeploymentToml('', ws.deploymentToml);
      const MiB = 1024 * 1024 - 64;
      const hostile = ['<!--', '<profile>', '<profile><servers', '<profile><servers>h:1</servers></profile>'].map((u) => `<parameter name="customSSLProfiles">${u.repeat(Math.floor(MiB / u.length))}</parameter>`);
      for (const text of hostile) {
        const t = Date.now();
        parseSslProfiles(text, '/x/p.xml', ws);
        try {
          sslProfileChange({ toml: doc, profilesFile: '/x/p.xml', profilesText: text, profilesWritten: 'p.xml', server: 'h:1', truststore: ts });
        } catch (err) {
          // An unclosed comment hides </parameter>: refused with its one-line reason, which is right.
          assert.ok(err instanceof InvalidInputError, String(err));
        }
        assert.ok(Date.now() - t < 5000, `${text.slice(36, 60)}…: ${Date.now() - t} ms`);
      }
    });

    it('refuses a profiles file without the customSSLProfiles parameter, and a server that is not host:port', () => {
      const doc = parseDeploymentToml('', ws.deploymentToml);
      const args = { toml: doc, profilesFile: '/x/p.xml', profilesWritten: 'p.xml', truststore: ts };
      assert.throws(() => sslProfileChange({ ...args, profilesText: '<something/>', server: 'h:1' }), /has no <parameter name="customSSLProfiles">/);
      assert.throws(() => sslProfileChange({ ...args, profilesText: null, server: 'h:1</servers>' }), /is not a host:port/);
    });
  });

  describe('planDedicatedTruststore', () => {
    it('writes a PKCS12 store keytool lists with only the CA, and a profile the trust map then uses', async () => {
      // The CA the server chains to, made by keytool.
      const ca = path.join(home, 'ca.p12');
      keytool(['-genkeypair', '-alias', 'ca', '-keyalg', 'RSA', '-keysize', '2048', '-dname', 'CN=Fix Test CA', '-ext', 'bc:c', '-validity', '30', '-keystore', ca, '-storetype', 'PKCS12', '-storepass', 'capass']);
      const caCert = findEntry(await decodeKeystore(new Uint8Array(fs.readFileSync(ca)), 'capass'), 'ca');
      assert.ok(caCert?.kind === 'private-key');
      const sender = path.join(security(), 'client-truststore.jks');
      keytool(['-genkeypair', '-alias', 'x', '-keyalg', 'EC', '-dname', 'CN=x', '-keystore', sender, '-storetype', 'JKS', '-storepass', 'wso2carbon']);
      const tomlText = '[truststore]\nfile_name = "repository/resources/security/client-truststore.jks"\npassword = "wso2carbon"\n';
      fs.writeFileSync(ws.deploymentToml, tomlText);
      const plan = await planDedicatedTruststore(ws, { host: 'API.example.com', port: 8443, certificate: Buffer.from(caCert.chain[0]).toString('base64'), clientAuth: 'none' }, { env: {} });
      applyChange(plan.change);
      const listing = keytool(['-list', '-keystore', plan.storeFile, '-storepass', 'wso2carbon']);
      const settings = await senderTlsSettings(buildEffectiveConfig(parseDeploymentToml(fs.readFileSync(ws.deploymentToml, 'utf8'), ws.deploymentToml), ws, { env: {} }));
      const ctx = contextFor(settings, 'api.example.com', 8443);
      const actual = {
        store: path.relative(home, plan.storeFile),
        entries: [...listing.matchAll(/^(\S+), .*, trustedCertEntry,\s*$/gm)].map((m) => m[1]),
        count: /contains (\d+) entr/.exec(listing)?.[1],
        profile: [ctx.source, ctx.truststore.path === plan.storeFile, ctx.truststore.type, ctx.keystore.absent],
        toml: fs.readFileSync(ws.deploymentToml, 'utf8').endsWith('\n[transport.http]\nsender.ssl_profile.file_path = "conf/sslprofiles/senderprofiles.xml"\nsender.ssl_profile.read_interval = 600000\n'),
      };
      assert.deepEqual(actual, {
        store: 'repository/resources/security/api.example.com-8443-truststore.p12',
        entries: ['api.example.com-ca'],
        count: '1',
        // The server asked for no client certificate: the profile names no KeyStore.
        profile: ['ssl-profile', true, 'PKCS12', true],
        toml: true,
      });
    });

    it("creates a profiles file that deployment.toml names but that does not exist yet under a project's deployment/, which the Dockerfile copies", async () => {
      const project = writeMiProject(path.join(home, 'project'), {
        toml: '[truststore]\nfile_name = "repository/resources/security/client-truststore.jks"\npassword = "wso2carbon"\n\n[transport.http]\nsender.ssl_profile.file_path = "conf/sslprofiles/partners.xml"\n',
        artifacts: {},
      });
      const ca = path.join(home, 'c.p12');
      keytool(['-genkeypair', '-alias', 'c', '-keyalg', 'EC', '-dname', 'CN=c', '-keystore', ca, '-storetype', 'PKCS12', '-storepass', 'changeit']);
      const entry = findEntry(await decodeKeystore(new Uint8Array(fs.readFileSync(ca)), 'changeit'), 'c');
      assert.ok(entry?.kind === 'private-key');
      const plan = await planDedicatedTruststore(project, { host: 'h', port: 1, certificate: Buffer.from(entry.chain[0]).toString('base64'), clientAuth: 'none' }, { env: {} });
      assert.equal(path.relative(project.root, plan.profilesFile), path.join('deployment', 'conf', 'sslprofiles', 'partners.xml'));
    });

    it("does not copy a truststore password deployment.toml keeps in $env{} into the profile, and asks for one instead", async () => {
      const sender = path.join(security(), 'client-truststore.jks');
      keytool(['-genkeypair', '-alias', 'x', '-keyalg', 'EC', '-dname', 'CN=x', '-keystore', sender, '-storetype', 'JKS', '-storepass', 'from-env-1']);
      fs.writeFileSync(ws.deploymentToml, '[truststore]\nfile_name = "repository/resources/security/client-truststore.jks"\npassword = "$env{TS_PW}"\n');
      const entry = findEntry(await decodeKeystore(new Uint8Array(fs.readFileSync(sender)), 'from-env-1'), 'x');
      assert.ok(entry?.kind === 'private-key');
      const input = { host: 'h', port: 1, certificate: Buffer.from(entry.chain[0]).toString('base64'), clientAuth: 'none' as const };
      await assert.rejects(planDedicatedTruststore(ws, input, { env: { TS_PW: 'from-env-1' } }), /needs a password/);
      const plan = await planDedicatedTruststore(ws, { ...input, password: 'given-1' }, { env: { TS_PW: 'from-env-1' } });
      const written = [...plan.change.creates.map((c) => Buffer.from(c.contents).toString('latin1')), ...plan.change.edits.map((e) => e.newText)].join('\n');
      assert.deepEqual([written.includes('from-env-1'), written.includes('<Password>given-1</Password>')], [false, true]);
    });

    it('does not copy a password that is only partly a reference ("pre-$env{X}") into the profile either', async () => {
      const sender = path.join(security(), 'client-truststore.jks');
      keytool(['-genkeypair', '-alias', 'x', '-keyalg', 'EC', '-dname', 'CN=x', '-keystore', sender, '-storetype', 'JKS', '-storepass', 'pre-from-env-2']);
      fs.writeFileSync(ws.deploymentToml, '[truststore]\nfile_name = "repository/resources/security/client-truststore.jks"\npassword = "pre-$env{TS_PW}"\n');
      const entry = findEntry(await decodeKeystore(new Uint8Array(fs.readFileSync(sender)), 'pre-from-env-2'), 'x');
      assert.ok(entry?.kind === 'private-key');
      const input = { host: 'h', port: 1, certificate: Buffer.from(entry.chain[0]).toString('base64'), clientAuth: 'none' as const };
      await assert.rejects(planDedicatedTruststore(ws, input, { env: { TS_PW: 'from-env-2' } }), /needs a password/);
    });

    it('never reuses an existing file name, and asks for a password when the sender truststore\'s is unknown', async () => {
      fs.writeFileSync(path.join(security(), 'h-1-truststore.p12'), 'taken');
      fs.writeFileSync(ws.deploymentToml, '[truststore]\nfile_name = "t.jks"\npassword = "$env{NOPE}"\n');
      const cert = Buffer.from('MIIB').toString('base64');
      await assert.rejects(planDedicatedTruststore(ws, { host: 'h', port: 1, certificate: cert, clientAuth: 'none' }, { env: {} }), /needs a password/);
      const ca = path.join(home, 'c.p12');
      keytool(['-genkeypair', '-alias', 'c', '-keyalg', 'EC', '-dname', 'CN=c', '-keystore', ca, '-storetype', 'PKCS12', '-storepass', 'changeit']);
      const entry = findEntry(await decodeKeystore(new Uint8Array(fs.readFileSync(ca)), 'changeit'), 'c');
      assert.ok(entry?.kind === 'private-key');
      const plan = await planDedicatedTruststore(ws, { host: 'h', port: 1, certificate: Buffer.from(entry.chain[0]).toString('base64'), clientAuth: 'none', password: 'given' }, { env: {} });
      assert.equal(path.basename(plan.storeFile), 'h-1-truststore-2.p12');
    });
  });

  describe('renewWithNames (MI listener certificate)', () => {
    it('lists the names a certificate lacks, IP addresses as IP SANs', () => {
      assert.deepEqual(missingSubjectAltNames(['DNS:localhost'], ['mi.example.com', 'localhost', '10.0.0.1']), ['DNS:mi.example.com', 'IP:10.0.0.1']);
    });

    it('renews a keytool-made CN-only certificate that does not name [server] hostname with the same key, adding the CN host and the missing names; the map turns trusted', async () => {
      const store = path.join(security(), 'wso2carbon.jks');
      keytool(['-genkeypair', '-alias', 'wso2carbon', '-keyalg', 'RSA', '-keysize', '2048', '-dname', 'CN=mi.example.com, O=Test', '-validity', '30', '-keystore', store, '-storetype', 'JKS', '-storepass', 'wso2carbon', '-keypass', 'wso2carbon']);
      fs.writeFileSync(ws.deploymentToml, '[server]\nhostname = "api.example.com"\n\n[keystore.primary]\nfile_name = "repository/resources/security/wso2carbon.jks"\npassword = "wso2carbon"\nalias = "wso2carbon"\nkey_password = "wso2carbon"\n');
      const inboundVerdict = async () => (await buildTrustMap(ws, { env: {}, cache: new KeystoreCache() })).connections.find((c) => c.direction === 'inbound')?.verdict;
      const before = await inboundVerdict();
      const loaded = await decodeKeystore(new Uint8Array(fs.readFileSync(store)), 'wso2carbon');
      const old = findEntry(loaded, 'wso2carbon');
      assert.ok(old?.kind === 'private-key');
      const { store: renewed, added } = await renewWithNames(loaded, 'wso2carbon', 'wso2carbon', ['api.example.com', 'localhost'], { validityDays: 365 });
      fs.writeFileSync(store, await encodeKeystore(renewed, 'wso2carbon'));
      const listing = keytool(['-list', '-v', '-alias', 'wso2carbon', '-keystore', store, '-storepass', 'wso2carbon']);
      const now = findEntry(await decodeKeystore(new Uint8Array(fs.readFileSync(store)), 'wso2carbon'), 'wso2carbon');
      assert.ok(now?.kind === 'private-key');
      const samePublicKey = new X509Certificate(now.chain[0]).publicKey.export({ type: 'spki', format: 'der' }).equals(new X509Certificate(old.chain[0]).publicKey.export({ type: 'spki', format: 'der' }));
      const actual = {
        before,
        added,
        san: /DNSName: mi\.example\.com\s+DNSName: api\.example\.com\s+DNSName: localhost/.test(listing),
        subject: describeCertificate(now.chain[0]).subject,
        samePublicKey,
        after: await inboundVerdict(),
      };
      assert.deepEqual(actual, { before: 'hostname-mismatch', added: ['DNS:mi.example.com', 'DNS:api.example.com', 'DNS:localhost'], san: true, subject: 'CN=mi.example.com, O=Test', samePublicKey: true, after: 'trusted' });
    });

    it('refuses a CA-signed certificate (only its CA can add names)', async () => {
      const store = path.join(home, 'signed.p12');
      keytool(['-genkeypair', '-alias', 'ca', '-keyalg', 'EC', '-dname', 'CN=CA', '-ext', 'bc:c', '-keystore', store, '-storetype', 'PKCS12', '-storepass', 'changeit']);
      keytool(['-genkeypair', '-alias', 'leaf', '-keyalg', 'EC', '-dname', 'CN=leaf', '-keystore', store, '-storetype', 'PKCS12', '-storepass', 'changeit']);
      const csr = keytool(['-certreq', '-alias', 'leaf', '-keystore', store, '-storepass', 'changeit']);
      const csrFile = path.join(home, 'leaf.csr');
      fs.writeFileSync(csrFile, csr);
      const certFile = path.join(home, 'leaf.pem');
      fs.writeFileSync(certFile, keytool(['-gencert', '-rfc', '-alias', 'ca', '-infile', csrFile, '-keystore', store, '-storepass', 'changeit']));
      keytool(['-importcert', '-noprompt', '-alias', 'leaf', '-file', certFile, '-keystore', store, '-storepass', 'changeit']);
      const loaded = await decodeKeystore(new Uint8Array(fs.readFileSync(store)), 'changeit');
      await assert.rejects(renewWithNames(loaded, 'leaf', 'changeit', ['localhost'], { validityDays: 30 }), /signed by a CA/);
    });
  });

  describe('clientKeyCandidates', () => {
    it('offers the configured keystore whose password deployment.toml keeps in the secure vault, opened with the saved password', async () => {
      // The usual cipher-tool setup: [keystore.primary] password = "$secret{…}", which this tool cannot read.
      const store = path.join(security(), 'wso2carbon.jks');
      keytool(['-genkeypair', '-alias', 'wso2carbon', '-keyalg', 'EC', '-dname', 'CN=mi.example.com', '-validity', '30', '-keystore', store, '-storetype', 'JKS', '-storepass', 'vaulted1', '-keypass', 'vaulted1']);
      fs.writeFileSync(ws.deploymentToml, '[keystore.primary]\nfile_name = "repository/resources/security/wso2carbon.jks"\ntype = "JKS"\npassword = "$secret{keystore_password}"\nalias = "wso2carbon"\nkey_password = "$secret{keystore_password}"\n');
      const observation: ServerObservation = { host: 'partner.example.com', port: 443, fetchedAt: new Date().toISOString(), chain: [], versions: {}, clientAuth: 'required', acceptedIssuers: [], clientCertificates: {} };
      const saved = async (file: string) => (file === store ? 'vaulted1' : undefined);
      const [withSaved, without] = [await clientKeyCandidates(ws, observation, { env: {}, cache: new KeystoreCache(), passwordFor: saved }), await clientKeyCandidates(ws, observation, { env: {}, cache: new KeystoreCache() })];
      assert.deepEqual([withSaved.candidates.map((c) => [c.location, c.alias, c.accepted]), without.candidates.length], [[['repository/resources/security/wso2carbon.jks', 'wso2carbon', 'unknown']], 0]);
    });
  });
});
