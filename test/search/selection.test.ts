/**
 * Parent selection and population keeping, checked by value: tournaments against an
 * independent reimplementation of Floyd's sampling on the same rng stream, and the
 * populations of aging evolution and elitism against what they must hold.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRng, type Rng } from '../../src/random/rng.js';
import { createSearcher, SEARCH_ALGORITHMS, type SearchAlgorithm } from '../../src/search/create-searcher.js';
import { Elitism } from '../../src/search/elitism.js';
import { RandomSearch } from '../../src/search/random-search.js';
import { RegularizedEvolution } from '../../src/search/regularized-evolution.js';
import { mutateUntilValid, randomValid, SearchSpaceError, type Individual, type SearchSpace } from '../../src/search/searcher.js';
import { tournamentSelect } from '../../src/search/tournament.js';

/** The winner of a tournament, written out directly: `size` distinct draws, the first strictly fittest wins. */
function referenceTournament(fitness: readonly number[], size: number, rng: Rng): number {
  const n = fitness.length;
  if (size >= n) return fitness.indexOf(Math.max(...fitness));
  const drawn = new Set<number>();
  const order: number[] = [];
  for (let j = n - size; j < n; j++) {
    const t = rng.int(j + 1);
    const index = drawn.has(t) ? j : t;
    drawn.add(index);
    order.push(index);
  }
  assert.equal(new Set(order).size, size, 'the draws are distinct');
  let best = order[0];
  for (const i of order) if (fitness[i] > fitness[best]) best = i;
  return best;
}

const individuals = (fitness: readonly number[]): Individual<number>[] => fitness.map((f, id) => ({ id, candidate: id, fitness: f }));

describe('tournament selection', () => {
  it('matches the reference on random populations with ties and negative fitness', () => {
    const gen = createRng('tournament-populations');
    // Scratch kept across calls, as the population searchers do: what earlier tournaments left must not count.
    const scratch = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8];
    for (let round = 0; round < 300; round++) {
      const n = 1 + gen.int(12);
      // Few distinct values (ties) and negative ones (the initial best must not be a fitness of 0).
      const fitness = Array.from({ length: n }, () => gen.int(5) - 7);
      const size = 1 + gen.int(n + 2);
      const a = createRng(round);
      const b = createRng(round);
      const packed = round % 2 === 0 ? Float64Array.from(fitness) : undefined;
      const winner = tournamentSelect(individuals(fitness), size, a, packed, round % 3 === 0 ? undefined : scratch);
      assert.equal(winner.id, referenceTournament(fitness, size, b), `n=${n} size=${size} fitness=${fitness}`);
      assert.equal(a.next(), b.next(), 'the same number of draws');
    }
  });

  it('draws nothing when the tournament covers the population, and ties go to the first', () => {
    const rng = createRng(9);
    const fresh = createRng(9);
    assert.equal(tournamentSelect(individuals([3, 7, 7, 1]), 4, rng).id, 1);
    assert.equal(tournamentSelect(individuals([-3, -2, -5]), 9, rng).id, 1);
    assert.equal(tournamentSelect(individuals([0, 0]), 2, rng).id, 0);
    assert.equal(rng.next(), fresh.next());
  });

  it('reads the packed fitness array when given one', () => {
    const population = individuals([1, 2, 3, 4]);
    assert.equal(tournamentSelect(population, 4, createRng(1), [9, 2, 3, 4]).id, 0);
    assert.equal(tournamentSelect(population, 3, createRng(1), [5, 5, 5, 5]).fitness, population[referenceTournament([5, 5, 5, 5], 3, createRng(1))].fitness);
  });

  it('a size-1 tournament is a uniform draw, a size-(n-1) one never picks the worst', () => {
    const population = individuals([4, 1, 3, 0, 2]);
    const rng = createRng(3);
    const counts = [0, 0, 0, 0, 0];
    for (let i = 0; i < 5000; i++) counts[tournamentSelect(population, 1, rng).id]++;
    for (const c of counts) assert.ok(c > 850 && c < 1150, `${counts}`);
    for (let i = 0; i < 500; i++) assert.notEqual(tournamentSelect(population, 4, rng).id, 3);
  });

  it('refuses an empty population', () => {
    assert.throws(() => tournamentSelect([], 3, createRng(1)), /tournament on an empty population/);
  });
});

const counter: SearchSpace<number> = {
  random: (rng) => 1000 + rng.int(1000),
  mutate: (x) => x + 1,
};
const settings = { populationSize: 3, tournamentSize: 3, maxMutationTries: 5 };

describe('population searchers', () => {
  it('aging evolution keeps the newest populationSize and selects by their fitness', () => {
    const re = new RegularizedEvolution(counter, settings, createRng(1));
    [10, 1, 2, 3].forEach((f, id) => {
      re.propose();
      re.observe(id, 100 + id, f);
    });
    assert.deepEqual(re.population().map((i) => [i.id, i.candidate, i.fitness]), [[1, 101, 1], [2, 102, 2], [3, 103, 3]]);
    // A full tournament picks the fittest member (id 3), not the aged-out 10.
    const child = re.propose();
    assert.deepEqual(child, { candidate: 104, parentId: 3 });
  });

  it('random samples while the population, counting proposals in flight, is not full', () => {
    const re = new RegularizedEvolution(counter, settings, createRng(2));
    // No member yet: random even when the outstanding proposals alone would fill the population.
    for (let i = 0; i < 5; i++) assert.equal(re.propose().parentId, null);
    for (let id = 0; id < 5; id++) re.observe(id, id, id);
    assert.equal(re.population().length, 3);
    assert.equal(re.propose().parentId, 4);

    const other = new RegularizedEvolution(counter, { ...settings, populationSize: 5 }, createRng(2));
    for (let id = 0; id < 3; id++) {
      other.propose();
      other.observe(id, id, id);
    }
    // 3 members, nothing outstanding: still filling.
    assert.equal(other.propose().parentId, null);
  });

  it('a failed proposal is no longer outstanding and never a member', () => {
    const re = new RegularizedEvolution(counter, { ...settings, populationSize: 2 }, createRng(3));
    re.propose();
    re.observe(0, 0, null);
    re.propose();
    re.observe(1, 1, 5);
    // 1 member, 0 outstanding < 2: random.
    assert.equal(re.propose().parentId, null);
    assert.deepEqual(re.population().map((i) => i.id), [1]);
  });

  it('restore rebuilds the population oldest first', () => {
    const re = new RegularizedEvolution(counter, settings, createRng(4));
    re.restore(individuals([5, 6, 7, 8]));
    assert.deepEqual(re.population().map((i) => i.id), [1, 2, 3]);
    assert.deepEqual(re.propose(), { candidate: 4, parentId: 3 });
  });

  it('elitism keeps the fittest, best first, the older of equals ahead', () => {
    const el = new Elitism(counter, settings, createRng(5));
    el.restore(individuals([5, 5, 2, 5, 9, 1]));
    assert.deepEqual(el.population().map((i) => [i.id, i.fitness]), [[4, 9], [0, 5], [1, 5]]);
    el.observe(6, 6, 5);
    assert.deepEqual(el.population().map((i) => i.id), [4, 0, 1]);
    el.observe(7, 7, 6);
    assert.deepEqual(el.population().map((i) => i.id), [4, 7, 0]);
  });

  it('normalizes valid candidates and names the last problem when none is valid', () => {
    const space: SearchSpace<number> = {
      random: (rng) => rng.int(10),
      mutate: (x, rng) => x + rng.int(10),
      validate: (x) => ((x as number) % 3 === 0 ? null : `x: ${x as number} is no multiple of 3`),
      normalize: (x) => -x,
    };
    const rng = createRng(6);
    const sampled: number[] = [];
    for (let i = 0; i < 20; i++) {
      sampled.push(randomValid(space, rng, 1000));
      const child = mutateUntilValid(space, 1, rng, 1000);
      assert.ok(child < 0 && -child % 3 === 0, `${child}`);
    }
    assert.ok(sampled.every((x) => x <= 0 && Math.abs(x) % 3 === 0) && sampled.some((x) => x < 0), `${sampled}`);
    const none = { ...space, validate: (x: unknown) => `x: ${x as number} is bad` };
    const fixed = { random: () => 4, mutate: () => 7 };
    assert.throws(() => randomValid({ ...fixed, validate: none.validate }, rng, 3), (e: unknown) => e instanceof SearchSpaceError && e.message === 'random sampling produced no valid candidate in 3 tries (last problem: x: 4 is bad)');
    assert.throws(() => mutateUntilValid({ ...fixed, validate: none.validate }, 1, rng, 2), (e: unknown) => e instanceof SearchSpaceError && e.name === 'SearchSpaceError' && e.message === 'mutation produced no valid child in 2 tries (last problem: x: 7 is bad)');
    // Exactly maxTries tries; with none allowed, no problem to name.
    let tries = 0;
    const counted = { random: () => (tries++, 4), mutate: () => (tries++, 7), validate: none.validate };
    assert.throws(() => randomValid(counted, rng, 4), /in 4 tries/);
    assert.throws(() => mutateUntilValid(counted, 1, rng, 3), /in 3 tries/);
    assert.equal(tries, 7);
    assert.throws(() => randomValid(counted, rng, 0), (e: unknown) => (e as Error).message === 'random sampling produced no valid candidate in 0 tries (last problem: )');
    assert.throws(() => mutateUntilValid(counted, 1, rng, 0), (e: unknown) => (e as Error).message === 'mutation produced no valid child in 0 tries (last problem: )');
    assert.equal(tries, 7);
    // Without validate, the first sample is taken as it is.
    assert.equal(randomValid(fixed, rng, 1), 4);
    assert.equal(mutateUntilValid(fixed, 1, rng, 1), 7);
  });
});

describe('random search and the searcher factory', () => {
  it('random search proposes fresh samples and keeps only the first of the best', () => {
    const rs = new RandomSearch(counter, 5, createRng(7));
    const same = createRng(7);
    assert.deepEqual(rs.propose(), { candidate: 1000 + same.int(1000), parentId: null });
    assert.deepEqual(rs.population(), []);
    rs.restore(individuals([2, 5, 5, 1]));
    rs.observe(9, 9, null);
    assert.deepEqual(rs.population(), [{ id: 1, candidate: 1, fitness: 5 }]);
    rs.observe(10, 10, 5.5);
    assert.deepEqual(rs.population(), [{ id: 10, candidate: 10, fitness: 5.5 }]);
    const negative = new RandomSearch(counter, 5, createRng(7));
    negative.observe(0, 0, -3);
    assert.deepEqual(negative.population().map((i) => i.fitness), [-3]);
  });

  it('createSearcher builds the named algorithm with the settings', () => {
    const make = (algorithm: SearchAlgorithm) => createSearcher(counter, { ...settings, algorithm }, createRng(8));
    assert.ok(make('regularized-evolution') instanceof RegularizedEvolution);
    assert.ok(make('elitism') instanceof Elitism);
    assert.ok(make('random') instanceof RandomSearch);
    assert.deepEqual([...SEARCH_ALGORITHMS], ['regularized-evolution', 'elitism', 'random']);
    // The settings reach the searcher: a population of 3 holds 3.
    const re = make('regularized-evolution');
    re.restore(individuals([1, 2, 3, 4, 5]));
    assert.equal(re.population().length, 3);
  });
});
