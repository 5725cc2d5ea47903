import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Domain } from '../../src/domain/domain.js';
import { createBrownianPath } from '../../src/evaluators/diffusion-sampler/brownian.js';
import type { SamplerCandidate } from '../../src/evaluators/diffusion-sampler/candidate.js';
import { mixtureDenoiser, type GaussianMixture } from '../../src/evaluators/diffusion-sampler/gaussian-mixture.js';
import createDomain from '../../src/evaluators/diffusion-sampler/index.js';
import { MR_LAMBDA, mrPoint, mrProcess, mrSigma, mrTime } from '../../src/evaluators/diffusion-sampler/mean-reverting.js';
import { rmse } from '../../src/evaluators/diffusion-sampler/metrics.js';
import { solveReference } from '../../src/evaluators/diffusion-sampler/reference.js';
import { runSampler } from '../../src/evaluators/diffusion-sampler/sampler.js';
import { solveSdeReference } from '../../src/evaluators/diffusion-sampler/sde-reference.js';
import { createFunctionalHasher, type ProbeHashFn } from '../../src/hash/functional-hash.js';
import { createRng } from '../../src/random/rng.js';

const range = { sigmaMax: 80, sigmaMin: 0.002 };
const process = mrProcess(range);
const mixture: GaussianMixture = { dim: 2, weights: [0.6, 0.4], means: [1, 0, -1, 0.5], variances: [0.3, 0.2] };
const denoise = mixtureDenoiser(mixture);
const rng = createRng(7, 'mr-solver-test');
const noise = Float64Array.from({ length: 32 }, () => 80 * rng.normal());
const mu = Float64Array.from({ length: 32 }, () => rng.uniform(-1, 1));
const ctx = { process, mu };
const maxRelative = (a: Float64Array, b: Float64Array) => Math.max(...a.map((v, i) => Math.abs(v - b[i]) / Math.max(1, Math.abs(v))));

describe('mean-reverting process', () => {
  it('maps MR time and EDM sigma both ways, with sigma = s_t / alpha_t and the stationary-variance relation', () => {
    for (const sigma of [80, 3, 0.1, 0.002]) {
      const p = mrPoint(process, sigma);
      assert.ok(Math.abs(mrSigma(process, p.t) / sigma - 1) < 1e-9, `sigma ${sigma}`);
      assert.ok(Math.abs(p.std / p.alpha / sigma - 1) < 1e-12);
      assert.ok(Math.abs(p.std ** 2 - MR_LAMBDA ** 2 * (1 - p.alpha ** 2)) < 1e-15);
      assert.ok(Math.abs(p.g2 - 2 * MR_LAMBDA ** 2 * p.theta) < 1e-12);
      // theta_t = d thetaBar / dt (central difference of -log alpha)
      const dt = 1e-6;
      const thetaBar = (t: number) => -Math.log(mrPoint(process, mrSigma(process, t)).alpha);
      if (p.t > 0.01 && p.t < 0.99) assert.ok(Math.abs((thetaBar(p.t + dt) - thetaBar(p.t - dt)) / (2 * dt) / p.theta - 1) < 1e-5);
    }
    assert.ok(Math.abs(mrTime(process, 80) - 1) < 1e-12);
  });
});

describe('mean-reverting ODE samplers', () => {
  const reference = solveReference(noise, 2, denoise, 80, 0.002, { rtol: 1e-12, atol: 1e-12, maxSteps: 100000 }).x;
  const expected: Array<[Partial<SamplerCandidate>, number]> = [
    [{ solver: 'mr-euler' }, 1],
    [{ solver: 'mrs-ode', order: 1, prediction: 'data' }, 1],
    [{ solver: 'mrs-ode', order: 1, prediction: 'noise' }, 1],
    [{ solver: 'mrs-ode', order: 2, prediction: 'data' }, 2],
    [{ solver: 'mrs-ode', order: 2, prediction: 'noise' }, 2],
  ];
  for (const [partial, order] of expected) {
    for (const schedule of [{ kind: 'logsnr' }, { kind: 'mr-time', kappa: 1 }] as const) {
      it(`${JSON.stringify(partial)} on ${schedule.kind} has order ${order} against the reference`, () => {
        const errors = [40, 80].map((steps) => rmse(runSampler({ ...partial, schedule, steps } as SamplerCandidate, range, noise, denoise, ctx), reference, 2));
        const observed = Math.log2(errors[0] / errors[1]);
        assert.ok(Math.abs(observed - order) < 0.25, `observed ${observed.toFixed(2)}`);
      });
    }
  }

  const base = { schedule: { kind: 'mr-time', kappa: 1.5 }, steps: 8 } as const;
  it('first-order MRS in data and noise prediction are both DDIM = Euler in sigma; MRS-2 in data prediction is DPM-Solver++(2M)', () => {
    const euler = runSampler({ solver: 'euler', ...base }, range, noise, denoise);
    for (const prediction of ['data', 'noise'] as const) {
      assert.ok(maxRelative(runSampler({ solver: 'mrs-ode', order: 1, prediction, ...base }, range, noise, denoise, ctx), euler) < 1e-12);
    }
    const twoM = runSampler({ solver: 'dpmpp-2m', order: 2, ...base, finalDenoise: true }, range, noise, denoise);
    assert.ok(maxRelative(runSampler({ solver: 'mrs-ode', order: 2, ...base, finalDenoise: true }, range, noise, denoise, ctx), twoM) < 1e-12);
    const noise2 = runSampler({ solver: 'mrs-ode', order: 2, prediction: 'noise', ...base }, range, noise, denoise, ctx);
    assert.ok(maxRelative(noise2, runSampler({ solver: 'mrs-ode', order: 2, ...base }, range, noise, denoise, ctx)) > 1e-4);
  });

  it('the result in the EDM state does not depend on the condition mu (the MR solvers handle it exactly)', () => {
    for (const solver of ['mr-euler', 'mrs-ode'] as const) {
      const withMu = runSampler({ solver, ...base }, range, noise, denoise, ctx);
      const without = runSampler({ solver, ...base }, range, noise, denoise);
      assert.ok(maxRelative(withMu, without) < 1e-11, solver);
    }
  });
});

describe('mean-reverting SDE samplers (strong error on one Brownian path)', () => {
  const cells = 2048;
  const sde = { ...ctx, brownian: createBrownianPath(32, range, 3, cells) };
  const reference = solveSdeReference(noise, denoise, range, sde, cells);
  const coarser = solveSdeReference(noise, denoise, range, sde, cells / 2);
  const candidates: Array<Partial<SamplerCandidate>> = [
    { solver: 'mr-em' },
    { solver: 'mrs-sde', order: 1, prediction: 'data' },
    { solver: 'mrs-sde', order: 1, prediction: 'noise' },
    { solver: 'mrs-sde', order: 2, prediction: 'data' },
  ];
  it('the reference is far closer to its half-resolution solve than any sampler at 80 steps', () => {
    const gap = rmse(reference, coarser, 2);
    for (const c of candidates) {
      const error = rmse(runSampler({ ...c, schedule: { kind: 'logsnr' }, steps: 80 } as SamplerCandidate, range, noise, denoise, sde), reference, 2);
      assert.ok(gap < error / 10, `${JSON.stringify(c)}: reference gap ${gap} vs error ${error}`);
    }
  });
  for (const c of candidates) {
    it(`${JSON.stringify(c)} converges strongly (least-squares order over 16-256 steps in [0.6, 1.4])`, () => {
      const steps = [16, 32, 64, 128, 256];
      const logs = steps.map((n) => Math.log2(rmse(runSampler({ ...c, schedule: { kind: 'logsnr' }, steps: n } as SamplerCandidate, range, noise, denoise, sde), reference, 2)));
      const xs = steps.map(Math.log2);
      const mx = xs.reduce((a, b) => a + b) / xs.length;
      const my = logs.reduce((a, b) => a + b) / logs.length;
      const slope = xs.reduce((s, x, i) => s + (x - mx) * (logs[i] - my), 0) / xs.reduce((s, x) => s + (x - mx) ** 2, 0);
      assert.ok(-slope > 0.6 && -slope < 1.4, `observed ${(-slope).toFixed(2)}`);
    });
  }
});

describe('mean-reverting samplers in the functional hash', () => {
  let ode: Domain<SamplerCandidate>;
  let sde: Domain<SamplerCandidate>;
  let hash: ProbeHashFn;
  const hashOf = async (domain: Domain<SamplerCandidate>, c: SamplerCandidate) => {
    assert.equal(domain.validate!(c), null, JSON.stringify(c));
    return hash(await domain.probe(domain.normalize!(c)));
  };
  before(async () => {
    ode = await createDomain({ model: 'mr-ring' });
    sde = await createDomain({ model: 'mr-ring', target: 'sde' });
    const hasher = await createFunctionalHasher();
    hash = hasher.forKey({ domain: ode.name, version: ode.version, probeKey: ode.probeKey, mantissaBits: ode.mantissaBits });
  });
  const mr = { schedule: { kind: 'mr-time', kappa: 1.3 }, steps: 10 } as const;
  const merge: Array<[string, SamplerCandidate, SamplerCandidate]> = [
    ['MRS-ODE-1 data = noise prediction', { solver: 'mrs-ode', order: 1, prediction: 'data', ...mr }, { solver: 'mrs-ode', order: 1, prediction: 'noise', ...mr }],
    ['MRS-ODE-1 = DDIM', { solver: 'mrs-ode', order: 1, ...mr }, { solver: 'ddim', ...mr }],
    ['MRS-ODE-2 (data) = DPM-Solver++(2M)', { solver: 'mrs-ode', order: 2, ...mr, finalDenoise: true }, { solver: 'dpmpp-2m', order: 2, ...mr, finalDenoise: true }],
    ['mr-time kappa 1 written out as an explicit grid', { solver: 'mr-euler', schedule: { kind: 'mr-time', kappa: 1 }, steps: 3 }, { solver: 'mr-euler', schedule: { kind: 'explicit', sigmas: [mrSigma(process, 1 - (1 - mrTime(process, 0.002)) / 3), mrSigma(process, 1 - (2 * (1 - mrTime(process, 0.002))) / 3)] } }],
  ];
  const differ: Array<[string, SamplerCandidate, SamplerCandidate]> = [
    ['MRS-ODE-2 data vs noise prediction', { solver: 'mrs-ode', order: 2, prediction: 'data', ...mr }, { solver: 'mrs-ode', order: 2, prediction: 'noise', ...mr }],
    ['Euler in MR time vs Euler in sigma', { solver: 'mr-euler', ...mr }, { solver: 'euler', ...mr }],
    ['mr-time kappa 1.3 vs 1.31', { solver: 'mrs-ode', ...mr }, { solver: 'mrs-ode', schedule: { kind: 'mr-time', kappa: 1.31 }, steps: 10 }],
  ];
  for (const [name, a, b] of merge) it(`merges ${name}`, async () => assert.equal(await hashOf(ode, a), await hashOf(ode, b)));
  for (const [name, a, b] of differ) it(`separates ${name}`, async () => assert.notEqual(await hashOf(ode, a), await hashOf(ode, b)));

  it('separates the SDE samplers (EM, MRS-SDE data / noise, orders) and probes them deterministically', async () => {
    const cs: SamplerCandidate[] = [
      { solver: 'mr-em', ...mr },
      { solver: 'mrs-sde', order: 1, prediction: 'data', ...mr },
      { solver: 'mrs-sde', order: 1, prediction: 'noise', ...mr },
      { solver: 'mrs-sde', order: 2, prediction: 'data', ...mr },
    ];
    const hashes = await Promise.all(cs.map((c) => hashOf(sde, c)));
    assert.equal(new Set(hashes).size, cs.length);
    const again = await createDomain({ model: 'mr-ring', target: 'sde' });
    assert.deepEqual(Array.from(await again.probe(cs[1])), Array.from(await sde.probe(cs[1])));
  });

  it('refuses a sampler measured against the other target, in one line', () => {
    assert.match(ode.validate!({ solver: 'mr-em', ...mr }) ?? '', /^solver: "mr-em" samples the reverse SDE; set domainOptions.target/);
    assert.match(sde.validate!({ solver: 'mrs-ode', ...mr }) ?? '', /^solver: "mrs-ode" is an ODE sampler/);
    assert.equal(ode.validate!({ solver: 'euler', prediction: 'data', ...mr }), 'prediction: only solvers "mrs-ode" and "mrs-sde" have a prediction option');
  });
});

describe('mr-ring model evaluation', () => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'deja-mr-'));
  after(() => rmSync(cacheDir, { recursive: true, force: true }));
  const ctx = () => ({ seed: 1, rng: createRng(1), signal: new AbortController().signal });
  const options = { model: 'mr-ring', nfe: 10, samples: 96, trueSamples: 256, swProjections: 8, cacheDir };

  it('conditions each sample on its projected mode, and MRS-2 beats the Euler baselines at 10 NFE', async () => {
    const domain = await createDomain(options);
    const rmseOf = async (c: SamplerCandidate) => (await domain.evaluate(c, ctx())).metrics!.rmse as number;
    const mrs2 = await rmseOf({ solver: 'mrs-ode', order: 2, schedule: { kind: 'logsnr' }, steps: 10 });
    const euler = await rmseOf({ solver: 'mr-euler', schedule: { kind: 'mr-time', kappa: 1 }, steps: 10 });
    assert.ok(Number.isFinite(mrs2) && mrs2 < euler, `mrs2 ${mrs2} vs mr-euler ${euler}`);
  });

  it('target "sde" compares the reverse-SDE samplers with the SDE reference on the same path', async () => {
    const domain = await createDomain({ ...options, target: 'sde' });
    const at = async (steps: number) => (await domain.evaluate({ solver: 'mrs-sde', order: 1, schedule: { kind: 'logsnr' }, steps }, ctx())).metrics!.rmse as number;
    const coarse = await at(10);
    const fine = await at(160);
    assert.ok(fine < coarse * 0.6, `10 steps ${coarse}, 160 steps ${fine}`);
  });
});
