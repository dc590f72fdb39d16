/**
 * The trust map's fixes beyond "trust the issuing CA": "Add an SSL profile for host:port" and "Choose the
 * client key for mutual TLS" (the engine plans the profile, the dedicated truststore and the deployment.toml
 * lines; they are applied here as one WorkspaceEdit, which VS Code undoes as one step), and, for MI's own
 * listener, "Renew MI's certificate with the missing SAN" (same key, as Renew does). Each is a command the
 * quick fix runs with what it knows; scripted calls prompt for nothing.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { InvalidInputError, WrongKeyPasswordError } from '../../core/keystore';
import { describeCertificate } from '../../core/keystore';
import { renewWithNames } from '../../core/tls/listenerRenew';
import { clientKeyCandidates, planClientKeyProfile, planDedicatedTruststore, type TrustFixOptions, type TrustFixPlan } from '../../core/tls/trustFixes';
import type { Connection, TrustMap } from '../../core/tls/trustMap';
import type { MiWorkspace } from '../../core/workspace/discover';
import { applyTextEdits } from '../applyEdits';
import type { Deps } from '../deps';
import { PlainSentenceError } from '../errorMessages';
import { COMMANDS, SETTINGS } from '../ids';
import type { FindWorkspace, TrustMapService } from '../trustMap/index';
import { command, requireTrust } from './command';
import { Cancelled, MissingOptionError, type Invocation } from './invocation';
import { openStore } from './openStore';
import { withProgress } from './progress';
import { askText } from './prompts';
import { onStore, saveStore } from './storeWrites';

/** Options of addSslProfile and chooseClientKey. */
export interface ServerFixOptions {
  readonly workspace: string;
  readonly host: string;
  readonly port: number;
  /** addSslProfile: the password of the new truststore (default: the sender truststore's). */
  readonly password?: string;
  /** chooseClientKey: the store and alias of the key (asked when interactive). */
  readonly keystore?: string;
  readonly alias?: string;
  /** chooseClientKey: the password of `keystore`, when no configuration names it. */
  readonly keystorePassword?: string;
}

/** What a server fix did. */
export interface ServerFixResult {
  readonly profilesFile: string;
  readonly storeFile: string;
  readonly summary: string;
  /** The connection's verdict after the change (decided offline from the remembered observation). */
  readonly verdict: string | undefined;
}

/** Options of renewListenerCertificate. */
export interface RenewListenerOptions {
  readonly workspace: string;
  readonly password?: string;
  readonly keyPassword?: string;
  readonly validityDays?: number;
}

/** What renewListenerCertificate did. */
export interface RenewedListener {
  readonly keystore: string;
  readonly alias: string;
  readonly added: string[];
  readonly notAfter: string;
  readonly verdict: string | undefined;
}

/** The fixes' commands and code actions, over the trust map of each workspace. */
class TrustFixes {
  constructor(
    private readonly deps: Deps,
    private readonly service: TrustMapService,
    private readonly findWorkspace: FindWorkspace,
  ) {}
  /** How the engine reads the workspace's stores: the shared cache, and passwords given or remembered. */
  private fixOptions(ws: MiWorkspace, given?: { keystore?: string; password?: string }): TrustFixOptions {
    const deps = this.deps;
    return {
      // The extension host's environment is VS Code's, not the one MI will start with ($env{HOSTNAME} is a
      // container's id in a dev container): references to it stay unresolved, as in the checks.
      env: {},
      cache: deps.model.cache,
      workspaceFolder: vscode.workspace.getWorkspaceFolder(vscode.Uri.file(ws.root))?.uri.fsPath ?? ws.root,
      // A store of the security folder whose password no configuration names opens with one the person gave or saved.
      passwordFor: async (file) => (given?.keystore && given.password !== undefined && path.resolve(given.keystore) === file ? given.password : await deps.passwords.get(file)),
    };
  }
  /** The workspace, its map and the outbound connection a server fix is about. */
  private async locate(o: Partial<ServerFixOptions>, what: string): Promise<{ ws: MiWorkspace; map: TrustMap; conn: Connection }> {
    if (!o.workspace || !o.host || !o.port) throw new PlainSentenceError(`${what} needs workspace, host and port.`);
    const [ws] = await this.findWorkspace(o.workspace);
    const map = ws ? (this.service.mapOf(ws) ?? (await this.service.refresh(ws))) : undefined;
    const host = o.host.toLowerCase();
    const conn = map?.connections.find((c) => c.direction === 'outbound' && c.host === host && c.port === o.port);
    if (!ws || !map || !conn) throw new PlainSentenceError(`No connection to ${o.host}:${o.port} is known; test the connection first.`);
    return { ws, map, conn };
  }
  /** Confirms (when interactive) and applies a planned profile change, then re-judges the connection. */
  private async finish(ws: MiWorkspace, host: string, port: number, plan: TrustFixPlan, interactive: boolean, title: string): Promise<ServerFixResult> {
    if (interactive) {
      const go = 'Apply';
      const detail = `${plan.summary}\n\nWrites ${path.relative(ws.root, plan.profilesFile)}${plan.change.edits.some((e) => e.file === ws.deploymentToml) ? ' and names it in deployment.toml' : ''}. Applied as one edit, undone as one step. The profile holds the stores' passwords in clear text, as MI reads them.`;
      if ((await vscode.window.showWarningMessage(title, { modal: true, detail }, go)) !== go) throw new Cancelled();
    }
    const files = await applyTextEdits(plan.change.edits, title, plan.basedOn, plan.change.creates);
    this.deps.log.info(`${plan.summary} Changed ${files.join(', ')}.`);
    this.deps.model.notifyWritten(files);
    const map = await this.service.refresh(ws);
    const verdict = map?.connections.find((c) => c.direction === 'outbound' && c.host === host.toLowerCase() && c.port === port)?.verdict;
    if (interactive) void vscode.window.showInformationMessage(`${host}:${port} now uses its own SSL profile${verdict ? ` (${verdict})` : ''}.`);
    return { profilesFile: plan.profilesFile, storeFile: plan.storeFile, summary: plan.summary, verdict };
  }
  /** The profile that presents a key the server accepts: the one given, the one picked, or the first. */
  private async chooseKey(ws: MiWorkspace, conn: Connection, o: Partial<ServerFixOptions>, interactive: boolean): Promise<TrustFixPlan> {
    const host = conn.host as string;
    const port = conn.port as number;
    const obs = this.service.observationOf(ws, host, port);
    if (!obs) throw new PlainSentenceError(`Nothing is remembered of ${host}:${port}; test the connection first.`);
    const { candidates, notes } = await clientKeyCandidates(ws, obs, this.fixOptions(ws, { keystore: o.keystore, password: o.keystorePassword }));
    for (const n of notes) this.deps.log.info(n);
    if (candidates.length === 0) throw new InvalidInputError(`No key entry of the workspace's keystores is one ${host}:${port} accepts${notes.length ? ` (${notes.length} store(s) could not be used; see the log)` : ''}.`);
    let chosen = o.keystore && o.alias ? candidates.find((c) => c.file === path.resolve(o.keystore as string) && c.alias.toLowerCase() === (o.alias as string).toLowerCase()) : undefined;
    if (!chosen && o.keystore && o.alias) throw new InvalidInputError(`"${o.alias}" of ${o.keystore} is not a key ${host}:${port} accepts.`);
    if (!chosen && interactive) {
      const picked = await vscode.window.showQuickPick(
        candidates.map((c) => ({
          label: c.alias,
          description: c.subject,
          detail: `${c.location} · issued by ${c.issuer} · ${c.accepted === 'yes' ? 'accepted by the server' : 'the server named no CA: not verified'}`,
          candidate: c,
        })),
        { title: `Client key for ${host}:${port}`, placeHolder: 'A key entry whose certificate the server accepts' },
      );
      if (!picked) throw new Cancelled();
      chosen = picked.candidate;
    }
    // Scripted without a choice: the first key the server is known to accept.
    chosen ??= candidates[0];
    return planClientKeyProfile(ws, obs, { host, port, file: chosen.file, alias: chosen.alias }, this.fixOptions(ws, { keystore: o.keystore, password: o.keystorePassword }));
  }
  /** `miKeystores.addSslProfile`: a profile with the server's own truststore, or with a client key it accepts. */
  async addSslProfile(inv: Invocation<ServerFixOptions>): Promise<ServerFixResult> {
    requireTrust(this.deps, 'Adding an SSL profile');
    const { ws, conn } = await this.locate(inv.options, 'Adding an SSL profile');
    const host = conn.host as string;
    const port = conn.port as number;
    let plan: TrustFixPlan;
    if (conn.verdict === 'client-certificate-required') {
      plan = await this.chooseKey(ws, conn, inv.options, false);
    } else if ((conn.verdict === 'untrusted' || conn.verdict === 'chain-incomplete') && conn.trustCandidate) {
      const obs = this.service.observationOf(ws, host, port);
      const input = { host, port, certificate: conn.trustCandidate, clientAuth: obs?.clientAuth ?? 'none', ...(inv.options.password !== undefined ? { password: inv.options.password } : {}) } as const;
      try {
        plan = await planDedicatedTruststore(ws, input, this.fixOptions(ws));
      } catch (err) {
        if (!(err instanceof InvalidInputError) || !/needs a password/.test(err.message)) throw err;
        if (!inv.interactive) throw new MissingOptionError('password');
        const password = await askText(`Password of the new truststore for ${host}:${port}`, undefined, { password: true, validateInput: (v) => (v.length < 6 ? 'At least 6 characters (keytool\'s rule).' : undefined) });
        if (password === undefined) throw new Cancelled();
        plan = await planDedicatedTruststore(ws, { ...input, password }, this.fixOptions(ws));
      }
    } else {
      throw new InvalidInputError(`${host}:${port} is ${conn.verdict}: an SSL profile fixes only an untrusted server or one that requires a client certificate.`);
    }
    return this.finish(ws, host, port, plan, inv.interactive, `Add an SSL profile for ${host}:${port}?`);
  }
  /** `miKeystores.chooseClientKey`: the key to present for mutual TLS, in the server's own profile. */
  async chooseClientKey(inv: Invocation<ServerFixOptions>): Promise<ServerFixResult> {
    requireTrust(this.deps, 'Choosing the client key');
    const { ws, conn } = await this.locate(inv.options, 'Choosing the client key');
    const plan = await this.chooseKey(ws, conn, inv.options, inv.interactive);
    return this.finish(ws, conn.host as string, conn.port as number, plan, inv.interactive, `Present this key to ${conn.host}:${conn.port}?`);
  }
  /** `miKeystores.renewListenerCertificate`: MI's own certificate renewed with the names clients use. */
  async renewListener(inv: Invocation<RenewListenerOptions>): Promise<RenewedListener> {
    requireTrust(this.deps, 'Renewing a certificate');
    const o = inv.options;
    const [ws] = o.workspace ? await this.findWorkspace(o.workspace) : [];
    const map = ws ? (this.service.mapOf(ws) ?? (await this.service.refresh(ws))) : undefined;
    const conn = map?.connections.find((c) => c.direction === 'inbound');
    if (!ws || !conn?.truststorePath || !conn.keyAlias || !conn.host) throw new PlainSentenceError("MI's HTTPS listener key entry is not known here.");
    const keystore = conn.truststorePath;
    const alias = conn.keyAlias;
    const hosts = [conn.host, 'localhost'];
    const validityDays = o.validityDays ?? vscode.workspace.getConfiguration(SETTINGS.section).get<number>(SETTINGS.defaultValidityDays, 365);
    const outcome = await onStore(keystore, async () => {
      const { loaded, password } = await openStore(this.deps, inv, keystore, o.password);
      const tryRenew = (kp: string) => renewWithNames(loaded.store, alias, kp, hosts, { validityDays });
      let renewed: Awaited<ReturnType<typeof tryRenew>>;
      try {
        renewed = await tryRenew(o.keyPassword ?? password);
      } catch (err) {
        if (!(err instanceof WrongKeyPasswordError) || !inv.interactive || o.keyPassword !== undefined) throw err;
        const kp = await askText(`Key password of "${alias}"`, undefined, { password: true });
        if (kp === undefined) throw new Cancelled();
        renewed = await tryRenew(kp);
      }
      if (inv.interactive) {
        const go = 'Renew';
        const detail = `A new self-signed certificate for the same key and subject, adding ${renewed.added.join(', ')}, valid ${validityDays} days. Clients that pinned the old certificate must trust the new one.`;
        if ((await vscode.window.showWarningMessage(`Renew "${alias}" of ${path.basename(keystore)}?`, { modal: true, detail }, go)) !== go) throw new Cancelled();
      }
      await withProgress('Saving the keystore…', () => saveStore(keystore, renewed.store, password, loaded.snapshot));
      const entry = renewed.store.entries.find((e) => e.alias === alias || e.alias.toLowerCase() === alias.toLowerCase());
      const notAfter = entry?.kind === 'private-key' ? describeCertificate(entry.chain[0]).notAfter : '';
      return { added: renewed.added, notAfter };
    });
    this.deps.log.info(`Renewed MI's HTTPS certificate "${alias}" in ${keystore} with the same key, adding ${outcome.added.join(', ')}; valid until ${outcome.notAfter}.`);
    this.deps.model.notifyWritten([keystore]);
    const after = await this.service.refresh(ws);
    const verdict = after?.connections.find((c) => c.direction === 'inbound')?.verdict;
    if (inv.interactive) void vscode.window.showInformationMessage(`Renewed "${alias}" with ${outcome.added.join(', ')}; valid until ${outcome.notAfter.slice(0, 10)}.`);
    return { keystore, alias, added: outcome.added, notAfter: outcome.notAfter, verdict };
  }
}

/** Registers the commands of the trust map's fixes beyond trusting the issuing CA. */
export function registerTrustFixCommands(context: vscode.ExtensionContext, deps: Deps, service: TrustMapService, findWorkspace: FindWorkspace): void {
  const fixes = new TrustFixes(deps, service, findWorkspace);
  context.subscriptions.push(
    vscode.commands.registerCommand(COMMANDS.addSslProfile, command<ServerFixOptions, ServerFixResult>(deps, 'Adding an SSL profile', (inv) => fixes.addSslProfile(inv))),
    vscode.commands.registerCommand(COMMANDS.chooseClientKey, command<ServerFixOptions, ServerFixResult>(deps, 'Choosing the client key', (inv) => fixes.chooseClientKey(inv))),
    vscode.commands.registerCommand(COMMANDS.renewListenerCertificate, command<RenewListenerOptions, RenewedListener>(deps, "Renewing MI's HTTPS certificate", (inv) => fixes.renewListener(inv))),
  );
}
