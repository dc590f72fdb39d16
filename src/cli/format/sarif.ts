/**
 * SARIF 2.1.0 output of `mi-keystores check`, the format GitHub code scanning uploads
 * (OASIS SARIF v2.1.0 §3.13 sarifLog, §3.19 run, §3.27 result, §3.30 region). Locations are relative to
 * the working folder (`uriBaseId` `%SRCROOT%`, declared in `originalUriBaseIds` §3.14.14), so code scanning
 * run at a repository's root places them on its files; a file outside it gets an absolute `file:` URI.
 * Lines and columns are 1-based, columns in UTF-16 code units (the SARIF default `columnKind`, and what
 * the engine's ranges count).
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { problemDocUrl, type Problem, type Severity } from '../../core/problem';
import { problemCodeInfo } from '../../core/checks/codes';

/** A problem with its file path relative to the working folder (`/` separators), absolute when outside it. */
export interface LocatedProblem {
  readonly relativeFile: string;
  readonly problem: Problem;
}

/** SARIF's levels: information and hint are both `note`. */
function level(severity: Severity): 'error' | 'warning' | 'note' {
  return severity === 'error' ? 'error' : severity === 'warning' ? 'warning' : 'note';
}

/** Percent-encodes a relative path for a SARIF `uri` (RFC 3986), keeping `/`. */
function toUri(relative: string): string {
  return relative.split('/').map(encodeURIComponent).join('/');
}

/** The artifact location of a file: relative to `%SRCROOT%`, or an absolute `file:` URI (no base) when outside it. */
function artifactLocation(file: string): { uri: string; uriBaseId?: string } {
  if (path.isAbsolute(file) || /^[A-Za-z]:\//.test(file)) return { uri: pathToFileURL(file).href };
  return { uri: toUri(file), uriBaseId: '%SRCROOT%' };
}

/** Options of `toSarif`. */
export interface SarifOptions {
  /** The absolute folder the relative paths start from, written as `%SRCROOT%`. */
  readonly root?: string;
  readonly toolVersion?: string;
}

/** The SARIF 2.1.0 log of `problems`, one run, one rule per code that occurs. */
export function toSarif(problems: readonly LocatedProblem[], options: SarifOptions = {}): Record<string, unknown> {
  const toolVersion = options.toolVersion ?? '0.1.0';
  const codes = [...new Set(problems.map((p) => p.problem.code))].sort();
  const index = new Map(codes.map((c, i) => [c, i]));
  const rules = codes.map((code) => {
    const info = problemCodeInfo(code);
    const severity = info?.severity ?? problems.find((p) => p.problem.code === code)?.problem.severity ?? 'warning';
    return {
      id: code,
      name: code.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase()),
      shortDescription: { text: info?.doc ?? code },
      helpUri: problemDocUrl(code),
      defaultConfiguration: { level: level(severity) },
    };
  });
  const results = problems.map(({ relativeFile, problem }) => ({
    ruleId: problem.code,
    ruleIndex: index.get(problem.code),
    level: level(problem.severity),
    message: { text: problem.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: artifactLocation(relativeFile),
          region: {
            startLine: problem.range.start.line + 1,
            startColumn: problem.range.start.character + 1,
            endLine: problem.range.end.line + 1,
            endColumn: problem.range.end.character + 1,
          },
        },
      },
    ],
  }));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'mi-keystores',
            version: toolVersion,
            informationUri: 'https://github.com/mi-keystores/mi-keystores',
            rules,
          },
        },
        ...(options.root ? { originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(options.root.endsWith(path.sep) ? options.root : options.root + path.sep).href } } } : {}),
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}
