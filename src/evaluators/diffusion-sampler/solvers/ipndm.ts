/**
 * Improved PNDM (Zhang & Chen 2023): Adams-Bashforth with the fixed
 * equal-step coefficients, applied on the sigma grid, warming up through
 * lower orders while the history is short.
 */
import { linearMultistep, type Denoiser } from './types.js';

const COEFFICIENTS: Record<number, number[]> = {
  1: [1],
  2: [3 / 2, -1 / 2],
  3: [23 / 12, -16 / 12, 5 / 12],
  4: [55 / 24, -59 / 24, 37 / 24, -9 / 24],
};

export function ipndm(grid: Float64Array, x0: Float64Array, denoise: Denoiser, maxOrder: number, lowerOrderFinal: boolean): Float64Array {
  return linearMultistep(grid, x0, denoise, maxOrder, lowerOrderFinal, (i, order) => {
    const dt = grid[i + 1] - grid[i];
    return COEFFICIENTS[order].map((c) => dt * c);
  });
}
