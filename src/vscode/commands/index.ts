/**
 * The commands feature: registers every command of the extension, one concern a module, and is the one
 * module other features import from (the command wrapper, prompts, opening and saving a store, and the
 * import of a trusted certificate).
 */
import type * as vscode from 'vscode';
import type { Deps } from '../deps';
import type { DiagnosticsFeature } from '../diagnostics';
import type { TrustMapService } from '../trustMap/index';
import * as certificateRequests from './certificateRequests';
import * as entryCommands from './entryCommands';
import * as fixCommands from './fixCommands';
import * as generateKeystore from './generateKeystore';
import * as importCertificate from './importCertificate';
import * as openKeystoreEditor from './openKeystoreEditor';
import * as rotateInternalKeystore from './rotateInternalKeystore';
import * as storeCommands from './storeCommands';
import * as trustMapCommands from './trustMapCommands';
import * as viewCommands from './viewCommands';

export { command, requireTrust } from './command';
export { importTrusted } from './importCertificate';
export { Cancelled, MissingOptionError, type Invocation } from './invocation';
export { openStore } from './openStore';
export { withProgress } from './progress';
export { askText } from './prompts';
export { onStore, saveStore } from './storeWrites';

/** The features the commands act on, built before the commands are registered. */
export interface CommandTargets {
  readonly diagnostics: DiagnosticsFeature;
  /** The Keystores view, which refresh and forgetPasswords reload. */
  readonly tree: viewCommands.Refreshable;
  /** The trust map, which its commands test and fix. */
  readonly trustMap: TrustMapService;
}

/** Registers every command. */
export function register(context: vscode.ExtensionContext, deps: Deps, targets: CommandTargets): void {
  generateKeystore.register(context, deps);
  importCertificate.register(context, deps);
  certificateRequests.register(context, deps);
  entryCommands.register(context, deps);
  storeCommands.register(context, deps);
  rotateInternalKeystore.register(context, deps);
  fixCommands.register(context, deps, targets.diagnostics);
  viewCommands.register(context, deps, targets.tree);
  openKeystoreEditor.register(context);
  trustMapCommands.register(context, deps, targets.trustMap);
}
