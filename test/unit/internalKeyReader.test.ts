/**
 * The one reader of the effective internal key (resolveInternalKey): the checks (secret checks, vault quick
 * fixes), encrypt-secrets and rotate-internal all get the key it gives, recovered with the store password as
 * MI does, opened with the password deployment.toml gives in the clear before any password a person supplied.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDeploymentToml } from '../../src/core/config/parse';
import { checkWorkspace } from '../../src/core/checks/index';
import { buildEffectiveConfig } from '../../src/core/workspace/effectiveConfig';
import { KeystoreCache } from '../../src/core/workspace/keystoreCache';
import { resolveInternalKey, type InternalKeyResult } from '../../src/core/secrets/workspaceVault';
import type { MiRuntimeHome } from '../../src/core/workspace/discover';
import { fixturePath, useTempDir } from '../helpers/fixtures';
import { writeMiHome } from '../helpers/miHome';

describe('the internal key reader', () => {
  const tmp = useTempDir('mi-ikr-');

  /** A home whose primary (hence internal) keystore is `store`, configured by `toml`. */
  function home(store: string, toml: string) {
    const files = writeMiHome(tmp(), `[keystore.primary]\nfile_name = "repository/resources/security/k.jks"\n${toml}`, { 'k.jks': fixturePath(store) });
    const ws: MiRuntimeHome = { kind: 'runtime', root: files.root, deploymentToml: files.toml };
    const config = buildEffectiveConfig(parseDeploymentToml(fs.readFileSync(files.toml, 'utf8'), files.toml), ws, { env: {} });
    return { ws, config, file: path.join(files.security, 'k.jks') };
  }

  async function read(store: string, toml: string, supplied?: string): Promise<InternalKeyResult> {
    const h = home(store, toml);
    return resolveInternalKey(h.config, new KeystoreCache(), supplied === undefined ? {} : { [h.file]: supplied });
  }

  it('recovers the key with the store password', async () => {
    const r = await read('jks-rsa.jks', 'password = "changeit"\nalias = "server"\nkey_password = "changeit"\n');
    assert.ok(r.ok, 'not read');
    assert.deepEqual([r.key.alias, r.key.pkcs8.length > 100, r.key.certificate.length > 100], ['server', true, true]);
  });

  it('does not read a key sealed with a key_password other than the store password, as MI cannot', async () => {
    const r = await read('jks-keypass.jks', 'password = "storepass1"\nalias = "signer"\nkey_password = "keypass1"\n');
    assert.deepEqual(r, { ok: false, needsPassword: false, reason: 'the key "signer" of the internal keystore repository/resources/security/k.jks cannot be recovered with the store password' });
  });

  it('opens the store with the clear password of deployment.toml, not a supplied one', async () => {
    const r = await read('jks-rsa.jks', 'password = "changeit"\nalias = "server"\n', 'wrong');
    assert.equal(r.ok && r.key.alias, 'server');
  });

  it('does not let a supplied password hide a wrong clear password, which MI would use, and asks for none', async () => {
    const r = await read('jks-rsa.jks', 'password = "wrong"\nalias = "server"\n', 'changeit');
    assert.deepEqual([r.ok, !r.ok && r.needsPassword], [false, false]);
  });

  it('takes a supplied password where deployment.toml gives none in the clear', async () => {
    const toml = 'password = "$env{KS_PW}"\nalias = "server"\n';
    const [given, wrong, none] = [await read('jks-rsa.jks', toml, 'changeit'), await read('jks-rsa.jks', toml, 'wrong'), await read('jks-rsa.jks', toml)];
    assert.deepEqual([given.ok, wrong.ok, !wrong.ok && wrong.needsPassword, none.ok, !none.ok && none.needsPassword], [true, false, true, false, true]);
  });

  it('gives the checks the same key: a supplied password does not override the clear one there either', async () => {
    const secret = '[secrets]\nplain_one = "[in the clear]"\n';
    const h = home('jks-rsa.jks', `password = "changeit"\nalias = "server"\n${secret}`);
    const problems = await checkWorkspace(h.ws, { vaultFixes: true, storePasswords: { [h.file]: 'wrong' }, env: {} });
    const plain = problems.find((p) => p.code === 'secret-plain');
    assert.ok(plain, 'no secret-plain finding');
    assert.ok(plain.fixes.some((f) => f.title.startsWith('Encrypt "plain_one" with the internal key')), plain.fixes.map((f) => f.title).join('; '));
  });
});
