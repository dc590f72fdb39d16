/**
 * Finds the HTTPS URLs a Synapse artifact (endpoint, API, proxy service, sequence, template, inbound
 * endpoint, local entry, connector configuration) makes MI call, with their positions: `uri`,
 * `uri-template` and `url` attributes (`<address>`, `<http>`, `<wsdl>`, `<publishWSDL>`), any attribute
 * whose value is an HTTPS URL, and HTTPS URLs in element text (local entries, `<hostUrl>` of connector
 * configurations, inbound endpoint parameters). Placeholders `${configs.NAME}` and `$SYSTEM:NAME` are
 * resolved through the caller's lookup; a URL that cannot be resolved is returned with the reason.
 *
 * The text may be hostile: it is read with linear scans and regular expressions without nested
 * quantifiers, and the caller bounds its size.
 */
import type { Range } from '../problem';

/** One URL of an artifact. */
export interface ArtifactUrl {
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

/** Where placeholders get their values: `configs.NAME` and `$SYSTEM:NAME` names, undefined when unset. */
export type PlaceholderLookup = (kind: 'configs' | 'system', name: string) => string | undefined;

/** Attributes that hold an address MI calls whatever their value looks like. */
const URL_ATTRIBUTES = new Set(['uri', 'uri-template', 'url']);

const ATTRIBUTE = /([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
const TAG_OPEN = /<([\w:.-]+)([^<>]*)>/g;
const HTTPS_IN_TEXT = /https:\/\/[^\s"'<>]+/gi;
const CONFIGS = /\$\{configs\.([\w.-]+)\}/g;
const SYSTEM_WHOLE = /^\$SYSTEM:([\w.-]+)$/;
const ARTIFACT_ROOTS = /<(endpoint|api|proxy|sequence|template|inboundEndpoint|localEntry|task|messageStore|messageProcessor)\b[^<>]*?\b(?:name|key)\s*=\s*["']([^"'<>]*)["']/;

/** Blanks comments and CDATA (keeping line breaks, so offsets and lines stay true). */
function blankUnread(text: string): string {
  return text.replace(/<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>/g, (m) => m.replace(/[^\n]/g, ' '));
}

/** Offsets of line starts, for offset → position. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function positionAt(starts: readonly number[], offset: number): { line: number; character: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, character: offset - starts[lo] };
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
  const sys = SYSTEM_WHOLE.exec(raw);
  if (sys) {
    const v = lookup('system', sys[1]);
    return v === undefined ? { missing: `$SYSTEM:${sys[1]}` } : { text: v };
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
export function hostAndPort(url: string): { host: string; port: number } | { reason: string } {
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
  return { host: parts[1].toLowerCase(), port };
}

/** Every HTTPS URL of one artifact's XML text, in document order. */
export function findSynapseUrls(xml: string, lookup: PlaceholderLookup): ArtifactUrl[] {
  const text = blankUnread(xml);
  const starts = lineStarts(text);
  const root = ARTIFACT_ROOTS.exec(text);
  const artifact = root ? `${root[1]} ${root[2]}` : '';
  const found: ArtifactUrl[] = [];
  const seenOffsets = new Set<number>();

  const add = (rawWritten: string, offset: number, wholeIsAddress: boolean) => {
    if (seenOffsets.has(offset)) return;
    const raw = decodeXml(rawWritten.trim());
    if (raw === '') return;
    const lead = rawWritten.length - rawWritten.trimStart().length;
    const range = { start: positionAt(starts, offset + lead), end: positionAt(starts, offset + lead + rawWritten.trim().length) };
    const literal = /^https:\/\//i.test(raw);
    const hasPlaceholder = raw.includes('${configs.') || SYSTEM_WHOLE.test(raw);
    if (!literal && !hasPlaceholder) return;
    const resolved = resolvePlaceholders(raw, lookup);
    if ('missing' in resolved) {
      // An unresolved value is listed only where it surely is an address MI calls over HTTPS or maybe HTTPS.
      if (!literal && !wholeIsAddress) return;
      seenOffsets.add(offset);
      found.push({ raw, url: null, host: null, port: null, unresolved: `${resolved.missing} has no value in .env, the config properties or the environment`, range, artifact });
      return;
    }
    // A placeholder that resolves to plain HTTP is no TLS connection.
    if (!/^https:\/\//i.test(resolved.text)) return;
    seenOffsets.add(offset);
    const hp = hostAndPort(resolved.text);
    if ('reason' in hp) found.push({ raw, url: resolved.text, host: null, port: null, unresolved: `cannot check it: ${hp.reason}`, range, artifact });
    else found.push({ raw, url: resolved.text, host: hp.host, port: hp.port, range, artifact });
  };

  for (const tag of text.matchAll(TAG_OPEN)) {
    const attrsStart = (tag.index ?? 0) + 1 + tag[1].length;
    for (const a of tag[2].matchAll(ATTRIBUTE)) {
      const value = a[2] ?? a[3] ?? '';
      const valueOffset = attrsStart + (a.index ?? 0) + a[0].length - value.length - 1;
      add(value, valueOffset, URL_ATTRIBUTES.has(a[1]));
    }
  }
  // Element text: HTTPS URLs anywhere, and whole-text placeholders of elements (a local entry, a connector's hostUrl).
  for (const m of text.matchAll(/>([^<]+)</g)) {
    const body = m[1];
    const bodyOffset = (m.index ?? 0) + 1;
    const trimmed = body.trim();
    if (/^(?:\$\{configs\.[\w.-]+\}|\$SYSTEM:[\w.-]+)/.test(trimmed) && !/\s/.test(trimmed)) {
      add(body, bodyOffset, false);
      continue;
    }
    for (const u of body.matchAll(HTTPS_IN_TEXT)) add(u[0], bodyOffset + (u.index ?? 0), false);
  }
  return found.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}
