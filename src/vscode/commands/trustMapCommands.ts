/**
 * The trust map's own commands: `miKeystores.testConnections` (the map of every workspace, connecting when a
 * person asks) and `miKeystores.trustIssuingCa` (the top-most CA a server sent, into the effective truststore);
 * the other fixes' commands are in trustFixCommands.ts.
 */
import * as vscode from 'vscode';
import { describeCertificate } from '../../core/keystore';
import { toJsonConnection, type TlsJsonConnection } from '../../core/tls/trustMapJson';
import type { Deps } from '../deps';
import { PlainSentenceError } from '../errorMessages';
import { COMMANDS } from '../ids';
import { workspaceFinder, type FindWorkspace, type TrustMapService } from '../trustMap/index';
import { command, requireTrust } from './command';
import { importTrusted } from './importCertificate';
import { Cancelled } from './invocation';
import { registerTrustFixCommands } from './trustFixCommands';

/** The command's options. */
export interface TestConnectionsOptions {
  /** A workspace root or its deployment.toml; all workspaces when absent. */
  readonly workspace?: string;
  /** Look at the servers now (default: true when run by a person, false when scripted). */
  readonly connect?: boolean;
  /** Limit the look to `host:port`. */
  readonly only?: string;
}

/** The trust-the-CA command's options. */
export interface TrustIssuingCaOptions {
  readonly workspace: string;
  readonly host: string;
  readonly port: number;
  readonly alias?: string;
  readonly password?: string;
}

/** `miKeystores.testConnections`: the map of every (or one) workspace, connecting when asked or interactive. */
function testConnectionsCommand(deps: Deps, service: TrustMapService, findWorkspace: FindWorkspace) {
    return command<TestConnectionsOptions, { connections: TlsJsonConnection[] }>(deps, 'Testing TLS connections', async (inv) => {
    requireTrust(deps, 'Testing TLS connections');
    const connect = inv.options.connect ?? inv.interactive;
    const only = inv.options.only ? new Set([inv.options.only.toLowerCase()]) : undefined;
    const workspaces = await findWorkspace(inv.options.workspace ?? inv.workspace?.root);
    const out: TlsJsonConnection[] = [];
    const run = async () => {
      for (const ws of workspaces) {
        const map = await service.refresh(ws, connect, only);
        if (map) out.push(...map.connections.map((c) => toJsonConnection(c, ws.root)));
      }
    };
    if (inv.interactive) await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Testing TLS connections…' }, run);
    else await run();
    return { connections: out };
  });
}

/** `miKeystores.trustIssuingCa`: the top-most CA the server sent, after its fingerprint is shown, into the effective truststore. */
function trustIssuingCaCommand(deps: Deps, service: TrustMapService, findWorkspace: FindWorkspace) {
    return command<TrustIssuingCaOptions, { alias: string; sha256: string; keystore: string }>(deps, 'Trusting the issuing CA', async (inv) => {
    requireTrust(deps, 'Trusting a CA');
    const o = inv.options;
    if (!o.workspace || !o.host || !o.port) throw new PlainSentenceError('Trusting the issuing CA needs workspace, host and port.');
    const [ws] = await findWorkspace(o.workspace);
    const map = ws ? (service.mapOf(ws) ?? (await service.refresh(ws))) : undefined;
    const host = o.host.toLowerCase();
    const conn = map?.connections.find((c) => c.direction === 'outbound' && c.host === host && c.port === o.port && c.trustCandidate);
    if (!ws || !conn?.trustCandidate || !conn.truststorePath) throw new PlainSentenceError(`No certificate to trust is known for ${o.host}:${o.port}; test the connection first.`);
    const der = new Uint8Array(Buffer.from(conn.trustCandidate, 'base64'));
    const info = describeCertificate(der);
    if (inv.interactive) {
      const go = 'Trust It';
      const answer = await vscode.window.showWarningMessage(
        `Trust "${info.subject}" for ${o.host}:${o.port}?`,
        { modal: true, detail: `SHA-256 ${info.sha256}\nIssued by ${info.issuer}\nIt will be added to ${conn.truststorePath}. Compare the fingerprint with one you got from the server's owner.` },
        go,
      );
      if (answer !== go) throw new Cancelled();
    }
    const result = await importTrusted(deps, inv, conn.truststorePath, o.alias ?? (inv.interactive ? undefined : `${o.host}-ca`), der, o.password);
    await service.refresh(ws);
    return { alias: result.alias, sha256: result.sha256, keystore: result.keystore };
  });
}

/** Registers the trust map's commands over its service. */
export function register(context: vscode.ExtensionContext, deps: Deps, service: TrustMapService): void {
  const findWorkspace = workspaceFinder(deps);
  context.subscriptions.push(
    vscode.commands.registerCommand(COMMANDS.testConnections, testConnectionsCommand(deps, service, findWorkspace)),
    vscode.commands.registerCommand(COMMANDS.trustIssuingCa, trustIssuingCaCommand(deps, service, findWorkspace)),
  );
  registerTrustFixCommands(context, deps, service, findWorkspace);
}
