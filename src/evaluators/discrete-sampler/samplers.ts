/**
 * Absorbing-diffusion samplers on a batch of sequences, driven by fixed
 * uniforms so that a sampler is a deterministic function of them:
 * - `order` uniform U per position decides *when* it is unmasked. A time-grid
 *   sampler's per-step unmask probabilities p_j give the survival
 *   S_j = prod (1 - p_k); a position is still masked after step j iff
 *   1 - U <= S_j (the exact coupling of "unmask with probability p_j at each
 *   step"). The final step unmasks everything.
 *     analytic (exact transition): p_j = (m(t_(j-1)) - m(t_j)) / m(t_(j-1))
 *     euler:       p_j = min(1, r(t_(j-1)) dt)
 *     tau-leaping: p_j = 1 - exp(-r(t_(j-1)) dt)
 *   unmask-k unmasks the k masked positions of smallest U per step;
 *   first-hitting computes each position's exact hitting time m^-1(1 - U) and
 *   unmasks one position per network call, latest time first (the same order).
 * - `value` uniform per position draws its token (inverse CDF) from the exact
 *   conditional given the sequence as it was before that step: positions
 *   unmasked together are drawn independently, the discretisation error.
 * RADD's cache: the network is time-independent, so a call is needed only when
 * the sequence changed since the last one; NFE = the number of steps that
 * unmask something (the groups). Without the cache every grid step calls.
 */
import { isGridSampler, type DiscreteCandidate } from './candidate.js';
import { MASK, conditional, drawToken, type MarkovChain } from './markov-chain.js';
import { scheduleFunctions } from './schedules.js';

export interface DiscreteUniforms {
  n: number;
  /** When each position unmasks (n x length). */
  order: Float64Array;
  /** Which token it becomes (n x length). */
  value: Float64Array;
}

export interface DiscreteRun {
  tokens: Int32Array;
  /** For every position, the rank of the network call its token was drawn from. */
  groups: Int32Array;
  /** Network calls per sample. */
  calls: Int32Array;
}

/** Survival S_0 = 1 > ... > S_N = 0 of a time-grid sampler over t_j = 1 - j / N. */
export function survival(c: DiscreteCandidate): Float64Array {
  const steps = c.steps as number;
  const f = scheduleFunctions(c.schedule!);
  const s = new Float64Array(steps + 1);
  s[0] = 1;
  for (let j = 1; j <= steps; j++) {
    const from = 1 - (j - 1) / steps;
    const to = 1 - j / steps;
    let p: number;
    if (j === steps) p = 1;
    else if (c.sampler === 'analytic') p = (f.mask(from) - f.mask(to)) / f.mask(from);
    else if (c.sampler === 'euler') p = Math.min(1, f.rate(from) * (from - to));
    else p = -Math.expm1(-f.rate(from) * (from - to));
    s[j] = s[j - 1] * (1 - p);
  }
  return s;
}

/** First step j (1-based) with 1 - u > S_j: binary search on the decreasing survival. */
function gridStep(surv: Float64Array, u: number): number {
  const q = 1 - u;
  let lo = 1;
  let hi = surv.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (q > surv[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The step at which each position of each sample unmasks (1-based). */
function unmaskSteps(c: DiscreteCandidate, length: number, u: DiscreteUniforms): Int32Array {
  const steps = new Int32Array(u.n * length);
  if (isGridSampler(c.sampler)) {
    const surv = survival(c);
    for (let q = 0; q < steps.length; q++) steps[q] = gridStep(surv, u.order[q]);
    return steps;
  }
  const positions = Array.from({ length }, (_, i) => i);
  const f = c.sampler === 'first-hitting' ? scheduleFunctions(c.schedule!) : null;
  for (let s = 0; s < u.n; s++) {
    const base = s * length;
    if (f) {
      // exact hitting times; the latest (closest to t = 1) is unmasked first
      const top = f.mask(1);
      const time = positions.map((i) => f.inverse((1 - u.order[base + i]) * top));
      const ranked = [...positions].sort((a, b) => time[b] - time[a] || a - b);
      ranked.forEach((i, rank) => (steps[base + i] = rank + 1));
    } else {
      const ranked = [...positions].sort((a, b) => u.order[base + a] - u.order[base + b] || a - b);
      ranked.forEach((i, rank) => (steps[base + i] = Math.floor(rank / (c.k as number)) + 1));
    }
  }
  return steps;
}

export function runDiscreteSampler(c: DiscreteCandidate, chain: MarkovChain, u: DiscreteUniforms): DiscreteRun {
  const L = chain.length;
  const when = unmaskSteps(c, L, u);
  const tokens = new Int32Array(u.n * L).fill(MASK);
  const groups = new Int32Array(u.n * L);
  const calls = new Int32Array(u.n);
  const probs = Array.from({ length: L }, () => new Float64Array(chain.vocab));
  const cached = !isGridSampler(c.sampler) || (c.cache ?? true);
  for (let s = 0; s < u.n; s++) {
    const base = s * L;
    const order = Array.from({ length: L }, (_, i) => i).sort((a, b) => when[base + a] - when[base + b] || a - b);
    let group = -1;
    for (let start = 0; start < L; ) {
      let end = start;
      while (end < L && when[base + order[end]] === when[base + order[start]]) end++;
      group++;
      // one network call on the current sequence serves the whole group
      for (let q = start; q < end; q++) conditional(chain, tokens, base, order[q], probs[q - start]);
      for (let q = start; q < end; q++) {
        const i = order[q];
        tokens[base + i] = drawToken(probs[q - start], u.value[base + i]);
        groups[base + i] = group;
      }
      start = end;
    }
    calls[s] = cached ? group + 1 : (c.steps as number);
  }
  return { tokens, groups, calls };
}

/**
 * Expected network calls per sequence, exactly: N without the cache; with it,
 * the expected number of non-empty steps, sum_j 1 - (1 - (S_(j-1) - S_j))^L
 * (each position unmasks at step j independently with probability S_(j-1) - S_j).
 */
export function expectedNfe(c: DiscreteCandidate, length: number): number {
  if (c.sampler === 'first-hitting') return length;
  if (c.sampler === 'unmask-k') return Math.ceil(length / (c.k as number));
  if (!(c.cache ?? true)) return c.steps as number;
  const surv = survival(c);
  let total = 0;
  for (let j = 1; j < surv.length; j++) total += 1 - (1 - (surv[j - 1] - surv[j])) ** length;
  return total;
}
