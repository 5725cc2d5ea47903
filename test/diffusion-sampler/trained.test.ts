import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mixtureDenoiser, ringMixture } from '../../src/evaluators/diffusion-sampler/gaussian-mixture.js';
import { loadDenoiser, trainDenoiser, useBackend } from '../../src/evaluators/diffusion-sampler/trained-denoiser.js';

describe('diffusion-sampler trained denoiser', () => {
  it('trains deterministically, learns something, and reloads to the same function', async () => {
    await useBackend('wasm');
    const ring = ringMixture(8, 1, 0.05);
    const spec = { steps: 64, batch: 256, hidden: 16, seed: 3 };
    const a = await trainDenoiser(ring, spec);
    const b = await trainDenoiser(ring, spec);
    assert.deepEqual(a.tensors, b.tensors);
    const model = loadDenoiser(JSON.parse(JSON.stringify(a)));
    const exact = mixtureDenoiser(ring);
    const x = Float64Array.from({ length: 400 }, (_, i) => 1.3 * Math.sin(1.7 * i));
    // At large sigma the optimal denoiser is near the data mean (0); the preconditioned net must be too.
    const big = model.denoise(x, 20);
    const err = Math.sqrt(big.reduce((s, v, i) => s + (v - exact(x, 20)[i]) ** 2, 0) / 200);
    assert.ok(err < 0.5, `error at sigma 20: ${err}`);
    // At tiny sigma c_skip -> 1: D(x) ~ x whatever the net learned.
    const tiny = model.denoise(x, 1e-4);
    assert.ok(tiny.every((v, i) => Math.abs(v - x[i]) < 1e-3));
    assert.deepEqual(Array.from(model.denoise(x, 1)), Array.from(loadDenoiser(b).denoise(x, 1)));
    model.dispose();
  });
});
