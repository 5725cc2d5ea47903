/**
 * Exhaustive enumeration of the NAS-Bench-101 space up to V vertices: every
 * labelled cell with no prunable vertex, grouped by the structural hash and
 * then by the forward functional hash.
 *
 * The structural grouping uses the same Weisfeiler-Lehman refinement as the
 * MD5 hash in structural-hash.ts, but with a two-lane 32-bit mix instead of
 * MD5 strings: the enumeration visits millions of labelled graphs, and the
 * partition it induces is the same (a test compares both on V <= 5; the
 * published V = 7 count checks it at full scale).
 */
import { createFunctionalHasher } from '../../hash/functional-hash.js';
import { CELL_OPS, INPUT, MAX_EDGES, OUTPUT, describeCell, type Cell } from './cell.js';
import { DEFAULT_FORWARD_PROBE, forwardProbe, forwardProbeKey, type ForwardProbeConfig } from './forward-probe.js';
import { structuralHash } from './structural-hash.js';

export interface SpaceEnumerationOptions {
  maxVertices: number;
  maxEdges?: number;
  /** Also group the structural classes by the forward functional hash (default true). */
  functional?: boolean;
  probe?: ForwardProbeConfig;
  mantissaBits?: number;
  /** Domain version folded into the functional hash key (must match the domain's). */
  version?: string;
  /** How many functional merge groups to return as examples. */
  maxExamples?: number;
  onProgress?: (progress: { phase: 'structural' | 'functional'; done: number; total: number }) => void;
}

export interface FunctionalMergeExample {
  functionalHash: string;
  cells: Array<{ cell: Cell; structuralHash: string; description: string }>;
}

export interface SpaceEnumerationResult {
  maxVertices: number;
  /** Valid labelled cells with no prunable vertex (every smaller cell appears at its own size). */
  labelledGraphs: number;
  structuralHashes: number;
  functionalHashes: number | null;
  /** Structural classes per vertex count. */
  structuralByVertices: Record<number, number>;
  examples: FunctionalMergeExample[];
  seconds: { structural: number; functional: number };
}

/** Upper-triangle edge (u, v) for bit index i, row-major like the matrix. */
function edgeList(n: number): Array<[number, number]> {
  const edges: Array<[number, number]> = [];
  for (let u = 0; u < n; u++) for (let v = u + 1; v < n; v++) edges.push([u, v]);
  return edges;
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Successor bitmasks of a matrix given as an edge subset. */
function successors(n: number, edges: Array<[number, number]>, subset: number): number[] {
  const succ = new Array<number>(n).fill(0);
  for (let i = 0; i < edges.length; i++) if (subset & (1 << i)) succ[edges[i][0]] |= 1 << edges[i][1];
  return succ;
}

/** Every vertex reachable from the input and reaching the output. */
function isFull(n: number, succ: number[]): boolean {
  let reach = 1;
  for (let u = 0; u < n; u++) if (reach & (1 << u)) reach |= succ[u];
  if (reach !== (1 << n) - 1) return false;
  let coreach = 1 << (n - 1);
  for (let u = n - 2; u >= 0; u--) if (succ[u] & coreach) coreach |= 1 << u;
  return coreach === (1 << n) - 1;
}

function mixA(h: number, x: number): number {
  h = Math.imul(h ^ x, 0x9e3779b1);
  return (h ^ (h >>> 15)) | 0;
}
function mixB(h: number, x: number): number {
  h = Math.imul(h ^ x, 0x85ebca77);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae3d);
  return (h ^ (h >>> 16)) | 0;
}

/** Sorts parallel lanes (a, b) of length k in place by (a, b). */
function sortPairs(a: Int32Array, b: Int32Array, k: number): void {
  for (let i = 1; i < k; i++) {
    const x = a[i];
    const y = b[i];
    let j = i - 1;
    while (j >= 0 && (a[j] > x || (a[j] === x && b[j] > y))) {
      a[j + 1] = a[j];
      b[j + 1] = b[j];
      j--;
    }
    a[j + 1] = x;
    b[j + 1] = y;
  }
}

/**
 * The structural WL fingerprint of a full cell as a 53-bit number. Same
 * refinement as hashModule: initial (out, in, label), |V| rounds over sorted
 * in-neighbours, sorted out-neighbours and self, then the sorted multiset.
 */
export function fastStructuralFingerprint(preds: number[][], succs: number[][], labels: ArrayLike<number>, scratch = new FingerprintScratch(7)): number {
  const n = labels.length;
  const { ca, cb, na, nb, ta, tb } = scratch;
  for (let v = 0; v < n; v++) {
    const key = (succs[v].length * 16 + preds[v].length) * 8 + (labels[v] + 2);
    ca[v] = mixA(0x1234567, key);
    cb[v] = mixB(0x7654321, key);
  }
  for (let round = 0; round < n; round++) {
    for (let v = 0; v < n; v++) {
      let ha = 0x2545f491;
      let hb = 0x6b43a9b5;
      const p = preds[v];
      for (let i = 0; i < p.length; i++) { ta[i] = ca[p[i]]; tb[i] = cb[p[i]]; }
      sortPairs(ta, tb, p.length);
      for (let i = 0; i < p.length; i++) { ha = mixA(ha, ta[i]); hb = mixB(hb, tb[i]); }
      ha = mixA(ha, 0x7c); hb = mixB(hb, 0x7c);
      const s = succs[v];
      for (let i = 0; i < s.length; i++) { ta[i] = ca[s[i]]; tb[i] = cb[s[i]]; }
      sortPairs(ta, tb, s.length);
      for (let i = 0; i < s.length; i++) { ha = mixA(ha, ta[i]); hb = mixB(hb, tb[i]); }
      ha = mixA(ha, 0x7d); hb = mixB(hb, 0x7d);
      na[v] = mixA(ha, ca[v]);
      nb[v] = mixB(hb, cb[v]);
    }
    ca.set(na.subarray(0, n));
    cb.set(nb.subarray(0, n));
  }
  for (let v = 0; v < n; v++) { ta[v] = ca[v]; tb[v] = cb[v]; }
  sortPairs(ta, tb, n);
  let ha = 0x51ed270b;
  let hb = 0x1b873593;
  for (let v = 0; v < n; v++) { ha = mixA(ha, ta[v]); hb = mixB(hb, tb[v]); }
  return (ha >>> 0) * 2 ** 21 + (hb >>> 11);
}

export class FingerprintScratch {
  ca: Int32Array; cb: Int32Array; na: Int32Array; nb: Int32Array; ta: Int32Array; tb: Int32Array;
  constructor(n: number) {
    this.ca = new Int32Array(n); this.cb = new Int32Array(n);
    this.na = new Int32Array(n); this.nb = new Int32Array(n);
    this.ta = new Int32Array(n); this.tb = new Int32Array(n);
  }
}

function toCell(n: number, succ: number[], labels: ArrayLike<number>): Cell {
  const matrix = Array.from({ length: n }, (_, u) => Array.from({ length: n }, (_, v) => (succ[u] & (1 << v) ? 1 : 0)));
  const ops = Array.from({ length: n }, (_, v) => (v === 0 ? INPUT : v === n - 1 ? OUTPUT : CELL_OPS[labels[v]]));
  return { matrix, ops };
}

/**
 * Visits every full, valid labelled cell with 2..maxVertices vertices.
 * `visit` gets successor masks and labels (input -1, output -2, ops 0..2).
 */
export function forEachFullCell(
  maxVertices: number,
  maxEdges: number,
  visit: (n: number, succ: number[], preds: number[][], succs: number[][], labels: Int8Array) => void,
): void {
  for (let n = 2; n <= maxVertices; n++) {
    const edges = edgeList(n);
    const labels = new Int8Array(n);
    labels[0] = -1;
    labels[n - 1] = -2;
    const interior = n - 2;
    const labellings = 3 ** interior;
    for (let subset = 0; subset < 2 ** edges.length; subset++) {
      if (popcount(subset) > maxEdges) continue;
      const succ = successors(n, edges, subset);
      if (!isFull(n, succ)) continue;
      const succs = succ.map((mask) => Array.from({ length: n }, (_, v) => v).filter((v) => mask & (1 << v)));
      const preds = Array.from({ length: n }, (_, v) => Array.from({ length: n }, (_, u) => u).filter((u) => succ[u] & (1 << v)));
      for (let code = 0; code < labellings; code++) {
        let c = code;
        for (let v = 1; v <= interior; v++) { labels[v] = c % 3; c = Math.floor(c / 3); }
        visit(n, succ, preds, succs, labels);
      }
    }
  }
}

export async function enumerateSpace(options: SpaceEnumerationOptions): Promise<SpaceEnumerationResult> {
  const { maxVertices } = options;
  if (!Number.isInteger(maxVertices) || maxVertices < 2 || maxVertices > 7) {
    throw new RangeError(`maxVertices: expected an integer from 2 to 7, got ${maxVertices}`);
  }
  const maxEdges = options.maxEdges ?? MAX_EDGES;
  const started = performance.now();
  const scratch = new FingerprintScratch(maxVertices);
  const representatives = new Map<number, Cell>();
  const structuralByVertices: Record<number, number> = {};
  let labelledGraphs = 0;
  forEachFullCell(maxVertices, maxEdges, (n, succ, preds, succs, labels) => {
    labelledGraphs++;
    const key = fastStructuralFingerprint(preds, succs, labels, scratch);
    if (!representatives.has(key)) {
      representatives.set(key, toCell(n, succ, labels));
      structuralByVertices[n] = (structuralByVertices[n] ?? 0) + 1;
    }
    if ((labelledGraphs & 0xfffff) === 0) options.onProgress?.({ phase: 'structural', done: labelledGraphs, total: NaN });
  });
  const structuralSeconds = (performance.now() - started) / 1000;

  let functionalHashes: number | null = null;
  const examples: FunctionalMergeExample[] = [];
  const functionalStarted = performance.now();
  if (options.functional ?? true) {
    const probe = options.probe ?? DEFAULT_FORWARD_PROBE;
    const hasher = await createFunctionalHasher();
    const hash = hasher.forKey({ domain: 'nas-cell', version: options.version ?? '1', probeKey: forwardProbeKey(probe), mantissaBits: options.mantissaBits });
    const groups = new Map<string, Cell[]>();
    let done = 0;
    const total = representatives.size;
    for (const cell of representatives.values()) {
      const h = hash(forwardProbe(cell, probe));
      const group = groups.get(h);
      if (group) group.push(cell);
      else groups.set(h, [cell]);
      if (++done % 10000 === 0) options.onProgress?.({ phase: 'functional', done, total });
    }
    functionalHashes = groups.size;
    for (const [functionalHash, cells] of groups) {
      if (examples.length >= (options.maxExamples ?? 5)) break;
      if (cells.length < 2) continue;
      examples.push({
        functionalHash,
        cells: cells.slice(0, 4).map((cell) => ({ cell, structuralHash: structuralHash(cell), description: describeCell(cell) })),
      });
    }
  }
  return {
    maxVertices,
    labelledGraphs,
    structuralHashes: representatives.size,
    functionalHashes,
    structuralByVertices,
    examples,
    seconds: { structural: structuralSeconds, functional: (performance.now() - functionalStarted) / 1000 },
  };
}

/** The human-readable report `deja space nas-cell` prints. */
export function formatSpaceEnumeration(result: SpaceEnumerationResult, mantissaBits = 24): string {
  const lines = [
    `max vertices:             ${result.maxVertices}`,
    `labelled graphs:          ${result.labelledGraphs}`,
    `structural hashes:        ${result.structuralHashes}  (by vertices ${JSON.stringify(result.structuralByVertices)})`,
  ];
  if (result.functionalHashes !== null) {
    lines.push(`functional hashes:        ${result.functionalHashes}  (forward probe, ${mantissaBits} mantissa bits)`);
    lines.push(`merges beyond structural: ${result.structuralHashes - result.functionalHashes}`);
  }
  lines.push(`seconds:                  structural ${result.seconds.structural.toFixed(1)}, functional ${result.seconds.functional.toFixed(1)}`);
  for (const example of result.examples) {
    lines.push(`functional hash ${example.functionalHash}:`);
    for (const c of example.cells) lines.push(`  ${c.structuralHash}  ${c.description}  ${JSON.stringify(c.cell)}`);
  }
  return lines.join('\n');
}
