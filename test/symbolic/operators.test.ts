import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BINARY, UNARY } from '../../src/evaluators/symbolic/expression.js';

/** Exact values of the protected operators where protection matters: negative, tiny, zero, huge arguments. */
describe('symbolic protected operators (golden values)', () => {
  const unary: Array<[keyof typeof UNARY, number, number]> = [
    ['neg', 2.5, -2.5], ['neg', -0, 0],
    ['log', Math.E, 1], ['log', -Math.E, 1], ['log', 1e-12, Math.log(1e-12)], ['log', 9.99e-13, 0], ['log', -9.99e-13, 0], ['log', 0, 0], ['log', -1e-12, Math.log(1e-12)],
    ['sqrt', 4, 2], ['sqrt', -4, 2], ['sqrt', 0, 0],
    ['exp', 1, Math.E], ['exp', 700, Math.exp(700)], ['exp', 700.5, Math.exp(700)], ['exp', 1e6, Math.exp(700)], ['exp', -1e6, 0],
    ['abs', -3, 3], ['abs', 3, 3],
    ['sin', Math.PI / 2, 1], ['cos', 0, 1], ['cos', Math.PI, -1],
  ];
  for (const [op, a, want] of unary) {
    it(`${op}(${a}) = ${want}`, () => assert.equal(UNARY[op](a), want));
  }
  const binary: Array<[keyof typeof BINARY, number, number, number]> = [
    ['add', 2, 3, 5], ['sub', 2, 3, -1], ['mul', -2, 3, -6],
    ['div', 6, 3, 2], ['div', 6, -3, -2], ['div', 1, 1e-12, 1e12], ['div', 5, 9.99e-13, 1], ['div', 5, -9.99e-13, 1], ['div', 5, 0, 1], ['div', 0, 0, 1], ['div', 1, -1e-12, -1e12],
    ['pow', 2, 3, 8], ['pow', -2, 3, -8], ['pow', -2, 2, 4], ['pow', -4, 0.5, 2], ['pow', 4, 0.5, 2], ['pow', 0, 0.5, 0], ['pow', -8, -1, -0.125], ['pow', -4, -0.5, 0.5],
  ];
  for (const [op, a, b, want] of binary) {
    it(`${op}(${a}, ${b}) = ${want}`, () => assert.equal(BINARY[op](a, b), want));
  }
});
