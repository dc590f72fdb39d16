/**
 * `check` of an MI home whose deployment.toml is MI's 1,394-line `deployment-full.toml` (every keystore
 * consumer configured), warm (stores already in the cache), in-process. Target: median ≤ 20 ms.
 * Run: `npx tsx bench/check.bench.ts`; bench/run.ts may call `benchCheck()`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { checkPath, checkWorkspace } from '../src/core/checks/index';
import { KeystoreCache } from '../src/core/workspace/keystoreCache';
import type { MiWorkspace } from '../src/core/workspace/discover';
import { median } from './median';

const WSO2 = path.resolve(__dirname, '../../shared/fixtures/wso2');
const SEC = 'repository/resources/security';

/** Medians in ms of warm `checkWorkspace` and `checkPath` (discovery included) runs. */
export interface CheckBenchResult {
  readonly checkWorkspaceMs: number;
  readonly checkPathMs: number;
  readonly coldMs: number;
  readonly problems: number;
  readonly runs: number;
}


/** Runs the benchmark in a temporary MI home and removes it. */
export async function benchCheck(runs = 30): Promise<CheckBenchResult> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mi-bench-'));
  try {
    fs.mkdirSync(path.join(root, 'conf'));
    fs.mkdirSync(path.join(root, SEC), { recursive: true });
    fs.copyFileSync(path.join(WSO2, 'mi-config-tool/deployment-full.toml'), path.join(root, 'conf/deployment.toml'));
    // The kernel 4.9.27 stores: the 149-entry PKCS12 MI ships (the slower format to decode).
    fs.copyFileSync(path.join(WSO2, 'keystores/wso2carbon.jks'), path.join(root, SEC, 'wso2carbon.jks'));
    fs.copyFileSync(path.join(WSO2, 'keystores/client-truststore.jks'), path.join(root, SEC, 'client-truststore.jks'));
    const ws: MiWorkspace = { kind: 'runtime', root, deploymentToml: path.join(root, 'conf/deployment.toml') };
    const cache = new KeystoreCache();
    const options = { cache, env: {} };

    let t = performance.now();
    const problems = await checkWorkspace(ws, options);
    const coldMs = performance.now() - t;
    // Warm-up: let the JIT settle so the median measures the steady state an editor sees.
    for (let i = 0; i < 10; i++) await checkWorkspace(ws, options);
    const warm: number[] = [];
    for (let i = 0; i < runs; i++) {
      t = performance.now();
      await checkWorkspace(ws, options);
      warm.push(performance.now() - t);
    }
    const viaPath: number[] = [];
    for (let i = 0; i < runs; i++) {
      t = performance.now();
      await checkPath(root, options);
      viaPath.push(performance.now() - t);
    }
    return { checkWorkspaceMs: median(warm), checkPathMs: median(viaPath), coldMs, problems: problems.length, runs };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

if (require.main === module) {
  void benchCheck().then((r) => {
    process.stdout.write(
      `check deployment-full.toml (1,394 lines), warm, in-process: median ${r.checkWorkspaceMs.toFixed(2)} ms ` +
        `(checkPath with discovery ${r.checkPathMs.toFixed(2)} ms; cold ${r.coldMs.toFixed(0)} ms; ${r.problems} problems; ${r.runs} runs; target ≤ 20 ms)\n`,
    );
  });
}
