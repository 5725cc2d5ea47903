import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import createSymbolicDomain from '../../src/evaluators/symbolic/index.js';
import { compile, constantsOf } from '../../src/evaluators/symbolic/expression.js';
import { fitConstants, solveLinear } from '../../src/evaluators/symbolic/fit-constants.js';
import { parseExpression } from '../../src/evaluators/symbolic/parse.js';
import { createRng } from '../../src/random/rng.js';

const ctx = { seed: 1, rng: createRng(1), signal: new AbortController().signal };

describe('symbolic evaluation', () => {
  it('scores the true formula R^2 = 1', async () => {
    const domain = createSymbolicDomain({ feynman: 'I.6.2a' });
    const result = await domain.evaluate(parseExpression('exp(-x0^2/2)/sqrt(2*pi)'), ctx);
    assert.ok(result.fitness > 1 - 1e-12, `fitness ${result.fitness}`);
  });

  it('fits the constants of the right form from wrong starting values', async () => {
    const domain = createSymbolicDomain({ feynman: 'I.6.2a', fitIterations: 100 });
    const result = await domain.evaluate(parseExpression('1 * exp(-1 * x0 * x0)'), ctx);
    assert.ok(result.fitness > 0.999999, `fitness ${result.fitness}`);
    assert.match(String(result.metrics!.fitted), /^0\.398942 \* exp\(-0\.5 \* x0 \* x0\)$/);
  });

  it('ranks a worse form lower, and a wild one at -1 without NaN', async () => {
    const domain = createSymbolicDomain({ feynman: 'I.14.4' });
    const good = await domain.evaluate(parseExpression('1 * x0 * x1^2'), ctx);
    const poor = await domain.evaluate(parseExpression('2 * x0 * x1'), ctx);
    const wild = await domain.evaluate(parseExpression('exp(exp(x0 * 100))'), ctx);
    assert.ok(good.fitness > 0.999999);
    assert.ok(poor.fitness < good.fitness && poor.fitness > 0);
    assert.equal(wild.fitness, -1);
  });

  it('solves linear systems and reports singular ones', () => {
    const x = solveLinear(Float64Array.from([2, 1, 1, 3]), Float64Array.from([3, 5]), 2)!;
    assert.ok(Math.abs(x[0] - 0.8) < 1e-12 && Math.abs(x[1] - 1.4) < 1e-12);
    assert.equal(solveLinear(Float64Array.from([1, 2, 2, 4]), Float64Array.from([1, 2]), 2), null);
  });

  it('Levenberg-Marquardt recovers the parameters of a noiseless model', () => {
    const expr = parseExpression('1 * sin(1 * x0) + 1');
    const f = compile(expr);
    const inputs = Array.from({ length: 50 }, (_, i) => Float64Array.of(i / 10));
    const targets = Float64Array.from(inputs, (x) => 2.5 * Math.sin(0.7 * x[0]) - 0.3);
    const fit = fitConstants(f, constantsOf(expr), { inputs, targets }, 200);
    assert.ok(fit.sse < 1e-12, `sse ${fit.sse}`);
    assert.ok(Math.abs(fit.constants[0] - 2.5) < 1e-6 && Math.abs(fit.constants[1] - 0.7) < 1e-6 && Math.abs(fit.constants[2] + 0.3) < 1e-6);
  });

  it('rejects bad domain options naming the field', () => {
    assert.throws(() => createSymbolicDomain({ feynman: 'X.1' }), /domainOptions\.feynman: unknown target "X\.1"; known: I\.6\.2a/);
    assert.throws(() => createSymbolicDomain({ target: 'x0 +' }), /domainOptions\.target: expression/);
    assert.throws(() => createSymbolicDomain({ trainPoints: 1 }), /domainOptions: trainPoints/);
    assert.throws(() => createSymbolicDomain({ target: 'x0 * x1', ranges: [[1, 2], [1, 2], [1, 2]] }), /domainOptions\.ranges: expected 2 ranges/);
    assert.throws(() => createSymbolicDomain({ feynman: 'I.6.2a', target: 'x0' }), /either "feynman" or "target"/);
    assert.throws(() => createSymbolicDomain({ colour: 'red' }), /unknown field "colour"/);
  });
});
