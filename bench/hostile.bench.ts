/**
 * In-process cost of the keystores crafted to cost work (test/fuzz/hostileStores.ts): what each once took,
 * and what it takes now. Medians of a few runs, cold (no cache helps an attacker's fresh file).
 */
import { decodeKeystore } from '../src/core/keystore';
import { manyCertsPkcs12, manySafesPkcs12, sameSubjectJks } from '../test/fuzz/hostileStores';
import { median } from './median';

/** One hostile case: median wall and CPU ms of decoding it, and whether it met its bound. */
export interface HostileRow {
  readonly what: string;
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly target: string;
  readonly pass: boolean;
}

const RUNS = 5;

/** Decodes `bytes` RUNS times (a refusal is the expected outcome for some) and returns the medians. */
async function measure(bytes: Uint8Array, password: string): Promise<{ wallMs: number; cpuMs: number; outcome: string }> {
  const walls: number[] = [];
  const cpus: number[] = [];
  let outcome = '';
  for (let i = 0; i < RUNS; i++) {
    const cpu = process.cpuUsage();
    const start = performance.now();
    try {
      const store = await decodeKeystore(bytes, password);
      outcome = `${store.entries.length} entries`;
    } catch (e) {
      outcome = (e as Error).constructor.name;
    }
    walls.push(performance.now() - start);
    const u = process.cpuUsage(cpu);
    cpus.push((u.user + u.system) / 1000);
  }
  return { wallMs: median(walls), cpuMs: median(cpus), outcome };
}

/** The hostile rows of the benchmark table. */
export async function benchHostile(): Promise<HostileRow[]> {
  const cases: [string, Uint8Array, string][] = [
    ['hostile: 1.7 KB PKCS12, no MAC, 20 safes × 5,000,000 iterations (was 520 s)', manySafesPkcs12({ safes: 20, iterations: 5_000_000, scheme: 'pkcs12' }), 'changeit'],
    ['hostile: the same with PBKDF2 safes', manySafesPkcs12({ safes: 20, iterations: 5_000_000, scheme: 'pbes2' }), 'changeit'],
    ['hostile: PKCS12 of 8 keys + 4,000 certificates in one issuer loop (was 8.7 s)', manyCertsPkcs12(8, 4000), 'changeit'],
    ['hostile: 1.6 MB JKS of same-subject certificates, wrong password (was 17.6 s)', sameSubjectJks(7000, 64, 'changeit'), 'wrong'],
  ];
  const rows: HostileRow[] = [];
  for (const [what, bytes, password] of cases) {
    const m = await measure(bytes, password);
    rows.push({ what: `${what} → ${m.outcome}`, wallMs: m.wallMs, cpuMs: m.cpuMs, target: '≤ 1000 ms', pass: m.wallMs <= 1000 });
  }
  return rows;
}
