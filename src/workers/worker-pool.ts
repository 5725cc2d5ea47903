/**
 * Evaluations in piscina worker threads. Piscina replaces a worker that
 * crashes, and terminates one whose task is aborted, which is how a hanging
 * evaluation is stopped at its timeout.
 *
 * With `batchSize` > 1, evaluations are held back and sent `batchSize` to a
 * message (the engine calls flush() before it waits). The worker reports which
 * item it is on, so each item still has its own timeout, and a hung or crashing
 * item fails alone: the others of its batch are sent again.
 */
import { Piscina } from 'piscina';
import { errorMessage, wireForm, type EvaluationBatch, type EvaluationOutcome, type EvaluationTask } from './evaluation-task.js';
import type { Evaluator } from './evaluator.js';

/** Longest a task may wait for a (re)started worker to load its domain before it counts as hung. */
const MAX_START_MS = 120_000;

const WORKER_FILE = new URL(`./evaluation-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

/** An evaluation waiting to go out in a batch. */
interface Held {
  task: EvaluationTask;
  timeoutMs: number;
  resolve: (outcome: EvaluationOutcome) => void;
}

export class WorkerPool implements Evaluator {
  private readonly pool: Piscina;
  private readonly running = new Set<AbortController>();
  private held: Held[] = [];

  constructor(
    threads: number,
    private readonly batchSize = 1,
  ) {
    this.pool = new Piscina({
      filename: WORKER_FILE.href,
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: 60_000,
      // Running from TypeScript sources (tests under tsx): workers need the same loader.
      execArgv: WORKER_FILE.pathname.endsWith('.ts') ? ['--import', 'tsx'] : [],
    });
  }

  evaluate(task: EvaluationTask, timeoutMs: number): Promise<EvaluationOutcome> {
    const candidate = wireForm(task.candidate);
    if (candidate !== task.candidate) task = { ...task, candidate };
    if (this.batchSize <= 1) return this.evaluateOne(task, timeoutMs);
    return new Promise((resolve) => {
      this.held.push({ task, timeoutMs, resolve });
      if (this.held.length >= this.batchSize) this.flush();
    });
  }

  flush(): void {
    if (this.held.length === 0) return;
    const items = this.held;
    this.held = [];
    void this.runBatch(items);
  }

  private async evaluateOne(task: EvaluationTask, timeoutMs: number): Promise<EvaluationOutcome> {
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

  private async runBatch(items: Held[]): Promise<void> {
    const timeoutMs = Math.max(...items.map((h) => h.timeoutMs));
    const progress = new Int32Array(new SharedArrayBuffer(4));
    const controller = new AbortController();
    this.running.add(controller);
    // Watchdog: times the current item from when the worker reports starting it.
    // 0 = still queued (no limit), -1 = a worker is loading the domain, i + 1 = on item i.
    let seen = 0;
    let since = performance.now();
    let hung = -1;
    const watchdog = setInterval(
      () => {
        const now = performance.now();
        const at = Atomics.load(progress, 0);
        if (at !== seen) {
          seen = at;
          since = now;
          return;
        }
        if (at === 0) return;
        if (now - since > (at < 0 ? MAX_START_MS : timeoutMs)) {
          hung = at - 1;
          controller.abort();
        }
      },
      Math.max(5, Math.min(1000, timeoutMs / 10)),
    );
    const batch: EvaluationBatch = {
      domain: items[0].task.domain,
      items: items.map((h) => ({ candidate: h.task.candidate, seed: h.task.seed })),
      progress,
    };
    try {
      const outcomes = (await this.pool.run(batch, { signal: controller.signal, name: 'evaluateBatch' })) as EvaluationOutcome[];
      items.forEach((h, i) => h.resolve(outcomes[i]));
    } catch (error) {
      const wallMs = performance.now() - since;
      const cancelled = controller.signal.aborted && hung < 0;
      // The item running when the worker stopped is the one that failed; a failure before any item began fails them all.
      const culprit = cancelled ? -1 : hung >= 0 ? hung : Atomics.load(progress, 0) - 1;
      if (cancelled || culprit < 0) {
        const outcome: EvaluationOutcome = cancelled
          ? { ok: false, kind: 'cancelled', error: 'evaluation cancelled', wallMs }
          : { ok: false, kind: 'crash', error: `worker failed: ${errorMessage(error)}`, wallMs };
        for (const h of items) h.resolve(outcome);
        return;
      }
      items[culprit].resolve(
        hung >= 0
          ? { ok: false, kind: 'timeout', error: `evaluation exceeded ${timeoutMs / 1000} s; its worker was replaced`, wallMs: timeoutMs }
          : { ok: false, kind: 'crash', error: `worker failed: ${errorMessage(error)}`, wallMs },
      );
      // The rest lost their results with the worker (or never ran): send them again.
      const rest = items.filter((_, i) => i !== culprit);
      if (rest.length > 0) void this.runBatch(rest);
    } finally {
      clearInterval(watchdog);
      this.running.delete(controller);
    }
  }

  cancelAll(): void {
    for (const controller of this.running) controller.abort();
    const held = this.held;
    this.held = [];
    for (const h of held) h.resolve({ ok: false, kind: 'cancelled', error: 'evaluation cancelled', wallMs: 0 });
  }

  async close(): Promise<void> {
    this.cancelAll();
    await this.pool.destroy();
  }
}
