/**
 * Infix parser: `x0`, numbers, `pi`, `e`, + - * / ^, unary minus, and the
 * functions sin cos exp log sqrt abs neg pow(a, b). `-2` is a constant, `-(2)`
 * a negation, `-2^2` is -(2^2) as in mathematics.
 */
import { DomainInputError } from '../../domain/domain.js';
import { nestingDepth } from '../../domain/nesting.js';
import { isUnary, type BinaryOp, type Expr } from './expression.js';

/**
 * Parentheses, function calls and unary signs nest the recursive descent; a
 * long sum nests the tree it builds. Both are bounded so that no input can
 * overflow the stack of the parser or of the recursive code that walks trees.
 */
export const MAX_EXPRESSION_NESTING = 200;

type Token = { kind: 'num'; value: number; at: number } | { kind: 'name'; value: string; at: number } | { kind: 'sym'; value: string; at: number };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(?:(\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|([A-Za-z_][A-Za-z_0-9]*)|(\*\*|[-+*/^(),]))/y;
  let at = 0;
  while (at < text.length) {
    if (/^\s*$/.test(text.slice(at))) break;
    re.lastIndex = at;
    const m = re.exec(text);
    if (!m) throw new DomainInputError(`expression: unexpected character "${text.slice(at).trim()[0]}" at position ${at + (text.slice(at).length - text.slice(at).trimStart().length)}`);
    const start = m.index + m[0].length - (m[1] ?? m[2] ?? m[3]).length;
    if (m[1] !== undefined) tokens.push({ kind: 'num', value: Number(m[1]), at: start });
    else if (m[2] !== undefined) tokens.push({ kind: 'name', value: m[2], at: start });
    else tokens.push({ kind: 'sym', value: m[3] === '**' ? '^' : m[3], at: start });
    at = re.lastIndex;
  }
  return tokens;
}

export function parseExpression(text: string): Expr {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = () => tokens[pos];
  const fail = (what: string): never => {
    const t = tokens[pos];
    const shown = text.length > 80 ? `${text.slice(0, 77)}...` : text;
    throw new DomainInputError(`expression: ${what} ${t ? `at position ${t.at} ("${t.value}")` : 'at the end'} in "${shown}"`);
  };
  const isSym = (s: string) => peek()?.kind === 'sym' && peek().value === s;
  let nesting = 0;
  const enter = () => {
    if (++nesting > MAX_EXPRESSION_NESTING) fail(`nesting deeper than ${MAX_EXPRESSION_NESTING} levels (parentheses, functions, signs)`);
  };
  const expect = (s: string) => {
    if (!isSym(s)) fail(`expected "${s}"`);
    pos++;
  };

  const additive = (): Expr => {
    let left = multiplicative();
    while (isSym('+') || isSym('-')) {
      const op: BinaryOp = tokens[pos++].value === '+' ? 'add' : 'sub';
      left = { op, args: [left, multiplicative()] };
    }
    return left;
  };
  const multiplicative = (): Expr => {
    let left = unary();
    while (isSym('*') || isSym('/')) {
      const op: BinaryOp = tokens[pos++].value === '*' ? 'mul' : 'div';
      left = { op, args: [left, unary()] };
    }
    return left;
  };
  const unary = (): Expr => {
    enter();
    const e = unaryInner();
    nesting--;
    return e;
  };
  const unaryInner = (): Expr => {
    if (isSym('+')) {
      pos++;
      return unary();
    }
    if (isSym('-')) {
      pos++;
      const next = peek();
      const after = tokens[pos + 1];
      if (next?.kind === 'num' && !(after?.kind === 'sym' && after.value === '^')) {
        pos++;
        return { op: 'const', value: -next.value };
      }
      return { op: 'neg', args: [unary()] };
    }
    return power();
  };
  const power = (): Expr => {
    const base = primary();
    if (isSym('^')) {
      pos++;
      return { op: 'pow', args: [base, unary()] };
    }
    return base;
  };
  const primary = (): Expr => {
    const t = peek();
    if (!t) return fail('expected a number, variable, function or "("');
    if (t.kind === 'num') {
      pos++;
      return { op: 'const', value: t.value };
    }
    if (t.kind === 'sym') {
      if (t.value !== '(') return fail('expected a number, variable, function or "("');
      pos++;
      const inner = additive();
      expect(')');
      return inner;
    }
    pos++;
    const name = t.value;
    const variable = /^x(\d+)$/.exec(name);
    if (variable) return { op: 'var', index: Number(variable[1]) };
    if (name === 'pi') return { op: 'const', value: Math.PI };
    if (name === 'e' && !isSym('(')) return { op: 'const', value: Math.E };
    if (isUnary(name) || name === 'pow') {
      expect('(');
      const a = additive();
      if (name === 'pow') {
        expect(',');
        const b = additive();
        expect(')');
        return { op: 'pow', args: [a, b] };
      }
      expect(')');
      return { op: name, args: [a] };
    }
    pos--;
    return fail('unknown name (variables are x0, x1, ...; functions are sin cos exp log sqrt abs neg pow)');
  };

  if (tokens.length === 0) throw new DomainInputError('expression: empty');
  const expr = additive();
  if (pos < tokens.length) fail('unexpected token');
  // A 40,000-term sum parses without recursion but builds a tree 40,000 levels deep.
  // (Each tree level is two JSON levels: the node and its args array.)
  if (nestingDepth(expr, 2 * MAX_EXPRESSION_NESTING + 1) > 2 * MAX_EXPRESSION_NESTING + 1) {
    throw new DomainInputError(`expression: operators nest more than ${MAX_EXPRESSION_NESTING} levels deep (e.g. a very long sum); split or simplify it`);
  }
  return expr;
}
