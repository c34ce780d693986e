/**
 * dedupe-window.ts: the in-memory dedupe window of one stream: `Nats-Msg-Id` -> (sequence,
 * time), ordered by time so pruning removes exactly the entries older than the window, whatever
 * order they were applied in (a replica that restarted and rebuilt the window from disk prunes
 * exactly what one that did not restart prunes).
 */
import { assert, fail } from "./assert";
import type { DedupeEntry } from "./view";
import type { Nanos, Seq } from "./units";

/** WindowEntry is one remembered message id. */
export interface WindowEntry {
  msgId: string;
  seq: Seq;
  timestampNs: Nanos;
}

const COMPACT_HEAD_MIN = 64;

/** DedupeWindow maps message ids to entries. Invariant: order[head..] ascending by time. */
export class DedupeWindow {
  private readonly byId = new Map<string, WindowEntry>();
  private order: WindowEntry[] = [];
  private head = 0;

  /** get returns the entry of `msgId`, if remembered. */
  get(msgId: string): DedupeEntry | undefined {
    const entry = this.byId.get(msgId);
    return entry === undefined ? undefined : { seq: entry.seq, timestampNs: entry.timestampNs };
  }

  /** add remembers `msgId`; an earlier entry for the same id must be removed first. */
  add(entry: WindowEntry): void {
    if (this.byId.has(entry.msgId)) fail(`DedupeWindow.add: ${entry.msgId} already present`);
    this.byId.set(entry.msgId, entry);
    const order = this.order;
    let at = order.length;
    // Times are almost always ascending, so the insertion point is almost always the end.
    while (at > this.head && (order[at - 1] as WindowEntry).timestampNs > entry.timestampNs) at -= 1;
    if (at === order.length) order.push(entry);
    else order.splice(at, 0, entry);
  }

  /** remove forgets `msgId` (used when an id is re-stored); returns the removed entry. */
  remove(msgId: string): WindowEntry | undefined {
    const entry = this.byId.get(msgId);
    if (entry === undefined) return undefined;
    this.byId.delete(msgId);
    const index = this.order.indexOf(entry, this.head);
    assert(index >= 0, "DedupeWindow.remove: entry missing from order");
    if (index === this.head) this.head += 1;
    else this.order.splice(index, 1);
    this.compact();
    return entry;
  }

  /** pruneBefore removes every entry with timestampNs <= cutoffNs and returns them. */
  pruneBefore(cutoffNs: Nanos): WindowEntry[] {
    const removed: WindowEntry[] = [];
    const order = this.order;
    while (this.head < order.length && (order[this.head] as WindowEntry).timestampNs <= cutoffNs) {
      const entry = order[this.head] as WindowEntry;
      this.byId.delete(entry.msgId);
      removed.push(entry);
      this.head += 1;
    }
    this.compact();
    return removed;
  }

  /** oldest returns the entry with the earliest time, or undefined when empty. */
  oldest(): WindowEntry | undefined {
    return this.order[this.head];
  }

  /** entries returns every entry, oldest first. */
  entries(): WindowEntry[] {
    return this.order.slice(this.head);
  }

  private compact(): void {
    if (this.head < COMPACT_HEAD_MIN || this.head * 2 < this.order.length) return;
    this.order = this.order.slice(this.head);
    this.head = 0;
  }
}
