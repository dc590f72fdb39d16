/**
 * The JDK's javax.crypto.Cipher as an oracle for the secure vault: test/fixtures/java/CipherTool.java encrypts
 * and decrypts with a key of a real keystore, as MI's cipher tool does, in the same locale as keytool.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { JAVA_FIXTURES } from './fixtures';
import { TOOL_ENV } from './keytool';

/** Runs CipherTool.java with `args` (`encrypt|decrypt store password alias [keyPassword] transformation values...`); one output line per value. */
export function javaCipher(args: readonly string[]): string[] {
  return execFileSync('java', [path.join(JAVA_FIXTURES, 'CipherTool.java'), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: TOOL_ENV })
    .trim()
    .split('\n');
}
