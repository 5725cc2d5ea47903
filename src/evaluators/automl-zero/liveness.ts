/**
 * Dead-code removal over the whole Setup / Predict / Learn loop.
 *
 * The only observable output of a program is s1 right after Predict (read as
 * the prediction on every train and validation example). An instruction is
 * kept when its output can reach that read through later instructions, the
 * next example's Predict or Learn included (memory persists across examples),
 * so live sets are iterated to a fixpoint. v0 (features) and s0 (label) are
 * overwritten by the executor before every Predict and Learn, so they are
 * never live across those boundaries. Ops that draw random numbers are always
 * kept: removing one would shift the random stream seen by the others.
 */
import { OPS, type SlotType } from './ops.js';
import { FEATURES_VECTOR, LABEL_SCALAR, PREDICTION_SCALAR, type Instruction, type MemorySize, type Program } from './program.js';

type LiveSet = Uint8Array;

function slotIndex(size: MemorySize, type: SlotType, address: number): number {
  return type === 's' ? address : type === 'v' ? size.scalars + address : size.scalars + size.vectors + address;
}

/** Backward pass over one component: the live set at its entry and which instructions matter. */
function backward(size: MemorySize, code: readonly Instruction[], liveOut: LiveSet): { liveIn: LiveSet; keep: boolean[] } {
  const live = liveOut.slice();
  const keep = new Array<boolean>(code.length).fill(false);
  for (let i = code.length - 1; i >= 0; i--) {
    const x = code[i];
    const op = OPS[x.op];
    if (op.out === null) continue;
    const out = slotIndex(size, op.out, x.out);
    if (!live[out] && !op.random) continue;
    keep[i] = true;
    if (!op.partialWrite) live[out] = 0;
    if (op.in1 !== null) live[slotIndex(size, op.in1, x.in1)] = 1;
    if (op.in2 !== null) live[slotIndex(size, op.in2, x.in2)] = 1;
  }
  return { liveIn: live, keep };
}

function union(a: LiveSet, b: LiveSet): LiveSet {
  const out = a.slice();
  for (let i = 0; i < b.length; i++) out[i] |= b[i];
  return out;
}

function equal(a: LiveSet, b: LiveSet): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Per op, for the bitmask pass: the bit of slot 0 of its output and input types
 * in the live set (-1: no such operand), and its flags. Looked up by op id,
 * so the pass reads numbers instead of op objects and type letters: it runs
 * for every child of a search.
 */
interface BitTables {
  out: Int8Array;
  in1: Int8Array;
  in2: Int8Array;
  random: Uint8Array;
  partial: Uint8Array;
}

const bitTablesBySize = new WeakMap<MemorySize, BitTables>();

function bitTables(size: MemorySize): BitTables {
  let t = bitTablesBySize.get(size);
  if (t !== undefined) return t;
  const base = (type: SlotType | null): number => (type === null ? -1 : slotIndex(size, type, 0));
  t = {
    out: Int8Array.from(OPS, (op) => base(op.out)),
    in1: Int8Array.from(OPS, (op) => base(op.in1)),
    in2: Int8Array.from(OPS, (op) => base(op.in2)),
    random: Uint8Array.from(OPS, (op) => (op.random ? 1 : 0)),
    partial: Uint8Array.from(OPS, (op) => (op.partialWrite ? 1 : 0)),
  };
  bitTablesBySize.set(size, t);
  return t;
}

/**
 * Same pass with the live set as the bits of one integer (memories of up to 31
 * slots), allocation-free. With `kept`, the instructions that matter are
 * pushed onto it, last first.
 */
function backwardBits(t: BitTables, code: readonly Instruction[], liveOut: number, kept: Instruction[] | null): number {
  let live = liveOut;
  for (let i = code.length - 1; i >= 0; i--) {
    const x = code[i];
    const id = x.op;
    const o = t.out[id];
    if (o < 0) continue;
    const out = 1 << (o + x.out);
    if ((live & out) === 0 && t.random[id] === 0) continue;
    kept?.push(x);
    if (t.partial[id] === 0) live &= ~out;
    const a = t.in1[id];
    if (a >= 0) live |= 1 << (a + x.in1);
    const b = t.in2[id];
    if (b >= 0) live |= 1 << (b + x.in2);
  }
  return live;
}

/** The live instructions of one component, in order; the component itself when all are live (no copy). */
function keepBits(t: BitTables, code: Instruction[], liveOut: number): Instruction[] {
  const kept: Instruction[] = [];
  backwardBits(t, code, liveOut, kept);
  return kept.length === code.length ? code : kept.reverse();
}

/**
 * The slots live at the end of each component (out[0] setup, out[1] predict,
 * out[2] learn), as bits: predict and learn feed each other across training
 * steps, so their live inputs are iterated to a fixed point.
 */
function liveOuts(t: BitTables, program: Program, size: MemorySize, out: Int32Array): void {
  const overwritten = ~((1 << slotIndex(size, 's', LABEL_SCALAR)) | (1 << slotIndex(size, 'v', FEATURES_VECTOR)));
  const prediction = 1 << slotIndex(size, 's', PREDICTION_SCALAR);
  let predictIn = 0;
  let learnIn = 0;
  for (;;) {
    const nextPredictIn = backwardBits(t, program.predict, prediction | ((learnIn | predictIn) & overwritten), null);
    const nextLearnIn = backwardBits(t, program.learn, nextPredictIn & overwritten, null);
    if ((nextPredictIn | predictIn) === predictIn && (nextLearnIn | learnIn) === learnIn) break;
    predictIn |= nextPredictIn;
    learnIn |= nextLearnIn;
  }
  out[0] = predictIn & overwritten;
  out[1] = prediction | ((learnIn | predictIn) & overwritten);
  out[2] = predictIn & overwritten;
}

function pruneWithBits(program: Program, size: MemorySize): Program {
  const t = bitTables(size);
  const live = new Int32Array(3);
  liveOuts(t, program, size, live);
  return { setup: keepBits(t, program.setup, live[0]), predict: keepBits(t, program.predict, live[1]), learn: keepBits(t, program.learn, live[2]) };
}

/** The most instructions a component may have for liveMasks (one bit each in an int32). */
const MASK_BITS = 31;

/**
 * Like backwardBits, but returns which instructions matter (bit i: instruction i). A separate
 * loop rather than an option of backwardBits: it runs for every child and must not allocate.
 */
function keptMask(t: BitTables, code: readonly Instruction[], liveOut: number): number {
  let live = liveOut;
  let mask = 0;
  for (let i = code.length - 1; i >= 0; i--) {
    const x = code[i];
    const id = x.op;
    const o = t.out[id];
    if (o < 0) continue;
    const out = 1 << (o + x.out);
    if ((live & out) === 0 && t.random[id] === 0) continue;
    mask |= 1 << i;
    if (t.partial[id] === 0) live &= ~out;
    const a = t.in1[id];
    if (a >= 0) live |= 1 << (a + x.in1);
    const b = t.in2[id];
    if (b >= 0) live |= 1 << (b + x.in2);
  }
  return mask;
}

/**
 * Which instructions of each component are live, as bits (out[0] setup,
 * out[1] predict, out[2] learn; bit i: instruction i), without building the
 * pruned program: a search looks most children up by their live code, and most
 * are found. False where bits do not serve (memories over 31 slots, components
 * over 31 instructions): use pruneDeadCode there.
 */
export function liveMasks(program: Program, size: MemorySize, out: Int32Array): boolean {
  if (size.scalars + size.vectors + size.matrices > 31) return false;
  if (program.setup.length > MASK_BITS || program.predict.length > MASK_BITS || program.learn.length > MASK_BITS) return false;
  const t = bitTables(size);
  // `out` holds each component's live-out bits first, then its mask: no scratch per child.
  liveOuts(t, program, size, out);
  out[0] = keptMask(t, program.setup, out[0]);
  out[1] = keptMask(t, program.predict, out[1]);
  out[2] = keptMask(t, program.learn, out[2]);
  return true;
}

/** The instructions of `code` whose bits are set; `code` itself when all are (no copy). */
function keepMasked(code: Instruction[], mask: number): Instruction[] {
  if (mask === 2 ** code.length - 1) return code;
  const kept: Instruction[] = [];
  for (let i = 0; i < code.length; i++) if ((mask >>> i) & 1) kept.push(code[i]);
  return kept;
}

/** The live program that liveMasks described: the same as pruneDeadCode gives. */
export function pruneByMasks(program: Program, masks: ArrayLike<number>): Program {
  return { setup: keepMasked(program.setup, masks[0]), predict: keepMasked(program.predict, masks[1]), learn: keepMasked(program.learn, masks[2]) };
}

/** The program with every instruction that cannot affect a prediction removed. */
export function pruneDeadCode(program: Program, size: MemorySize): Program {
  const n = size.scalars + size.vectors + size.matrices;
  if (n <= 31) return pruneWithBits(program, size);
  const overwritten = (set: LiveSet): LiveSet => {
    const out = set.slice();
    out[slotIndex(size, 's', LABEL_SCALAR)] = 0;
    out[slotIndex(size, 'v', FEATURES_VECTOR)] = 0;
    return out;
  };
  const prediction = new Uint8Array(n);
  prediction[slotIndex(size, 's', PREDICTION_SCALAR)] = 1;

  let predictIn: LiveSet = new Uint8Array(n);
  let learnIn: LiveSet = new Uint8Array(n);
  for (;;) {
    const afterPredict = union(prediction, union(overwritten(learnIn), overwritten(predictIn)));
    const nextPredictIn = backward(size, program.predict, afterPredict).liveIn;
    const nextLearnIn = backward(size, program.learn, overwritten(nextPredictIn)).liveIn;
    if (equal(nextPredictIn, predictIn) && equal(nextLearnIn, learnIn)) break;
    predictIn = union(predictIn, nextPredictIn);
    learnIn = union(learnIn, nextLearnIn);
  }
  const afterPredict = union(prediction, union(overwritten(learnIn), overwritten(predictIn)));
  const keepPredict = backward(size, program.predict, afterPredict).keep;
  const keepLearn = backward(size, program.learn, overwritten(predictIn)).keep;
  const keepSetup = backward(size, program.setup, overwritten(predictIn)).keep;
  return {
    setup: program.setup.filter((_, i) => keepSetup[i]),
    predict: program.predict.filter((_, i) => keepPredict[i]),
    learn: program.learn.filter((_, i) => keepLearn[i]),
  };
}
