/**
 * Inflights: the bounded window of Append messages sent to one follower and not yet acknowledged.
 *
 * Each slot holds the last log index an Append carried. An acknowledgement up to index i frees
 * every slot <= i. A leaf module: plain numbers, no Raft imports.
 */

/** Inflights is a FIFO of the last indexes of unacknowledged appends, bounded by `sizeMax`. */
export class Inflights {
  /** Invariant: strictly increasing, length <= sizeMax. */
  private readonly lastIndexes: number[] = [];

  constructor(readonly sizeMax: number) {
    if (!Number.isInteger(sizeMax) || sizeMax < 1) {
      throw new RangeError(`inflight window must be a positive integer, got ${sizeMax}`);
    }
  }

  /** count is the number of unacknowledged appends. */
  get count(): number {
    return this.lastIndexes.length;
  }

  /** full reports whether no further append may be sent. */
  full(): boolean {
    return this.lastIndexes.length >= this.sizeMax;
  }

  /** add records an append whose last entry is `lastIndex`. */
  add(lastIndex: number): void {
    if (this.full()) throw new RangeError("inflights: add on a full window");
    const previous = this.lastIndexes[this.lastIndexes.length - 1];
    if (previous !== undefined && lastIndex <= previous) {
      throw new RangeError(`inflights: index ${lastIndex} not above ${previous}`);
    }
    this.lastIndexes.push(lastIndex);
  }

  /** freeLE frees every append whose last index is <= `index`. */
  freeLE(index: number): void {
    let freed = 0;
    while (freed < this.lastIndexes.length && (this.lastIndexes[freed] as number) <= index) freed += 1;
    if (freed > 0) this.lastIndexes.splice(0, freed);
  }

  /** freeFirstOne frees the oldest append (a heartbeat response proves the link is alive). */
  freeFirstOne(): void {
    this.lastIndexes.shift();
  }

  /** reset forgets every append (on a state change of the progress). */
  reset(): void {
    this.lastIndexes.length = 0;
  }
}
