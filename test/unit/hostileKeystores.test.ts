/**
 * Keystores crafted to cost work are answered quickly: a total key-derivation budget per PKCS12 file, one
 * key derivation at a time per process, chains built from an index and capped, and a bounded damage search
 * in JKS. Each bound is generous (CI has 2 busy cores); before the fixes these took seconds to minutes.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeKeystore, ExcessiveWorkError, WrongPasswordError, type Keystore } from '../../src/core/keystore';
import { MAX_CHAIN_LENGTH, MAX_TOTAL_ITERATIONS } from '../../src/core/keystore/pkcs12/pkcs12Keystore';
import { manyCertsPkcs12, manySafesPkcs12, sameSubjectJks } from '../fuzz/hostileStores';

/** CPU time (user + system, all threads) and wall time of `fn`, in ms. */
async function timed<T>(fn: () => Promise<T>): Promise<{ value: T | Error; cpuMs: number; wallMs: number }> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  let value: T | Error;
  try {
    value = await fn();
  } catch (e) {
    value = e as Error;
  }
  const used = process.cpuUsage(cpu);
  return { value, cpuMs: (used.user + used.system) / 1000, wallMs: performance.now() - start };
}

describe('hostile keystores cost little', function () {
  this.timeout(60_000);

  it('refuses a 1.7 KB PKCS12 of 20 safes at 5,000,000 iterations before deriving any key', async function () {
    const bytes = manySafesPkcs12({ safes: 20, iterations: 5_000_000, scheme: 'pkcs12' });
    assert.ok(bytes.length < 2000, `${bytes.length} bytes`);
    const { value, wallMs } = await timed(() => decodeKeystore(bytes, 'changeit'));
    assert.ok(value instanceof ExcessiveWorkError, String(value));
    assert.match(value.message, /100,000,000 key-derivation iterations in all, more than the 10,000,000 allowed/);
    assert.ok(wallMs < 2000, `${wallMs.toFixed(0)} ms`);
  });

  it('refuses the PBKDF2 variant the same way', async function () {
    const bytes = manySafesPkcs12({ safes: 20, iterations: 5_000_000, scheme: 'pbes2' });
    const { value, wallMs } = await timed(() => decodeKeystore(bytes, 'changeit'));
    assert.ok(value instanceof ExcessiveWorkError, String(value));
    assert.ok(wallMs < 2000, `${wallMs.toFixed(0)} ms`);
  });

  it('stops at the first safe that does not decrypt: 20 safes within the budget cost one derivation', async function () {
    // 20 × 450,000 = 9,000,000 iterations, under the budget; all of them would be ~20× one.
    const iterations = 450_000;
    assert.ok(20 * iterations <= MAX_TOTAL_ITERATIONS);
    const one = await timed(() => decodeKeystore(manySafesPkcs12({ safes: 1, iterations, scheme: 'pkcs12' }), 'changeit'));
    const twenty = await timed(() => decodeKeystore(manySafesPkcs12({ safes: 20, iterations, scheme: 'pkcs12' }), 'changeit'));
    assert.ok(one.value instanceof WrongPasswordError, String(one.value));
    assert.ok(twenty.value instanceof WrongPasswordError, String(twenty.value));
    // CPU time, not wall time: other processes on a busy machine do not count.
    assert.ok(twenty.cpuMs < 3 * one.cpuMs + 200, `one safe ${one.cpuMs.toFixed(0)} ms, twenty ${twenty.cpuMs.toFixed(0)} ms`);
    assert.ok(twenty.wallMs < 10_000, `${twenty.wallMs.toFixed(0)} ms`);
  });

  it('keeps threads for file reads while PBKDF2-protected stores are being tried', async function () {
    // Five stores at once, one more than libuv's four threads: were their derivations run side by side,
    // the read would wait behind them for a whole derivation.
    const stores = Array.from({ length: 5 }, () => manySafesPkcs12({ safes: 2, iterations: 1_000_000, scheme: 'pbes2' }));
    const settled: { first: number | null } = { first: null };
    const decodes = stores.map((b) =>
      decodeKeystore(b, 'changeit').then(
        () => (settled.first ??= performance.now()),
        () => (settled.first ??= performance.now()),
      ),
    );
    const file = path.join(os.tmpdir(), `mi-hostile-read-${process.pid}.txt`);
    fs.writeFileSync(file, 'unrelated');
    try {
      await new Promise((resolve) => setImmediate(resolve)); // let every decode reach its derivation
      const text = await fs.promises.readFile(file, 'utf8');
      const readDone = performance.now();
      assert.equal(text, 'unrelated');
      assert.equal(settled.first, null, 'a derivation finished before an unrelated read did');
      await Promise.all(decodes);
      assert.ok(settled.first !== null && readDone < settled.first);
    } finally {
      fs.rmSync(file, { force: true });
    }
  });

  it('decodes 8 keys and 4,000 certificates that chain into one long loop quickly, chains capped', async function () {
    const bytes = manyCertsPkcs12(8, 4000);
    const { value, wallMs } = await timed(() => decodeKeystore(bytes, 'changeit'));
    assert.ok(!(value instanceof Error), String(value));
    const store = value as Keystore;
    const chains = store.entries.map((e) => (e.kind === 'private-key' ? e.chain.length : -1));
    assert.deepEqual(chains, Array(8).fill(MAX_CHAIN_LENGTH));
    assert.ok(wallMs < 2000, `${wallMs.toFixed(0)} ms`);
  });

  it('answers a 1.6 MB JKS opened with a wrong password as a wrong password, quickly', async function () {
    const bytes = sameSubjectJks(7000, 64, 'changeit');
    assert.ok(bytes.length > 1_500_000, `${bytes.length} bytes`);
    const { value, wallMs } = await timed(() => decodeKeystore(bytes, 'not-the-password'));
    assert.ok(value instanceof WrongPasswordError, String(value));
    assert.ok(wallMs < 2000, `${wallMs.toFixed(0)} ms`);
    // The right password still opens it, whole.
    const store = await decodeKeystore(bytes, 'changeit');
    assert.equal(store.entries.length, 7000);
  });
});
