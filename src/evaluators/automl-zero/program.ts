/**
 * A program (the original's "Algorithm"): Setup, Predict and Learn component
 * functions, each a list of instructions over typed memory slots.
 *
 * Instructions, component lists and programs are never changed once built:
 * mutations build new ones and share the rest, so their text, live code and
 * probe can be memoized by object (see text.ts and program-cache.ts).
 */
import type { SlotType } from './ops.js';

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


