/**
 * The CLI's standard output and error.
 *
 * Output goes out with `fs.writeSync` on descriptor 1 instead of through `process.stdout`, whose first use
 * loads Node's stream and net modules, a visible part of a short command's start-up. Node writes to files, terminals and (on
 * Linux) pipes synchronously too, so order and blocking stay as they were. A descriptor that is
 * non-blocking and full (EAGAIN) hands the rest to `process.stdout`, and so does every write after it, to
 * keep the order. A pipe closed by its reader (`mi-keystores list | head`) ends the output quietly: that is
 * not a failure worth a message. Windows consoles need `process.stdout`'s conversion.
 *
 * Errors are rare and short: they go through `process.stderr`, which is created only when one is written.
 */
import { writeSync } from 'node:fs';

let stdoutState: 'direct' | 'stream' | 'closed' = process.platform === 'win32' ? 'stream' : 'direct';
let stderrUsed = false;

/** Writes `text` to standard output. */
export function writeStdout(text: string): void {
  if (stdoutState === 'closed') return;
  if (stdoutState === 'stream') {
    streamWrite(text);
    return;
  }
  const bytes = Buffer.from(text, 'utf8');
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(1, bytes, offset);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') {
        stdoutState = 'closed';
        return;
      }
      if (code !== 'EAGAIN') throw err;
      stdoutState = 'stream';
      streamWrite(bytes.subarray(offset));
      return;
    }
  }
}

let listening = false;

/** Writes through `process.stdout`, ending the output quietly when the reader has closed the pipe. */
function streamWrite(chunk: string | Uint8Array): void {
  if (!listening) {
    listening = true;
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
      stdoutState = 'closed';
    });
  }
  process.stdout.write(chunk);
}

/** Writes `text` to standard error. */
export function writeStderr(text: string): void {
  stderrUsed = true;
  process.stderr.write(text);
}

/** Whether everything written has left the process, so that exiting now loses nothing. */
export function outputFlushed(): boolean {
  if (stdoutState === 'stream' && process.stdout.writableLength > 0) return false;
  return !stderrUsed || process.stderr.writableLength === 0;
}
