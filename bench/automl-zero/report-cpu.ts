/**
 * Preloaded into a benchmarked `deja run` (node --import): at exit, writes the
 * process's CPU time (user + system, all its threads: JIT, GC, workers) to
 * the file named by DEJA_CPU_REPORT, so benchmarks can count individuals per
 * CPU-second without platform tools.
 */
import { writeFileSync } from 'node:fs';

const file = process.env.DEJA_CPU_REPORT;
if (file) {
  process.on('exit', () => {
    const { user, system } = process.cpuUsage();
    writeFileSync(file, JSON.stringify({ userSeconds: user / 1e6, systemSeconds: system / 1e6 }) + '\n');
  });
}
