import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import createAutomlZeroDomain from '../../src/evaluators/automl-zero/index.js';
import createDiffusionDomain from '../../src/evaluators/diffusion-sampler/index.js';
import createSymbolicDomain from '../../src/evaluators/symbolic/index.js';
import type { Domain } from '../../src/domain/domain.js';
import type { SearchEvent } from '../../src/record/events.js';
import { readEvents } from '../../src/record/run-stats.js';
import { cacheNamespace } from '../../src/search/cache-namespace.js';
import { runSearch, type SearchConfig } from '../../src/search/run-search.js';
import { fixturePath } from '../fixtures/paths.js';

const tempDb = () => join(mkdtempSync(join(tmpdir(), 'deja-pfec-')), 'fec.db');

function config(store: string, overrides: Partial<SearchConfig> = {}): SearchConfig {
  return {
    name: 'persistent-test',
    domain: fixturePath('test-domain'),
    domainOptions: { classes: 40, size: 400 },
    search: { populationSize: 10, tournamentSize: 3 },
    budget: { maxEvaluations: 25 },
    cache: { store },
    workers: 0,
    seed: 1,
    ...overrides,
  };
}

async function collect(cfg: SearchConfig, outDir?: string) {
  const events: SearchEvent[] = [];
  const summary = await runSearch(cfg, { onEvent: (e) => events.push(e), outDir });
  return { events, summary };
}

const evaluatedHashes = (events: SearchEvent[]) => events.filter((e) => e.evalMs !== null && e.hash !== null).map((e) => e.hash!);

describe('persistent cache', () => {
  it('never pays twice across runs on one task: a second run hits the first run\'s entries', async () => {
    const db = tempDb();
    const first = await collect(config(db));
    const second = await collect(config(db, { seed: 2 }));
    const firstHashes = new Set(evaluatedHashes(first.events));
    assert.ok(evaluatedHashes(second.events).every((h) => !firstHashes.has(h)), 'no function evaluated twice');
    const fromFirst = second.events.filter((e) => e.fromOtherRun);
    assert.ok(fromFirst.length > 0 && fromFirst.every((e) => e.outcome === 'full-hit' && firstHashes.has(e.hash!) && e.savedCost! > 0));
    assert.equal(second.summary.cache.fromOtherRuns!.fullHits, fromFirst.length);
    assert.equal(first.summary.cache.fromOtherRuns!.fullHits, 0);
    assert.equal(second.summary.cache.store!.kind, 'sqlite');
    assert.equal(second.summary.cache.size, firstHashes.size + evaluatedHashes(second.events).length);
    // The same run with the memory store pays for what the first run already knew.
    const alone = await collect(config('memory', { seed: 2 }));
    assert.ok(alone.summary.evaluations > 0 && alone.summary.cache.fromOtherRuns!.fullHits === 0);
  });

  it('keeps runs on another task apart (another evaluation fingerprint)', async () => {
    const db = tempDb();
    await collect(config(db));
    const other = await collect(config(db, { domainOptions: { classes: 40, size: 400, noise: 0 } }));
    assert.equal(other.summary.cache.fromOtherRuns!.fullHits, 0, 'other domainOptions, other namespace');
    assert.notEqual(other.summary.cache.store!.namespace, (await collect(config(db))).summary.cache.store!.namespace);
  });

  it('records the store in the run folder, and a resumed run counts its own entries as its own', async () => {
    const db = tempDb();
    const dir = mkdtempSync(join(tmpdir(), 'deja-pfec-run-'));
    await runSearch(config(db), { outDir: dir });
    const recorded = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    assert.equal(recorded.cache.store, db);
    assert.equal(recorded.cacheRecord.store, 'sqlite');
    const resumed = await runSearch(config(db, { budget: { maxEvaluations: 40 } }), { outDir: dir, resumeFrom: readEvents(join(dir, 'events.jsonl')), cacheRunUid: recorded.cacheRecord.runUid });
    assert.equal(resumed.evaluations, 40);
    assert.ok(resumed.cache.fullHits > 0);
    assert.equal(resumed.cache.fromOtherRuns!.fullHits, 0, 'the first part was this run');
  });

  it('lets two runs at once share one file: joins between them, each function stored once', async () => {
    const db = tempDb();
    const both = { domainOptions: { classes: 6, size: 60, delayMs: 15 }, budget: { maxEvaluations: 6, maxProposals: 60 } };
    const [a, b] = await Promise.all([collect(config(db, { ...both, seed: 1 })), collect(config(db, { ...both, seed: 2 }))]);
    const paid = [...evaluatedHashes(a.events), ...evaluatedHashes(b.events)];
    assert.equal(new Set(paid).size, paid.length, 'no function evaluated by both runs');
    const joins = [...a.events, ...b.events].filter((e) => e.outcome === 'in-flight-join' && e.fromOtherRun);
    assert.ok(joins.length > 0, 'expected joins on the other run\'s evaluations');
    assert.equal(a.summary.cache.fromOtherRuns!.inFlightJoins + b.summary.cache.fromOtherRuns!.inFlightJoins, joins.length);
    assert.equal(b.summary.cache.size, paid.length);
  });
});

describe('evaluation fingerprint', () => {
  const key = async (domain: Domain | Promise<Domain>, options: Record<string, unknown>) => cacheNamespace(await domain, options, 24).key;

  it('symbolic: shared across search settings on one target, never across targets or data', async () => {
    const base = { feynman: 'I.6.2a' };
    const k = await key(createSymbolicDomain(base), base);
    const limits = { ...base, maxSize: 40, maxDepth: 9 };
    assert.equal(await key(createSymbolicDomain(limits), limits), k);
    for (const other of [{ feynman: 'I.6.2' }, { ...base, dataSeed: 3 }, { ...base, noise: 0.1 }]) {
      assert.notEqual(await key(createSymbolicDomain(other), other), k, JSON.stringify(other));
    }
  });

  it('automl-zero and diffusion-sampler: search and execution settings do not split the cache; tasks do', async () => {
    const az = await key(createAutomlZeroDomain({}), {});
    assert.equal(await key(createAutomlZeroDomain({ mutateProb: 0.5, wasm: false }), {}), az);
    const tasks = { tasks: [{ type: 'scalar-linear', count: 5, trainExamples: 100, validExamples: 100, seed: 7 }] };
    assert.notEqual(await key(createAutomlZeroDomain(tasks), tasks), az);
    const ds = await key(createDiffusionDomain({}), {});
    assert.equal(await key(createDiffusionDomain({ backend: 'cpu', cacheDir: '/tmp/x' }), {}), ds);
    assert.notEqual(await key(createDiffusionDomain({ model: 'grid' }), {}), ds);
  });
});

describe('cache verification', () => {
  it('evaluates sampled full hits anyway: none disagree where the probe is exact', async () => {
    const { events, summary } = await collect(config('memory', { cache: { store: 'memory', verifyProbability: 1 } }));
    const verified = events.filter((e) => e.verified);
    assert.ok(verified.length > 0 && verified.length === summary.cache.fullHits);
    assert.ok(verified.every((e) => e.verified!.agreed && e.outcome === 'full-hit' && e.evalMs !== null));
    assert.equal(summary.cache.verified, verified.length);
    assert.equal(summary.cache.falseMerges, 0);
    assert.equal(summary.evaluations, 25, 'verifications are not part of the evaluation budget');
  });

  it('counts false merges where a weak probe merges different functions, naming both candidates', async () => {
    // A probe that sees only x mod 3, while the fitness depends on x itself.
    const domain = {
      name: 'weak-probe', version: '1', description: 'a probe too weak for its fitness',
      random: (rng: { int: (n: number) => number }) => ({ x: rng.int(30) }),
      mutate: (c: { x: number }, rng: { int: (n: number) => number }) => ({ x: (c.x + 1 + rng.int(4)) % 30 }),
      probe: (c: { x: number }) => [c.x % 3],
      evaluate: (c: { x: number }) => ({ fitness: c.x }),
      describe: (c: { x: number }) => `x=${c.x}`,
    };
    const { events, summary } = await collect({ ...config('memory'), domain, domainOptions: {}, cache: { verifyProbability: 0.5 } });
    const merges = events.filter((e) => e.verified && !e.verified.agreed);
    assert.ok(merges.length > 0);
    assert.equal(summary.cache.falseMerges, merges.length);
    const byId = new Map(events.map((e) => [e.id, e]));
    for (const e of merges) {
      const maker = byId.get(e.mergedWith!)!;
      assert.equal(maker.hash, e.hash);
      assert.notDeepEqual(maker.candidate, e.candidate);
      assert.equal(e.fitness, maker.fitness, 'the searcher still saw the stored fitness');
    }
  });
});
