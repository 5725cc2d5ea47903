/** Infix printing with the fewest parentheses that still parse back to the same tree. */
import type { Expr } from './expression.js';

const SYMBOL: Record<string, string> = { add: ' + ', sub: ' - ', mul: ' * ', div: ' / ' };
const PRECEDENCE: Record<string, number> = { add: 1, sub: 1, mul: 2, div: 2, neg: 3, pow: 4 };
const ATOM = 5;

export interface PrintOptions {
  /** Significant digits for constants; omitted = exact (round-trips through the parser). */
  digits?: number;
}

function precedenceOf(e: Expr): number {
  if (e.op === 'const') return e.value < 0 || Object.is(e.value, -0) ? PRECEDENCE.neg : ATOM;
  return PRECEDENCE[e.op] ?? ATOM;
}

export function printExpression(expr: Expr, options: PrintOptions = {}): string {
  const wrap = (e: Expr, minPrecedence: number): string => {
    const text = print(e);
    return precedenceOf(e) < minPrecedence ? `(${text})` : text;
  };
  const print = (e: Expr): string => {
    switch (e.op) {
      case 'var':
        return `x${e.index}`;
      case 'const':
        return options.digits === undefined ? String(e.value) : String(Number(e.value.toPrecision(options.digits)));
      case 'neg': {
        // "-2" would parse back as a constant; a negated literal keeps its parentheses.
        const arg = e.args[0];
        return arg.op === 'const' ? `-(${print(arg)})` : `-${wrap(arg, PRECEDENCE.neg)}`;
      }
      case 'pow': {
        const [base, exponent] = e.args;
        const exponentText = exponent.op === 'neg' || (exponent.op === 'const' && exponent.value < 0) ? `(${print(exponent)})` : wrap(exponent, PRECEDENCE.pow);
        return `${wrap(base, PRECEDENCE.pow + 1)}^${exponentText}`;
      }
      case 'add':
      case 'sub':
      case 'mul':
      case 'div': {
        const p = PRECEDENCE[e.op];
        return `${wrap(e.args[0], p)}${SYMBOL[e.op]}${wrap(e.args[1], p + 1)}`;
      }
      default:
        return `${e.op}(${print(e.args[0])})`;
    }
  };
  return print(expr);
}
