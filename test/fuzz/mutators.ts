/**
 * Seeded, reproducible mutations of keystores and deployment.toml files for the fuzz harness: a case is
 * fully determined by (seed, index), so any finding can be replayed with `npm run fuzz -- --seed S --case I`.
 */
import { manyCertsPkcs12, manySafesPkcs12, sameSubjectJks } from './hostileStores';

/** A small fast PRNG (mulberry32): the same seed always yields the same cases on every platform. */
export class Prng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** One element of `list`. */
  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)];
  }
}

/** The PRNG of case `index` of run `seed`, independent of every other case. */
export function caseRng(seed: number, index: number): Prng {
  return new Prng((Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0);
}

/** A named byte mutation. */
export interface ByteMutator {
  readonly name: string;
  /** `scale` (0..1) shrinks generated stores, as for TextMutator; mutations of the input ignore it. */
  apply(bytes: Uint8Array, rng: Prng, scale?: number): Uint8Array;
}

/** Flips 1 to 8 random bits. */
const bitFlip: ByteMutator = {
  name: 'bit-flip',
  apply(bytes, rng) {
    const out = Uint8Array.from(bytes);
    const n = 1 + rng.int(8);
    for (let i = 0; i < n && out.length > 0; i++) out[rng.int(out.length)] ^= 1 << rng.int(8);
    return out;
  },
};

/** Cuts the file at a random point (sometimes to nothing). */
const truncate: ByteMutator = {
  name: 'truncate',
  apply(bytes, rng) {
    return bytes.slice(0, rng.int(bytes.length));
  },
};

/**
 * Sets a length field to a huge value: a 4-byte big-endian field (JKS counts and lengths, JCEKS) or a DER
 * long-form length (PKCS12) at a random place that looks like one.
 */
const hugeLength: ByteMutator = {
  name: 'huge-length',
  apply(bytes, rng) {
    const out = Uint8Array.from(bytes);
    if (out.length < 8) return out;
    // DER: a length octet 0x81..0x84 introduces a long-form length; point it far past the end.
    const derLengths: number[] = [];
    for (let i = 1; i < out.length - 5; i++) if (out[i] >= 0x81 && out[i] <= 0x84 && (out[i - 1] === 0x30 || out[i - 1] === 0x04 || out[i - 1] === 0xa0)) derLengths.push(i);
    if (derLengths.length > 0 && rng.next() < 0.5) {
      const at = rng.pick(derLengths);
      out[at] = 0x84;
      out.set([0x7f, 0xff, 0xff, rng.int(256)], at + 1);
      return out;
    }
    // Big-endian u32 / u16 fields: JKS entry counts, alias lengths (modified UTF-8), cert lengths.
    const at = rng.int(out.length - 4);
    if (rng.next() < 0.5) out.set([0x7f, 0xff, 0xff, 0xff], at);
    else out.set([0xff, 0xff], at);
    return out;
  },
};

/** Repeats a chunk of the file in place (duplicated entries, doubled headers). */
const repeatChunk: ByteMutator = {
  name: 'repeat-chunk',
  apply(bytes, rng) {
    if (bytes.length === 0) return bytes;
    const start = rng.int(bytes.length);
    const len = 1 + rng.int(Math.min(4096, bytes.length - start));
    const times = 1 + rng.int(8);
    const chunk = bytes.subarray(start, start + len);
    const parts: Uint8Array[] = [bytes.subarray(0, start + len)];
    for (let i = 0; i < times; i++) parts.push(chunk);
    parts.push(bytes.subarray(start + len));
    return concat(parts);
  },
};

/** Appends garbage after a valid store. */
const trailingBytes: ByteMutator = {
  name: 'trailing-bytes',
  apply(bytes, rng) {
    const extra = new Uint8Array(1 + rng.int(1024));
    for (let i = 0; i < extra.length; i++) extra[i] = rng.int(256);
    return concat([bytes, extra]);
  },
};

/**
 * Sets an INTEGER that looks like an iteration count (DER `02 02 xx xx` or `02 03 xx xx xx`, the
 * encodings of 2048..200000) to a huge value. Usually the length is kept, so the file still parses and the
 * count reaches the KDF: just under and just over the engine's cap of 5,000,000 (JDK's
 * KeyProtector/PKCS12KeyStore MAX_ITERATION_COUNT), or the largest value of that length. Sometimes the
 * INTEGER is widened to 2^31-1, which also breaks the enclosing lengths.
 */
const hugeIterations: ByteMutator = {
  name: 'huge-iterations',
  apply(bytes, rng) {
    const hits: number[] = [];
    for (let i = 0; i < bytes.length - 5; i++) {
      const len = bytes[i + 1];
      if (bytes[i] === 0x02 && (len === 0x02 || len === 0x03) && bytes[i + 2] < 0x80 && (len === 0x03 || bytes[i + 2] >= 0x08)) hits.push(i);
    }
    if (hits.length === 0) return bitFlip.apply(bytes, rng);
    const at = rng.pick(hits);
    const len = bytes[at + 1];
    const choice = rng.int(4);
    if (choice === 3) {
      const widened = Uint8Array.from([0x02, 0x04, 0x7f, 0xff, 0xff, 0xff]);
      return concat([bytes.subarray(0, at), widened, bytes.subarray(at + 2 + len)]);
    }
    const out = Uint8Array.from(bytes);
    if (len === 0x02) out.set([0x7f, 0xff], at + 2);
    else out.set(choice === 0 ? [0x4c, 0x4b, 0x3f] : choice === 1 ? [0x4c, 0x4b, 0x41] : [0x7f, 0xff, 0xff], at + 2);
    return out;
  },
};

/** Overwrites a random run with random bytes. */
const randomRun: ByteMutator = {
  name: 'random-run',
  apply(bytes, rng) {
    const out = Uint8Array.from(bytes);
    if (out.length === 0) return out;
    const start = rng.int(out.length);
    const len = 1 + rng.int(64);
    for (let i = start; i < Math.min(out.length, start + len); i++) out[i] = rng.int(256);
    return out;
  },
};

/** `n` bytes from the case's PRNG, so a generated store is the same on every replay. */
function rngBytes(rng: Prng, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = rng.int(256);
  return b;
}

/**
 * Replaces the input by a MAC-less PKCS12 of up to 20 encrypted safes, PBES2 or PKCS#12 PBE: mostly past the
 * per-file iteration budget (refused before any derivation), sometimes cheap enough to be tried, safe by safe.
 */
const manySafes: ByteMutator = {
  name: 'many-safes',
  apply(_bytes, rng) {
    const cheap = rng.next() < 0.3;
    return manySafesPkcs12({
      safes: cheap ? 1 + rng.int(20) : 3 + rng.int(18),
      iterations: cheap ? 1 + rng.int(20_000) : rng.pick([5_000_000, 4_000_000, 3_500_000]),
      scheme: rng.next() < 0.5 ? 'pkcs12' : 'pbes2',
      random: (n) => rngBytes(rng, n),
    });
  },
};

/** Replaces the input by a PKCS12 of up to 8 keys and 4,000 certificates that chain into one long loop. */
const manyCerts: ByteMutator = {
  name: 'many-certs',
  apply(_bytes, rng, scale = 1) {
    return manyCertsPkcs12(1 + rng.int(8), 2 + rng.int(Math.ceil(4000 * scale)));
  },
};

/** Replaces the input by a JKS of up to 7,000 same-subject certificates (1.6 MB) under a password the case does not know. */
const sameSubject: ByteMutator = {
  name: 'same-subject-jks',
  apply(_bytes, rng, scale = 1) {
    return sameSubjectJks(1 + rng.int(Math.ceil(7000 * scale)), 1 + rng.int(64), 'not-the-fuzz-password');
  },
};

/** Every keystore mutator, in the order the summary table lists them. */
export const BYTE_MUTATORS: readonly ByteMutator[] = [
  bitFlip,
  truncate,
  hugeLength,
  repeatChunk,
  trailingBytes,
  hugeIterations,
  randomRun,
  manySafes,
  manyCerts,
  sameSubject,
];

/** A named text mutation of a deployment.toml. */
export interface TextMutator {
  readonly name: string;
  /** `scale` shrinks the size of generated blow-ups (1 = full size; the short run in `npm test` uses less). */
  apply(text: string, rng: Prng, scale: number): string;
}

/** Inserts `insert` at the start of a random line. */
function atRandomLine(text: string, rng: Prng, insert: string): string {
  const lines = text.split('\n');
  lines.splice(rng.int(lines.length + 1), 0, insert);
  return lines.join('\n');
}

/** Every deployment.toml mutator. */
export const TEXT_MUTATORS: readonly TextMutator[] = [
  {
    name: 'broken-table',
    apply: (t, r) => atRandomLine(t, r, r.pick(['[keystore.primary', '[[keystore]', '[]', '[a..b]', '[keystore.primary]]', '[ "unterminated ]', '[[truststore]]', '[keystore.primary]'])),
  },
  {
    name: 'huge-string',
    apply: (t, r, k) => atRandomLine(t, r, `${r.pick(['password', 'file_name', 'alias', 'x'])} = "${'A'.repeat(1 + r.int(Math.ceil(2_000_000 * k)))}"`),
  },
  {
    name: 'invalid-escape',
    apply: (t, r) => atRandomLine(t, r, `${r.pick(['password', 'alias', 'k'])} = "${r.pick(['\\q', '\\u12', '\\U0011FFFF', '\\uD800', '\\', '\\x41', '\\u{41}'])}"`),
  },
  {
    name: 'path-traversal',
    apply: (t, r) =>
      `${t}\n[keystore.primary]\nfile_name = "${r.pick(['../../etc/passwd', '../../../../../../etc/shadow', '/etc/passwd', '/dev/zero', '/dev/urandom', '/proc/self/environ', '..\\\\..\\\\windows\\\\win.ini', 'repository/resources/security/../../../../etc/hosts', '/'])}"\npassword = "changeit"\n`,
  },
  {
    name: 'delete-lines',
    apply: (t, r) => {
      const lines = t.split('\n');
      const start = r.int(lines.length);
      lines.splice(start, 1 + r.int(10));
      return lines.join('\n');
    },
  },
  {
    name: 'random-chars',
    apply: (t, r) => {
      const chars = Array.from(t);
      const n = 1 + r.int(20);
      for (let i = 0; i < n; i++) chars.splice(r.int(chars.length + 1), 0, r.pick(['"', "'", '[', ']', '=', '\n', '#', '\\', '{', '}', ',', '\u0000', '\uFEFF', '\u{1F600}', '"""', "'''"]));
      return chars.join('');
    },
  },
  {
    name: 'deep-nesting',
    apply: (t, r, k) => {
      const depth = 100 + r.int(Math.ceil(20000 * k));
      return atRandomLine(t, r, r.next() < 0.5 ? `x = ${'['.repeat(depth)}${']'.repeat(depth)}` : `x = ${'{a='.repeat(depth)}1${'}'.repeat(depth)}`);
    },
  },
  {
    name: 'many-tables',
    apply: (t, r, k) => {
      const n = 10 + r.int(Math.ceil(5000 * k));
      const parts = [t];
      for (let i = 0; i < n; i++) parts.push(`[keystore.primary]\nfile_name = "f${i}.jks"`);
      return parts.join('\n');
    },
  },
];

/** Concatenates byte arrays. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Files written to stall an editor: each once froze or killed the extension host. Full size at `scale` 1;
 * the same generators feed the fuzz run (scaled) and the extension-host guard (full size).
 */
export const HOSTILE = {
  /** A header whose spaces three quantifiers of a naive header pattern could each match: `[` + 600 spaces + `]]]`. */
  spacedHeader(scale = 1): string {
    return `[keystore.primary]\nfile_name = "a.jks"\n[${' '.repeat(Math.max(50, Math.round(600 * scale)))}]]]\nalias = "x"\npassword = "p"\n`;
  },
  /** About 0.7 MB: 50,000 keys in one table with 41 broken lines spread through it. */
  manyKeysBroken(scale = 1): string {
    const keys = Math.max(500, Math.round(50_000 * scale));
    const every = Math.floor(keys / 41);
    const lines = ['[keystore.primary]', 'file_name = "repository/resources/security/wso2carbon.jks"', 'password = "wso2carbon"'];
    for (let i = 0; i < keys; i++) lines.push(i % every === every - 1 && i < every * 41 ? `broken ${i} = = "` : `k${i} = ${i}`);
    return `${lines.join('\n')}\n[truststore]\nfile_name = "t.jks"\n`;
  },
  /** About 8 MB of brackets nested inside one value, never closed. */
  nestedBrackets(scale = 1): string {
    return `[keystore.primary]\nfile_name = "a.jks"\nx = ${'['.repeat(Math.max(1000, Math.round(8 * 1024 * 1024 * scale)))}\n`;
  },
  /** About 320 KB of pom.xml: thousands of comments that open and never close, then the keystore properties. */
  pomWithComments(scale = 1): string {
    const n = Math.max(100, Math.round(46_000 * scale));
    return `<project><properties><projectType>integration-project</projectType>\n${'<!-- x '.repeat(n)}\n<keystore.name>wso2carbon.jks</keystore.name>\n</properties></project>\n`;
  },
};

/** The hostile generators as mutators of the fuzz run: each replaces or extends the seed text. */
export const HOSTILE_MUTATORS: readonly TextMutator[] = [
  { name: 'hostile-spaced-header', apply: (t, r, k) => `${t}\n${HOSTILE.spacedHeader(Math.max(k, r.next()))}` },
  { name: 'hostile-many-keys-broken', apply: (_t, _r, k) => HOSTILE.manyKeysBroken(k) },
  { name: 'hostile-nested-brackets', apply: (_t, _r, k) => HOSTILE.nestedBrackets(k) },
];
