/**
 * The cipher transformation MI's secure vault really uses for `[secrets]`: the JVM property
 * `org.wso2.CipherTransformation`. MI 4.x renders `conf/carbon.properties` from `carbon.properties.j2`
 * (one line per `[system.parameter]` entry, with `default.json` supplying
 * `'org.wso2.CipherTransformation' = "RSA/ECB/OAEPwithSHA1andMGF1Padding"`) and loads it as system
 * properties at start; `bin/ciphertool.sh` passes the same value. So the order is: deployment.toml's
 * `[system.parameter]`, else what the MI home's `conf/carbon.properties` says, else OAEP-SHA1. Only
 * outside MI does the cipher tool fall back to the JDK's `RSA` (PKCS#1 v1.5).
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { Range } from '../problem';
import type { TomlDocument } from '../config/toml';
import type { MiWorkspace } from '../workspace/discover';
import { isInside } from '../workspace/resolvePath';
import { MI_DEFAULT_TRANSFORMATION, isOaep, isPkcs1 } from './cipher';

export { MI_DEFAULT_TRANSFORMATION };

/** The JVM property the secure vault and the cipher tool read. */
export const TRANSFORMATION_PROPERTY = 'org.wso2.CipherTransformation';

/** A carbon.properties larger than this is not read: the real one is a few hundred bytes. */
const MAX_CARBON_PROPERTIES_BYTES = 256 * 1024;

/** Where the effective transformation comes from. */
export type TransformationSource = 'deployment.toml' | 'carbon.properties' | 'default';

/** The transformation MI will use, and why (one sentence a person can check). */
export interface EffectiveTransformation {
  readonly transformation: string;
  readonly source: TransformationSource;
  readonly reason: string;
  /** The value's range in deployment.toml, when it is written there. */
  readonly range?: Range;
}

/**
 * `[system.parameter] 'org.wso2.CipherTransformation'` as written in deployment.toml, or undefined. The
 * key must be one quoted key, as WSO2's deployment-full.toml writes it: unquoted, TOML makes
 * `org.wso2.CipherTransformation` nested tables, which carbon.properties.j2 does not render as this
 * property, so MI keeps its default.
 */
export function transformationInDocument(doc: TomlDocument): { value: string; range: Range } | undefined {
  for (const table of doc.tables) {
    if (table.isArrayTable) continue;
    for (const entry of table.entries) {
      const oneKey = entry.keyParts[entry.keyParts.length - 1] === TRANSFORMATION_PROPERTY;
      if (oneKey && entry.fullKey === `system.parameter.${TRANSFORMATION_PROPERTY}` && entry.value.type === 'string') {
        return { value: String(entry.value.value).trim(), range: entry.value.range };
      }
    }
  }
  return undefined;
}

/**
 * The value of `org.wso2.CipherTransformation` in a Java properties text (`key=value`, `key: value` or
 * `key value`; `#`/`!` comments), or undefined when no line sets it. Line continuations are not needed
 * for this one-word value and are not followed.
 */
export function transformationInProperties(text: string): string | undefined {
  let found: string | undefined;
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trimStart();
    if (!line.startsWith(TRANSFORMATION_PROPERTY)) continue;
    const rest = line.slice(TRANSFORMATION_PROPERTY.length);
    const m = /^\s*[=:]?\s*(.*)$/.exec(rest);
    // `org.wso2.CipherTransformationX=...` is another key.
    if (!m || (rest.length > 0 && !/^[\s=:]/.test(rest))) continue;
    // java.util.Properties keeps the last definition.
    found = m[1].trim();
  }
  return found;
}

/** The short name of a supported transformation for messages: `OAEP-SHA1` or `PKCS#1 v1.5`. */
export function paddingName(transformation: string): string {
  return isOaep(transformation) ? 'OAEP with SHA-1' : isPkcs1(transformation) ? 'PKCS#1 v1.5' : transformation;
}

/**
 * The effective transformation of `doc`, given the text of the MI home's `conf/carbon.properties` (null
 * when there is none, as in an integration project, whose image ships MI's own).
 */
export function effectiveTransformation(doc: TomlDocument, carbonProperties: string | null = null): EffectiveTransformation {
  const written = transformationInDocument(doc);
  if (written && written.value !== '') {
    return {
      transformation: written.value,
      source: 'deployment.toml',
      reason: `deployment.toml sets [system.parameter] '${TRANSFORMATION_PROPERTY}'`,
      range: written.range,
    };
  }
  const fromFile = carbonProperties === null ? undefined : transformationInProperties(carbonProperties);
  if (fromFile) {
    return { transformation: fromFile, source: 'carbon.properties', reason: `the MI home's conf/carbon.properties sets ${TRANSFORMATION_PROPERTY}` };
  }
  return {
    transformation: MI_DEFAULT_TRANSFORMATION,
    source: 'default',
    reason: `MI 4.x's default: nothing in deployment.toml overrides ${TRANSFORMATION_PROPERTY}, which default.json sets for conf/carbon.properties`,
  };
}

/** Options of `workspaceTransformation`. */
export interface TransformationReadOptions {
  /** false for an untrusted workspace: read nothing outside `workspaceFolder`. */
  readonly readOutside?: boolean;
  readonly workspaceFolder?: string;
}

/** The text of a runtime home's `conf/carbon.properties`, or null when absent, unreadable, too large or out of bounds. */
export async function readCarbonProperties(workspace: MiWorkspace, options: TransformationReadOptions = {}): Promise<string | null> {
  if (workspace.kind !== 'runtime') return null;
  const file = path.join(workspace.root, 'conf', 'carbon.properties');
  if (options.readOutside === false && !isInside(options.workspaceFolder ?? workspace.root, file)) return null;
  try {
    const handle = await fsp.open(file, 'r');
    try {
      const { size } = await handle.stat();
      if (size > MAX_CARBON_PROPERTIES_BYTES) return null;
      return await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch {
    return null;
  }
}

/** The effective transformation of a workspace: its deployment.toml, its home's carbon.properties, MI's default. */
export async function workspaceTransformation(doc: TomlDocument, workspace: MiWorkspace, options: TransformationReadOptions = {}): Promise<EffectiveTransformation> {
  if (transformationInDocument(doc)?.value) return effectiveTransformation(doc);
  return effectiveTransformation(doc, await readCarbonProperties(workspace, options));
}

/** "RSA/ECB/OAEPwithSHA1andMGF1Padding (MI 4.x's default: ...)": the transformation and why, for a person. */
export function describeTransformation(effective: EffectiveTransformation): string {
  return `${effective.transformation} (${effective.reason})`;
}
