/**
 * Dynamic SSL profiles (`[transport.http] listener.ssl_profile.file_path`): an XML file of `<profile>`
 * elements, each with a `<KeyStore>` and `<TrustStore>` (Location, Type, Password, KeyPassword) that the
 * HTTPS listener or sender uses for one bind address or host. Read bounded, scanned linearly (./xmlScan);
 * values keep their ranges in the XML so findings point into it.
 */
import * as fs from 'node:fs';
import type { Range } from '../problem';
import { blankComments, elements, firstElement } from './xmlScan';
import { lineStartsOf, positionAt } from './project';
import { decodeXmlText } from './xmlText';

/**
 * Largest SSL profiles file read, by the checks, the trust map and its fixes alike: a few profiles are
 * kilobytes, and the linear scan (./xmlScan) takes milliseconds for this much.
 */
export const MAX_SSL_PROFILE_BYTES = 1024 * 1024;

/** A value of the XML with its range. */
export interface XmlValue {
  readonly text: string;
  readonly range: Range;
}

/** One store of one profile. */
export interface SslProfileStore {
  /** 0-based index of the `<profile>`. */
  readonly profile: number;
  /** `<bindAddress>` (listener) or `<servers>` (sender), for messages. */
  readonly name: string;
  readonly role: 'keystore' | 'truststore';
  readonly location: XmlValue;
  readonly type?: XmlValue;
  readonly password?: XmlValue;
  readonly keyPassword?: XmlValue;
}

/** The text of a profile file, or null when it cannot be read or is too large. */
export function readSslProfileText(file: string): string | null {
  try {
    const st = fs.statSync(file);
    if (!st.isFile() || st.size > MAX_SSL_PROFILE_BYTES) return null;
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/** Every KeyStore/TrustStore of every profile of `xml` (commented-out profiles are not MI's, so not read). */
export function parseSslProfiles(xml: string): SslProfileStore[] {
  // Comments blanked (same length, so ranges stay true); elements() scans linearly, as a hostile file needs.
  const text = blankComments(xml.slice(0, MAX_SSL_PROFILE_BYTES));
  const lineStarts = lineStartsOf(text);
  const value = (tag: string, from: number, to: number): XmlValue | undefined => {
    const e = firstElement(text, tag, from, to);
    if (!e) return undefined;
    const raw = text.slice(e.innerStart, e.innerEnd);
    return { text: decodeXmlText(raw.trim()), range: { start: positionAt(lineStarts, e.innerStart), end: positionAt(lineStarts, e.innerEnd) } };
  };
  const out: SslProfileStore[] = [];
  elements(text, 'profile').forEach((p, n) => {
    const name = value('bindAddress', p.innerStart, p.innerEnd)?.text ?? value('servers', p.innerStart, p.innerEnd)?.text ?? `#${n + 1}`;
    for (const [tag, role] of [['KeyStore', 'keystore'], ['TrustStore', 'truststore']] as const) {
      const block = firstElement(text, tag, p.innerStart, p.innerEnd);
      if (!block) continue;
      const location = value('Location', block.innerStart, block.innerEnd);
      if (!location) continue;
      out.push({
        profile: n,
        name,
        role,
        location,
        type: value('Type', block.innerStart, block.innerEnd),
        password: value('Password', block.innerStart, block.innerEnd),
        ...(role === 'keystore' ? { keyPassword: value('KeyPassword', block.innerStart, block.innerEnd) } : {}),
      });
    }
  });
  return out;
}
