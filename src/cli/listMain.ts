/**
 * `mi-keystores list` alone (the bundle dist/cli/list.js), which the launcher runs when the command is
 * `list`: the command people run most, and the one that must start fast. A bundle without the other commands
 * and the workspace engine is a third of the size, so V8 has less to read and deserialize before the first
 * entry is decoded (docs/benchmarks.md, "The list bundle").
 */
import { listCommand } from './commands/list';
import { runAsProcess } from './dispatch';

/** Runs `mi-keystores list …` as this process (dist/cli.js calls it). */
export function runProcess(): void {
  runAsProcess([listCommand]);
}
