import * as vscode from 'vscode';
import * as codeActions from './vscode/codeActions';
import * as codeLens from './vscode/codeLens';
import * as commands from './vscode/commands/index';
import * as completion from './vscode/completion';
import type { Deps } from './vscode/deps';
import * as diagnostics from './vscode/diagnostics';
import * as hover from './vscode/hover';
import * as keystoresTree from './vscode/keystoresTree';
import * as trustMap from './vscode/trustMap/index';
import * as keystoreEditor from './vscode/keystoreEditor';
import { createLog } from './vscode/log';
import { PasswordStore } from './vscode/passwords';
import { WorkspaceModel } from './vscode/workspaceModel';
import { testHooks } from './vscode/support/testHooks';
import { answerTimes } from './vscode/answerTimes';

/** What `activate` returns: the activation time, for the performance measurement in the host. */
export interface ExtensionApi {
  readonly activationMs: number;
  /** Validates one deployment.toml now and resolves with its durations in ms (performance measurement). */
  validateNow(file: string): Promise<{ parseMs: number; checkMs: number; totalMs: number } | undefined>;
  /** The Keystores view's data provider, so tests can read the tree a person sees. */
  readonly keystoresTree: vscode.TreeDataProvider<unknown>;
  /** Test-only: the log lines written this session, the storage folders, and hook points of the writes. */
  readonly testing: {
    logLines(): readonly string[];
    readonly storagePaths: readonly string[];
    readonly hooks: typeof testHooks;
    /** Fires with the files the shared model announced as changed (the Keystores view reloads on it). */
    readonly onDidChangeModel: vscode.Event<readonly string[]>;
    /** How many hover, completion and code-action answers there were, and how long the last took inside the host (ms). */
    answerTimes(): { total: number; recent: readonly number[] };
  };
}

/** Composition root: builds the dependencies and registers each feature. Nothing heavy runs here. */
export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const started = performance.now();
  const log = createLog(context);
  const passwords = new PasswordStore(context.secrets, context.globalState);
  const model = new WorkspaceModel(log, passwords);
  context.subscriptions.push(model);
  const deps: Deps = { log, passwords, model };
  const diag = diagnostics.register(context, deps);
  completion.register(context, deps);
  hover.register(context, deps);
  codeActions.register(context, deps, diag);
  codeLens.register(context, deps, diag);
  // Before the view: the Connections node kind must be known when the tree registers.
  const tls = trustMap.register(context, deps);
  const tree = keystoresTree.register(context, deps, diag);
  commands.register(context, deps, { diagnostics: diag, tree, trustMap: tls });
  keystoreEditor.register(context, deps);
  const activationMs = performance.now() - started;
  log.info(`Activated in ${activationMs.toFixed(1)} ms.`);
  return {
    activationMs,
    keystoresTree: tree as vscode.TreeDataProvider<unknown>,
    testing: {
      logLines: () => log.lines(),
      storagePaths: [context.globalStorageUri, context.storageUri].filter((u): u is vscode.Uri => u !== undefined).map((u) => u.fsPath),
      hooks: testHooks,
      onDidChangeModel: (listener, thisArg, disposables) => model.onDidChange((c) => listener.call(thisArg, c.files), undefined, disposables),
      answerTimes,
    },
    validateNow: async (file) => {
      await diag.validate(file);
      return diag.lastTimings.get(file);
    },
  };
}

/** Nothing to release beyond `context.subscriptions`. */
export function deactivate(): void {}
