/**
 * Expression trees ("lambda functions") for symbolic regression, as plain JSON:
 *   {"op": "var", "index": 0} | {"op": "const", "value": 1.5} | {"op": "add", "args": [a, b]} | ...
 * Operators are protected (no NaN from a domain error) so that every tree is a
 * total function; probing and evaluation share these exact semantics.
 */
export type UnaryOp = 'neg' | 'sin' | 'cos' | 'exp' | 'log' | 'sqrt' | 'abs';
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'pow';

export type Expr =
  | { op: 'var'; index: number }
  | { op: 'const'; value: number }
  | { op: UnaryOp; args: [Expr] }
  | { op: BinaryOp; args: [Expr, Expr] };

export const UNARY_OPS: readonly UnaryOp[] = ['neg', 'sin', 'cos', 'exp', 'log', 'sqrt', 'abs'];
export const BINARY_OPS: readonly BinaryOp[] = ['add', 'sub', 'mul', 'div', 'pow'];

/** Below this magnitude a divisor or log argument counts as zero. */
const TINY = 1e-12;
/** exp overflows past ~709.78: clamp so exp stays finite. */
const EXP_LIMIT = 700;

export const UNARY: Record<UnaryOp, (a: number) => number> = {
  neg: (a) => -a,
  sin: Math.sin,
  cos: Math.cos,
  exp: (a) => Math.exp(a > EXP_LIMIT ? EXP_LIMIT : a),
  log: (a) => (Math.abs(a) < TINY ? 0 : Math.log(Math.abs(a))),
  sqrt: (a) => Math.sqrt(Math.abs(a)),
  abs: Math.abs,
};

export const BINARY: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => (Math.abs(b) < TINY ? 1 : a / b),
  // Integer powers keep the sign of the base; fractional powers of negatives use |a|.
  pow: (a, b) => (a >= 0 || Number.isInteger(b) ? Math.pow(a, b) : Math.pow(-a, b)),
};

export function isUnary(op: string): op is UnaryOp {
  return (UNARY_OPS as readonly string[]).includes(op);
}

export function isBinary(op: string): op is BinaryOp {
  return (BINARY_OPS as readonly string[]).includes(op);
}

/** A compiled tree: inputs row, constant values (in pre-order) -> output. */
export type CompiledExpr = (x: ArrayLike<number>, constants: ArrayLike<number>) => number;

/** Turns a tree into nested closures once, so fitting does not re-walk the JSON per point. */
export function compile(expr: Expr): CompiledExpr {
  let nextConstant = 0;
  const build = (e: Expr): CompiledExpr => {
    switch (e.op) {
      case 'var': {
        const i = e.index;
        return (x) => x[i];
      }
      case 'const': {
        const k = nextConstant++;
        return (_x, c) => c[k];
      }
      default:
        if (e.args.length === 1) {
          const f = UNARY[e.op as UnaryOp];
          const a = build(e.args[0]);
          return (x, c) => f(a(x, c));
        } else {
          const f = BINARY[e.op as BinaryOp];
          const a = build(e.args[0]);
          const b = build(e.args[1]);
          return (x, c) => f(a(x, c), b(x, c));
        }
    }
  };
  return build(expr);
}

/** The constants of a tree in pre-order, matching `compile`'s numbering. */
export function constantsOf(expr: Expr, out: number[] = []): number[] {
  if (expr.op === 'const') out.push(expr.value);
  else if (expr.op !== 'var') for (const a of expr.args) constantsOf(a, out);
  return out;
}

/** A copy of the tree with its constants replaced in pre-order. */
export function withConstants(expr: Expr, values: ArrayLike<number>): Expr {
  let k = 0;
  const rebuild = (e: Expr): Expr => {
    if (e.op === 'const') return { op: 'const', value: values[k++] };
    if (e.op === 'var') return e;
    return { op: e.op, args: e.args.map(rebuild) } as Expr;
  };
  return rebuild(expr);
}

export function size(expr: Expr): number {
  return expr.op === 'var' || expr.op === 'const' ? 1 : 1 + expr.args.reduce((n, a) => n + size(a), 0);
}

export function depth(expr: Expr): number {
  return expr.op === 'var' || expr.op === 'const' ? 1 : 1 + Math.max(...expr.args.map(depth));
}

/** Every subtree with its path of argument indices from the root, in pre-order. */
export function subtrees(expr: Expr, path: number[] = [], out: Array<{ node: Expr; path: number[] }> = []): Array<{ node: Expr; path: number[] }> {
  out.push({ node: expr, path });
  if (expr.op !== 'var' && expr.op !== 'const') expr.args.forEach((a, i) => subtrees(a, [...path, i], out));
  return out;
}

/** A copy of `expr` with the subtree at `path` replaced. */
export function replaceAt(expr: Expr, path: readonly number[], replacement: Expr): Expr {
  if (path.length === 0) return replacement;
  if (expr.op === 'var' || expr.op === 'const') throw new Error('replaceAt: path runs past a leaf');
  const args = expr.args.slice() as Expr[];
  args[path[0]] = replaceAt(args[path[0]], path.slice(1), replacement);
  return { op: expr.op, args } as Expr;
}

/** Why `value` is not a well-formed tree (null when it is), naming the offending node's path. */
export function checkExpr(value: unknown, maxVariables: number, path = 'expr'): string | null {
  if (typeof value !== 'object' || value === null) return `${path}: expected an expression node object`;
  const node = value as Record<string, unknown>;
  const op = node.op;
  if (op === 'var') {
    if (!Number.isInteger(node.index) || (node.index as number) < 0 || (node.index as number) >= maxVariables) {
      return `${path}.index: expected an integer from 0 to ${maxVariables - 1} (the experiment has ${maxVariables} variable${maxVariables === 1 ? '' : 's'})`;
    }
    return null;
  }
  if (op === 'const') return typeof node.value === 'number' && Number.isFinite(node.value) ? null : `${path}.value: expected a finite number`;
  if (typeof op !== 'string' || !(isUnary(op) || isBinary(op))) {
    return `${path}.op: unknown operator ${JSON.stringify(op)}; allowed: var, const, ${[...UNARY_OPS, ...BINARY_OPS].join(', ')}`;
  }
  const arity = isUnary(op) ? 1 : 2;
  if (!Array.isArray(node.args) || node.args.length !== arity) return `${path}.args: "${op}" takes exactly ${arity} argument${arity === 1 ? '' : 's'}`;
  for (let i = 0; i < arity; i++) {
    const problem = checkExpr(node.args[i], maxVariables, `${path}.args[${i}]`);
    if (problem) return problem;
  }
  return null;
}
