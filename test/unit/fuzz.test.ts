/**
 * The short fuzz run inside `npm test`: a fixed seed, a few hundred mutated keystores and deployment.toml
 * files through the codec, the parser and the check engine, a sample through the built CLI. A case that
 * does not return fails the run (the harness's per-case watchdog, and mocha's timeout behind it).
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatSummary, runFuzz, type FuzzSummary } from '../fuzz/harness';
import { REPO_ROOT } from '../helpers/fixtures';


describe('fuzz (seed 20261127, 300 cases)', function () {
  this.timeout(240_000);
  let summary: FuzzSummary;

  before(async function () {
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: REPO_ROOT, stdio: 'ignore' });
    summary = await runFuzz({ seed: 20261127, iterations: 300, cliEvery: 30, cliPath: path.join(REPO_ROOT, 'dist/cli.js'), scale: 0.05, caseTimeoutMs: 60_000 });
  });

  it('runs every case to an outcome', function () {
    const actual = summary.cases;
    const expected = 300;
    assert.equal(actual, expected);
  });

  it('lets only typed errors out, never hangs, never runs out of memory, keeps the CLI to one line', function () {
    const actual = summary.failures.map((f) => `case ${f.index} (${f.input}, ${f.mutator}): ${f.failure}`);
    assert.deepEqual(actual, [], formatSummary(summary));
  });

  it('also drives the built CLI on a sample', function () {
    const actual = summary.cliRuns;
    const expected = 10;
    assert.equal(actual, expected);
  });
});

describe('oversized inputs are refused with one line', function () {
  this.timeout(120_000);
  let dir: string;

  before(function () {
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: REPO_ROOT, stdio: 'ignore' });
  });
  beforeEach(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mi-oversize-'));
  });
  afterEach(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Runs the built CLI and returns its exit code and stderr. */
  function cli(args: string[]): { code: number | null; stderr: string } {
    const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'dist/cli.js'), ...args], { env: { PATH: process.env.PATH ?? '', PW: 'changeit' }, encoding: 'utf8' });
    return { code: r.status, stderr: r.stderr };
  }

  it('refuses a keystore larger than 10 MB', function () {
    const file = path.join(dir, 'big.jks');
    // A JKS magic number in front, so only the size can be the reason.
    fs.writeFileSync(file, Buffer.concat([Buffer.from('feedfeed00000002', 'hex'), Buffer.alloc(10 * 1024 * 1024 + 1)]));
    const actual = cli(['list', file, '--password-env', 'PW']);
    assert.deepEqual({ code: actual.code, lines: actual.stderr.trim().split('\n').length, tooLarge: /larger than 10 MB/.test(actual.stderr) }, { code: 1, lines: 1, tooLarge: true });
  });

  it('refuses a deployment.toml larger than 5 MB', function () {
    const home = path.join(dir, 'home');
    fs.mkdirSync(path.join(home, 'conf'), { recursive: true });
    fs.mkdirSync(path.join(home, 'repository'));
    fs.writeFileSync(path.join(home, 'conf/deployment.toml'), `[server]\nhostname = "localhost"\n# ${'x'.repeat(5 * 1024 * 1024)}\n`);
    const actual = cli(['check', home]);
    assert.deepEqual(
      { failed: actual.code === 1 || actual.code === 2, lines: actual.stderr.trim().split('\n').length, tooLarge: /larger than 5 MB/.test(actual.stderr) },
      { failed: true, lines: 1, tooLarge: true },
    );
  });
});
