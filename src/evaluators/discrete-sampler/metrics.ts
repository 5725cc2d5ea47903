/**
 * How far a sampler's sequences are from the chain:
 * - bigram KL: KL(true || sampled) between the chain's exact bigram
 *   distribution (pooled over the L - 1 adjacent pairs: the first-order
 *   statistics a first-order chain is made of) and the sampled pairs'
 *   frequencies (add-1/2 smoothing, so the KL stays finite);
 * - trigram MMD: the unbiased squared MMD between the sampled sequences and
 *   exact draws from the chain, with the linear kernel on per-sequence trigram
 *   frequency vectors (a two-sample statistic on 3-grams; mean 0 when the
 *   sampler is exact).
 */
import type { MarkovChain } from './markov-chain.js';

export function exactBigrams(chain: MarkovChain): Float64Array {
  const v = chain.vocab;
  const out = new Float64Array(v * v);
  for (let i = 0; i + 1 < chain.length; i++) {
    for (let a = 0; a < v; a++) for (let b = 0; b < v; b++) out[a * v + b] += (chain.marginals[i][a] * chain.powers[1][a * v + b]) / (chain.length - 1);
  }
  return out;
}

export function bigramKl(truth: Float64Array, tokens: Int32Array, n: number, length: number, vocab: number): number {
  const counts = new Float64Array(vocab * vocab).fill(0.5);
  for (let s = 0; s < n; s++) for (let i = 0; i + 1 < length; i++) counts[tokens[s * length + i] * vocab + tokens[s * length + i + 1]]++;
  const total = counts.reduce((a, b) => a + b, 0);
  let kl = 0;
  for (let q = 0; q < truth.length; q++) if (truth[q] > 0) kl += truth[q] * Math.log(truth[q] / (counts[q] / total));
  return Math.max(0, kl);
}

/** Sum of the per-sequence trigram frequency vectors, and the sum of their squared norms. */
function trigramSums(tokens: Int32Array, n: number, length: number, vocab: number): { sum: Float64Array; squares: number } {
  const sum = new Float64Array(vocab ** 3);
  const w = 1 / (length - 2);
  let squares = 0;
  const local = new Map<number, number>();
  for (let s = 0; s < n; s++) {
    local.clear();
    for (let i = 0; i + 2 < length; i++) {
      const q = (tokens[s * length + i] * vocab + tokens[s * length + i + 1]) * vocab + tokens[s * length + i + 2];
      local.set(q, (local.get(q) ?? 0) + w);
    }
    for (const [q, f] of local) {
      sum[q] += f;
      squares += f * f;
    }
  }
  return { sum, squares };
}

export function trigramMmd(a: Int32Array, na: number, b: Int32Array, nb: number, length: number, vocab: number): number {
  const x = trigramSums(a, na, length, vocab);
  const y = trigramSums(b, nb, length, vocab);
  let xx = 0;
  let yy = 0;
  let xy = 0;
  for (let q = 0; q < x.sum.length; q++) {
    xx += x.sum[q] * x.sum[q];
    yy += y.sum[q] * y.sum[q];
    xy += x.sum[q] * y.sum[q];
  }
  return (xx - x.squares) / (na * (na - 1)) + (yy - y.squares) / (nb * (nb - 1)) - (2 * xy) / (na * nb);
}
