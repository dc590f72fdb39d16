/**
 * Quick fixes for every problem the engine attached fixes to (`isPreferred` where the engine marks one
 * fix as clearly right) and a "fix all" source action for the fixes the engine marks safe. A fix's
 * `Fix.run` action runs through the `runFixAction` command (commands/fixCommands.ts).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Fix, Problem } from '../core/problem';
import { timedAnswer } from './answerTimes';
import { addFixToEdit, codeOf, toRange } from './convert';
import type { Deps } from './deps';
import type { DiagnosticsFeature } from './diagnostics';
import { COMMANDS } from './ids';
import { fixAllEdit } from './support/safeFixes';

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

/** Provides the quick fixes and the fix-all action. */
class ProblemCodeActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix, FIX_ALL_KIND];
  constructor(private readonly diagnostics: DiagnosticsFeature) {}

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    return timedAnswer(() => this.actionsFor(document, context));
  }

  private actionsFor(document: vscode.TextDocument, context: vscode.CodeActionContext): vscode.CodeAction[] {
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

/** Registers the quick fixes and the fix-all source action. */
export function register(context: vscode.ExtensionContext, deps: Deps, diagnostics: DiagnosticsFeature): void {
  context.subscriptions.push(
    vscode.languages.registerCodeActionsProvider({ scheme: 'file' }, new ProblemCodeActions(diagnostics), {
      providedCodeActionKinds: ProblemCodeActions.kinds,
    }),
  );
}
