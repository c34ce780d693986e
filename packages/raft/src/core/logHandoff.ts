/**
 * LogHandoff keeps "handed out to the driver" apart from "durable / applied" (the role of
 * etcd's log_unstable). At most one Ready is outstanding; its watermarks move only on advance.
 *
 *   persistedThrough <= persistHandedThrough <= lastIndex    (entries)
 *   applied <= applyHandedThrough <= commit                  (committed entries)
 */
import { assert } from "../assert";
import type { LogIndex, SnapshotMeta } from "./types";

/** LogHandoff tracks what was handed out in a Ready and what the driver confirmed. */
export class LogHandoff {
  /** persistHandedThrough: last entry index handed out for persistence (lowered on truncation). */
  persistHandedThrough: LogIndex;
  /** persistedThrough: last entry index the driver fsynced and that is still in our log. */
  persistedThrough: LogIndex;
  /** applyHandedThrough: last committed index handed out for apply. */
  applyHandedThrough: LogIndex;
  /** applied: last index the driver confirmed applied. Invariant: applied <= applyHandedThrough. */
  applied: LogIndex;
  /** pendingSnapshot: a snapshot received from the leader, not yet handed out. */
  pendingSnapshot: SnapshotMeta | null = null;
  /** pendingCompactedThrough: a compaction not yet reported to the driver. */
  pendingCompactedThrough: LogIndex | null = null;

  constructor(lastIndex: LogIndex, applied: LogIndex) {
    this.persistHandedThrough = lastIndex;
    this.persistedThrough = lastIndex;
    this.applyHandedThrough = applied;
    this.applied = applied;
  }

  /** onTruncate: entries from `fromIndex` on were replaced; they are neither handed out nor durable. */
  onTruncate(fromIndex: LogIndex): void {
    this.persistHandedThrough = Math.min(this.persistHandedThrough, fromIndex - 1);
    this.persistedThrough = Math.min(this.persistedThrough, fromIndex - 1);
  }

  /**
   * onSnapshotRestore: the log was reset to `snapshot`. Only the old committed prefix (identical
   * on every replica) may still count as durable until the snapshot itself is persisted.
   */
  onSnapshotRestore(snapshot: SnapshotMeta, oldCommitted: LogIndex): void {
    assert(snapshot.index > this.applyHandedThrough, "snapshot must be ahead of everything handed out to apply");
    this.pendingSnapshot = snapshot;
    this.persistHandedThrough = snapshot.index;
    this.persistedThrough = Math.min(this.persistedThrough, oldCommitted);
    this.applyHandedThrough = snapshot.index;
  }
}

/** HandoffMarks records what one Ready handed out, to be confirmed by advance. */
export interface HandoffMarks {
  readonly persistThrough: LogIndex;
  readonly applyThrough: LogIndex;
  readonly snapshotIndex: LogIndex | null;
}

/** advanceHandoff moves the durable/applied watermarks once the driver finished a Ready. */
export function advanceHandoff(handoff: LogHandoff, marks: HandoffMarks): void {
  // Entries truncated after the hand-out lowered persistHandedThrough, so this never claims
  // durability for an entry the driver has not written in its current form.
  const written = Math.min(marks.persistThrough, handoff.persistHandedThrough);
  handoff.persistedThrough = Math.max(handoff.persistedThrough, written);
  const appliedThrough = Math.max(marks.applyThrough, marks.snapshotIndex ?? 0);
  assert(appliedThrough >= handoff.applied, "applied never decreases");
  handoff.applied = appliedThrough;
  assert(handoff.applied <= handoff.applyHandedThrough, "applied beyond what was handed out");
}
