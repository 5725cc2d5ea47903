/**
 * Domain `automl-zero`: candidates are whole learning algorithms (Setup,
 * Predict, Learn) built from basic math ops, as in AutoML-Zero (Real et al.,
 * 2020). Candidate JSON: `{"program": "<text form>"}`.
 *
 * Speed comes from compiling each program to one JavaScript function per
 * program text (compile.ts) and from dead-code removal before compiling; the
 * probe is the original's functional equivalence cache probe (execute.ts).
 */
import { LRUCache } from 'lru-cache';
import { DomainInputError, defineDomain, type Domain, type DomainFactory } from '../../domain/domain.js';
import { escapeXml } from '../../domain/markup.js';
import { createRng, type Rng } from '../../random/rng.js';
import { ProgramCache, type ExecutorKind, type RunnableProgram } from './program-cache.js';
import { NO_RNG, evaluateOnTasks, probeLength, probeOnTasks } from './execute.js';
import { pruneDeadCode } from './liveness.js';
import { ProbeRing } from './probe-ring.js';
import { OPS } from './ops.js';
import { evaluationKeyOf, parseOptions, probeKeyOf, type AutomlZeroConfig } from './options.js';
import { COMPONENTS, slotCount, type AutomlZeroCandidate, type Program } from './program.js';
import { initialProgram, mutateProgram } from './search-space.js';
import { generateTasks, type Task } from './tasks.js';
import { parseProgram, printIncrementally, printInstruction, printProgram, type PrintedProgram } from './text.js';

export type { AutomlZeroCandidate } from './program.js';

/** Programs (parsed, runnable) and probe outputs each memo keeps. */
const MEMO_CAPACITY = 20000;

/**
 * A candidate made here (random, mutate): the structured program itself, with
 * its text printed only when something reads `program` (a recorded event, a
 * worker message, a file), so the search's hot path never prints. Once probed
 * it also carries its runnable entry. Its JSON form is `{"program": text}`,
 * like any other candidate's.
 */
class MadeCandidate implements AutomlZeroCandidate {
  runnable: RunnableProgram | undefined = undefined;
  private printed: PrintedProgram | undefined = undefined;

  constructor(
    readonly parsed: Program,
    /** The parent's text in parts, when it had been printed: the child prints only what it changed. */
    private from: PrintedProgram | undefined,
  ) {}

  get program(): string {
    return this.parts().text;
  }

  parts(): PrintedProgram {
    if (this.printed === undefined) {
      this.printed = printIncrementally(this.parsed, this.from);
      this.from = undefined;
    }
    return this.printed;
  }

  /** What has been printed so far, for a child to start from. */
  printedParts(): PrintedProgram | undefined {
    return this.printed;
  }

  toJSON(): AutomlZeroCandidate {
    return { program: this.program };
  }
}

/** Checks that every slot a program names exists in the configured memory. */
export function checkAddresses(program: Program, config: AutomlZeroConfig): string | null {
  for (const c of COMPONENTS) {
    for (const [i, x] of program[c].entries()) {
      const op = OPS[x.op];
      const slots: Array<[typeof op.out, number]> = [
        [op.out, x.out],
        [op.in1, x.in1],
        [op.in2, x.in2],
      ];
      for (const [type, address] of slots) {
        if (type !== null && address >= slotCount(config.space.memory, type)) {
          return `program: ${c} instruction ${i + 1} ("${printInstruction(x)}") uses ${type}${address}, but memory has ${slotCount(config.space.memory, type)} ${type === 's' ? 'scalars' : type === 'v' ? 'vectors' : 'matrices'}`;
        }
      }
    }
  }
  return null;
}

/** The memory a program addresses, where it is more than `memory` holds (for `deja hash --expr`). */
function memoryFor(program: Program, memory: AutomlZeroConfig['space']['memory']): Record<string, unknown> {
  const need = { s: slotCount(memory, 's'), v: slotCount(memory, 'v'), m: slotCount(memory, 'm') };
  for (const c of COMPONENTS) {
    for (const x of program[c]) {
      const op = OPS[x.op];
      for (const [type, address] of [[op.out, x.out], [op.in1, x.in1], [op.in2, x.in2]] as const) {
        if (type !== null) need[type] = Math.max(need[type], address + 1);
      }
    }
  }
  const grown = need.s > memory.scalars || need.v > memory.vectors || need.m > memory.matrices;
  return grown ? { memory: { scalars: need.s, vectors: need.v, matrices: need.m } } : {};
}

/** One line: the live instructions of each component. */
export function describeProgram(program: Program, config: AutomlZeroConfig): string {
  const live = pruneDeadCode(program, config.space.memory);
  const part = (c: (typeof COMPONENTS)[number], label: string): string =>
    `${label}(${live[c].length}/${program[c].length}): ${live[c].map(printInstruction).join('; ') || '-'}`;
  return `${part('setup', 'Setup')} | ${part('predict', 'Predict')} | ${part('learn', 'Learn')}`;
}

/** The program for reports: its live instructions by component (dead code, which cannot change an output, left out). */
export function renderProgram(program: Program, config: AutomlZeroConfig): string {
  const live = pruneDeadCode(program, config.space.memory);
  const counts = COMPONENTS.map((c) => `${c} ${live[c].length}/${program[c].length}`).join(', ');
  return `<pre class="program">${escapeXml(printProgram(live))}</pre><small>live instructions: ${counts}</small>`;
}

export function createAutomlZeroDomain(options: Record<string, unknown>): Domain<AutomlZeroCandidate> {
  const config = parseOptions(options);
  const tasks = generateTasks(config.tasks, config.F);
  // Parsed programs are shared read-only: mutation copies what it changes.
  const parsed = new LRUCache<string, Program>({ max: MEMO_CAPACITY });
  const parse = (text: string): Program => {
    let p = parsed.get(text);
    if (p === undefined) {
      p = parseProgram(text);
      parsed.set(text, p);
    }
    return p;
  };
  const searchOps = new Set(COMPONENTS.flatMap((c) => config.space.ops[c]));
  const programs = new ProgramCache({ F: config.F, memory: config.space.memory, unrollMax: config.unrollMax }, MEMO_CAPACITY, config.wasm, searchOps);
  // Candidates made here carry their program; others (files, worker copies) go through the text-keyed memo.
  const programOf = (c: AutomlZeroCandidate): Program => (c instanceof MadeCandidate ? c.parsed : parse(c.program));
  const runnableOf = (c: AutomlZeroCandidate): RunnableProgram => {
    if (!(c instanceof MadeCandidate)) return programs.entry(parse(c.program));
    return (c.runnable ??= programs.entry(c.parsed));
  };
  let finalTasks: Task[] | undefined;
  // "auto": compile only where one evaluation runs enough examples to pay for generating and warming a function.
  const executorFor = (list: readonly Task[]): ExecutorKind => {
    if (config.executor !== 'auto') return config.executor;
    const examples = list.reduce((n, t) => n + t.nTrain + t.nValid, 0);
    return examples >= config.compileAboveExamples ? 'compiled' : 'interpreted';
  };
  const evaluateWith = executorFor(tasks);
  // The probe runs a few examples per task: compiling never pays there unless forced.
  const probeWith: ExecutorKind = config.executor === 'compiled' ? 'compiled' : 'interpreted';
  const probes = new ProbeRing(probeLength(tasks, config.probe), MEMO_CAPACITY);

  const validate = (candidate: unknown): string | null => {
    // random and mutate only draw addresses within the configured memory (and reading `program` would print it).
    if (candidate instanceof MadeCandidate) return null;
    if (typeof candidate !== 'object' || candidate === null || typeof (candidate as { program?: unknown }).program !== 'string') {
      return 'program: expected {"program": "<program text>"}';
    }
    let program: Program;
    try {
      program = parse((candidate as AutomlZeroCandidate).program);
    } catch (error) {
      return error instanceof DomainInputError ? error.message : `program: ${String(error)}`;
    }
    return checkAddresses(program, config);
  };

  return defineDomain<AutomlZeroCandidate>({
    name: 'automl-zero',
    version: '1',
    description: 'AutoML-Zero: evolve Setup/Predict/Learn programs of basic math ops that learn regression and classification tasks',
    probeKey: probeKeyOf(config),
    // Probe outputs are ring views, fresh per new probe; equivalent children get their entry's same view.
    stableProbeOutputs: true,
    mantissaBits: 24,
    evaluationKey: () => evaluationKeyOf(options),
    random: (rng: Rng) => new MadeCandidate(initialProgram(config.space, rng), undefined),
    mutate: (candidate, rng) => {
      if (!(candidate instanceof MadeCandidate)) return new MadeCandidate(mutateProgram(config.space, programOf(candidate), rng), undefined);
      const parent = candidate.parsed;
      const child = new MadeCandidate(mutateProgram(config.space, parent, rng), candidate.printedParts());
      // An unchanged copy (1 - mutateProb of children) runs as its parent: no dead-code pass or memo lookup.
      const p = child.parsed;
      if (p.setup === parent.setup && p.predict === parent.predict && p.learn === parent.learn) child.runnable = candidate.runnable;
      return child;
    },
    probe: (candidate) => {
      // The output is a ring slot: read by the engine at once (hashed), kept while the ring holds it.
      const entry = runnableOf(candidate);
      if (!probes.holds(entry.probeTicket)) {
        entry.probeTicket = probes.take();
        const out = probes.view(entry.probeTicket);
        probeOnTasks(programs.runner(entry, probeWith), tasks, config.probe, config.maxAbsError, entry.random, out, programs.pairRunner(entry, probeWith));
      }
      return probes.view(entry.probeTicket);
    },
    evaluate: (candidate, ctx) => {
      // Not probed (no cache): run it without the memo, and keep its entry for a later final evaluation.
      const entry = candidate instanceof MadeCandidate ? (candidate.runnable ??= programs.unmemoized(candidate.parsed)) : runnableOf(candidate);
      const { fitness, taskFitnesses } = evaluateOnTasks(programs.runner(entry, evaluateWith), tasks, entry.random ? ctx.rng : NO_RNG, config.maxAbsError, programs.pairRunner(entry, evaluateWith));
      return { fitness, metrics: { minTaskFitness: smallest(taskFitnesses), liveInstructions: entry.liveInstructions } };
    },
    describe: (candidate) => describeProgram(programOf(candidate), config),
    render: (candidate) => renderProgram(programOf(candidate), config),
    finalEvaluate: config.finalTasks.length === 0 ? undefined : (candidate) => {
      // Made on first use: worker threads never need them.
      finalTasks ??= generateTasks(config.finalTasks, config.F);
      const entry = runnableOf(candidate);
      const kind = executorFor(finalTasks);
      const { fitness, taskFitnesses } = evaluateOnTasks(programs.runner(entry, kind), finalTasks, createRng(0, 'final'), config.maxAbsError, programs.pairRunner(entry, kind));
      return { fitness, metrics: { tasks: finalTasks.length, trainExamples: finalTasks[0].nTrain, minTaskFitness: smallest(taskFitnesses) } };
    },
    validate,
    parse: (text) => {
      const message = validate({ program: text });
      if (message !== null) throw new DomainInputError(message);
      return { program: printProgram(parse(text)) };
    },
    optionsFor: (text) => memoryFor(parse(text), config.space.memory),
    // Candidates made here print canonically: keep the object (and its identity).
    normalize: (candidate) => (candidate instanceof MadeCandidate ? candidate : { program: printProgram(parse(candidate.program)) }),
  });
}

/** Math.min of the task fitnesses without spreading them into a call (an evaluation's hot path). */
function smallest(xs: readonly number[]): number {
  let min = Infinity;
  for (const x of xs) min = x < min || x !== x ? x : min;
  return min;
}

const factory: DomainFactory<AutomlZeroCandidate> = createAutomlZeroDomain;
export default factory;
