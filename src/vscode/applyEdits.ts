/**
 * Applies engine TextEdits through a WorkspaceEdit, so every change to deployment.toml, pom.xml or a
 * Dockerfile can be undone. A file that had no unsaved changes is saved afterwards (commands promise a
 * finished change on disk); one with unsaved changes is left for the person to save with theirs.
 */
import * as vscode from 'vscode';
import { FileChangedError } from '../core/keystore';
import type { TextEdit } from '../core/problem';
import { toRange } from './convert';

/** The text a file has now: its editor's (unsaved changes included) when open, else the file on disk. */
async function currentText(file: string): Promise<string | undefined> {
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === file);
  if (doc) return doc.getText();
  try {
    return Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.file(file))).toString('utf8');
  } catch {
    return undefined;
  }
}

/**
 * Applies `edits`; returns the files changed. `basedOn` (file → the text the edits were planned on) refuses
 * the edit with FileChangedError when a file no longer holds that text: positions planned on another
 * version would land in the wrong place. Throws when VS Code refuses the edit.
 */
export async function applyTextEdits(edits: readonly TextEdit[], label: string, basedOn: ReadonlyMap<string, string> = new Map()): Promise<string[]> {
  if (edits.length === 0) return [];
  const files = [...new Set(edits.map((e) => e.file))];
  for (const [file, text] of basedOn) {
    if (files.includes(file) && (await currentText(file)) !== text) throw new FileChangedError(file);
  }
  const dirtyBefore = new Set(vscode.workspace.textDocuments.filter((d) => d.isDirty).map((d) => d.uri.fsPath));
  const edit = new vscode.WorkspaceEdit();
  for (const e of edits) edit.replace(vscode.Uri.file(e.file), toRange(e.range), e.newText, { label, needsConfirmation: false });
  const ok = await vscode.workspace.applyEdit(edit);
  if (!ok) throw new Error(`VS Code refused the edit to ${files.join(', ')}.`);
  for (const file of files) {
    if (dirtyBefore.has(file)) continue;
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === file);
    if (doc?.isDirty) await doc.save();
  }
  return files;
}
