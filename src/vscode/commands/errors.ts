/**
 * Turns any error a command meets into one sentence for a person (the details go to the log): engine
 * errors carry their sentence, file-system errors get a plain one, anything else points at the log.
 */
import * as path from 'node:path';
import { FileChangedError, KeystoreError } from '../../core/keystore/errors';
import { RotationRefusedError } from '../../core/secrets/encryptPlan';
import { InternalKeyUnavailableError } from '../../core/secrets/rotate';
import { MissingOptionError } from './invocation';

/** Errors whose message is already one sentence for a person, without a password. */
export function hasSentence(err: unknown): err is Error {
  return err instanceof KeystoreError || err instanceof MissingOptionError || err instanceof RotationRefusedError || err instanceof InternalKeyUnavailableError;
}

/** One sentence for a person from any error (engine errors carry one already). */
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
