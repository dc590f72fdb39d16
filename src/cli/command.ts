/**
 * The contract between the CLI's dispatcher (`main.ts`) and its commands: each command lives in
 * `src/cli/commands/<name>.ts` and exports one `CliCommand`. Commands get their I/O injected so tests
 * can run them in-process; they return the exit code (0 ok, 1 the request failed, 2 usage error).
 */

/** What a command may touch of the outside world. */
export interface CliIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Asks for a secret without echo; undefined when stdin is not a terminal. */
  readonly promptSecret?: (question: string) => Promise<string>;
}

/** One option a command accepts, in the shape of `node:util` parseArgs. */
export interface CliOption {
  readonly name: string;
  readonly type: 'string' | 'boolean';
  readonly multiple?: boolean;
  readonly short?: string;
  /** One line for `--help`. */
  readonly help: string;
}

/** Parsed command line: positionals in order, options by name. */
export interface CliArgs {
  readonly positionals: readonly string[];
  readonly options: Readonly<Record<string, string | boolean | string[] | undefined>>;
}

/** A `mi-keystores` subcommand. */
export interface CliCommand {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** The usage line(s) shown by `mi-keystores <name> --help`, e.g. `list <keystore> [--json]`. */
  readonly usage: string;
  readonly options: readonly CliOption[];
  run(args: CliArgs, io: CliIO): Promise<number>;
}

/** Thrown by a command for a malformed command line; the dispatcher prints it and exits 2. */
export class UsageError extends Error {}
