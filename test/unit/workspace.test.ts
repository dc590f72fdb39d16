/** Workspace discovery, `file_name` resolution and the project files (pom.xml, Dockerfile). */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { discoverWorkspaces, workspaceForFile, type MiProject, type MiRuntimeHome } from '../../src/core/workspace/discover';
import { fileNameFor, resolveStorePath } from '../../src/core/workspace/resolvePath';
import { copyTarget, readDockerCopies, readPomKeystoreProperties } from '../../src/core/workspace/project';
import { KeystoreCache } from '../../src/core/workspace/keystoreCache';
import { createAssistContext } from '../../src/core/workspace/assistContext';
import { parseDeploymentToml } from '../../src/core/config/parse';
import { FIXTURES } from '../helpers/fixtures';
import { writeMiHome } from '../helpers/miHome';


const POM = `<project>
  <properties>
    <projectType>integration-project</projectType>
    <keystore.type>JKS</keystore.type>
    <keystore.name>wso2carbon.jks</keystore.name>
    <!-- <keystore.alias>old</keystore.alias> -->
    <keystore.alias>wso2carbon</keystore.alias>
  </properties>
</project>
`;
const DOCKERFILE = [
  'ARG BASE_IMAGE',
  'FROM ${BASE_IMAGE}',
  'COPY CompositeApps/*.car ${WSO2_SERVER_HOME}/repository/deployment/server/carbonapps/',
  'COPY resources/wso2carbon.jks ${WSO2_SERVER_HOME}/repository/resources/security/wso2carbon.jks',
  'COPY resources/client-truststore.jks ${WSO2_SERVER_HOME}/repository/resources/security/client-truststore.jks',
  '',
].join('\n');

let root: string;

function write(rel: string, text = ''): string {
  const p = path.join(root, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
  return p;
}

function makeHome(rel: string): MiRuntimeHome {
  const home = writeMiHome(path.join(root, rel), '[server]\n');
  return { kind: 'runtime', root: home.root, deploymentToml: home.toml };
}

function makeProject(rel: string): MiProject {
  write(`${rel}/pom.xml`, POM);
  write(`${rel}/deployment/deployment.toml`, '[server]\n');
  write(`${rel}/deployment/docker/Dockerfile`, DOCKERFILE);
  const dir = path.join(root, rel);
  return {
    kind: 'project',
    root: dir,
    deploymentToml: path.join(dir, 'deployment/deployment.toml'),
    pomXml: path.join(dir, 'pom.xml'),
    dockerfile: path.join(dir, 'deployment/docker/Dockerfile'),
    resourcesDir: path.join(dir, 'deployment/docker/resources'),
  };
}

describe('workspace', () => {
  beforeEach(() => {
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mi-ws-')));
  });
  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  describe('discoverWorkspaces', () => {
    it('finds runtime homes and integration projects, sorted by root', async () => {
      const home = makeHome('servers/mi-4.4.0');
      const project = makeProject('apps/hello');
      const actual = await discoverWorkspaces(root);
      assert.deepEqual(actual, [project, home]);
    });
    it('ignores a pom.xml that is not an integration project', async () => {
      write('lib/pom.xml', '<project><properties><projectType>library</projectType></properties></project>');
      write('lib/deployment/deployment.toml', '[server]\n');
      assert.deepEqual(await discoverWorkspaces(root), []);
    });
    it('ignores conf/deployment.toml without repository/', async () => {
      write('x/conf/deployment.toml', '[server]\n');
      assert.deepEqual(await discoverWorkspaces(root), []);
    });
    it('skips node_modules and .git', async () => {
      makeHome('node_modules/pkg');
      makeHome('.git/mi');
      assert.deepEqual(await discoverWorkspaces(root), []);
    });
    it('does not follow a symbolic link out of the folder', async () => {
      const outside = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mi-out-')));
      try {
        fs.mkdirSync(path.join(outside, 'conf'));
        fs.writeFileSync(path.join(outside, 'conf/deployment.toml'), '[server]\n');
        fs.mkdirSync(path.join(outside, 'repository'));
        fs.mkdirSync(path.join(root, 'inside'));
        fs.symlinkSync(outside, path.join(root, 'inside/link'), 'dir');
        assert.deepEqual(await discoverWorkspaces(root), []);
      } finally {
        fs.rmSync(outside, { recursive: true, force: true });
      }
    });
    it('follows a symbolic link that stays inside, once', async () => {
      const home = makeHome('real');
      fs.symlinkSync(path.join(root, 'real'), path.join(root, 'alias'), 'dir');
      const actual = await discoverWorkspaces(root);
      assert.equal(actual.length, 1);
      assert.equal(fs.realpathSync(actual[0].root), home.root);
    });
    it('takes a deployment.toml file argument as its workspace', async () => {
      const home = makeHome('mi');
      assert.deepEqual(await discoverWorkspaces(home.deploymentToml), [home]);
    });
  });

  describe('workspaceForFile', () => {
    it('knows a project deployment.toml', () => {
      const project = makeProject('p');
      assert.deepEqual(workspaceForFile(project.deploymentToml), project);
    });
    it('takes MI_HOME as the folder above conf/', () => {
      const home = makeHome('h');
      assert.equal(workspaceForFile(home.deploymentToml).root, home.root);
    });
  });

  describe('resolveStorePath', () => {
    it('resolves a relative path against MI_HOME', () => {
      const home = makeHome('h');
      write('h/repository/resources/security/a.jks', 'x');
      const actual = resolveStorePath(home, 'repository/resources/security/a.jks');
      assert.deepEqual([actual.path, actual.via, actual.exists], [path.join(home.root, 'repository/resources/security/a.jks'), 'home', true]);
    });
    it('uses an absolute path as written', () => {
      const home = makeHome('h');
      const abs = write('elsewhere/b.p12', 'x');
      assert.deepEqual([resolveStorePath(home, abs).path, resolveStorePath(home, abs).via], [abs, 'absolute']);
    });
    it('resolves a bare name to MI_HOME/<name>, as MI does, and notes the copy in the security folder', () => {
      const home = makeHome('h');
      const inSecurity = write('h/repository/resources/security/c.jks', 'x');
      const actual = resolveStorePath(home, 'c.jks');
      assert.deepEqual([actual.path, actual.exists, actual.securityDirPath], [path.join(home.root, 'c.jks'), false, inSecurity]);
    });
    it('notes a file left in the legacy repository/security/ folder', () => {
      const home = makeHome('h');
      const legacy = write('h/repository/security/d.jks', 'x');
      assert.equal(resolveStorePath(home, 'repository/resources/security/d.jks').legacyPath, legacy);
    });
    it('maps repository/resources/security/X to deployment/docker/resources/X in a project', () => {
      const project = makeProject('p');
      const file = write('p/deployment/docker/resources/e.jks', 'x');
      const actual = resolveStorePath(project, 'repository/resources/security/e.jks');
      assert.deepEqual([actual.path, actual.via, actual.exists], [file, 'project-resources', true]);
    });
    it('follows a Dockerfile COPY line in a project', () => {
      const project = makeProject('p');
      const file = write('p/deployment/docker/keys/f.p12', 'x');
      const copies = readDockerCopies('COPY keys/f.p12 ${WSO2_SERVER_HOME}/repository/resources/security/store.p12\n');
      const actual = resolveStorePath(project, 'repository/resources/security/store.p12', copies);
      assert.deepEqual([actual.path, actual.via], [file, 'dockerfile']);
    });
    it('leaves a container-only path unresolved in a project', () => {
      const project = makeProject('p');
      assert.deepEqual([resolveStorePath(project, '/opt/keys/x.jks').path, resolveStorePath(project, '/opt/keys/x.jks').via], [null, 'container']);
    });
    it('writes file_name values with / relative to MI_HOME', () => {
      const home = makeHome('h');
      assert.equal(fileNameFor(home, path.join(home.root, 'repository', 'security', 'g.jks')), 'repository/security/g.jks');
    });
  });

  describe('project files', () => {
    it('reads the keystore properties of pom.xml, skipping comments, with value ranges', () => {
      const actual = readPomKeystoreProperties(POM);
      assert.equal(actual.alias?.value, 'wso2carbon');
      assert.equal(actual.name?.value, 'wso2carbon.jks');
      assert.deepEqual(actual.name?.valueRange, { start: { line: 4, character: 19 }, end: { line: 4, character: 33 } });
    });
    it('reads Dockerfile COPY lines and where they put each file', () => {
      const copies = readDockerCopies(DOCKERFILE);
      assert.equal(copies.length, 3);
      assert.equal(copyTarget(copies[1], 0), 'repository/resources/security/wso2carbon.jks');
      assert.equal(copyTarget(copies[0], 0), 'repository/deployment/server/carbonapps/*.car');
    });
    it('reads the JSON form of COPY and skips --flags', () => {
      const [copy] = readDockerCopies('COPY --chown=wso2carbon ["res/a.jks", "$WSO2_SERVER_HOME/repository/resources/security/"]\n');
      assert.deepEqual([copy.sources, copyTarget(copy, 0)], [['res/a.jks'], 'repository/resources/security/a.jks']);
    });
  });

  describe('keystoreCache', () => {
    it('decodes again after the file changes on disk', async () => {
      const file = write('s.jks');
      fs.copyFileSync(path.join(FIXTURES, 'jks-rsa.jks'), file);
      const cache = new KeystoreCache();
      const first = await cache.read(file, 'changeit');
      fs.copyFileSync(path.join(FIXTURES, 'jks-ec.jks'), file);
      fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
      const second = await cache.read(file, 'changeit');
      assert.ok(first.ok && second.ok);
      assert.deepEqual([first.store.entries.map((e) => e.alias).sort(), second.store.entries.map((e) => e.alias).sort()], [['ca', 'server'], ['ec256', 'ec384']]);
    });
    it('returns the same decoded store while the file is unchanged', async () => {
      const file = write('s.jks');
      fs.copyFileSync(path.join(FIXTURES, 'jks-rsa.jks'), file);
      const cache = new KeystoreCache();
      const a = await cache.read(file, 'changeit');
      const b = await cache.read(file, 'changeit');
      assert.ok(a.ok && b.ok && a.store === b.store);
    });
    it('returns typed errors, never throws', async () => {
      const cache = new KeystoreCache({ maxBytes: 100 });
      const garbage = write('g.jks', 'not a keystore');
      const big = write('b.jks', 'x'.repeat(200));
      const results = [await cache.read(path.join(root, 'missing.jks'), 'x'), await cache.read(garbage, 'x'), await cache.read(big, 'x'), await cache.read(root, 'x')];
      const actual = results.map((r) => (r.ok ? 'ok' : r.kind));
      assert.deepEqual(actual, ['not-found', 'unknown-format', 'too-large', 'not-a-file']);
    });
    it('recovers a JCEKS key once and caches it', async () => {
      const file = write('j.jceks');
      fs.copyFileSync(path.join(FIXTURES, 'jceks.jceks'), file);
      const cache = new KeystoreCache();
      const a = await cache.key(file, 'changeit', 'server', 'changeit');
      const b = await cache.key(file, 'changeit', 'server', 'changeit');
      assert.ok(a.ok && b.ok && a.pkcs8 === b.pkcs8);
    });
  });

  describe('assistContext', () => {
    it('lists keystore files as file_name values and opens the store of a table', async () => {
      const home = makeHome('h');
      fs.copyFileSync(path.join(FIXTURES, 'jks-rsa.jks'), path.join(home.root, 'repository/resources/security/k.jks'));
      const text = '[keystore.primary]\nfile_name = "repository/resources/security/k.jks"\npassword = "changeit"\n';
      const ctx = createAssistContext(home, parseDeploymentToml(text, home.deploymentToml), { env: {}, cache: new KeystoreCache() });
      assert.deepEqual(await ctx.keystoreFiles(), ['repository/resources/security/k.jks']);
      const store = await ctx.storeForTable('keystore.primary');
      assert.ok(store && 'entries' in store);
      const actual = store.entries.map((e) => `${e.alias}:${e.kind}`).sort();
      assert.deepEqual(actual, ['ca:trusted-cert', 'server:private-key']);
    });
    it('says why a store cannot be opened', async () => {
      const home = makeHome('h');
      const text = '[keystore.primary]\nfile_name = "repository/resources/security/none.jks"\n';
      const ctx = createAssistContext(home, parseDeploymentToml(text, home.deploymentToml), { env: {}, cache: new KeystoreCache() });
      const store = await ctx.storeForTable('keystore.primary');
      assert.ok(store && 'error' in store);
    });
  });
});
