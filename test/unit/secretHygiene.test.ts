/**
 * Secret hygiene of the CLI: every command, run in-process and as a process, with distinctive known
 * passwords given through every password flag (-env, -file, the bare flag), on success and error paths.
 * Then stdout, stderr and every file newly created under the temp folder and the work folder are searched
 * for each password, its base64, its UTF-16 (LE and BE) and its hex: zero hits.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import type { CliIO } from '../../src/cli/command';
import { FIXTURES, REPO_ROOT } from '../helpers/fixtures';
import { writeMiHome } from '../helpers/miHome';

const CLI = path.join(REPO_ROOT, 'dist/cli.js');

/** Distinctive passwords, ASCII so PKCS12 accepts them; none is a substring of another. */
const SECRETS = {
  store: 'Hyg1ene-Store-Qx7vT',
  key: 'Hyg1ene-Key-Wm3pL',
  newStore: 'Hyg1ene-NewStore-Zr8kD',
  newKey: 'Hyg1ene-NewKey-Jb5nF',
  wrong: 'Hyg1ene-Wrong-Yc2sH',
  pem: 'Hyg1ene-Pem-Vd9gK',
  toml: 'Hyg1ene-Toml-Np4wE',
};

/** Every encoding of every secret a leak might take. */
function needles(): { label: string; bytes: Buffer }[] {
  const out: { label: string; bytes: Buffer }[] = [];
  for (const [name, s] of Object.entries(SECRETS)) {
    const utf16be = Buffer.from(s, 'utf16le').swap16();
    out.push(
      { label: `${name} (text)`, bytes: Buffer.from(s, 'utf8') },
      { label: `${name} (base64)`, bytes: Buffer.from(Buffer.from(s).toString('base64').replace(/=+$/, '')) },
      { label: `${name} (UTF-16LE)`, bytes: Buffer.from(s, 'utf16le') },
      { label: `${name} (UTF-16BE)`, bytes: utf16be },
      { label: `${name} (hex)`, bytes: Buffer.from(Buffer.from(s).toString('hex')) },
    );
  }
  return out;
}

/** Every needle found in `haystack`. */
function hits(where: string, haystack: Buffer): string[] {
  return needles()
    .filter((n) => haystack.includes(n.bytes) || haystack.includes(Buffer.from(n.bytes.toString('latin1').toLowerCase(), 'latin1')))
    .map((n) => `${n.label} in ${where}`);
}

/** Files under `dir` modified at or after `since`, skipping `exclude` and anything unreadable. */
function newFiles(dir: string, since: number, exclude: readonly string[], depth = 0): string[] {
  if (depth > 8) return [];
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (exclude.some((x) => p === x || p.startsWith(x + path.sep))) continue;
    try {
      const st = fs.lstatSync(p);
      if (e.isDirectory()) out.push(...newFiles(p, since, exclude, depth + 1));
      else if (e.isFile() && st.mtimeMs >= since && st.size < 32 * 1024 * 1024) out.push(p);
    } catch {
      // vanished or unreadable: not ours
    }
  }
  return out;
}

/** One CLI invocation of the scenario: argv and the environment it needs. */
interface Step {
  readonly argv: string[];
  readonly env?: Record<string, string>;
  /** Expected exit code (error paths expect 1 or 2). */
  readonly exit: number;
}

/** The scenario, run in `work` (keystores) with inputs in `inputs`: every command and every password flag. */
function scenario(work: string, inputs: string): Step[] {
  const env = { STORE_PW: SECRETS.store, KEY_PW: SECRETS.key, NEW_PW: SECRETS.newStore, NEW_KEY_PW: SECRETS.newKey, WRONG_PW: SECRETS.wrong, PEM_PW: SECRETS.pem, TOML_PW: SECRETS.toml };
  const pwFile = path.join(inputs, 'store.pw');
  const newPwFile = path.join(inputs, 'new.pw');
  const jks = path.join(work, 'a.jks');
  const p12 = path.join(work, 'b.p12');
  const cert = path.join(FIXTURES, 'pem/server-signed.pem');
  const steps: Step[] = [
    // generate, with each flag kind for the store and key passwords
    { argv: ['generate', jks, '--alias', 'server', '--dname', 'CN=hygiene', '--password-env', 'STORE_PW', '--key-password-env', 'KEY_PW'], exit: 0 },
    { argv: ['generate', jks, '--alias', 'second', '--dname', 'CN=hygiene2', '--key-alg', 'EC', '--password-file', pwFile, '--key-password', SECRETS.key], exit: 0 },
    { argv: ['generate', p12, '--alias', 'server', '--dname', 'CN=hygiene', '--password', SECRETS.store], exit: 0 },
    { argv: ['list', jks, '--password-env', 'STORE_PW'], exit: 0 },
    { argv: ['list', p12, '--json', '--password-file', pwFile], exit: 0 },
    { argv: ['import-cert', jks, cert, '--alias', 'trusted', '--password-env', 'STORE_PW'], exit: 0 },
    { argv: ['export-cert', jks, '--alias', 'server', '--out', path.join(work, 'server.pem'), '--password-env', 'STORE_PW'], exit: 0 },
    { argv: ['csr', jks, '--alias', 'server', '--out', path.join(work, 'server.csr'), '--password-env', 'STORE_PW', '--key-password-env', 'KEY_PW'], exit: 0 },
    { argv: ['csr', p12, '--alias', 'server', '--password-env', 'STORE_PW'], exit: 0 },
    { argv: ['rename', jks, '--alias', 'trusted', '--to', 'trusted2', '--password-env', 'STORE_PW'], exit: 0 },
    { argv: ['delete', jks, '--alias', 'trusted2', '--password', SECRETS.store], exit: 0 },
    { argv: ['keypasswd', jks, '--alias', 'server', '--password-env', 'STORE_PW', '--key-password-env', 'KEY_PW', '--new-key-password-env', 'NEW_KEY_PW'], exit: 0 },
    { argv: ['keypasswd', jks, '--alias', 'server', '--password-env', 'STORE_PW', '--key-password-env', 'NEW_KEY_PW', '--new-key-password', SECRETS.key], exit: 0 },
    { argv: ['convert', p12, path.join(work, 'c.jks'), '--type', 'JKS', '--password-env', 'STORE_PW', '--new-password-env', 'NEW_PW'], exit: 0 },
    { argv: ['passwd', p12, '--password-env', 'STORE_PW', '--new-password-file', newPwFile], exit: 0 },
    { argv: ['passwd', p12, '--password-env', 'NEW_PW', '--new-password', SECRETS.store], exit: 0 },
    { argv: ['import-pem', path.join(work, 'd.p12'), path.join(FIXTURES, 'pem/server-key.pkcs8.pem'), path.join(FIXTURES, 'pem/reply-chain.pem'), '--alias', 'imported', '--password-env', 'STORE_PW'], exit: 0 },
    { argv: ['check', path.join(work, 'home')], exit: 1 },
    { argv: ['check', path.join(work, 'home'), '--format', 'json'], exit: 1 },
    { argv: ['check', path.join(work, 'home'), '--format', 'sarif'], exit: 1 },
    // error paths: wrong store password, wrong key password, missing alias, bad flag combinations
    { argv: ['list', jks, '--password-env', 'WRONG_PW'], exit: 1 },
    { argv: ['list', p12, '--password', SECRETS.wrong], exit: 1 },
    { argv: ['list', p12, '--password', SECRETS.wrong, '--debug'], exit: 1 },
    { argv: ['csr', jks, '--alias', 'server', '--password-env', 'STORE_PW', '--key-password-env', 'WRONG_PW'], exit: 1 },
    { argv: ['export-cert', jks, '--alias', 'missing', '--password-env', 'STORE_PW'], exit: 1 },
    { argv: ['delete', jks, '--alias', 'missing', '--password-file', pwFile], exit: 1 },
    { argv: ['passwd', jks, '--password-env', 'WRONG_PW', '--new-password-env', 'NEW_PW'], exit: 1 },
    { argv: ['keypasswd', jks, '--alias', 'server', '--password-env', 'STORE_PW', '--key-password', SECRETS.wrong, '--new-key-password-env', 'NEW_KEY_PW'], exit: 1 },
    { argv: ['list', jks, '--password-env', 'STORE_PW', '--password', SECRETS.wrong], exit: 2 },
    { argv: ['generate', jks, '--alias', 'server', '--dname', 'CN=dup', '--password-env', 'STORE_PW', '--key-password-env', 'KEY_PW'], exit: 1 },
    // a file holding a password given where a certificate, a key or a keystore is expected: never echoed
    { argv: ['import-cert', jks, pwFile, '--alias', 'bad', '--password-env', 'STORE_PW'], exit: 1 },
    { argv: ['import-pem', path.join(work, 'g.p12'), pwFile, cert, '--alias', 'bad', '--password-env', 'STORE_PW'], exit: 1 },
    { argv: ['list', pwFile, '--password-env', 'STORE_PW'], exit: 1 },
  ];
  if (fs.existsSync(path.join(inputs, 'enc.pem'))) {
    steps.push(
      { argv: ['import-pem', path.join(work, 'e.p12'), path.join(inputs, 'enc.pem'), path.join(FIXTURES, 'pem/reply-chain.pem'), '--alias', 'enc', '--password-env', 'STORE_PW', '--pem-password-env', 'PEM_PW'], exit: 0 },
      { argv: ['import-pem', path.join(work, 'f.p12'), path.join(inputs, 'enc.pem'), path.join(FIXTURES, 'pem/reply-chain.pem'), '--alias', 'enc', '--password-env', 'STORE_PW', '--pem-password-env', 'WRONG_PW'], exit: 1 },
    );
  }
  return steps.map((s) => ({ ...s, env }));
}

/** An MI home whose deployment.toml holds the toml password in clear (a problem the check reports). */
function makeHome(work: string): void {
  const toml = [
    '[keystore.primary]',
    'file_name = "repository/resources/security/wso2carbon.jks"',
    'type = "JKS"',
    `password = "${SECRETS.toml}"`,
    'alias = "server"',
    `key_password = "${SECRETS.toml}"`,
    '',
    '[truststore]',
    'file_name = "repository/resources/security/wso2carbon.jks"',
    `password = "${SECRETS.toml}"`,
    '',
  ].join('\n');
  writeMiHome(path.join(work, 'home'), toml, { 'wso2carbon.jks': path.join(FIXTURES, 'jks-rsa.jks') });
}

describe('secret hygiene of the CLI', function () {
  this.timeout(240_000);
  let base: string;
  let inputs: string;
  let started: number;
  const figures: string[] = [];

  before(function () {
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: REPO_ROOT, stdio: 'ignore' });
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'mi-hygiene-'));
    inputs = path.join(base, 'inputs');
    fs.mkdirSync(inputs);
    fs.writeFileSync(path.join(inputs, 'store.pw'), `${SECRETS.store}\n`);
    fs.writeFileSync(path.join(inputs, 'new.pw'), `${SECRETS.newStore}\n`);
    // An encrypted PEM key for --pem-password, made by openssl when it is installed.
    spawnSync('openssl', ['pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-in', path.join(FIXTURES, 'pem/server-key.pkcs8.pem'), '-out', path.join(inputs, 'enc.pem'), '-passout', `env:PEM_PW`], {
      env: { ...process.env, PEM_PW: SECRETS.pem },
      stdio: 'ignore',
    });
    // Files older than this are not ours; a second of slack for coarse file-system clocks.
    started = Date.now() - 1000;
  });
  after(function () {
    fs.rmSync(base, { recursive: true, force: true });
    // The figures docs/reliability.md quotes.
    if (figures.length > 0) process.stdout.write(`\n${figures.join('\n')}\n`);
  });

  /** Searches every new file under the temp folder and `work`, except the inputs holding the passwords on purpose. */
  function fileLeaks(work: string, mode: string, runs: number): string[] {
    const excluded = [inputs, ...['in-process', 'process'].map((w) => path.join(base, w, 'home', 'conf'))];
    // Another run of this test at the same time (a second checkout's) writes the same passwords into its own
    // mi-hygiene-* folder: that folder is not this run's leak.
    const otherRun = (f: string) => path.relative(os.tmpdir(), f).split(path.sep)[0].startsWith('mi-hygiene-') && !f.startsWith(base);
    const files = [...new Set([...newFiles(os.tmpdir(), started, excluded), ...newFiles(work, 0, excluded)])].filter((f) => !otherRun(f));
    assert.ok(files.some((f) => f.startsWith(work)), 'the scenario wrote files to search');
    figures.push(`secret-hygiene ${mode}: ${runs} CLI runs, ${needles().length} needles (${Object.keys(SECRETS).length} passwords × text/base64/UTF-16LE/UTF-16BE/hex), stdout+stderr of every run and ${files.length} new files searched`);
    return files.flatMap((f) => {
      try {
        return hits(f, fs.readFileSync(f));
      } catch {
        return [];
      }
    });
  }

  it('in-process: no password in stdout, stderr or any new file, on success and error paths', async function () {
    const work = path.join(base, 'in-process');
    fs.mkdirSync(work);
    makeHome(work);
    const leaks: string[] = [];
    const wrongExits: string[] = [];
    for (const step of scenario(work, inputs)) {
      let out = '';
      let err = '';
      const io: CliIO = { stdout: (t) => void (out += t), stderr: (t) => void (err += t), env: step.env ?? {}, cwd: work };
      const code = await main(step.argv, io);
      if (code !== step.exit) wrongExits.push(`${step.argv.slice(0, 2).join(' ')}… exited ${code}, expected ${step.exit}: ${err.trim()}`);
      leaks.push(...hits(`stdout of ${step.argv[0]}`, Buffer.from(out)), ...hits(`stderr of ${step.argv[0]}`, Buffer.from(err)));
    }
    leaks.push(...fileLeaks(work, 'in-process', scenario(work, inputs).length));
    assert.deepEqual({ leaks, wrongExits }, { leaks: [], wrongExits: [] });
  });

  it('as a process: no password in stdout, stderr or any new file, on success and error paths', function () {
    const work = path.join(base, 'process');
    fs.mkdirSync(work);
    makeHome(work);
    const leaks: string[] = [];
    const wrongExits: string[] = [];
    for (const step of scenario(work, inputs)) {
      const r = spawnSync(process.execPath, [CLI, ...step.argv], { cwd: work, env: { PATH: process.env.PATH ?? '', ...step.env }, encoding: 'buffer' });
      if (r.status !== step.exit) wrongExits.push(`${step.argv.slice(0, 2).join(' ')}… exited ${r.status}, expected ${step.exit}: ${r.stderr.toString().trim()}`);
      leaks.push(...hits(`stdout of ${step.argv[0]}`, r.stdout), ...hits(`stderr of ${step.argv[0]}`, r.stderr));
    }
    leaks.push(...fileLeaks(work, 'as a process', scenario(work, inputs).length));
    assert.deepEqual({ leaks, wrongExits }, { leaks: [], wrongExits: [] });
  });
});
