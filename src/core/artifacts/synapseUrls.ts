/**
 * Finds the HTTPS URLs a Synapse artifact (endpoint, API, proxy service, sequence, template, inbound
 * endpoint, local entry, connector configuration) makes MI call, with their positions: `uri`,
 * `uri-template` and `url` attributes (`<address>`, `<http>`, `<wsdl>`, `<publishWSDL>`), other attributes
 * whose whole value is an HTTPS URL (a template's `<with-param>`), and element text that is wholly one URL (a
 * local entry, a connector configuration's `<hostUrl>`, an inbound endpoint parameter, an OAuth `<tokenUrl>`).
 * A URL inside longer text is content, not an address: a payload, a JSON schema's `$id`, a script. So are
 * namespace URIs, `<property>` values other than `uri.var.*` (headers, strings), `<header>` values other than
 * `To`, payloadFactory `<arg>`s and `<variable>`s, payload formats and OAuth request parameters (a `scope` is a
 * form field). Placeholders `${configs.NAME}`, `$SYSTEM:NAME` and `$FILE:NAME` are resolved through the caller's
 * lookup; a URL that cannot be resolved is returned with the reason.
 *
 * The text may be hostile: it is read with linear scans and regular expressions without nested
 * quantifiers, and the caller bounds its size.
 */
import type { Range } from '../problem';
import { lineStartsOf, positionAt } from '../workspace/project';
import { blankBetween, blankComments, endsName, spaces } from '../workspace/xmlScan';

/**
 * How MI makes the call: `call` through the HTTPS sender (endpoints, connectors); `oauth-token` through an
 * endpoint's OAuth client (the sender's SSL context, no host name check); `wsdl` fetched once at deployment by
 * the JDK's HttpsURLConnection (`<wsdl uri>`, `<publishWSDL uri>`).
 */
export type UrlKind = 'call' | 'oauth-token' | 'wsdl';

/** One URL of an artifact. */
export interface ArtifactUrl {
  readonly kind: UrlKind;
  /** The port as the URL writes it (null when it writes none). */
  readonly portWritten?: number;
  /** The text as written (placeholders unresolved). */
  readonly raw: string;
  /** The resolved `https://` URL; null when it could not be resolved. */
  readonly url: string | null;
  readonly host: string | null;
  readonly port: number | null;
  /** Why the URL cannot be checked (unresolved placeholder, host chosen at run time). */
  readonly unresolved?: string;
  /** The range of the URL text in the artifact. */
  readonly range: Range;
  /** The artifact's root element and name, for people (`endpoint BackendEP`). */
  readonly artifact: string;
}

/** Where placeholders get their values: `${configs.NAME}`, `$SYSTEM:NAME` and `$FILE:NAME`, undefined when unset. */
export type PlaceholderLookup = (kind: 'configs' | 'system' | 'file', name: string) => string | undefined;

/** Attributes that hold an address MI calls whatever their value looks like. */
const URL_ATTRIBUTES = new Set(['uri', 'uri-template', 'url']);

const CONFIGS = /\$\{configs\.([\w.-]+)\}/g;
/** Synapse's resolver pattern (`\$([_a-zA-Z0-9]+):([_a-zA-Z0-9]+)`) over a whole value: `$SYSTEM:HOST`, `$FILE:url`. */
const RESOLVER_WHOLE = /^\$(SYSTEM|FILE):([\w.-]+)$/;
/** Synapse's prefix asking for the legacy encoding of a uri-template's variables; the URL follows it. */
const LEGACY_ENCODING = /^legacy-encoding:/i;
/** At most this many URLs per artifact, and attributes per tag: real ones have a few; a hostile one must not cost seconds. */
const MAX_URLS = 1000;
const MAX_ATTRIBUTES = 64;
/** Blocks whose content is never an address: payloads and the OAuth token request's form fields. */
const CONTENT_BLOCKS = ['format', 'requestParameters'];
const ARTIFACT_ROOTS = /<(endpoint|api|proxy|sequence|template|inboundEndpoint|localEntry|task|messageStore|messageProcessor)\b[^<>]*?\b(?:name|key)\s*=\s*["']([^"'<>]*)["']/;

/** Blanks comments, CDATA and CONTENT_BLOCKS (keeping line breaks, so offsets and lines stay true), each in one pass. */
function blankUnread(text: string): string {
  return blankBlocks(blankBetween(blankComments(text), '<![CDATA[', ']]>'));
}

/** Blanks the content of every CONTENT_BLOCKS element (an unclosed one to the end; a self-closing one has none). */
function blankBlocks(text: string): string {
  let out = text;
  for (const tag of CONTENT_BLOCKS) {
    const parts: string[] = [];
    let pos = 0;
    for (;;) {
      const open = out.indexOf(`<${tag}`, pos);
      if (open < 0) break;
      const gt = out.indexOf('>', open);
      if (gt < 0) break;
      if (!endsName(out[open + tag.length + 1]) || out[gt - 1] === '/') {
        // Another name (`<formats>`), or `<format key="…"/>`: nothing to blank.
        pos = open + 1;
        continue;
      }
      const close = out.indexOf(`</${tag}>`, gt);
      const end = close < 0 ? out.length : close;
      parts.push(out.slice(pos, open), spaces(out.slice(open, end)));
      pos = end;
    }
    parts.push(out.slice(pos));
    out = parts.join('');
  }
  return out;
}

/** Decodes the five predefined XML entities and numeric references of an attribute or text value. */
function decodeXml(s: string): string {
  return s.replace(/&(?:#x([0-9a-f]{1,6})|#(\d{1,7})|(amp|lt|gt|quot|apos));/gi, (all, hex: string, dec: string, name: string) => {
    if (hex) return String.fromCodePoint(Math.min(parseInt(hex, 16), 0x10ffff));
    if (dec) return String.fromCodePoint(Math.min(parseInt(dec, 10), 0x10ffff));
    return ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" } as Record<string, string>)[name.toLowerCase()] ?? all;
  });
}

/** Resolves placeholders: the text, or the first name that has no value. */
function resolvePlaceholders(raw: string, lookup: PlaceholderLookup): { text: string } | { missing: string } {
  const whole = RESOLVER_WHOLE.exec(raw);
  if (whole) {
    const v = lookup(whole[1] === 'SYSTEM' ? 'system' : 'file', whole[2]);
    return v === undefined ? { missing: `$${whole[1]}:${whole[2]}` } : { text: v };
  }
  let missing: string | null = null;
  const text = raw.replace(CONFIGS, (all, name: string) => {
    const v = lookup('configs', name);
    if (v === undefined) missing ??= `\${configs.${name}}`;
    return v ?? all;
  });
  return missing ? { missing } : { text };
}

/** Host and port of an `https://` URL whose path may hold uri-template variables. */
export function hostAndPort(url: string): { host: string; port: number; portWritten?: number } | { reason: string } {
  const m = /^https:\/\/([^/?#]*)/i.exec(url);
  if (!m) return { reason: 'it is not an https:// URL' };
  const authority = m[1].replace(/^[^@]*@/, '');
  if (/[{}$]/.test(authority)) return { reason: 'its host is chosen at run time' };
  const v6 = /^\[([0-9a-f:.]+)\](?::(\d{1,5}))?$/i.exec(authority);
  const plain = /^([^:[\]]+)(?::(\d{1,5}))?$/.exec(authority);
  const parts = v6 ?? plain;
  if (!parts || parts[1] === '') return { reason: `"${authority}" is not a host[:port]` };
  const port = parts[2] ? Number(parts[2]) : 443;
  if (port < 1 || port > 65535) return { reason: `port ${parts[2]} is out of range` };
  return { host: parts[1].toLowerCase(), port, ...(parts[2] ? { portWritten: port } : {}) };
}

/** An attribute of a start tag: its name, its value as written, and the value's offset in the text. */
interface Attribute {
  readonly name: string;
  readonly value: string;
  readonly offset: number;
}

/** A start tag `<name …>` (or `<name …/>`) and its attributes. */
interface StartTag {
  readonly name: string;
  readonly attributes: readonly Attribute[];
}

const isNameChar = (c: number) => (c >= 48 && c <= 58) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45 || c === 46;
const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;

/**
 * `indexOf(ch, from)` for non-decreasing `from`, searching each stretch of the text once: on text without the
 * character, a search per tag would be quadratic.
 */
function forwardFinder(text: string, ch: string): (from: number) => number {
  let at = -2;
  return (from) => {
    if (at !== -1 && at < from) at = text.indexOf(ch, from);
    return at;
  };
}

/** The attributes `name="value"` / `name='value'` of a start tag's text from `start` to `end`, read left to right once. */
function attributesOf(text: string, start: number, end: number): Attribute[] {
  const out: Attribute[] = [];
  let i = start;
  while (i < end && out.length < MAX_ATTRIBUTES) {
    while (i < end && !isNameChar(text.charCodeAt(i))) i++;
    const nameStart = i;
    while (i < end && isNameChar(text.charCodeAt(i))) i++;
    const name = text.slice(nameStart, i);
    while (i < end && isSpace(text.charCodeAt(i))) i++;
    if (text[i] !== '=') continue;
    i++;
    while (i < end && isSpace(text.charCodeAt(i))) i++;
    const quote = text[i];
    if (quote !== '"' && quote !== "'") continue;
    const close = text.indexOf(quote, i + 1);
    if (close < 0 || close > end) break;
    out.push({ name, value: text.slice(i + 1, close), offset: i + 1 });
    i = close + 1;
  }
  return out;
}

/** Every start tag of the text, in order, found in one pass (a `<` that starts no name is skipped). */
function* startTags(text: string): Generator<StartTag> {
  const nextGt = forwardFinder(text, '>');
  const nextLt = forwardFinder(text, '<');
  for (let lt = nextLt(0); lt >= 0; lt = nextLt(lt + 1)) {
    let i = lt + 1;
    while (i < text.length && isNameChar(text.charCodeAt(i))) i++;
    if (i === lt + 1) continue;
    const gt = nextGt(i);
    if (gt < 0) break;
    // A `<` before the `>` means this tag is unclosed: it has no attributes MI would read.
    const lt2 = nextLt(i);
    if (lt2 >= 0 && lt2 < gt) continue;
    yield { name: text.slice(lt + 1, i), attributes: attributesOf(text, i, gt) };
  }
}

/** Each element text (between a `>` and the next `<`) with its offset, found in one pass. */
function* textNodes(text: string): Generator<{ body: string; offset: number; element: string }> {
  const nextGt = forwardFinder(text, '>');
  const nextLt = forwardFinder(text, '<');
  let tagStart = nextLt(0);
  for (let pos = 0; ; ) {
    const gt = nextGt(pos);
    if (gt < 0) break;
    const lt = nextLt(gt + 1);
    if (lt < 0) break;
    if (lt > gt + 1) {
      const name = tagStart >= 0 && tagStart < gt ? /^<([\w:.-]+)/.exec(text.slice(tagStart, Math.min(gt, tagStart + 200)))?.[1] : undefined;
      yield { body: text.slice(gt + 1, lt), offset: gt + 1, element: name ?? '' };
    }
    tagStart = lt;
    pos = lt;
  }
}

/** The local name of a tag (`syn:address` → `address`). */
function localName(tag: string): string {
  return tag.slice(tag.indexOf(':') + 1);
}

/** Whether an attribute of this tag may hold an address MI calls (see the file's comment for what does not). */
function mayBeAddress(tag: string, attribute: string, nameAttribute: string | undefined): boolean {
  if (URL_ATTRIBUTES.has(attribute)) return true;
  if (attribute === 'xmlns' || attribute.startsWith('xmlns:')) return false;
  const local = localName(tag);
  if (local === 'property') return nameAttribute?.startsWith('uri.var.') === true;
  if (local === 'header') return nameAttribute === 'To';
  // A payloadFactory argument and a variable are values the message carries, not addresses.
  return local !== 'arg' && local !== 'variable';
}

/** Every HTTPS URL of one artifact's XML text, in document order. */
export function findSynapseUrls(xml: string, lookup: PlaceholderLookup): ArtifactUrl[] {
  const text = blankUnread(xml);
  const starts = lineStartsOf(text);
  const root = ARTIFACT_ROOTS.exec(text);
  const artifact = root ? `${root[1]} ${root[2]}` : '';
  const found: ArtifactUrl[] = [];
  const seenOffsets = new Set<number>();

  const add = (rawWritten: string, offset: number, wholeIsAddress: boolean, kind: UrlKind) => {
    if (seenOffsets.has(offset)) return;
    const raw = decodeXml(rawWritten.trim()).replace(LEGACY_ENCODING, '');
    const literal = /^https:\/\//i.test(raw);
    const hasPlaceholder = raw.includes('${configs.') || RESOLVER_WHOLE.test(raw);
    if (!literal && !hasPlaceholder) return;
    const lead = rawWritten.length - rawWritten.trimStart().length;
    const range = { start: positionAt(starts, offset + lead), end: positionAt(starts, offset + lead + rawWritten.trim().length) };
    const resolved = resolvePlaceholders(raw, lookup);
    if ('missing' in resolved) {
      // An unresolved value is listed only where it surely is an address MI calls over HTTPS or maybe HTTPS.
      if (!literal && !wholeIsAddress) return;
      seenOffsets.add(offset);
      found.push({ kind, raw, url: null, host: null, port: null, unresolved: `${resolved.missing} has no value in .env, the config properties or the environment`, range, artifact });
      return;
    }
    // A placeholder that resolves to plain HTTP is no TLS connection.
    if (!/^https:\/\//i.test(resolved.text)) return;
    seenOffsets.add(offset);
    const hp = hostAndPort(resolved.text);
    if ('reason' in hp) found.push({ kind, raw, url: resolved.text, host: null, port: null, unresolved: `cannot check it: ${hp.reason}`, range, artifact });
    else found.push({ kind, raw, url: resolved.text, host: hp.host, port: hp.port, ...(hp.portWritten !== undefined ? { portWritten: hp.portWritten } : {}), range, artifact });
  };

  for (const tag of startTags(text)) {
    if (found.length >= MAX_URLS) break;
    const nameAttribute = tag.attributes.find((a) => a.name === 'name')?.value;
    const local = localName(tag.name);
    for (const a of tag.attributes) {
      if (!mayBeAddress(tag.name, a.name, nameAttribute)) continue;
      add(a.value, a.offset, URL_ATTRIBUTES.has(a.name), (local === 'wsdl' || local === 'publishWSDL') && a.name === 'uri' ? 'wsdl' : 'call');
    }
  }
  // Element text that is wholly one URL or placeholder (a local entry, a connector's hostUrl, an OAuth tokenUrl).
  for (const t of textNodes(text)) {
    if (found.length >= MAX_URLS) break;
    const trimmed = t.body.trim();
    if (trimmed === '' || /\s/.test(trimmed)) continue;
    add(t.body, t.offset, false, localName(t.element) === 'tokenUrl' ? 'oauth-token' : 'call');
  }
  return found.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}
