// Shared helpers of the extension's integration suites: activation, event-driven waits, temp MI homes,
// and keytool to check what the commands wrote. Public API only.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { writeMiHome } from '../helpers/miHome';

/** The extension's id (publisher.name). */
export const extensionId = 'mi-keystores.mi-keystores';

/** What activate() returns: the extension's own type, imported for its shape only (nothing of src/ is bundled). */
export type { ExtensionApi } from '../../src/extension';
import type { ExtensionApi } from '../../src/extension';

/** Activates the extension and returns its API. */
export async function activate(): Promise<ExtensionApi> {
  const ext = vscode.extensions.getExtension<ExtensionApi>(extensionId);
  if (!ext) throw new Error(`${extensionId} is not installed in the host`);
  return ext.activate();
}

/** The demo workspace the runner opened (scripts/makeDemo.mjs). */
export function workspaceDir(): string {
  return process.env.MI_KEYSTORES_TEST_WORKSPACE ?? (vscode.workspace.workspaceFolders?.[0]?.uri.fsPath as string);
}

/** The repository root (the extension under development). */
export function repoRoot(): string {
  return vscode.extensions.getExtension(extensionId)?.extensionPath as string;
}

/** A keytool-made fixture of test/fixtures/keystores. */
export function fixture(name: string): string {
  return path.join(repoRoot(), 'test', 'fixtures', 'keystores', name);
}

/** Our diagnostics of `uri` (source mi-keystores). */
export function ourDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'mi-keystores');
}

/** The code value of a diagnostic. */
export function codeOf(d: vscode.Diagnostic): string | undefined {
  const c = d.code;
  return typeof c === 'object' ? String(c.value) : c === undefined ? undefined : String(c);
}

/**
 * Resolves once `predicate` holds for the diagnostics of `uri`, checked now and on every
 * onDidChangeDiagnostics for it. The timeout is only a safety net for a broken build.
 */
export function waitForDiagnostics(uri: vscode.Uri, predicate: (ds: vscode.Diagnostic[]) => boolean, timeoutMs = 30_000): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const ds = ourDiagnostics(uri);
      if (predicate(ds)) {
        sub.dispose();
        clearTimeout(timer);
        resolve(ds);
        return true;
      }
      return false;
    };
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.fsPath === uri.fsPath)) check();
    });
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`diagnostics of ${uri.fsPath} never matched; last: ${ourDiagnostics(uri).map((d) => codeOf(d)).join(', ')}`));
    }, timeoutMs);
    check();
  });
}

/**
 * The quick fixes VS Code offers for `diagnostic`, once there are any. languages.getDiagnostics answers from
 * the extension host at once, but VS Code builds a code action request from what the workbench knows of
 * the diagnostics, which it learns a moment later (after the request, on a loaded machine), and the
 * actions it returns do not say which diagnostic they fix: ask again until some come, or the timeout, a
 * safety net for a broken build, passes.
 */
export async function quickFixes(doc: vscode.TextDocument, diagnostic: vscode.Diagnostic, timeoutMs = 10_000): Promise<vscode.CodeAction[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value);
    if (actions.length > 0 || Date.now() > deadline) return actions;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A temp folder removed by the returned cleanup. */
export function tempDir(prefix = 'mi-keystores-it-'): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** An MI runtime home under a temp folder with `toml` as conf/deployment.toml; stores copied in by name. */
export function tempMiHome(
  toml: string,
  stores: Record<string, string> = {},
  options: { inWorkspace?: boolean } = {},
): { home: string; toml: string; cleanup: () => void } {
  // Inside the workspace folder when a test needs the file watchers (they watch the folder only).
  const parent = options.inWorkspace ? path.join(workspaceDir(), 'it-homes') : os.tmpdir();
  fs.mkdirSync(parent, { recursive: true });
  const dir = fs.mkdtempSync(path.join(parent, 'mi-home-'));
  const home = writeMiHome(dir, toml, stores);
  return { home: dir, toml: home.toml, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export { keytool } from '../helpers/keytool';

/**
 * VS Code's own files under the user data folder (`User/settings.json`): VS Code writes them itself, and one
 * it is saving shows as dirty for a moment (seen in CI, where reverting it raced VS Code's own editor).
 */
function isVsCodeOwnFile(file: string): boolean {
  return path.basename(path.dirname(file)) === 'User' && file.endsWith('.json');
}

/** Closes every editor, discarding unsaved changes of the test's documents. */
export async function closeAll(): Promise<void> {
  for (const doc of vscode.workspace.textDocuments.filter((d) => d.isDirty && d.uri.scheme === 'file' && !isVsCodeOwnFile(d.uri.fsPath))) {
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** The artifacts of an integration project whose endpoint `Backend` calls https://127.0.0.1:`port`/svc. */
export function backendEndpoint(port: number): Record<string, string> {
  return { 'endpoints/Backend.xml': `<endpoint name="Backend" xmlns="http://ws.apache.org/ns/synapse">\n  <address uri="https://127.0.0.1:${port}/svc"/>\n</endpoint>\n` };
}

/** Ends a suite that ran a TLS server for a project in the workspace: closes both, removes the files, refreshes the view. */
export async function removeTlsProject(o: { project: string; tmp: string; server?: { close: () => Promise<void> } }): Promise<void> {
  await closeAll();
  await o.server?.close();
  fs.rmSync(o.project, { recursive: true, force: true });
  fs.rmSync(o.tmp, { recursive: true, force: true });
  await vscode.commands.executeCommand('miKeystores.refresh');
}

/** The longest gap between 10 ms ticks of the host's event loop while `f` runs. */
export async function longestStall<T>(f: () => Promise<T>): Promise<{ result: T; stallMs: number }> {
  let last = performance.now();
  let stallMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    stallMs = Math.max(stallMs, now - last - 10);
    last = now;
  }, 10);
  try {
    const result = await f();
    return { result, stallMs: Math.max(stallMs, performance.now() - last - 10) };
  } finally {
    clearInterval(timer);
  }
}

/**
 * Runs one provider request and returns how long the extension's own answers took inside the host while
 * it ran (the slowest, when VS Code asked again on its own, e.g. for the light bulb), and the round trip
 * through the workbench, which also counts the browser's queueing.
 */
export async function ownAnswerMs(request: () => Thenable<unknown>): Promise<{ ownMs: number; tripMs: number }> {
  const recorded = () => vscode.extensions.getExtension<ExtensionApi>(extensionId)?.exports.testing.answerTimes() ?? { total: 0, recent: [] };
  const before = recorded().total;
  const started = performance.now();
  await request();
  const tripMs = performance.now() - started;
  const after = recorded();
  assert.ok(after.total > before, 'the extension recorded no answer');
  return { ownMs: Math.max(...after.recent.slice(-(after.total - before))), tripMs };
}
