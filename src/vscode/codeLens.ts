/**
 * A CodeLens above each configured alias in deployment.toml: "expires in N days · CN=… · SHA-256 …",
 * read from the store the table points at (with the configured or remembered password).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { certificatesOf, describeCertificate, findEntry } from '../core/keystore';
import { toRange } from './convert';
import type { Deps } from './deps';
import { ASSIST_WAIT_MS } from './workspaceModel';
import type { DiagnosticsFeature } from './diagnostics';
import { DEPLOYMENT_TOML } from './support/selectors';
import { COMMANDS, SETTINGS, VIEWS } from './ids';
import { commonName, daysUntil, expiryPhrase } from './support/certificateText';

/** The lens title for a certificate, as the issue words it. */
export function lensTitle(notAfter: string, subject: string, sha256: string): string {
  return `${expiryPhrase(daysUntil(notAfter))} · CN=${commonName(subject)} · SHA-256 ${sha256.slice(0, 23)}…`;
}

class Provider implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  constructor(private readonly deps: Deps) {}

  fire(): void {
    this.changed.fire();
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    if (!vscode.workspace.getConfiguration(SETTINGS.section).get<boolean>(SETTINGS.codeLensEnabled, true)) return [];
    if (!this.deps.model.trusted) return [];
    const doc = await this.deps.model.parseDocumentWithin(document, ASSIST_WAIT_MS);
    const ws = await this.deps.model.workspaceOf(document.uri.fsPath);
    const config = await this.deps.model.effective(ws, doc);
    if (!config) return [];
    const lenses: vscode.CodeLens[] = [];
    const seen = new Set<number>();
    for (const store of config.stores) {
      const alias = store.alias;
      if (!alias || alias.origin.kind !== 'line' || alias.origin.via || !store.path) continue;
      const line = alias.origin.range.start.line;
      if (seen.has(line)) continue;
      seen.add(line);
      const range = toRange(alias.origin.range);
      const read = await this.deps.model.readStore(store.path);
      if (!read.ok) {
        if (read.kind === 'needs-password') {
          lenses.push(new vscode.CodeLens(range, { title: `$(lock) Enter the password of ${path.basename(store.path)} to see this certificate`, command: COMMANDS.refresh, arguments: [{ unlock: store.path }] }));
        }
        continue;
      }
      const entry = findEntry(read.store, alias.value);
      const der = entry ? certificatesOf(entry)[0] : undefined;
      if (!der) continue;
      let title: string;
      try {
        const info = describeCertificate(der);
        title = lensTitle(info.notAfter, info.subject, info.sha256);
      } catch {
        continue;
      }
      lenses.push(new vscode.CodeLens(range, { title, command: `${VIEWS.keystores}.focus`, tooltip: 'Show the Keystores view' }));
    }
    return lenses;
  }
}

/** Registers the CodeLens provider; lenses follow the diagnostics (same triggers, same caches). */
export function register(context: vscode.ExtensionContext, deps: Deps, diagnostics: DiagnosticsFeature): void {
  const provider = new Provider(deps);
  context.subscriptions.push(
    vscode.languages.registerCodeLensProvider(DEPLOYMENT_TOML, provider),
    diagnostics.onDidUpdate(() => provider.fire()),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(SETTINGS.section) && provider.fire()),
  );
}
