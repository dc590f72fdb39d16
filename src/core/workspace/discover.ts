/**
 * Finds MI workspaces under a folder by their marker files (docs/mi-configuration.md#where-things-live): runtime homes
 * (`conf/deployment.toml` + `repository/`) and integration projects (`pom.xml` whose `projectType` is
 * `integration-project` + `deployment/deployment.toml`). Skips `node_modules` and `.git`, and never
 * follows a symbolic link to a place outside the folder searched.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** An MI runtime home: `root` is MI_HOME. */
export interface MiRuntimeHome {
  readonly kind: 'runtime';
  /** Absolute path of MI_HOME. */
  readonly root: string;
  /** Absolute path of `conf/deployment.toml`. */
  readonly deploymentToml: string;
}

/** An MI integration project as WSO2's VS Code extension creates it. */
export interface MiProject {
  readonly kind: 'project';
  /** Absolute path of the folder holding `pom.xml`. */
  readonly root: string;
  /** Absolute path of `deployment/deployment.toml`. */
  readonly deploymentToml: string;
  readonly pomXml: string;
  /** `deployment/docker/Dockerfile`, or null when the project has none. */
  readonly dockerfile: string | null;
  /** `deployment/docker/resources`: where `repository/resources/security/X` lives in a project. */
  readonly resourcesDir: string;
}

/** Either kind of MI workspace. */
export type MiWorkspace = MiRuntimeHome | MiProject;

/** Folders never searched: dependency and VCS trees hold no MI workspace of the user's. */
const SKIPPED = new Set(['node_modules', '.git']);

/** A pom.xml names the project type in a `<projectType>` property. */
const PROJECT_TYPE = /<projectType>\s*integration-project\s*<\/projectType>/;

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** The runtime home rooted at `dir`, or null when its markers are absent. */
export function runtimeHomeAt(dir: string): MiRuntimeHome | null {
  const toml = path.join(dir, 'conf', 'deployment.toml');
  if (!isFile(toml) || !isDirectory(path.join(dir, 'repository'))) return null;
  return { kind: 'runtime', root: dir, deploymentToml: toml };
}

/** The integration project rooted at `dir`, or null when its markers are absent. */
export function projectAt(dir: string): MiProject | null {
  const pom = path.join(dir, 'pom.xml');
  const toml = path.join(dir, 'deployment', 'deployment.toml');
  if (!isFile(pom) || !isFile(toml)) return null;
  let text: string;
  try {
    // The property sits near the top; a bounded read keeps a huge pom from costing much.
    const fd = fs.openSync(pom, 'r');
    try {
      const buffer = Buffer.alloc(256 * 1024);
      const n = fs.readSync(fd, buffer, 0, buffer.length, 0);
      text = buffer.subarray(0, n).toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return null;
  }
  if (!PROJECT_TYPE.test(text)) return null;
  const dockerfile = path.join(dir, 'deployment', 'docker', 'Dockerfile');
  return {
    kind: 'project',
    root: dir,
    deploymentToml: toml,
    pomXml: pom,
    dockerfile: isFile(dockerfile) ? dockerfile : null,
    resourcesDir: path.join(dir, 'deployment', 'docker', 'resources'),
  };
}

/** The workspace rooted exactly at `dir` (a project wins when a folder is both). */
export function workspaceAt(dir: string): MiWorkspace | null {
  return projectAt(dir) ?? runtimeHomeAt(dir);
}

/**
 * The workspace a deployment.toml belongs to: `<home>/conf/deployment.toml` or
 * `<project>/deployment/deployment.toml`. A deployment.toml elsewhere is treated as a runtime home's
 * (MI_HOME = the folder above its folder when that is `conf`, else its own folder), so a lone file can
 * still be checked.
 */
export function workspaceForFile(tomlPath: string): MiWorkspace {
  const file = path.resolve(tomlPath);
  const dir = path.dirname(file);
  const parent = path.dirname(dir);
  const base = path.basename(dir);
  if (base === 'deployment') {
    const project = projectAt(parent);
    if (project && project.deploymentToml === file) return project;
  }
  if (base === 'conf') return { kind: 'runtime', root: parent, deploymentToml: file };
  return { kind: 'runtime', root: dir, deploymentToml: file };
}

/** Options of `discoverWorkspaces`. */
export interface DiscoverOptions {
  /** How deep to descend below the folder (default 12). */
  readonly maxDepth?: number;
}

/**
 * Every MI workspace at or under `folder`, sorted by root. A file argument that is a deployment.toml
 * yields its workspace (see `workspaceForFile`).
 */
export async function discoverWorkspaces(folder: string, options: DiscoverOptions = {}): Promise<MiWorkspace[]> {
  const start = path.resolve(folder);
  const stat = await fs.promises.stat(start);
  if (stat.isFile()) return path.basename(start) === 'deployment.toml' ? [workspaceForFile(start)] : [];
  const maxDepth = options.maxDepth ?? 12;
  const realRoot = await fs.promises.realpath(start);
  const seen = new Set<string>([realRoot]);
  const found: MiWorkspace[] = [];

  const walk = async (dir: string, depth: number): Promise<void> => {
    const ws = workspaceAt(dir);
    if (ws) found.push(ws);
    if (depth >= maxDepth) return;
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(dir, { withFileTypes: true });
    } catch {
      return; // An unreadable folder holds nothing we can check.
    }
    for (const entry of entries) {
      if (SKIPPED.has(entry.name)) continue;
      const child = path.join(dir, entry.name);
      if (entry.isSymbolicLink()) {
        // Follow a link only when it stays inside the folder searched, and only once (links can loop).
        let real: string;
        try {
          real = await fs.promises.realpath(child);
          if (!(await fs.promises.stat(real)).isDirectory()) continue;
        } catch {
          continue;
        }
        if (real !== realRoot && !real.startsWith(realRoot + path.sep)) continue;
        if (seen.has(real)) continue;
        seen.add(real);
        await walk(child, depth + 1);
      } else if (entry.isDirectory()) {
        let real = child;
        try {
          real = await fs.promises.realpath(child);
        } catch {
          continue;
        }
        if (seen.has(real)) continue;
        seen.add(real);
        await walk(child, depth + 1);
      }
    }
  };
  await walk(start, 0);
  return found.sort((a, b) => (a.root < b.root ? -1 : a.root > b.root ? 1 : 0));
}
