// Bundles the extension and the CLI with esbuild (type checking is `npm run typecheck`, separately).
// Usage: node scripts/build.mjs [--watch] [--production]
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// --production (used by `npm run package`): minified, without source maps, which the .vsix does not ship.
// keepNames: the keystore errors name themselves from `new.target.name` (src/core/keystore/errors.ts), which
// minification would otherwise turn into one-letter names; it costs ~20 KB (4%) per bundle.
const production = process.argv.includes('--production');
const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: !production, minify: production, keepNames: true, logLevel: 'warning' };
// The CLI bundles keep their names by not renaming at all: keepNames calls a helper for each of some
// 500 functions as the bundle starts; without renaming, the size barely grows.
const cli = { ...common, minify: false, minifyWhitespace: production, minifySyntax: production, keepNames: false };

/**
 * The CLI is dist/cli.js, a small launcher (src/cli/bin.ts), and the bundles it runs, each with its V8 code
 * cache (makeCodeCache below): dist/cli/list.js for `list`, the command that must start fast, and
 * dist/cli/main.js for every command.
 *
 * Third-party packages go into files of their own under dist/cli/, each `require`d on first use. V8 compiles
 * all of a script it loads, so every start-up paid to compile node-forge (about 300 KB, needed only to build
 * certificates and keys) inside one bundle; apart, `list` never reads it. Only self-contained
 * third-party packages go apart: a module of ours bundled twice would break `instanceof` on its classes.
 * (ES module code splitting was measured too: on Node 20 starting the ES module loader costs what it saves.)
 */
const CLI_APART = ['node-forge', 'toml-eslint-parser'];
const CLI_BUNDLES = ['dist/cli/main.js', 'dist/cli/list.js'];
/**
 * What the `list` bundle must not carry: the workspace engine, which `list` never runs. A loader or an import
 * that names one of these (say, a new loader added to commands/common.ts) would silently double its size.
 */
const NOT_IN_LIST = /^src\/(core\/(checks|config|workspace|secrets|tls|artifacts)\/|cli\/commands\/(?!list\.ts|common\.ts))/;

/** Resolves each CLI_APART package to its file next to the CLI bundle, so esbuild leaves the `require` alone. */
const apart = {
  name: 'cli-apart',
  setup(build) {
    const filter = new RegExp(`^(${CLI_APART.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})$`);
    build.onResolve({ filter }, (args) => ({ path: `./${args.path}.js`, external: true }));
  },
};

/** Every bundle the product ships, plus the extension-host test bundle when its entry exists. */
const builds = [
  { ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  // The extension's worker thread (parsing, checks, keystore decoding), started from dist/extension.js.
  { ...common, entryPoints: ['src/vscode/engineWorker.ts'], outfile: 'dist/engineWorker.js' },
  { ...cli, entryPoints: ['src/cli/bin.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  // Wrapped in the function Node wraps a CommonJS module in, so the launcher need not build a second 200 KB
  // string (one more young-generation GC in a `list`) to wrap it; the files are run only by the launcher.
  ...[['src/cli/main.ts', CLI_BUNDLES[0]], ['src/cli/listMain.ts', CLI_BUNDLES[1]]].map(([entry, outfile]) => ({
    ...cli,
    entryPoints: [entry],
    outfile,
    plugins: [apart],
    banner: { js: '(function (exports, require, module, __filename, __dirname) {' },
    footer: { js: '})' },
  })),
  ...CLI_APART.map((pkg) => ({ ...cli, entryPoints: [pkg], outfile: `dist/cli/${pkg}.js` })),
];
if (!production && existsSync('test/integration/index.ts')) {
  builds.push({ ...common, stdin: integrationEntry(), outfile: 'out/test/integration/index.js', external: ['vscode', 'mocha'] });
}

/**
 * A generated entry that bundles every `*.test.ts` under test/integration behind a function, so the tests run
 * only when index.ts's run() has created mocha and installed its globals. A new test file needs no edit here.
 */
function integrationEntry() {
  const tests = readdirSync('test/integration', { recursive: true })
    .map((f) => String(f).split(path.sep).join('/'))
    .filter((f) => f.endsWith('.test.ts'))
    .sort();
  const requires = tests.map((f) => `  require(${JSON.stringify(`./test/integration/${f}`)});`).join('\n');
  return {
    contents: `const { createRun } = require('./test/integration/index.ts');\nexports.run = createRun(() => {\n${requires}\n});\n`,
    resolveDir: process.cwd(),
    sourcefile: 'integration-entry.js',
    loader: 'js',
  };
}

/**
 * V8's code caches for the CLI bundles (read by src/cli/bin.ts): the launcher saves what V8 compiled while it
 * runs the commands that must start fast, each run adding to what the runs before it saved. `list` trains
 * the list bundle's, `--help` the other's: a cache is read whole at every start, and commands that generate
 * keys or write stores spend far longer on that than on compiling. The cache fits only the Node that made it; any other
 * Node compiles the bundle as if there were no cache.
 */
function makeCodeCache() {
  const dir = mkdtempSync(path.join(tmpdir(), 'mi-keystores-build-'));
  const env = { ...process.env, BUILD_PW: 'changeit' };
  const run = (train, ...args) => {
    const r = spawnSync(process.execPath, ['dist/cli.js', ...args], { env: { ...env, MI_KEYSTORES_WRITE_CODE_CACHE: train ? '1' : '' }, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`making the CLI's code cache: mi-keystores ${args[0]} failed: ${r.stderr.trim()}`);
  };
  try {
    run(true, '--help');
    for (const [name, type] of [['store.jks', 'JKS'], ['store.p12', 'PKCS12']]) {
      const file = path.join(dir, name);
      run(false, 'generate', file, '--type', type, '--alias', 'server', '--dname', 'CN=localhost', '--key-alg', 'EC', '--password-env', 'BUILD_PW');
      run(true, 'list', file, '--password-env', 'BUILD_PW');
      run(true, 'list', file, '--json', '--password-env', 'BUILD_PW');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The keystore editor draws VS Code's icons with the codicon font, which a webview cannot borrow from the
 * workbench: the extension ships its own copy in dist/codicons/ (CSS and font, with the font's CC BY 4.0
 * licence, which asks that it travel with the font).
 */
function copyCodicons() {
  const from = 'node_modules/@vscode/codicons';
  mkdirSync('dist/codicons', { recursive: true });
  for (const f of ['dist/codicon.css', 'dist/codicon.ttf', 'LICENSE']) copyFileSync(path.join(from, f), path.join('dist/codicons', path.basename(f)));
}

copyCodicons();
if (process.argv.includes('--watch')) {
  // A rebuilt bundle makes its cache useless (the launcher checks its hash): do not leave it to be hashed.
  for (const b of CLI_BUNDLES) rmSync(`${b}.cache`, { force: true });
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  const results = await Promise.all(builds.map((b) => esbuild.build({ ...b, metafile: true })));
  const listInputs = Object.keys(results[builds.findIndex((b) => b.outfile === CLI_BUNDLES[1])].metafile.inputs);
  const stray = listInputs.filter((f) => NOT_IN_LIST.test(f));
  if (stray.length > 0) throw new Error(`the list bundle (${CLI_BUNDLES[1]}) carries modules list never runs: ${stray.join(', ')}`);
  // Remove what earlier builds left in dist/cli/ (a package no longer apart, a map of a dev build), after
  // building so a CLI running meanwhile never misses a file.
  const written = new Set(results.flatMap((r) => Object.keys(r.metafile.outputs)).map((f) => path.resolve(f)));
  for (const f of readdirSync('dist/cli')) {
    if (!written.has(path.resolve('dist/cli', f))) rmSync(path.join('dist/cli', f), { force: true });
  }
  makeCodeCache();
}
