/**
 * What the keystore commands share: format choice, opening a store with the right password flags, and
 * the locked load-change-save cycle, with engine errors explained (../errors.ts) by the file and the flag
 * to check. The engine is imported lazily so `mi-keystores --help` starts without loading it.
 */
// fs.promises, not 'node:fs/promises': the getter loads it (and readline with it) only when a command writes.
import { closeSync, openSync, promises as fsp, readSync } from 'node:fs';
import * as path from 'node:path';
import type { CliArgs, CliIO, CliOption } from '../command';
import { CliFailure, UsageError, explained } from '../errors';
import { KEY_PASSWORD_OPTIONS, STORE_PASSWORD_OPTIONS, stringOption } from '../args';
import { passwordFromFlags, resolvePassword, type ResolvedPassword } from '../passwords';
import type { Keystore, KeystoreFormat } from '../../core/keystore';
import type { FileSnapshot } from '../../core/io/safeFileWrite';

/** Options of a command that opens a store: store and key password flags. */
export const STORE_AND_KEY_OPTIONS: readonly CliOption[] = [...STORE_PASSWORD_OPTIONS, ...KEY_PASSWORD_OPTIONS];

/** The `--type` option. */
export const TYPE_OPTION: CliOption = {
  name: 'type',
  type: 'string',
  value: 'JKS|PKCS12|JCEKS',
  help: 'Keystore type when the file is created: JKS, PKCS12 or JCEKS (default: JKS for .jks, JCEKS for .jceks, else PKCS12).',
};

/*
 * Engine modules, each loaded on first use so the CLI starts fast and `list` never loads key generation.
 * `require`, not `import()`: the CLI is CommonJS, esbuild bundles a `require` of a relative module as a
 * lazily initialised wrapper, and tsx's CommonJS hook (mocha) cannot resolve `.ts` files for `import()`.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
/**
 * Lazy loaders of the keystore engine. The workspace engine (checks, trust map, secrets) has its own
 * loaders (./workspaceEngine.ts): `list` is bundled apart from the other commands (scripts/build.mjs), and
 * esbuild bundles every module a loader names, used or not.
 */
export const load = {
  keystore: async () => require('../../core/keystore') as typeof import('../../core/keystore'),
  operations: async () => require('../../core/keystore') as typeof import('../../core/keystore'),
  store: async () => require('../../core/io/keystoreStore') as typeof import('../../core/io/keystoreStore'),
  file: async () => require('../../core/io/safeFileWrite') as typeof import('../../core/io/safeFileWrite'),
  pem: async () => require('../../core/keystore') as typeof import('../../core/keystore'),
  x509: async () => require('../../core/keystore') as typeof import('../../core/keystore'),
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** The CLI reads keystores with blocking calls: a process that only waits for the file gains nothing from async I/O. */
export const BLOCKING = { blockingRead: true } as const;

/** A path given on the command line, resolved against the command's working directory. */
export function resolveIn(io: CliIO, file: string): string {
  return path.resolve(io.cwd, file);
}

/** Parses a `--type` value, or a UsageError. */
export function parseFormat(value: string | undefined): KeystoreFormat | undefined {
  if (value === undefined) return undefined;
  const upper = value.toUpperCase();
  if (upper === 'JKS' || upper === 'JCEKS') return upper;
  if (upper === 'PKCS12' || upper === 'P12' || upper === 'PFX') return 'PKCS12';
  throw new UsageError(`--type must be JKS, PKCS12 or JCEKS, not "${value}"`);
}

/**
 * The format of a new store: `--type` if given, else by file name (JKS for `.jks`, JCEKS for `.jceks`,
 * PKCS12 otherwise, keytool 17's default).
 */
export function formatForNewFile(args: CliArgs, file: string): KeystoreFormat {
  const given = parseFormat(stringOption(args, 'type'));
  if (given) return given;
  const ext = path.extname(file).toLowerCase();
  if (ext === '.jks') return 'JKS';
  if (ext === '.jceks') return 'JCEKS';
  return 'PKCS12';
}

/** The store password from `--password*` flags or the prompt; `creating` asks twice. */
export function storePassword(args: CliArgs, io: CliIO, display: string, creating = false): Promise<ResolvedPassword> {
  return resolvePassword(args, io, {
    prefix: 'password',
    prompt: creating ? `New keystore password for ${display}: ` : `Keystore password for ${display}: `,
    confirm: creating,
  });
}

/** A store opened for a change: the store, the store password, and whether the file is being created. */
export interface OpenedStore {
  readonly store: Keystore;
  readonly password: ResolvedPassword;
  readonly creating: boolean;
}

/** What a change returns: the new store and, when it changes, the new store password. */
export interface StoreChange {
  readonly store: Keystore;
  readonly newPassword?: string;
}

/**
 * Loads the store at `display` (or, with `create`, starts an empty one of `--type` when the file does not
 * exist), lets `change` compute the new store, and saves it atomically under the per-file lock, refusing
 * to overwrite a file that changed meanwhile. The error context gains the key password `change` records.
 */
export async function updateStore(
  args: CliArgs,
  io: CliIO,
  display: string,
  options: { create: boolean },
  change: (opened: OpenedStore, context: { keyPassword?: ResolvedPassword }) => Promise<StoreChange>,
): Promise<void> {
  const abs = resolveIn(io, display);
  const [storeIo, file, operations] = await Promise.all([load.store(), load.file(), load.operations()]);
  const exists = (await explained({ display }, () => file.statSnapshot(abs))) !== null;
  if (!exists && !options.create) {
    throw new CliFailure(`${display}: no such file.`);
  }
  const password = await storePassword(args, io, display, !exists);
  const context: { display: string; storePassword: ResolvedPassword; keyPassword?: ResolvedPassword } = { display, storePassword: password };
  await explained(context, () =>
    file.withKeystoreLock(abs, async () => {
      let store: Keystore;
      let snapshot: FileSnapshot | null;
      const requested = parseFormat(stringOption(args, 'type'));
      if (exists) {
        const loaded = await storeIo.loadKeystore(abs, password.value, BLOCKING);
        if (requested && requested !== loaded.store.format) {
          throw new UsageError(`${display} is a ${loaded.store.format} keystore; drop --type ${requested} or choose a new file`);
        }
        // A PKCS12 without MAC "opens" with any password: prove it before writing a MAC with it.
        if (!(await operations.proveStorePassword(loaded.store, password.value))) {
          io.stderr(`mi-keystores: note: ${display} has no integrity check, so its password could not be verified; it is written back without one, as keytool does ("passwd" protects it).\n`);
        }
        store = loaded.store;
        snapshot = loaded.snapshot;
      } else {
        const format = formatForNewFile(args, display);
        operations.checkNewPassword(format, password.value, 'keystore password');
        store = operations.createStore(format);
        snapshot = null;
      }
      const result = await change({ store, password, creating: !exists }, context);
      const written = await storeIo.saveKeystore(abs, result.store, result.newPassword ?? password.value, snapshot);
      if (written.ownerNotKept) io.stderr(`mi-keystores: note: ${written.ownerNotKept}\n`);
    }),
  );
}

/**
 * The key password for a key entry of `store`: PKCS12 always uses the store password (keytool ignores a
 * different one, with a warning we repeat); JKS/JCEKS take `--key-password*`, else the store password.
 */
export function keyPasswordFor(args: CliArgs, io: CliIO, store: Keystore, password: ResolvedPassword, prefix = 'key-password'): ResolvedPassword {
  const given = passwordFromFlags(args, io, prefix);
  if (store.format !== 'PKCS12') return given ?? password;
  if (given && given.value !== password.value) {
    io.stderr(`mi-keystores: warning: PKCS12 keystores protect keys with the store password; --${prefix} is ignored.\n`);
  }
  return password;
}

/** Reads a whole input file (certificate, key, reply) given on the command line. */
export async function readInput(io: CliIO, display: string): Promise<Uint8Array> {
  const file = await load.file();
  return explained({ display }, async () => file.readKeystoreFileSync(resolveIn(io, display)).bytes);
}

/** Opens a store read-only: resolves the store password and decodes the file, with errors explained. */
export async function openStore(args: CliArgs, io: CliIO, display: string): Promise<{ store: Keystore; password: ResolvedPassword }> {
  const password = await storePassword(args, io, display);
  const storeIo = await load.store();
  const loaded = await explained({ display, storePassword: password }, () => storeIo.loadKeystore(resolveIn(io, display), password.value, BLOCKING));
  return { store: loaded.store, password };
}

/** keytool's warnings for certificates being imported (weak signature or key), one stderr line each. */
export async function warnWeakAlgorithms(io: CliIO, certs: readonly Uint8Array[]): Promise<void> {
  const { describeCertificate, weakAlgorithmWarnings } = await load.keystore();
  for (const der of certs) {
    const info = describeCertificate(der);
    for (const w of weakAlgorithmWarnings(info)) io.stderr(`mi-keystores: warning: the certificate "${info.subject}": ${w}.\n`);
  }
}

/** The first bytes of a file, or none when it cannot be read (absent, a folder). */
function readHead(file: string): Uint8Array {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const head = Buffer.alloc(16);
    return head.subarray(0, readSync(fd, head, 0, 16, 0));
  } catch {
    return new Uint8Array(0);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Writes command output (a certificate, a CSR) to `--out`, or returns false when there is no `--out`. */
export async function writeOutput(args: CliArgs, io: CliIO, data: string | Uint8Array): Promise<string | undefined> {
  const out = stringOption(args, 'out');
  if (out === undefined) return undefined;
  const file = resolveIn(io, out);
  const [{ fsError }, { detectFormat }] = await Promise.all([load.file(), load.keystore()]);
  // keytool writes over anything; a keystore (the one being read, most likely) is never worth losing to a PEM.
  if (detectFormat(readHead(file)) !== null) throw new CliFailure(`${out} is a keystore; choose another file for --out.`);
  await explained({ display: out }, () =>
    // A missing folder or a read-only target is the person's to fix: say which, as for keystore files.
    fsp.writeFile(file, data).catch((err: unknown) => {
      throw fsError(file, err);
    }),
  );
  return out;
}
