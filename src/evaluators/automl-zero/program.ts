/**
 * A program (the original's "Algorithm"): Setup, Predict and Learn component
 * functions, each a list of instructions over typed memory slots.
 *
 * Instructions, component lists and programs are never changed once built:
 * mutations build new ones and share the rest, so their text, live code and
 * probe can be memoized by object (see text.ts and program-cache.ts).
 */
import { OPS, type SlotType } from './ops.js';

export interface Instruction {
  op: number;
  in1: number;
  in2: number;
  out: number;
  /** The op's float data (length = OPS[op].dataCount). */
  data: number[];
}

export const COMPONENTS = ['setup', 'predict', 'learn'] as const;
export type ComponentName = (typeof COMPONENTS)[number];

export type Program = Record<ComponentName, Instruction[]>;

/** Candidates are plain JSON: the program's canonical text form. */
export interface AutomlZeroCandidate {
  program: string;
}

/** Fixed memory roles, as in the original. */
export const LABEL_SCALAR = 0;
export const PREDICTION_SCALAR = 1;
export const FEATURES_VECTOR = 0;

/** First slot an instruction may write, per type (the label and the features are inputs only). */
export const FIRST_OUT: Record<SlotType, number> = { s: 1, v: 1, m: 0 };

export interface MemorySize {
  scalars: number;
  vectors: number;
  matrices: number;
}

export function slotCount(size: MemorySize, type: SlotType): number {
  return type === 's' ? size.scalars : type === 'v' ? size.vectors : size.matrices;
}

export function noOp(): Instruction {
  return { op: 0, in1: 0, in2: 0, out: 0, data: [] };
}



/** Instructions that do the same thing: same op, and the same operands and data the op reads or writes. */
export function sameInstruction(a: Instruction, b: Instruction): boolean {
  if (a === b) return true;
  if (a.op !== b.op) return false;
  const op = OPS[a.op];
  if (op.out !== null && a.out !== b.out) return false;
  if (op.in1 !== null && a.in1 !== b.in1) return false;
  if (op.in2 !== null && a.in2 !== b.in2) return false;
  for (let k = 0; k < op.dataCount; k++) if (a.data[k] !== b.data[k]) return false;
  return true;
}

export function samePrograms(a: Program, b: Program): boolean {
  for (const c of COMPONENTS) {
    const x = a[c];
    const y = b[c];
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!sameInstruction(x[i], y[i])) return false;
  }
  return true;
}

const mix = (h: number, v: number): number => Math.imul(h ^ v, 0x01000193);

/** Set bits of a 32-bit integer. */
function bitCount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/**
 * A 32-bit hash of what samePrograms compares, for memo tables (equal programs
 * hash equal; a collision only costs a samePrograms call). Far cheaper than
 * printing the program: no strings, no allocation. With `masks` (liveness.ts's
 * liveMasks), it hashes only the instructions whose bits are set, the same
 * value as for the program pruned to them.
 */
export function programKey(p: Program, masks?: ArrayLike<number>): number {
  let h = 0x811c9dc5;
  for (let c = 0; c < COMPONENTS.length; c++) {
    const code = p[COMPONENTS[c]];
    const mask = masks === undefined ? -1 : masks[c];
    h = mix(h, 0x7fff0000 + (masks === undefined ? code.length : bitCount(mask)));
    for (let i = 0; i < code.length; i++) {
      if (((mask >>> i) & 1) === 0) continue;
      const x = code[i];
      const op = OPS[x.op];
      h = mix(h, x.op);
      if (op.out !== null) h = mix(h, x.out);
      if (op.in1 !== null) h = mix(h, x.in1);
      if (op.in2 !== null) h = mix(h, x.in2);
      // Data are floats: any deterministic fold of their digits serves a hash.
      for (let k = 0; k < op.dataCount; k++) h = mix(h, (x.data[k] * 0x10000000) | 0);
    }
  }
  return h >>> 0;
}

/** samePrograms(live, the instructions of `p` whose bits are set in `masks`), without building the latter. */
export function sameLiveCode(live: Program, p: Program, masks: ArrayLike<number>): boolean {
  for (let c = 0; c < COMPONENTS.length; c++) {
    const x = live[COMPONENTS[c]];
    const y = p[COMPONENTS[c]];
    const mask = masks[c];
    let j = 0;
    for (let i = 0; i < y.length; i++) {
      if (((mask >>> i) & 1) === 0) continue;
      if (j >= x.length || !sameInstruction(x[j], y[i])) return false;
      j++;
    }
    if (j !== x.length) return false;
  }
  return true;
}
