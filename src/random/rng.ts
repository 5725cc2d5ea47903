/**
 * Seeded pseudo-random generator (sfc32, 32-bit state words).
 *
 * Hand-written rather than a library because the search draws millions of
 * numbers on the hot path, and the state must be a plain serializable tuple so
 * a run can be reproduced (and later resumed) from its seed alone.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number;
  /** Standard normal (Box-Muller). */
  normal(): number;
  /** True with probability p. */
  bernoulli(p: number): boolean;
  /** A uniformly chosen element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
  /** An independent generator derived from this one's stream and a label. */
  fork(label: number | string): Rng;
  /** The current state, enough to rebuild the generator. */
  state(): [number, number, number, number];
}

/** 32-bit string hash (FNV-1a), used to turn labels into seed words. */
export function hashString32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** splitmix32 step: spreads a seed over well-mixed state words. */
function splitmix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** A 32-bit seed that is a pure function of a seed and labels: cheap, with no generator built. */
export function deriveSeed(seed: number | string, ...labels: Array<number | string>): number {
  let s = typeof seed === 'string' ? hashString32(seed) : seed >>> 0 ^ Math.floor(seed / 2 ** 32);
  for (const label of labels) {
    s = splitmix32(s ^ (typeof label === 'string' ? hashString32(label) : label >>> 0));
  }
  return s;
}

export function createRng(seed: number | string, ...labels: Array<number | string>): Rng {
  const s = deriveSeed(seed, ...labels);
  const a = splitmix32(s);
  const b = splitmix32(a);
  const c = splitmix32(b);
  const d = splitmix32(c);
  return rngFromState([a, b, c, d | 1]);
}

export function rngFromState(initial: readonly [number, number, number, number]): Rng {
  // The state lives in an Int32Array, not in closure variables: a 32-bit word that is no
  // small integer would be boxed into a new heap number on every draw (garbage per draw).
  // Every operation below is taken modulo 2^32, so results equal the plain-variable form's.
  const s = Int32Array.from(initial);
  let spareNormal: number | undefined;
  const nextU32 = (): number => {
    const a = s[0];
    const b = s[1];
    const c = s[2];
    const d = s[3];
    const t = (((a + b) | 0) + d) | 0;
    s[3] = (d + 1) | 0;
    s[0] = b ^ (b >>> 9);
    s[1] = (c + (c << 3)) | 0;
    s[2] = (((c << 21) | (c >>> 11)) + t) | 0;
    return t >>> 0;
  };
  // Discard the first outputs: sfc32 mixes poorly for a few rounds after seeding.
  for (let i = 0; i < 12; i++) nextU32();

  const rng: Rng = {
    next: () => nextU32() / 4294967296,
    int: (n) => Math.floor((nextU32() / 4294967296) * n),
    uniform: (lo, hi) => lo + (nextU32() / 4294967296) * (hi - lo),
    normal: () => {
      if (spareNormal !== undefined) {
        const v = spareNormal;
        spareNormal = undefined;
        return v;
      }
      let u = 0;
      while (u === 0) u = nextU32() / 4294967296;
      const v = nextU32() / 4294967296;
      const r = Math.sqrt(-2 * Math.log(u));
      spareNormal = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
    bernoulli: (p) => nextU32() / 4294967296 < p,
    pick: (items) => items[Math.floor((nextU32() / 4294967296) * items.length)],
    fork: (label) => createRng(nextU32(), label),
    state: () => [s[0], s[1], s[2], s[3]],
  };
  return rng;
}
