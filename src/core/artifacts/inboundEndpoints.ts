/**
 * HTTPS inbound endpoints: listeners an artifact opens on a port of their own (`<inboundEndpoint protocol="https">`
 * with `inbound.http.port`), serving the key of the `keystore` parameter's `<KeyStore>` (WSO2's "HTTPS Inbound
 * Endpoint": Location, Type, Password, KeyPassword). Clients judge that certificate as they judge MI's own
 * listener. Read with the linear XML scan (../workspace/xmlScan): the text may be hostile.
 */
import type { Range } from '../problem';
import { lineStartsOf, positionAt } from '../workspace/project';
import { blankComments, elements, firstElement, type XmlBlock } from '../workspace/xmlScan';
import { decodeXmlText } from '../workspace/xmlText';

/** One HTTPS inbound endpoint and the store it serves from. */
export interface HttpsInbound {
  readonly name: string;
  /** `inbound.http.port`, null when absent or not a number. */
  readonly port: number | null;
  /** The `<KeyStore>` as written (Location as MI reads it, relative to MI_HOME); null without one. */
  readonly keystore: { readonly location: string; readonly type: string | null; readonly password?: string; readonly keyPassword?: string } | null;
  /** The range of the `<Location>` text, else of the start tag. */
  readonly range: Range;
}

/** At most this many per artifact: a real one has one. */
const MAX_PER_FILE = 16;

/** Every HTTPS inbound endpoint of an artifact's XML. */
export function findHttpsInbounds(xml: string): HttpsInbound[] {
  if (!xml.includes('inboundEndpoint')) return [];
  const text = blankComments(xml);
  const starts = lineStartsOf(text);
  const range = (from: number, to: number): Range => ({ start: positionAt(starts, from), end: positionAt(starts, to) });
  const out: HttpsInbound[] = [];
  for (const e of elements(text, 'inboundEndpoint').slice(0, MAX_PER_FILE)) {
    const tag = text.slice(e.start, e.innerStart);
    if (attribute(tag, 'protocol')?.toLowerCase() !== 'https') continue;
    const value = (name: string, within: XmlBlock): { text: string; block: XmlBlock } | undefined => {
      const b = firstElement(text, name, within.innerStart, within.innerEnd);
      const raw = b ? text.slice(b.innerStart, b.innerEnd) : undefined;
      return b && raw !== undefined && !raw.includes('<') ? { text: decodeXmlText(raw.trim()), block: b } : undefined;
    };
    const param = (name: string) => elements(text, 'parameter', e.innerStart, e.innerEnd).find((p) => attribute(text.slice(p.start, p.innerStart), 'name') === name);
    const portParam = param('inbound.http.port');
    const portText = portParam ? text.slice(portParam.innerStart, portParam.innerEnd).trim() : '';
    const port = /^\d{1,5}$/.test(portText) ? Number(portText) : null;
    const ksParam = param('keystore');
    const ks = ksParam ? firstElement(text, 'KeyStore', ksParam.innerStart, ksParam.innerEnd) : undefined;
    const location = ks ? value('Location', ks) : undefined;
    const field = (name: string) => (ks ? value(name, ks)?.text : undefined);
    const [type, password, keyPassword] = [field('Type'), field('Password'), field('KeyPassword')];
    out.push({
      name: attribute(tag, 'name') ?? '',
      port,
      keystore: location ? { location: location.text, type: type ?? null, ...(password !== undefined ? { password } : {}), ...(keyPassword !== undefined ? { keyPassword } : {}) } : null,
      range: location ? range(location.block.innerStart, location.block.innerEnd) : range(e.start, e.innerStart),
    });
  }
  return out;
}

/** An attribute's value in a start tag (`name="x"` or `name='x'`), undefined when absent. */
function attribute(tag: string, name: string): string | undefined {
  // The tag is one start tag (bounded by its element): this pattern has no nested quantifier.
  const m = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(tag);
  return m ? decodeXmlText(m[1] ?? m[2] ?? '') : undefined;
}
