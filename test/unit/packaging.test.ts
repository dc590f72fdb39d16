/**
 * What the .vsix ships, as `vsce ls` lists it from .vscodeignore: the extension bundle, the manifest and
 * what the manifest names, never the CLI, sources, maps, tests or the README's screenshots (1.6 MB that
 * once slipped in, since vsce lets any `!` pattern win over the exclusions after it).
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { REPO_ROOT } from '../helpers/fixtures';

describe('the .vsix contents', function () {
  this.timeout(60_000);

  it('lists exactly the extension bundle and its worker, the codicon font, the manifest, the grammar, the media and the docs', () => {
    const r = spawnSync('npx', ['--no-install', 'vsce', 'ls', '--no-dependencies'], { cwd: REPO_ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const actual = r.stdout.split('\n').map((l) => l.trim()).filter(Boolean).sort();
    const expected = [
      'LICENSE',
      'README.md',
      'dist/codicons/LICENSE',
      'dist/codicons/codicon.css',
      'dist/codicons/codicon.ttf',
      'dist/engineWorker.js',
      'dist/extension.js',
      'language-configuration.json',
      'media/icon.png',
      'media/keystoreEditor/main.css',
      'media/keystoreEditor/main.js',
      'media/keystores.svg',
      'media/walkthrough/internal.md',
      'media/walkthrough/overview.md',
      'media/walkthrough/primary.md',
      'media/walkthrough/truststore.md',
      'package.json',
      'syntaxes/toml.tmLanguage.json',
    ];
    assert.deepEqual(actual, expected);
  });
});
