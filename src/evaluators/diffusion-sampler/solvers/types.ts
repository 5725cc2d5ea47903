/**
 * Shared solver types. A state x is a Float64Array of n samples x d dims laid
 * out sample-major; a denoiser maps (x, sigma) to its estimate of the clean
 * data for every sample at once, and never mutates x.
 */
export type Denoiser = (x: Float64Array, sigma: number) => Float64Array;

/** One solver run: walk the grid (decreasing, possibly ending at 0) from x0. */
export type SolverRun = (grid: Float64Array, x0: Float64Array, denoise: Denoiser) => Float64Array;

/** out = a*x + sum_j b_j * y_j, elementwise (out may alias x). */
export function linearCombination(out: Float64Array, a: number, x: Float64Array, terms: ReadonlyArray<readonly [number, Float64Array]>): Float64Array {
  const n = out.length;
  for (let k = 0; k < n; k++) {
    let v = a * x[k];
    for (let j = 0; j < terms.length; j++) v += terms[j][0] * terms[j][1][k];
    out[k] = v;
  }
  return out;
}

/** eps = (x - D) / sigma: the ODE slope dx/dsigma. */
export function slope(x: Float64Array, denoised: Float64Array, sigma: number): Float64Array {
  const out = new Float64Array(x.length);
  for (let k = 0; k < x.length; k++) out[k] = (x[k] - denoised[k]) / sigma;
  return out;
}

/**
 * Order used at step i of m for a multistep method: warm-up through the
 * history available, optionally lowered on the final steps.
 */
export function multistepOrder(maxOrder: number, i: number, m: number, lowerOrderFinal: boolean): number {
  let order = Math.min(maxOrder, i + 1);
  if (lowerOrderFinal) order = Math.min(order, m - i);
  return order;
}

/**
 * An explicit linear multistep method on the sigma grid: at step i,
 * x += sum_j w_j slope_(i-j), with the weights of `weightsAt(i, order)` for
 * the order multistepOrder allows (iPNDM and DEIS differ only in the weights).
 */
export function linearMultistep(
  grid: Float64Array,
  x0: Float64Array,
  denoise: Denoiser,
  maxOrder: number,
  lowerOrderFinal: boolean,
  weightsAt: (i: number, order: number) => readonly number[],
): Float64Array {
  const x = x0.slice();
  const m = grid.length - 1;
  const history: Float64Array[] = [];
  for (let i = 0; i < m; i++) {
    history.push(slope(x, denoise(x, grid[i]), grid[i]));
    const weights = weightsAt(i, multistepOrder(maxOrder, i, m, lowerOrderFinal));
    linearCombination(x, 1, x, weights.map((w, j) => [w, history[i - j]] as const));
  }
  return x;
}
