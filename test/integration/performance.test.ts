// Measures, inside the real extension host, two numbers a person feels: activation time and the
// re-validation of MI's 1,394-line deployment-full.toml after a keystroke with warm caches. The numbers
// are printed for the report; per house style nothing asserts on timing.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activate, closeAll, repoRoot, tempMiHome, waitForDiagnostics, workspaceDir } from './helpers';

/** MI's deployment-full.toml: another project's file, read beside the repository and never copied into it. */
const full = () => path.resolve(repoRoot(), '..', 'shared', 'fixtures', 'wso2', 'mi-config-tool', 'deployment-full.toml');

describe('performance (measured, printed)', () => {
  afterEach(closeAll);

  it('reports the activation time', async () => {
    const api = await activate();
    console.log(`[perf] activation: ${api.activationMs.toFixed(1)} ms`);
    assert.equal(Number.isFinite(api.activationMs), true);
  });

  it('reports the re-validation time of deployment-full.toml after a keystroke (skipped when ../shared/fixtures is absent)', async function () {
    if (!fs.existsSync(full())) this.skip();
    const api = await activate();
    const security = path.join(workspaceDir(), 'mi-runtime', 'repository', 'resources', 'security');
    const home = tempMiHome(fs.readFileSync(full(), 'utf8'), {
      'wso2carbon.jks': path.join(security, 'wso2carbon.jks'),
      'client-truststore.jks': path.join(security, 'client-truststore.jks'),
    });
    // Keep the debounced re-validation out of the measured runs: each run is started by the test.
    const settings = vscode.workspace.getConfiguration('miKeystores');
    await settings.update('validationDelay', 5000, vscode.ConfigurationTarget.Global);
    try {
      const doc = await vscode.workspace.openTextDocument(home.toml);
      const editor = await vscode.window.showTextDocument(doc);
      await waitForDiagnostics(doc.uri, (d) => d.length > 0);
      const runs: { parseMs: number; checkMs: number; totalMs: number }[] = [];
      for (let i = 0; i < 9; i++) {
        await editor.edit((e) => e.insert(new vscode.Position(0, 0), '#'));
        const t = await api.validateNow(home.toml);
        if (t) runs.push(t);
      }
      const median = (k: 'parseMs' | 'checkMs' | 'totalMs') => runs.map((r) => r[k]).sort((a, b) => a - b)[Math.floor(runs.length / 2)].toFixed(1);
      const min = (k: 'totalMs') => Math.min(...runs.map((r) => r[k])).toFixed(1);
      console.log(
        `[perf] re-validation of deployment-full.toml (${doc.lineCount} lines, warm caches, ${runs.length} keystrokes): median total ${median('totalMs')} ms (parse ${median('parseMs')} ms, checks ${median('checkMs')} ms), best ${min('totalMs')} ms`,
      );
      assert.equal(runs.length, 9);
    } finally {
      await settings.update('validationDelay', undefined, vscode.ConfigurationTarget.Global);
      home.cleanup();
    }
  });
});
