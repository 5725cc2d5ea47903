/**
 * Compares a run with the functional cache and one without (same experiment,
 * seed and wall-clock budget): children evaluated, cache outcomes, best
 * validation accuracy and its test accuracy, and how many of the cached run's
 * full hits the NAS-Bench-101 structural hash alone would also have caught.
 *
 *   node --import tsx bench/nas-cell/compare-runs.ts runs/nas-cell-cache runs/nas-cell-nocache
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Cell } from '../../src/evaluators/nas-cell/cell.js';
import { structuralHash } from '../../src/evaluators/nas-cell/structural-hash.js';

interface RunEvent {
  id: number;
  outcome?: string;
  fitness?: number | null;
  metrics?: Record<string, unknown>;
  candidate?: Cell;
  hash?: string;
}

function summarize(dir: string) {
  const summary = JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8'));
  const events = readFileSync(path.join(dir, 'events.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as RunEvent)
    .filter((e) => e.candidate);
  const evaluated = events.filter((e) => e.metrics && typeof e.fitness === 'number');
  const best = evaluated.reduce<RunEvent | undefined>((b, e) => (!b || (e.fitness as number) > (b.fitness as number) ? e : b), undefined);
  // Would the structural hash alone have recognised this proposal? (seen an isomorphic cell before)
  const seenStructures = new Set<string>();
  let structuralRepeats = 0;
  const outcomes: Record<string, number> = {};
  for (const e of events) {
    const s = structuralHash(e.candidate!);
    if (seenStructures.has(s)) structuralRepeats++;
    seenStructures.add(s);
    outcomes[e.outcome ?? 'none'] = (outcomes[e.outcome ?? 'none'] ?? 0) + 1;
  }
  return {
    dir,
    wallSeconds: summary.wallSeconds,
    proposals: summary.proposals,
    evaluations: summary.evaluations,
    cache: summary.cache,
    outcomes,
    distinctStructures: seenStructures.size,
    structuralRepeats,
    bestValidation: best?.fitness,
    bestTest: best?.metrics?.testAccuracy,
    bestCell: best?.candidate,
  };
}

for (const dir of process.argv.slice(2)) console.log(JSON.stringify(summarize(dir), null, 1));
