/**
 * The fuzz driver: runs cases in a worker thread with a memory limit, kills and restarts the worker when a
 * case does not return within its time budget (a hang), samples the process's RSS, and summarises the
 * outcomes. `npm run fuzz` (test/fuzz/run.ts) and test/unit/fuzz.test.ts both call `runFuzz`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CaseResult, WorkerInput } from './worker';

/** Options of runFuzz. */
export interface FuzzOptions {
  readonly seed: number;
  readonly iterations: number;
  /** First case index (to replay one case: `first = i, iterations = 1`). */
  readonly first?: number;
  /** Run the built CLI on every n-th case; 0 never (default 25). */
  readonly cliEvery?: number;
  /** The built CLI; the CLI is skipped when the file is missing. */
  readonly cliPath?: string;
  /** A case that takes longer than this is a hang (default 30 s). */
  readonly caseTimeoutMs?: number;
  /** The worker's V8 heap limit: a case that needs more is a memory failure (default 768 MB). */
  readonly maxHeapMb?: number;
  /** Size of generated blow-ups, 0..1 (default 1). */
  readonly scale?: number;
  /** Called after every case. */
  readonly onResult?: (r: CaseResult) => void;
}

/** What a fuzz run found. */
export interface FuzzSummary {
  readonly seed: number;
  readonly cases: number;
  readonly failures: readonly CaseResult[];
  /** mutator → outcome → count. */
  readonly byMutator: ReadonlyMap<string, ReadonlyMap<string, number>>;
  readonly cliRuns: number;
  readonly maxRssMb: number;
  readonly seconds: number;
}

const WORKER = path.join(__dirname, 'worker.ts');

/** Runs `iterations` cases from `seed` and returns the summary; never throws for a failing case. */
export async function runFuzz(options: FuzzOptions): Promise<FuzzSummary> {
  const started = Date.now();
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mi-fuzz-'));
  const cliPath = options.cliPath && fs.existsSync(options.cliPath) ? options.cliPath : null;
  const results: CaseResult[] = [];
  let maxRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (maxRss = Math.max(maxRss, process.memoryUsage().rss)), 20);
  const first = options.first ?? 0;
  const end = first + options.iterations;
  try {
    let next = first;
    while (next < end) {
      next = await runBatch(
        {
          seed: options.seed,
          from: next,
          to: end,
          cliEvery: options.cliEvery ?? 25,
          cliPath,
          workDir,
          scale: options.scale ?? 1,
        },
        options,
        (r) => {
          results.push(r);
          maxRss = Math.max(maxRss, process.memoryUsage().rss);
          options.onResult?.(r);
        },
      );
    }
  } finally {
    clearInterval(sampler);
    fs.rmSync(workDir, { recursive: true, force: true });
  }
  return summarise(options.seed, results, maxRss, (Date.now() - started) / 1000);
}

/** Runs cases in one worker until it finishes or a case hangs/crashes it; returns the next index to run. */
function runBatch(input: WorkerInput, options: FuzzOptions, record: (r: CaseResult) => void): Promise<number> {
  const timeoutMs = options.caseTimeoutMs ?? 30_000;
  return new Promise((resolve) => {
    // The worker loads TypeScript through tsx's CommonJS hook, whatever loader the driver runs under.
    const worker = new Worker(`require('tsx/cjs'); require(${JSON.stringify(WORKER)});`, {
      eval: true,
      workerData: input,
      resourceLimits: { maxOldGenerationSizeMb: options.maxHeapMb ?? 768 },
    });
    let current = input.from;
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    const finish = (nextIndex: number) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate().then(() => resolve(nextIndex));
    };
    const lost = (why: string) => {
      // The case in flight is the culprit: record it and go on with the next one in a fresh worker.
      record({ index: current, input: '?', mutator: '?', kind: 'keystore', codec: why, check: '-', cli: '', failure: `case ${current}: ${why}` });
      finish(current + 1);
    };
    worker.on('message', (m: { type: string; index?: number; result?: CaseResult }) => {
      if (m.type === 'begin') {
        current = m.index as number;
        clearTimeout(timer);
        timer = setTimeout(() => lost(`hang (no result after ${timeoutMs} ms)`), timeoutMs);
      } else if (m.type === 'result') {
        clearTimeout(timer);
        record(m.result as CaseResult);
      } else if (m.type === 'done') finish(input.to);
    });
    worker.on('error', (err: Error & { code?: string }) => lost(err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'out of memory' : `worker crashed: ${err.message}`));
    worker.on('exit', () => {
      if (!settled) lost('worker exited');
    });
  });
}

/** Counts outcomes per mutator. */
function summarise(seed: number, results: readonly CaseResult[], maxRss: number, seconds: number): FuzzSummary {
  const byMutator = new Map<string, Map<string, number>>();
  for (const r of results) {
    const key = `${r.kind}:${r.mutator.split('+')[0]}`;
    const outcome = r.failure ? 'FAILURE' : r.kind === 'keystore' ? r.codec : r.codec;
    const row = byMutator.get(key) ?? new Map<string, number>();
    row.set(outcome, (row.get(outcome) ?? 0) + 1);
    byMutator.set(key, row);
  }
  return {
    seed,
    cases: results.length,
    failures: results.filter((r) => r.failure !== null),
    byMutator,
    cliRuns: results.filter((r) => r.cli !== '').length,
    maxRssMb: Math.round(maxRss / 1048576),
    seconds,
  };
}

/** The summary as a Markdown table plus the failures, for the terminal and docs/reliability.md. */
export function formatSummary(s: FuzzSummary): string {
  const lines = [`Fuzz seed ${s.seed}: ${s.cases} cases in ${s.seconds.toFixed(1)} s, ${s.cliRuns} also through the CLI, max RSS ${s.maxRssMb} MB, ${s.failures.length} failures.`, ''];
  lines.push('| input:mutator | cases | outcomes |', '|---|---|---|');
  for (const [key, row] of [...s.byMutator].sort(([a], [b]) => a.localeCompare(b))) {
    const total = [...row.values()].reduce((a, b) => a + b, 0);
    const outcomes = [...row].sort((a, b) => b[1] - a[1]).map(([o, n]) => `${o} ${n}`).join(', ');
    lines.push(`| ${key} | ${total} | ${outcomes} |`);
  }
  for (const f of s.failures) lines.push('', `FAILURE case ${f.index} (${f.input}, ${f.mutator}): ${f.failure}`);
  return `${lines.join('\n')}\n`;
}
