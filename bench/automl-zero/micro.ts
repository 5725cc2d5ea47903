/**
 * Where one individual's time goes, program by program: creating the runnable
 * entry (parse, dead-code removal, assembly), interpreting a task set,
 * compiling, and running a compiled function cold and hot.
 *
 *   npx tsc -p . --outDir .bench-out/azbuild && node .bench-out/azbuild/bench/automl-zero/micro.js
 */
import { createRng } from '../../src/random/rng.js';
import factory from '../../src/evaluators/automl-zero/index.js';
import { ProgramCache } from '../../src/evaluators/automl-zero/program-cache.js';
import { parseProgram } from '../../src/evaluators/automl-zero/text.js';
import { generateTasks } from '../../src/evaluators/automl-zero/tasks.js';
import { evaluateOnTasks } from '../../src/evaluators/automl-zero/execute.js';

const N = Number(process.argv[2] ?? 3000);
const d = await factory({});
const rng = createRng(7);
const memory = { scalars: 4, vectors: 3, matrices: 1 };
const texts = Array.from({ length: N }, () => d.random(rng).program);
const tasks = generateTasks([{ type: 'scalar-linear', count: 10, trainExamples: 100, validExamples: 100, seed: 1000 }], 4);
const us = (t0: number): string => (((performance.now() - t0) / N) * 1000).toFixed(1);

const cache = new ProgramCache({ F: 4, memory, unrollMax: 8 });
let t = performance.now();
const parsedPrograms = texts.map(parseProgram);
console.log(`parse: ${us(t)} us/program`);
t = performance.now();
const entries = parsedPrograms.map((p) => cache.entry(p));
console.log(`entry (prune + key + assemble): ${us(t)} us/program`);
const live = entries.reduce((n, e) => n + e.liveInstructions, 0) / N;
console.log(`mean live instructions: ${live.toFixed(2)} of 20`);
t = performance.now();
for (const e of entries) evaluateOnTasks(cache.runner(e, 'interpreted'), tasks, rng, 100);
console.log(`interpreted evaluation (10 tasks x 200 examples), first pass: ${us(t)} us/program`);
t = performance.now();
for (const e of entries) evaluateOnTasks(cache.runner(e, 'interpreted'), tasks, rng, 100);
console.log(`interpreted evaluation, second pass: ${us(t)} us/program`);
t = performance.now();
const compiled = entries.map((e) => cache.runner(e, 'compiled'));
console.log(`compile (generate + new Function): ${us(t)} us/program`);
t = performance.now();
for (const r of compiled) evaluateOnTasks(r, tasks, rng, 100);
console.log(`compiled evaluation, first run: ${us(t)} us/program`);
t = performance.now();
for (let k = 0; k < 200; k++) evaluateOnTasks(compiled[1], tasks, rng, 100);
console.log(`compiled evaluation of one program, hot: ${(((performance.now() - t) / 200) * 1000).toFixed(1)} us`);
t = performance.now();
for (let k = 0; k < 200; k++) evaluateOnTasks(cache.runner(entries[1], 'interpreted'), tasks, rng, 100);
console.log(`interpreted evaluation of the same program, hot: ${(((performance.now() - t) / 200) * 1000).toFixed(1)} us (${entries[1].liveInstructions} live instructions)`);
