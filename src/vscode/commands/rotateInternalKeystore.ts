/**
 * Rotating the internal keystore without losing a secret: point `[keystore.internal]` at a new key and
 * re-encrypt every `[secrets]` value with it, in one edit of deployment.toml.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { InternalKeyUnavailableError } from '../../core/errors';
import { planInternalRotation, readInternalKey } from '../../core/secrets/rotate';
import type { MiWorkspace } from '../../core/workspace/discover';
import { storeById } from '../../core/workspace/effectiveConfig';
import { applyTextEdits } from '../applyEdits';
import type { Deps } from '../deps';
import { PlainSentenceError } from '../errorMessages';
import { COMMANDS } from '../ids';
import { command, requireTrust } from './command';
import { Cancelled, need } from './invocation';
import { openStore } from './openStore';
import { withProgress } from './progress';
import { askPick, confirm, pickAlias, pickKeystore } from './prompts';

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
  if (!interactive) throw new PlainSentenceError(all.length === 0 ? 'No MI workspace was found; give "deploymentToml".' : 'There are several MI workspaces; give "deploymentToml".');
  const picked = await askPick('Rotate the internal keystore of', all.map((w) => w.deploymentToml));
  if (picked === undefined) throw new Cancelled();
  return deps.model.workspaceOf(picked);
}

/** Registers rotateInternalKeystore. */
export function register(context: vscode.ExtensionContext, deps: Deps): void {
  context.subscriptions.push(
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
        if (!doc || !config) throw new PlainSentenceError(`Cannot read ${ws.deploymentToml}.`);
        let oldPassword = o.oldPassword;
        const plan = await withProgress('Re-encrypting the secrets…', () => planInternalRotation(config, newKey, { oldPassword })).catch(async (err) => {
          if (!(err instanceof InternalKeyUnavailableError) || !err.needsPassword || !inv.interactive) throw err;
          const internal = storeById(config, 'internal');
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
