/**
 * The executor's steps for two tasks at once, in f64x2 lanes: lane 0 runs the
 * first task, lane 1 the second, through one dispatch per step (the
 * interpreter's cost is mostly dispatch, so a pair costs little more than
 * one task). Both tasks have the same example counts and kind.
 *
 * Each lane computes what the f64 steps (wasm-emit.ts stepCode) compute. The
 * difference is the early stop: a lane whose error is NaN or too large stops
 * being recorded (its stop position is written, its later errors are not),
 * and the run returns when both lanes have stopped; a stopped lane's values
 * are never read again. Results go to memory (layout `result`).
 */
import { I32, V128, op, u32 } from './wasm-encoder.js';
import {
  type Code, ERRORS_PER_LANE, type Isa, L, type Layout, P, SIMD, fc, get, ic, ifThen, laneIsa, load, load2, loadI, lossCode, nextExample, set, simd, splat, store, store2,
  type Steps,
} from './wasm-emit.js';

/** Extra locals of the lane-pair function (after the f64 function's, whose f64 ones are v128 here). */
export const LANE = { scratch: 26, alive: 27, bad: 28 };
export const LANE_LOCAL_TYPES = [I32, I32, I32, I32, I32, I32, I32, V128, V128, V128, V128, V128, I32, V128, V128, V128];

export function laneIsaOf(lay: Layout): Isa {
  return laneIsa(lay.lanes, lay.laneTemp, LANE.scratch);
}

/** Whether lane k of a comparison mask (f64x2 lanes = i32x4 lanes 0 and 2) is set. */
const laneSet = (mask: Code, lane: number): Code => [...mask, ...simd(SIMD.i32ExtractLane), 2 * lane];
const ALL_ONES = [...simd(SIMD.const), ...new Array<number>(16).fill(0xff)];

export function laneStepCode(lay: Layout, v0: number): Steps {
  const { F } = lay;
  const v = laneIsaOf(lay);
  const slot = (s: number): Code => load2(ic(0), lay.lanes + 16 * s);
  const toSlot = (s: number, value: Code): Code => store2(ic(0), lay.lanes + 16 * s, value);
  /** The second task's array whose address is at args + 4 k. */
  const second = (k: number): Code => loadI(ic(0), lay.args + 4 * k);
  // Which of the second task's arrays goes with each of the first's parameters.
  const secondOf: Record<number, number> = { [P.X]: 0, [P.Y]: 1, [P.VX]: 2, [P.VY]: 3 };
  /** The pair (first[offset], second[offset]) of an f64 at a byte offset into both tasks' arrays. */
  const pair = (base: number, at: Code, offset: number): Code => [
    ...load([...get(base), ...at, op.i32Add], offset), ...simd(SIMD.splat),
    ...load([...second(secondOf[base]), ...at, op.i32Add], offset), ...simd(SIMD.replaceLane), 1,
  ];
  const nth = (n: Code): Code => [...n, ...ic(8), op.i32Mul];
  const { sigmoid, squaredError, classificationError } = lossCode(v);
  /**
   * Lanes whose `value` is NaN or above maxAbs stop here: each records how
   * many errors it wrote, and the run returns once neither lane is alive.
   */
  const stopLanes = (value: number, written: Code): Code => [
    ...set(LANE.bad, [...get(LANE.alive), ...get(value), ...get(P.maxAbs), ...simd(SIMD.splat), ...simd(SIMD.le), ...simd(SIMD.andNot)]),
    ...ifThen([...get(LANE.bad), ...simd(SIMD.anyTrue)], [
      ...ifThen(laneSet(get(LANE.bad), 0), [...ic(0), ...written, op.i32Store, 2, ...u32(lay.result + 16)]),
      ...ifThen(laneSet(get(LANE.bad), 1), [...ic(0), ...written, op.i32Store, 2, ...u32(lay.result + 20)]),
      ...set(LANE.alive, [...get(LANE.alive), ...get(LANE.bad), ...simd(SIMD.andNot)]),
      ...ifThen([...get(LANE.alive), ...simd(SIMD.anyTrue), op.i32Eqz], [...fc(-1), op.return]),
    ]),
  ];
  /** Each live lane's error at `index`: lane 0's errors at errs, lane 1's ERRORS_PER_LANE further on. */
  const writeErrors = (index: Code, value: number): Code =>
    ifThen([...get(P.errs), ...ic(0), op.i32GeS], [0, 1].flatMap((lane) =>
      ifThen(laneSet(get(LANE.alive), lane), store([...get(P.errs), ...nth(index), op.i32Add], lane * 8 * ERRORS_PER_LANE, [...get(value), ...simd(SIMD.extractLane), lane]))));
  const loadFeatures = (base: number): Code => Array.from({ length: F }, (_, k) => toSlot(v0 + k, pair(base, get(L.xi), 8 * k))).flat();
  return {
    startExample: (base: number): Code => [...loadFeatures(base), ...toSlot(0, splat(0))],
    trainMid: (reload: Code | null): Code => [
      ...ifThen(get(P.classify), toSlot(1, sigmoid)),
      ...set(L.y, pair(P.Y, nth(get(L.n)), 0)),
      ...set(L.e, [...get(L.y), ...slot(1), ...v.sub, ...v.abs]),
      ...stopLanes(L.e, get(L.n)),
      ...writeErrors(get(L.n), L.e),
      ...(reload === null ? [] : ifThen(reload, loadFeatures(P.X))),
      ...toSlot(0, get(L.y)),
    ],
    nextExample: nextExample(F),
    validEnd: (): Code => [
      ...set(L.y, pair(P.VY, nth(get(L.n)), 0)),
      ...get(P.classify), op.if, op.void, ...classificationError, op.else, ...squaredError, op.end,
      ...set(L.w, [...get(L.e), ...v.abs]),
      ...stopLanes(L.w, [...get(P.nTrain), ...get(L.n), op.i32Add]),
      ...writeErrors([...get(P.nTrain), ...get(L.n), op.i32Add], L.w),
      ...nextExample(F),
    ],
    /** Memory starts at zero, both lanes alive, neither stopped. */
    zeroMemory: (): Code => [
      ...Array.from({ length: lay.memLen }, (_, s) => toSlot(s, splat(0))).flat(),
      ...set(LANE.alive, ALL_ONES),
      // Both stops = -1: one i64 of all ones.
      ...ic(0), op.i64Const, 0x7f, op.i64Store, 3, ...u32(lay.result + 16),
    ],
  };
}

/** After the last step: both losses to memory (the return value is unused). */
export function laneFinish(lay: Layout): Code {
  return [...store2(ic(0), lay.result, get(L.loss)), ...fc(0)];
}
