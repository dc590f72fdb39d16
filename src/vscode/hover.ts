/** Hover in deployment.toml from the engine (`hoverAt`): what a key means, its default, the store behind it. */
import * as vscode from 'vscode';
import { hoverAt, type HoverData } from '../core/config/assist';
import { answerWithin } from './assistContext';
import { fromPosition, toRange } from './convert';
import type { Deps } from './deps';
import { DEPLOYMENT_TOML } from './support/selectors';

class Provider implements vscode.HoverProvider {
  constructor(private readonly deps: Deps) {}
  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const data = await answerWithin<Answer>(this.deps, document, (doc, ctx) => hoverAt(doc, fromPosition(position), ctx), storeStillReading);
    if (!data) return undefined;
    // Untrusted content (file names, DNs) must not run commands from a hover.
    const md = new vscode.MarkdownString(data.contents);
    md.isTrusted = false;
    return new vscode.Hover(md, data.range && toRange(data.range));
  }
}

/** VS Code cannot refresh a hover in place, so a hover that could not wait for its keystore says so. */
function storeStillReading(data: Answer): Answer {
  const note = '*Reading the keystore… hover again in a moment for its entries.*';
  return data ? { ...data, contents: `${data.contents}\n\n${note}` } : { contents: note };
}

/** A hover's text and range (none when VS Code should take the word under the pointer). */
type Answer = { readonly contents: string; readonly range?: HoverData['range'] } | undefined;

/** Registers the hover provider. */
export function register(context: vscode.ExtensionContext, deps: Deps): void {
  context.subscriptions.push(vscode.languages.registerHoverProvider(DEPLOYMENT_TOML, new Provider(deps)));
}
