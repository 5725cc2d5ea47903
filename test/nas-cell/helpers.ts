/** Shared fixtures for the nas-cell tests. */
import type { Cell } from '../../src/evaluators/nas-cell/cell.js';
import type { Rng } from '../../src/random/rng.js';

/** The example cell from the NAS-Bench-101 README (published hash 28cfc7874f6d200472e1a9dcd8650aa0). */
export const README_CELL: Cell = {
  matrix: [
    [0, 1, 1, 1, 0, 1, 0],
    [0, 0, 0, 0, 0, 0, 1],
    [0, 0, 0, 0, 0, 0, 1],
    [0, 0, 0, 0, 1, 0, 0],
    [0, 0, 0, 0, 0, 0, 1],
    [0, 0, 0, 0, 0, 0, 1],
    [0, 0, 0, 0, 0, 0, 0],
  ],
  ops: ['input', 'conv1x1-bn-relu', 'conv3x3-bn-relu', 'conv3x3-bn-relu', 'conv3x3-bn-relu', 'maxpool3x3', 'output'],
};

/** Relabels the interior vertices by `perm` (new position i holds old vertex perm[i]); null if not upper triangular. */
export function relabel(cell: Cell, perm: number[]): Cell | null {
  const n = perm.length;
  const matrix = perm.map((u) => perm.map((v) => cell.matrix[u][v]));
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) if (matrix[i][j]) return null;
  return { matrix, ops: perm.map((v) => cell.ops[v]) };
}

/** A random isomorphic copy of a cell (another topological order of its interior vertices). */
export function randomIsomorph(cell: Cell, rng: Rng): Cell {
  const n = cell.matrix.length;
  for (;;) {
    const interior = Array.from({ length: n - 2 }, (_, i) => i + 1);
    for (let i = interior.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [interior[i], interior[j]] = [interior[j], interior[i]];
    }
    const copy = relabel(cell, [0, ...interior, n - 1]);
    if (copy) return copy;
  }
}
