/**
 * `mi-keystores` entry point (the bundle dist/cli/main.js): every command exported by `./commands`, run by
 * the dispatcher (./dispatch.ts). The launcher runs `list` from a bundle of its own (./listMain.ts).
 */
import * as commands from './commands/index';
import type { CliCommand, CliIO } from './command';
import { dispatch, runAsProcess } from './dispatch';

/** Every registered command, sorted by name. */
export function registeredCommands(): CliCommand[] {
  return Object.values(commands as Record<string, unknown>)
    .filter(isCliCommand)
    // Code-point order, not localeCompare: the first localeCompare builds an ICU collator (a visible part
    // of every start-up), and command names are lowercase ASCII, for which both orders agree.
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Whether a module export is a CliCommand (the registry may also export helpers). */
function isCliCommand(v: unknown): v is CliCommand {
  const c = v as CliCommand | null;
  return typeof c === 'object' && c !== null && typeof c.name === 'string' && typeof c.run === 'function' && Array.isArray(c.options);
}

/** Runs `mi-keystores` with `argv` (without node and script) and returns the exit code. */
export function main(argv: readonly string[], io?: CliIO): Promise<number> {
  return dispatch(registeredCommands(), argv, io);
}

/** Runs `mi-keystores` as this process (dist/cli.js calls it): arguments from argv, the exit code on exit. */
export function runProcess(): void {
  runAsProcess(registeredCommands());
}
