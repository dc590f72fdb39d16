/**
 * The certificate's round trip with a CA: create a CSR for a key entry, install the CA's reply on it, and
 * renew a certificate (self-signed: re-issued with the same key; CA-signed: a CSR for the CA instead).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { findEntry } from '../../core/keystore';
import { createCsrFor, importCaReply, renewSelfSignedCertificate, untrustedChainTop } from '../../core/keystore';
import { decodeCertificates, encodePem } from '../../core/keystore';
import { describeCertificate } from '../../core/keystore';
import type { Deps } from '../deps';
import { COMMANDS, SETTINGS } from '../ids';
import { command, requireTrust } from './command';
import { need } from './invocation';
import { openStore } from './openStore';
import { pickAlias, pickKeystore, pickOut, withKeyPassword } from './prompts';
import { onStore, saveAndAnnounce } from './storeWrites';

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

/** The importCaReply command: installs a CA reply (the signed chain) on a key entry. */
function importCaReplyCommand(deps: Deps) {
  return command<ImportCaReplyOptions, { keystore: string; alias: string; chainLength: number }>(deps, 'Importing the CA reply', async (inv) => {
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
      await saveAndAnnounce(deps, keystore, store, password, loaded.snapshot);
      const entry = findEntry(store, alias);
      const chainLength = entry?.kind === 'private-key' ? entry.chain.length : 0;
      const top = untrustedChainTop(store, alias);
      const caveat = top === null ? '' : ` The chain ends at "${top}", which is not a root and which no trusted certificate of the store issued: clients must trust its root.`;
      deps.log.info(`Installed a CA reply on "${alias}" in ${keystore}: chain of ${chainLength}.${caveat}`);
      if (inv.interactive) void vscode.window.showInformationMessage(`Installed the CA reply on "${alias}" (chain of ${chainLength} certificates).${caveat}`);
      return { keystore, alias, chainLength };
    });
  });
}

/** The generateCsr command: writes a certificate signing request for a key entry. */
function generateCsrCommand(deps: Deps) {
  return command<GenerateCsrOptions, { out: string }>(deps, 'Creating the certificate signing request', async (inv) => {
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
  });
}

/** The renewCertificate command: re-issues a self-signed certificate with the same key; a CA-signed one gets a CSR instead. */
function renewCertificateCommand(deps: Deps) {
  return command<RenewCertificateOptions, RenewCertificateResult>(deps, 'Renewing the certificate', async (inv) => {
    requireTrust(deps, 'Renewing a certificate');
    const o = inv.options;
    const keystore = await pickKeystore(deps, inv, o.keystore, 'Renew a certificate in');
    const outcome = await onStore(keystore, async () => {
      const { loaded, password } = await openStore(deps, inv, keystore, o.password);
      const alias = await pickAlias(inv, o.alias, loaded.store, true);
      const entry = findEntry(loaded.store, alias);
      const leaf = entry?.kind === 'private-key' ? entry.chain[0] : undefined;
      // A CA-signed certificate can only be renewed by its CA: the person gets a CSR from the same key instead.
      if (inv.interactive && leaf && entry?.kind === 'private-key' && (entry.chain.length > 1 || !describeCertificate(leaf).selfSigned)) {
        return { csrFor: alias } as const;
      }
      const validityDays = o.validityDays ?? vscode.workspace.getConfiguration(SETTINGS.section).get<number>(SETTINGS.defaultValidityDays, 365);
      const store = await withKeyPassword(inv, alias, o.keyPassword, password, (kp) => renewSelfSignedCertificate(loaded.store, alias, kp, { validityDays }));
      await saveAndAnnounce(deps, keystore, store, password, loaded.snapshot);
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
  });
}

/** Registers importCaReply, generateCsr and renewCertificate. */
export function register(context: vscode.ExtensionContext, deps: Deps): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(COMMANDS.importCaReply, importCaReplyCommand(deps)),
    vscode.commands.registerCommand(COMMANDS.generateCsr, generateCsrCommand(deps)),
    vscode.commands.registerCommand(COMMANDS.renewCertificate, renewCertificateCommand(deps)),
  );
}
