/**
 * Hands out small Float64Arrays as views of large chunks. V8 allocates every
 * typed array's memory outside its heap, which costs about 4 µs for a small
 * array that is kept; a view of an existing chunk costs about 0.6 µs. The
 * probe outputs of every new program are kept (memoized), so this is on the
 * search's hot path. A chunk is freed once no view of it is reachable.
 */
export class Float64Slab {
  private chunk: Float64Array<ArrayBuffer>;
  private used = 0;

  constructor(private readonly chunkLength = 1 << 16) {
    this.chunk = new Float64Array(chunkLength);
  }

  /** A zeroed array of length n that no other caller shares. */
  take(n: number): Float64Array<ArrayBuffer> {
    if (n > this.chunkLength) return new Float64Array(n);
    if (this.used + n > this.chunk.length) {
      this.chunk = new Float64Array(this.chunkLength);
      this.used = 0;
    }
    const view = this.chunk.subarray(this.used, this.used + n);
    this.used += n;
    return view;
  }
}
