/**
 * Mean-reverting diffusion: convergence orders of the MR solvers against the
 * references, and MRS / the baselines against the best sampler a search found.
 * Prints markdown tables.
 *
 *   node --import tsx bench/diffusion-sampler/mean-reverting.ts orders
 *   node --import tsx bench/diffusion-sampler/mean-reverting.ts baselines [runsDir] [noiseSeed]
 *   (expects runsDir/ds-mr-ring-nfe<N>/summary.json for N = 5, 10, 20 and runsDir/ds-mr-ring-sde-nfe10/summary.json;
 *   noiseSeed 0 = the searches' noises and Brownian path, another seed = held-out ones)
 */
import { join } from 'node:path';
import { createBrownianPath } from '../../src/evaluators/diffusion-sampler/brownian.js';
import type { SamplerCandidate } from '../../src/evaluators/diffusion-sampler/candidate.js';
import { mixtureDenoiser, type GaussianMixture } from '../../src/evaluators/diffusion-sampler/gaussian-mixture.js';
import createDomain from '../../src/evaluators/diffusion-sampler/index.js';
import { mrProcess } from '../../src/evaluators/diffusion-sampler/mean-reverting.js';
import { rmse } from '../../src/evaluators/diffusion-sampler/metrics.js';
import { solveReference } from '../../src/evaluators/diffusion-sampler/reference.js';
import { runSampler } from '../../src/evaluators/diffusion-sampler/sampler.js';
import { solveSdeReference } from '../../src/evaluators/diffusion-sampler/sde-reference.js';
import { printComparison } from './comparison-table.js';
import { createRng } from '../../src/random/rng.js';

const range = { sigmaMax: 80, sigmaMin: 0.002 };
const log = (c: Partial<SamplerCandidate>) => [c.solver, c.order ? `o${c.order}` : '', c.prediction ?? ''].filter(Boolean).join(' ');

/** The solver tests' 2-component mixture, 256 samples, a nonzero condition per coordinate. */
function orders(): void {
  const mixture: GaussianMixture = { dim: 2, weights: [0.6, 0.4], means: [1, 0, -1, 0.5], variances: [0.3, 0.2] };
  const denoise = mixtureDenoiser(mixture);
  const rng = createRng(7, 'mr-orders');
  const noise = Float64Array.from({ length: 512 }, () => 80 * rng.normal());
  const mu = Float64Array.from({ length: 512 }, () => rng.uniform(-1, 1));
  const ctx = { process: mrProcess(range), mu };
  const reference = solveReference(noise, 2, denoise, 80, 0.002, { rtol: 1e-12, atol: 1e-12, maxSteps: 100000 }).x;
  const ode: Array<Partial<SamplerCandidate>> = [
    { solver: 'mr-euler' },
    { solver: 'mrs-ode', order: 1, prediction: 'data' },
    { solver: 'mrs-ode', order: 1, prediction: 'noise' },
    { solver: 'mrs-ode', order: 2, prediction: 'data' },
    { solver: 'mrs-ode', order: 2, prediction: 'noise' },
  ];
  console.log('| ODE solver | schedule | RMSE at 10 / 20 / 40 / 80 / 160 steps | order 40 -> 80 | order 80 -> 160 |\n|---|---|---|---|---|');
  for (const schedule of [{ kind: 'logsnr' }, { kind: 'mr-time', kappa: 1 }] as const) {
    for (const c of ode) {
      const e = [10, 20, 40, 80, 160].map((steps) => rmse(runSampler({ ...c, schedule, steps } as SamplerCandidate, range, noise, denoise, ctx), reference, 2));
      console.log(`| ${log(c)} | ${schedule.kind} | ${e.map((v) => v.toExponential(2)).join(' / ')} | ${Math.log2(e[2] / e[3]).toFixed(2)} | ${Math.log2(e[3] / e[4]).toFixed(2)} |`);
    }
  }
  const sde = { ...ctx, brownian: createBrownianPath(512, range, 3) };
  const sdeReference = solveSdeReference(noise, denoise, range, sde);
  const half = solveSdeReference(noise, denoise, range, sde, 4096);
  console.log(`\nSDE reference (8192 steps) vs the same solve at 4096 steps: RMSE ${rmse(sdeReference, half, 2).toExponential(2)}\n`);
  console.log('| SDE solver | RMSE at 16 / 32 / 64 / 128 / 256 / 512 steps (logSNR) | least-squares strong order |\n|---|---|---|');
  const sdes: Array<Partial<SamplerCandidate>> = [
    { solver: 'mr-em' },
    { solver: 'mrs-sde', order: 1, prediction: 'data' },
    { solver: 'mrs-sde', order: 1, prediction: 'noise' },
    { solver: 'mrs-sde', order: 2, prediction: 'data' },
    { solver: 'mrs-sde', order: 2, prediction: 'noise' },
  ];
  const steps = [16, 32, 64, 128, 256, 512];
  for (const c of sdes) {
    const e = steps.map((n) => rmse(runSampler({ ...c, schedule: { kind: 'logsnr' }, steps: n } as SamplerCandidate, range, noise, denoise, sde), sdeReference, 2));
    const xs = steps.map(Math.log2);
    const ys = e.map(Math.log2);
    const mx = xs.reduce((a, b) => a + b) / xs.length;
    const my = ys.reduce((a, b) => a + b) / ys.length;
    const slope = xs.reduce((s, x, i) => s + (x - mx) * (ys[i] - my), 0) / xs.reduce((s, x) => s + (x - mx) ** 2, 0);
    console.log(`| ${log(c)} | ${e.map((v) => v.toExponential(2)).join(' / ')} | ${(-slope).toFixed(2)} |`);
  }
}

function odeBaselines(n: number): Array<[string, SamplerCandidate]> {
  const uniformT = { kind: 'mr-time', kappa: 1 } as const;
  return [
    ['Euler on the PF-ODE / uniform MR time', { solver: 'mr-euler', schedule: uniformT, steps: n }],
    ['MRS-ODE-1 (= DDIM) / logSNR', { solver: 'mrs-ode', order: 1, schedule: { kind: 'logsnr' }, steps: n }],
    ['MRS-ODE-2 data / logSNR', { solver: 'mrs-ode', order: 2, prediction: 'data', schedule: { kind: 'logsnr' }, steps: n }],
    ['MRS-ODE-2 noise / logSNR', { solver: 'mrs-ode', order: 2, prediction: 'noise', schedule: { kind: 'logsnr' }, steps: n }],
    ['MRS-ODE-2 data / uniform MR time', { solver: 'mrs-ode', order: 2, prediction: 'data', schedule: uniformT, steps: n }],
    ['MRS-ODE-2 noise / uniform MR time', { solver: 'mrs-ode', order: 2, prediction: 'noise', schedule: uniformT, steps: n }],
  ];
}

function sdeBaselines(n: number): Array<[string, SamplerCandidate]> {
  return [
    ['Euler-Maruyama / uniform MR time', { solver: 'mr-em', schedule: { kind: 'mr-time', kappa: 1 }, steps: n }],
    ['MRS-SDE-1 data / logSNR', { solver: 'mrs-sde', order: 1, prediction: 'data', schedule: { kind: 'logsnr' }, steps: n }],
    ['MRS-SDE-1 noise / logSNR', { solver: 'mrs-sde', order: 1, prediction: 'noise', schedule: { kind: 'logsnr' }, steps: n }],
    ['MRS-SDE-2 data / logSNR', { solver: 'mrs-sde', order: 2, prediction: 'data', schedule: { kind: 'logsnr' }, steps: n }],
    ['MRS-SDE-2 noise / logSNR', { solver: 'mrs-sde', order: 2, prediction: 'noise', schedule: { kind: 'logsnr' }, steps: n }],
  ];
}

async function baselines(runsDir: string, noiseSeed: number): Promise<void> {
  const settings: Array<[string, 'ode' | 'sde', number]> = [
    ['ds-mr-ring-nfe5', 'ode', 5],
    ['ds-mr-ring-nfe10', 'ode', 10],
    ['ds-mr-ring-nfe20', 'ode', 20],
    ['ds-mr-ring-sde-nfe10', 'sde', 10],
  ];
  for (const [run, target, n] of settings) {
    const domain = await createDomain({ model: 'mr-ring', target, nfe: n, noiseSeed });
    console.log(`\n#### mr-ring, ${target.toUpperCase()}, NFE <= ${n}${noiseSeed === 0 ? '' : `, held-out noise seed ${noiseSeed}`}\n`);
    await printComparison(domain, target === 'ode' ? odeBaselines(n) : sdeBaselines(n), join(runsDir, run, 'summary.json'));
  }
}

if (process.argv[2] === 'orders') orders();
else await baselines(process.argv[3] ?? 'runs', Number(process.argv[4] ?? 0));
