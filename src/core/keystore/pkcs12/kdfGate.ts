/**
 * One key derivation at a time, per process. Node's async `crypto.pbkdf2` runs on libuv's thread pool
 * (4 threads by default), which file reads share: a hostile store with many PBKDF2-protected safes once
 * took every thread and made unrelated reads wait seconds. The PKCS#12 KDF runs on the main thread in
 * slices; queueing it here too keeps two stores from interleaving their slices and doubling each one's wait.
 */

let tail: Promise<unknown> = Promise.resolve();

/** Runs `job` after every key derivation queued before it has finished; the queue survives a failing job. */
export function runKeyDerivation<T>(job: () => Promise<T>): Promise<T> {
  const run = tail.then(job, job);
  tail = run.then(
    () => undefined,
    () => undefined,
  );
  return run;
}
