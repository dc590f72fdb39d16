/**
 * The fixes "fix all" applies without review: the first safe fix of each problem, none overlapping
 * another. The fix-all source action and the fixAll command both apply exactly these.
 */
import * as vscode from 'vscode';
import type { Fix, Problem } from '../../core/problem';
import { addFixToEdit, toRange } from '../convert';

/** True when two fixes' text edits overlap in one file (they cannot both be applied in one pass). */
function overlaps(a: Fix, b: Fix): boolean {
  for (const x of a.edits ?? []) {
    for (const y of b.edits ?? []) {
      if (x.file === y.file && toRange(x.range).intersection(toRange(y.range)) !== undefined) return true;
    }
  }
  return false;
}

/** The first safe fix of each problem of `file`, skipping any that would collide with one already taken. */
export function safeFixes(problems: readonly Problem[]): Fix[] {
  const chosen: Fix[] = [];
  for (const p of problems) {
    const fix = p.fixes.find((f) => f.safe && !f.run && !f.moveFile && (f.edits?.length ?? 0) > 0);
    if (fix && !chosen.some((c) => overlaps(c, fix))) chosen.push(fix);
  }
  return chosen;
}

/** A WorkspaceEdit holding every safe fix of `file`, or undefined when there is none. */
export function fixAllEdit(problems: readonly Problem[]): vscode.WorkspaceEdit | undefined {
  const fixes = safeFixes(problems);
  if (fixes.length === 0) return undefined;
  const edit = new vscode.WorkspaceEdit();
  for (const f of fixes) addFixToEdit(edit, f);
  return edit;
}
