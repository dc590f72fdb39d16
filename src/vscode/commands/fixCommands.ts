/**
 * The commands behind the engine's fixes: apply every safe fix of a file, and run a fix's `Fix.run`
 * action through the matching extension command.
 */
import * as vscode from 'vscode';
import { FileChangedError } from '../../core/keystore';
import type { FixAction } from '../../core/problem';
import type { Deps } from '../deps';
import type { DiagnosticsFeature } from '../diagnostics';
import { COMMANDS } from '../ids';
import { fixAllEdit, safeFixes } from '../support/safeFixes';
import { sentenceFor } from '../errorMessages';
import { runFixAction } from './fixActions';
import { Cancelled } from './invocation';

/** Registers fixAll and runFixAction. */
export function register(context: vscode.ExtensionContext, deps: Deps, diagnostics: DiagnosticsFeature): void {
  context.subscriptions.push(
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
