/**
 * `mi-keystores check [path...]`: finds the MI runtime homes and integration projects under each path
 * and reports every problem of their deployment.toml and keystores, like a compiler (text), as JSON,
 * or as SARIF 2.1.0 for code scanning. Exit 0 without errors, 1 with errors, 2 on usage or I/O failure.
 */
import { statSync } from 'node:fs';
import * as path from 'node:path';
import type { CliArgs, CliCommand, CliIO } from '../command';
import { intOption } from '../args';
import { CliFailure, UsageError } from '../errors';
import { loadWorkspace } from './workspaceEngine';
import { readPasswordFile, warnCommandLineSecret } from '../passwords';
import { formatOptions, outputFormat } from '../format/outputFormat';
import { problemsJson, problemsText } from '../format/problems';
import type { LocatedProblem } from '../format/sarif';

/** Splits `alias=value` of `--secret`/`--secret-env`/`--secret-file`. */
function splitPair(raw: string, flagName: string): [string, string | undefined] {
  const i = raw.indexOf('=');
  if (i === 0) throw new UsageError(`--${flagName} needs an alias before "="`);
  return i < 0 ? [raw, undefined] : [raw.slice(0, i), raw.slice(i + 1)];
}

function listValues(args: CliArgs, name: string): string[] {
  const v = args.options[name];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
}

/** The `$secret{alias}` passwords given by `--secret` / `--secret-env` / `--secret-file` (prompting for a bare alias). */
async function secretPasswords(args: CliArgs, io: CliIO): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  let warned = false;
  for (const raw of listValues(args, 'secret')) {
    const [alias, value] = splitPair(raw, 'secret');
    if (value !== undefined) {
      if (!warned) warnCommandLineSecret(io, 'secret');
      warned = true;
      out[alias] = value;
      continue;
    }
    if (!io.promptSecret) throw new UsageError(`--secret ${alias} without a value needs a terminal to ask for it; use --secret-env ${alias}=VAR`);
    out[alias] = await io.promptSecret(`Value of $secret{${alias}}: `);
  }
  for (const raw of listValues(args, 'secret-env')) {
    const [alias, variable] = splitPair(raw, 'secret-env');
    if (!variable) throw new UsageError(`--secret-env needs alias=VARIABLE`);
    const value = io.env[variable];
    if (value === undefined) throw new UsageError(`environment variable ${variable} (from --secret-env ${alias}) is not set`);
    out[alias] = value;
  }
  for (const raw of listValues(args, 'secret-file')) {
    const [alias, file] = splitPair(raw, 'secret-file');
    if (!file) throw new UsageError(`--secret-file needs alias=PATH`);
    out[alias] = readPasswordFile(io, file, 'secret-file');
  }
  return out;
}

/**
 * A path relative to the working folder, with `/` separators (absolute when outside it): what a person
 * can paste or click, and distinct for every workspace when several are checked at once.
 */
function relativeTo(base: string, file: string): string {
  const rel = path.relative(base, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : file.split(path.sep).join('/');
}

/** `mi-keystores check`. */
export const checkCommand: CliCommand = {
  name: 'check',
  summary: 'Check the deployment.toml and keystores of every MI runtime home and integration project under the paths.',
  operands: '[path...]',
  options: [
    ...formatOptions(['text', 'json', 'sarif'], 'file:line:column severity code message'),
    { name: 'expiry-days', type: 'string', value: 'N', help: 'Warn about certificates expiring within N days (default 30).' },
    { name: 'secret', type: 'string', value: 'alias[=value]', multiple: true, help: 'The value of $secret{alias}, as alias=value (shown in the process list: prefer --secret-env/--secret-file) or alias alone to be asked; repeatable.' },
    { name: 'secret-env', type: 'string', value: 'alias=VAR', multiple: true, help: 'The value of $secret{alias} from an environment variable, as alias=VAR; repeatable.' },
    { name: 'secret-file', type: 'string', value: 'alias=PATH', multiple: true, help: 'The value of $secret{alias} from the first line of a file, as alias=PATH; repeatable.' },
  ],
  async run(args: CliArgs, io: CliIO): Promise<number> {
    const format = outputFormat(args, ['text', 'json', 'sarif']);
    const expiryDays = intOption(args, 'expiry-days', 0, 36500) ?? 30;
    const secrets = await secretPasswords(args, io);
    const targets = args.positionals.length ? args.positionals : ['.'];

    const engine = await loadWorkspace.checks();
    const located: LocatedProblem[] = [];
    let found = 0;
    for (const target of targets) {
      const abs = path.resolve(io.cwd, target);
      try {
        statSync(abs);
      } catch {
        throw new UsageError(`${target}: no such file or folder`);
      }
      try {
        const result = await engine.checkPath(abs, { expiryDays, env: io.env, secretPasswords: secrets });
        found += result.workspaces.length;
        for (const problem of result.problems) located.push({ relativeFile: relativeTo(io.cwd, problem.file), problem });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        // Exit 2, not 1: nothing was checked, which CI must not read as "problems found".
        throw new CliFailure(`${target}: ${code ? `cannot read (${code})` : err instanceof Error ? err.message : String(err)}`, { cause: err, exitCode: 2 });
      }
    }
    if (found === 0) io.stderr(`mi-keystores check: no MI runtime home or integration project found under ${targets.join(', ')}\n`);

    if (format === 'json') {
      io.stdout(problemsJson(located));
    } else if (format === 'sarif') {
      const { toSarif } = await loadWorkspace.sarif();
      io.stdout(`${JSON.stringify(toSarif(located, { root: io.cwd }), null, 2)}\n`);
    } else {
      const { lines, tally } = problemsText(located);
      if (lines) io.stdout(lines);
      // The tally goes to stderr so stdout holds only problem lines, one per line, for other tools to parse.
      if (tally) io.stderr(tally);
    }
    return located.some((p) => p.problem.severity === 'error') ? 1 : 0;
  },
};
