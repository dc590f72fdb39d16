/** Completion in deployment.toml from the engine (`completionsAt`): tables, keys, values, aliases, snippets. */
import * as vscode from 'vscode';
import { completionsAt, type CompletionItemData } from '../core/config/assist';
import { answerWithin } from './assistContext';
import { fromPosition, toRange } from './convert';
import type { Deps } from './deps';
import { DEPLOYMENT_TOML } from './support/selectors';

/** Characters that open a new proposal list. */
export const TRIGGER_CHARACTERS = ['[', '.', '=', '"'];

const KIND: Record<CompletionItemData['kind'], vscode.CompletionItemKind> = {
  table: vscode.CompletionItemKind.Module,
  key: vscode.CompletionItemKind.Property,
  value: vscode.CompletionItemKind.Value,
  snippet: vscode.CompletionItemKind.Snippet,
};

/** An engine proposal as a CompletionItem. */
export function toCompletionItem(d: CompletionItemData): vscode.CompletionItem {
  const item = new vscode.CompletionItem(d.label, KIND[d.kind]);
  item.insertText = d.isSnippet ? new vscode.SnippetString(d.insertText) : d.insertText;
  item.range = toRange(d.range);
  item.detail = d.detail;
  if (d.documentation) item.documentation = new vscode.MarkdownString(d.documentation);
  item.sortText = d.sortText;
  // Keys are filtered against the text the engine's range covers, which may include dots and quotes.
  item.filterText = d.label;
  return item;
}

class Provider implements vscode.CompletionItemProvider {
  constructor(private readonly deps: Deps) {}
  async provideCompletionItems(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.CompletionItem[]> {
    const items = await answerWithin(this.deps, document, (doc, ctx) => completionsAt(doc, fromPosition(position), ctx));
    return items.map(toCompletionItem);
  }
}

/** Registers the completion provider. */
export function register(context: vscode.ExtensionContext, deps: Deps): void {
  context.subscriptions.push(vscode.languages.registerCompletionItemProvider(DEPLOYMENT_TOML, new Provider(deps), ...TRIGGER_CHARACTERS));
}
