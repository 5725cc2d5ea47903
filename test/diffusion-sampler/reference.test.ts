import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { decodeFloat64, encodeFloat64, memoOnDisk } from '../../src/evaluators/diffusion-sampler/disk-memo.js';
import { mixtureDenoiser } from '../../src/evaluators/diffusion-sampler/gaussian-mixture.js';
import { rmse, slicedWasserstein } from '../../src/evaluators/diffusion-sampler/metrics.js';
import { solveReference } from '../../src/evaluators/diffusion-sampler/reference.js';
import { createRng } from '../../src/random/rng.js';

describe('diffusion-sampler reference solve', () => {
  it('matches the exact flow of a single Gaussian to the tolerance', () => {
    // For one component N(mu, s^2 I) the flow is x(sigma) = mu + (x0 - mu) sqrt(s^2 + sigma^2) / sqrt(s^2 + sigmaMax^2).
    const s2 = 0.09;
    const mu = [0.3, -0.7];
    const denoise = mixtureDenoiser({ dim: 2, weights: [1], means: mu, variances: [s2] });
    const rng = createRng(3);
    const x0 = Float64Array.from({ length: 20 }, () => 80 * rng.normal());
    const result = solveReference(x0, 2, denoise, 80, 0.002, { rtol: 1e-10, atol: 1e-10, maxSteps: 10000 });
    const factor = Math.sqrt(s2 + 0.002 ** 2) / Math.sqrt(s2 + 80 ** 2);
    const exact = x0.map((v, i) => mu[i % 2] + (v - mu[i % 2]) * factor);
    assert.ok(rmse(result.x, exact, 2) < 1e-8, `error ${rmse(result.x, exact, 2)}`);
    assert.ok(result.steps > 5 && result.evaluations === 1 + 6 * result.steps);
  });

  it('a looser tolerance moves the answer by about that tolerance', () => {
    const denoise = mixtureDenoiser({ dim: 2, weights: [0.5, 0.5], means: [1, 0, -1, 0], variances: [0.0025, 0.0025] });
    const rng = createRng(4);
    const x0 = Float64Array.from({ length: 40 }, () => 80 * rng.normal());
    const tight = solveReference(x0, 2, denoise, 80, 0.002, { rtol: 1e-11, atol: 1e-11, maxSteps: 100000 });
    const loose = solveReference(x0, 2, denoise, 80, 0.002, { rtol: 1e-6, atol: 1e-6, maxSteps: 100000 });
    const gap = rmse(loose.x, tight.x, 2);
    assert.ok(gap < 1e-4 && gap > 0, `gap ${gap}`);
    assert.ok(tight.steps > loose.steps);
  });
});

describe('diffusion-sampler disk memo', () => {
  it('computes once, then reads the file, across concurrent callers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deja-ds-memo-'));
    try {
      let computed = 0;
      const compute = async () => {
        computed++;
        await new Promise((r) => setTimeout(r, 50));
        return Float64Array.from([1.5, -2, Math.PI]);
      };
      const file = join(dir, 'sub', 'x.f64');
      const [a, b] = await Promise.all([memoOnDisk(file, compute, encodeFloat64, decodeFloat64), memoOnDisk(file, compute, encodeFloat64, decodeFloat64)]);
      const c = await memoOnDisk(file, compute, encodeFloat64, decodeFloat64);
      assert.equal(computed, 1);
      for (const v of [a, b, c]) assert.deepEqual(Array.from(v), [1.5, -2, Math.PI]);
      // The value and its checksum sidecar; no lock or temporary file is left behind.
      assert.deepEqual(readdirSync(join(dir, 'sub')).sort(), ['x.f64', 'x.f64.sha256']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('diffusion-sampler metrics', () => {
  it('sliced Wasserstein is ~0 for the same distribution and grows with a shift', () => {
    const rng = createRng(5);
    const a = Float64Array.from({ length: 4000 }, () => rng.normal());
    const b = Float64Array.from({ length: 4000 }, () => rng.normal());
    const shifted = b.map((v, i) => (i % 2 === 0 ? v + 1 : v));
    const same = slicedWasserstein(a, b, 2, 32, 1);
    const moved = slicedWasserstein(a, shifted, 2, 32, 1);
    assert.ok(same < 0.08, `same ${same}`);
    // a shift of 1 along x projects to |cos| on a random direction: RMS 1/sqrt(2)
    assert.ok(Math.abs(moved - Math.SQRT1_2) < 0.15, `moved ${moved}`);
  });
});
