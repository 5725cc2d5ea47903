/**
 * The functional hash: quantized probe outputs, hashed with xxHash64 under a
 * key that names the domain, its version and its probe configuration, so two
 * domains (or two probe set-ups of one domain) never share cache keys.
 */
import xxhash from 'xxhash-wasm';
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

/** How much rememberingHashes holds in its newer generation before it starts another. */
export interface RememberLimits {
  /** Output objects. */
  outputs: number;
  /** Numbers in them, summed: a few large outputs end a generation early. */
  numbers: number;
}

/**
 * `hash` remembered per outputs object (by identity): for a domain whose probe
 * returns the same unchanged object again for equivalent candidates
 * (Domain.stableProbeOutputs), so each distinct output is quantized and hashed
 * once. The same function of the outputs, so the same hashes.
 *
 * Two generations of plain Maps, not a WeakMap: a WeakMap's entries cost the
 * garbage collector more than the hashing they saved (in an AutoML-Zero
 * search, the WeakMap version spent twice the time). When the newer generation
 * is full it becomes the older, and the older is dropped; an output found in
 * the older moves to the newer. So what is held stays bounded, and the outputs
 * of recent candidates, the parents of the next ones, stay remembered.
 */
// Stryker disable next-line ObjectLiteral,ArithmeticOperator,BitwiseOperator: the default sizes change only memory and speed
export function rememberingHashes(hash: ProbeHashFn, limits: RememberLimits = { outputs: 4096, numbers: 1 << 20 }): ProbeHashFn {
  let newer = new Map<object, string>();
  let older = new Map<object, string>();
  let numbers = 0;
  const keep = (outputs: ArrayLike<number>, h: string): void => {
    if (newer.size >= limits.outputs || numbers >= limits.numbers) {
      older = newer;
      newer = new Map();
      numbers = 0;
    }
    newer.set(outputs, h);
    numbers += outputs.length;
  };
  return (outputs) => {
    let h = newer.get(outputs);
    if (h !== undefined) return h;
    h = older.get(outputs) ?? hash(outputs);
    keep(outputs, h);
    return h;
  };
}
