import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DomainInputError, type EvalContext } from '../../src/domain/domain.js';
import type { SamplerCandidate } from '../../src/evaluators/diffusion-sampler/candidate.js';
import createDomain from '../../src/evaluators/diffusion-sampler/index.js';
import { createRng } from '../../src/random/rng.js';

const cacheDir = mkdtempSync(join(tmpdir(), 'deja-ds-domain-'));
after(() => rmSync(cacheDir, { recursive: true, force: true }));

function ctx(seed = 1): EvalContext {
  return { seed, rng: createRng(seed), signal: new AbortController().signal };
}

describe('diffusion-sampler domain options', () => {
  const bad: Array<[Record<string, unknown>, RegExp]> = [
    [{ model: 'cifar' }, /^domainOptions\.model: /],
    [{ nfe: 0 }, /^domainOptions\.nfe: /],
    [{ sigmaMin: 100 }, /^domainOptions\.sigmaMin: must be below sigmaMax/],
    [{ samples: 1.5 }, /^domainOptions\.samples: /],
    [{ nfeLimit: 10 }, /^domainOptions: unknown option "nfeLimit"; allowed: model, nfe,/],
  ];
  for (const [options, expected] of bad) {
    it(`rejects ${JSON.stringify(options)}`, async () => {
      await assert.rejects(
        async () => createDomain(options),
        (error: unknown) => error instanceof DomainInputError && expected.test(error.message) && !error.message.includes('\n'),
      );
    });
  }

  it('parses the JSON text form with validation', async () => {
    const domain = await createDomain({});
    assert.deepEqual(domain.parse!('{"solver":"euler","schedule":{"kind":"logsnr"},"steps":4}'), { solver: 'euler', schedule: { kind: 'logsnr' }, steps: 4 });
    assert.throws(() => domain.parse!('{"solver":"euler"}'), DomainInputError);
    assert.throws(() => domain.parse!('euler'), DomainInputError);
  });
});

describe('diffusion-sampler evaluation on the ring', () => {
  const options = { model: 'ring', nfe: 10, samples: 128, trueSamples: 512, swProjections: 16, cacheDir };
  const score = async (c: SamplerCandidate) => {
    const domain = await createDomain(options);
    return domain.evaluate(c, ctx());
  };

  it('ranks samplers like the reference numbers (Euler vs DPM-Solver++(2M), logSNR vs EDM)', async () => {
    const euler = await score({ solver: 'euler', schedule: { kind: 'edm', rho: 7 }, steps: 10 });
    const eulerLog = await score({ solver: 'euler', schedule: { kind: 'logsnr' }, steps: 10 });
    const dpmEdm = await score({ solver: 'dpmpp-2m', schedule: { kind: 'edm', rho: 7 }, steps: 10 });
    const dpmLog = await score({ solver: 'dpmpp-2m', schedule: { kind: 'logsnr' }, steps: 10 });
    const rmse = (r: typeof euler) => r.metrics!.rmse as number;
    // Reference (8-mode ring, std 0.05): Euler 0.061 / 0.057, 2M 0.121 / 0.047.
    assert.ok(rmse(euler) > 0.04 && rmse(euler) < 0.1, `euler ${rmse(euler)}`);
    assert.ok(rmse(dpmEdm) > rmse(euler) && rmse(dpmLog) < rmse(eulerLog) && rmse(eulerLog) < rmse(euler));
    assert.equal(euler.fitness, -rmse(euler));
    assert.equal(euler.metrics!.nfe, 10);
    assert.ok((euler.metrics!.slicedWasserstein as number) > 0);
  });

  it('memoises the reference on disk and gives the same fitness from a fresh domain', async () => {
    const c: SamplerCandidate = { solver: 'unipc', order: 2, schedule: { kind: 'logsnr' }, steps: 10 };
    const first = await score(c);
    assert.ok(readdirSync(cacheDir).some((f) => f.startsWith('reference-ring8')));
    const second = await score(c);
    assert.equal(second.fitness, first.fitness);
  });

  it('penalises NFE above the limit', async () => {
    const within = await score({ solver: 'heun', schedule: { kind: 'logsnr' }, steps: 5 });
    const over = await score({ solver: 'heun', schedule: { kind: 'logsnr' }, steps: 7 });
    assert.equal(over.metrics!.nfe, 14);
    assert.ok(Math.abs(over.fitness - (-(over.metrics!.rmse as number) - 4)) < 1e-12);
    assert.ok(within.fitness > over.fitness);
  });

  it('gives a diverged sampler a finite, terrible fitness', async () => {
    const r = await score({ solver: 'ipndm', order: 4, schedule: { kind: 'uniform-sigma' }, steps: 3 });
    assert.ok(Number.isFinite(r.fitness));
    if (r.metrics!.diverged) assert.equal(r.fitness, -1000);
    else assert.ok(r.fitness < -0.5, `uniform-sigma 3 steps should be poor: ${r.fitness}`);
  });
});

describe('diffusion-sampler mnist mixture', () => {
  it('fits a mixture in PCA space and evaluates on it', async () => {
    const domain = await createDomain({ model: 'mnist', mnistDim: 8, mnistPerClass: 40, mnistClusters: 2, samples: 32, trueSamples: 64, swProjections: 8, cacheDir });
    const r = await domain.evaluate({ solver: 'dpmpp-2m', schedule: { kind: 'logsnr' }, steps: 10 }, ctx());
    assert.ok((r.metrics!.rmse as number) > 0 && (r.metrics!.rmse as number) < 1, String(r.metrics!.rmse));
    assert.ok(existsSync(join(cacheDir, 'mnist-pca8-n40-k2-s1.json')));
  });
});
