/**
 * The repository stands alone and holds only what it made: no copy of another project's file (WSO2's
 * stores and deployment.toml files stay under ../shared/fixtures, read from there where it exists).
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT, SHARED_FIXTURES, itShared } from '../helpers/fixtures';

/** Every file of the repository: tracked, and new ones not ignored. */
function repositoryFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return out.split('\0').filter((f) => f && fs.existsSync(path.join(REPO_ROOT, f)) && fs.statSync(path.join(REPO_ROOT, f)).isFile());
}

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : e.isFile() ? [p] : [];
  });
}

const sha256 = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('the repository stands alone', () => {
  it('holds no test/fixtures/wso2 folder of copies', () => {
    assert.equal(fs.existsSync(path.join(REPO_ROOT, 'test/fixtures/wso2')), false);
  });

  itShared('holds no file whose SHA-256 is that of a file under ../shared', () => {
    // The whole of ../shared (docs, seed, fixtures), not only fixtures; empty files say nothing of origin.
    const shared = new Map<string, string>();
    for (const f of filesUnder(path.dirname(SHARED_FIXTURES))) if (fs.statSync(f).size > 0) shared.set(sha256(f), path.relative(path.dirname(SHARED_FIXTURES), f));
    const actual = repositoryFiles()
      .filter((f) => fs.statSync(path.join(REPO_ROOT, f)).size > 0)
      .flatMap((f) => {
        const from = shared.get(sha256(path.join(REPO_ROOT, f)));
        return from ? [`${f} = ../shared/${from}`] : [];
      });
    assert.deepEqual(actual, []);
  });
});
