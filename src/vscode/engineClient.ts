/**
 * The extension host's side of the worker thread (./engineWorker.ts): sends requests, matches answers, and
 * replaces a worker that stopped answering. A request that outlives its time limit rejects with
 * EngineTimeoutError and the worker is restarted, so one hostile file cannot hold up the next request.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { EngineRequest } from './engineWorker';

/** A request the worker did not answer in time; the worker was restarted. */
export class EngineTimeoutError extends Error {
  constructor(readonly seconds: number) {
    super(`The check did not finish within ${seconds} s and was stopped.`);
    this.name = 'EngineTimeoutError';
  }
}

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (err: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/** A lazily started worker thread running the engine. */
export class EngineClient {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  /** `script`: the bundled worker (dist/engineWorker.js next to dist/extension.js). */
  constructor(
    private readonly script = path.join(__dirname, 'engineWorker.js'),
    private readonly timeoutSeconds = 60,
  ) {}

  /** Sends `request` and resolves with the worker's answer. */
  request<T>(request: EngineRequest, timeoutSeconds = this.timeoutSeconds): Promise<T> {
    const worker = this.started();
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new EngineTimeoutError(timeoutSeconds));
        // The worker is stuck on this request: start afresh, failing what else it held.
        this.restart(new Error('The worker was restarted.'));
      }, timeoutSeconds * 1000);
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
      worker.postMessage({ id, request });
    });
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    // A heap limit of its own: a hostile file ends this worker, never the extension host.
    const worker = new Worker(this.script, { resourceLimits: { maxOldGenerationSizeMb: 1024 } });
    worker.unref();
    worker.on('message', (message: { id: number; result?: unknown; error?: string }) => {
      const p = this.pending.get(message.id);
      if (!p) return;
      this.pending.delete(message.id);
      clearTimeout(p.timer);
      if (message.error !== undefined) p.reject(new Error(message.error));
      else p.resolve(message.result);
    });
    worker.on('error', (err) => this.restart(err));
    worker.on('exit', () => {
      if (this.worker === worker) this.restart(new Error('The worker stopped.'));
    });
    this.worker = worker;
    return worker;
  }

  private restart(reason: Error): void {
    const worker = this.worker;
    this.worker = undefined;
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(reason);
      this.pending.delete(id);
    }
    void worker?.terminate();
  }

  /** Stops the worker. */
  dispose(): void {
    this.restart(new Error('The extension is shutting down.'));
  }
}
