/**
 * The trust map against the JDK: local TLS servers on 127.0.0.1 present certificates from an
 * openssl-made PKI (truststore by keytool), the engine decides each connection's verdict with `connect`,
 * and a small JSSE program (test/oracle/TlsOracle.java, compiled here) connects to the same server with
 * the same truststore, keystore, protocols and Synapse's host name rule. Both must agree in every case.
 */
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildTrustMap } from '../../src/core/tls/trustMap';
import { KeystoreCache } from '../../src/core/workspace/keystoreCache';
import type { Verdict } from '../../src/core/tls/verdict';
import { compileTlsOracle, makeTestPki, startTlsServer, type ServerSpec, type TestPki } from '../helpers/tlsPki';
import { tomlFor, writeMiProject } from '../helpers/miProject';

interface Case {
  readonly name: string;
  readonly server: (pki: TestPki) => ServerSpec | null;
  readonly keystore?: 'client' | 'stranger';
  readonly protocols?: string;
  readonly expected: Verdict;
  /** What the oracle prints when it words the same failure differently. */
  readonly oracle?: string;
}

const CASES: readonly Case[] = [
  { name: 'complete chain', server: (p) => ({ leaf: p.leaves.good, sendIntermediate: true }), expected: 'trusted' },
  { name: 'missing intermediate', server: (p) => ({ leaf: p.leaves.good, sendIntermediate: false }), expected: 'chain-incomplete' },
  { name: 'expired leaf', server: (p) => ({ leaf: p.leaves.expired, sendIntermediate: true }), expected: 'expired' },
  { name: 'SAN mismatch', server: (p) => ({ leaf: p.leaves.mismatch, sendIntermediate: true }), expected: 'hostname-mismatch' },
  { name: 'self-signed', server: (p) => ({ leaf: p.leaves.selfSigned }), expected: 'untrusted' },
  // JDK 17 disables SHA-1 certificate signatures only under a CA of its own cacerts ("SHA1 jdkCA"): a
  // private CA's SHA-1 leaf is accepted, and the oracle proves it.
  { name: 'SHA-1 signed leaf under a private CA', server: (p) => ({ leaf: p.leaves.sha1, sendIntermediate: true, weak: true }), expected: 'trusted' },
    // An MD5-signed leaf cannot be in this matrix: OpenSSL servers refuse to present it to JSSE, whose
  // signature_algorithms_cert lacks MD5 (the offline unit tests cover it). A weak key shows the same rule.
  { name: 'leaf with a 768-bit RSA key', server: (p) => ({ leaf: p.leaves.weakKey, sendIntermediate: true, weak: true }), expected: 'algorithm-disabled' },
  { name: 'TLS 1.3-only server, TLS 1.2 configuration', server: (p) => ({ leaf: p.leaves.good, sendIntermediate: true, minVersion: 'TLSv1.3' }), protocols: 'TLSv1.2', expected: 'protocol-mismatch' },
  { name: 'client certificate required, suitable key (TLS 1.3)', server: (p) => ({ leaf: p.leaves.good, sendIntermediate: true, requireClientCa: p.clientCa }), expected: 'trusted' },
    { name: 'client certificate required, no suitable key (TLS 1.3)', server: (p) => ({ leaf: p.leaves.good, sendIntermediate: true, requireClientCa: p.clientCa }), keystore: 'stranger', expected: 'client-certificate-required' },
  { name: 'client certificate required, suitable key (TLS 1.2)', server: (p) => ({ leaf: p.leaves.good, sendIntermediate: true, requireClientCa: p.clientCa, maxVersion: 'TLSv1.2' }), expected: 'trusted' },
  {
    name: 'client certificate required, no suitable key (TLS 1.2)',
    server: (p) => ({ leaf: p.leaves.good, sendIntermediate: true, requireClientCa: p.clientCa, maxVersion: 'TLSv1.2' }),
    keystore: 'stranger',
    expected: 'client-certificate-required',
  },
  { name: 'nothing listening', server: () => null, expected: 'unreachable' },
];

/** The oracle's word for a verdict: the JDK cannot tell a missing CA from a missing intermediate. */
function oracleWord(v: Verdict): string {
  return v === 'untrusted' || v === 'chain-incomplete' ? 'path-failed' : v;
}

const execFileAsync = promisify(execFile);

async function runJava(cmd: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  try {
    return await execFileAsync(cmd, args, { encoding: 'utf8' });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return { stdout: e.stdout ?? '', stderr: e.stderr ?? String(err) };
  }
}

describe('trust map verdicts agree with JSSE (Java oracle)', function () {
  this.timeout(120_000);
  let tmp: string;
  let pki: TestPki;
  let oracleDir: string;

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'trustmap-'));
    pki = makeTestPki(path.join(tmp, 'pki'));
    oracleDir = compileTlsOracle(path.join(tmp, 'oracle'));
  });

  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  CASES.forEach((c, i) => {
    it(`${c.name}: ${c.expected}`, async () => {
      const spec = c.server(pki);
      const server = spec ? await startTlsServer(pki, spec) : null;
      // A port that was just free and is closed again: nothing listens there.
      const port = server?.port ?? (await (async () => (await startTlsServer(pki, { leaf: pki.leaves.good }).then(async (s) => (await s.close(), s.port))))());
      try {
        const keystore = c.keystore === 'stranger' ? pki.strangerKeystore : pki.clientKeystore;
        const keyAlias = c.keystore === 'stranger' ? 'stranger' : 'client';
        const ws = writeMiProject(path.join(tmp, `case${i}`), {
          toml: tomlFor({ truststore: pki.truststore, keystore, keyAlias, ...(c.protocols ? { protocols: c.protocols } : {}) }),
          artifacts: { 'endpoints/Backend.xml': `<endpoint name="Backend" xmlns="http://ws.apache.org/ns/synapse">\n  <address uri="https://127.0.0.1:${port}/service"/>\n</endpoint>\n` },
        });
        const map = await buildTrustMap(ws, { env: {}, cache: new KeystoreCache(), connect: { timeoutMs: 5000 } });
        const conn = map.connections.find((x) => x.direction === 'outbound');
        assert.ok(conn, 'the endpoint is found');
        const actual = conn.verdict;
        assert.equal(actual, c.expected, conn.message);

        // Asynchronously: the servers live in this process and must keep answering while Java connects.
        const java = await runJava(
          'java',
          ['-cp', oracleDir, 'TlsOracle', '127.0.0.1', String(port), '5000', pki.truststore, 'JKS', 'trustpass', keystore, 'PKCS12', 'clientpass', 'clientpass', c.protocols ?? 'TLSv1.3,TLSv1.2', 'Default'],
        );
        assert.equal(java.stdout.trim(), c.oracle ?? oracleWord(c.expected), `the JDK says ${java.stdout}${java.stderr}`);
      } finally {
        await server?.close();
      }
    });
  });
});
