/** Applies an engine ConfigChange to disk as the extension's WorkspaceEdit would, for engine tests. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ConfigChange, TextEdit } from '../../src/core/problem';
import { lineStartsOf } from '../../src/core/workspace/project';

/** Applies text edits to `text` (last first, as an editor applies one WorkspaceEdit). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const starts = lineStartsOf(text);
  const offset = (p: { line: number; character: number }) => starts[p.line] + p.character;
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}

/** Creates the change's files (never over an existing one) and applies its edits. */
export function applyChange(change: ConfigChange): void {
  for (const c of change.creates) {
    assert.equal(fs.existsSync(c.file), false, `${c.file} must not exist`);
    fs.mkdirSync(path.dirname(c.file), { recursive: true });
    fs.writeFileSync(c.file, c.contents);
  }
  const byFile = new Map<string, TextEdit[]>();
  for (const e of change.edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
  for (const [file, edits] of byFile) fs.writeFileSync(file, applyEdits(fs.readFileSync(file, 'utf8'), edits));
}
