/**
 * Scores a program on unseen tasks with the domain's finalEvaluate (what
 * `deja run` prints as "held-out" for the best program): by default 100 fresh
 * tasks of the experiment's kind with 1000 train and 100 validation examples
 * (task seed 1000000, never used in the search). For programs from a file or
 * another run; prints the program, its live part and the fitness.
 *
 *   npx tsx bench/automl-zero/final-eval.ts --run runs/az   (reads summary.json's best candidate)
 *   npx tsx bench/automl-zero/final-eval.ts --program p.json|p.txt
 *       [--experiment experiments/automl-zero-linear.json] [--tasks 100] [--train 1000] [--valid 100] [--seed 1000000]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import factory, { type AutomlZeroCandidate } from '../../src/evaluators/automl-zero/index.js';
import { FINAL_TASK_SEED } from '../../src/evaluators/automl-zero/options.js';

const { values } = parseArgs({
  options: {
    run: { type: 'string' },
    program: { type: 'string' },
    experiment: { type: 'string', default: 'experiments/automl-zero-linear.json' },
    tasks: { type: 'string', default: '100' },
    train: { type: 'string', default: '1000' },
    valid: { type: 'string', default: '100' },
    seed: { type: 'string', default: String(FINAL_TASK_SEED) },
  },
});

function readProgram(): string {
  if (values.run !== undefined) {
    const summary = JSON.parse(readFileSync(join(values.run, 'summary.json'), 'utf8')) as { best: { candidate: AutomlZeroCandidate; fitness: number } };
    console.log(`search fitness (search tasks): ${summary.best.fitness}`);
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
const finalTasks = [{ type: searchTasks[0].type, count: Number(values.tasks), trainExamples: Number(values.train), validExamples: Number(values.valid), seed: Number(values.seed) }];
const domain = await factory({ ...experiment.domainOptions, finalTasks });
const candidate = domain.parse!(readProgram());
console.log(`program:\n${candidate.program}\n\nlive part: ${domain.describe(candidate)}\n`);
const start = performance.now();
const result = await domain.finalEvaluate!(candidate);
console.log(
  `fitness on ${values.tasks} unseen ${searchTasks[0].type} tasks (${values.train} train + ${values.valid} validation examples, seed ${values.seed}): ` +
    `${result.fitness} (worst task ${result.metrics?.minTaskFitness}), ${((performance.now() - start) / 1000).toFixed(2)} s`,
);
