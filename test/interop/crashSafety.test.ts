/**
 * Crash-safe and serialized writes: a writing `mi-keystores` process killed with SIGKILL at random moments
 * always leaves the old or the new keystore (both decoded by the engine and read by the JDK's keytool); a
 * failure injected between write and rename leaves the original and no temp file; concurrent in-process
 * changes to one store run one after the other and lose nothing.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FileChangedError, decodeKeystore } from '../../src/core/keystore';
import { loadKeystore, saveKeystore } from '../../src/core/io/keystoreStore';
import { main } from '../../src/cli/main';
import type { CliIO } from '../../src/cli/command';
import { Prng } from '../fuzz/mutators';
import { FIXTURES, REPO_ROOT } from '../helpers/fixtures';

const CLI = path.join(REPO_ROOT, 'dist/cli.js');
const KEYTOOL = '/usr/bin/keytool';
const PASSWORDS = ['changeit', 'Crash-Safe-1'];

/** Which password opens `file` (null when neither does: a corrupt store). */
async function openingPassword(file: string): Promise<{ password: string; entries: number } | null> {
  const bytes = new Uint8Array(fs.readFileSync(file));
  for (const password of PASSWORDS) {
    try {
      const store = await decodeKeystore(bytes, password);
      // A PKCS12 without a MAC "opens" with anything; ours always carry one, so `verified` is the proof.
      if (store.integrity === 'verified') return { password, entries: store.entries.length };
    } catch {
      // try the next password
    }
  }
  return null;
}

/** True when keytool lists the store with `password`. */
function keytoolReads(file: string, password: string): boolean {
  return spawnSync(KEYTOOL, ['-list', '-keystore', file, '-storepass', password], { stdio: 'ignore' }).status === 0;
}

/** Files the atomic writer leaves when killed: its temp file (`.<name>.<pid>-<hex>.tmp`) or its lock (`.<name>.lock`). */
function strayTemps(dir: string): string[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.tmp') || f.endsWith('.lock'));
}

/** Runs the CLI and SIGKILLs it after `delayMs`; resolves with whether it was killed before finishing. */
function runAndKill(args: string[], env: Record<string, string>, delayMs: number): Promise<'killed' | 'finished'> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL') resolve('killed');
      else if (code === 0) resolve('finished');
      else reject(new Error(`mi-keystores ${args[0]} exited ${code}`));
    });
  });
}

/** Measures one undisturbed run, so kill moments spread over the whole run. */
function timeOneRun(args: string[], env: Record<string, string>): number {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return Number((process.hrtime.bigint() - started) / 1_000_000n);
}

describe('crash safety (SIGKILL while mi-keystores writes)', function () {
  this.timeout(300_000);
  let dir: string;
  const findings: string[] = [];

  before(function () {
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: REPO_ROOT, stdio: 'ignore' });
  });
  beforeEach(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mi-crash-'));
  });
  afterEach(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });
  after(function () {
    // The figures docs/reliability.md quotes.
    if (findings.length > 0) process.stdout.write(`\n${findings.join('\n')}\n`);
  });

  /**
   * Kills `rounds` runs of a command at moments spread over [0, 1.3 × its duration] and checks after each
   * that the store is the old or the new one; returns the counts.
   */
  async function killRounds(
    name: string,
    store: string,
    rounds: number,
    argsFor: (round: number, password: string) => { args: string[]; env: Record<string, string>; expectEntries: (before: number) => number[] },
  ): Promise<{ killed: number; finished: number; oldState: number; newState: number; temps: number; locks: number }> {
    const rng = new Prng(0x5eed + name.length);
    const start = await openingPassword(store);
    assert.ok(start, 'the starting store opens');
    let state = start;
    const first = argsFor(-1, state.password);
    // Measure on a copy, so the rounds start from the fixture.
    const probe = path.join(dir, `probe${path.extname(store)}`);
    fs.copyFileSync(store, probe);
    const duration = timeOneRun(first.args.map((a) => (a === store ? probe : a)), first.env);
    const counts = { killed: 0, finished: 0, oldState: 0, newState: 0, temps: 0, locks: 0 };
    const seenTemps = new Set<string>();
    let lockLeft = false;
    for (let round = 0; round < rounds; round++) {
      const { args, env, expectEntries } = argsFor(round, state.password);
      const delay = Math.floor(rng.next() * duration * 1.3);
      const outcome = await runAndKill(args, env, delay);
      counts[outcome]++;
      const after = await openingPassword(store);
      assert.ok(after, `round ${round} (${outcome} after ${delay} ms): the store opens with the old or the new password`);
      assert.ok(keytoolReads(store, after.password), `round ${round}: keytool -list reads the store`);
      const changed = after.password !== state.password || after.entries !== state.entries;
      if (changed) {
        assert.ok(expectEntries(state.entries).includes(after.entries), `round ${round}: ${after.entries} entries is neither the old nor the new store`);
        counts.newState++;
      } else counts.oldState++;
      // Only a killed writer may leave its temp file or its lock file; the next run that finishes must find
      // them stale (their process is gone) and remove them, so after it none is left, old or new.
      const left = strayTemps(dir).filter((f) => !f.startsWith('.probe'));
      if (outcome === 'finished') assert.deepEqual(left, [], `round ${round}: a finished run left ${left.join(', ')}`);
      const newTemps = left.filter((f) => f.endsWith('.tmp') && !seenTemps.has(f));
      assert.ok(newTemps.length <= 1, `round ${round}: ${newTemps.length} new temp files`);
      newTemps.forEach((t) => seenTemps.add(t));
      counts.temps += newTemps.length;
      if (left.some((f) => f.endsWith('.lock')) && !lockLeft) counts.locks++;
      lockLeft = left.some((f) => f.endsWith('.lock'));
      state = after;
    }
    findings.push(`crash-safety ${name}: ${rounds} runs, ${counts.killed} killed, ${counts.finished} finished; store afterwards old ${counts.oldState}, new ${counts.newState}, corrupt 0; temp files left by killed runs ${counts.temps}, lock files ${counts.locks}`);
    return counts;
  }

  it('passwd: a killed password change leaves the store under the old or the new password', async function () {
    const store = path.join(dir, 'store.p12');
    fs.copyFileSync(path.join(FIXTURES, 'p12-default.p12'), store);
    const counts = await killRounds('passwd (PKCS12)', store, 10, (_round, current) => {
      const next = current === PASSWORDS[0] ? PASSWORDS[1] : PASSWORDS[0];
      return { args: ['passwd', store, '--password-env', 'OLD_PW', '--new-password-env', 'NEW_PW'], env: { OLD_PW: current, NEW_PW: next }, expectEntries: (n) => [n] };
    });
    assert.equal(counts.oldState + counts.newState, 10);
  });

  it('passwd: the same for a JKS store', async function () {
    const store = path.join(dir, 'store.jks');
    fs.copyFileSync(path.join(FIXTURES, 'jks-rsa.jks'), store);
    const counts = await killRounds('passwd (JKS)', store, 10, (_round, current) => {
      const next = current === PASSWORDS[0] ? PASSWORDS[1] : PASSWORDS[0];
      return { args: ['passwd', store, '--password-env', 'OLD_PW', '--new-password-env', 'NEW_PW'], env: { OLD_PW: current, NEW_PW: next }, expectEntries: (n) => [n] };
    });
    assert.equal(counts.oldState + counts.newState, 10);
  });

  it('generate: a killed key generation leaves the store with or without the new key, never half of it', async function () {
    const store = path.join(dir, 'store.jks');
    fs.copyFileSync(path.join(FIXTURES, 'jks-rsa.jks'), store);
    const counts = await killRounds('generate (JKS)', store, 10, (round, current) => ({
      args: ['generate', store, '--alias', `gen${round + 1}`, '--dname', 'CN=crash.example', '--password-env', 'PW'],
      env: { PW: current },
      expectEntries: (n) => [n + 1],
    }));
    assert.equal(counts.oldState + counts.newState, 10);
  });

  it('import-cert: a killed import leaves the store with or without the certificate', async function () {
    const store = path.join(dir, 'store.p12');
    fs.copyFileSync(path.join(FIXTURES, 'p12-trust.p12'), store);
    const cert = path.join(FIXTURES, 'pem/server-signed.pem');
    const counts = await killRounds('import-cert (PKCS12)', store, 10, (round, current) => ({
      args: ['import-cert', store, cert, '--alias', `imp${round + 1}`, '--password-env', 'PW'],
      env: { PW: current },
      expectEntries: (n) => [n + 1],
    }));
    assert.equal(counts.oldState + counts.newState, 10);
  });
});

describe('concurrent mi-keystores processes on one store', function () {
  this.timeout(120_000);
  let dir: string;
  before(function () {
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: REPO_ROOT, stdio: 'ignore' });
  });
  beforeEach(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mi-concurrent-'));
  });
  afterEach(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('never loses a change another process made: each run either lands or says the file changed (4 rounds of 6 processes)', async function () {
    const store = path.join(dir, 'trust.p12');
    fs.copyFileSync(path.join(FIXTURES, 'p12-trust.p12'), store);
    const cert = path.join(FIXTURES, 'pem/server-signed.pem');
    const runs: { alias: string; code: number | null; stderr: string }[] = [];
    // The race (two processes both pass the snapshot check, the second rename drops the first change) is
    // narrow: several rounds make it likely to show if the writer ever allows it.
    for (let round = 0; round < 4; round++) {
      const aliases = [1, 2, 3, 4, 5, 6].map((n) => `r${round}p${n}`);
      runs.push(
        ...(await Promise.all(
          aliases.map(
            (alias) =>
              new Promise<{ alias: string; code: number | null; stderr: string }>((resolve) => {
                const child = spawn(process.execPath, [CLI, 'import-cert', store, cert, '--alias', alias, '--password-env', 'PW'], { env: { PATH: process.env.PATH ?? '', PW: 'changeit' } });
                let stderr = '';
                child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
                child.on('exit', (code) => resolve({ alias, code, stderr }));
              }),
          ),
        )),
      );
    }
    const decoded = await decodeKeystore(new Uint8Array(fs.readFileSync(store)), 'changeit');
    const present = decoded.entries.map((e) => e.alias);
    const actual = {
      succeededButLost: runs.filter((r) => r.code === 0 && !present.includes(r.alias)).map((r) => r.alias),
      failedWithoutReason: runs.filter((r) => r.code !== 0 && !/changed on disk|another process/.test(r.stderr)).map((r) => `${r.alias}: ${r.stderr.trim()}`),
      anySucceeded: runs.some((r) => r.code === 0),
      keytoolReads: keytoolReads(store, 'changeit'),
      left: strayTemps(dir),
    };
    assert.deepEqual(actual, { succeededButLost: [], failedWithoutReason: [], anySucceeded: true, keytoolReads: true, left: [] });
  });
});

describe('crash safety (in-process)', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mi-crash-'));
  });
  afterEach(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a failure injected between write and rename leaves the original bytes and no temp file', async function () {
    const store = path.join(dir, 'store.jks');
    fs.copyFileSync(path.join(FIXTURES, 'jks-rsa.jks'), store);
    const before = fs.readFileSync(store);
    const loaded = await loadKeystore(store, 'changeit');
    let sawTemp = false;
    const beforeRename = (temp: string) => {
      sawTemp = fs.existsSync(temp);
      throw new Error('injected failure before rename');
    };
    await assert.rejects(saveKeystore(store, loaded.store, 'Crash-Safe-1', loaded.snapshot, { beforeRename }), /injected failure/);
    const actual = { sawTemp, same: fs.readFileSync(store).equals(before), left: strayTemps(dir) };
    assert.deepEqual(actual, { sawTemp: true, same: true, left: [] });
  });

  it('a store changed on disk between read and write is not overwritten', async function () {
    const store = path.join(dir, 'store.jks');
    fs.copyFileSync(path.join(FIXTURES, 'jks-rsa.jks'), store);
    const loaded = await loadKeystore(store, 'changeit');
    // Someone else (keytool, an editor, another process) replaces the store while we are about to rename.
    const theirs = fs.readFileSync(path.join(FIXTURES, 'jks-trust.jks'));
    const beforeRename = () => fs.writeFileSync(store, theirs);
    await assert.rejects(saveKeystore(store, loaded.store, 'Crash-Safe-1', loaded.snapshot, { beforeRename }), FileChangedError);
    const actual = { theirsKept: fs.readFileSync(store).equals(theirs), left: strayTemps(dir) };
    assert.deepEqual(actual, { theirsKept: true, left: [] });
  });

  it('a normal CLI run leaves no temp file behind', async function () {
    const store = path.join(dir, 'store.jks');
    fs.copyFileSync(path.join(FIXTURES, 'jks-rsa.jks'), store);
    const code = await main(['passwd', store, '--password-env', 'A', '--new-password-env', 'B'], quietIO({ A: 'changeit', B: 'Crash-Safe-1' }));
    const actual = { code, files: fs.readdirSync(dir) };
    assert.deepEqual(actual, { code: 0, files: ['store.jks'] });
  });

  it('concurrent in-process changes to one store are serialized and none is lost', async function () {
    const store = path.join(dir, 'trust.p12');
    fs.copyFileSync(path.join(FIXTURES, 'p12-trust.p12'), store);
    const cert = path.join(FIXTURES, 'pem/server-signed.pem');
    const aliases = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'];
    const codes = await Promise.all(aliases.map((a) => main(['import-cert', store, cert, '--alias', a, '--password-env', 'PW'], quietIO({ PW: 'changeit' }))));
    const decoded = await decodeKeystore(new Uint8Array(fs.readFileSync(store)), 'changeit');
    const actual = { codes, present: aliases.filter((a) => decoded.entries.some((e) => e.alias === a)), temps: strayTemps(dir) };
    assert.deepEqual(actual, { codes: aliases.map(() => 0), present: aliases, temps: [] });
  });
});

/** CLI I/O that discards output and reads passwords from `env`. */
function quietIO(env: Record<string, string>): CliIO {
  return { stdout: () => undefined, stderr: () => undefined, env, cwd: process.cwd() };
}
