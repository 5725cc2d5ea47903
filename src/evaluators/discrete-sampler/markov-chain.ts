/**
 * The data model: a first-order Markov chain over a small vocabulary, with a
 * seeded, deliberately peaked transition matrix. Its conditional of any masked
 * position given the unmasked ones is exact and cheap: by the Markov property
 * it depends only on the nearest unmasked token on each side,
 * p(x_i = v | ...) proportional to P^(i-l)[a, v] P^(r-i)[v, b]
 * (the forward-backward messages over the masked run between l and r), so the
 * "network" is exact and a sampler's error is its own.
 */
import { createRng, type Rng } from '../../random/rng.js';

export const MASK = -1;

export interface MarkovChain {
  vocab: number;
  length: number;
  /** Initial distribution (vocab). */
  initial: Float64Array;
  /** powers[d] = P^d, row-major vocab x vocab, d = 0..length. */
  powers: Float64Array[];
  /** Marginal of each position: marginals[i] = initial P^i. */
  marginals: Float64Array[];
}

function multiply(a: Float64Array, b: Float64Array, v: number): Float64Array {
  const out = new Float64Array(v * v);
  for (let i = 0; i < v; i++) for (let k = 0; k < v; k++) for (let j = 0; j < v; j++) out[i * v + j] += a[i * v + k] * b[k * v + j];
  return out;
}

/** A symmetric Dirichlet(concentration) draw: small concentrations give peaked rows. */
function dirichlet(rng: Rng, v: number, concentration: number): Float64Array {
  // Gamma(c) for c < 1 via Gamma(c + 1) * U^(1/c) (Marsaglia-Tsang for the c + 1 >= 1 part).
  const gamma = (c: number): number => {
    const d = c + 1 - 1 / 3;
    const s = 1 / Math.sqrt(9 * d);
    for (;;) {
      const x = rng.normal();
      const w = (1 + s * x) ** 3;
      if (w > 0 && Math.log(rng.next() || 1e-300) < 0.5 * x * x + d - d * w + d * Math.log(w)) return d * w * (rng.next() || 1e-300) ** (1 / c);
    }
  };
  const g = Float64Array.from({ length: v }, () => gamma(concentration) + 1e-12);
  const total = g.reduce((a, b) => a + b, 0);
  return g.map((x) => x / total);
}

export function createMarkovChain(vocab: number, length: number, seed: number, concentration: number): MarkovChain {
  const rng = createRng(seed, 'discrete-markov-chain');
  const initial = dirichlet(rng, vocab, 1);
  const p = new Float64Array(vocab * vocab);
  for (let a = 0; a < vocab; a++) p.set(dirichlet(rng, vocab, concentration), a * vocab);
  const identity = new Float64Array(vocab * vocab);
  for (let a = 0; a < vocab; a++) identity[a * vocab + a] = 1;
  const powers: Float64Array[] = [identity];
  for (let d = 1; d <= length; d++) powers.push(multiply(powers[d - 1], p, vocab));
  const marginals = powers.slice(0, length).map((pd) => {
    const m = new Float64Array(vocab);
    for (let a = 0; a < vocab; a++) for (let b = 0; b < vocab; b++) m[b] += initial[a] * pd[a * vocab + b];
    return m;
  });
  return { vocab, length, initial, powers, marginals };
}

/**
 * p(x_i | unmasked tokens of seq) into `out` (vocab), for a masked position i:
 * the left message P^(i-l)[a, .] (or the marginal of i when nothing to the
 * left is known) times the right message P^(r-i)[., b] (or 1), normalised.
 */
export function conditional(chain: MarkovChain, seq: Int32Array, offset: number, i: number, out: Float64Array): Float64Array {
  const v = chain.vocab;
  let l = i - 1;
  while (l >= 0 && seq[offset + l] === MASK) l--;
  let r = i + 1;
  while (r < chain.length && seq[offset + r] === MASK) r++;
  const left = l >= 0 ? chain.powers[i - l] : null;
  const right = r < chain.length ? chain.powers[r - i] : null;
  const a = l >= 0 ? seq[offset + l] : 0;
  const b = r < chain.length ? seq[offset + r] : 0;
  let total = 0;
  for (let x = 0; x < v; x++) {
    const fromLeft = left ? left[a * v + x] : chain.marginals[i][x];
    const fromRight = right ? right[x * v + b] : 1;
    out[x] = fromLeft * fromRight;
    total += out[x];
  }
  for (let x = 0; x < v; x++) out[x] /= total;
  return out;
}

/** Inverse-CDF draw of a token from probabilities p with the uniform u. */
export function drawToken(p: Float64Array, u: number): number {
  let acc = 0;
  for (let x = 0; x < p.length; x++) {
    acc += p[x];
    if (u < acc) return x;
  }
  // rounding: u just below 1 with the sum just below 1; the last token with mass
  for (let x = p.length - 1; x >= 0; x--) if (p[x] > 0) return x;
  return 0;
}

/** n exact draws from the chain (ancestral sampling), one uniform per token from `uniforms` (n x length). */
export function sampleChain(chain: MarkovChain, uniforms: Float64Array, n: number): Int32Array {
  const L = chain.length;
  const v = chain.vocab;
  const out = new Int32Array(n * L);
  const row = new Float64Array(v);
  for (let s = 0; s < n; s++) {
    out[s * L] = drawToken(chain.initial, uniforms[s * L]);
    for (let i = 1; i < L; i++) {
      const a = out[s * L + i - 1];
      for (let x = 0; x < v; x++) row[x] = chain.powers[1][a * v + x];
      out[s * L + i] = drawToken(row, uniforms[s * L + i]);
    }
  }
  return out;
}
