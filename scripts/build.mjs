// Bundles the extension and the CLI with esbuild (type checking is `npm run typecheck`, separately).
// Usage: node scripts/build.mjs [--watch] [--production]
import * as esbuild from 'esbuild';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

// --production (used by `npm run package`): minified, without source maps, which the .vsix does not ship.
const production = process.argv.includes('--production');
const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: !production, minify: production, logLevel: 'warning' };

/** Every bundle the product ships, plus the extension-host test bundle when its entry exists. */
const builds = [
  { ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
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
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
