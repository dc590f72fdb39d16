/**
 * The trust map engine on certificates made by openssl and a truststore made by keytool: the JDK's
 * path rules decided offline, Synapse's host name rule, the certificate a fix imports, remembered
 * observations, and the `mi-keystores tls` command end to end against local servers.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeCertificates, decodeKeystore, sha256Fingerprint } from '../../src/core/keystore';
import { certificateToTrust, checkServerChain, trustAnchorsOf, type TrustAnchor } from '../../src/core/tls/certPath';
import { verifyHostname, parseHostnameVerifier } from '../../src/core/tls/hostnameVerifier';
import { buildTrustMap, serverKey } from '../../src/core/tls/trustMap';
import { KeystoreCache } from '../../src/core/workspace/keystoreCache';
import { makeTestPki, openssl, startTlsServer, type Identity, type TestPki } from '../helpers/tlsPki';
import { tomlFor, writeMiProject } from '../helpers/miProject';
import { keytool } from '../helpers/keytool';
import { runCli } from '../helpers/cli';

const certOf = (id: Identity) => decodeCertificates(fs.readFileSync(id.cert, 'utf8'))[0];

describe('trust map engine (openssl PKI, keytool truststore)', function () {
  this.timeout(120_000);
  let tmp: string;
  let pki: TestPki;
  let anchors: TrustAnchor[];
  // A minute ahead: the certificates are made in before(), and their validity starts at that second.
  const now = () => new Date(Date.now() + 60_000);

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'trustmap-engine-'));
    pki = makeTestPki(path.join(tmp, 'pki'));
    anchors = trustAnchorsOf(await decodeKeystore(new Uint8Array(fs.readFileSync(pki.truststore)), 'trustpass'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  describe('JDK path rules, offline', () => {
    it('rejects an MD5-signed certificate whatever the anchor', () => {
      const actual = checkServerChain([certOf(pki.leaves.md5), certOf(pki.intermediate)], anchors, { now: now() });
      assert.deepEqual([actual.ok, !actual.ok && actual.verdict], [false, 'algorithm-disabled']);
    });

    it('rejects SHA-1 only under a CA of the JDK cacerts', () => {
      const chain = [certOf(pki.leaves.sha1), certOf(pki.intermediate)];
      const rootSha = sha256Fingerprint(certOf(pki.root));
      const underJdkCa = checkServerChain(chain, anchors, { now: now(), jdkCaSha256: new Set([rootSha]) });
      const underPrivate = checkServerChain(chain, anchors, { now: now() });
      assert.deepEqual([underJdkCa.ok, !underJdkCa.ok && underJdkCa.verdict, underPrivate.ok], [false, 'algorithm-disabled', true]);
    });

    it('accepts a leaf that is itself in the truststore, even expired (PKIXValidator returns it unchecked)', () => {
      const leaf = certOf(pki.leaves.expired);
      const actual = checkServerChain([leaf, certOf(pki.intermediate)], [{ alias: 'pinned', der: leaf }], { now: now() });
      assert.equal(actual.ok, true);
    });

    it('names the missing root when the server sends leaf and intermediate', () => {
      const actual = checkServerChain([certOf(pki.leaves.good), certOf(pki.intermediate)], [], { now: now() });
      assert.deepEqual([!actual.ok && actual.verdict, !actual.ok && actual.missingCa], ['untrusted', 'CN=Test Root CA, O=Trust Map Tests']);
    });

    it('builds a path through an intermediate held by the truststore', () => {
      const withIntermediate = [...anchors, { alias: 'inter', der: certOf(pki.intermediate) }];
      const actual = checkServerChain([certOf(pki.leaves.good)], withIntermediate, { now: now() });
      assert.equal(actual.ok, true);
    });

    it('offers the top-most CA the server sent, never the leaf when a CA is there', () => {
      const inter = certOf(pki.intermediate);
      const actual = [
        certificateToTrust([certOf(pki.leaves.good), inter]),
        certificateToTrust([certOf(pki.leaves.selfSigned)]),
        certificateToTrust([certOf(pki.leaves.good)]),
      ].map((c) => (c ? sha256Fingerprint(c) : null));
      assert.deepEqual(actual, [sha256Fingerprint(inter), sha256Fingerprint(certOf(pki.leaves.selfSigned)), null]);
    });
  });

  describe("Synapse's host name rule", () => {
    it('checks the CN and DNS names by the verifier setting', () => {
      const good = certOf(pki.leaves.good); // CN=127.0.0.1, SAN IP:127.0.0.1, DNS:localhost
      const other = certOf(pki.leaves.mismatch); // CN and DNS other.example.com
      const ok = (v: string | undefined, host: string, leaf: Uint8Array) => verifyHostname(parseHostnameVerifier(v), host, leaf).ok;
      const actual = [
        ok(undefined, '127.0.0.1', good),
        ok(undefined, 'localhost', good),
        ok(undefined, '127.0.0.1', other),
        ok('DefaultAndLocalhost', '127.0.0.1', other),
        ok('DefaultAndLocalhost', 'api.example.com', other),
        ok('Strict', 'OTHER.example.com', other),
        ok('AllowAll', 'anything', other),
        ok('allowall', 'anything', other),
        ok('default', 'other.example.com', other),
      ];
      assert.deepEqual(actual, [true, true, false, true, false, true, true, true, true]);
    });

    // What httpclient 4.5.13's AbstractVerifier (wso2-synapse's version) decides, run under Synapse's
    // ClientSSLSetupHandler verifiers: SANs of the host's kind first, the CN only without them.
    it('reads SANs of the host kind first and the CN only without them, as httpclient 4.5 does', () => {
      const cert = (name: string, subject: string, san?: string) => {
        const out = path.join(tmp, `hv-${name}.crt`);
        const key = path.join(tmp, `hv-${name}.key`);
        openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', out, '-subj', subject, '-days', '2', ...(san ? ['-addext', `subjectAltName=${san}`] : [])], tmp);
        return decodeCertificates(fs.readFileSync(out, 'utf8'))[0];
      };
      const sanOther = cert('san-other', '/CN=localhost', 'DNS:api.example.org');
      const ipOnly = cert('ip-only', '/CN=myserver', 'IP:10.1.2.3,IP:::1');
      const cnWildcard = cert('cn-wildcard', '/O=x/CN=*.example.com');
      const prefixWildcard = cert('prefix-wildcard', '/CN=x', 'DNS:api*.corp.example.com,DNS:*.co.uk');
      const loopback = cert('loopback-dns', '/CN=loopback', 'DNS:localhost');
      const check = (host: string, leaf: Uint8Array, v?: string) => verifyHostname(parseHostnameVerifier(v), host, leaf).ok;
      const actual = {
        // The CN names the host, but a DNS SAN exists that does not: httpclient 4.5 refuses.
        cnIgnoredBesideDnsSan: check('localhost', sanOther),
        ipSan: check('10.1.2.3', ipOnly),
        ipv6San: check('[0:0:0:0:0:0:0:1]', ipOnly),
        // An IP SAN says nothing about a name: with no DNS SAN the CN decides.
        nameAgainstCn: [check('myserver', ipOnly), check('other', ipOnly)],
        cnWildcard: [check('a.example.com', cnWildcard), check('a.b.example.com', cnWildcard), check('a.b.example.com', cnWildcard, 'Strict'), check('example.com', cnWildcard)],
        prefixWildcard: [check('api1.corp.example.com', prefixWildcard), check('web.corp.example.com', prefixWildcard)],
        countryWildcard: [check('shop.co.uk', prefixWildcard), check('shop.co.uk', prefixWildcard, 'Strict')],
        // 127.0.0.1 resolves back to localhost, the name MI then checks.
        loopbackByName: check('127.0.0.1', loopback),
      };
      assert.deepEqual(actual, {
        cnIgnoredBesideDnsSan: false,
        ipSan: true,
        ipv6San: true,
        nameAgainstCn: [true, false],
        cnWildcard: [true, true, false, false],
        prefixWildcard: [true, false],
        countryWildcard: [true, false],
        loopbackByName: true,
      });
      // The JDK's own check (WSDL fetches): wildcards within any label but the last, two-label names included.
      const twoLabel = cert('two-label', '/CN=x', 'DNS:*.local,DNS:web-*.svc.example');
      const jdk = (host: string, leaf: Uint8Array) => verifyHostname({ name: 'JDK' }, host, leaf).ok;
      assert.deepEqual(
        [jdk('a.local', twoLabel), jdk('web-1.svc.example', twoLabel), jdk('a.b.local', twoLabel), jdk('shop.co.uk', prefixWildcard), jdk('10.1.2.3', ipOnly), jdk('myserver', ipOnly)],
        [true, true, false, true, true, true],
      );
      const other = verifyHostname({ name: 'Default' }, '10.9.9.9', ipOnly);
      assert.ok(!other.ok && other.reason.includes('reverse DNS'), JSON.stringify(other));
    });
  });

  describe('remembered observations and the fix', () => {
    it('decides offline from a remembered observation, and the imported CA turns it trusted', async () => {
      const server = await startTlsServer(pki, { leaf: pki.leaves.selfSigned });
      const store = path.join(tmp, 'fix-truststore.jks');
      fs.copyFileSync(pki.truststore, store);
      const ws = writeMiProject(path.join(tmp, 'fix'), {
        toml: tomlFor({ truststore: store, keystore: pki.clientKeystore, keyAlias: 'client' }),
        artifacts: { 'endpoints/E.xml': `<endpoint name="E"><address uri="https://127.0.0.1:${server.port}/"/></endpoint>` },
      });
      const first = await buildTrustMap(ws, { env: {}, cache: new KeystoreCache(), connect: { timeoutMs: 5000 } });
      await server.close();
      const remembered = new Map(first.observations.map((o) => [serverKey(o.host, o.port), o]));
      const offline = await buildTrustMap(ws, { env: {}, cache: new KeystoreCache(), observations: remembered });
      const conn = offline.connections.find((c) => c.direction === 'outbound');
      assert.ok(conn?.trustCandidate);
      fs.writeFileSync(path.join(tmp, 'candidate.der'), Buffer.from(conn.trustCandidate, 'base64'));
      keytool(['-importcert', '-noprompt', '-alias', 'fixed', '-file', path.join(tmp, 'candidate.der'), '-keystore', store, '-storepass', 'trustpass']);
      const after = await buildTrustMap(ws, { env: {}, cache: new KeystoreCache(), observations: remembered });
      const actual = [conn.verdict, after.connections.find((c) => c.direction === 'outbound')?.verdict];
      assert.deepEqual(actual, ['untrusted', 'trusted']);
    });
  });

  // Synapse's ClientConnFactory.getSSLContext: the profile for getHostName():port (a loopback address is
  // `localhost`), else the catch-all `*`, else the sender; novalidatecert="true" without a TrustStore trusts all.
  describe('SSL profiles as MI looks them up', () => {
    let servers: { port: number; close: () => Promise<void> }[];
    let otherTruststore: string;
    before(async () => {
      servers = [await startTlsServer(pki, { leaf: pki.leaves.good, sendIntermediate: true }), await startTlsServer(pki, { leaf: pki.leaves.selfSigned })];
      otherTruststore = path.join(tmp, 'other-truststore.jks');
      keytool(['-importcert', '-noprompt', '-alias', 'clientca', '-file', pki.clientCa.cert, '-keystore', otherTruststore, '-storetype', 'JKS', '-storepass', 'trustpass']);
    });
    after(async () => {
      for (const s of servers) await s.close();
    });

    const verdictsWith = async (name: string, profiles: string) => {
      const ws = writeMiProject(path.join(tmp, `profiles-${name}`), {
        toml: `${tomlFor({ truststore: otherTruststore, keystore: pki.clientKeystore, keyAlias: 'client' })}\n[transport.http]\nsender.ssl_profile.file_path = "conf/sslprofiles/senderprofiles.xml"\n`,
        artifacts: {
          'endpoints/Good.xml': `<endpoint name="Good"><address uri="https://127.0.0.1:${servers[0].port}/a"/></endpoint>`,
          'endpoints/Self.xml': `<endpoint name="Self"><address uri="https://localhost:${servers[1].port}/b"/></endpoint>`,
        },
      });
      const file = path.join(ws.root, 'deployment', 'conf', 'sslprofiles', 'senderprofiles.xml');
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, `<parameter name="customSSLProfiles">${profiles}</parameter>`);
      const map = await buildTrustMap(ws, { env: {}, cache: new KeystoreCache(), connect: { timeoutMs: 5000 } });
      return map.connections.filter((c) => c.direction === 'outbound').map((c) => c.verdict);
    };
    const trusting = (servers: string, attrs = '') =>
      `<profile${attrs}><servers>${servers}</servers><TrustStore><Location>${pki.truststore}</Location><Type>JKS</Type><Password>trustpass</Password></TrustStore></profile>`;

    it('uses the catch-all profile for every server without its own', async () => {
      assert.deepEqual(await verdictsWith('catch-all', trusting('*')), ['trusted', 'untrusted']);
    });

    it('looks a loopback address up as localhost, so a profile keyed 127.0.0.1 is not used', async () => {
      const actual = [await verdictsWith('by-ip', trusting(`127.0.0.1:${servers[0].port}`)), await verdictsWith('by-name', trusting(`localhost:${servers[0].port}`))];
      assert.deepEqual(actual, [
        ['untrusted', 'untrusted'],
        ['trusted', 'untrusted'],
      ]);
    });

    it('trusts any certificate under novalidatecert="true" without a TrustStore, and ignores it beside one', async () => {
      const port = servers[1].port;
      const actual = [
        await verdictsWith('novalidate', `<profile novalidatecert="true"><servers>localhost:${port}</servers></profile>`),
        await verdictsWith('novalidate-ts', trusting(`localhost:${port}`, ' novalidatecert="true"')),
      ];
      assert.deepEqual(actual, [
        ['untrusted', 'trusted'],
        ['untrusted', 'untrusted'],
      ]);
    });
  });

  // OAuthClient makes the token request with NoopHostnameVerifier; a WSDL is fetched at deployment by the JDK's
  // HttpsURLConnection, whose host name check reads SANs of the host's kind and no profile.
  describe('how MI makes the call', () => {
    it('checks no host name for an OAuth token URL, and the JDK\'s for a WSDL fetch', async () => {
      const good = await startTlsServer(pki, { leaf: pki.leaves.good, sendIntermediate: true });
      const other = await startTlsServer(pki, { leaf: pki.leaves.mismatch, sendIntermediate: true });
      try {
        const ws = writeMiProject(path.join(tmp, 'kinds'), {
          toml: tomlFor({ truststore: pki.truststore, keystore: pki.clientKeystore, keyAlias: 'client' }),
          artifacts: {
            'endpoints/Api.xml': `<endpoint name="Api"><http method="get" uri-template="https://127.0.0.1:${other.port}/api"><authentication><oauth><clientCredentials>
  <tokenUrl>https://127.0.0.1:${other.port}/token</tokenUrl>
</clientCredentials></oauth></authentication></http></endpoint>`,
            'endpoints/Wsdl.xml': `<endpoint name="Wsdl"><wsdl uri="https://127.0.0.1:${good.port}/?wsdl" service="S" port="P"/></endpoint>`,
            'endpoints/WsdlOther.xml': `<endpoint name="WsdlOther"><wsdl uri="https://localhost:${other.port}/?wsdl" service="S" port="P"/></endpoint>`,
          },
        });
        const map = await buildTrustMap(ws, { env: {}, cache: new KeystoreCache(), connect: { timeoutMs: 5000 } });
        const actual = map.connections.filter((c) => c.direction === 'outbound').map((c) => [path.basename(c.file), c.kind, c.verdict]);
        assert.deepEqual(actual, [
          ['Api.xml', 'call', 'hostname-mismatch'],
          ['Api.xml', 'oauth-token', 'trusted'],
          ['Wsdl.xml', 'wsdl', 'trusted'],
          ['WsdlOther.xml', 'wsdl', 'hostname-mismatch'],
        ]);
      } finally {
        await good.close();
        await other.close();
      }
    });
  });

  // MI's ConfigDeployer imports a project's `cert` configurables into the HTTPS sender truststore at deployment
  // (WSO2's externalized-configuration guide: `http_connection_cert:cert`).
  describe('cert configurables', () => {
    it('trusts a server whose certificate a cert configurable names, and only through the sender truststore', async () => {
      const server = await startTlsServer(pki, { leaf: pki.leaves.selfSigned });
      try {
        const verdictWith = async (name: string, env: string) => {
          const ws = writeMiProject(path.join(tmp, name), {
            toml: tomlFor({ truststore: pki.truststore, keystore: pki.clientKeystore, keyAlias: 'client' }),
            artifacts: { 'endpoints/E.xml': `<endpoint name="E"><address uri="\${configs.url}"/></endpoint>` },
            env,
          });
          const conf = path.join(ws.root, 'src', 'main', 'wso2mi', 'resources', 'conf');
          fs.mkdirSync(conf, { recursive: true });
          fs.writeFileSync(path.join(conf, 'config.properties'), 'url:string\nbackend_cert:cert\n');
          const map = await buildTrustMap(ws, { env: {}, cache: new KeystoreCache(), connect: { timeoutMs: 5000 } });
          const c = map.connections.find((x) => x.direction === 'outbound');
          return [c?.verdict, /cert configurable/.test(c?.message ?? '')];
        };
        const url = `url=https://127.0.0.1:${server.port}/svc\n`;
        const actual = [await verdictWith('cert-configurable', `${url}backend_cert=${pki.leaves.selfSigned.cert}\n`), await verdictWith('no-cert-configurable', url)];
        assert.deepEqual(actual, [
          ['trusted', true],
          ['untrusted', false],
        ]);
      } finally {
        await server.close();
      }
    });
  });

  // WSO2's "HTTPS Inbound Endpoint": a listener of its own, serving the key of its <KeyStore>.
  describe('HTTPS inbound endpoints', () => {
    it('judges the key each one serves: expired, valid, or a store that cannot be read', async () => {
      const p12 = (name: string, id: Identity, chainFile?: string) => {
        const out = path.join(tmp, `${name}.p12`);
        openssl(['pkcs12', '-export', '-inkey', id.key, '-in', id.cert, ...(chainFile ? ['-certfile', chainFile] : []), '-name', name, '-out', out, '-passout', 'pass:inboundpw'], tmp);
        return out;
      };
      const endpoint = (name: string, store: string, password = 'inboundpw') =>
        `<inboundEndpoint name="${name}" protocol="https" suspend="false" sequence="In" onError="fault" xmlns="http://ws.apache.org/ns/synapse"><parameters>
  <parameter name="inbound.http.port">8085</parameter>
  <parameter name="keystore"><KeyStore><Location>${store}</Location><Type>PKCS12</Type><Password>${password}</Password><KeyPassword>${password}</KeyPassword></KeyStore></parameter>
</parameters></inboundEndpoint>`;
      const ws = writeMiProject(path.join(tmp, 'inbounds'), {
        toml: tomlFor({ truststore: pki.truststore, keystore: pki.clientKeystore, keyAlias: 'client' }),
        artifacts: {
          'inbound-endpoints/Expired.xml': endpoint('Expired', p12('expired-in', pki.leaves.expired, pki.intermediate.cert)),
          'inbound-endpoints/Good.xml': endpoint('Good', p12('good-in', pki.leaves.good, pki.intermediate.cert)),
          'inbound-endpoints/Wrong.xml': endpoint('Wrong', path.join(tmp, 'good-in.p12'), 'not-the-password'),
          'inbound-endpoints/Plain.xml': '<inboundEndpoint name="Plain" protocol="http"><parameters><parameter name="inbound.http.port">8086</parameter></parameters></inboundEndpoint>',
        },
      });
      const map = await buildTrustMap(ws, { env: {}, cache: new KeystoreCache(), now: now() });
      const actual = map.connections.filter((c) => c.artifact.startsWith('inboundEndpoint')).map((c) => [c.artifact, c.port, c.verdict]);
      assert.deepEqual(actual, [
        ['inboundEndpoint Expired', 8085, 'expired'],
        ['inboundEndpoint Good', 8085, 'trusted'],
        ['inboundEndpoint Wrong', 8085, 'not-checked'],
      ]);
    });
  });

  describe('mi-keystores tls', () => {
    let dir: string;
    let servers: { port: number; close: () => Promise<void> }[];
    before(async () => {
      servers = [await startTlsServer(pki, { leaf: pki.leaves.good, sendIntermediate: true }), await startTlsServer(pki, { leaf: pki.leaves.selfSigned })];
      dir = path.join(tmp, 'cli');
      writeMiProject(dir, {
        toml: tomlFor({ truststore: pki.truststore, keystore: pki.clientKeystore, keyAlias: 'client' }),
        artifacts: {
          'endpoints/Good.xml': `<endpoint name="Good"><address uri="https://127.0.0.1:${servers[0].port}/a"/></endpoint>`,
          'endpoints/Self.xml': `<endpoint name="Self"><address uri="https://127.0.0.1:${servers[1].port}/b"/></endpoint>`,
        },
      });
    });
    after(async () => {
      for (const s of servers) await s.close();
    });

    it('--connect --format json prints the map in its documented shape and exits 1 on a failure', async () => {
      const run = await runCli(['tls', dir, '--connect', '--timeout', '5000', '--format', 'json'], { env: {}, cwd: tmp });
      const out = JSON.parse(run.stdout) as { connections: Record<string, unknown>[] };
      const outbound = out.connections.filter((c) => c.direction === 'outbound');
      const actual = {
        code: run.code,
        keys: Object.keys(outbound[0]),
        verdicts: outbound.map((c) => [c.file, c.line, c.column, c.verdict, (c.chain as unknown[]).length]),
      };
      assert.deepEqual(actual, {
        code: 1,
        keys: ['file', 'line', 'column', 'url', 'host', 'port', 'direction', 'truststore', 'verdict', 'message', 'chain'],
        verdicts: [
          ['src/main/wso2mi/artifacts/endpoints/Good.xml', 1, 37, 'trusted', 2],
          ['src/main/wso2mi/artifacts/endpoints/Self.xml', 1, 37, 'untrusted', 1],
        ],
      });
    });

    // The project's primary keystore holds a clientAuth-only key, so MI's own listener (inbound) fails too.
    it('stays offline without --connect: every server not-checked; the inbound listener is judged from the keystore', async () => {
      const run = await runCli(['tls', dir], { env: {}, cwd: tmp });
      const verdicts = run.stdout.trim().split('\n').map((l) => [l.split(' ')[1], l.split(' ')[3]]);
      assert.deepEqual([run.code, verdicts], [1, [['not-checked', 'outbound'], ['not-checked', 'outbound'], ['untrusted', 'inbound']]]);
    });

    it('exits 2 on a usage error', async () => {
      const run = await runCli(['tls', dir, '--format', 'xml'], { env: {}, cwd: tmp });
      assert.equal(run.code, 2);
    });

    it('--format sarif reports the failing connection as an error on the URL', async () => {
      const run = await runCli(['tls', dir, '--connect', '--format', 'sarif'], { env: {}, cwd: tmp });
      const sarif = JSON.parse(run.stdout) as { runs: { results: { ruleId: string; level: string }[] }[] };
      const actual = sarif.runs[0].results.map((r) => [r.ruleId, r.level]);
      assert.deepEqual(actual, [['tls-untrusted', 'error'], ['tls-untrusted', 'error']]);
    });
  });
});
