/**
 * The NAS-Bench-101 cell: an upper-triangular 0/1 adjacency matrix over at
 * most 7 vertices (input first, output last) plus one op per vertex.
 *
 * Semantics follow google-research/nasbench: vertices that lie on no
 * input-to-output path are pruned before anything else, and the vertex and
 * edge limits apply to the pruned cell (so a 7-vertex matrix with dangling
 * edges is still valid if its pruned form fits).
 */

export const INPUT = 'input';
export const OUTPUT = 'output';
/** Order matters: the structural hash labels ops by their index here, as NAS-Bench-101 does. */
export const CELL_OPS = ['conv3x3-bn-relu', 'conv1x1-bn-relu', 'maxpool3x3'] as const;
export type CellOp = (typeof CELL_OPS)[number];

export const MAX_VERTICES = 7;
export const MAX_EDGES = 9;

export interface Cell {
  matrix: number[][];
  ops: string[];
}

export function edgeCount(matrix: readonly (readonly number[])[]): number {
  let edges = 0;
  for (const row of matrix) for (const v of row) edges += v;
  return edges;
}

/**
 * Shape checks only (types, square matrix, 0/1 entries, upper triangle, op
 * names): returns null or a one-line message naming the offending field.
 */
function checkShape(candidate: unknown, maxVertices: number): string | null {
  if (typeof candidate !== 'object' || candidate === null || Array.isArray(candidate)) {
    return 'cell: expected an object {"matrix": [[...]], "ops": [...]}';
  }
  const { matrix, ops } = candidate as Record<string, unknown>;
  if (!Array.isArray(matrix)) return 'matrix: expected an array of rows of 0/1';
  const n = matrix.length;
  if (n < 2) return `matrix: expected at least 2 vertices (input and output), got ${n}`;
  if (n > maxVertices) return `matrix: ${n} vertices, at most ${maxVertices} allowed`;
  for (let i = 0; i < n; i++) {
    const row = matrix[i];
    if (!Array.isArray(row) || row.length !== n) return `matrix[${i}]: expected a row of ${n} entries (matrix must be square)`;
    for (let j = 0; j < n; j++) {
      const v = row[j];
      if (v !== 0 && v !== 1) return `matrix[${i}][${j}]: expected 0 or 1, got ${JSON.stringify(v)}`;
      if (v === 1 && j <= i) return `matrix[${i}][${j}]: must be 0, the matrix must be strictly upper triangular (edges go from lower to higher vertex index)`;
    }
  }
  if (!Array.isArray(ops)) return 'ops: expected an array of op names';
  if (ops.length !== n) return `ops: expected ${n} entries (one per matrix row), got ${ops.length}`;
  if (ops[0] !== INPUT) return `ops[0]: must be "${INPUT}", got ${JSON.stringify(ops[0])}`;
  if (ops[n - 1] !== OUTPUT) return `ops[${n - 1}]: must be "${OUTPUT}", got ${JSON.stringify(ops[n - 1])}`;
  for (let i = 1; i < n - 1; i++) {
    if (!(CELL_OPS as readonly unknown[]).includes(ops[i])) {
      return `ops[${i}]: unknown op ${JSON.stringify(ops[i])}, allowed: ${CELL_OPS.join(', ')}`;
    }
  }
  return null;
}

/** Bitmask of vertices reachable from vertex 0 and of vertices that reach the last vertex. */
function pathMasks(matrix: readonly (readonly number[])[]): { fromInput: number; toOutput: number } {
  const n = matrix.length;
  let fromInput = 1;
  for (let v = 1; v < n; v++) {
    for (let u = 0; u < v; u++) if (matrix[u][v] && fromInput & (1 << u)) { fromInput |= 1 << v; break; }
  }
  let toOutput = 1 << (n - 1);
  for (let u = n - 2; u >= 0; u--) {
    for (let v = u + 1; v < n; v++) if (matrix[u][v] && toOutput & (1 << v)) { toOutput |= 1 << u; break; }
  }
  return { fromInput, toOutput };
}

/** True when the output is reachable from the input. Assumes a shape-valid cell. */
export function hasInputOutputPath(matrix: readonly (readonly number[])[]): boolean {
  return (pathMasks(matrix).fromInput & (1 << (matrix.length - 1))) !== 0;
}

/**
 * Removes every vertex that is on no input-to-output path (and its edges).
 * Assumes a shape-valid cell with an input-output path; returns a fresh cell.
 */
export function pruneCell(cell: Cell): Cell {
  const { fromInput, toOutput } = pathMasks(cell.matrix);
  const keep = fromInput & toOutput;
  const kept: number[] = [];
  for (let v = 0; v < cell.matrix.length; v++) if (keep & (1 << v)) kept.push(v);
  return {
    matrix: kept.map((u) => kept.map((v) => cell.matrix[u][v])),
    ops: kept.map((v) => cell.ops[v]),
  };
}

/** True when pruning would remove nothing. */
export function isFullCell(matrix: readonly (readonly number[])[]): boolean {
  const { fromInput, toOutput } = pathMasks(matrix);
  const all = (1 << matrix.length) - 1;
  return (fromInput & toOutput) === all;
}

/**
 * Full validation: returns null for a valid cell, else one line naming the
 * field and what is allowed. Limits apply after pruning, as in NAS-Bench-101.
 */
export function validateCell(candidate: unknown, limits: { maxVertices?: number; maxEdges?: number } = {}): string | null {
  const maxVertices = limits.maxVertices ?? MAX_VERTICES;
  const maxEdges = limits.maxEdges ?? MAX_EDGES;
  const shapeError = checkShape(candidate, maxVertices);
  if (shapeError) return shapeError;
  const cell = candidate as Cell;
  if (!hasInputOutputPath(cell.matrix)) return 'matrix: no path from the input (vertex 0) to the output (last vertex)';
  const edges = edgeCount(pruneCell(cell).matrix);
  if (edges > maxEdges) return `matrix: ${edges} edges after pruning, at most ${maxEdges} allowed`;
  return null;
}

export function isValidCell(candidate: unknown, limits?: { maxVertices?: number; maxEdges?: number }): candidate is Cell {
  return validateCell(candidate, limits) === null;
}

export function cloneCell(cell: Cell): Cell {
  return { matrix: cell.matrix.map((row) => row.slice()), ops: cell.ops.slice() };
}

/** Compact one-line form: ops of the pruned cell and its edges, e.g. "in>c3:1 c3:1>out". */
export function describeCell(cell: Cell): string {
  const pruned = pruneCell(cell);
  const short = (op: string): string =>
    op === INPUT ? 'in' : op === OUTPUT ? 'out' : op === 'conv3x3-bn-relu' ? 'c3' : op === 'conv1x1-bn-relu' ? 'c1' : 'mp';
  const names = pruned.ops.map((op, i) => (i === 0 || i === pruned.ops.length - 1 ? short(op) : `${short(op)}#${i}`));
  const edges: string[] = [];
  for (let u = 0; u < names.length; u++) {
    for (let v = u + 1; v < names.length; v++) if (pruned.matrix[u][v]) edges.push(`${names[u]}>${names[v]}`);
  }
  return `${pruned.ops.length}v ${edgeCount(pruned.matrix)}e: ${edges.join(' ')}`;
}
