/** Helpers the keystore rules share: where a value is written, how a fix sets it, how a store is named. */
import type { Range, TextEdit } from '../../problem';
import type { KeystoreFormat } from '../../keystore';
import { setValueEdits } from '../../config/edit';
import type { EffectiveConfig, EffectiveStore, PasswordValue, Sourced } from '../../workspace/effectiveConfig';
import { displayPath } from '../../workspace/effectiveConfig';

/** Whether a value is written on a line of the consumer's own table (not inherited). */
export function isOwnLine(store: EffectiveStore, v: { origin: Sourced['origin'] } | null | undefined): boolean {
  return !!v && v.origin.kind === 'line' && !v.origin.via && v.origin.key.startsWith(`${store.table}.`);
}

/** Edits that set the value of `v` (a consumer's value) to `rawToml`, where a person would set it. */
export function valueEdits(config: EffectiveConfig, store: EffectiveStore, v: Sourced | PasswordValue, rawToml: string): TextEdit[] {
  // Values of an SSL profile XML are not TOML: no edit is offered there (the engine drops empty fixes).
  if (store.sourceFile) return [];
  const doc = config.document;
  if (v.origin.kind === 'line') return [{ file: doc.file, range: v.origin.range, newText: rawToml }];
  if (v.origin.via) {
    // An inherited default: set it where it is inherited from (`keystore.primary.type`).
    const parts = v.origin.via.split('.');
    return setValueEdits(doc, parts.slice(0, -1).join('.'), parts[parts.length - 1], rawToml);
  }
  // Relative to the table the store is written in: `[keystore]` + `primary.file_name` (or `primary = { … }`)
  // gets `primary.type`, not a `type` that would be keystore.type.
  const table = store.tableNode ?? store.table;
  const tableName = typeof table === 'string' ? table : table.name;
  return setValueEdits(doc, table, tableName ? v.key.slice(tableName.length + 1) : v.key, rawToml);
}

/**
 * How a message names a store's file: as written when the value holds a reference (never its
 * expansion, which may come from the environment), else relative to the workspace.
 */
export function shownFile(config: EffectiveConfig, s: EffectiveStore): string {
  if (s.file.written !== undefined && s.file.written !== s.file.value) return s.file.written;
  return s.path ? displayPath(config.workspace, s.path) : s.file.value;
}

/** A configured value as written (`$env{KS_ALIAS}`), for messages. */
export function shownValue(v: Sourced): string {
  return v.written ?? v.value;
}

/** MI's and the JDK's words for a wrong store password, by format. */
export function wrongPasswordWords(format: KeystoreFormat | null): string {
  return format === 'PKCS12' ? 'keystore password was incorrect' : 'Keystore was tampered with, or password was incorrect';
}

/** Where a finding about a store's password goes: its value, else the store's file value. */
export function passwordAnchor(s: EffectiveStore): Range {
  return s.password?.anchor ?? s.file.anchor;
}
