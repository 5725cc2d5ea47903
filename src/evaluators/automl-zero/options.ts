/**
 * Domain options (the experiment's `domainOptions`), validated with zod.
 * Every default reproduces the AutoML-Zero linear-regression demo
 * (run_demo.sh): F = 4; 4 scalars, 3 vectors, 1 matrix; the six demo ops in
 * every component; Setup 10, Predict 2, Learn 8 instructions; 10 linear tasks
 * of 100 + 100 examples; FEC probe on 10 + 10 examples.
 *
 * `executor` chooses how programs run: "compiled" (one generated JavaScript
 * function per program), "interpreted", or "auto" (default): compile only
 * when one evaluation runs at least `compileAboveExamples` examples in all,
 * where generating and warming up the function pays for itself.
 */
import { requirePackages } from '../../domain/optional-packages.js';
import { z } from 'zod';
import { DomainInputError } from '../../domain/domain.js';
import { NO_OP, opByName } from './ops.js';
import { COMPONENTS, FIRST_OUT, type ComponentName } from './program.js';
import { MUTATION_TYPES, type SearchSpace, type SizeRange } from './search-space.js';
import type { TaskSpec } from './tasks.js';
import type { ProbeConfig } from './execute.js';

export const DEMO_OPS = [
  'SCALAR_CONST_SET_OP',
  'VECTOR_INNER_PRODUCT_OP',
  'SCALAR_DIFF_OP',
  'SCALAR_PRODUCT_OP',
  'SCALAR_VECTOR_PRODUCT_OP',
  'VECTOR_SUM_OP',
];

/** The original's FEC random seed (kFunctionalCacheRandomSeed). */
export const DEFAULT_PROBE_SEED = 235732282;

const opName = z.string().refine((name) => opByName(name) !== undefined, {
  message: 'expected an AutoML-Zero op name such as SCALAR_SUM_OP (see docs/domains/automl-zero.md)',
});
const opList = z.array(opName);
const size = z.union([
  z.number().int().min(0).max(1000),
  z.object({ init: z.number().int().min(0).max(1000), min: z.number().int().min(0).max(1000), max: z.number().int().min(1).max(1000) }).strict(),
]);
const count = (lo: number, hi: number, dflt: number) => z.number().int().min(lo).max(hi).default(dflt);

const taskSchema = z
  .object({
    type: z.enum(['scalar-linear', 'scalar-affine', 'scalar-nonlinear', 'projected-binary']),
    count: count(1, 10000, 10),
    trainExamples: count(1, 100000, 100),
    validExamples: count(1, 100000, 100),
    seed: z.number().int().min(0).default(1000),
    digitPairs: z.array(z.tuple([z.number().int().min(0).max(9), z.number().int().min(0).max(9)])).min(1).optional(),
  })
  .strict();

export const optionsSchema = z
  .object({
    features: count(1, 64, 4),
    memory: z
      .object({ scalars: count(2, 1000, 4), vectors: count(2, 1000, 3), matrices: count(1, 1000, 1) })
      .strict()
      .default({ scalars: 4, vectors: 3, matrices: 1 }),
    ops: z
      .union([opList, z.object({ setup: opList, predict: opList, learn: opList }).strict()])
      .default(DEMO_OPS),
    sizes: z
      .object({ setup: size, predict: size, learn: size })
      .strict()
      .default({ setup: 10, predict: 2, learn: 8 }),
    mutationTypes: z
      .array(z.enum(MUTATION_TYPES))
      .min(1)
      .default(['alter-param', 'randomize-instruction', 'randomize-component']),
    mutateProb: z.number().min(0).max(1).default(0.9),
    initial: z.enum(['random', 'no-op']).default('random'),
    tasks: z.array(taskSchema).min(1).default([{ type: 'scalar-linear', count: 10, trainExamples: 100, validExamples: 100, seed: 1000 }]),
    probe: z
      .object({ trainExamples: count(0, 100, 10), validExamples: count(0, 100, 10), seed: z.number().int().min(0).default(DEFAULT_PROBE_SEED) })
      .strict()
      .default({ trainExamples: 10, validExamples: 10, seed: DEFAULT_PROBE_SEED }),
    maxAbsError: z.number().positive().default(100),
    /** Held-out tasks for the run's best (finalEvaluate); default: 100 unseen tasks of the first group's type, 1000 + 100 examples. */
    finalTasks: z.array(taskSchema).optional(),
    unrollMax: count(0, 64, 8),
    executor: z.enum(['auto', 'compiled', 'interpreted']).default('auto'),
    /** Interpret in WebAssembly where the program's ops and F allow (same results, 2x faster); false: JavaScript only. */
    wasm: z.boolean().default(true),
    compileAboveExamples: count(0, 1e9, 20000),
  })
  .strict();

export interface AutomlZeroConfig {
  F: number;
  space: SearchSpace;
  tasks: TaskSpec[];
  /** Empty: no held-out evaluation. */
  finalTasks: TaskSpec[];
  probe: ProbeConfig;
  maxAbsError: number;
  unrollMax: number;
  executor: 'auto' | 'compiled' | 'interpreted';
  wasm: boolean;
  compileAboveExamples: number;
}

function toRange(s: z.infer<typeof size>, name: string): SizeRange {
  const r = typeof s === 'number' ? { init: s, min: s, max: s } : s;
  if (!(r.min <= r.init && r.init <= r.max)) throw new DomainInputError(`domainOptions.sizes.${name}: expected min <= init <= max`);
  return r;
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  const path = issue.path.length > 0 ? `.${issue.path.join('.')}` : '';
  return `domainOptions${path}: ${issue.message}`;
}

/** Parses and checks `domainOptions`; throws DomainInputError with one line naming the field. */
export function parseOptions(raw: Record<string, unknown>): AutomlZeroConfig {
  const parsed = optionsSchema.safeParse(raw ?? {});
  if (!parsed.success) throw new DomainInputError(firstIssue(parsed.error));
  const o = parsed.data;
  const opNames: Record<ComponentName, string[]> = Array.isArray(o.ops) ? { setup: o.ops, predict: o.ops, learn: o.ops } : o.ops;
  const ops = {} as Record<ComponentName, number[]>;
  const sizes = {} as Record<ComponentName, SizeRange>;
  for (const c of COMPONENTS) {
    ops[c] = opNames[c].map((n) => opByName(n)!.id);
    sizes[c] = toRange(o.sizes[c], c);
  }
  for (const c of COMPONENTS) {
    for (const id of ops[c]) {
      if (id === NO_OP) continue;
      // Every op needs a writable slot of its output type (s0 and v0 are read-only).
      const { scalars, vectors, matrices } = o.memory;
      if (scalars <= FIRST_OUT.s || vectors <= FIRST_OUT.v || matrices <= FIRST_OUT.m) {
        throw new DomainInputError('domainOptions.memory: need at least 2 scalars, 2 vectors and 1 matrix');
      }
    }
  }
  for (const [field, list] of [['tasks', o.tasks], ['finalTasks', o.finalTasks ?? []]] as const) {
    for (const [i, t] of list.entries()) {
      if (t.type === 'projected-binary' && t.digitPairs?.some(([a, b]) => a === b)) {
        throw new DomainInputError(`domainOptions.${field}.${i}.digitPairs: the two digits of a pair must differ`);
      }
      if (t.type === 'projected-binary') requirePackages(['mnist'], `domainOptions.${field}.${i}: the task type "projected-binary"`);
    }
  }
  return {
    F: o.features,
    space: { memory: o.memory, ops, sizes, mutationTypes: o.mutationTypes, mutateProb: o.mutateProb, initial: o.initial },
    tasks: o.tasks,
    finalTasks: o.finalTasks ?? [defaultFinalTasks(o.tasks[0])],
    probe: o.probe,
    maxAbsError: o.maxAbsError,
    unrollMax: o.unrollMax,
    executor: o.executor,
    wasm: o.wasm,
    compileAboveExamples: o.compileAboveExamples,
  };
}

/**
 * As the original's --final_tasks: 100 tasks of the search's first kind that
 * the search never saw (another seed), with 1000 train examples each.
 */
function defaultFinalTasks(first: TaskSpec): TaskSpec {
  return { ...first, count: 100, trainExamples: 1000, validExamples: 100, seed: FINAL_TASK_SEED };
}

/** Seed of the default held-out tasks: distinct from the search's default (1000). */
/**
 * What decides a program's score: the tasks, F, the memory it runs in, the error cap.
 * Not the search (ops, sizes, mutations, initial programs), how it is executed
 * (executor, wasm, unrolling, compiling) or the held-out final tasks.
 */
export function evaluationKeyOf(raw: Record<string, unknown>): Record<string, unknown> {
  const { features, memory, tasks, probe, maxAbsError } = optionsSchema.parse(raw);
  return { features, memory, tasks, probe, maxAbsError };
}

export const FINAL_TASK_SEED = 1_000_000;

/** Everything the probe depends on besides the program, as a short stable string. */
export function probeKeyOf(config: AutomlZeroConfig): string {
  const tasks = config.tasks
    .map((t) => `${t.type}:${t.count}x${t.trainExamples}/${t.validExamples}@${t.seed}${t.digitPairs ? `[${t.digitPairs.map((p) => p.join('')).join(',')}]` : ''}`)
    .join(';');
  return `F${config.F}|${tasks}|fec${config.probe.trainExamples}+${config.probe.validExamples}@${config.probe.seed}|max${config.maxAbsError}`;
}
