/**
 * Memory of a worker thread across many evaluations: tfjs tensors and bytes,
 * V8 heap and process RSS after 0, 50, 100, ... evaluations, as the engine's
 * piscina workers would run them (one domain instance per thread).
 *
 *   node --import tsx bench/nas-cell/worker-memory.ts [evaluations=200]
 *
 * Uses a tiny network (64 digits, 5 stem channels, 1 stack) so 200
 * evaluations fit in about a minute; what leaks per evaluation would leak at
 * any size.
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

const TINY = { backend: 'wasm', stemChannels: 5, stacks: 1, cellsPerStack: 1, trainExamples: 64, validationExamples: 32, testExamples: 32, batchSize: 32 };

if (isMainThread) {
  const evaluations = Number(process.argv[2] ?? 200);
  const self = import.meta.url;
  // Run from TypeScript (tsx): the worker registers tsx's loader itself, as the engine's workers do.
  const worker = self.endsWith('.ts')
    ? new Worker(
        `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((api) => { api.register(); return import(${JSON.stringify(self)}); });`,
        { eval: true, workerData: { evaluations } },
      )
    : new Worker(new URL(self), { workerData: { evaluations } });
  worker.on('message', (line: string) => console.log(line));
  worker.on('error', (error) => {
    console.error(error);
    process.exitCode = 1;
  });
} else {
  const tf = await import('@tensorflow/tfjs');
  const { default: createNasCellDomain } = await import('../../src/evaluators/nas-cell/index.js');
  const { createRng } = await import('../../src/random/rng.js');
  const { evaluations } = workerData as { evaluations: number };
  const domain = await createNasCellDomain(TINY);
  const rng = createRng(7);
  const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
  const report = (done: number) => {
    const m = tf.memory();
    const p = process.memoryUsage();
    parentPort!.postMessage(`after ${String(done).padStart(4)} evaluations: tensors ${m.numTensors}, tensor MB ${mb(m.numBytes)}, heapUsed MB ${mb(p.heapUsed)}, rss MB ${mb(p.rss)}`);
  };
  const started = performance.now();
  for (let i = 0; i < evaluations; i++) {
    if (i === 1) report(1); // after the first: backend, data and kernels are loaded
    if (i > 0 && i % 50 === 0) report(i);
    await domain.evaluate(domain.random(rng), { seed: i, rng: createRng(i), signal: new AbortController().signal });
  }
  report(evaluations);
  parentPort!.postMessage(`${evaluations} evaluations in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
