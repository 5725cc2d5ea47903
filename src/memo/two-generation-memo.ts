/**
 * A bounded memo in two generations of plain Maps: new entries go into the
 * newer generation; when it is full it becomes the older one and the older is
 * dropped; an entry found in the older generation moves into the newer. So the
 * memo holds at most two generations, and what was used recently stays.
 *
 * For memos whose contents change speed only (a program's compiled form, a
 * probe output's hash), where lru-cache's exact recency order buys nothing: its
 * bookkeeping on every get and set was ~4% of an AutoML-Zero search, and a
 * WeakMap's entries cost the garbage collector more than hashing saved. Not for
 * the functional equivalence cache, whose evictions change what hits.
 */
export interface GenerationLimits {
  /** Entries a generation holds. */
  entries: number;
  /** Their weights summed (see `weigh`): a few heavy entries end a generation early. */
  weight?: number;
}

export class TwoGenerationMemo<K, V> {
  private newer = new Map<K, V>();
  private older = new Map<K, V>();
  private weight = 0;

  constructor(
    private readonly limits: GenerationLimits,
    /** An entry's weight (e.g. the length of an array key); 1 each by default. */
    private readonly weigh: (key: K, value: V) => number = () => 1,
  ) {}

  get(key: K): V | undefined {
    const found = this.newer.get(key);
    if (found !== undefined) return found;
    const old = this.older.get(key);
    if (old !== undefined) this.set(key, old);
    return old;
  }

  set(key: K, value: V): void {
    if (this.newer.size >= this.limits.entries || this.weight >= (this.limits.weight ?? Number.POSITIVE_INFINITY)) {
      this.older = this.newer;
      this.newer = new Map();
      this.weight = 0;
    }
    this.newer.set(key, value);
    this.weight += this.weigh(key, value);
  }
}
