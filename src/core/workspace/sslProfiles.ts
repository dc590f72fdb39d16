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
  /** Absent when the block names no `<Location>`. */
  readonly location?: XmlValue;
  readonly type?: XmlValue;
  readonly password?: XmlValue;
  readonly keyPassword?: XmlValue;
}

/** One `<profile>`: where it starts, whom it serves, and its stores. */
export interface SslProfileXml {
  /** 0-based index of the `<profile>`. */
  readonly index: number;
  /** `<bindAddress>` (listener) or `<servers>` (sender), else `#n`, for messages. */
  readonly name: string;
  /** `<servers>` split at commas, trimmed and lower-cased, as Synapse matches `host:port`. */
  readonly servers: readonly string[];
  /** The empty range at the `<profile>` tag. */
  readonly at: Range;
  /** `novalidatecert="true"` on the tag (compared exactly, as Synapse does): without a TrustStore, no certificate is validated. */
  readonly noValidateCert: boolean;
  readonly keystore?: SslProfileStore;
  readonly truststore?: SslProfileStore;
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

/**
 * Every `<profile>` of `xml` with its KeyStore and TrustStore, as the listener's and the sender's profiles are
 * read alike (commented-out profiles are not MI's, so not read).
 */
export function parseSslProfiles(xml: string): SslProfileXml[] {
  // Comments blanked (same length, so ranges stay true); elements() scans linearly, as a hostile file needs.
  const text = blankComments(xml.slice(0, MAX_SSL_PROFILE_BYTES));
  const lineStarts = lineStartsOf(text);
  /** The trimmed text of the first `<tag>` in from..to, entities decoded (MI's XML parser hands Synapse it so); undefined when absent or holding elements. */
  const value = (tag: string, from: number, to: number): XmlValue | undefined => {
    const e = firstElement(text, tag, from, to);
    if (!e) return undefined;
    const raw = text.slice(e.innerStart, e.innerEnd);
    if (raw.includes('<')) return undefined;
    return { text: decodeXmlText(raw.trim()), range: { start: positionAt(lineStarts, e.innerStart), end: positionAt(lineStarts, e.innerEnd) } };
  };
  return elements(text, 'profile').map((p, index) => {
    const servers = value('servers', p.innerStart, p.innerEnd);
    const name = value('bindAddress', p.innerStart, p.innerEnd)?.text ?? servers?.text ?? `#${index + 1}`;
    const store = (tag: 'KeyStore' | 'TrustStore', role: SslProfileStore['role']): SslProfileStore | undefined => {
      const block = firstElement(text, tag, p.innerStart, p.innerEnd);
      if (!block) return undefined;
      const field = (t: string) => value(t, block.innerStart, block.innerEnd);
      const [location, type, password] = [field('Location'), field('Type'), field('Password')];
      const keyPassword = role === 'keystore' ? field('KeyPassword') : undefined;
      return { profile: index, name, role, ...(location ? { location } : {}), ...(type ? { type } : {}), ...(password ? { password } : {}), ...(keyPassword ? { keyPassword } : {}) };
    };
    const at = positionAt(lineStarts, p.start);
    const keystore = store('KeyStore', 'keystore');
    const truststore = store('TrustStore', 'truststore');
    return {
      index,
      name,
      servers: (servers?.text ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean),
      at: { start: at, end: at },
      noValidateCert: /\snovalidatecert\s*=\s*(["'])true\1/.test(text.slice(p.start, p.innerStart)),
      ...(keystore ? { keystore } : {}),
      ...(truststore ? { truststore } : {}),
    };
  });
}
