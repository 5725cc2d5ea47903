import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { SamplerCandidate } from '../../src/evaluators/diffusion-sampler/candidate.js';
import createDomain from '../../src/evaluators/diffusion-sampler/index.js';
import type { Domain } from '../../src/domain/domain.js';
import { createFunctionalHasher, type ProbeHashFn } from '../../src/hash/functional-hash.js';

const edm7 = { schedule: { kind: 'edm', rho: 7 }, steps: 10 } as const;

// Pairs the functional hash must merge (algebraically equal samplers, differently written).
const EQUIVALENT: Array<[string, SamplerCandidate, SamplerCandidate]> = [
  ['Euler = DDIM', { solver: 'euler', ...edm7 }, { solver: 'ddim', ...edm7 }],
  ['Euler = DPM-Solver++(1)', { solver: 'euler', ...edm7 }, { solver: 'dpmpp-2m', order: 1, ...edm7 }],
  ['Euler = UniPC-1 without corrector', { solver: 'euler', ...edm7 }, { solver: 'unipc', order: 1, corrector: false, ...edm7 }],
  ['Euler = tAB-DEIS-1 (closed form)', { solver: 'euler', ...edm7 }, { solver: 'deis', variant: 'tab', order: 1, ...edm7 }],
  ['Euler = rhoAB-1 = iPNDM-1', { solver: 'deis', variant: 'rhoab', order: 1, ...edm7 }, { solver: 'ipndm', order: 1, ...edm7 }],
  ['DDIM = DPM-Solver++(1) with final denoise', { solver: 'ddim', ...edm7, finalDenoise: true }, { solver: 'dpmpp-2m', order: 1, ...edm7, finalDenoise: true }],
  ['Heun = rhoRK-2', { solver: 'heun', schedule: { kind: 'logsnr' }, steps: 6 }, { solver: 'deis', variant: 'rhork', order: 2, schedule: { kind: 'logsnr' }, steps: 6 }],
  ['EDM rho=1 = uniform sigma', { solver: 'heun', schedule: { kind: 'edm', rho: 1 }, steps: 7 }, { solver: 'heun', schedule: { kind: 'uniform-sigma' }, steps: 7 }],
  ['EDM rho=1 = uniform sigma (2M)', { solver: 'dpmpp-2m', schedule: { kind: 'edm', rho: 1 }, steps: 10 }, { solver: 'dpmpp-2m', schedule: { kind: 'uniform-sigma' }, steps: 10 }],
  [
    'permuted + duplicated explicit grid',
    { solver: 'unipc', order: 3, schedule: { kind: 'explicit', sigmas: [10, 1, 0.1, 3] } },
    { solver: 'unipc', order: 3, schedule: { kind: 'explicit', sigmas: [0.1, 3, 10, 1, 1, 80, 0.002, 3] } },
  ],
  [
    'explicit list written out = parametric grid',
    { solver: 'ipndm', order: 4, schedule: { kind: 'logsnr' }, steps: 4 },
    { solver: 'ipndm', order: 4, schedule: { kind: 'explicit', sigmas: [80 * (0.002 / 80) ** 0.25, 80 * (0.002 / 80) ** 0.5, 80 * (0.002 / 80) ** 0.75] } },
  ],
  ['lowerOrderFinal on order 1 is a no-op', { solver: 'ipndm', order: 1, lowerOrderFinal: true, ...edm7 }, { solver: 'euler', ...edm7 }],
];

// Pairs that are different functions and must not merge.
const DIFFERENT: Array<[string, SamplerCandidate, SamplerCandidate]> = [
  ['Heun with vs without the final Euler step', { solver: 'heun', ...edm7, finalDenoise: true }, { solver: 'heun', ...edm7, finalDenoise: false }],
  ['warm-up orders: iPNDM-3 vs iPNDM-4', { solver: 'ipndm', order: 3, ...edm7 }, { solver: 'ipndm', order: 4, ...edm7 }],
  ['warm-up orders: UniPC-2 vs UniPC-3', { solver: 'unipc', order: 2, ...edm7 }, { solver: 'unipc', order: 3, ...edm7 }],
  ['bh1 vs bh2 at order 2', { solver: 'unipc', order: 2, variant: 'bh1', ...edm7 }, { solver: 'unipc', order: 2, variant: 'bh2', ...edm7 }],
  ['bh1 vs bh2 at order 2, no corrector', { solver: 'unipc', order: 2, variant: 'bh1', corrector: false, ...edm7 }, { solver: 'unipc', order: 2, variant: 'bh2', corrector: false, ...edm7 }],
  ['final-order rule (2M)', { solver: 'dpmpp-2m', ...edm7 }, { solver: 'dpmpp-2m', lowerOrderFinal: true, ...edm7 }],
  ['final-order rule (UniPC-3)', { solver: 'unipc', order: 3, ...edm7 }, { solver: 'unipc', order: 3, lowerOrderFinal: true, ...edm7 }],
  ['final denoise (Euler)', { solver: 'euler', ...edm7 }, { solver: 'euler', ...edm7, finalDenoise: true }],
  ['UniPC corrector on vs off', { solver: 'unipc', order: 1, ...edm7 }, { solver: 'unipc', order: 1, corrector: false, ...edm7 }],
  ['tAB vs rhoAB at order 2', { solver: 'deis', variant: 'tab', order: 2, ...edm7 }, { solver: 'deis', variant: 'rhoab', order: 2, ...edm7 }],
  ['rho 7 vs 7.01', { solver: 'euler', ...edm7 }, { solver: 'euler', schedule: { kind: 'edm', rho: 7.01 }, steps: 10 }],
  ['one explicit sigma moved by 0.03%', { solver: 'unipc', schedule: { kind: 'explicit', sigmas: [10, 1, 0.1, 3] } }, { solver: 'unipc', schedule: { kind: 'explicit', sigmas: [10, 1, 0.1, 3.001] } }],
  ['2S midpoint ratio', { solver: 'dpmpp-2s', r1: 0.5, ...edm7 }, { solver: 'dpmpp-2s', r1: 0.51, ...edm7 }],
];

describe('diffusion-sampler functional hash (real hasher, default mantissa bits)', () => {
  let domain: Domain<SamplerCandidate>;
  let hash: ProbeHashFn;
  const hashOf = async (c: SamplerCandidate) => {
    assert.equal(domain.validate!(c), null, JSON.stringify(c));
    return hash(await domain.probe(domain.normalize!(c)));
  };

  before(async () => {
    domain = await createDomain({});
    const hasher = await createFunctionalHasher();
    hash = hasher.forKey({ domain: domain.name, version: domain.version, probeKey: domain.probeKey, mantissaBits: domain.mantissaBits });
  });

  for (const [name, a, b] of EQUIVALENT) {
    it(`merges: ${name}`, async () => assert.equal(await hashOf(a), await hashOf(b)));
  }
  for (const [name, a, b] of DIFFERENT) {
    it(`separates: ${name}`, async () => assert.notEqual(await hashOf(a), await hashOf(b)));
  }

  it('the probe is deterministic and independent of earlier probes', async () => {
    const c: SamplerCandidate = { solver: 'unipc', order: 3, schedule: { kind: 'u-shaped', a: 2 }, steps: 7 };
    const first = Array.from(await domain.probe(c));
    await domain.probe({ solver: 'heun', schedule: { kind: 'logsnr' }, steps: 3 });
    assert.deepEqual(Array.from(await domain.probe(c)), first);
  });

  it('the default mantissa bits sit between the equivalent and the different pairs', async () => {
    const relative = async (a: SamplerCandidate, b: SamplerCandidate) => {
      const pa = await domain.probe(a);
      const pb = await domain.probe(b);
      let worst = 0;
      for (let i = 0; i < pa.length; i++) worst = Math.max(worst, Math.abs(pa[i] - pb[i]) / Math.max(Math.abs(pa[i]), Math.abs(pb[i]), 1e-300));
      return worst;
    };
    const resolution = 2 ** -domain.mantissaBits!;
    for (const [name, a, b] of EQUIVALENT) assert.ok((await relative(a, b)) < resolution * 1e-4, `${name} too far apart for merging robustly`);
    for (const [name, a, b] of DIFFERENT) assert.ok((await relative(a, b)) > resolution * 100, `${name} too close for separating robustly`);
  });

  it('a different sigma range gives a different probe key', async () => {
    const other = await createDomain({ sigmaMax: 40 });
    assert.notEqual(other.probeKey, domain.probeKey);
  });
});
