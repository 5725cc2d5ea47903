/** One evaluation, in the calling thread: what a domain's evaluate may return, and how every failure becomes an outcome. */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import type { Domain, EvalContext, EvalResult } from '../../src/domain/domain.js';
import { createRng } from '../../src/random/rng.js';
import { checkEvalResult, errorMessage, type EvaluationOutcome, wireForm } from '../../src/workers/evaluation-task.js';
import { InlineEvaluator } from '../../src/workers/inline-evaluator.js';
import { LazyContext, startEvaluation } from '../../src/workers/run-evaluation.js';

/** A domain whose evaluate is the given function; the rest is never called here. */
function domainOf(evaluate: Domain<unknown>['evaluate']): Domain<unknown> {
  return { name: 't', version: '1', description: 't', random: () => 0, mutate: (c) => c, probe: () => [0], evaluate, describe: String };
}

const failure = (outcome: EvaluationOutcome) => {
  assert.equal(outcome.ok, false);
  return outcome as Extract<EvaluationOutcome, { ok: false }>;
};

describe('checkEvalResult', () => {
  it('passes a valid result through with its wall time', () => {
    const metrics = { n: 1, s: 'a', b: false, z: null };
    assert.deepEqual(checkEvalResult({ fitness: -2.5, cost: 0, metrics }, 12), { ok: true, fitness: -2.5, metrics, cost: 0, wallMs: 12 });
    assert.deepEqual(checkEvalResult({ fitness: 0 }, 3), { ok: true, fitness: 0, metrics: undefined, cost: undefined, wallMs: 3 });
    assert.deepEqual(checkEvalResult({ fitness: 1, cost: 7.5, metrics: {} }, 0), { ok: true, fitness: 1, metrics: {}, cost: 7.5, wallMs: 0 });
  });

  it('refuses a fitness that is not a finite number', () => {
    for (const [result, shown] of [
      [undefined, 'undefined'],
      [{}, 'undefined'],
      [{ fitness: Number.NaN }, 'NaN'],
      [{ fitness: Infinity }, 'Infinity'],
      [{ fitness: -Infinity }, '-Infinity'],
      [{ fitness: '1' }, '1'],
      [{ fitness: null }, 'null'],
    ] as const) {
      assert.deepEqual(checkEvalResult(result as unknown as EvalResult, 4), { ok: false, kind: 'invalid-fitness', error: `evaluate returned fitness ${shown}; expected a finite number`, wallMs: 4 });
    }
  });

  it('refuses a cost that is negative or not finite', () => {
    for (const [cost, shown] of [
      [-1, '-1'],
      [-1e-9, '-1e-9'],
      [Number.NaN, 'NaN'],
      [Infinity, 'Infinity'],
      ['2', '2'],
    ] as const) {
      assert.deepEqual(checkEvalResult({ fitness: 1, cost } as unknown as EvalResult, 5), {
        ok: false,
        kind: 'invalid-fitness',
        error: `evaluate returned cost ${shown}; expected a finite number >= 0`,
        wallMs: 5,
      });
    }
  });

  it('refuses metrics that JSON cannot record, naming the key and the type', () => {
    const refused = (metrics: unknown) => failure(checkEvalResult({ fitness: 1, metrics } as unknown as EvalResult, 6));
    assert.deepEqual(refused([1]), { ok: false, kind: 'invalid-fitness', error: 'evaluate returned metrics of type array; expected an object', wallMs: 6 });
    assert.equal(refused(null).error, 'evaluate returned metrics of type object; expected an object');
    assert.equal(refused(3).error, 'evaluate returned metrics of type number; expected an object');
    assert.equal(refused('m').error, 'evaluate returned metrics of type string; expected an object');
    const field = (type: string) => `evaluate returned metrics.bad of type ${type}; metrics must be numbers, strings, booleans or null`;
    assert.equal(refused({ ok: 1, bad: 10n }).error, field('bigint'));
    assert.equal(refused({ ok: 'x', bad: {} }).error, field('object'));
    assert.equal(refused({ ok: true, bad: [1] }).error, field('object'));
    assert.equal(refused({ ok: null, bad: () => 1 }).error, field('function'));
    assert.equal(refused({ bad: undefined }).error, field('undefined'));
    assert.equal(refused({ bad: Symbol('s') }).error, field('symbol'));
  });
});

describe('evaluation helpers', () => {
  it('errorMessage: the message, else the error name, else the value as text', () => {
    assert.equal(errorMessage(new Error('out of memory')), 'out of memory');
    assert.equal(errorMessage(new TypeError('')), 'TypeError');
    assert.equal(errorMessage('plain'), 'plain');
    assert.equal(errorMessage(42), '42');
    assert.equal(errorMessage(undefined), 'undefined');
  });

  it('wireForm: the toJSON form when there is one, else the candidate itself', () => {
    const rich = {
      x: 1,
      toJSON() {
        return { x: this.x + 1 };
      },
    };
    assert.deepEqual(wireForm(rich), { x: 2 });
    const plain = { x: 1 };
    assert.equal(wireForm(plain), plain);
    assert.equal(wireForm(null), null);
    assert.equal(wireForm(3), 3);
    const notAFunction = { toJSON: 'no' };
    assert.equal(wireForm(notAFunction), notAFunction);
  });

  it('LazyContext: the seeded generator and one signal, made on first use', () => {
    const ctx = new LazyContext(77);
    assert.equal(ctx.seed, 77);
    const reference = createRng(77);
    assert.equal(ctx.rng, ctx.rng);
    assert.deepEqual([ctx.rng.next(), ctx.rng.next()], [reference.next(), reference.next()]);
    assert.equal(ctx.signal, ctx.signal);
    assert.equal(ctx.signal.aborted, false);
    ctx.abort();
    assert.equal(ctx.signal.aborted, true);
  });

  it('LazyContext: an abort before the signal was first read still shows on it', () => {
    // An evaluation may first look at ctx.signal after its timeout fired.
    const ctx = new LazyContext(1);
    ctx.abort();
    assert.equal(ctx.signal.aborted, true);
  });
});

describe('startEvaluation', () => {
  it('answers a synchronous evaluate synchronously, with its wall time', () => {
    const before = performance.now();
    const outcome = startEvaluation(
      domainOf(() => ({ fitness: 2, cost: 3 })),
      1,
      new LazyContext(1),
    );
    assert.ok(!(outcome instanceof Promise));
    assert.equal(outcome.ok, true);
    assert.ok(outcome.ok && outcome.fitness === 2 && outcome.cost === 3);
    // At most the time around the call (a bound like `< 1000` would pass a clock reading, not a duration).
    assert.ok(outcome.wallMs >= 0 && outcome.wallMs <= performance.now() - before, `wallMs ${outcome.wallMs}`);
  });

  it('passes the candidate and context to evaluate', () => {
    const ctx = new LazyContext(5);
    let seen: [unknown, EvalContext] | undefined;
    startEvaluation(
      domainOf((c, context) => {
        seen = [c, context];
        return { fitness: 1 };
      }),
      'cand',
      ctx,
    );
    assert.deepEqual(seen, ['cand', ctx]);
  });

  it('turns a synchronous throw into an error outcome', () => {
    const before = performance.now();
    const outcome = startEvaluation(
      domainOf(() => {
        throw new Error('diverged');
      }),
      1,
      new LazyContext(1),
    );
    assert.ok(!(outcome instanceof Promise));
    const failed = failure(outcome);
    assert.equal(failed.kind, 'error');
    assert.equal(failed.error, 'diverged');
    assert.ok(failed.wallMs >= 0 && failed.wallMs <= performance.now() - before, `wallMs ${failed.wallMs}`);
  });

  it('awaits an async evaluate, timing it, and turns a rejection into an error outcome', async () => {
    const before = performance.now();
    const slow = await startEvaluation(
      domainOf(async () => {
        await sleep(40);
        return { fitness: 5 };
      }),
      1,
      new LazyContext(1),
    );
    assert.equal(slow.ok && slow.fitness, 5);
    assert.ok(slow.wallMs >= 35 && slow.wallMs <= performance.now() - before, `wallMs ${slow.wallMs}`);
    const beforeRejected = performance.now();
    const rejected = failure(
      await startEvaluation(
        domainOf(async () => {
          await sleep(30);
          throw new Error('no data');
        }),
        1,
        new LazyContext(1),
      ),
    );
    assert.equal(rejected.kind, 'error');
    assert.equal(rejected.error, 'no data');
    assert.ok(rejected.wallMs >= 25 && rejected.wallMs <= performance.now() - beforeRejected, `wallMs ${rejected.wallMs}`);
    const nan = failure(await startEvaluation(domainOf(async () => ({ fitness: Number.NaN })), 1, new LazyContext(1)));
    assert.equal(nan.kind, 'invalid-fitness');
  });
});

describe('InlineEvaluator', () => {
  /** A domain whose evaluation of candidate `ms` takes that long (never ends for -1), keeping each context. */
  function timedDomain() {
    const contexts: EvalContext[] = [];
    const domain = domainOf(async (c, ctx) => {
      contexts.push(ctx);
      const ms = c as number;
      if (ms < 0) return new Promise<EvalResult>(() => {});
      await sleep(ms);
      return { fitness: ms };
    });
    return { domain, contexts };
  }

  it('returns a synchronous outcome as is', () => {
    const outcome = new InlineEvaluator(domainOf((c) => ({ fitness: (c as number) * 2 }))).evaluate({ domain: { spec: 't', options: {} }, candidate: 4, seed: 9 }, 1000);
    assert.ok(!(outcome instanceof Promise));
    assert.equal(outcome.ok && outcome.fitness, 8);
  });

  it('gives evaluate a context seeded with the task seed', async () => {
    const { domain, contexts } = timedDomain();
    await new InlineEvaluator(domain).evaluate({ domain: { spec: 't', options: {} }, candidate: 0, seed: 31 }, 1000);
    assert.equal(contexts[0].seed, 31);
  });

  it('times out an evaluation that does not finish, aborting its signal', async () => {
    const { domain, contexts } = timedDomain();
    const outcome = await new InlineEvaluator(domain).evaluate({ domain: { spec: 't', options: {} }, candidate: -1, seed: 1 }, 50);
    assert.deepEqual(outcome, { ok: false, kind: 'timeout', error: 'evaluation exceeded 0.05 s', wallMs: 50 });
    assert.equal(contexts[0].signal.aborted, true);
  });

  it('leaves a finished evaluation alone: no later timeout, no abort on cancelAll', async () => {
    const { domain, contexts } = timedDomain();
    const evaluator = new InlineEvaluator(domain);
    const outcome = await evaluator.evaluate({ domain: { spec: 't', options: {} }, candidate: 5, seed: 1 }, 60);
    assert.equal(outcome.ok && outcome.fitness, 5);
    evaluator.cancelAll();
    await sleep(100);
    assert.equal(contexts[0].signal.aborted, false);
  });

  it('cancels running evaluations (cancelAll and close), each once', async () => {
    const { domain, contexts } = timedDomain();
    const evaluator = new InlineEvaluator(domain);
    const task = (candidate: number) => evaluator.evaluate({ domain: { spec: 't', options: {} }, candidate, seed: 1 }, 10_000);
    const first = task(-1);
    const second = task(200);
    evaluator.cancelAll();
    for (const outcome of await Promise.all([first, second])) {
      const failed = failure(outcome);
      assert.equal(failed.kind, 'cancelled');
      assert.equal(failed.error, 'evaluation cancelled');
      assert.ok(failed.wallMs >= 0 && failed.wallMs < 1000, `wallMs ${failed.wallMs}`);
    }
    assert.deepEqual(
      contexts.map((c) => c.signal.aborted),
      [true, true],
    );
    const third = task(-1);
    await evaluator.close();
    assert.equal(failure(await third).kind, 'cancelled');
  });

  it('reports a rejected evaluation as an error, not a timeout', async () => {
    const evaluator = new InlineEvaluator(
      domainOf(async () => {
        await sleep(10);
        throw new Error('bad batch');
      }),
    );
    const failed = failure(await evaluator.evaluate({ domain: { spec: 't', options: {} }, candidate: 1, seed: 1 }, 5000));
    assert.equal(failed.kind, 'error');
    assert.equal(failed.error, 'bad batch');
  });
});
