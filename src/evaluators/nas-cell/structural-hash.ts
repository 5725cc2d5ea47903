/**
 * The NAS-Bench-101 structural (isomorphism-invariant) cell hash.
 *
 * Reproduces the published algorithm byte for byte (MD5 over the same Python
 * string forms), so our hashes are the keys of the NAS-Bench-101 dataset:
 * vertex hashes start from (out-degree, in-degree, label); each of |V| rounds
 * replaces a vertex hash by the hash of its sorted in-neighbour hashes, its
 * sorted out-neighbour hashes and its own; the cell hash is the hash of the
 * sorted vertex hashes. Labels: input -1, output -2, ops by index in CELL_OPS.
 */
import { createHash } from 'node:crypto';
import { CELL_OPS, INPUT, OUTPUT, pruneCell, type Cell } from './cell.js';

const md5 = (text: string): string => createHash('md5').update(text).digest('hex');

export function opLabel(op: string): number {
  if (op === INPUT) return -1;
  if (op === OUTPUT) return -2;
  const index = (CELL_OPS as readonly string[]).indexOf(op);
  if (index < 0) throw new Error(`unknown op ${JSON.stringify(op)}`);
  return index;
}

/** Hash of an already pruned matrix and its integer labels. */
export function hashModule(matrix: readonly (readonly number[])[], labels: readonly number[]): string {
  const n = matrix.length;
  let hashes: string[] = [];
  for (let v = 0; v < n; v++) {
    let inDegree = 0;
    let outDegree = 0;
    for (let w = 0; w < n; w++) {
      inDegree += matrix[w][v];
      outDegree += matrix[v][w];
    }
    // Python's str() of the tuple (out, in, label).
    hashes.push(md5(`(${outDegree}, ${inDegree}, ${labels[v]})`));
  }
  for (let round = 0; round < n; round++) {
    const next: string[] = [];
    for (let v = 0; v < n; v++) {
      const ins: string[] = [];
      const outs: string[] = [];
      for (let w = 0; w < n; w++) {
        if (matrix[w][v]) ins.push(hashes[w]);
        if (matrix[v][w]) outs.push(hashes[w]);
      }
      ins.sort();
      outs.sort();
      next.push(md5(`${ins.join('')}|${outs.join('')}|${hashes[v]}`));
    }
    hashes = next;
  }
  // Python's str() of a sorted list of strings.
  return md5(`[${hashes.sort().map((h) => `'${h}'`).join(', ')}]`);
}

/** The NAS-Bench-101 hash of a valid cell (pruned first, as the dataset does). */
export function structuralHash(cell: Cell): string {
  const pruned = pruneCell(cell);
  return hashModule(pruned.matrix, pruned.ops.map(opLabel));
}
