/**
 * The trust map's SSL-profile fixes against local TLS servers on 127.0.0.1 and the JDK: the engine plans
 * the profile (a dedicated truststore for an untrusted server; a workspace client key for a server that
 * requires one), the change is applied, the map judges the server by the profile's stores, and the JSSE
 * oracle (test/oracle/TlsOracle.java) connecting with those same stores agrees.
 */
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildTrustMap, serverKey, type TrustMap } from '../../src/core/tls/trustMap';
import { parseDeploymentToml } from '../../src/core/config/parse';
import { sslProfileChange } from '../../src/core/tls/sslProfileFix';
import { clientKeyCandidates, planClientKeyProfile, planDedicatedTruststore } from '../../src/core/tls/trustFixes';
import type { MiProject } from '../../src/core/workspace/discover';
import { KeystoreCache } from '../../src/core/workspace/keystoreCache';
import { applyChange } from '../helpers/configChange';
import { keytool } from '../helpers/keytool';
import { tomlFor, writeMiProject } from '../helpers/miProject';
import { compileTlsOracle, makeTestPki, startTlsServer, type ServerSpec, type TestPki } from '../helpers/tlsPki';

const execFileAsync = promisify(execFile);

/** The oracle's one-word outcome (it keeps answering while the servers of this process run). */
async function oracle(dir: string, port: number, truststore: [string, string, string], keystore: [string, string, string] | null): Promise<string> {
  const ks = keystore ? [...keystore, keystore[2]] : ['-', '-', '-', '-'];
  try {
    const r = await execFileAsync('java', ['-cp', dir, 'TlsOracle', '127.0.0.1', String(port), '5000', ...truststore, ...ks, 'TLSv1.3,TLSv1.2', 'Default'], { encoding: 'utf8' });
    return r.stdout.trim();
  } catch (err) {
    return String((err as { stdout?: string }).stdout ?? err).trim();
  }
}

const outbound = (m: TrustMap) => m.connections.find((c) => c.direction === 'outbound');

describe('trust map fixes agree with JSSE (SSL profiles, local servers)', function () {
  this.timeout(120_000);
  let tmp: string;
  let pki: TestPki;
  let oracleDir: string;
  /** A truststore that trusts only the client CA: servers of the test root are untrusted. */
  let otherTruststore: string;

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'trustfix-oracle-'));
    pki = makeTestPki(path.join(tmp, 'pki'));
    oracleDir = compileTlsOracle(path.join(tmp, 'oracle'));
    otherTruststore = path.join(tmp, 'other-truststore.jks');
    keytool(['-importcert', '-noprompt', '-alias', 'clientca', '-file', pki.clientCa.cert, '-keystore', otherTruststore, '-storetype', 'JKS', '-storepass', 'trustpass']);
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const project = (name: string, port: number, truststore: string, keystore: string, keyAlias: string): MiProject =>
    writeMiProject(path.join(tmp, name), {
      toml: tomlFor({ truststore, keystore, keyAlias }),
      artifacts: { 'endpoints/Backend.xml': `<endpoint name="Backend" xmlns="http://ws.apache.org/ns/synapse">\n  <address uri="https://127.0.0.1:${port}/service"/>\n</endpoint>\n` },
    });

  it('untrusted server: the dedicated truststore profile turns it trusted, and JSSE with that truststore agrees', async () => {
    const server = await startTlsServer(pki, { leaf: pki.leaves.good, sendIntermediate: true });
    try {
      const ws = project('untrusted', server.port, otherTruststore, pki.clientKeystore, 'client');
      const first = await buildTrustMap(ws, { env: {}, cache: new KeystoreCache(), connect: { timeoutMs: 5000 } });
      const conn = outbound(first);
      assert.ok(conn?.trustCandidate, conn?.message);
      const plan = await planDedicatedTruststore(ws, { host: '127.0.0.1', port: server.port, certificate: conn.trustCandidate, clientAuth: first.observations[0].clientAuth }, { env: {} });
      applyChange(plan.change);
      const remembered = new Map(first.observations.map((o) => [serverKey(o.host, o.port), o]));
      const after = outbound(await buildTrustMap(ws, { env: {}, cache: new KeystoreCache(), observations: remembered }));
      const jdk = await oracle(oracleDir, server.port, [plan.storeFile, 'PKCS12', 'trustpass'], [pki.clientKeystore, 'PKCS12', 'clientpass']);
      const actual = [conn.verdict, after?.verdict, after?.truststore, jdk];
      assert.deepEqual(actual, ['untrusted', 'trusted', `repository/resources/security/127.0.0.1-${server.port}-truststore.p12`, 'trusted']);
    } finally {
      await server.close();
    }
  });

  it('a profile naming only a TrustStore presents no client certificate (Synapse: no key managers), as JSSE without one', async () => {
    const server = await startTlsServer(pki, { leaf: pki.leaves.good, sendIntermediate: true, requireClientCa: pki.clientCa });
    try {
      const ws = project('trust-only', server.port, pki.truststore, pki.clientKeystore, 'client');
      const first = await buildTrustMap(ws, { env: {}, cache: new KeystoreCache(), connect: { timeoutMs: 5000 } });
      const toml = fs.readFileSync(ws.deploymentToml, 'utf8');
      const profiles = path.join(ws.root, 'deployment', 'conf', 'sslprofiles', 'senderprofiles.xml');
      applyChange(
        sslProfileChange({
          toml: parseDeploymentToml(toml, ws.deploymentToml),
          profilesFile: profiles,
          profilesText: null,
          profilesWritten: 'conf/sslprofiles/senderprofiles.xml',
          server: `localhost:${server.port}`, // MI looks 127.0.0.1 up as localhost
          truststore: { location: pki.truststore, type: 'JKS', password: 'trustpass' },
        }),
      );
      const after = outbound(await buildTrustMap(ws, { env: {}, cache: new KeystoreCache(), connect: { timeoutMs: 5000 } }));
      const jdk = await oracle(oracleDir, server.port, [pki.truststore, 'JKS', 'trustpass'], null);
      const actual = [outbound(first)?.verdict, after?.verdict, jdk];
      assert.deepEqual(actual, ['trusted', 'client-certificate-required', 'client-certificate-required']);
    } finally {
      await server.close();
    }
  });

  const mutual: [string, ServerSpec['maxVersion']][] = [
    ['TLS 1.2, CA names visible', 'TLSv1.2'],
    ['TLS 1.3, no CA names', 'TLSv1.3'],
  ];
  for (const [name, maxVersion] of mutual) {
    it(`client certificate required (${name}): the chosen workspace key turns it trusted, and JSSE with that keystore agrees`, async () => {
      const server = await startTlsServer(pki, { leaf: pki.leaves.good, sendIntermediate: true, requireClientCa: pki.clientCa, ...(maxVersion ? { maxVersion } : {}) });
      try {
        // The sender presents the stranger key; the client key lies in the project's security folder.
        const ws = project(`mutual-${maxVersion}`, server.port, pki.truststore, pki.strangerKeystore, 'stranger');
        fs.mkdirSync(ws.resourcesDir, { recursive: true });
        const clientStore = path.join(ws.resourcesDir, 'partner-client.p12');
        fs.copyFileSync(pki.clientKeystore, clientStore);
        const first = await buildTrustMap(ws, { env: {}, cache: new KeystoreCache(), connect: { timeoutMs: 5000 } });
        const { candidates } = await clientKeyCandidates(ws, first.observations[0], { env: {}, cache: new KeystoreCache() });
        const choice = candidates.find((c) => c.file === clientStore);
        assert.ok(choice, `candidates: ${candidates.map((c) => `${c.location}#${c.alias}`).join(', ')}`);
        const plan = await planClientKeyProfile(ws, first.observations[0], { host: '127.0.0.1', port: server.port, file: choice.file, alias: choice.alias }, { env: {}, cache: new KeystoreCache() });
        applyChange(plan.change);
        // The handshake must be tried again with the profile's key: connect once more.
        const after = outbound(await buildTrustMap(ws, { env: {}, cache: new KeystoreCache(), connect: { timeoutMs: 5000 } }));
        const jdk = await oracle(oracleDir, server.port, [pki.truststore, 'JKS', 'trustpass'], [clientStore, 'PKCS12', 'clientpass']);
        const actual = {
          before: outbound(first)?.verdict,
          offered: candidates.map((c) => [c.location, c.alias, c.accepted]),
          after: [after?.verdict, after?.message.endsWith('(SSL profile)')],
          jdk,
        };
        assert.deepEqual(actual, {
          before: 'client-certificate-required',
          offered: [['repository/resources/security/partner-client.p12', 'client', maxVersion === 'TLSv1.2' ? 'yes' : 'unknown']],
          after: ['trusted', true],
          jdk: 'trusted',
        });
      } finally {
        await server.close();
      }
    });
  }
});
