/**
 * `mi-keystores encrypt-secrets` and `rotate-internal`, run in-process on a temporary MI home whose
 * internal key is a keytool-made fixture: what they write, what they print (aliases, never secrets or
 * passwords), their exit codes, and that a refused or failed run leaves deployment.toml untouched.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import type { CliIO } from '../../src/cli/command';
import { parseDeploymentToml } from '../../src/core/config/parse';
import { decryptSecret, encryptSecret } from '../../src/core/secrets/cipher';
import { readInternalKey, type NewInternalKey } from '../../src/core/secrets/rotate';
import { loadDeploymentToml, writeDeploymentToml } from '../../src/core/secrets/workspaceVault';
import { FileChangedError } from '../../src/core/keystore';
import type { MiRuntimeHome } from '../../src/core/workspace/discover';
import { FIXTURES } from '../helpers/fixtures';

const SEC = 'repository/resources/security';
const OAEP = 'RSA/ECB/OAEPwithSHA1andMGF1Padding';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('encrypt-secrets and rotate-internal CLI', () => {
  let oldKey: NewInternalKey;
  let newKey: NewInternalKey;
  let root: string;
  let toml: string;

  before(async () => {
    oldKey = await readInternalKey(path.join(FIXTURES, 'jks-chain.jks'), 'server', 'changeit');
    newKey = await readInternalKey(path.join(FIXTURES, 'jks-rsa.jks'), 'server', 'changeit');
  });

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'mi-secrets-cli-'));
    fs.mkdirSync(path.join(root, 'conf'));
    fs.mkdirSync(path.join(root, SEC), { recursive: true });
    fs.copyFileSync(path.join(FIXTURES, 'jks-chain.jks'), path.join(root, SEC, 'old.jks'));
    fs.copyFileSync(path.join(FIXTURES, 'jks-rsa.jks'), path.join(root, SEC, 'new.jks'));
    toml = path.join(root, 'conf/deployment.toml');
  });

  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  /** A deployment.toml whose primary (and so internal) keystore is old.jks, with `secrets` appended. */
  function writeToml(secrets: string, extra = ''): string {
    const text =
      `# my MI\n[keystore.primary]\nfile_name = "${SEC}/old.jks"\ntype = "JKS"\npassword = "changeit"\nalias = "server"\nkey_password = "changeit"\n` +
      `${extra}\n[secrets]\n${secrets}`;
    fs.writeFileSync(toml, text);
    return text;
  }

  async function run(argv: string[], env: Record<string, string> = {}): Promise<Run> {
    let stdout = '';
    let stderr = '';
    const io: CliIO = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: { NEWPW: 'changeit', ...env }, cwd: root };
    const code = await main(argv, io);
    return { code, stdout, stderr };
  }

  function secretsOnDisk(): Record<string, string> {
    const doc = parseDeploymentToml(fs.readFileSync(toml, 'utf8'), toml);
    const out: Record<string, string> = {};
    for (const t of doc.tables) for (const e of t.entries) if (e.fullKey.startsWith('secrets.')) out[e.fullKey.slice(8)] = String(e.value.value);
    return out;
  }

  function decryptedOnDisk(pkcs8: Uint8Array): Record<string, string | null> {
    const out: Record<string, string | null> = {};
    for (const [alias, value] of Object.entries(secretsOnDisk())) {
      const r = decryptSecret(value, pkcs8);
      out[alias] = r.ok ? r.plaintext : null;
    }
    return out;
  }

  describe('encrypt-secrets', () => {
    it('encrypts every [plain] secret with the internal key and exits 0', async () => {
      writeToml('admin = "[s3cret-admin]"\ndb = "[s3cret-db]"\n');
      const actual = await run(['encrypt-secrets', '.']);
      assert.equal(actual.code, 0, actual.stderr);
      assert.deepEqual(decryptedOnDisk(oldKey.pkcs8), { admin: 's3cret-admin', db: 's3cret-db' });
    });

    it('prints the aliases, never the plain texts', async () => {
      writeToml('admin = "[s3cret-admin]"\n');
      const actual = await run(['encrypt-secrets', '.']);
      assert.match(actual.stdout, /conf\/deployment\.toml: encrypted 1 secret\(s\) .*: admin\n/);
      assert.doesNotMatch(actual.stdout + actual.stderr, /s3cret|changeit/);
    });

    it('changes nothing but the [plain] values', async () => {
      const before = writeToml('# comment\nadmin   =  "[a]"  # why\nkept = "AAAA"\n');
      await run(['encrypt-secrets', '.']);
      const ciphertext = secretsOnDisk().admin;
      assert.equal(fs.readFileSync(toml, 'utf8'), before.replace('"[a]"', `"${ciphertext}"`));
    });

    it('writes nothing with --dry-run', async () => {
      const before = writeToml('admin = "[a]"\n');
      const actual = await run(['encrypt-secrets', '.', '--dry-run']);
      assert.equal(actual.code, 0);
      assert.match(actual.stdout, /would encrypt 1 secret\(s\).*: admin/);
      assert.equal(fs.readFileSync(toml, 'utf8'), before);
    });

    it('says which transformation it used and why: MI 4.x\'s default OAEP when nothing overrides it', async () => {
      writeToml('admin = "[a]"\n');
      const actual = await run(['encrypt-secrets', '.']);
      const form = decryptSecret(secretsOnDisk().admin, oldKey.pkcs8);
      assert.equal(form.ok && form.form, 'oaep-sha1');
      assert.match(actual.stdout, /using RSA\/ECB\/OAEPwithSHA1andMGF1Padding \(MI 4\.x's default: nothing in deployment\.toml overrides org\.wso2\.CipherTransformation/);
    });

    it('says so when the home\'s conf/carbon.properties sets the transformation', async () => {
      writeToml('admin = "[a]"\n');
      fs.writeFileSync(path.join(root, 'conf/carbon.properties'), 'org.wso2.CipherTransformation=RSA\n');
      const actual = await run(['encrypt-secrets', '.', '--dry-run']);
      assert.match(actual.stdout, /using RSA \(the MI home's conf\/carbon\.properties sets org\.wso2\.CipherTransformation\)/);
    });

    it('follows the configured OAEP transformation', async () => {
      writeToml('admin = "[a]"\n', `\n[system.parameter]\n"org.wso2.CipherTransformation" = "${OAEP}"\n`);
      await run(['encrypt-secrets', '.']);
      const actual = decryptSecret(secretsOnDisk().admin, oldKey.pkcs8);
      assert.equal(actual.ok && actual.form, 'oaep-sha1');
    });

    it('exits 1 with one line and writes nothing when the internal key cannot be read', async () => {
      const before = writeToml('admin = "[a]"\n').replace('password = "changeit"', 'password = "wrong"');
      fs.writeFileSync(toml, before);
      const actual = await run(['encrypt-secrets', '.']);
      assert.equal(actual.code, 1);
      assert.equal(actual.stderr.trim().split('\n').length, 1);
      assert.match(actual.stderr, /cannot encrypt: the internal keystore .*old\.jks/);
      assert.equal(fs.readFileSync(toml, 'utf8'), before);
    });

    it('exits 2 without a path', async () => {
      const actual = await run(['encrypt-secrets']);
      assert.equal(actual.code, 2);
    });
  });

  describe('rotate-internal', () => {
    const rotate = ['rotate-internal', '.', '--keystore', `${SEC}/new.jks`, '--alias', 'server', '--password-env', 'NEWPW'];

    it('re-encrypts every secret for the new key and exits 0', async () => {
      writeToml(`a = "${encryptSecret('alpha', oldKey.certificate)}"\nb = "${encryptSecret('beta', oldKey.certificate, OAEP)}"\n`);
      const actual = await run(rotate);
      assert.equal(actual.code, 0, actual.stderr);
      assert.deepEqual(decryptedOnDisk(newKey.pkcs8), { a: 'alpha', b: 'beta' });
    });

    it('points [keystore.internal] at the new store', async () => {
      writeToml(`a = "${encryptSecret('alpha', oldKey.certificate)}"\n`);
      await run(rotate);
      const doc = parseDeploymentToml(fs.readFileSync(toml, 'utf8'), toml);
      const actual = doc.tables.find((t) => t.name === 'keystore.internal')?.entries.map((e) => [e.keyParts[0], e.value.value]);
      assert.deepEqual(actual, [
        ['file_name', `${SEC}/new.jks`],
        ['type', 'JKS'],
        ['alias', 'server'],
        ['password', 'changeit'],
        ['key_password', 'changeit'],
      ]);
    });

    it('prints the aliases and the new key, never a secret or a password', async () => {
      writeToml(`a = "${encryptSecret('alpha', oldKey.certificate)}"\n`);
      const actual = await run(rotate);
      assert.match(actual.stdout, /1 secret\(s\) \(a\) re-encrypted for the internal key "server" \(certificate SHA-256 /);
      assert.doesNotMatch(actual.stdout + actual.stderr, /alpha|changeit/);
    });

    it('refuses, exit 1, writing nothing, when a secret does not decrypt with the old key', async () => {
      const before = writeToml(`a = "${encryptSecret('alpha', oldKey.certificate)}"\nforeign = "${encryptSecret('x', newKey.certificate)}"\n`);
      const actual = await run(rotate);
      assert.equal(actual.code, 1);
      assert.match(actual.stderr, /"foreign" cannot be decrypted with the current internal key; nothing was changed/);
      assert.equal(fs.readFileSync(toml, 'utf8'), before);
    });

    it('exits 1 writing nothing when the new keystore password is wrong', async () => {
      const before = writeToml(`a = "${encryptSecret('alpha', oldKey.certificate)}"\n`);
      const actual = await run(rotate, { NEWPW: 'nope' });
      assert.equal(actual.code, 1);
      assert.match(actual.stderr, /wrong password for .*new\.jks/);
      assert.equal(fs.readFileSync(toml, 'utf8'), before);
    });

    it('exits 1 when the new key does not open with its store password, as MI needs', async () => {
      writeToml('');
      fs.copyFileSync(path.join(FIXTURES, 'jks-keypass.jks'), path.join(root, SEC, 'keypass.jks'));
      const actual = await run(['rotate-internal', '.', '--keystore', `${SEC}/keypass.jks`, '--alias', 'signer', '--password-env', 'PW'], { PW: 'storepass1' });
      assert.equal(actual.code, 1);
      assert.match(actual.stderr, /^mi-keystores: .*keypass\.jks: the key "signer" does not open with the store password;.*\n$/);
    });

    it('takes the old password from --old-password-env when deployment.toml does not give it', async () => {
      writeToml(`a = "${encryptSecret('alpha', oldKey.certificate)}"\n`);
      fs.writeFileSync(toml, fs.readFileSync(toml, 'utf8').replace('password = "changeit"', 'password = "$env{OLD_KS_PW}"'));
      const actual = await run([...rotate, '--old-password-env', 'OLDPW'], { OLDPW: 'changeit' });
      assert.equal(actual.code, 0, actual.stderr);
      assert.deepEqual(decryptedOnDisk(newKey.pkcs8), { a: 'alpha' });
    });

    it('exits 2 without --alias', async () => {
      writeToml('');
      const actual = await run(['rotate-internal', '.', '--keystore', 'x.jks']);
      assert.equal(actual.code, 2);
    });
  });

  describe('writing deployment.toml', () => {
    it('refuses to write over a file that changed since it was read', async () => {
      writeToml('a = "[x]"\n');
      const ws: MiRuntimeHome = { kind: 'runtime', root, deploymentToml: toml };
      const loaded = await loadDeploymentToml(ws, {});
      fs.appendFileSync(toml, '# edited meanwhile\n');
      await assert.rejects(writeDeploymentToml(loaded, []), FileChangedError);
    });
  });
});
