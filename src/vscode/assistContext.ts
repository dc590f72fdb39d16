/**
 * The engine's AssistContext (what completion and hover read from the workspace) for a document,
 * with the extension's options: the shared keystore cache, the passwords the user typed, and
 * workspace trust (untrusted: nothing is read outside the folder, and no store is opened at all).
 */
import * as vscode from 'vscode';
import type { AssistContext } from '../core/config/assist';
import type { TomlDocument } from '../core/config/toml';
import type { MiWorkspace } from '../core/workspace/discover';
import { createAssistContext } from '../core/workspace/assistContext';
import { recordAnswer } from './answerTimes';
import type { Deps } from './deps';
import { ASSIST_WAIT_MS } from './workspaceModel';

/** How long hover and completion may take in all: after that they answer from the text alone. */
export const ANSWER_MS = 150;

/**
 * Runs `answer` with the document and its workspace's AssistContext, or, when the workspace is slow to
 * answer (a keystore still being decoded, a worker busy with a huge file), with the text alone: what a key
 * means and its default never wait for a keystore. When the text-alone answer wanted a keystore, it goes
 * through `storeLate` (hover says the store is still being read, so a person knows to hover again).
 */
export async function answerWithin<T>(deps: Deps, document: vscode.TextDocument, answer: (doc: TomlDocument, ctx: AssistContext) => Promise<T>, storeLate?: (partial: T) => T): Promise<T> {
  const started = performance.now();
  try {
    return await answerFrom(deps, document, answer, started, storeLate);
  } finally {
    recordAnswer(started);
  }
}

async function answerFrom<T>(deps: Deps, document: vscode.TextDocument, answer: (doc: TomlDocument, ctx: AssistContext) => Promise<T>, started: number, storeLate?: (partial: T) => T): Promise<T> {
  const doc = await deps.model.parseDocumentWithin(document, ASSIST_WAIT_MS);
  const full = (async () => answer(doc, await assistContextFor(deps, await deps.model.workspaceOf(document.uri.fsPath), doc)))();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<typeof LATE>((resolve) => (timer = setTimeout(() => resolve(LATE), Math.max(0, ANSWER_MS - (performance.now() - started)))));
  const first = await Promise.race([full, late]);
  clearTimeout(timer);
  if (first !== LATE) return first as T;
  full.catch(() => undefined);
  let storeWanted = false;
  const textAlone: AssistContext = { ...EMPTY, storeForTable: async () => ((storeWanted = true), undefined) };
  const partial = await answer(doc, textAlone);
  return storeWanted && storeLate && deps.model.trusted ? storeLate(partial) : partial;
}

const LATE = Symbol('late');

/** An AssistContext that reads nothing (untrusted workspace). */
const EMPTY: AssistContext = {
  keystoreFiles: async () => [],
  storeForTable: async () => undefined,
};

/** The AssistContext of `doc` in `ws`. */
export async function assistContextFor(deps: Deps, ws: MiWorkspace, doc: TomlDocument): Promise<AssistContext> {
  if (!deps.model.trusted) return EMPTY;
  const storePasswords: Record<string, string> = {};
  for (const s of deps.passwords.hasAny() ? ((await deps.model.effective(ws, doc))?.stores ?? []) : []) {
    if (!s.path || s.password?.value !== undefined) continue;
    const remembered = await deps.passwords.get(s.path);
    if (remembered !== undefined) storePasswords[s.path] = remembered;
  }
  return createAssistContext(ws, doc, {
    cache: deps.model.cache,
    storePasswords,
    env: {},
    workspaceFolder: vscode.workspace.getWorkspaceFolder(vscode.Uri.file(ws.deploymentToml))?.uri.fsPath,
  });
}
