/**
 * Dynamic SSL profiles (`[transport.http] listener.ssl_profile.file_path`): an XML file of `<profile>`
 * elements, each with a `<KeyStore>` and `<TrustStore>` (Location, Type, Password, KeyPassword) that the
 * HTTPS listener or sender uses for one bind address or host. Read bounded, parsed with bounded
 * regular expressions; values keep their ranges in the XML so findings point into it.
 */
import * as fs from 'node:fs';
import type { Range } from '../problem';
import { lineStartsOf, positionAt } from './project';
import { decodeXmlText } from './xmlText';

/** Largest SSL profile file read: a few profiles are kilobytes. */
export const MAX_SSL_PROFILE_BYTES = 256 * 1024;

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

/** Every KeyStore/TrustStore of every profile of `xml`. */
export function parseSslProfiles(xml: string): SslProfileStore[] {
  const text = xml.slice(0, MAX_SSL_PROFILE_BYTES);
  const lineStarts = lineStartsOf(text);
  const value = (block: string, blockStart: number, tag: string): XmlValue | undefined => {
    const m = new RegExp(`<${tag}>([^<]{0,4096})</${tag}>`).exec(block);
    if (!m) return undefined;
    const start = blockStart + m.index + tag.length + 2;
    return { text: decodeXmlText(m[1].trim()), range: { start: positionAt(lineStarts, start), end: positionAt(lineStarts, start + m[1].length) } };
  };
  const out: SslProfileStore[] = [];
  let n = 0;
  for (const p of text.matchAll(/<profile>([\s\S]{0,65536}?)<\/profile>/g)) {
    const body = p[1];
    const bodyStart = (p.index ?? 0) + '<profile>'.length;
    const name = value(body, bodyStart, 'bindAddress')?.text ?? value(body, bodyStart, 'servers')?.text ?? `#${n + 1}`;
    for (const [tag, role] of [['KeyStore', 'keystore'], ['TrustStore', 'truststore']] as const) {
      const m = new RegExp(`<${tag}>([\\s\\S]{0,16384}?)</${tag}>`).exec(body);
      if (!m) continue;
      const blockStart = bodyStart + m.index + tag.length + 2;
      const location = value(m[1], blockStart, 'Location');
      if (!location) continue;
      out.push({
        profile: n,
        name,
        role,
        location,
        type: value(m[1], blockStart, 'Type'),
        password: value(m[1], blockStart, 'Password'),
        ...(role === 'keystore' ? { keyPassword: value(m[1], blockStart, 'KeyPassword') } : {}),
      });
    }
    n++;
  }
  return out;
}
