/**
 * The secure vault's quick fixes come from the engine, attached to its `secret-plain` and
 * `plaintext-password` findings like every other fix, and only where the internal key can be read. The
 * internal key is the keytool-made `jks-rsa.jks` fixture.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkWorkspace } from '../../src/core/checks/index';
import { MOVE_TO_SECRETS_NOTE_ACTION } from '../../src/core/checks/vaultFixes';
import type { Problem } from '../../src/core/problem';
import { applyEdits } from '../../src/core/secrets/applyEdits';
import { decryptSecret } from '../../src/core/secrets/cipher';
import { readInternalKey } from '../../src/core/secrets/rotate';
import type { MiRuntimeHome } from '../../src/core/workspace/discover';
import { KeystoreCache } from '../../src/core/workspace/keystoreCache';

const FIXTURES = path.resolve(__dirname, '../fixtures/keystores');
const SEC = 'repository/resources/security';
const temps: string[] = [];

after(() => {
  for (const dir of temps) fs.rmSync(dir, { recursive: true, force: true });
});

/** An MI home whose primary (and so internal) keystore is jks-rsa.jks, opened with `password`. */
function home(password: string, rest: string): MiRuntimeHome {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mi-vault-fixes-'));
  temps.push(root);
  fs.mkdirSync(path.join(root, 'conf'));
  fs.mkdirSync(path.join(root, SEC), { recursive: true });
  fs.copyFileSync(path.join(FIXTURES, 'jks-rsa.jks'), path.join(root, SEC, 'server.jks'));
  const toml = `[keystore.primary]\nfile_name = "${SEC}/server.jks"\ntype = "JKS"\npassword = "${password}"\nalias = "server"\nkey_password = "${password}"\n${rest}`;
  fs.writeFileSync(path.join(root, 'conf/deployment.toml'), toml);
  return { kind: 'runtime', root, deploymentToml: path.join(root, 'conf/deployment.toml') };
}

async function problemsOf(ws: MiRuntimeHome, code: string): Promise<Problem[]> {
  return (await checkWorkspace(ws, { env: {}, cache: new KeystoreCache(), vaultFixes: true })).filter((p) => p.code === code);
}

describe('vault fixes from the engine', () => {
  it('secret-plain: the preferred fix encrypts the value so that the internal private key decrypts it', async () => {
    const ws = home('changeit', '[secrets]\nadmin_password = "[s3cret-Admin]"\n');
    const [problem] = await problemsOf(ws, 'secret-plain');
    const fix = problem.fixes.find((f) => f.title.startsWith('Encrypt "admin_password"'));
    assert.ok(fix, `no encrypt fix among ${JSON.stringify(problem.fixes.map((f) => f.title))}`);
    const text = applyEdits(fs.readFileSync(ws.deploymentToml, 'utf8'), fix.edits ?? []);
    const ciphertext = /admin_password = "([^"]+)"/.exec(text)?.[1] ?? '';
    const key = await readInternalKey(path.join(FIXTURES, 'jks-rsa.jks'), 'server', 'changeit');
    const actual = decryptSecret(ciphertext, key.pkcs8);
    assert.deepEqual([fix.title, fix.preferred, actual.ok && actual.plaintext], ['Encrypt "admin_password" with the internal key (RSA/ECB/OAEPwithSHA1andMGF1Padding)', true, 's3cret-Admin']);
  });

  it('plaintext-password: the fix moves the password into [secrets] and then runs the password-tmp reminder', async () => {
    const ws = home('changeit', '');
    const problems = await problemsOf(ws, 'plaintext-password');
    const fixes = problems.flatMap((p) => p.fixes);
    const actual = fixes.map((f) => [/^Move into \[secrets\] as \$secret\{.+\} \(encrypted\)$/.test(f.title), f.run?.action, (f.edits?.length ?? 0) > 0, f.safe === true]);
    const expected = problems.map(() => [true, MOVE_TO_SECRETS_NOTE_ACTION, true, false]);
    assert.deepEqual([problems.length > 0, actual], [true, expected]);
  });

  it('attaches none unless the caller offers fixes (the CLI does not)', async () => {
    const ws = home('changeit', '[secrets]\nadmin_password = "[s3cret-Admin]"\n');
    const problems = await checkWorkspace(ws, { env: {}, cache: new KeystoreCache() });
    const actual = problems.filter((p) => p.code === 'secret-plain' || p.code === 'plaintext-password').map((p) => p.fixes.length);
    assert.deepEqual([actual.length > 1, actual.every((n) => n === 0)], [true, true]);
  });

  it('offers no vault fix when the internal key cannot be read (wrong password), yet still reports the findings', async () => {
    const ws = home('not-the-password', '[secrets]\nadmin_password = "[s3cret-Admin]"\n');
    const plain = await problemsOf(ws, 'secret-plain');
    const moves = await problemsOf(ws, 'plaintext-password');
    const actual = [plain.length, moves.length > 0, [...plain, ...moves].flatMap((p) => p.fixes).length];
    assert.deepEqual(actual, [1, true, 0]);
  });
});
