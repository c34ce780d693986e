/**
 * seq-list.ts: an ascending list of sequence numbers with O(1) append, O(1) removal of the
 * oldest and O(log n + moved) removal from the middle. Used per subject, where appends always
 * carry a higher sequence than any already present.
 */
import { assert, fail } from "./assert";
import type { Seq } from "./units";

/** COMPACT_HEAD_MIN: the head offset below which the array is never compacted. */
const COMPACT_HEAD_MIN = 64;

/** SeqList is an ascending list of sequences. Invariant: items[head..] strictly ascending. */
export class SeqList {
  private items: Seq[] = [];
  private head = 0;

  /** label is what the list belongs to (the subject), kept so callers can share one string. */
  constructor(readonly label = "") {}

  /** size is how many sequences the list holds. */
  get size(): number {
    return this.items.length - this.head;
  }

  /** first returns the lowest sequence, or 0 when empty. */
  first(): Seq {
    return this.size === 0 ? 0 : (this.items[this.head] as Seq);
  }

  /** last returns the highest sequence, or 0 when empty. */
  last(): Seq {
    return this.size === 0 ? 0 : (this.items[this.items.length - 1] as Seq);
  }

  /** push appends `seq`, which must be above every sequence in the list. */
  push(seq: Seq): void {
    if (!(seq > this.last())) fail(`SeqList.push: ${seq} not above ${this.last()}`);
    this.items.push(seq);
  }

  /** shift removes and returns the lowest sequence; the list must not be empty. */
  shift(): Seq {
    assert(this.size > 0, "SeqList.shift on empty list");
    const seq = this.items[this.head] as Seq;
    this.head += 1;
    this.compact();
    return seq;
  }

  /** remove deletes `seq` if present and reports whether it was. */
  remove(seq: Seq): boolean {
    if (this.size === 0) return false;
    if (seq === this.first()) {
      this.shift();
      return true;
    }
    let low = this.head;
    let high = this.items.length - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const value = this.items[mid] as Seq;
      if (value === seq) {
        this.items.splice(mid, 1);
        return true;
      }
      if (value < seq) low = mid + 1;
      else high = mid - 1;
    }
    return false;
  }

  /** lowerBound returns the lowest sequence >= `seq`, or 0 when there is none. */
  lowerBound(seq: Seq): Seq {
    let low = this.head;
    let high = this.items.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.items[mid] as Seq) < seq) low = mid + 1;
      else high = mid;
    }
    return low < this.items.length ? (this.items[low] as Seq) : 0;
  }

  /** toArray returns the sequences in ascending order (a copy). */
  toArray(): Seq[] {
    return this.items.slice(this.head);
  }

  private compact(): void {
    if (this.head < COMPACT_HEAD_MIN || this.head * 2 < this.items.length) return;
    this.items = this.items.slice(this.head);
    this.head = 0;
  }
}
