// Bundles the extension and the CLI with esbuild (type checking is `npm run typecheck`, separately).
// Usage: node scripts/build.mjs [--watch] [--production]
import * as esbuild from 'esbuild';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

// --production (used by `npm run package`): minified, without source maps, which the .vsix does not ship.
// keepNames: the keystore errors name themselves from `new.target.name` (src/core/keystore/errors.ts), which
// minification would otherwise turn into one-letter names; it costs ~20 KB (4%) per bundle.
const production = process.argv.includes('--production');
const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: !production, minify: production, keepNames: true, logLevel: 'warning' };

/**
 * Packages the CLI bundles as files of their own under dist/cli/, each `require`d on first use. V8 compiles
 * all of a script it loads, so every start-up paid ~8 ms to compile node-forge (~300 KB, needed only to build
 * certificates and keys) inside one 540 KB dist/cli.js; apart, `list` never reads it. Only self-contained
 * third-party packages go apart: a module of ours bundled twice would break `instanceof` on its classes.
 * (ES module code splitting was measured too: on Node 20 starting the ES module loader costs what it saves.)
 */
const CLI_APART = ['node-forge', 'toml-eslint-parser'];
const apartFile = (pkg) => `cli/${pkg}.js`;

/** Resolves each CLI_APART package to its file next to dist/cli.js, so esbuild leaves the `require` alone. */
const apart = {
  name: 'cli-apart',
  setup(build) {
    const filter = new RegExp(`^(${CLI_APART.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})$`);
    build.onResolve({ filter }, (args) => ({ path: `./${apartFile(args.path)}`, external: true }));
  },
};

/** Every bundle the product ships, plus the extension-host test bundle when its entry exists. */
const builds = [
  { ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' }, plugins: [apart] },
  ...CLI_APART.map((pkg) => ({ ...common, entryPoints: [pkg], outfile: `dist/${apartFile(pkg)}` })),
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

if (process.argv.includes('--watch')) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  const results = await Promise.all(builds.map((b) => esbuild.build({ ...b, metafile: true })));
  // Remove what earlier builds left in dist/cli/ (a package no longer apart, a map of a dev build), after
  // building so a CLI running meanwhile never misses a file.
  const written = new Set(results.flatMap((r) => Object.keys(r.metafile.outputs)).map((f) => path.resolve(f)));
  for (const f of readdirSync('dist/cli')) {
    if (!written.has(path.resolve('dist/cli', f))) rmSync(path.join('dist/cli', f), { force: true });
  }
}
