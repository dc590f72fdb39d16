/**
 * Runs the engine's `Fix.run` actions (plain data: `{ action, args }`, never a password) through the
 * extension's commands, with what the engine knows filled in and the rest asked of the person.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FixAction } from '../../core/problem';
import { exportCertificate } from '../../core/keystore';
import { requireTrust } from './command';
import { invocation } from './invocation';
import { openStore } from './openStore';
import { importTrusted } from './importCertificate';
import type { Deps } from '../deps';
import { COMMANDS } from '../ids';
import { MOVE_TO_SECRETS_NOTE_ACTION } from '../../core/checks/vaultFixes';
import { MOVE_TO_SECRETS_NOTE } from '../../core/secrets/moveToSecrets';
import { REMOVE_BYTE_ORDER_MARK_ACTION, removeByteOrderMark } from '../../core/config/byteOrderMark';

/** Shows the reminder that MI now needs the internal keystore's password at startup (`password-tmp`). */
function showMoveToSecretsNote(deps: Deps): void {
  deps.log.info('Moved a password into [secrets]; MI needs the keystore password at startup (password-tmp).');
  void vscode.window.showInformationMessage(MOVE_TO_SECRETS_NOTE);
}

/**
 * Saves a deployment.toml without its byte order mark. Without unsaved changes the file is rewritten on
 * disk without the mark (VS Code reloads it, now as UTF-8); with unsaved changes the editor's own "Save
 * with Encoding" is opened, since the text in the editor is the one to keep.
 */
async function saveWithoutByteOrderMark(deps: Deps, file: string): Promise<boolean | undefined> {
  requireTrust(deps, 'Rewriting deployment.toml');
  const open = deps.model.openDocument(file);
  if (open?.isDirty) {
    await vscode.window.showTextDocument(open);
    await vscode.commands.executeCommand('workbench.action.editor.changeEncoding');
    return undefined;
  }
  const removed = await removeByteOrderMark(file);
  deps.model.notifyWritten([file]);
  return removed;
}

const ROLES = new Set(['primary', 'internal', 'truststore']);

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Runs one engine action; returns the command's result, or undefined when the action is unknown. */
export async function runFixAction(deps: Deps, run: FixAction): Promise<unknown> {
  const a = run.args;
  const prefill = (options: Record<string, unknown>) => ({ prefill: Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) });
  switch (run.action) {
    case 'createKeystore': {
      const consumer = str(a.consumer);
      return vscode.commands.executeCommand(COMMANDS.generateKeystore, prefill({ path: str(a.file), role: consumer && ROLES.has(consumer) ? consumer : undefined }));
    }
    case 'renewCertificate':
      // Self-signed: re-issued with the same key; CA-signed: the command offers a CSR for the CA instead.
      return vscode.commands.executeCommand(COMMANDS.renewCertificate, prefill({ keystore: str(a.file), alias: str(a.alias) }));
    case 'createCsr':
      return vscode.commands.executeCommand(COMMANDS.generateCsr, prefill({ keystore: str(a.file), alias: str(a.alias) }));
    case 'changeKeyPassword':
      return vscode.commands.executeCommand(COMMANDS.changePassword, prefill({ keystore: str(a.file), alias: str(a.alias) }));
    case REMOVE_BYTE_ORDER_MARK_ACTION: {
      const file = str(a.file);
      return file ? saveWithoutByteOrderMark(deps, file) : undefined;
    }
    case MOVE_TO_SECRETS_NOTE_ACTION:
      showMoveToSecretsNote(deps);
      return undefined;
    case 'separateInternalKeystore':
      // The workspace the finding came from, so the person is not asked for it again.
      return vscode.commands.executeCommand(COMMANDS.separateInternalKeystore, prefill({ root: str(a.root), keyAlgorithm: str(a.keyAlgorithm) }));
    case 'importCertificate': {
      const from = str(a.from);
      const into = str(a.into);
      const alias = str(a.alias);
      if (!from || !into || !alias) return vscode.commands.executeCommand(COMMANDS.importCertificate, prefill({ keystore: into }));
      requireTrust(deps, 'Importing a certificate');
      const inv = invocation<object>(prefill({}));
      const { loaded } = await openStore(deps, inv, from, undefined);
      return importTrusted(deps, inv, into, alias, exportCertificate(loaded.store, alias), undefined);
    }
    default: {
      const id = `miKeystores.${run.action}`;
      if ((Object.values(COMMANDS) as string[]).includes(id) && id !== COMMANDS.runFixAction) return vscode.commands.executeCommand(id, prefill(a));
      deps.log.error(`A fix asked for an unknown action "${run.action}" (${path.basename(str(a.file) ?? '')}).`);
      void vscode.window.showErrorMessage('This fix cannot run in this version of the extension; the log has the details.');
      return undefined;
    }
  }
}
