/**
 * Help text generated from the commands' option tables, so the usage line and the option list can never
 * leave out an option a command takes.
 */
import type { CliCommand, CliOption } from './command';
import { GLOBAL_OPTIONS } from './args';

/** The widest option label that still shares its line with the help text. */
const MAX_LABEL_WIDTH = 28;

/** The name of an option's value: the table's, else one guessed from the option's name. */
function valueName(o: CliOption): string {
  if (o.value) return o.value;
  if (o.name.endsWith('-env')) return 'VAR';
  if (o.name.endsWith('-file') || o.name === 'out') return 'PATH';
  return 'VALUE';
}

/** `--name VALUE` (or `--name` for a flag), as help and usage write an option. */
function optionLabel(o: CliOption): string {
  return `${o.short ? `-${o.short}, ` : ''}--${o.name}${o.type === 'string' ? ` ${valueName(o)}` : ''}`;
}

/** The usage line of a command: its operands, its required options, then `[options]`. */
export function usageLine(command: CliCommand): string {
  const required = command.options.filter((o) => o.required).map((o) => `--${o.name} ${valueName(o)}`);
  const optional = command.options.some((o) => !o.required) ? ['[options]'] : [];
  return ['mi-keystores', command.name, command.operands, ...required, ...optional].filter((s) => s !== '').join(' ');
}

/** A command's help: usage line, summary, then one line per option of its table and the global ones. */
export function formatHelp(command: CliCommand): string {
  const all = [...command.options, ...GLOBAL_OPTIONS];
  const width = Math.min(Math.max(...all.map((o) => optionLabel(o).length)), MAX_LABEL_WIDTH) + 2;
  const lines = [`Usage: ${usageLine(command)}`, '', command.summary, '', 'Options:'];
  for (const o of all) {
    const label = optionLabel(o);
    const help = `${o.required ? '(required) ' : ''}${o.help}`;
    // A label too long for the column gets a line of its own, so one option does not push every help text right.
    if (label.length + 2 > width) lines.push(`  ${label}`, `  ${''.padEnd(width)}${help}`);
    else lines.push(`  ${label.padEnd(width)}${help}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The top-level help: usage and one line per command. */
export function topLevelHelp(list: readonly CliCommand[]): string {
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
    'Output: --format text|json (and sarif where a command has it) on the commands that report; --json is --format json.',
    'Run "mi-keystores <command> --help" for the options of a command.',
    '',
  ].join('\n');
}
