/**
 * ttl-heap.ts: a binary min-heap of (deadline, sequence) pairs for per-message TTL expiry.
 * Entries whose message is already gone are dropped lazily when they reach the top.
 */
import { assert } from "./assert";
import type { Nanos, Seq } from "./units";

interface HeapEntry {
  deadlineNs: Nanos;
  seq: Seq;
}

function less(a: HeapEntry, b: HeapEntry): boolean {
  return a.deadlineNs < b.deadlineNs || (a.deadlineNs === b.deadlineNs && a.seq < b.seq);
}

/** TtlHeap orders messages by TTL deadline, earliest first. */
export class TtlHeap {
  private readonly entries: HeapEntry[] = [];

  /** size is the number of entries, including lazily dropped ones not yet popped. */
  get size(): number {
    return this.entries.length;
  }

  /** push adds a message's deadline. */
  push(deadlineNs: Nanos, seq: Seq): void {
    assert(deadlineNs > 0n, "TtlHeap.push: deadline must be positive");
    const entries = this.entries;
    entries.push({ deadlineNs, seq });
    let i = entries.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!less(entries[i] as HeapEntry, entries[parent] as HeapEntry)) break;
      [entries[i], entries[parent]] = [entries[parent] as HeapEntry, entries[i] as HeapEntry];
      i = parent;
    }
  }

  /** peekDeadline returns the earliest deadline, or undefined when empty. */
  peekDeadline(): Nanos | undefined {
    return this.entries[0]?.deadlineNs;
  }

  /** pop removes and returns the earliest entry; the heap must not be empty. */
  pop(): HeapEntry {
    const entries = this.entries;
    assert(entries.length > 0, "TtlHeap.pop on empty heap");
    const top = entries[0] as HeapEntry;
    const last = entries.pop() as HeapEntry;
    if (entries.length > 0) {
      entries[0] = last;
      this.siftDown(0);
    }
    return top;
  }

  /** retain keeps only the entries `keep` accepts (used to drop entries of removed messages). */
  retain(keep: (deadlineNs: Nanos, seq: Seq) => boolean): void {
    const kept = this.entries.filter((e) => keep(e.deadlineNs, e.seq));
    this.entries.length = 0;
    for (const e of kept) this.push(e.deadlineNs, e.seq);
  }

  private siftDown(start: number): void {
    const entries = this.entries;
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      const at = (k: number) => entries[k] as HeapEntry;
      if (left < entries.length && less(at(left), at(smallest))) smallest = left;
      if (right < entries.length && less(at(right), at(smallest))) smallest = right;
      if (smallest === i) return;
      [entries[i], entries[smallest]] = [entries[smallest] as HeapEntry, entries[i] as HeapEntry];
      i = smallest;
    }
  }
}
