/**
 * `miKeystores.importCertificate`: adds a trusted certificate to a store, from a PEM/DER file or fetched
 * from a TLS endpoint (after showing its subject and SHA-256 and asking before trusting it).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { importTrustedCertificate } from '../../core/keystore';
import { decodeCertificates } from '../../core/keystore';
import { describeCertificate } from '../../core/keystore';
import type { Deps } from '../deps';
import { PlainSentenceError } from '../errorMessages';
import { COMMANDS } from '../ids';
import { command, requireTrust } from './command';
import { Cancelled, type Invocation, need } from './invocation';
import { openStore } from './openStore';
import { withProgress } from './progress';
import { askPick, askText, pickKeystore } from './prompts';
import { onStore, saveAndAnnounce } from './storeWrites';
import { fetchServerChain } from './tlsFetch';

/** Options of importCertificate: `certificate` (a file) or `host` (+ `port`, default 443). */
export interface ImportCertificateOptions {
  readonly keystore: string;
  readonly certificate?: string;
  readonly host?: string;
  readonly port?: number;
  readonly alias: string;
  readonly password: string;
}

/** What importCertificate returns to a script. */
export interface ImportCertificateResult {
  readonly keystore: string;
  readonly alias: string;
  readonly subject: string;
  readonly sha256: string;
  /** The alias that already held the same certificate, if any. */
  readonly duplicateOf?: string;
}

/** Adds `der` as a trusted entry of `keystore`; shared with the generate command's "trust it" offer. */
export async function importTrusted(
  deps: Deps,
  inv: Invocation<object>,
  keystore: string,
  alias: string | undefined,
  der: Uint8Array,
  password: string | undefined,
): Promise<ImportCertificateResult> {
  requireTrust(deps, 'Importing a certificate');
  const info = describeCertificate(der);
  // One read-modify-write at a time per store (see onStore).
  return onStore(keystore, async () => {
    const { loaded, password: storePassword } = await openStore(deps, inv, keystore, password);
    const defaultAlias = /CN=([^,]+)/.exec(info.subject)?.[1]?.trim().toLowerCase() ?? 'trusted';
    const name = await need(inv, 'alias', alias, () => askText('Alias of the trusted certificate', defaultAlias));
    const { store, duplicateOf } = importTrustedCertificate(loaded.store, name, der);
    if (duplicateOf && inv.interactive) {
      const go = 'Import Anyway';
      const answer = await vscode.window.showWarningMessage(`This certificate is already in the store as "${duplicateOf}".`, { modal: true }, go);
      if (answer !== go) throw new Cancelled();
    }
    await saveAndAnnounce(deps, keystore, store, storePassword, loaded.snapshot);
    deps.log.info(`Imported "${info.subject}" (SHA-256 ${info.sha256}) into ${keystore} as "${name}".`);
    if (inv.interactive) void vscode.window.showInformationMessage(`Imported the certificate of ${info.subject} as "${name}".`);
    return { keystore, alias: name, subject: info.subject, sha256: info.sha256, duplicateOf };
  });
}

/** Chooses the certificate to trust from a TLS chain: the root-most CA when interactive asks, else the leaf. */
async function chooseFromChain(inv: Invocation<object>, host: string, port: number, chain: Uint8Array[]): Promise<Uint8Array> {
  if (!inv.interactive) return chain[0];
  const items = chain.map((der, i) => {
    const info = describeCertificate(der);
    return {
      label: info.subject,
      description: i === 0 ? 'server certificate' : info.selfSigned ? 'root CA' : 'intermediate CA',
      detail: `SHA-256 ${info.sha256} · expires ${info.notAfter}`,
      sha256: info.sha256,
      der,
    };
  });
  const picked = await vscode.window.showQuickPick(items, {
    title: `Certificates presented by ${host}:${port}`,
    placeHolder: 'Choose the certificate to trust; compare the fingerprint with one you got from a trusted source',
    ignoreFocusOut: true,
  });
  if (!picked) throw new Cancelled();
  const trust = 'Trust';
  const answer = await vscode.window.showWarningMessage(
    `Trust "${picked.label}"?`,
    { modal: true, detail: `SHA-256 ${picked.sha256}\nOnly trust it if this fingerprint matches the one the owner of ${host} gave you.` },
    trust,
  );
  if (answer !== trust) throw new Cancelled();
  return picked.der;
}

/** Registers importCertificate. */
export function register(context: vscode.ExtensionContext, deps: Deps): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(
      COMMANDS.importCertificate,
      command<ImportCertificateOptions, ImportCertificateResult>(deps, 'Importing the certificate', async (inv) => {
        requireTrust(deps, 'Importing a certificate');
        const o = inv.options;
        const keystore = await pickKeystore(deps, inv, o.keystore, 'Import a certificate into');
        let source: 'file' | 'host';
        if (o.certificate !== undefined) source = 'file';
        else if (o.host !== undefined) source = 'host';
        else if (!inv.interactive) throw new PlainSentenceError('Give either "certificate" (a file) or "host" (a TLS endpoint).');
        else {
          const s = await askPick('Import from', ['A certificate file (PEM or DER)', 'A TLS server (host and port)']);
          if (!s) throw new Cancelled();
          source = s.startsWith('A certificate') ? 'file' : 'host';
        }
        let der: Uint8Array;
        if (source === 'file') {
          const file = await need(inv, 'certificate', o.certificate, async () => {
            const uris = await vscode.window.showOpenDialog({ title: 'Certificate to trust', filters: { Certificates: ['pem', 'crt', 'cer', 'der'], 'All files': ['*'] } });
            return uris?.[0]?.fsPath;
          });
          const certs = decodeCertificates(await fs.promises.readFile(path.resolve(file)));
          if (certs.length === 0) throw new PlainSentenceError(`${path.basename(file)} holds no certificate.`);
          der = certs[0];
        } else {
          const target = await need(inv, 'host', o.host, () => askText('Host to fetch the certificate from', undefined, { prompt: 'host or host:port' }));
          const [host, portText] = target.includes(':') && !target.includes('::') ? target.split(':') : [target, undefined];
          const port = o.port ?? (portText ? Number(portText) : 443);
          const chain = await withProgress(`Connecting to ${host}:${port}…`, () => fetchServerChain(host, port));
          der = await chooseFromChain(inv, host, port, chain);
        }
        return importTrusted(deps, inv, keystore, o.alias, der, o.password);
      }),
    ),
  );
}
