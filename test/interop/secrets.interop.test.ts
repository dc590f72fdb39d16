/**
 * The secure vault against the real JDK: what `encrypt-secrets` and `rotate-internal` write, Java's
 * javax.crypto.Cipher decrypts (test/fixtures/java/CipherTool.java) with the transformation MI will use
 * (deployment.toml's `[system.parameter]`, else conf/carbon.properties, else OAEP-SHA1) and only with it;
 * and what Java encrypts, `secret-undecryptable` and `secret-transformation-mismatch` judge in an MI home.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import type { CliIO } from '../../src/cli/command';
import { parseDeploymentToml } from '../../src/core/config/parse';
import { checkWorkspace } from '../../src/core/checks/index';
import { applyEdits } from '../../src/core/secrets/applyEdits';
import type { Problem } from '../../src/core/problem';
import { KeystoreCache } from '../../src/core/workspace/keystoreCache';
import type { MiRuntimeHome } from '../../src/core/workspace/discover';
import { FIXTURES } from '../helpers/fixtures';
import { javaCipher as java } from '../helpers/javaCipher';
import { keytool } from '../helpers/keytool';

const SEC = 'repository/resources/security';
const OAEP = 'RSA/ECB/OAEPwithSHA1andMGF1Padding';
const NOW = new Date('2026-11-27T00:00:00Z');
const PLAIN = ['wso2carbon', 'pässwörd with spaces'];

describe('secure vault files against the JDK', () => {
  let root: string;
  let toml: string;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'mi-secrets-interop-'));
    fs.mkdirSync(path.join(root, 'conf'));
    fs.mkdirSync(path.join(root, SEC), { recursive: true });
    fs.copyFileSync(path.join(FIXTURES, 'jks-chain.jks'), path.join(root, SEC, 'old.jks'));
    toml = path.join(root, 'conf/deployment.toml');
  });

  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  /** deployment.toml whose internal (= primary) keystore is old.jks (jks-chain.jks, key `server`). */
  function writeToml(secrets: readonly [string, string][], extra = ''): void {
    const lines = secrets.map(([alias, value]) => `${alias} = "${value}"`).join('\n');
    fs.writeFileSync(toml, `[keystore.primary]\nfile_name = "${SEC}/old.jks"\ntype = "JKS"\npassword = "changeit"\nalias = "server"\n${extra}\n[secrets]\n${lines}\n`);
  }

  function home(): MiRuntimeHome {
    return { kind: 'runtime', root, deploymentToml: toml };
  }

  async function run(argv: string[]): Promise<number> {
    let stderr = '';
    const io: CliIO = { stdout: () => undefined, stderr: (t) => void (stderr += t), env: { NEWPW: 'changeit' }, cwd: root };
    const code = await main(argv, io);
    assert.equal(code, 0, stderr);
    return code;
  }

  /** The `[secrets]` values on disk, in file order. */
  function ciphertexts(): string[] {
    const doc = parseDeploymentToml(fs.readFileSync(toml, 'utf8'), toml);
    return doc.tables.filter((t) => t.name === 'secrets').flatMap((t) => t.entries.map((e) => String(e.value.value)));
  }

  async function undecryptable(): Promise<number[]> {
    const problems = await checkWorkspace(home(), { env: {}, now: NOW, cache: new KeystoreCache() });
    return problems.filter((p) => p.code === 'secret-undecryptable').map((p) => p.range.start.line);
  }

  async function secretFindings(): Promise<Problem[]> {
    const problems = await checkWorkspace(home(), { env: {}, now: NOW, cache: new KeystoreCache() });
    return problems.filter((p) => p.code.startsWith('secret-'));
  }

  it('recognises ciphertexts Java made with "RSA" and with OAEP as decryptable', async () => {
    const pkcs1 = java(['encrypt', path.join(root, SEC, 'old.jks'), 'changeit', 'server', 'RSA', 'one'])[0];
    const oaep = java(['encrypt', path.join(root, SEC, 'old.jks'), 'changeit', 'server', OAEP, 'two'])[0];
    writeToml([
      ['a', pkcs1],
      ['b', oaep],
    ]);
    assert.deepEqual(await undecryptable(), []);
  });

  it('is silent for what Java made with the effective OAEP, and reports what it made with "RSA" as secret-transformation-mismatch', async () => {
    const store = path.join(root, SEC, 'old.jks');
    writeToml([
      ['oaep', java(['encrypt', store, 'changeit', 'server', OAEP, 'one'])[0]],
      ['pkcs1', java(['encrypt', store, 'changeit', 'server', 'RSA', 'two'])[0]],
    ]);
    const lines = fs.readFileSync(toml, 'utf8').split('\n');
    const actual = (await secretFindings()).map((p) => [p.code, p.range.start.line]);
    assert.deepEqual(actual, [['secret-transformation-mismatch', lines.findIndex((l) => l.startsWith('pkcs1'))]]);
  });

  it('re-encrypts in the mismatch fix what Java then decrypts with OAEP, the transformation MI uses', async () => {
    const store = path.join(root, SEC, 'old.jks');
    writeToml([['pkcs1', java(['encrypt', store, 'changeit', 'server', 'RSA', PLAIN[1]])[0]]]);
    const [problem] = await secretFindings();
    const text = applyEdits(fs.readFileSync(toml, 'utf8'), problem.fixes[0].edits ?? []);
    fs.writeFileSync(toml, text);
    assert.deepEqual([java(['decrypt', store, 'changeit', 'server', 'changeit', OAEP, ...ciphertexts()]), await secretFindings()], [[PLAIN[1]], []]);
  });

  it('follows conf/carbon.properties: with "RSA" there, what Java made with "RSA" is silent and OAEP is the mismatch', async () => {
    const store = path.join(root, SEC, 'old.jks');
    fs.writeFileSync(path.join(root, 'conf/carbon.properties'), 'org.wso2.CipherTransformation=RSA\n');
    writeToml([
      ['pkcs1', java(['encrypt', store, 'changeit', 'server', 'RSA', 'one'])[0]],
      ['oaep', java(['encrypt', store, 'changeit', 'server', OAEP, 'two'])[0]],
    ]);
    const lines = fs.readFileSync(toml, 'utf8').split('\n');
    const actual = (await secretFindings()).map((p) => [p.code, p.range.start.line]);
    assert.deepEqual(actual, [['secret-transformation-mismatch', lines.findIndex((l) => l.startsWith('oaep'))]]);
  });

  it('reports a ciphertext Java made with another key as secret-undecryptable', async () => {
    const foreign = java(['encrypt', path.join(FIXTURES, 'jks-rsa.jks'), 'changeit', 'server', 'RSA', 'x'])[0];
    writeToml([['foreign', foreign]]);
    const lines = fs.readFileSync(toml, 'utf8').split('\n');
    assert.deepEqual(await undecryptable(), [lines.findIndex((l) => l.startsWith('foreign'))]);
  });

  // Before, encrypt-secrets wrote PKCS#1 v1.5 here, which a stock MI 4.x (OAEP) fails to decrypt at start.
  it('writes with encrypt-secrets, when nothing is configured, what Java decrypts with OAEP and not with "RSA"', async () => {
    writeToml(PLAIN.map((p, i) => [`s${i}`, `[${p}]`]));
    await run(['encrypt-secrets', '.']);
    const store = path.join(root, SEC, 'old.jks');
    assert.deepEqual(java(['decrypt', store, 'changeit', 'server', 'changeit', OAEP, ...ciphertexts()]), PLAIN);
    assert.throws(() => java(['decrypt', store, 'changeit', 'server', 'changeit', 'RSA', ...ciphertexts()]));
  });

  it('writes with encrypt-secrets what Java decrypts with "RSA" where [system.parameter] configures it', async () => {
    writeToml(PLAIN.map((p, i) => [`s${i}`, `[${p}]`]), `\n[system.parameter]\n'org.wso2.CipherTransformation' = "RSA"\n`);
    await run(['encrypt-secrets', '.']);
    const actual = java(['decrypt', path.join(root, SEC, 'old.jks'), 'changeit', 'server', 'changeit', 'RSA', ...ciphertexts()]);
    assert.deepEqual(actual, PLAIN);
  });

  it('writes with encrypt-secrets what Java decrypts with "RSA" where the home\'s conf/carbon.properties configures it', async () => {
    fs.writeFileSync(path.join(root, 'conf/carbon.properties'), 'org.wso2.CipherTransformation=RSA\n');
    writeToml(PLAIN.map((p, i) => [`s${i}`, `[${p}]`]));
    await run(['encrypt-secrets', '.']);
    const actual = java(['decrypt', path.join(root, SEC, 'old.jks'), 'changeit', 'server', 'changeit', 'RSA', ...ciphertexts()]);
    assert.deepEqual(actual, PLAIN);
  });

  it('writes with the configured OAEP transformation what Java decrypts with OAEP', async () => {
    writeToml(PLAIN.map((p, i) => [`s${i}`, `[${p}]`]), `\n[system.parameter]\n"org.wso2.CipherTransformation" = "${OAEP}"\n`);
    await run(['encrypt-secrets', '.']);
    const actual = java(['decrypt', path.join(root, SEC, 'old.jks'), 'changeit', 'server', 'changeit', OAEP, ...ciphertexts()]);
    assert.deepEqual(actual, PLAIN);
  });

  it('writes OAEP ciphertexts that Java cannot decrypt as "RSA" (PKCS#1 v1.5)', async () => {
    writeToml([['s', '[oaep only]']], `\n[system.parameter]\n"org.wso2.CipherTransformation" = "${OAEP}"\n`);
    await run(['encrypt-secrets', '.']);
    assert.throws(() => java(['decrypt', path.join(root, SEC, 'old.jks'), 'changeit', 'server', 'changeit', 'RSA', ...ciphertexts()]));
  });

  it('after rotate-internal, Java decrypts every secret with the new keytool-made key', async () => {
    const oldStore = path.join(root, SEC, 'old.jks');
    writeToml([
      ['a', java(['encrypt', oldStore, 'changeit', 'server', 'RSA', PLAIN[0]])[0]],
      ['b', java(['encrypt', oldStore, 'changeit', 'server', OAEP, PLAIN[1]])[0]],
    ]);
    const newStore = path.join(root, SEC, 'new.p12');
    keytool([
      '-genkeypair', '-keyalg', 'RSA', '-keysize', '2048', '-alias', 'vault', '-dname', 'CN=vault', '-validity', '30',
      '-storetype', 'PKCS12', '-keystore', newStore, '-storepass', 'changeit',
    ]);
    await run(['rotate-internal', '.', '--keystore', `${SEC}/new.p12`, '--alias', 'vault', '--password-env', 'NEWPW']);
    const actual = java(['decrypt', newStore, 'changeit', 'vault', 'changeit', OAEP, ...ciphertexts()]);
    assert.deepEqual(actual, PLAIN);
  });
});
