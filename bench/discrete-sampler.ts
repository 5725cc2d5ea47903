/**
 * Absorbing discrete diffusion: the network calls RADD's cache saves at each
 * step count, and hand-designed samplers against the best a search found at
 * equal (expected) NFE, on the search's uniforms and on held-out ones.
 * Prints markdown tables.
 *
 *   node --import tsx bench/discrete-sampler.ts cache
 *   node --import tsx bench/discrete-sampler.ts baselines [runsDir]
 *   (expects runsDir/dd-markov-nfe<N>/summary.json for N = 4, 8)
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isGridSampler, type DiscreteCandidate } from '../src/evaluators/discrete-sampler/candidate.js';
import createDomain from '../src/evaluators/discrete-sampler/index.js';
import { maxStepsWithin } from '../src/evaluators/discrete-sampler/search-space.js';
import { createRng } from '../src/random/rng.js';

const ctx = { seed: 0, rng: createRng(0), signal: new AbortController().signal };

async function cache(): Promise<void> {
  const domain = await createDomain({ nfe: 1024 });
  console.log('| sampler / schedule | steps | NFE without cache | NFE with cache: measured mean (exact expectation) | calls saved | bigram KL |\n|---|---|---|---|---|---|');
  for (const schedule of [{ kind: 'linear' }, { kind: 'cosine' }] as const) {
    for (const steps of [4, 8, 16, 32, 64, 128, 256, 1024]) {
      const c: DiscreteCandidate = { sampler: 'analytic', schedule, steps, cache: true };
      const r = await domain.evaluate(c, ctx);
      const measured = r.metrics!.measuredNfe as number;
      console.log(`| analytic / ${schedule.kind} | ${steps} | ${steps} | ${measured.toFixed(2)} (${(r.metrics!.nfe as number).toFixed(2)}) | ${(100 * (1 - measured / steps)).toFixed(1)}% (${(steps / measured).toFixed(2)}x fewer) | ${(r.metrics!.bigramKl as number).toFixed(4)} |`);
    }
  }
}

function handDesigned(n: number): Array<[string, DiscreteCandidate]> {
  const space = { length: 16, nfeLimit: n };
  const sized = (c: DiscreteCandidate): DiscreteCandidate => ({ ...c, steps: maxStepsWithin(c, space) });
  return [
    [`unmask-k, k = ${Math.ceil(16 / n)}`, { sampler: 'unmask-k', k: Math.ceil(16 / n) }],
    ['analytic / linear, no cache', { sampler: 'analytic', schedule: { kind: 'linear' }, steps: n, cache: false }],
    ['Euler / cosine, no cache', { sampler: 'euler', schedule: { kind: 'cosine' }, steps: n, cache: false }],
    ['tau-leaping / log-linear, no cache', { sampler: 'tau-leaping', schedule: { kind: 'log-linear', eps: 1e-3 }, steps: n, cache: false }],
    ['analytic / linear + RADD cache (most steps within the NFE)', sized({ sampler: 'analytic', schedule: { kind: 'linear' }, cache: true })],
    ['analytic / cosine + RADD cache (most steps within the NFE)', sized({ sampler: 'analytic', schedule: { kind: 'cosine' }, cache: true })],
  ];
}

/** The fittest evaluated time-grid sampler of a run (the runs' best overall may be unmask-k). */
function bestGridSampler(events: string): DiscreteCandidate | null {
  let best: { fitness: number; candidate: DiscreteCandidate } | null = null;
  for (const line of readFileSync(events, 'utf8').split('\n')) {
    if (!line.includes('"outcome":"miss"')) continue;
    const e = JSON.parse(line) as { fitness: number; candidate: DiscreteCandidate };
    if (isGridSampler(e.candidate.sampler) && (!best || e.fitness > best.fitness)) best = e;
  }
  return best?.candidate ?? null;
}

async function baselines(runsDir: string): Promise<void> {
  for (const n of [4, 8]) {
    const domain = await createDomain({ nfe: n });
    console.log(`\n#### expected NFE <= ${n} (L = 16, vocab 8)\n`);
    console.log('| sampler | E[NFE] | bigram KL | trigram MMD | fitness (search uniforms) | fitness (held-out uniforms) |\n|---|---|---|---|---|---|');
    const rows = handDesigned(n);
    const summary = join(runsDir, `dd-markov-nfe${n}`, 'summary.json');
    if (existsSync(summary)) {
      const best = (JSON.parse(readFileSync(summary, 'utf8')) as { best: { candidate: DiscreteCandidate } }).best.candidate;
      rows.push([`**search best**: ${domain.describe(best)}`, best]);
      const grid = bestGridSampler(join(runsDir, `dd-markov-nfe${n}`, 'events.jsonl'));
      if (grid) rows.push([`**search best time-grid sampler**: ${domain.describe(grid)}`, grid]);
    }
    for (const [name, c] of rows) {
      const r = await domain.evaluate(c, ctx);
      const f = await domain.finalEvaluate!(c);
      const m = r.metrics!;
      console.log(`| ${name}${name.startsWith('**') ? '' : `: ${domain.describe(domain.normalize!(c))}`} | ${(m.nfe as number).toFixed(2)} | ${(m.bigramKl as number).toFixed(4)} | ${(m.trigramMmd as number).toExponential(1)} | ${r.fitness.toFixed(4)} | ${f.fitness.toFixed(4)} |`);
    }
  }
}

if (process.argv[2] === 'cache') await cache();
else await baselines(process.argv[3] ?? 'runs');
