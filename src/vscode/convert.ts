/**
 * Conversions between the engine's plain data (0-based ranges, Problems, Fixes) and VS Code types.
 * The only place that knows both shapes.
 */
import * as vscode from 'vscode';
import { problemDocUrl, type Fix, type Problem, type Range, type Severity } from '../core/problem';
import { DIAGNOSTIC_SOURCE } from './ids';

/** An engine range as a VS Code range. */
export function toRange(r: Range): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

/** A VS Code position as an engine position. */
export function fromPosition(p: vscode.Position): { line: number; character: number } {
  return { line: p.line, character: p.character };
}

/** An engine severity as a DiagnosticSeverity. */
export function toSeverity(s: Severity): vscode.DiagnosticSeverity {
  switch (s) {
    case 'error':
      return vscode.DiagnosticSeverity.Error;
    case 'warning':
      return vscode.DiagnosticSeverity.Warning;
    case 'information':
      return vscode.DiagnosticSeverity.Information;
    default:
      return vscode.DiagnosticSeverity.Hint;
  }
}

/** A Diagnostic that remembers the Problem it came from, so code actions get the engine's fixes back. */
export class ProblemDiagnostic extends vscode.Diagnostic {
  constructor(readonly problem: Problem) {
    super(toRange(problem.range), problem.message, toSeverity(problem.severity));
    this.source = DIAGNOSTIC_SOURCE;
    this.code = { value: problem.code, target: vscode.Uri.parse(problemDocUrl(problem.code)) };
  }
}

/** The problem code of a diagnostic (string or `{value}` form), if it is one of ours. */
export function codeOf(d: vscode.Diagnostic): string | undefined {
  if (d.source !== DIAGNOSTIC_SOURCE) return undefined;
  const c = d.code;
  if (typeof c === 'string' || typeof c === 'number') return String(c);
  return c === undefined ? undefined : String(c.value);
}

/** Adds the text edits and file move of `fix` to `edit`; returns false when the fix has neither. */
export function addFixToEdit(edit: vscode.WorkspaceEdit, fix: Fix): boolean {
  let any = false;
  for (const e of fix.edits ?? []) {
    edit.replace(vscode.Uri.file(e.file), toRange(e.range), e.newText);
    any = true;
  }
  if (fix.moveFile) {
    edit.renameFile(vscode.Uri.file(fix.moveFile.from), vscode.Uri.file(fix.moveFile.to), { overwrite: false });
    any = true;
  }
  return any;
}
