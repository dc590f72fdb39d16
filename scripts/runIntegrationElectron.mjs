// The same integration suite as scripts/runIntegration.mjs, run by @vscode/test-electron in a desktop
// VS Code it downloads from Microsoft's update server. For machines that can reach that server (this
// project's CI cannot, and uses code-server instead). The JSON report channel is the same.
// Usage: node scripts/build.mjs && node scripts/runIntegrationElectron.mjs [vscode version, default 1.95.0]
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';
import { makeDemo } from './makeDemo.mjs';
import { quietSettings, prepareUserData } from './vscodeServer.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function main() {
  const version = process.argv[2] ?? '1.95.0'; // engines.vscode minimum
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'mi-keystores-electron-'));
  const reportFile = path.join(tmp, 'report.json');
  try {
    const workspace = await makeDemo(path.join(tmp, 'workspace'));
    const userDataDir = prepareUserData(path.join(tmp, 'user-data'), quietSettings);
    await runTests({
      version,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: path.join(repoRoot, 'out', 'test', 'integration', 'index.js'),
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes', `--user-data-dir=${userDataDir}`, `--extensions-dir=${path.join(tmp, 'extensions')}`],
      extensionTestsEnv: { MI_KEYSTORES_TEST_REPORT: reportFile, MI_KEYSTORES_TEST_WORKSPACE: workspace },
    });
    const report = existsSync(reportFile) ? JSON.parse(readFileSync(reportFile, 'utf8')) : undefined;
    if (report) console.log(`integration (electron ${version}): ${report.passes} passing, ${report.failures} failing`);
    return 0;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
