/**
 * The one way the tests lay out an MI runtime home: `conf/deployment.toml` and the keystores under
 * `repository/resources/security/`, as MI's distribution has them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SECURITY_DIR } from '../../src/core/workspace/resolvePath';

/** Where MI keeps its keystores, relative to the home (the engine's own constant). */
export const SECURITY = SECURITY_DIR;

/** A home written by writeMiHome. */
export interface MiHomeFiles {
  readonly root: string;
  /** conf/deployment.toml */
  readonly toml: string;
  /** repository/resources/security */
  readonly security: string;
}

/**
 * Writes an MI home at `root` (created if absent): `toml` as conf/deployment.toml and each store, by name, under
 * the security folder, copied from a file path or written from bytes (readable by all, as a copy from a
 * read-only fixture folder would not be).
 */
export function writeMiHome(root: string, toml: string | Uint8Array, stores: Readonly<Record<string, string | Uint8Array>> = {}): MiHomeFiles {
  const security = path.join(root, SECURITY);
  const tomlFile = path.join(root, 'conf', 'deployment.toml');
  fs.mkdirSync(security, { recursive: true });
  fs.mkdirSync(path.dirname(tomlFile), { recursive: true });
  fs.writeFileSync(tomlFile, toml);
  for (const [name, from] of Object.entries(stores)) {
    const file = path.join(security, name);
    if (typeof from === 'string') fs.copyFileSync(from, file);
    else fs.writeFileSync(file, from);
    fs.chmodSync(file, 0o644);
  }
  return { root, toml: tomlFile, security };
}
