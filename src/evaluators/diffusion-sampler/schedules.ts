/**
 * Sigma grids. Every schedule yields a strictly decreasing Float64Array from
 * sigmaMax to sigmaMin (endpoints exact), followed by 0 when the candidate
 * asks for a final denoise step.
 */
import { canonicalExplicitGrid, type SamplerCandidate, type Schedule, type SigmaRange } from './candidate.js';
import { mrProcess, mrSigma, mrTime } from './mean-reverting.js';

/** Linear-beta VP schedule of DDPM / DEIS (beta_min 0.1, beta_d 19.9), in EDM's sigma. */
export const VP_BETA_MIN = 0.1;
export const VP_BETA_D = 19.9;

export function vpSigma(t: number): number {
  return Math.sqrt(Math.expm1(0.5 * VP_BETA_D * t * t + VP_BETA_MIN * t));
}

export function vpTime(sigma: number): number {
  return (-VP_BETA_MIN + Math.sqrt(VP_BETA_MIN * VP_BETA_MIN + 2 * VP_BETA_D * Math.log1p(sigma * sigma))) / VP_BETA_D;
}

/** Points i = 0..m of one parametric family between sigmaMax and sigmaMin. */
function parametricPoints(schedule: Exclude<Schedule, { kind: 'explicit' }>, m: number, range: SigmaRange): Float64Array {
  const { sigmaMax: hi, sigmaMin: lo } = range;
  const out = new Float64Array(m + 1);
  for (let i = 0; i <= m; i++) {
    const f = m === 0 ? 0 : i / m;
    switch (schedule.kind) {
      case 'edm': {
        const p = 1 / schedule.rho;
        out[i] = (hi ** p + f * (lo ** p - hi ** p)) ** schedule.rho;
        break;
      }
      case 'uniform-sigma':
        out[i] = hi + f * (lo - hi);
        break;
      case 'logsnr':
        out[i] = Math.exp(Math.log(hi) + f * (Math.log(lo) - Math.log(hi)));
        break;
      case 'vp-time': {
        const p = 1 / schedule.kappa;
        const tHi = vpTime(hi) ** p;
        const tLo = vpTime(lo) ** p;
        out[i] = vpSigma((tHi + f * (tLo - tHi)) ** schedule.kappa);
        break;
      }
      case 'u-shaped':
        out[i] = uShapedSigma(schedule.a, f, range);
        break;
      case 'mr-time': {
        // polynomial in the mean-reverting process's time t (kappa 1 = uniform in t)
        const process = mrProcess(range);
        const p = 1 / schedule.kappa;
        const tHi = mrTime(process, hi) ** p;
        const tLo = mrTime(process, lo) ** p;
        out[i] = mrSigma(process, (tHi + f * (tLo - tHi)) ** schedule.kappa);
        break;
      }
    }
  }
  out[0] = hi;
  out[m] = lo;
  return out;
}

/**
 * U-shaped timesteps (Lee et al., "Improving the Training of Rectified Flows"):
 * density proportional to cosh(a (t - 1/2)) on rectified-flow time t, where
 * sigma = t / (1 - t). Quantiles are spaced evenly between those of the two
 * endpoints, so the grid still spans exactly [sigmaMin, sigmaMax].
 */
function uShapedSigma(a: number, f: number, range: SigmaRange): number {
  const tHi = range.sigmaMax / (1 + range.sigmaMax);
  const tLo = range.sigmaMin / (1 + range.sigmaMin);
  let t: number;
  if (a < 1e-9) {
    t = tHi + f * (tLo - tHi); // the a -> 0 limit: uniform in t
  } else {
    const s = Math.sinh(a / 2);
    const cdf = (x: number) => 0.5 + Math.sinh(a * (x - 0.5)) / (2 * s);
    const u = cdf(tHi) + f * (cdf(tLo) - cdf(tHi));
    t = 0.5 + Math.asinh((2 * u - 1) * s) / a;
  }
  return t / (1 - t);
}

/** The full sigma grid a candidate walks, ending in 0 for a final denoise. */
export function sigmaGrid(c: SamplerCandidate, range: SigmaRange): Float64Array {
  const finalDenoise = c.finalDenoise ?? false;
  let points: Float64Array;
  if (c.schedule.kind === 'explicit') {
    points = Float64Array.from(canonicalExplicitGrid(c.schedule.sigmas, range));
  } else {
    const steps = c.steps as number;
    points = parametricPoints(c.schedule, finalDenoise ? steps - 1 : steps, range);
  }
  if (!finalDenoise) return points;
  const out = new Float64Array(points.length + 1);
  out.set(points);
  return out;
}
