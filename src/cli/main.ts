/**
 * `mi-keystores` entry point: dispatches to the commands exported by `./commands`, turns failures into
 * one line on stderr with exit 1 (request failed) or 2 (usage error), and prompts for secrets without echo.
 */
import * as commands from './commands/index';
import { UsageError, type CliCommand, type CliIO } from './command';
import { formatHelp, parseCommandLine } from './args';
import { CliFailure } from './commands/common';
// errors.ts imports nothing, so this does not load the engine at start-up.
import { KeystoreError } from '../core/keystore';
import { outputFlushed, writeStderr, writeStdout } from './output';

/** Every registered command, sorted by name. */
export function registeredCommands(): CliCommand[] {
  return Object.values(commands as Record<string, unknown>)
    .filter(isCliCommand)
    // Code-point order, not localeCompare: the first localeCompare builds an ICU collator (~6 ms of every
    // start-up), and command names are lowercase ASCII, for which both orders agree.
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Whether a module export is a CliCommand (the registry may also export helpers). */
function isCliCommand(v: unknown): v is CliCommand {
  const c = v as CliCommand | null;
  return typeof c === 'object' && c !== null && typeof c.name === 'string' && typeof c.run === 'function' && Array.isArray(c.options);
}

/** The top-level help: usage and one line per command. */
export function topLevelHelp(list: readonly CliCommand[] = registeredCommands()): string {
  const width = Math.max(...list.map((c) => c.name.length)) + 2;
  return [
    'Usage: mi-keystores <command> [options]',
    '',
    'Check, create and change the keystores of WSO2 Micro Integrator (JKS, PKCS12, JCEKS).',
    '',
    'Commands:',
    ...list.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    'Passwords: --password-env VAR, --password-file PATH, or a prompt in a terminal (--password VALUE works but shows in the process list).',
    'Run "mi-keystores <command> --help" for the options of a command.',
    '',
  ].join('\n');
}

/** Runs `mi-keystores` with `argv` (without node and script) and returns the exit code. */
export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  const list = registeredCommands();
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const text = topLevelHelp(list);
    if (name === undefined) {
      io.stderr(text);
      return 2;
    }
    io.stdout(text);
    return 0;
  }
  const command = list.find((c) => c.name === name);
  if (!command) {
    io.stderr(`mi-keystores: unknown command "${name}". Run "mi-keystores --help" for the list.\n`);
    return 2;
  }
  const debug = rest.includes('--debug');
  try {
    const args = parseCommandLine(rest, command.options);
    if (args.options.help === true) {
      io.stdout(formatHelp(command.name, command.usage, command.summary, command.options));
      return 0;
    }
    return await command.run(args, io);
  } catch (err) {
    return reportFailure(err, command, io, debug);
  }
}

/** Prints one line for a failure and returns its exit code; the stack only with --debug. */
function reportFailure(err: unknown, command: CliCommand, io: CliIO, debug: boolean): number {
  const oneLine = (s: string) => s.replace(/\s*\n\s*/g, ' ').trim();
  if (err instanceof UsageError) {
    io.stderr(`mi-keystores ${command.name}: ${oneLine(err.message)}. Run "mi-keystores ${command.name} --help" for usage.\n`);
    return 2;
  }
  const isKnown = err instanceof CliFailure || err instanceof KeystoreError;
  const message = err instanceof CliFailure ? err.line : err instanceof Error ? err.message : String(err);
  io.stderr(
    isKnown
      ? `mi-keystores: ${oneLine(message)}\n`
      : `mi-keystores: unexpected failure in ${command.name}: ${oneLine(message)}${debug ? '' : ' (run with --debug for details)'}\n`,
  );
  if (debug && err instanceof Error && err.stack) io.stderr(`${err.stack}\n`);
  return 1;
}

/** The real process's streams, environment and terminal prompt. */
export function processIO(): CliIO {
  return {
    stdout: writeStdout,
    stderr: writeStderr,
    env: process.env,
    cwd: process.cwd(),
    // A getter: the first read of process.stdin builds the stream (loading `tty`, or `net` for a pipe), a few
    // milliseconds that only a command about to prompt should pay.
    get promptSecret() {
      return process.stdin.isTTY ? promptSecret : undefined;
    },
  };
}

/** Reads a line from the terminal in raw mode so the secret is never echoed; Ctrl-C cancels. */
export function promptSecret(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    // Echo off before the prompt shows: a password typed (or pasted) the moment it appears must not echo.
    stdin.setRawMode(true);
    writeStderr(question);
    stdin.setEncoding('utf8');
    stdin.resume();
    let value = '';
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      writeStderr('\n');
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          finish();
          resolve(value);
          return;
        }
        if (ch === '\u0003') {
          finish();
          reject(new UsageError('cancelled at the password prompt'));
          return;
        }
        if (ch === '\u007f' || ch === '\b') value = Array.from(value).slice(0, -1).join('');
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/** Runs `mi-keystores` as this process (dist/cli.js calls it): arguments from argv, the exit code on exit. */
export function runProcess(): void {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
    // Exit now rather than when the event loop runs dry, after which Node would also free the environment
    // and tear the heap down (~1.5 ms of a ~75 ms `list`). Every command has awaited its work by now; only
    // output still in a stream's buffer would be lost, so then the process ends the usual way.
    if (outputFlushed()) process.exit(code);
  });
}
