/**
 * How runSearch wires its stages, seen from a scripted evaluator and the run folder: the
 * tasks it sends (seed, key, timeout), how many it keeps in flight, when it closes and
 * cancels the evaluator, what config.json and checkpoint.json record, the last progress
 * report, the domain's close, and what an error leaves behind.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import type { Domain } from '../../src/domain/domain.js';
import { ProbeContractError } from '../../src/domain/probe-contract.js';
import { createRng, deriveSeed } from '../../src/random/rng.js';
import type { SearchEvent } from '../../src/record/events.js';
import { cacheNamespace } from '../../src/search/cache-namespace.js';
import { createSearcher } from '../../src/search/create-searcher.js';
import { resolveSearch } from '../../src/search/resolve-search.js';
import { runSearch, type ProgressSnapshot, type SearchConfig } from '../../src/search/run-search.js';
import type { EvaluationOutcome, EvaluationTask } from '../../src/workers/evaluation-task.js';
import type { Evaluator } from '../../src/workers/evaluator.js';
import createTestDomain from '../fixtures/test-domain.js';
import { fixturePath } from '../fixtures/paths.js';

function base(overrides: Partial<SearchConfig> = {}): SearchConfig {
  return {
    name: 'wiring',
    domain: fixturePath('test-domain'),
    domainOptions: { classes: 1000, size: 1000 },
    search: { populationSize: 20, tournamentSize: 3 },
    budget: { maxEvaluations: 40 },
    workers: 0,
    seed: 3,
    evalTimeoutSeconds: 7,
    ...overrides,
  };
}

/** Answers each task on a later turn with fitness x; counts what is in flight, closes and cancels. */
function scripted() {
  const tasks: Array<[EvaluationTask, number]> = [];
  const counts = { inFlight: 0, max: 0, close: 0, cancelAll: 0 };
  const evaluator: Evaluator = {
    evaluate: async (task, timeoutMs) => {
      tasks.push([task, timeoutMs]);
      counts.inFlight++;
      counts.max = Math.max(counts.max, counts.inFlight);
      await tick();
      counts.inFlight--;
      return { ok: true, fitness: (task.candidate as { x: number }).x, wallMs: 2 } as EvaluationOutcome;
    },
    cancelAll: () => void counts.cancelAll++,
    close: async () => void counts.close++,
  };
  return { evaluator, tasks, counts };
}

async function run(config: SearchConfig, extra: Parameters<typeof runSearch>[1] = {}) {
  const s = scripted();
  const events: SearchEvent[] = [];
  const summary = await runSearch(config, { evaluator: s.evaluator, onEvent: (e) => events.push(e), ...extra });
  return { ...s, events, summary };
}

describe('runSearch wiring', () => {
  it('sends each evaluation with its own seed, the timeout, and (plain cache) a key under the namespace', async () => {
    const t = await run(base({ workers: 2 }));
    const resolved = await resolveSearch(base());
    const namespace = cacheNamespace(resolved.domain, resolved.experiment.domainOptions, resolved.mantissaBits).key;
    const evaluated = t.events.filter((e) => e.evalMs !== null);
    assert.equal(t.tasks.length, 40);
    assert.deepEqual(t.tasks.map(([, ms]) => ms), Array(40).fill(7000));
    assert.deepEqual(new Set(t.tasks.map(([task]) => task.seed)), new Set(evaluated.map((e) => deriveSeed(3, 'evaluate', e.id))));
    assert.deepEqual(new Set(t.tasks.map(([task]) => task.key)), new Set(evaluated.map((e) => `${namespace}/${e.hash}`)));
    assert.deepEqual(t.tasks[0][0].domain, { spec: fixturePath('test-domain'), options: { classes: 1000, size: 1000 } });
    const aggregating = await run(base({ workers: 2, cache: { maxEvalsPerHash: 2 } }));
    assert.ok(aggregating.tasks.every(([task]) => task.key === undefined), 'aggregating: several evaluations per hash are wanted');
    const off = await run(base({ workers: 2, cache: { enabled: false } }));
    assert.ok(off.tasks.every(([task]) => task.key === undefined));
  });

  it('keeps `workers` evaluations in flight, or (workers + 1) batches of batchSize', async () => {
    const cases: Array<[Partial<SearchConfig>, number]> = [
      [{ workers: 0 }, 1],
      [{ workers: 0, batchSize: 4 }, 1],
      [{ workers: 1 }, 1],
      [{ workers: 3 }, 3],
      [{ workers: 3, batchSize: 1 }, 3],
      [{ workers: 2, batchSize: 4 }, 12],
    ];
    for (const [overrides, expected] of cases) {
      const t = await run(base(overrides));
      assert.equal(t.counts.max, expected, JSON.stringify(overrides));
    }
  });

  it('closes the evaluator once; cancels it on an abort, and only while running', async () => {
    const t = await run(base({ workers: 2 }));
    assert.deepEqual([t.counts.close, t.counts.cancelAll], [1, 0]);
    const controller = new AbortController();
    const s = scripted();
    let seen = 0;
    const summary = await runSearch(base({ workers: 2, budget: { maxEvaluations: 1000 } }), {
      evaluator: s.evaluator,
      signal: controller.signal,
      onEvent: () => ++seen === 10 && controller.abort(),
    });
    assert.equal(summary.stopReason, 'interrupted');
    assert.deepEqual([s.counts.close, s.counts.cancelAll], [1, 1]);
    const after = new AbortController();
    const later = scripted();
    await runSearch(base({ workers: 2 }), { evaluator: later.evaluator, signal: after.signal });
    after.abort();
    assert.equal(later.counts.cancelAll, 0, 'a finished run no longer listens');
  });

  it('config.json records the resolved run: store, proposals, domain, hash format', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deja-wiring-'));
    await run(base({ cache: { mantissaBits: 16 } }), { outDir: join(dir, 'a'), cacheRunUid: 'uid-a' });
    const config = JSON.parse(readFileSync(join(dir, 'a', 'config.json'), 'utf8'));
    const resolved = await resolveSearch(base({ cache: { mantissaBits: 16 } }));
    assert.deepEqual(config.cacheRecord, {
      store: 'memory', location: 'memory', runUid: 'uid-a',
      namespace: cacheNamespace(resolved.domain, resolved.experiment.domainOptions, 16).key,
    });
    assert.deepEqual(
      [config.cache.store, config.cache.mantissaBits, config.resolvedMaxProposals, config.domainName, config.domainVersion, config.probeKey, config.hashFormat, config.node],
      ['memory', 16, 4000, 'test-domain', resolved.domain.version, 'classes=1000', 1, process.version],
    );
    assert.equal(config.seed, 3);
    await run(base({ budget: { maxWallSeconds: 30, maxEvaluations: 5 }, cache: { enabled: false } }), { outDir: join(dir, 'b') });
    const unbounded = JSON.parse(readFileSync(join(dir, 'b', 'config.json'), 'utf8'));
    assert.deepEqual([unbounded.resolvedMaxProposals, unbounded.cacheRecord, unbounded.cache.store, unbounded.probeKey], [null, undefined, undefined, 'classes=1000']);
    const noKey = { ...createTestDomain(), name: 'nokey', probeKey: undefined } as Domain;
    await runSearch(base({ domain: noKey }), { outDir: join(dir, 'c') });
    assert.equal(JSON.parse(readFileSync(join(dir, 'c', 'config.json'), 'utf8')).probeKey, '');
  });

  it('checkpoints only runs that record no candidates', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deja-wiring-'));
    await run(base({ record: { candidates: false } }), { outDir: join(dir, 'slim') });
    const checkpoint = JSON.parse(readFileSync(join(dir, 'slim', 'checkpoint.json'), 'utf8'));
    const summary = JSON.parse(readFileSync(join(dir, 'slim', 'summary.json'), 'utf8'));
    assert.equal(checkpoint.best.fitness, summary.best.fitness);
    assert.equal(checkpoint.population.length, 20);
    await run(base(), { outDir: join(dir, 'full') });
    assert.equal(existsSync(join(dir, 'full', 'checkpoint.json')), false);
  });

  it('checkpointSeconds are seconds: none is due at the flush of the first 512 events of a run shorter than 10 minutes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deja-wiring-'));
    const path = join(dir, 'checkpoint.json');
    const seen: boolean[] = [];
    await run(base({ record: { candidates: false, checkpointSeconds: 600 }, cache: { enabled: false }, budget: { maxEvaluations: 600 } }), {
      outDir: dir,
      onEvent: (e) => {
        if (e.id === 520) seen.push(existsSync(path)); // 512 events were flushed by then
      },
    });
    assert.deepEqual(seen, [false]);
    assert.equal(JSON.parse(readFileSync(path, 'utf8')).events, 600, 'the final checkpoint');
  });

  it("draws a fresh run's proposals from the stream ('search')", async () => {
    const config = base();
    const { events } = await run(config);
    const { domain, experiment } = await resolveSearch(config);
    const expected = createSearcher(domain, experiment.search, createRng(3, 'search'));
    const first = events.find((e) => e.id === 0)!;
    assert.deepEqual({ candidate: first.candidate, parentId: first.parentId }, expected.propose());
  });

  it("samples full hits for verification from the stream ('verify', 0)", async () => {
    const { events } = await run(base({ cache: { verifyProbability: 0.5 }, domainOptions: { classes: 8, size: 1000 } }));
    const hits = events.filter((e) => e.outcome === 'full-hit').sort((a, b) => a.id - b.id);
    assert.ok(hits.length >= 20, `${hits.length} full hits`);
    const rng = createRng(3, 'verify', 0);
    assert.deepEqual(hits.map((e) => e.verified !== undefined), hits.map(() => rng.bernoulli(0.5)));
  });

  it('reports progress once more at the end, with the final counters, and closes the domain', async () => {
    const progress: ProgressSnapshot[] = [];
    let closed = 0;
    const domain = { ...createTestDomain({ classes: 50 }), close: async () => void closed++ } as Domain;
    const summary = await runSearch(base({ domain, budget: { maxEvaluations: 12 } }), { onProgress: (p) => progress.push(p), progressIntervalMs: 1e9 });
    assert.equal(closed, 1);
    const last = progress.at(-1)!;
    assert.deepEqual([last.proposals, last.evaluations, last.inFlight, last.bestFitness], [summary.proposals, 12, 0, summary.best!.fitness]);
  });

  it('an error stops the run: what settled stays on disk, no summary, the evaluator closed, the folder released', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deja-wiring-'));
    let probes = 0;
    // Deterministic at first, then not: the recheck of proposal #50 stops the run.
    const flaky = { ...createTestDomain(), name: 'flaky', probe: (c: { x: number }) => [c.x % 1000, probes++ >= 70 ? probes : 0] } as unknown as Domain;
    const s = scripted();
    await assert.rejects(runSearch(base({ domain: flaky, budget: { maxEvaluations: 500 } }), { outDir: dir, evaluator: s.evaluator }), ProbeContractError);
    assert.equal(s.counts.close, 1);
    const lines = readFileSync(join(dir, 'events.jsonl'), 'utf8').trim().split('\n');
    assert.ok(lines.length >= 40, `${lines.length} events kept`);
    assert.equal(existsSync(join(dir, 'summary.json')), false);
    // Released: the folder can be replaced at once.
    await runSearch(base({ budget: { maxEvaluations: 3 } }), { outDir: dir, replace: true });
    assert.equal(existsSync(join(dir, 'summary.json')), true);
  });

  it('a refused folder closes the evaluator it was given', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deja-wiring-'));
    await runSearch(base({ budget: { maxEvaluations: 2 } }), { outDir: dir });
    const s = scripted();
    await assert.rejects(runSearch(base(), { outDir: dir, evaluator: s.evaluator }));
    assert.deepEqual([s.counts.close, s.tasks.length], [1, 0]);
  });
});
