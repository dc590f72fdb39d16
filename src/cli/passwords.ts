/**
 * Where `mi-keystores` gets passwords from: an environment variable, a file, the command line (with a
 * warning, since it shows in the process list), or a no-echo prompt when stdin is a terminal.
 * Nothing here ever prints a password.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { CliArgs, CliIO } from './command';
import { UsageError } from './errors';
import { stringOption } from './args';

/** A password and the flag it came from, so error messages can say which flag to check. */
export interface ResolvedPassword {
  readonly value: string;
  /** e.g. `--password-env`, `--key-password-file`, `the prompt`. */
  readonly source: string;
}

/** How to ask for a password when no flag gives it. */
export interface PasswordRequest {
  /** Option prefix: `password`, `key-password`, `new-password`, `new-key-password`. */
  readonly prefix: string;
  /** Prompt text, e.g. `Keystore password for a.jks: `. */
  readonly prompt: string;
  /** Ask twice and require both to match (new passwords, as keytool does). */
  readonly confirm?: boolean;
}

/**
 * The password given by the `--<prefix>-env/-file/<prefix>` flags, or undefined when none of them is
 * present. More than one of them is a usage error.
 */
export function passwordFromFlags(args: CliArgs, io: CliIO, prefix: string): ResolvedPassword | undefined {
  const given = [`${prefix}-env`, `${prefix}-file`, prefix].filter((n) => stringOption(args, n) !== undefined);
  if (given.length > 1) throw new UsageError(`give only one of --${given.join(', --')}`);
  if (given.length === 0) return undefined;
  const flagName = given[0];
  const raw = stringOption(args, flagName) as string;
  if (flagName.endsWith('-env')) {
    const value = io.env[raw];
    if (value === undefined) throw new UsageError(`environment variable ${raw} (from --${flagName}) is not set`);
    return { value, source: `--${flagName}` };
  }
  if (flagName.endsWith('-file')) return { value: readPasswordFile(io, raw, flagName), source: `--${flagName}` };
  warnCommandLineSecret(io, flagName);
  return { value: raw, source: `--${flagName}` };
}

/** The warning for a secret given on the command line, which every user of the machine can read in the process list. */
export function warnCommandLineSecret(io: CliIO, flagName: string): void {
  io.stderr(`mi-keystores: warning: --${flagName} shows the password in the process list; prefer --${flagName}-env or --${flagName}-file.\n`);
}

/**
 * The secret in the file `file` (relative to the working folder): its first line, so a file written by
 * `echo` (trailing newline) works. A file that cannot be read is a usage error naming the flag.
 */
export function readPasswordFile(io: CliIO, file: string, flagName: string): string {
  let text: string;
  try {
    text = readFileSync(path.resolve(io.cwd, file), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new UsageError(`cannot read the password file ${file} (from --${flagName}): ${code === 'ENOENT' ? 'no such file' : code}`);
  }
  return text.split(/\r?\n/)[0];
}

/** The password from the flags, else from a no-echo prompt; without either it is a usage error. */
export async function resolvePassword(args: CliArgs, io: CliIO, request: PasswordRequest): Promise<ResolvedPassword> {
  return passwordLater(args, io, request)();
}

/**
 * A password to be asked after others, as keytool asks for the new password after the current one: the
 * flags are read now (a missing or doubled one fails before any work), the prompt only when the returned
 * function is called.
 */
export function passwordLater(args: CliArgs, io: CliIO, request: PasswordRequest): () => Promise<ResolvedPassword> {
  const fromFlags = passwordFromFlags(args, io, request.prefix);
  if (fromFlags) return async () => fromFlags;
  const prompt = io.promptSecret;
  if (!prompt) {
    throw new UsageError(`no password given: use --${request.prefix}-env VAR or --${request.prefix}-file PATH (or run in a terminal to be asked)`);
  }
  return async () => {
    const value = await prompt(request.prompt);
    if (request.confirm) {
      const again = await prompt('Re-enter to confirm: ');
      if (again !== value) throw new UsageError('the two passwords typed do not match');
    }
    return { value, source: 'the prompt' };
  };
}

