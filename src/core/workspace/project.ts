/**
 * The two files of an integration project that repeat the keystore name (docs/mi-configuration.md#where-things-live): the pom.xml
 * `keystore.*` properties (used by the cipher tool plugin) and the Dockerfile `COPY` lines that put
 * `deployment/docker/resources/X` into the image's `repository/resources/security/`. Plain text
 * scanning with positions, so problems and fixes can point at the exact text.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Range } from '../problem';
import { blankComments } from './xmlScan';
import { decodeXmlText } from './xmlText';

/** A `<name>value</name>` property of pom.xml with the range of its value text. */
export interface PomProperty {
  readonly name: string;
  readonly value: string;
  /** Range of the text between the tags (empty range when the element is empty). */
  readonly valueRange: Range;
}

/** The keystore-related properties of a project's pom.xml. */
export interface PomKeystoreProperties {
  readonly name?: PomProperty;
  readonly alias?: PomProperty;
  readonly type?: PomProperty;
  readonly password?: PomProperty;
  readonly ciphertoolEnable?: PomProperty;
}

/** A `COPY src... dest` line of a Dockerfile. */
export interface DockerCopy {
  /** Sources as written, relative to the build context (`deployment/docker`). */
  readonly sources: readonly string[];
  /** Destination as written. */
  readonly destination: string;
  /**
   * Destination relative to the MI home inside the image (`repository/resources/security/x.jks`) when it
   * starts with `${WSO2_SERVER_HOME}` / `$WSO2_SERVER_HOME`; null otherwise.
   */
  readonly homeRelativeDestination: string | null;
  /** Range of the whole line. */
  readonly range: Range;
  readonly sourceRanges: readonly Range[];
  readonly destinationRange: Range;
}

/**
 * How much of a pom.xml or Dockerfile is read and scanned: the keystore properties and COPY lines of a real
 * project are in its first few kilobytes, and a cloned repository's file may be anything.
 */
export const MAX_PROJECT_FILE_BYTES = 256 * 1024;

/** The first MAX_PROJECT_FILE_BYTES of a project file as UTF-8, or null when it cannot be read. */
export async function readProjectFile(file: string): Promise<string | null> {
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(file, 'r');
    const buffer = Buffer.alloc(MAX_PROJECT_FILE_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } catch {
    return null;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** The first MAX_PROJECT_FILE_BYTES of a project file, read synchronously (for writers that already hold the file). */
export function readProjectFileSync(file: string): string {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(MAX_PROJECT_FILE_BYTES);
    const bytesRead = fs.readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}

/** The 0-based line and character of `offset`, given the offsets where lines start (binary search). */
export function positionAt(lineStarts: readonly number[], offset: number): { line: number; character: number } {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, character: offset - lineStarts[lo] };
}

/** The offset where each line of `text` starts. */
export function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

/** The `keystore.*` and `ciphertool.enable` properties of a pom.xml text; comments are skipped. */
export function readPomKeystoreProperties(text: string): PomKeystoreProperties {
  text = text.slice(0, MAX_PROJECT_FILE_BYTES);
  // Comments blanked (offsets kept), so a commented-out property is not read.
  const visible = blankComments(text);
  const starts = lineStartsOf(text);
  const found: Record<string, PomProperty> = {};
  const re = /<(keystore\.name|keystore\.alias|keystore\.type|keystore\.password|ciphertool\.enable)>([^<]*)<\/\1>/g;
  for (let m = re.exec(visible); m; m = re.exec(visible)) {
    const name = m[1];
    if (found[name]) continue; // The first wins, as Maven's properties block holds each once.
    const valueStart = m.index + name.length + 2;
    const raw = m[2];
    // Report the trimmed value's range so a fix replaces exactly the value.
    const lead = raw.length - raw.trimStart().length;
    const trimmed = raw.trim();
    found[name] = {
      name,
      value: decodeXmlText(trimmed),
      valueRange: { start: positionAt(starts, valueStart + lead), end: positionAt(starts, valueStart + lead + trimmed.length) },
    };
  }
  return {
    name: found['keystore.name'],
    alias: found['keystore.alias'],
    type: found['keystore.type'],
    password: found['keystore.password'],
    ciphertoolEnable: found['ciphertool.enable'],
  };
}

/** The double-quoted strings of a JSON-form COPY, scanned once (an unclosed `"` ends the list). */
function jsonStrings(text: string, offset: number): { text: string; start: number }[] {
  const out: { text: string; start: number }[] = [];
  for (let i = text.indexOf('"'); i >= 0; i = text.indexOf('"', i + 1)) {
    let j = i + 1;
    while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
    if (j >= text.length) break;
    out.push({ text: text.slice(i + 1, j), start: offset + i + 1 });
    i = j;
  }
  return out;
}

const HOME_PREFIX = /^(?:\$\{WSO2_SERVER_HOME\}|\$WSO2_SERVER_HOME)\/?/;

/** Every `COPY` line of a Dockerfile text (shell and JSON forms; `--flag=x` options skipped). */
export function readDockerCopies(text: string): DockerCopy[] {
  const result: DockerCopy[] = [];
  const lines = text.slice(0, MAX_PROJECT_FILE_BYTES).split('\n');
  for (let line = 0; line < lines.length; line++) {
    const content = lines[line].replace(/\r$/, '');
    const m = /^(\s*)COPY\s+/i.exec(content);
    if (!m) continue;
    const words: { text: string; start: number }[] = [];
    // Options (`--chown=x`, `--from=stage`) come first; skip them before telling the two forms apart.
    const flags = /^(?:--\S+\s+)*/.exec(content.slice(m[0].length))?.[0] ?? '';
    const rest = content.slice(m[0].length + flags.length);
    const restStart = m[0].length + flags.length;
    if (rest.trimStart().startsWith('[')) {
      words.push(...jsonStrings(rest, restStart));
    } else {
      const token = /\S+/g;
      for (let w = token.exec(rest); w; w = token.exec(rest)) words.push({ text: w[0], start: restStart + w.index });
    }
    const args = words.filter((w) => !w.text.startsWith('--'));
    if (args.length < 2) continue;
    const dest = args[args.length - 1];
    const sources = args.slice(0, -1);
    const rangeOf = (w: { text: string; start: number }): Range => ({
      start: { line, character: w.start },
      end: { line, character: w.start + w.text.length },
    });
    const homeRelative = HOME_PREFIX.test(dest.text) ? path.posix.normalize(dest.text.replace(HOME_PREFIX, '')) : null;
    result.push({
      sources: sources.map((s) => s.text),
      destination: dest.text,
      homeRelativeDestination: homeRelative,
      range: { start: { line, character: 0 }, end: { line, character: content.length } },
      sourceRanges: sources.map(rangeOf),
      destinationRange: rangeOf(dest),
    });
  }
  return result;
}

/**
 * Where a COPY puts a source file, relative to MI_HOME: the destination itself, or destination + the
 * source's base name when the destination is a folder (ends with `/`) or there are several sources.
 */
export function copyTarget(copy: DockerCopy, sourceIndex: number): string | null {
  if (copy.homeRelativeDestination === null) return null;
  const folder = copy.destination.endsWith('/') || copy.sources.length > 1;
  return folder
    ? path.posix.join(copy.homeRelativeDestination, path.posix.basename(copy.sources[sourceIndex]))
    : copy.homeRelativeDestination;
}
