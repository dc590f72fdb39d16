/**
 * Resolves a `file_name` / `location` value as MI does (docs/mi-configuration.md#where-file_name-points): used verbatim, relative paths
 * against MI_HOME (the start script changes into it), absolute paths as they are. In an integration
 * project the image's MI_HOME is built by the Dockerfile, so `repository/resources/security/X` is
 * satisfied by the file a `COPY` line puts there, else by `deployment/docker/resources/X`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { MiWorkspace } from './discover';
import { copyTarget, type DockerCopy } from './project';

/** Where MI keeps keystores, relative to MI_HOME. */
export const SECURITY_DIR = 'repository/resources/security';
/** Where MI 1.x and EI 7.0 kept them, and old documentation still says to copy them; MI 4.x never reads it. */
export const LEGACY_SECURITY_DIR = 'repository/security';

/** How a path was resolved. */
export type ResolvedVia =
  | 'home' // relative to MI_HOME
  | 'absolute' // absolute as written
  | 'dockerfile' // a Dockerfile COPY line puts this file there
  | 'project-resources' // deployment/docker/resources/X stands for repository/resources/security/X
  | 'container'; // a path inside the image that no project file provides: cannot be checked here

/** A resolved keystore path. */
export interface ResolvedStorePath {
  /** The value as configured. */
  readonly value: string;
  /** Absolute path on this machine, or null when it names a place only the container has. */
  readonly path: string | null;
  readonly via: ResolvedVia;
  readonly exists: boolean;
  /** The same file name under `repository/security/` (runtime homes), when `path` does not exist but that does. */
  readonly legacyPath?: string;
  /** The same base name under `repository/resources/security/` when `path` does not exist but that does. */
  readonly securityDirPath?: string;
  /** The Dockerfile COPY line that provides the file (via `dockerfile`). */
  readonly copy?: DockerCopy;
}

/**
 * True for a UNC path (`\\\\host\\share`, `//host/share`, `\\\\?\\UNC\\…`): on Windows, touching one opens an SMB
 * connection that sends the user's credentials to the host a file names, so it is never touched unasked.
 */
export function isUncPath(p: string): boolean {
  return /^[\\/]{2}/.test(p.trim());
}

/** The folder outside which nothing is stat'ed (an untrusted workspace), for the resolution in progress. */
let statWithin: string | undefined;

function fileExists(p: string): boolean {
  if (isUncPath(p)) return false;
  if (statWithin !== undefined && !isInside(statWithin, path.resolve(p))) return false;
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** `${carbon.home}` and `$sys{carbon.home}` stand for MI_HOME in values copied from Carbon docs. */
const CARBON_HOME = /^(?:\$\{carbon\.home\}|\$sys\{carbon\.home\})[\\/]?/;

/**
 * Resolves `value` for `workspace`; `copies` are the project's Dockerfile COPY lines (if any). With `within`
 * (an untrusted workspace's folder), a path outside it is resolved as text and never stat'ed.
 */
export function resolveStorePath(workspace: MiWorkspace, value: string, copies: readonly DockerCopy[] = [], within?: string): ResolvedStorePath {
  statWithin = within;
  try {
    return resolveStorePathNow(workspace, value, copies);
  } finally {
    statWithin = undefined;
  }
}

function resolveStorePathNow(workspace: MiWorkspace, value: string, copies: readonly DockerCopy[]): ResolvedStorePath {
  let written = value.trim();
  const homeRelative = CARBON_HOME.test(written);
  if (homeRelative) written = written.replace(CARBON_HOME, '');
  if (!homeRelative && (path.isAbsolute(written) || path.win32.isAbsolute(written))) {
    const exists = fileExists(written);
    if (workspace.kind === 'project' && !exists) return { value, path: null, via: 'container', exists: false };
    return { value, path: written, via: 'absolute', exists };
  }
  const rel = path.posix.normalize(written.replace(/\\/g, '/'));
  const base = path.posix.basename(rel);
  if (workspace.kind === 'project') {
    const dockerDir = path.dirname(workspace.resourcesDir);
    for (const copy of copies) {
      for (let i = 0; i < copy.sources.length; i++) {
        if (copyTarget(copy, i) !== rel || /[*?[]/.test(copy.sources[i])) continue;
        const p = path.resolve(dockerDir, copy.sources[i]);
        return { value, path: p, via: 'dockerfile', exists: fileExists(p), copy };
      }
    }
    if (rel.startsWith(SECURITY_DIR + '/')) {
      const p = path.join(workspace.resourcesDir, ...rel.slice(SECURITY_DIR.length + 1).split('/'));
      return { value, path: p, via: 'project-resources', exists: fileExists(p) };
    }
    return { value, path: null, via: 'container', exists: false };
  }
  const p = path.join(workspace.root, ...rel.split('/'));
  const exists = fileExists(p);
  if (exists) return { value, path: p, via: 'home', exists };
  const legacy = path.join(workspace.root, ...LEGACY_SECURITY_DIR.split('/'), base);
  const inSecurity = path.join(workspace.root, ...SECURITY_DIR.split('/'), base);
  return {
    value,
    path: p,
    via: 'home',
    exists,
    ...(fileExists(legacy) ? { legacyPath: legacy } : {}),
    ...(inSecurity !== p && fileExists(inSecurity) ? { securityDirPath: inSecurity } : {}),
  };
}

/**
 * The `file_name` value that makes MI find `absolutePath`: relative to MI_HOME when inside it (with
 * `/` separators, as WSO2 writes them), else the absolute path.
 */
export function fileNameFor(workspace: MiWorkspace, absolutePath: string): string {
  if (workspace.kind === 'project' && isInside(workspace.resourcesDir, absolutePath)) {
    return `${SECURITY_DIR}/${path.relative(workspace.resourcesDir, absolutePath).split(path.sep).join('/')}`;
  }
  if (isInside(workspace.root, absolutePath)) return path.relative(workspace.root, absolutePath).split(path.sep).join('/');
  return absolutePath;
}

/** Whether `p` is `folder` or below it. */
export function isInside(folder: string, p: string): boolean {
  const rel = path.relative(folder, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
