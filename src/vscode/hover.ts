/** Hover in deployment.toml from the engine (`hoverAt`): what a key means, its default, the store behind it. */
import * as vscode from 'vscode';
import { hoverAt } from '../core/config/assist';
import { answerWithin } from './assistContext';
import { fromPosition, toRange } from './convert';
import type { Deps } from './deps';
import { DEPLOYMENT_TOML } from './shared/selectors';

class Provider implements vscode.HoverProvider {
  constructor(private readonly deps: Deps) {}
  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const data = await answerWithin(this.deps, document, (doc, ctx) => hoverAt(doc, fromPosition(position), ctx));
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
