import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

describe('docs/diagnostics.md', () => {
  it('documents exactly the problem codes the engine reports (regenerated page equals the committed one)', () => {
    const root = path.resolve(__dirname, '../..');
    // Exit 0 means the generator would write the same text: every code has its section and nothing else does.
    const actual = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/makeDiagnosticsDoc.ts', '--check'], { cwd: root, encoding: 'utf8' });
    assert.equal(actual, '');
  });
});
