/**
 * Per-thread memo from parsed programs to runnable forms: the live program
 * (dead code removed), its interpreter, on demand its compiled function, and
 * its probe output. Keyed by program object, then shared by live-code text:
 * programs that differ only in dead code (most children of a mutation that
 * hit dead code, and the 10% of children copied unchanged) share one entry,
 * so they are assembled, compiled and probed once. The probe is deterministic,
 * so reusing its output is exact; fitness is never memoized here (that is the
 * engine's cache, which must stay measurable on and off).
 */
import { BoundedMap } from './bounded-map.js';
import { compileProgram, type CompileOptions, type TaskRunner } from './compile.js';
import { assemble, interpreterFor } from './interpret.js';
import { pruneDeadCode } from './liveness.js';
import { OPS } from './ops.js';
import type { Program } from './program.js';
import { printProgram } from './text.js';

export type ExecutorKind = 'compiled' | 'interpreted';

export interface RunnableProgram {
  /** Live code only, and its text. */
  live: Program;
  liveText: string;
  liveInstructions: number;
  /** Whether any live instruction draws random numbers (else the probe needs no fresh generator). */
  random: boolean;
  interpreted: TaskRunner;
  /** Filled on first use of the compiled form. */
  compiled?: TaskRunner;
  /** Filled on first probe; shared read-only. */
  probe?: Float64Array;
}

export class ProgramCache {
  private readonly byProgram = new WeakMap<Program, RunnableProgram>();
  private readonly byLiveText: BoundedMap<string, RunnableProgram>;
  /** Number of JavaScript functions generated so far (for benchmarks). */
  compiles = 0;

  constructor(
    private readonly opts: CompileOptions,
    capacity = 20000,
  ) {
    this.byLiveText = new BoundedMap(capacity);
  }

  /** Programs are never changed once built, so the object itself is the key. */
  entry(program: Program): RunnableProgram {
    let entry = this.byProgram.get(program);
    if (entry === undefined) {
      const live = pruneDeadCode(program, this.opts.memory);
      const liveText = printProgram(live);
      entry = this.byLiveText.get(liveText);
      if (entry === undefined) {
        const all = [...live.setup, ...live.predict, ...live.learn];
        entry = {
          live,
          liveText,
          liveInstructions: all.length,
          random: all.some((x) => OPS[x.op].random),
          interpreted: interpreterFor(assemble(live, this.opts.F, this.opts.memory)),
        };
        this.byLiveText.set(liveText, entry);
      }
      this.byProgram.set(program, entry);
    }
    return entry;
  }

  runner(entry: RunnableProgram, kind: ExecutorKind): TaskRunner {
    if (kind === 'interpreted') return entry.interpreted;
    if (entry.compiled === undefined) {
      entry.compiled = compileProgram(entry.live, this.opts);
      this.compiles++;
    }
    return entry.compiled;
  }
}
