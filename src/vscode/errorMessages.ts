/**
 * The one place the extension turns an error into the sentence a person sees. Engine errors (the
 * KeystoreError family) already carry one sentence without any secret; anything else is named by what
 * failed, with the details left to the log.
 */
import * as path from 'node:path';
import { FileChangedError, KeystoreError } from '../core/errors';

/** An error of the extension itself whose message is one sentence for a person, without a password. */
export class PlainSentenceError extends Error {}

/** Whether the message of `err` can be shown as it is: the engine's errors and PlainSentenceErrors. */
export function hasSentence(err: unknown): err is Error {
  return err instanceof KeystoreError || err instanceof PlainSentenceError;
}

/** One sentence for a person from any error; `what` names the work that failed (`Importing the certificate`). */
export function sentenceFor(err: unknown, what: string): string {
  if (err instanceof FileChangedError) {
    return `${path.basename(err.file)} changed on disk while this ran, so nothing was written and the view now shows the file as it is.`;
  }
  if (hasSentence(err)) return err.message;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return `${what} failed: a file does not exist.`;
  if (code === 'EACCES' || code === 'EPERM') return `${what} failed: permission denied.`;
  return `${what} failed; the MI Keystores log has the details.`;
}
