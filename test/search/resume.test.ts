import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createRng } from '../../src/random/rng.js';
import { restoreRun } from '../../src/record/restore-run.js';
import { computeRunStats, readEvents } from '../../src/record/run-stats.js';
import { createSearcher } from '../../src/search/create-searcher.js';
import { resolveSearch, runSearch, type SearchConfig } from '../../src/search/run-search.js';
import { fixturePath } from '../fixtures/paths.js';

const config = (maxEvaluations: number): SearchConfig => ({
  name: 'resume-test',
  domain: fixturePath('test-domain'),
  domainOptions: { classes: 60, size: 400 },
  search: { populationSize: 10, tournamentSize: 3 },
  budget: { maxEvaluations },
  workers: 0,
  seed: 4,
});

describe('resuming a run', () => {
  it('goes on from the recorded cache, population and counters, appending events', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deja-resume-'));
    const first = await runSearch(config(30), { outDir: dir });
    // A crash mid-write leaves a cut line: it must neither break the resume nor swallow new events.
    appendFileSync(join(dir, 'events.jsonl'), '{"id": 99999, "outc');
    const before = readEvents(join(dir, 'events.jsonl'));
    assert.equal(before.length, first.proposals);
    const second = await runSearch(config(50), { outDir: dir, resumeFrom: before });
    assert.equal(second.evaluations, 50);
    const events = readEvents(join(dir, 'events.jsonl'));
    assert.equal(events.length, second.proposals);
    assert.deepEqual(events.map((e) => e.id), Array.from({ length: events.length }, (_, i) => i));
    // The cache came back: the second part hits hashes only the first part evaluated.
    const firstPartHashes = new Set(events.slice(0, first.proposals).filter((e) => e.outcome === 'miss').map((e) => e.hash));
    const secondPart = events.slice(first.proposals);
    assert.ok(secondPart.some((e) => e.outcome === 'full-hit' && firstPartHashes.has(e.hash)));
    assert.ok(secondPart.every((e) => e.outcome !== 'miss' || !firstPartHashes.has(e.hash)), 'no hash is paid for twice');
    // The summary agrees with statistics recomputed from the whole event log.
    const stats = computeRunStats(events);
    assert.equal(stats.outcomes.find((o) => o.outcome === 'full-hit')!.count, second.cache.fullHits);
    assert.equal(stats.outcomes.find((o) => o.outcome === 'miss')!.count, second.cache.misses);
    assert.ok(second.best!.fitness >= first.best!.fitness);
    assert.ok(JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')).proposals === second.proposals);
  });

  it('starts from the restored population: the first new proposal mutates a recorded parent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deja-resume-'));
    const first = await runSearch(config(30), { outDir: dir });
    const ids = new Set(readEvents(join(dir, 'events.jsonl')).map((e) => e.id));
    const next: Array<number | null> = [];
    await runSearch(config(31), { outDir: dir, resumeFrom: readEvents(join(dir, 'events.jsonl')), onEvent: (e) => next.push(e.parentId) });
    assert.ok(next.length > 0 && next[0] !== null && ids.has(next[0]!), `first parent ${next[0]} of ${first.proposals}`);
  });

  it("draws the resumed searcher's proposals from the stream ('search', 'resumed', next id), not the first part's", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deja-resume-'));
    await runSearch(config(30), { outDir: dir });
    const before = readEvents(join(dir, 'events.jsonl'));
    const added: Array<{ candidate: unknown; parentId: number | null }> = [];
    await runSearch(config(31), { outDir: dir, resumeFrom: before, onEvent: (e) => added.push({ candidate: e.candidate, parentId: e.parentId }) });
    // The same searcher, restored by hand, with the stream a resumed run must use.
    const restored = restoreRun(before);
    const { domain, experiment } = await resolveSearch(config(31));
    const expected = createSearcher(domain, experiment.search, createRng(4, 'search', 'resumed', restored.nextId));
    expected.restore(restored.individuals);
    assert.deepEqual(added[0], expected.propose());
  });
});
