/** Evaluations in worker threads, one at a time and in batches: results, and each failure kind with its message. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { EvaluationBatch, EvaluationOutcome, EvaluationTask } from '../../src/workers/evaluation-task.js';
import evaluateTask, { evaluateBatch } from '../../src/workers/evaluation-worker.js';
import { WorkerPool } from '../../src/workers/worker-pool.js';
import { fixturePath } from '../fixtures/paths.js';

const domain = { spec: fixturePath('test-domain'), options: { classes: 50, throwOn: [4], nanOn: [5], hangOn: [6], crashOn: [7], delayMs: 0 } };
const task = (x: number, seed = 1): EvaluationTask => ({ domain, candidate: { x }, seed });
const fitnessOf = (outcome: EvaluationOutcome) => (outcome.ok ? outcome.fitness : `${outcome.kind}: ${outcome.error}`);

describe('evaluation worker entry points (called in this thread)', () => {
  let dir = '';
  let counting = { spec: '', options: {} };
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'deja-worker-'));
    // A factory that counts its calls and an evaluate that reads the batch progress as it runs.
    const spec = join(dir, 'counting.mjs');
    writeFileSync(
      spec,
      `globalThis.__loads = 0;
export default (options) => { globalThis.__loads++; return { name: 'counting', version: '1', description: 'c', random: () => 0, mutate: (c) => c, probe: (c) => [c],
  evaluate: (c) => ({ fitness: c * options.scale, metrics: { progress: globalThis.__progress ? Atomics.load(globalThis.__progress, 0) : -99 } }), describe: String }; };`,
    );
    counting = { spec, options: { scale: 10 } };
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('evaluateTask loads the domain once per reference and marks the task started', async () => {
    const started = new Int32Array(new SharedArrayBuffer(4));
    const first = await evaluateTask({ domain: counting, candidate: 2, seed: 1, started });
    assert.equal(fitnessOf(first), 20);
    assert.equal(Atomics.load(started, 0), 1);
    assert.equal(fitnessOf(await evaluateTask({ domain: counting, candidate: 3, seed: 1 })), 30);
    assert.equal((globalThis as { __loads?: number }).__loads, 1);
    // Other options: another domain instance.
    assert.equal(fitnessOf(await evaluateTask({ domain: { ...counting, options: { scale: -1 } }, candidate: 3, seed: 1 })), -3);
    assert.equal((globalThis as { __loads?: number }).__loads, 2);
  });

  it('evaluateBatch evaluates in order, reporting item i + 1 as it begins item i', async () => {
    const progress = new Int32Array(new SharedArrayBuffer(4));
    const g = globalThis as { __progress?: Int32Array };
    g.__progress = progress;
    try {
      const batch: EvaluationBatch = { domain: counting, items: [1, 2, 3].map((c) => ({ candidate: c, seed: c })), progress };
      const outcomes = await evaluateBatch(batch);
      assert.deepEqual(outcomes.map(fitnessOf), [10, 20, 30]);
      assert.deepEqual(
        outcomes.map((o) => o.ok && o.metrics?.progress),
        [1, 2, 3],
      );
      assert.equal(Atomics.load(progress, 0), 3);
    } finally {
      g.__progress = undefined;
    }
  });

  it('evaluateBatch awaits async evaluations (the test domain is async)', async () => {
    const progress = new Int32Array(new SharedArrayBuffer(4));
    const outcomes = await evaluateBatch({ domain, items: [{ candidate: { x: 51 }, seed: 1 }, { candidate: { x: 4 }, seed: 1 }], progress });
    assert.deepEqual(outcomes.map(fitnessOf), [1, 'error: candidate 4 refuses to train']);
  });
});

describe('WorkerPool', () => {
  it('evaluates in a worker: results and failures, and survives a hung and a crashed worker', async () => {
    const pool = new WorkerPool(1);
    try {
      const { wallMs, ...ok } = await pool.evaluate(task(53), 10_000);
      assert.deepEqual(ok, { ok: true, fitness: 3, cost: 1, metrics: undefined });
      assert.ok(wallMs >= 0 && wallMs < 10_000);
      assert.equal(fitnessOf(await pool.evaluate(task(4), 10_000)), 'error: candidate 4 refuses to train');
      assert.equal(fitnessOf(await pool.evaluate(task(5), 10_000)), 'invalid-fitness: evaluate returned fitness NaN; expected a finite number');
      const hung = await pool.evaluate(task(6), 300);
      assert.equal(fitnessOf(hung), 'timeout: evaluation exceeded 0.3 s; its worker was replaced');
      assert.ok(hung.wallMs >= 250 && hung.wallMs < 60_000, `wallMs ${hung.wallMs}`);
      const beforeCrash = performance.now();
      const crashed = await pool.evaluate(task(7), 10_000);
      assert.equal(crashed.ok, false);
      assert.ok(crashed.wallMs >= 0 && crashed.wallMs <= performance.now() - beforeCrash, `wallMs ${crashed.wallMs}`);
      assert.ok(!crashed.ok && crashed.kind === 'crash' && crashed.error.startsWith('worker failed: '), fitnessOf(crashed) as string);
      assert.equal(fitnessOf(await pool.evaluate(task(8), 10_000)), 8);
    } finally {
      await pool.close();
    }
  });

  it('sends the JSON form of a candidate that has one', async () => {
    const pool = new WorkerPool(1);
    try {
      const rich = { x: 1, toJSON: () => ({ x: 12 }) };
      assert.equal(fitnessOf(await pool.evaluate({ domain, candidate: rich, seed: 1 }, 10_000)), 12);
    } finally {
      await pool.close();
    }
  });

  it('cancels a running evaluation', async () => {
    const pool = new WorkerPool(1);
    try {
      const running = pool.evaluate(task(6), 60_000);
      await new Promise((resolve) => setTimeout(resolve, 500));
      pool.cancelAll();
      const outcome = await running;
      assert.equal(fitnessOf(outcome), 'cancelled: evaluation cancelled');
    } finally {
      await pool.close();
    }
  });

  it('batches: holds evaluations until the batch is full or flushed, results in order', async () => {
    const pool = new WorkerPool(1, 3);
    try {
      let settled = 0;
      const first = [pool.evaluate(task(1), 10_000), pool.evaluate(task(2), 10_000)];
      for (const p of first) void p.then(() => settled++);
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(settled, 0, 'a partial batch waits');
      pool.flush();
      assert.deepEqual((await Promise.all(first)).map(fitnessOf), [1, 2]);
      pool.flush(); // nothing held: nothing sent
      const full = [9, 10, 11].map((x) => pool.evaluate(task(x), 10_000));
      assert.deepEqual((await Promise.all(full)).map(fitnessOf), [9, 10, 11]);
    } finally {
      await pool.close();
    }
  });

  it('batches: a crashing or hung item fails alone, the rest are sent again', async () => {
    const pool = new WorkerPool(1, 4);
    try {
      const crashBatch = [51, 7, 52, 4].map((x) => pool.evaluate(task(x), 10_000));
      const crashed = await Promise.all(crashBatch);
      assert.equal(fitnessOf(crashed[0]), 1);
      assert.ok(!crashed[1].ok && crashed[1].kind === 'crash' && crashed[1].error.startsWith('worker failed: '), fitnessOf(crashed[1]) as string);
      assert.deepEqual(crashed.slice(2).map(fitnessOf), [2, 'error: candidate 4 refuses to train']);
      const hungBatch = [53, 54, 6, 55].map((x) => pool.evaluate(task(x), 400));
      const hung = await Promise.all(hungBatch);
      assert.deepEqual(hung.map(fitnessOf), [3, 4, 'timeout: evaluation exceeded 0.4 s; its worker was replaced', 5]);
      assert.equal(hung[2].wallMs, 400);
    } finally {
      await pool.close();
    }
  });

  it('batches: a first item that crashes or hangs fails alone too', async () => {
    const pool = new WorkerPool(1, 2);
    try {
      const beforeCrash = performance.now();
      const crashed = await Promise.all([pool.evaluate(task(7), 10_000), pool.evaluate(task(51), 10_000)]);
      assert.ok(!crashed[0].ok && crashed[0].kind === 'crash', fitnessOf(crashed[0]) as string);
      assert.ok(crashed[0].wallMs >= 0 && crashed[0].wallMs <= performance.now() - beforeCrash, `wallMs ${crashed[0].wallMs}`);
      assert.equal(fitnessOf(crashed[1]), 1);
      const hung = await Promise.all([pool.evaluate(task(6), 400), pool.evaluate(task(52), 400)]);
      assert.deepEqual(hung.map(fitnessOf), ['timeout: evaluation exceeded 0.4 s; its worker was replaced', 2]);
    } finally {
      await pool.close();
    }
  });

  it('batches: a batch queued behind another is not timed while it waits', async () => {
    const pool = new WorkerPool(1, 3);
    const slowDomain = { ...domain, options: { ...domain.options, delayMs: 500 } };
    try {
      // One thread: the second batch waits about 1.5 s in the queue, longer than its 1 s timeout.
      const batches = [51, 52, 53, 54, 55, 56].map((x) => pool.evaluate({ domain: slowDomain, candidate: { x }, seed: 1 }, 1000));
      assert.deepEqual((await Promise.all(batches)).map(fitnessOf), [1, 2, 3, 4, 5, 6]);
    } finally {
      await pool.close();
    }
  });

  it('batches: a batch of one that crashes or hangs fails alone, and nothing is sent after it', async () => {
    const pool = new WorkerPool(1, 2);
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      const crashing = pool.evaluate(task(7), 10_000);
      pool.flush();
      const crashed = await crashing;
      assert.ok(!crashed.ok && crashed.kind === 'crash' && crashed.error.startsWith('worker failed: '), fitnessOf(crashed) as string);
      const hanging = pool.evaluate(task(6), 300);
      pool.flush();
      assert.equal(fitnessOf(await hanging), 'timeout: evaluation exceeded 0.3 s; its worker was replaced');
      assert.deepEqual((await Promise.all([pool.evaluate(task(8), 10_000), pool.evaluate(task(9), 10_000)])).map(fitnessOf), [8, 9]);
      // An empty batch sent again would fail on its missing first item.
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.deepEqual(rejections, []);
    } finally {
      process.off('unhandledRejection', onRejection);
      await pool.close();
    }
  });

  it('batches: a hung item is noticed within a tenth of its timeout or so (the watchdog period)', async () => {
    const pool = new WorkerPool(1, 2);
    try {
      // Warm: the worker has started and loaded the domain.
      assert.deepEqual((await Promise.all([pool.evaluate(task(1), 10_000), pool.evaluate(task(2), 10_000)])).map(fitnessOf), [1, 2]);
      const start = performance.now();
      let took = Number.NaN;
      const hung = await Promise.all([pool.evaluate(task(6), 200).then((o) => ((took = performance.now() - start), o)), pool.evaluate(task(3), 200)]);
      assert.deepEqual(hung.map(fitnessOf), ['timeout: evaluation exceeded 0.2 s; its worker was replaced', 3]);
      // Checked every 20 ms: noticed after about 0.2 s (a watchdog ticking every second notices after 2 s at the earliest).
      assert.ok(took >= 200 && took < 1900, `took ${took} ms`);
    } finally {
      await pool.close();
    }
  });

  it('close cancels what is running', async () => {
    const pool = new WorkerPool(1);
    const running = pool.evaluate(task(6), 60_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await pool.close();
    assert.equal(fitnessOf(await running), 'cancelled: evaluation cancelled');
  });

  it('batches: cancelAll fails held and running evaluations as cancelled', async () => {
    const pool = new WorkerPool(1, 2);
    try {
      const running = [pool.evaluate(task(6), 60_000), pool.evaluate(task(1), 60_000)];
      const held = pool.evaluate(task(2), 60_000);
      await new Promise((resolve) => setTimeout(resolve, 500));
      pool.cancelAll();
      assert.deepEqual(await held, { ok: false, kind: 'cancelled', error: 'evaluation cancelled', wallMs: 0 });
      assert.deepEqual((await Promise.all(running)).map(fitnessOf), ['cancelled: evaluation cancelled', 'cancelled: evaluation cancelled']);
    } finally {
      await pool.close();
    }
  });

  describe('start-up and load failures', () => {
    let dir = '';
    let slow = { spec: '', options: {} };
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'deja-pool-'));
      // A domain module that takes 800 ms to load: the clock must start when evaluation begins.
      const spec = join(dir, 'slow-start.mjs');
      writeFileSync(
        spec,
        `await new Promise((resolve) => setTimeout(resolve, 800));
export default () => ({ name: 'slow', version: '1', description: 's', random: () => 0, mutate: (c) => c, probe: (c) => [c],
  evaluate: async (c) => { await new Promise((resolve) => setTimeout(resolve, c.ms)); return { fitness: c.ms }; }, describe: String });`,
      );
      slow = { spec, options: {} };
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('does not count a slow domain load against the timeout (single and batched)', async () => {
      const single = new WorkerPool(1);
      const batched = new WorkerPool(1, 2);
      try {
        assert.equal(fitnessOf(await single.evaluate({ domain: slow, candidate: { ms: 1 }, seed: 1 }, 300)), 1);
        const outcomes = await Promise.all([batched.evaluate({ domain: slow, candidate: { ms: 2 }, seed: 1 }, 300), batched.evaluate({ domain: slow, candidate: { ms: 3 }, seed: 1 }, 300)]);
        assert.deepEqual(outcomes.map(fitnessOf), [2, 3]);
      } finally {
        await Promise.all([single.close(), batched.close()]);
      }
    });

    it('times a batch by the longest timeout of its items', async () => {
      const pool = new WorkerPool(1, 2);
      try {
        const outcomes = await Promise.all([pool.evaluate({ domain: slow, candidate: { ms: 700 }, seed: 1 }, 400), pool.evaluate({ domain: slow, candidate: { ms: 5 }, seed: 1 }, 3000)]);
        assert.deepEqual(outcomes.map(fitnessOf), [700, 5]);
      } finally {
        await pool.close();
      }
    });

    it('a worker that never loads the domain: each evaluation times out after the start-up wait, saying so', { timeout: 20_000 }, async () => {
      const never = join(dir, 'never-loads.mjs');
      writeFileSync(never, `await new Promise((resolve) => setTimeout(resolve, 600_000));\nexport default () => ({});\n`);
      const stuck = { spec: never, options: {} };
      // A start-up wait of 0.3 s, checked every timeout period (0.1 s) unbatched, by the watchdog batched.
      const single = new WorkerPool(1, 1, 300);
      const batched = new WorkerPool(1, 2, 300);
      try {
        const one = await single.evaluate({ domain: stuck, candidate: 1, seed: 1 }, 100);
        // Waited whole periods until more than 0.3 s: 0.4 s.
        assert.equal(fitnessOf(one), 'timeout: evaluation did not begin within 0.4 s: its worker did not finish loading the domain');
        assert.ok(one.wallMs >= 390 && one.wallMs < 10_000, `wallMs ${one.wallMs}`);
        const both = await Promise.all([batched.evaluate({ domain: stuck, candidate: 1, seed: 1 }, 100), batched.evaluate({ domain: stuck, candidate: 2, seed: 1 }, 100)]);
        assert.deepEqual(both.map(fitnessOf), Array(2).fill('timeout: evaluation did not begin within 0.3 s: its worker did not finish loading the domain'));
        for (const outcome of both) assert.ok(outcome.wallMs >= 290 && outcome.wallMs < 10_000, `wallMs ${outcome.wallMs}`);
      } finally {
        await Promise.all([single.close(), batched.close()]);
      }
    });

    it('fails every evaluation as a crash when the worker cannot load the domain', async () => {
      const missing = { spec: join(dir, 'missing.mjs'), options: {} };
      const single = new WorkerPool(1);
      const batched = new WorkerPool(1, 2);
      try {
        const expected = new RegExp(`^worker failed: domain: cannot load module ${missing.spec.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `);
        const one = await single.evaluate({ domain: missing, candidate: { ms: 1 }, seed: 1 }, 5000);
        assert.ok(!one.ok && one.kind === 'crash' && expected.test(one.error), fitnessOf(one) as string);
        const both = await Promise.all([batched.evaluate({ domain: missing, candidate: { ms: 1 }, seed: 1 }, 5000), batched.evaluate({ domain: missing, candidate: { ms: 2 }, seed: 1 }, 5000)]);
        for (const outcome of both) assert.ok(!outcome.ok && outcome.kind === 'crash' && expected.test(outcome.error), fitnessOf(outcome) as string);
      } finally {
        await Promise.all([single.close(), batched.close()]);
      }
    });
  });
});
