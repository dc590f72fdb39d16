// Runs the restricted-mode suite (test/integrationUntrusted/*.test.ts) in a real VS Code extension host whose
// workspace is NOT trusted: the same code-server + headless Chromium set-up as runIntegration.mjs (whose
// exported helpers it reuses), but with workspace trust enabled, so the demo folder opens in Restricted Mode.
// startServer() always passes --disable-workspace-trust, so code-server is started here, with the same
// arguments minus that one.
// Usage: node scripts/runIntegrationUntrusted.mjs   (expects `node scripts/build.mjs` to have run: dist/extension.js)
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import util from 'node:util';
import * as esbuild from 'esbuild';
import { launchChromium, workbenchUrl } from './runIntegration.mjs';
import { makeDemo } from './makeDemo.mjs';
import { codeServerEntry, ensureVscodeServer, node24, prepareUserData, repoRoot, stopProcessGroup, toolsEnv } from './vscodeServer.mjs';

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

/** code-server as startServer() starts it, but with workspace trust left on. Resolves `{ url, stop, getLog }`. */
function startTrustingServer({ userDataDir, extensionsDir, env, timeoutMs = 60_000 }) {
  const args = [
    codeServerEntry,
    '--auth', 'none',
    '--bind-addr', '127.0.0.1:0',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    '--vscode-option', 'enable-smoke-test-driver',
  ];
  const child = spawn(node24, args, { env: toolsEnv(env), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const stop = () => stopProcessGroup(child);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`code-server did not start within ${timeoutMs / 1000}s:\n${log}`));
    }, timeoutMs);
    const onData = (chunk) => {
      log += chunk.toString();
      const m = /HTTP server listening on (http:\/\/127\.0\.0\.1:(\d+)\/?)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1].replace(/\/?$/, '/'), stop, getLog: () => log });
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

async function main() {
  const started = Date.now();
  const overallTimeoutMs = Number(process.env.INTEGRATION_TIMEOUT_MS ?? 180_000);
  if (!existsSync(path.join(repoRoot, 'dist', 'extension.js'))) throw new Error('dist/extension.js is missing: run `node scripts/build.mjs` first');
  const testsPath = path.join(repoRoot, 'out', 'test', 'integrationUntrusted');
  await buildTests(testsPath);
  ensureVscodeServer();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'mi-keystores-untrusted-'));
  const reportFile = path.join(tmp, 'report.json');
  const workspace = makeDemo(path.join(tmp, 'workspace'));
  const userDataDir = prepareUserData(path.join(tmp, 'user-data'), untrustedSettings);
  let server;
  let browser;
  let timer;
  const cleanup = async () => {
    clearTimeout(timer);
    await browser?.close().catch(() => {});
    await server?.stop();
    rmSync(tmp, { recursive: true, force: true });
  };
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => cleanup().finally(() => process.exit(130)));
  try {
    server = await startTrustingServer({
      userDataDir,
      extensionsDir: path.join(tmp, 'extensions'),
      env: { MI_KEYSTORES_TEST_REPORT: reportFile, MI_KEYSTORES_TEST_WORKSPACE: workspace },
    });
    browser = await launchChromium();
    const page = await browser.newPage();
    const exitCode = new Promise((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`the untrusted suite did not finish within ${overallTimeoutMs / 1000}s`)), overallTimeoutMs);
      page.exposeFunction('codeAutomationExit', (code) => resolve(code));
    });
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const line = util.format(...(Array.isArray(args) ? args : [args]));
      (type === 'error' ? console.error : console.log)(line);
    });
    await page.goto(workbenchUrl(server.url, workspace, { extensionPath: repoRoot, testsPath }));
    const code = await exitCode;
    const report = existsSync(reportFile) ? JSON.parse(readFileSync(reportFile, 'utf8')) : undefined;
    if (!report) throw new Error(`the suite ended (exit ${code}) without writing its report; server log:\n${server.getLog()}`);
    for (const t of report.tests.filter((t) => t.state === 'failed')) console.error(`FAILED ${t.title}\n${t.error}`);
    console.log(`integration (untrusted): ${report.passes} passing, ${report.failures} failing, ${report.pending} pending in ${((Date.now() - started) / 1000).toFixed(1)}s`);
    return code === 0 && report.failures === 0 ? 0 : 1;
  } finally {
    await cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
