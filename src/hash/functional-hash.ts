/**
 * The functional hash: quantized probe outputs, hashed with xxHash64 under a
 * key that names the domain, its version and its probe configuration, so two
 * domains (or two probe set-ups of one domain) never share cache keys.
 */
import xxhash from 'xxhash-wasm';
import { type GenerationLimits, TwoGenerationMemo } from '../memo/two-generation-memo.js';
import { DEFAULT_MANTISSA_BITS, checkMantissaBits, quantizeWords } from './quantize.js';

/** Everything besides the probe outputs that a hash depends on. */
export interface HashKeySpec {
  domain: string;
  version: string;
  probeKey?: string;
  mantissaBits?: number;
}

/** Bump when the byte layout below changes: every stored hash changes with it. */
export const HASH_FORMAT_VERSION = 1;

export type ProbeHashFn = (probeOutputs: ArrayLike<number>) => string;

export interface FunctionalHasher {
  /** A hash function bound to one key: call it once per candidate. */
  forKey(spec: HashKeySpec): ProbeHashFn;
}

type XxHashApi = Awaited<ReturnType<typeof xxhash>>;
let apiPromise: Promise<XxHashApi> | undefined;

export function keyHeader(spec: HashKeySpec): string {
  const bits = spec.mantissaBits ?? DEFAULT_MANTISSA_BITS;
  return `deja-fh${HASH_FORMAT_VERSION}|${spec.domain}|${spec.version}|${spec.probeKey ?? ''}|m${bits}`;
}

export function formatHash(value: bigint): string {
  return value.toString(16).padStart(16, '0');
}

export async function createFunctionalHasher(): Promise<FunctionalHasher> {
  // The wasm module is compiled once per thread and shared: it is stateless.
  apiPromise ??= xxhash();
  const api = await apiPromise;
  // One scratch buffer and its views, kept across calls: three typed-array views a hash
  // were a measurable share of a cheap domain's time. `bytes` covers the last length hashed.
  let scratch = new Float64Array(1024);
  let words = new Uint32Array(scratch.buffer);
  let bytes = new Uint8Array(scratch.buffer, 0, 0);
  return {
    forKey(spec) {
      const bits = spec.mantissaBits ?? DEFAULT_MANTISSA_BITS;
      checkMantissaBits(bits);
      // The key is folded in as the seed of the data hash: same bytes, other key, other hash.
      const seed = api.h64Raw(new TextEncoder().encode(keyHeader(spec)), 0n);
      return (outputs) => {
        const n = outputs.length;
        if (scratch.length < n) {
          // Stryker disable next-line ArithmeticOperator: growth policy only; the new scratch has at least n slots either way.
          scratch = new Float64Array(Math.max(n, scratch.length * 2));
          words = new Uint32Array(scratch.buffer);
        }
        quantizeWords(outputs, bits, scratch, words);
        // The length alone tells when to make a new view: scratch only grows when n outgrows
        // it, which the last length hashed (at most its old size) cannot equal.
        if (bytes.length !== 8 * n) bytes = new Uint8Array(scratch.buffer, 0, 8 * n);
        return formatHash(api.h64Raw(bytes, seed));
      };
    },
  };
}

/**
 * `hash` remembered per outputs object (by identity): for a domain whose probe
 * returns the same unchanged object again for equivalent candidates
 * (Domain.stableProbeOutputs), so each distinct output is quantized and hashed
 * once. The same function of the outputs, so the same hashes. Held in a
 * TwoGenerationMemo, not a WeakMap: a WeakMap's entries cost the garbage
 * collector more than the hashing they saved; the outputs of recent candidates,
 * the parents of the next ones, stay remembered.
 */
// Stryker disable next-line ObjectLiteral,ArithmeticOperator,BitwiseOperator: the default sizes change only memory and speed
export function rememberingHashes(hash: ProbeHashFn, limits: GenerationLimits = { entries: 4096, weight: 1 << 20 }): ProbeHashFn {
  const known = new TwoGenerationMemo<ArrayLike<number>, string>(limits, (outputs) => outputs.length);
  return (outputs) => {
    let h = known.get(outputs);
    if (h === undefined) {
      h = hash(outputs);
      known.set(outputs, h);
    }
    return h;
  };
}
