// Runs the restricted-mode suite (test/integrationUntrusted/*.test.ts) in a real VS Code extension host whose
// workspace is NOT trusted: the same code-server + headless Chromium run as runIntegration.mjs, with workspace
// trust left on, so the demo folder opens in Restricted Mode.
// Usage: node scripts/runIntegrationUntrusted.mjs   (expects `node scripts/build.mjs` to have run: dist/extension.js)
import { readdirSync } from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { exitWith, runSuite } from './runIntegration.mjs';
import { repoRoot } from './vscodeServer.mjs';

/** Settings that turn workspace trust on and keep its prompts out of the way: the folder stays untrusted. */
const untrustedSettings = {
  'security.workspace.trust.enabled': true,
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.banner': 'never',
  'security.workspace.trust.emptyWindow': false,
  'security.workspace.trust.untrustedFiles': 'open',
};

/** Bundles the restricted-mode suites behind test/integration/index.ts's run(), as build.mjs does for the main suite. */
async function buildTests(outDir) {
  const dir = path.join(repoRoot, 'test', 'integrationUntrusted');
  const tests = readdirSync(dir).filter((f) => f.endsWith('.test.ts')).sort();
  const requires = tests.map((f) => `  require(${JSON.stringify(`./test/integrationUntrusted/${f}`)});`).join('\n');
  await esbuild.build({
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: true,
    logLevel: 'warning',
    external: ['vscode', 'mocha'],
    outfile: path.join(outDir, 'index.js'),
    stdin: {
      contents: `const { createRun } = require('./test/integration/index.ts');\nexports.run = createRun(() => {\n${requires}\n});\n`,
      resolveDir: repoRoot,
      sourcefile: 'integration-untrusted-entry.js',
      loader: 'js',
    },
  });
}

exitWith(
  (async () => {
    const testsPath = path.join(repoRoot, 'out', 'test', 'integrationUntrusted');
    await buildTests(testsPath);
    return runSuite({ label: 'integration (untrusted)', testsPath, settings: untrustedSettings, workspaceTrust: true });
  })(),
);
