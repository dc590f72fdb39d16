import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import type { CliIO } from '../../src/cli/command';

const FIXTURES = path.resolve(__dirname, '../fixtures/keystores');
const WSO2 = path.resolve(__dirname, '../../../shared/fixtures/wso2/keystores');
const KEYTOOL = '/usr/bin/keytool';

/** keytool's view of a store: alias → first (leaf) SHA-256 fingerprint and entry type, plus chain length. */
interface KeytoolEntry {
  alias: string;
  type: string;
  sha256: string;
  chainLength: number;
}

/** Runs keytool in the C.UTF-8 locale (its output is parsed, aliases may be non-ASCII); keytool's JKS warnings on stderr are ignored, exit code decides. */
function keytool(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(KEYTOOL, args, { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8', TZ: 'UTC' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `keytool -list -v`, parsed into entries. */
function keytoolList(file: string, password: string, storetype?: string): KeytoolEntry[] {
  const r = keytool(['-list', '-v', '-keystore', file, '-storepass', password, ...(storetype ? ['-storetype', storetype] : [])]);
  assert.equal(r.status, 0, `keytool -list failed: ${r.stdout}${r.stderr}`);
  return r.stdout
    .split(/^Alias name: /m)
    .slice(1)
    .map((block) => ({
      alias: block.split('\n')[0],
      type: /^Entry type: (\S+)/m.exec(block)?.[1] ?? '',
      sha256: /^\s*SHA256: ([0-9A-F:]+)/m.exec(block)?.[1] ?? '',
      chainLength: Number(/^Certificate chain length: (\d+)/m.exec(block)?.[1] ?? 0),
    }));
}

describe('mi-keystores CLI against keytool (interop)', function () {
  this.timeout(180000);
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mi-cli-interop-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Runs the CLI in-process in the temp folder; fails the test on a non-zero exit. */
  async function cli(argv: string[], env: Record<string, string> = {}): Promise<string> {
    let stdout = '';
    let stderr = '';
    const io: CliIO = {
      stdout: (t) => void (stdout += t),
      stderr: (t) => void (stderr += t),
      env: { PW: 'changeit', NEW: 'newpass1', ...env },
      cwd: dir,
    };
    const code = await main(argv, io);
    assert.equal(code, 0, `mi-keystores ${argv[0]} exited ${code}: ${stderr}`);
    return stdout;
  }
  const inDir = (name: string) => path.join(dir, name);
  const copy = (name: string) => {
    fs.copyFileSync(path.join(FIXTURES, name), inDir(name));
    return name;
  };
  /** Proves keytool can recover the key of `alias` by exporting it to a fresh PKCS12 store. */
  const assertKeytoolRecoversKey = (file: string, storePassword: string, alias: string, keyPassword = storePassword, storetype?: string) => {
    const r = keytool([
      '-importkeystore', '-noprompt', '-srckeystore', inDir(file), '-srcstorepass', storePassword, '-srcalias', alias, '-srckeypass', keyPassword,
      ...(storetype ? ['-srcstoretype', storetype] : []),
      '-destkeystore', inDir(`recovered-${alias}.p12`), '-deststoretype', 'PKCS12', '-deststorepass', 'recover1',
    ]);
    assert.equal(r.status, 0, `keytool could not recover "${alias}": ${r.stdout}${r.stderr}`);
    fs.rmSync(inDir(`recovered-${alias}.p12`));
  };

  for (const [label, file, extra, expectKey] of [
    ['RSA-2048 JKS', 'rsa.jks', ['--key-size', '2048'], '2048-bit RSA key'],
    ['RSA-2048 PKCS12', 'rsa.p12', ['--key-size', '2048'], '2048-bit RSA key'],
    ['EC P-256 PKCS12', 'ec.p12', ['--key-alg', 'EC', '--curve', 'P-256'], '256-bit EC (secp256r1) key'],
  ] as const) {
    it(`generate ${label}: keytool lists it and recovers the key`, async () => {
      await cli(['generate', file, '--alias', 'server', '--dname', 'CN=localhost,O=WSO2,C=US', '--san', 'dns:localhost,ip:127.0.0.1', ...extra, '--password-env', 'PW']);
      const listed = keytool(['-list', '-v', '-keystore', inDir(file), '-storepass', 'changeit']);
      assert.equal(listed.status, 0, listed.stderr);
      assert.match(listed.stdout, /Alias name: server\nCreation date: .*\nEntry type: PrivateKeyEntry/);
      assert.match(listed.stdout, new RegExp(`Subject Public Key Algorithm: ${expectKey.replace(/[()]/g, '\\$&')}`));
      assert.match(listed.stdout, /Owner: CN=localhost, O=WSO2, C=US/);
      assertKeytoolRecoversKey(file, 'changeit', 'server');
    });
  }

  it('import-cert: keytool lists the new trusted entry with the same fingerprint', async () => {
    await cli(['import-cert', 'trust.jks', path.join(FIXTURES, 'pem/ca.pem'), '--alias', 'ca', '--password-env', 'PW']);
    const actual = keytoolList(inDir('trust.jks'), 'changeit');
    const expected = keytoolList(path.join(FIXTURES, 'jks-trust.jks'), 'changeit').find((e) => e.alias === 'ca');
    assert.deepEqual(actual, [expected]);
  });

  it('import-reply: keytool shows the chain of 2 on the pending key, and recovers the key', async () => {
    const file = copy('jks-pending.jks');
    await cli(['import-reply', file, path.join(FIXTURES, 'pem/pending-reply-chain.pem'), '--alias', 'pending', '--password-env', 'PW']);
    const pending = keytoolList(inDir(file), 'changeit').find((e) => e.alias === 'pending');
    assert.equal(pending?.chainLength, 2);
    assertKeytoolRecoversKey(file, 'changeit', 'pending');
  });

  it('import-pem: keytool shows the key with its chain of 2 and recovers it', async () => {
    await cli(['import-pem', 'srv.p12', path.join(FIXTURES, 'pem/server-key.pkcs8.pem'), path.join(FIXTURES, 'pem/reply-chain.pem'), '--alias', 'server', '--password-env', 'PW']);
    const actual = keytoolList(inDir('srv.p12'), 'changeit');
    const expected = keytoolList(path.join(FIXTURES, 'jks-chain.jks'), 'changeit').find((e) => e.alias === 'server');
    assert.deepEqual(actual, [expected]);
    assertKeytoolRecoversKey('srv.p12', 'changeit', 'server');
  });

  it('passwd (JKS): keytool opens the store with the new password, the key keeps its own', async () => {
    const file = copy('jks-keypass.jks');
    await cli(['passwd', file, '--password-env', 'OLD', '--new-password-env', 'NEW'], { OLD: 'storepass1' });
    assert.equal(keytoolList(inDir(file), 'newpass1').length, 1);
    assertKeytoolRecoversKey(file, 'newpass1', 'signer', 'keypass1');
  });

  it('passwd (PKCS12): keytool opens the store and the key with the new password', async () => {
    const file = copy('p12-default.p12');
    await cli(['passwd', file, '--password-env', 'PW', '--new-password-env', 'NEW']);
    assert.equal(keytoolList(inDir(file), 'newpass1').length, 2);
    assertKeytoolRecoversKey(file, 'newpass1', 'server');
  });

  it('keypasswd (JKS): keytool recovers the key with the new key password', async () => {
    const file = copy('jks-keypass.jks');
    await cli(['keypasswd', file, '--alias', 'signer', '--password-env', 'S', '--key-password-env', 'K', '--new-key-password-env', 'NEW'], {
      S: 'storepass1',
      K: 'keypass1',
    });
    assertKeytoolRecoversKey(file, 'storepass1', 'signer', 'newpass1');
  });

  it('convert JKS → PKCS12 → JCEKS: keytool reads each with the right password and recovers the key', async () => {
    const file = copy('jks-chain.jks');
    await cli(['convert', file, 'chain.p12', '--type', 'PKCS12', '--password-env', 'PW']);
    await cli(['convert', 'chain.p12', 'chain.jceks', '--type', 'JCEKS', '--password-env', 'PW', '--new-password-env', 'NEW']);
    const expected = keytoolList(inDir(file), 'changeit');
    const sortByAlias = (l: KeytoolEntry[]) => [...l].sort((a, b) => a.alias.localeCompare(b.alias));
    assert.deepEqual(sortByAlias(keytoolList(inDir('chain.p12'), 'changeit')), sortByAlias(expected));
    assert.deepEqual(sortByAlias(keytoolList(inDir('chain.jceks'), 'newpass1', 'JCEKS')), sortByAlias(expected));
    assertKeytoolRecoversKey('chain.p12', 'changeit', 'server');
    // The JCEKS key keeps the password that opened it in the PKCS12 source (its store password).
    assertKeytoolRecoversKey('chain.jceks', 'newpass1', 'server', 'changeit', 'JCEKS');
  });

  it('csr: keytool -gencert signs the request with ca.jks', async () => {
    const file = copy('jks-rsa.jks');
    await cli(['csr', file, '--alias', 'server', '--out', 'server.csr', '--password-env', 'PW']);
    const r = keytool(['-gencert', '-keystore', path.join(FIXTURES, 'ca.jks'), '-storepass', 'changeit', '-alias', 'ca', '-infile', inDir('server.csr'), '-outfile', inDir('server.cer'), '-rfc']);
    assert.equal(r.status, 0, r.stderr);
    const printed = keytool(['-printcert', '-file', inDir('server.cer')]);
    assert.match(printed.stdout, /Owner: CN=localhost, OU=Integration, O=MI Keystores, L=Colombo, C=LK/);
    assert.match(printed.stdout, /Issuer: CN=MI Keystores Test CA/);
  });

  /** Every store with its password: the keytool-made fixtures and WSO2's real stores (MANIFEST passwords). */
  const stores: [string, string][] = [
    ...fs
      .readdirSync(FIXTURES)
      .filter((n) => /\.(jks|p12|jceks)$/.test(n))
      .map((n): [string, string] => [path.join(FIXTURES, n), n === 'jks-keypass.jks' ? 'storepass1' : 'changeit']),
    ...[
      'wso2carbon.jks',
      'client-truststore.jks',
      'wso2carbon.kernel-4.9.x-head.jks',
      'client-truststore.kernel-4.9.x-head.jks',
      'mi-vscode-new-project/wso2carbon.jks',
      'mi-vscode-new-project/client-truststore.jks',
      'mi-sample-expired-2025/wso2carbon.jks',
      'mi-sample-expired-2025/client-truststore.jks',
    ].map((n): [string, string] => [path.join(WSO2, n), 'wso2carbon']),
    [path.join(WSO2, 'test-fixtures/vfsKeystore.jks'), 'edcrfv'],
    [path.join(WSO2, 'test-fixtures/esb.jks'), '123456'],
    [path.join(WSO2, 'test-fixtures/clienttruststore.jks'), '123456'],
    [path.join(WSO2, 'test-fixtures/rabbitmq-client-keycert.p12'), 'MySecretPassword'],
  ];
  for (const [file, password] of stores) {
    it(`list --json of ${path.relative(path.resolve(__dirname, '../..'), file)} matches keytool's aliases and SHA-256s`, async () => {
      const doc = JSON.parse(await cli(['list', file, '--password-env', 'P', '--json'], { P: password }));
      const actual = doc.entries.map((e: { alias: string; certificate: { sha256: string } | null }) => `${e.alias} ${e.certificate?.sha256 ?? ''}`).sort();
      const expected = keytoolList(file, password, file.endsWith('.jceks') ? 'JCEKS' : undefined)
        .map((e) => `${e.alias} ${e.sha256}`)
        .sort();
      assert.deepEqual(actual, expected);
    });
  }
});
