/**
 * Random trees and mutations for symbolic regression: point, subtree, hoist
 * and constant-jitter mutations, each returning a new tree (inputs are never modified).
 */
import type { Rng } from '../../random/rng.js';
import { BINARY_OPS, UNARY_OPS, depth, replaceAt, size, subtrees, type Expr } from './expression.js';

export interface SpaceSettings {
  variables: number;
  maxDepth: number;
  maxSize: number;
  /** Depth of freshly grown subtrees in mutations. */
  growDepth: number;
}

const SMALL_INTEGERS = [-3, -2, -1, 1, 2, 3];

function randomConstant(rng: Rng): Expr {
  return { op: 'const', value: rng.bernoulli(0.5) ? rng.pick(SMALL_INTEGERS) : Math.round(rng.uniform(-2, 2) * 1000) / 1000 };
}

function randomTerminal(rng: Rng, variables: number): Expr {
  return rng.bernoulli(0.6) ? { op: 'var', index: rng.int(variables) } : randomConstant(rng);
}

/** "Grow" initialisation: at each level a terminal with probability rising with depth. */
export function growTree(rng: Rng, variables: number, maxDepth: number, level = 1): Expr {
  if (level >= maxDepth || (level > 1 && rng.bernoulli(0.3 + 0.1 * level))) return randomTerminal(rng, variables);
  if (rng.bernoulli(0.3)) return { op: rng.pick(UNARY_OPS), args: [growTree(rng, variables, maxDepth, level + 1)] };
  return { op: rng.pick(BINARY_OPS), args: [growTree(rng, variables, maxDepth, level + 1), growTree(rng, variables, maxDepth, level + 1)] };
}

export function randomExpression(rng: Rng, s: SpaceSettings): Expr {
  for (;;) {
    const tree = growTree(rng, s.variables, 2 + rng.int(Math.max(1, s.maxDepth - 1)));
    if (size(tree) <= s.maxSize && depth(tree) <= s.maxDepth) return tree;
  }
}

function pointMutation(expr: Expr, rng: Rng, s: SpaceSettings): Expr {
  const { node, path } = rng.pick(subtrees(expr));
  let replacement: Expr;
  if (node.op === 'var' || node.op === 'const') replacement = randomTerminal(rng, s.variables);
  else if (node.args.length === 1) replacement = { op: rng.pick(UNARY_OPS.filter((o) => o !== node.op)), args: node.args };
  else replacement = { op: rng.pick(BINARY_OPS.filter((o) => o !== node.op)), args: node.args };
  return replaceAt(expr, path, replacement);
}

function subtreeMutation(expr: Expr, rng: Rng, s: SpaceSettings): Expr {
  const { path } = rng.pick(subtrees(expr));
  return replaceAt(expr, path, growTree(rng, s.variables, s.growDepth));
}

function hoistMutation(expr: Expr, rng: Rng): Expr {
  return rng.pick(subtrees(expr)).node;
}

function constantJitter(expr: Expr, rng: Rng, s: SpaceSettings): Expr {
  const constants = subtrees(expr).filter((t) => t.node.op === 'const');
  if (constants.length === 0) return pointMutation(expr, rng, s);
  const { node, path } = rng.pick(constants);
  const value = (node as { value: number }).value;
  return replaceAt(expr, path, { op: 'const', value: value * (1 + 0.2 * rng.normal()) + 0.05 * rng.normal() });
}

export function mutateExpression(expr: Expr, rng: Rng, s: SpaceSettings): Expr {
  const r = rng.next();
  if (r < 0.35) return pointMutation(expr, rng, s);
  if (r < 0.7) return subtreeMutation(expr, rng, s);
  if (r < 0.85) return hoistMutation(expr, rng);
  return constantJitter(expr, rng, s);
}
