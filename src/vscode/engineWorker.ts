/**
 * The extension's worker thread: parses deployment.toml, runs the checks and decodes keystores, so that a
 * huge or hostile file costs this thread's time, never the extension host's. Requests and answers are plain
 * data (structured clone); every failure comes back as a message, never as a dead worker.
 */
import { parentPort } from 'node:worker_threads';
import { checkWorkspace, type CheckOptions } from '../core/checks/index';
import { checkDocument } from '../core/checks/document';
import { parseDeploymentToml, type ParseOptions } from '../core/config/parse';
import { lookupKey } from '../core/config/schema';
import type { TomlDocument } from '../core/config/toml';
import type { Problem } from '../core/problem';
import type { KeystoreFormat, PrivateKeyEntry, SecretKeyEntry } from '../core/keystore';
import type { MiWorkspace } from '../core/workspace/discover';
import { decodeStore, KeystoreCache, recoverKey, secretKeyOpens } from '../core/workspace/keystoreCache';

/** One request to the worker. */
export type EngineRequest =
  | { readonly op: 'parse'; readonly file: string; readonly text: string; readonly parse?: ParseOptions }
  | {
      readonly op: 'check';
      readonly file: string;
      readonly text: string;
      readonly parse?: ParseOptions;
      readonly workspace: MiWorkspace;
      /** False: only the checks of the text itself (an untrusted workspace reads no other file). */
      readonly trusted: boolean;
      readonly options: Pick<CheckOptions, 'expiryDays' | 'storePasswords' | 'readOutside' | 'workspaceFolder' | 'env' | 'vaultFixes'>;
    }
  | { readonly op: 'decode'; readonly bytes: Uint8Array; readonly password: string; readonly format: KeystoreFormat }
  | { readonly op: 'recoverKey'; readonly entry: PrivateKeyEntry; readonly alias: string; readonly keyPassword: string }
  | { readonly op: 'secretKeyOpens'; readonly entry: SecretKeyEntry; readonly keyPassword: string };

/** The last document parsed per file, so a check right after a parse of the same text does not parse again. */
const lastParsed = new Map<string, { text: string; bom: boolean; doc: TomlDocument }>();
/** The worker's own keystore cache (keyed by path + size + mtime, like the host's). */
const cache = new KeystoreCache();

function parsed(file: string, text: string, options: ParseOptions = {}): TomlDocument {
  const bom = options.byteOrderMarkOnDisk === true;
  const hit = lastParsed.get(file);
  if (hit && hit.text === text && hit.bom === bom) return hit.doc;
  const doc = parseDeploymentToml(text, file, options);
  lastParsed.set(file, { text, bom, doc });
  if (lastParsed.size > 32) lastParsed.delete(lastParsed.keys().next().value as string);
  return doc;
}

/** Above this many entries, the host gets only the entries it uses (see hostView). */
const HOST_ENTRIES = 2000;
/** At most this many problems per check go back to the host: a person fixes the first thousand first. */
const HOST_PROBLEMS = 1000;

/**
 * The document as the extension host needs it. Copying a document to the host costs the host's thread
 * (50,000 keys: seconds); the host reads only the keys MI knows and the secrets, while the checks, which
 * need every key, run here. Small documents go whole.
 */
function hostView(doc: TomlDocument): TomlDocument {
  if (doc.tables.reduce((n, t) => n + t.entries.length, 0) <= HOST_ENTRIES) return doc;
  const tables = doc.tables.map((t) => ({ ...t, entries: t.name === 'secrets' ? t.entries : t.entries.filter((e) => lookupKey(t.name, e.keyParts)) }));
  return { ...doc, tables };
}

/** The first HOST_PROBLEMS problems, errors before warnings, in position order. */
function firstProblems(problems: readonly Problem[]): readonly Problem[] {
  if (problems.length <= HOST_PROBLEMS) return problems;
  const rank = { error: 0, warning: 1, information: 2, hint: 3 } as Record<string, number>;
  const kept = new Set([...problems].sort((a, b) => (rank[a.severity] ?? 4) - (rank[b.severity] ?? 4)).slice(0, HOST_PROBLEMS));
  return problems.filter((p) => kept.has(p));
}

/** Answers one request. */
async function answer(request: EngineRequest): Promise<unknown> {
  switch (request.op) {
    case 'parse':
      return hostView(parsed(request.file, request.text, request.parse));
    case 'check': {
      const document = parsed(request.file, request.text, request.parse);
      if (!request.trusted) return firstProblems(checkDocument(document));
      return firstProblems(await checkWorkspace(request.workspace, { ...request.options, document, cache }));
    }
    case 'decode':
      return decodeStore(request.bytes, request.password, request.format);
    case 'recoverKey':
      return recoverKey(request.entry, request.alias, request.keyPassword);
    case 'secretKeyOpens':
      return secretKeyOpens(request.entry, request.keyPassword);
  }
}

parentPort?.on('message', (message: { id: number; request: EngineRequest }) => {
  answer(message.request).then(
    (result) => parentPort?.postMessage({ id: message.id, result }),
    (err: unknown) => parentPort?.postMessage({ id: message.id, error: err instanceof Error ? err.message : String(err) }),
  );
});
