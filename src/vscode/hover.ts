/** Hover in deployment.toml from the engine (`hoverAt`): what a key means, its default, the store behind it. */
import * as vscode from 'vscode';
import { hoverAt } from '../core/config/assist';
import { assistContextFor } from './assistContext';
import { fromPosition, toRange } from './convert';
import type { Deps } from './deps';
import { ASSIST_WAIT_MS } from './workspaceModel';
import { DEPLOYMENT_TOML } from './diagnostics';

class Provider implements vscode.HoverProvider {
  constructor(private readonly deps: Deps) {}
  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const doc = await this.deps.model.parseDocumentWithin(document, ASSIST_WAIT_MS);
    const ws = await this.deps.model.workspaceOf(document.uri.fsPath);
    const data = await hoverAt(doc, fromPosition(position), await assistContextFor(this.deps, ws, doc));
    if (!data) return undefined;
    // Untrusted content (file names, DNs) must not run commands from a hover.
    const md = new vscode.MarkdownString(data.contents);
    md.isTrusted = false;
    return new vscode.Hover(md, toRange(data.range));
  }
}

/** Registers the hover provider. */
export function register(context: vscode.ExtensionContext, deps: Deps): void {
  context.subscriptions.push(vscode.languages.registerHoverProvider(DEPLOYMENT_TOML, new Provider(deps)));
}
