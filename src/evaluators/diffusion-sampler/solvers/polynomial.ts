/**
 * Exact integrals of Lagrange basis polynomials (the Adams-Bashforth weights
 * of DEIS rhoAB and tAB), and Gauss-Legendre nodes for integrands that have
 * no elementary antiderivative.
 */

/** Coefficients (ascending powers) of the j-th Lagrange basis polynomial through `nodes`. */
export function lagrangeBasis(nodes: readonly number[], j: number): number[] {
  let poly = [1];
  let denom = 1;
  for (let m = 0; m < nodes.length; m++) {
    if (m === j) continue;
    const next = new Array<number>(poly.length + 1).fill(0);
    for (let k = 0; k < poly.length; k++) {
      next[k] -= nodes[m] * poly[k];
      next[k + 1] += poly[k];
    }
    poly = next;
    denom *= nodes[j] - nodes[m];
  }
  return poly.map((c) => c / denom);
}

/** Integral of the polynomial from 0 to `upper`. */
export function integratePolynomial(coefficients: readonly number[], upper: number): number {
  let total = 0;
  for (let k = coefficients.length - 1; k >= 0; k--) total = (total + coefficients[k] / (k + 1)) * upper;
  return total;
}

/**
 * Weights w_j = integral over [a, b] of the Lagrange basis through `nodes`,
 * in closed form. The variable is shifted by `a` first so the expansion does
 * not lose digits when the nodes sit far from 0.
 */
export function lagrangeIntegralWeights(nodes: readonly number[], a: number, b: number): number[] {
  const shifted = nodes.map((v) => v - a);
  return nodes.map((_, j) => integratePolynomial(lagrangeBasis(shifted, j), b - a));
}

/** Gauss-Legendre nodes and weights on [-1, 1] (Newton on P_n). */
export function gaussLegendre(n: number): { nodes: number[]; weights: number[] } {
  const nodes: number[] = [];
  const weights: number[] = [];
  for (let i = 1; i <= n; i++) {
    let x = Math.cos((Math.PI * (i - 0.25)) / (n + 0.5));
    let dp = 0;
    for (let iter = 0; iter < 100; iter++) {
      let p0 = 1;
      let p1 = x;
      for (let k = 2; k <= n; k++) {
        const p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      dp = (n * (x * p1 - p0)) / (x * x - 1);
      const dx = p1 / dp;
      x -= dx;
      if (Math.abs(dx) < 1e-16) break;
    }
    nodes.push(x);
    weights.push(2 / ((1 - x * x) * dp * dp));
  }
  return { nodes, weights };
}
