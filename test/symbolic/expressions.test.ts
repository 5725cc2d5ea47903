import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createFunctionalHasher } from '../../src/hash/functional-hash.js';
import { createRng } from '../../src/random/rng.js';
import createSymbolicDomain from '../../src/evaluators/symbolic/index.js';
import { checkExpr, type Expr } from '../../src/evaluators/symbolic/expression.js';
import { parseExpression } from '../../src/evaluators/symbolic/parse.js';
import { printExpression } from '../../src/evaluators/symbolic/print.js';
import { probeExpression } from '../../src/evaluators/symbolic/probe.js';

const domain = createSymbolicDomain({ variables: 3 });
const hashOf = async (text: string) => {
  const hash = (await createFunctionalHasher()).forKey({ domain: domain.name, version: domain.version, probeKey: domain.probeKey });
  return hash(probeExpression(parseExpression(text)));
};

describe('symbolic expressions', () => {
  it('parses and prints back to the same tree', () => {
    for (const text of ['x0 + x0', '2 * x0', 'x0^2', 'exp(-x0^2 / 2) / sqrt(2 * pi)', '-2^2', '-(2)', 'x0 - -1.5', 'x0^(-2)', '(x0 + x1) * (x0 - x1) / x2', 'x0 - (x1 - x2)', 'pow(abs(x0), 0.5)', '--x0', '1e-3 * log(x1)']) {
      const tree = parseExpression(text);
      assert.deepEqual(parseExpression(printExpression(tree)), tree, text);
    }
  });

  it('follows the usual precedence and associativity', () => {
    const value = (text: string) => probeExpression(parseExpression(text))[0];
    assert.equal(value('-2^2'), -4);
    assert.equal(value('2^3^2'), 512);
    assert.equal(value('8 / 4 / 2'), 1);
    assert.equal(value('1 - 2 - 3'), -4);
    assert.equal(value('2 * 3 + 4'), 10);
  });

  it('round-trips random trees with their exact constants', () => {
    const rng = createRng(3);
    for (let i = 0; i < 300; i++) {
      const tree = domain.random(rng);
      const child = domain.mutate(tree, rng);
      for (const t of [tree, child]) assert.deepEqual(parseExpression(printExpression(t)), t);
    }
  });

  it('rejects bad text with the position and what was expected', () => {
    assert.throws(() => parseExpression('x0 +'), /expected a number, variable, function or "\(" at the end/);
    assert.throws(() => parseExpression('foo(x0)'), /unknown name.*position 0/);
    assert.throws(() => parseExpression('x0 $ 2'), /unexpected character "\$" at position 3/);
    assert.throws(() => parseExpression('(x0'), /expected "\)"/);
  });

  it('validates trees, naming the node path', () => {
    assert.equal(checkExpr({ op: 'add', args: [{ op: 'var', index: 0 }, { op: 'const', value: 1 }] }, 1), null);
    assert.match(checkExpr({ op: 'add', args: [{ op: 'var', index: 4 }, { op: 'const', value: 1 }] }, 2)!, /^expr\.args\[0\]\.index: .*0 to 1/);
    assert.match(checkExpr({ op: 'tan', args: [] }, 1)!, /expr\.op: unknown operator "tan"/);
    assert.match(checkExpr({ op: 'sin', args: [] }, 1)!, /expr\.args: "sin" takes exactly 1 argument/);
    assert.match(checkExpr({ op: 'const', value: 'x' }, 1)!, /finite number/);
  });

  it('keeps random and mutated trees valid and within limits', () => {
    const rng = createRng(9);
    let tree: Expr = domain.random(rng);
    for (let i = 0; i < 500; i++) {
      const next = domain.mutate(tree, rng);
      if (domain.validate!(next) === null) tree = next;
      assert.equal(domain.validate!(domain.random(rng)), null);
    }
  });

  it('probes protected operators without NaN', () => {
    for (const text of ['log(x0 - x0)', 'x1 / (x0 - x0)', 'sqrt(x0)', 'exp(1000 * x0)', 'pow(x0, 0.5)']) {
      assert.ok(Array.from(probeExpression(parseExpression(text))).every((v) => !Number.isNaN(v)), text);
    }
  });
});

describe('symbolic functional equivalence', () => {
  const equal: Array<[string, string]> = [
    ['x0 + x0', '2 * x0'],
    ['x0 * x0', 'x0^2'],
    ['x0 * (x1 + x2)', 'x0 * x1 + x0 * x2'],
    ['x0 - x1', 'x0 + -1 * x1'],
    ['sin(x0)^2 + cos(x0)^2', '1 + 0 * x2'],
    ['exp(log(abs(x0)))', 'abs(x0)'],
    ['x0 / 4', '0.25 * x0'],
  ];
  const different: Array<[string, string]> = [
    ['sin(x0)', 'cos(x0)'],
    ['x0', 'abs(x0)'],
    ['x0 + 1e-5', 'x0'],
    ['x0 * x1', 'x0 * x2'],
    ['sqrt(x0^2)', 'x0'],
  ];
  for (const [a, b] of equal) {
    it(`${a} == ${b}`, async () => assert.equal(await hashOf(a), await hashOf(b)));
  }
  for (const [a, b] of different) {
    it(`${a} != ${b}`, async () => assert.notEqual(await hashOf(a), await hashOf(b)));
  }
});
