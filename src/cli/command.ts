/**
 * The contract between the CLI's dispatcher (`main.ts`) and its commands: each command lives in
 * `src/cli/commands/<name>.ts` and exports one `CliCommand`. Commands get their I/O injected so tests
 * can run them in-process; they return the exit code (0 ok, 1 the request failed, 2 usage error) and
 * throw every failure (./errors.ts), which the dispatcher alone turns into the one line on stderr.
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
  /** The name of a string option's value in help and usage (`PATH`, `VAR`, `N`); default by the option's name. */
  readonly value?: string;
  /** The command cannot run without it: usage shows it outside the brackets, and its absence is a usage error. */
  readonly required?: boolean;
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
  /** The operands after the name, as the usage line shows them: `<keystore>`, `<in> <out>`, `[path...]`. */
  readonly operands: string;
  /** Every option the command takes; its help and usage line are generated from this table. */
  readonly options: readonly CliOption[];
  run(args: CliArgs, io: CliIO): Promise<number>;
}
