import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { REPO_ROOT } from '../helpers/fixtures';

describe('docs/diagnostics.md', () => {
  it('documents exactly the problem codes the engine reports (regenerated page equals the committed one)', () => {
    // Exit 0 means the generator would write the same text: every code has its section and nothing else does.
    const actual = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/makeDiagnosticsDoc.ts', '--check'], { cwd: REPO_ROOT, encoding: 'utf8' });
    assert.equal(actual, '');
  });
});
