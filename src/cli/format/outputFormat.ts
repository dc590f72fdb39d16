/**
 * The one output option of every command that reports: `--format text|json[|sarif]`, with `--json` as
 * another way to write `--format json`.
 */
import type { CliArgs, CliOption } from '../command';
import { flag, stringOption } from '../args';
import { UsageError } from '../errors';

/** What a reporting command can print. */
export type OutputFormat = 'text' | 'json' | 'sarif';

/** `a, b or c`. */
function either(values: readonly string[]): string {
  return values.length < 2 ? values.join('') : `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`;
}

/** The `--format` and `--json` options of a command printing `formats` (text first, the default); `text` describes the text form. */
export function formatOptions(formats: readonly OutputFormat[], text?: string): CliOption[] {
  const names = formats.map((f) => (f === 'text' && text ? `text (${text})` : f));
  return [
    { name: 'format', type: 'string', value: formats.join('|'), help: `Output format: ${either(names)} (default text).` },
    { name: 'json', type: 'boolean', help: 'The same as --format json.' },
  ];
}

/** The format asked for by `--format` or `--json`; an unknown or contradicting one is a UsageError. */
export function outputFormat(args: CliArgs, formats: readonly OutputFormat[]): OutputFormat {
  const given = stringOption(args, 'format');
  const json = flag(args, 'json');
  if (given === undefined) return json ? 'json' : 'text';
  const format = formats.find((f) => f === given);
  if (!format) throw new UsageError(`--format must be ${either(formats)}, not "${given}"`);
  if (json && format !== 'json') throw new UsageError(`--json asks for --format json, not ${format}; give one of them`);
  return format;
}
