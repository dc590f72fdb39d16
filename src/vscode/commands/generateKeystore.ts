/**
 * `miKeystores.generateKeystore` and `miKeystores.separateInternalKeystore`: MI's keystore set-up in one step. A new
 * key pair in a new store, placed where MI looks for it, the table for its role written, a project's
 * pom.xml and Dockerfile kept in step, and an offer to trust the new certificate.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { sha256Fingerprint } from '../../core/keystore';
import { addKeyPair, createStore } from '../../core/keystore';
import type { KeystoreFormat } from '../../core/keystore';
import type { MiWorkspace } from '../../core/workspace/discover';
import { SECURITY_DIR } from '../../core/workspace/resolvePath';
import type { Deps } from '../deps';
import { COMMANDS, SETTINGS } from '../ids';
import { writeStoreConfig, type ConfigRole } from '../configWriter';
import { importTrusted } from './importCertificate';
import { command, requireTrust } from './command';
import { PlainSentenceError, sentenceFor } from '../errorMessages';
import { Cancelled, type Invocation, need } from './invocation';
import { withProgress } from './progress';
import { askPick, askText, confirm, newPasswordProblem } from './prompts';
import { onStore, saveStore } from './storeWrites';

/** Options of generateKeystore (and separateInternalKeystore); any given object skips every prompt. */
export interface GenerateKeystoreOptions {
  readonly path: string;
  readonly type: KeystoreFormat;
  readonly alias: string;
  readonly dname: string;
  readonly keyAlgorithm: 'RSA' | 'EC';
  readonly keySize?: number;
  readonly curve?: 'P-256' | 'P-384';
  readonly validityDays: number;
  readonly san?: string[];
  readonly password: string;
  readonly keyPassword?: string;
  readonly role?: ConfigRole;
  /** The deployment.toml to write the role's table into (default: the workspace's that holds `path`). */
  readonly deploymentToml?: string;
}

/** What generateKeystore returns to a script. */
export interface GenerateKeystoreResult {
  readonly path: string;
  readonly alias: string;
  /** SHA-256 fingerprint of the new certificate, keytool style. */
  readonly sha256: string;
  /** Files other than the store that were changed (deployment.toml, pom.xml, Dockerfile). */
  readonly updated: readonly string[];
}

/** The folder a workspace keeps its stores in: runtime `repository/resources/security`, project `deployment/docker/resources`. */
export function storeFolder(ws: MiWorkspace): string {
  return ws.kind === 'project' ? ws.resourcesDir : path.join(ws.root, ...SECURITY_DIR.split('/'));
}

/** `[server] hostname` of a workspace's deployment.toml, the natural CN of its certificate. */
async function serverHostname(deps: Deps, ws: MiWorkspace | undefined): Promise<string> {
  if (!ws) return 'localhost';
  const doc = await deps.model.parse(ws.deploymentToml);
  const server = doc?.tables.find((t) => t.name === 'server');
  const host = server?.entries.find((e) => e.fullKey === 'server.hostname')?.value.value;
  return typeof host === 'string' && host !== '' && !host.includes('$') ? host : 'localhost';
}

/** Picks the MI workspace to work in (the tree item's, the only one, or a pick); undefined when there is none. */
export async function pickWorkspace(deps: Deps, inv: Invocation<object>): Promise<MiWorkspace | undefined> {
  if (inv.workspace) return inv.workspace;
  const all = await deps.model.workspaces();
  // A quick fix names the workspace its finding came from (`root`).
  const root = (inv.options as { root?: unknown }).root;
  const named = typeof root === 'string' ? all.find((w) => path.resolve(w.root) === path.resolve(root)) : undefined;
  if (named) return named;
  if (all.length <= 1) return all[0];
  const picked = await vscode.window.showQuickPick(
    all.map((w) => ({ label: path.basename(w.root), description: w.kind === 'project' ? 'integration project' : 'MI home', detail: w.root, ws: w })),
    { title: 'MI workspace', ignoreFocusOut: true },
  );
  if (!picked) throw new Cancelled();
  return picked.ws;
}

/** A password input that enforces keytool's rules as the person types. */
function askNewPassword(title: string, format: KeystoreFormat): Thenable<string | undefined> {
  return askText(title, undefined, {
    password: true,
    prompt: 'At least 6 characters. MI reads the key with this same password.',
    validateInput: newPasswordProblem(format),
  });
}

/** Asks for (or takes) every option of a new key pair store. */
async function gather(deps: Deps, inv: Invocation<GenerateKeystoreOptions>, presetRole?: ConfigRole): Promise<GenerateKeystoreOptions> {
  const o = inv.options;
  const settings = vscode.workspace.getConfiguration(SETTINGS.section);
  const ws = inv.interactive ? await pickWorkspace(deps, inv) : undefined;
  const roleAnswer = await need(inv, 'role', o.role ?? presetRole ?? (inv.interactive ? undefined : ('none' as const)), () =>
    askPick('Role of the new keystore', ['primary', 'internal', 'truststore', 'none'], 'Which deployment.toml table should point at it?'),
  );
  const role = roleAnswer === 'none' ? undefined : (roleAnswer as ConfigRole);
  const type = await need(inv, 'type', o.type, () =>
    askPick('Keystore type', settings.get<string>(SETTINGS.defaultStoreType, 'PKCS12') === 'JKS' ? ['JKS', 'PKCS12'] : ['PKCS12', 'JKS']),
  ) as KeystoreFormat;
  const ext = type === 'PKCS12' ? 'p12' : 'jks';
  const baseName = role === 'internal' ? 'internal' : role === 'truststore' ? 'client-truststore-new' : 'primary';
  const file = await need(inv, 'path', o.path, async () => {
    const folder = ws ? storeFolder(ws) : vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd();
    const uri = await vscode.window.showSaveDialog({
      title: 'Save the new keystore as',
      defaultUri: vscode.Uri.file(path.join(folder, `${baseName}.${ext}`)),
      filters: { Keystore: [ext] },
    });
    return uri?.fsPath;
  });
  const host = await serverHostname(deps, ws ?? (await deps.model.workspaceContaining(file)));
  const alias = await need(inv, 'alias', o.alias, () => askText('Alias of the key pair', role === 'internal' ? 'internal' : host === 'localhost' ? 'wso2carbon' : host));
  const dname = await need(inv, 'dname', o.dname, () =>
    askText('Distinguished name of the certificate', `CN=${host}, OU=Integration, O=My Organization, L=Colombo, C=LK`, {
      prompt: 'keytool -dname syntax; CN should be the host name clients connect to.',
    }),
  );
  const keyAlgorithm = await need(inv, 'keyAlgorithm', o.keyAlgorithm, () =>
    settings.get<string>(SETTINGS.defaultKeyAlgorithm, 'RSA') === 'EC' ? askPick('Key algorithm', ['EC', 'RSA']) : askPick('Key algorithm', ['RSA', 'EC']),
  ) as 'RSA' | 'EC';
  const validityDays = await need(inv, 'validityDays', o.validityDays, async () => {
    const v = await askText('Validity in days', String(settings.get<number>(SETTINGS.defaultValidityDays, 825)), {
      validateInput: (s) => (/^[1-9]\d*$/.test(s) ? undefined : 'A whole number of days.'),
    });
    return v === undefined ? undefined : Number(v);
  });
  const san = o.san ?? (inv.interactive ? (await askText('Subject alternative names (comma-separated)', `dns:${host}`))?.split(',').map((s) => s.trim()).filter(Boolean) : undefined);
  const password = await need(inv, 'password', o.password, () => askNewPassword('Store password', type));
  return {
    path: path.resolve(file),
    type,
    alias,
    dname,
    keyAlgorithm,
    keySize: o.keySize ?? (keyAlgorithm === 'RSA' ? 2048 : undefined),
    curve: o.curve ?? (keyAlgorithm === 'EC' ? 'P-256' : undefined),
    validityDays,
    san,
    password,
    keyPassword: o.keyPassword,
    role,
    deploymentToml: o.deploymentToml ?? ws?.deploymentToml,
  };
}

/** Creates the store, writes the config, and offers to trust the certificate. */
async function generate(deps: Deps, inv: Invocation<GenerateKeystoreOptions>, o: GenerateKeystoreOptions): Promise<GenerateKeystoreResult> {
  requireTrust(deps, 'Generating a keystore');
  if (fs.existsSync(o.path)) {
    if (!inv.interactive) throw new PlainSentenceError(`${o.path} exists already; choose another path.`);
    throw new PlainSentenceError(`${path.basename(o.path)} exists already; choose another name.`);
  }
  const store = await withProgress(`Generating a ${o.keyAlgorithm} key pair…`, async () => {
    const created = await addKeyPair(createStore(o.type), {
      alias: o.alias,
      keyAlgorithm: o.keyAlgorithm,
      keySize: o.keySize,
      curve: o.curve,
      dname: o.dname,
      san: o.san,
      validityDays: o.validityDays,
      // MI reads the primary key with the store password; PKCS12 ignores a separate key password.
      keyPassword: o.keyPassword ?? o.password,
    });
    await fs.promises.mkdir(path.dirname(o.path), { recursive: true });
    await onStore(o.path, () => saveStore(o.path, created, o.password, null));
    return created;
  });
  const entry = store.entries[0];
  const cert = entry.kind === 'private-key' ? entry.chain[0] : new Uint8Array();
  const sha256 = sha256Fingerprint(cert);
  deps.log.info(`Created ${o.path} (${o.type}) with key pair "${entry.alias}", SHA-256 ${sha256}.`);
  let updated: string[] = [];
  if (o.role) {
    const toml = o.deploymentToml ?? (await deps.model.workspaceContaining(o.path))?.deploymentToml;
    if (!toml) deps.log.warn(`No deployment.toml was given or found for ${o.path}; the ${o.role} table was not written.`);
    else {
      updated = await writeStoreConfig(deps, {
        deploymentToml: toml,
        role: o.role,
        storeFile: o.path,
        type: o.type,
        password: o.password,
        alias: o.role === 'truststore' ? undefined : entry.alias,
        keyPassword: o.role === 'truststore' ? undefined : (o.keyPassword ?? o.password),
      });
    }
  }
  deps.model.notifyWritten([o.path, ...updated]);
  if (inv.interactive) {
    const done = `Created ${path.basename(o.path)} with key pair "${entry.alias}"${updated.length ? ` and updated ${updated.map((f) => path.basename(f)).join(', ')}` : ''}.`;
    // Never awaited: a toast can hide itself into the notification centre and stay unanswered, which
    // must not keep this command from finishing. Scripted calls never see the offer.
    void announce(deps, o, entry.alias, cert, done).catch((err: unknown) => {
      if (err instanceof Cancelled) return;
      deps.log.error('Importing the new certificate into the truststore failed.', err);
      void vscode.window.showErrorMessage(sentenceFor(err, 'Importing the certificate'));
    });
  }
  return { path: o.path, alias: entry.alias, sha256, updated };
}

/** Tells the person what was created and, when the workspace has a truststore, offers to trust the new certificate there (WSO2's documented recipe). */
async function announce(deps: Deps, o: GenerateKeystoreOptions, alias: string, cert: Uint8Array, done: string): Promise<void> {
  const ws = o.role === 'truststore' ? undefined : await deps.model.workspaceContaining(o.path);
  const truststore = ws ? (await deps.model.storesOf(ws)).find((s) => s.roles.includes('truststore'))?.file : undefined;
  if (!truststore || !fs.existsSync(truststore)) {
    void vscode.window.showInformationMessage(done);
    return;
  }
  const yes = 'Import into truststore';
  const answer = await vscode.window.showInformationMessage(
    `${done} Import the new certificate into ${path.basename(truststore)}? MI calls itself over TLS and needs to trust it.`,
    yes,
    'Not now',
  );
  if (answer !== yes) return;
  await importTrusted(deps, { options: {}, interactive: true }, truststore, alias, cert, undefined);
}

/** Registers the two generating commands. */
export function register(context: vscode.ExtensionContext, deps: Deps): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(
      COMMANDS.generateKeystore,
      command<GenerateKeystoreOptions, GenerateKeystoreResult>(deps, 'Generating the keystore', async (inv) =>
        generate(deps, inv, await gather(deps, inv)),
      ),
    ),
    vscode.commands.registerCommand(
      COMMANDS.separateInternalKeystore,
      command<GenerateKeystoreOptions, GenerateKeystoreResult>(deps, 'Separating the internal keystore', async (inv) => {
        await confirm(
          inv,
          'Data already encrypted with the current internal key (the [secrets] the cipher tool encrypted, and internal data) cannot be decrypted with a new internal key. Re-encrypt your secrets after this change. Continue?',
          'Create Internal Keystore',
        );
        const options = await gather(deps, { ...inv, options: { ...inv.options, role: 'internal' } }, 'internal');
        return generate(deps, inv, { ...options, role: 'internal' });
      }),
    ),
  );
}
