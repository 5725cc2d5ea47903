/**
 * Storage for memoized probe outputs: a ring of equal-length slots, allocated
 * in chunks as it first fills and never freed. The newest probe takes the
 * oldest slot; whoever held it finds its ticket stale and probes again (exact:
 * the probe is deterministic).
 *
 * Why a ring: every new program's probe output is kept. A fresh Float64Array
 * costs ~4 us; views of throwaway chunks cost less each but kept allocating
 * external memory, whose page faults and GC pressure were a tenth of a
 * search's time. Here a search reuses the same memory all along.
 *
 * Each take makes a new view of its slot (a small object over the same
 * memory), so a view, once returned with its contents, is never returned
 * with other contents: the engine may remember its hash by identity
 * (Domain.stableProbeOutputs).
 */
export class ProbeRing {
  private readonly views: Float64Array<ArrayBuffer>[] = [];
  /** The memory, chunkSlots slots a chunk. */
  private readonly chunks: Float64Array<ArrayBuffer>[] = [];
  /** The ticket each slot was last handed out with. */
  private readonly tickets: number[] = [];
  private issued = 0;

  constructor(
    readonly width: number,
    readonly capacity: number,
    private readonly chunkSlots = 1024,
  ) {}

  /** A slot for a new probe output; its ticket finds it again while `holds` says so. */
  take(): number {
    const ticket = this.issued++;
    const slot = ticket % this.capacity;
    if (slot === this.views.length) this.grow();
    else if (this.tickets[slot] !== -1) {
      // Taken before: a fresh view, so that the old one is never handed out again with new contents.
      const offset = (slot % this.chunkSlots) * this.width;
      this.views[slot] = this.chunks[Math.floor(slot / this.chunkSlots)].subarray(offset, offset + this.width);
    }
    this.tickets[slot] = ticket;
    return ticket;
  }

  /** Whether the slot of `ticket` still holds what was written under it (-1: never taken). */
  holds(ticket: number): boolean {
    return ticket >= 0 && this.tickets[ticket % this.capacity] === ticket;
  }

  /** The slot's memory (the same object until the slot is taken again): valid until `capacity` newer takes. */
  view(ticket: number): Float64Array<ArrayBuffer> {
    return this.views[ticket % this.capacity];
  }

  private grow(): void {
    const slots = Math.min(this.chunkSlots, this.capacity - this.views.length);
    const chunk = new Float64Array(slots * this.width);
    this.chunks.push(chunk);
    for (let k = 0; k < slots; k++) {
      this.views.push(chunk.subarray(k * this.width, (k + 1) * this.width));
      this.tickets.push(-1);
    }
  }
}
