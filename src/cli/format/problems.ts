/**
 * `mi-keystores check` output: one `file:line:column severity code message` line per problem, or the JSON
 * document other tools parse. SARIF is ./sarif.ts.
 */
import type { Problem } from '../../core/problem';
import type { LocatedProblem } from './sarif';

/** One problem of `check --format json` (other tools parse this exact shape). */
export interface CheckJsonProblem {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly severity: Problem['severity'];
  readonly code: string;
  readonly message: string;
}

/** The text line of a problem: `file:line:column severity code message`. */
export function formatTextProblem(p: LocatedProblem): string {
  const r = p.problem.range.start;
  return `${p.relativeFile}:${r.line + 1}:${r.character + 1} ${p.problem.severity} ${p.problem.code} ${p.problem.message}`;
}

/** The JSON shape of a problem. */
export function toJsonProblem(p: LocatedProblem): CheckJsonProblem {
  const { range, severity, code, message } = p.problem;
  return {
    file: p.relativeFile,
    line: range.start.line + 1,
    column: range.start.character + 1,
    endLine: range.end.line + 1,
    endColumn: range.end.character + 1,
    severity,
    code,
    message,
  };
}

/** The whole `check --format json` document, with its newline. */
export function problemsJson(located: readonly LocatedProblem[]): string {
  return `${JSON.stringify({ problems: located.map(toJsonProblem) }, null, 2)}\n`;
}

/** The text output: one line per problem, and the tally (undefined without problems) that goes to stderr. */
export function problemsText(located: readonly LocatedProblem[]): { readonly lines: string; readonly tally: string | undefined } {
  const count = (s: Problem['severity']) => located.filter((p) => p.problem.severity === s).length;
  return {
    lines: located.map((p) => `${formatTextProblem(p)}\n`).join(''),
    tally: located.length ? `${count('error')} error(s), ${count('warning')} warning(s), ${count('information') + count('hint')} note(s)\n` : undefined,
  };
}
