/**
 * Applies the engine's `TextEdit[]` to a text, as an editor would apply one undoable edit: positions are
 * 0-based lines and UTF-16 characters of the original text, and edits must not overlap. The CLI uses it to
 * write the plans of the secure vault (encrypt, rotate) to deployment.toml.
 */
import type { Position, TextEdit } from '../problem';

/** Offsets of the start of each line (a line ends after `\n`; `\r\n` keeps its `\r` on the line). */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 0x0a) starts.push(i + 1);
  return starts;
}

/** The offset of `p` in the text, clamped like LSP clamps a character past the end of its line. */
function offsetOf(starts: readonly number[], textLength: number, p: Position): number {
  if (p.line < 0 || p.character < 0) throw new RangeError(`Invalid position ${p.line}:${p.character}.`);
  if (p.line >= starts.length) return textLength;
  const lineEnd = p.line + 1 < starts.length ? starts[p.line + 1] - 1 : textLength;
  return Math.min(starts[p.line] + p.character, lineEnd);
}

/**
 * Returns `text` with every edit applied. Edits are positioned in the original text; insertions at the same
 * point keep their order in `edits`. Throws a RangeError when two edits overlap (the plan is wrong).
 */
export function applyEdits(text: string, edits: readonly Pick<TextEdit, 'range' | 'newText'>[]): string {
  const starts = lineStarts(text);
  const located = edits.map((e, index) => {
    const start = offsetOf(starts, text.length, e.range.start);
    const end = offsetOf(starts, text.length, e.range.end);
    if (end < start) throw new RangeError('An edit ends before it starts.');
    return { start, end, newText: e.newText, index };
  });
  // Ascending by position, list order for ties, so the overlap check sees neighbours.
  located.sort((a, b) => a.start - b.start || a.end - b.end || a.index - b.index);
  for (let i = 1; i < located.length; i++) {
    if (located[i].start < located[i - 1].end) throw new RangeError('Two edits overlap; they cannot be applied together.');
  }
  let out = '';
  let cursor = 0;
  for (const e of located) {
    out += text.slice(cursor, e.start) + e.newText;
    cursor = e.end;
  }
  return out + text.slice(cursor);
}
