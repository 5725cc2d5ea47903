/**
 * The same executor as compile.ts, as one interpreter over an assembled
 * program (opcodes and pre-resolved memory offsets in an Int32Array, the
 * executor's own per-example steps included as opcodes).
 *
 * Why both: a freshly compiled JavaScript function runs in V8's bytecode
 * interpreter until it gets hot, and generating, parsing and warming it up
 * costs about a millisecond, while a search evaluates most programs only on
 * ~1,000 examples, once. This interpreter is one function that is already
 * optimized after the first few programs, so for such short runs it is many
 * times faster; compiling pays off for long runs (thousands of examples, or
 * a program run again and again). `executor: "auto"` picks by workload.
 */
import type { OpRng, TaskRunner } from './compile.js';
import { OPS, floatToIndex } from './ops.js';
import type { Instruction, MemorySize, Program } from './program.js';

export interface Assembled {
  F: number;
  /**
   * Per instruction: op, out offset, in1 offset, in2 offset. Laid out as
   * setup, TRAIN_BEGIN, predict, TRAIN_MID, learn, TRAIN_END, VALID_BEGIN,
   * predict, VALID_END: the executor's own steps are opcodes too, so one loop
   * runs a whole task without a function call per example.
   */
  code: Int32Array;
  /** Per instruction: three data values. */
  data: Float64Array;
  trainBegin: number;
  validBegin: number;
  /** Whole memory: scalars, vectors, matrices, then F*F temporaries. */
  mem: Float64Array;
  features: number;
  temp: number;
}

// Executor steps, numbered after the 65 ops.
const TRAIN_BEGIN = 100;
const TRAIN_MID = 101;
const TRAIN_END = 102;
const VALID_BEGIN = 103;
const VALID_END = 104;

export function assemble(program: Program, F: number, memory: MemorySize): Assembled {
  const S = memory.scalars;
  const vBase = S;
  const mBase = S + memory.vectors * F;
  const temp = mBase + memory.matrices * F * F;
  const offset = (type: 's' | 'v' | 'm' | null, a: number): number =>
    type === 's' ? a : type === 'v' ? vBase + a * F : type === 'm' ? mBase + a * F * F : 0;
  const step = (op: number): Instruction => ({ op, in1: 0, in2: 0, out: 0, data: [] });
  const all: Instruction[] = [
    ...program.setup,
    step(TRAIN_BEGIN),
    ...program.predict,
    step(TRAIN_MID),
    ...program.learn,
    step(TRAIN_END),
    step(VALID_BEGIN),
    ...program.predict,
    step(VALID_END),
  ];
  const code = new Int32Array(all.length * 4);
  const data = new Float64Array(all.length * 3);
  all.forEach((x, i) => {
    code[4 * i] = x.op;
    if (x.op >= TRAIN_BEGIN) return;
    const op = OPS[x.op];
    let out = offset(op.out, x.out);
    // Constant setters write one element: resolve its index now.
    if (op.name === 'VECTOR_CONST_SET_OP') out += floatToIndex(x.data[0], F);
    if (op.name === 'MATRIX_CONST_SET_OP') out += floatToIndex(x.data[0], F) * F + floatToIndex(x.data[1], F);
    code[4 * i + 1] = out;
    code[4 * i + 2] = offset(op.in1, x.in1);
    code[4 * i + 3] = offset(op.in2, x.in2);
    for (let k = 0; k < x.data.length; k++) data[3 * i + k] = x.data[k];
  });
  const trainBegin = program.setup.length;
  return {
    F,
    code,
    data,
    trainBegin,
    validBegin: trainBegin + program.predict.length + program.learn.length + 3,
    mem: new Float64Array(temp + F * F),
    features: vBase,
    temp,
  };
}

/** A TaskRunner (same contract as a compiled one) that interprets `p`. */
export function interpreterFor(p: Assembled): TaskRunner {
  return (X, Y, nTrain, VX, VY, nValid, rng, errs, classify, maxAbsError) =>
    runInterpreted(p, X, Y, nTrain, VX, VY, nValid, rng, errs, classify, maxAbsError);
}

export function runInterpreted(
  p: Assembled,
  X: Float64Array,
  Y: Float64Array,
  nTrain: number,
  VX: Float64Array,
  VY: Float64Array,
  nValid: number,
  rng: OpRng,
  errs: Float64Array | null,
  classify: boolean,
  maxAbsError: number,
): number {
  const { code, data, mem, F, temp: T, features: v0 } = p;
  const FF = F * F;
  const end = code.length >> 2;
  mem.fill(0);
  let n = 0; // example index within the current phase
  let xi = 0; // its offset in the feature arrays
  let loss = 0;
  let label = 0;
  for (let i = 0; i < end; i++) {
    const c = 4 * i;
    const o = code[c + 1];
    const a = code[c + 2];
    const b = code[c + 3];
    switch (code[c]) {
      case 0: break;
      case 1: mem[o] = mem[a] + mem[b]; break;
      case 2: mem[o] = mem[a] - mem[b]; break;
      case 3: mem[o] = mem[a] * mem[b]; break;
      case 4: mem[o] = mem[a] / mem[b]; break;
      case 5: mem[o] = Math.abs(mem[a]); break;
      case 6: mem[o] = 1 / mem[a]; break;
      case 7: mem[o] = Math.sin(mem[a]); break;
      case 8: mem[o] = Math.cos(mem[a]); break;
      case 9: mem[o] = Math.tan(mem[a]); break;
      case 10: mem[o] = Math.asin(mem[a]); break;
      case 11: mem[o] = Math.acos(mem[a]); break;
      case 12: mem[o] = Math.atan(mem[a]); break;
      case 13: mem[o] = Math.exp(mem[a]); break;
      case 14: mem[o] = Math.log(mem[a]); break;
      case 15: mem[o] = mem[a] >= 0 ? 1 : 0; break;
      case 16: for (let k = 0; k < F; k++) mem[o + k] = mem[a + k] > 0 ? 1 : 0; break;
      case 17: for (let k = 0; k < FF; k++) mem[o + k] = mem[a + k] > 0 ? 1 : 0; break;
      case 18: { const s = mem[a]; for (let k = 0; k < F; k++) mem[o + k] = mem[b + k] * s; break; }
      case 19: { const s = mem[a]; for (let k = 0; k < F; k++) mem[o + k] = s; break; }
      case 20: for (let k = 0; k < F; k++) mem[o + k] = 1 / mem[a + k]; break;
      case 21: { let q = 0; for (let k = 0; k < F; k++) q += mem[a + k] * mem[a + k]; mem[o] = Math.sqrt(q); break; }
      case 22: for (let k = 0; k < F; k++) mem[o + k] = Math.abs(mem[a + k]); break;
      case 23: for (let k = 0; k < F; k++) mem[o + k] = mem[a + k] + mem[b + k]; break;
      case 24: for (let k = 0; k < F; k++) mem[o + k] = mem[a + k] - mem[b + k]; break;
      case 25: for (let k = 0; k < F; k++) mem[o + k] = mem[a + k] * mem[b + k]; break;
      case 26: for (let k = 0; k < F; k++) mem[o + k] = mem[a + k] / mem[b + k]; break;
      case 27: { let q = 0; for (let k = 0; k < F; k++) q += mem[a + k] * mem[b + k]; mem[o] = q; break; }
      case 28: for (let r = 0; r < F; r++) for (let k = 0; k < F; k++) mem[o + r * F + k] = mem[a + r] * mem[b + k]; break;
      case 29: { const s = mem[a]; for (let k = 0; k < FF; k++) mem[o + k] = mem[b + k] * s; break; }
      case 30: for (let k = 0; k < FF; k++) mem[o + k] = 1 / mem[a + k]; break;
      case 31:
        for (let r = 0; r < F; r++) { let q = 0; for (let k = 0; k < F; k++) q += mem[a + r * F + k] * mem[b + k]; mem[T + r] = q; }
        for (let r = 0; r < F; r++) mem[o + r] = mem[T + r];
        break;
      case 32: for (let r = 0; r < F; r++) for (let k = 0; k < F; k++) mem[o + r * F + k] = mem[a + r]; break;
      case 33: for (let r = 0; r < F; r++) for (let k = 0; k < F; k++) mem[o + r * F + k] = mem[a + k]; break;
      case 34: { let q = 0; for (let k = 0; k < FF; k++) q += mem[a + k] * mem[a + k]; mem[o] = Math.sqrt(q); break; }
      case 35:
        for (let k = 0; k < F; k++) { let q = 0; for (let r = 0; r < F; r++) q += mem[a + r * F + k] * mem[a + r * F + k]; mem[o + k] = Math.sqrt(q); }
        break;
      case 36:
        for (let r = 0; r < F; r++) { let q = 0; for (let k = 0; k < F; k++) q += mem[a + r * F + k] * mem[a + r * F + k]; mem[o + r] = Math.sqrt(q); }
        break;
      case 37:
        for (let r = 0; r < F; r++) for (let k = 0; k < F; k++) mem[T + r * F + k] = mem[a + k * F + r];
        for (let k = 0; k < FF; k++) mem[o + k] = mem[T + k];
        break;
      case 38: for (let k = 0; k < FF; k++) mem[o + k] = Math.abs(mem[a + k]); break;
      case 39: for (let k = 0; k < FF; k++) mem[o + k] = mem[a + k] + mem[b + k]; break;
      case 40: for (let k = 0; k < FF; k++) mem[o + k] = mem[a + k] - mem[b + k]; break;
      case 41: for (let k = 0; k < FF; k++) mem[o + k] = mem[a + k] * mem[b + k]; break;
      case 42: for (let k = 0; k < FF; k++) mem[o + k] = mem[a + k] / mem[b + k]; break;
      case 43:
        for (let r = 0; r < F; r++) for (let k = 0; k < F; k++) {
          let q = 0;
          for (let j = 0; j < F; j++) q += mem[a + r * F + j] * mem[b + j * F + k];
          mem[T + r * F + k] = q;
        }
        for (let k = 0; k < FF; k++) mem[o + k] = mem[T + k];
        break;
      case 44: { const x = mem[a], y = mem[b]; mem[o] = y < x ? y : x; break; }
      case 45: for (let k = 0; k < F; k++) { const x = mem[a + k], y = mem[b + k]; mem[o + k] = y < x ? y : x; } break;
      case 46: for (let k = 0; k < FF; k++) { const x = mem[a + k], y = mem[b + k]; mem[o + k] = x < y ? x : y; } break;
      case 47: { const x = mem[a], y = mem[b]; mem[o] = x < y ? y : x; break; }
      case 48: for (let k = 0; k < F; k++) { const x = mem[a + k], y = mem[b + k]; mem[o + k] = x < y ? y : x; } break;
      case 49: for (let k = 0; k < FF; k++) { const x = mem[a + k], y = mem[b + k]; mem[o + k] = x > y ? x : y; } break;
      case 50: { let q = 0; for (let k = 0; k < F; k++) q += mem[a + k]; mem[o] = q / F; break; }
      case 51: { let q = 0; for (let k = 0; k < FF; k++) q += mem[a + k]; mem[o] = q / FF; break; }
      case 52: for (let r = 0; r < F; r++) { let q = 0; for (let k = 0; k < F; k++) q += mem[a + r * F + k]; mem[o + r] = q / F; } break;
      case 53:
        for (let r = 0; r < F; r++) {
          let q = 0, w = 0;
          for (let k = 0; k < F; k++) { const x = mem[a + r * F + k]; q += x; w += x * x; }
          mem[o + r] = Math.sqrt(w / F - (q / F) * (q / F));
        }
        break;
      case 54: {
        let q = 0, w = 0;
        for (let k = 0; k < F; k++) { const x = mem[a + k]; q += x; w += x * x; }
        mem[o] = Math.sqrt(w / F - (q / F) * (q / F));
        break;
      }
      case 55: {
        let q = 0, w = 0;
        for (let k = 0; k < FF; k++) { const x = mem[a + k]; q += x; w += x * x; }
        mem[o] = Math.sqrt(w / FF - (q / FF) * (q / FF));
        break;
      }
      case 56: mem[o] = data[3 * i]; break;
      case 57: mem[o] = data[3 * i + 1]; break;
      case 58: mem[o] = data[3 * i + 2]; break;
      case 59: mem[o] = rng.uniform(data[3 * i], data[3 * i + 1]); break;
      case 60: for (let k = 0; k < F; k++) mem[o + k] = rng.uniform(data[3 * i], data[3 * i + 1]); break;
      case 61: for (let k = 0; k < FF; k++) mem[o + k] = rng.uniform(data[3 * i], data[3 * i + 1]); break;
      case 62: mem[o] = data[3 * i] + data[3 * i + 1] * rng.normal(); break;
      case 63: for (let k = 0; k < F; k++) mem[o + k] = data[3 * i] + data[3 * i + 1] * rng.normal(); break;
      case 64: for (let k = 0; k < FF; k++) mem[o + k] = data[3 * i] + data[3 * i + 1] * rng.normal(); break;
      case TRAIN_BEGIN:
        if (n >= nTrain) {
          i = p.validBegin - 1; // continue at VALID_BEGIN
          n = 0;
          xi = 0;
          break;
        }
        for (let k = 0; k < F; k++) mem[v0 + k] = X[xi + k];
        mem[0] = 0;
        break;
      case TRAIN_MID: {
        if (classify) mem[1] = 1 / (1 + Math.exp(-mem[1]));
        label = Y[n];
        const e = Math.abs(label - mem[1]);
        if (!(e <= maxAbsError)) return 0;
        if (errs !== null) errs[n] = e;
        for (let k = 0; k < F; k++) mem[v0 + k] = X[xi + k];
        mem[0] = label;
        break;
      }
      case TRAIN_END:
        n++;
        xi += F;
        i = p.trainBegin - 1; // back to TRAIN_BEGIN
        break;
      case VALID_BEGIN:
        if (n >= nValid) {
          i = end; // done
          break;
        }
        for (let k = 0; k < F; k++) mem[v0 + k] = VX[xi + k];
        mem[0] = 0;
        break;
      case VALID_END: {
        const y = VY[n];
        let e: number;
        if (classify) {
          const prob = 1 / (1 + Math.exp(-mem[1]));
          e = prob > 1 || prob < 0 ? Infinity : (y > 0.5) === (prob > 0.5) ? 0 : 1;
          loss += e;
        } else {
          e = y - mem[1];
          loss += e * e;
        }
        const ae = Math.abs(e);
        if (!(ae <= maxAbsError)) return 0;
        if (errs !== null) errs[nTrain + n] = ae;
        n++;
        xi += F;
        i = p.validBegin - 1; // back to VALID_BEGIN
        break;
      }
    }
  }
  if (classify) return 1 - loss / nValid;
  const rmse = Math.sqrt(loss / nValid);
  return rmse === rmse && rmse !== Infinity ? 1 - 0.6366197723675814 * Math.atan(rmse) : 0;
}
