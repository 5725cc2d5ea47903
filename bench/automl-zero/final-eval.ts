/**
 * Scores a program on unseen tasks, as the original's --final_tasks: by
 * default 100 fresh linear-regression tasks with 1000 train and 100
 * validation examples each (task seed 1000000, never used in the search).
 * Prints the program, its live part and the fitness.
 *
 *   npx tsx bench/automl-zero/final-eval.ts --run runs/az   (reads summary.json's best candidate)
 *   npx tsx bench/automl-zero/final-eval.ts --program p.json|p.txt
 *       [--experiment experiments/automl-zero-linear.json] [--tasks 100] [--train 1000] [--valid 100] [--seed 1000000]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createRng } from '../../src/random/rng.js';
import factory, { type AutomlZeroCandidate } from '../../src/evaluators/automl-zero/index.js';
import { pruneDeadCode } from '../../src/evaluators/automl-zero/liveness.js';
import { parseProgram, printProgram } from '../../src/evaluators/automl-zero/text.js';

const { values } = parseArgs({
  options: {
    run: { type: 'string' },
    program: { type: 'string' },
    experiment: { type: 'string', default: 'experiments/automl-zero-linear.json' },
    tasks: { type: 'string', default: '100' },
    train: { type: 'string', default: '1000' },
    valid: { type: 'string', default: '100' },
    seed: { type: 'string', default: '1000000' },
  },
});

function readProgram(): string {
  if (values.run !== undefined) {
    const summary = JSON.parse(readFileSync(join(values.run, 'summary.json'), 'utf8')) as { best: { candidate: AutomlZeroCandidate; fitness: number } };
    console.log(`search fitness (demo tasks): ${summary.best.fitness}`);
    return summary.best.candidate.program;
  }
  if (values.program !== undefined) {
    const text = readFileSync(values.program, 'utf8');
    return text.trimStart().startsWith('{') ? (JSON.parse(text) as AutomlZeroCandidate).program : text;
  }
  throw new Error('give --run DIR or --program FILE');
}

const experiment = JSON.parse(readFileSync(values.experiment!, 'utf8')) as { domainOptions: Record<string, unknown> };
const searchTasks = (experiment.domainOptions.tasks as Array<{ type: string }> | undefined) ?? [{ type: 'scalar-linear' }];
const domain = await factory({
  ...experiment.domainOptions,
  tasks: [{ type: searchTasks[0].type, count: Number(values.tasks), trainExamples: Number(values.train), validExamples: Number(values.valid), seed: Number(values.seed) }],
});
const program = readProgram();
const candidate = domain.parse!(program) as AutomlZeroCandidate;
const memory = (experiment.domainOptions.memory as { scalars: number; vectors: number; matrices: number } | undefined) ?? { scalars: 4, vectors: 3, matrices: 1 };
console.log(`program:\n${candidate.program}\n`);
console.log(`live part:\n${printProgram(pruneDeadCode(parseProgram(candidate.program), memory))}\n`);
const start = performance.now();
const result = await domain.evaluate(candidate, { seed: 1, rng: createRng(1), signal: new AbortController().signal });
console.log(
  `fitness on ${values.tasks} unseen ${searchTasks[0].type} tasks (${values.train} train + ${values.valid} validation examples, seed ${values.seed}): ` +
    `${result.fitness} (worst task ${result.metrics?.minTaskFitness}), ${((performance.now() - start) / 1000).toFixed(2)} s`,
);
