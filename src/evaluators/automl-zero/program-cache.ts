/**
 * Per-thread memo from programs to runnable forms: the live program (dead
 * code removed), its assembled interpreter form, on demand its compiled
 * function, and its probe output. Keyed by the live code, so programs that
 * differ only in dead code (most children of a mutation that hit dead code,
 * and the children copied unchanged) share one entry and are assembled,
 * compiled and probed once (the probe output lives in a ProbeRing). The key is a structural hash checked by
 * comparison, never printed text: printing was a fifth of a search's time.
 *
 * The probe is deterministic, so reusing its output is exact; fitness is never
 * memoized here (that is the engine's cache, which must stay measurable on
 * and off).
 */
import { TwoGenerationMemo } from '../../memo/two-generation-memo.js';
import { compileProgram, type CompileOptions, type PairRunner, type TaskRunner } from './compile.js';
import { Interpreter, type Assembled } from './interpret.js';
import { liveMasks, pruneByMasks, pruneDeadCode } from './liveness.js';
import { OPS } from './ops.js';
import { COMPONENTS, programKey, sameLiveCode, samePrograms, type Program } from './program.js';
import { WASM_MAX_F, WasmInterpreter } from './wasm-interpreter.js';

export type ExecutorKind = 'compiled' | 'interpreted';

export interface RunnableProgram {
  /** Live code only. */
  live: Program;
  liveInstructions: number;
  /** Whether any live instruction draws random numbers (else the probe needs no fresh generator). */
  random: boolean;
  /** The JavaScript interpreter's form, made on first use (the WebAssembly one lays the live program out itself). */
  assembled?: Assembled;
  /** Whether the WebAssembly interpreter can run it (its ops and F; see wasm-interpreter.ts). */
  wasm: boolean;
  /** Filled on first use of the compiled form. */
  compiled?: TaskRunner;
  /** Ticket of its probe output in the domain's ProbeRing (-1: not probed yet). */
  probeTicket: number;
}

export class ProgramCache {
  /** Buckets of live programs by programKey (a bucket holds more than one only on a hash collision). */
  private readonly byKey: TwoGenerationMemo<number, RunnableProgram[]>;
  readonly interpreter: Interpreter;
  /** The faster interpreter (programs without random ops, F <= 4), when `useWasm` is on. */
  private readonly wasm: WasmInterpreter | null;
  /** Scratch for liveMasks: the live instructions of the program being looked up. */
  private readonly masks = new Int32Array(3);
  /** Number of JavaScript functions generated so far (for benchmarks). */
  compiles = 0;

  constructor(
    private readonly opts: CompileOptions,
    capacity = 20000,
    useWasm = true,
    /** Ops the programs will use (a search space's), to specialize the WebAssembly interpreter; default all. */
    wasmOps?: Iterable<number>,
  ) {
    // Two generations of half the capacity each: at most `capacity` programs are held.
    this.byKey = new TwoGenerationMemo({ entries: Math.ceil(capacity / 2) });
    this.interpreter = new Interpreter(opts.F, opts.memory);
    this.wasm = useWasm && opts.F <= WASM_MAX_F ? new WasmInterpreter(opts.F, opts.memory, wasmOps) : null;
  }

  entry(program: Program): RunnableProgram {
    const masks = this.masks;
    if (!liveMasks(program, this.opts.memory, masks)) return this.entryOfLive(pruneDeadCode(program, this.opts.memory));
    // Found by its live instructions in place: the pruned copy is built only for a new entry.
    const key = programKey(program, masks);
    const bucket = this.byKey.get(key);
    if (bucket !== undefined) {
      for (const entry of bucket) if (sameLiveCode(entry.live, program, masks)) return entry;
    }
    return this.add(pruneByMasks(program, masks), key, bucket);
  }

  private entryOfLive(live: Program): RunnableProgram {
    const key = programKey(live);
    const bucket = this.byKey.get(key);
    if (bucket !== undefined) {
      for (const entry of bucket) if (samePrograms(entry.live, live)) return entry;
    }
    return this.add(live, key, bucket);
  }

  /**
   * The entry of a program run once, without the memo: a candidate evaluated
   * without a probe (no cache) is looked up only to be run, and the memo's
   * lookup and insertion would cost more than they save.
   */
  unmemoized(program: Program): RunnableProgram {
    const masks = this.masks;
    return this.entryOf(liveMasks(program, this.opts.memory, masks) ? pruneByMasks(program, masks) : pruneDeadCode(program, this.opts.memory));
  }

  private add(live: Program, key: number, bucket: RunnableProgram[] | undefined): RunnableProgram {
    const entry = this.entryOf(live);
    if (bucket !== undefined) bucket.push(entry);
    else this.byKey.set(key, [entry]);
    return entry;
  }

  private entryOf(live: Program): RunnableProgram {
    let liveInstructions = 0;
    let random = false;
    for (const c of COMPONENTS) {
      liveInstructions += live[c].length;
      for (const x of live[c]) random ||= OPS[x.op].random;
    }
    return { live, liveInstructions, random, wasm: this.wasm?.supports(live) === true, probeTicket: -1 };
  }

  /** Runs two tasks at once where `entry` runs in the WebAssembly interpreter (null: one task at a time). */
  pairRunner(entry: RunnableProgram, kind: ExecutorKind): PairRunner | null {
    return kind === 'interpreted' && entry.wasm ? this.wasm!.pairRunner(entry.live) : null;
  }

  runner(entry: RunnableProgram, kind: ExecutorKind): TaskRunner {
    // Made per call, not kept: a closure per kept entry is one more object for every scavenge to copy.
    if (kind === 'interpreted') {
      if (entry.wasm) return this.wasm!.programRunner(entry.live);
      entry.assembled ??= this.interpreter.assemble(entry.live);
      return this.interpreter.runner(entry.assembled);
    }
    if (entry.compiled === undefined) {
      entry.compiled = compileProgram(entry.live, this.opts);
      this.compiles++;
    }
    return entry.compiled;
  }
}
