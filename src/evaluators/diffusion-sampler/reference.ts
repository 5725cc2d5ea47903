/**
 * The reference solution: the probability-flow ODE integrated from the same
 * noise with adaptive Dormand-Prince 5(4) at tight tolerance, in
 * tau = log(sigma) where dx/dtau = x - D(x, sigma), from sigmaMax down to
 * sigmaMin. One step size for the whole batch, controlled by the worst
 * sample's error, so every sample meets the tolerance.
 */
import type { Denoiser } from './solvers/types.js';

export interface ReferenceOptions {
  rtol: number;
  atol: number;
  /** Safety cap on accepted + rejected steps. */
  maxSteps: number;
}

export interface ReferenceResult {
  x: Float64Array;
  steps: number;
  evaluations: number;
}

// Dormand-Prince 5(4) tableau.
const C = [0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1, 1];
const A = [
  [],
  [1 / 5],
  [3 / 40, 9 / 40],
  [44 / 45, -56 / 15, 32 / 9],
  [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
  [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
  [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84],
];
const B5 = [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84, 0];
const B4 = [5179 / 57600, 0, 7571 / 16695, 393 / 640, -92097 / 339200, 187 / 2100, 1 / 40];

export function solveReference(x0: Float64Array, dim: number, denoise: Denoiser, sigmaMax: number, sigmaMin: number, options: ReferenceOptions): ReferenceResult {
  const rhs = (x: Float64Array, tau: number): Float64Array => {
    const d = denoise(x, Math.exp(tau));
    const out = new Float64Array(x.length);
    for (let k = 0; k < x.length; k++) out[k] = x[k] - d[k];
    return out;
  };
  const n = x0.length / dim;
  const tauEnd = Math.log(sigmaMin);
  let tau = Math.log(sigmaMax);
  let x = x0.slice();
  let h = -0.05;
  let k1 = rhs(x, tau);
  let evaluations = 1;
  let steps = 0;
  const stage = new Float64Array(x.length);
  while (tau > tauEnd) {
    if (steps++ > options.maxSteps) throw new Error(`reference solve: more than ${options.maxSteps} steps`);
    if (tau + h < tauEnd) h = tauEnd - tau;
    const ks: Float64Array[] = [k1];
    for (let s = 1; s < 7; s++) {
      for (let q = 0; q < x.length; q++) {
        let v = x[q];
        for (let j = 0; j < s; j++) v += h * A[s][j] * ks[j][q];
        stage[q] = v;
      }
      ks.push(rhs(stage, tau + C[s] * h));
      evaluations++;
    }
    const next = stage.slice(); // stage 7 input is exactly the 5th-order solution (FSAL)
    let worst = 0;
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let j = 0; j < dim; j++) {
        const q = i * dim + j;
        let e = 0;
        for (let s = 0; s < 7; s++) e += (B5[s] - B4[s]) * ks[s][q];
        e *= h;
        const scale = options.atol + options.rtol * Math.max(Math.abs(x[q]), Math.abs(next[q]));
        sum += (e / scale) ** 2;
      }
      worst = Math.max(worst, Math.sqrt(sum / dim));
    }
    if (!Number.isFinite(worst)) throw new Error('reference solve: non-finite error estimate');
    if (worst <= 1) {
      tau += h;
      x = next;
      k1 = ks[6];
      if (tau - tauEnd < 1e-14) break;
    }
    const factor = worst === 0 ? 5 : Math.min(5, Math.max(0.2, 0.9 * worst ** -0.2));
    h *= factor;
  }
  return { x, steps, evaluations };
}
