/**
 * Linear scanning of the XML a workspace holds (dynamic SSL profiles files, pom.xml): a workspace file may
 * be hostile, and lazy regular expressions over unclosed `<!--` or `<profile>` tags take quadratic time.
 * Every function here finds its way with indexOf, once over the text.
 */

/** An element found in a text: its whole extent and the extent of its content. */
export interface XmlBlock {
  readonly start: number;
  readonly end: number;
  readonly innerStart: number;
  readonly innerEnd: number;
}

/** `xml` with each comment replaced by spaces (newlines kept, so offsets and lines stay); an unclosed one blanks to the end. */
export function blankComments(xml: string): string {
  return blankBetween(xml, '<!--', '-->');
}

/** `xml` with each span from `open` to `close` replaced by spaces (newlines kept), found with indexOf once over the text. */
export function blankBetween(xml: string, open: string, close: string): string {
  const parts: string[] = [];
  let pos = 0;
  for (;;) {
    const at = xml.indexOf(open, pos);
    if (at < 0) break;
    const shut = xml.indexOf(close, at + open.length);
    const end = shut < 0 ? xml.length : shut + close.length;
    parts.push(xml.slice(pos, at), spaces(xml.slice(at, end)));
    pos = end;
  }
  parts.push(xml.slice(pos));
  return parts.join('');
}

/**
 * `text` with every character but line breaks turned into a space. Whole runs at a time: one replacement per
 * character costs ~0.4 s for 2 MB, a hostile file's unclosed comment.
 */
export function spaces(text: string): string {
  return text.replace(/[^\n]+/g, (run) => ' '.repeat(run.length));
}

/** Whether the character after a tag name ends the name (`<profile>`, `<profile a="">`, not `<profiles>`). */
export function endsName(ch: string | undefined): boolean {
  return ch === '>' || ch === '/' || ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r';
}

/** Every `<tag …>…</tag>` of `xml` from `from` to `to`, in order (not nested). */
export function elements(xml: string, tag: string, from = 0, to = xml.length): XmlBlock[] {
  // indexOf has no end bound: a search within a part of the text searches a copy of that part, or a
  // missing tag would be looked for through the rest of the file once per profile.
  if (from > 0 || to < xml.length) {
    return elements(xml.slice(from, to), tag).map((b) => ({ start: b.start + from, end: b.end + from, innerStart: b.innerStart + from, innerEnd: b.innerEnd + from }));
  }
  const out: XmlBlock[] = [];
  const closeTag = `</${tag}>`;
  let pos = from;
  for (;;) {
    const start = xml.indexOf(`<${tag}`, pos);
    if (start < 0 || start >= to) break;
    if (!endsName(xml[start + tag.length + 1])) {
      pos = start + tag.length + 1;
      continue;
    }
    const gt = xml.indexOf('>', start);
    if (gt < 0 || gt >= to) break;
    const close = xml.indexOf(closeTag, gt + 1);
    if (close < 0 || close + closeTag.length > to) break;
    out.push({ start, end: close + closeTag.length, innerStart: gt + 1, innerEnd: close });
    pos = close + closeTag.length;
  }
  return out;
}

/** The first `<tag>` of `xml` between `from` and `to`, if any. */
export function firstElement(xml: string, tag: string, from = 0, to = xml.length): XmlBlock | undefined {
  return elements(xml, tag, from, to)[0];
}
