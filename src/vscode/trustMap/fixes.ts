/**
 * The quick fixes the trust map offers: trust the issuing CA, an SSL profile for host:port, the client key for
 * mutual TLS, and, for MI's own listener, a renewal with the missing SAN. Each runs its command
 * (src/vscode/commands/trustFixCommands.ts) with what the diagnostic knows.
 */
import * as vscode from 'vscode';
import { describeCertificate } from '../../core/keystore';
import { COMMANDS, DIAGNOSTIC_SOURCE } from '../ids';
import type { TrustMapService } from './service';

/** The subject and SHA-256 of a base64 certificate a server sent, or undefined when it does not parse. */
function describeCandidate(base64: string): { subject: string; sha256: string } | undefined {
  try {
    return describeCertificate(new Uint8Array(Buffer.from(base64, 'base64')));
  } catch {
    return undefined;
  }
}

/**
 * The quick fixes of the trust map's diagnostics on an artifact's URL or the listener's keystore line; the
 * commands they run are in src/vscode/commands/trustFixCommands.ts.
 */
export function trustFixActions(service: TrustMapService, doc: vscode.TextDocument, ctx: vscode.CodeActionContext): vscode.CodeAction[] {
  const actions: vscode.CodeAction[] = [];
  const map = service.all().find((m) => m.connections.some((c) => c.file === doc.uri.fsPath));
  if (!map) return actions;
  for (const d of ctx.diagnostics) {
    const code = typeof d.code === 'object' ? String(d.code.value) : String(d.code);
    if (d.source !== DIAGNOSTIC_SOURCE) continue;
    const conn = map.connections.find((c) => c.file === doc.uri.fsPath && c.range.start.line === d.range.start.line && c.verdict === code);
    if (!conn?.host || !conn.port) continue;
    const add = (title: string, commandId: string, arg: Record<string, unknown>, preferred = false) => {
      const action = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
      action.diagnostics = [d];
      action.isPreferred = preferred;
      action.command = { title, command: commandId, arguments: [{ prefill: arg }] };
      actions.push(action);
    };
    const server = { workspace: map.workspace.root, host: conn.host, port: conn.port };
    // The profile fixes write the host:port the HTTPS sender looks up: a WSDL fetch (the JDK's own client) reads no
    // profile, and an OAuth token request looks one up by the URL's port as written (-1 without one).
    const viaSender = conn.kind === undefined || conn.kind === 'call';
    if (conn.direction === 'inbound') {
      const names = [...new Set([conn.host, 'localhost'])].join(' and ');
      if (code === 'hostname-mismatch' && conn.keyAlias) add(`Renew MI's certificate with the missing SAN (same key, naming ${names})`, COMMANDS.renewListenerCertificate, { workspace: map.workspace.root }, true);
      continue;
    }
    if ((code === 'untrusted' || code === 'chain-incomplete') && conn.trustCandidate) {
      // The subject and fingerprint in the title: a person sees what they are about to trust. The certificate
      // came from the server: one that does not parse loses this fix, never the others.
      const info = describeCandidate(conn.trustCandidate);
      if (info) add(`Trust the issuing CA "${info.subject}" (SHA-256 ${info.sha256.slice(0, 23)}…)`, COMMANDS.trustIssuingCa, server, true);
      if (viaSender) add(`Add an SSL profile for ${conn.host}:${conn.port} with its own truststore`, COMMANDS.addSslProfile, server);
    }
    if (code === 'client-certificate-required' && viaSender) {
      add(`Choose the client key for mutual TLS with ${conn.host}:${conn.port}…`, COMMANDS.chooseClientKey, server, true);
      add(`Add an SSL profile for ${conn.host}:${conn.port} with a client key it accepts`, COMMANDS.addSslProfile, server);
    }
  }
  return actions;
}
