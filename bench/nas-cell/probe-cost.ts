/**
 * Cost of the `forward` probe (and of the `short-train` probe) as a fraction
 * of one evaluation with the small experiment's settings, side by side.
 *
 *   node --import tsx bench/nas-cell/probe-cost.ts [experiments/nas-cell-small.json] [evaluations=3]
 */
import { readFileSync } from 'node:fs';
import createNasCellDomain from '../../src/evaluators/nas-cell/index.js';
import { randomCell } from '../../src/evaluators/nas-cell/sampling.js';
import { createRng } from '../../src/random/rng.js';

const experimentPath = process.argv[2] ?? new URL('../../experiments/nas-cell-small.json', import.meta.url).pathname;
const evaluations = Number(process.argv[3] ?? 3);
const domainOptions = (JSON.parse(readFileSync(experimentPath, 'utf8')) as { domainOptions: Record<string, unknown> }).domainOptions;

const rng = createRng(42);
const cells = Array.from({ length: 500 }, () => randomCell(rng));
const forward = await createNasCellDomain({ ...domainOptions, probe: 'forward' });
let started = performance.now();
for (const cell of cells) await forward.probe(cell);
const forwardMs = (performance.now() - started) / cells.length;

const shortTrain = await createNasCellDomain({ ...domainOptions, probe: 'short-train' });
started = performance.now();
for (const cell of cells.slice(0, evaluations)) await shortTrain.probe(cell);
const shortTrainMs = (performance.now() - started) / evaluations;

await forward.evaluate(cells[0], { seed: 0, rng: createRng(0), signal: new AbortController().signal }); // warm-up: data load, kernels
started = performance.now();
for (let i = 0; i < evaluations; i++) await forward.evaluate(cells[i], { seed: i, rng: createRng(i), signal: new AbortController().signal });
const evaluationMs = (performance.now() - started) / evaluations;

console.log(`experiment:          ${experimentPath}`);
console.log(`forward probe:       ${forwardMs.toFixed(3)} ms per cell (mean over ${cells.length} random cells)`);
console.log(`short-train probe:   ${shortTrainMs.toFixed(0)} ms per cell (mean over ${evaluations})`);
console.log(`evaluation:          ${evaluationMs.toFixed(0)} ms per cell (mean over ${evaluations})`);
console.log(`forward / evaluation:     ${(forwardMs / evaluationMs).toExponential(2)}`);
console.log(`short-train / evaluation: ${(shortTrainMs / evaluationMs).toFixed(3)}`);
