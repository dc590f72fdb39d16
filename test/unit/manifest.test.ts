/**
 * The manifest and the code agree: every command, view and setting package.json contributes is defined in
 * `src/vscode/ids.ts` and registered by the code, and every id the code defines is contributed.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { COMMANDS, SETTING_IDS, VIEWS, WALKTHROUGH } from '../../src/vscode/ids';
import { REPO_ROOT } from '../helpers/fixtures';

const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));

/** Every .ts file under a folder. */
function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    return d.isDirectory() ? sources(p) : d.name.endsWith('.ts') ? [p] : [];
  });
}
const code = sources(path.join(REPO_ROOT, 'src/vscode')).map((f) => fs.readFileSync(f, 'utf8')).join('\n');

describe('package.json manifest', () => {
  it('contributes exactly the commands ids.ts defines', () => {
    const actual = manifest.contributes.commands.map((c: { command: string }) => c.command).sort();
    const expected = Object.values(COMMANDS).sort();
    assert.deepEqual(actual, expected);
  });

  it('registers every command ids.ts defines', () => {
    const missing = Object.keys(COMMANDS).filter((k) => !new RegExp(`registerCommand\\(\\s*COMMANDS\\.${k}\\b`).test(code));
    assert.deepEqual(missing, []);
  });

  it('lists every command under the one category', () => {
    const actual = manifest.contributes.commands.filter((c: { category?: string }) => c.category !== 'MI Keystores');
    assert.deepEqual(actual, []);
  });

  it('contributes exactly the settings ids.ts defines', () => {
    const actual = Object.keys(manifest.contributes.configuration.properties).sort();
    const expected = [...SETTING_IDS].sort();
    assert.deepEqual(actual, expected);
  });

  it('contributes the view container and the view ids.ts defines', () => {
    const containers = manifest.contributes.viewsContainers.activitybar.map((c: { id: string }) => c.id);
    const views = manifest.contributes.views[VIEWS.container].map((v: { id: string }) => v.id);
    assert.deepEqual({ containers, views }, { containers: [VIEWS.container], views: [VIEWS.keystores] });
  });

  it('creates the tree view the manifest contributes', () => {
    assert.match(code, /createTreeView\(\s*VIEWS\.keystores/);
  });

  it('references only commands that exist from menus', () => {
    const known = new Set(Object.values(COMMANDS));
    const menuCommands = Object.values(manifest.contributes.menus as Record<string, { command: string }[]>).flat().map((m) => m.command);
    const actual = menuCommands.filter((c) => !known.has(c as never));
    assert.deepEqual(actual, []);
  });

  it('activates on TOML, on a deployment.toml in the workspace and on the view', () => {
    const expected = ['onLanguage:toml', 'workspaceContains:**/deployment.toml', `onView:${VIEWS.keystores}`];
    assert.deepEqual(manifest.activationEvents, expected);
  });

  it('has media for the view icon and every walkthrough step', () => {
    const walkthrough = manifest.contributes.walkthroughs.find((w: { id: string }) => w.id === WALKTHROUGH);
    const files = [manifest.contributes.viewsContainers.activitybar[0].icon, ...walkthrough.steps.map((s: { media: { markdown: string } }) => s.media.markdown)];
    const missing = files.filter((f: string) => !fs.existsSync(path.join(REPO_ROOT, f)));
    assert.deepEqual(missing, []);
  });

  it('declares limited support for untrusted workspaces', () => {
    assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
  });
});
