/**
 * Levenberg-Marquardt on a tree's constants (least squares on the training
 * points). Jacobian by central differences: trees are small, and a few
 * thousand function evaluations cost well under a millisecond.
 */
import type { CompiledExpr } from './expression.js';

export interface Dataset {
  inputs: Float64Array[];
  targets: Float64Array;
}

export interface FitResult {
  constants: Float64Array;
  /** Sum of squared residuals on the training points. */
  sse: number;
  iterations: number;
}

export function sumSquaredError(f: CompiledExpr, c: ArrayLike<number>, data: Dataset): number {
  let sse = 0;
  for (let i = 0; i < data.targets.length; i++) {
    const r = f(data.inputs[i], c) - data.targets[i];
    sse += r * r;
  }
  return Number.isFinite(sse) ? sse : Number.POSITIVE_INFINITY;
}

/** Solves A x = b (n x n, row-major) by Gaussian elimination with partial pivoting; null if singular. */
export function solveLinear(a: Float64Array, b: Float64Array, n: number): Float64Array | null {
  const m = Float64Array.from(a);
  const x = Float64Array.from(b);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r * n + col]) > Math.abs(m[pivot * n + col])) pivot = r;
    if (Math.abs(m[pivot * n + col]) < 1e-300) return null;
    if (pivot !== col) {
      for (let k = 0; k < n; k++) [m[col * n + k], m[pivot * n + k]] = [m[pivot * n + k], m[col * n + k]];
      [x[col], x[pivot]] = [x[pivot], x[col]];
    }
    for (let r = col + 1; r < n; r++) {
      const factor = m[r * n + col] / m[col * n + col];
      for (let k = col; k < n; k++) m[r * n + k] -= factor * m[col * n + k];
      x[r] -= factor * x[col];
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let s = x[r];
    for (let k = r + 1; k < n; k++) s -= m[r * n + k] * x[k];
    x[r] = s / m[r * n + r];
  }
  return x;
}

export function fitConstants(f: CompiledExpr, initial: ArrayLike<number>, data: Dataset, maxIterations: number): FitResult {
  const k = initial.length;
  let c = Float64Array.from(initial);
  let sse = sumSquaredError(f, c, data);
  if (k === 0 || !Number.isFinite(sse)) return { constants: c, sse, iterations: 0 };
  const n = data.targets.length;
  const jacobian = new Float64Array(n * k);
  const residual = new Float64Array(n);
  const probe = new Float64Array(k);
  let lambda = 1e-3;
  let iteration = 0;
  for (; iteration < maxIterations; iteration++) {
    for (let i = 0; i < n; i++) residual[i] = f(data.inputs[i], c) - data.targets[i];
    for (let j = 0; j < k; j++) {
      const h = 1e-6 * Math.max(1, Math.abs(c[j]));
      probe.set(c);
      for (let i = 0; i < n; i++) {
        probe[j] = c[j] + h;
        const up = f(data.inputs[i], probe);
        probe[j] = c[j] - h;
        const down = f(data.inputs[i], probe);
        jacobian[i * k + j] = (up - down) / (2 * h);
      }
    }
    const jtj = new Float64Array(k * k);
    const jtr = new Float64Array(k);
    for (let i = 0; i < n; i++) {
      for (let a = 0; a < k; a++) {
        const ja = jacobian[i * k + a];
        jtr[a] -= ja * residual[i];
        for (let b = 0; b < k; b++) jtj[a * k + b] += ja * jacobian[i * k + b];
      }
    }
    if (!jtj.every(Number.isFinite) || !jtr.every(Number.isFinite)) break;
    let improved = false;
    // Raise damping until a step lowers the error (or give up on this point).
    for (let attempt = 0; attempt < 10 && !improved; attempt++) {
      const damped = Float64Array.from(jtj);
      for (let a = 0; a < k; a++) damped[a * k + a] += lambda * Math.max(jtj[a * k + a], 1e-12);
      const step = solveLinear(damped, jtr, k);
      if (step) {
        const trial = c.map((v, j) => v + step[j]);
        const trialSse = sumSquaredError(f, trial, data);
        if (trialSse < sse) {
          const relative = (sse - trialSse) / Math.max(sse, 1e-300);
          c = trial;
          sse = trialSse;
          lambda = Math.max(lambda / 3, 1e-12);
          improved = true;
          if (relative < 1e-12) return { constants: c, sse, iterations: iteration + 1 };
          break;
        }
      }
      lambda *= 4;
    }
    if (!improved) break;
  }
  return { constants: c, sse, iterations: iteration };
}
