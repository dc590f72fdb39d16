/**
 * The extension's worker thread: parses deployment.toml, runs the checks and decodes keystores, so that a
 * huge or hostile file costs this thread's time, never the extension host's. Requests and answers are plain
 * data (structured clone); every failure comes back as a message, never as a dead worker.
 */
import { parentPort } from 'node:worker_threads';
import { checkWorkspace, type CheckOptions } from '../core/checks/index';
import { checkDocument } from '../core/checks/document';
import { parseDeploymentToml } from '../core/config/parse';
import type { TomlDocument } from '../core/config/toml';
import type { KeystoreFormat, PrivateKeyEntry } from '../core/keystore/model';
import type { MiWorkspace } from '../core/workspace/discover';
import { decodeStore, KeystoreCache, recoverKey } from '../core/workspace/keystoreCache';

/** One request to the worker. */
export type EngineRequest =
  | { readonly op: 'parse'; readonly file: string; readonly text: string }
  | {
      readonly op: 'check';
      readonly file: string;
      readonly text: string;
      readonly workspace: MiWorkspace;
      /** False: only the checks of the text itself (an untrusted workspace reads no other file). */
      readonly trusted: boolean;
      readonly options: Pick<CheckOptions, 'expiryDays' | 'storePasswords' | 'readOutside' | 'workspaceFolder' | 'env'>;
    }
  | { readonly op: 'decode'; readonly bytes: Uint8Array; readonly password: string; readonly format: KeystoreFormat }
  | { readonly op: 'recoverKey'; readonly entry: PrivateKeyEntry; readonly alias: string; readonly keyPassword: string };

/** The last document parsed per file, so a check right after a parse of the same text does not parse again. */
const lastParsed = new Map<string, { text: string; doc: TomlDocument }>();
/** The worker's own keystore cache (keyed by path + size + mtime, like the host's). */
const cache = new KeystoreCache();

function parsed(file: string, text: string): TomlDocument {
  const hit = lastParsed.get(file);
  if (hit && hit.text === text) return hit.doc;
  const doc = parseDeploymentToml(text, file);
  lastParsed.set(file, { text, doc });
  if (lastParsed.size > 32) lastParsed.delete(lastParsed.keys().next().value as string);
  return doc;
}

/** Answers one request. */
async function answer(request: EngineRequest): Promise<unknown> {
  switch (request.op) {
    case 'parse':
      return parsed(request.file, request.text);
    case 'check': {
      const document = parsed(request.file, request.text);
      if (!request.trusted) return checkDocument(document);
      return checkWorkspace(request.workspace, { ...request.options, document, cache });
    }
    case 'decode':
      return decodeStore(request.bytes, request.password, request.format);
    case 'recoverKey':
      return recoverKey(request.entry, request.alias, request.keyPassword);
  }
}

parentPort?.on('message', (message: { id: number; request: EngineRequest }) => {
  answer(message.request).then(
    (result) => parentPort?.postMessage({ id: message.id, result }),
    (err: unknown) => parentPort?.postMessage({ id: message.id, error: err instanceof Error ? err.message : String(err) }),
  );
});
