import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  canonicalExplicitGrid,
  describeCandidate,
  normalizeCandidate,
  validateCandidate,
  type SamplerCandidate,
} from '../../src/evaluators/diffusion-sampler/candidate.js';

const range = { sigmaMax: 80, sigmaMin: 0.002 };

describe('diffusion-sampler candidate validation', () => {
  const cases: Array<[unknown, RegExp]> = [
    [{ solver: 'rk4', schedule: { kind: 'edm', rho: 7 }, steps: 10 }, /^solver: /],
    [{ solver: 'euler', schedule: { kind: 'edm', rho: 70 }, steps: 10 }, /^schedule\.rho: rho must be in \[0\.5, 20\]/],
    [{ solver: 'euler', schedule: { kind: 'cosine' }, steps: 10 }, /^schedule\.kind: /],
    [{ solver: 'euler', schedule: { kind: 'edm', rho: 7 } }, /^steps: required/],
    [{ solver: 'euler', schedule: { kind: 'edm', rho: 7 }, steps: 0 }, /^steps: /],
    [{ solver: 'euler', schedule: { kind: 'edm', rho: 7 }, steps: 10, order: 2 }, /^order: solver "euler" has no order option/],
    [{ solver: 'ipndm', schedule: { kind: 'edm', rho: 7 }, steps: 10, order: 5 }, /^order: solver "ipndm" allows 1 to 4/],
    [{ solver: 'unipc', schedule: { kind: 'logsnr' }, steps: 10, variant: 'bh3' }, /^variant: solver "unipc" allows bh1, bh2/],
    [{ solver: 'heun', schedule: { kind: 'logsnr' }, steps: 10, corrector: true }, /^corrector: /],
    [{ solver: 'deis', variant: 'rhork', schedule: { kind: 'logsnr' }, steps: 10, lowerOrderFinal: true }, /^lowerOrderFinal: /],
    [{ solver: 'euler', schedule: { kind: 'explicit', sigmas: [10, 100] } }, /^schedule\.sigmas\.1: expected a value in \[sigmaMin/],
    [{ solver: 'euler', schedule: { kind: 'explicit', sigmas: [10, 1] }, steps: 7 }, /^steps: an explicit schedule fixes the step count \(3\)/],
    [{ solver: 'euler', schedule: { kind: 'logsnr' }, steps: 1, finalDenoise: true }, /^steps: with finalDenoise/],
    [{ solver: 'euler', schedule: { kind: 'logsnr' }, steps: 5, colour: 'red' }, /colour|unrecognized/i],
  ];
  for (const [candidate, expected] of cases) {
    it(`rejects ${JSON.stringify(candidate)}`, () => {
      const message = validateCandidate(candidate, range);
      assert.ok(message !== null, 'expected an error');
      assert.match(message, expected);
      assert.ok(!message.includes('\n'), 'one line');
    });
  }

  it('accepts every solver with its options', () => {
    const ok: SamplerCandidate[] = [
      { solver: 'euler', schedule: { kind: 'edm', rho: 7 }, steps: 10 },
      { solver: 'dpmpp-2s', r1: 0.4, schedule: { kind: 'u-shaped', a: 2 }, steps: 5, finalDenoise: true },
      { solver: 'unipc', order: 3, variant: 'bh1', corrector: false, lowerOrderFinal: true, schedule: { kind: 'vp-time', kappa: 2 }, steps: 10 },
      { solver: 'deis', variant: 'tab', order: 3, schedule: { kind: 'explicit', sigmas: [10, 1, 0.1] } },
    ];
    for (const c of ok) assert.equal(validateCandidate(c, range), null, JSON.stringify(c));
  });
});

describe('diffusion-sampler canonical form', () => {
  it('merges permuted and duplicated explicit grids, endpoints implicit', () => {
    const a = canonicalExplicitGrid([10, 1, 0.1], range);
    const b = canonicalExplicitGrid([0.1, 80, 10, 1, 10, 0.002, 1], range);
    assert.deepEqual(a, [80, 10, 1, 0.1, 0.002]);
    assert.deepEqual(b, a);
    const na = normalizeCandidate({ solver: 'euler', schedule: { kind: 'explicit', sigmas: [10, 1, 0.1] } }, range);
    const nb = normalizeCandidate({ solver: 'ddim', schedule: { kind: 'explicit', sigmas: [1, 1, 0.1, 10, 80] } }, range);
    assert.deepEqual(na.schedule, nb.schedule);
    assert.deepEqual(na.schedule, { kind: 'explicit', sigmas: [10, 1, 0.1] });
  });

  it('writes defaults out and keeps only options that apply', () => {
    const n = normalizeCandidate({ solver: 'unipc', schedule: { kind: 'logsnr' }, steps: 8 }, range);
    assert.deepEqual(n, { solver: 'unipc', schedule: { kind: 'logsnr' }, finalDenoise: false, order: 2, variant: 'bh2', corrector: true, lowerOrderFinal: false, steps: 8 });
    const r = normalizeCandidate({ solver: 'deis', variant: 'rhork', schedule: { kind: 'logsnr' }, steps: 3 }, range);
    assert.equal(r.lowerOrderFinal, undefined);
    assert.equal(validateCandidate(n, range), null);
  });

  it('describes a candidate on one line', () => {
    const text = describeCandidate({ solver: 'deis', variant: 'rhoab', order: 3, schedule: { kind: 'edm', rho: 7 }, steps: 10, finalDenoise: true }, range);
    assert.equal(text, 'deis o3 rhoab edm(rho=7) x10 +denoise');
  });
});
