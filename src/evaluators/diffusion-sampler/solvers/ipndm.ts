/**
 * Improved PNDM (Zhang & Chen 2023): Adams-Bashforth with the fixed
 * equal-step coefficients, applied on the sigma grid, warming up through
 * lower orders while the history is short.
 */
import { linearCombination, multistepOrder, slope, type Denoiser } from './types.js';

const COEFFICIENTS: Record<number, number[]> = {
  1: [1],
  2: [3 / 2, -1 / 2],
  3: [23 / 12, -16 / 12, 5 / 12],
  4: [55 / 24, -59 / 24, 37 / 24, -9 / 24],
};

export function ipndm(grid: Float64Array, x0: Float64Array, denoise: Denoiser, maxOrder: number, lowerOrderFinal: boolean): Float64Array {
  const x = x0.slice();
  const m = grid.length - 1;
  const history: Float64Array[] = [];
  for (let i = 0; i < m; i++) {
    history.push(slope(x, denoise(x, grid[i]), grid[i]));
    const order = multistepOrder(maxOrder, i, m, lowerOrderFinal);
    const dt = grid[i + 1] - grid[i];
    linearCombination(x, 1, x, COEFFICIENTS[order].map((c, j) => [dt * c, history[i - j]] as const));
  }
  return x;
}
