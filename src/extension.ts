import type * as vscode from 'vscode';

/** Composition root: builds the dependencies and registers each feature. */
export function activate(_context: vscode.ExtensionContext): void {}

/** Nothing to release beyond `context.subscriptions`. */
export function deactivate(): void {}
