/**
 * The demo workspace `npm start` serves (scripts/makeDemo.mjs): made by the product's own engine, laid out
 * as MI's own runtime home and integration project, with the findings a default MI install really has.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { makeDemoStores } from '../../scripts/demoStores';
import { checkPath } from '../../src/core/checks/index';
import { decodeKeystore, openKey, describeCertificate } from '../../src/core/keystore';
import type { Problem } from '../../src/core/problem';
import { KeystoreCache } from '../../src/core/workspace/keystoreCache';
import { REPO_ROOT, useTempDir } from '../helpers/fixtures';

const SEC = 'repository/resources/security';

describe('the demo workspace', () => {
  const dir = useTempDir('mi-demo-', 'all');
  let demo = '';
  let problems: readonly Problem[] = [];
  let workspaces: string[] = [];

  before(async () => {
    demo = dir('demo');
    execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts/makeDemo.mjs'), demo], { cwd: REPO_ROOT, stdio: 'ignore' });
    const result = await checkPath(demo, { cache: new KeystoreCache(), env: {} });
    problems = result.problems;
    workspaces = result.workspaces.map((w) => `${w.kind} ${path.relative(demo, w.root)}`).sort();
  });

  it('holds an MI runtime home and an integration project, laid out as MI lays them out', () => {
    const files = [
      'mi-runtime/conf/deployment.toml',
      `mi-runtime/${SEC}/wso2carbon.jks`,
      `mi-runtime/${SEC}/client-truststore.jks`,
      'hello-project/pom.xml',
      'hello-project/deployment/deployment.toml',
      'hello-project/deployment/docker/Dockerfile',
      'hello-project/deployment/docker/resources/wso2carbon.jks',
      'hello-project/deployment/docker/resources/client-truststore.jks',
    ];
    const actual = { workspaces, missing: files.filter((f) => !fs.existsSync(path.join(demo, f))) };
    assert.deepEqual(actual, { workspaces: ['project hello-project', 'runtime mi-runtime'], missing: [] });
  });

  it('reports what a default MI install has, in both: expired certificate, default passwords, shared internal key', () => {
    // Whether one of Node's bundled root CAs has expired depends on the Node that made the demo and on
    // today's date, so `shipped-ca-expired` (information) is left out of the comparison.
    const found = (file: string) =>
      [...new Set(problems.filter((p) => p.file === path.join(demo, file) && p.code !== 'shipped-ca-expired').map((p) => p.code))].sort();
    // The truststore trusts the wso2carbon certificate, which expired with the key.
    const expected = ['certificate-expired', 'default-password', 'internal-same-as-primary', 'plaintext-password', 'self-signed-primary', 'trusted-certificate-expired'];
    assert.deepEqual(
      { runtime: found('mi-runtime/conf/deployment.toml'), project: found('hello-project/deployment/deployment.toml') },
      { runtime: expected, project: expected },
    );
  });
});

describe('the demo stores', () => {
  it('hold the wso2carbon key, opened by wso2carbon, whose certificate expired on 2026-05-27', async () => {
    const { primary } = await makeDemoStores();
    const store = await decodeKeystore(primary, 'wso2carbon');
    const [entry] = store.entries;
    await openKey(entry, 'wso2carbon');
    const cert = entry.kind === 'private-key' ? describeCertificate(entry.chain[0]) : undefined;
    const keys = store.entries.filter((e) => e.kind === 'private-key').map((e) => e.alias);
    const trusted = store.entries.filter((e) => e.kind === 'trusted-cert').length;
    const actual = { format: store.format, first: `${entry.alias} ${entry.kind}`, keys, trusted, subject: cert?.subject, notAfter: cert?.notAfter.slice(0, 10) };
    // Beside its key, WSO2's shipped wso2carbon.jks holds the root CAs, as the demo's does.
    const expected = { format: 'JKS', first: 'wso2carbon private-key', keys: ['wso2carbon'], trusted: tls.rootCertificates.length, subject: 'CN=localhost, OU=WSO2, O=WSO2, L=Mountain View, ST=CA, C=US', notAfter: '2026-05-27' };
    assert.deepEqual(actual, expected);
  });

  it("fill the truststore with Node's root CAs and the wso2carbon certificate", async () => {
    const { primary, truststore, rootCount } = await makeDemoStores();
    const key = (await decodeKeystore(primary, 'wso2carbon')).entries[0];
    const trusted = (await decodeKeystore(truststore, 'wso2carbon')).entries;
    const wso2carbon = trusted.find((e) => e.alias === 'wso2carbon');
    const actual = {
      rootCount,
      entries: trusted.length,
      kinds: [...new Set(trusted.map((e) => e.kind))],
      wso2carbon: wso2carbon?.kind === 'trusted-cert' && key.kind === 'private-key' && Buffer.from(wso2carbon.certificate).equals(Buffer.from(key.chain[0])),
    };
    assert.deepEqual(actual, { rootCount: tls.rootCertificates.length, entries: tls.rootCertificates.length + 1, kinds: ['trusted-cert'], wso2carbon: true });
  });
});
