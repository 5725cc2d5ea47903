/**
 * One markdown table: hand-designed samplers next to the best sampler a search
 * run found (read from its summary.json and evaluated again here, so every number
 * in the table comes from the same reference). Shared by the baseline benches.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Domain } from '../../src/domain/domain.js';
import type { SamplerCandidate } from '../../src/evaluators/diffusion-sampler/candidate.js';
import { createRng } from '../../src/random/rng.js';

export async function printComparison(domain: Domain<SamplerCandidate>, baselines: Array<[string, SamplerCandidate]>, summaryPath: string): Promise<void> {
  const ctx = { seed: 0, rng: createRng(0), signal: new AbortController().signal };
  const rows = [...baselines];
  if (existsSync(summaryPath)) {
    const best = (JSON.parse(readFileSync(summaryPath, 'utf8')) as { best: { candidate: SamplerCandidate } }).best.candidate;
    rows.push([`**search best**: ${domain.describe(best)}`, best]);
  }
  console.log('| sampler | NFE | RMSE | sliced W2 |\n|---|---|---|---|');
  let bestBaseline = Infinity;
  for (const [name, c] of rows) {
    const r = await domain.evaluate(c, ctx);
    const error = r.metrics!.rmse as number | null;
    const searched = name.startsWith('**');
    if (!searched && error !== null) bestBaseline = Math.min(bestBaseline, error);
    const ratio = searched && error !== null ? ` (${(bestBaseline / error).toFixed(2)}x lower than the best baseline)` : '';
    console.log(`| ${name} | ${r.metrics!.nfe} | ${error === null ? 'diverged' : error.toPrecision(3)}${ratio} | ${(r.metrics!.slicedWasserstein as number | null)?.toPrecision(3) ?? '-'} |`);
  }
}
