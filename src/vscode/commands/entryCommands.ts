/**
 * Commands on one entry of a store: export its certificate, delete it, rename its alias. Each reads the
 * store, calls the engine, and writes through the safe saver.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { deleteEntry, describeCertificate, encodePem, exportCertificate, findEntry, renameAlias } from '../../core/keystore';
import type { Deps } from '../deps';
import { COMMANDS } from '../ids';
import { command, requireTrust } from './command';
import { need } from './invocation';
import { openStore } from './openStore';
import { askPick, askText, confirm, pickAlias, pickKeystore, pickOut } from './prompts';
import { onStore, saveAndAnnounce } from './storeWrites';

/** Options of exportCertificate. */
export interface ExportCertificateOptions {
  readonly keystore: string;
  readonly alias: string;
  readonly out: string;
  readonly format: 'pem' | 'der';
  readonly password?: string;
}

/** Options of deleteEntry. */
export interface DeleteEntryOptions {
  readonly keystore: string;
  readonly alias: string;
  readonly password: string;
}

/** Options of renameAlias. */
export interface RenameAliasOptions {
  readonly keystore: string;
  readonly alias: string;
  readonly newAlias: string;
  readonly password: string;
}

/** The exportCertificate command: writes the certificate of an entry as PEM or DER. */
function exportCertificateCommand(deps: Deps) {
  return command<ExportCertificateOptions, { out: string; sha256: string }>(deps, 'Exporting the certificate', async (inv) => {
    requireTrust(deps, 'Exporting a certificate');
    const o = inv.options;
    const keystore = await pickKeystore(deps, inv, o.keystore, 'Export a certificate from');
    const { loaded } = await openStore(deps, inv, keystore, o.password);
    const alias = await pickAlias(inv, o.alias, loaded.store);
    const format = await need(inv, 'format', o.format, () => askPick('Format', ['pem', 'der'], 'PEM is text (Base64); DER is binary')) as 'pem' | 'der';
    const out = await pickOut(inv, o.out, path.join(path.dirname(keystore), `${alias}.${format === 'pem' ? 'pem' : 'cer'}`), { Certificate: [format === 'pem' ? 'pem' : 'cer', 'crt'] });
    const der = exportCertificate(loaded.store, alias);
    await fs.promises.writeFile(out, format === 'pem' ? encodePem('CERTIFICATE', der) : der);
    const sha256 = describeCertificate(der).sha256;
    deps.log.info(`Exported the certificate of "${alias}" (SHA-256 ${sha256}) to ${out}.`);
    if (inv.interactive) void vscode.window.showInformationMessage(`Exported the certificate of "${alias}" to ${path.basename(out)}.`);
    return { out, sha256 };
  });
}

/** The deleteEntry command: deletes an entry after confirming, warning when deployment.toml uses its alias. */
function deleteEntryCommand(deps: Deps) {
  return command<DeleteEntryOptions, { keystore: string; alias: string }>(deps, 'Deleting the entry', async (inv) => {
    requireTrust(deps, 'Deleting an entry');
    const o = inv.options;
    const keystore = await pickKeystore(deps, inv, o.keystore, 'Delete an entry of');
    return onStore(keystore, async () => {
      const { loaded, password } = await openStore(deps, inv, keystore, o.password);
      const alias = await pickAlias(inv, o.alias, loaded.store);
      const configured = await deps.model.configuredAliases(keystore);
      const inUse = configured.some((a) => a.toLowerCase() === alias.toLowerCase());
      await confirm(
        inv,
        `Delete "${alias}" from ${path.basename(keystore)}?${inUse ? ' deployment.toml uses this alias: MI will fail to start until it is changed.' : ''} This cannot be undone.`,
        'Delete',
      );
      const store = deleteEntry(loaded.store, alias);
      await saveAndAnnounce(deps, keystore, store, password, loaded.snapshot);
      deps.log.info(`Deleted "${alias}" from ${keystore}.`);
      return { keystore, alias };
    });
  });
}

/** The renameAlias command: renames an alias, warning when deployment.toml still names the old one. */
function renameAliasCommand(deps: Deps) {
  return command<RenameAliasOptions, { keystore: string; alias: string; newAlias: string }>(deps, 'Renaming the alias', async (inv) => {
    requireTrust(deps, 'Renaming an alias');
    const o = inv.options;
    const keystore = await pickKeystore(deps, inv, o.keystore, 'Rename an alias of');
    return onStore(keystore, async () => {
      const { loaded, password } = await openStore(deps, inv, keystore, o.password);
      const alias = await pickAlias(inv, o.alias, loaded.store);
      const newAlias = await need(inv, 'newAlias', o.newAlias, () =>
        askText(`New alias for "${alias}"`, alias, { validateInput: (v) => (v.trim() === '' ? 'An alias cannot be empty.' : undefined) }),
      );
      const store = renameAlias(loaded.store, alias, newAlias);
      await saveAndAnnounce(deps, keystore, store, password, loaded.snapshot);
      const renamed = findEntry(store, newAlias)?.alias ?? newAlias;
      deps.log.info(`Renamed "${alias}" to "${renamed}" in ${keystore}.`);
      const configured = await deps.model.configuredAliases(keystore);
      if (inv.interactive && configured.some((a) => a.toLowerCase() === alias.toLowerCase())) {
        void vscode.window.showWarningMessage(`deployment.toml still names "${alias}"; the quick fix on that line updates it.`);
      }
      return { keystore, alias, newAlias: renamed };
    });
  });
}

/** Registers the entry commands. */
export function register(context: vscode.ExtensionContext, deps: Deps): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(COMMANDS.exportCertificate, exportCertificateCommand(deps)),
    vscode.commands.registerCommand(COMMANDS.deleteEntry, deleteEntryCommand(deps)),
    vscode.commands.registerCommand(COMMANDS.renameAlias, renameAliasCommand(deps)),
  );
}
