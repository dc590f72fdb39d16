// Runs the integration suite (out/test/integration/index.js) inside a real VS Code extension host:
// code-server with the smoke-test driver + headless Debian Chromium opening the workbench with an
// extension-development payload. The result comes back through a JSON report file whose path the
// host inherits from the server's environment. See docs/testing-in-vscode.md.
// Usage: node scripts/runIntegration.mjs   (expects `node scripts/build.mjs` to have run)
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import util from 'node:util';
import { ensureDebianPackages, ensureVscodeServer, prepareUserData, repoRoot, startServer } from './vscodeServer.mjs';
import { makeDemo } from './makeDemo.mjs';

/** Chromium flags for a headless, offline, sandbox-less run (containers have no user namespaces). */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];
/** Debian's Chromium; never `npx playwright install`, which downloads. */
export const chromiumPath = '/usr/bin/chromium';

/** Launches headless Chromium without Playwright's own signal handlers (we clean up ourselves). */
export async function launchChromium() {
  if (!existsSync(chromiumPath)) ensureDebianPackages(['chromium'], 'the VS Code tests (headless browser)');
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs, handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false });
}

/** The workbench URL that opens `workspace` and, with `payload`, loads an extension under development. */
export function workbenchUrl(serverUrl, workspace, payload) {
  const authority = new URL(serverUrl).host;
  const remote = (p) => `vscode-remote://${authority}${p.split(path.sep).join('/')}`;
  let url = `${serverUrl}?folder=${encodeURIComponent(remote(workspace))}`;
  if (payload) {
    const pairs = [
      ['extensionDevelopmentPath', remote(payload.extensionPath)],
      ['extensionTestsPath', remote(payload.testsPath)],
      ['enableProposedApi', ''],
      ['skipWelcome', 'true'],
      ['skipReleaseNotes', 'true'],
    ];
    url += `&payload=${encodeURIComponent(JSON.stringify(pairs))}`;
  }
  return url;
}

/**
 * Runs one bundled mocha suite (`<testsPath>/index.js`) in the extension host of a fresh code-server on
 * the demo workspace and resolves with the exit code. `settings` go into the user's settings.json;
 * `workspaceTrust` leaves trust on, so the workspace opens in Restricted Mode.
 */
export async function runSuite({ label, testsPath, settings = {}, workspaceTrust = false }) {
  const started = Date.now();
  const overallTimeoutMs = Number(process.env.INTEGRATION_TIMEOUT_MS ?? 180_000);
  if (!existsSync(path.join(testsPath, 'index.js'))) throw new Error(`${path.relative(repoRoot, testsPath)}/index.js is missing: run \`node scripts/build.mjs\` first`);
  if (!existsSync(path.join(repoRoot, 'dist', 'extension.js'))) throw new Error('dist/extension.js is missing: run `node scripts/build.mjs` first');

  ensureVscodeServer();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'mi-keystores-integration-'));
  const reportFile = path.join(tmp, 'report.json');
  const workspace = await makeDemo(path.join(tmp, 'workspace'));
  const userDataDir = prepareUserData(path.join(tmp, 'user-data'), settings);
  let server;
  let browser;
  let timer;
  const cleanup = async () => {
    clearTimeout(timer);
    await browser?.close().catch(() => {});
    await server?.stop();
    rmSync(tmp, { recursive: true, force: true });
  };
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => cleanup().finally(() => process.exit(130)));
  }
  try {
    server = await startServer({
      userDataDir,
      extensionsDir: path.join(tmp, 'extensions'),
      smokeDriver: true,
      workspaceTrust,
      env: { MI_KEYSTORES_TEST_REPORT: reportFile, MI_KEYSTORES_TEST_WORKSPACE: workspace },
    });
    browser = await launchChromium();
    const page = await browser.newPage();
    const exitCode = new Promise((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`the ${label} suite did not finish within ${overallTimeoutMs / 1000}s`)), overallTimeoutMs);
      // The smoke-test driver reports the suite's end and the host's console through these two hooks.
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
    console.log(`${label}: ${report.passes} passing, ${report.failures} failing, ${report.pending} pending in ${((Date.now() - started) / 1000).toFixed(1)}s (cold start included)`);
    return code === 0 && report.failures === 0 ? 0 : 1;
  } finally {
    await cleanup();
  }
}

/** Ends the process with the suite's exit code, or 1 with a one-line reason. */
export function exitWith(promise) {
  promise.then(
    (code) => process.exit(code),
    (err) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === new URL(import.meta.url).pathname) {
  exitWith(runSuite({ label: 'integration', testsPath: path.join(repoRoot, 'out', 'test', 'integration') }));
}
