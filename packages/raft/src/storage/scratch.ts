/**
 * ScratchArena: reusable memory for the values of one LevelDB batch. LevelDB copies a value into
 * its write batch when it is put, so a value needs to live only until the batch's puts are done.
 * Building each Ready's log segment in fresh memory made every node allocate its whole log a
 * second time, as external memory V8 answers with extra scavenges: with 16 KiB entries at 100 in
 * flight, 1.6 MB per round per node, and most of a node's garbage-collection time.
 */
import { SCRATCH_BYTES_MAX, SCRATCH_BYTES_MIN } from "./limits";

/** ScratchArena hands out unzeroed memory that stays valid until the next `reset`. */
export class ScratchArena {
  private buffer = Buffer.allocUnsafeSlow(0);
  private used = 0;

  /** reset makes all memory reusable; call it only once every value taken since the last reset has been put. */
  reset(): void {
    this.used = 0;
  }

  /**
   * take returns `bytes` of memory no other value taken since the last reset shares. When the
   * arena is full it moves to a larger buffer (values already taken keep the old one); a value
   * above SCRATCH_BYTES_MAX gets memory of its own, so one huge entry does not pin a huge arena.
   */
  take(bytes: number): Buffer {
    if (bytes > SCRATCH_BYTES_MAX) return Buffer.allocUnsafeSlow(bytes);
    if (this.used + bytes > this.buffer.length) {
      const grown = Math.max(bytes, this.buffer.length * 2, SCRATCH_BYTES_MIN);
      this.buffer = Buffer.allocUnsafeSlow(Math.min(SCRATCH_BYTES_MAX, grown));
      this.used = 0;
    }
    const value = this.buffer.subarray(this.used, this.used + bytes);
    this.used += bytes;
    return value;
  }
}
