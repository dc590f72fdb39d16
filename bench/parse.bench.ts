/**
 * Re-validation after a keystroke: `parseDeploymentToml` + `checkDocument` of MI's 1,394-line
 * `deployment-full.toml`, which repeats a key and a table (so the strict parse fails and the tolerant path
 * runs). Target: median ≤ 30 ms warm, and no single run over 50 ms (a synchronous step in the extension host).
 * Run: `npx tsx bench/parse.bench.ts`; bench/run.ts may call `benchParse()`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseDeploymentToml } from '../src/core/config/parse';
import { checkDocument } from '../src/core/checks/document';
import { median } from './median';

const FULL_TOML = path.resolve(__dirname, '../../shared/fixtures/wso2/mi-config-tool/deployment-full.toml');

/** Wall and CPU statistics in ms of warm parse + check runs. */
export interface ParseBenchResult {
  readonly medianMs: number;
  readonly maxMs: number;
  /** Median CPU time (user + system) of one run: what load on a shared machine inflates least. */
  readonly medianCpuMs: number;
  readonly coldMs: number;
  readonly issues: number;
  readonly problems: number;
  readonly runs: number;
}


/** Parses and checks the file `runs` times after a warm-up, as the extension does after each edit. */
export function benchParse(runs = 40): ParseBenchResult {
  const text = fs.readFileSync(FULL_TOML, 'utf8');
  const once = (i: number) => {
    // A different text each time (as after a keystroke), so no cache keyed by text can answer.
    const doc = parseDeploymentToml(`${text}\n# edit ${i}\n`, FULL_TOML);
    return { doc, problems: checkDocument(doc) };
  };
  let t = performance.now();
  const first = once(-1);
  const coldMs = performance.now() - t;
  for (let i = 0; i < 10; i++) once(i);
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c = process.cpuUsage();
    t = performance.now();
    once(100 + i);
    wall.push(performance.now() - t);
    const u = process.cpuUsage(c);
    cpu.push((u.user + u.system) / 1000);
  }
  return {
    medianMs: median(wall),
    maxMs: Math.max(...wall),
    medianCpuMs: median(cpu),
    coldMs,
    issues: first.doc.issues.length,
    problems: first.problems.length,
    runs,
  };
}

if (require.main === module) {
  const r = benchParse();
  process.stdout.write(
    `parse + checkDocument of deployment-full.toml (${r.issues} parse issues, ${r.problems} problems): ` +
      `cold ${r.coldMs.toFixed(1)} ms, warm median ${r.medianMs.toFixed(1)} ms (CPU ${r.medianCpuMs.toFixed(1)} ms), max ${r.maxMs.toFixed(1)} ms over ${r.runs} runs\n`,
  );
}
