/** Registers every keystore command (each module registers its own ids). */
import type * as vscode from 'vscode';
import type { Deps } from '../deps';
import * as entryCommands from './entryCommands';
import * as generateKeystore from './generateKeystore';
import * as importCertificate from './importCertificate';
import * as storeCommands from './storeCommands';

/** Registers the generate, import, entry and store commands. */
export function register(context: vscode.ExtensionContext, deps: Deps): void {
  generateKeystore.register(context, deps);
  importCertificate.register(context, deps);
  entryCommands.register(context, deps);
  storeCommands.register(context, deps);
}
