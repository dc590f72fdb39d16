/**
 * `mi-keystores tls [path...]`: the trust map of every MI runtime home and integration project under the
 * paths: each HTTPS connection the artifacts make (and MI's own HTTPS listener) with the verdict the JDK
 * would reach. Offline unless `--connect` is given: only then does it open TLS handshakes, and only to the
 * hosts the artifacts name. Exit 0 when nothing fails, 1 when a verdict is a failure, 2 on usage errors.
 */
import { statSync } from 'node:fs';
import * as path from 'node:path';
import type { CliArgs, CliCommand, CliIO } from '../command';
import { flag, intOption, listOption } from '../args';
import { UsageError } from '../errors';
import { loadWorkspace } from './workspaceEngine';
import { formatOptions, outputFormat } from '../format/outputFormat';
import { connectionProblems, connectionsJson, connectionsText, type MappedConnection } from '../format/trustMap';

/** `mi-keystores tls`. */
export const tlsCommand: CliCommand = {
  name: 'tls',
  summary: 'Map every TLS connection of the MI workspaces under the paths and say whether the JDK would accept it.',
  operands: '[path...]',
  options: [
    { name: 'connect', type: 'boolean', help: 'Fetch each server certificate now (TLS handshakes to the hosts the artifacts name; nothing else is sent).' },
    { name: 'timeout', type: 'string', value: 'MS', help: 'Per-handshake timeout in milliseconds (default 5000).' },
    ...formatOptions(['text', 'json', 'sarif']),
    { name: 'secret', type: 'string', value: 'alias=value', multiple: true, help: 'The value of $secret{alias}, as alias=value; repeatable.' },
  ],
  async run(args: CliArgs, io: CliIO): Promise<number> {
    const format = outputFormat(args, ['text', 'json', 'sarif']);
    const timeoutMs = intOption(args, 'timeout', 1, 600_000) ?? 5000;
    const connect = flag(args, 'connect');
    const secretPasswords: Record<string, string> = {};
    for (const raw of listOption(args, 'secret')) {
      const i = raw.indexOf('=');
      if (i <= 0) throw new UsageError('--secret needs alias=value');
      secretPasswords[raw.slice(0, i)] = raw.slice(i + 1);
    }
    const targets = args.positionals.length ? args.positionals : ['.'];
    const { discoverWorkspaces } = await loadWorkspace.discover();
    const trustMap = await loadWorkspace.trustMap();
    const rows: MappedConnection[] = [];
    let found = 0;
    for (const target of targets) {
      const abs = path.resolve(io.cwd, target);
      let isDir: boolean;
      try {
        isDir = statSync(abs).isDirectory();
      } catch {
        throw new UsageError(`${target}: no such file or folder`);
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
    const { FAILING_VERDICTS } = await loadWorkspace.verdict();
    const failing = rows.some(({ c }) => FAILING_VERDICTS.has(c.verdict));
    if (format === 'json') {
      io.stdout(connectionsJson(rows));
    } else if (format === 'sarif') {
      const { toSarif } = await loadWorkspace.sarif();
      io.stdout(`${JSON.stringify(toSarif(connectionProblems(rows, FAILING_VERDICTS)), null, 2)}\n`);
    } else {
      io.stdout(connectionsText(rows));
      if (!connect && rows.some(({ c }) => c.verdict === 'not-checked' && c.host)) io.stderr('mi-keystores tls: servers not yet looked at; add --connect to fetch their certificates\n');
    }
    return failing ? 1 : 0;
  },
};
