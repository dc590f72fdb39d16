/**
 * Text inside XML elements as MI's parser reads and writes it: the one escaper (for values written into
 * pom.xml and SSL profiles) and the one decoder (for values read from them). The files are scanned, not
 * parsed, so these work on an element's text alone.
 */

/** `s` as XML element text: `&`, `<` and `>` escaped. */
export function escapeXmlText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const NAMED: Readonly<Record<string, string>> = { lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' };

/** Element text with its entity and character references decoded in one pass, as an XML parser hands it on. */
export function decodeXmlText(text: string): string {
  return text.replace(/&(lt|gt|quot|apos|amp|#\d{1,7}|#x[0-9a-fA-F]{1,6});/g, (all, e: string) => {
    if (e[0] !== '#') return NAMED[e];
    const code = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : all;
  });
}
