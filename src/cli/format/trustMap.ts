/**
 * `mi-keystores tls` output: one line per connection (`file:line:column verdict host:port direction
 * message`), the JSON document of docs/trust-map.md, or SARIF problems for the connections not trusted.
 */
import type { Connection } from '../../core/tls/trustMap';
import { relativeTo, toJsonConnection } from '../../core/tls/trustMapJson';
import type { LocatedProblem } from './sarif';

/** A connection and the folder its file is shown relative to. */
export interface MappedConnection {
  readonly base: string;
  readonly c: Connection;
}

/** The text output, one line per connection. */
export function connectionsText(rows: readonly MappedConnection[]): string {
  return rows
    .map(({ base, c }) => {
      const where = `${relativeTo(base, c.file)}:${c.range.start.line + 1}:${c.range.start.character + 1}`;
      return `${where} ${c.verdict} ${c.host ?? '?'}:${c.port ?? '?'} ${c.direction} ${c.message}\n`;
    })
    .join('');
}

/** The whole `tls --format json` document, with its newline. */
export function connectionsJson(rows: readonly MappedConnection[]): string {
  return `${JSON.stringify({ connections: rows.map(({ base, c }) => toJsonConnection(c, base)) }, null, 2)}\n`;
}

/** The connections not trusted as problems for SARIF: an error when the verdict fails the connection, else a note. */
export function connectionProblems(rows: readonly MappedConnection[], failing: ReadonlySet<string>): LocatedProblem[] {
  return rows
    .filter(({ c }) => c.verdict !== 'trusted')
    .map(({ base, c }) => ({
      relativeFile: relativeTo(base, c.file),
      problem: {
        code: `tls-${c.verdict}`,
        severity: failing.has(c.verdict) ? 'error' : 'information',
        message: `${c.url}: ${c.message}`,
        file: c.file,
        range: c.range,
        fixes: [],
      },
    }));
}
