/**
 * The wrapper every command body runs in: scripted calls get the result or the error, interactive calls
 * get one sentence and the log; cancelling is silent. Also the trust gate commands start with.
 */
import * as vscode from 'vscode';
import { FileChangedError } from '../../core/errors';
import type { Deps } from '../deps';
import { hasSentence, PlainSentenceError, sentenceFor } from '../errorMessages';
import { Cancelled, invocation, type Invocation } from './invocation';

/** Refuses work that reads keystores or writes files in an untrusted workspace. */
export function requireTrust(deps: Deps, what: string): void {
  if (!deps.model.trusted) throw new PlainSentenceError(`${what} is disabled in an untrusted workspace; trust the workspace to use it.`);
}

/**
 * Wraps a command body: scripted calls get the result or the error (for scripts and tests); interactive
 * calls get errors as one sentence, details in the log; cancelling is silent.
 */
export function command<O extends object, R>(
  deps: Deps,
  what: string,
  body: (inv: Invocation<O>) => Promise<R>,
): (arg?: unknown) => Promise<R | undefined> {
  return async (arg?: unknown) => {
    const inv = invocation<O>(arg);
    try {
      return await body(inv);
    } catch (err) {
      if (err instanceof Cancelled) return undefined;
      deps.log.error(`${what} failed.`, err);
      // Someone else changed the file: show what is on disk now rather than the version this command read.
      if (err instanceof FileChangedError) deps.model.notifyWritten([err.file]);
      if (!inv.interactive) throw hasSentence(err) ? err : new Error(sentenceFor(err, what));
      void vscode.window.showErrorMessage(sentenceFor(err, what), 'Show Log').then((a) => a && deps.log.show());
      return undefined;
    }
  };
}
