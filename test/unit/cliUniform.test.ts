/**
 * What every `mi-keystores` command shares: help generated from its option table, one output option
 * (`--format`, with `--json` as its alias), and one error path that prints engine errors as one line.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { registeredCommands } from '../../src/cli/main';
import { GLOBAL_OPTIONS } from '../../src/cli/args';
import { copyFixture, fixturePath, useTempDir } from '../helpers/fixtures';
import { runCli, type CliRun } from '../helpers/cli';

const SEC = 'repository/resources/security';

describe('mi-keystores: one shape for every command', () => {
  const dir = useTempDir('mi-cli-uniform-');

  function run(argv: string[]): Promise<CliRun> {
    return runCli(argv, { env: { PW: 'changeit' }, cwd: dir() });
  }

  /** An MI runtime home in the temp folder whose primary (and so internal) keystore is the keytool-made jks-rsa.jks. */
  function home(): string {
    const root = dir('home');
    fs.mkdirSync(path.join(root, 'conf'), { recursive: true });
    fs.mkdirSync(path.join(root, SEC), { recursive: true });
    fs.copyFileSync(fixturePath('jks-rsa.jks'), path.join(root, SEC, 'k.jks'));
    const toml = ['[keystore.primary]', `file_name = "${SEC}/k.jks"`, 'password = "changeit"', 'alias = "server"', 'key_password = "changeit"', ''];
    fs.writeFileSync(path.join(root, 'conf/deployment.toml'), toml.join('\n'));
    return root;
  }

  describe('--help', () => {
    for (const command of registeredCommands()) {
      it(`${command.name} --help lists every option of its table and the global ones`, async () => {
        const actual = await run([command.name, '--help']);
        assert.equal(actual.code, 0, actual.stderr);
        for (const o of [...command.options, ...GLOBAL_OPTIONS]) {
          assert.match(actual.stdout, new RegExp(`^ +(-\\w, )?--${o.name}\\b`, 'm'), `${command.name} --help misses --${o.name}`);
        }
      });

      it(`${command.name} --help names every required option in its usage line`, async () => {
        const actual = await run([command.name, '--help']);
        const usage = actual.stdout.split('\n')[0];
        for (const o of command.options.filter((x) => x.required)) assert.ok(usage.includes(`--${o.name} `), `${usage} misses --${o.name}`);
      });
    }

    it('generate --help shows --sig-alg, which the hand-written usage used to leave out', async () => {
      const actual = await run(['generate', '--help']);
      assert.match(actual.stdout, /--sig-alg ALG +Signature algorithm: SHA256withRSA/);
    });
  });

  describe('--format and --json', () => {
    it('every command that reports takes --format and its alias --json', () => {
      const reporting = registeredCommands().filter((c) => c.options.some((o) => o.name === 'format'));
      assert.deepEqual(reporting.map((c) => c.name).sort(), ['check', 'list', 'tls']);
      for (const c of reporting) assert.ok(c.options.some((o) => o.name === 'json' && o.type === 'boolean'), c.name);
    });

    it('list: --json and --format json print the same document', async () => {
      const file = copyFixture('jks-chain.jks', dir());
      const viaJson = await run(['list', file, '--password-env', 'PW', '--json']);
      const viaFormat = await run(['list', file, '--password-env', 'PW', '--format', 'json']);
      assert.equal(viaJson.code, 0, viaJson.stderr);
      assert.equal(viaFormat.stdout, viaJson.stdout);
      assert.equal(JSON.parse(viaJson.stdout).format, 'JKS');
    });

    for (const [name, key] of [['check', 'problems'], ['tls', 'connections']] as const) {
      it(`${name}: --json and --format json print the same document`, async () => {
        const root = home();
        const viaJson = await run([name, root, '--json']);
        const viaFormat = await run([name, root, '--format', 'json']);
        assert.equal(viaFormat.code, viaJson.code);
        assert.equal(viaFormat.stdout, viaJson.stdout);
        assert.ok(Array.isArray(JSON.parse(viaJson.stdout)[key]));
      });
    }

    it('list --format text is the default summary', async () => {
      const file = copyFixture('jks-chain.jks', dir());
      const plain = await run(['list', file, '--password-env', 'PW']);
      const text = await run(['list', file, '--password-env', 'PW', '--format', 'text']);
      assert.equal(text.stdout, plain.stdout);
      assert.match(text.stdout, /^Keystore type: JKS$/m);
    });

    it('refuses --json with another --format, and a format the command does not have, as one usage line (exit 2)', async () => {
      const file = copyFixture('jks-chain.jks', dir());
      const contradicting = await run(['list', file, '--password-env', 'PW', '--json', '--format', 'text']);
      const noSarif = await run(['list', file, '--password-env', 'PW', '--format', 'sarif']);
      assert.equal(contradicting.code, 2);
      assert.match(contradicting.stderr, /^mi-keystores list: --json asks for --format json, not text; give one of them\. Run "mi-keystores list --help" for usage\.\n$/);
      assert.equal(noSarif.code, 2);
      assert.match(noSarif.stderr, /^mi-keystores list: --format must be text or json, not "sarif"\./);
    });
  });

  describe('one error path', () => {
    it('a secure-vault error of the engine reaches the CLI as one typed line, exit 1', async () => {
      // p12-ec.p12 is made by keytool: its keys are EC, which MI's cipher tool cannot encrypt with.
      const root = home();
      copyFixture('p12-ec.p12', dir());
      const actual = await run(['rotate-internal', root, '--keystore', 'p12-ec.p12', '--alias', 'ec256', '--password-env', 'PW']);
      assert.equal(actual.code, 1);
      assert.equal(actual.stderr, 'mi-keystores: p12-ec.p12: the key "ec256" is EC; MI\'s secure vault needs an RSA key.\n');
      assert.equal(actual.stdout, '');
    });

    it('an --out in a folder that does not exist is one line naming it, exit 1, not an unexpected failure', async () => {
      const file = copyFixture('jks-rsa.jks', dir());
      const actual = await run(['export-cert', file, '--alias', 'server', '--password-env', 'PW', '--out', 'no-such-folder/server.pem']);
      assert.deepEqual([actual.code, actual.stderr], [1, 'mi-keystores: no-such-folder/server.pem: no such file.\n']);
    });

    it('a missing required option is a usage error naming it, before any work', async () => {
      const actual = await run(['rename', 'nothing-here.jks', '--alias', 'a']);
      assert.equal(actual.code, 2);
      assert.equal(actual.stderr, 'mi-keystores rename: missing --to. Run "mi-keystores rename --help" for usage.\n');
    });

    it('a path that does not exist is the same usage line for check and tls (exit 2)', async () => {
      for (const name of ['check', 'tls']) {
        const actual = await run([name, 'no-such-folder']);
        assert.equal(actual.code, 2, name);
        assert.equal(actual.stderr, `mi-keystores ${name}: no-such-folder: no such file or folder. Run "mi-keystores ${name} --help" for usage.\n`);
      }
    });
  });
});
