/**
 * Per functional hash: proposals, evaluations, mean cost and last fitness, in
 * typed arrays so that a million distinct hashes stay tens of MB. Keys are the
 * hash's first 13 hex digits (52 bits, exact in a double): a collision among a
 * million hashes has odds near 1e-4 and would only merge two classes' counts.
 */
export class HashTable {
  private readonly slots = new Map<number, number>();
  private size = 0;
  proposals = new Uint32Array(1024);
  evaluations = new Uint32Array(1024);
  costSum = new Float64Array(1024);
  fitness = new Float64Array(1024);
  private hashes: string[] = [];

  slot(hash: string): number {
    const key = parseInt(hash.slice(0, 13), 16);
    let s = this.slots.get(key);
    if (s === undefined) {
      s = this.size++;
      if (s === this.proposals.length) this.grow();
      this.slots.set(key, s);
      this.hashes.push(hash);
      this.fitness[s] = NaN;
    }
    return s;
  }

  get count(): number {
    return this.size;
  }

  hash(slot: number): string {
    return this.hashes[slot];
  }

  meanCost(slot: number): number {
    return this.evaluations[slot] > 0 ? this.costSum[slot] / this.evaluations[slot] : 0;
  }

  private grow(): void {
    const n = this.proposals.length * 2;
    const copy = <T extends Uint32Array | Float64Array>(a: T, b: T): T => (b.set(a), b);
    this.proposals = copy(this.proposals, new Uint32Array(n));
    this.evaluations = copy(this.evaluations, new Uint32Array(n));
    this.costSum = copy(this.costSum, new Float64Array(n));
    this.fitness = copy(this.fitness, new Float64Array(n));
  }

  /** How many classes have each size (proposals sharing one hash), ascending by size. */
  sizeHistogram(): { size: number[]; classes: number[] } {
    const bySize = new Map<number, number>();
    for (let s = 0; s < this.size; s++) bySize.set(this.proposals[s], (bySize.get(this.proposals[s]) ?? 0) + 1);
    const sizes = [...bySize.keys()].sort((a, b) => a - b);
    return { size: sizes, classes: sizes.map((k) => bySize.get(k)!) };
  }

  /** Slots of the `k` largest classes (ties: more evaluations, then hash order). */
  largest(k: number): number[] {
    const top: number[] = [];
    if (k <= 0) return top;
    const better = (a: number, b: number) =>
      this.proposals[a] - this.proposals[b] || this.evaluations[a] - this.evaluations[b] || (this.hashes[a] < this.hashes[b] ? 1 : -1);
    for (let s = 0; s < this.size; s++) {
      if (top.length === k && better(s, top[k - 1]) <= 0) continue;
      let i = top.length === k ? k - 1 : top.length;
      top[i] = s;
      while (i > 0 && better(top[i], top[i - 1]) > 0) [top[i], top[i - 1]] = [top[i - 1], top[i]], i--;
    }
    return top;
  }
}
