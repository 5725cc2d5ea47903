/**
 * Random programs and mutations, as in the original's Randomizer, Generator
 * and Mutator: random initial programs or all-NO_OP ones; a child is mutated
 * with probability `mutateProb`, by one mutation drawn uniformly from the
 * allowed types, applied to one component function drawn uniformly among
 * those with allowed ops.
 */
import type { Rng } from '../../random/rng.js';
import { NO_OP, OPS, opKind, type OpDef, type SlotType } from './ops.js';
import {
  COMPONENTS,
  FIRST_OUT,
  noOp,
  slotCount,
  type ComponentName,
  type Instruction,
  type MemorySize,
  type Program,
} from './program.js';

export const MUTATION_TYPES = [
  'alter-param',
  'randomize-instruction',
  'randomize-component',
  'insert-instruction',
  'remove-instruction',
  'trade-instruction',
  'randomize-program',
  'identity',
] as const;
export type MutationType = (typeof MUTATION_TYPES)[number];

export interface SizeRange {
  init: number;
  min: number;
  max: number;
}

export interface SearchSpace {
  memory: MemorySize;
  /** Allowed op ids per component; an empty list means the component is never changed. */
  ops: Record<ComponentName, number[]>;
  sizes: Record<ComponentName, SizeRange>;
  mutationTypes: MutationType[];
  mutateProb: number;
  initial: 'random' | 'no-op';
}

/** Sign flip probability when altering a constant (kSignFlipProb in the original). */
const SIGN_FLIP_PROB = 0.1;

function inAddress(space: SearchSpace, type: SlotType, rng: Rng): number {
  return rng.int(slotCount(space.memory, type));
}

function outAddress(space: SearchSpace, type: SlotType, rng: Rng): number {
  const first = FIRST_OUT[type];
  return first + rng.int(slotCount(space.memory, type) - first);
}

/** Initial data of a data op (RandomizeData in the original). */
function randomData(op: OpDef, rng: Rng): number[] {
  switch (op.name) {
    case 'SCALAR_CONST_SET_OP':
      return [rng.uniform(-1, 1)];
    case 'VECTOR_CONST_SET_OP':
      return [rng.uniform(0, 1), rng.uniform(-1, 1)];
    case 'MATRIX_CONST_SET_OP':
      return [rng.uniform(0, 1), rng.uniform(0, 1), rng.uniform(-1, 1)];
    case 'SCALAR_GAUSSIAN_SET_OP':
    case 'VECTOR_GAUSSIAN_SET_OP':
    case 'MATRIX_GAUSSIAN_SET_OP':
      return [rng.uniform(-1, 1), rng.uniform(0, 1)]; // mean, standard deviation
    case 'SCALAR_UNIFORM_SET_OP':
    case 'VECTOR_UNIFORM_SET_OP':
    case 'MATRIX_UNIFORM_SET_OP':
      return [rng.uniform(-1, 1), rng.uniform(-1, 1)];
    default:
      return [];
  }
}

/** Multiplies |value| by exp(N(0, 1)), keeping the sign. */
function logScale(value: number, rng: Rng): number {
  return value > 0 ? Math.exp(Math.log(value) + rng.normal()) : -Math.exp(Math.log(-value) + rng.normal());
}

function logScaleOrFlip(value: number, rng: Rng): number {
  return rng.next() < SIGN_FLIP_PROB ? -value : logScale(value, rng);
}

/** Small change to a data op's data (AlterData in the original). */
function alterData(op: OpDef, data: number[], rng: Rng): number[] {
  const d = data.slice();
  switch (op.name) {
    case 'SCALAR_CONST_SET_OP':
      d[0] = logScaleOrFlip(d[0], rng);
      break;
    case 'VECTOR_CONST_SET_OP':
      if (rng.int(2) === 0) d[0] = rng.uniform(0, 1);
      else d[1] = logScaleOrFlip(d[1], rng);
      break;
    case 'MATRIX_CONST_SET_OP': {
      const which = rng.int(3);
      if (which < 2) d[which] = rng.uniform(0, 1);
      else d[2] = logScaleOrFlip(d[2], rng);
      break;
    }
    case 'SCALAR_GAUSSIAN_SET_OP':
    case 'VECTOR_GAUSSIAN_SET_OP':
    case 'MATRIX_GAUSSIAN_SET_OP':
      if (rng.int(2) === 0) d[0] = logScaleOrFlip(d[0], rng);
      else d[1] = logScale(d[1], rng);
      break;
    case 'SCALAR_UNIFORM_SET_OP':
    case 'VECTOR_UNIFORM_SET_OP':
    case 'MATRIX_UNIFORM_SET_OP': {
      const which = rng.int(2);
      d[which] = logScaleOrFlip(d[which], rng);
      const [lo, hi] = [Math.min(d[0], d[1]), Math.max(d[0], d[1])];
      d[0] = lo;
      d[1] = hi;
      break;
    }
  }
  return d;
}

/** A new instruction with the given op and random operands (SetOpAndRandomizeParams). */
export function randomInstruction(space: SearchSpace, opId: number, rng: Rng): Instruction {
  const op = OPS[opId];
  if (op.id === NO_OP) return noOp();
  // Drawn in this order (in1, in2, out, data), then built in one piece: no placeholder data array.
  const in1 = op.in1 !== null ? inAddress(space, op.in1, rng) : 0;
  const in2 = op.in2 !== null ? inAddress(space, op.in2, rng) : 0;
  const out = outAddress(space, op.out!, rng);
  return { op: op.id, in1, in2, out, data: randomData(op, rng) };
}

/** Changes one operand or the data of an instruction (AlterParam). */
export function alterParam(space: SearchSpace, x: Instruction, rng: Rng): Instruction {
  const op = OPS[x.op];
  const y: Instruction = { op: x.op, in1: x.in1, in2: x.in2, out: x.out, data: x.data };
  switch (opKind(op)) {
    case 'none':
      return y;
    case 'data':
      if (rng.int(2) === 0) y.out = outAddress(space, op.out!, rng);
      else y.data = alterData(op, y.data, rng);
      return y;
    case 'unary':
      if (rng.int(2) === 0) y.in1 = inAddress(space, op.in1!, rng);
      else y.out = outAddress(space, op.out!, rng);
      return y;
    case 'binary': {
      const which = rng.int(3);
      if (which === 0) y.in1 = inAddress(space, op.in1!, rng);
      else if (which === 1) y.in2 = inAddress(space, op.in2!, rng);
      else y.out = outAddress(space, op.out!, rng);
      return y;
    }
  }
}

function randomOp(space: SearchSpace, component: ComponentName, rng: Rng): number {
  return rng.pick(space.ops[component]);
}

function randomComponent(space: SearchSpace, component: ComponentName, size: number, rng: Rng): Instruction[] {
  if (space.ops[component].length === 0) return Array.from({ length: size }, noOp);
  // A loop, not Array.from with a callback: this runs for a third of the demo's children.
  const code: Instruction[] = [];
  for (let i = 0; i < size; i++) code.push(randomInstruction(space, randomOp(space, component, rng), rng));
  return code;
}

/** An initial program: random instructions, or NO_OPs, at the initial sizes. */
export function initialProgram(space: SearchSpace, rng: Rng): Program {
  const p = {} as Program;
  for (const c of COMPONENTS) {
    p[c] = space.initial === 'no-op' ? Array.from({ length: space.sizes[c].init }, noOp) : randomComponent(space, c, space.sizes[c].init, rng);
  }
  return p;
}

function mutableComponents(space: SearchSpace): ComponentName[] {
  return COMPONENTS.filter((c) => space.ops[c].length > 0);
}

/** Applies one mutation of the given type in place (MutateImpl). */
export function applyMutation(space: SearchSpace, p: Program, type: MutationType, rng: Rng): void {
  if (type === 'identity') return;
  const components = mutableComponents(space);
  if (components.length === 0) return;
  if (type === 'randomize-program') {
    for (const c of components) p[c] = randomComponent(space, c, p[c].length, rng);
    return;
  }
  const c = rng.pick(components);
  // Copy only the component that changes: the others stay shared with the parent (and keep their memoized text).
  const code = p[c].slice();
  p[c] = code;
  const size = space.sizes[c];
  switch (type) {
    case 'alter-param':
      if (code.length > 0) {
        const i = rng.int(code.length);
        code[i] = alterParam(space, code[i], rng);
      }
      return;
    case 'randomize-instruction':
      if (code.length > 0) code[rng.int(code.length)] = randomInstruction(space, randomOp(space, c, rng), rng);
      return;
    case 'randomize-component':
      p[c] = randomComponent(space, c, code.length, rng);
      return;
    case 'insert-instruction':
      if (code.length >= size.max) return;
      insertRandom(space, code, c, rng);
      return;
    case 'remove-instruction':
      if (code.length <= size.min || code.length === 0) return;
      code.splice(rng.int(code.length), 1);
      return;
    case 'trade-instruction':
      insertRandom(space, code, c, rng);
      code.splice(rng.int(code.length), 1);
      return;
  }
}

function insertRandom(space: SearchSpace, code: Instruction[], c: ComponentName, rng: Rng): void {
  const position = rng.int(code.length + 1);
  code.splice(position, 0, randomInstruction(space, randomOp(space, c, rng), rng));
}

/** A child of `parent`: with probability mutateProb one random mutation, else an exact copy. */
export function mutateProgram(space: SearchSpace, parent: Program, rng: Rng): Program {
  // Shallow: applyMutation copies the one component list it changes.
  const child: Program = { setup: parent.setup, predict: parent.predict, learn: parent.learn };
  if (space.mutateProb >= 1 || rng.next() < space.mutateProb) {
    applyMutation(space, child, rng.pick(space.mutationTypes), rng);
  }
  return child;
}
