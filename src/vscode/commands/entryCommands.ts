/**
 * Commands on one entry of a store: import a CA reply, create a CSR, export a certificate, delete an
 * entry, rename an alias. Each reads the store, calls the engine, and writes through the safe saver.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { saveKeystore } from '../../core/io/keystoreStore';
import { WrongKeyPasswordError } from '../../core/keystore';
import { findEntry } from '../../core/keystore';
import type { Keystore } from '../../core/keystore';
import { createCsrFor, deleteEntry, exportCertificate, importCaReply, renameAlias, renewSelfSignedCertificate } from '../../core/keystore';
import { decodeCertificates, encodePem } from '../../core/keystore';
import { describeCertificate } from '../../core/keystore';
import type { Deps } from '../deps';
import { COMMANDS, SETTINGS } from '../ids';
import { askPick, askText, Cancelled, command, confirm, need, openStore, pickAlias, pickKeystore, requireTrust, withProgress, onStore, saveStore, type Invocation } from './common';

/** Options of importCaReply. */
export interface ImportCaReplyOptions {
  readonly keystore: string;
  readonly alias: string;
  /** The CA reply: a PEM/DER certificate or chain (PKCS#7 is not read; give PEM). */
  readonly reply: string;
  readonly password: string;
  /** JKS/JCEKS only, when the key password differs from the store password. */
  readonly keyPassword?: string;
}

/** Options of generateCsr. */
export interface GenerateCsrOptions {
  readonly keystore: string;
  readonly alias: string;
  readonly password: string;
  readonly out: string;
  readonly keyPassword?: string;
}

/** Options of renewCertificate. */
export interface RenewCertificateOptions {
  readonly keystore: string;
  readonly alias: string;
  readonly password: string;
  /** JKS/JCEKS only, when the key password differs from the store password. */
  readonly keyPassword?: string;
  /** Default: the `miKeystores.newKeystore.validityDays` setting. */
  readonly validityDays?: number;
}

/** Result of renewCertificate: a renewed certificate, or (interactive, CA-signed) the CSR offered instead. */
export type RenewCertificateResult = { readonly keystore: string; readonly alias: string; readonly notAfter: string } | { readonly csr: unknown };

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

/** Runs `fn` with the key password: the given one, else the store password, else (interactive) asks. */
async function withKeyPassword<T>(inv: Invocation<object>, alias: string, given: string | undefined, storePassword: string, fn: (keyPassword: string) => Promise<T>): Promise<T> {
  try {
    return await fn(given ?? storePassword);
  } catch (err) {
    if (!(err instanceof WrongKeyPasswordError) || given !== undefined || !inv.interactive) throw err;
    const typed = await askText(`Key password of "${alias}"`, undefined, { password: true, prompt: 'The key password differs from the store password.' });
    if (typed === undefined) throw new Cancelled();
    return fn(typed);
  }
}

/** Saves `store` over the file it was read from and tells the model. */
async function save(deps: Deps, file: string, store: Keystore, password: string, snapshot: Parameters<typeof saveKeystore>[3]): Promise<void> {
  await withProgress('Saving the keystore…', () => saveStore(file, store, password, snapshot));
  deps.model.notifyWritten([file]);
}

/** A path to write to: the option, else a save dialog next to the store. */
async function pickOut(inv: Invocation<object>, given: string | undefined, suggested: string, filters: Record<string, string[]>): Promise<string> {
  return path.resolve(
    await need(inv, 'out', given, async () => (await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(suggested), filters }))?.fsPath),
  );
}

/** Registers the entry commands. */
export function register(context: vscode.ExtensionContext, deps: Deps): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(
      COMMANDS.importCaReply,
      command<ImportCaReplyOptions, { keystore: string; alias: string; chainLength: number }>(deps, 'Importing the CA reply', async (inv) => {
        requireTrust(deps, 'Importing a CA reply');
        const o = inv.options;
        const keystore = await pickKeystore(deps, inv, o.keystore, 'Import a CA reply into');
        return onStore(keystore, async () => {
          const { loaded, password } = await openStore(deps, inv, keystore, o.password);
          const alias = await pickAlias(inv, o.alias, loaded.store, true);
          const replyFile = await need(inv, 'reply', o.reply, async () => {
            const uris = await vscode.window.showOpenDialog({ title: 'CA reply (certificate chain)', filters: { Certificates: ['pem', 'crt', 'cer', 'der'], 'All files': ['*'] } });
            return uris?.[0]?.fsPath;
          });
          const certs = decodeCertificates(await fs.promises.readFile(path.resolve(replyFile)));
          const store = await withKeyPassword(inv, alias, o.keyPassword, password, (kp) => importCaReply(loaded.store, alias, kp, certs));
          await save(deps, keystore, store, password, loaded.snapshot);
          const entry = findEntry(store, alias);
          const chainLength = entry?.kind === 'private-key' ? entry.chain.length : 0;
          deps.log.info(`Installed a CA reply on "${alias}" in ${keystore}: chain of ${chainLength}.`);
          if (inv.interactive) void vscode.window.showInformationMessage(`Installed the CA reply on "${alias}" (chain of ${chainLength} certificates).`);
          return { keystore, alias, chainLength };
        });
      }),
    ),
    vscode.commands.registerCommand(
      COMMANDS.generateCsr,
      command<GenerateCsrOptions, { out: string }>(deps, 'Creating the certificate signing request', async (inv) => {
        requireTrust(deps, 'Creating a CSR');
        const o = inv.options;
        const keystore = await pickKeystore(deps, inv, o.keystore, 'Create a CSR for a key in');
        const { loaded, password } = await openStore(deps, inv, keystore, o.password);
        const alias = await pickAlias(inv, o.alias, loaded.store, true);
        const out = await pickOut(inv, o.out, path.join(path.dirname(keystore), `${alias}.csr`), { 'Certificate signing request': ['csr', 'pem'] });
        const csr = await withKeyPassword(inv, alias, o.keyPassword, password, (kp) => createCsrFor(loaded.store, alias, kp));
        await fs.promises.writeFile(out, encodePem('CERTIFICATE REQUEST', csr));
        deps.log.info(`Wrote a CSR for "${alias}" of ${keystore} to ${out}.`);
        if (inv.interactive) {
          const open = 'Open';
          void vscode.window.showInformationMessage(`Wrote ${path.basename(out)}; send it to your CA, then import its reply.`, open).then((a) => {
            if (a === open) void vscode.window.showTextDocument(vscode.Uri.file(out));
          });
        }
        return { out };
      }),
    ),
    vscode.commands.registerCommand(
      COMMANDS.renewCertificate,
      command<RenewCertificateOptions, RenewCertificateResult>(deps, 'Renewing the certificate', async (inv) => {
        requireTrust(deps, 'Renewing a certificate');
        const o = inv.options;
        const keystore = await pickKeystore(deps, inv, o.keystore, 'Renew a certificate in');
        const outcome = await onStore(keystore, async () => {
          const { loaded, password } = await openStore(deps, inv, keystore, o.password);
          const alias = await pickAlias(inv, o.alias, loaded.store, true);
          const entry = findEntry(loaded.store, alias);
          const leaf = entry?.kind === 'private-key' ? entry.chain[0] : undefined;
          // A CA-signed certificate can only be renewed by its CA: the person gets a CSR from the same key instead.
          if (inv.interactive && leaf && (entry?.kind !== 'private-key' || entry.chain.length > 1 || !describeCertificate(leaf).selfSigned)) {
            return { csrFor: alias } as const;
          }
          const validityDays = o.validityDays ?? vscode.workspace.getConfiguration(SETTINGS.section).get<number>(SETTINGS.defaultValidityDays, 365);
          const store = await withKeyPassword(inv, alias, o.keyPassword, password, (kp) => renewSelfSignedCertificate(loaded.store, alias, kp, { validityDays }));
          await save(deps, keystore, store, password, loaded.snapshot);
          const renewed = findEntry(store, alias);
          const notAfter = renewed?.kind === 'private-key' ? describeCertificate(renewed.chain[0]).notAfter : '';
          deps.log.info(`Renewed the self-signed certificate of "${alias}" in ${keystore} with the same key, valid until ${notAfter}.`);
          if (inv.interactive) void vscode.window.showInformationMessage(`Renewed the certificate of "${alias}" with the same key; valid until ${notAfter.slice(0, 10)}.`);
          return { keystore, alias: renewed?.alias ?? alias, notAfter };
        });
        if ('csrFor' in outcome) {
          const csr = await vscode.commands.executeCommand(COMMANDS.generateCsr, { prefill: { keystore, alias: outcome.csrFor } });
          return { csr };
        }
        return outcome;
      }),
    ),
    vscode.commands.registerCommand(
      COMMANDS.exportCertificate,
      command<ExportCertificateOptions, { out: string; sha256: string }>(deps, 'Exporting the certificate', async (inv) => {
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
      }),
    ),
    vscode.commands.registerCommand(
      COMMANDS.deleteEntry,
      command<DeleteEntryOptions, { keystore: string; alias: string }>(deps, 'Deleting the entry', async (inv) => {
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
          await save(deps, keystore, store, password, loaded.snapshot);
          deps.log.info(`Deleted "${alias}" from ${keystore}.`);
          return { keystore, alias };
        });
      }),
    ),
    vscode.commands.registerCommand(
      COMMANDS.renameAlias,
      command<RenameAliasOptions, { keystore: string; alias: string; newAlias: string }>(deps, 'Renaming the alias', async (inv) => {
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
          await save(deps, keystore, store, password, loaded.snapshot);
          const renamed = findEntry(store, newAlias)?.alias ?? newAlias;
          deps.log.info(`Renamed "${alias}" to "${renamed}" in ${keystore}.`);
          const configured = await deps.model.configuredAliases(keystore);
          if (inv.interactive && configured.some((a) => a.toLowerCase() === alias.toLowerCase())) {
            void vscode.window.showWarningMessage(`deployment.toml still names "${alias}"; the quick fix on that line updates it.`);
          }
          return { keystore, alias, newAlias: renamed };
        });
      }),
    ),
  );
}
