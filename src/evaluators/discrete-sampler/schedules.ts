/**
 * Mask schedules m(t): the probability that a token is masked at time t in
 * [0, 1] (m(0) = 0, m(1) = 1 up to log-linear's eps), with the reverse unmask
 * rate r(t) = m'(t) / m(t) and the inverse m^-1 the first-hitting sampler uses.
 * - linear: m = t.
 * - cosine: m = 1 - cos(pi t / 2).
 * - log-linear (SEDD / RADD): total noise sigmaBar(t) = -log(1 - (1 - eps) t),
 *   m = 1 - exp(-sigmaBar). It is (1 - eps) t, so every sampler here (which
 *   only uses ratios of m, or r = 1 / t) treats it exactly as linear: a
 *   "written differently" pair the probe merges.
 * - power: m = t^p.
 */
import { DEFAULT_EPS, type MaskSchedule } from './candidate.js';

export interface ScheduleFunctions {
  mask(t: number): number;
  rate(t: number): number;
  inverse(m: number): number;
}

export function scheduleFunctions(s: MaskSchedule): ScheduleFunctions {
  switch (s.kind) {
    case 'linear':
      return { mask: (t) => t, rate: (t) => 1 / t, inverse: (m) => m };
    case 'cosine':
      return {
        mask: (t) => 1 - Math.cos((Math.PI * t) / 2),
        rate: (t) => ((Math.PI / 2) * Math.sin((Math.PI * t) / 2)) / (1 - Math.cos((Math.PI * t) / 2)),
        inverse: (m) => (2 / Math.PI) * Math.acos(1 - m),
      };
    case 'log-linear': {
      const scale = 1 - (s.eps ?? DEFAULT_EPS);
      const sigmaBar = (t: number) => -Math.log1p(-scale * t);
      const sigma = (t: number) => scale / (1 - scale * t);
      return {
        mask: (t) => -Math.expm1(-sigmaBar(t)),
        // the absorbing rate sigma(t) e^-sigmaBar / (1 - e^-sigmaBar)
        rate: (t) => (sigma(t) * Math.exp(-sigmaBar(t))) / -Math.expm1(-sigmaBar(t)),
        inverse: (m) => -Math.expm1(Math.log1p(-m)) / scale,
      };
    }
    case 'power':
      return { mask: (t) => t ** s.p, rate: (t) => s.p / t, inverse: (m) => m ** (1 / s.p) };
  }
}
