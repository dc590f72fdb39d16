/**
 * The `plaintext-password` quick fix: a password written in plain text moves into `[secrets]` as a
 * ciphertext made with the internal key's certificate, and its place gets `"$secret{alias}"`. MI
 * resolves the reference at startup by decrypting with the internal keystore, whose own password it then
 * needs from `password-tmp` (or a prompt) — the caller shows `MOVE_TO_SECRETS_NOTE`.
 */
import type { Position, Range, TextEdit } from '../problem';
import type { TomlDocument, TomlKeyValue } from '../config/toml';
import { setValueEdits } from '../config/edit';
import { NotPlainPasswordError } from '../errors';
import { encryptSecret } from './cipher';
import { configuredTransformation } from './encryptPlan';

/** The reminder to show once a password has moved into `[secrets]`. */
export const MOVE_TO_SECRETS_NOTE =
  'MI now decrypts this password at startup with the internal keystore, so it needs that keystore\'s password first: ' +
  'write it to MI_HOME/password-tmp before starting MI (MI deletes the file after reading it) or type it when MI asks.';

/** A plan of the fix: the edits (applied together) and the alias chosen. */
export interface MoveToSecretsPlan {
  readonly alias: string;
  readonly edits: TextEdit[];
}

/** Every alias already in `[secrets]` (the table, or `secrets.x` dotted keys elsewhere). */
function existingAliases(doc: TomlDocument): Set<string> {
  const aliases = new Set<string>();
  for (const t of doc.tables) {
    if (t.isArrayTable) continue;
    for (const e of t.entries) {
      if (e.fullKey.startsWith('secrets.')) aliases.add(e.fullKey.slice('secrets.'.length));
    }
  }
  return aliases;
}

/**
 * A valid alias (`[A-Za-z0-9_]`, as MI's resolver needs) derived from the key's full name,
 * e.g. `keystore.primary.password` → `keystore_primary_password`, made unique with `_2`, `_3`, ...
 */
export function secretAliasFor(doc: TomlDocument, fullKey: string): string {
  const base = trimUnderscores(fullKey.replace(/[^A-Za-z0-9_]+/g, '_')) || 'secret';
  const taken = existingAliases(doc);
  if (!taken.has(base)) return base;
  let n = 2;
  while (taken.has(`${base}_${n}`)) n++;
  return `${base}_${n}`;
}

/** What names the password to move: its key/value, its full dotted key, or the range of its value. */
export type MoveTarget = TomlKeyValue | string | Range;

function samePosition(a: Position, b: Position): boolean {
  return a.line === b.line && a.character === b.character;
}

/**
 * The key/value a target names. A range (the `plaintext-password` problem's range is its value's) also
 * tells apart the instances of an array table, which share one full key.
 */
function entryAt(doc: TomlDocument, target: MoveTarget): TomlKeyValue | undefined {
  const entries = doc.tables.flatMap((t) => t.entries);
  if (typeof target === 'string') return entries.find((e) => e.fullKey === target);
  if ('fullKey' in target) return target;
  return entries.find((e) => samePosition(e.value.range.start, target.start) || samePosition(e.range.start, target.start));
}

/**
 * The edits of the `plaintext-password` fix for `target` (the key/value, its full dotted key, or the
 * problem's range):
 * `[secrets]` gains `alias = "<ciphertext>"` (the table is created when missing) made with `certificate`
 * and the configured transformation, and the value becomes `"$secret{alias}"`. Throws NotPlainPasswordError when the value is
 * not a plain string (nothing to move), NotRsaKeyError when the certificate's key is not RSA.
 */
export function moveToSecretsEdits(doc: TomlDocument, target: MoveTarget, certificate: Uint8Array, transformation = configuredTransformation(doc)): MoveToSecretsPlan {
  const entry = entryAt(doc, target);
  if (!entry || entry.value.type !== 'string') throw new NotPlainPasswordError(entry?.fullKey, 'missing');
  const plaintext = entry.value.value as string;
  if (/\$(secret|env|sys)\{/.test(plaintext)) throw new NotPlainPasswordError(entry.fullKey, 'reference');
  const alias = secretAliasFor(doc, entry.fullKey);
  const ciphertext = encryptSecret(plaintext, certificate, transformation);
  const edits: TextEdit[] = [
    { file: doc.file, range: entry.value.range, newText: `"$secret{${alias}}"` },
    ...setValueEdits(doc, 'secrets', [alias], `"${ciphertext}"`),
  ];
  return { alias, edits };
}

/** `s` without leading and trailing underscores, found by index: a pattern anchored at the end rescans every run of `_`. */
function trimUnderscores(s: string): string {
  let from = 0;
  let to = s.length;
  while (from < to && s[from] === '_') from++;
  while (to > from && s[to - 1] === '_') to--;
  return s.slice(from, to);
}
