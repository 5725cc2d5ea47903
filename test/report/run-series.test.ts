import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { computeRunStats, readEvents } from '../../src/record/run-stats.js';
import type { RunSummary } from '../../src/record/summary.js';
import { AdaptiveBins } from '../../src/report/adaptive-bins.js';
import { classMembers } from '../../src/report/class-members.js';
import { OUTCOMES } from '../../src/report/report-data.js';
import { RunAccumulator } from '../../src/report/run-accumulator.js';
import { RunFolder } from '../../src/report/run-folder.js';
import { runSearch } from '../../src/search/run-search.js';
import { fixturePath } from '../fixtures/paths.js';

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const totals = { proposals: 0, evaluations: 0, best: null, paid: 0, saved: 0 };

describe('adaptive bins', () => {
  it('merge pairwise as x grows, keeping every count and the running totals at bin ends', () => {
    const bins = new AdaptiveBins(8, 1);
    for (let i = 1; i <= 1000; i++) bins.add(i, i % 4 === 0 ? 'full-hit' : 'miss', true, i % 4 === 0, { ...totals, proposals: i, best: i % 7 });
    const s = bins.series();
    assert.equal(s.width, 128); // 1, 2, ..., 128: the first width with 8 bins past x = 1000
    assert.equal(s.x.length, 8);
    assert.deepEqual(s.x, [128, 256, 384, 512, 640, 768, 896, 1024]);
    assert.deepEqual(s.proposals, [127, 255, 383, 511, 639, 767, 895, 1000]);
    assert.equal(sum(s.outcomes.miss) + sum(s.outcomes['full-hit']), 1000);
    assert.equal(sum(s.outcomes['full-hit']), 250);
    assert.equal(s.outcomes.miss[0], 127 - 31); // x in 1..127, 31 of them multiples of 4
    assert.deepEqual(s.lookups, s.x.map((_, k) => (k === 7 ? 1000 - 895 : k === 0 ? 127 : 128)));
    assert.ok(s.hits.every((h, k) => Math.abs(h / s.lookups[k] - 0.25) < 0.01));
    assert.equal(s.best[7], 1000 % 7);
  });

  it('leave empty bins with zero counts and carry the running totals over them', () => {
    const bins = new AdaptiveBins(8, 1);
    bins.add(0.5, 'miss', true, false, { ...totals, proposals: 1, paid: 2, best: 3 });
    bins.add(6.5, 'failed', true, false, { ...totals, proposals: 2, paid: 5, best: 3 });
    const s = bins.series();
    assert.deepEqual(s.x, [1, 2, 3, 4, 5, 6, 7]);
    assert.deepEqual(s.paid, [2, 2, 2, 2, 2, 2, 5]);
    assert.deepEqual(s.outcomes.miss, [1, 0, 0, 0, 0, 0, 0]);
    assert.deepEqual(s.lookups, [1, 0, 0, 0, 0, 0, 1]);
    assert.deepEqual(s.hits, [0, 0, 0, 0, 0, 0, 0]);
  });
});

describe('run accumulator', () => {
  it('counts the saved cost a hit on another run\'s entry carries', () => {
    const acc = new RunAccumulator();
    const event = { parentId: null, hash: 'aaaaaaaaaaaaaaaa', fitness: 1, probeMs: 0, proposedAt: 0, settledAt: 1 };
    acc.add({ ...event, id: 0, outcome: 'full-hit', cost: 0, evalMs: null, fromOtherRun: true, savedCost: 3 });
    acc.add({ ...event, id: 1, outcome: 'miss', hash: 'bbbbbbbbbbbbbbbb', cost: 2, evalMs: 5 });
    acc.add({ ...event, id: 2, outcome: 'full-hit', hash: 'bbbbbbbbbbbbbbbb', cost: 0, evalMs: null });
    assert.equal(acc.series().totals.saved, 5);
  });
});

describe('run series from a real run', () => {
  let dir: string;
  let summary: RunSummary;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'deja-series-'));
    summary = await runSearch({
      name: 'series-test', domain: fixturePath('test-domain'), domainOptions: { classes: 400, delayMs: 1 },
      search: { populationSize: 20, tournamentSize: 4 }, budget: { maxEvaluations: 150 }, workers: 2, seed: 5, evalTimeoutSeconds: 10,
    }, { outDir: dir });
  });

  it('agree with the summary the engine wrote', async () => {
    const folder = new RunFolder(dir, 'r');
    await folder.refresh();
    const { series } = await folder.view(5);
    const t = series.totals;
    assert.equal(t.proposals, summary.proposals);
    assert.equal(t.evaluations, summary.evaluations);
    assert.equal(t.distinctHashes, summary.cache.size);
    assert.equal(t.best, summary.best!.fitness);
    assert.ok(Math.abs(t.paid - summary.evaluationCost) < 1e-9 * Math.max(1, summary.evaluationCost));
    assert.ok(Math.abs(t.saved - summary.cache.costSaved) < 1e-6 * Math.max(1, summary.cache.costSaved), `${t.saved} vs ${summary.cache.costSaved}`);
    for (const s of [series.byTime, series.byProposal]) {
      assert.ok(s.x.length <= 512 && s.x.every((x, i) => i === 0 || x >= s.x[i - 1]));
      assert.equal(sum(OUTCOMES.map((o) => sum(s.outcomes[o]))), summary.proposals);
      assert.equal(sum(s.outcomes['full-hit']), summary.cache.fullHits);
      assert.equal(sum(s.hits), summary.cache.fullHits + summary.cache.inFlightJoins);
      assert.equal(sum(s.lookups), summary.proposals);
      assert.equal(s.proposals.at(-1), summary.proposals);
      assert.equal(s.best.at(-1), summary.best!.fitness);
    }
    assert.equal(sum(series.classSizes.classes), summary.cache.size);
    assert.equal(sum(series.classSizes.size.map((k, i) => k * series.classSizes.classes[i])), summary.proposals);
  });

  it('find the same largest classes and distinct encodings as deja stats', async () => {
    const stats = computeRunStats(readEvents(join(dir, 'events.jsonl')), 5);
    const acc = new RunAccumulator();
    for (const line of readFileSync(join(dir, 'events.jsonl'), 'utf8').split('\n')) acc.addLine(line);
    const heads = acc.largestClasses(5);
    assert.deepEqual(heads.map((h) => h.proposals), stats.largestClasses.map((c) => c.proposals));
    const members = await classMembers(join(dir, 'events.jsonl'), heads);
    for (const h of heads) {
      const expected = stats.largestClasses.find((c) => c.hash === h.hash);
      if (expected) assert.equal(members.get(h.hash)!.distinct, expected.distinct);
      assert.ok(members.get(h.hash)!.members.length <= 3);
    }
  });

  it('follow a growing log: a half-written last line waits for its end; torn lines are skipped', async () => {
    const lines = readFileSync(join(dir, 'events.jsonl'), 'utf8').trimEnd().split('\n');
    const live = mkdtempSync(join(tmpdir(), 'deja-live-'));
    const path = join(live, 'events.jsonl');
    writeFileSync(path, lines.slice(0, 10).join('\n') + '\n' + lines[10].slice(0, 25));
    const folder = new RunFolder(live, 'live');
    assert.equal(await folder.refresh(false), true);
    assert.equal((await folder.view(0)).series.totals.proposals, 10);
    assert.equal(await folder.refresh(false), false);
    appendFileSync(path, lines[10].slice(25) + '\n{"torn\n' + lines.slice(11).join('\n') + '\n');
    assert.equal(await folder.refresh(false), true);
    const { series } = await folder.view(0);
    assert.equal(series.totals.proposals, lines.length);
    assert.equal(series.skippedLines, 1);
  });
});
