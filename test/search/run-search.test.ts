import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { SearchEvent } from '../../src/record/events.js';
import { runSearch, type SearchConfig } from '../../src/search/run-search.js';
import createTestDomain from '../fixtures/test-domain.js';
import { fixturePath } from '../fixtures/paths.js';

const testDomain = fixturePath('test-domain');

function base(overrides: Partial<SearchConfig> = {}): SearchConfig {
  return {
    name: 'engine-test',
    domain: testDomain,
    domainOptions: { classes: 100 },
    search: { populationSize: 20, tournamentSize: 4 },
    budget: { maxEvaluations: 80 },
    workers: 0,
    seed: 11,
    evalTimeoutSeconds: 10,
    ...overrides,
  };
}

async function collect(config: SearchConfig) {
  const events: SearchEvent[] = [];
  const summary = await runSearch(config, { onEvent: (e) => events.push(e) });
  return { events, summary };
}

/** An event without its wall-clock fields. */
const timeless = ({ probeMs, evalMs, proposedAt, settledAt, cost, ...rest }: SearchEvent) => ({ ...rest, paid: cost > 0 });

describe('runSearch', () => {
  it('settles every proposal exactly once with a consistent outcome', async () => {
    const { events, summary } = await collect(base());
    assert.equal(events.length, summary.proposals);
    assert.deepEqual(events.map((e) => e.id).sort((a, b) => a - b), Array.from({ length: events.length }, (_, i) => i));
    const count = (o: string) => events.filter((e) => e.outcome === o).length;
    assert.equal(count('miss'), summary.cache.misses);
    assert.equal(count('full-hit'), summary.cache.fullHits);
    assert.equal(summary.evaluations, 80);
    assert.equal(summary.stopReason, 'max-evaluations');
    assert.ok(summary.cache.fullHits > 0, 'the 100-class space must produce hits');
    // Every full hit reports the fitness of the evaluated member of its class.
    const evaluated = new Map(events.filter((e) => e.outcome === 'miss').map((e) => [e.hash, e.fitness]));
    for (const e of events.filter((e) => e.outcome === 'full-hit')) assert.equal(e.fitness, evaluated.get(e.hash));
  });

  it('is deterministic with one worker: same seed, same events', async () => {
    const a = await collect(base({ workers: 1 }));
    const b = await collect(base({ workers: 1 }));
    assert.deepEqual(a.events.map(timeless), b.events.map(timeless));
    const c = await collect(base({ workers: 1, seed: 12 }));
    assert.notDeepEqual(a.events.map(timeless), c.events.map(timeless));
  });

  it('joins candidates whose hash is already being evaluated (2 workers)', async () => {
    // Batches make the interleaving of proposals and results independent of thread timing,
    // so whether joins happen does not depend on how busy the machine is.
    const { events, summary } = await collect(base({
      workers: 2,
      batchSize: 2,
      domainOptions: { classes: 5, size: 40, delayMs: 30 },
      search: { populationSize: 4, tournamentSize: 2 },
      budget: { maxEvaluations: 12 },
    }));
    const joins = events.filter((e) => e.outcome === 'in-flight-join');
    assert.ok(joins.length > 0, 'expected in-flight joins');
    assert.equal(joins.length, summary.cache.inFlightJoins);
    const byId = new Map(events.map((e) => [e.id, e]));
    for (const j of joins) {
      const owner = byId.get(j.joined!)!;
      assert.equal(owner.hash, j.hash);
      assert.equal(j.fitness, owner.fitness);
      assert.ok(owner.evalMs !== null && j.evalMs === null && j.cost === 0);
    }
  });

  it('evaluates everything and probes nothing without the cache', async () => {
    const { events, summary } = await collect(base({ cache: { enabled: false } }));
    assert.equal(summary.evaluations, summary.proposals);
    assert.ok(events.every((e) => e.outcome === 'miss' && e.hash === null));
    assert.equal(summary.cache.hitRate, 0);
  });

  it('averages noisy fitness over maxEvalsPerHash evaluations (partial hits)', async () => {
    const { events, summary } = await collect(base({
      domainOptions: { classes: 3, size: 30, noise: 0.1 },
      cache: { maxEvalsPerHash: 4 },
      budget: { maxEvaluations: 40 },
    }));
    assert.ok(summary.cache.partialHits > 0);
    assert.ok(summary.cache.partialHits <= 9, 'at most 3 partial hits per hash');
    const partial = events.filter((e) => e.outcome === 'partial-hit');
    assert.ok(partial.every((e) => e.evalMs !== null));
  });

  it('records failing, NaN, hanging and crashing evaluations as failed and goes on', async () => {
    const { events, summary } = await collect(base({
      workers: 2,
      evalTimeoutSeconds: 0.5,
      domainOptions: { classes: 1000, size: 100, delayMs: 25, throwOn: [1, 2, 3, 4, 5], nanOn: [10, 11, 12, 13], hangOn: [20, 21, 22, 23], crashOn: [30, 31, 32, 33] },
      search: { algorithm: 'random', populationSize: 5, tournamentSize: 2 },
      budget: { maxEvaluations: 80 },
    }));
    const failures = events.filter((e) => e.outcome === 'failed');
    const kinds = new Set(failures.map((e) => e.failure));
    assert.ok(kinds.has('error') && kinds.has('invalid-fitness') && kinds.has('timeout') && kinds.has('crash'), `saw ${[...kinds]}: ${failures.map((e) => e.error).join('; ')}`);
    assert.ok(failures.every((e) => e.fitness === null && typeof e.error === 'string'));
    assert.ok(failures.find((e) => e.failure === 'error')!.error!.includes('refuses to train'));
    assert.equal(summary.failed, failures.length);
    assert.equal(summary.evaluations, 80);
    // The search went on after the first hang and the first crash: evaluations succeeded later.
    const firstIndex = (kind: string) => events.findIndex((e) => e.failure === kind);
    const lastSuccess = events.map((e) => e.outcome).lastIndexOf('miss');
    assert.ok(lastSuccess > firstIndex('timeout') && lastSuccess > firstIndex('crash'));
  });

  it('batches evaluations for workers deterministically, with 1 worker and with 2', async () => {
    for (const workers of [1, 2]) {
      const a = await collect(base({ workers, batchSize: 4 }));
      const b = await collect(base({ workers, batchSize: 4 }));
      assert.equal(a.summary.evaluations, 80);
      assert.deepEqual(a.events.map(timeless), b.events.map(timeless), `${workers} worker(s)`);
    }
  });

  it('times each evaluation of a batch on its own: a batch may take longer than the timeout', async () => {
    // 4 x 100 ms per batch, and a second batch queued behind it, against a 0.3 s timeout.
    const summary = await runSearch(base({
      workers: 1,
      batchSize: 4,
      evalTimeoutSeconds: 0.3,
      domainOptions: { classes: 1000, size: 1000, delayMs: 100 },
      budget: { maxEvaluations: 12 },
    }));
    assert.equal(summary.evaluations, 12);
    assert.equal(summary.failed, 0);
  });

  it('in a batch, a failing, hanging or crashing evaluation fails alone and the others still count', async () => {
    const failing = { throwOn: [1, 2, 3, 4, 5], nanOn: [10, 11, 12, 13], hangOn: [20, 21, 22, 23], crashOn: [30, 31, 32, 33] };
    const { events, summary } = await collect(base({
      workers: 2,
      batchSize: 3,
      evalTimeoutSeconds: 0.5,
      domainOptions: { classes: 1000, size: 100, delayMs: 5, ...failing },
      search: { algorithm: 'random', populationSize: 5, tournamentSize: 2 },
      budget: { maxEvaluations: 80 },
    }));
    const failures = events.filter((e) => e.outcome === 'failed');
    const kinds = new Set(failures.map((e) => e.failure));
    assert.ok(kinds.has('error') && kinds.has('invalid-fitness') && kinds.has('timeout') && kinds.has('crash'), `saw ${[...kinds]}`);
    // Each failure belongs to its own candidate: nobody else in the batch was failed with it.
    const expected: Record<string, number[]> = { error: failing.throwOn, 'invalid-fitness': failing.nanOn, timeout: failing.hangOn, crash: failing.crashOn };
    for (const e of failures) {
      const x = (e.candidate as { x: number }).x;
      assert.ok(expected[e.failure!].includes(x), `candidate ${x} failed as ${e.failure}: ${e.error}`);
    }
    assert.equal(summary.evaluations, 80);
    // Every evaluation sent (a hung or crashed item's batch-mates are sent again) has one outcome.
    const evaluatedFailures = failures.filter((e) => e.joined === undefined).length;
    assert.equal(events.filter((e) => e.outcome === 'miss').length, 80 - evaluatedFailures);
  });

  it('scores the best candidate once on held-out work when the domain can (finalEvaluate)', async () => {
    const scored = await runSearch(base({ domainOptions: { classes: 100, final: 'score' } }));
    const best = scored.best!;
    assert.deepEqual({ ...best.final, seconds: 0 }, { fitness: -(best.candidate as { x: number }).x, metrics: { heldOut: true }, seconds: 0 });
    const failing = await runSearch(base({ domainOptions: { classes: 100, final: 'throw' } }));
    assert.deepEqual(failing.best!.final, { error: 'finalEvaluate failed: no held-out data' });
    assert.equal((await runSearch(base())).best!.final, undefined);
  });

  it('stops at the summed evaluation cost and at the wall-clock budget', async () => {
    const cost = await runSearch(base({ budget: { maxCost: 12 } })); // the test domain reports cost 1 per evaluation
    assert.equal(cost.stopReason, 'max-cost');
    assert.equal(cost.evaluationCost, 12);
    assert.equal(cost.evaluations, 12);
    const wall = await runSearch(base({ domainOptions: { delayMs: 20 }, budget: { maxWallSeconds: 0.3 } }));
    assert.equal(wall.stopReason, 'max-wall-seconds');
    assert.ok(wall.wallSeconds >= 0.3 && wall.wallSeconds < 2, `ran ${wall.wallSeconds} s`);
    assert.ok(wall.evaluations >= 3);
  });

  it('stops at the target fitness, at maxProposals, and when aborted', async () => {
    const target = await runSearch(base({ budget: { maxEvaluations: 1000, targetFitness: 45 } }));
    assert.equal(target.stopReason, 'target-fitness');
    assert.ok(target.best!.fitness >= 45);
    const proposals = await runSearch(base({ budget: { maxProposals: 33 } }));
    assert.equal(proposals.proposals, 33);
    const controller = new AbortController();
    let seen = 0;
    const aborted = await runSearch(base({ workers: 2, domainOptions: { delayMs: 5 }, budget: { maxEvaluations: 10_000 } }), {
      signal: controller.signal,
      onEvent: () => ++seen === 20 && controller.abort(),
    });
    assert.equal(aborted.stopReason, 'interrupted');
    assert.ok(aborted.evaluations < 100);
    // Batched: what is held back or in flight is cancelled too, and every proposal is still settled once.
    const batchedController = new AbortController();
    const events: SearchEvent[] = [];
    const batched = await runSearch(base({ workers: 2, batchSize: 8, domainOptions: { delayMs: 5 }, budget: { maxEvaluations: 10_000 } }), {
      signal: batchedController.signal,
      onEvent: (e) => events.push(e) === 20 && batchedController.abort(),
    });
    assert.equal(batched.stopReason, 'interrupted');
    assert.ok(batched.evaluations < 200);
    assert.equal(events.length, batched.proposals);
    assert.equal(new Set(events.map((e) => e.id)).size, events.length);
  });

  it('writes config.json, events.jsonl and summary.json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deja-run-'));
    const summary = await runSearch(base(), { outDir: dir });
    const lines = readFileSync(join(dir, 'events.jsonl'), 'utf8').trim().split('\n');
    assert.equal(lines.length, summary.proposals);
    const first = JSON.parse(lines[0]);
    for (const field of ['id', 'parentId', 'hash', 'outcome', 'fitness', 'cost', 'probeMs', 'evalMs', 'proposedAt', 'settledAt', 'candidate']) {
      assert.ok(field in first, `events.jsonl lacks ${field}`);
    }
    const written = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    assert.deepEqual(written.cache, summary.cache);
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    assert.equal(config.seed, 11);
    assert.equal(config.cache.mantissaBits, 24);
  });

  it('accepts a domain object for inline evaluation and refuses it for worker threads', async () => {
    const domain = createTestDomain({ classes: 7 });
    const summary = await runSearch({ ...base(), domain });
    assert.equal(summary.domain, 'test-domain');
    await assert.rejects(runSearch({ ...base(), domain, workers: 2 }), /workers: a domain given as an object/);
  });

  it('rejects a bad config naming the field', async () => {
    await assert.rejects(runSearch(base({ search: { populationSize: -1 } })), /search\.populationSize/);
    await assert.rejects(runSearch(base({ budget: {} })), /budget.*at least one of/);
    await assert.rejects(runSearch(base({ domain: 'no-such-domain' })), /unknown domain "no-such-domain"/);
  });
});
