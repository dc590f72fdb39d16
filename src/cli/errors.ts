/**
 * The CLI's one error path. Commands throw: a UsageError for a malformed command line (exit 2), a
 * CliFailure for a request that failed, or any engine error (the KeystoreError family, exit 1). `explained`
 * rephrases an engine error with what the command knows (the file as typed, which flag gave the password);
 * `reportFailure` turns whatever reaches the dispatcher into one line on stderr and the exit code. Never a
 * password or secret: engine messages carry none, and the context names flags, not values.
 */
// errors.ts imports nothing at run time, so this does not load the engine at start-up.
import {
  FileAccessError,
  FileChangedError,
  FileLockedError,
  FileTooLargeError,
  InternalKeyUnavailableError,
  KeystoreError,
  LockPathError,
  WrongKeyPasswordError,
  WrongPasswordError,
} from '../core/errors';
import type { ResolvedPassword } from './passwords';

/** A malformed command line; the dispatcher prints it with a pointer to `--help` and exits 2. */
export class UsageError extends Error {}

/** A failed request already phrased as the one line to print; exit 1 unless it says otherwise. */
export class CliFailure extends Error {
  /** 1: the request failed; 2: the input could not be read at all (as for a usage error). */
  readonly exitCode: 1 | 2;

  constructor(
    readonly line: string,
    options?: { cause?: unknown; exitCode?: 1 | 2 },
  ) {
    super(line, options);
    this.exitCode = options?.exitCode ?? 1;
  }
}

/** What a command knows when an engine error comes back: the file as given and where the passwords came from. */
export interface ErrorContext {
  readonly display: string;
  readonly storePassword?: ResolvedPassword;
  readonly keyPassword?: ResolvedPassword;
  /** The flag that gives the password a failing internal key needs (`--old-password-env`). */
  readonly passwordFlag?: string;
}

/** Runs `fn` and rethrows any engine error as a CliFailure whose line names the file and what to check. */
export async function explained<T>(context: ErrorContext, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw explain(err, context);
  }
}

/** The one line for an engine error in `context` (anything else is returned unchanged). */
export function explain(err: unknown, context: ErrorContext): unknown {
  if (!(err instanceof KeystoreError)) return err;
  return new CliFailure(oneLine(engineLine(err, context)), { cause: err });
}

/** The sentence for an engine error, naming the file as the person typed it and the flag to check. */
function engineLine(err: KeystoreError, context: ErrorContext): string {
  const where = context.display;
  const check = (p?: ResolvedPassword, fallback = '--password-env') => (p ? (p.source === 'the prompt' ? 'the password typed' : p.source) : fallback);
  if (err instanceof WrongPasswordError) {
    return `wrong password for ${where}: the integrity check failed. Check ${check(context.storePassword)}.`;
  }
  if (err instanceof WrongKeyPasswordError) {
    // PKCS12 keys are sealed with the store password; JKS and JCEKS keys may have their own.
    const keySource =
      context.keyPassword && context.keyPassword !== context.storePassword
        ? check(context.keyPassword)
        : `${check(context.storePassword)} (a PKCS12 key opens with the store password; a JKS or JCEKS key may have its own: --key-password-env)`;
    return `wrong key password for alias "${err.alias}" in ${where}: the key cannot be recovered. Check ${keySource}.`;
  }
  if (err instanceof FileAccessError || err instanceof FileChangedError || err instanceof FileTooLargeError || err instanceof FileLockedError || err instanceof LockPathError) {
    // These name the file themselves: show it as typed rather than as the absolute path.
    return err.message.split(err.file).join(where);
  }
  const hint = err instanceof InternalKeyUnavailableError && err.needsPassword && context.passwordFlag ? ` Give it with ${context.passwordFlag} VAR.` : '';
  return `${where}: ${lowerFirst(err.message)}${hint}`;
}

/** `The key…` → `the key…`, so a message reads well after `file: `. */
function lowerFirst(s: string): string {
  return /^[A-Z][a-z]/.test(s) ? s[0].toLowerCase() + s.slice(1) : s;
}

/** Joins a message's lines: every failure is one line on stderr. */
function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}

/** The one line (with its newline) a failure prints, and the exit code; the stack only with `debug`. */
export function reportFailure(err: unknown, command: string, debug: boolean): { readonly text: string; readonly code: number } {
  if (err instanceof UsageError) {
    return { text: `mi-keystores ${command}: ${oneLine(err.message)}. Run "mi-keystores ${command} --help" for usage.\n`, code: 2 };
  }
  const stack = debug && err instanceof Error && err.stack ? `${err.stack}\n` : '';
  if (err instanceof CliFailure) return { text: `mi-keystores: ${oneLine(err.line)}\n${stack}`, code: err.exitCode };
  if (err instanceof KeystoreError) return { text: `mi-keystores: ${oneLine(err.message)}\n${stack}`, code: 1 };
  const message = err instanceof Error ? err.message : String(err);
  return { text: `mi-keystores: unexpected failure in ${command}: ${oneLine(message)}${debug ? '' : ' (run with --debug for details)'}\n${stack}`, code: 1 };
}
