/**
 * The mean-reverting (MR) diffusion process of IR-SDE / MRS:
 *   dx = theta_t (mu - x) dt + g_t dw,  g_t^2 = 2 lambda^2 theta_t,
 * so the forward process ends at mu plus noise of stationary variance lambda^2.
 * Its marginal is x_t = mu + alpha_t (x_0 - mu) + s_t eps with
 * alpha_t = exp(-thetaBar_t) and s_t = lambda sqrt(1 - alpha_t^2).
 *
 * In y = x - mu this is a variance-preserving-type diffusion, and in
 * u = y / alpha_t it is EDM's with sigma = s_t / alpha_t. The domain keeps its
 * state in u on a sigma grid (so the reference and every EDM solver apply
 * unchanged); the MR solvers convert to the paper's (x, t) coordinates with
 * these helpers and back.
 *
 * The process is fixed (like the VP schedule constants): lambda = 0.25 and
 * IR-SDE's cosine-shaped theta, thetaBar_t = thetaBarMax (1 - cos(pi t / 2)),
 * t in [0, 1], with thetaBarMax chosen so that t = 1 is sigmaMax.
 */
import type { SigmaRange } from './candidate.js';
import type { Denoiser } from './solvers/types.js';

export const MR_LAMBDA = 0.25;

export interface MrProcess {
  lambda: number;
  thetaBarMax: number;
}

export function mrProcess(range: SigmaRange, lambda = MR_LAMBDA): MrProcess {
  return { lambda, thetaBarMax: 0.5 * Math.log1p((range.sigmaMax / lambda) ** 2) };
}

/** thetaBar at the time whose EDM sigma is `sigma` (0 at sigma 0). */
function thetaBarOfSigma(p: MrProcess, sigma: number): number {
  return 0.5 * Math.log1p((sigma / p.lambda) ** 2);
}

/** MR time t in [0, 1] of an EDM sigma: inverts thetaBar_t = thetaBarMax (1 - cos(pi t / 2)). */
export function mrTime(p: MrProcess, sigma: number): number {
  const phi = Math.min(1, thetaBarOfSigma(p, sigma) / p.thetaBarMax);
  return (2 / Math.PI) * Math.acos(1 - phi);
}

/** EDM sigma at MR time t. */
export function mrSigma(p: MrProcess, t: number): number {
  const thetaBar = p.thetaBarMax * (1 - Math.cos((Math.PI * t) / 2));
  return p.lambda * Math.sqrt(Math.expm1(2 * thetaBar));
}

/** Everything a solver step needs at one grid point, from its EDM sigma. */
export interface MrPoint {
  sigma: number;
  t: number;
  /** alpha_t = exp(-thetaBar_t). */
  alpha: number;
  /** Marginal std s_t = lambda sqrt(1 - alpha_t^2). */
  std: number;
  /** theta_t = d thetaBar / dt. */
  theta: number;
  /** g_t^2 = 2 lambda^2 theta_t. */
  g2: number;
  /** Half log-SNR lambda_t = log(alpha_t / s_t) = -log sigma. */
  logSnr: number;
}

export function mrPoint(p: MrProcess, sigma: number): MrPoint {
  const thetaBar = thetaBarOfSigma(p, sigma);
  const t = mrTime(p, sigma);
  const alpha = Math.exp(-thetaBar);
  const theta = p.thetaBarMax * (Math.PI / 2) * Math.sin((Math.PI * t) / 2);
  return {
    sigma,
    t,
    alpha,
    std: p.lambda * Math.sqrt(-Math.expm1(-2 * thetaBar)),
    theta,
    g2: 2 * p.lambda * p.lambda * theta,
    logSnr: -Math.log(sigma),
  };
}

/** x = mu + alpha u: from the domain's EDM state to the MR state. */
export function toMr(u: Float64Array, mu: Float64Array, alpha: number): Float64Array {
  const x = new Float64Array(u.length);
  for (let k = 0; k < u.length; k++) x[k] = mu[k] + alpha * u[k];
  return x;
}

/** u = (x - mu) / alpha: back to the EDM state (alpha = 1 at sigma 0). */
export function fromMr(x: Float64Array, mu: Float64Array, alpha: number): Float64Array {
  const u = new Float64Array(x.length);
  for (let k = 0; k < x.length; k++) u[k] = (x[k] - mu[k]) / alpha;
  return u;
}

/**
 * The MR data prediction x0_hat(x, t) = mu + D((x - mu) / alpha_t, sigma_t):
 * the EDM denoiser estimates y_0 = x_0 - mu, the clean data relative to the condition.
 */
export function mrDataPrediction(denoise: Denoiser, mu: Float64Array): (x: Float64Array, at: MrPoint) => Float64Array {
  return (x, at) => {
    const y0 = denoise(fromMr(x, mu, at.alpha), at.sigma);
    const out = new Float64Array(y0.length);
    for (let k = 0; k < y0.length; k++) out[k] = mu[k] + y0[k];
    return out;
  };
}

/** The MR noise prediction eps_hat = (x - mu - alpha_t (x0_hat - mu)) / s_t. */
export function mrNoise(x: Float64Array, x0: Float64Array, mu: Float64Array, at: MrPoint): Float64Array {
  const eps = new Float64Array(x.length);
  for (let k = 0; k < x.length; k++) eps[k] = (x[k] - mu[k] - at.alpha * (x0[k] - mu[k])) / at.std;
  return eps;
}
