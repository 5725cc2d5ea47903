import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateCandidate, type SamplerCandidate } from '../../src/evaluators/diffusion-sampler/candidate.js';
import { nfe } from '../../src/evaluators/diffusion-sampler/sampler.js';
import { maxStepsWithin, mutateCandidate, randomCandidate } from '../../src/evaluators/diffusion-sampler/search-space.js';
import { createRng } from '../../src/random/rng.js';

const range = { sigmaMax: 80, sigmaMin: 0.002 };
const space = { range, nfeLimit: 10 };

describe('diffusion-sampler search space', () => {
  it('random candidates are valid, within the NFE limit and mostly use it', () => {
    const rng = createRng(1, 'random');
    let atLimit = 0;
    const kinds = new Set<string>();
    for (let i = 0; i < 400; i++) {
      const c = randomCandidate(space, rng);
      assert.equal(validateCandidate(c, range), null, JSON.stringify(c));
      const cost = nfe(c, range);
      assert.ok(cost <= 10, JSON.stringify(c));
      if (cost >= 9) atLimit++;
      kinds.add(c.schedule.kind);
      kinds.add(c.solver);
    }
    assert.equal(kinds.size, 6 + 8);
    assert.ok(atLimit > 200, `only ${atLimit} of 400 near the limit`);
  });

  it('is deterministic for a seed', () => {
    const a = Array.from({ length: 20 }, (_, i) => randomCandidate(space, createRng(5, i)));
    const b = Array.from({ length: 20 }, (_, i) => randomCandidate(space, createRng(5, i)));
    assert.deepEqual(a, b);
  });

  it('mutations stay valid and within the limit, and reach every kind of change', () => {
    const rng = createRng(2, 'mutate');
    const changes = new Set<string>();
    let c: SamplerCandidate = randomCandidate(space, rng);
    for (let i = 0; i < 1500; i++) {
      const next = mutateCandidate(c, space, rng);
      assert.equal(validateCandidate(next, range), null, `${JSON.stringify(c)} -> ${JSON.stringify(next)}`);
      assert.ok(nfe(next, range) <= 10, JSON.stringify(next));
      if (next.solver !== c.solver) changes.add('solver');
      else if (next.order !== c.order || next.variant !== c.variant || next.corrector !== c.corrector || next.r1 !== c.r1 || next.lowerOrderFinal !== c.lowerOrderFinal) changes.add('option');
      if (next.schedule.kind !== c.schedule.kind) changes.add('schedule kind');
      else if (next.schedule.kind === 'explicit' && c.schedule.kind === 'explicit') {
        if (next.schedule.sigmas.length === c.schedule.sigmas.length && JSON.stringify(next.schedule) !== JSON.stringify(c.schedule)) changes.add('one explicit sigma');
      } else if (JSON.stringify(next.schedule) !== JSON.stringify(c.schedule)) changes.add('schedule parameter');
      if (nfe(next, range) !== nfe(c, range) && next.solver === c.solver) changes.add('steps');
      if (next.finalDenoise !== c.finalDenoise) changes.add('final denoise');
      // random restarts keep the walk from sticking to one corner of the space
      c = i % 50 === 49 ? randomCandidate(space, rng) : next;
    }
    assert.deepEqual([...changes].sort(), ['final denoise', 'one explicit sigma', 'option', 'schedule kind', 'schedule parameter', 'solver', 'steps']);
  });

  it('the step count is chosen after the solver', () => {
    const base = { schedule: { kind: 'logsnr' } } as const;
    assert.equal(maxStepsWithin({ solver: 'euler', ...base }, space), 10);
    assert.equal(maxStepsWithin({ solver: 'heun', ...base }, space), 5);
    assert.equal(maxStepsWithin({ solver: 'heun', finalDenoise: true, ...base }, space), 5);
    assert.equal(maxStepsWithin({ solver: 'deis', variant: 'rhork', order: 3, ...base }, space), 3);
    assert.equal(maxStepsWithin({ solver: 'deis', variant: 'rhork', order: 3, ...base }, { range, nfeLimit: 2 }), 0);
  });
});
