import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRng } from '../../src/random/rng.js';
import { Elitism } from '../../src/search/elitism.js';
import { RegularizedEvolution } from '../../src/search/regularized-evolution.js';
import { mutateUntilValid, SearchSpaceError, type SearchSpace } from '../../src/search/searcher.js';
import { tournamentSelect } from '../../src/search/tournament.js';

const space: SearchSpace<number> = {
  random: (rng) => rng.int(1000),
  mutate: (x, rng) => x + 1 + rng.int(3),
};
const settings = { populationSize: 5, tournamentSize: 2, maxMutationTries: 10 };

describe('searchers', () => {
  it('regularized evolution fills with random samples, then mutates and ages out the oldest', () => {
    const re = new RegularizedEvolution(space, settings, createRng(1));
    for (let id = 0; id < 5; id++) {
      const p = re.propose();
      assert.equal(p.parentId, null);
      re.observe(id, p.candidate, id);
    }
    const child = re.propose();
    assert.notEqual(child.parentId, null);
    re.observe(5, child.candidate, -1);
    assert.deepEqual(re.population().map((i) => i.id), [1, 2, 3, 4, 5]);
  });

  it('regularized evolution counts proposals in flight towards the initial population', () => {
    const re = new RegularizedEvolution(space, settings, createRng(1));
    for (let i = 0; i < 5; i++) assert.equal(re.propose().parentId, null);
    re.observe(0, 1, 1);
    // 1 member + 4 outstanding = population size: the next one mutates.
    assert.equal(re.propose().parentId, 0);
  });

  it('never makes a failed candidate a parent', () => {
    const re = new RegularizedEvolution(space, settings, createRng(2));
    re.propose();
    re.observe(0, 1, null);
    assert.equal(re.population().length, 0);
  });

  it('elitism keeps the fittest, best first', () => {
    const el = new Elitism(space, { ...settings, populationSize: 3 }, createRng(3));
    [5, 1, 9, 7, 3].forEach((f, id) => {
      el.propose();
      el.observe(id, id, f);
    });
    assert.deepEqual(el.population().map((i) => i.fitness), [9, 7, 5]);
  });

  it('tournament selection returns the fittest of distinct draws', () => {
    const population = Array.from({ length: 10 }, (_, id) => ({ id, candidate: id, fitness: id }));
    const rng = createRng(4);
    const wins = new Map<number, number>();
    for (let i = 0; i < 2000; i++) {
      const w = tournamentSelect(population, 3, rng).id;
      wins.set(w, (wins.get(w) ?? 0) + 1);
    }
    assert.equal(wins.get(0), undefined); // the worst can only win a tournament of itself
    assert.equal(wins.get(1), undefined); // two distinct others are always fitter
    assert.ok((wins.get(9) ?? 0) > 500); // P(9 drawn) = 3/10
    assert.equal(tournamentSelect(population, 50, rng).id, 9);
  });

  it('retries mutation until valid and names the problem when it cannot', () => {
    const evenOnly: SearchSpace<number> = { ...space, validate: (x) => ((x as number) % 2 === 0 ? null : 'x: must be even') };
    const child = mutateUntilValid(evenOnly, 1, createRng(5), 100);
    assert.equal(child % 2, 0);
    const never: SearchSpace<number> = { ...space, validate: () => 'x: never valid' };
    assert.throws(() => mutateUntilValid(never, 1, createRng(5), 7), (e: unknown) => e instanceof SearchSpaceError && /7 tries.*never valid/.test((e as Error).message));
  });
});
