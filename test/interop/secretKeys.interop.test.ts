/**
 * Secret keys (keytool's SecretKeyEntry) through every write, against the JDK 17 keytool: stores keytool makes
 * with -genseckey (PKCS12 secretBags, JCEKS sealed objects) are listed with algorithm and size, converted both
 * ways, re-passworded and given a certificate, and keytool opens every secret key we wrote (-importkeystore)
 * to the same key bytes.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { decodeKeystore, openSecretKey, type Keystore } from '../../src/core/keystore';
import { fixturePath, useTempDir } from '../helpers/fixtures';
import { keytool, keytoolImportKeystore, keytoolList } from '../helpers/keytool';
import { runCli } from '../helpers/cli';

const PW = 'secret-store-1';
const NEW_PW = 'secret-store-2';

/** Every secret key of a store file opened: alias → `algorithm:hex`. */
async function secrets(file: string, password: string): Promise<Record<string, string>> {
  const store: Keystore = await decodeKeystore(readFileSync(file), password);
  const out: Record<string, string> = {};
  for (const e of store.entries) {
    if (e.kind !== 'secret-key') continue;
    const m = await openSecretKey(e, password);
    out[e.alias.toLowerCase()] = `${m.algorithm}:${Buffer.from(m.key).toString('hex')}`;
  }
  return out;
}

describe('secret keys with keytool (PKCS12 secretBag, JCEKS SealedObjectForKeyProtector)', function () {
  this.timeout(180_000);
  const dir = useTempDir('secret-keys-', 'all');
  const cli = (argv: string[]) => runCli(argv, { env: { PW, NEW_PW }, cwd: dir() });
  let original: Record<string, string> = {};

  before(async () => {
    for (const type of ['PKCS12', 'JCEKS']) {
      const file = dir(`keytool.${type === 'PKCS12' ? 'p12' : 'jceks'}`);
      keytool(['-genseckey', '-alias', 'hmac', '-keyalg', 'HmacSHA256', '-keysize', '256', '-keystore', file, '-storetype', type, '-storepass', PW, '-keypass', PW]);
      keytool(['-genseckey', '-alias', 'aes', '-keyalg', 'AES', '-keysize', '128', '-keystore', file, '-storetype', type, '-storepass', PW, '-keypass', PW]);
      keytool(['-genseckey', '-alias', 'des3', '-keyalg', 'DESede', '-keystore', file, '-storetype', type, '-storepass', PW, '-keypass', PW]);
      keytool(['-importcert', '-noprompt', '-alias', 'ca', '-file', fixturePath('pem/ca.pem'), '-keystore', file, '-storetype', type, '-storepass', PW]);
    }
    original = await secrets(dir('keytool.p12'), PW);
  });

  it('lists keytool\'s secret keys in PKCS12 and JCEKS with algorithm and size', async () => {
    for (const file of ['keytool.p12', 'keytool.jceks']) {
      const actual = await cli(['list', dir(file), '--password-env', 'PW', '--json']);
      assert.equal(actual.code, 0, actual.stderr);
      const listed = JSON.parse(actual.stdout).entries as { alias: string; kind: string; secretKey: unknown }[];
      const bySecret = Object.fromEntries(listed.filter((e) => e.kind === 'secret-key').map((e) => [e.alias, e.secretKey]));
      assert.deepEqual(bySecret, {
        hmac: { algorithm: 'HmacSHA256', size: 256 },
        aes: { algorithm: 'AES', size: 128 },
        des3: { algorithm: 'DESede', size: 168 },
      }, file);
    }
    assert.equal(Object.keys(original).length, 3);
  });

  it('convert PKCS12 → JCEKS → PKCS12 keeps every secret key, and keytool opens each result to the same keys', async () => {
    assert.equal((await cli(['convert', dir('keytool.p12'), dir('ours.jceks'), '--type', 'JCEKS', '--password-env', 'PW'])).code, 0);
    assert.equal((await cli(['convert', dir('ours.jceks'), dir('ours.p12'), '--type', 'PKCS12', '--password-env', 'PW'])).code, 0);
    for (const [file, type] of [['ours.jceks', 'JCEKS'], ['ours.p12', 'PKCS12']]) {
      const listing = keytoolList(dir(file), PW);
      assert.deepEqual(listing.entries.map((e) => `${e.alias}:${e.entryType}`).sort(), ['aes:SecretKeyEntry', 'ca:trustedCertEntry', 'des3:SecretKeyEntry', 'hmac:SecretKeyEntry']);
      // keytool must open every secret key to copy it; we then read the copy keytool wrote.
      const copy = dir(`keytool-copy-of-${file}.${type === 'JCEKS' ? 'p12' : 'jceks'}`);
      keytoolImportKeystore({ from: dir(file), fromPassword: PW, to: copy, toType: type === 'JCEKS' ? 'PKCS12' : 'JCEKS', toPassword: PW });
      assert.deepEqual(await secrets(copy, PW), original, file);
    }
  });

  it('passwd of a PKCS12 re-seals its secret keys: keytool opens them with the new password', async () => {
    const file = dir('passwd.p12');
    assert.equal((await cli(['convert', dir('keytool.p12'), file, '--type', 'PKCS12', '--password-env', 'PW'])).code, 0);
    const run = await cli(['passwd', file, '--password-env', 'PW', '--new-password-env', 'NEW_PW']);
    assert.equal(run.code, 0, run.stderr);
    const copy = dir('passwd-copy.jceks');
    // keytool seals the copied JCEKS secret keys with the source key password: the new store password.
    keytoolImportKeystore({ from: file, fromPassword: NEW_PW, to: copy, toType: 'JCEKS', toPassword: NEW_PW });
    assert.deepEqual(await secrets(copy, NEW_PW), original);
  });

  it('import-cert into a store with secret keys keeps them', async () => {
    const file = dir('import.p12');
    assert.equal((await cli(['convert', dir('keytool.p12'), file, '--type', 'PKCS12', '--password-env', 'PW'])).code, 0);
    const run = await cli(['import-cert', file, fixturePath('pem/server-signed.pem'), '--alias', 'server-cert', '--password-env', 'PW']);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(await secrets(file, PW), original);
    assert.equal(keytoolList(file, PW).count, 5);
  });

  it('convert --type JKS refuses, naming each secret key; --skip-unsupported converts the rest and lists what it left', async () => {
    const refused = await cli(['convert', dir('keytool.jceks'), dir('refused.jks'), '--type', 'JKS', '--password-env', 'PW']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^[^\n]+\n$/);
    for (const alias of ['hmac', 'aes', 'des3']) assert.ok(refused.stderr.includes(`alias "${alias}"`), refused.stderr);
    const skipped = await cli(['convert', dir('keytool.jceks'), dir('skipped.jks'), '--type', 'JKS', '--password-env', 'PW', '--skip-unsupported']);
    assert.equal(skipped.code, 0, skipped.stderr);
    assert.deepEqual(skipped.stdout.split('\n').filter((l) => l.startsWith('Left out')).map((l) => /"([^"]+)"/.exec(l)?.[1]).sort(), ['aes', 'des3', 'hmac']);
    assert.deepEqual(keytoolList(dir('skipped.jks'), PW).entries.map((e) => e.alias), ['ca']);
    assert.equal(path.extname(dir('skipped.jks')), '.jks');
  });
});
