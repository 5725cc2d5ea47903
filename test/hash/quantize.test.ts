import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { quantize, quantizeInto } from '../../src/hash/quantize.js';

/** The 64-bit pattern of a double, and the double of a pattern. */
const pattern = (x: number) => new BigUint64Array(new Float64Array([x]).buffer)[0];
const fromPattern = (p: bigint) => new Float64Array(new BigUint64Array([p]).buffer)[0];
const SIGN = 1n << 63n;
const INFINITY_BITS = 0x7ff0000000000000n;

/**
 * Independent reference: round the 63-bit magnitude (exponent and mantissa as one integer) to a
 * multiple of 2^(52 - mantissaBits), ties away from zero; a carry runs into the exponent by itself.
 */
function referencePattern(x: number, mantissaBits: number): bigint {
  if (Number.isNaN(x)) return 0x7ff8000000000000n;
  if (x === 0) return 0n;
  const p = pattern(x);
  const magnitude = p & (SIGN - 1n);
  if (magnitude === INFINITY_BITS) return p;
  const dropped = BigInt(52 - mantissaBits);
  const rounded = dropped === 0n ? magnitude : ((magnitude + (1n << (dropped - 1n))) >> dropped) << dropped;
  return (p & SIGN) | rounded;
}

/** Magnitudes whose dropped bits sit at a rounding edge (tie, just below or above it, all ones, none) or anywhere. */
const edgyDouble = fc
  .tuple(fc.boolean(), fc.bigInt({ min: 0n, max: INFINITY_BITS - 1n }), fc.integer({ min: 0, max: 52 }), fc.constantFrom('tie', 'below', 'above', 'ones', 'zero', 'any'))
  .map(([negative, magnitude, mantissaBits, edge]) => {
    const dropped = BigInt(52 - mantissaBits);
    const half = dropped === 0n ? 0n : 1n << (dropped - 1n);
    const low = { tie: half, below: half - 1n, above: half + 1n, ones: (1n << dropped) - 1n, zero: 0n, any: magnitude & ((1n << dropped) - 1n) }[edge];
    const m = ((magnitude >> dropped) << dropped) | (low < 0n ? 0n : low);
    return { x: fromPattern((negative ? SIGN : 0n) | m), mantissaBits };
  });

const bits = (x: number) => {
  const f = new Float64Array([x]);
  const w = new Uint32Array(f.buffer);
  return [w[1], w[0]];
};

describe('quantize', () => {
  it('gives every NaN payload one canonical pattern', () => {
    const weird = new Float64Array(1);
    new Uint32Array(weird.buffer).set([0xdeadbeef, 0xfff12345]); // negative NaN with a payload
    assert.ok(Number.isNaN(weird[0]));
    const [a, b] = [quantize([Number.NaN], 24), quantize(weird, 24)];
    assert.deepEqual(bits(a[0]), bits(b[0]));
    assert.deepEqual(bits(a[0]), [0x7ff80000, 0]);
  });

  it('makes -0 and +0 equal', () => {
    assert.deepEqual(bits(quantize([-0])[0]), bits(quantize([0])[0]));
    assert.ok(Object.is(quantize([-0])[0], 0));
  });

  it('keeps infinities and their sign', () => {
    const q = quantize([Infinity, -Infinity], 0);
    assert.equal(q[0], Infinity);
    assert.equal(q[1], -Infinity);
  });

  it('merges values that differ only below the kept mantissa bits', () => {
    assert.equal(quantize([1 + 1e-13], 24)[0], quantize([1], 24)[0]);
    assert.equal(quantize([Math.PI * (1 + 1e-12)], 24)[0], quantize([Math.PI], 24)[0]);
  });

  it('keeps differences above the kept mantissa bits', () => {
    assert.notEqual(quantize([1 + 2 ** -20], 24)[0], quantize([1], 24)[0]);
    assert.notEqual(quantize([1.5], 1)[0], quantize([1], 1)[0]);
  });

  it('rounds the mantissa to nearest, symmetrically in sign', () => {
    assert.equal(quantize([1.24], 2)[0], 1.25);
    assert.equal(quantize([1.3], 2)[0], 1.25);
    assert.equal(quantize([-1.3], 2)[0], -1.25);
    assert.equal(quantize([1.4], 2)[0], 1.5);
  });

  it('puts exact results in the middle of a bucket: 1 - 2^-53 and 1 collide', () => {
    assert.equal(quantize([1 - 2 ** -53], 24)[0], 1);
    assert.equal(quantize([2 - 2 ** -40], 24)[0], 2);
    assert.equal(quantize([-(1 - 2 ** -53)], 24)[0], -1);
  });

  it('carries into the exponent when rounding up', () => {
    assert.equal(quantize([1.9], 0)[0], 2);
    assert.equal(quantize([1.99], 3)[0], 2);
    assert.equal(quantize([Number.MAX_VALUE], 0)[0], Infinity);
  });

  it('keeps every bit at 52 and only sign and exponent at 0', () => {
    const x = 0.1 + 0.2;
    assert.equal(quantize([x], 52)[0], x);
    assert.equal(quantize([2.9], 0)[0], 2);
    assert.equal(quantize([0.7], 0)[0], 0.5);
  });

  it('handles the low/high word boundary exactly (19 to 21 and 39 to 40 bits)', () => {
    const x = 1 + 2 ** -20 + 2 ** -22 + 2 ** -40;
    assert.equal(quantize([x], 19)[0], 1 + 2 ** -19);
    assert.equal(quantize([x], 20)[0], 1 + 2 ** -20);
    assert.equal(quantize([x], 21)[0], 1 + 2 ** -20 + 2 ** -21);
    assert.equal(quantize([x], 22)[0], 1 + 2 ** -20 + 2 ** -22);
    assert.equal(quantize([x], 40)[0], x);
    assert.equal(quantize([x], 39)[0], 1 + 2 ** -20 + 2 ** -22 + 2 ** -39); // a tie rounds away from zero
    assert.equal(quantize([1 + 2 ** -32 + 2 ** -33], 32)[0], 1 + 2 ** -31);
  });

  it('rounds subnormals too', () => {
    const tiny = 5e-324 * 7; // subnormal with mantissa 7
    assert.equal(quantize([tiny], 52)[0], tiny);
    assert.equal(quantize([tiny], 50)[0], 8 * 5e-324);
    assert.equal(quantize([5e-324 * 5], 50)[0], 4 * 5e-324);
  });

  it('does not modify its input and writes into the given buffer', () => {
    const input = new Float64Array([1 + 1e-13, -0]);
    const out = new Float64Array(4);
    const words = quantizeInto(input, 24, out);
    assert.equal(words.length, 4);
    assert.equal(input[0], 1 + 1e-13);
    assert.ok(Object.is(input[1], -0));
    assert.equal(out[0], 1);
  });

  it('agrees bit for bit with a BigInt reference rounding, at rounding edges and across the word boundary', () => {
    fc.assert(
      fc.property(edgyDouble, ({ x, mantissaBits }) => {
        assert.equal(pattern(quantize([x], mantissaBits)[0]), referencePattern(x, mantissaBits), `x=${x} bits=${mantissaBits}`);
      }),
      { seed: 16, numRuns: 3000 },
    );
  });

  it('rounds at the word boundary: ties away from zero, just below a tie down', () => {
    // 20 bits kept: the half unit is bit 31 of the low word; 19 bits: bit 0 of the high word.
    assert.equal(quantize([1 + 2 ** -21], 20)[0], 1 + 2 ** -20);
    assert.equal(quantize([1 + 2 ** -21 - 2 ** -52], 20)[0], 1);
    assert.equal(quantize([1 + 2 ** -20], 19)[0], 1 + 2 ** -19);
    assert.equal(quantize([1 + 2 ** -20 - 2 ** -52], 19)[0], 1);
    // All 52 bits kept: a low word of all ones must not carry into the high word.
    const ones = 1 + (2 ** 32 - 1) * 2 ** -52;
    assert.equal(quantize([ones], 52)[0], ones);
    assert.equal(quantize([-ones], 52)[0], -ones);
  });

  it('keeps infinities at every mantissa setting', () => {
    for (let m = 0; m <= 52; m++) assert.deepEqual(Array.from(quantize([Infinity, -Infinity, 1], m)), [Infinity, -Infinity, 1]);
  });

  it('writes only the first values.length slots of the buffer', () => {
    // 7.3 is not a 2-bit value: a slot quantized by mistake would read 7.
    const out = new Float64Array([7.3, 7.3, 7.3, 7.3]);
    quantizeInto([1.3, 2], 2, out);
    assert.deepEqual(Array.from(out), [1.25, 2, 7.3, 7.3]);
  });

  it('rejects mantissa bits outside 0..52', () => {
    assert.throws(() => quantize([1], 53), /mantissaBits/);
    assert.throws(() => quantize([1], -1), /mantissaBits/);
    assert.throws(() => quantize([1], 2.5), /mantissaBits/);
  });
});
