import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { registeredCommands } from '../../src/cli/main';
import type { CliIO } from '../../src/cli/command';
import { copyFixture, fixturePath, useTempDir } from '../helpers/fixtures';
import { runCli, type CliRun } from '../helpers/cli';

/** A password no fixture or message contains, so finding it in output means it leaked. */
const SECRET = 'Zebra-S3cret-77';

describe('mi-keystores CLI (in-process)', () => {
  const dir = useTempDir('mi-cli-');

  /** Runs main with captured output, cwd = the temp folder, and PW/SECRET in the environment. */
  function run(argv: string[], extra: Partial<CliIO> = {}): Promise<CliRun> {
    return runCli(argv, { env: { PW: 'changeit', SECRET }, cwd: dir(), ...extra });
  }
  const copy = (name: string) => copyFixture(name, dir());
  const isOneLine = (s: string) => /^[^\n]+\n$/.test(s);

  it('lists every registered command in --help and exits 0', async () => {
    const actual = await run(['--help']);
    assert.equal(actual.code, 0);
    for (const c of registeredCommands()) assert.match(actual.stdout, new RegExp(`^  ${c.name} `, 'm'));
  });

  it('registers the keystore commands of the contract', () => {
    const names = registeredCommands().map((c) => c.name);
    for (const n of ['list', 'generate', 'import-cert', 'import-reply', 'import-pem', 'export-cert', 'csr', 'delete', 'rename', 'passwd', 'keypasswd', 'convert']) {
      assert.ok(names.includes(n), n);
    }
  });

  it('documents each command with <command> --help', async () => {
    for (const c of registeredCommands()) {
      const actual = await run([c.name, '--help']);
      assert.equal(actual.code, 0, c.name);
      assert.match(actual.stdout, new RegExp(`^Usage: mi-keystores ${c.name}`), c.name);
    }
  });

  it('exits 2 with the command list when no command is given', async () => {
    const actual = await run([]);
    assert.equal(actual.code, 2);
    assert.match(actual.stderr, /Commands:/);
  });

  it('exits 2 with one line for an unknown command', async () => {
    const actual = await run(['frobnicate']);
    assert.equal(actual.code, 2);
    assert.ok(isOneLine(actual.stderr), actual.stderr);
  });

  it('exits 2 with one line for an unknown flag', async () => {
    const actual = await run(['list', copy('jks-rsa.jks'), '--password-env', 'PW', '--bogus']);
    assert.equal(actual.code, 2);
    assert.ok(isOneLine(actual.stderr), actual.stderr);
    assert.match(actual.stderr, /--bogus/);
  });

  it('exits 2 when no password flag is given and stdin is not a terminal', async () => {
    const actual = await run(['list', copy('jks-rsa.jks')]);
    assert.equal(actual.code, 2);
    assert.match(actual.stderr, /--password-env/);
  });

  it('exits 2 when the password environment variable is not set', async () => {
    const actual = await run(['list', copy('jks-rsa.jks'), '--password-env', 'NOT_SET']);
    assert.equal(actual.code, 2);
    assert.ok(isOneLine(actual.stderr), actual.stderr);
  });

  it('exits 1 with one line naming the file and the flag for a wrong password', async () => {
    const actual = await run(['list', copy('jks-rsa.jks'), '--password-env', 'SECRET']);
    assert.equal(actual.code, 1);
    assert.equal(actual.stderr, 'mi-keystores: wrong password for jks-rsa.jks: the integrity check failed. Check --password-env.\n');
  });

  it('exits 1 with one line for a missing keystore file', async () => {
    const actual = await run(['list', 'missing.jks', '--password-env', 'PW']);
    assert.equal(actual.code, 1);
    assert.equal(actual.stderr, 'mi-keystores: missing.jks: no such file.\n');
  });

  it('prints list --json in the contract shape', async () => {
    const actual = await run(['list', copy('jks-chain.jks'), '--password-env', 'PW', '--json']);
    const doc = JSON.parse(actual.stdout);
    assert.equal(actual.code, 0);
    assert.deepEqual(Object.keys(doc), ['file', 'format', 'integrity', 'entries']);
    assert.equal(doc.file, 'jks-chain.jks');
    assert.equal(doc.format, 'JKS');
    assert.equal(doc.integrity, 'verified');
    const server = doc.entries.find((e: { alias: string }) => e.alias === 'server');
    assert.deepEqual(Object.keys(server), ['alias', 'kind', 'created', 'chainLength', 'certificate', 'secretKey']);
    assert.equal(server.kind, 'private-key');
    assert.equal(server.chainLength, 2);
    assert.match(server.created, /^\d{4}-\d\d-\d\dT/);
    assert.match(server.certificate.sha256, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });

  it('prints null certificate and chainLength 0 for a JCEKS secret key', async () => {
    const actual = await run(['list', copy('jceks.jceks'), '--password-env', 'PW', '--json']);
    const secret = JSON.parse(actual.stdout).entries.find((e: { kind: string }) => e.kind === 'secret-key');
    assert.equal(secret.certificate, null);
    assert.equal(secret.chainLength, 0);
  });

  it('prints the algorithm and size of a JCEKS secret key, opened with the store password', async () => {
    const actual = await run(['list', copy('jceks.jceks'), '--password-env', 'PW', '--json']);
    const secret = JSON.parse(actual.stdout).entries.find((e: { kind: string }) => e.kind === 'secret-key');
    assert.deepEqual(secret.secretKey, { algorithm: 'AES', size: 256 });
  });

  it('prints one summary line per entry in the human list', async () => {
    const actual = await run(['list', copy('jks-rsa.jks'), '--password-env', 'PW']);
    assert.equal(actual.code, 0);
    assert.match(actual.stdout, /^server, private-key, chain length 1, expires .+, SHA-256 [0-9A-F:]+$/m);
    assert.match(actual.stdout, /^ca, trusted-cert, expires .+, SHA-256 [0-9A-F:]+$/m);
  });

  it('generates a new store and lists the key', async () => {
    const gen = await run(['generate', 'new.p12', '--alias', 'server', '--dname', 'CN=localhost', '--key-alg', 'EC', '--password-env', 'PW']);
    const listed = await run(['list', 'new.p12', '--password-env', 'PW', '--json']);
    assert.equal(gen.code, 0, gen.stderr);
    assert.deepEqual(
      JSON.parse(listed.stdout).entries.map((e: { alias: string; kind: string }) => `${e.kind}:${e.alias}`),
      ['private-key:server'],
    );
  });

  it('exits 1 with one line when generate hits an existing alias', async () => {
    const actual = await run(['generate', copy('jks-rsa.jks'), '--alias', 'server', '--dname', 'CN=x', '--key-alg', 'EC', '--password-env', 'PW']);
    assert.equal(actual.code, 1);
    assert.ok(isOneLine(actual.stderr), actual.stderr);
    assert.match(actual.stderr, /already exists/);
  });

  it('exits 2 when generate misses --dname', async () => {
    const actual = await run(['generate', 'x.jks', '--alias', 'a', '--password-env', 'PW']);
    assert.equal(actual.code, 2);
    assert.match(actual.stderr, /--dname/);
  });

  it('exits 2 with one rule for --key-size, whatever the size refused', async () => {
    const runs = await Promise.all(['512', '1024', '8192'].map((n) => run(['generate', 'x.jks', '--alias', 'a', '--dname', 'CN=a', '--key-size', n, '--password-env', 'PW'])));
    assert.deepEqual(
      runs.map((r) => [r.code, /--key-size must be 2048, 3072 or 4096/.test(r.stderr)]),
      [
        [2, true],
        [2, true],
        [2, true],
      ],
    );
  });

  it('exits 1 when a new store password is too short', async () => {
    const actual = await run(['generate', 'x.jks', '--alias', 'a', '--dname', 'CN=a', '--key-alg', 'EC', '--password', 'abc']);
    assert.equal(actual.code, 1);
    assert.match(actual.stderr, /at least 6 characters/);
    assert.equal(fs.existsSync(dir('x.jks')), false);
  });

  it('warns that --password shows in the process list, and never prints the password', async () => {
    const file = copy('jks-rsa.jks');
    const outputs = [
      await run(['list', file, '--password', SECRET]),
      await run(['passwd', file, '--password-env', 'PW', '--new-password', SECRET]),
      await run(['list', file, '--password-env', 'SECRET', '--json']),
      await run(['export-cert', file, '--alias', 'server', '--password-env', 'SECRET']),
      // passwd moved the key's password (the old store password) to the new one as well.
      await run(['keypasswd', file, '--alias', 'server', '--password-env', 'SECRET', '--key-password-env', 'SECRET', '--new-key-password-env', 'PW']),
    ];
    assert.match(outputs[0].stderr, /warning: --password shows the password in the process list/);
    assert.deepEqual(outputs.map((o) => o.code), [1, 0, 0, 0, 0]);
    for (const o of outputs) {
      assert.ok(!o.stdout.includes(SECRET) && !o.stderr.includes(SECRET));
    }
  });

  it('reads the password from the first line of --password-file', async () => {
    fs.writeFileSync(dir('pw.txt'), 'changeit\n');
    const actual = await run(['list', copy('jks-rsa.jks'), '--password-file', 'pw.txt']);
    assert.equal(actual.code, 0, actual.stderr);
  });

  it('asks for the password through promptSecret when no flag is given', async () => {
    const prompts: string[] = [];
    const promptSecret = async (q: string) => {
      prompts.push(q);
      return 'changeit';
    };
    const actual = await run(['list', copy('jks-rsa.jks')], { promptSecret });
    assert.equal(actual.code, 0, actual.stderr);
    assert.deepEqual(prompts, ['Keystore password for jks-rsa.jks: ']);
  });

  it('exits 2 when the two typed new passwords differ', async () => {
    const answers = ['changeit', 'typo-changeit'];
    const actual = await run(['passwd', copy('jks-rsa.jks'), '--password-env', 'PW'], { promptSecret: async () => answers.shift() as string });
    assert.equal(actual.code, 2);
    assert.match(actual.stderr, /do not match/);
  });

  it('exits 1 for keypasswd on a PKCS12 store', async () => {
    const actual = await run(['keypasswd', copy('p12-default.p12'), '--alias', 'server', '--password-env', 'PW', '--new-key-password-env', 'SECRET']);
    assert.equal(actual.code, 1);
    assert.ok(isOneLine(actual.stderr), actual.stderr);
    assert.match(actual.stderr, /store password/);
  });

  it('exports a certificate as PEM on stdout', async () => {
    const actual = await run(['export-cert', copy('jks-rsa.jks'), '--alias', 'ca', '--password-env', 'PW']);
    assert.equal(actual.code, 0);
    assert.equal(actual.stdout, fs.readFileSync(fixturePath('pem/ca.pem'), 'utf8').replace(/\r\n/g, '\n'));
  });

  it('exits 1 for a wrong key password, naming the alias', async () => {
    const actual = await run(['csr', copy('jks-keypass.jks'), '--alias', 'signer', '--password-env', 'STORE', '--key-password-env', 'PW'], {
      env: { STORE: 'storepass1', PW: 'changeit' },
    });
    assert.equal(actual.code, 1);
    assert.ok(isOneLine(actual.stderr), actual.stderr);
    assert.match(actual.stderr, /wrong key password for alias "signer" in jks-keypass\.jks/);
  });

  it('deletes and renames entries', async () => {
    const file = copy('jks-rsa.jks');
    const renamed = await run(['rename', file, '--alias', 'ca', '--to', 'root', '--password-env', 'PW']);
    const deleted = await run(['delete', file, '--alias', 'server', '--password-env', 'PW']);
    const listed = JSON.parse((await run(['list', file, '--password-env', 'PW', '--json'])).stdout);
    assert.equal(renamed.code + deleted.code, 0);
    assert.deepEqual(listed.entries.map((e: { alias: string }) => e.alias), ['root']);
  });

  it('refuses to convert onto an existing file', async () => {
    const file = copy('jks-rsa.jks');
    const other = copy('jks-trust.jks');
    const actual = await run(['convert', file, other, '--type', 'PKCS12', '--password-env', 'PW']);
    assert.equal(actual.code, 1);
    assert.match(actual.stderr, /already exists/);
  });

  it('refuses to rewrite a PKCS12 without MAC under a wrong password, leaving the file unchanged', async () => {
    const file = copy('p12-nomac.p12');
    const before = fs.readFileSync(dir(file));
    const actual = await run(['delete', file, '--alias', 'ca', '--password-env', 'SECRET']);
    assert.equal(actual.code, 1);
    assert.equal(actual.stderr, 'mi-keystores: wrong password for p12-nomac.p12: the integrity check failed. Check --password-env.\n');
    assert.deepEqual(fs.readFileSync(dir(file)), before);
  });

  it('exits 1 when import-cert is given a file holding a whole chain', async () => {
    const actual = await run(['import-cert', copy('jks-rsa.jks'), fixturePath('pem/reply-chain.pem'), '--alias', 'x', '--password-env', 'PW']);
    assert.equal(actual.code, 1);
    assert.ok(isOneLine(actual.stderr), actual.stderr);
    assert.match(actual.stderr, /holds 2 certificates/);
  });

  it('exits 2 for export-cert --der without --out', async () => {
    const actual = await run(['export-cert', copy('jks-rsa.jks'), '--alias', 'ca', '--der', '--password-env', 'PW']);
    assert.equal(actual.code, 2);
    assert.ok(isOneLine(actual.stderr), actual.stderr);
  });

  it('leaves no temp file behind after changing a store', async () => {
    const file = copy('jks-rsa.jks');
    await run(['import-cert', file, fixturePath('pem/server-signed.pem'), '--alias', 'signed', '--password-env', 'PW']);
    assert.deepEqual(fs.readdirSync(dir()).filter((n) => n.endsWith('.tmp')), []);
  });
});
