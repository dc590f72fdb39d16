/**
 * Real keytool for many stores at once: test/fixtures/java/KeytoolBatch.java runs the JDK's keytool
 * (sun.security.tools.keytool.Main) once per command inside one JVM, so a test that has keytool read
 * hundreds of keystores pays one JVM start instead of one per command.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { JAVA_FIXTURES } from './fixtures';
import { TOOL_ENV, type KeytoolRun } from './keytool';

const BATCH_SOURCE = path.join(JAVA_FIXTURES, 'KeytoolBatch.java');

/** Runs every keytool command (arguments without the leading `keytool`) in one JVM; results in the same order. */
export function keytoolBatch(commands: readonly (readonly string[])[]): KeytoolRun[] {
  if (commands.length === 0) return [];
  for (const c of commands) {
    if (c.some((a) => /[\u0001\n\r]/.test(a))) throw new Error(`keytool argument cannot be batched: ${JSON.stringify(c)}`);
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'keytool-batch-'));
  try {
    const file = path.join(dir, 'commands.txt');
    writeFileSync(file, commands.map((c) => c.join('\u0001')).join('\n') + '\n', 'utf8');
    const r = spawnSync(
      'java',
      ['-Djava.security.manager=allow', '--add-exports', 'java.base/sun.security.tools.keytool=ALL-UNNAMED', BATCH_SOURCE, file],
      { env: TOOL_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 },
    );
    if (r.error) throw r.error;
    if (r.status !== 0) throw new Error(`KeytoolBatch exited ${r.status}: ${r.stderr}`);
    const runs = [...r.stdout.matchAll(/\u0002(\d+)\n([\s\S]*?)\u0003\n([\s\S]*?)\u0004\n/g)].map((m) => ({ status: Number(m[1]), stdout: m[2], stderr: m[3] }));
    if (runs.length !== commands.length) throw new Error(`KeytoolBatch answered ${runs.length} of ${commands.length} commands: ${r.stderr}`);
    return runs;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
