/**
 * Quick fixes for every problem the engine attached fixes to (`isPreferred` where the engine marks one
 * fix as clearly right), a "fix all" source action for the fixes the engine marks safe, and the
 * command that runs an engine `Fix.run` action through the matching extension command.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { FileChangedError } from '../core/keystore';
import type { Fix, FixAction, Problem } from '../core/problem';
import { Cancelled, sentenceFor } from './commands/common';
import { runFixAction } from './fixActions';
import { addFixToEdit, codeOf, toRange } from './convert';
import type { Deps } from './deps';
import type { DiagnosticsFeature } from './diagnostics';
import { COMMANDS } from './ids';

/** The kind of our "fix all" source action (`source.fixAll.miKeystores`). */
export const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append('miKeystores');

/** The engine problem behind a diagnostic VS Code hands back (matched by code and range). */
function problemFor(problems: readonly Problem[], d: vscode.Diagnostic): Problem | undefined {
  const code = codeOf(d);
  if (code === undefined) return undefined;
  return problems.find((p) => p.code === code && toRange(p.range).isEqual(d.range) && p.message === d.message);
}

/** A CodeAction for one fix of one problem. */
function actionFor(fix: Fix, diagnostic: vscode.Diagnostic): vscode.CodeAction {
  const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
  action.diagnostics = [diagnostic];
  action.isPreferred = fix.preferred === true;
  const edit = new vscode.WorkspaceEdit();
  if (addFixToEdit(edit, fix)) action.edit = edit;
  if (fix.run) action.command = { title: fix.title, command: COMMANDS.runFixAction, arguments: [fix.run] };
  return action;
}

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

/** Provides the quick fixes and the fix-all action. */
class ProblemCodeActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix, FIX_ALL_KIND];
  constructor(private readonly diagnostics: DiagnosticsFeature) {}

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const problems = this.diagnostics.problems.get(document.uri.fsPath);
    if (problems.length === 0) return [];
    const wantsFixAll = context.only?.contains(FIX_ALL_KIND) || FIX_ALL_KIND.contains(context.only ?? vscode.CodeActionKind.Empty);
    const actions: vscode.CodeAction[] = [];
    if (!context.only || context.only.contains(vscode.CodeActionKind.QuickFix) || vscode.CodeActionKind.QuickFix.contains(context.only)) {
      for (const d of context.diagnostics) {
        const p = problemFor(problems, d);
        if (p) for (const fix of p.fixes) actions.push(actionFor(fix, d));
      }
    }
    if (context.only === undefined || wantsFixAll) {
      const edit = fixAllEdit(problems);
      if (edit) {
        const all = new vscode.CodeAction(`Fix all safe MI keystore problems in ${path.basename(document.uri.fsPath)}`, FIX_ALL_KIND);
        all.edit = edit;
        actions.push(all);
      }
    }
    return actions;
  }
}

/** Registers the code actions, `fixAll` and `runFixAction`. */
export function register(context: vscode.ExtensionContext, deps: Deps, diagnostics: DiagnosticsFeature): void {
  context.subscriptions.push(
    vscode.languages.registerCodeActionsProvider({ scheme: 'file' }, new ProblemCodeActions(diagnostics), {
      providedCodeActionKinds: ProblemCodeActions.kinds,
    }),
    vscode.commands.registerCommand(COMMANDS.fixAll, async (arg?: vscode.Uri | { file?: string }) => {
      const file =
        arg instanceof vscode.Uri ? arg.fsPath : (arg?.file ?? vscode.window.activeTextEditor?.document.uri.fsPath);
      if (!file) return { fixed: 0 };
      const problems = diagnostics.problems.get(file);
      const fixes = safeFixes(problems);
      const edit = fixAllEdit(problems);
      if (!edit) {
        if (!arg) void vscode.window.showInformationMessage('No problem here has a fix that is safe to apply without review.');
        return { fixed: 0 };
      }
      await vscode.workspace.applyEdit(edit);
      deps.log.info(`Applied ${fixes.length} safe fix(es) to ${file}.`);
      return { fixed: fixes.length };
    }),
    vscode.commands.registerCommand(COMMANDS.runFixAction, async (run: FixAction) => {
      try {
        return await runFixAction(deps, run);
      } catch (err) {
        if (err instanceof Cancelled) return undefined;
        deps.log.error(`The fix "${run.action}" failed.`, err);
        if (err instanceof FileChangedError) deps.model.notifyWritten([err.file]);
        void vscode.window.showErrorMessage(sentenceFor(err, 'The fix'));
        return undefined;
      }
    }),
  );
}
