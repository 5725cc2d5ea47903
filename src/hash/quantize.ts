/**
 * Quantization of probe outputs before hashing.
 *
 * Float results of two algebraically equal computations differ in their last
 * bits; keeping only the top `mantissaBits` bits of the mantissa makes them
 * collide, while real differences survive. Special values get one canonical
 * bit pattern each: every NaN payload becomes the quiet NaN, -0 becomes +0,
 * infinities keep their sign.
 *
 * The mantissa is rounded to nearest, not truncated as in the paper's code:
 * truncation puts every exact power of two on a bucket edge, so 1 and
 * 0.9999999999999999 (sin^2 + cos^2, say) would hash apart. Rounding puts
 * such common exact results in the middle of their bucket.
 */
export const DEFAULT_MANTISSA_BITS = 24;

const CANONICAL_NAN_HIGH = 0x7ff80000;
// Bits of a float64's high word: the exponent (all ones: infinity or NaN), the top of the mantissa, the sign.
const EXPONENT = 0x7ff00000;
const MANTISSA_HIGH = 0x000fffff;
const SIGN = 0x80000000 | 0;
// The engine targets little-endian hosts (every platform Node ships for), where
// the high word of a float64 is the second 32-bit word.
// Stryker disable next-line all: only a big-endian host could tell; none runs the tests.
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
// Stryker disable next-line all: only a big-endian host could tell; none runs the tests.
if (!LITTLE_ENDIAN) throw new Error('deja hashes float64 bit patterns and needs a little-endian host');

export function checkMantissaBits(bits: number): void {
  if (!Number.isInteger(bits) || bits < 0 || bits > 52) {
    throw new RangeError(`mantissaBits: expected an integer from 0 to 52, got ${bits}`);
  }
}

/**
 * Writes the quantized form of `values` into `out` (length >= values.length)
 * and returns the 32-bit view of `out` for hashing. Pure aside from `out`.
 */
export function quantizeInto(values: ArrayLike<number>, mantissaBits: number, out: Float64Array): Uint32Array {
  checkMantissaBits(mantissaBits);
  const words = new Uint32Array(out.buffer, out.byteOffset, out.length * 2);
  quantizeWords(values, mantissaBits, out, words);
  return words.subarray(0, 2 * values.length);
}

/**
 * quantizeInto without allocating: `words` is the 32-bit view of `out` (same
 * memory). For a hasher that keeps both views across calls.
 */
export function quantizeWords(values: ArrayLike<number>, mantissaBits: number, out: Float64Array, words: Uint32Array): void {
  const n = values.length;
  const dropped = 52 - mantissaBits;
  // Masks for the low word (bits 0-31 of the mantissa) and the high word (bits 32-51),
  // and half a unit of the last kept bit, added before masking to round to nearest.
  // All as int32, so the loop below runs in 32-bit integer arithmetic (twice as fast as
  // mixing in doubles); a Uint32Array stores an int32 as the same 32 bits.
  const lowMask = dropped >= 32 ? 0 : (0xffffffff << dropped) | 0;
  const highMask = dropped <= 32 ? -1 : (0xffffffff << (dropped - 32)) | 0;
  // Stryker disable next-line ConditionalExpression,LogicalOperator: `| 0` makes both cases 0 anyway (2^-1 truncates, 2^32 and up wrap); spelled out for the reader
  const lowHalf = dropped === 0 || dropped > 32 ? 0 : 2 ** (dropped - 1) | 0;
  const highHalf = dropped > 32 ? 2 ** (dropped - 33) : 0;
  out.set(values);
  for (let lo = 0; lo < 2 * n; lo += 2) {
    const low = words[lo] | 0;
    const high = words[lo + 1] | 0;
    if ((high & EXPONENT) === EXPONENT && ((high & MANTISSA_HIGH) | low) !== 0) {
      words[lo] = 0; // NaN
      words[lo + 1] = CANONICAL_NAN_HIGH;
    } else if (((high & ~SIGN) | low) === 0) {
      words[lo] = 0; // +0 and -0
      words[lo + 1] = 0;
    } else {
      // Infinities need no case of their own: their mantissa is zero, and zero rounds to zero.
      const rounded = (low + lowHalf) | 0;
      // The low word wrapped around: carry one into the high word. A carry out of the mantissa
      // bumps the exponent: 1.11..1 rounds up to 10.0, as it should.
      const carry = rounded >>> 0 < low >>> 0 ? 1 : 0;
      words[lo] = rounded & lowMask;
      words[lo + 1] = (high + carry + highHalf) & highMask;
    }
  }
}

/** Convenience form that allocates: the quantized values as float64. */
export function quantize(values: ArrayLike<number>, mantissaBits = DEFAULT_MANTISSA_BITS): Float64Array {
  const out = new Float64Array(values.length);
  quantizeInto(values, mantissaBits, out);
  return out;
}
