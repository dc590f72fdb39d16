/**
 * Where an MI workspace keeps its Synapse artifacts, and the HTTPS URLs in them: the MI 4.x project
 * layout (`src/main/wso2mi/artifacts/**`), the older multi-module one (`<module>/src/main/synapse-config/**`),
 * a runtime home's `repository/deployment/server/synapse-configs/default/**` and the XML inside its
 * `repository/deployment/server/carbonapps/*.car`. Every read is bounded (file count, depth, sizes), and
 * symbolic links are never followed: a workspace may be hostile.
 */
import * as fs from 'node:fs';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { MiWorkspace } from '../workspace/discover';
import { findSynapseUrls, type ArtifactUrl, type PlaceholderLookup } from './synapseUrls';
import { readZipEntries } from './zipReader';
import { findHttpsInbounds, type HttpsInbound } from './inboundEndpoints';
import { readBoundedText } from '../io/boundedRead';

/** A URL with the file it is written in (`x.car!/folder/ep.xml` for a file inside a Carbon application). */
export interface LocatedUrl extends ArtifactUrl {
  /** Absolute path of the XML file, or of the `.car` followed by `!/` and the entry name. */
  readonly file: string;
}

/** Limits of one scan. */
export interface ScanLimits {
  readonly maxFiles?: number;
  readonly maxXmlBytes?: number;
  readonly maxCarBytes?: number;
}

/** An HTTPS inbound endpoint with the file it is written in. */
export interface LocatedInbound extends HttpsInbound {
  readonly file: string;
}

/** What a scan found. */
export interface ArtifactScan {
  readonly urls: LocatedUrl[];
  /** HTTPS inbound endpoints: listeners of their own, each serving a key. */
  readonly inbounds: LocatedInbound[];
  /** Files that were too large or unreadable, with the reason. */
  readonly skipped: { readonly file: string; readonly reason: string }[];
  readonly filesRead: number;
}

const MAX_DEPTH = 12;
const SKIPPED_DIRS = new Set(['node_modules', '.git', 'target']);

/** The artifact folders of a workspace that exist (absolute paths). */
export async function artifactFolders(ws: MiWorkspace): Promise<string[]> {
  const candidates: string[] = [];
  if (ws.kind === 'project') {
    candidates.push(path.join(ws.root, 'src', 'main', 'wso2mi', 'artifacts'), path.join(ws.root, 'src', 'main', 'synapse-config'));
    for (const module of await listDir(ws.root)) {
      if (module.isDirectory() && !SKIPPED_DIRS.has(module.name)) candidates.push(path.join(ws.root, module.name, 'src', 'main', 'synapse-config'));
    }
  } else {
    candidates.push(path.join(ws.root, 'repository', 'deployment', 'server', 'synapse-configs', 'default'));
  }
  const out: string[] = [];
  for (const c of candidates) if (await isDir(c)) out.push(c);
  return out;
}

/** The Carbon applications of a runtime home. */
async function carbonApps(ws: MiWorkspace): Promise<string[]> {
  if (ws.kind !== 'runtime') return [];
  const dir = path.join(ws.root, 'repository', 'deployment', 'server', 'carbonapps');
  return (await listDir(dir)).filter((e) => e.isFile() && /\.car$/i.test(e.name)).map((e) => path.join(dir, e.name));
}

async function listDir(dir: string) {
  try {
    return await fsp.readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

async function isDir(p: string): Promise<boolean> {
  try {
    return (await fsp.lstat(p)).isDirectory();
  } catch {
    return false;
  }
}

/** Every `*.xml` under `dir` (no links followed), up to `max` files. */
async function xmlFiles(dir: string, max: number): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string, depth: number): Promise<void> => {
    if (depth > MAX_DEPTH || out.length >= max) return;
    for (const e of await listDir(d)) {
      if (out.length >= max) return;
      const p = path.join(d, e.name);
      if (e.isDirectory() && !SKIPPED_DIRS.has(e.name)) await walk(p, depth + 1);
      else if (e.isFile() && /\.xml$/i.test(e.name)) out.push(p);
    }
  };
  await walk(dir, 0);
  return out.sort();
}

/** Parses `KEY=VALUE` lines (`.env`, `file.properties`); `#` and `!` start comments; quotes around a value are dropped. */
export function parseKeyValueLines(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([\w.-]+)\s*[=:]\s*(.*?)\s*$/.exec(line);
    if (!m || /^\s*[#!]/.test(line)) continue;
    let v = m[2];
    if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v.endsWith(v[0])) v = v.slice(1, -1);
    out.set(m[1], v);
  }
  return out;
}

/**
 * The lookup of `${configs.NAME}`, `$SYSTEM:NAME` and `$FILE:NAME` for a workspace: the environment first (MI
 * reads environment variables before its properties file), then a runtime home's `conf/file.properties`, then
 * the `.env`. A config property declared in `config.properties` without a value is unset.
 */
export async function placeholderLookup(ws: MiWorkspace, env: Readonly<Record<string, string | undefined>>): Promise<PlaceholderLookup> {
  const read = async (f: string) => {
    const text = await readBoundedText(f, 1024 * 1024);
    return new Map(text === null ? [] : parseKeyValueLines(text));
  };
  const dotEnv = await read(path.join(ws.root, '.env'));
  const fileProperties = ws.kind === 'runtime' ? await read(path.join(ws.root, 'conf', 'file.properties')) : new Map<string, string>();
  return (kind, name) => {
    // $FILE: is Synapse's resolver of conf/file.properties.
    if (kind === 'file') return fileProperties.get(name);
    if (env[name] !== undefined) return env[name];
    // `${configs.*}` come from file.properties, then .env; a project's .env is handed to MI as environment
    // variables (--env-file), so $SYSTEM: reads it too.
    if (kind === 'configs') return fileProperties.get(name) ?? dotEnv.get(name);
    return ws.kind === 'project' ? dotEnv.get(name) : undefined;
  };
}

/** Every HTTPS URL of the workspace's artifacts, in file order. */
export async function scanArtifacts(ws: MiWorkspace, lookup: PlaceholderLookup, limits: ScanLimits = {}): Promise<ArtifactScan> {
  const maxFiles = limits.maxFiles ?? 5000;
  const maxXml = limits.maxXmlBytes ?? 2 * 1024 * 1024;
  const maxCar = limits.maxCarBytes ?? 64 * 1024 * 1024;
  const urls: LocatedUrl[] = [];
  const inbounds: LocatedInbound[] = [];
  const skipped: { file: string; reason: string }[] = [];
  let filesRead = 0;
  const files: string[] = [];
  for (const dir of await artifactFolders(ws)) files.push(...(await xmlFiles(dir, maxFiles - files.length)));
  // Reading 300 small files one after another costs a round trip each; a few at a time keeps the order.
  const texts = await mapLimited(files, 32, (f) => readBounded(f, maxXml));
  files.forEach((file, i) => {
    const r = texts[i];
    if ('skip' in r) {
      skipped.push({ file, reason: r.skip });
      return;
    }
    filesRead++;
    for (const u of findSynapseUrls(r.text, lookup)) urls.push({ ...u, file });
    for (const ib of findHttpsInbounds(r.text)) inbounds.push({ ...ib, file });
  });
  for (const car of await carbonApps(ws)) {
    try {
      const st = await fsp.lstat(car);
      if (st.size > maxCar) {
        skipped.push({ file: car, reason: `larger than ${maxCar} bytes` });
        continue;
      }
      const { entries, skipped: tooBig } = readZipEntries(await fsp.readFile(car), (n) => /\.xml$/i.test(n) && !/(^|\/)artifact(s)?\.xml$/i.test(n), {
        maxEntryBytes: maxXml,
      });
      for (const name of tooBig) skipped.push({ file: `${car}!/${name}`, reason: 'too large or not readable' });
      for (const e of entries) {
        filesRead++;
        const file = `${car}!/${e.name}`;
        const xml = Buffer.from(e.data).toString('utf8');
        for (const u of findSynapseUrls(xml, lookup)) urls.push({ ...u, file });
        for (const ib of findHttpsInbounds(xml)) inbounds.push({ ...ib, file });
      }
    } catch (err) {
      skipped.push({ file: car, reason: err instanceof Error ? err.message : String(err) });
    }
  }
  return { urls, inbounds, skipped, filesRead };
}

/**
 * A file's text when it is at most `max` bytes. Callback I/O, not fs.promises: for hundreds of small
 * files the promise API costs several times more per file.
 */
function readBounded(file: string, max: number): Promise<{ text: string } | { skip: string }> {
  return new Promise((resolve) => {
    const failed = (err: NodeJS.ErrnoException) => resolve({ skip: `cannot be read (${err.code ?? 'error'})` });
    fs.lstat(file, (err, st) => {
      if (err) return failed(err);
      if (st.size > max) return resolve({ skip: `larger than ${max} bytes` });
      fs.readFile(file, 'utf8', (err2, text) => (err2 ? failed(err2) : resolve({ text })));
    });
  });
}

/** `fn` over `items` with at most `limit` running at once; results in the items' order. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
