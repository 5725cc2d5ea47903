/**
 * Random sampling and mutation of discrete samplers. Every candidate produced
 * is valid and within the NFE limit (expected calls, exact): the step count,
 * or k, is chosen last, after the sampler, schedule and cache.
 */
import type { Rng } from '../../random/rng.js';
import { pickWeighted } from '../../random/weighted.js';
import { GRID_SAMPLERS, MAX_STEPS, SCHEDULE_KINDS, isGridSampler, normalizeCandidate, type DiscreteCandidate, type MaskSchedule } from './candidate.js';
import { expectedNfe } from './samplers.js';

export interface DiscreteSpace {
  length: number;
  nfeLimit: number;
}

function round(v: number): number {
  return Number(v.toPrecision(6));
}

function randomSchedule(rng: Rng): MaskSchedule {
  const kind = rng.pick(SCHEDULE_KINDS);
  if (kind === 'power') return { kind, p: round(Math.exp(rng.uniform(Math.log(0.3), Math.log(3.5)))) };
  if (kind === 'log-linear') return { kind, eps: 1e-3 };
  return { kind };
}

const within = (c: DiscreteCandidate, space: DiscreteSpace) => expectedNfe(c, space.length) <= space.nfeLimit + 1e-9;

/** The largest step count whose expected NFE fits (binary search: E[NFE] grows with the steps), 0 if none. */
export function maxStepsWithin(c: DiscreteCandidate, space: DiscreteSpace): number {
  if (!within({ ...c, steps: 1 }, space)) return 0;
  let lo = 1;
  let hi = MAX_STEPS;
  if (within({ ...c, steps: hi }, space)) return hi;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (within({ ...c, steps: mid }, space)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** Sets steps (grid samplers) or k (unmask-k) to fit the limit; null when it cannot fit. */
function fit(c: DiscreteCandidate, space: DiscreteSpace, rng: Rng, preferMax: boolean): DiscreteCandidate | null {
  if (c.sampler === 'first-hitting') return within(c, space) ? c : null;
  if (c.sampler === 'unmask-k') {
    const smallest = Math.ceil(space.length / Math.floor(space.nfeLimit));
    if (smallest > space.length) return null;
    const k = preferMax && rng.bernoulli(0.7) ? smallest : smallest + rng.int(space.length - smallest + 1);
    return { ...c, k: Math.max(smallest, Math.min(space.length, preferMax ? k : Math.max(c.k ?? k, smallest))) };
  }
  const max = maxStepsWithin(c, space);
  if (max === 0) return null;
  const steps = preferMax ? (rng.bernoulli(0.7) ? max : 1 + rng.int(max)) : Math.min(Math.max(1, c.steps ?? max), max);
  return { ...c, steps };
}

function randomSampler(rng: Rng): DiscreteCandidate {
  const u = rng.next();
  if (u < 0.75) return { sampler: rng.pick(GRID_SAMPLERS), schedule: randomSchedule(rng), steps: 1, cache: rng.bernoulli(0.6) };
  if (u < 0.9) return { sampler: 'unmask-k', k: 1 };
  return { sampler: 'first-hitting', schedule: randomSchedule(rng) };
}

export function randomCandidate(space: DiscreteSpace, rng: Rng): DiscreteCandidate {
  for (;;) {
    const fitted = fit(randomSampler(rng), space, rng, true);
    if (fitted) return normalizeCandidate(fitted);
  }
}

type Mutation = (c: DiscreteCandidate, space: DiscreteSpace, rng: Rng) => DiscreteCandidate | null;

const changeSampler: Mutation = (c, space, rng) => {
  const next = randomSampler(rng);
  if (next.schedule && c.schedule) next.schedule = c.schedule;
  if (next.steps !== undefined && c.steps !== undefined) next.steps = c.steps;
  return fit(next, space, rng, c.steps === undefined);
};

const changeSchedule: Mutation = (c, space, rng) => {
  if (!c.schedule) return null;
  const s = c.schedule;
  const schedule = s.kind === 'power' && rng.bernoulli(0.6) ? { kind: 'power' as const, p: round(Math.min(4, Math.max(0.25, s.p * Math.exp(0.25 * rng.normal())))) } : randomSchedule(rng);
  return fit({ ...c, schedule }, space, rng, false);
};

const changeSteps: Mutation = (c, space, rng) => {
  if (c.sampler === 'unmask-k') return fit({ ...c, k: (c.k as number) + (rng.bernoulli(0.5) ? 1 : -1) }, space, rng, false);
  if (c.steps === undefined) return null;
  const factor = rng.pick([0.5, 0.8, 1.25, 2]);
  const steps = Math.max(1, Math.min(MAX_STEPS, Math.round(c.steps * factor) + (rng.bernoulli(0.5) ? 1 : -1)));
  const next = { ...c, steps };
  return within(next, space) ? next : null;
};

const toggleCache: Mutation = (c, space, rng) => {
  if (!isGridSampler(c.sampler)) return null;
  return fit({ ...c, cache: !(c.cache ?? true) }, space, rng, false);
};

const MUTATIONS: Array<[number, Mutation]> = [
  [0.2, changeSampler],
  [0.25, changeSchedule],
  [0.4, changeSteps],
  [0.15, toggleCache],
];

export function mutateCandidate(c: DiscreteCandidate, space: DiscreteSpace, rng: Rng): DiscreteCandidate {
  for (let attempt = 0; attempt < 50; attempt++) {
    const next = pickWeighted(MUTATIONS, rng)(c, space, rng);
    if (next && (next.k === undefined || (next.k >= 1 && next.k <= space.length)) && within(next, space)) return normalizeCandidate(next);
  }
  return randomCandidate(space, rng);
}
