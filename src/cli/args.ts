/**
 * Command-line parsing for `mi-keystores`: `node:util` parseArgs in strict mode over a command's options
 * plus the options every command takes, with every parse failure turned into a UsageError (exit 2).
 */
import { parseArgs } from 'node:util';
import type { CliArgs, CliOption } from './command';
import { UsageError } from './errors';

/** Options every command accepts. */
export const GLOBAL_OPTIONS: readonly CliOption[] = [
  { name: 'help', short: 'h', type: 'boolean', help: 'Show this help.' },
  { name: 'debug', type: 'boolean', help: 'Print the stack trace of an unexpected failure.' },
];

/** Store-password options (`--password-env VAR`, `--password-file PATH`, `--password VALUE`). */
export const STORE_PASSWORD_OPTIONS: readonly CliOption[] = passwordOptions('password', 'the keystore password');

/** Key-password options; the key password defaults to the store password. */
export const KEY_PASSWORD_OPTIONS: readonly CliOption[] = passwordOptions('key-password', 'the key password (default: the store password)');

/** The three flags of one password source: environment variable, file, value on the command line. */
export function passwordOptions(prefix: string, what: string): CliOption[] {
  return [
    { name: `${prefix}-env`, type: 'string', help: `Read ${what} from this environment variable.` },
    { name: `${prefix}-file`, type: 'string', help: `Read ${what} from the first line of this file.` },
    { name: prefix, type: 'string', help: `Take ${what} from the command line (visible in the process list; prefer -env or -file).` },
  ];
}

/** Parses `argv` against `options` (plus the global ones); unknown flags and missing values are UsageErrors. */
export function parseCommandLine(argv: readonly string[], options: readonly CliOption[]): CliArgs {
  const config: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = {};
  for (const o of [...GLOBAL_OPTIONS, ...options]) {
    config[o.name] = { type: o.type, ...(o.multiple ? { multiple: true } : {}), ...(o.short ? { short: o.short } : {}) };
  }
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options: config, allowPositionals: true, strict: true });
    return { positionals, options: values as CliArgs['options'] };
  } catch (err) {
    // parseArgs messages are one line and name the flag; drop its advice about '--' which does not apply here.
    const message = err instanceof Error ? err.message.split('\n')[0].replace(/\.? To specify a positional.*$/, '') : String(err);
    throw new UsageError(message.replace(/\.$/, ''));
  }
}

/** The string value of option `name`, or undefined. */
export function stringOption(args: CliArgs, name: string): string | undefined {
  const v = args.options[name];
  if (Array.isArray(v)) return v[v.length - 1];
  return typeof v === 'string' ? v : undefined;
}

/** The string value of a required option, or a UsageError naming it. */
export function requireOption(args: CliArgs, name: string): string {
  const v = stringOption(args, name);
  if (v === undefined || v === '') throw new UsageError(`missing --${name}`);
  return v;
}

/** Whether boolean option `name` is set. */
export function flag(args: CliArgs, name: string): boolean {
  return args.options[name] === true;
}

/** Every value of a repeatable option, each also split on commas (`--san dns:a,ip:b --san dns:c`). */
export function listOption(args: CliArgs, name: string): string[] {
  const v = args.options[name];
  const raw = Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
  return raw
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** Exactly `names.length` positionals, or a UsageError naming the first missing or the extra one. */
export function positionals(args: CliArgs, names: readonly string[]): string[] {
  const got = args.positionals;
  if (got.length < names.length) throw new UsageError(`missing <${names[got.length]}>`);
  if (got.length > names.length) throw new UsageError(`unexpected argument "${got[names.length]}"`);
  return [...got];
}

/** An integer option within bounds, or undefined when absent. */
export function intOption(args: CliArgs, name: string, min: number, max: number): number | undefined {
  const v = stringOption(args, name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new UsageError(`--${name} must be a whole number`);
  const n = Number(v);
  if (n < min || n > max) throw new UsageError(`--${name} must be between ${min} and ${max}`);
  return n;
}

/** Throws a UsageError naming the first option of `options` marked required that `args` lacks. */
export function checkRequired(args: CliArgs, options: readonly CliOption[]): void {
  for (const o of options) {
    const v = args.options[o.name];
    if (o.required && (v === undefined || v === '')) throw new UsageError(`missing --${o.name}`);
  }
}
