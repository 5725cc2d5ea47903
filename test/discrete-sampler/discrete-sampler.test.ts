import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Domain } from '../../src/domain/domain.js';
import type { DiscreteCandidate } from '../../src/evaluators/discrete-sampler/candidate.js';
import { discreteUniforms } from '../../src/evaluators/discrete-sampler/evaluate.js';
import createDomain from '../../src/evaluators/discrete-sampler/index.js';
import { MASK, conditional, createMarkovChain, sampleChain } from '../../src/evaluators/discrete-sampler/markov-chain.js';
import { bigramKl, exactBigrams } from '../../src/evaluators/discrete-sampler/metrics.js';
import { expectedNfe, runDiscreteSampler, survival } from '../../src/evaluators/discrete-sampler/samplers.js';
import { scheduleFunctions } from '../../src/evaluators/discrete-sampler/schedules.js';
import { mutateCandidate, randomCandidate } from '../../src/evaluators/discrete-sampler/search-space.js';
import { createFunctionalHasher, type ProbeHashFn } from '../../src/hash/functional-hash.js';
import { createRng } from '../../src/random/rng.js';

describe('discrete-sampler Markov chain', () => {
  it('gives the exact conditional of a masked position (brute force over all completions)', () => {
    const chain = createMarkovChain(3, 6, 4, 0.5);
    const p1 = chain.powers[1];
    const joint = (x: number[]) => x.reduce((p, v, i) => p * (i === 0 ? chain.initial[v] : p1[x[i - 1] * 3 + v]), 1);
    const rng = createRng(1, 'mask-patterns');
    for (let trial = 0; trial < 20; trial++) {
      const seq = Int32Array.from({ length: 6 }, () => (rng.bernoulli(0.5) ? MASK : rng.int(3)));
      const i = rng.int(6);
      seq[i] = MASK;
      const brute = new Float64Array(3);
      for (let code = 0; code < 3 ** 6; code++) {
        const x = Array.from({ length: 6 }, (_, q) => Math.floor(code / 3 ** q) % 3);
        if (x.some((v, q) => seq[q] !== MASK && seq[q] !== v)) continue;
        brute[x[i]] += joint(x);
      }
      const total = brute.reduce((a, b) => a + b, 0);
      const exact = conditional(chain, seq, 0, i, new Float64Array(3));
      for (let v = 0; v < 3; v++) assert.ok(Math.abs(exact[v] - brute[v] / total) < 1e-12, `trial ${trial}`);
    }
  });
});

describe('discrete-sampler samplers and the RADD cache', () => {
  const chain = createMarkovChain(8, 16, 0, 0.3);
  const u = discreteUniforms(1024, 16, 5, 'test');
  const kl = (c: DiscreteCandidate) => bigramKl(exactBigrams(chain), runDiscreteSampler(c, chain, u).tokens, u.n, 16, 8);

  it('one token per call with exact conditionals is an exact sampler: its KL is at the exact draws\' floor', () => {
    const floor = bigramKl(exactBigrams(chain), sampleChain(chain, discreteUniforms(1024, 16, 6, 'exact').order, 1024), 1024, 16, 8);
    const one = kl({ sampler: 'unmask-k', k: 1 });
    assert.ok(one < 2.5 * floor, `unmask-1 ${one} vs exact draws ${floor}`);
    assert.ok(kl({ sampler: 'unmask-k', k: 4 }) > 10 * one);
  });

  it('the analytic survival is the mask schedule itself; the last step unmasks everything', () => {
    for (const schedule of [{ kind: 'cosine' }, { kind: 'power', p: 2 }] as const) {
      const s = survival({ sampler: 'analytic', schedule, steps: 10 });
      const f = scheduleFunctions(schedule);
      for (let j = 0; j < 10; j++) assert.ok(Math.abs(s[j] - f.mask(1 - j / 10)) < 1e-12);
      assert.equal(s[10], 0);
    }
  });

  it('the cache changes only the calls: same tokens, N calls without it, the counted distinct states with it (mean = the exact expectation)', () => {
    for (const steps of [4, 16, 64]) {
      const c: DiscreteCandidate = { sampler: 'analytic', schedule: { kind: 'linear' }, steps };
      const cached = runDiscreteSampler({ ...c, cache: true }, chain, u);
      const plain = runDiscreteSampler({ ...c, cache: false }, chain, u);
      assert.deepEqual(cached.tokens, plain.tokens);
      assert.ok(plain.calls.every((n) => n === steps));
      const mean = cached.calls.reduce((a, b) => a + b, 0) / u.n;
      const expected = expectedNfe({ ...c, cache: true }, 16);
      assert.ok(Math.abs(mean - expected) < 0.1, `${steps} steps: measured ${mean}, expected ${expected}`);
      // each call is on a new sequence: the group count is the number of distinct states the network saw
      for (let s = 0; s < 8; s++) assert.equal(cached.calls[s], new Set(cached.groups.subarray(s * 16, (s + 1) * 16)).size);
    }
  });
});

describe('discrete-sampler functional hash', () => {
  let domain: Domain<DiscreteCandidate>;
  let hash: ProbeHashFn;
  const hashOf = async (c: DiscreteCandidate) => {
    assert.equal(domain.validate!(c), null, JSON.stringify(c));
    const out = await domain.probe(domain.normalize!(c));
    assert.ok(Array.from(out).every(Number.isFinite));
    return hash(out);
  };
  before(async () => {
    domain = await createDomain({});
    const hasher = await createFunctionalHasher();
    hash = hasher.forKey({ domain: domain.name, version: domain.version, probeKey: domain.probeKey, mantissaBits: domain.mantissaBits });
  });
  const lin = { schedule: { kind: 'linear' }, steps: 8 } as const;
  const merge: Array<[string, DiscreteCandidate, DiscreteCandidate]> = [
    ['Euler = analytic on the linear schedule', { sampler: 'euler', ...lin }, { sampler: 'analytic', ...lin }],
    ['log-linear (SEDD sigmaBar form) = linear', { sampler: 'analytic', schedule: { kind: 'log-linear', eps: 1e-3 }, steps: 8 }, { sampler: 'analytic', ...lin }],
    ['log-linear = linear under Euler too', { sampler: 'euler', schedule: { kind: 'log-linear', eps: 1e-2 }, steps: 12 }, { sampler: 'euler', schedule: { kind: 'linear' }, steps: 12 }],
    ['first-hitting = unmask one token per call', { sampler: 'first-hitting', schedule: { kind: 'cosine' } }, { sampler: 'unmask-k', k: 1 }],
    ['first-hitting ignores the schedule', { sampler: 'first-hitting', schedule: { kind: 'power', p: 3 } }, { sampler: 'first-hitting', schedule: { kind: 'linear' } }],
    ['power p = 1 is linear', { sampler: 'tau-leaping', schedule: { kind: 'power', p: 1 }, steps: 8 }, { sampler: 'tau-leaping', ...lin }],
  ];
  const differ: Array<[string, DiscreteCandidate, DiscreteCandidate]> = [
    ['cache on vs off (same tokens, fewer calls)', { sampler: 'analytic', ...lin, cache: true }, { sampler: 'analytic', ...lin, cache: false }],
    ['analytic vs tau-leaping', { sampler: 'analytic', ...lin }, { sampler: 'tau-leaping', ...lin }],
    ['Euler vs analytic on the cosine schedule', { sampler: 'euler', schedule: { kind: 'cosine' }, steps: 8 }, { sampler: 'analytic', schedule: { kind: 'cosine' }, steps: 8 }],
    ['8 vs 9 steps', { sampler: 'analytic', ...lin }, { sampler: 'analytic', schedule: { kind: 'linear' }, steps: 9 }],
    ['power 2 vs 2.01', { sampler: 'analytic', schedule: { kind: 'power', p: 2 }, steps: 8 }, { sampler: 'analytic', schedule: { kind: 'power', p: 2.01 }, steps: 8 }],
    ['unmask 2 vs 3 per call', { sampler: 'unmask-k', k: 2 }, { sampler: 'unmask-k', k: 3 }],
  ];
  for (const [name, a, b] of merge) it(`merges ${name}`, async () => assert.equal(await hashOf(a), await hashOf(b)));
  for (const [name, a, b] of differ) it(`separates ${name}`, async () => assert.notEqual(await hashOf(a), await hashOf(b)));

  it('rejects bad candidates and options in one line naming the field', async () => {
    assert.equal(domain.validate!({ sampler: 'analytic', schedule: { kind: 'linear' } }), 'steps: required for sampler "analytic" (an integer from 1 to 1024)');
    assert.equal(domain.validate!({ sampler: 'unmask-k', k: 17 }), 'k: at most the sequence length 16');
    assert.match(domain.validate!({ sampler: 'unmask-k', k: 2, cache: true }) ?? '', /^cache: only the time-grid samplers/);
    assert.equal(domain.validate!({ sampler: 'analytic', schedule: { kind: 'sqrt' }, steps: 3 }), 'schedule.kind: expected one of linear, cosine, log-linear, power');
    await assert.rejects(async () => createDomain({ vocab: 1 }), /^DomainInputError: domainOptions.vocab/);
  });
});

describe('discrete-sampler search space and evaluation', () => {
  it('random and mutated candidates are valid and within the expected-NFE limit', async () => {
    const domain = await createDomain({ nfe: 6 });
    const rng = createRng(3, 'discrete-space');
    let c = randomCandidate({ length: 16, nfeLimit: 6 }, rng);
    for (let i = 0; i < 400; i++) {
      c = i % 50 === 0 ? randomCandidate({ length: 16, nfeLimit: 6 }, rng) : mutateCandidate(c, { length: 16, nfeLimit: 6 }, rng);
      assert.equal(domain.validate!(c), null, JSON.stringify(c));
      assert.ok(expectedNfe(c, 16) <= 6 + 1e-9, JSON.stringify(c));
    }
  });

  it('scores on fixed uniforms, and the final score on held-out ones', async () => {
    const domain = await createDomain({ nfe: 8, samples: 256 });
    const c: DiscreteCandidate = { sampler: 'analytic', schedule: { kind: 'linear' }, steps: 8 };
    const ctx = { seed: 1, rng: createRng(1), signal: new AbortController().signal };
    const first = await domain.evaluate(c, ctx);
    const again = await domain.evaluate(c, ctx);
    assert.equal(again.fitness, first.fitness);
    assert.equal(again.metrics!.measuredNfe, first.metrics!.measuredNfe);
    const final = await domain.finalEvaluate!(c);
    assert.notEqual(final.fitness, first.fitness);
    assert.ok(Number.isFinite(first.fitness) && first.fitness < 0);
    const over = await domain.evaluate({ sampler: 'analytic', schedule: { kind: 'linear' }, steps: 64, cache: false }, ctx);
    assert.ok(over.fitness < -50, 'the NFE penalty applies above the limit');
  });
});
