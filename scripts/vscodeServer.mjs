// A real VS Code server for this machine: code-server from npm (VS Code 1.139) on Node 24 from the npm
// `node` package, installed on first use into the git-ignored `.vscode-test/` folder with its own
// package.json, so Node 24 never lands on the project's own PATH. See docs/testing-in-vscode.md.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Where the VS Code server and its Node live (git-ignored). */
export const toolsDir = path.join(repoRoot, '.vscode-test');
/** code-server = VS Code 1.139.1; keep `engines.vscode` at or below it. */
export const codeServerVersion = '4.139.1';
/** code-server's `engines.node` is 24; the exact version is pinned for repeatable installs. */
export const nodeVersion = '24.9.0';
/** Debian packages code-server's native modules build against (node-gyp). */
export const buildPackages = ['libkrb5-dev', 'libsecret-1-dev', 'libxkbfile-dev', 'libx11-dev', 'pkg-config'];

const binDir = path.join(toolsDir, 'node_modules', '.bin');
/** The Node 24 binary installed by the `node` package. */
export const node24 = path.join(binDir, 'node');
/** code-server's CLI entry, run with Node 24 directly (its bin's shebang would pick the first `node` on PATH). */
export const codeServerEntry = path.join(toolsDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');

/** Settings that keep the workbench quiet, offline and deterministic. */
export const quietSettings = {
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'workbench.startupEditor': 'none',
  'chat.disableAIFeatures': true,
  'git.enabled': false,
  'workbench.tips.enabled': false,
  'security.workspace.trust.enabled': false,
  // The chat view would otherwise open in the secondary side bar and take a third of the window.
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  // Other extensions' work in the shared extension host, which the stall guard would count as this one's (each
  // spawn from the big host process blocks its thread for 20-200 ms, profiled): code-server's port finder
  // and the built-in task detectors, which search the workspace with ripgrep when files change.
  'remote.autoForwardPorts': false,
  'remote.autoForwardPortsSource': 'output',
  'npm.autoDetect': 'off',
  'grunt.autoDetect': 'off',
  'gulp.autoDetect': 'off',
  'jake.autoDetect': 'off',
  'typescript.tsc.autoDetect': 'off',
};

/** The environment for anything run with Node 24: its bin folder first on PATH, no gallery. */
export function toolsEnv(extra = {}) {
  return { ...process.env, PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ''}`, EXTENSIONS_GALLERY: '{}', ...extra };
}

/** Which of the given Debian packages are not installed (empty when dpkg is absent: not Debian). */
export function missingDebianPackages(packages) {
  if (spawnSync('dpkg', ['--version'], { stdio: 'ignore' }).status !== 0) return [];
  return packages.filter((p) => spawnSync('dpkg', ['-s', p], { stdio: 'ignore' }).status !== 0);
}

/**
 * Whether a root user's machine may be changed by `apt-get install` without asking: yes under CI (`CI=true`)
 * or with `--yes`; otherwise ask a person at a terminal, and with nobody to ask print the command instead.
 */
export function installConsent({ env, argv, interactive }) {
  if (env.CI === 'true' || argv.includes('--yes') || argv.includes('-y')) return 'yes';
  return interactive ? 'ask' : 'refuse';
}

/** Asks a yes/no question on the terminal, synchronously (the scripts around it are synchronous). */
function askYes(question) {
  process.stdout.write(question);
  const buffer = Buffer.alloc(256);
  let n = 0;
  try {
    n = readSync(0, buffer, 0, buffer.length, null);
  } catch {
    return false;
  }
  return /^\s*y(es)?\s*$/i.test(buffer.subarray(0, n).toString('utf8'));
}

/** Installs missing Debian packages when running as root and allowed (see installConsent); otherwise throws with the exact command to run. */
export function ensureDebianPackages(packages, why) {
  const missing = missingDebianPackages(packages);
  if (missing.length === 0) return;
  const command = `apt-get update && apt-get install -y ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) {
    throw new Error(`${why} needs these Debian packages. Run:\n  sudo ${command}\nthen try again.`);
  }
  const consent = installConsent({ env: process.env, argv: process.argv, interactive: Boolean(process.stdin.isTTY) });
  if (consent === 'refuse') {
    throw new Error(`${why} needs these Debian packages. Run:\n  ${command}\nthen try again (or pass --yes, or set CI=true, to let this script run it).`);
  }
  if (consent === 'ask' && !askYes(`${why} needs these Debian packages: ${missing.join(' ')}.\nRun \`${command}\` now? [y/N] `)) {
    throw new Error(`Not installed. Run:\n  ${command}\nthen try again.`);
  }
  console.log(`[vscode-server] installing Debian packages for ${why}: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', '--no-install-recommends', ...missing]]) {
    const r = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (r.status !== 0) throw new Error(`apt-get ${args[0]} failed (exit ${r.status}); run: ${command}`);
  }
}

function npmInstall(spec, env) {
  console.log(`[vscode-server] npm install ${spec} into ${path.relative(repoRoot, toolsDir)}/ (first use only)`);
  // Under `npm test` the outer npm exports npm_* variables (npm_config_user_agent names Node 20); the inner
  // npm would take them as its own config, and code-server's postinstall reads the Node version from there.
  const clean = Object.fromEntries(Object.entries(env).filter(([k]) => !k.toLowerCase().startsWith('npm_')));
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--save-exact', '--loglevel=error', spec], { cwd: toolsDir, stdio: 'inherit', env: clean });
  if (r.status !== 0) throw new Error(`npm install ${spec} failed (exit ${r.status})`);
}

/** Installs Node 24 and code-server into `.vscode-test/` unless both are already there; returns the paths. */
export function ensureVscodeServer() {
  mkdirSync(toolsDir, { recursive: true });
  const pkg = path.join(toolsDir, 'package.json');
  if (!existsSync(pkg)) {
    // Its own package.json stops npm from walking up and installing into the project's node_modules.
    writeFileSync(pkg, JSON.stringify({ name: 'mi-keystores-vscode-server', private: true, description: 'VS Code server for tests and npm start; git-ignored' }, null, 2) + '\n');
  }
  // --save-exact in npmInstall: a later `npm install` prunes packages its package.json does not list.
  if (!existsSync(node24)) npmInstall(`node@${nodeVersion}`, process.env);
  if (!existsSync(codeServerEntry)) {
    ensureDebianPackages(buildPackages, `code-server ${codeServerVersion}'s native modules`);
    // Node 24 first on PATH: code-server's install scripts and node-gyp must build for its ABI.
    npmInstall(`code-server@${codeServerVersion}`, toolsEnv());
  }
  return { node: node24, entry: codeServerEntry };
}

/** Creates a user-data dir with the quiet settings (plus `extra`) and returns it. */
export function prepareUserData(userDataDir, extra = {}) {
  const user = path.join(userDataDir, 'User');
  mkdirSync(user, { recursive: true });
  writeFileSync(path.join(user, 'settings.json'), JSON.stringify({ ...quietSettings, ...extra }, null, 2) + '\n');
  return userDataDir;
}

/** Installs a packaged `.vsix` into the given extensions dir (installing from a folder is not supported). */
export function installVsix({ vsix, userDataDir, extensionsDir }) {
  const r = spawnSync(node24, [codeServerEntry, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--install-extension', vsix, '--force'], {
    env: toolsEnv(),
    encoding: 'utf8',
  });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0 || !/successfully installed/i.test(out)) throw new Error(`installing ${path.basename(vsix)} failed (exit ${r.status}):\n${out}`);
}

/**
 * Starts code-server in its own process group and resolves once it listens: `{ url, port, child, stop }`.
 * `smokeDriver` makes the workbench honour the extension-development payload (integration tests).
 * `folder` is the folder the plain address opens (code-server redirects `/` to `/?folder=<it>`).
 */
export function startServer({ userDataDir, extensionsDir, port = 0, folder, smokeDriver = false, workspaceTrust = false, env = {}, timeoutMs = 60_000, quiet = true }) {
  const args = [
    codeServerEntry,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
  ];
  // Trust is off for the usual runs (a test workspace is ours); the Restricted Mode suite turns it on.
  if (!workspaceTrust) args.push('--disable-workspace-trust');
  if (smokeDriver) args.push('--vscode-option', 'enable-smoke-test-driver');
  // code-server's positional argument: without it the plain address opens an empty window.
  if (folder) args.push(folder);
  const child = spawn(node24, args, { env: toolsEnv(env), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const stop = () => stopProcessGroup(child);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`code-server did not start within ${timeoutMs / 1000}s:\n${log}`));
    }, timeoutMs);
    const onData = (chunk) => {
      const text = chunk.toString();
      log += text;
      if (!quiet) process.stdout.write(text);
      const m = /HTTP server listening on (http:\/\/127\.0\.0\.1:(\d+)\/?)/.exec(log);
      if (m && timer) {
        clearTimeout(timer);
        resolve({ url: m[1].replace(/\/?$/, '/'), port: Number(m[2]), child, stop, getLog: () => log });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited early (${code ?? signal}):\n${log}`));
    });
  });
}

/** Ends a detached child's whole process group (code-server forks the extension host and file watchers). */
export function stopProcessGroup(child, graceMs = 3000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = (signal) => {
      try {
        process.kill(-child.pid, signal);
      } catch {
        /* already gone */
      }
    };
    const timer = setTimeout(() => {
      kill('SIGKILL');
      resolve();
    }, graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      // Children of the group may outlive the leader for a moment.
      kill('SIGKILL');
      resolve();
    });
    kill('SIGTERM');
  });
}

/** Runs `npm ci` when `node_modules` is missing, so scripts work on a fresh clone. */
export function ensureProjectDependencies() {
  if (existsSync(path.join(repoRoot, 'node_modules', '.package-lock.json'))) return;
  console.log('[setup] node_modules is missing: running npm ci');
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: repoRoot, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`npm ci failed (exit ${r.status})`);
}

// `node scripts/vscodeServer.mjs` just installs (useful in CI caches).
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { node, entry } = ensureVscodeServer();
  console.log(`node 24: ${node}\ncode-server: ${entry}`);
}
