/**
 * Applies engine TextEdits through a WorkspaceEdit, so every change to deployment.toml, pom.xml or a
 * Dockerfile can be undone. A file that had no unsaved changes is saved afterwards (commands promise a
 * finished change on disk); one with unsaved changes is left for the person to save with theirs.
 */
import * as vscode from 'vscode';
import { FileChangedError } from '../core/keystore';
import type { FileCreation, TextEdit } from '../core/problem';
import { toRange } from './convert';
import { PlainSentenceError } from './errorMessages';

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
 * Applies `edits`, and creates `creates` (never over an existing file), as one WorkspaceEdit, so one undo
 * takes it all back; returns the files changed. `basedOn` (file → the text the edits were planned on)
 * refuses the edit with FileChangedError when a file no longer holds that text: positions planned on another
 * version would land in the wrong place. Throws when VS Code refuses the edit.
 */
export async function applyTextEdits(edits: readonly TextEdit[], label: string, basedOn: ReadonlyMap<string, string> = new Map(), creates: readonly FileCreation[] = []): Promise<string[]> {
  if (edits.length === 0 && creates.length === 0) return [];
  const edited = [...new Set(edits.map((e) => e.file))];
  for (const [file, text] of basedOn) {
    if (edited.includes(file) && (await currentText(file)) !== text) throw new FileChangedError(file);
  }
  const dirtyBefore = new Set(vscode.workspace.textDocuments.filter((d) => d.isDirty).map((d) => d.uri.fsPath));
  const edit = new vscode.WorkspaceEdit();
  const meta = { label, needsConfirmation: false };
  for (const c of creates) edit.createFile(vscode.Uri.file(c.file), { overwrite: false, contents: c.contents }, meta);
  for (const e of edits) edit.replace(vscode.Uri.file(e.file), toRange(e.range), e.newText, meta);
  const files = [...new Set([...creates.map((c) => c.file), ...edited])];
  if (!(await vscode.workspace.applyEdit(edit))) throw new PlainSentenceError(`VS Code refused the edit to ${files.join(', ')}.`);
  // MI reads the files on disk: save those the person had no unsaved changes in.
  for (const file of edited) {
    if (dirtyBefore.has(file)) continue;
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === file);
    if (doc?.isDirty) await doc.save();
  }
  return files;
}
