/**
 * RMSE of the hand-designed baseline samplers at NFE 5 and 10 on each model,
 * next to the best sampler a search run found (read from the run folders'
 * summary.json and re-evaluated here, so every number in a row comes from
 * the same reference). Prints a markdown table.
 *
 *   node --import tsx bench/diffusion-sampler/baselines.ts [runsDir] [models] [noiseSeed]
 *   (runsDir default runs/, expects runsDir/ds-<model>-nfe<N>/summary.json; models default ring,grid,mnist;
 *   noiseSeed default 0 = the noises the searches used; another seed checks the found samplers on held-out noise)
 */
import { join } from 'node:path';
import type { SamplerCandidate } from '../../src/evaluators/diffusion-sampler/candidate.js';
import createDomain from '../../src/evaluators/diffusion-sampler/index.js';
import { maxStepsWithin } from '../../src/evaluators/diffusion-sampler/search-space.js';
import { printComparison } from './comparison-table.js';

const runsDir = process.argv[2] ?? 'runs';
const models = (process.argv[3] ?? 'ring,grid,mnist').split(',');
const noiseSeed = Number(process.argv[4] ?? 0);
const range = { sigmaMax: 80, sigmaMin: 0.002 };

/** Each baseline takes the most steps its NFE budget allows. */
function baselines(nfeLimit: number): Array<[string, SamplerCandidate]> {
  const space = { range, nfeLimit };
  const sized = (c: SamplerCandidate): SamplerCandidate => ({ ...c, steps: maxStepsWithin(c, space) });
  return [
    ['Euler / EDM rho 7', sized({ solver: 'euler', schedule: { kind: 'edm', rho: 7 } })],
    ['Heun / EDM rho 7 (final Euler step)', sized({ solver: 'heun', schedule: { kind: 'edm', rho: 7 }, finalDenoise: true })],
    ['DPM-Solver++(2M) / logSNR', sized({ solver: 'dpmpp-2m', order: 2, schedule: { kind: 'logsnr' } })],
    ['UniPC bh2 order 2 / logSNR', sized({ solver: 'unipc', order: 2, variant: 'bh2', corrector: true, schedule: { kind: 'logsnr' } })],
    ['DEIS rhoAB-3 / logSNR', sized({ solver: 'deis', variant: 'rhoab', order: 3, schedule: { kind: 'logsnr' } })],
    ['iPNDM-4 / logSNR', sized({ solver: 'ipndm', order: 4, schedule: { kind: 'logsnr' } })],
  ];
}

for (const model of models) {
  for (const nfeLimit of [5, 10]) {
    const extra = model === 'trained' ? { referenceTolerance: 1e-6 } : {};
    const domain = await createDomain({ model, nfe: nfeLimit, noiseSeed, ...extra });
    console.log(`\n#### ${model}, NFE <= ${nfeLimit}${noiseSeed === 0 ? '' : `, held-out noise seed ${noiseSeed}`}\n`);
    await printComparison(domain, baselines(nfeLimit), join(runsDir, `ds-${model}-nfe${nfeLimit}`, 'summary.json'));
    await domain.close?.();
  }
}
