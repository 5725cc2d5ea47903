/**
 * A cell turned into an executable, isomorphism-invariant plan: pruned,
 * relabelled into a canonical vertex order, each vertex tagged with its
 * functional position, with NAS-Bench-101's channel allocation.
 *
 * Both the forward probe and the trained tfjs network execute this plan, so
 * the probe hashes exactly the function that gets trained, and isomorphic
 * cells (or cells that differ only in pruned vertices) build identical
 * computations, down to the order of every sum and concatenation.
 */
import { CELL_OPS, pruneCell, type Cell } from './cell.js';

export interface VertexSource {
  /** Canonical index of the source vertex; 0 is the cell input. */
  from: number;
}

export interface PlannedVertex {
  /** Canonical index (0 = input, last = output). */
  index: number;
  op: string;
  /**
   * Functional position: the op and the sorted positions of its inputs,
   * recursively. Equal positions compute the same function of the cell input
   * up to their weights.
   */
  position: string;
  /** Rank among vertices sharing this position, in canonical order (parallel twins get 0, 1, ...). */
  twin: number;
  /** Output channels (NAS-Bench-101 allocation). */
  channels: number;
  /** Inputs in the canonical summation / concatenation order. */
  inputs: number[];
}

export interface CellPlan {
  vertices: PlannedVertex[];
  /** Canonical pruned cell (upper triangular in canonical order). */
  cell: Cell;
}

/** Lexicographic rank key of a relabelled cell: interior ops, then edges. Fits in 2^31 for 7 vertices. */
function orderKey(matrix: readonly (readonly number[])[], opIndex: readonly number[], perm: readonly number[]): number {
  const n = perm.length;
  let key = 0;
  for (let i = 1; i < n - 1; i++) key = key * 3 + opIndex[perm[i]];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) key = key * 2 + matrix[perm[i]][perm[j]];
  return key;
}

/**
 * The canonical vertex order of a pruned cell: among all topological orders
 * (input first, output last) the one whose relabelled cell has the smallest
 * key. Isomorphic cells have the same set of relabelled cells, hence the same
 * minimum. At most 5! orders for 7 vertices: cheap enough to brute-force.
 */
export function canonicalOrder(pruned: Cell): number[] {
  const n = pruned.matrix.length;
  const opIndex = pruned.ops.map((op) => Math.max(0, (CELL_OPS as readonly string[]).indexOf(op)));
  const interior = Array.from({ length: n - 2 }, (_, i) => i + 1);
  let best: number[] = [];
  let bestKey = Infinity;
  const perm = [0];
  const used = new Array<boolean>(n).fill(false);
  const extend = (): void => {
    if (perm.length === n - 1) {
      perm.push(n - 1);
      const key = orderKey(pruned.matrix, opIndex, perm);
      if (key < bestKey) {
        bestKey = key;
        best = perm.slice();
      }
      perm.pop();
      return;
    }
    for (const v of interior) {
      if (used[v]) continue;
      // Topological: every predecessor of v must already be placed.
      let ready = true;
      for (const u of interior) if (!used[u] && pruned.matrix[u][v]) { ready = false; break; }
      if (!ready) continue;
      used[v] = true;
      perm.push(v);
      extend();
      perm.pop();
      used[v] = false;
    }
  };
  extend();
  return best;
}

/** NAS-Bench-101 channel allocation, on a canonical-order matrix so the remainder split is invariant too. */
export function vertexChannels(matrix: readonly (readonly number[])[], inputChannels: number, outputChannels: number): number[] {
  const n = matrix.length;
  const channels = new Array<number>(n).fill(0);
  channels[0] = inputChannels;
  channels[n - 1] = outputChannels;
  if (n === 2) return channels;
  let fanIn = 0;
  for (let v = 1; v < n - 1; v++) fanIn += matrix[v][n - 1];
  const each = Math.floor(outputChannels / fanIn);
  let correction = outputChannels % fanIn;
  for (let v = 1; v < n - 1; v++) {
    if (matrix[v][n - 1]) {
      channels[v] = each + (correction > 0 ? 1 : 0);
      if (correction > 0) correction--;
    }
  }
  // A vertex not feeding the output gets the widest of its successors (inputs are truncated to fit).
  for (let v = n - 3; v > 0; v--) {
    if (matrix[v][n - 1]) continue;
    for (let w = v + 1; w < n - 1; w++) if (matrix[v][w]) channels[v] = Math.max(channels[v], channels[w]);
  }
  return channels;
}

/** Builds the plan of a valid cell. `outputChannels` must be at least the number of vertices feeding the output (<= 5). */
export function planCell(cell: Cell, inputChannels: number, outputChannels: number): CellPlan {
  const pruned = pruneCell(cell);
  const order = canonicalOrder(pruned);
  const n = order.length;
  const matrix = order.map((u) => order.map((v) => pruned.matrix[u][v]));
  const ops = order.map((v) => pruned.ops[v]);
  const channels = vertexChannels(matrix, inputChannels, outputChannels);
  const positions: string[] = [];
  const twins: number[] = [];
  const seen = new Map<string, number>();
  const vertices: PlannedVertex[] = [];
  for (let v = 0; v < n; v++) {
    const preds: number[] = [];
    for (let u = 0; u < v; u++) if (matrix[u][v]) preds.push(u);
    // Sum / concatenate in the order of (position, twin): a property of the function, not of vertex numbering.
    preds.sort((a, b) => (positions[a] < positions[b] ? -1 : positions[a] > positions[b] ? 1 : twins[a] - twins[b]));
    const position = v === 0 ? 'in' : `${ops[v]}(${preds.map((u) => (twins[u] ? `${positions[u]}#${twins[u]}` : positions[u])).join(',')})`;
    const twin = seen.get(position) ?? 0;
    seen.set(position, twin + 1);
    positions.push(position);
    twins.push(twin);
    vertices.push({ index: v, op: ops[v], position, twin, channels: channels[v], inputs: preds });
  }
  return { vertices, cell: { matrix, ops } };
}
