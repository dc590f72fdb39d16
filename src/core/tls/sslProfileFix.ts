/**
 * The edit that gives one server its own client TLS context: a dynamic SSL profile
 * (`<parameter name="customSSLProfiles"><profile><servers>host:port</servers><KeyStore>…</KeyStore>
 * <TrustStore>…</TrustStore></profile>…`) in the profiles file MI's HTTPS sender re-reads, plus
 * `[transport.http] sender.ssl_profile.file_path` and `read_interval` in deployment.toml when they are
 * absent (axis2.xml.j2 renders them into `dynamicSSLProfilesConfig`). Plain data: the adapter applies
 * the creations and text edits together, as one undoable step.
 */
import type { TomlDocument } from '../config/toml';
import { InvalidInputError } from '../keystore';
import type { ConfigChange, FileCreation, Range, TextEdit } from '../problem';
import { lineStartsOf, positionAt } from '../workspace/project';
import { writtenValue } from './clientContext';
import { blankComments, elements, firstElement } from '../workspace/xmlScan';
import { escapeXmlText } from '../workspace/xmlText';
import { MAX_SSL_PROFILE_BYTES } from '../workspace/sslProfiles';

/** A store as a profile names it: Synapse's ClientConnFactoryBuilder reads every one of these fields. */
export interface ProfileStore {
  /** As MI opens it (FileInputStream, relative to MI_HOME). */
  readonly location: string;
  readonly type: string;
  readonly password: string;
  /** KeyStore only: the password of its keys (KeyManagerFactory.init). */
  readonly keyPassword?: string;
}

/** What the SSL profile edit needs. */
export interface SslProfileEditInput {
  /** The parsed deployment.toml. */
  readonly toml: TomlDocument;
  /** Absolute path of the profiles file (read, or to create). */
  readonly profilesFile: string;
  /** Its text; null when it does not exist yet. */
  readonly profilesText: string | null;
  /** `sender.ssl_profile.file_path` to write when deployment.toml has none. */
  readonly profilesWritten: string;
  /** `host:port`. */
  readonly server: string;
  readonly truststore?: ProfileStore;
  readonly keystore?: ProfileStore;
}

/** Where MI's documentation puts the sender's profiles (relative to MI_HOME). */
export const DEFAULT_PROFILES_PATH = 'conf/sslprofiles/senderprofiles.xml';
/** MI's default `sender.ssl_profile.read_interval` (config-mapper default.json), in ms. */
export const DEFAULT_READ_INTERVAL_MS = 600000;

const escapeToml = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');

/** One `<profile>` element, indented by `indent`. */
export function profileElement(server: string, truststore: ProfileStore | undefined, keystore: ProfileStore | undefined, indent = '    '): string {
  const i2 = indent + '    ';
  const i3 = i2 + '    ';
  const store = (tag: 'KeyStore' | 'TrustStore', s: ProfileStore) =>
    [
      `${i2}<${tag}>`,
      `${i3}<Location>${escapeXmlText(s.location)}</Location>`,
      `${i3}<Type>${escapeXmlText(s.type)}</Type>`,
      `${i3}<Password>${escapeXmlText(s.password)}</Password>`,
      ...(tag === 'KeyStore' ? [`${i3}<KeyPassword>${escapeXmlText(s.keyPassword ?? s.password)}</KeyPassword>`] : []),
      `${i2}</${tag}>`,
    ].join('\n');
  return [
    `${indent}<profile>`,
    `${i2}<servers>${escapeXmlText(server)}</servers>`,
    ...(keystore ? [store('KeyStore', keystore)] : []),
    ...(truststore ? [store('TrustStore', truststore)] : []),
    `${indent}</profile>`,
  ].join('\n');
}

function rangeOf(starts: readonly number[], from: number, to: number): Range {
  return { start: positionAt(starts, from), end: positionAt(starts, to) };
}

/** The edits of an existing profiles file: the server's old profiles lose it, the new profile is added. */
function profilesFileEdits(input: SslProfileEditInput, text: string): TextEdit[] {
  if (text.length > MAX_SSL_PROFILE_BYTES) throw new InvalidInputError(`The SSL profiles file ${input.profilesFile} is over 1 MiB; edit it by hand.`);
  const starts = lineStartsOf(text);
  // Comments are blanked (same length) so a commented-out profile is neither matched nor edited.
  const clean = blankComments(text);
  const server = input.server.toLowerCase();
  const edits: TextEdit[] = [];
  let replaced = false;
  for (const p of elements(clean, 'profile')) {
    const s = firstElement(clean, 'servers', p.innerStart, p.innerEnd);
    if (!s) continue;
    const listedText = clean.slice(s.innerStart, s.innerEnd);
    const listed = listedText.split(',').map((x) => x.trim());
    if (!listed.some((x) => x.toLowerCase() === server)) continue;
    const rest = listed.filter((x) => x && x.toLowerCase() !== server);
    if (rest.length === 0 && !replaced) {
      // Synapse keeps the first profile naming a server: the new profile takes this one's place.
      const lineStart = clean.lastIndexOf('\n', p.start - 1) + 1;
      const before = clean.slice(lineStart, p.start);
      const indent = /^[ \t]*$/.test(before) ? before : '';
      edits.push({ file: input.profilesFile, range: rangeOf(starts, p.start, p.end), newText: profileElement(input.server, input.truststore, input.keystore, indent).slice(indent.length) });
      replaced = true;
    } else if (rest.length === 0) {
      edits.push({ file: input.profilesFile, range: rangeOf(starts, p.start, p.end), newText: '' });
    } else {
      edits.push({ file: input.profilesFile, range: rangeOf(starts, s.innerStart, s.innerEnd), newText: rest.join(',') });
    }
  }
  if (!replaced) {
    const close = clean.lastIndexOf('</parameter>');
    if (close < 0 || !/<parameter[ \t\r\n]+name[ \t]*=[ \t]*["']customSSLProfiles["']/.test(clean)) {
      throw new InvalidInputError(`The SSL profiles file ${input.profilesFile} has no <parameter name="customSSLProfiles"> to add a profile to.`);
    }
    const lineStart = clean.lastIndexOf('\n', close - 1) + 1;
    const lead = clean.slice(lineStart, close);
    const onItsLine = /^[ \t]*$/.test(lead);
    const closeIndent = onItsLine ? lead : '';
    const insertAt = onItsLine ? lineStart : close;
    const newText = `${onItsLine ? '' : '\n'}${profileElement(input.server, input.truststore, input.keystore, closeIndent + '    ')}\n${onItsLine ? '' : closeIndent}`;
    edits.push({ file: input.profilesFile, range: rangeOf(starts, insertAt, insertAt), newText });
  }
  return edits;
}

/** The deployment.toml edit naming the profiles file, or none when it is named already. */
function tomlEdits(input: SslProfileEditInput): TextEdit[] {
  const doc = input.toml;
  if (writtenValue(doc, 'transport.http.sender.ssl_profile.file_path')) return [];
  const lines = [`sender.ssl_profile.file_path = "${escapeToml(input.profilesWritten)}"`];
  if (!writtenValue(doc, 'transport.http.sender.ssl_profile.read_interval')) lines.push(`sender.ssl_profile.read_interval = ${DEFAULT_READ_INTERVAL_MS}`);
  const table = doc.tables.find((t) => !t.isArrayTable && t.nameParts.join('.') === 'transport.http');
  if (table?.headerRange) {
    const last = table.entries.length ? table.entries[table.entries.length - 1].range.end : table.headerRange.end;
    return [{ file: doc.file, range: { start: last, end: last }, newText: `\n${lines.join('\n')}` }];
  }
  const starts = lineStartsOf(doc.text);
  const end = positionAt(starts, doc.text.length);
  const sep = doc.text.length === 0 ? '' : doc.text.endsWith('\n\n') ? '' : doc.text.endsWith('\n') ? '\n' : '\n\n';
  return [{ file: doc.file, range: { start: end, end }, newText: `${sep}[transport.http]\n${lines.join('\n')}\n` }];
}

/**
 * The change that makes MI use `truststore` and `keystore` for `server` alone: its profile written into the
 * profiles file (created when absent), any older profile for it dropped, the file named in deployment.toml.
 */
export function sslProfileChange(input: SslProfileEditInput): ConfigChange {
  if (!/^[^\s:,<>&]+:\d{1,5}$/.test(input.server)) throw new InvalidInputError(`"${input.server}" is not a host:port.`);
  if (!input.truststore && !input.keystore) throw new InvalidInputError('An SSL profile needs a truststore or a keystore.');
  const creates: FileCreation[] = [];
  const edits: TextEdit[] = [];
  if (input.profilesText === null) {
    const text = `<parameter name="customSSLProfiles">\n${profileElement(input.server, input.truststore, input.keystore)}\n</parameter>\n`;
    creates.push({ file: input.profilesFile, contents: new Uint8Array(Buffer.from(text, 'utf8')) });
  } else {
    edits.push(...profilesFileEdits(input, input.profilesText));
  }
  edits.push(...tomlEdits(input));
  return { creates, edits };
}
