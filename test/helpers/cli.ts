/** The one way the tests run the `mi-keystores` CLI: in-process, through `main`, with its output captured. */
import { main } from '../../src/cli/main';
import type { CliIO } from '../../src/cli/command';

/** What one CLI run did. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `mi-keystores <argv>` with the given environment, folder and prompt, capturing stdout and stderr. */
export async function runCli(argv: readonly string[], io: Omit<CliIO, 'stdout' | 'stderr'>): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    ...io,
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
  });
  return { code, stdout, stderr };
}
