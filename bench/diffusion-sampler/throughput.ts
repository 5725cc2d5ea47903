/**
 * Samplers evaluated per second on the closed-form models, and the probe's
 * cost as a fraction of one evaluation, measured side by side on the same
 * random candidates (NFE limit 10, 512 evaluation samples).
 *
 *   node --import tsx bench/diffusion-sampler/throughput.ts [candidates]
 */
import type { SamplerCandidate } from '../../src/evaluators/diffusion-sampler/candidate.js';
import createDomain from '../../src/evaluators/diffusion-sampler/index.js';
import { createFunctionalHasher } from '../../src/hash/functional-hash.js';
import { createRng } from '../../src/random/rng.js';

const count = Number(process.argv[2] ?? 200);
const hasher = await createFunctionalHasher();
console.log(`candidates per model: ${count} random, NFE limit 10, 512 samples`);
console.log('model   evals/s   ms/eval   ms/probe+hash   probe/eval');
for (const model of ['ring', 'grid', 'mnist'] as const) {
  const domain = await createDomain({ model, nfe: 10 });
  const hash = hasher.forKey({ domain: domain.name, version: domain.version, probeKey: domain.probeKey, mantissaBits: domain.mantissaBits });
  const rng = createRng(42, 'bench', model);
  const candidates: SamplerCandidate[] = Array.from({ length: count }, () => domain.random(rng));
  const signal = new AbortController().signal;
  // Warm-up: builds the model and the reference, and lets the JIT compile both paths before timing.
  for (const c of candidates.slice(0, 20)) {
    hash(await domain.probe(c));
    await domain.evaluate(c, { seed: 0, rng, signal });
  }
  let evalMs = 0;
  let probeMs = 0;
  for (const c of candidates) {
    let t = performance.now();
    hash(await domain.probe(c));
    probeMs += performance.now() - t;
    t = performance.now();
    await domain.evaluate(c, { seed: 0, rng, signal });
    evalMs += performance.now() - t;
  }
  const perEval = evalMs / count;
  const perProbe = probeMs / count;
  console.log(
    `${model.padEnd(7)} ${(1000 / perEval).toFixed(1).padStart(7)}   ${perEval.toFixed(2).padStart(7)}   ${perProbe.toFixed(3).padStart(13)}   ${(perProbe / perEval).toFixed(4).padStart(10)}`,
  );
  await domain.close?.();
}
