/**
 * Diagnostics from the engine for every MI workspace in the window, not only open editors. Recomputed
 * as the user types (debounced per file; a result computed from an older version is dropped) and when
 * a keystore, pom.xml, Dockerfile or deployment.toml changes on disk. In an untrusted workspace only the
 * TOML-level checks run and no other file is read.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Problem } from '../core/problem';
import type { TomlDocument } from '../core/config/toml';
import type { MiWorkspace } from '../core/workspace/discover';
import { ProblemDiagnostic } from './convert';
import type { Deps } from './deps';
import { DIAGNOSTIC_SOURCE, SETTINGS } from './ids';
import { isDeploymentToml } from './workspaceModel';
import { checkTextProblems, checkWorkspaceProblems } from './engineChecks';
import { EngineTimeoutError } from './engineClient';

/** The problems last published, by file, so code actions and "fix all" can get the engine's fixes. */
export class ProblemIndex {
  private readonly byFile = new Map<string, readonly Problem[]>();
  /** Problems of one file. */
  get(file: string): readonly Problem[] {
    return this.byFile.get(path.resolve(file)) ?? [];
  }
  /** Replaces the problems of one file. */
  set(file: string, problems: readonly Problem[]): void {
    if (problems.length === 0) this.byFile.delete(file);
    else this.byFile.set(file, problems);
  }
}

/** The diagnostics feature, exposed for tests of timing in the host and for the tree's problem counts. */
export class DiagnosticsFeature implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection(DIAGNOSTIC_SOURCE);
  readonly problems = new ProblemIndex();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly generation = new Map<string, number>();
  /** Files each deployment.toml's run published to (it may report on pom.xml or a Dockerfile). */
  private readonly published = new Map<string, Set<string>>();
  private readonly changed = new vscode.EventEmitter<string>();
  /** Fires with the deployment.toml whose diagnostics were just published. */
  readonly onDidUpdate = this.changed.event;
  /** Durations of the last validation of each file in ms: parse, checks, total (for the perf measurement). */
  readonly lastTimings = new Map<string, { parseMs: number; checkMs: number; totalMs: number }>();

  constructor(private readonly deps: Deps) {}

  /** Checks `tomlFile` after the configured delay; a newer request for the same file replaces it. */
  schedule(tomlFile: string, delay?: number): void {
    const file = path.resolve(tomlFile);
    const ms = delay ?? vscode.workspace.getConfiguration(SETTINGS.section).get<number>(SETTINGS.validationDelay, 150);
    clearTimeout(this.timers.get(file));
    this.bump(file);
    this.timers.set(
      file,
      setTimeout(() => {
        this.timers.delete(file);
        void this.validate(file);
      }, ms),
    );
  }

  private bump(file: string): number {
    const g = (this.generation.get(file) ?? 0) + 1;
    this.generation.set(file, g);
    return g;
  }

  /** Checks every workspace of the window (after activation, on refresh, when files change on disk). */
  async validateAll(): Promise<void> {
    const files = new Set((await this.deps.model.workspaces()).map((w) => w.deploymentToml));
    for (const d of vscode.workspace.textDocuments) {
      // A document VS Code still holds for a deleted file is checked only while it has unsaved text.
      if (d.uri.scheme === 'file' && isDeploymentToml(d.uri.fsPath) && (d.isDirty || fs.existsSync(d.uri.fsPath))) files.add(d.uri.fsPath);
    }
    await Promise.all([...files].map((f) => this.validate(f)));
  }

  /** Checks one deployment.toml now and publishes the result unless a newer request superseded it. */
  async validate(tomlFile: string): Promise<void> {
    const file = path.resolve(tomlFile);
    const generation = this.bump(file);
    const started = performance.now();
    this.deps.model.markChecked(file);
    try {
      const ws = await this.deps.model.workspaceOf(file);
      const parseStart = performance.now();
      const doc = await this.deps.model.parse(file);
      const parseMs = performance.now() - parseStart;
      if (this.generation.get(file) !== generation) return;
      if (!doc || (!fs.existsSync(file) && !this.deps.model.openDocument(file)?.isDirty)) {
        this.publish(file, []);
        return;
      }
      const checkStart = performance.now();
      const problems = await this.check(ws, doc);
      const checkMs = performance.now() - checkStart;
      // Stale: the text changed (or another run started) while the keystores were being read.
      if (this.generation.get(file) !== generation) return;
      this.publish(file, problems);
      this.lastTimings.set(file, { parseMs, checkMs, totalMs: performance.now() - started });
    } catch (err) {
      this.deps.log.error(`Checking ${file} failed.`, err);
      // Say so where the person looks, rather than leave the last result standing as if it were current.
      if (err instanceof EngineTimeoutError && this.generation.get(file) === generation) {
        const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
        this.publish(file, [{ code: 'toml-not-checked', severity: 'warning', message: `This file was not checked: ${err.message}`, file, range, fixes: [] }]);
      }
    }
  }

  /** The engine's problems: TOML-level only when untrusted, else the whole workspace. */
  private async check(ws: MiWorkspace, doc: TomlDocument): Promise<Problem[]> {
    if (!this.deps.model.trusted) return checkTextProblems(this.deps, ws, doc);
    const expiryWarningDays = vscode.workspace.getConfiguration(SETTINGS.section).get<number>(SETTINGS.expiryWarningDays, 30);
    return checkWorkspaceProblems(this.deps, ws, doc, { expiryWarningDays });
  }

  private publish(tomlFile: string, problems: readonly Problem[]): void {
    const byFile = new Map<string, Problem[]>([[tomlFile, []]]);
    for (const p of problems) {
      const f = path.resolve(p.file || tomlFile);
      const list = byFile.get(f) ?? [];
      list.push(p);
      byFile.set(f, list);
    }
    const before = this.published.get(tomlFile) ?? new Set<string>();
    for (const f of before) if (!byFile.has(f)) byFile.set(f, []);
    for (const [f, list] of byFile) {
      this.problems.set(f, list);
      this.collection.set(vscode.Uri.file(f), list.map((p) => new ProblemDiagnostic(p)));
    }
    this.published.set(tomlFile, new Set([...byFile].filter(([, l]) => l.length > 0).map(([f]) => f)));
    this.changed.fire(tomlFile);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.collection.dispose();
    this.changed.dispose();
  }
}

/** Registers the diagnostics and their triggers; returns the feature for the tree and code actions. */
export function register(context: vscode.ExtensionContext, deps: Deps): DiagnosticsFeature {
  const feature = new DiagnosticsFeature(deps);
  const isToml = (d: vscode.TextDocument) => d.uri.scheme === 'file' && isDeploymentToml(d.uri.fsPath);
  context.subscriptions.push(
    feature,
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (isToml(e.document) && e.contentChanges.length > 0) feature.schedule(e.document.uri.fsPath);
    }),
    vscode.workspace.onDidOpenTextDocument((d) => {
      if (isToml(d)) feature.schedule(d.uri.fsPath, 0);
    }),
    // A closed, unsaved editor: the file on disk is the truth again.
    vscode.workspace.onDidCloseTextDocument((d) => {
      if (isToml(d)) feature.schedule(d.uri.fsPath, 0);
    }),
    deps.model.onDidChange((change) => {
      const tomls = change.files.filter(isDeploymentToml);
      if (change.workspacesChanged || tomls.length !== change.files.length || change.files.length === 0) void feature.validateAll();
      else for (const f of tomls) if (!deps.model.openDocument(f)?.isDirty) feature.schedule(f, 0);
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(SETTINGS.section)) void feature.validateAll();
    }),
  );
  // Not at activation: the first full check runs once activation has returned.
  setTimeout(() => void feature.validateAll(), 0);
  return feature;
}
