/**
 * The `mi-keystores` dispatcher: finds the command named on the command line, parses its options, turns
 * every failure into one line on stderr (./errors.ts) with exit 1 (request failed) or 2 (usage error), and
 * prompts for secrets without echo. It is given the commands (./main.ts: all of them; ./listMain.ts: `list`
 * alone, for the launcher's fast path).
 */
import type { CliCommand, CliIO } from './command';
import { checkRequired, parseCommandLine } from './args';
import { UsageError, reportFailure } from './errors';
import { formatHelp, topLevelHelp } from './help';
import { outputFlushed, writeStderr, writeStdout } from './output';

/** Runs `mi-keystores` with `argv` (without node and script) over `commands` and returns the exit code. */
export async function dispatch(commands: readonly CliCommand[], argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const text = topLevelHelp(commands);
    if (name === undefined) {
      io.stderr(text);
      return 2;
    }
    io.stdout(text);
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr(`mi-keystores: unknown command "${name}". Run "mi-keystores --help" for the list.\n`);
    return 2;
  }
  const debug = rest.includes('--debug');
  try {
    const args = parseCommandLine(rest, command.options);
    if (args.options.help === true) {
      io.stdout(formatHelp(command));
      return 0;
    }
    checkRequired(args, command.options);
    return await command.run(args, io);
  } catch (err) {
    // The one error path: every failure of every command becomes one line here.
    const { text, code } = reportFailure(err, command.name, debug);
    io.stderr(text);
    return code;
  }
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

/** Runs `commands` as this process: arguments from argv, the exit code on exit. */
export function runAsProcess(commands: readonly CliCommand[]): void {
  void dispatch(commands, process.argv.slice(2)).then((code) => {
    process.exitCode = code;
    // Exit now rather than when the event loop runs dry, after which Node would also free the environment
    // and tear the heap down, work nobody waits for. Every command has awaited its work by now; only
    // output still in a stream's buffer would be lost, so then the process ends the usual way.
    if (outputFlushed()) process.exit(code);
  });
}
