/**
 * UniPC (Zhao et al. 2023), data prediction, B(h) variants bh1 / bh2.
 * Follows the diffusers UniPCMultistepScheduler step for step: the predictor
 * UniP-p and the corrector UniC, which reuses the denoiser call made at the
 * start of the next step and so costs no extra evaluation. In EDM's scaled
 * coordinates alpha = 1 and lambda = -log(sigma).
 */
import { solveLinear } from './linear-algebra.js';
import { linearCombination, multistepOrder, type Denoiser } from './types.js';

export interface UniPcOptions {
  order: number;
  variant: 'bh1' | 'bh2';
  corrector: boolean;
  lowerOrderFinal: boolean;
}

interface Coefficients {
  hPhi1: number;
  bH: number;
  /** R (order x order) and b, as in the paper's Algorithm. */
  r: number[][];
  b: number[];
}

function coefficients(h: number, rks: number[], order: number, variant: 'bh1' | 'bh2'): Coefficients {
  const hh = -h;
  const hPhi1 = Math.expm1(hh);
  let hPhiK = hPhi1 / hh - 1;
  let factorial = 1;
  const bH = variant === 'bh1' ? hh : Math.expm1(hh);
  const r: number[][] = [];
  const b: number[] = [];
  for (let i = 1; i <= order; i++) {
    r.push(rks.map((rk) => rk ** (i - 1)));
    b.push((hPhiK * factorial) / bH);
    factorial *= i + 1;
    hPhiK = hPhiK / hh - 1 / factorial;
  }
  return { hPhi1, bH, r, b };
}

/**
 * Differences D1_k = (m_{j-k} - m_j) / r_k for the k = 1..order-1 older
 * outputs, with r_k = (lambda_{j-k} - lambda_j) / h.
 */
function differences(outputs: Float64Array[], lambdas: number[], j: number, h: number, order: number): { rks: number[]; d1s: Float64Array[] } {
  const rks: number[] = [];
  const d1s: Float64Array[] = [];
  const m0 = outputs[j];
  for (let k = 1; k < order; k++) {
    const rk = (lambdas[j - k] - lambdas[j]) / h;
    const mk = outputs[j - k];
    const d = new Float64Array(m0.length);
    for (let q = 0; q < d.length; q++) d[q] = (mk[q] - m0[q]) / rk;
    rks.push(rk);
    d1s.push(d);
  }
  rks.push(1);
  return { rks, d1s };
}

export function uniPc(grid: Float64Array, x0: Float64Array, denoise: Denoiser, options: UniPcOptions): Float64Array {
  const m = grid.length - 1;
  const lambdas = Array.from(grid, (s) => -Math.log(s));
  const outputs: Float64Array[] = [];
  let x: Float64Array = x0.slice();
  let lastSample: Float64Array | undefined;
  let lastOrder = 1;
  for (let i = 0; i < m; i++) {
    const mi = denoise(x, grid[i]);
    outputs.push(mi);
    if (options.corrector && lastSample !== undefined) {
      // UniC: correct x_i (predicted from x_{i-1}) with the fresh output m_i.
      const j = i - 1;
      const h = lambdas[i] - lambdas[j];
      const { rks, d1s } = differences(outputs, lambdas, j, h, lastOrder);
      const c = coefficients(h, rks, lastOrder, options.variant);
      const rhos = lastOrder === 1 ? [0.5] : solveLinear(c.r, c.b);
      const d1t = new Float64Array(mi.length);
      for (let q = 0; q < d1t.length; q++) d1t[q] = mi[q] - outputs[j][q];
      const terms: Array<[number, Float64Array]> = [[-c.hPhi1, outputs[j]]];
      for (let k = 0; k < d1s.length; k++) terms.push([-c.bH * rhos[k], d1s[k]]);
      terms.push([-c.bH * rhos[rhos.length - 1], d1t]);
      x = linearCombination(new Float64Array(x.length), grid[i] / grid[j], lastSample, terms);
    }
    if (grid[i + 1] === 0) {
      // lambda' is infinite: the exponential integrator reduces to the denoised output.
      lastSample = x;
      x = mi.slice();
      continue;
    }
    const order = multistepOrder(options.order, i, m, options.lowerOrderFinal);
    const h = lambdas[i + 1] - lambdas[i];
    const { rks, d1s } = differences(outputs, lambdas, i, h, order);
    const c = coefficients(h, rks, order, options.variant);
    let rhos: number[] = [];
    if (order === 2) rhos = [0.5];
    else if (order >= 3) rhos = solveLinear(c.r.slice(0, -1).map((row) => row.slice(0, -1)), c.b.slice(0, -1));
    const terms: Array<[number, Float64Array]> = [[-c.hPhi1, mi]];
    for (let k = 0; k < d1s.length; k++) terms.push([-c.bH * rhos[k], d1s[k]]);
    lastSample = x;
    lastOrder = order;
    x = linearCombination(new Float64Array(x.length), grid[i + 1] / grid[i], x, terms);
  }
  return x;
}
