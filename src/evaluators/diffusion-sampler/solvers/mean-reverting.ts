/**
 * Samplers for mean-reverting diffusion, written in the MR paper's own
 * coordinates (x and MR time t, condition mu; see ../mean-reverting.ts):
 * - the baselines: Euler on the probability-flow ODE and Euler-Maruyama on
 *   the reverse SDE, both stepping in t;
 * - the MR Sampler (MRS): the semi-analytic solutions of the PF-ODE and the
 *   reverse SDE in the half log-SNR lambda_t = log(alpha_t / s_t), with the
 *   network output (data x0_hat or noise eps_hat) held constant (order 1) or
 *   extrapolated linearly from the previous step (order 2, multistep).
 * Each takes and returns the domain's EDM state u and walks the same sigma
 * grid as every other solver; a step to sigma 0 (t = 0) is a plain data
 * prediction for MRS, and SDE steps to sigma 0 add no noise.
 */
import type { BrownianPath } from '../brownian.js';
import { fromMr, mrDataPrediction, mrNoise, mrPoint, toMr, type MrPoint, type MrProcess } from '../mean-reverting.js';
import type { Denoiser } from './types.js';

export interface MrContext {
  process: MrProcess;
  /** The condition mu of every sample, laid out like the state. */
  mu: Float64Array;
  /** Brownian path of the reverse-SDE samplers (absent: SDE samplers refuse to run). */
  brownian?: BrownianPath;
}

export interface MrsOptions {
  order: number;
  prediction: 'data' | 'noise';
  sde: boolean;
}

function stepNoise(ctx: MrContext, from: MrPoint, to: MrPoint): Float64Array | null {
  if (to.sigma === 0) return null;
  if (!ctx.brownian) throw new Error('reverse-SDE sampler run without a Brownian path');
  return ctx.brownian.standardIncrement(from.sigma, to.sigma);
}

/**
 * Euler in t on the PF-ODE dx/dt = theta_t (mu - x) + (g_t^2 / 2) eps_hat / s_t
 * (stochastic: Euler-Maruyama on the reverse SDE, drift with g_t^2 and
 * noise g_t sqrt(|dt|) z).
 */
export function mrEuler(grid: Float64Array, u0: Float64Array, denoise: Denoiser, ctx: MrContext, stochastic: boolean): Float64Array {
  const predict = mrDataPrediction(denoise, ctx.mu);
  const scoreWeight = stochastic ? 1 : 0.5;
  let from = mrPoint(ctx.process, grid[0]);
  const x = toMr(u0, ctx.mu, from.alpha);
  for (let i = 0; i + 1 < grid.length; i++) {
    const to = mrPoint(ctx.process, grid[i + 1]);
    const eps = mrNoise(x, predict(x, from), ctx.mu, from);
    const dt = to.t - from.t;
    const z = stochastic ? stepNoise(ctx, from, to) : null;
    const noiseScale = Math.sqrt(from.g2 * -dt);
    for (let k = 0; k < x.length; k++) {
      const drift = from.theta * (ctx.mu[k] - x[k]) + (scoreWeight * from.g2 * eps[k]) / from.std;
      x[k] += dt * drift + (z ? noiseScale * z[k] : 0);
    }
    from = to;
  }
  return fromMr(x, ctx.mu, from.alpha);
}

/** One MRS step's coefficients: x' = a x + b mu + c (output) + noise z. */
interface MrsStep {
  a: number;
  b: number;
  c: number;
  noise: number;
}

/**
 * The exact solution of the linear part with the network output held
 * constant over the step (h = lambda' - lambda > 0):
 * ODE data:  x' = (s'/s) x + alpha' (1 - e^-h) x0_hat
 * ODE noise: x' = (alpha'/alpha) x - s' (e^h - 1) eps_hat
 * SDE data:  x' = (s'/s) e^-h x + alpha' (1 - e^-2h) x0_hat + s' sqrt(1 - e^-2h) z
 * SDE noise: x' = (alpha'/alpha) x - 2 s' (e^h - 1) eps_hat + s' sqrt(e^2h - 1) z
 * each plus the mu term that makes it exact for y = x - mu.
 */
function mrsStep(from: MrPoint, to: MrPoint, h: number, o: MrsOptions): MrsStep {
  if (o.prediction === 'data') {
    const a = o.sde ? (to.std / from.std) * Math.exp(-h) : to.std / from.std;
    const c = to.alpha * -Math.expm1(-(o.sde ? 2 : 1) * h);
    return { a, b: 1 - a - c, c, noise: o.sde ? to.std * Math.sqrt(-Math.expm1(-2 * h)) : 0 };
  }
  const a = to.alpha / from.alpha;
  const c = -(o.sde ? 2 : 1) * to.std * Math.expm1(h);
  return { a, b: 1 - a, c, noise: o.sde ? to.std * Math.sqrt(Math.expm1(2 * h)) : 0 };
}

export function mrs(grid: Float64Array, u0: Float64Array, denoise: Denoiser, ctx: MrContext, o: MrsOptions): Float64Array {
  const predict = mrDataPrediction(denoise, ctx.mu);
  let from = mrPoint(ctx.process, grid[0]);
  let x = toMr(u0, ctx.mu, from.alpha);
  let previous: Float64Array | undefined;
  let hPrevious = 0;
  for (let i = 0; i + 1 < grid.length; i++) {
    const to = mrPoint(ctx.process, grid[i + 1]);
    const x0 = predict(x, from);
    if (to.sigma === 0) {
      x = x0;
      from = to;
      continue;
    }
    const output = o.prediction === 'data' ? x0 : mrNoise(x, x0, ctx.mu, from);
    const h = to.logSnr - from.logSnr;
    const step = mrsStep(from, to, h, o);
    // Order 2: the output extrapolated to the step's middle in lambda, D + (D - D_prev) / (2r), r = h_prev / h.
    const w = o.order >= 2 && previous ? h / (2 * hPrevious) : 0;
    const z = o.sde ? stepNoise(ctx, from, to) : null;
    for (let k = 0; k < x.length; k++) {
      const out = w === 0 ? output[k] : output[k] + w * (output[k] - (previous as Float64Array)[k]);
      x[k] = step.a * x[k] + step.b * ctx.mu[k] + step.c * out + (z ? step.noise * z[k] : 0);
    }
    previous = output;
    hPrevious = h;
    from = to;
  }
  return fromMr(x, ctx.mu, from.alpha);
}
