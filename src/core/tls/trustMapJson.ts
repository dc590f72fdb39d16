/** The JSON shape of a trust map connection, shared by `mi-keystores tls --format json` and the extension's command. */
import * as path from 'node:path';
import type { Connection } from './trustMap';

/** One connection: exactly these keys, in this order. */
export interface TlsJsonConnection {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly url: string;
  readonly host: string | null;
  readonly port: number | null;
  readonly direction: 'outbound' | 'inbound';
  readonly truststore: string;
  readonly verdict: string;
  readonly message: string;
  readonly chain: readonly { subject: string; issuer: string; sha256: string; notAfter: string }[];
}

/** A path relative to `base` with `/` separators (absolute when outside it). */
export function relativeTo(base: string, file: string): string {
  const rel = path.relative(base, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : file.split(path.sep).join('/');
}

/** The JSON shape of a connection, its file relative to `base`; 1-based line and column. */
export function toJsonConnection(c: Connection, base: string): TlsJsonConnection {
  return {
    file: relativeTo(base, c.file),
    line: c.range.start.line + 1,
    column: c.range.start.character + 1,
    url: c.url,
    host: c.host,
    port: c.port,
    direction: c.direction,
    truststore: c.truststore,
    verdict: c.verdict,
    message: c.message,
    chain: c.chain.map(({ subject, issuer, sha256, notAfter }) => ({ subject, issuer, sha256, notAfter })),
  };
}
