/**
 * The keystore editor: a read-only custom editor for `.jks`, `.p12`, `.pfx`, `.jceks`, `.keystore` and
 * `.truststore` files (and, through "Reopen With…", any file). The engine decodes the store and builds a
 * plain model (src/core/editorModel.ts); the webview (media/keystoreEditor/) only renders it. Every write
 * goes through the existing commands. The password comes from deployment.toml, else the remembered one,
 * else a prompt inside the editor; it stays in this process and never reaches the webview or the log.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Keystore } from '../core/keystore';
import { describeEntry, describeKeystore, usagesOf, type ConsumerOfFile, type LocatedProblem, type ProjectFiles, type KeystoreViewModel } from '../core/editorModel';
import type { MiWorkspace } from '../core/workspace/discover';
import type { Severity } from '../core/problem';
import type { Deps } from './deps';
import { COMMANDS, CUSTOM_EDITORS, DIAGNOSTIC_SOURCE, SETTINGS } from './ids';
import { testHooks } from './support/testHooks';

/** Largest pom.xml or Dockerfile read for the "used by" list: project files are small; bigger is hostile. */
const MAX_PROJECT_FILE_BYTES = 1024 * 1024;

/** How long to wait after a change on disk before re-reading, so a burst of writes costs one read. */
const RELOAD_DELAY_MS = 100;

/** Actions the webview may ask for, each an existing command; `alias` says whether the selection goes along. */
const ACTIONS: Readonly<Record<string, { readonly command: string; readonly alias: boolean }>> = {
  importCertificate: { command: COMMANDS.importCertificate, alias: false },
  importCaReply: { command: COMMANDS.importCaReply, alias: true },
  generateCsr: { command: COMMANDS.generateCsr, alias: true },
  exportCertificate: { command: COMMANDS.exportCertificate, alias: true },
  renameAlias: { command: COMMANDS.renameAlias, alias: true },
  deleteEntry: { command: COMMANDS.deleteEntry, alias: true },
  renewCertificate: { command: COMMANDS.renewCertificate, alias: true },
  changePassword: { command: COMMANDS.changePassword, alias: false },
  convertKeystore: { command: COMMANDS.convertKeystore, alias: false },
};

/** What the extension sends the webview. */
export type ToWebview =
  | { readonly type: 'loading'; readonly fileName: string }
  | { readonly type: 'model'; readonly model: KeystoreViewModel; readonly canWrite: boolean }
  | { readonly type: 'password'; readonly fileName: string; readonly format: string | null; readonly message: string; readonly usedBy: KeystoreViewModel['usedBy'] }
  | { readonly type: 'error'; readonly fileName: string; readonly message: string }
  | { readonly type: 'details'; readonly details: ReturnType<typeof describeEntry> | null; readonly index: number };

/** A read-only document: the file's URI; all state lives in the editor session. */
class KeystoreDocument implements vscode.CustomDocument {
  constructor(readonly uri: vscode.Uri) {}
  dispose(): void {}
}

function nonce(): string {
  return crypto.randomBytes(18).toString('base64');
}

const SEVERITIES: Record<vscode.DiagnosticSeverity, Severity> = {
  [vscode.DiagnosticSeverity.Error]: 'error',
  [vscode.DiagnosticSeverity.Warning]: 'warning',
  [vscode.DiagnosticSeverity.Information]: 'information',
  [vscode.DiagnosticSeverity.Hint]: 'hint',
};

/** Our diagnostics of `file` as engine problems (file and range), to place them on the lines that use the store. */
function problemsOf(file: string): LocatedProblem[] {
  return vscode.languages
    .getDiagnostics(vscode.Uri.file(file))
    .filter((d) => d.source === DIAGNOSTIC_SOURCE)
    .map((d) => ({
      file,
      severity: SEVERITIES[d.severity],
      code: typeof d.code === 'object' ? String(d.code.value) : String(d.code ?? ''),
      message: d.message,
      range: { start: { line: d.range.start.line, character: d.range.start.character }, end: { line: d.range.end.line, character: d.range.end.character } },
    }));
}

/** A small text file of a project, or null when absent or too large to be one. */
async function readSmallText(file: string | null): Promise<string | null> {
  if (!file) return null;
  try {
    const st = await fs.promises.stat(file);
    if (!st.isFile() || st.size > MAX_PROJECT_FILE_BYTES) return null;
    return await fs.promises.readFile(file, 'utf8');
  } catch {
    return null;
  }
}

/** What the workspace says about one keystore file: who uses it, and the password its configuration gives. */
interface FileUse {
  readonly usedBy: ReturnType<typeof usagesOf>;
  /** The clear store password of the first consumer that gives one (as WorkspaceModel.configuredPassword). */
  readonly configuredPassword: string | undefined;
}

/** Every deployment.toml consumer of `file` with its workspace's project files, and the problems of those files. */
async function useOf(deps: Deps, file: string): Promise<FileUse> {
  const abs = path.resolve(file);
  const known = await deps.model.workspaces();
  // A deployment.toml open in an editor counts even when discovery did not see its folder.
  const open = vscode.workspace.textDocuments.filter((d) => d.uri.scheme === 'file' && path.basename(d.uri.fsPath) === 'deployment.toml').map((d) => d.uri.fsPath);
  const extra = await Promise.all(open.filter((t) => !known.some((w) => w.deploymentToml === t)).map((t) => deps.model.workspaceOf(t)));
  const consumers: ConsumerOfFile[] = [];
  const touched = new Map<string, MiWorkspace>();
  for (const ws of [...known, ...extra]) {
    const config = await deps.model.effective(ws);
    for (const store of config?.stores ?? []) {
      if (store.path !== abs) continue;
      consumers.push({ deploymentToml: ws.deploymentToml, store });
      touched.set(ws.deploymentToml, ws);
    }
    // A project's Dockerfile may copy the file even when no table configures it.
    if (ws.kind === 'project' && (abs === ws.root || abs.startsWith(ws.root + path.sep))) touched.set(ws.deploymentToml, ws);
  }
  const projects: ProjectFiles[] = [];
  const problems: LocatedProblem[] = [];
  for (const ws of touched.values()) {
    problems.push(...problemsOf(ws.deploymentToml));
    if (ws.kind !== 'project') continue;
    projects.push({ workspace: ws, pomXml: await readSmallText(ws.pomXml), dockerfile: await readSmallText(ws.dockerfile) });
    problems.push(...problemsOf(ws.pomXml));
    if (ws.dockerfile) problems.push(...problemsOf(ws.dockerfile));
  }
  const configuredPassword = consumers.find((c) => c.store.password?.value !== undefined)?.store.password?.value;
  return { usedBy: usagesOf(abs, consumers, projects, problems), configuredPassword };
}

/**
 * Models already built, per decoded store (the engine's cache hands out the same object for the same file
 * version and password): reopening a 146-entry store need not parse every certificate again. Expiry states
 * depend on the clock, so an entry is reused for one minute only.
 */
const describedStores = new WeakMap<Keystore, { readonly key: string; readonly model: KeystoreViewModel }>();

function describeCached(file: string, store: Keystore, warningDays: number): KeystoreViewModel {
  const key = `${file}\n${warningDays}\n${Math.floor(Date.now() / 60_000)}`;
  const hit = describedStores.get(store);
  if (hit && hit.key === key) return hit.model;
  const model = describeKeystore(file, store, [], { warningDays });
  describedStores.set(store, { key, model });
  return model;
}

/** One open keystore editor: reads the store, talks to its webview, follows the file on disk. */
class EditorSession implements vscode.Disposable {
  private readonly file: string;
  private readonly disposables: vscode.Disposable[] = [];
  /** The password that opened the store in this editor (typed or found); kept only while the editor is open. */
  private password: string | undefined;
  private store: Keystore | undefined;
  private last: ToWebview | undefined;
  private reloadTimer: ReturnType<typeof setTimeout> | undefined;
  private generation = 0;
  private disposed = false;

  constructor(
    private readonly deps: Deps,
    private readonly uri: vscode.Uri,
    private readonly panel: vscode.WebviewPanel,
  ) {
    this.file = uri.fsPath;
    const dir = vscode.Uri.file(path.dirname(this.file));
    // The name is a glob pattern here: its special characters stand for themselves inside brackets.
    const name = path.basename(this.file).replace(/[*?[\]{}]/g, (c) => `[${c}]`);
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(dir, name));
    const onDisk = () => this.scheduleReload();
    this.disposables.push(
      watcher,
      watcher.onDidChange(onDisk),
      watcher.onDidCreate(onDisk),
      watcher.onDidDelete(onDisk),
      // Commands announce their writes, and deployment.toml changes change the "used by" list.
      deps.model.onDidChange((c) => {
        if (c.files.length === 0 || c.files.some((f) => f === this.file || ['deployment.toml', 'pom.xml', 'Dockerfile'].includes(path.basename(f)))) this.scheduleReload();
      }),
      vscode.languages.onDidChangeDiagnostics((e) => {
        if (this.store && e.uris.some((u) => ['deployment.toml', 'pom.xml', 'Dockerfile'].includes(path.basename(u.fsPath)))) this.scheduleReload();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.scheduleReload()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`${SETTINGS.section}.${SETTINGS.expiryWarningDays}`)) this.scheduleReload();
      }),
      panel.webview.onDidReceiveMessage((m: unknown) => void this.onMessage(m)),
    );
  }

  private post(message: ToWebview): void {
    if (this.disposed) return;
    if (message.type !== 'details') this.last = message;
    testHooks.keystoreEditorMessage?.(this.file, message, true);
    void this.panel.webview.postMessage(message);
  }

  private scheduleReload(): void {
    clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => void this.load(), RELOAD_DELAY_MS);
  }

  /** Reads the store with the best password known and sends the model, the prompt or the error. */
  async load(typed?: string): Promise<void> {
    const generation = ++this.generation;
    const started = performance.now();
    const fileName = path.basename(this.file);
    try {
      if (this.uri.scheme !== 'file') {
        this.post({ type: 'error', fileName, message: 'The keystore editor opens files on this machine only.' });
        return;
      }
      // The configuration and the bytes are read at the same time: both are needed before anything shows.
      const [sniff, use] = await Promise.all([this.deps.model.cache.sniff(this.file), useOf(this.deps, this.file)]);
      if (generation !== this.generation) return;
      if (!sniff.ok) {
        this.post({ type: 'error', fileName, message: sniff.message });
        return;
      }
      if (sniff.format === null) {
        this.post({ type: 'error', fileName, message: `${fileName} is not a JKS, JCEKS or PKCS12 keystore.` });
        return;
      }
      // Each source is asked only when the ones before it failed: the remembered password is a round trip
      // to the keychain (and, in the browser, to the window), which a configured one makes unnecessary.
      let configured: string | undefined;
      const sources: [source: 'typed' | 'session' | 'configured' | 'remembered', get: () => Promise<string | undefined>][] = [
        ['typed', async () => typed],
        ['session', async () => this.password],
        ['configured', async () => (configured = use.configuredPassword)],
        ['remembered', () => this.deps.passwords.get(this.file)],
      ];
      const phases: string[] = [`configuration and bytes ${(performance.now() - started).toFixed(0)} ms`];
      let mark = performance.now();
      const phase = (name: string) => {
        const now = performance.now();
        phases.push(`${name} ${(now - mark).toFixed(0)} ms`);
        mark = now;
      };
      for (const [source, get] of sources) {
        const password = await get();
        if (password === undefined) continue;
        phase(`${source} password`);
        const read = await this.deps.model.cache.read(this.file, password);
        phase('read');
        if (generation !== this.generation) return;
        const c = { source, password };
        if (read.ok) {
          this.password = c.password;
          this.store = read.store;
          if (c.source === 'typed') await this.deps.passwords.set(this.file, c.password);
          const usedBy = use.usedBy;
          const warningDays = vscode.workspace.getConfiguration(SETTINGS.section).get<number>(SETTINGS.expiryWarningDays, 30);
          const model = { ...describeCached(this.file, read.store, warningDays), usedBy };
          phase('model');
          this.post({ type: 'model', model, canWrite: vscode.workspace.isTrusted });
          this.deps.log.info(`Keystore editor: ${fileName} (${model.entries.length} entries) read and described in ${(performance.now() - started).toFixed(0)} ms (${phases.join(', ')}).`);
          return;
        }
        if (read.kind !== 'wrong-password') {
          this.post({ type: 'error', fileName, message: read.message });
          return;
        }
        if (c.source === 'session') this.password = undefined;
        if (c.source === 'remembered') await this.deps.passwords.delete(this.file);
      }
      this.store = undefined;
      const message =
        typed !== undefined
          ? 'That password does not open the keystore; try again.'
          : configured !== undefined
            ? 'The password deployment.toml gives does not open this keystore. Enter its password.'
            : 'Enter the store password to open this keystore.';
      this.post({ type: 'password', fileName, format: sniff.format, message, usedBy: use.usedBy });
    } catch (err) {
      this.deps.log.error(`The keystore editor could not open ${this.file}.`, err);
      if (generation === this.generation) this.post({ type: 'error', fileName, message: `${fileName} could not be opened; the MI Keystores log has the details.` });
    }
  }

  private async onMessage(raw: unknown): Promise<void> {
    if (typeof raw !== 'object' || raw === null) return;
    const m = raw as { type?: unknown; index?: unknown; password?: unknown; usage?: unknown; action?: unknown; text?: unknown; ms?: unknown };
    // The password never reaches the hook: tests see only that one was sent.
    testHooks.keystoreEditorMessage?.(this.file, m.type === 'password' ? { type: 'password' } : raw, false);
    switch (m.type) {
      case 'ready':
        if (this.last) void this.panel.webview.postMessage(this.last);
        else void this.load();
        return;
      case 'password':
        if (typeof m.password === 'string' && m.password !== '') await this.load(m.password);
        return;
      case 'details': {
        if (typeof m.index !== 'number' || !this.store) return;
        const warningDays = vscode.workspace.getConfiguration(SETTINGS.section).get<number>(SETTINGS.expiryWarningDays, 30);
        this.post({ type: 'details', index: m.index, details: describeEntry(this.store, m.index, { warningDays }) ?? null });
        return;
      }
      case 'open': {
        const usedBy = this.last?.type === 'model' ? this.last.model.usedBy : this.last?.type === 'password' ? this.last.usedBy : [];
        const u = typeof m.usage === 'number' ? usedBy[m.usage] : undefined;
        if (!u) return;
        const r = u.range;
        const selection = new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
        await vscode.window.showTextDocument(vscode.Uri.file(u.file), { selection, viewColumn: vscode.ViewColumn.Active });
        return;
      }
      case 'copy':
        if (typeof m.text === 'string' && m.text.length < 100_000) await vscode.env.clipboard.writeText(m.text);
        return;
      case 'action':
        await this.runAction(m.action, m.index);
        return;
      default:
        return;
    }
  }

  /** Runs an existing command on this store (and the selected entry), as if from the Keystores view. */
  private async runAction(action: unknown, index: unknown): Promise<void> {
    if (!vscode.workspace.isTrusted || typeof action !== 'string' || !Object.prototype.hasOwnProperty.call(ACTIONS, action)) return;
    const spec = ACTIONS[action];
    const entry = typeof index === 'number' ? this.store?.entries[index] : undefined;
    const prefill: Record<string, unknown> = { keystore: this.file };
    if (spec.alias) {
      if (!entry) return;
      prefill.alias = entry.alias;
    }
    // A prefill runs the command interactively with what is known, asking only for the rest.
    await vscode.commands.executeCommand(spec.command, { prefill });
    this.scheduleReload();
  }

  dispose(): void {
    this.disposed = true;
    this.password = undefined;
    this.store = undefined;
    clearTimeout(this.reloadTimer);
    for (const d of this.disposables) d.dispose();
  }
}

/** Where the webview's files are: its script and style, and the codicon font the build copies into dist/. */
interface WebviewAssets {
  readonly media: vscode.Uri;
  readonly codicons: vscode.Uri;
}

/** The HTML shell of the webview: a strict CSP with a nonce, our script and styles, nothing remote. */
function html(webview: vscode.Webview, assets: WebviewAssets, fileName: string): string {
  const n = nonce();
  const script = webview.asWebviewUri(vscode.Uri.joinPath(assets.media, 'main.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(assets.media, 'main.css'));
  const codicons = webview.asWebviewUri(vscode.Uri.joinPath(assets.codicons, 'codicon.css'));
  const csp = [`default-src 'none'`, `style-src ${webview.cspSource}`, `script-src 'nonce-${n}'`, `img-src ${webview.cspSource}`, `font-src ${webview.cspSource}`].join('; ');
  const title = fileName.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${codicons.toString()}">
<link rel="stylesheet" href="${style.toString()}">
<title>${title}</title>
</head>
<body>
<main id="app" aria-live="polite"><p class="status">Opening ${title}…</p></main>
<script nonce="${n}" src="${script.toString()}"></script>
</body>
</html>`;
}

/** The custom editor provider shared by both view types. */
class KeystoreEditorProvider implements vscode.CustomReadonlyEditorProvider<KeystoreDocument> {
  constructor(
    private readonly deps: Deps,
    private readonly assets: WebviewAssets,
  ) {}

  openCustomDocument(uri: vscode.Uri): KeystoreDocument {
    return new KeystoreDocument(uri);
  }

  resolveCustomEditor(document: KeystoreDocument, panel: vscode.WebviewPanel): void {
    panel.webview.options = { enableScripts: true, localResourceRoots: [this.assets.media, this.assets.codicons] };
    panel.webview.html = html(panel.webview, this.assets, path.basename(document.uri.fsPath));
    const session = new EditorSession(this.deps, document.uri, panel);
    panel.onDidDispose(() => session.dispose());
    void session.load();
  }
}

/** Registers the keystore editor (default and "Reopen With…" view types). */
export function register(context: vscode.ExtensionContext, deps: Deps): void {
  const assets = { media: vscode.Uri.joinPath(context.extensionUri, 'media', 'keystoreEditor'), codicons: vscode.Uri.joinPath(context.extensionUri, 'dist', 'codicons') };
  const provider = new KeystoreEditorProvider(deps, assets);
  const options = { supportsMultipleEditorsPerDocument: true, webviewOptions: { retainContextWhenHidden: false } };
  context.subscriptions.push(
    vscode.window.registerCustomEditorProvider(CUSTOM_EDITORS.keystore, provider, options),
    vscode.window.registerCustomEditorProvider(CUSTOM_EDITORS.keystoreAnyFile, provider, options),
  );
}
