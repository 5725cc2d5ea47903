/**
 * One `deja run` of a copy of an experiment in a child process, with its CPU
 * time (report-cpu.ts) and summary: what the automl-zero benchmarks compare.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

export interface MeasuredRun {
  proposals: number;
  evaluations: number;
  /** The process's wall time, start-up included (as its CPU time is). */
  wallSeconds: number;
  cpuSeconds: number;
  stopReason: string;
  hitRate: number;
  bestFitness: number;
}

export interface RunSpec {
  /** Root of the deja checkout to run (its bin/deja.js and dist/). */
  deja: string;
  experiment: Record<string, unknown>;
  seed: number;
  workers: number;
  cache: boolean;
  outDir: string;
}

const PRELOAD = new URL('./report-cpu.js', import.meta.url);

export function measuredRun(spec: RunSpec): MeasuredRun {
  mkdirSync(spec.outDir, { recursive: true });
  const experimentPath = join(spec.outDir, 'experiment.json');
  writeFileSync(experimentPath, JSON.stringify(spec.experiment, null, 2));
  const cpuFile = join(spec.outDir, 'cpu.json');
  const args = ['--import', PRELOAD.href, join(resolve(spec.deja), 'bin/deja.js'), 'run', experimentPath, '--out', join(spec.outDir, 'run'), '--force', '--seed', String(spec.seed), '--workers', String(spec.workers)];
  // The cache in memory, as the original's: the command line's default (a file shared by runs) would let
  // the second run of a seed hit the first run's entries, and adds SQLite's cost to every lookup.
  if (spec.cache) args.push('--cache-store', 'memory');
  else args.push('--no-cache');
  const started = performance.now();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, DEJA_CPU_REPORT: cpuFile } });
  const wallSeconds = (performance.now() - started) / 1000;
  if (r.status !== 0) throw new Error(`deja run failed (${r.status}): ${r.stderr}`);
  const s = JSON.parse(readFileSync(join(spec.outDir, 'run', 'summary.json'), 'utf8')) as {
    proposals: number; evaluations: number; stopReason: string; cache: { hitRate: number }; best: { fitness: number } | null;
  };
  const cpu = JSON.parse(readFileSync(cpuFile, 'utf8')) as { userSeconds: number; systemSeconds: number };
  return {
    proposals: s.proposals,
    evaluations: s.evaluations,
    wallSeconds,
    cpuSeconds: cpu.userSeconds + cpu.systemSeconds,
    stopReason: s.stopReason,
    hitRate: s.cache.hitRate,
    bestFitness: s.best?.fitness ?? Number.NaN,
  };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
