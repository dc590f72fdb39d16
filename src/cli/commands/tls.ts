/**
 * `mi-keystores tls [path...]`: the trust map of every MI runtime home and integration project under the
 * paths: each HTTPS connection the artifacts make (and MI's own HTTPS listener) with the verdict the JDK
 * would reach. Offline unless `--connect` is given: only then does it open TLS handshakes, and only to the
 * hosts the artifacts name. Exit 0 when nothing fails, 1 when a verdict is a failure, 2 on usage errors.
 */
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { UsageError, type CliArgs, type CliCommand, type CliIO } from '../command';
import { flag, intOption, listOption, stringOption } from '../args';
import { load } from './common';
import type { Connection } from '../../core/tls/trustMap';
import { relativeTo, toJsonConnection } from '../../core/tls/trustMapJson';
import type { LocatedProblem } from '../sarif';

/** `mi-keystores tls`. */
export const tlsCommand: CliCommand = {
  name: 'tls',
  summary: 'Map every TLS connection of the MI workspaces under the paths and say whether the JDK would accept it.',
  usage: 'tls [path...] [--connect] [--timeout ms] [--format text|json|sarif] [--secret alias=value]',
  options: [
    { name: 'connect', type: 'boolean', help: 'Fetch each server certificate now (TLS handshakes to the hosts the artifacts name; nothing else is sent).' },
    { name: 'timeout', type: 'string', help: 'Per-handshake timeout in milliseconds (default 5000).' },
    { name: 'format', type: 'string', help: 'Output format: text, json or sarif (default text).' },
    { name: 'secret', type: 'string', multiple: true, help: 'The value of $secret{alias}, as alias=value; repeatable.' },
  ],
  async run(args: CliArgs, io: CliIO): Promise<number> {
    const format = stringOption(args, 'format') ?? 'text';
    if (format !== 'text' && format !== 'json' && format !== 'sarif') throw new UsageError(`--format must be text, json or sarif, not "${format}"`);
    const timeoutMs = intOption(args, 'timeout', 1, 600_000) ?? 5000;
    const connect = flag(args, 'connect');
    const secretPasswords: Record<string, string> = {};
    for (const raw of listOption(args, 'secret')) {
      const i = raw.indexOf('=');
      if (i <= 0) throw new UsageError('--secret needs alias=value');
      secretPasswords[raw.slice(0, i)] = raw.slice(i + 1);
    }
    const targets = args.positionals.length ? args.positionals : ['.'];
    const { discoverWorkspaces } = await load.discover();
    const trustMap = await load.trustMap();
    const rows: { base: string; c: Connection }[] = [];
    let found = 0;
    for (const target of targets) {
      const abs = path.resolve(io.cwd, target);
      let isDir: boolean;
      try {
        isDir = statSync(abs).isDirectory();
      } catch {
        io.stderr(`mi-keystores tls: ${target}: no such file or folder\n`);
        return 2;
      }
      const base = isDir ? abs : path.dirname(abs);
      for (const ws of await discoverWorkspaces(abs)) {
        found++;
        const map = await trustMap.buildTrustMap(ws, { env: io.env, secretPasswords, ...(connect ? { connect: { timeoutMs } } : {}) });
        for (const c of map.connections) rows.push({ base, c });
        for (const n of map.notes) io.stderr(`mi-keystores tls: ${n}\n`);
      }
    }
    if (found === 0) io.stderr(`mi-keystores tls: no MI runtime home or integration project found under ${targets.join(', ')}\n`);
    const { FAILING_VERDICTS } = await load.verdict();
    const failing = rows.some(({ c }) => FAILING_VERDICTS.has(c.verdict));
    if (format === 'json') {
      io.stdout(`${JSON.stringify({ connections: rows.map(({ base, c }) => toJsonConnection(c, base)) }, null, 2)}\n`);
    } else if (format === 'sarif') {
      const { toSarif } = await load.sarif();
      const located: LocatedProblem[] = rows
        .filter(({ c }) => c.verdict !== 'trusted')
        .map(({ base, c }) => ({
          relativeFile: relativeTo(base, c.file),
          problem: {
            code: `tls-${c.verdict}`,
            severity: FAILING_VERDICTS.has(c.verdict) ? 'error' : 'information',
            message: `${c.url}: ${c.message}`,
            file: c.file,
            range: c.range,
            fixes: [],
          },
        }));
      io.stdout(`${JSON.stringify(toSarif(located), null, 2)}\n`);
    } else {
      for (const { base, c } of rows) {
        const where = `${relativeTo(base, c.file)}:${c.range.start.line + 1}:${c.range.start.character + 1}`;
        io.stdout(`${where} ${c.verdict} ${c.host ?? '?'}:${c.port ?? '?'} ${c.direction} ${c.message}\n`);
      }
      if (!connect && rows.some(({ c }) => c.verdict === 'not-checked' && c.host)) io.stderr('mi-keystores tls: servers not yet looked at; add --connect to fetch their certificates\n');
    }
    return failing ? 1 : 0;
  },
};
