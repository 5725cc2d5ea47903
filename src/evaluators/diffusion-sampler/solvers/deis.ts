/**
 * DEIS (Zhang & Chen 2023) in EDM coordinates, where the exponential
 * integrator for the noise prediction reduces to dx/dsigma = eps(x, sigma):
 *  - rhoAB: eps extrapolated by a Lagrange polynomial in sigma through the
 *    last `order` evaluations; weights are exact polynomial integrals.
 *  - tAB: the same polynomial fitted in VP time t instead. Its weight
 *    integral of l_j(t(sigma)) d sigma has no elementary antiderivative for
 *    the linear-beta VP schedule, so orders >= 2 use 24-point Gauss-Legendre
 *    (exact to ~1e-15 relative for this analytic integrand); order 1 uses the
 *    closed form sigma' - sigma, so tAB-1 is DDIM up to rounding.
 *  - rhoRK: explicit Runge-Kutta in sigma (Euler, Heun, Kutta's RK3); a step
 *    to sigma = 0 is Euler because eps at 0 is undefined.
 */
import { vpTime } from '../schedules.js';
import { gaussLegendre, lagrangeBasis, lagrangeIntegralWeights } from './polynomial.js';
import { linearCombination, linearMultistep, slope, type Denoiser } from './types.js';

const QUADRATURE = gaussLegendre(24);

function tabWeights(sigmaNodes: readonly number[], from: number, to: number): number[] {
  if (sigmaNodes.length === 1) return [to - from];
  const tNodes = sigmaNodes.map(vpTime);
  const shift = tNodes[0];
  const bases = tNodes.map((_, j) => lagrangeBasis(tNodes.map((t) => t - shift), j));
  const half = (to - from) / 2;
  const mid = (to + from) / 2;
  const weights = new Array<number>(sigmaNodes.length).fill(0);
  for (let q = 0; q < QUADRATURE.nodes.length; q++) {
    const u = vpTime(mid + half * QUADRATURE.nodes[q]) - shift;
    for (let j = 0; j < bases.length; j++) {
      let v = 0;
      for (let k = bases[j].length - 1; k >= 0; k--) v = v * u + bases[j][k];
      weights[j] += QUADRATURE.weights[q] * half * v;
    }
  }
  return weights;
}

export function deisMultistep(grid: Float64Array, x0: Float64Array, denoise: Denoiser, variant: 'tab' | 'rhoab', maxOrder: number, lowerOrderFinal: boolean): Float64Array {
  return linearMultistep(grid, x0, denoise, maxOrder, lowerOrderFinal, (i, order) => {
    const nodes: number[] = [];
    for (let j = 0; j < order; j++) nodes.push(grid[i - j]);
    return variant === 'rhoab' ? lagrangeIntegralWeights(nodes, grid[i], grid[i + 1]) : tabWeights(nodes, grid[i], grid[i + 1]);
  });
}

/** Butcher tableaux (a, b, c) of the explicit RK methods used by rhoRK. */
const TABLEAUX: Record<number, { a: number[][]; b: number[]; c: number[] }> = {
  1: { a: [[]], b: [1], c: [0] },
  2: { a: [[], [1]], b: [0.5, 0.5], c: [0, 1] },
  3: { a: [[], [0.5], [-1, 2]], b: [1 / 6, 2 / 3, 1 / 6], c: [0, 0.5, 1] },
};

export function deisRungeKutta(grid: Float64Array, x0: Float64Array, denoise: Denoiser, order: number): Float64Array {
  const x = x0.slice();
  const stage = new Float64Array(x.length);
  for (let i = 0; i + 1 < grid.length; i++) {
    const s = grid[i];
    const dt = grid[i + 1] - s;
    const tableau = TABLEAUX[grid[i + 1] === 0 ? 1 : order];
    const ks: Float64Array[] = [];
    for (let j = 0; j < tableau.b.length; j++) {
      const sigma = s + tableau.c[j] * dt;
      const input = j === 0 ? x : linearCombination(stage, 1, x, tableau.a[j].map((aj, l) => [aj * dt, ks[l]] as const));
      ks.push(slope(input, denoise(input, sigma), sigma));
    }
    linearCombination(x, 1, x, tableau.b.map((bj, j) => [bj * dt, ks[j]] as const));
  }
  return x;
}
