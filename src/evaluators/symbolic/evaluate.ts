/**
 * Evaluation of a symbolic candidate: fit its constants on the training points,
 * then score R^2 on held-out points. R^2 is floored at -1 so that a wild
 * expression ranks last without leaving the finite range.
 */
import type { EvalResult } from '../../domain/domain.js';
import { compile, constantsOf, size, withConstants, type Expr } from './expression.js';
import { fitConstants, sumSquaredError, type Dataset } from './fit-constants.js';
import { printExpression } from './print.js';

export const WORST_FITNESS = -1;

export function rSquared(sse: number, data: Dataset): number {
  const n = data.targets.length;
  const mean = data.targets.reduce((s, v) => s + v, 0) / n;
  let sst = 0;
  for (let i = 0; i < n; i++) sst += (data.targets[i] - mean) ** 2;
  return sst > 0 ? 1 - sse / sst : sse === 0 ? 1 : Number.NEGATIVE_INFINITY;
}

export function evaluateExpression(expr: Expr, train: Dataset, test: Dataset, fitIterations: number): EvalResult {
  const f = compile(expr);
  const fit = fitConstants(f, constantsOf(expr), train, fitIterations);
  const r2Train = rSquared(fit.sse, train);
  const r2Test = rSquared(sumSquaredError(f, fit.constants, test), test);
  const fitness = Number.isFinite(r2Test) ? Math.max(WORST_FITNESS, r2Test) : WORST_FITNESS;
  return {
    fitness,
    metrics: {
      r2Train: Number.isFinite(r2Train) ? r2Train : null,
      r2Test: Number.isFinite(r2Test) ? r2Test : null,
      fitted: printExpression(withConstants(expr, fit.constants), { digits: 6 }),
      size: size(expr),
      lmIterations: fit.iterations,
    },
  };
}
