/**
 * The secure vault in the editor: quick fixes that encrypt a `[plain]` secret (`secret-plain`) and move a
 * plain-text password into `[secrets]` (`plaintext-password`), both planned by the engine with the internal
 * key's certificate, and the command that rotates the internal keystore without losing a secret.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TomlDocument } from '../core/config/toml';
import { encryptOneSecretEdit, plainSecrets } from '../core/secrets/encryptPlan';
import { MOVE_TO_SECRETS_NOTE, moveToSecretsEdits } from '../core/secrets/moveToSecrets';
import { planInternalRotation, readInternalKey } from '../core/secrets/rotate';
import { InternalKeyUnavailableError } from '../core/errors';
import { internalKeyEntry } from '../core/workspace/effectiveConfig';
import { workspaceTransformation } from '../core/secrets/transformation';
import type { MiWorkspace } from '../core/workspace/discover';
import { applyTextEdits } from './applyEdits';
import { addFixToEdit, codeOf, fromPosition } from './convert';
import type { Deps } from './deps';
import { ASSIST_WAIT_MS } from './workspaceModel';
import { COMMANDS } from './ids';
import { askPick, Cancelled, command, confirm, need, openStore, pickAlias, pickKeystore, requireTrust, withProgress } from './commands/common';

/** The `Fix.run` action the move-to-secrets quick fix runs after its edit: the `password-tmp` reminder. */
export const MOVE_TO_SECRETS_NOTE_ACTION = 'moveToSecretsNote';

/** Shows the reminder that MI now needs the internal keystore's password at startup (`password-tmp`). */
export function showMoveToSecretsNote(deps: Deps): void {
  deps.log.info('Moved a password into [secrets]; MI needs the keystore password at startup (password-tmp).');
  void vscode.window.showInformationMessage(MOVE_TO_SECRETS_NOTE);
}

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

/** Options of rotateInternalKeystore. */
export interface RotateInternalKeystoreOptions {
  /** The keystore whose key becomes the internal key (it must hold an RSA key entry). */
  readonly newKeystore: string;
  /** The key entry of `newKeystore`. */
  readonly alias: string;
  /** The store password of `newKeystore`, written to `[keystore.internal] password`. */
  readonly password: string;
  /** The deployment.toml to change (default: the only MI workspace of the window). */
  readonly deploymentToml?: string;
  /** The current internal keystore's password when deployment.toml does not give it in the clear. */
  readonly oldPassword?: string;
}

/** What rotateInternalKeystore did. */
export interface RotateInternalKeystoreResult {
  readonly deploymentToml: string;
  /** The `[secrets]` aliases re-encrypted. */
  readonly aliases: string[];
  readonly updated: string[];
}

/** The workspace to work on: the given deployment.toml's, the only one, else a pick. */
async function pickWorkspace(deps: Deps, interactive: boolean, given: string | undefined): Promise<MiWorkspace> {
  if (given !== undefined) return deps.model.workspaceOf(path.resolve(given));
  const all = await deps.model.workspaces();
  if (all.length === 1) return all[0];
  if (!interactive) throw new Error(all.length === 0 ? 'No MI workspace was found; give "deploymentToml".' : 'There are several MI workspaces; give "deploymentToml".');
  const picked = await askPick('Rotate the internal keystore of', all.map((w) => w.deploymentToml));
  if (picked === undefined) throw new Cancelled();
  return deps.model.workspaceOf(picked);
}

/** Registers the vault's code actions and the rotate command. */
export function register(context: vscode.ExtensionContext, deps: Deps): void {
  context.subscriptions.push(
    vscode.languages.registerCodeActionsProvider({ scheme: 'file', pattern: '**/deployment.toml' }, new VaultCodeActions(deps), {
      providedCodeActionKinds: VaultCodeActions.kinds,
    }),
    vscode.commands.registerCommand(
      COMMANDS.rotateInternalKeystore,
      command<RotateInternalKeystoreOptions, RotateInternalKeystoreResult>(deps, 'Rotating the internal keystore', async (inv) => {
        requireTrust(deps, 'Rotating the internal keystore');
        const o = inv.options;
        const ws = await pickWorkspace(deps, inv.interactive, o.deploymentToml);
        const newKeystore = await pickKeystore(deps, inv, o.newKeystore, 'The new internal keystore');
        const { loaded, password } = await openStore(deps, inv, newKeystore, o.password);
        const alias = await pickAlias(inv, o.alias, loaded.store, true);
        const newKey = await readInternalKey(newKeystore, alias, password);
        // The editor's text when deployment.toml is open (unsaved changes included), else the file on disk.
        const doc = await deps.model.parse(ws.deploymentToml);
        const config = doc && (await deps.model.effective(ws, doc));
        if (!doc || !config) throw new Error(`Cannot read ${ws.deploymentToml}.`);
        let oldPassword = o.oldPassword;
        const plan = await withProgress('Re-encrypting the secrets…', () => planInternalRotation(config, newKey, { oldPassword })).catch(async (err) => {
          if (!(err instanceof InternalKeyUnavailableError) || !err.needsPassword || !inv.interactive) throw err;
          const internal = config.stores.find((s) => s.id === 'internal');
          oldPassword = await need(inv, 'oldPassword', undefined, () => deps.passwords.prompt(internal?.path ?? 'the current internal keystore', 'The password of the current internal keystore, to decrypt the secrets.'));
          return planInternalRotation(config, newKey, { oldPassword });
        });
        await confirm(
          inv,
          `Point [keystore.internal] at "${newKey.alias}" of ${path.basename(newKeystore)} and re-encrypt ${plan.aliases.length} secret(s) with it? MI must get the same change (and the new keystore) before its next start.`,
          'Rotate',
        );
        const updated = await applyTextEdits(plan.edits, 'MI Keystores: rotate the internal keystore', new Map([[doc.file, doc.text]]));
        deps.model.notifyWritten(updated);
        deps.log.info(`Rotated the internal keystore of ${ws.deploymentToml} to "${newKey.alias}" of ${newKeystore}; re-encrypted ${plan.aliases.length} secret(s).`);
        if (inv.interactive) {
          void vscode.window.showInformationMessage(`The internal key is now "${newKey.alias}" of ${path.basename(newKeystore)}; ${plan.aliases.length} secret(s) re-encrypted.`);
        }
        return { deploymentToml: ws.deploymentToml, aliases: plan.aliases, updated };
      }),
    ),
  );
}
