/**
 * Random sampling and mutation of samplers. Every candidate produced here is
 * valid and within the NFE limit: a step count is always chosen after the
 * solver, so a costlier solver takes fewer steps.
 */
import type { Rng } from '../../random/rng.js';
import { pickWeighted } from '../../random/weighted.js';
import {
  DEIS_VARIANTS,
  EDM_SCHEDULE_KINDS,
  EDM_SOLVERS,
  ORDER_RANGE,
  PREDICTIONS,
  UNIPC_VARIANTS,
  normalizeCandidate,
  stepCount,
  type SamplerCandidate,
  type Schedule,
  type ScheduleKind,
  type SigmaRange,
  type SolverName,
} from './candidate.js';
import { nfe } from './sampler.js';
import { sigmaGrid } from './schedules.js';

export interface SearchSpace {
  range: SigmaRange;
  nfeLimit: number;
  /** Solvers to draw from (default: the EDM ODE solvers). */
  solvers?: readonly SolverName[];
  /** Schedule families to draw from (default: all but mr-time). */
  scheduleKinds?: readonly ScheduleKind[];
}

const solversOf = (space: SearchSpace) => space.solvers ?? EDM_SOLVERS;
const kindsOf = (space: SearchSpace) => space.scheduleKinds ?? EDM_SCHEDULE_KINDS;
/** Parametric families a random explicit grid starts from. */
const explicitSources = (space: SearchSpace) =>
  kindsOf(space).filter((k): k is 'edm' | 'logsnr' | 'vp-time' | 'u-shaped' | 'mr-time' => ['edm', 'logsnr', 'vp-time', 'u-shaped', 'mr-time'].includes(k));
/** Families with a parameter to mutate. */
const tunable = (space: SearchSpace) => kindsOf(space).filter((k): k is 'edm' | 'vp-time' | 'u-shaped' | 'mr-time' => ['edm', 'vp-time', 'u-shaped', 'mr-time'].includes(k));

const MAX_STEPS = 200;

/** The largest step count within the NFE limit (0 if even the smallest is over). */
export function maxStepsWithin(c: SamplerCandidate, space: SearchSpace): number {
  const minimum = c.finalDenoise ? 2 : 1;
  let best = 0;
  for (let steps = minimum; steps <= MAX_STEPS; steps++) {
    if (nfe({ ...c, schedule: { kind: 'logsnr' }, steps }, space.range) > space.nfeLimit) break;
    best = steps;
  }
  return best;
}

function randomSolverOptions(solver: SamplerCandidate['solver'], rng: Rng): Omit<SamplerCandidate, 'schedule' | 'steps' | 'finalDenoise'> {
  const c: Omit<SamplerCandidate, 'schedule' | 'steps' | 'finalDenoise'> = { solver };
  const orders = ORDER_RANGE[solver];
  if (orders) c.order = orders[0] + rng.int(orders[1] - orders[0] + 1);
  if (solver === 'unipc') {
    c.variant = rng.pick(UNIPC_VARIANTS);
    c.corrector = rng.bernoulli(0.7);
  }
  if (solver === 'deis') c.variant = rng.pick(DEIS_VARIANTS);
  if (solver === 'dpmpp-2s') c.r1 = rng.bernoulli(0.5) ? 0.5 : round(rng.uniform(0.2, 0.9));
  if (solver === 'mrs-ode' || solver === 'mrs-sde') c.prediction = rng.pick(PREDICTIONS);
  const multistep = ['dpmpp-2m', 'unipc', 'ipndm'].includes(solver) || (solver === 'deis' && c.variant !== 'rhork');
  if (multistep) c.lowerOrderFinal = rng.bernoulli(0.3);
  return c;
}

function round(v: number): number {
  return Number(v.toPrecision(6));
}

function randomParametric(kind: Exclude<ScheduleKind, 'explicit'>, rng: Rng): Schedule {
  switch (kind) {
    case 'edm':
      return { kind, rho: round(Math.exp(rng.uniform(Math.log(1), Math.log(15)))) };
    case 'vp-time':
      return { kind, kappa: round(rng.uniform(0.7, 3)) };
    case 'u-shaped':
      return { kind, a: round(rng.uniform(0, 6)) };
    case 'mr-time':
      return { kind, kappa: round(rng.uniform(0.7, 3)) };
    default:
      return { kind };
  }
}

/** Interior sigmas of a candidate's current grid, as an explicit schedule. */
function toExplicit(c: SamplerCandidate, space: SearchSpace): Schedule {
  const grid = Array.from(sigmaGrid(c, space.range)).filter((s) => s > 0);
  return { kind: 'explicit', sigmas: grid.slice(1, -1).filter((s) => s > space.range.sigmaMin && s < space.range.sigmaMax) };
}

/** Sets the step count (or the explicit grid length) to fit the limit. */
function fitSteps(c: SamplerCandidate, space: SearchSpace, rng: Rng, preferMax: boolean): SamplerCandidate | null {
  const max = maxStepsWithin(c, space);
  if (max === 0) return null;
  const minimum = c.finalDenoise ? 2 : 1;
  const current = stepCount(c, space.range);
  let steps: number;
  if (preferMax) steps = rng.bernoulli(0.85) ? max : minimum + rng.int(max - minimum + 1);
  else steps = Math.min(Math.max(current, minimum), max);
  if (c.schedule.kind !== 'explicit') return { ...c, steps };
  return { ...c, steps: undefined, schedule: resizeExplicit(c.schedule.sigmas, steps - (c.finalDenoise ? 1 : 0) - 1, space, rng) };
}

/** Grows (by log-midpoints of the widest gaps) or shrinks (random drops) an interior list. */
function resizeExplicit(sigmas: readonly number[], interior: number, space: SearchSpace, rng: Rng): Schedule {
  const { sigmaMax, sigmaMin } = space.range;
  let list = [...new Set(sigmas)].filter((s) => s > sigmaMin && s < sigmaMax).sort((a, b) => b - a);
  while (list.length > interior) list.splice(rng.int(list.length), 1);
  while (list.length < interior) {
    const full = [sigmaMax, ...list, sigmaMin];
    let widest = 0;
    for (let i = 1; i + 1 < full.length; i++) if (full[i] / full[i + 1] > full[widest] / full[widest + 1]) widest = i;
    const mid = round(Math.sqrt(full[widest] * full[widest + 1]));
    if (mid <= sigmaMin || mid >= sigmaMax || full.includes(mid)) break;
    list = [...full.slice(1, widest + 1), mid, ...full.slice(widest + 1, -1)];
  }
  return { kind: 'explicit', sigmas: list };
}

export function randomCandidate(space: SearchSpace, rng: Rng): SamplerCandidate {
  for (;;) {
    const base = { ...randomSolverOptions(rng.pick(solversOf(space)), rng), finalDenoise: rng.bernoulli(0.25) };
    const kind = rng.pick(kindsOf(space));
    const parametric = randomParametric(kind === 'explicit' ? rng.pick(explicitSources(space)) : kind, rng);
    const sized = fitSteps({ ...base, schedule: parametric, steps: 1 }, space, rng, true);
    if (!sized) continue;
    if (kind !== 'explicit') return sized;
    const explicit = toExplicit(sized, space);
    if (explicit.kind === 'explicit') explicit.sigmas = explicit.sigmas.map((s) => jitter(s, 0.15, space, rng));
    return normalizeCandidate({ ...sized, steps: undefined, schedule: explicit }, space.range);
  }
}

function jitter(sigma: number, scale: number, space: SearchSpace, rng: Rng): number {
  const { sigmaMax, sigmaMin } = space.range;
  const v = round(sigma * Math.exp(scale * rng.normal()));
  return Math.min(sigmaMax * 0.999999, Math.max(sigmaMin * 1.000001, v));
}

type Mutation = (c: SamplerCandidate, space: SearchSpace, rng: Rng) => SamplerCandidate | null;

const changeSolver: Mutation = (c, space, rng) => {
  const others = solversOf(space).filter((s) => s !== c.solver);
  return fitSteps({ ...randomSolverOptions(rng.pick(others), rng), schedule: c.schedule, steps: c.steps, finalDenoise: c.finalDenoise }, space, rng, true);
};

const changeSolverOption: Mutation = (c, space, rng) => {
  const next = { ...c };
  const choices: Array<() => void> = [];
  const orders = ORDER_RANGE[c.solver];
  if (orders) choices.push(() => (next.order = orders[0] + rng.int(orders[1] - orders[0] + 1)));
  if (c.solver === 'unipc') {
    choices.push(() => (next.variant = next.variant === 'bh1' ? 'bh2' : 'bh1'));
    choices.push(() => (next.corrector = !(next.corrector ?? true)));
  }
  if (c.solver === 'deis') choices.push(() => (next.variant = rng.pick(DEIS_VARIANTS.filter((v) => v !== c.variant))));
  if (c.solver === 'dpmpp-2s') choices.push(() => (next.r1 = round(Math.min(0.95, Math.max(0.05, (c.r1 ?? 0.5) + 0.15 * rng.normal())))));
  if (c.prediction !== undefined) choices.push(() => (next.prediction = c.prediction === 'data' ? 'noise' : 'data'));
  if (c.lowerOrderFinal !== undefined) choices.push(() => (next.lowerOrderFinal = !c.lowerOrderFinal));
  if (choices.length === 0) return changeSolver(c, space, rng);
  rng.pick(choices)();
  if (next.solver === 'deis' && next.variant === 'rhork') delete next.lowerOrderFinal;
  if (next.solver === 'deis' && next.variant !== 'rhork' && next.lowerOrderFinal === undefined) next.lowerOrderFinal = false;
  return fitSteps(next, space, rng, false);
};

const changeSchedule: Mutation = (c, space, rng) => {
  const s = c.schedule;
  let schedule: Schedule;
  if (rng.bernoulli(0.25)) {
    // switch family (to explicit: the current grid, written out)
    const kind = rng.pick(kindsOf(space).filter((k) => k !== s.kind));
    if (kind === 'explicit') return { ...c, steps: undefined, schedule: toExplicit(c, space) };
    return fitSteps({ ...c, schedule: randomParametric(kind, rng), steps: stepCount(c, space.range) }, space, rng, false);
  }
  switch (s.kind) {
    case 'edm':
      schedule = { kind: 'edm', rho: round(Math.min(20, Math.max(0.5, s.rho * Math.exp(0.3 * rng.normal())))) };
      break;
    case 'vp-time':
      schedule = { kind: 'vp-time', kappa: round(Math.min(4, Math.max(0.5, s.kappa * Math.exp(0.2 * rng.normal())))) };
      break;
    case 'u-shaped':
      schedule = { kind: 'u-shaped', a: round(Math.min(8, Math.max(0, s.a + 0.8 * rng.normal()))) };
      break;
    case 'mr-time':
      schedule = { kind: 'mr-time', kappa: round(Math.min(4, Math.max(0.5, s.kappa * Math.exp(0.2 * rng.normal())))) };
      break;
    case 'explicit': {
      if (s.sigmas.length === 0) return changeSteps(c, space, rng);
      const sigmas = [...s.sigmas];
      const i = rng.int(sigmas.length);
      sigmas[i] = jitter(sigmas[i], 0.3, space, rng);
      schedule = { kind: 'explicit', sigmas };
      break;
    }
    default:
      return changeSchedule({ ...c, schedule: randomParametric(rng.pick(tunable(space)), rng) }, space, rng);
  }
  return { ...c, schedule };
};

const changeSteps: Mutation = (c, space, rng) => {
  const delta = rng.bernoulli(0.5) ? 1 : -1;
  const target = stepCount(c, space.range) + delta;
  const max = maxStepsWithin(c, space);
  const minimum = c.finalDenoise ? 2 : 1;
  if (target < minimum || target > max) return null;
  if (c.schedule.kind !== 'explicit') return { ...c, steps: target };
  return { ...c, schedule: resizeExplicit(c.schedule.sigmas, target - (c.finalDenoise ? 1 : 0) - 1, space, rng) };
};

const toggleFinalDenoise: Mutation = (c, space, rng) => {
  const next = { ...c, finalDenoise: !c.finalDenoise };
  if (c.schedule.kind === 'explicit') {
    // keep the grid; the extra step to 0 must still fit
    return nfe(next, space.range) <= space.nfeLimit ? next : null;
  }
  return fitSteps(next, space, rng, false);
};

const MUTATIONS: Array<[number, Mutation]> = [
  [0.2, changeSolver],
  [0.25, changeSolverOption],
  [0.3, changeSchedule],
  [0.15, changeSteps],
  [0.1, toggleFinalDenoise],
];

export function mutateCandidate(c: SamplerCandidate, space: SearchSpace, rng: Rng): SamplerCandidate {
  for (let attempt = 0; attempt < 50; attempt++) {
    const next = pickWeighted(MUTATIONS, rng)(c, space, rng);
    if (next && nfe(next, space.range) <= space.nfeLimit) return normalizeCandidate(next, space.range);
  }
  return randomCandidate(space, rng);
}
