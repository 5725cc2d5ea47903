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
