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
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { errorMessage, wireForm, type EvaluationBatch, type EvaluationOutcome, type EvaluationTask } from './evaluation-task.js';
import type { Evaluator } from './evaluator.js';

/** Longest a task may wait for a (re)started worker to load its domain before it counts as hung. */
const MAX_START_MS = 120_000;

const exceeded = (ms: number) => `evaluation exceeded ${ms / 1000} s; its worker was replaced`;
/** The message of an evaluation whose worker never began it: still loading the domain (or, unbatched, busy). */
const notStarted = (ms: number) => `evaluation did not begin within ${ms / 1000} s: its worker did not finish loading the domain`;

/** The worker module beside this one, with this module's extension: .js compiled, .ts run from sources under tsx. */
const WORKER_FILE = new URL(`./evaluation-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

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

  /** `maxStartMs`: how long a task waits for its worker to load the domain (tests shorten it). */
  constructor(
    threads: number,
    private readonly batchSize = 1,
    private readonly maxStartMs = MAX_START_MS,
  ) {
    this.pool = new Piscina({
      filename: WORKER_FILE.href,
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: 60_000,
      // Running from TypeScript sources (tests under tsx): workers need the same loader.
      // Stryker disable next-line all: npm test and Stryker run compiled JavaScript (never .ts), and a worker ignores a stray non-option argument
      execArgv: WORKER_FILE.pathname.endsWith('.ts') ? ['--import', 'tsx'] : [],
    });
  }

  evaluate(task: EvaluationTask, timeoutMs: number): Promise<EvaluationOutcome> {
    const candidate = wireForm(task.candidate);
    // Stryker disable next-line ConditionalExpression: (true) copying a task whose candidate is unchanged sends the same task
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
      if (Atomics.load(started, 0) === 0 && waitedForStart < this.maxStartMs) {
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
      if (timedOut && Atomics.load(started, 0) === 0) return { ok: false, kind: 'timeout', error: notStarted(waitedForStart + timeoutMs), wallMs };
      if (timedOut) return { ok: false, kind: 'timeout', error: exceeded(timeoutMs), wallMs };
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
    let loadHung = false;
    // Ticks a tenth of the timeout apart (5 ms to 1 s): a hang is noticed within about a tenth of its timeout.
    const tick = Math.min(1000, timeoutMs / 10);
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
        // Stryker disable next-line EqualityOperator: at 0 returned above (so <= 0 is < 0), and continuous time never equals the bound
        if (now - since > (at < 0 ? this.maxStartMs : timeoutMs)) {
          // Stryker disable next-line EqualityOperator: (<=) at 0 returned above
          if (at < 0) loadHung = true;
          else hung = at - 1;
          controller.abort();
        }
      },
      // Stryker disable next-line MethodExpression: ticking more often than every 5 ms notices the same hangs, only polls more
      Math.max(5, tick),
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
      if (controller.signal.aborted && hung < 0) {
        // Not a hung item: the worker never loaded the domain, or cancelAll() stopped the batch.
        const outcome: EvaluationOutcome = loadHung ? { ok: false, kind: 'timeout', error: notStarted(this.maxStartMs), wallMs } : { ok: false, kind: 'cancelled', error: 'evaluation cancelled', wallMs };
        for (const h of items) h.resolve(outcome);
        return;
      }
      // The item that failed: the one the watchdog saw hang, else the one running when the worker stopped.
      let culprit = hung;
      let outcome: EvaluationOutcome = { ok: false, kind: 'timeout', error: exceeded(timeoutMs), wallMs: timeoutMs };
      if (hung < 0) {
        culprit = Atomics.load(progress, 0) - 1;
        outcome = { ok: false, kind: 'crash', error: `worker failed: ${errorMessage(error)}`, wallMs };
        if (culprit < 0) {
          // A failure before any item began fails them all.
          for (const h of items) h.resolve(outcome);
          return;
        }
      }
      items[culprit].resolve(outcome);
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
