/**
 * How long the extension's own answers to hover, completion and code actions took inside the extension
 * host, in ms. The stall guard tests read them: a round trip through a loaded workbench also counts the
 * browser's queueing, this counts only what the extension spent.
 */
const recent: number[] = [];
let total = 0;

/** Records one answer that began at `started` (a performance.now() time). */
export function recordAnswer(started: number): void {
  recent.push(performance.now() - started);
  if (recent.length > 100) recent.shift();
  total++;
}

/** Runs a synchronous provider's answer and records how long it took. */
export function timedAnswer<T>(answer: () => T): T {
  const started = performance.now();
  try {
    return answer();
  } finally {
    recordAnswer(started);
  }
}

/** How many answers were recorded in all, and the durations of the last (up to 100), oldest first. */
export function answerTimes(): { total: number; recent: readonly number[] } {
  return { total, recent: [...recent] };
}
