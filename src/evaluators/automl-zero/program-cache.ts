/**
 * Per-thread memo from program text to runnable forms: the live program
 * (dead code removed), its interpreter and, on demand, its compiled function.
 * Compiled functions are memoized again by live-code text, so programs that
 * differ only in dead code share one (compiling costs far more than printing).
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
  /** Live code only. */
  live: Program;
  liveInstructions: number;
  /** Whether any live instruction draws random numbers (else the probe needs no fresh generator). */
  random: boolean;
  interpreted: TaskRunner;
  /** Filled on first use of the compiled form. */
  compiled?: TaskRunner;
}

export class ProgramCache {
  private readonly byText: BoundedMap<string, RunnableProgram>;
  private readonly compiledByLiveText: BoundedMap<string, TaskRunner>;
  /** Number of JavaScript functions generated so far (for benchmarks). */
  compiles = 0;

  constructor(
    private readonly opts: CompileOptions,
    private readonly parse: (text: string) => Program,
    capacity = 20000,
  ) {
    this.byText = new BoundedMap(capacity);
    this.compiledByLiveText = new BoundedMap(capacity);
  }

  entry(text: string): RunnableProgram {
    let entry = this.byText.get(text);
    if (entry === undefined) {
      const live = pruneDeadCode(this.parse(text), this.opts.memory);
      const all = [...live.setup, ...live.predict, ...live.learn];
      entry = {
        live,
        liveInstructions: all.length,
        random: all.some((x) => OPS[x.op].random),
        interpreted: interpreterFor(assemble(live, this.opts.F, this.opts.memory)),
      };
      this.byText.set(text, entry);
    }
    return entry;
  }

  runner(text: string, kind: ExecutorKind): TaskRunner {
    const entry = this.entry(text);
    if (kind === 'interpreted') return entry.interpreted;
    if (entry.compiled === undefined) {
      const liveText = printProgram(entry.live);
      let compiled = this.compiledByLiveText.get(liveText);
      if (compiled === undefined) {
        compiled = compileProgram(entry.live, this.opts);
        this.compiles++;
        this.compiledByLiveText.set(liveText, compiled);
      }
      entry.compiled = compiled;
    }
    return entry.compiled;
  }
}
