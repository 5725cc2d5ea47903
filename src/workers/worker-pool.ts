/**
 * Evaluations in piscina worker threads. Piscina replaces a worker that
 * crashes, and terminates one whose task is aborted, which is how a hanging
 * evaluation is stopped at its timeout.
 */
import { Piscina } from 'piscina';
import { errorMessage, type EvaluationOutcome, type EvaluationTask } from './evaluation-task.js';
import type { Evaluator } from './evaluator.js';

/** Longest a task may wait for a (re)started worker to load its domain before it counts as hung. */
const MAX_START_MS = 120_000;

const WORKER_FILE = new URL(`./evaluation-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

export class WorkerPool implements Evaluator {
  private readonly pool: Piscina;
  private readonly running = new Set<AbortController>();

  constructor(threads: number) {
    this.pool = new Piscina({
      filename: WORKER_FILE.href,
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: 60_000,
      // Running from TypeScript sources (tests under tsx): workers need the same loader.
      execArgv: WORKER_FILE.pathname.endsWith('.ts') ? ['--import', 'tsx'] : [],
    });
  }

  async evaluate(task: EvaluationTask, timeoutMs: number): Promise<EvaluationOutcome> {
    const controller = new AbortController();
    this.running.add(controller);
    let timedOut = false;
    const started = new Int32Array(new SharedArrayBuffer(4));
    const submitted = performance.now();
    let waitedForStart = 0;
    // The clock runs from the moment the worker begins evaluating: a task queued
    // behind a replaced worker's start-up gets its full time.
    const check = () => {
      if (Atomics.load(started, 0) === 0 && waitedForStart < MAX_START_MS) {
        waitedForStart += timeoutMs;
        timer = setTimeout(check, timeoutMs);
        return;
      }
      timedOut = true;
      controller.abort();
    };
    let timer = setTimeout(check, timeoutMs);
    try {
      return (await this.pool.run({ ...task, started }, { signal: controller.signal })) as EvaluationOutcome;
    } catch (error) {
      const wallMs = performance.now() - submitted;
      if (timedOut) return { ok: false, kind: 'timeout', error: `evaluation exceeded ${timeoutMs / 1000} s; its worker was replaced`, wallMs };
      if (controller.signal.aborted) return { ok: false, kind: 'cancelled', error: 'evaluation cancelled', wallMs };
      return { ok: false, kind: 'crash', error: `worker failed: ${errorMessage(error)}`, wallMs };
    } finally {
      clearTimeout(timer);
      this.running.delete(controller);
    }
  }

  cancelAll(): void {
    for (const controller of this.running) controller.abort();
  }

  async close(): Promise<void> {
    this.cancelAll();
    await this.pool.destroy();
  }
}
