/**
 * The built `mi-keystores` executable (dist/cli.js, run `npm run build` first): the launcher with its code
 * cache prints what the CLI prints in-process, never runs an edited bundle with the cache of the one before,
 * and writes every byte of a long output before it exits, also when the reader closes the pipe early.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeDemoStores } from '../../scripts/demoStores';
import { REPO_ROOT, fixturePath, useTempDir } from '../helpers/fixtures';
import { runCli } from '../helpers/cli';

const DIST = path.join(REPO_ROOT, 'dist');
const ENV = { PATH: process.env.PATH ?? '', PW: 'wso2carbon', STORE_PW: 'changeit' };

/** Runs an mi-keystores executable with output on pipes. */
function runExecutable(cli: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { env: ENV, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A copy of dist/cli.js and dist/cli/ in `dir`, to change without touching the build. */
function copyOfCli(dir: string): string {
  fs.copyFileSync(path.join(DIST, 'cli.js'), path.join(dir, 'cli.js'));
  fs.cpSync(path.join(DIST, 'cli'), path.join(dir, 'cli'), { recursive: true });
  return path.join(dir, 'cli.js');
}

describe('the built mi-keystores executable', () => {
  const temp = useTempDir('mi-cli-exe-');
  const suiteDir = useTempDir('mi-cli-exe-roots-', 'all');
  /** A truststore of some 145 root CAs (the demo's, made by the engine): a long listing. */
  let TRUSTSTORE = '';
  before(async function () {
    if (!fs.existsSync(path.join(DIST, 'cli.js'))) this.skip(); // npm test builds first; a bare `mocha` run may not have
    TRUSTSTORE = suiteDir('client-truststore.jks');
    fs.writeFileSync(TRUSTSTORE, (await makeDemoStores()).truststore);
  });

  it('ships a code cache for each of its bundles', () => {
    for (const bundle of ['main.js', 'list.js']) assert.ok(fs.statSync(path.join(DIST, 'cli', `${bundle}.cache`)).size > 0, bundle);
  });

  it('runs list from its own bundle, which has list alone, and every other command from the full one', () => {
    const list = runExecutable(path.join(DIST, 'cli.js'), ['list', '--help']);
    const help = runExecutable(path.join(DIST, 'cli.js'), ['--help']);
    assert.equal(list.status, 0);
    assert.match(list.stdout, /^Usage: mi-keystores list <keystore>/);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /^  generate /m);
    assert.doesNotMatch(fs.readFileSync(path.join(DIST, 'cli/list.js'), 'utf8'), /generateCommand|checkCommand/);
  });

  it('lists a truststore of some 145 root CAs through a pipe exactly as the CLI does in-process', async () => {
    const expected = await runCli(['list', TRUSTSTORE, '--json', '--password-env', 'PW'], { env: ENV, cwd: REPO_ROOT });
    const actual = runExecutable(path.join(DIST, 'cli.js'), ['list', TRUSTSTORE, '--json', '--password-env', 'PW']);
    assert.deepEqual({ status: actual.status, stdout: actual.stdout, stderr: actual.stderr }, { status: expected.code, stdout: expected.stdout, stderr: expected.stderr });
    assert.equal(JSON.parse(actual.stdout).entries.length, 145);
  });

  it('runs an edited bundle as edited, never with the code cache of the bundle it replaced', () => {
    const dir = temp();
    const cli = copyOfCli(dir);
    const bundle = path.join(dir, 'cli/main.js');
    const source = fs.readFileSync(bundle, 'utf8');
    // Same length on purpose: V8 itself tells caches apart only by the length of the source.
    const edited = source.replace('Usage: mi-keystores <command>', 'Usage: mi-keystorez <command>');
    assert.notEqual(edited, source);
    fs.writeFileSync(bundle, edited);
    const actual = runExecutable(cli, ['--help']);
    assert.equal(actual.status, 0);
    assert.match(actual.stdout, /^Usage: mi-keystorez <command>/);
  });

  it('runs without its code cache when the cache is missing or damaged', () => {
    const cli = copyOfCli(temp());
    const cache = path.join(temp(), 'cli/list.js.cache');
    const args = ['list', fixturePath('jks-rsa.jks'), '--password-env', 'STORE_PW'];
    const expected = runExecutable(path.join(DIST, 'cli.js'), args);
    fs.writeFileSync(cache, fs.readFileSync(cache).subarray(0, 100));
    const damaged = runExecutable(cli, args);
    fs.rmSync(cache);
    const missing = runExecutable(cli, args);
    assert.equal(expected.status, 0);
    assert.deepEqual([damaged, missing], [expected, expected]);
  });

  it('ends quietly with exit code 0 when the reader closes the pipe after the first line', () => {
    const script = `"${process.execPath}" "${path.join(DIST, 'cli.js')}" list "${TRUSTSTORE}" --json --password-env PW | head -n 1; echo "status \${PIPESTATUS[0]}"`;
    const r = spawnSync('bash', ['--norc', '--noprofile', '-c', script], { env: ENV, encoding: 'utf8' });
    assert.deepEqual({ stdout: r.stdout, stderr: r.stderr }, { stdout: '{\nstatus 0\n', stderr: '' });
  });
});
