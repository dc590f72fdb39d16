/**
 * The password prompt in a real terminal: the built `mi-keystores` runs under util-linux `script`, which
 * gives it a pseudo-terminal, and the test types at the prompt as a person would. What is typed must never
 * show; Enter, Backspace and Ctrl-C must do what they do in keytool's prompt.
 */
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT, copyFixture, useTempDir } from '../helpers/fixtures';

const CLI = path.join(REPO_ROOT, 'dist/cli.js');
const SCRIPT = '/usr/bin/script';

/** What a terminal session showed and how it ended. */
interface Session {
  readonly screen: string;
  readonly code: number | null;
}

/**
 * Runs `mi-keystores <args>` on a pseudo-terminal in `cwd`; each time the screen shows the next `prompt`,
 * types its `keys`. Resolves when the command exits.
 */
function inTerminal(args: string[], cwd: string, steps: { prompt: RegExp; keys: string }[]): Promise<Session> {
  const quoted = [process.execPath, CLI, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const child = spawn(SCRIPT, ['--quiet', '--flush', '--return', '--command', quoted, '/dev/null'], {
    cwd,
    env: { PATH: process.env.PATH ?? '', TERM: 'dumb' },
  });
  let screen = '';
  let next = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    screen += chunk.toString('utf8');
    // Type only once the prompt is up: by then the CLI has turned echo off, as a person would see.
    while (next < steps.length && steps[next].prompt.test(screen)) {
      child.stdin.write(steps[next].keys);
      next++;
    }
  });
  return new Promise((resolve, reject) => {
    // A prompt that never comes must fail the test, not leave a process waiting at a terminal.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no prompt matching ${steps[next]?.prompt} within 15 s; the screen showed: ${JSON.stringify(screen)}`));
    }, 15_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ screen, code });
    });
  });
}

describe('the password prompt in a terminal', function () {
  this.timeout(30_000);
  const temp = useTempDir('mi-prompt-');

  before(function () {
    if (!fs.existsSync(SCRIPT) || !fs.existsSync(CLI)) this.skip(); // util-linux `script` and a built CLI
    if (spawnSync(SCRIPT, ['--quiet', '--return', '--command', 'true', '/dev/null']).status !== 0) this.skip();
  });

  it('lists a store with the password typed at the prompt, which never shows', async () => {
    const store = copyFixture('jks-rsa.jks', temp());
    const actual = await inTerminal(['list', store], temp(), [{ prompt: /Keystore password for jks-rsa\.jks: $/, keys: 'changeit\r' }]);
    assert.equal(actual.code, 0, actual.screen);
    assert.match(actual.screen, /Your keystore contains 2 entries/);
    assert.doesNotMatch(actual.screen, /changeit/);
  });

  it('takes Backspace as a correction', async () => {
    const store = copyFixture('jks-rsa.jks', temp());
    const actual = await inTerminal(['list', store], temp(), [{ prompt: /password for jks-rsa\.jks: $/, keys: 'changeix\x7ft\r' }]);
    assert.equal(actual.code, 0, actual.screen);
    assert.match(actual.screen, /Your keystore contains 2 entries/);
  });

  it('cancels on Ctrl-C with exit code 2 and writes nothing', async () => {
    const store = copyFixture('jks-rsa.jks', temp());
    const before = fs.readFileSync(path.join(temp(), store));
    const steps = [
      { prompt: /Keystore password for jks-rsa\.jks: $/, keys: 'changeit\r' },
      { prompt: /New keystore password for jks-rsa\.jks: $/, keys: 'chan\x03' },
    ];
    const actual = await inTerminal(['passwd', store], temp(), steps);
    assert.equal(actual.code, 2, actual.screen);
    assert.match(actual.screen, /cancelled at the password prompt/);
    assert.deepEqual(fs.readFileSync(path.join(temp(), store)), before);
  });

  it('asks for the current password, then twice for the new one, as keytool does', async () => {
    const store = copyFixture('jks-rsa.jks', temp());
    const steps = [
      { prompt: /Keystore password for jks-rsa\.jks: $/, keys: 'changeit\r' },
      { prompt: /New keystore password for jks-rsa\.jks: $/, keys: 'Typed-Twice-1\r' },
      { prompt: /Re-enter to confirm: $/, keys: 'Typed-Twice-1\r' },
    ];
    const actual = await inTerminal(['passwd', store], temp(), steps);
    assert.equal(actual.code, 0, actual.screen);
    assert.doesNotMatch(actual.screen, /changeit|Typed-Twice-1/);
    const listed = await inTerminal(['list', store], temp(), [{ prompt: /password for jks-rsa\.jks: $/, keys: 'Typed-Twice-1\r' }]);
    assert.equal(listed.code, 0, listed.screen);
  });
});
