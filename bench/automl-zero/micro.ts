/**
 * Where one individual's time goes, program by program: creating the runnable
 * entry (dead-code removal, key, assembly), running a task set in each
 * interpreter (JavaScript and WebAssembly) and compiled (cold and hot), on
 * random demo programs and on two fixed ones.
 *
 *   npm run build && node dist/bench/automl-zero/micro.js [programs = 3000]
 */
import { createRng } from '../../src/random/rng.js';
import factory from '../../src/evaluators/automl-zero/index.js';
import { ProgramCache, type ExecutorKind, type RunnableProgram } from '../../src/evaluators/automl-zero/program-cache.js';
import { parseProgram } from '../../src/evaluators/automl-zero/text.js';
import { generateTasks } from '../../src/evaluators/automl-zero/tasks.js';
import { evaluateOnTasks } from '../../src/evaluators/automl-zero/execute.js';

const N = Number(process.argv[2] ?? 3000);
const d = await factory({});
const rng = createRng(7);
const memory = { scalars: 4, vectors: 3, matrices: 1 };
const texts = Array.from({ length: N }, () => d.random(rng).program);
const tasks = generateTasks([{ type: 'scalar-linear', count: 10, trainExamples: 100, validExamples: 100, seed: 1000 }], 4);
const perProgram = (t0: number, n = N): string => (((performance.now() - t0) / n) * 1000).toFixed(1);
const options = { F: 4, memory, unrollMax: 8 };
const caches = { javascript: new ProgramCache(options, 20000, false), webassembly: new ProgramCache(options) };

let t = performance.now();
const programs = texts.map(parseProgram);
console.log(`parse: ${perProgram(t)} us/program`);
t = performance.now();
const entries = programs.map((p) => caches.webassembly.entry(p));
console.log(`entry (prune + key; the WebAssembly path assembles nothing): ${perProgram(t)} us/program; ${(entries.reduce((n, e) => n + e.liveInstructions, 0) / N).toFixed(2)} of 20 instructions live`);

const run = (cache: ProgramCache, e: RunnableProgram, kind: ExecutorKind = 'interpreted') => evaluateOnTasks(cache.runner(e, kind), tasks, rng, 100);
const fixed = {
  empty: 'def Setup():\ndef Predict():\ndef Learn():',
  'gradient descent': 'def Setup():\n  s2 = 0.2\ndef Predict():\n  s1 = dot(v0, v1)\ndef Learn():\n  s3 = s0 - s1\n  s3 = s2 * s3\n  v2 = s3 * v0\n  v1 = v1 + v2',
};
for (let round = 1; round <= 3; round++) {
  for (const [name, cache] of Object.entries(caches)) {
    const mine = programs.map((p) => cache.entry(p));
    t = performance.now();
    for (const e of mine) run(cache, e);
    const line = [`round ${round}, ${name} interpreter: random programs ${perProgram(t)} us`];
    for (const [label, text] of Object.entries(fixed)) {
      const e = cache.entry(parseProgram(text));
      t = performance.now();
      for (let k = 0; k < 1000; k++) run(cache, e);
      line.push(`${label} ${perProgram(t, 1000)} us`);
    }
    console.log(line.join('; '));
  }
}
const cache = caches.javascript;
t = performance.now();
const compiled = entries.slice(0, 1000).map((e) => cache.runner(e, 'compiled'));
console.log(`compile (generate + new Function): ${perProgram(t, 1000)} us/program`);
t = performance.now();
for (const r of compiled) evaluateOnTasks(r, tasks, rng, 100);
console.log(`compiled, first run: ${perProgram(t, 1000)} us/program`);
for (const [label, text] of Object.entries(fixed)) {
  const e = cache.entry(parseProgram(text));
  for (let k = 0; k < 300; k++) run(cache, e, 'compiled');
  t = performance.now();
  for (let k = 0; k < 1000; k++) run(cache, e, 'compiled');
  console.log(`compiled, hot: ${label} ${perProgram(t, 1000)} us`);
}
