/**
 * WSO2's own files as MI homes and integration projects (../shared/fixtures/wso2, see its MANIFEST):
 * the problems they are expected to have (default passwords, expired or expiring default
 * certificates, PKCS12 named .jks) and no false errors. The clock is fixed at the MANIFEST's date.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkPath, checkWorkspace } from '../../src/core/checks/index';
import { KEYSTORE_CODES } from '../helpers/keystoreCodes';
import type { Problem } from '../../src/core/problem';
import { KeystoreCache } from '../../src/core/workspace/keystoreCache';
import type { MiWorkspace } from '../../src/core/workspace/discover';
import { WSO2, describeShared } from '../helpers/fixtures';

const KS = path.join(WSO2, 'keystores');
const SAMPLES = path.join(WSO2, 'deployment-toml-samples');
const NOW = new Date('2026-11-27T00:00:00Z');
const SEC = 'repository/resources/security';
const cache = new KeystoreCache();
const temps: string[] = [];

function tmp(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mi-wso2-'));
  temps.push(dir);
  return dir;
}

/** An MI home from a WSO2 deployment.toml and a pair of WSO2 stores (plus extra files). */
function home(toml: string, keystore: string, truststore: string, extra: Record<string, string> = {}): MiWorkspace {
  const root = tmp();
  fs.mkdirSync(path.join(root, 'conf'));
  fs.mkdirSync(path.join(root, SEC), { recursive: true });
  fs.copyFileSync(toml, path.join(root, 'conf/deployment.toml'));
  fs.copyFileSync(keystore, path.join(root, SEC, 'wso2carbon.jks'));
  fs.copyFileSync(truststore, path.join(root, SEC, 'client-truststore.jks'));
  for (const [rel, src] of Object.entries(extra)) fs.copyFileSync(src, path.join(root, rel));
  return { kind: 'runtime', root, deploymentToml: path.join(root, 'conf/deployment.toml') };
}

/** An integration project as WSO2's VS Code extension writes it. */
function project(toml: string, storesDir: string): string {
  const root = tmp();
  fs.mkdirSync(path.join(root, 'deployment/docker/resources'), { recursive: true });
  fs.writeFileSync(
    path.join(root, 'pom.xml'),
    '<project>\n  <properties>\n    <projectType>integration-project</projectType>\n    <keystore.type>JKS</keystore.type>\n' +
      '    <keystore.name>wso2carbon.jks</keystore.name>\n    <keystore.password>wso2carbon</keystore.password>\n' +
      '    <keystore.alias>wso2carbon</keystore.alias>\n  </properties>\n</project>\n',
  );
  fs.writeFileSync(
    path.join(root, 'deployment/docker/Dockerfile'),
    'ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nCOPY CompositeApps/*.car ${WSO2_SERVER_HOME}/repository/deployment/server/carbonapps/\n' +
      'COPY resources/wso2carbon.jks ${WSO2_SERVER_HOME}/repository/resources/security/wso2carbon.jks\n' +
      'COPY resources/client-truststore.jks ${WSO2_SERVER_HOME}/repository/resources/security/client-truststore.jks\n',
  );
  fs.copyFileSync(toml, path.join(root, 'deployment/deployment.toml'));
  for (const f of ['wso2carbon.jks', 'client-truststore.jks']) fs.copyFileSync(path.join(storesDir, f), path.join(root, 'deployment/docker/resources', f));
  return root;
}

async function check(ws: MiWorkspace): Promise<Problem[]> {
  return checkWorkspace(ws, { now: NOW, cache, env: {} });
}

function codes(problems: Problem[]): Set<string> {
  return new Set(problems.map((p) => p.code));
}

/** Errors raised by this engine's keystore checks (the document and secret checks have their own tests). */
function keystoreErrors(problems: Problem[]): Problem[] {
  return problems.filter((p) => p.severity === 'error' && p.code in KEYSTORE_CODES);
}

describeShared('WSO2 samples', () => {
  after(() => {
    for (const t of temps) fs.rmSync(t, { recursive: true, force: true });
  });

  it('MI 4.4 default home (kernel 4.9.27 stores): PKCS12 typed JKS, expiring certificate, default passwords, no errors', async () => {
    const problems = await check(home(path.join(WSO2, 'mi-conf/deployment.toml'), path.join(KS, 'wso2carbon.jks'), path.join(KS, 'client-truststore.jks')));
    const actual = codes(problems);
    for (const code of ['store-type-mismatch', 'certificate-expiring', 'default-password', 'integrity-unverifiable', 'internal-same-as-primary', 'self-signed-primary']) {
      assert.ok(actual.has(code), code);
    }
    assert.deepEqual(problems.filter((p) => p.severity === 'error'), []);
  });

  it('MI default home with the kernel 4.9.x JKS stores: no type mismatch, no errors', async () => {
    const problems = await check(
      home(path.join(WSO2, 'mi-conf/deployment.toml'), path.join(KS, 'wso2carbon.kernel-4.9.x-head.jks'), path.join(KS, 'client-truststore.kernel-4.9.x-head.jks')),
    );
    assert.equal(codes(problems).has('store-type-mismatch'), false);
    assert.equal(codes(problems).has('truststore-missing-primary-cert'), false);
    assert.deepEqual(problems.filter((p) => p.severity === 'error'), []);
  });

  it('the Docker image default (deployment.toml.container): no errors', async () => {
    const problems = await check(
      home(path.join(WSO2, 'mi-conf/deployment.toml.container'), path.join(KS, 'wso2carbon.kernel-4.9.x-head.jks'), path.join(KS, 'client-truststore.kernel-4.9.x-head.jks')),
    );
    assert.deepEqual(problems.filter((p) => p.severity === 'error'), []);
  });

  it('a new VS Code integration project: the expired default certificate is its only error', async () => {
    const root = project(path.join(SAMPLES, 'mi-vscode-new-project.deployment.toml'), path.join(KS, 'mi-vscode-new-project'));
    const { workspaces, problems } = await checkPath(root, { now: NOW, cache, env: {} });
    assert.equal(workspaces[0]?.kind, 'project');
    assert.deepEqual(
      problems.filter((p) => p.severity === 'error').map((p) => p.code),
      ['certificate-expired'],
    );
    assert.match(problems.find((p) => p.code === 'certificate-expired')?.message ?? '', /2026-05-27/);
    assert.equal(codes([...problems]).has('project-keystore-mismatch'), false);
  });

  it('the HelloDocker sample project with the 2025 stores: certificate expired 2025-05-27', async () => {
    const root = project(path.join(SAMPLES, 'mi-sample-HelloDocker.deployment.toml'), path.join(KS, 'mi-sample-expired-2025'));
    const { problems } = await checkPath(root, { now: NOW, cache, env: {} });
    const expired = problems.filter((p) => p.code === 'certificate-expired');
    assert.equal(expired.length, 1);
    assert.match(expired[0].message, /2025-05-27/);
    assert.deepEqual(keystoreErrors([...problems]).map((p) => p.code), ['certificate-expired']);
  });

  it('the VFS listener test: a key password that differs from the store password but is right', async () => {
    const problems = await check(
      home(path.join(SAMPLES, 'test-vfs-listener-keystore.deployment.toml'), path.join(KS, 'wso2carbon.kernel-4.9.x-head.jks'), path.join(KS, 'client-truststore.kernel-4.9.x-head.jks'), {
        [`${SEC}/vfsKeystore.jks`]: path.join(KS, 'test-fixtures/vfsKeystore.jks'),
      }),
    );
    assert.equal(codes(problems).has('wrong-key-password'), false);
    assert.deepEqual(keystoreErrors(problems), []);
  });

  it('the VFS listener test without its keystore: keystore-not-found on the location line', async () => {
    const problems = await check(
      home(path.join(SAMPLES, 'test-vfs-listener-keystore.deployment.toml'), path.join(KS, 'wso2carbon.kernel-4.9.x-head.jks'), path.join(KS, 'client-truststore.kernel-4.9.x-head.jks')),
    );
    const actual = problems.filter((p) => p.code === 'keystore-not-found');
    assert.deepEqual(actual.map((p) => p.range.start.line + 1), [16]);
  });

  it('the secure vault test: its ciphertext is not decryptable with the default internal key', async () => {
    const problems = await check(
      home(path.join(SAMPLES, 'test-securevault-secrets.deployment.toml'), path.join(KS, 'wso2carbon.kernel-4.9.x-head.jks'), path.join(KS, 'client-truststore.kernel-4.9.x-head.jks')),
    );
    assert.ok(codes(problems).has('secret-undecryptable'));
    assert.deepEqual(keystoreErrors(problems), []);
  });

  it('the other test servers: no keystore errors', async () => {
    for (const f of ['test-server-default.deployment.toml', 'test-ssl-verify-client.deployment.toml', 'test-dynamicsslprofiles-pttlistener.deployment.toml']) {
      const problems = await check(home(path.join(SAMPLES, f), path.join(KS, 'wso2carbon.kernel-4.9.x-head.jks'), path.join(KS, 'client-truststore.kernel-4.9.x-head.jks')));
      assert.deepEqual(keystoreErrors(problems), [], f);
    }
  });

  it('deployment-full.toml as a home: every consumer checked, no keystore errors', async () => {
    const problems = await check(
      home(path.join(WSO2, 'mi-config-tool/deployment-full.toml'), path.join(KS, 'wso2carbon.kernel-4.9.x-head.jks'), path.join(KS, 'client-truststore.kernel-4.9.x-head.jks')),
    );
    assert.deepEqual(keystoreErrors(problems), []);
    assert.ok(codes(problems).has('default-password'));
  });
});
