/**
 * Applies engine TextEdits through a WorkspaceEdit, so every change to deployment.toml, pom.xml or a
 * Dockerfile can be undone. A file that had no unsaved changes is saved afterwards (commands promise a
 * finished change on disk); one with unsaved changes is left for the person to save with theirs.
 */
import * as vscode from 'vscode';
import type { TextEdit } from '../core/problem';
import { toRange } from './convert';

/** Applies `edits`; returns the files changed. Throws when VS Code refuses the edit. */
export async function applyTextEdits(edits: readonly TextEdit[], label: string): Promise<string[]> {
  if (edits.length === 0) return [];
  const files = [...new Set(edits.map((e) => e.file))];
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
