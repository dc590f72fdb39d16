/** The document selectors the editor features register their providers for. */
import type * as vscode from 'vscode';

/** Document selector of every provider: a deployment.toml on disk, whatever language mode it is in. */
export const DEPLOYMENT_TOML: vscode.DocumentSelector = [{ scheme: 'file', pattern: '**/deployment.toml' }];
