/**
 * One `deja run` of a copy of an experiment in a child process, with its CPU
 * time (report-cpu.ts) and summary: what the automl-zero benchmarks compare.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface MeasuredRun {
  proposals: number;
  evaluations: number;
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
  if (!spec.cache) args.push('--no-cache');
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, DEJA_CPU_REPORT: cpuFile } });
  if (r.status !== 0) throw new Error(`deja run failed (${r.status}): ${r.stderr}`);
  const s = JSON.parse(readFileSync(join(spec.outDir, 'run', 'summary.json'), 'utf8')) as {
    proposals: number; evaluations: number; wallSeconds: number; stopReason: string; cache: { hitRate: number }; best: { fitness: number } | null;
  };
  const cpu = JSON.parse(readFileSync(cpuFile, 'utf8')) as { userSeconds: number; systemSeconds: number };
  return {
    proposals: s.proposals,
    evaluations: s.evaluations,
    wallSeconds: s.wallSeconds,
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
