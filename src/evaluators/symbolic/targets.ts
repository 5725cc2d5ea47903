/**
 * Target formulas and their data. The named targets come from the Feynman
 * symbolic-regression benchmark (AI Feynman, Udrescu & Tegmark 2020), with
 * variables renamed x0, x1, ... and the benchmark's sampling ranges.
 */
import { createRng } from '../../random/rng.js';
import { compile, constantsOf, type Expr } from './expression.js';
import type { Dataset } from './fit-constants.js';
import { parseExpression } from './parse.js';

export interface TargetSpec {
  formula: string;
  /** Sampling range [lo, hi] of each variable. */
  ranges: Array<[number, number]>;
  note: string;
}

export const FEYNMAN_TARGETS: Record<string, TargetSpec> = {
  'I.6.2a': { formula: 'exp(-x0^2/2)/sqrt(2*pi)', ranges: [[1, 3]], note: 'Gaussian density, theta' },
  'I.6.2': { formula: 'exp(-(x1/x0)^2/2)/(sqrt(2*pi)*x0)', ranges: [[1, 3], [1, 3]], note: 'Gaussian density, sigma and theta' },
  'I.10.7': { formula: 'x0/sqrt(1 - x1^2/x2^2)', ranges: [[1, 5], [1, 2], [3, 10]], note: 'relativistic mass m0, v, c' },
  'I.12.1': { formula: 'x0*x1', ranges: [[1, 5], [1, 5]], note: 'friction mu * Nn' },
  'I.14.4': { formula: '0.5*x0*x1^2', ranges: [[1, 5], [1, 5]], note: 'spring energy k x^2 / 2' },
  'I.18.4': { formula: '(x0*x2 + x1*x3)/(x0 + x1)', ranges: [[1, 5], [1, 5], [1, 5], [1, 5]], note: 'centre of mass' },
  'I.29.4': { formula: 'x0/x1', ranges: [[1, 10], [1, 10]], note: 'wave number omega / c' },
};

export function variableCount(expr: Expr): number {
  if (expr.op === 'var') return expr.index + 1;
  if (expr.op === 'const') return 0;
  return Math.max(...expr.args.map(variableCount));
}

/** Seeded sample of the target on its ranges, with optional Gaussian noise relative to the target's spread. */
export function sampleDataset(target: Expr, ranges: Array<[number, number]>, points: number, seed: number, label: string, noise: number): Dataset {
  const rng = createRng(seed, 'symbolic-data', label);
  const f = compile(target);
  const c = constantsOf(target);
  const inputs = Array.from({ length: points }, () => Float64Array.from(ranges, ([lo, hi]) => rng.uniform(lo, hi)));
  const targets = Float64Array.from(inputs, (x) => f(x, c));
  if (noise > 0) {
    const mean = targets.reduce((s, v) => s + v, 0) / points;
    const std = Math.sqrt(targets.reduce((s, v) => s + (v - mean) ** 2, 0) / points);
    for (let i = 0; i < points; i++) targets[i] += noise * std * rng.normal();
  }
  return { inputs, targets };
}

export function parseTarget(formula: string): Expr {
  return parseExpression(formula);
}
