/**
 * The commands feature: registers every command of the extension, one concern a module. It is the one
 * module other features may import from (eslint.config.mjs); today only extension.ts does, to register.
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
