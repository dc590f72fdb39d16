/**
 * The one engine state every feature shares: the MI workspaces of the window (discovered lazily, after
 * activation), the parsed deployment.toml of each (open editor text wins over disk), and file watchers
 * that announce when a keystore, pom.xml, Dockerfile or deployment.toml changes on disk.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { hasByteOrderMark } from '../core/config/byteOrderMark';
import { MAX_DEPLOYMENT_TOML_BYTES, oversizedDocument, type ParseOptions } from '../core/config/parse';
import type { TomlDocument } from '../core/config/toml';
import { discoverWorkspaces, workspaceForFile, type MiWorkspace } from '../core/workspace/discover';
import { buildEffectiveConfig, type EffectiveConfig, type EffectiveStore } from '../core/workspace/effectiveConfig';
import { readDockerCopies, readProjectFile } from '../core/workspace/project';
import { KeystoreCache, type KeyError, type RecoveredKey, type StoreError, type StoreRead } from '../core/workspace/keystoreCache';
import { EngineClient } from './engineClient';
import type { Log } from './log';
import type { PasswordStore } from './passwords';
import type { StoreRole } from './treeNodes';

/** Files whose change on disk can change what the checks say. */
const WATCHED = '**/{deployment.toml,pom.xml,Dockerfile,*.jks,*.p12,*.pfx,*.jceks,*.keystore,*.pem,*.crt,*.cer}';

/** How long hover, completion, CodeLens and code actions wait for a parse before answering from the text. */
export const ASSIST_WAIT_MS = 80;
/**
 * Above this many characters a parse takes longer than ASSIST_WAIT_MS on the worker (0.7 MB of 50,000 keys:
 * ~300 ms, ~2.3 KB per ms), so waiting for it only delays the answer from the text.
 */
const QUICK_PARSE_CHARS = 192 * 1024;

/** How often configured keystore files are stat-ed, in ms. */
const STORE_POLL_MS = 2000;

/** Keystore file extensions an MI workspace may keep unused stores under. */
const STORE_EXTENSIONS = new Set(['.jks', '.p12', '.pfx', '.jceks', '.keystore']);

/** One keystore file of a workspace and everything that configures it. */
export interface WorkspaceStore {
  readonly file: string;
  /** primary / internal / truststore for the three main tables; `unused` when nothing configures it. */
  readonly roles: readonly StoreRole[];
  /** The consumers (tables) that point at it, in config order. */
  readonly stores: readonly EffectiveStore[];
}

/** Why the model changed: the absolute paths involved (empty when everything should be recomputed). */
export interface ModelChange {
  readonly files: readonly string[];
  /** True when the set of MI workspaces may have changed. */
  readonly workspacesChanged: boolean;
}

/** True for a path that names a deployment.toml. */
export function isDeploymentToml(file: string): boolean {
  return path.basename(file) === 'deployment.toml';
}

/** Shared, cached view of the MI workspaces in the window. */
export class WorkspaceModel implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ModelChange>();
  /** Fires when files on disk or the set of workspaces changed. */
  readonly onDidChange = this.changed.event;
  private discovered: Promise<MiWorkspace[]> | undefined;
  private readonly parsed = new Map<string, { key: string; doc: Promise<TomlDocument> }>();
  /**
   * Whether each deployment.toml begins with a byte order mark on disk, which VS Code hides from the text
   * (and saves back): read once, forgotten when the file changes or is saved.
   */
  private readonly byteOrderMarks = new Map<string, Promise<boolean>>();
  /** The last document each file parsed to, for answers that cannot wait for the current parse. */
  private readonly lastDone = new Map<string, TomlDocument>();
  private readonly effectiveCache = new Map<string, { doc: TomlDocument; copiesKey: string; config: EffectiveConfig }>();
  private readonly dockerCache = new Map<string, { mtime: number; copies: ReturnType<typeof readDockerCopies> }>();
  private readonly disposables: vscode.Disposable[] = [this.changed];

  /** The worker thread that parses, checks and decodes: nothing slow runs on the extension host's thread. */
  readonly engine = new EngineClient();

  /** A second worker for keystores, so a store opens while the first is busy with a huge file. */
  readonly keystoreEngine = new EngineClient();

  /** The engine's keystore cache (keyed by path + size + mtime), decoding on the worker thread. */
  readonly cache = new KeystoreCache({
    offload: {
      decode: (bytes, password, format) =>
        this.keystoreEngine.request<StoreRead | StoreError>({ op: 'decode', bytes, password, format }).catch((err: Error) => ({ ok: false as const, kind: 'malformed' as const, message: `The keystore could not be decoded: ${err.message}`, format })),
      recoverKey: (entry, alias, keyPassword) =>
        this.keystoreEngine.request<RecoveredKey | KeyError>({ op: 'recoverKey', entry, alias, keyPassword }).catch((err: Error) => ({ ok: false as const, kind: 'unsupported' as const, message: `The key of alias "${alias}" could not be recovered: ${err.message}` })),
      secretKeyOpens: (entry, keyPassword) => this.keystoreEngine.request<boolean | undefined>({ op: 'secretKeyOpens', entry, keyPassword }).catch(() => undefined),
    },
  });

  constructor(
    private readonly log: Log,
    private readonly passwords: PasswordStore,
  ) {
    this.disposables.push({ dispose: () => this.engine.dispose() }, { dispose: () => this.keystoreEngine.dispose() });
    const watcher = vscode.workspace.createFileSystemWatcher(WATCHED);
    const onFile = (kind: 'change' | 'create' | 'delete') => (uri: vscode.Uri) => {
      const file = uri.fsPath;
      const base = path.basename(file);
      const structural = kind !== 'change' && (base === 'deployment.toml' || base === 'pom.xml' || base === 'Dockerfile');
      if (structural) this.discovered = undefined;
      if (isDeploymentToml(file)) this.forgetText(file);
      this.changed.fire({ files: [file], workspacesChanged: structural });
    };
    this.disposables.push(
      watcher,
      watcher.onDidChange(onFile('change')),
      watcher.onDidCreate(onFile('create')),
      watcher.onDidDelete(onFile('delete')),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.refresh()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.changed.fire({ files: [], workspacesChanged: false })),
      // A save may change the encoding (Save with Encoding), and the watcher does not see files outside the folders.
      vscode.workspace.onDidSaveTextDocument((d) => d.uri.scheme === 'file' && isDeploymentToml(d.uri.fsPath) && this.byteOrderMarks.delete(d.uri.fsPath)),
    );
    // The watcher sees only the window's folders and, on Linux, can miss files created in a folder it is
    // still adding; configured stores are few, so their stat is also polled (cheap, and never blocks).
    const timer = setInterval(() => void this.pollStores(), STORE_POLL_MS);
    timer.unref?.();
    this.disposables.push({ dispose: () => clearInterval(timer) });
  }

  private readonly storeStamps = new Map<string, string>();
  private readonly checkedAt = new Map<string, number>();

  /** Records that the diagnostics just checked `tomlFile` (store changes after this moment count). */
  markChecked(tomlFile: string): void {
    this.checkedAt.set(path.resolve(tomlFile), Date.now());
  }
  private polling = false;

  /** Stats every configured store of every workspace and open deployment.toml; announces the ones that changed. */
  private async pollStores(): Promise<void> {
    if (this.polling || !this.trusted) return;
    this.polling = true;
    try {
      const workspaces = new Map((await this.workspaces()).map((w) => [w.deploymentToml, w]));
      for (const d of vscode.workspace.textDocuments) {
        if (d.uri.scheme === 'file' && isDeploymentToml(d.uri.fsPath) && !workspaces.has(d.uri.fsPath)) workspaces.set(d.uri.fsPath, await this.workspaceOf(d.uri.fsPath));
      }
      // Each store with the time its workspace was last checked.
      const files = new Map<string, number>();
      for (const ws of workspaces.values()) {
        const checkedAt = this.checkedAt.get(ws.deploymentToml) ?? 0;
        for (const s of (await this.effective(ws))?.stores ?? []) if (s.path) files.set(s.path, Math.min(files.get(s.path) ?? Infinity, checkedAt));
      }
      const changed: string[] = [];
      for (const [file, checkedAt] of files) {
        let stamp = 'missing';
        let ctimeMs = 0;
        try {
          const st = await fs.promises.stat(file);
          stamp = `${st.size}:${st.mtimeMs}:${st.ino}`;
          ctimeMs = st.ctimeMs;
        } catch {
          // Missing is a state too: its appearance is a change.
        }
        const before = this.storeStamps.get(file);
        this.storeStamps.set(file, stamp);
        // First sight: changed only if the file changed after its workspace was last checked.
        if (before === undefined ? ctimeMs > checkedAt && checkedAt > 0 : before !== stamp) changed.push(file);
      }
      if (changed.length) this.changed.fire({ files: changed, workspacesChanged: false });
    } catch (err) {
      this.log.error('Polling the keystore files failed.', err);
    } finally {
      this.polling = false;
    }
  }

  /** True when the window's workspace is trusted: only then are keystores read or files written. */
  get trusted(): boolean {
    return vscode.workspace.isTrusted;
  }

  /** Forgets every cache and announces a full recomputation. */
  refresh(): void {
    this.discovered = undefined;
    this.parsed.clear();
    this.byteOrderMarks.clear();
    this.changed.fire({ files: [], workspacesChanged: true });
  }

  /** Announces that files were written by a command, so views and diagnostics follow at once. */
  notifyWritten(files: readonly string[]): void {
    for (const f of files) if (isDeploymentToml(f)) this.forgetText(f);
    const structural = files.some((f) => ['deployment.toml', 'pom.xml', 'Dockerfile'].includes(path.basename(f)));
    if (structural) this.discovered = undefined;
    this.changed.fire({ files, workspacesChanged: structural });
  }

  /** Forgets what was read of a deployment.toml: its parse and whether it begins with a byte order mark. */
  private forgetText(file: string): void {
    this.parsed.delete(file);
    this.byteOrderMarks.delete(file);
  }

  /** Every MI workspace under the window's folders, sorted by root (discovered once, then cached). */
  workspaces(): Promise<MiWorkspace[]> {
    if (!this.discovered) {
      this.discovered = this.discover().catch((err) => {
        this.log.error('Could not search the workspace for MI homes and projects.', err);
        return [];
      });
    }
    return this.discovered;
  }

  private async discover(): Promise<MiWorkspace[]> {
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
    const lists = await Promise.all(folders.map((f) => discoverWorkspaces(f.uri.fsPath).catch(() => [])));
    const byRoot = new Map<string, MiWorkspace>();
    for (const ws of lists.flat()) byRoot.set(ws.deploymentToml, ws);
    const result = [...byRoot.values()].sort((a, b) => a.root.localeCompare(b.root));
    this.log.info(`Found ${result.length} MI workspace(s).`);
    // The welcome view and palette entries follow whether there is anything to work on.
    void vscode.commands.executeCommand('setContext', 'miKeystores.noWorkspace', result.length === 0);
    void vscode.commands.executeCommand('setContext', 'miKeystores.hasWorkspace', result.length > 0);
    return result;
  }

  /** The workspace a deployment.toml belongs to: a discovered one, else the engine's guess from its path. */
  async workspaceOf(tomlFile: string): Promise<MiWorkspace> {
    const file = path.resolve(tomlFile);
    const found = (await this.workspaces()).find((w) => w.deploymentToml === file);
    return found ?? workspaceForFile(file);
  }

  /** The workspace whose folder holds `file` (the deepest root wins), if any. */
  async workspaceContaining(file: string): Promise<MiWorkspace | undefined> {
    const abs = path.resolve(file);
    const all = await this.workspaces();
    return all
      .filter((w) => abs === w.root || abs.startsWith(w.root + path.sep))
      .sort((a, b) => b.root.length - a.root.length)[0];
  }

  /** The open document of `file`, if an editor holds it. */
  openDocument(file: string): vscode.TextDocument | undefined {
    const abs = path.resolve(file);
    return vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === abs);
  }

  /**
   * The parsed deployment.toml: the editor's text when open (unsaved changes count), else the file on disk.
   * A file over the size limit is not read at all.
   */
  async parse(file: string): Promise<TomlDocument | undefined> {
    const doc = this.openDocument(file);
    if (doc) return this.parseDocument(doc);
    try {
      const uri = vscode.Uri.file(file);
      const stat = await vscode.workspace.fs.stat(uri);
      if (stat.size > MAX_DEPLOYMENT_TOML_BYTES) return oversizedDocument(file);
      const text = Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
      // Parsed as the editor will show it, without the mark, so positions agree once the file is opened.
      const byteOrderMarkOnDisk = text.charCodeAt(0) === 0xfeff;
      return await this.parseText(file, byteOrderMarkOnDisk ? text.slice(1) : text, byteOrderMarkOnDisk ? 'disk:bom' : 'disk', false, { byteOrderMarkOnDisk });
    } catch {
      return undefined;
    }
  }

  /** The parsed text of an open document (on the worker thread), cached by document version; `text` if the caller has it. */
  async parseDocument(doc: vscode.TextDocument, text = doc.getText()): Promise<TomlDocument> {
    // VS Code shows a UTF-8 file without its byte order mark and saves the mark back; MI reads it.
    const byteOrderMarkOnDisk = doc.uri.scheme === 'file' && (await this.byteOrderMarkOf(doc.uri.fsPath));
    return this.parseText(doc.uri.fsPath, text, `v${doc.version}${byteOrderMarkOnDisk ? ':bom' : ''}`, true, { byteOrderMarkOnDisk });
  }

  private byteOrderMarkOf(file: string): Promise<boolean> {
    let known = this.byteOrderMarks.get(file);
    if (!known) this.byteOrderMarks.set(file, (known = startsWithByteOrderMark(file)));
    return known;
  }

  /**
   * The open document parsed, if that takes less than `ms` (a parse of a big document is not waited for);
   * else the last parse of the file (an older version), else its text alone. Hover and completion work from
   * the text around the cursor, so they answer at once on a file whose parse takes seconds, and know its
   * tables once it is done.
   */
  async parseDocumentWithin(doc: vscode.TextDocument, ms: number): Promise<TomlDocument> {
    const file = doc.uri.fsPath;
    // One copy of the text: each getText() of a big document builds a new string on this thread.
    const text = doc.getText();
    const parsing = this.parseDocument(doc, text).catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const wait = text.length > QUICK_PARSE_CHARS ? 0 : ms;
    const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), wait)));
    const parsed = await Promise.race([parsing, late]);
    clearTimeout(timer);
    return parsed ?? this.lastDone.get(file) ?? { file, text, tables: [], issues: [] };
  }

  private parseText(file: string, text: string, tag: string, byVersion = false, options: ParseOptions = {}): Promise<TomlDocument> {
    const key = byVersion ? tag : `${tag}:${text.length}:${hashText(text)}`;
    const hit = this.parsed.get(file);
    if (hit && hit.key === key) return hit.doc;
    const parsed = this.engine.request<TomlDocument>({ op: 'parse', file, text, parse: options });
    void parsed.then(
      (doc) => this.lastDone.set(file, doc),
      () => this.parsed.get(file)?.doc === parsed && this.parsed.delete(file),
    );
    this.parsed.set(file, { key, doc: parsed });
    return parsed;
  }

  /** The Dockerfile COPY lines of a project (cached by mtime), empty for a runtime home. */
  private async dockerCopies(ws: MiWorkspace): Promise<ReturnType<typeof readDockerCopies>> {
    if (ws.kind !== 'project' || !ws.dockerfile || !this.trusted) return [];
    try {
      const st = await vscode.workspace.fs.stat(vscode.Uri.file(ws.dockerfile));
      const hit = this.dockerCache.get(ws.dockerfile);
      if (hit && hit.mtime === st.mtime) return hit.copies;
      const copies = readDockerCopies((await readProjectFile(ws.dockerfile)) ?? '');
      this.dockerCache.set(ws.dockerfile, { mtime: st.mtime, copies });
      return copies;
    } catch {
      return [];
    }
  }

  /** The effective configuration of a workspace (its deployment.toml as the editor holds it), cached per parse. */
  async effective(ws: MiWorkspace, doc?: TomlDocument): Promise<EffectiveConfig | undefined> {
    const parsed = doc ?? (await this.parse(ws.deploymentToml));
    if (!parsed) return undefined;
    const copies = await this.dockerCopies(ws);
    const copiesKey = copies.map((c) => c.sources.join(',') + '>' + c.destination).join(';');
    // Untrusted: nothing outside the workspace folder is even stat'ed (a path may name /etc/shadow or a share).
    const within = this.trusted ? undefined : (vscode.workspace.getWorkspaceFolder(vscode.Uri.file(ws.deploymentToml))?.uri.fsPath ?? ws.root);
    const copiesKeyed = `${copiesKey}|${within ?? ''}`;
    const hit = this.effectiveCache.get(ws.deploymentToml);
    if (hit && hit.doc === parsed && hit.copiesKey === copiesKeyed) return hit.config;
    const config = buildEffectiveConfig(parsed, ws, { dockerCopies: copies, statWithin: within });
    this.effectiveCache.set(ws.deploymentToml, { doc: parsed, copiesKey: copiesKeyed, config });
    return config;
  }

  /** The keystore files of a workspace: every configured one, then unused store files in its store folder. */
  async storesOf(ws: MiWorkspace): Promise<WorkspaceStore[]> {
    const config = await this.effective(ws);
    const byFile = new Map<string, EffectiveStore[]>();
    for (const s of config?.stores ?? []) {
      if (!s.path) continue;
      const list = byFile.get(s.path) ?? [];
      list.push(s);
      byFile.set(s.path, list);
    }
    const result: WorkspaceStore[] = [...byFile].map(([file, stores]) => {
      const roles = (['primary', 'internal', 'truststore'] as const).filter((r) => stores.some((s) => s.consumer === r));
      return { file, roles: roles.length ? roles : [], stores };
    });
    const folder = ws.kind === 'project' ? ws.resourcesDir : path.join(ws.root, 'repository', 'resources', 'security');
    try {
      for (const [name, type] of await vscode.workspace.fs.readDirectory(vscode.Uri.file(folder))) {
        const file = path.join(folder, name);
        if (type !== vscode.FileType.File || !STORE_EXTENSIONS.has(path.extname(name).toLowerCase()) || byFile.has(file)) continue;
        result.push({ file, roles: ['unused'], stores: [] });
      }
    } catch {
      // No store folder: nothing unused to list.
    }
    return result;
  }

  /** Every keystore file of every workspace. */
  async knownKeystores(): Promise<WorkspaceStore[]> {
    const all = await Promise.all((await this.workspaces()).map((ws) => this.storesOf(ws)));
    const seen = new Set<string>();
    return all.flat().filter((s) => (seen.has(s.file) ? false : (seen.add(s.file), true)));
  }

  /** The effective stores (of any workspace) whose resolved path is `file`. */
  async consumersOf(file: string): Promise<EffectiveStore[]> {
    const abs = path.resolve(file);
    const all = await this.workspaces();
    // A deployment.toml open in an editor counts even before discovery sees its folder (a quick fix comes from one).
    const open = vscode.workspace.textDocuments.filter((d) => d.uri.scheme === 'file' && path.basename(d.uri.fsPath) === 'deployment.toml').map((d) => d.uri.fsPath);
    const extra = await Promise.all(open.filter((t) => !all.some((w) => w.deploymentToml === t)).map((t) => this.workspaceOf(t)));
    const configs = await Promise.all([...all, ...extra].map((ws) => this.effective(ws)));
    return configs.flatMap((c) => c?.stores ?? []).filter((s) => s.path === abs);
  }

  /** The store password deployment.toml gives for `file` in clear (plain, or resolvable), if any. */
  async configuredPassword(file: string): Promise<string | undefined> {
    for (const s of await this.consumersOf(file)) if (s.password?.value !== undefined) return s.password.value;
    return undefined;
  }

  /** The aliases deployment.toml names in `file`. */
  async configuredAliases(file: string): Promise<string[]> {
    return (await this.consumersOf(file)).flatMap((s) => (s.alias ? [s.alias.value] : []));
  }

  /**
   * The decoded store at `file` with the password deployment.toml gives or the one remembered; never
   * prompts. `needs-password` when neither is known (or the remembered one stopped working).
   */
  async readStore(file: string): Promise<StoreRead | { ok: false; kind: 'needs-password' | 'untrusted' | string; message: string }> {
    if (!this.trusted) return { ok: false, kind: 'untrusted', message: 'Keystores are not read in an untrusted workspace.' };
    const candidates = [await this.configuredPassword(file), await this.passwords.get(file)].filter((p): p is string => p !== undefined);
    let last: { ok: false; kind: string; message: string } | undefined;
    for (const pw of candidates) {
      const r = await this.cache.read(file, pw);
      if (r.ok) return r;
      last = r;
      if (r.kind !== 'wrong-password') return r;
    }
    return last && last.kind !== 'wrong-password'
      ? last
      : { ok: false, kind: 'needs-password', message: last ? 'The configured password does not open this keystore.' : 'The password of this keystore is not known yet.' };
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/** A cheap text fingerprint (FNV-1a) for the disk cache key. */
function hashText(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Whether the file begins with a UTF-8 byte order mark (three bytes read; false when it cannot be read). */
async function startsWithByteOrderMark(file: string): Promise<boolean> {
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(file, 'r');
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(3), 0, 3, 0);
    return hasByteOrderMark(buffer.subarray(0, bytesRead));
  } catch {
    return false;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
