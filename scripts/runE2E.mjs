// End-to-end journeys against the packaged extension, as a person uses it: packages the .vsix, installs
// it with --install-extension into a fresh user-data/extensions dir of code-server, creates a fresh demo
// workspace, starts the server (no test payload: the workbench loads the installed package), then runs
// the Playwright journeys in test/e2e/ with mocha. Screenshots land in git-ignored test-results/e2e/.
// Usage: node scripts/runE2E.mjs [mocha args, e.g. --grep hover]
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDebianPackages, ensureVscodeServer, installVsix, prepareUserData, repoRoot, startServer } from './vscodeServer.mjs';
import { makeDemo } from './makeDemo.mjs';
import { packageExtension } from './package.mjs';
import { chromiumArgs, chromiumPath } from './runIntegration.mjs';

async function main() {
  const started = Date.now();
  const overallTimeoutMs = Number(process.env.E2E_TIMEOUT_MS ?? 600_000);
  if (!existsSync(chromiumPath)) ensureDebianPackages(['chromium'], 'the end-to-end journeys (headless browser)');
  ensureVscodeServer();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'mi-keystores-e2e-'));
  const vsix = packageExtension(path.join(tmp, 'mi-keystores-e2e.vsix'));
  const userDataDir = prepareUserData(path.join(tmp, 'user-data'), { 'workbench.colorTheme': 'Default Dark Modern', 'editor.minimap.enabled': false });
  const extensionsDir = path.join(tmp, 'extensions');
  installVsix({ vsix, userDataDir, extensionsDir });
  const workspace = await makeDemo(path.join(tmp, 'workspace'));
  const resultsDir = path.join(repoRoot, 'test-results', 'e2e');
  mkdirSync(resultsDir, { recursive: true });

  let server;
  let mocha;
  const cleanup = async () => {
    if (mocha && mocha.exitCode === null) mocha.kill('SIGTERM');
    await server?.stop();
    rmSync(tmp, { recursive: true, force: true });
  };
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => cleanup().finally(() => process.exit(130)));
  try {
    // The demo is the server's default folder: the journeys open the plain address, as a person would.
    server = await startServer({ userDataDir, extensionsDir, folder: workspace });
    const mochaArgs = [
      path.join(repoRoot, 'node_modules', 'mocha', 'bin', 'mocha.js'),
      '--no-config',
      '--require', 'tsx/cjs',
      '--extension', 'ts',
      '--timeout', '120000',
      '--reporter', 'spec',
      'test/e2e/**/*.e2e.ts',
      ...process.argv.slice(2),
    ];
    const code = await new Promise((resolve, reject) => {
      mocha = spawn(process.execPath, mochaArgs, {
        cwd: repoRoot,
        stdio: 'inherit',
        env: {
          ...process.env,
          E2E_SERVER_URL: server.url,
          E2E_WORKSPACE: workspace,
          E2E_RESULTS: resultsDir,
          // The integration runner's Chromium, flags and all, so both suites run the same browser.
          E2E_CHROMIUM: JSON.stringify({ executablePath: chromiumPath, args: chromiumArgs }),
        },
      });
      const timer = setTimeout(() => reject(new Error(`the journeys did not finish within ${overallTimeoutMs / 1000}s`)), overallTimeoutMs);
      mocha.on('exit', (c, signal) => {
        clearTimeout(timer);
        resolve(c ?? (signal ? 1 : 0));
      });
    });
    console.log(`e2e: finished in ${((Date.now() - started) / 1000).toFixed(1)}s (packaging and server start included); screenshots in ${path.relative(repoRoot, resultsDir)}/`);
    return code;
  } finally {
    await cleanup();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
