/**
 * The secure vault in the editor: quick fixes that encrypt a `[plain]` secret (`secret-plain`) and move a
 * plain-text password into `[secrets]` (`plaintext-password`), both planned by the engine with the internal
 * key's certificate, and the command that rotates the internal keystore without losing a secret.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TomlDocument } from '../core/config/toml';
import { encryptOneSecretEdit, plainSecrets } from '../core/secrets/encryptPlan';
import { moveToSecretsEdits } from '../core/secrets/moveToSecrets';
import { internalKeyEntry } from '../core/workspace/effectiveConfig';
import { workspaceTransformation } from '../core/secrets/transformation';
import { MOVE_TO_SECRETS_NOTE_ACTION } from './commands/fixActions';
import { addFixToEdit, codeOf, fromPosition } from './convert';
import type { Deps } from './deps';
import { ASSIST_WAIT_MS } from './workspaceModel';
import { COMMANDS } from './ids';

/**
 * The certificate of the effective internal key of the workspace of `doc` and the transformation MI will
 * decrypt with (deployment.toml, the home's carbon.properties, else OAEP-SHA1), or undefined when the key
 * cannot be read here.
 */
async function internalCertificate(deps: Deps, doc: TomlDocument): Promise<{ certificate: Uint8Array; transformation: string } | undefined> {
  if (!deps.model.trusted) return undefined;
  const ws = await deps.model.workspaceOf(doc.file);
  const config = await deps.model.effective(ws, doc);
  if (!config) return undefined;
  const internal = config.stores.find((s) => s.id === 'internal');
  const remembered = internal?.path ? await deps.passwords.get(internal.path) : undefined;
  const key = await internalKeyEntry(config, deps.model.cache, internal?.path && remembered !== undefined ? { [internal.path]: remembered } : {});
  if (!key) return undefined;
  return { certificate: key.certificate, transformation: (await workspaceTransformation(doc, ws)).transformation };
}

/** Quick fixes for `secret-plain` and `plaintext-password`, offered only when the internal certificate can be read. */
class VaultCodeActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];
  constructor(private readonly deps: Deps) {}

  async provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): Promise<vscode.CodeAction[]> {
    const wanted = context.diagnostics.filter((d) => d.source === 'mi-keystores' && (codeOf(d) === 'secret-plain' || codeOf(d) === 'plaintext-password'));
    if (wanted.length === 0 || path.basename(document.uri.fsPath) !== 'deployment.toml') return [];
    const doc = await this.deps.model.parseDocumentWithin(document, ASSIST_WAIT_MS);
    let internal: { certificate: Uint8Array; transformation: string } | undefined;
    try {
      internal = await internalCertificate(this.deps, doc);
    } catch (err) {
      this.deps.log.error('Reading the internal key for the secure vault fixes failed.', err);
    }
    if (!internal) return [];
    const { certificate, transformation } = internal;
    const actions: vscode.CodeAction[] = [];
    for (const d of wanted) {
      const range = { start: fromPosition(d.range.start), end: fromPosition(d.range.end) };
      try {
        if (codeOf(d) === 'secret-plain') {
          const secret = plainSecrets(doc).find((s) => s.range.start.line === range.start.line && s.range.start.character === range.start.character);
          const edit = secret && encryptOneSecretEdit(doc, secret.alias, certificate, transformation);
          if (!secret || !edit) continue;
          actions.push(this.action(`Encrypt "${secret.alias}" with the internal key (${transformation})`, d, [edit], true));
        } else {
          const plan = moveToSecretsEdits(doc, range, certificate, transformation);
          const action = this.action(`Move into [secrets] as $secret{${plan.alias}} (encrypted)`, d, plan.edits, false);
          action.command = { title: 'Reminder', command: COMMANDS.runFixAction, arguments: [{ action: MOVE_TO_SECRETS_NOTE_ACTION, args: {} }] };
          actions.push(action);
        }
      } catch (err) {
        // Not a string, already a reference, or a non-RSA internal key: no fix to offer.
        this.deps.log.warn(`No secure vault fix for ${codeOf(d)}: ${(err as Error).message}`);
      }
    }
    return actions;
  }

  private action(title: string, diagnostic: vscode.Diagnostic, edits: Parameters<typeof addFixToEdit>[1]['edits'], preferred: boolean): vscode.CodeAction {
    const action = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
    action.diagnostics = [diagnostic];
    action.isPreferred = preferred;
    const edit = new vscode.WorkspaceEdit();
    addFixToEdit(edit, { title, edits });
    action.edit = edit;
    return action;
  }
}

/** Registers the vault's code actions. */
export function register(context: vscode.ExtensionContext, deps: Deps): void {
  context.subscriptions.push(
    vscode.languages.registerCodeActionsProvider({ scheme: 'file', pattern: '**/deployment.toml' }, new VaultCodeActions(deps), {
      providedCodeActionKinds: VaultCodeActions.kinds,
    }),
  );
}
