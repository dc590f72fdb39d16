/**
 * Writes what the commands decide into the configuration: the `[keystore.primary]`,
 * `[keystore.internal]` or `[truststore]` table (through the engine's edit planners), a project's
 * pom.xml `keystore.*` properties and Dockerfile COPY line, and a changed password. All through
 * WorkspaceEdit (see applyEdits.ts), so each change can be undone.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { appendTableEdit, setValueEdits, tableSnippet, tomlString } from '../core/config/edit';
import type { TextEdit } from '../core/problem';
import type { MiWorkspace } from '../core/workspace/discover';
import { readDockerCopies, readPomKeystoreProperties, readProjectFileSync } from '../core/workspace/project';
import { escapeXmlText } from '../core/workspace/xmlText';
import { fileNameFor, isInside, SECURITY_DIR } from '../core/workspace/resolvePath';
import { applyTextEdits } from './applyEdits';
import type { Deps } from './deps';
import { PlainSentenceError } from './errorMessages';

/** The three tables a generated or imported store can be configured in. */
export type ConfigRole = 'primary' | 'internal' | 'truststore';

/** The table a role is configured in. */
export function tableOfRole(role: ConfigRole): string {
  return role === 'primary' ? 'keystore.primary' : role === 'internal' ? 'keystore.internal' : 'truststore';
}

/** What to write for a store. */
export interface StoreConfig {
  readonly deploymentToml: string;
  readonly role: ConfigRole;
  readonly storeFile: string;
  readonly type: string;
  readonly password: string;
  readonly alias?: string;
  readonly keyPassword?: string;
}

/** Writes the role's table (and a project's pom.xml / Dockerfile); returns the files changed. */
export async function writeStoreConfig(deps: Deps, c: StoreConfig): Promise<string[]> {
  const ws = await deps.model.workspaceOf(c.deploymentToml);
  const doc = await deps.model.parse(c.deploymentToml);
  if (!doc) throw new PlainSentenceError(`Cannot read ${c.deploymentToml}.`);
  const table = tableOfRole(c.role);
  const values: Record<string, string> = {
    file_name: tomlString(fileNameFor(ws, c.storeFile)),
    type: tomlString(c.type),
    password: tomlString(c.password),
  };
  if (c.alias !== undefined) values.alias = tomlString(c.alias);
  if (c.keyPassword !== undefined) values.key_password = tomlString(c.keyPassword);
  const exists = doc.tables.some((t) => t.name === table && !t.isArrayTable);
  const edits: TextEdit[] = exists
    ? mergeInserts(Object.entries(values).flatMap(([k, v]) => setValueEdits(doc, table, k, v)))
    : [appendTableEdit(doc, tableSnippet(table, values, doc.text.includes('\r\n') ? '\r\n' : '\n'))];
  if (ws.kind === 'project') edits.push(...projectEdits(ws, c));
  return applyTextEdits(edits, `MI Keystores: configure ${table}`, new Map([[doc.file, doc.text]]));
}

/** Several inserts at one point (new keys after the table's last one) become one edit, in order. */
function mergeInserts(edits: TextEdit[]): TextEdit[] {
  const out: TextEdit[] = [];
  for (const e of edits) {
    const prev = out.find(
      (p) =>
        p.file === e.file &&
        p.range.start.line === e.range.start.line &&
        p.range.start.character === e.range.start.character &&
        p.range.end.line === p.range.start.line &&
        p.range.end.character === p.range.start.character &&
        e.range.end.line === e.range.start.line &&
        e.range.end.character === e.range.start.character,
    );
    if (prev) out[out.indexOf(prev)] = { ...prev, newText: prev.newText + e.newText };
    else out.push(e);
  }
  return out;
}

/**
 * A project repeats the primary store's name in pom.xml (`keystore.*`, read by the cipher tool plugin)
 * and copies every store into the image in the Dockerfile: keep both in step (docs/mi-configuration.md#where-things-live).
 */
function projectEdits(ws: Extract<MiWorkspace, { kind: 'project' }>, c: StoreConfig): TextEdit[] {
  const edits: TextEdit[] = [];
  const name = path.basename(c.storeFile);
  if (c.role === 'primary' && fs.existsSync(ws.pomXml)) {
    const props = readPomKeystoreProperties(readProjectFileSync(ws.pomXml));
    const set = (p: { valueRange: TextEdit['range'] } | undefined, value: string | undefined) => {
      if (p && value !== undefined) edits.push({ file: ws.pomXml, range: p.valueRange, newText: escapeXmlText(value) });
    };
    set(props.name, name);
    set(props.type, c.type);
    set(props.alias, c.alias);
    set(props.password, c.password);
  }
  if (ws.dockerfile && isInside(ws.resourcesDir, c.storeFile)) {
    const text = readProjectFileSync(ws.dockerfile);
    const copies = readDockerCopies(text);
    const rel = path.relative(path.dirname(ws.dockerfile), c.storeFile).split(path.sep).join('/');
    const copied = copies.some((cp) => cp.sources.some((s) => s.replace(/^\.\//, '') === rel));
    if (!copied) {
      // After the last COPY into the security folder (or the last COPY at all), else at the end.
      const anchor = [...copies].reverse().find((cp) => cp.homeRelativeDestination?.startsWith(SECURITY_DIR)) ?? copies[copies.length - 1];
      const line = `COPY ${rel} \${WSO2_SERVER_HOME}/${SECURITY_DIR}/${name}`;
      const nl = text.includes('\r\n') ? '\r\n' : '\n';
      if (anchor) edits.push({ file: ws.dockerfile, range: { start: anchor.range.end, end: anchor.range.end }, newText: nl + line });
      else {
        const lines = text.split('\n');
        const end = { line: lines.length - 1, character: lines[lines.length - 1].length };
        edits.push({ file: ws.dockerfile, range: { start: end, end }, newText: (text.endsWith('\n') || text === '' ? '' : nl) + line + nl });
      }
    }
  }
  return edits;
}

/**
 * Replaces `oldPassword` by `newPassword` wherever deployment.toml writes it in clear for `keystore`
 * (store and key passwords of every table that points at it, or only the key password of `alias` when
 * `which` is `key`); returns the files changed.
 */
export async function updatePasswordInConfig(
  deps: Deps,
  keystore: string,
  oldPassword: string,
  newPassword: string,
  which: 'store' | 'key' = 'store',
  alias?: string,
): Promise<string[]> {
  const abs = path.resolve(keystore);
  const edits: TextEdit[] = [];
  const basedOn = new Map<string, string>();
  const seen = new Set<string>();
  for (const ws of await deps.model.workspaces()) {
    const config = await deps.model.effective(ws);
    if (!config) continue;
    for (const store of config.stores.filter((s) => s.path === abs)) {
      if (which === 'key' && alias !== undefined && store.alias?.value.toLowerCase() !== alias.toLowerCase()) continue;
      // A store password change also moves key passwords that followed it (see storeCommands.ts).
      for (const pw of which === 'key' ? [store.keyPassword] : [store.password, store.keyPassword]) {
        if (!pw || pw.state !== 'plain' || pw.value !== oldPassword || pw.origin.kind !== 'line') continue;
        const r = pw.origin.range;
        const id = `${config.document.file}:${r.start.line}:${r.start.character}`;
        if (seen.has(id)) continue;
        seen.add(id);
        basedOn.set(config.document.file, config.document.text);
        edits.push({ file: config.document.file, range: r, newText: tomlString(newPassword) });
      }
    }
  }
  return applyTextEdits(edits, 'MI Keystores: update the keystore password', basedOn);
}
