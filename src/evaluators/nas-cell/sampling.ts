/**
 * Random cells and the NAS-Bench-101 / unified-functional-hashing mutation.
 */
import type { Rng } from '../../random/rng.js';
import { CELL_OPS, INPUT, OUTPUT, MAX_EDGES, MAX_VERTICES, isValidCell, type Cell } from './cell.js';

export interface SamplingLimits {
  maxVertices?: number;
  maxEdges?: number;
}

/** Gives up after this many invalid draws: only reachable with absurd limits. */
const MAX_TRIES = 100_000;

/**
 * A uniformly random `maxVertices`-vertex matrix (each upper-triangle edge with
 * probability 1/2) and uniformly random interior ops, redrawn until valid, as
 * the NAS-Bench-101 random search does.
 */
export function randomCell(rng: Rng, limits: SamplingLimits = {}): Cell {
  const n = limits.maxVertices ?? MAX_VERTICES;
  for (let tries = 0; tries < MAX_TRIES; tries++) {
    const matrix = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (j > i && rng.next() < 0.5 ? 1 : 0)));
    const ops = [INPUT, ...Array.from({ length: n - 2 }, () => rng.pick(CELL_OPS)), OUTPUT];
    const cell = { matrix, ops };
    if (isValidCell(cell, limits)) return cell;
  }
  throw new Error(`randomCell: no valid cell found in ${MAX_TRIES} draws`);
}

/**
 * Grows a smaller cell to `n` vertices by inserting unconnected interior
 * vertices before the output, so mutation can reach every cell of the space
 * (pruning removes them again, so the function is unchanged).
 */
export function expandCell(cell: Cell, n: number, rng: Rng): Cell {
  const m = cell.matrix.length;
  if (m >= n) return { matrix: cell.matrix.map((row) => row.slice()), ops: cell.ops.slice() };
  const extra = n - m;
  const index = (v: number): number => (v === m - 1 ? n - 1 : v);
  const matrix = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let u = 0; u < m; u++) for (let v = 0; v < m; v++) matrix[index(u)][index(v)] = cell.matrix[u][v];
  const ops = [...cell.ops.slice(0, m - 1), ...Array.from({ length: extra }, () => rng.pick(CELL_OPS)), OUTPUT];
  return { matrix, ops };
}

/**
 * The paper's mutation: each of the upper-triangle edges flips with
 * probability rate / n, each interior op is replaced by a *different* op with
 * probability rate / (n - 2); redrawn from the parent until the child is valid.
 * The child may equal the parent (nothing flipped), as in the original code.
 */
export function mutateCell(parent: Cell, rng: Rng, rate = 1, limits: SamplingLimits = {}): Cell {
  const n = limits.maxVertices ?? MAX_VERTICES;
  const base = expandCell(parent, n, rng);
  const edgeProbability = rate / n;
  const opProbability = rate / (n - 2);
  for (let tries = 0; tries < MAX_TRIES; tries++) {
    const matrix = base.matrix.map((row) => row.slice());
    const ops = base.ops.slice();
    for (let u = 0; u < n - 1; u++) {
      for (let v = u + 1; v < n; v++) if (rng.next() < edgeProbability) matrix[u][v] = 1 - matrix[u][v];
    }
    for (let v = 1; v < n - 1; v++) {
      if (rng.next() < opProbability) {
        const others = CELL_OPS.filter((op) => op !== ops[v]);
        ops[v] = rng.pick(others);
      }
    }
    const child = { matrix, ops };
    if (isValidCell(child, { maxVertices: n, maxEdges: limits.maxEdges ?? MAX_EDGES })) return child;
  }
  throw new Error(`mutateCell: no valid child found in ${MAX_TRIES} tries`);
}
