import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SamplerCandidate, Schedule } from '../../src/evaluators/diffusion-sampler/candidate.js';
import { sigmaGrid, vpSigma, vpTime } from '../../src/evaluators/diffusion-sampler/schedules.js';

const range = { sigmaMax: 80, sigmaMin: 0.002 };
const grid = (schedule: Schedule, steps: number, finalDenoise = false) =>
  Array.from(sigmaGrid({ solver: 'euler', schedule, steps, finalDenoise } as SamplerCandidate, range));

describe('diffusion-sampler schedules', () => {
  const schedules: Schedule[] = [
    { kind: 'edm', rho: 7 },
    { kind: 'uniform-sigma' },
    { kind: 'logsnr' },
    { kind: 'vp-time', kappa: 2 },
    { kind: 'u-shaped', a: 2 },
    { kind: 'u-shaped', a: 0 },
  ];
  for (const s of schedules) {
    it(`${JSON.stringify(s)} spans [sigmaMin, sigmaMax] strictly decreasing`, () => {
      const g = grid(s, 9);
      assert.equal(g.length, 10);
      assert.equal(g[0], 80);
      assert.equal(g[9], 0.002);
      for (let i = 1; i < g.length; i++) assert.ok(g[i] < g[i - 1], `${g[i]} < ${g[i - 1]}`);
    });
  }

  it('appends sigma 0 for a final denoise and spends one step on it', () => {
    const g = grid({ kind: 'logsnr' }, 5, true);
    assert.equal(g.length, 6);
    assert.equal(g[4], 0.002);
    assert.equal(g[5], 0);
  });

  it('edm rho = 1 is uniform in sigma; large rho tends to uniform logSNR', () => {
    const e1 = grid({ kind: 'edm', rho: 1 }, 8);
    const u = grid({ kind: 'uniform-sigma' }, 8);
    e1.forEach((v, i) => assert.ok(Math.abs(v - u[i]) <= 1e-12 * u[i]));
    const l = grid({ kind: 'logsnr' }, 8);
    const gapTo = (rho: number) => Math.max(...grid({ kind: 'edm', rho }, 8).map((v, i) => Math.abs(Math.log(v / l[i]))));
    assert.ok(gapTo(1000) < 0.02, `rho 1000: ${gapTo(1000)}`);
    assert.ok(gapTo(1000) < gapTo(100) && gapTo(100) < gapTo(7));
    const l8 = l.slice(1).map((v, i) => l[i] / v);
    l8.forEach((r) => assert.ok(Math.abs(r - l8[0]) < 1e-9));
  });

  it('vp time inverts the VP sigma', () => {
    for (const s of [0.002, 0.1, 1, 80]) assert.ok(Math.abs(vpSigma(vpTime(s)) - s) < 1e-9 * s);
  });

  it('u-shaped steps are denser at both ends than in the middle (in rectified-flow time)', () => {
    const g = grid({ kind: 'u-shaped', a: 4 }, 20);
    const t = g.map((s) => s / (1 + s));
    const gaps = t.slice(1).map((v, i) => t[i] - v);
    assert.ok(gaps[0] < gaps[10] && gaps[19] < gaps[10]);
    const flat = grid({ kind: 'u-shaped', a: 0 }, 20).map((s) => s / (1 + s));
    const flatGaps = flat.slice(1).map((v, i) => flat[i] - v);
    flatGaps.forEach((gap) => assert.ok(Math.abs(gap - flatGaps[0]) < 1e-12));
  });

  it('explicit grids are sorted, deduplicated and get both endpoints', () => {
    assert.deepEqual(grid({ kind: 'explicit', sigmas: [1, 10, 1, 0.5] }, 0), [80, 10, 1, 0.5, 0.002]);
    assert.deepEqual(grid({ kind: 'explicit', sigmas: [] }, 0, true), [80, 0.002, 0]);
  });
});
